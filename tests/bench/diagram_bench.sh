#!/usr/bin/env bash
# State diagram benchmark (issue: "The animated TCP state diagram"): 10,000 transitions a
# second through the diagram; target ≤ 16 ms per frame.
#   tests/bench/diagram_bench.sh [BUILD_DIR] [RATE] [SECONDS]
set -euo pipefail
cd "$(dirname "$0")/../.."
build=${1:-build}
rate=${2:-10000}
seconds=${3:-10}
cmake --build "$build" --target bench_diagram >/dev/null
echo "== offscreen (Qt's raster engine, no display)"
QT_QPA_PLATFORM=offscreen "$build/tests/bench/bench_diagram" "$rate" "$seconds" 900x620
echo "== X11 under Xvfb, 900x620 and 1400x960"
xvfb-run -a -s "-screen 0 1600x1000x24" "$build/tests/bench/bench_diagram" "$rate" "$seconds" 900x620
xvfb-run -a -s "-screen 0 1600x1000x24" "$build/tests/bench/bench_diagram" "$rate" "$seconds" 1400x960
