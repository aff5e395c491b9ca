#!/bin/sh
# A capture helper stuck where SIGTERM cannot reach it, as the real one is while libpcap
# compiles a long filter: it ignores SIGTERM, writes nothing and never exits by itself. Tests
# point TCPSCOPE_CAPTURE_HELPER here; only SIGKILL ends it.
trap '' TERM INT
exec sleep 600
