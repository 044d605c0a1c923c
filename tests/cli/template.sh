#!/bin/sh
# assay template: for every edition, a blank ICS and IXIT that are
# well-formed XML, list every provision, are refused by validate until
# filled in (each blank support named), and are never overwritten.
set -u
assay=${1:?usage: template.sh ASSAY SRCDIR}
src=${2:?usage: template.sh ASSAY SRCDIR}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

for ed in ts103701-v1.1.1 ts103701-v2.1.1; do
	out="$tmp/$ed"
	"$assay" template --edition "$ed" --out-dir "$out" >/dev/null ||
	    fail "$ed: template exited $?"
	xmllint --noout "$out/ics.xml" "$out/ixit.xml" ||
	    fail "$ed: not well-formed"
	want=$(grep -c '<provision ' "$src/ics-ixit/catalogue/$ed.xml")
	got=$(grep -c '<row provision=' "$out/ics.xml")
	[ "$want" -eq "$got" ] || fail "$ed: $got rows, want $want"
	tables=$(grep -c '<table ' "$src/ics-ixit/catalogue/$ed.xml")
	got=$(grep -c '<table name=' "$out/ixit.xml")
	[ "$tables" -eq "$got" ] || fail "$ed: $got tables, want $tables"
	"$assay" validate "$out" >/dev/null 2>"$tmp/err"
	code=$?
	[ "$code" -eq 2 ] || fail "$ed: blank template validated with $code"
	blanks=$(grep -c "ics.xml:[0-9]*: error: .*attribute 'support'" "$tmp/err")
	[ "$blanks" -eq "$want" ] || fail "$ed: $blanks blank rows named, want $want"
	cp "$out/ics.xml" "$tmp/before"
	"$assay" template --edition "$ed" --out-dir "$out" >/dev/null 2>&1
	code=$?
	[ "$code" -eq 2 ] || fail "$ed: second template exited $code, want 2"
	cmp -s "$out/ics.xml" "$tmp/before" || fail "$ed: ics.xml overwritten"
done
"$assay" template --edition ../etc >/dev/null 2>&1
[ $? -eq 2 ] || fail "a path as edition was not refused"
"$assay" template --edition no-such-edition >/dev/null 2>&1
[ $? -eq 2 ] || fail "an unknown edition was not refused"
echo "ok: templates for both editions"
