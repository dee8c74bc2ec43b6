#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# sweep.sh: crashes txns.sh at every modelled file-system call with
# crashpoint-record and runs check.sh after each crash: by hand, what the
# suite in this folder does once the harness runs syscall points itself.
#
#   sweep.sh RECORDER [TXNS_OPTION...]
#
# RECORDER is the crashpoint-record executable; TXNS_OPTIONs are txns.sh's
# (--mode MODE, --one-process). Each point starts from a copy of a database
# holding transactions 1..FIRST-1 (environment FIRST, default 4; LAST default
# 8), then crashes `txns.sh TXNS_OPTION... run FIRST LAST`
# just before (sys:*@N) and just after (sys:*@N+) its Nth call, for every N
# that a clean run reaches, and runs check.sh with the acknowledgements of
# both. One line per point: the point, the call, the verdict. Ends with a
# count, and exits 1 when any point failed.
set -eu
[ $# -ge 1 ] || { echo "usage: sweep.sh RECORDER [TXNS_OPTION...]" >&2; exit 2; }
recorder=$1
shift
first=${FIRST:-4} last=${LAST:-8}
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/sqlite3-sweep.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

# The state every point starts from.
mkdir "$tmp/template"
(cd "$tmp/template" && sh "$here/txns.sh" "$@" init &&
  sh "$here/txns.sh" "$@" run 1 $((first - 1))) > "$tmp/setup.out"

json() {  # json FILE PATH: the value at PATH in the JSON file
  sqlite3 :memory: "SELECT json_extract(readfile('$1'), '$2');"
}

# A clean run counts the calls.
cp -a "$tmp/template" "$tmp/work"
(cd "$tmp/work" && "$recorder" --root . --result "$tmp/result.json" -- sh "$here/txns.sh" "$@" run "$first" "$last") > /dev/null
calls=$(json "$tmp/result.json" '$.counts.calls')
echo "txns.sh $*: $calls modelled calls in a clean run of transactions $first..$last"

passed=0 failed=0
n=1
while [ "$n" -le "$calls" ]; do
  for point in "sys:*@$n" "sys:*@$n+"; do
    rm -rf "$tmp/work"
    cp -a "$tmp/template" "$tmp/work"
    # Through an inner shell whose stderr is crash.err: a shell reports a child
    # killed by a signal ("Killed") on its own stderr.
    (cd "$tmp/work" && sh -c '"$@"; exit $?' sh "$recorder" --root . --result "$tmp/result.json" --point "$point" -- \
      sh "$here/txns.sh" "$@" run "$first" "$last" > "$tmp/crash.out" 2> "$tmp/crash.err") || true
    call=$(sqlite3 :memory: "SELECT json_extract(c, '\$.call') || '(' || json_extract(c, '\$.path') ||
                                    ifnull(', ' || json_extract(c, '\$.length') || ' bytes at ' || json_extract(c, '\$.offset'), '') || ')'
                             FROM (SELECT json_extract(readfile('$tmp/result.json'), '\$.point.call') AS c);")
    if [ "$(json "$tmp/result.json" '$.point.reached')" != 1 ]; then
      echo "$point  not reached"
      failed=$((failed + 1))
      continue
    fi
    acked=$(sed -n 's/^acked //p' "$tmp/crash.out" | tr '\n' ' ')
    if verdict=$(cd "$tmp/work" && sh "$here/check.sh" "$tmp/setup.out" "$tmp/crash.out" 2>&1); then
      passed=$((passed + 1))
      echo "$point  $call  acked: ${acked:-none}  ok"
    else
      failed=$((failed + 1))
      echo "$point  $call  acked: ${acked:-none}  FAIL: $(printf '%s' "$verdict" | tr '\n' ' ')"
    fi
  done
  n=$((n + 1))
done
echo "txns.sh $*: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
