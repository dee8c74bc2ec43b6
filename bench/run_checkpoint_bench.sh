#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# run_checkpoint_bench.sh: measures what a checkpoint costs in every arming
# configuration and prints the tables of docs/performance.md ("Checkpoint cost").
#
# Usage: bench/run_checkpoint_bench.sh [BUILD_DIR] [benchmark flags...]
#   BUILD_DIR defaults to build/release, e.g. after
#     cmake --preset release && cmake --build build/release --target bench_checkpoint
#   Extra flags go to every run (e.g. --benchmark_min_time=0.1 for a quick look).
#   BENCH_REPS (default 5) sets the repetitions; each cell is their median.
#
# A checkpoint library reads its arming once per process, so every column is a
# separate process of bench_checkpoint with BENCH_ARMED=N (and BENCH_NAMES for
# the worst-case names); see bench/checkpoint_bench.cpp. The runs are pinned to
# CPU 1 when taskset exists and there is more than one CPU. Benchmark output
# goes to stderr; the tables, in Markdown, to stdout.
set -eu

build=${1:-build/release}
[ $# -gt 0 ] && shift
bin=$build/bench/bench_checkpoint
if [ ! -x "$bin" ]; then
  echo "run_checkpoint_bench.sh: $bin not found; build it first:" >&2
  echo "  cmake --build $build --target bench_checkpoint" >&2
  exit 2
fi
build_type=$(sed -n 's/^CMAKE_BUILD_TYPE:[A-Z]*=//p' "$build/CMakeCache.txt" 2>/dev/null || true)
case $build_type in
  Release | RelWithDebInfo) ;;
  *) echo "run_checkpoint_bench.sh: warning: build type '$build_type' is not optimised" >&2 ;;
esac

pin=
if command -v taskset >/dev/null 2>&1 && [ "$(nproc)" -gt 1 ]; then pin="taskset -c 1"; fi
reps=${BENCH_REPS:-5}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

# run STYLE COUNT FILTER [flags...]
run() {
  style=$1 count=$2 filter=$3
  shift 3
  echo "== BENCH_NAMES=$style BENCH_ARMED=$count" >&2
  BENCH_NAMES=$style BENCH_ARMED=$count $pin "$bin" \
    --benchmark_filter="$filter" \
    --benchmark_repetitions="$reps" --benchmark_report_aggregates_only=true \
    --benchmark_out="$out/$style-$count.csv" --benchmark_out_format=csv "$@" >&2
}

for n in 0 1 10 100 1000; do run spread "$n" . "$@"; done
for n in 1 10 100 1000; do run collide "$n" 'empty_loop|crashpoint' "$@"; done

cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)
compiler=$(sed -n 's/^CMAKE_CXX_COMPILER:[A-Z]*=//p' "$build/CMakeCache.txt" 2>/dev/null || true)
echo "Machine: $(nproc) CPUs, ${cpu:-unknown CPU}; $("${compiler:-c++}" --version 2>/dev/null | head -n 1);" \
  "build type ${build_type:-unknown}; ${pin:-not pinned}; median of $reps repetitions, CPU time in ns per call."
echo

# The median rows of every CSV (the only rows with BENCH_REPS=1), as:
# STYLE COUNT BENCHMARK NANOSECONDS.
for f in "$out"/*.csv; do
  awk -F, -v reps="$reps" '
  ($1 ~ /_median"$/ || (reps == 1 && $1 ~ /^"/)) && $5 == "ns" {
    name = $1; gsub(/"/, "", name); sub(/_median$/, "", name)
    split(name, part, "/"); split(part[2], arm, ":")
    print arm[1], arm[2], part[1], $4
  }' "$f"
done | awk '
  function fmt(v) {
    if (v == "") return "-"
    return v < 10 ? sprintf("%.2f", v) : (v < 100 ? sprintf("%.1f", v) : sprintf("%.0f", v))
  }
  { t[$1, $2, $3] = $4 }
  END {
    split("empty_loop crashpoint_panic crashpoint_fail seed_panic seed_panic_inline fiu_fail", rows, " ")
    label["empty_loop"] = "empty loop iteration (baseline)"
    label["crashpoint_panic"] = "crashpoint::maybe_panic_at"
    label["crashpoint_fail"] = "crashpoint::maybe_fail_at"
    label["seed_panic"] = "seed algorithm, out-of-line call"
    label["seed_panic_inline"] = "seed algorithm, inlined"
    label["fiu_fail"] = "libfiu fiu_fail"
    split("0 1 10 100 1000", counts, " ")

    print "| ns per call | nothing armed | 1 other armed | 10 other armed | 100 other armed | 1,000 other armed |"
    print "|---|---:|---:|---:|---:|---:|"
    for (r = 1; r <= 6; r++) {
      line = "| " label[rows[r]]
      for (c = 1; c <= 5; c++) line = line " | " fmt(t["armed", counts[c], rows[r]])
      print line " |"
    }
    print ""
    print "Worst case for crashpoint: the other armed names share the called name'"'"'s length and first and last 8 bytes."
    print ""
    print "| ns per call | 1 other armed | 10 other armed | 100 other armed | 1,000 other armed |"
    print "|---|---:|---:|---:|---:|"
    split("empty_loop crashpoint_panic crashpoint_fail", worst, " ")
    for (r = 1; r <= 3; r++) {
      line = "| " label[worst[r]]
      for (c = 2; c <= 5; c++) line = line " | " fmt(t["collide", counts[c], worst[r]])
      print line " |"
    }
    print ""
    gap = t["armed", 0, "crashpoint_panic"] - t["armed", 0, "empty_loop"]
    printf "Unarmed maybe_panic_at minus the empty loop (same process): %.2f ns (goal: at most 0.2 ns).\n", gap
  }'
