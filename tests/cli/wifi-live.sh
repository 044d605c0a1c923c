#!/bin/sh
# assay wifi --live on a real monitor-mode interface, named by
# ASSAY_WIFI_MONITOR (needs root): listens a few seconds and checks the
# pcap holds radiotap frames.  Without one it skips (77) and says why.
# Nothing is ever sent on the radio.
set -u
assay=${1:?usage: wifi-live.sh ASSAY}
ifname=${ASSAY_WIFI_MONITOR:-}
if [ -z "$ifname" ]; then
	echo "SKIP: no monitor-mode Wi-Fi interface on this machine (set" \
	    "ASSAY_WIFI_MONITOR=IFNAME to run)"
	exit 77
fi
if [ "$(id -u)" -ne 0 ]; then
	echo "SKIP: capturing on $ifname needs root"
	exit 77
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

"$assay" wifi --live "$ifname" -w "$tmp/live.pcap" --seconds 5 \
    --max-frames 5000 >"$tmp/out" 2>"$tmp/err"
code=$?
# 0, 1 and 3 are judgements of what was heard; 2 and 4 are failures.
case $code in
0|1|3) ;;
*) fail "exit $code: $(cat "$tmp/err")" ;;
esac
[ -s "$tmp/live.pcap" ] || fail "no capture written"
grep -q 'frames captured on' "$tmp/err" || fail "no frame count"
grep -q '^frames: [0-9]* (IEEE802_11_RADIO)' "$tmp/out" ||
    fail "not a radiotap capture: $(head -1 "$tmp/out")"
frames=$(sed -n 's/^frames: \([0-9]*\) .*/\1/p' "$tmp/out")
[ "$frames" -gt 0 ] || fail "no frames heard in 5 s"
# The file must not be overwritten by a second capture.
"$assay" wifi --live "$ifname" -w "$tmp/live.pcap" --seconds 1 \
    >/dev/null 2>&1
[ $? -eq 2 ] || fail "an existing capture was not refused"
echo "ok: $frames radiotap frames heard on $ifname"
