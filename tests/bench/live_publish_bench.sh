#!/bin/sh
# The live capture's publish cost against capture size: a generated capture through the real
# worker and page (offscreen) to 1,000,000 connections, then a churn run where every
# connection finishes at once and the bound on finished connections holds the view.
# Prints numbers; targets: publish cost flat (≤ 5 ms at 1M), no GUI stall over 50 ms.
set -e
build=${1:-build}
cmake --build "$build" --target bench_livepublish >/dev/null
"$build/tests/bench/bench_livepublish" 1000000
"$build/tests/bench/bench_livepublish" 2000000 --churn
