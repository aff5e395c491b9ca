#!/usr/bin/env bash
# The remote stream's bandwidth (issue 20, Speed: ≤ 2 MB/s at 100k sockets, 1 s interval).
#   sudo tests/bench/stream_bench.sh [BUILD_DIR]     (default: build)
# In a network namespace of its own, holds N sockets (a quarter ESTABLISHED pairs, half
# TIME_WAIT: socket_holder, spread over processes for the descriptor limit) and reads
# `tcpscope-cli watch --format stream --interval 1000` for BENCH_SECONDS (default 12) with
# stream_rate.py, three times:
#   steady   nothing made or closed on purpose (TIME_WAIT timers run down; the reader ages them)
#   churn    connection_storm at BENCH_RATE connections a second (default 1000) meanwhile
#   burst    once, the holders reset every held connection (SIGUSR1) and open as many new
#            ones (SIGUSR2): half the table vanishes and is replaced within a poll or two
# and, on a stream recorded at the steady table, what the reader (a remote tab) spends on it
# (bench_watchstream: thread CPU time of parsing and of the feed).
# What ssh adds (its framing and compression: off by default) is not counted.
set -euo pipefail
cd "$(dirname "$0")/../.."
build=${1:-build}
[[ $(id -u) -eq 0 ]] || { echo "needs root (it makes a network namespace)" >&2; exit 1; }
cli=$build/app/tcpscope-cli
holder=$build/tests/bench/socket_holder
storm=$build/tests/bench/connection_storm
reader=$build/tests/bench/bench_watchstream
rate=tests/bench/stream_rate.py
for b in "$cli" "$holder" "$storm" "$reader"; do
  [[ -x $b ]] || { echo "missing $b: build first" >&2; exit 1; }
done
seconds=${BENCH_SECONDS:-12}
N=${BENCH_SIZE:-100000}

ns=tcpscope-stream-bench-$$
ip netns add "$ns"
pids=()
cleanup() { kill "${pids[@]}" 2>/dev/null || true; wait 2>/dev/null || true; ip netns del "$ns"; }
trap cleanup EXIT
ip -n "$ns" link set lo up
pairs=$((N / 4)); tw=$((N / 2))
holders=$(( (pairs + 7999) / 8000 ))
for ((h = 0; h < holders; h++)); do
  log=$(mktemp)
  ip netns exec "$ns" "$holder" $((pairs / holders)) $((tw / holders)) $((h + 1)) >"$log" &
  pids+=($!)
  until grep -q ready "$log"; do sleep 0.2; done
  rm -f "$log"
done
holder_pids=("${pids[@]}")
echo "sockets: $(ip netns exec "$ns" ss -tanH | wc -l)"
watch() { ip netns exec "$ns" "$cli" watch --format stream --interval 1000 | python3 "$rate" "$seconds"; }

echo -n "steady: "; watch
recorded=$(mktemp)
timeout 8 ip netns exec "$ns" "$cli" watch --format stream --interval 1000 >"$recorded" || true
echo -n "reader: "; "$reader" "$recorded"; rm -f "$recorded"
ip netns exec "$ns" "$storm" 40123 --rate "${BENCH_RATE:-1000}" --seconds $((seconds + 5)) 2>/dev/null &
pids+=($!)
sleep 1
echo -n "churn (${BENCH_RATE:-1000} connections/s): "; watch
wait "${pids[-1]}" 2>/dev/null || true
( sleep 3; kill -USR1 "${holder_pids[@]}"; sleep 1; kill -USR2 "${holder_pids[@]}" ) &
echo -n "burst (reset ${pairs} pairs, then ${pairs} new): "; watch
