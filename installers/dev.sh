#!/usr/bin/env bash
# One entry point for a developer or CI on Debian 12:
#   installers/dev.sh run [ARGS]   install what is missing, build, start tcpscope [ARGS]
#   installers/dev.sh test         install what is missing, build the normal and the
#                                  ASan+UBSan builds (warnings are errors), check formatting,
#                                  run every test in both, build capture/ and its suites with
#                                  clang's UBSan (float-cast-overflow too) and run them, run
#                                  each fuzz target (tests/fuzz)
#                                  for 20,000 inputs, then build the Debian packages and
#                                  test them installed (as root); exits non-zero on any failure
#   installers/dev.sh build        install what is missing and build (preset "default")
set -euo pipefail
cd "$(dirname "$0")/.."

jobs=$(nproc 2>/dev/null || echo 2)
# ccache keys relative to the checkout, so that a fresh clone anywhere reuses earlier builds.
export CCACHE_BASEDIR="$PWD" CCACHE_NOHASHDIR=1

build() { # preset [extra cmake args...] [--target TARGET...]
  local preset=$1; shift
  local args=() targets=()
  while [[ $# -gt 0 ]]; do
    if [[ $1 == --target ]]; then targets+=(--target "$2"); shift 2; else args+=("$1"); shift; fi
  done
  cmake --preset "$preset" -Wno-dev "${args[@]}" >/dev/null
  cmake --build --preset "$preset" -j "$jobs" "${targets[@]}"
}

cmd=${1:-run}
[[ $# -gt 0 ]] && shift
case "$cmd" in
  run)
    installers/install-deps.sh
    build default
    if [[ -z "${DISPLAY:-}" && -z "${WAYLAND_DISPLAY:-}" ]]; then
      echo
      echo "tcpscope is built, but this machine has no display (DISPLAY and WAYLAND_DISPLAY are unset)."
      echo "Start it in a desktop session, over 'ssh -X', or on a virtual display:"
      echo "  xvfb-run -a $PWD/build/app/tcpscope"
      echo "The command-line companion needs no display: $PWD/build/app/tcpscope-cli --help"
      exit 0
    fi
    exec build/app/tcpscope "$@"
    ;;
  build)
    installers/install-deps.sh
    build default
    ;;
  test)
    installers/install-deps.sh
    echo "== format check (.clang-format)"
    git ls-files -- '*.cpp' '*.h' | xargs -r clang-format --dry-run --Werror
    echo "== build: default (RelWithDebInfo, warnings as errors)"
    build default -DTCPSCOPE_WERROR=ON
    echo "== build: asan (ASan + UBSan, warnings as errors)"
    build asan -DTCPSCOPE_WERROR=ON
    failed=()
    stage() { # stage NAME COMMAND...: runs it, remembers NAME when it fails
      local name=$1
      shift
      "$@" || failed+=("$name")
    }
    failed_tests() { # the suites a ctest preset's last run failed, for the summary
      local log=$1/Testing/Temporary/LastTestsFailed.log
      [[ -s $log ]] && sed 's/^[0-9]*:/  /' "$log"
      return 0
    }
    echo "== tests: asan build"
    stage "tests (asan)" ctest --preset asan -j "$jobs"
    echo "== tests: default build"
    stage "tests (default)" ctest --preset default -j "$jobs"
    # GCC's UBSan has no float-cast-overflow: capture/ and its suites once more with clang's.
    echo "== build + tests: clang-ubsan (capture/ and the core, packets, formats, kernel suites)"
    build clang-ubsan -DTCPSCOPE_WERROR=ON --target capture_suites
    stage "tests (clang-ubsan)" ctest --preset clang-ubsan -j "$jobs" -L capture
    echo "== fuzz: each target of tests/fuzz for 20,000 inputs (clang, ASan + UBSan)"
    stage "fuzz" env FUZZ_BUILD_JOBS="$jobs" tests/fuzz/run.sh --runs 20000
    echo "== packages: build, lint, install, use as a member and an outsider, purge"
    stage "packages (test-deb)" tests/package/test-deb.sh
    echo "== summary"
    if ((${#failed[@]} == 0)); then
      echo "every stage passed"
      exit 0
    fi
    for name in "${failed[@]}"; do echo "FAILED: $name"; done
    failed_tests build-asan | sed 's/^/  (asan) /'
    failed_tests build | sed 's/^/  (default) /'
    failed_tests build-clang | sed 's/^/  (clang-ubsan) /'
    exit 1
    ;;
  *)
    echo "usage: installers/dev.sh run|test|build" >&2
    exit 2
    ;;
esac
