#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# txns.sh: a sequence of committed sqlite3 transactions, one acknowledgement
# line per commit, for crashpoint to crash at any file-system call.
#
#   txns.sh [--sqlite3 EXE] [--db FILE] [--mode MODE] [--one-process] init
#   txns.sh [--sqlite3 EXE] [--db FILE] [--mode MODE] [--one-process] run FIRST LAST
#
# init creates the database (table t, an index, a one-row table meta).
# run commits transactions FIRST..LAST. Transaction N inserts row N (a
# 2000-byte payload derived from N, so that every commit changes several
# pages) and sets meta.last = N. Then "acked N" is printed on stdout: a line is
# printed only for a transaction the database promised to keep.
#
# By default each transaction is its own sqlite3 process, and the script
# prints "acked N" once that process has exited 0. With --one-process, one
# sqlite3 process (one connection) commits them all and prints each "acked N"
# itself, with a SELECT right after the COMMIT returned (sqlite3 flushes its
# output after each statement). The difference matters for WAL: the last
# connection to close checkpoints the WAL into the database and syncs it, so
# only a long-lived connection shows what synchronous=NORMAL leaves unsynced.
#
# --sqlite3 EXE the sqlite3 program (default: sqlite3 on PATH)
# --db FILE   the database, relative to the working directory (default app.db)
# --mode MODE the durability settings every connection uses (default full-delete):
#   full-delete   journal_mode=DELETE, synchronous=FULL    (SQLite's default)
#   extra-delete  journal_mode=DELETE, synchronous=EXTRA   (also syncs the directory after the journal's unlink)
#   full-wal      journal_mode=WAL,    synchronous=FULL
#   normal-wal    journal_mode=WAL,    synchronous=NORMAL  (commits are not synced, only checkpoints)
#   off-delete    journal_mode=DELETE, synchronous=OFF     (never syncs)
#   off-wal       journal_mode=WAL,    synchronous=OFF     (never syncs)
# WAL modes use locking_mode=EXCLUSIVE, which keeps the WAL index in heap
# memory instead of a shared mapping of app.db-shm: stores into a shared
# mapping make no system call, so a recorder could not see them.
#
# Exit status: 0 all committed; 1 a transaction failed (sqlite3's message on
# stderr); 2 usage error.
set -eu

usage() {
  echo "usage: txns.sh [--sqlite3 EXE] [--db FILE] [--mode full-delete|extra-delete|full-wal|normal-wal|off-delete|off-wal] [--one-process] init | run FIRST LAST" >&2
  exit 2
}

sqlite3=sqlite3
db=app.db
mode=full-delete
one_process=false
while [ $# -gt 0 ]; do
  case "$1" in
    --sqlite3) [ $# -ge 2 ] || usage; sqlite3=$2; shift 2 ;;
    --db) [ $# -ge 2 ] || usage; db=$2; shift 2 ;;
    --mode) [ $# -ge 2 ] || usage; mode=$2; shift 2 ;;
    --one-process) one_process=true; shift ;;
    --) shift; break ;;
    -*) echo "txns.sh: unknown option $1" >&2; usage ;;
    *) break ;;
  esac
done

case "$mode" in
  full-delete) journal=DELETE sync=FULL ;;
  extra-delete) journal=DELETE sync=EXTRA ;;
  full-wal) journal=WAL sync=FULL ;;
  normal-wal) journal=WAL sync=NORMAL ;;
  off-delete) journal=DELETE sync=OFF ;;
  off-wal) journal=WAL sync=OFF ;;
  *) echo "txns.sh: unknown mode '$mode'" >&2; usage ;;
esac
locking=NORMAL
[ "$journal" = WAL ] && locking=EXCLUSIVE

# The settings each connection starts with. journal_mode=WAL persists in the
# file, but synchronous and locking_mode are per connection. ".bail on" stops
# at the first error so that sqlite3 exits non-zero; the pragmas' own output
# ("delete", "wal", "exclusive") is discarded by ".output /dev/null".
pragmas() {
  printf '.bail on\n.output /dev/null\nPRAGMA locking_mode=%s;\nPRAGMA journal_mode=%s;\nPRAGMA synchronous=%s;\n.output stdout\n' \
    "$locking" "$journal" "$sync"
}

# Transaction $1. The payload is a function of the id alone, so check.sh can verify it.
transaction() {
  cat <<SQL
BEGIN;
INSERT INTO t VALUES ($1, 'tag-' || ($1 % 7), printf('%.*c', 2000, char(65 + $1 % 26)));
UPDATE meta SET last = $1;
COMMIT;
SQL
}

is_number() {
  case "$1" in '' | *[!0-9]*) return 1 ;; *) return 0 ;; esac
}

[ $# -ge 1 ] || usage
case "$1" in
  init)
    [ $# -eq 1 ] || usage
    { pragmas; cat <<'SQL'
BEGIN;
CREATE TABLE t (id INTEGER PRIMARY KEY, tag TEXT NOT NULL, payload TEXT NOT NULL);
CREATE INDEX t_tag ON t (tag);
CREATE TABLE meta (one INTEGER PRIMARY KEY CHECK (one = 1), last INTEGER NOT NULL);
INSERT INTO meta VALUES (1, 0);
COMMIT;
SQL
    } | "$sqlite3" "$db"
    ;;
  run)
    [ $# -eq 3 ] && is_number "$2" && is_number "$3" || usage
    first=$2 last=$3
    if [ "$one_process" = true ]; then
      { pragmas
        n=$first
        while [ "$n" -le "$last" ]; do
          transaction "$n"
          echo "SELECT 'acked $n';"
          n=$((n + 1))
        done
      } | "$sqlite3" "$db"
    else
      n=$first
      while [ "$n" -le "$last" ]; do
        { pragmas; transaction "$n"; } | "$sqlite3" "$db"
        echo "acked $n"
        n=$((n + 1))
      done
    fi
    ;;
  *) usage ;;
esac
