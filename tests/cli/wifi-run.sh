#!/bin/sh
# The Wi-Fi onboarding in live runs, without a bench: 'assay run --lab' for
# a DUT whose only source is a recorded capture (<dut><wifi capture=...>)
# from tests/data/wifi/, with the hub's declarations plus a setup access
# point (15-Intf Intf-WiFi-AP), a channel over it (11-ComMech
# ComMech-Setup, declared WPA3-SAE) and personal data on it (21-PersData
# PersData-Setup).  The DUT has no address, so no packet leaves the host.
# Checked in report.xml: the verdicts of 5.5-1-2 a, 5.8-1-2 a and
# 5.6-3-2 c per capture, frames named and no secret printed, the capture
# copied to wifi/onboarding.pcap with its hash in the manifest, markup in
# an SSID escaped in report.xml and report.html, a capture that is not
# 802.11 an ERROR, and a DUT without a Wi-Fi source never failed by them.
set -u
assay=${1:?usage: wifi-run.sh ASSAY SRCDIR}
src=${2:?usage: wifi-run.sh ASSAY SRCDIR}
data="$src/tests/data/wifi"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# As root the assessing child runs as nobody: it must reach the folder.
chmod 755 "$tmp"
fail() { echo "FAIL: $*"; exit 1; }
command -v xmllint >/dev/null 2>&1 || {
	echo "xmllint is missing: this test skips"
	exit 77
}

cp "$src/tests/data/lab/ics.xml" "$tmp/ics.xml"
cat >"$tmp/intf.xml" <<'EOF'
    <row id="Intf-WiFi-AP">
      <description>Wi-Fi setup access point Cam-Setup-NNNN, open only during setup.</description>
      <type>radio</type>
      <status>enabled</status>
      <justification>Onboarding with the app.</justification>
      <debug>no</debug>
    </row>
EOF
cat >"$tmp/commech.xml" <<'EOF'
    <row id="ComMech-Setup">
      <description>Provisioning from the app over the setup access point.</description>
      <interface>Intf-WiFi-AP</interface>
      <protocol>HTTP over the setup access point</protocol>
      <crypto>WPA3-SAE with management frame protection required.</crypto>
      <carries>credentials, personal-data</carries>
    </row>
EOF
cat >"$tmp/persdata.xml" <<'EOF'
    <row id="PersData-Setup">
      <description>Home network name and passphrase, owner e-mail.</description>
      <sensitive>yes</sensitive>
      <purpose>Joining the home network.</purpose>
      <consent>Not consent-based: needed for the service.</consent>
      <commech>ComMech-Setup</commech>
    </row>
EOF
sed -e "/<table name=\"15-Intf\">/r $tmp/intf.xml" \
    -e "/<table name=\"11-ComMech\">/r $tmp/commech.xml" \
    -e "/<table name=\"21-PersData\">/r $tmp/persdata.xml" \
    "$src/tests/data/lab/ixit.xml" >"$tmp/ixit.xml"
grep -q 'id="ComMech-Setup"' "$tmp/ixit.xml" || fail "IXIT not extended"

# lab NAME WIFI-ELEMENT [DUT-ATTRS]: $tmp/NAME.xml
lab() {
	cat >"$tmp/$1.xml" <<EOF
<?xml version="1.0" encoding="UTF-8"?>
<lab format="1" name="wifi onboarding test">
  <scope><net>198.18.0.0/15</net></scope>
  <interfaces>
    <ethernet id="eth" name="assay-none0"/>
    <serial id="tty" path="$tmp/no-such-tty"/>
  </interfaces>
  <dut name="cam" interface="eth"${3:-}>
    $2
    <declarations ics="ics.xml" ixit="ixit.xml"/>
  </dut>
</lab>
EOF
}

# run NAME: assay run into $tmp/run-NAME; report in $rep
run() {
	"$assay" run --lab "$tmp/$1.xml" --out "$tmp/run-$1" \
	    >"$tmp/$1.out" 2>"$tmp/$1.err"
	code=$?
	[ "$code" -le 3 ] || fail "$1: exit $code: $(cat "$tmp/$1.err")"
	rep="$tmp/run-$1/report.xml"
	[ -f "$rep" ] || fail "$1: no report.xml"
	xmllint --noout "$rep" || fail "$1: report.xml not well-formed"
}

# unit CASE UNIT ROW: the <unit> element's first two lines (open, title)
# and its reason, one line each
unit() {
	awk -v c="$1" -v u="$2" -v r="$3" '
	    /<case id="/ { inc = index($0, "<case id=\"" c "\"") > 0 }
	    inc && /<unit id="/ {
		want = "<unit id=\"" u "\""
		if (r != "") want = want " row=\"" r "\""
		inu = index($0, want) > 0
	    }
	    inu { print } inu && /<\/unit>/ { exit }' "$rep"
}
# verdict CASE UNIT ROW WANT WHAT
verdict() {
	got=$(unit "$1" "$2" "$3" | sed -n 's/.* verdict="\([A-Z ]*\)".*/\1/p' |
	    head -n 1)
	[ "$got" = "$4" ] || fail "$5: $1 $2 ${3:-}: $got, want $4: $(unit \
	    "$1" "$2" "$3" | grep '<reason>')"
}
# reason_has CASE UNIT ROW TEXT WHAT
reason_has() {
	unit "$1" "$2" "$3" | grep '<reason>' | grep -qF -- "$4" ||
	    fail "$5: $1 $2 ${3:-}: no '$4' in $(unit "$1" "$2" "$3" |
	    grep '<reason>')"
}

# ---- the open setup network with the home passphrase in clear ---------------
lab prov "<wifi capture=\"$data/open-provisioning.pcap\" ssid=\"Cam-Setup-1234\" intf=\"Intf-WiFi-AP\"/>"
run prov
verdict 5.5-1-2 a ComMech-Setup FAIL prov
reason_has 5.5-1-2 a ComMech-Setup 'open network without OWE' prov
reason_has 5.5-1-2 a ComMech-Setup 'credentials in frame 4 (http)' prov
reason_has 5.5-1-2 a ComMech-Setup 'personal data in frame 6' prov
reason_has 5.5-1-2 a ComMech-Setup 'credentials in frame 7 (udp)' prov
reason_has 5.5-1-2 a ComMech-Setup \
    'the IXIT declares &quot;WPA3-SAE with management frame protection' prov
verdict 5.8-1-2 a PersData-Setup FAIL prov
verdict 5.8-2-2 a PersData-Setup FAIL prov
verdict 5.6-3-2 c "" PASS prov
reason_has 5.6-3-2 c "" 'declared by Intf-WiFi-AP' prov
for s in correct-horse-battery s3cret-pass abc12345; do
	grep -rqF "$s" "$tmp/run-prov" --exclude='*.pcap' &&
	    fail "prov: secret $s in the run folder outside the capture"
done
# The capture is evidence: copied, the same bytes, in the manifest.
cmp -s "$data/open-provisioning.pcap" "$tmp/run-prov/wifi/onboarding.pcap" ||
    fail "prov: wifi/onboarding.pcap is not the lab's capture"
sum=$(sha256sum "$data/open-provisioning.pcap" | cut -d' ' -f1)
grep -q "^$sum  wifi/onboarding.pcap\$" "$tmp/run-prov/MANIFEST.sha256" ||
    fail "prov: wifi/onboarding.pcap not in MANIFEST.sha256"
unit 5.5-1-2 a ComMech-Setup | grep -qF \
    "path=\"wifi/onboarding.pcap\" kind=\"pcap\" note=\"the DUT&#39;s Wi-Fi onboarding, a copy of the lab&#39;s capture $data/open-provisioning.pcap, sha256 $sum\"" ||
    fail "prov: the capture's evidence entry"
grep -qF 'frame 4: credentials' "$tmp/run-prov/wifi/analysis.txt" ||
    fail "prov: wifi/analysis.txt"
# The other channels of the hub are not judged from the capture.
verdict 5.5-1-2 a ComMech-LocalAPI INCONCLUSIVE prov
reason_has 5.5-1-2 a ComMech-LocalAPI 'not run' prov

# ---- an open network, nothing in clear ----------------------------------------
lab open "<wifi capture=\"$data/open.pcap\" ssid=\"assay-open\" intf=\"Intf-WiFi-AP\"/>"
run open
verdict 5.5-1-2 a ComMech-Setup FAIL open
reason_has 5.5-1-2 a ComMech-Setup '&quot;assay-open&quot; (02:00:00:00:01:00): open network without OWE' open
unit 5.5-1-2 a ComMech-Setup | grep -q 'in clear over the air' &&
    fail "open: cleartext named where there is none"

# ---- WPA3-SAE with MFP required ----------------------------------------------
lab wpa3 "<wifi capture=\"$data/wpa3-sae.pcap\" ssid=\"assay-wpa3\" intf=\"Intf-WiFi-AP\"/>"
run wpa3
verdict 5.5-1-2 a ComMech-Setup PASS wpa3
reason_has 5.5-1-2 a ComMech-Setup 'WPA3-SAE with management frame protection required' wpa3
verdict 5.8-1-2 a PersData-Setup PASS wpa3
verdict 5.6-3-2 c "" PASS wpa3

# ---- the lab's SSID not in the capture ----------------------------------------
lab absent "<wifi capture=\"$data/wpa3-sae.pcap\" ssid=\"Cam-Setup-1234\" intf=\"Intf-WiFi-AP\"/>"
run absent
verdict 5.5-1-2 a ComMech-Setup INCONCLUSIVE absent
reason_has 5.5-1-2 a ComMech-Setup '&quot;Cam-Setup-1234&quot; was not seen in the capture' absent
verdict 5.6-3-2 c "" INCONCLUSIVE absent
reason_has 5.6-3-2 c "" 'was not seen in the capture (1 network seen)' absent

# ---- a second, undeclared access point on the DUT's radio ---------------------
lab two "<wifi capture=\"$data/two-aps.pcap\" ssid=\"Cam-Setup-5678\" intf=\"Intf-WiFi-AP\"/>"
run two
verdict 5.6-3-2 c "" FAIL two
reason_has 5.6-3-2 c "" '1 access point on the DUT&#39;s radio that no IXIT interface row declares' two
reason_has 5.6-3-2 c "" '&quot;Cam-Debug&quot; (02:00:00:00:10:01, open)' two
unit 5.6-3-2 c "" | grep -q 'Neighbour-Net' &&
    fail "two: a neighbour's network counted as the DUT's"
verdict 5.5-1-2 a ComMech-Setup PASS two
# Declared by name in a Wi-Fi interface row: no longer undeclared.
sed 's/open only during setup\./open only during setup; a service network Cam-Debug./' \
    "$tmp/ixit.xml" >"$tmp/ixit2.xml"
sed 's/ixit="ixit.xml"/ixit="ixit2.xml"/' "$tmp/two.xml" >"$tmp/two2.xml"
run two2
verdict 5.6-3-2 c "" PASS two2

# ---- markup in an SSID: escaped in the reports --------------------------------
lab hostile "<wifi capture=\"$data/hostile-ssid.pcap\" bssid=\"02:00:00:00:0e:00\" intf=\"Intf-WiFi-AP\"/>"
run hostile
verdict 5.5-1-2 a ComMech-Setup FAIL hostile
reason_has 5.5-1-2 a ComMech-Setup '&lt;script&gt;alert' hostile
for f in report.xml report.html; do
	grep -qF '<script>alert' "$tmp/run-hostile/$f" &&
	    fail "hostile: markup from the SSID unescaped in $f"
done
grep -qF '&lt;script&gt;alert' "$tmp/run-hostile/report.html" ||
    fail "hostile: the SSID not shown escaped in report.html"

# ---- a capture that is not 802.11: the bench's fault, never the DUT's ---------
lab eth "<wifi capture=\"$data/not-80211.pcap\" ssid=\"Cam-Setup-1234\" intf=\"Intf-WiFi-AP\"/>"
run eth
verdict 5.6-3-2 c "" ERROR eth
reason_has 5.6-3-2 c "" 'not an 802.11 capture' eth
verdict 5.5-1-2 a ComMech-Setup ERROR eth

# ---- a monitor interface that is not there: ERROR, the bench's fault -----------
lab mon "<wifi interface=\"mon\" seconds=\"1\" ssid=\"Cam-Setup-1234\" intf=\"Intf-WiFi-AP\"/>"
sed 's|<serial id="tty"|<wifi id="mon" name="assay-nomon0" monitor="yes"/>\n    &|' \
    "$tmp/mon.xml" >"$tmp/mon2.xml"
run mon2
verdict 5.6-3-2 c "" ERROR mon
reason_has 5.6-3-2 c "" 'the monitor interface assay-nomon0 cannot be used' mon
verdict 5.5-1-2 a ComMech-Setup ERROR mon
[ -e "$tmp/run-mon2/wifi/onboarding.pcap" ] &&
    fail "mon: a capture from an interface that is not there"

# ---- no Wi-Fi source: the units stay as they were ------------------------------
lab none "" ' serial="tty"'
run none
verdict 5.6-3-2 c "" INCONCLUSIVE none
reason_has 5.6-3-2 c "" 'the bench lacks wifi' none
verdict 5.5-1-2 a ComMech-Setup INCONCLUSIVE none
[ -e "$tmp/run-none/wifi" ] && fail "none: a wifi/ folder without a source"

echo "ok: Wi-Fi onboarding in 10 runs"
