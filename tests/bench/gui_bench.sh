#!/usr/bin/env bash
# GUI benchmark (issue: "Main window", Quality).
#   sudo tests/bench/gui_bench.sh [BUILD_DIR] [N]        (default: build, 100000 sockets)
# Holds N sockets on loopback (half ESTABLISHED pairs, half TIME_WAIT) in a network namespace
# of its own and runs bench_gui there, offscreen: steady polls, then the bursts users meet
# (N/2 sockets vanishing in one poll, N/2 appearing, N/2 closing, N/2 TIME_WAITs expiring), the
# first filter keystroke and a sort by Process. About two minutes.
set -euo pipefail
cd "$(dirname "$0")/../.."
build=${1:-build}
N=${2:-100000}
[[ $(id -u) -eq 0 ]] || { echo "needs root (it makes a network namespace)" >&2; exit 1; }
ns=tcpscope-guibench-$$
ip netns add "$ns"
trap 'kill ${pids[*]:-} 2>/dev/null || true; ip netns del "$ns"' EXIT
ip -n "$ns" link set lo up
pairs=$((N / 4)); tw=$((N / 2)); holders=$(( (pairs + 7999) / 8000 ))
pids=()
for ((h = 0; h < holders; h++)); do
  log=$(mktemp)
  ip netns exec "$ns" "$build/tests/bench/socket_holder" $((pairs / holders)) $((tw / holders)) $((h + 1)) >"$log" &
  pids+=($!)
  until grep -q ready "$log"; do sleep 0.2; done
  rm -f "$log"
done
# The holders' pids: bench_gui signals them for the mass changes (resets, opens, closes).
# BENCH_WRAP: a profiler to run it under, e.g. "perf record -k CLOCK_MONOTONIC -o gui.perf".
echo "load before: $(uptime)"
QT_QPA_PLATFORM=offscreen ip netns exec "$ns" ${BENCH_WRAP:-} "$build/tests/bench/bench_gui" "${pids[@]}"
echo "load after:  $(uptime)"
