#!/bin/bash
# Several devices at once: each bench device assessed alone, then all of
# them in one batch with --jobs N (N = the number of devices).  Prints each
# wall time and the ratio batch / slowest single run; the issue's target is
# at most 1.6.  The virtual bench has three devices (weak, weak2, hardened),
# so N is 3.  The lab is the virtual bench's, scanning TCP ports 1-1024 and the top
# 20 UDP ports, without the update sessions, so that a round takes minutes,
# not a quarter of an hour.  Needs root (the bench); exit 77 otherwise.
#
#   bench-jobs.sh [ASSAY_BIN] [ROUNDS]
set -u
src=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
bin=${1:-$src/build-perf/assay}
rounds=${2:-1}
bench="$src/tests/bench/bench.sh"

if [ "$(id -u)" -ne 0 ]; then
	echo "bench-jobs: SKIP: the virtual bench needs root"
	exit 77
fi
[ -x "$bin" ] || { echo "bench-jobs: no assay binary at $bin"; exit 1; }
tmp=$(mktemp -d /tmp/assay-bench-jobs.XXXXXX)
chmod 755 "$tmp"
trap 'bash "$bench" down >/dev/null 2>&1; rm -rf "$tmp"' EXIT
lab="$tmp/lab.xml"
sed -e "s#\${LABDIR}/\.\./\.\./#$src/#g" -e "s#\.\./\.\./#$src/#g" \
    -e 's#tcp-ports="[^"]*"#tcp-ports="1-1024"#' \
    -e 's#udp-top="[^"]*"#udp-top="20"#' \
    -e '/<update /,/<\/update>/d' \
    "$src/lab-config/examples/virtual-bench.xml" >"$lab"

now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }

# A fresh bench before every run: the weak device's settings API stays
# crashed after its fuzzing otherwise.
fresh() {
	bash "$bench" down >/dev/null 2>&1
	bash "$bench" up >/dev/null 2>&1 || { echo "bench did not come up"; exit 1; }
}

devices=(weak weak2 hardened)
n=${#devices[@]}
echo "bench-jobs: each device alone, then all $n with --jobs $n, $rounds round(s)"
printf '%-6s' round
for d in "${devices[@]}"; do printf ' %10s' "${d}_s"; done
printf ' %9s %7s\n' "jobs${n}_s" ratio
for i in $(seq 1 "$rounds"); do
	alone=()
	for d in "${devices[@]}"; do
		fresh
		t=$(now)
		"$bin" run --lab "$lab" --dut "$d" --batch --runs-dir "$tmp/r$i" >/dev/null 2>&1
		alone+=("$(since "$t")")
	done
	fresh
	t=$(now)
	"$bin" run --lab "$lab" --all --jobs "$n" --batch --runs-dir "$tmp/b$i" >"$tmp/b$i.out" 2>&1
	all=$(since "$t")
	for d in "${devices[@]}"; do
		if ! grep -qE "^  $d +assessed" "$tmp/b$i.out"; then
			echo "bench-jobs: the batch did not assess $d:"
			cat "$tmp/b$i.out"
			exit 1
		fi
	done
	ratio=$(printf '%s\n' "${alone[@]}" | awk -v c="$all" \
	    '{ if ($1 > m) m = $1 } END { printf "%.2f", c / m }')
	printf '%-6s' "$i"
	for a in "${alone[@]}"; do printf ' %10s' "$a"; done
	printf ' %9s %7s\n' "$all" "$ratio"
	rm -rf "$tmp/r$i" "$tmp/b$i"
done
echo "ratio: the batch's wall time / the slowest device alone (target: at most 1.6)"
