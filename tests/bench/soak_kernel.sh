#!/usr/bin/env bash
# Soak of the kernel table in the real window (issue 21, item 6):
#   sudo tests/bench/soak_kernel.sh [--minutes M] [--rate N] [BUILD]
# In a network namespace of its own: 12,500 ESTABLISHED pairs held by socket_holder (25,000
# sockets) and connection_storm at N connections a second (default 400), each leaving a
# TIME_WAIT for 60 s — ~24,000 more, 400 appearing and 400 expiring every second: ~50,000
# sockets churning. The window (bench_soak --kernel under xvfb-run, its poller every 1 s)
# prints RSS and the longest event-loop stall every 10 s. Default 10 minutes.
# Targets: RSS flat after warm-up (the TIME_WAITs fill in the first 60 s), no stall > 100 ms.
set -euo pipefail
cd "$(dirname "$0")/../.."
minutes=10 rate=400 build=build
while [[ $# -gt 0 ]]; do
  case $1 in
    --minutes) minutes=$2; shift ;;
    --rate) rate=$2; shift ;;
    *) build=$1 ;;
  esac
  shift
done
[[ $(id -u) -eq 0 ]] || { echo "needs root (it makes a network namespace)" >&2; exit 1; }
cmake --build "$build" --target socket_holder connection_storm bench_soak >/dev/null
seconds=$(awk "BEGIN { print int($minutes * 60) + 30 }")
ns=tcpscope-ksoak-$$
ip netns add "$ns"
pids=()
trap 'kill ${pids[*]:-} 2>/dev/null || true; ip netns del "$ns"' EXIT
ip -n "$ns" link set lo up
echo "load: $(uptime)"
for h in 1 2; do
  log=$(mktemp)
  ip netns exec "$ns" "$build/tests/bench/socket_holder" 6250 0 $h >"$log" &
  pids+=($!)
  until grep -q ready "$log"; do sleep 0.2; done
  rm -f "$log"
done
rates=$(mktemp)
ip netns exec "$ns" "$build/tests/bench/connection_storm" 47001 --rate "$rate" \
  --seconds "$seconds" 2>"$rates" &
pids+=($!)
ip netns exec "$ns" xvfb-run -a -s "-screen 0 1600x1000x24" \
  "$build/tests/bench/bench_soak" --kernel --minutes "$minutes" 2>/dev/null | sed 's/^/window: /'
echo "sockets at the end: $(ip netns exec "$ns" ss -tanH | wc -l)"
awk '/connections\/s/ { n++; s += $4 } END { if (n) printf "storm mean %.0f connections/s\n", s / n }' "$rates"
rm -f "$rates"
echo "load: $(uptime)"
