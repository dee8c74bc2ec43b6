#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# power_loss_bench.sh: what a power-loss crash state costs to rebuild, next to
# copying the files it touches (docs/performance.md, "Power-loss rebuild cost").
#
# Usage: bench/power_loss_bench.sh [BUILD_DIR]
#   BUILD_DIR defaults to build/release; it must hold crashpoint-record, e.g. after
#     cmake --build BUILD_DIR --target crashpoint-record
#   BENCH_REPS (default 5) rounds; every figure is the median over the rounds.
#   BENCH_MB (default 64) the size of the big file the command writes into.
#   BENCH_FILES (default 1000) small files (4 KiB) the command never touches.
#   BENCH_TOUCHED (default 10) small files the command rewrites (O_TRUNC).
#   TMPDIR is honoured (default /tmp): the file system there decides whether
#   pre-images are reflinked (btrfs, XFS) or copied (ext4, tmpfs).
#
# The command, recorded with --log --payloads --undo: `dd` writes 1 MiB
# (256 x 4 KiB, conv=notrunc) into the middle of the big file, then a shell
# rewrites BENCH_TOUCHED small files; nothing is fsynced, so the `clean` state
# drops all of it. Rows, each the median wall time in milliseconds:
#   record            the command under crashpoint-record --log --payloads
#   record --undo     the same with --undo (the pre-images: the big file and
#                     the touched small files, copied before their first write)
#   rebuild clean     crashpoint-record --rebuild --state clean: every touched
#                     file made again from its pre-image, the kept writes
#                     replayed (none here), names re-linked
#   rebuild crashed   --state crashed: nothing to drop, nothing copied
#   cp -a touched     copying just the touched files (big + small) with cp -a:
#                     the bound "no more than copying the files it touches"
#   cp -a tree        copying the whole workdir: what a rebuild avoids
# Every timed step starts after a `sync`, so none pays for the one before's
# writeback. The load average is printed before and after.
set -eu

build=${1:-build/release}
record=$build/harness/crashpoint-record
if [ ! -x "$record" ]; then
  echo "power_loss_bench.sh: $record not found; build it first:" >&2
  echo "  cmake --build $build --target crashpoint-record" >&2
  exit 2
fi
reps=${BENCH_REPS:-5}
mb=${BENCH_MB:-64}
files=${BENCH_FILES:-1000}
touched=${BENCH_TOUCHED:-10}
base=$(mktemp -d "${TMPDIR:-/tmp}/power-loss-bench-XXXXXX")
trap 'rm -rf "$base"' EXIT INT TERM

now() { date +%s%N; }
ms() { echo $((($2 - $1) / 1000000)); }
median() { sort -n | awk '{v[NR]=$1} END {print v[int((NR+1)/2)]}'; }

# A fresh workdir: the big file, the small files, all written out before the command.
make_tree() {
  rm -rf "$base/run"
  mkdir -p "$base/run/work"
  head -c "$((mb * 1024 * 1024))" /dev/urandom >"$base/run/work/big"
  i=0
  while [ "$i" -lt "$files" ]; do
    head -c 4096 /dev/urandom >"$base/run/work/small-$i"
    i=$((i + 1))
  done
  sync
}

the_command='dd if=/dev/zero of="$1/big" bs=4096 count=256 seek=1000 conv=notrunc status=none
i=0; while [ "$i" -lt "$2" ]; do echo rewritten >"$1/small-$i"; i=$((i + 1)); done'

record_it() {  # $1: extra options
  # shellcheck disable=SC2086
  "$record" --root "$base/run/work" --log "$base/run/io.jsonl" --payloads "$base/run/payloads" $1 \
    -- sh -c "$the_command" sh "$base/run/work" "$touched"
}

echo "power_loss_bench: $(uname -r), $(nproc) CPUs, ${mb} MiB big file, $files small files, $touched touched"
echo "file system of TMPDIR: $(df -T "$base" | awk 'NR==2 {print $2}')"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
: >"$base/rows"
r=1
while [ "$r" -le "$reps" ]; do
  make_tree
  sync; t0=$(now); record_it ""; t1=$(now)
  echo "record $(ms "$t0" "$t1")" >>"$base/rows"

  make_tree
  sync; t0=$(now); record_it "--undo $base/run/undo"; t1=$(now)
  echo "record_undo $(ms "$t0" "$t1")" >>"$base/rows"
  echo "undo_bytes $(du -sb "$base/run/undo" | cut -f1)" >>"$base/rows"

  sync; t0=$(now)
  cp -a "$base/run/work/big" "$base/run/cp-big"
  i=0
  while [ "$i" -lt "$touched" ]; do cp -a "$base/run/work/small-$i" "$base/run/cp-small-$i"; i=$((i + 1)); done
  t1=$(now)
  echo "cp_touched $(ms "$t0" "$t1")" >>"$base/rows"
  rm -f "$base/run"/cp-*
  sync; t0=$(now); cp -a "$base/run/work" "$base/run/cp-tree"; t1=$(now)
  echo "cp_tree $(ms "$t0" "$t1")" >>"$base/rows"
  rm -rf "$base/run/cp-tree"

  sync; t0=$(now)
  "$record" --rebuild --root "$base/run/work" --log "$base/run/io.jsonl" --payloads "$base/run/payloads" \
    --undo "$base/run/undo" --state crashed >/dev/null
  t1=$(now)
  echo "rebuild_crashed $(ms "$t0" "$t1")" >>"$base/rows"
  sync; t0=$(now)
  "$record" --rebuild --root "$base/run/work" --log "$base/run/io.jsonl" --payloads "$base/run/payloads" \
    --undo "$base/run/undo" --state clean >"$base/run/rebuild.out"
  t1=$(now)
  echo "rebuild_clean $(ms "$t0" "$t1")" >>"$base/rows"
  r=$((r + 1))
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "last rebuild: $(tail -1 "$base/run/rebuild.out")"
printf '%-18s %10s\n' "row" "median ms"
for row in record record_undo rebuild_clean rebuild_crashed cp_touched cp_tree; do
  printf '%-18s %10s\n' "$row" "$(awk -v k="$row" '$1 == k {print $2}' "$base/rows" | median)"
done
printf '%-18s %10s\n' "undo bytes" "$(awk '$1 == "undo_bytes" {print $2}' "$base/rows" | median)"
