#!/bin/bash
# Install what assay needs to build and test on Debian 12, as root.
# Idempotent: packages already installed are not fetched again.
set -euo pipefail

packages=(
	# build
	gcc meson ninja-build pkg-config
	# libraries (see meson.build)
	libxml2-dev libpcap-dev libssh-dev libmicrohttpd-dev libssl-dev check
	# tests: schema checks from the shell, and pty handling
	libxml2-utils
)

missing=()
for p in "${packages[@]}"; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null |
	    grep -q "install ok installed"; then
		missing+=("$p")
	fi
done

if [ "${#missing[@]}" -eq 0 ]; then
	exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
	echo "install-deps: missing packages: ${missing[*]}" >&2
	echo "install-deps: run as root (or install them) and try again" >&2
	exit 1
fi
echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
