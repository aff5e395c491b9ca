#!/usr/bin/env bash
# tcpscope-cli serve at N sockets (issue 20, Speed: a scrape costs ≤ 1.5× one poll).
#   sudo tests/bench/serve_bench.sh [BUILD_DIR]      (default: build; BENCH_SIZES="100000")
# Holds N sockets on loopback in a network namespace of its own (half ESTABLISHED pairs, half
# TIME_WAIT; socket_holder processes, 20,000 descriptors each at most), then
#  1. bench_serve: the median thread CPU and wall time of one poll (dump + owners + diff +
#     diagnosis) and of one scrape's work (netstat + rendering the exposition);
#  2. the real `tcpscope-cli serve` in that namespace scraped with curl: the median wall time
#     of a scrape as curl sees it, beside the poll's cost as serve reports it
#     (tcpscope_poll_duration_seconds, summed over its phases).
set -euo pipefail
cd "$(dirname "$0")/../.."
build=${1:-build}
[[ $(id -u) -eq 0 ]] || { echo "needs root (it makes a network namespace)" >&2; exit 1; }
cli=$build/app/tcpscope-cli
holder=$build/tests/bench/socket_holder
bench=$build/tests/bench/bench_serve
for b in "$cli" "$holder" "$bench"; do
  [[ -x $b ]] || { echo "missing $b: build it first" >&2; exit 1; }
done
rounds=7
for N in ${BENCH_SIZES:-100000}; do
  ns=tcpscope-serve-bench-$$
  ip netns add "$ns"
  ip -n "$ns" link set lo up
  pairs=$((N / 4)); tw=$((N / 2))
  holders=$(( (pairs + 7999) / 8000 ))
  pids=()
  for ((h = 0; h < holders; h++)); do
    log=$(mktemp)
    ip netns exec "$ns" "$holder" $((pairs / holders)) $((tw / holders)) $((h + 1)) >"$log" &
    pids+=($!)
    until grep -q ready "$log"; do sleep 0.2; done
    rm -f "$log"
  done
  echo "N=$N: $(ip netns exec "$ns" ss -tanH | wc -l) sockets in $ns"
  ip netns exec "$ns" "$bench" "$rounds"
  port=19464
  err=$(mktemp)
  ip netns exec "$ns" "$cli" serve --listen 127.0.0.1:$port --interval 2000 2>"$err" &
  serve=$!
  until ip netns exec "$ns" curl -sf "http://127.0.0.1:$port/metrics" -o /dev/null; do sleep 0.5; done
  sleep 5 # a few polls after the first (the first scans every process)
  times=()
  for ((i = 0; i < rounds; i++)); do
    times+=("$(ip netns exec "$ns" curl -s -o /dev/null -w '%{time_total}' "http://127.0.0.1:$port/metrics")")
    sleep 0.3
  done
  scrape_ms=$(printf '%s\n' "${times[@]}" | sort -n | sed -n "$((rounds / 2 + 1))p" | awk '{printf "%.2f", $1*1000}')
  poll_ms=$(ip netns exec "$ns" curl -s "http://127.0.0.1:$port/metrics" \
            | awk '/^tcpscope_poll_duration_seconds/ {s += $2} END {printf "%.2f", s*1000}')
  echo "serve: scrape (curl, wall) ${scrape_ms} ms; last poll (serve's own phases) ${poll_ms} ms;" \
       "ratio $(awk -v a="$scrape_ms" -v b="$poll_ms" 'BEGIN{printf "%.3f", a/b}')"
  kill "$serve" "${pids[@]}" 2>/dev/null || true
  wait 2>/dev/null || true
  rm -f "$err"
  ip netns del "$ns"
done
