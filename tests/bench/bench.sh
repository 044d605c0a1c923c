#!/bin/bash
# The virtual bench: three consumer-IoT devices, each in its own network
# namespace with real Debian daemons, for assay's integration tests: two
# units of one camera model (weak, weak2) and a hub (hardened).
#
#   bench.sh up     [DEVICE|all]          bring up (idempotent; verifies)
#   bench.sh down   [DEVICE|all]          tear down (idempotent)
#   bench.sh status [DEVICE|all]          exit 0 when everything runs
#   bench.sh power-off|power-on NAME      stop or restart NAME's daemons
#   bench.sh link-down|link-up NAME       root-side veth down or up
#   bench.sh local-check NAME             exit 0 while NAME's local function
#                                         (recording, automations) works
#
# Topology (a contract: the lab configuration and the tests use these names):
#   netns assay-weak      asy-weak0 198.18.1.1/24 fd00:a55a:1::1/64
#                         eth0      198.18.1.2/24 fd00:a55a:1::2/64
#   netns assay-hardened  asy-hard0 198.18.2.1/24 fd00:a55a:2::1/64
#                         eth0      198.18.2.2/24 fd00:a55a:2::2/64
#   netns assay-weak2     asy-weak20 198.18.3.1/24 fd00:a55a:3::1/64
#                         eth0      198.18.3.2/24 fd00:a55a:3::2/64
# weak2 is a second unit of the weak camera's model (MODEL): the same
# firmware, flaws and admin/admin, its own serial number and MAC address.
# State (pid files, keys, rendered configs, logs, the serial console pty and
# the lab's credentials) lives in /run/assay-bench/NAME/.  Each namespace
# gets its own passwd, shadow and group in /etc/netns/assay-NAME/; the
# host's files are only read.
#
# Firmware: each device has an update agent, bin/fwctl (tests/bench/fwctl.sh,
# whose header is the contract: the vendor's release images in release/,
# the device's firmware in fw/); the weak camera's runs from its web UI,
# the hardened hub's is a daemon (service "update", kind proc).
#
# Network safety: every address used lies inside the namespaces made here
# (198.18.0.0/15, fd00:a55a::/32).  The namespaces have no default route and
# the root namespace gets unreachable routes for both ranges, so nothing
# can leave by mistake.  Every daemon runs under "timeout 2h": a forgotten
# bench stops by itself.  Only recorded PIDs (and their process groups) are
# signalled, plus, on power-off and down, whatever still runs inside the
# device's own namespace (its login sessions and shells).
set -u
set -o pipefail

SELF=$(readlink -f "${BASH_SOURCE[0]}")
HERE=${SELF%/*}
STATE_ROOT=/run/assay-bench
LOCK=/run/lock/assay-bench.lock
LIFETIME=2h
CONSOLE_RESTARTS=5000
DEVICES=(weak hardened weak2)
GUARD4=198.18.0.0/15
GUARD6=fd00:a55a::/32
# The guard routes carry their own metric, so that adding and deleting them
# never touches a route of the same prefix that someone else owns.
GUARD_METRIC=4242

# Per-device facts.  SERVICES lists NAME:KIND:PORTS, KIND tcp, udp, pty or
# proc (a daemon without a port: ready while its process lives); the order
# is the start order.
declare -A MODEL=([weak]=weak [hardened]=hardened [weak2]=weak)
declare -A NETNO=([weak]=1 [hardened]=2 [weak2]=3)
declare -A VETH=([weak]=asy-weak0 [hardened]=asy-hard0 [weak2]=asy-weak20)
declare -A ANNOUNCE_PORT=([mdns]=5353 [ssdp]=1900) ANNOUNCE_EXT=([mdns]=bin [ssdp]=txt)
declare -A HOSTNAME_OF=([weak]=lc20-cam [hardened]=h1-hub [weak2]=lc20-cam)
# The unit's serial number (the camera's; printed on its label).
declare -A SERIAL=([weak]=LC20-2291-0007 [weak2]=LC20-2291-0008 [hardened]=H1-2540-1187)
declare -A SERVICES=(
	[weak]="telnet:tcp:23 ssh:tcp:22 http:tcp:80 mqtt:tcp:1883 snmp:udp:161 coap:udp:5683 mdns:udp:5353 ssdp:udp:1900 ftp:tcp:21 rtsp:tcp:554 console:pty:- recorder:proc:- uplink:proc:-"
	[hardened]="ssh:tcp:22 web:tcp:80,443 mqtt:tcp:8883 console:pty:- update:proc:- automation:proc:- uplink:proc:-"
)
SERVICES[weak2]=${SERVICES[weak]}

say() { printf 'bench: %s\n' "$*"; }
warn() { printf 'bench: %s\n' "$*" >&2; }
die() { warn "$*"; exit 1; }

# Names and address prefixes of each device: NSN netns, ST state folder;
# IP4, IP6 and MAC end where the host part goes (1 root side, 2 device).
declare -A NSN ST IP4 IP6 MAC
for d in "${DEVICES[@]}"; do
	NSN[$d]=assay-$d
	ST[$d]=$STATE_ROOT/$d
	IP4[$d]=198.18.${NETNO[$d]}.
	IP6[$d]=fd00:a55a:${NETNO[$d]}::
	MAC[$d]=$(printf '02:a5:5a:%02x:00:0' "${NETNO[$d]}")
done
unset d

in_ns() { ip netns exec "${NSN[$1]}" "${@:2}"; }
ns_exists() { [ -e "/run/netns/${NSN[$1]}" ]; }
# now_ms: set MS to the time in milliseconds (no fork).
now_ms() {
	local t=${EPOCHREALTIME//[.,]/}
	MS=$((10#$t / 1000))
}

# poll MS CMD...: run CMD every 50 ms until it succeeds (0) or MS pass (1).
poll() {
	local end
	now_ms
	end=$((MS + $1))
	shift
	while :; do
		"$@" && return 0
		now_ms
		[ "$MS" -ge "$end" ] && return 1
		sleep 0.05
	done
}

# ---------------------------------------------------------------- processes

# svc_pid DEV SVC: set PID to the recorded PID of SVC if that process is
# alive and still ours (guards against PID reuse: a "timeout 2h ip netns
# exec assay-DEV" wrapper); return 1 otherwise.  Builtins only: it runs in
# the readiness loop.
svc_pid() {
	local f=${ST[$1]}/pids/$2.pid p state args=()
	PID=
	[ -r "$f" ] || return 1
	read -r p <"$f" || return 1
	[[ $p =~ ^[0-9]+$ ]] || return 1
	mapfile -d '' args 2>/dev/null <"/proc/$p/cmdline" || return 1
	[ "${args[*]:0:6}" = "timeout $LIFETIME ip netns exec ${NSN[$1]}" ] ||
	    return 1
	read -r _ _ state _ 2>/dev/null <"/proc/$p/stat" || return 1
	[ "$state" != Z ] || return 1
	PID=$p
}

# group_gone PGID: no live process is left in the group.  Zombies do not
# count: an init that reaps slowly (some VMs' do) would keep them around.
group_gone() {
	kill -0 -- "-$1" 2>/dev/null || return 0
	! ps -e -o pgid=,stat= | awk -v g="$1" \
	    '$1 == g && $2 !~ /^Z/ { found = 1 } END { exit !found }'
}

# svc_forked DEV SVC: the recorded PID is alive (it may not have become
# the "timeout" wrapper yet).
svc_forked() {
	local p state
	read -r p 2>/dev/null <"${ST[$1]}/pids/$2.pid" || return 1
	[[ $p =~ ^[0-9]+$ ]] || return 1
	read -r _ _ state _ 2>/dev/null <"/proc/$p/stat" || return 1
	[ "$state" != Z ]
}

# svc_launch DEV SVC ARGV...: run ARGV inside DEV's namespace (through
# __devexec: own hostname, own login records, clean environment) under
# "timeout 2h", in its own session and process group, stdio to the log.
svc_launch() {
	local dev=$1 svc=$2 st=${ST[$1]}
	shift 2
	setsid timeout "$LIFETIME" ip netns exec "${NSN[$dev]}" \
	    unshare --uts -- "$BASH" "$SELF" __devexec "$dev" "$@" \
	    </dev/null >>"$st/log/$svc.log" 2>&1 9>&- &
	printf '%s\n' "$!" >"$st/pids/$svc.pid"
}

# svc_stop DEV SVC: TERM the recorded process group, KILL what is left after
# 5 s, forget the PID.
svc_stop() {
	local f=${ST[$1]}/pids/$2.pid pid
	svc_pid "$1" "$2" || { rm -f "$f"; return 0; }
	pid=$PID
	kill -TERM -- "-$pid" "$pid" 2>/dev/null
	if ! poll 5000 group_gone "$pid"; then
		warn "$1: $2 (pid $pid) did not stop on TERM; sending KILL"
		kill -KILL -- "-$pid" "$pid" 2>/dev/null
		poll 2000 group_gone "$pid"
	fi
	wait "$pid" 2>/dev/null
	rm -f "$f"
}

ns_pids() { ip netns pids "${NSN[$1]}" 2>/dev/null; }
ns_empty() { [ -z "$(ns_pids "$1")" ]; }

# ns_kill DEV: end what still runs inside DEV's namespace (login sessions,
# shells, per-connection children that left the daemon's process group).
ns_kill() {
	local pids
	ns_exists "$1" || return 0
	pids=$(ns_pids "$1")
	[ -n "$pids" ] || return 0
	# shellcheck disable=SC2086
	kill -TERM $pids 2>/dev/null
	if ! poll 3000 ns_empty "$1"; then
		pids=$(ns_pids "$1")
		# shellcheck disable=SC2086
		[ -z "$pids" ] || kill -KILL $pids 2>/dev/null
		poll 2000 ns_empty "$1"
	fi
}

# ------------------------------------------------------------------ network

# net_up DEV: namespace, veth pair, addresses, sysctls, guard routes
# (idempotent).
net_up() {
	local dev=$1 ns=${NSN[$1]} veth=${VETH[$1]} before after
	local f=/proc/sys/net/ipv4/icmp_msgs_per_sec

	if ! ns_exists "$dev"; then
		ip netns add "$ns" || die "$dev: cannot create netns $ns"
	fi
	# A root-side veth whose peer is not our eth0 is stale: rebuild it.
	if ip link show dev "$veth" >/dev/null 2>&1 &&
	    ! ip -n "$ns" link show dev eth0 >/dev/null 2>&1; then
		ip link del "$veth"
	fi
	if ! ip link show dev "$veth" >/dev/null 2>&1; then
		ip link add "$veth" address "${MAC[$dev]}1" type veth \
		    peer name eth0 netns "$ns" address "${MAC[$dev]}2" ||
		    die "$dev: cannot create veth $veth"
	fi
	# Exact and fast answers to UDP scans: no ICMP rate limit in the
	# device.  Static IPv6 addresses survive link-down; no SLAAC.
	in_ns "$dev" sysctl -q -w net.ipv4.icmp_ratelimit=0 \
	    net.ipv6.icmp.ratelimit=0 net.ipv6.conf.eth0.keep_addr_on_down=1 \
	    net.ipv6.conf.eth0.accept_ra=0 net.ipv6.conf.eth0.autoconf=0 \
	    >/dev/null || die "$dev: cannot set the sysctls of $ns"
	# The global ICMP budget (1000/s) would still cut UDP scans short.  It
	# is per namespace on recent kernels only: raise it only where the
	# host's value provably stays as it was.
	read -r before <"$f"
	if in_ns "$dev" sysctl -q -w net.ipv4.icmp_msgs_per_sec=100000 \
	    >/dev/null 2>&1; then
		read -r after <"$f"
		if [ "$before" != "$after" ]; then
			printf '%s\n' "$before" >"$f"
			warn "$dev: icmp_msgs_per_sec is not per namespace here; left as is"
		fi
	fi
	sysctl -q -w "net.ipv6.conf.$veth.keep_addr_on_down=1" \
	    "net.ipv6.conf.$veth.accept_ra=0" >/dev/null
	net_addr "$dev" || die "$dev: cannot set addresses"
	ip link set "$veth" up && ip -n "$ns" link set lo up &&
	    ip -n "$ns" link set eth0 up || die "$dev: cannot set links up"
	ip route replace unreachable "$GUARD4" metric "$GUARD_METRIC" || die "cannot add guard route $GUARD4"
	ip -6 route replace unreachable "$GUARD6" metric "$GUARD_METRIC" || die "cannot add guard route $GUARD6"
}

net_addr() {
	local dev=$1 veth=${VETH[$1]} ns=${NSN[$1]}
	ip addr replace "${IP4[$dev]}1/24" dev "$veth" &&
	    ip -6 addr replace "${IP6[$dev]}1/64" dev "$veth" nodad &&
	    ip -n "$ns" addr replace "${IP4[$dev]}2/24" dev eth0 &&
	    ip -n "$ns" -6 addr replace "${IP6[$dev]}2/64" dev eth0 nodad
}

net_down() {
	local dev=$1 d other=0
	if ns_exists "$dev"; then
		ip netns del "${NSN[$dev]}" || warn "$dev: cannot delete netns"
	fi
	if ip link show dev "${VETH[$dev]}" >/dev/null 2>&1; then
		ip link del "${VETH[$dev]}" || warn "$dev: cannot delete ${VETH[$dev]}"
	fi
	for d in "${DEVICES[@]}"; do
		ns_exists "$d" && other=1
	done
	if [ "$other" -eq 0 ]; then
		ip route del unreachable "$GUARD4" metric "$GUARD_METRIC" 2>/dev/null
		ip -6 route del unreachable "$GUARD6" metric "$GUARD_METRIC" 2>/dev/null
	fi
}

# ----------------------------------------------------------------- accounts

# free_id N FILE...: the first number >= N that is no ID in the FILEs.
free_id() {
	local id=$1
	shift
	while cut -d: -f3 "$@" | grep -qx "$id"; do
		id=$((id + 1))
	done
	printf '%s' "$id"
}

# accounts DEV: /etc/netns/assay-DEV/{passwd,shadow,group}: the host's files
# plus the device's accounts.  The host's files are only read.
accounts() {
	local dev=$1 dir id days hash
	dir=/etc/netns/${NSN[$dev]}
	if [ -s "$dir/passwd" ] && [ -s "$dir/shadow" ] && [ -s "$dir/group" ]; then
		return 0
	fi
	mkdir -p "$dir" || die "$dev: cannot create $dir"
	id=$(free_id 2000 /etc/passwd /etc/group)
	days=$(($(date +%s) / 86400))
	# The host's accounts less any "admin" of its own, plus the device's.
	(umask 077 && grep -v '^admin:' /etc/passwd >"$dir/passwd.new" &&
	    grep -v '^admin:' /etc/group >"$dir/group.new" &&
	    grep -v '^admin:' /etc/shadow >"$dir/shadow.new") ||
	    die "$dev: cannot copy accounts"
	chmod 0644 "$dir/passwd.new" "$dir/group.new"
	chmod 0640 "$dir/shadow.new"
	chgrp shadow "$dir/shadow.new" 2>/dev/null
	case ${MODEL[$dev]} in
	weak)
		# The flaw: the same admin/admin on every unit.
		hash=$(openssl passwd -6 admin) || die "$dev: openssl passwd failed"
		;;
	hardened)
		# Public keys only; "*" disables passwords without locking
		# the account for sshd.
		hash='*'
		;;
	esac
	printf 'admin:x:%s:%s:Device administrator:%s/home/admin:/bin/sh\n' \
	    "$id" "$id" "${ST[$dev]}" >>"$dir/passwd.new"
	printf 'admin:x:%s:\n' "$id" >>"$dir/group.new"
	printf 'admin:%s:%s:0:99999:7:::\n' "$hash" "$days" >>"$dir/shadow.new"
	if ! grep -q '^sshd:' "$dir/passwd.new"; then
		printf 'sshd:x:%s:65534::/run/sshd:/usr/sbin/nologin\n' \
		    "$(free_id 100 "$dir/passwd.new")" >>"$dir/passwd.new"
	fi
	mv "$dir/passwd.new" "$dir/passwd" && mv "$dir/group.new" "$dir/group" &&
	    mv "$dir/shadow.new" "$dir/shadow" || die "$dev: cannot install accounts"
}

admin_id() {
	grep '^admin:' "/etc/netns/${NSN[$1]}/passwd" | cut -d: -f3
}

# ------------------------------------------------------------ state, secrets

render() {
	sed -e "s|@STATE@|$2|g" "$HERE/$1" >"$3" || die "cannot render $1"
}

random_secret() {
	openssl rand -base64 32 | tr -d '/+=\n' | cut -c1-24
}

# secret FILE [VALUE]: create FILE (0600) holding VALUE or a random secret,
# unless it exists.
secret() {
	[ -s "$1" ] && return 0
	(umask 077 && printf '%s\n' "${2:-$(random_secret)}" >"$1") ||
	    die "cannot write $1"
}

state_weak() {
	local st=$1 dev=$2 id f
	install -d -m 0755 "$st/snmp" "$st/ram" "$st/sd" "$st/local"
	secret "$st/admin.pass" admin
	if [ ! -s "$st/ssh/dropbear_ed25519_host_key" ]; then
		dropbearkey -t ed25519 -f "$st/ssh/dropbear_ed25519_host_key" \
		    >/dev/null 2>&1 || die "weak: dropbearkey failed"
	fi
	if [ ! -s "$st/ssh/dropbear_rsa_host_key" ]; then
		# A cheap camera's RSA-1024 host key.
		dropbearkey -t rsa -s 1024 -f "$st/ssh/dropbear_rsa_host_key" \
		    >/dev/null 2>&1 || die "weak: dropbearkey failed"
	fi
	if [ ! -s "$st/etc/lighttpd.user" ]; then
		(umask 077 && printf 'admin:admin\n' >"$st/etc/lighttpd.user")
	fi
	# The "viewer" web account (5.5-4-2 a: a valid user, so it reaches
	# the settings too); its password is the lab's credential file.
	secret "$st/viewer.pass"
	grep -q '^viewer:' "$st/etc/lighttpd.user" ||
	    (umask 077 && printf 'viewer:%s\n' "$(cat "$st/viewer.pass")" \
	    >>"$st/etc/lighttpd.user") || die "weak: cannot add the viewer"
	render weak/lighttpd.conf "$st" "$st/etc/lighttpd.conf"
	render weak/mosquitto.conf "$st" "$st/etc/mosquitto.conf"
	render weak/snmpd.conf "$st" "$st/etc/snmpd.conf"
	announcements "$st" "$dev"
	# FTP (vsftpd, PAM against the namespace's admin/admin) and RTSP
	# (Basic with the same admin/admin).
	install -d -m 0755 "$st/empty"
	render weak/vsftpd.conf "$st" "$st/etc/vsftpd.conf"
	if [ ! -s "$st/etc/rtsp.user" ]; then
		(umask 077 && printf 'admin:admin\n' >"$st/etc/rtsp.user")
	fi
	if [ ! -d "$st/www" ]; then
		cp -r "$HERE/weak/www" "$st/www" ||
		    die "weak: cannot copy the web pages"
		# This unit's serial number and MAC address.
		for f in "$st/www/status.html" "$st/www/status.json" \
		    "$st/www/upnp/desc.xml"; do
			sed -i -e "s/${SERIAL[weak]}/${SERIAL[$dev]}/g" \
			    -e "s/${MAC[weak]}2/${MAC[$dev]}2/g" "$f" ||
			    die "$dev: cannot write $f"
		done
	fi
	id=$(admin_id "$dev")
	mkdir -p "$st/home/admin" && chown "$id:$id" "$st/home/admin"
}

# announcements ST DEV: the camera's prepared mDNS answer (weak/mdns-answer.hex
# as bytes) and SSDP answer, which socat sends to whoever asks (services
# mdns and ssdp; a stand-in for avahi-daemon, whose fixed pid and socket
# paths under /run would clash with a host's own avahi).
announcements() {
	local hex="" line i out=""
	while IFS= read -r line; do
		line=${line%%#*}
		hex+=${line//[[:space:]]/}
	done <"$HERE/weak/mdns-answer.hex"
	[[ $hex =~ ^([0-9a-f]{2})+$ ]] || die "weak: bad weak/mdns-answer.hex"
	for ((i = 0; i < ${#hex}; i += 2)); do
		out+="\\x${hex:i:2}"
	done
	# shellcheck disable=SC2059
	printf "$out" >"$1/etc/mdns-answer.bin" &&
	    printf '%s\r\n' 'HTTP/1.1 200 OK' 'CACHE-CONTROL: max-age=1800' \
	    'EXT:' "LOCATION: http://${IP4[$2]}2/upnp/desc.xml" \
	    'SERVER: Linux/6.1 UPnP/1.0 LC20/1.4.2' 'ST: upnp:rootdevice' \
	    'USN: uuid:4c433230-1dd2-11b2-8000-02a55a010002::upnp:rootdevice' \
	    '' >"$1/etc/ssdp-answer.txt" ||
	    die "weak: cannot write the mDNS and SSDP answers"
}

state_hardened() {
	local st=$1 id san
	mkdir -p "$st/tls" && chmod 0755 "$st/tls"
	install -d -m 0755 "$st/local"
	install -d -m 0750 -o www-data -g www-data "$st/data"
	if [ ! -s "$st/ssh/ssh_host_ed25519_key" ]; then
		ssh-keygen -q -t ed25519 -N '' -C h1-hub \
		    -f "$st/ssh/ssh_host_ed25519_key" || die "hardened: ssh-keygen failed"
	fi
	if [ ! -s "$st/admin_ed25519" ]; then
		ssh-keygen -q -t ed25519 -N '' -C admin@assay-lab \
		    -f "$st/admin_ed25519" || die "hardened: ssh-keygen failed"
	fi
	install -m 0644 "$st/admin_ed25519.pub" "$st/ssh/authorized_keys.admin"
	secret "$st/web.pass"
	secret "$st/mqtt.pass"

	# The bench CA and the device certificate: ECDSA P-256.
	if [ ! -s "$st/ca.pem" ] || [ ! -s "$st/tls/ca.key" ]; then
		openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 \
		    -nodes -keyout "$st/tls/ca.key" -out "$st/ca.pem" -days 30 \
		    -subj "/O=assay virtual bench/CN=assay bench CA" \
		    >/dev/null 2>&1 || die "hardened: cannot make the CA"
		rm -f "$st/tls/server.pem"
	fi
	if [ ! -s "$st/tls/server.pem" ] || [ ! -s "$st/tls/server.key" ]; then
		san="DNS:h1-hub.bench.test,IP:${IP4[hardened]}2,IP:${IP6[hardened]}2"
		openssl req -x509 -CA "$st/ca.pem" -CAkey "$st/tls/ca.key" \
		    -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
		    -keyout "$st/tls/server.key" -out "$st/tls/server.pem" \
		    -days 30 -subj "/O=Korvat Systems/CN=h1-hub.bench.test" \
		    -addext "subjectAltName=$san" \
		    -addext "basicConstraints=critical,CA:FALSE" \
		    -addext "keyUsage=critical,digitalSignature" \
		    -addext "extendedKeyUsage=serverAuth" \
		    >/dev/null 2>&1 || die "hardened: cannot make the certificate"
	fi
	chmod 0600 "$st/tls/ca.key" "$st/tls/server.key"
	install -m 0600 -o mosquitto -g mosquitto "$st/tls/server.pem" "$st/tls/mqtt.pem"
	install -m 0600 -o mosquitto -g mosquitto "$st/tls/server.key" "$st/tls/mqtt.key"

	# The files the daemons check passwords against are made once: the
	# secrets do not change while the device is up.
	# Web: a SHA-512 crypt hash, the www-data worker's only: it reads it
	# at every login and /admin/passwd.cgi replaces it (5.1-4-2).
	[ -s "$st/etc/htpasswd" ] || (umask 077 && printf 'admin:%s\n' \
	    "$(openssl passwd -6 -stdin <"$st/web.pass")" >"$st/etc/htpasswd") ||
	    die "hardened: cannot write htpasswd"
	# The "viewer" account sees the status pages, never /admin/.
	secret "$st/viewer.pass"
	grep -q '^viewer:' "$st/etc/htpasswd" || (umask 027 &&
	    printf 'viewer:%s\n' "$(openssl passwd -6 -stdin <"$st/viewer.pass")" \
	    >>"$st/etc/htpasswd") || die "hardened: cannot add the viewer"
	# Settings > Password (admin/passwd.cgi, as www-data) rewrites it.
	chown www-data:www-data "$st/etc/htpasswd" && chmod 0600 "$st/etc/htpasswd"
	# MQTT: mosquitto's own PBKDF2 hash.
	if [ ! -s "$st/etc/mosquitto.passwd" ]; then
		(umask 077 && printf 'device:%s\n' "$(cat "$st/mqtt.pass")" \
		    >"$st/etc/mosquitto.passwd.new") ||
		    die "hardened: cannot write mosquitto.passwd"
		mosquitto_passwd -U "$st/etc/mosquitto.passwd.new" >/dev/null 2>&1 ||
		    die "hardened: mosquitto_passwd failed"
		chown mosquitto:mosquitto "$st/etc/mosquitto.passwd.new"
		mv "$st/etc/mosquitto.passwd.new" "$st/etc/mosquitto.passwd"
	fi

	render hardened/sshd_config "$st" "$st/etc/sshd_config"
	render hardened/lighttpd.conf "$st" "$st/etc/lighttpd.conf"
	render hardened/mosquitto.conf "$st" "$st/etc/mosquitto.conf"
	render hardened/nftables.conf "$st" "$st/etc/nftables.conf"
	if [ ! -d "$st/www" ]; then
		cp -r "$HERE/hardened/www" "$st/www" ||
		    die "hardened: cannot copy the web pages"
	fi
	chmod -R a+rX "$st/www"
	install -d -m 0750 -o www-data -g www-data "$st/log/www" "$st/run/www"
	id=$(admin_id hardened)
	mkdir -p "$st/home/admin" && chown "$id:$id" "$st/home/admin" &&
	    chmod 0700 "$st/home/admin"

	# sshd's privilege separation directory.
	if [ ! -d /run/sshd ]; then
		install -d -m 0755 /run/sshd && : >"$STATE_ROOT/.created-run-sshd"
	fi
}

# ----------------------------------------------------------------- firmware

# release_image FILE MODEL VERSION: a release image of the vendor (format in
# fwctl.sh), made once; a new one loses its stale signature.
release_image() {
	[ -s "$1" ] && return 0
	[ -e "$1.sig" ] && rm -f "$1.sig"
	{ printf 'ASSAYFW1 %s %s\n' "$2" "$3" && openssl rand 262144; } \
	    >"$1.new" && mv -f "$1.new" "$1" || die "cannot make $1"
}

# firmware DEV: the update agent (installed again when it changed), the
# vendor's release images (and, for the hub, its signing key and the
# signatures, made once) and the device's firmware state (made at first
# bring-up, kept across power-off/on).  Contract in fwctl.sh's header.
# Runs in a subshell of its own (beside state_DEV): the umask is its own.
firmware() {
	local dev=$1 st=${ST[$1]} rel fw key model old new v id
	rel=$st/release fw=$st/fw key=$st/release-key/vendor.key
	case ${MODEL[$dev]} in
	weak) model=lc20 old=1.4.2 new=1.4.3 ;;
	hardened) model=h1 old=3.2.0 new=3.2.1 ;;
	esac
	umask 022
	# A new file renamed over the old: a running agent keeps reading its
	# own (bash reads a script as it goes).
	if [ ! -e "$st/bin/fwctl" ]; then
		install -m 0755 "$HERE/fwctl.sh" "$st/bin/fwctl" ||
		    die "$dev: cannot install fwctl"
	elif [ "$(<"$HERE/fwctl.sh")" != "$(<"$st/bin/fwctl")" ]; then
		{ install -m 0755 "$HERE/fwctl.sh" "$st/bin/.fwctl.new" &&
		    mv -f "$st/bin/.fwctl.new" "$st/bin/fwctl"; } ||
		    die "$dev: cannot install fwctl"
	fi
	for v in "$old" "$new"; do
		release_image "$rel/$model-$v.img" "$model" "$v"
	done
	if [ "$dev" = hardened ]; then
		if [ ! -s "$key" ]; then
			umask 077
			{ mkdir -p "${key%/*}" && openssl genpkey -algorithm EC \
			    -pkeyopt ec_paramgen_curve:P-256 -out "$key"; } ||
			    die "$dev: cannot make the vendor key"
			umask 022
			rm -f "$rel"/*.sig "$fw/vendor.pub"
		fi
		if [ ! -s "$fw/vendor.pub" ]; then
			openssl pkey -in "$key" -pubout -out "$fw/vendor.pub" ||
			    die "$dev: cannot write the vendor's public key"
		fi
		for v in "$old" "$new"; do
			[ -s "$rel/$model-$v.img.sig" ] && continue
			openssl dgst -sha256 -sign "$key" \
			    -out "$rel/$model-$v.img.sig" "$rel/$model-$v.img" ||
			    die "$dev: cannot sign $model-$v.img"
		done
		# The recovery copy that factory-reset restores.
		if [ ! -s "$fw/factory.img" ]; then
			cp "$rel/$model-$old.img" "$fw/factory.img" ||
			    die "$dev: cannot write $fw/factory.img"
		fi
		# The admin's requests to the root agent (fwctl set-server,
		# check, factory-reset).
		if [ ! -d "$fw/inbox" ]; then
			id=$(admin_id hardened)
			install -d -m 0755 -o "$id" -g "$id" "$fw/inbox" ||
			    die "$dev: cannot create $fw/inbox"
		fi
	fi
	# The weak web UI's CGI runs as lighttpd's user, root (one of the
	# camera's flaws), and so can write fw/.
	if [ ! -s "$fw/version" ] || [ ! -s "$fw/image" ]; then
		cp "$rel/$model-$old.img" "$fw/image" ||
		    die "$dev: cannot install firmware $old"
		printf '%s\n' "$old" >"$fw/version" ||
		    die "$dev: cannot install firmware $old"
	fi
}

# state DEV: the state folder with keys, secrets and rendered configs;
# secrets and keys survive until down, configs are rendered every time.
state() {
	local dev=$1 st f fwpid
	st=${ST[$dev]}
	install -d -m 0755 "$STATE_ROOT" "$st" || die "$dev: cannot create $st"
	install -d -m 0755 "$st/etc" "$st/ssh" "$st/run" "$st/log" "$st/pids" \
	    "$st/var" "$st/home" "$st/bin" "$st/release" "$st/fw"
	# Login records of the device (bind-mounted over the host's, see
	# __devexec) so that logins on the device leave the host's alone.
	for f in wtmp btmp lastlog utmp; do
		[ -e "$st/var/$f" ] || install -m 0664 /dev/null "$st/var/$f"
	done
	# The firmware's files (openssl work of their own) are made meanwhile.
	firmware "$dev" &
	fwpid=$!
	"state_${MODEL[$dev]}" "$st" "$dev"
	wait "$fwpid" || die "$dev: cannot make the firmware state"
}

# ------------------------------------------------------------------ services

# svc_argv DEV SVC: set ARGV to SVC's command line.
svc_argv() {
	local st
	st=${ST[$1]}
	case ${MODEL[$1]}:$2 in
	weak:telnet)
		# Debian's busybox has no telnetd: inetutils telnetd per
		# connection behind socat, /bin/login against the ns accounts.
		# shellcheck disable=SC2054
		ARGV=(socat TCP6-LISTEN:23,fork,reuseaddr,ipv6only=0
		    EXEC:/usr/sbin/telnetd,nofork) ;;
	weak:ssh)
		ARGV=(dropbear -F -E -p 22 -r "$st/ssh/dropbear_rsa_host_key"
		    -r "$st/ssh/dropbear_ed25519_host_key"
		    -P "$st/run/dropbear.pid") ;;
	weak:http | hardened:web)
		ARGV=(lighttpd -D -f "$st/etc/lighttpd.conf") ;;
	weak:mqtt | hardened:mqtt)
		ARGV=(mosquitto -c "$st/etc/mosquitto.conf") ;;
	weak:snmp)
		ARGV=(env "SNMP_PERSISTENT_DIR=$st/snmp" snmpd -f -C -I -smux
		    -c "$st/etc/snmpd.conf" -Lf "$st/log/snmpd-agent.log"
		    -p "$st/run/snmpd.pid") ;;
	weak:coap)
		# libcoap's example server (libcoap3-bin): UDP and, as libcoap
		# does, CoAP over TCP on the same port (both declared).
		ARGV=(coap-server-notls -A "${IP4[$1]}2" -p 5683) ;;
	weak:mdns | weak:ssdp)
		# One prepared answer to every datagram, sent back to its
		# sender (see announcements()).
		# shellcheck disable=SC2054
		ARGV=(socat "UDP6-RECVFROM:${ANNOUNCE_PORT[$2]},fork,reuseaddr,ipv6only=0"
		    "EXEC:cat $st/etc/${2}-answer.${ANNOUNCE_EXT[$2]}") ;;
	weak:ftp)
		ARGV=(vsftpd "$st/etc/vsftpd.conf") ;;
	weak:rtsp)
		# Debian has no small RTSP server: a responder per connection.
		# shellcheck disable=SC2054
		ARGV=(socat TCP6-LISTEN:554,fork,reuseaddr,ipv6only=0
		    "EXEC:$HERE/weak/rtsp.sh $st/etc/rtsp.user") ;;
	hardened:ssh)
		ARGV=(/usr/sbin/sshd -D -e -f "$st/etc/sshd_config") ;;
	*:console)
		ARGV=("$BASH" "$SELF" __console "$1") ;;
	hardened:update)
		ARGV=("$st/bin/fwctl" agent) ;;
	weak:recorder | hardened:automation)
		ARGV=("$BASH" "$SELF" __local "$1") ;;
	*:uplink)
		ARGV=("$BASH" "$SELF" __uplink "$1") ;;
	*) die "unknown service $1:$2" ;;
	esac
}

# listening DEV: set LISTEN to the device's listening sockets, " tcp:22
# udp:161 ... ", read inside the namespace (nothing is sent).
listening() {
	local proto addr
	LISTEN=" "
	while read -r proto _ _ _ addr _; do
		LISTEN+="$proto:${addr##*:} "
	done < <(in_ns "$1" ss -Hlnut 2>/dev/null)
}

# ready DEV KIND PORTS: the service listens (after "listening DEV"); a
# proc is ready as soon as it runs (the caller has checked its PID).
ready() {
	local dev=$1 kind=$2 port
	case $kind in
	pty)
		[ -L "${ST[$dev]}/console" ] && [ -e "${ST[$dev]}/console" ]
		return ;;
	proc) return 0 ;;
	esac
	for port in ${3//,/ }; do
		[[ $LISTEN == *" $kind:$port "* ]] || return 1
	done
}

# answers DEV: one real exchange per service from the root namespace: a TCP
# connection to every TCP port, an SNMP get for snmp, one datagram for the
# weak camera's announcements (only the weak device has UDP services).
answers() {
	local dev=$1 entry svc kind ports more tcp=() ip=${IP4[$1]}2
	for entry in ${SERVICES[$dev]}; do
		IFS=: read -r svc kind ports <<<"$entry"
		case $kind in
		tcp) IFS=, read -ra more <<<"$ports"; tcp+=("${more[@]}") ;;
		udp)
			case $svc in
			snmp)
				timeout 5 snmpget -v2c -c public -t 1 -r 1 "$ip" \
				    1.3.6.1.2.1.1.5.0 >/dev/null 2>&1 ;;
			coap)
				timeout 5 coap-client-notls -B 3 \
				    "coap://$ip/.well-known/core" 2>/dev/null |
				    grep -q '</time>' ;;
			*)
				# mdns, ssdp: any datagram gets the answer
				# (the responder forks per datagram: a busy
				# machine gets three tries of 1 s).
				for _ in 1 2 3; do
					printf x | timeout 5 socat -t 1 -T 2 - \
					    "UDP4:$ip:$ports" 2>/dev/null |
					    grep -q . && break
				done ;;
			esac ||
			    { warn "$dev: $svc ($kind/$ports) does not answer"; return 1; }
			;;
		esac
	done
	# shellcheck disable=SC2016
	timeout 10 bash -c 'ip=$1; shift; for p; do
		exec 3<>"/dev/tcp/$ip/$p" || { echo "tcp/$p"; exit 1; }
		exec 3<&-; done' _ "$ip" "${tcp[@]}" 2>/dev/null ||
	    { warn "$dev: a TCP service does not answer"; return 1; }
}

# retained DEV: publish the retained status topic of the device's broker.
retained() {
	local st=${ST[$1]}
	case ${MODEL[$1]} in
	weak)
		timeout 5 mosquitto_pub -h "${IP4[$1]}2" -p 1883 -r -q 1 \
		    -t camera/status -m '{"model":"LC20","serial":"'"${SERIAL[$1]}"'","firmware":"1.4.2","owner":"owner@example.com","recording":true}' ;;
	hardened)
		timeout 5 mosquitto_pub -h "${IP4[hardened]}2" -p 8883 \
		    --cafile "$st/ca.pem" -u device -P "$(cat "$st/mqtt.pass")" \
		    -r -q 1 -t hub/status -m online ;;
	esac
}

# power_on DEV: start every service that does not run, wait (bounded) until
# all listen, then check that each answers.
power_on() {
	local dev=$1 st=${ST[$1]} entry svc kind ports started=() pending end
	now_ms
	end=$((MS + 15000))
	# The hub's firewall comes up with it (and its meters start empty).
	if [ "$dev" = hardened ] &&
	    ! in_ns "$dev" nft list table inet assay_hub >/dev/null 2>&1; then
		in_ns "$dev" nft -f "$st/etc/nftables.conf" ||
		    die "$dev: cannot load the nftables rules"
	fi
	for entry in ${SERVICES[$dev]}; do
		IFS=: read -r svc kind ports <<<"$entry"
		svc_pid "$dev" "$svc" && continue
		svc_argv "$dev" "$svc"
		svc_launch "$dev" "$svc" "${ARGV[@]}"
		started+=("$svc")
	done

	while :; do
		pending=()
		listening "$dev"
		for entry in ${SERVICES[$dev]}; do
			IFS=: read -r svc kind ports <<<"$entry"
			if ! svc_pid "$dev" "$svc"; then
				# Just forked, not yet "timeout": wait.
				if svc_forked "$dev" "$svc"; then
					pending+=("$svc")
					continue
				fi
				warn "$dev: $svc exited; last lines of its log:"
				tail -n 5 "$st/log/$svc.log" >&2
				return 1
			fi
			ready "$dev" "$kind" "$ports" || pending+=("$svc")
		done
		[ "${#pending[@]}" -eq 0 ] && break
		now_ms
		if [ "$MS" -gt "$end" ]; then
			warn "$dev: not listening after 15 s: ${pending[*]}"
			return 1
		fi
		sleep 0.05
	done
	answers "$dev" || return 1
	if [[ " ${started[*]} " == *" mqtt "* ]]; then
		retained "$dev" >/dev/null 2>&1 ||
		    { warn "$dev: cannot publish the retained status topic"; return 1; }
	fi
	if [ "${#started[@]}" -gt 0 ]; then
		say "$dev: started ${started[*]}"
	else
		say "$dev: all services already running"
	fi
}

power_off() {
	local dev=$1 entry svc kind ports
	for entry in ${SERVICES[$dev]}; do
		IFS=: read -r svc kind ports <<<"$entry"
		svc_stop "$dev" "$svc"
	done
	ns_kill "$dev"
	if [ "$dev" = hardened ] && ns_exists "$dev"; then
		in_ns "$dev" nft delete table inet assay_hub 2>/dev/null
	fi
	rm -f "${ST[$dev]}/console"
	# The flaw: the camera keeps its settings in RAM, so a power cut
	# loses them (its IXIT says they survive).
	if [ "${MODEL[$dev]}" = weak ]; then
		rm -f "${ST[$dev]}/ram/settings"
	fi
}

# setup DEV: what the owner configured at first setup (device_up only: a
# power-on does not bring it back).
setup() {
	local st=${ST[$1]}
	case ${MODEL[$1]} in
	weak)
		[ -s "$st/ram/settings" ] ||
		    printf 'timezone=Europe/Berlin\nowner=owner@example.com\n' \
		    >"$st/ram/settings"
		[ -s "$st/sd/index" ] ||
		    printf 'clip 2026-11-20T08:00:00Z owner@example.com\n' \
		    >"$st/sd/index"
		;;
	hardened)
		if [ ! -s "$st/data/settings" ]; then
			printf 'timezone=Europe/Berlin\nname=Living room\n' \
			    >"$st/data/settings"
			printf 'event 2026-11-20T08:00:00Z paired sensor 1\n' \
			    >"$st/data/events"
			chown www-data:www-data "$st/data/settings" "$st/data/events"
		fi
		;;
	esac
}

# __local DEV: the device's local function, a stand-in for what it does
# without any network: the camera records only while its link is up (the
# flaw: its IXIT says recording goes on without network), the hub's
# automations run regardless.  Writes STATE/local/state every 0.2 s.
local_loop() {
	local dev=$1 st c what i
	st=${ST[$dev]}
	for ((i = 0; i < 36000; i++)); do
		what=running
		if [ "${MODEL[$dev]}" = weak ]; then
			what=stopped
			if read -r c 2>/dev/null </sys/class/net/eth0/carrier &&
			    [ "$c" = 1 ]; then
				what=recording
			fi
		fi
		printf '%s\n' "$what" >"$st/local/state.new" &&
		    mv -f "$st/local/state.new" "$st/local/state"
		sleep 0.2
	done
}

# __uplink DEV: the device's connection to its vendor's cloud, played by
# the lab's side of its link (198.18.N.1), where nothing listens on tcp/9,
# so every attempt is refused and tried again: the camera every 0.2 s
# without end (the flaw), the hub with an exponential back-off from 1 s to
# 60 s, started afresh at every boot.  Bounded: 20000 attempts.
uplink_loop() {
	local dev=$1 ip=${IP4[$1]}1 delay=1 i
	for ((i = 0; i < 20000; i++)); do
		# A refused connect returns at once; a link that is down
		# makes it wait for ARP (about 3 s), also bounded.
		timeout 5 bash -c ': <>"/dev/tcp/$0/9"' "$ip" 2>/dev/null
		if [ "${MODEL[$dev]}" = weak ]; then
			sleep 0.2
		else
			sleep "$delay"
			delay=$((delay * 2 > 60 ? 60 : delay * 2))
		fi
	done
}

# local_check DEV: the lab's look at the local function (a camera on the
# recording LED, a bulb the hub switches): fresh and working, exit 0.
local_check() {
	local dev=$1 f=${ST[$1]}/local/state what age
	if ! read -r what 2>/dev/null <"$f"; then
		echo "$dev: no local function state ($f)"
		return 1
	fi
	age=$(($(date +%s) - $(stat -c %Y "$f")))
	if [ "$age" -gt 3 ]; then
		echo "$dev: local function silent for $age s"
		return 1
	fi
	case $what in
	recording | running) echo "$dev: local function $what"; return 0 ;;
	esac
	echo "$dev: local function $what"
	return 1
}

# ------------------------------------------------------------------ actions

device_up() {
	local dev=$1 t0
	now_ms
	t0=$MS
	net_up "$dev"
	accounts "$dev"
	state "$dev"
	setup "$dev"
	power_on "$dev" || die "$dev: bring-up failed (logs in ${ST[$dev]}/log)"
	now_ms
	say "$dev: up in $(fmt_ms $((MS - t0))) s (${IP4[$dev]}2, ${IP6[$dev]}2, console ${ST[$dev]}/console)"
}

device_down() {
	local dev=$1 st d
	st=${ST[$dev]}
	if [ -d "$st" ]; then
		power_off "$dev"
	fi
	ns_kill "$dev"
	net_down "$dev"
	rm -rf "/etc/netns/${NSN[$dev]}"
	rmdir /etc/netns 2>/dev/null
	rm -rf "$st"
	if [ "$dev" = hardened ] && [ -e "$STATE_ROOT/.created-run-sshd" ]; then
		rmdir /run/sshd 2>/dev/null
		rm -f "$STATE_ROOT/.created-run-sshd"
	fi
	# The lab's update CA (lab-config/examples/virtual-bench.xml): assay
	# makes it here on first use; it goes with the last device.
	for d in "${DEVICES[@]}"; do
		ns_exists "$d" && break
		d=
	done
	if [ -z "$d" ]; then
		rm -f "$STATE_ROOT/update-ca.pem" "$STATE_ROOT/update-ca.key"
	fi
	rmdir "$STATE_ROOT" 2>/dev/null
	say "$dev: down"
}

device_status() {
	local dev=$1 st entry svc kind ports ok=0 state word
	st=${ST[$dev]}
	if ns_exists "$dev"; then
		say "$dev: netns ${NSN[$dev]} present"
	else
		say "$dev: netns ${NSN[$dev]} absent"
		ok=1
	fi
	if ip link show dev "${VETH[$dev]}" 2>/dev/null | grep -q 'state UP'; then
		say "$dev: link ${VETH[$dev]} up"
	else
		say "$dev: link ${VETH[$dev]} down or absent"
		ok=1
	fi
	if [ "$dev" = hardened ]; then
		if ns_exists "$dev" &&
		    in_ns "$dev" nft list table inet assay_hub >/dev/null 2>&1; then
			say "$dev: nftables rate limit loaded"
		else
			say "$dev: nftables rate limit absent"
			ok=1
		fi
	fi
	LISTEN=" "
	ns_exists "$dev" && listening "$dev"
	for entry in ${SERVICES[$dev]}; do
		IFS=: read -r svc kind ports <<<"$entry"
		word=listening
		[ "$kind" = pty ] && word="showing its pty"
		if svc_pid "$dev" "$svc"; then
			if [ "$kind" = proc ]; then
				state="running (pid $PID)"
			elif ready "$dev" "$kind" "$ports"; then
				state="running (pid $PID), ${word}"
			else
				state="running (pid $PID), not ${word}"
				ok=1
			fi
		else
			state="stopped"
			ok=1
		fi
		if [ "$ports" = - ]; then
			say "$dev: $svc $kind: $state"
		else
			say "$dev: $svc $kind/$ports: $state"
		fi
	done
	return "$ok"
}

fmt_ms() { printf '%d.%02d' $(($1 / 1000)) $((($1 % 1000) / 10)); }

usage() {
	cat <<'EOF'
usage: bench.sh up|down|status [weak|hardened|weak2|all]
       bench.sh power-off|power-on|link-down|link-up weak|hardened|weak2
       bench.sh local-check weak|hardened|weak2

The virtual bench: device "weak" (an IP camera with telnet, dropbear,
lighttpd, mosquitto, snmpd and a web UI firmware update) in netns
assay-weak at 198.18.1.2, device "hardened" (a hub with OpenSSH, HTTPS,
MQTT over TLS and a signed-update agent) in netns assay-hardened at
198.18.2.2, and "weak2", a second unit of the camera, in netns
assay-weak2 at 198.18.3.2.  State in /run/assay-bench/NAME/.  Needs root.
EOF
}

# __devexec DEV ARGV...: runs inside the device's network namespace and
# mount namespace (made by "ip netns exec") and a new UTS namespace: sets
# the device's hostname, gives the device its own login records, then
# replaces itself with ARGV in a clean environment.
devexec() {
	local dev=$1 st f
	shift
	st=${ST[$dev]}
	hostname "${HOSTNAME_OF[$dev]}" || exit 1
	for f in /var/log/wtmp /var/log/btmp /var/log/lastlog /run/utmp; do
		if [ -f "$f" ] && [ ! -L "$f" ]; then
			mount --bind "$st/var/${f##*/}" "$f" || exit 1
		fi
	done
	cd / || exit 1
	exec env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
	    HOME=/root TERM=vt100 LANG=C.UTF-8 "$@"
}

# __console DEV: the serial console, a pty at STATE/console running
# tests/bench/console.sh DEV, which boots on every open: U-Boot with an
# interruptible countdown, a boot log leaking secrets and a root shell
# without login (weak), or U-Boot that cannot be stopped, a quiet boot log
# and /bin/login (hardened).  socat ends when the other side closes the
# pty; the loop (bounded) makes a fresh one.
console_loop() {
	local dev=$1 st i
	st=${ST[$dev]}
	for ((i = 0; i < CONSOLE_RESTARTS; i++)); do
		# perm: the lab's <privileges> user (nobody) may open it
		# again, as a lab's user in group dialout may a UART.
		socat "PTY,link=$st/console,raw,echo=0,wait-slave,perm=0666" \
		    "EXEC:$BASH $HERE/console.sh $dev,pty,stderr,setsid,ctty,sane"
		sleep 0.1
	done
}

# targets ARG: the devices an action applies to.
targets() {
	case ${1:-all} in
	all) TARGETS=("${DEVICES[@]}") ;;
	weak | hardened | weak2) TARGETS=("$1") ;;
	*) usage >&2; exit 2 ;;
	esac
}

need_tools() {
	local t missing=()
	for t in ip ss socat dropbear dropbearkey lighttpd mosquitto \
	    mosquitto_pub mosquitto_passwd snmpd snmpget /usr/sbin/sshd \
	    ssh-keygen nft openssl /usr/sbin/telnetd timeout setsid unshare \
	    flock sysctl curl jq sha256sum mkfifo coap-server-notls \
	    coap-client-notls; do
		command -v "$t" >/dev/null 2>&1 || missing+=("$t")
	done
	[ -e /usr/lib/lighttpd/mod_openssl.so ] || missing+=(lighttpd-mod-openssl)
	if [ "${#missing[@]}" -gt 0 ]; then
		warn "missing: ${missing[*]} (run tools/install-deps.sh as root)"
		exit 77
	fi
}

main() {
	local cmd=${1:-} dev rc=0 t0 p pids
	case $cmd in
	__devexec) shift; devexec "$@"; exit 1 ;;
	__console) console_loop "$2"; exit 0 ;;
	__local) local_loop "$2"; exit 0 ;;
	__uplink) uplink_loop "$2"; exit 0 ;;
	local-check)
		[ $# -eq 2 ] || { usage >&2; exit 2; }
		case $2 in weak | hardened | weak2) ;; *) usage >&2; exit 2 ;; esac
		local_check "$2"
		exit ;;
	help | -h | --help) usage; exit 0 ;;
	up | down | status) targets "${2:-all}" ;;
	power-off | power-on | link-down | link-up)
		[ $# -eq 2 ] || { usage >&2; exit 2; }
		case $2 in weak | hardened | weak2) ;; *) usage >&2; exit 2 ;; esac
		TARGETS=("$2") ;;
	*) usage >&2; exit 2 ;;
	esac
	if [ "$(id -u)" -ne 0 ]; then
		warn "needs root: it creates network namespaces, veth pairs and routes, and starts daemons"
		exit 77
	fi
	need_tools
	mkdir -p "${LOCK%/*}"
	exec 9>"$LOCK"
	flock -w 120 9 || die "another bench.sh holds $LOCK"

	case $cmd in
	up)
		# The devices come up in parallel.
		now_ms
		t0=$MS
		pids=()
		for dev in "${TARGETS[@]}"; do
			device_up "$dev" &
			pids+=("$!")
		done
		for p in "${pids[@]}"; do
			wait "$p" || rc=1
		done
		now_ms
		if [ "$rc" -eq 0 ]; then
			say "${TARGETS[*]}: bring-up took $(fmt_ms $((MS - t0))) s"
		else
			warn "${TARGETS[*]}: bring-up failed (bench.sh down cleans up)"
		fi
		;;
	down)
		for dev in "${TARGETS[@]}"; do
			device_down "$dev"
		done
		;;
	status)
		for dev in "${TARGETS[@]}"; do
			device_status "$dev" || rc=1
		done
		;;
	power-off)
		ns_exists "$2" || die "$2: not up"
		power_off "$2"
		say "$2: powered off"
		;;
	power-on)
		ns_exists "$2" && [ -d "${ST[$2]}/etc" ] ||
		    die "$2: not up (run bench.sh up $2 first)"
		state "$2"
		power_on "$2" || die "$2: power-on failed"
		say "$2: powered on"
		;;
	link-down)
		ip link show dev "${VETH[$2]}" >/dev/null 2>&1 || die "$2: not up"
		ip link set "${VETH[$2]}" down || die "$2: cannot set link down"
		say "$2: link ${VETH[$2]} down"
		;;
	link-up)
		ip link show dev "${VETH[$2]}" >/dev/null 2>&1 || die "$2: not up"
		net_addr "$2" && ip link set "${VETH[$2]}" up ||
		    die "$2: cannot set link up"
		say "$2: link ${VETH[$2]} up"
		;;
	esac
	exit "$rc"
}

main "$@"
