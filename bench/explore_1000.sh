#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# explore_1000.sh: exploring a target with 1,000 crash points
# (docs/performance.md, "Exploring 1,000 crash points", which states the goal).
#
# Usage: bench/explore_1000.sh [BUILD_DIR]
#   BUILD_DIR defaults to build/release; it must hold the targets crashpoint
#   and bench_explore_target, e.g. after
#     cmake --build BUILD_DIR --target crashpoint bench_explore_target
#   BENCH_REPS (default 3) timed runs; the figures are their median.
#   BENCH_JOBS (default 2) the -j of crashpoint run.
#   BENCH_HITS (default 10) hits per checkpoint: 100 x BENCH_HITS crash points
#   (to see how time and memory grow with the number of points).
#   BENCH_KIND=syscalls explores 100 x BENCH_HITS syscall crash points instead
#   (docs/performance.md, "Exploring 1,000 syscall crash points"): the crash
#   command is `bench_recorder_target writes N .`, which opens a file and
#   writes N + 1 bytes one write() at a time, with no checkpoint; the scenario
#   has `syscalls = true`, so discovery runs it under crashpoint-record and
#   every call is a crash point (each killed just before it, and one just
#   after the last), each run's crash command traced by crashpoint-record.
#   Needs crashpoint-record and bench_recorder_target built too.
#   TMPDIR is honoured as crashpoint honours it (run folders; default /tmp).
#
# The suite: one scenario with `checkpoints = "auto"` whose crash command is
# `bench_explore_target run` (100 checkpoints, each reached 10 times: 1,000
# crash points), one recovery step `bench_explore_target recover` and one
# assertion (`glob = "*.tmp"`, count 0). `crashpoint run` first traces the
# crash command unarmed (the discovery run), then makes one run per crash
# point: setup (none), the crash armed with NAME@HIT, recovery, the assertion.
# That is 1,001 runs and 2,001 processes. BENCH_HITS changes the 1,000.
#
# Each timed run is under /usr/bin/time -v (peak RSS, CPU time) with the wall
# time from `date +%s%N`; it must report "1000 passed, 0 failed". When
# hyperfine is installed it also times the command (--runs BENCH_REPS). The
# load average is printed before and after.
set -eu

build=${1:-build/release}
crashpoint=$build/harness/crashpoint
kind=${BENCH_KIND:-checkpoints}
case $kind in
  checkpoints) target=$build/bench/bench_explore_target; needs="$crashpoint $target" ;;
  syscalls) target=$build/bench/bench_recorder_target; needs="$crashpoint $build/harness/crashpoint-record $target" ;;
  *) echo "explore_1000.sh: BENCH_KIND is checkpoints or syscalls, not $kind" >&2; exit 2 ;;
esac
. "$(dirname "$0")/bench_checks.sh"
# shellcheck disable=SC2086 # $needs is a list of paths without spaces
require_built "$build" "crashpoint crashpoint-record bench_explore_target bench_recorder_target" $needs
require_timing "$build"
crashpoint=$(realpath "$crashpoint")
target=$(realpath "$target")
reps=${BENCH_REPS:-3}
jobs=${BENCH_JOBS:-2}
hits=${BENCH_HITS:-10}
points=$((100 * hits))

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
suite=$work/suite
mkdir "$suite"
printf '[target]\ncommand = "%s"\n' "$target" >"$suite/crashpoint.toml"
if [ "$kind" = syscalls ]; then
  cat >"$suite/explore.toml" <<EOF
description = "$points syscall crash points: an open and $((points - 2)) one-byte writes"
checkpoints = "auto"
syscalls = true
[crash]
command = ["{target}", "writes", "$((points - 3))", "."]
[[recover]]
command = ["sh", "-c", "test ! -e bench.dat || test -f bench.dat"]
[[assert]]
glob = "*.tmp"
count = 0
EOF
else
cat >"$suite/explore.toml" <<EOF
description = "$points crash points: 100 checkpoints reached $hits times each"
checkpoints = "auto"
[crash]
command = ["{target}", "run", "$hits"]
[[recover]]
command = ["{target}", "recover"]
[[assert]]
glob = "*.tmp"
count = 0
EOF
fi

echo "load before: $(uptime)"
r=1
while [ "$r" -le "$reps" ]; do
  start=$(date +%s%N)
  /usr/bin/time -v -o "$work/time.txt" "$crashpoint" run "$suite" -j "$jobs" >"$work/out.txt" 2>&1 || true
  end=$(date +%s%N)
  if ! grep -qx "$points passed, 0 failed" "$work/out.txt"; then
    echo "explore_1000.sh: the exploration did not pass $points runs:" >&2
    tail -n 20 "$work/out.txt" >&2
    exit 1
  fi
  rss=$(sed -n 's/^[[:space:]]*Maximum resident set size (kbytes): //p' "$work/time.txt")
  user=$(sed -n 's/^[[:space:]]*User time (seconds): //p' "$work/time.txt")
  sys=$(sed -n 's/^[[:space:]]*System time (seconds): //p' "$work/time.txt")
  echo "$(((end - start) / 1000000)) $rss $user $sys" >>"$work/results"
  echo "round $r: $(tail -n 1 "$work/results" | awk '{printf "%.2f s wall, peak RSS %.1f MB", $1 / 1000, $2 / 1024}')" >&2
  r=$((r + 1))
done
echo "load after:  $(uptime)"

cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)
fs=$(df -PT "${TMPDIR:-/tmp}" | awk 'NR == 2 {print $2}')
echo "Machine: $(nproc) CPUs, ${cpu:-unknown CPU}; Linux $(uname -r); build type ${build_type:-unknown};" \
  "run folders in ${TMPDIR:-/tmp} ($fs); $points crash points; crashpoint run -j$jobs; median of $reps runs."
echo
awk -v jobs="$jobs" -v points="$points" '
  function median(list, n,    a, i, j, t) {
    n = split(list, a, " ")
    for (i = 2; i <= n; i++) for (j = i; j > 1 && a[j - 1] > a[j]; j--) { t = a[j]; a[j] = a[j - 1]; a[j - 1] = t }
    return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
  }
  {
    wall = wall " " $1; rss = rss " " $2; cpu = cpu " " ($3 + $4)
    if (lo == "" || $1 < lo) lo = $1
    if (hi == "" || $1 > hi) hi = $1
  }
  END {
    w = median(wall) / 1000
    print "| crash points | wall, median (min..max) | per crash point | CPU (user+sys, all processes) | peak RSS |"
    print "|---:|---:|---:|---:|---:|"
    printf "| %d | %.2f s (%.2f..%.2f) | %.1f ms | %.2f s | %.1f MB |\n", points, w, lo / 1000, hi / 1000,
           w * 1000 / points, median(cpu), median(rss) / 1024
    print ""
    if (points == 1000 && jobs == 2)
      printf "Goal: under 60 s at -j2 on 2 cores: %.1f s, %s.\n", w, (w < 60 ? "met" : "missed")
  }' "$work/results"

# The last run's table tail, as a check that all 100 checkpoints x 10 hits ran.
echo
grep -c '^PASS  explore  ' "$work/out.txt" | sed 's/^/PASS lines: /'

if command -v hyperfine >/dev/null 2>&1; then
  echo
  echo "hyperfine:"
  hyperfine --style basic --runs "$reps" --export-markdown "$work/hyperfine.md" \
    -n "crashpoint run -j$jobs ($points crash points)" "$crashpoint run $suite -j $jobs" >&2
  cat "$work/hyperfine.md"
fi
