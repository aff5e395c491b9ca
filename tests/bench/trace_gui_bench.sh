#!/usr/bin/env bash
# The window's frame time and stalls under a storm of short connections with exact
# transitions (issue 16, Speed).
#   sudo tests/bench/trace_gui_bench.sh [BUILD_DIR] [SECONDS] [THREADS]   (default: build 15 2)
set -euo pipefail
cd "$(dirname "$0")/../.."
build=${1:-build}
[[ $(id -u) -eq 0 ]] || { echo "needs root (the trace helper loads BPF)" >&2; exit 1; }
bench=$build/tests/bench/bench_trace_gui
[[ -x $bench ]] || { echo "missing $bench: build first" >&2; exit 1; }
echo "load before: $(uptime)"
echo "== offscreen"
QT_QPA_PLATFORM=offscreen TCPSCOPE_TRACE_HELPER=$build/app/tcpscope-trace "$bench" "${2:-15}" "${3:-2}"
echo "load after:  $(uptime)"
