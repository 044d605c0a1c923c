#!/bin/bash
# A full functional network run on the bench's weak device, against the
# waits it cannot avoid: nmap's discovery (the longer of the IPv4 and IPv6
# scans, which run in parallel) plus the password guessing, whose budget
# the lab config sets.  Prints the total, the waits and the ratio; the
# issue's target is a ratio of at most 1.5.  The run is the functional
# network tests (issue 4): the lab config without the outages, the erasure
# and the update session, whose deliberate waits (outages, observation
# windows, settle times, the device fetching its update) the ratio does not
# count; ASSAY_BENCH_FULL=1 keeps them.  Needs root (the bench); exit 77
# otherwise.
#
#   bench-functional.sh [ASSAY_BIN] [RUNS]
set -u
src=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
bin=${1:-$src/build-perf/assay}
runs=${2:-3}
bench="$src/tests/bench/bench.sh"

if [ "$(id -u)" -ne 0 ]; then
	echo "bench-functional: SKIP: the virtual bench needs root"
	exit 77
fi
[ -x "$bin" ] || { echo "bench-functional: no assay binary at $bin"; exit 1; }
tmp=$(mktemp -d /tmp/assay-bench-func.XXXXXX)
chmod 755 "$tmp"
trap 'bash "$bench" down >/dev/null 2>&1; rm -rf "$tmp"' EXIT
lab="$tmp/lab.xml"
if [ "${ASSAY_BENCH_FULL:-0}" = 1 ]; then
	strip='/^$/d'
else
	strip='/<resilience/,/<\/resilience>/d; /<erase/,/<\/erase>/d; /<update /,/<\/update>/d'
fi
sed -e "s#\${LABDIR}/\.\./\.\./#$src/#g" -e "s#\.\./\.\./#$src/#g" -e "$strip" \
    "$src/lab-config/examples/virtual-bench.xml" >"$lab"

# nmap's own elapsed time of a scan, from its XML.
elapsed() {
	sed -n 's/.*<finished [^>]*elapsed="\([0-9.]*\)".*/\1/p' "$1" | head -n 1
}

echo "bench-functional: assay run --dut weak on the virtual bench, $runs runs"
printf '%-4s %9s %9s %9s %9s %7s\n' run total_s nmap_s guess_s waits_s ratio
ratios=()
for i in $(seq 1 "$runs"); do
	# A fresh device each run: the settings API's crash stays otherwise.
	bash "$bench" down >/dev/null 2>&1
	bash "$bench" up >/dev/null 2>&1 || { echo "bench did not come up"; exit 1; }
	t0=$(date +%s.%N)
	"$bin" run --lab "$lab" --dut weak --batch --out "$tmp/run$i" \
	    >/dev/null 2>"$tmp/err$i"
	t1=$(date +%s.%N)
	total=$(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }')
	n4=$(elapsed "$tmp/run$i/discovery/nmap-ipv4.xml"); n4=${n4:-0}
	n6=$(elapsed "$tmp/run$i/discovery/nmap-ipv6.xml"); n6=${n6:-0}
	nmap=$(awk -v a="$n4" -v b="$n6" 'BEGIN { print (a > b) ? a : b }')
	guess=$(grep -h 'guesses in' "$tmp/run$i"/transcripts/*-surfaces.txt 2>/dev/null |
	    sed -n 's/.* guesses in \([0-9.]*\) s.*/\1/p' |
	    awk '{ s += $1 } END { print s + 0 }')
	waits=$(awk -v a="$nmap" -v b="$guess" 'BEGIN { print a + b }')
	ratio=$(awk -v a="$total" -v b="$waits" 'BEGIN { print (b > 0) ? a / b : 0 }')
	ratios+=("$ratio")
	printf '%-4s %9.1f %9.1f %9.1f %9.1f %7.2f\n' "$i" "$total" "$nmap" \
	    "$guess" "$waits" "$ratio"
	rm -rf "$tmp/run$i"
done
med=$(printf '%s\n' "${ratios[@]}" | sort -n | sed -n "$(( (${#ratios[@]} + 1) / 2 ))p")
printf 'median ratio total / (discovery + guessing): %.2f (target: at most 1.5)\n' "$med"
