#!/bin/bash
# The second of the two commands: install, build with warnings as errors,
# run the whole suite, then build the unit tests with AddressSanitizer and
# UndefinedBehaviorSanitizer and run them again.
set -uo pipefail
cd "$(dirname "$0")/.."

bash tools/install-deps.sh || exit 1

passed=0
failed=0
skipped=0

# Add the counts of a finished 'meson test' run from its JSON log.
count() {
	local log="$1/meson-logs/testlog.json"
	[ -f "$log" ] || return 0
	passed=$((passed + $(grep -c '"result": "OK"' "$log")))
	failed=$((failed + $(grep -c -E '"result": "(FAIL|ERROR|TIMEOUT|UNEXPECTEDPASS)"' "$log")))
	skipped=$((skipped + $(grep -c '"result": "SKIP"' "$log")))
}

suite() {
	local dir="$1"; shift
	if [ ! -f "$dir/build.ninja" ]; then
		meson setup "$dir" "$@" >/dev/null || { failed=$((failed + 1)); return 1; }
	else
		meson configure "$dir" "$@" >/dev/null || { failed=$((failed + 1)); return 1; }
	fi
	if ! ninja -C "$dir"; then
		echo "test: the build in $dir failed" >&2
		failed=$((failed + 1))
		return 1
	fi
	meson test -C "$dir" --print-errorlogs --num-processes 2
	local r=$?
	count "$dir"
	return $r
}

status=0
echo "== build with -Dwerror=true, run every test"
suite build-ci -Dwerror=true -Dbuildtype=debugoptimized || status=1

# The sanitizer build runs every test too, but the live test on the weak
# device only (the hub and the fault runs are in the build above), so that
# the whole suite stays within 20 minutes on 2 cores.
echo "== build with AddressSanitizer + UBSan, run the unit tests"
ASSAY_LIVE_FAULTS=0 ASSAY_LIVE_HARDENED=0 \
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
suite build-asan -Dwerror=true -Dbuildtype=debug \
    -Db_sanitize=address,undefined -Db_lundef=false || status=1

echo
echo "${passed} passed, ${failed} failed, ${skipped} skipped"
if [ "$passed" -eq 0 ]; then
	echo "test: no test ran" >&2
	status=1
fi
exit $status
