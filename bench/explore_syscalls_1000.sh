#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# explore_syscalls_1000.sh: exploring 1,000 syscall crash points of one
# scenario (docs/performance.md, "Exploring 1,000 syscall crash points").
#
# Usage: bench/explore_1000.sh [BUILD_DIR]
#   BUILD_DIR defaults to build/release; it must hold the targets crashpoint,
#   crashpoint-record and bench_recorder_target, e.g. after
#     cmake --build BUILD_DIR --target crashpoint crashpoint-record bench_recorder_target
#   BENCH_REPS (default 3) timed runs; the figures are their median.
#   BENCH_JOBS (default 2) the -j of crashpoint run.
#   BENCH_POINTS (default 1000) syscall crash points: the crash command opens
#   a file and writes BENCH_POINTS - 1 bytes to it, one write() at a time.
#   TMPDIR is honoured as crashpoint honours it (run folders; default /tmp).
#
# The suite: one scenario with `checkpoints = "auto"` and `syscalls = true`
# whose crash command is `bench_recorder_target writes N .` (an open and
# N + 1 one-byte writes: N + 2 modelled calls). `crashpoint run` first runs
# it unarmed under crashpoint-record (the discovery run), then makes one run
# per call: the crash command under crashpoint-record, killed just before that
# call, then one recovery step and one assertion. That is 1,001 runs, each
# with a traced crash command.
#
# Each timed run is under /usr/bin/time -v (peak RSS, CPU time) with the wall
# time from `date +%s%N`; it must report "1000 passed, 0 failed". The load
# average is printed before and after.
set -eu

build=${1:-build/release}
crashpoint=$build/harness/crashpoint
target=$build/bench/bench_recorder_target
for bin in "$crashpoint" "$build/harness/crashpoint-record" "$target"; do
  if [ ! -x "$bin" ]; then
    echo "explore_syscalls_1000.sh: $bin not found; build it first:" >&2
    echo "  cmake --build $build --target crashpoint crashpoint-record bench_recorder_target" >&2
    exit 2
  fi
done
build_type=$(sed -n 's/^CMAKE_BUILD_TYPE:[A-Z]*=//p' "$build/CMakeCache.txt" 2>/dev/null || true)
case $build_type in
  Release | RelWithDebInfo) ;;
  *) echo "explore_syscalls_1000.sh: warning: build type '$build_type' is not optimised" >&2 ;;
esac
if [ ! -x /usr/bin/time ]; then
  echo "explore_syscalls_1000.sh: /usr/bin/time not found (apt-get install time)" >&2
  exit 2
fi
crashpoint=$(realpath "$crashpoint")
target=$(realpath "$target")
reps=${BENCH_REPS:-3}
jobs=${BENCH_JOBS:-2}
points=${BENCH_POINTS:-1000}
writes=$((points - 2))

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
suite=$work/suite
mkdir "$suite"
printf '[target]\ncommand = "%s"\n' "$target" >"$suite/crashpoint.toml"
cat >"$suite/explore.toml" <<EOF
description = "$points syscall crash points: an open and $((writes + 1)) one-byte writes"
checkpoints = "auto"
syscalls = true
[crash]
command = ["{target}", "writes", "$writes", "."]
[[recover]]
command = ["test", "-f", "bench.dat"]
[[assert]]
glob = "*.tmp"
count = 0
EOF

echo "load before: $(uptime)"
r=1
while [ "$r" -le "$reps" ]; do
  start=$(date +%s%N)
  /usr/bin/time -v -o "$work/time.txt" "$crashpoint" run "$suite" -j "$jobs" >"$work/out.txt" 2>&1 || true
  end=$(date +%s%N)
  if ! grep -qx "$points passed, 0 failed" "$work/out.txt"; then
    echo "explore_syscalls_1000.sh: the exploration did not pass $points runs:" >&2
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

# The last run's PASS lines, as a check that every call was a crash point.
echo
grep -c '^PASS  explore  sys:' "$work/out.txt" | sed 's/^/PASS lines: /'

if command -v hyperfine >/dev/null 2>&1; then
  echo
  echo "hyperfine:"
  hyperfine --style basic --runs "$reps" --export-markdown "$work/hyperfine.md" \
    -n "crashpoint run -j$jobs ($points crash points)" "$crashpoint run $suite -j $jobs" >&2
  cat "$work/hyperfine.md"
fi
