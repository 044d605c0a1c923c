#!/bin/sh
# The committed captures are what gen-wifi writes, byte for byte: run it
# into a scratch folder and compare every file both ways (none missing,
# none extra, none drifted).
set -u
gen=${1:?usage: check-captures.sh GEN-WIFI DATADIR}
dir=${2:?usage: check-captures.sh GEN-WIFI DATADIR}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

"$gen" "$tmp" || fail "gen-wifi exited $?"
n=0
for f in "$tmp"/*.pcap; do
	name=$(basename "$f")
	[ -f "$dir/$name" ] || fail "$name is generated but not committed"
	cmp -s "$f" "$dir/$name" ||
	    fail "$name differs from what gen-wifi writes; run gen-wifi $dir"
	n=$((n + 1))
done
for f in "$dir"/*.pcap; do
	[ -f "$tmp/$(basename "$f")" ] ||
	    fail "$(basename "$f") is committed but no longer generated"
done
[ "$n" -ge 15 ] || fail "only $n captures generated"
echo "ok: $n captures as generated"
