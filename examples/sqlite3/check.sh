#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# check.sh: after a crash of txns.sh, recovers the database and checks that
# it kept every acknowledged transaction and is not corrupt.
#
#   check.sh [--sqlite3 EXE] [--db FILE] [ACKED_FILE...]
#
# The acknowledged ids are the "acked N" lines of the ACKED_FILEs (txns.sh's
# stdout). Without files, they are read from the run crashpoint describes in
# $CRASHPOINT_STATE: the stdout of its setup and crash steps. The JSON is read
# with sqlite3's own json_each() and readfile(), so nothing else is needed.
#
# Opening the database recovers it (rolls back a hot journal, replays a WAL).
# Then it must hold:
#   - PRAGMA integrity_check: exactly "ok";
#   - every acknowledged transaction N: row N, with the payload txns.sh wrote;
#   - no transaction half applied: the rows are 1..K without a hole, each
#     intact, and meta.last is K (both were changed by the same transaction).
# Rows beyond the last acknowledged one are allowed: a commit may be durable
# before its acknowledgement is printed.
#
# Prints "ok: ..." and exits 0, or prints each problem on stderr and exits 1;
# 2 for a usage error or unreadable input.
set -eu

sqlite3=sqlite3
db=app.db
while [ $# -gt 0 ]; do
  case "$1" in
    --sqlite3 | --db)
      [ $# -ge 2 ] || { echo "usage: check.sh [--sqlite3 EXE] [--db FILE] [ACKED_FILE...]" >&2; exit 2; }
      if [ "$1" = --db ]; then db=$2; else sqlite3=$2; fi
      shift 2 ;;
    *) break ;;
  esac
done

fail() {
  echo "check.sh: $*" >&2
  exit 2
}

# SQL string literal of $1.
quote() {
  printf "'%s'" "$(printf '%s' "$1" | sed "s/'/''/g")"
}

if [ $# -eq 0 ]; then
  [ -n "${CRASHPOINT_STATE:-}" ] || fail "no ACKED_FILE given and CRASHPOINT_STATE is not set"
  [ -r "$CRASHPOINT_STATE" ] || fail "cannot read CRASHPOINT_STATE file $CRASHPOINT_STATE"
  files=$("$sqlite3" :memory: "SELECT json_extract(value, '\$.stdout') FROM json_each(readfile($(quote "$CRASHPOINT_STATE")), '\$.steps')
                            WHERE json_extract(value, '\$.phase') IN ('setup', 'crash') AND json_extract(value, '\$.stdout') IS NOT NULL;") ||
    fail "cannot parse CRASHPOINT_STATE file $CRASHPOINT_STATE"
  # One path a line; paths with a newline are not supported.
  set --
  while IFS= read -r f; do
    [ -n "$f" ] && set -- "$@" "$f"
  done <<EOF_FILES
$files
EOF_FILES
  [ $# -gt 0 ] || fail "CRASHPOINT_STATE names no setup or crash step with a stdout file"
fi

acked=""
for f in "$@"; do
  [ -r "$f" ] || fail "cannot read acknowledgements file $f"
  acked="$acked $(sed -n 's/^acked \([0-9][0-9]*\)$/\1/p' "$f" | tr '\n' ' ')"
done

[ -e "$db" ] || { echo "check.sh: database $db is missing" >&2; exit 1; }

problems=0
problem() {
  echo "check.sh: $*" >&2
  problems=$((problems + 1))
}

# Recovery happens here, on the first read.
integrity=$("$sqlite3" "$db" "PRAGMA integrity_check;" 2>&1) || true
[ "$integrity" = ok ] || problem "PRAGMA integrity_check is not ok: $(printf '%s' "$integrity" | head -n 5 | tr '\n' ' ')"

# id|intact per row, then the row count, the highest id and meta.last.
rows=$("$sqlite3" "$db" "SELECT id || '|' || (tag = 'tag-' || (id % 7) AND payload = printf('%.*c', 2000, char(65 + id % 26))) FROM t ORDER BY id;" 2>&1) ||
  { problem "cannot read table t: $rows"; rows=""; }
damaged=$(printf '%s\n' "$rows" | sed -n 's/^\([0-9]*\)|0$/\1/p' | tr '\n' ' ')
[ -z "$damaged" ] || problem "rows with the wrong content: $damaged"
max="?"
if summary=$("$sqlite3" "$db" "SELECT count(*) || ' ' || ifnull(max(id), 0) || ' ' || (SELECT last FROM meta) FROM t;" 2>&1); then
  set -- $summary
  count=$1 max=$2 last=$3
  [ "$count" = "$max" ] || problem "rows are not 1..$max without a hole: $count rows"
  [ "$last" = "$max" ] || problem "meta.last is $last but the last row is $max: a transaction was half applied"
else
  problem "cannot read the row count and meta.last: $summary"
fi

missing=""
highest=0
for id in $acked; do
  [ "$id" -gt "$highest" ] && highest=$id
  printf '%s\n' "$rows" | grep -q "^$id|" || missing="$missing $id"
done
[ -z "$missing" ] || problem "acknowledged transactions lost:$missing (rows now 1..$max)"

if [ "$problems" -gt 0 ]; then
  exit 1
fi
echo "ok: integrity ok, rows 1..$max, every acknowledged transaction present (up to $highest)"
