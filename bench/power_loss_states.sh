#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# power_loss_states.sh: exploring every syscall point of the bundled
# power-loss scenarios with every crash state (docs/performance.md,
# "Exploring power-loss states").
#
# Usage: bench/power_loss_states.sh [BUILD_DIR]
#   BUILD_DIR defaults to build/release; it must hold crashpoint,
#   crashpoint-record and minikv, e.g. after
#     cmake --build BUILD_DIR --target crashpoint crashpoint-record minikv
#   BENCH_REPS (default 3) timed runs; the figures are their median.
#   BENCH_JOBS (default 2) the -j of crashpoint run.
#
# It runs `crashpoint run scenarios --filter power_loss --crash-states all`
# against minikv: each bundled power-loss scenario explores every file-system
# call (and embedded checkpoint) of its crash command, and each crash point
# runs once per crash state (clean, every in-order prefix, every torn last
# write), each state a run of its own that crashes the command again and
# rebuilds the state. Every run must pass. Prints the runs (crash states),
# the crash points, the wall time and the time per state.
set -eu

build=${1:-build/release}
crashpoint=$build/harness/crashpoint
minikv=$build/examples/minikv/minikv
. "$(dirname "$0")/bench_checks.sh"
require_built "$build" "crashpoint crashpoint-record minikv" "$crashpoint" "$build/harness/crashpoint-record" "$minikv"
reps=${BENCH_REPS:-3}
jobs=${BENCH_JOBS:-2}
here=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

echo "load before: $(uptime)"
r=1
while [ "$r" -le "$reps" ]; do
  start=$(date +%s%N)
  "$crashpoint" run "$here/scenarios" --target "$minikv" --filter power_loss --crash-states all \
    -j "$jobs" --keep none -q --json "$work/report.json" >"$work/out.txt" 2>&1 || true
  end=$(date +%s%N)
  summary=$(tail -n 1 "$work/out.txt")
  case $summary in
    *" passed, 0 failed") ;;
    *) echo "power_loss_states.sh: not every state passed: $summary" >&2; tail -n 30 "$work/out.txt" >&2; exit 1 ;;
  esac
  echo "$(((end - start) / 1000000)) ${summary%% passed*}" >>"$work/results"
  echo "round $r: $((( end - start) / 1000000)) ms, $summary" >&2
  r=$((r + 1))
done
echo "load after:  $(uptime)"
# Crash points: the runs whose id does not end in #K (each point's first state).
points=$(grep -o '"id": *"[^"]*"' "$work/report.json" | grep -vc '#[0-9]*"$' || true)
echo "Machine: $(nproc) CPUs; Linux $(uname -r); crashpoint run -j$jobs; median of $reps runs."
sort -n "$work/results" | awk -v points="$points" '
  { wall[NR] = $1; runs = $2 }
  END {
    n = NR
    w = n % 2 ? wall[(n + 1) / 2] : (wall[n / 2] + wall[n / 2 + 1]) / 2
    print "| crash points | crash states (runs) | wall, median | per state |"
    print "|---:|---:|---:|---:|"
    printf "| %d | %d | %.2f s | %.1f ms |\n", points, runs, w / 1000, w / runs
  }'
