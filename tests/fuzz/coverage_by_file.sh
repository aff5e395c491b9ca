#!/usr/bin/env bash
# Reads libFuzzer's -print_coverage=1 output on standard input and prints, per source file
# under PREFIX (capture/), the edges covered of the edges in its instrumented functions.
#   fuzz_NAME -runs=0 -print_coverage=1 CORPUS... 2>&1 | coverage_by_file.sh PREFIX
# Paths are matched relative to the checkout too ("…/build-fuzz/../capture/x.cpp"): with ccache
# (CCACHE_BASEDIR, CCACHE_NOHASHDIR) an object may carry the directory of another checkout.
prefix=$1
rel=${prefix%/}; rel=${rel##*/}/
awk -v prefix="$prefix" -v rel="$rel" '
  /^(COVERED|UNCOVERED)_FUNC: / {
    split($5, e, "/"); loc = $NF; sub(/:[0-9]+$/, "", loc)
    if (index(loc, prefix) == 1) {
      f = substr(loc, length(prefix) + 1)
    } else if (sub(/^.*\/build-fuzz\/\.\.\//, "", loc) && index(loc, rel) == 1) {
      f = substr(loc, length(rel) + 1)
    } else {
      next
    }
    cov[f] += e[1]; all[f] += e[2]
  }
  END {
    for (f in all) if (cov[f] > 0)
      printf "   %-34s %5d/%-5d edges %5.1f %%\n", f, cov[f], all[f], 100 * cov[f] / all[f]
  }' | sort
