#!/bin/bash
# The first of the two commands: install, build, bring up the virtual bench
# and assess its weak device live (discovery with nmap, a pcap per test
# case, the conceptual cases from its answers file), then verify the run
# folder and take the bench down again.  Needs root (network namespaces).
set -euo pipefail
cd "$(dirname "$0")/.."

bash tools/install-deps.sh
if [ ! -f build/build.ninja ]; then
	meson setup build --buildtype=debugoptimized >/dev/null
fi
ninja -C build >/dev/null

lab=lab-config/examples/virtual-bench.xml
echo "== tests/bench/bench.sh up"
bash tests/bench/bench.sh up
trap 'bash tests/bench/bench.sh down >/dev/null 2>&1 || true' EXIT
echo
echo "== assay validate --lab $lab"
./build/assay validate --lab "$lab"
echo
echo "== assay run --lab $lab --dut weak --batch"
set +e
./build/assay run --lab "$lab" --dut weak --batch --runs-dir runs
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
echo "Open ${run}report.html in a browser for the full report; the"
echo "captures are in ${run}pcap/ and nmap's output in ${run}discovery/."
echo "The bench is taken down now; 'bash tests/bench/bench.sh up' brings it back."
