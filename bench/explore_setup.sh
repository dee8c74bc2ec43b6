#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# explore_setup.sh: what running setup once per scenario saves when exploring
# (docs/performance.md, "Setup once per scenario").
#
# Usage: bench/explore_setup.sh [BUILD_DIR]
#   BUILD_DIR defaults to build/release; it must hold the targets crashpoint
#   and minikv, e.g. after
#     cmake --build BUILD_DIR --target crashpoint minikv
#   BENCH_BASELINE  a crashpoint executable to compare with, built from an
#                   earlier commit (one that replays setup in every run); its
#                   rows are left out when unset.
#   BENCH_REPS (default 5) timed runs per row; the figures are their median.
#   BENCH_JOBS (default 2) the -j of every command.
#   BENCH_PUTS (default 100) the puts of the setup-heavy scenario's setup.
#   TMPDIR is honoured as crashpoint honours it (run folders; default /tmp).
#
# Three measurements, each timed with `date +%s%N` around the whole command,
# and under /usr/bin/time for the CPU time of every process (the harness and
# what it started; on a loaded machine a steadier figure than the wall time).
# Every command has --keep none: the bundled suite's failures leave no folder.
#   1. `crashpoint explore scenarios`: the bundled suite (12 scenarios over
#      examples/minikv), every scenario explored. Its listed scenarios fail at
#      some crash points (they were written for one checkpoint): the check is
#      that every binary gives the same verdicts.
#   2. `crashpoint run SUITE` on a setup-heavy scenario: setup puts
#      BENCH_PUTS keys into minikv (each put is durable: a write and an
#      fsync), the crash command compacts the store (5 crash points), recovery
#      lists the keys, an assertion runs `minikv fsck`. Each crash point's run
#      replays setup (baseline, and `[setup] template = false`) or copies the
#      state the discovery run's setup left (the default).
#   3. `crashpoint run scenarios --only ID`: what one CTest test costs, for a
#      listed run (log_torn_record@log_after_header) and an explored one
#      (explore_put@log_after_fsync@1).
set -eu

build=${1:-build/release}
crashpoint=$build/harness/crashpoint
minikv=$build/examples/minikv/minikv
. "$(dirname "$0")/bench_checks.sh"
require_built "$build" "crashpoint minikv" "$crashpoint" "$minikv"
require_timing "$build"
crashpoint=$(realpath "$crashpoint")
minikv=$(realpath "$minikv")
baseline=${BENCH_BASELINE:-}
if [ -n "$baseline" ]; then
  baseline=$(realpath "$baseline")
fi
reps=${BENCH_REPS:-5}
jobs=${BENCH_JOBS:-2}
puts=${BENCH_PUTS:-100}
scenarios=$(realpath "$(dirname "$0")/../scenarios")

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# The setup-heavy suite, with and without `[setup] template = false`.
write_heavy() {  # folder, extra [setup] line
  mkdir -p "$1"
  printf '[target]\ncommand = "%s"\n' "$minikv" >"$1/crashpoint.toml"
  cat >"$1/heavy.toml" <<EOF
description = "a compaction crashed anywhere, after a setup of $puts durable puts"
checkpoints = "auto"
[setup]
steps = [["sh", "-c", "i=0; while [ \$i -lt $puts ]; do \"\$0\" put k\$i v\$i || exit 1; i=\$((i + 1)); done; \"\$0\" del k0", "{target}"]]
$2
[crash]
command = ["{target}", "compact"]
[[recover]]
command = ["{target}", "get", "k1"]
stdout_equals = "v1\n"
[[assert]]
command = ["{target}", "fsck"]
stdout_equals = "ok\n"
EOF
}
write_heavy "$work/heavy" ""
write_heavy "$work/heavy-replayed" "template = false"

# One timed run of `$@`: appends its wall time in ms to the file $1 and its
# CPU time (user + system, every process) in ms to $1.cpu, and leaves its
# verdict lines (without times, sorted) in $1.verdicts.
time_once() {
  file=$1
  shift
  start=$(date +%s%N)
  /usr/bin/time -f '%U %S' -o "$work/cpu.txt" "$@" >"$work/out.txt" 2>&1 || true
  end=$(date +%s%N)
  echo $(((end - start) / 1000000)) >>"$file"
  tail -n 1 "$work/cpu.txt" | awk '{printf "%d\n", ($1 + $2) * 1000}' >>"$file.cpu"
  grep -E '^(PASS|FAIL)  ' "$work/out.txt" | sed 's/  ([^)]*)$//' | sort >"$file.verdicts"
}

median() {
  sort -n "$1" | awk '{a[NR] = $1} END {print (NR % 2 ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2)}'
}

# One table row: label, then the files of timings of the new harness and of
# the baseline (or ""): medians of the wall and CPU times, and their ratios.
row() {
  new_wall=$(median "$2") new_cpu=$(median "$2.cpu")
  if [ -n "$3" ]; then
    old_wall=$(median "$3") old_cpu=$(median "$3.cpu")
    echo "| $1 | $old_wall ms | $new_wall ms | $(awk -v b="$old_wall" -v n="$new_wall" 'BEGIN {printf "%.2fx", b / n}')" \
      "| $old_cpu ms | $new_cpu ms | $(awk -v b="$old_cpu" -v n="$new_cpu" 'BEGIN {printf "%.2fx", b / n}') |"
  else
    echo "| $1 | | $new_wall ms | | | $new_cpu ms | |"
  fi
}

# Times `crashpoint ARGS...` and, when given, the baseline with the same
# arguments, BENCH_REPS times each, one after the other (so that a change in
# the machine's load hits both alike). With `replayed` set to a suite, the
# new harness also runs that suite with the other arguments (the heavy
# scenario with `[setup] template = false`), and a row follows for it. Both
# harnesses must give the same `expected` verdicts.
measure() {  # label, expected verdict count, command args...
  label=$1 expected=$2
  shift 2
  rm -f "$work"/t.*
  r=1
  while [ "$r" -le "$reps" ]; do
    time_once "$work/t.new" "$crashpoint" "$@"
    if [ -n "$baseline" ]; then time_once "$work/t.old" "$baseline" "$@"; fi
    if [ -n "$replayed" ]; then time_once "$work/t.replayed" "$crashpoint" run "$replayed" -j "$jobs" --keep none; fi
    r=$((r + 1))
  done
  count=$(wc -l <"$work/t.new.verdicts")
  if [ "$count" -ne "$expected" ]; then
    echo "explore_setup.sh: $label: $count verdicts, expected $expected:" >&2
    tail -n 20 "$work/out.txt" >&2
    exit 1
  fi
  old=
  if [ -n "$baseline" ]; then
    old=$work/t.old
    if ! cmp -s "$work/t.old.verdicts" "$work/t.new.verdicts"; then
      echo "explore_setup.sh: $label: the baseline's verdicts differ:" >&2
      diff "$work/t.old.verdicts" "$work/t.new.verdicts" >&2 || true
      exit 1
    fi
  fi
  row "$label" "$work/t.new" "$old"
  if [ -n "$replayed" ]; then row "the same, \`[setup] template = false\`" "$work/t.replayed" ""; fi
}

replayed=
echo "load before: $(uptime)"
echo
echo "| command | wall, baseline | wall, this harness | speedup | CPU, baseline | CPU, this harness | ratio |"
echo "|---|---:|---:|---:|---:|---:|---:|"
measure "explore the bundled suite (36 runs)" 36 explore "$scenarios" --target "$minikv" -j "$jobs" --keep none
replayed=$work/heavy-replayed
measure "explore a setup-heavy scenario ($puts puts; 5 crash points)" 5 run "$work/heavy" -j "$jobs" --keep none
replayed=
measure "one listed run: \`--only log_torn_record@log_after_header\`" 1 \
  run "$scenarios" --target "$minikv" -j 1 --keep none --only log_torn_record@log_after_header
measure "one explored run: \`--only explore_put@log_after_fsync@1\`" 1 \
  run "$scenarios" --target "$minikv" -j 1 --keep none --only explore_put@log_after_fsync@1
echo
echo "load after:  $(uptime)"
cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)
fs=$(df -PT "${TMPDIR:-/tmp}" | awk 'NR == 2 {print $2}')
echo "Machine: $(nproc) CPUs, ${cpu:-unknown CPU}; Linux $(uname -r); build type ${build_type:-unknown};" \
  "run folders in ${TMPDIR:-/tmp} ($fs); -j$jobs; median of $reps runs."
