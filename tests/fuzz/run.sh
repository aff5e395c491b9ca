#!/usr/bin/env bash
# Builds the libFuzzer targets (preset "fuzz": clang, -fsanitize=fuzzer,address,undefined over
# the real capture/ sources) and runs each one; exits non-zero on any finding (a crash, a
# sanitizer report, a leak, a timeout, running out of memory).
#   tests/fuzz/run.sh [--runs N | --seconds S] [--coverage] [TARGET...]
# --runs N      N inputs per target (default 20000; what CI runs)
# --seconds S   S seconds per target instead (a long run: --seconds 1800)
# --coverage    then replay each target's final corpus and print edges covered per source file
# TARGET        capturefile tracker packetdecoder sessionfile sockdiag procnettcp
#               helperprotocol labprotocol (default: all)
# Seeds are read in place: tests/data/ and ../shared/corpus/ (TCPSCOPE_CORPUS_DIR), after a
# writable temporary corpus directory that the run grows and removes at the end; seeds of
# inputs that no file there is (single frames, sessions, the helper's and the Lab's lines)
# are made from that real data by make_seeds at run time. A finding is kept in
# build-fuzz/findings/, each target's log in build-fuzz/fuzz-logs/.
set -euo pipefail
cd "$(dirname "$0")/../.."
src=$PWD
corpus=${TCPSCOPE_CORPUS_DIR:-$src/../shared/corpus}

limit=(-runs=20000)
coverage=0
targets=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --runs) limit=(-runs="$2"); shift 2 ;;
    --seconds) limit=(-max_total_time="$2"); shift 2 ;;
    --coverage) coverage=1; shift ;;
    -h|--help) sed -n '2,17p' "$0"; exit 0 ;;
    -*) echo "run.sh: unknown option $1" >&2; exit 2 ;;
    *) targets+=("$1"); shift ;;
  esac
done
[[ ${#targets[@]} -gt 0 ]] || targets=(capturefile tracker packetdecoder sessionfile sockdiag
                                       procnettcp helperprotocol labprotocol)

export CCACHE_BASEDIR="$src" CCACHE_NOHASHDIR=1
cmake --preset fuzz -Wno-dev >/dev/null
cmake --build --preset fuzz -j "${FUZZ_BUILD_JOBS:-2}"
bin=$src/build-fuzz/tests/fuzz
findings=$src/build-fuzz/findings
logs=$src/build-fuzz/fuzz-logs
mkdir -p "$findings" "$logs"

work=$(mktemp -d "${TMPDIR:-/tmp}/tcpscope-fuzz.XXXXXX")
trap 'rm -rf "$work"' EXIT
seed_dirs=("$corpus")
[[ -d "$corpus" ]] || { echo "run.sh: no corpus at $corpus (only tests/data is used)"; seed_dirs=(); }
"$bin/make_seeds" "$work/made" "$src/tests/data" "${seed_dirs[@]}"

# The in-place seed directories of each target, and its dictionary.
seeds_of() {
  case "$1" in
    capturefile) echo "$src/tests/data/packets" "${seed_dirs[@]}" ;;
    sessionfile) echo "$work/made/sessionfile" "$src/tests/data/packets" ;;
    sockdiag|procnettcp) echo "$src/tests/data/kernel/loopback" ;;
    tracker) ;; # segments of 16 bytes: grown from nothing
    *) echo "$work/made/$1" ;;
  esac
}
dict_of() {
  case "$1" in
    capturefile) echo "$src/tests/fuzz/capturefile.dict" ;;
    packetdecoder|sessionfile|helperprotocol|labprotocol) echo "$src/tests/fuzz/$1.dict" ;;
  esac
}

export ASAN_OPTIONS=detect_leaks=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
export LSAN_OPTIONS=suppressions=$src/tests/lsan.supp

status=0
summary=()
for t in "${targets[@]}"; do
  mkdir -p "$work/corpus/$t"
  opts=("${limit[@]}" -rss_limit_mb=2048 -malloc_limit_mb=2048 -timeout=10 -max_len=65536
        -print_final_stats=1 -artifact_prefix="$findings/$t-")
  d=$(dict_of "$t")
  [[ -n "$d" ]] && opts+=(-dict="$d")
  read -r -a dirs <<<"$(seeds_of "$t")"
  echo "== fuzz_$t ${opts[*]}"
  start=$SECONDS
  rc=0
  "$bin/fuzz_$t" "${opts[@]}" "$work/corpus/$t" "${dirs[@]}" >"$logs/$t.log" 2>&1 || rc=$?
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$logs/$t.log" | tail -1)
  cov=$(grep -o 'cov: [0-9]* ft: [0-9]*' "$logs/$t.log" | tail -1)
  line="fuzz_$t: ${execs:-?} inputs in $((SECONDS - start)) s, ${cov:-no coverage figures}"
  if [[ $rc -ne 0 ]]; then
    status=1
    line+=" — FINDING (exit $rc)"
    grep -E 'ERROR|SUMMARY|runtime error|Test unit written' "$logs/$t.log" | head -20 || true
    echo "   the log: $logs/$t.log; reproduce: $bin/fuzz_$t $findings/$t-<crash-file>"
  fi
  echo "$line"
  summary+=("$line")
  if [[ $coverage -eq 1 && $rc -eq 0 ]]; then
    "$bin/fuzz_$t" -runs=0 -print_coverage=1 "$work/corpus/$t" "${dirs[@]}" 2>&1 |
      "$src/tests/fuzz/coverage_by_file.sh" "$src/capture/"
  fi
done

echo "== summary ($(uptime | sed 's/.*load average/load average/'))"
printf '%s\n' "${summary[@]}"
exit $status
