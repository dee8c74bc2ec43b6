#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# recorder_bench.sh: what crashpoint-record costs a program
# (docs/performance.md, "Recorder cost").
#
# Usage: bench/recorder_bench.sh [BUILD_DIR]
#   BUILD_DIR defaults to build/release; it must hold crashpoint-record and
#   bench_recorder_target, e.g. after
#     cmake --build BUILD_DIR --target crashpoint-record bench_recorder_target
#   BENCH_REPS (default 5) rounds; every figure is the median over the rounds.
#   BENCH_N (default 100000) operations per loop.
#   BENCH_CPU, when set (e.g. 1), pins every process to that CPU with taskset:
#   the tracer and its tracee then share one CPU and wake each other without
#   an inter-processor interrupt.
#
# Rows (bench/recorder_target.cpp times each loop from inside):
#   writes      one-byte write()s to a file under --root: each is a modelled
#               call, two ptrace stops (seccomp entry, syscall exit) plus the
#               recorder's work; run bare, under the recorder, with --log, and
#               with --log and --payloads
#   devnull     one-byte write()s to /dev/null: trapped, found not modelled,
#               one stop
#   untrapped   rounds of getppid, fstat, pread, stat, which the filter never
#               traps; "allow-filter" is the same loop, untraced, under a
#               one-instruction seccomp filter that allows everything: the cost
#               of the kernel's seccomp entry path, which any filter pays
#   pingpong    a pipe round trip between two processes: two context
#               switches, the least any tracer that stops the program pays
# Each cell is nanoseconds per operation, the median over the rounds: "wall"
# is the loop's wall time, "added" the traced wall minus the bare wall, "target
# CPU" the CPU time of the target's own loop, "all CPU" the CPU time of the
# whole command (recorder and target, start-up included) divided by N. On a
# machine others load, wall time waits for the scheduler at every stop; the
# CPU columns do not.
set -eu

build=${1:-build/release}
record=$build/harness/crashpoint-record
target=$build/bench/bench_recorder_target
. "$(dirname "$0")/bench_checks.sh"
require_built "$build" "crashpoint-record bench_recorder_target" "$record" "$target"
reps=${BENCH_REPS:-5}
n=${BENCH_N:-100000}
pin=""
[ -n "${BENCH_CPU:-}" ] && pin="taskset -c $BENCH_CPU"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir "$work/root"

# median of the numbers on stdin
median() { sort -g | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

# run LABEL COMMAND...: appends "LABEL wall cpu total_cpu" per round to
# $work/results; total_cpu is the user + system time of the whole command
# (the recorder and everything it traced, start-up included) per operation.
run() {
  label=$1
  shift
  $pin /usr/bin/time -f "%U %S" -o "$work/time" "$@" >"$work/out"
  total=$(awk -v n="$n" '{ printf "%.1f", ($1 + $2) * 1e9 / n }' "$work/time")
  awk -v l="$label" -v t="$total" '{ print l, $2, $3, t }' "$work/out" >>"$work/results"
}

: >"$work/results"
i=0
while [ "$i" -lt "$reps" ]; do
  i=$((i + 1))
  run writes.bare "$target" writes "$n" "$work/root"
  run writes.traced "$record" --root "$work/root" -- "$target" writes "$n" "$work/root"
  run writes.log "$record" --root "$work/root" --log "$work/io.jsonl" -- "$target" writes "$n" "$work/root"
  run writes.payloads "$record" --root "$work/root" --log "$work/io.jsonl" --payloads "$work/payloads" -- \
    "$target" writes "$n" "$work/root"
  run devnull.bare "$target" devnull "$n"
  run devnull.traced "$record" --root "$work/root" -- "$target" devnull "$n"
  run untrapped.bare "$target" untrapped "$n" "$work/root"
  run untrapped.traced "$record" --root "$work/root" -- "$target" untrapped "$n" "$work/root"
  run untrapped.allowfilter "$target" allow-filter "$n" "$work/root"
  run pingpong.bare "$target" pingpong "$n"
done

cell() { # cell LABEL COLUMN: the median of that column for that label
  awk -v l="$1" -v c="$2" '$1 == l { print $c }' "$work/results" | median
}
echo "load average before printing: $(cut -d' ' -f1-3 /proc/loadavg); $reps rounds of $n operations${pin:+; $pin}"
printf '%-20s %12s %12s %12s %12s\n' "ns per operation" "wall" "added" "target CPU" "all CPU"
for row in writes.bare writes.traced writes.log writes.payloads devnull.bare devnull.traced \
  untrapped.bare untrapped.traced untrapped.allowfilter pingpong.bare; do
  base=$(cell "${row%%.*}.bare" 2)
  wall=$(cell "$row" 2)
  cpu=$(cell "$row" 3)
  all=$(cell "$row" 4)
  added=$(awk -v a="$wall" -v b="$base" 'BEGIN { printf "%+.1f", a - b }')
  case $row in *.bare) added="" ;; esac
  printf '%-20s %12s %12s %12s %12s\n' "$row" "$wall" "$added" "$cpu" "$all"
done
slowdown() { # slowdown ROW COLUMN: ROW against untrapped.bare, in percent
  awk -v a="$(cell "$1" "$2")" -v b="$(cell untrapped.bare "$2")" 'BEGIN { printf "%+.1f%%", (a / b - 1) * 100 }'
}
echo "untrapped slowdown, wall: recorder $(slowdown untrapped.traced 2), allow-all filter $(slowdown untrapped.allowfilter 2)"
echo "untrapped slowdown, target CPU: recorder $(slowdown untrapped.traced 3), allow-all filter $(slowdown untrapped.allowfilter 3)"
