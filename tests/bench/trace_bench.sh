#!/usr/bin/env bash
# Exact-transition benchmark (issue 16, Speed).
#   sudo tests/bench/trace_bench.sh [BUILD_DIR] [SECONDS] [THREADS]   (default: build 30 2)
# Prints the machine's load, then bench_trace's numbers: connections/s, traced transitions/s,
# events lost, the helper's CPU and the coverage against tcpstates (libbpf-tools).
set -euo pipefail
cd "$(dirname "$0")/../.."
build=${1:-build}
[[ $(id -u) -eq 0 ]] || { echo "needs root (tcpstates and the trace helper load BPF)" >&2; exit 1; }
bench=$build/tests/bench/bench_trace
[[ -x $bench ]] || { echo "missing $bench: build first" >&2; exit 1; }
echo "load before: $(uptime)"
TCPSCOPE_TRACE_HELPER=$build/app/tcpscope-trace "$bench" "${2:-30}" "${3:-2}"
echo "load after:  $(uptime)"
