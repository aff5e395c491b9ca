#!/usr/bin/env bash
# Soak of a live capture at the highest rate this machine sustains (issue 21, item 6):
#   sudo tests/bench/soak_live.sh [--minutes M] [--rate N] [--rst] [--cli-only|--window-only]
#                                 [--with-kernel-poll] [BUILD]
# In a network namespace of its own, connection_storm opens and closes loopback connections
# (default: as fast as it can; each a handshake and a close, the client left in TIME_WAIT)
# while (1) `tcpscope-cli capture -i lo` reads them — its RSS printed every 10 s — and then
# (2) the real window (bench_soak under xvfb-run) captures the same storm, printing RSS and
# the longest event-loop stall every 10 s; its kernel-table poller is off unless
# --with-kernel-poll (the storm's TIME_WAITs, 60 s x the rate, would make that a kernel-table
# benchmark: soak_kernel.sh is that one). Each ends with the helper's drop report.
# TCPSCOPE_SLOW_EVENTS=MS TCPSCOPE_SLOW_LOG=FILE: the window's events over MS ms, to FILE.
# Default 10 minutes each. Targets: RSS flat after warm-up, no stall over 100 ms, drops said.
set -euo pipefail
cd "$(dirname "$0")/../.."
minutes=10 rate=0 storm_extra=() build=build do_cli=1 do_window=1 poll=--no-kernel-poll
while [[ $# -gt 0 ]]; do
  case $1 in
    --minutes) minutes=$2; shift ;;
    --rate) rate=$2; shift ;;
    --rst) storm_extra+=(--rst) ;;
    --cli-only) do_window=0 ;;
    --window-only) do_cli=0 ;;
    --with-kernel-poll) poll= ;;
    *) build=$1 ;;
  esac
  shift
done
[[ $(id -u) -eq 0 ]] || { echo "needs root (a network namespace, live capture)" >&2; exit 1; }
cmake --build "$build" --target connection_storm bench_soak tcpscope-cli tcpscope-capture >/dev/null
seconds=$(awk "BEGIN { print int($minutes * 60) }")
ns=tcpscope-soak-$$
ip netns add "$ns"
pids=()
trap 'kill ${pids[*]:-} 2>/dev/null || true; ip netns del "$ns"' EXIT
ip -n "$ns" link set lo up
ip netns exec "$ns" sysctl -qw net.ipv4.tcp_max_tw_buckets=2000000
port=47000
echo "load: $(uptime)"

storm() { # the storm for $1 seconds, its per-second rates summarised at the end
  ip netns exec "$ns" "$build/tests/bench/connection_storm" $port --seconds "$1" --rate "$rate" \
    "${storm_extra[@]}" 2>"$2" &
  pids+=($!)
}

if [[ $do_cli -eq 1 ]]; then
  err=$(mktemp)
  ip netns exec "$ns" "$build/app/tcpscope-cli" capture -i lo -f "tcp port $port" >/dev/null 2>"$err" &
  cli=$!; pids+=($cli)
  sleep 2
  rates=$(mktemp)
  storm "$seconds" "$rates"
  for ((t = 10; t <= seconds; t += 10)); do
    sleep 10
    rss=$(awk '/VmRSS/ { printf "%.1f", $2 / 1024 }' /proc/$cli/status 2>/dev/null || echo gone)
    echo "cli: $t s  rss $rss MB  storm $(tail -1 "$rates" | sed 's/storm: //')"
  done
  sleep 3
  kill -INT $cli; wait $cli || true
  awk '/connections\/s/ { n++; s += $4 } END { if (n) printf "cli: storm mean %.0f connections/s over %d s\n", s / n, n }' "$rates"
  echo "cli: $(grep -E 'received=|dropped' "$err" | tail -1)"
  rm -f "$err" "$rates"
fi

if [[ $do_window -eq 1 ]]; then
  rates=$(mktemp)
  out=$(mktemp)
  TCPSCOPE_CAPTURE_HELPER=$PWD/$build/app/tcpscope-capture ip netns exec "$ns" \
    xvfb-run -a -s "-screen 0 1600x1000x24" \
    "$build/tests/bench/bench_soak" --live $port --minutes "$minutes" $poll >"$out" 2>"${TCPSCOPE_SLOW_LOG:-/dev/null}" &
  win=$!; pids+=($win)
  sleep 4
  storm "$seconds" "$rates"
  tail -f "$out" --pid=$win | sed 's/^/window: /' || true
  awk '/connections\/s/ { n++; s += $4 } END { if (n) printf "window: storm mean %.0f connections/s over %d s\n", s / n, n }' "$rates"
  rm -f "$rates" "$out"
fi
echo "load: $(uptime)"
