#!/bin/bash
# Integration test of the virtual bench (tests/bench/bench.sh): brings both
# devices up twice (idempotence), checks every service with a real client,
# exercises the power and link hooks, tears the bench down and checks that
# nothing is left and that the host's accounts are untouched.
#
#   bash tests/bench/test-bench.sh SOURCE_ROOT
#
# Needs root and network namespaces; otherwise it says why and exits 77.
# Traffic goes only to the bench's own addresses (198.18.1.2, 198.18.2.2,
# fd00:a55a:1::2; the firmware checks' update servers listen on the root
# side, 198.18.1.1:28080 and 198.18.2.1:28443): every client and server
# runs under a timeout and every loop is bounded.
set -u

SRC=${1:-$(cd "${BASH_SOURCE[0]%/*}/../.." && pwd)}
BENCH=$SRC/tests/bench/bench.sh
STATE=/run/assay-bench
WEAK=198.18.1.2
WEAK6=fd00:a55a:1::2
HARD=198.18.2.2
PASSED=0
FAILED=0

skip() { echo "bench test skipped: $*"; exit 77; }
ok() { echo "ok - $*"; PASSED=$((PASSED + 1)); }
not_ok() { echo "FAIL - $*"; FAILED=$((FAILED + 1)); }
# check DESCRIPTION CMD...: ok when CMD succeeds.
check() {
	local what=$1 t0=${EPOCHREALTIME//[.,]/} ms
	shift
	if "$@"; then
		ms=$(((${EPOCHREALTIME//[.,]/} - t0) / 1000))
		ok "$what ($ms ms)"
	else
		not_ok "$what"
	fi
}

[ "$(id -u)" -eq 0 ] || skip "needs root (network namespaces, veth pairs, daemons)"
command -v ip >/dev/null 2>&1 || skip "no ip(8) (iproute2)"
ip netns list >/dev/null 2>&1 || skip "ip netns is not supported here"
unshare --net true 2>/dev/null || skip "cannot create network namespaces here"
for t in curl dbclient ssh openssl mosquitto_sub snmpget snmpset nmap \
    telnet socat sha256sum nft jq lighttpd; do
	command -v "$t" >/dev/null 2>&1 ||
	    skip "missing $t (run tools/install-deps.sh as root)"
done
[ -r "$BENCH" ] || { echo "no $BENCH"; exit 1; }

bench() { timeout 120 bash "$BENCH" "$@"; }
# The firmware checks' update servers (root side) and their files.
FWT=""
FW_PIDS=()
fw_servers_stop() {
	local p
	for p in "${FW_PIDS[@]}"; do
		kill "$p" 2>/dev/null
		wait "$p" 2>/dev/null
	done
	FW_PIDS=()
}
# Leave the bench down and the update servers stopped whatever happens.
cleanup() {
	fw_servers_stop
	[ -n "$FWT" ] && rm -rf "$FWT"
	bench down all >/dev/null 2>&1
}
trap cleanup EXIT
trap 'exit 1' INT TERM

host_sums() { sha256sum /etc/passwd /etc/shadow /etc/group; }
SUMS_BEFORE=$(host_sums)

# ------------------------------------------------------------ chat helpers
# A small expect: CHAT_BUF holds what the other side sent so far.
CHAT_BUF=""
chat_open() {
	coproc CHATP { exec "$@" 2>&1; }
	exec {CHAT_R}<&"${CHATP[0]}" {CHAT_W}>&"${CHATP[1]}"
	CHAT_PID=$CHATP_PID
	CHAT_BUF=""
}
# chat_expect TEXT SECONDS: read until TEXT arrives, EOF or the deadline.
chat_expect() {
	local pat=$1 end=$((SECONDS + $2)) c rc
	while [ "$SECONDS" -lt "$end" ]; do
		IFS= read -r -t 0.5 -N 1 c <&"$CHAT_R"
		rc=$?
		if [ "$rc" -eq 0 ]; then
			CHAT_BUF+=$c
			case $CHAT_BUF in *"$pat"*) return 0 ;; esac
		elif [ "$rc" -le 128 ]; then
			return 1
		fi
	done
	return 1
}
chat_send() { printf '%b' "$1" 1>&"$CHAT_W" 2>/dev/null; }
chat_close() {
	exec {CHAT_W}>&- {CHAT_R}<&-
	kill "$CHAT_PID" 2>/dev/null
	wait "$CHAT_PID" 2>/dev/null
}

# ---------------------------------------------------------------- bring-up
check "down on a bench that may be down exits 0" bench down all
T0=$(date +%s%N)
bench up all >"${TMPDIR:-/tmp}/bench-up.$$" 2>&1
RC=$?
T1=$(date +%s%N)
cat "${TMPDIR:-/tmp}/bench-up.$$"
rm -f "${TMPDIR:-/tmp}/bench-up.$$"
UP_MS=$(((T1 - T0) / 1000000))
if [ "$RC" -ne 0 ]; then
	not_ok "bench up all (exit $RC)"
	echo "bench: $PASSED passed, $FAILED failed"
	exit 1
fi
ok "bench up all in $((UP_MS / 1000)).$(printf '%03d' $((UP_MS % 1000))) s"
check "bench up all again (idempotent) exits 0" bench up all
check "bench status exits 0" bench status all >/dev/null

# --------------------------------------------------------------- weak: SSH
weak_ssh() {
	local out
	out=$(env DROPBEAR_PASSWORD=admin timeout 15 dbclient -yy "admin@$WEAK" \
	    'echo ma""rker; id -un' </dev/null 2>/dev/null)
	[[ $out == *marker* && $out == *admin* ]]
}
check "weak: dropbear accepts admin/admin" weak_ssh
weak_ssh_wrong() {
	! env DROPBEAR_PASSWORD=wrong timeout 15 dbclient -yy "admin@$WEAK" true \
	    </dev/null >/dev/null 2>&1
}
check "weak: dropbear refuses a wrong password" weak_ssh_wrong

# ------------------------------------------------------------ weak: telnet
weak_telnet() {
	local r=1
	chat_open timeout 30 telnet "$WEAK" 23
	if chat_expect "login:" 10; then
		chat_send 'admin\r\n'
		if chat_expect "assword:" 10; then
			chat_send 'admin\r\n'
			if chat_expect "$ " 10; then
				chat_send 'echo ma""rker; id -un\r\n'
				chat_expect "marker" 10 && r=0
				chat_send 'exit\r\n'
			fi
		fi
	fi
	[ "$r" -eq 0 ] || printf 'telnet transcript: %q\n' "$CHAT_BUF"
	chat_close
	return "$r"
}
check "weak: telnet login as admin/admin gives a shell" weak_telnet

# -------------------------------------------------------------- weak: HTTP
http_code() { curl -sS -m 10 -o /dev/null -w '%{http_code}' "$@" 2>/dev/null; }
check "weak: /admin/ without credentials is 401" \
    [ "$(http_code "http://$WEAK/admin/")" = 401 ]
check "weak: /admin/ with admin:admin is 200" \
    [ "$(http_code -u admin:admin "http://$WEAK/admin/")" = 200 ]
weak_status() {
	local page
	page=$(curl -sS -m 10 "http://$WEAK/status.html") || return 1
	[[ $page == *LC20-2291-0007* && $page == *owner@example.com* ]]
}
check "weak: /status.html leaks serial number and owner e-mail" weak_status
weak_server() {
	curl -sS -m 10 -I "http://$WEAK/" | grep -qi '^Server: lighttpd/[0-9]'
}
check "weak: Server header shows the version" weak_server
weak_ipv6() {
	curl -sS -m 10 -g "http://[$WEAK6]/status.json" | grep -q LC20-2291-0007
}
check "weak: web server answers over IPv6" weak_ipv6

# -------------------------------------------------------------- weak: MQTT
weak_mqtt() {
	timeout 10 mosquitto_sub -h "$WEAK" -p 1883 -t camera/status -C 1 -W 5 \
	    2>/dev/null | grep -q LC20-2291-0007
}
check "weak: anonymous MQTT gets the retained camera/status" weak_mqtt

# -------------------------------------------------------------- weak: SNMP
weak_snmp() {
	local v="bench-$$-$RANDOM"
	timeout 10 snmpset -v2c -c public -t 2 -r 1 "$WEAK" \
	    1.3.6.1.2.1.1.4.0 s "$v" >/dev/null 2>&1 || return 1
	timeout 10 snmpget -v2c -c public -t 2 -r 1 -Oqv "$WEAK" \
	    1.3.6.1.2.1.1.4.0 2>/dev/null | grep -q "$v"
}
check "weak: SNMP community public can set and read sysContact" weak_snmp

# ------------------------------------------------------------ weak: serial
# Every open boots the device (tests/bench/console.sh): wait for the end
# of the boot (a key during the countdown would stop it), press Enter.
weak_console() {
	local _try
	for _try in 1 2 3; do
		if [ -e "$STATE/weak/console" ]; then
			chat_open timeout 20 socat - "$STATE/weak/console,raw,echo=0"
			if chat_expect "activate this console" 10; then
				chat_send '\r'
				chat_expect "# " 5
				chat_send 'echo ma""rker\r'
				if chat_expect marker 5; then
					chat_close
					return 0
				fi
			fi
			chat_close
		fi
		sleep 1
	done
	printf 'console transcript: %q\n' "$CHAT_BUF"
	return 1
}
check "weak: serial console gives a shell without login" weak_console
weak_console_uboot() {
	local _try
	for _try in 1 2 3; do
		if [ -e "$STATE/weak/console" ]; then
			chat_open timeout 20 socat - "$STATE/weak/console,raw,echo=0"
			if chat_expect "stop autoboot" 10; then
				chat_send ' '
				chat_expect "=> " 5
				chat_send 'version\r'
				if chat_expect "arm-linux-gnueabi-gcc" 5; then
					chat_send 'boot\r'
					if chat_expect "psk=" 10; then
						chat_close
						return 0
					fi
				fi
			fi
			chat_close
		fi
		sleep 1
	done
	printf 'console transcript: %q\n' "$CHAT_BUF"
	return 1
}
check "weak: console boot loader stops on a key, then boots leaking a PSK" \
    weak_console_uboot

# ------------------------------------------------------------ weak: firmware
# The update agent (tests/bench/fwctl.sh) behind the web UI.
weak_version_is() {
	[ "$(curl -sS -m 10 "http://$WEAK/cgi-bin/version.cgi" 2>/dev/null)" = "$1" ]
}
check "weak: version.cgi answers 1.4.2 without login" weak_version_is 1.4.2
check "weak: update.cgi without credentials is 401" \
    [ "$(http_code "http://$WEAK/cgi-bin/update.cgi?url=http%3A%2F%2F198.18.1.1%2Fm.json")" = 401 ]
check "weak: update.cgi refuses a url outside the pattern (400)" \
    [ "$(http_code -u admin:admin "http://$WEAK/cgi-bin/update.cgi?url=http%3A%2F%2Fx%2F%24(id)")" = 400 ]

FWT=$(mktemp -d "${TMPDIR:-/tmp}/bench-fw.XXXXXX") && chmod 0755 "$FWT"
# listens_on ADDR PORT: a socket listens there (root namespace).
listens_on() { [ -n "$(ss -Hltn "src $1 and sport = :$2" 2>/dev/null)" ]; }
wait_listen() {
	local i
	for ((i = 0; i < 50; i++)); do
		listens_on "$1" "$2" && return 0
		sleep 0.1
	done
	return 1
}
# weak_fw_server: plain HTTP on the root side (lighttpd), serving the newer
# genuine release and a rogue image that no vendor made.
weak_fw_server() {
	local d=$FWT/weak
	mkdir -p "$d/www/lc20" || return 1
	cp "$STATE/weak/release/lc20-1.4.3.img" "$d/www/lc20/" || return 1
	{ printf 'ASSAYFW1 lc20 9.9.9-rogue\n'; head -c 4096 /dev/urandom; } \
	    >"$d/www/lc20/rogue.img"
	printf '{"version":"1.4.3","image":"http://198.18.1.1:28080/lc20/lc20-1.4.3.img"}\n' \
	    >"$d/www/lc20/manifest.json"
	printf '{"version":"1.4.3","image":"http://198.18.1.1:28080/lc20/rogue.img"}\n' \
	    >"$d/www/lc20/rogue.json"
	cat >"$d/lighttpd.conf" <<EOF
server.document-root = "$d/www"
server.bind = "198.18.1.1"
server.port = 28080
server.errorlog = "$d/error.log"
mimetype.assign = ( ".json" => "application/json" )
EOF
	timeout 60 lighttpd -D -f "$d/lighttpd.conf" </dev/null >/dev/null 2>&1 &
	FW_PIDS+=("$!")
	wait_listen 198.18.1.1 28080
}
weak_update() {
	curl -sS -m 40 -u admin:admin \
	    "http://$WEAK/cgi-bin/update.cgi?url=http%3A%2F%2F198.18.1.1%3A28080%2Flc20%2F$1" \
	    2>/dev/null
}
weak_fw_e2e() {
	local out
	weak_fw_server || { echo "no update server on 198.18.1.1:28080"; return 1; }
	out=$(weak_update manifest.json)
	[ "$out" = "installed 1.4.3" ] || { echo "genuine update: $out"; return 1; }
	weak_version_is 1.4.3 || { echo "version.cgi is not 1.4.3"; return 1; }
	out=$(weak_update rogue.json)
	[ "$out" = "installed 9.9.9-rogue" ] || { echo "rogue update: $out"; return 1; }
	weak_version_is 9.9.9-rogue
}
check "weak: update.cgi installs the newer release, then a rogue image" weak_fw_e2e
fw_servers_stop

# ----------------------------------------------------------- hardened: SSH
SSHOPT=(-o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null
    -o ConnectTimeout=5 -o BatchMode=yes -F /dev/null)
hard_ssh_password() {
	local out
	out=$(timeout 15 ssh "${SSHOPT[@]}" -o PubkeyAuthentication=no \
	    -o PreferredAuthentications=password,keyboard-interactive \
	    "admin@$HARD" true 2>&1 </dev/null)
	[ $? -ne 0 ] && [[ $out == *"Permission denied (publickey)"* ]]
}
check "hardened: SSH offers publickey only and refuses passwords" hard_ssh_password
hard_ssh_key() {
	timeout 15 ssh "${SSHOPT[@]}" -o IdentitiesOnly=yes \
	    -i "$STATE/hardened/admin_ed25519" "admin@$HARD" 'echo ma""rker' \
	    </dev/null 2>/dev/null | grep -q marker
}
check "hardened: SSH with the lab's ed25519 key works" hard_ssh_key

# ----------------------------------------------------------- hardened: TLS
tls_try() {
	timeout 10 openssl s_client -connect "$HARD:443" -CAfile \
	    "$STATE/hardened/ca.pem" -cipher 'DEFAULT:@SECLEVEL=0' "$@" \
	    </dev/null 2>&1
}
hard_tls11() {
	local out
	out=$(tls_try -tls1_1)
	[[ $out == *"alert protocol version"* ]]
}
check "hardened: TLS 1.1 is refused by the server" hard_tls11
hard_tls12() {
	local out
	out=$(tls_try -tls1_2)
	[[ $out == *"Verify return code: 0 (ok)"* ]] &&
	    [[ $out =~ Cipher\ is\ ECDHE-ECDSA-(AES...-GCM|CHACHA20) ]]
}
check "hardened: TLS 1.2 with ECDHE and AEAD and a valid certificate" hard_tls12
hard_redirect() {
	local out
	out=$(curl -sS -m 10 -o /dev/null -w '%{http_code} %{redirect_url}' \
	    "http://$HARD/admin/")
	[[ $out == "301 https://$HARD/admin/" ]]
}
check "hardened: port 80 answers 301 to https" hard_redirect
check "hardened: https /admin/ without credentials is 401" \
    [ "$(http_code --cacert "$STATE/hardened/ca.pem" "https://$HARD/admin/")" = 401 ]
check "hardened: https /admin/ with the generated password is 200" \
    [ "$(http_code --cacert "$STATE/hardened/ca.pem" \
    -u "admin:$(cat "$STATE/hardened/web.pass")" "https://$HARD/admin/")" = 200 ]
check "hardened: https / (no status page) is 401" \
    [ "$(http_code --cacert "$STATE/hardened/ca.pem" "https://$HARD/")" = 401 ]

# ------------------------------------------------- hardened: closed ports
hard_closed() {
	local out
	out=$(timeout 60 nmap -n -Pn -sS -sU -p T:23,U:161 --max-retries 2 "$HARD" 2>&1)
	[[ $out == *"23/tcp  closed"* && $out == *"161/udp closed"* ]]
}
check "hardened: tcp/23 and udp/161 are closed" hard_closed

# ---------------------------------------------------------- hardened: MQTT
hard_mqtt() {
	timeout 10 mosquitto_sub -h "$HARD" -p 8883 \
	    --cafile "$STATE/hardened/ca.pem" -u device \
	    -P "$(cat "$STATE/hardened/mqtt.pass")" -t hub/status -C 1 -W 5 \
	    2>/dev/null | grep -q online
}
check "hardened: MQTT over TLS with the CA and password works" hard_mqtt
hard_mqtt_anon() {
	local out
	out=$(timeout 10 mosquitto_sub -h "$HARD" -p 8883 \
	    --cafile "$STATE/hardened/ca.pem" -t hub/status -C 1 -W 5 2>&1)
	[ $? -ne 0 ] && [[ $out == *"not authorised"* ]]
}
check "hardened: MQTT without password is refused" hard_mqtt_anon
hard_no_1883() {
	! timeout 5 bash -c "exec 3<>/dev/tcp/$HARD/1883" 2>/dev/null
}
check "hardened: no MQTT on 1883" hard_no_1883

# ------------------------------------------------------- hardened: nftables
hard_nft() {
	ip netns exec assay-hardened nft list ruleset 2>/dev/null |
	    grep -q 'limit rate over 30/minute burst 20 packets'
}
check "hardened: nftables connection rate limit present" hard_nft
# tcp/80 (only a redirect) has had a few connections so far; the burst of
# 20 runs out well before 40 (each attempt waits at most 1 s).
hard_throttle() {
	local n
	for ((n = 1; n <= 40; n++)); do
		if ! timeout 1 bash -c "exec 3<>/dev/tcp/$HARD/80" 2>/dev/null; then
			echo "new connection $n to tcp/80 was dropped"
			[ "$n" -gt 5 ]
			return
		fi
	done
	return 1
}
check "hardened: rapid new connections to a service port are throttled" hard_throttle
# A closed port answers every SYN with a RST at once: 50 refusals in
# well under 10 s.
hard_closed_fast() {
	local n start=$SECONDS
	for ((n = 1; n <= 50; n++)); do
		timeout 1 bash -c "exec 3<>/dev/tcp/$HARD/23" 2>/dev/null && return 1
	done
	[ $((SECONDS - start)) -lt 10 ]
}
check "hardened: a closed port is not throttled" hard_closed_fast

# -------------------------------------------------------- hardened: serial
hard_console() {
	local _try
	for _try in 1 2 3; do
		if [ -e "$STATE/hardened/console" ]; then
			chat_open timeout 15 socat - "$STATE/hardened/console,raw,echo=0"
			# The boot before the prompt takes about 2 s.
			if chat_expect "login:" 8; then
				chat_close
				return 0
			fi
			chat_send '\r'
			if chat_expect "login:" 5; then
				chat_close
				return 0
			fi
			chat_close
		fi
		sleep 1
	done
	printf 'console transcript: %q\n' "$CHAT_BUF"
	return 1
}
check "hardened: serial console shows a login prompt" hard_console

# -------------------------------------------------------- hardened: firmware
# The update agent (tests/bench/fwctl.sh), a daemon of the hub; the admin
# drives it over SSH.
hssh() {
	timeout 60 ssh "${SSHOPT[@]}" -o IdentitiesOnly=yes \
	    -i "$STATE/hardened/admin_ed25519" "admin@$HARD" "$@" \
	    </dev/null 2>/dev/null
}
check "hardened: fwctl version over SSH prints 3.2.0" [ "$(hssh fwctl version)" = 3.2.0 ]
hard_agent() { bench status hardened | grep -q '^bench: hardened: update proc: running'; }
check "hardened: the update agent runs" hard_agent
hard_check_unset() {
	local out
	out=$(hssh fwctl check)
	[ "$out" = "refused: no update server set" ] || { echo "fwctl check: $out"; return 1; }
}
check "hardened: fwctl check without a server is refused" hard_check_unset

# hard_fw_server: HTTPS on the root side (openssl s_server -WWW) with a
# throwaway CA, serving the newer genuine release and its signature.
hard_fw_server() {
	local d=$FWT/hard
	mkdir -p "$d/www/h1" && chmod -R 0755 "$d" || return 1
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
	    -keyout "$d/ca.key" -out "$d/ca.pem" -days 1 \
	    -subj "/CN=assay bench test update CA" >/dev/null 2>&1 &&
	    openssl req -x509 -CA "$d/ca.pem" -CAkey "$d/ca.key" -newkey ec \
	    -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$d/srv.key" \
	    -out "$d/srv.pem" -days 1 -subj "/CN=198.18.2.1" \
	    -addext "subjectAltName=IP:198.18.2.1" >/dev/null 2>&1 ||
	    return 1
	chmod 0644 "$d/ca.pem"
	cp "$STATE/hardened/release/h1-3.2.1.img" \
	    "$STATE/hardened/release/h1-3.2.1.img.sig" "$d/www/h1/" || return 1
	hard_manifest
	(cd "$d/www" && exec timeout 60 openssl s_server -quiet -WWW \
	    -accept 198.18.2.1:28443 -cert "$d/srv.pem" -key "$d/srv.key") \
	    </dev/null >/dev/null 2>&1 &
	FW_PIDS+=("$!")
	wait_listen 198.18.2.1 28443
}
# hard_manifest [unsigned]: the manifest for the image being served.
hard_manifest() {
	local img=$FWT/hard/www/h1/h1-3.2.1.img u=https://198.18.2.1:28443/h1
	jq -cn --arg u "$u" --arg sum "$(sha256sum <"$img" | cut -d' ' -f1)" \
	    --argjson size "$(stat -c %s "$img")" --arg unsigned "${1:-}" \
	    '{version: "3.2.1", image: "\($u)/h1-3.2.1.img", size: $size,
	    sha256: $sum} + if $unsigned == "" then
	    {signature: "\($u)/h1-3.2.1.img.sig"} else {} end' \
	    >"$FWT/hard/www/h1/manifest.json"
}
hard_fw_e2e() {
	local out want img=$FWT/hard/www/h1/h1-3.2.1.img
	hard_fw_server || { echo "no update server on 198.18.2.1:28443"; return 1; }
	out=$(hssh "fwctl set-server https://198.18.2.1:28443/h1/manifest.json" \
	    "$FWT/hard/ca.pem && fwctl check && fwctl version &&" \
	    "fwctl factory-reset && fwctl version")
	want=$'server https://198.18.2.1:28443/h1/manifest.json\ninstalled 3.2.1\n3.2.1\nreset 3.2.0\n3.2.0'
	[ "$out" = "$want" ] || { printf 'genuine update: %q\n' "$out"; return 1; }
	# One flipped byte after the header; the manifest's size and sha256
	# describe the flipped image: only the signature can tell.
	printf '\x01' | dd of="$img" bs=1 seek=4096 conv=notrunc status=none
	hard_manifest
	out=$(hssh 'fwctl check && fwctl version')
	[ "$out" = $'refused: bad signature\n3.2.0' ] ||
	    { printf 'flipped image: %q\n' "$out"; return 1; }
	cp "$STATE/hardened/release/h1-3.2.1.img" "$img"
	hard_manifest unsigned
	out=$(hssh 'fwctl check')
	[ "$out" = "refused: unsigned" ] || { printf 'unsigned image: %q\n' "$out"; return 1; }
}
check "hardened: the agent installs the signed 3.2.1, resets, refuses a flipped and an unsigned image" hard_fw_e2e
fw_servers_stop

# ------------------------------------------------------------ control hooks
reachable() { timeout 3 bash -c "exec 3<>/dev/tcp/$1/$2" 2>/dev/null; }
hook_power() {
	bench power-off weak >/dev/null || return 1
	! reachable "$WEAK" 80 || return 1
	! bench status weak >/dev/null || return 1
	bench power-on weak >/dev/null || return 1
	reachable "$WEAK" 80 && bench status weak >/dev/null && weak_mqtt
}
WEAK_FW=$(cat "$STATE/weak/fw/version" 2>/dev/null)
check "power-off stops and power-on restarts the weak device" hook_power
check "weak: installed firmware ($WEAK_FW) survives power-off and power-on" \
    weak_version_is "$WEAK_FW"
hook_power_hard() {
	bench power-off hardened >/dev/null || return 1
	! hard_agent || return 1
	bench power-on hardened >/dev/null || return 1
	hard_agent && [ "$(cat "$STATE/hardened/fw/version")" = 3.2.0 ]
}
check "power-off stops and power-on restarts the hardened update agent" hook_power_hard
hook_link() {
	bench link-down hardened >/dev/null || return 1
	! reachable "$HARD" 443 || return 1
	bench link-up hardened >/dev/null || return 1
	reachable "$HARD" 443
}
check "link-down cuts and link-up restores the hardened device" hook_link

# ---------------------------------------------------------------- teardown
PIDS=$(cat "$STATE"/*/pids/*.pid 2>/dev/null)
check "bench down all exits 0" bench down all
check "bench down all again (idempotent) exits 0" bench down all
check "no bench netns left" \
    bash -c '! ip netns list | grep -qE "^assay-(weak|hardened)( |$)"'
check "no bench veth left" \
    bash -c '! ip link show asy-weak0 >/dev/null 2>&1 && ! ip link show asy-hard0 >/dev/null 2>&1'
check "no /etc/netns/assay-* left" \
    bash -c '! compgen -G "/etc/netns/assay-*" >/dev/null'
check "no state folder left" [ ! -e "$STATE" ]
check "no guard route left" \
    bash -c '! ip route show | grep -q "198.18.0.0/15" && ! ip -6 route show | grep -q "fd00:a55a::/32"'
# A zombie waiting for init to reap it is not alive.
pid_alive() {
	local state
	read -r _ _ state _ 2>/dev/null <"/proc/$1/stat" || return 1
	[ "$state" != Z ]
}
pids_dead() {
	local p
	[ -n "$PIDS" ] || return 1
	for p in $PIDS; do
		pid_alive "$p" && { echo "pid $p still alive"; return 1; }
	done
	return 0
}
check "no recorded PID alive ($(echo $PIDS | wc -w) recorded)" pids_dead
check "status after down exits 1" bash -c "! timeout 60 bash '$BENCH' status all >/dev/null"
check "host passwd, shadow and group unchanged" [ "$(host_sums)" = "$SUMS_BEFORE" ]

echo "bench: $PASSED passed, $FAILED failed"
[ "$FAILED" -eq 0 ]
