#!/bin/bash
# Build the benchmarks in a release build and run them, printing their
# tables (the figures in the README come from here).  No network: meson
# uses the system's dependencies and never downloads a wrap.
#
# Usage: tests/perf/run-all.sh [BUILD_DIR]   (default: build-perf in the
#        source tree)
#
# The figures are medians of repeated runs; on a shared machine compare
# the ratios printed within one run, not absolute times across runs.
set -euo pipefail

src=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
build=${1:-$src/build-perf}

log=$(mktemp)
trap 'rm -f "$log"' EXIT

# Set up (or switch an existing build to) a release build.  The output
# goes to a log that is shown only when a step fails.
if [ -f "$build/build.ninja" ]; then
	meson configure "$build" -Dbuildtype=release >"$log" 2>&1 ||
		{ cat "$log" >&2; exit 1; }
else
	meson setup "$build" "$src" -Dbuildtype=release \
		--wrap-mode=nodownload >"$log" 2>&1 ||
		{ cat "$log" >&2; exit 1; }
fi
# Only the benchmarks (and the library they link), so that a unit test
# being edited elsewhere does not stop the measurement.
ninja -C "$build" tests/perf/bench-plan tests/perf/bench-render \
	tests/perf/bench-diff tests/perf/bench-capture \
	tests/perf/bench-discovery tests/perf/bench-bruteforce \
	tests/perf/bench-serve assay \
	>"$log" 2>&1 || { cat "$log" >&2; exit 1; }

cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo 2>/dev/null |
	head -n 1)
echo "machine: $(uname -srm), ${cpu:-unknown CPU}, $(nproc) CPUs," \
	"load average $(cut -d ' ' -f 1-3 /proc/loadavg 2>/dev/null || echo ?)"
echo "build:   $(${CC:-cc} --version | head -n 1), buildtype release," \
	"libxml2 $(pkg-config --modversion libxml-2.0 2>/dev/null || echo ?)"
echo

export ASSAY_SRCDIR="$src"
status=0
"$build/tests/perf/bench-plan" || status=1
echo
"$build/tests/perf/bench-render" || status=1
echo
"$build/tests/perf/bench-diff" || status=1
echo
# Needs root: exit 77 (skipped, with the reason) is not a failure.
r=0
"$build/tests/perf/bench-capture" || r=$?
[ "$r" -eq 0 ] || [ "$r" -eq 77 ] || status=1
echo
# Needs root and nmap; about five minutes (six full scans).
r=0
"$build/tests/perf/bench-discovery" || r=$?
[ "$r" -eq 0 ] || [ "$r" -eq 77 ] || status=1
echo
# Needs root and hydra: guessing against the bench's dropbear.
r=0
"$build/tests/perf/bench-bruteforce" || r=$?
[ "$r" -eq 0 ] || [ "$r" -eq 77 ] || status=1
echo
# Needs wrk: the dashboard with 1,000 runs under 50 clients (about a minute).
r=0
"$build/tests/perf/bench-serve" || r=$?
[ "$r" -eq 0 ] || [ "$r" -eq 77 ] || status=1
echo
# Needs root: three full live runs of the weak device (about 6 minutes).
r=0
bash "$src/tests/perf/bench-functional.sh" "$build/assay" 3 || r=$?
[ "$r" -eq 0 ] || [ "$r" -eq 77 ] || status=1
echo
# Needs root: the two bench devices alone and with --jobs 2 (about 5
# minutes).
r=0
bash "$src/tests/perf/bench-jobs.sh" "$build/assay" 1 || r=$?
[ "$r" -eq 0 ] || [ "$r" -eq 77 ] || status=1
exit "$status"
