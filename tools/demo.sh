#!/bin/bash
# The first of the two commands: install, build, and assess the built-in
# demo device (the Lumora C20 IP camera in ics-ixit/examples/ipcam).
set -euo pipefail
cd "$(dirname "$0")/.."

bash tools/install-deps.sh
if [ ! -f build/build.ninja ]; then
	meson setup build --buildtype=debugoptimized >/dev/null
fi
ninja -C build >/dev/null

dev=ics-ixit/examples/ipcam
echo "== assay validate $dev"
./build/assay validate "$dev"
echo
echo "== assay run --offline --batch $dev"
set +e
./build/assay run --offline --batch --runs-dir runs "$dev"
code=$?
set -e
# 0, 1 and 3 are verdicts (pass, fail, inconclusive); anything else is not.
case $code in
0|1|3) ;;
*) echo "demo: assay run failed with exit code $code" >&2; exit "$code" ;;
esac
run=$(ls -1td runs/*/ | head -n 1)
echo
echo "== assay verify $run"
./build/assay verify "$run"
echo
echo "Open ${run}report.html in a browser for the full report."
