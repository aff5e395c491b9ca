#!/usr/bin/env python3
"""stream_rate.py SECONDS: reads `tcpscope-cli watch --format stream` on stdin for SECONDS and
prints the bytes of its header and snapshot, then the bytes and socket lines of each later
poll, and their median and maximum per second of the stream's own interval; each also as zlib
compresses it, flushed at every poll (what `ssh -o Compression=yes`, as the remote tab runs it,
puts on the wire, give or take ssh's framing)."""
import json
import sys
import time
import zlib

seconds = float(sys.argv[1])
start = time.monotonic()
interval_ms = 1000
first = None  # bytes up to and including the first poll line
polls = []  # (bytes, socket lines, compressed bytes) of each later poll
size = lines = 0
z = zlib.compressobj(6)
zsize = 0
for raw in sys.stdin.buffer:
    size += len(raw)
    zsize += len(z.compress(raw))
    if raw.startswith(b'{"t":"header"'):
        interval_ms = json.loads(raw)["interval_ms"]
    elif raw[:9] in (b'{"t":"+",', b'{"t":"~",', b'{"t":"-",'):
        lines += 1
    elif raw.startswith(b'{"t":"poll"'):
        zsize += len(z.flush(zlib.Z_SYNC_FLUSH))
        if first is None:
            first = (size, lines, zsize)
        else:
            polls.append((size, lines, zsize))
        size = lines = zsize = 0
    if time.monotonic() - start > seconds:
        break
if first is None or not polls:
    sys.exit("stream_rate: no polls read")


def rates(column):
    r = sorted(p[column] * 1000 / interval_ms / 1e6 for p in polls)
    return f"median {r[len(r) // 2]:.3f} MB/s, max {r[-1]:.3f} MB/s"


print(f"snapshot {first[0] / 1e6:.2f} MB ({first[1]} sockets; zlib {first[2] / 1e6:.2f} MB); "
      f"{len(polls)} polls after it: {rates(0)} (zlib: {rates(2)}), "
      f"median {sorted(p[1] for p in polls)[len(polls) // 2]} socket lines a poll")
