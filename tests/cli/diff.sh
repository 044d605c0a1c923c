#!/bin/sh
# assay diff, baseline and waivers end to end, on two real offline runs of
# the ipcam example: the second from a copy whose answers turn 5.2-1-1 a
# from PASS to FAIL (a regression) and 5.3-2-1 a from FAIL to PASS (fixed).
# Checks exit codes, output, XML against its schema, JUnit, baselines
# pinned, replaced and unpinned, waivers in force, expiring and bad, and
# that bad input writes nothing.
set -u
assay=${1:?usage: diff.sh ASSAY SRCDIR}
src=${2:?usage: diff.sh ASSAY SRCDIR}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; [ -f "$tmp/out" ] && cat "$tmp/out" "$tmp/err"; exit 1; }
unset ASSAY_TODAY

# run CODE ARGS...: run assay, output in $tmp/out and $tmp/err, and check
# the exit code.
run() {
	want=$1
	shift
	"$assay" "$@" >"$tmp/out" 2>"$tmp/err"
	code=$?
	[ "$code" -eq "$want" ] || fail "assay $*: exit $code, want $want"
}
has() { grep -q -- "$1" "$tmp/${2:-out}" || fail "no '$1' in ${2:-out} of the last command"; }

cp -r "$src/ics-ixit/examples/ipcam" "$tmp/cam2"
sed -i 's|case="5.2-1-1" unit="a" verdict="PASS"|case="5.2-1-1" unit="a" verdict="FAIL"|;
    s|case="5.3-2-1" unit="a" verdict="FAIL"|case="5.3-2-1" unit="a" verdict="PASS"|' \
    "$tmp/cam2/answers.xml"
grep -q 'case="5.2-1-1" unit="a" verdict="FAIL"' "$tmp/cam2/answers.xml" ||
    fail "the answers of the copy were not changed"
runs="$tmp/runs"
mkdir "$runs"
run 1 run --offline --batch --out "$runs/night1" "$src/ics-ixit/examples/ipcam"
run 1 run --offline --batch --out "$runs/night2" "$tmp/cam2"

# The same run: nothing changed.
run 0 diff "$runs/night1" "$runs/night1"
has "result:   no regression"

# The regression and the fix.
run 1 diff "$runs/night1" "$runs/night2"
has "units:    1 regression, 1 fixed"
has "REGRESSED: 1 regression"
has "5.2-1-1 a  PASS -> FAIL"
has "5.3-2-1 a  FAIL -> PASS"
# Backwards: the fix is a regression and the regression a fix.
run 1 diff "$runs/night2" "$runs/night1"
has "5.3-2-1 a  PASS -> FAIL"
has "5.2-1-1 a  FAIL -> PASS"
# A report.xml works as well as its folder.
run 1 diff "$runs/night1/report.xml" "$runs/night2/report.xml"

# XML valid against its schema; JUnit with one failure.
run 1 diff --format xml "$runs/night1" "$runs/night2"
xmllint --noout --schema "$src/reports/schema/diff.xsd" "$tmp/out" 2>/dev/null ||
    fail "diff XML not valid against diff.xsd"
has 'regressed="true"'
# HTML: a well-formed fragment, the regression row first.
run 1 diff --format html "$runs/night1" "$runs/night2"
xmllint --noout "$tmp/out" || fail "diff HTML not well-formed"
has '<tbody>'
grep -A1 '<tbody>' "$tmp/out" | grep -q '^<tr class="k-regression"><td>regression</td><td><code>5.2-1-1</code>' ||
    fail "diff HTML: the first row is not the regression"
has '<tr class="k-fixed"><td>fixed</td><td><code>5.3-2-1</code>'
run 1 diff --format junit -o "$tmp/junit.xml" "$runs/night1" "$runs/night2"
has "REGRESSED"
xmllint --noout "$tmp/junit.xml" || fail "JUnit not well-formed"
grep -q 'failures="1"' "$tmp/junit.xml" || fail "JUnit: not one failure"
[ "$(grep -c '<testcase ' "$tmp/junit.xml")" -eq 2 ] || fail "JUnit: not 2 testcases"
# -o replaces its own earlier output, as plan -o does.
run 1 diff --format junit -o "$tmp/junit.xml" "$runs/night1" "$runs/night2"
# -o never writes into a run folder or onto a folder.
run 2 diff -o "$runs/night2/diff.txt" "$runs/night1" "$runs/night2"
[ -e "$runs/night2/diff.txt" ] && fail "wrote into a run folder"
run 2 diff -o "$runs" "$runs/night1" "$runs/night2"
"$assay" verify "$runs/night2" >/dev/null || fail "night2 no longer intact"

# Bad runs: exit 2, the file named, nothing written.
mkdir "$tmp/empty" "$runs/night3.partial"
cp "$runs/night1/report.xml" "$runs/night3.partial/"
head -c 3000 "$runs/night1/report.xml" >"$tmp/cut.xml"
sed 's/urn:assay:report:1/urn:example:other/' "$runs/night1/report.xml" >"$tmp/ns.xml"
cp "$src/ics-ixit/examples/ipcam/ics.xml" "$tmp/ics.xml"
for bad in "$tmp/empty:not a run folder" "$runs/night3:did not finish" \
    "$runs/night3.partial:unfinished" "$tmp/cut.xml:Premature end" \
    "$tmp/ns.xml:urn:example:other" "$tmp/ics.xml:not a complete report" \
    "$tmp/nothing:cannot read"; do
	path=${bad%%:*}
	msg=${bad#*:}
	run 2 diff -o "$tmp/never.txt" "$runs/night1" "$path"
	has "$msg" err
	grep -q "^$path" "$tmp/err" || fail "$path: not named in the error"
	[ -e "$tmp/never.txt" ] && fail "$path: output written on bad input"
done
run 2 diff "$runs/night1"
run 2 diff --format pdf "$runs/night1" "$runs/night2"
has "--format is text, xml, junit or html, not 'pdf'" err
run 2 diff --strict --today 2027-02-30 "$runs/night1" "$runs/night2"
has "February 2027 has 28 days" err

# Baselines: pin, show, list, diff --baseline, replace (said), unpin.
run 0 baseline pin "$runs/night1"
has "baseline of ipcam: night1"
[ "$(readlink "$runs/baselines/ipcam")" = "../night1" ] ||
    fail "the baseline is not the relative link ../night1"
run 0 baseline show ipcam --runs-dir "$runs"
has "overall: FAIL"
run 0 baseline list --runs-dir "$runs"
has "ipcam -> ../night1"
run 1 diff --baseline "$runs/night2"
has "new:      ipcam night2"
has "5.2-1-1 a  PASS -> FAIL"
run 0 baseline pin "$runs/night1"
has "already pinned"
run 0 baseline pin "$runs/night2"
has "replaced the previous baseline ../night1"
run 0 diff --baseline "$runs/night2"
# A baseline kept elsewhere (--runs-dir), and the one that is not there.
run 0 baseline pin "$runs/night1" --runs-dir "$tmp/elsewhere"
[ "$(readlink "$tmp/elsewhere/baselines/ipcam")" = "../../runs/night1" ] ||
    fail "the baseline elsewhere is not ../../runs/night1"
run 1 diff --baseline --runs-dir "$tmp/elsewhere" "$runs/night2"
run 0 baseline unpin ipcam --runs-dir "$runs"
has "was ../night2"
[ -e "$runs/baselines/ipcam" ] && fail "unpin left the link"
[ -d "$runs/night2" ] || fail "unpin removed the run"
run 2 diff --baseline "$runs/night2"
has "no baseline is pinned for device 'ipcam'" err
run 2 baseline show ipcam --runs-dir "$runs"
run 2 baseline show ../etc --runs-dir "$runs"
run 2 baseline pin "$runs/night3.partial"
run 2 baseline pin "$runs/night1/report.xml"
run 2 baseline frobnicate x
# A file where the link should be is not overwritten.
echo keep >"$runs/baselines/ipcam"
run 2 baseline pin "$runs/night1"
[ "$(cat "$runs/baselines/ipcam")" = keep ] || fail "a file was overwritten"
rm "$runs/baselines/ipcam"

# Waivers: the regression waived until its last day, not the day after.
cat >"$tmp/waivers.xml" <<'EOF'
<?xml version="1.0" encoding="UTF-8"?>
<waivers format="1">
  <waiver case="5.2-1-1" unit="a" device="ipcam" owner="j.doe" expires="2027-01-31">policy page ships in 1.5</waiver>
  <waiver case="5.4-1-1" device="*" owner="k.roe" expires="2030-01-01">not needed</waiver>
  <waiver case="5.1-1-1" device="ipcam" owner="a.old" expires="2026-01-31">long gone</waiver>
</waivers>
EOF
run 0 diff --waivers "$tmp/waivers.xml" --today 2027-01-31 "$runs/night1" "$runs/night2"
has "1 waived, 1 fixed"
has "waived (j.doe, until 2027-01-31: policy page ships in 1.5)"
has "unused   line 4: 5.4-1-1"
has "expired  line 5: 5.1-1-1"
ASSAY_TODAY=2027-02-01 "$assay" diff --waivers "$tmp/waivers.xml" \
    "$runs/night1" "$runs/night2" >"$tmp/out" 2>"$tmp/err"
[ $? -eq 1 ] || fail "an expired waiver still applied"
has "not waived: the waiver on line 3 expired on 2027-01-31"
has "expired  line 3: 5.2-1-1"
run 0 diff --format junit --waivers "$tmp/waivers.xml" --today 2027-01-01 \
    "$runs/night1" "$runs/night2"
has 'failures="0"'
has '<skipped message="waived (j.doe'
# The waiver never changes the verdict in the report itself.
grep -q 'verdict="FAIL"' "$runs/night2/report.xml" || fail "report changed"

# Bad waiver files: exit 2, FILE:LINE, nothing written.
cat >"$tmp/bad.xml" <<'EOF'
<?xml version="1.0" encoding="UTF-8"?>
<waivers format="1">
  <waiver case="5.2-1-1" unit="a" device="ipcam" owner="j.doe" expires="2027-02-30">bad day</waiver>
  <waiver case="5.2-1-1" unit="a" device="ipcam" owner="j.doe" expires="2027-01-31">twice</waiver>
  <waiver case="9.9-9-9" device="ipcam" owner="" expires="2027-01-31"> </waiver>
</waivers>
EOF
run 2 diff -o "$tmp/never.txt" --waivers "$tmp/bad.xml" "$runs/night1" "$runs/night2"
has "bad.xml:3: error: expires \"2027-02-30\" is not a day" err
has "bad.xml:4: error: a second waiver for case 5.2-1-1" err
has "bad.xml:5: error: test case '9.9-9-9' does not exist" err
has "bad.xml:5: error: the waiver has no owner" err
has "bad.xml:5: error: the waiver has no reason" err
[ -e "$tmp/never.txt" ] && fail "output written with a bad waiver file"
run 2 diff --waivers "$tmp/nothing.xml" "$runs/night1" "$runs/night2"
echo "ok: assay diff, baseline and waivers"
