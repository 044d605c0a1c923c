#!/bin/sh
# assay wifi on the committed captures: the table, the findings and the
# judgement in text and XML, exit codes (0 no weakness, 1 weakness, 2 not
# a pcap / not 802.11 / usage, 3 the network not seen), markup in an SSID
# escaped in the XML, and no secret from the air ever printed.
set -u
assay=${1:?usage: wifi.sh ASSAY SRCDIR}
src=${2:?usage: wifi.sh ASSAY SRCDIR}
data="$src/tests/data/wifi"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

# run EXPECTED-EXIT ARGS...: output in $tmp/out and $tmp/err
run() {
	want=$1
	shift
	"$assay" wifi "$@" >"$tmp/out" 2>"$tmp/err"
	code=$?
	[ "$code" -eq "$want" ] ||
	    fail "assay wifi $*: exit $code, want $want: $(cat "$tmp/err")"
}
has() { grep -qF -- "$1" "$tmp/out" || fail "$2: no '$1' in the output"; }
err_has() { grep -qF -- "$1" "$tmp/err" || fail "$2: no '$1' on stderr"; }

run 1 --ssid Cam-Setup-1234 "$data/open-provisioning.pcap"
has '02:00:00:00:02:00 "Cam-Setup-1234" ch 11: open' provisioning
has 'frame 4: credentials, http 192.168.4.2:40000 -> 192.168.4.1:80: Wi-Fi passphrase in form field "psk"' provisioning
has 'frame 6: credentials' provisioning
has 'frame 6: personal data' provisioning
has 'frame 7: credentials, udp' provisioning
has 'judgement: weakness (1 network judged)' provisioning
has 'open network without OWE' provisioning
for s in correct-horse-battery s3cret-pass abc12345; do
	grep -qF "$s" "$tmp/out" "$tmp/err" && fail "secret $s printed"
done
run 1 --format xml --ssid Cam-Setup-1234 "$data/open-provisioning.pcap"
xmllint --noout "$tmp/out" || fail "provisioning: XML not well-formed"
has '<finding frame="4" bssid="02:00:00:00:02:00" kind="credentials"' xml
has '<judgement grade="weakness" networks="1">' xml
for s in correct-horse-battery s3cret-pass abc12345; do
	grep -qF "$s" "$tmp/out" && fail "secret $s in the XML"
done

run 0 --ssid assay-wpa3 "$data/wpa3-sae.pcap"
has 'WPA3-SAE (AKM SAE, pairwise CCMP, group CCMP, MFP required' wpa3
has 'judgement: good' wpa3
run 0 --bssid 02:00:00:00:05:00 "$data/wpa2-psk.pcap"
has 'judgement: noted' wpa2
has 'EAPOL 4' wpa2
run 1 --ssid assay-wpa2 --declared "WPA3-SAE" "$data/wpa2-psk.pcap"
has 'the IXIT declares "WPA3-SAE" but the network offers WPA2-PSK' declared
run 1 "$data/wep.pcap"
has 'WEP: broken' wep
run 0 --ssid assay-owe "$data/owe.pcap"
run 3 --ssid not-there "$data/owe.pcap"
has 'judgement: inconclusive' absent
has 'the onboarding network "not-there" was not seen in the capture' absent

# Markup and control bytes in an SSID: escaped in the XML.
run 1 --format xml "$data/hostile-ssid.pcap"
xmllint --noout "$tmp/out" || fail "hostile SSID: XML not well-formed"
grep -q '<script' "$tmp/out" && fail "hostile SSID: markup unescaped"
has 'ssid="&lt;script&gt;alert(\x22x\x22)&lt;/script&gt;&amp;amp;\x01\x1b' ssid
grep -q "$(printf '\033')" "$tmp/out" && fail "hostile SSID: ESC printed"
run 1 -o "$tmp/x.xml" --format xml "$data/hostile-ssid.pcap"
[ -s "$tmp/x.xml" ] || fail "-o wrote nothing"
xmllint --noout "$tmp/x.xml" || fail "-o: not well-formed"

# Broken frames are counted, not fatal.
run 1 "$data/hostile-radiotap.pcap"
has 'frames: 9 (IEEE802_11_RADIO), 6 undecoded, 1 with a bad FCS' radiotap
run 3 "$data/hostile-ies.pcap"
has 'malformed elements' ies

# Input errors: exit 2 with the reason.
run 2 "$data/not-80211.pcap"
err_has 'not an 802.11 capture: its link type is EN10MB (1)' ethernet
printf 'not a capture\n' >"$tmp/junk.pcap"
run 2 "$tmp/junk.pcap"
err_has 'not a pcap file assay can read' junk
run 2 "$tmp/missing.pcap"
run 2
run 2 --format html "$data/open.pcap"
run 2 --ssid a --bssid 02:00:00:00:01:00 "$data/open.pcap"
run 2 --bssid nonsense "$data/open.pcap"
err_has "--bssid 'nonsense'" bssid
run 2 --live asy-nosuch0 "$data/open.pcap"
run 2 --live asy-nosuch0 -w "$tmp/l.pcap" --seconds 0
# Live errors (root: opening an interface needs it): exit 2 with why.
if [ "$(id -u)" -eq 0 ]; then
	run 2 --live asy-nosuch0 -w "$tmp/l.pcap" --seconds 1
	err_has 'asy-nosuch0' nosuch
	run 2 --live lo -w "$tmp/l.pcap" --seconds 1
	err_has 'not a monitor-mode Wi-Fi interface (its link type is EN10MB' lo
	[ -e "$tmp/l.pcap" ] && fail "a capture was left behind"
else
	echo "# live error paths skipped: they need root"
fi
run 0 --help
has 'usage: assay wifi' help
echo "ok: assay wifi on the committed captures"
