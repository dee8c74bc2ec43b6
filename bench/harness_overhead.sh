#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# harness_overhead.sh: what the harness adds to the processes it starts
# (docs/performance.md, "Harness overhead", which states the goals it checks).
#
# Usage: bench/harness_overhead.sh [BUILD_DIR]
#   BUILD_DIR defaults to build/release; it must hold the targets crashpoint,
#   bench_overhead_target and bench_spawn_loop, e.g. after
#     cmake --build BUILD_DIR --target crashpoint bench_overhead_target bench_spawn_loop
#   BENCH_REPS (default 5) rounds; every figure is the median over the rounds.
#   BENCH_RUNS (default 300) runs in the suite.
#   BENCH_KEEP_ALL=1 adds to each round the harness at -j1 with --keep all:
#   the same runs without removing their folders (removed afterwards, untimed),
#   which shows what removing the run folders costs.
#   TMPDIR is honoured as crashpoint honours it: the harness's run folders and
#   the loop's trace files go there (default /tmp).
#
# The suite: one scenario whose `checkpoints` lists cp_000 .. cp_299, a crash
# command `bench_overhead_target {checkpoint}` (it reaches that one checkpoint
# and aborts there) and one recovery step `/bin/true`; no setup, no assertion.
# A run is therefore two short processes. The baseline, bench_spawn_loop,
# starts the same two processes per run, with the same argv and arming
# variables, by posix_spawn and waitpid, and nothing else.
#
# Each round runs, one after the other: the loop at -j1, the harness at -j1,
# the loop at -j2, the harness at -j2, each under /usr/bin/time -v (peak RSS)
# with the wall time taken by `date +%s%N` and the CPU time (user + system,
# the command's and its children's) from time. Interleaving the four keeps them
# under the same load when other jobs share the machine. Ratios are taken per
# round, then their median is reported. When hyperfine is installed it also
# times the four commands (--warmup 1 --runs BENCH_REPS) and its table is
# printed. The load average is printed before and after.
set -eu

build=${1:-build/release}
crashpoint=$build/harness/crashpoint
target=$build/bench/bench_overhead_target
loop=$build/bench/bench_spawn_loop
. "$(dirname "$0")/bench_checks.sh"
require_built "$build" "crashpoint bench_overhead_target bench_spawn_loop" "$crashpoint" "$target" "$loop"
require_timing "$build"
crashpoint=$(realpath "$crashpoint")
target=$(realpath "$target")
loop=$(realpath "$loop")
reps=${BENCH_REPS:-5}
runs=${BENCH_RUNS:-300}

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
suite=$work/suite
mkdir "$suite" "$work/keep"
printf '[target]\ncommand = "%s"\n' "$target" >"$suite/crashpoint.toml"
{
  printf 'description = "%s runs of a trivial target"\ncheckpoints = [\n' "$runs"
  i=0
  while [ "$i" -lt "$runs" ]; do
    printf '  "cp_%03d",\n' "$i"
    i=$((i + 1))
  done
  printf ']\n[crash]\ncommand = ["{target}", "{checkpoint}"]\n'
  printf '[[recover]]\ncommand = ["/bin/true"]\n'
} >"$suite/trivial.toml"

harness_cmd() { "$crashpoint" run "$suite" -j "$1" >"$work/harness.out" 2>&1; }
loop_cmd() { "$loop" -j "$1" -n "$runs" "$target"; }

# Both must do the whole job before anything is timed.
if ! harness_cmd 1 || ! grep -qx "$runs passed, 0 failed" "$work/harness.out"; then
  echo "harness_overhead.sh: the suite did not pass:" >&2
  tail -n 20 "$work/harness.out" >&2
  exit 1
fi
loop_cmd 1

echo "load before: $(uptime)"
# measure NAME JOBS: one timed run; appends "NAME JOBS MILLISECONDS MAXRSS_KB USER SYS"
# to results (USER and SYS in seconds, of the command and every process it waited for).
measure() {
  start=$(date +%s%N)
  case $1 in
    harness) /usr/bin/time -v -o "$work/time.txt" "$crashpoint" run "$suite" -j "$2" >"$work/harness.out" 2>&1 ;;
    keepall) TMPDIR=$work/keep /usr/bin/time -v -o "$work/time.txt" "$crashpoint" run "$suite" -j "$2" --keep all \
               >"$work/harness.out" 2>&1 ;;
    loop) /usr/bin/time -v -o "$work/time.txt" "$loop" -j "$2" -n "$runs" "$target" ;;
  esac
  end=$(date +%s%N)
  rss=$(sed -n 's/^[[:space:]]*Maximum resident set size (kbytes): //p' "$work/time.txt")
  user=$(sed -n 's/^[[:space:]]*User time (seconds): //p' "$work/time.txt")
  sys=$(sed -n 's/^[[:space:]]*System time (seconds): //p' "$work/time.txt")
  echo "$1 $2 $(((end - start) / 1000000)) $rss $user $sys" >>"$work/results"
  if [ "$1" = keepall ]; then rm -rf "$work/keep" && mkdir "$work/keep"; fi  # not timed
  if [ "$1" != loop ] && ! grep -qx "$runs passed, 0 failed" "$work/harness.out"; then
    echo "harness_overhead.sh: a timed harness run did not pass" >&2
    tail -n 20 "$work/harness.out" >&2
    exit 1
  fi
}
r=1
while [ "$r" -le "$reps" ]; do
  measure loop 1
  measure harness 1
  measure loop 2
  measure harness 2
  lines=4
  if [ -n "${BENCH_KEEP_ALL:-}" ]; then
    measure keepall 1
    lines=5
  fi
  echo "round $r: $(tail -n "$lines" "$work/results" | awk '{printf "%s -j%s %.2f s  ", $1, $2, $3 / 1000}')" >&2
  r=$((r + 1))
done
echo "load after:  $(uptime)"

cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)
fs=$(df -PT "${TMPDIR:-/tmp}" | awk 'NR == 2 {print $2}')
echo "Machine: $(nproc) CPUs, ${cpu:-unknown CPU}; Linux $(uname -r); build type ${build_type:-unknown};" \
  "run folders in ${TMPDIR:-/tmp} ($fs); $runs runs; median of $reps rounds."
echo
awk -v reps="$reps" -v runs="$runs" '
  function median(list, n,    a, i, j, t) {
    n = split(list, a, " ")
    for (i = 2; i <= n; i++) for (j = i; j > 1 && a[j - 1] > a[j]; j--) { t = a[j]; a[j] = a[j - 1]; a[j - 1] = t }
    return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
  }
  {
    k = $1 " " $2; round = int(count[k]++)
    t[k] = t[k] " " $3; rss[k] = rss[k] " " $4; at[k, round] = $3
    cpu[k] = cpu[k] " " ($5 + $6); cat[k, round] = $5 + $6
    if (!(k in lo) || $3 < lo[k]) lo[k] = $3
    if (!(k in hi) || $3 > hi[k]) hi[k] = $3
  }
  END {
    print "| command | wall, median (min..max) | wall per run | CPU, all processes | peak RSS |"
    print "|---|---:|---:|---:|---:|"
    split("loop 1,harness 1,loop 2,harness 2", keys, ",")
    for (i = 1; i <= 4; i++) {
      k = keys[i]; split(k, p, " ")
      name = p[1] == "loop" ? "bench_spawn_loop" : "crashpoint run"
      printf "| %s -j%s | %.2f s (%.2f..%.2f) | %.2f ms | %.2f s | %.1f MB |\n", name, p[2],
             median(t[k]) / 1000, lo[k] / 1000, hi[k] / 1000, median(t[k]) / runs, median(cpu[k]),
             median(rss[k]) / 1024
    }
    for (r = 0; r < reps; r++) {
      over = over " " at["harness 1", r] / at["loop 1", r]
      speedup = speedup " " at["harness 1", r] / at["harness 2", r]
      loopspeed = loopspeed " " at["loop 1", r] / at["loop 2", r]
      cpuover = cpuover " " cat["harness 1", r] / cat["loop 1", r]
    }
    if (("keepall 1") in t)
      printf "| crashpoint run -j1 --keep all | %.2f s (%.2f..%.2f) | %.2f ms | %.2f s | %.1f MB |\n",
             median(t["keepall 1"]) / 1000, lo["keepall 1"] / 1000, hi["keepall 1"] / 1000,
             median(t["keepall 1"]) / runs, median(cpu["keepall 1"]), median(rss["keepall 1"]) / 1024
    print ""
    print "| goal | measured (ratios: median of the per-round ratios) | met? |"
    print "|---|---:|---|"
    o = median(over); s = median(speedup); m = 0; n = split(rss["harness 1"] " " rss["harness 2"], all, " ")
    for (i = 1; i <= n; i++) if (all[i] / 1024 > m) m = all[i] / 1024
    printf "| -j1 at most 1.2 x the loop | %.2f x (CPU time: %.2f x) | %s |\n", o, median(cpuover), (o <= 1.2 ? "yes" : "no")
    printf "| -j2 at least 1.7 x faster than -j1 | %.2f x (the loop itself: %.2f x) | %s |\n", s, median(loopspeed), (s >= 1.7 ? "yes" : "no")
    printf "| harness peak RSS at most 50 MB | %.1f MB (highest of all rounds) | %s |\n", m, (m <= 50 ? "yes" : "no")
  }' "$work/results"

if command -v hyperfine >/dev/null 2>&1; then
  echo
  echo "hyperfine:"
  hyperfine --style basic --warmup 1 --runs "$reps" --export-markdown "$work/hyperfine.md" \
    -n "bench_spawn_loop -j1" "$loop -j 1 -n $runs $target" \
    -n "crashpoint run -j1" "$crashpoint run $suite -j 1" \
    -n "bench_spawn_loop -j2" "$loop -j 2 -n $runs $target" \
    -n "crashpoint run -j2" "$crashpoint run $suite -j 2" >&2
  cat "$work/hyperfine.md"
fi
