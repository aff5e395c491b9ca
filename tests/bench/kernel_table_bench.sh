#!/usr/bin/env bash
# Kernel socket table benchmark (issue: "Kernel socket table", Speed).
#   sudo tests/bench/kernel_table_bench.sh [BUILD_DIR]     (default: build)
# For N = 10k, 50k, 100k sockets held on loopback inside a network namespace of its own
# (half ESTABLISHED pairs, half TIME_WAIT, spread over holder processes: the descriptor
# limit is 20,000 per process), prints the median wall time of
#   tcpscope-cli snapshot --format json --no-process >/dev/null
#   ss -tan >/dev/null
#   cat /proc/net/tcp /proc/net/tcp6 >/dev/null
# and bench_kerneltable's in-process numbers (bare dump, poll + diff, with processes).
set -euo pipefail
cd "$(dirname "$0")/../.."
build=${1:-build}
[[ $(id -u) -eq 0 ]] || { echo "needs root (it makes a network namespace)" >&2; exit 1; }
cli=$build/app/tcpscope-cli
holder=$build/tests/bench/socket_holder
inproc=$build/tests/bench/bench_kerneltable
for b in "$cli" "$holder" "$inproc"; do
  [[ -x $b ]] || { echo "missing $b: build first (installers/dev.sh build)" >&2; exit 1; }
done

rounds=7
median_ms() { # command...: median wall time of $rounds runs, in ms
  local times=() s e
  for ((i = 0; i < rounds; i++)); do
    s=$(date +%s%N); "$@" >/dev/null; e=$(date +%s%N)
    times+=($(( (e - s) / 1000 )))
  done
  printf '%s\n' "${times[@]}" | sort -n | sed -n "$((rounds / 2 + 1))p" | awk '{printf "%.1f", $1/1000}'
}

printf '%-8s %-10s %10s %10s %10s %8s | %s\n' N sockets "cli_ms" "ss_ms" "proc_ms" "cli/ss" "in-process"
for N in ${BENCH_SIZES:-10000 50000 100000}; do
  ns=tcpscope-bench-$$
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
  sockets=$(ip netns exec "$ns" ss -tanH | wc -l)
  cli_ms=$(median_ms ip netns exec "$ns" "$cli" snapshot --format json --no-process)
  ss_ms=$(median_ms ip netns exec "$ns" ss -tan)
  proc_ms=$(median_ms ip netns exec "$ns" cat /proc/net/tcp /proc/net/tcp6)
  inproc_out=$(ip netns exec "$ns" "$inproc" "$rounds" | tr '\n' ';')
  ratio=$(awk -v a="$cli_ms" -v b="$ss_ms" 'BEGIN{printf "%.2f", a/b}')
  printf '%-8s %-10s %10s %10s %10s %8s | %s\n' "$N" "$sockets" "$cli_ms" "$ss_ms" "$proc_ms" "$ratio" "$inproc_out"
  kill "${pids[@]}" 2>/dev/null || true
  wait 2>/dev/null || true
  ip netns del "$ns"
done
echo "(the ip netns exec wrapper is in every command's time alike)"
