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
# fd00:a55a:1::2): every client runs under a timeout and every loop is
# bounded.
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
    telnet socat sha256sum nft; do
	command -v "$t" >/dev/null 2>&1 ||
	    skip "missing $t (run tools/install-deps.sh as root)"
done
[ -r "$BENCH" ] || { echo "no $BENCH"; exit 1; }

bench() { timeout 120 bash "$BENCH" "$@"; }
# Leave the bench down whatever happens.
trap 'bench down all >/dev/null 2>&1' EXIT
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
check "bring-up under 10 s" [ "$UP_MS" -lt 10000 ]
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
weak_console() {
	local _try
	for _try in 1 2 3; do
		if [ -e "$STATE/weak/console" ]; then
			chat_open timeout 15 socat - "$STATE/weak/console,raw,echo=0"
			chat_send 'echo ma""rker\n'
			if chat_expect marker 5; then
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
check "weak: serial console gives a shell without login" weak_console

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
			if chat_expect "login:" 3; then
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

# ------------------------------------------------------------ control hooks
reachable() { timeout 3 bash -c "exec 3<>/dev/tcp/$1/$2" 2>/dev/null; }
hook_power() {
	bench power-off weak >/dev/null || return 1
	! reachable "$WEAK" 80 || return 1
	! bench status weak >/dev/null || return 1
	bench power-on weak >/dev/null || return 1
	reachable "$WEAK" 80 && bench status weak >/dev/null && weak_mqtt
}
check "power-off stops and power-on restarts the weak device" hook_power
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
