#!/bin/sh
# Operator steps end to end, offline, on a copy of the ipcam example whose
# answers file decides 5.8-3-1 c and 6-1-2 (every unit) with evidence
# files: the copies are in evidence/operator/ byte for byte, with their
# SHA-256 in MANIFEST.sha256; report.xml (valid against its schema) lists
# them as evidence of kind "operator" on the units the assessor decided;
# the run's answers.xml names the copies and serves as the answers file of
# a second run; "assay verify" accepts both runs.  An operator step nobody
# answered is INCONCLUSIVE with the reason, other functional units stay
# "not run".  Bad evidence paths (missing, a folder, a symbolic link, '..'
# in the path, a fifo, over 64 MiB) are exit 2 with FILE:LINE, and no run
# folder is written.
set -u
assay=${1:?usage: operator.sh ASSAY SRCDIR}
src=${2:?usage: operator.sh ASSAY SRCDIR}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; [ -f "$tmp/out" ] && cat "$tmp/out" "$tmp/err"; exit 1; }
ok() { echo "ok: $*"; }

# run CODE ARGS...: run assay, output in $tmp/out and $tmp/err, and check
# the exit code.
run() {
	want=$1
	shift
	"$assay" "$@" </dev/null >"$tmp/out" 2>"$tmp/err"
	code=$?
	[ "$code" -eq "$want" ] || fail "assay $*: exit $code, want $want"
}
# unit REPORT CASE UNIT ATTR: an attribute of a unit in report.xml.
unit() {
	xmllint --xpath "string(//*[local-name()='case'][@id='$2']/*[local-name()='unit'][@id='$3'][not(@row)]/@$4)" "$1"
}
reason() {
	xmllint --xpath "string(//*[local-name()='case'][@id='$2']/*[local-name()='unit'][@id='$3'][not(@row)]/*[local-name()='reason'])" "$1"
}
evidence() {
	xmllint --xpath "string(//*[local-name()='case'][@id='$2']/*[local-name()='unit'][@id='$3'][not(@row)]/*[local-name()='evidence'][@kind='operator']/@path)" "$1"
}

dev="$tmp/cam"
cp -r "$src/ics-ixit/examples/ipcam" "$dev"
mkdir "$dev/photos"
printf 'JFIF label photo\000\001\002\377' >"$dev/photos/label 1.jpg"
printf '%%PDF-1.4 user manual, section 2\n' >"$tmp/manual.pdf"
sed -i 's|</answers>|  <answer case="5.8-3-1" unit="c" verdict="PASS" assessor="O. Perator" evidence="photos/label 1.jpg">The casing shows the lens, the microphone holes and the PIR window, as documented.</answer>\
  <answer case="6-1-2" unit="*" verdict="FAIL" assessor="O. Perator" evidence="'"$tmp"'/manual.pdf">The manual does not say who receives the video.</answer>\
</answers>|' "$dev/answers.xml"
grep -q 'evidence="photos/label 1.jpg"' "$dev/answers.xml" ||
    fail "the answers of the copy were not changed"

# From another folder: relative evidence is found next to the answers file.
cd "$tmp" || fail "cd $tmp"
run 1 run --offline --batch --out "$tmp/run1" "$dev"
r1="$tmp/run1"
copy="$r1/evidence/operator/5.8-3-1_c_label_1.jpg"
[ -f "$copy" ] || fail "no copy $copy: $(ls -R "$r1/evidence" 2>&1)"
cmp -s "$copy" "$dev/photos/label 1.jpg" || fail "the copy differs"
[ -f "$r1/evidence/operator/6-1-2_all_manual.pdf" ] || fail "no copy of the manual"
want=$(sha256sum <"$dev/photos/label 1.jpg" | cut -d' ' -f1)
grep -qx "$want  evidence/operator/5.8-3-1_c_label_1.jpg" "$r1/MANIFEST.sha256" ||
    fail "MANIFEST.sha256 lacks the copy with its SHA-256 $want"
ok "the evidence is copied, with its SHA-256 in the manifest"

rep="$r1/report.xml"
xmllint --noout --schema "$src/reports/schema/report.xsd" "$rep" 2>/dev/null ||
    fail "report.xml not valid against report.xsd"
[ "$(unit "$rep" 5.8-3-1 c verdict)" = PASS ] || fail "5.8-3-1 c is not PASS"
[ "$(unit "$rep" 5.8-3-1 c decided-by)" = "assessor O. Perator" ] ||
    fail "5.8-3-1 c not decided by the assessor"
[ "$(evidence "$rep" 5.8-3-1 c)" = "evidence/operator/5.8-3-1_c_label_1.jpg" ] ||
    fail "5.8-3-1 c does not list its photo"
for u in a b c d; do
	[ "$(unit "$rep" 6-1-2 $u verdict)" = FAIL ] || fail "6-1-2 $u is not FAIL"
	[ "$(evidence "$rep" 6-1-2 $u)" = "evidence/operator/6-1-2_all_manual.pdf" ] ||
	    fail "6-1-2 $u does not list the manual"
done
ok "report.xml: the operator steps decided by the assessor, with their evidence"

case $(reason "$rep" 5.8-3-1 a) in
"operator step not answered: the answers file has no answer for it; answer it in the answers file (--answers) or run interactively") ;;
*) fail "5.8-3-1 a: $(reason "$rep" 5.8-3-1 a)" ;;
esac
[ "$(unit "$rep" 5.8-3-1 a verdict)" = INCONCLUSIVE ] || fail "5.8-3-1 a is not INCONCLUSIVE"
[ -z "$(unit "$rep" 5.8-3-1 a decided-by)" ] || fail "5.8-3-1 a decided by someone"
case $(reason "$rep" 5.1-1-2 a) in
"not run: offline assessment"*) ;;
*) fail "5.1-1-2 a (network): $(reason "$rep" 5.1-1-2 a)" ;;
esac
ok "unanswered operator steps are INCONCLUSIVE with the reason; network units are not run"

grep -q 'evidence="evidence/operator/5.8-3-1_c_label_1.jpg"' "$r1/answers.xml" ||
    fail "the run's answers.xml does not name the copy"
run 0 verify "$r1"
ok "assay verify accepts the run"

# The run's answers.xml is the answers file of a later run.
run 1 run --offline --batch --out "$tmp/run2" --answers "$r1/answers.xml" "$dev"
cmp -s "$tmp/run2/evidence/operator/5.8-3-1_c_label_1.jpg" "$copy" ||
    fail "the second run's copy differs"
[ "$(unit "$tmp/run2/report.xml" 5.8-3-1 c verdict)" = PASS ] ||
    fail "second run: 5.8-3-1 c is not PASS"
run 0 verify "$tmp/run2"
ok "the run's answers.xml repeats the answers with their evidence"

# No answers file and no terminal: said so.
mkdir "$tmp/bare"
cp "$dev/ics.xml" "$dev/ixit.xml" "$tmp/bare/"
run 1 run --offline --batch --out "$tmp/run3" "$tmp/bare"
case $(reason "$tmp/run3/report.xml" 5.8-3-1 c) in
"operator step not answered: no answers file, and no terminal to ask on;"*) ;;
*) fail "no answers: $(reason "$tmp/run3/report.xml" 5.8-3-1 c)" ;;
esac
ok "no answers at all: INCONCLUSIVE, and why"

# Bad evidence: exit 2, FILE:LINE and what to do, no run folder.
ln -s "photos/label 1.jpg" "$dev/link.jpg"
mkfifo "$dev/fifo"
truncate -s 65M "$dev/big.bin"
line=$(grep -n 'case="5.8-3-1" unit="c"' "$dev/answers.xml" | cut -d: -f1)
for bad in "missing.jpg:there is no such file" "photos:it is a folder" \
    "link.jpg:it is a symbolic link" "../cam/photos/x.jpg:climbs out of the answers file's folder" \
    "fifo:a device, fifo or socket" "big.bin:over the 64 MiB cap"; do
	ev=${bad%%:*}
	msg=${bad#*:}
	sed "s|evidence=\"photos/label 1.jpg\"|evidence=\"$ev\"|" "$dev/answers.xml" >"$dev/bad.xml"
	run 2 run --offline --batch --answers "$dev/bad.xml" --out "$tmp/bad" "$dev"
	grep -q "bad.xml:$line: error: evidence '$ev' of the 5.8-3-1 c answer.*$msg" "$tmp/err" ||
	    fail "evidence $ev: no '$msg' at line $line"
	[ -e "$tmp/bad" ] || [ -e "$tmp/bad.partial" ] && fail "evidence $ev: a run folder was written"
	run 2 validate --answers "$dev/bad.xml" "$dev"
	grep -q "bad.xml:$line: error: .*$msg" "$tmp/err" ||
	    fail "validate, evidence $ev: no '$msg'"
done
ok "bad evidence paths: exit 2 with FILE:LINE and the fix, nothing written"
exit 0
