#!/bin/bash
# Install what assay needs to build and test on Debian 12, as root.
# Idempotent: packages already installed are not fetched again.
set -euo pipefail

packages=(
	# build
	gcc meson ninja-build pkg-config
	# libraries (see meson.build)
	libxml2-dev libpcap-dev libssh-dev libmicrohttpd-dev libssl-dev
	libcurl4-openssl-dev check
	# tests: schema checks from the shell, and pty handling; the check of
	# the scheduler job definitions in lab-config/ci/
	libxml2-utils python3-yaml
	# the tools assay runs
	nmap tshark tcpdump
	# benchmarks: the brute-force rate is compared with hydra's; the
	# dashboard is loaded with wrk
	hydra wrk
	# the dashboard's browser test (tests/ui): Debian's Chromium, driven
	# by playwright-core from npm (see ui_deps below)
	chromium
	# the virtual bench (tests/bench): network namespaces and the daemons
	# of its two devices, and the clients its test drives them with; jq
	# parses update manifests in the devices' update agents
	iproute2 procps util-linux nftables socat openssl curl jq
	dropbear-bin openssh-server openssh-client
	lighttpd lighttpd-mod-openssl mosquitto mosquitto-clients
	snmpd snmp inetutils-telnetd inetutils-telnet vsftpd
	# the weak camera's CoAP server (coap-server-notls) and its check
	libcoap3-bin
)

# A fresh Debian 12 has no node: take Debian's (a machine with its own
# node and npm keeps them).
if ! command -v npm >/dev/null 2>&1; then
	packages+=(nodejs npm)
fi

# The dashboard's browser test needs playwright-core (pinned in
# tests/ui/package-lock.json), installed only when it is not there yet.
# Without node or the registry the test skips (exit 77) and says why.
ui_deps() {
	local ui=tests/ui
	[ -d "$ui/node_modules/playwright-core" ] && return 0
	if ! command -v npm >/dev/null 2>&1; then
		echo "install-deps: no npm; the browser test (tests/ui) will skip" >&2
		return 0
	fi
	echo "install-deps: npm ci --prefix $ui"
	npm ci --prefix "$ui" --no-audit --no-fund >/dev/null 2>&1 ||
		echo "install-deps: npm ci --prefix $ui failed; the browser test will skip" >&2
	return 0
}
cd "$(dirname "$0")/.."

missing=()
for p in "${packages[@]}"; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null |
	    grep -q "install ok installed"; then
		missing+=("$p")
	fi
done

if [ "${#missing[@]}" -eq 0 ]; then
	ui_deps
	exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
	echo "install-deps: missing packages: ${missing[*]}" >&2
	echo "install-deps: run as root (or install them) and try again" >&2
	exit 1
fi

# Daemon packages (openssh-server, lighttpd, mosquitto, snmpd) start their
# service in the root namespace from their postinst; the bench runs them
# itself, in its own namespaces.  A policy-rc.d that answers 101 stops
# invoke-rc.d and deb-systemd-invoke from starting anything.  Create it only
# when there is none, and remove only the one made here.
policy=/usr/sbin/policy-rc.d
made_policy=0
cleanup() {
	if [ "$made_policy" -eq 1 ]; then
		rm -f "$policy"
	fi
}
trap cleanup EXIT
if [ ! -e "$policy" ]; then
	printf '#!/bin/sh\n# Made by assay tools/install-deps.sh for its install only.\nexit 101\n' >"$policy"
	chmod 0755 "$policy"
	made_policy=1
fi

echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
ui_deps
