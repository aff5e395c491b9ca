#!/usr/bin/env bash
# Packet engine benchmark (issue: "Packet engine", Speed).
#   tests/bench/packet_engine_bench.sh [BUILD_DIR]       (default: build; no root needed)
# Builds a 1,000,000-packet loopback capture of 100,000 short connections
# (make_loopback_capture), then reports in one run: the engine's packets/second in-process
# (bench_packetengine), and the median wall time of `tcpscope-cli summarize --format json`,
# `tcpdump -nn -r` and `tshark -q -z conv,tcp -r` on the same file.
set -euo pipefail
cd "$(dirname "$0")/../.."
build=${1:-build}
file=$(mktemp --suffix=.pcap)
trap 'rm -f "$file"' EXIT
"$build/tests/bench/make_loopback_capture" "$file"
"$build/tests/bench/bench_packetengine" "$file"

median_s() { # rounds command...: median wall time in seconds
  local rounds=$1; shift
  local times=() s e
  for ((i = 0; i < rounds; i++)); do
    s=$(date +%s%N); "$@" >/dev/null 2>&1; e=$(date +%s%N)
    times+=($(( (e - s) / 1000 )))
  done
  printf '%s\n' "${times[@]}" | sort -n | sed -n "$((rounds / 2 + 1))p" | awk '{printf "%.3f", $1/1e6}'
}
ours=$(median_s 5 "$build/app/tcpscope-cli" summarize --format json "$file")
tcpdump_s=$(median_s 3 tcpdump -nn -r "$file")
tshark_s=$(median_s 1 tshark -q -z conv,tcp -r "$file")
echo "tcpscope-cli summarize --format json: ${ours} s"
echo "tcpdump -nn -r:                       ${tcpdump_s} s"
echo "tshark -q -z conv,tcp -r:             ${tshark_s} s"
awk -v a="$ours" -v b="$tcpdump_s" -v c="$tshark_s" \
  'BEGIN{printf "summarize / tcpdump: %.3f   summarize / tshark: %.3f\n", a/b, a/c}'
