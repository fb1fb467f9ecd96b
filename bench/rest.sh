#!/usr/bin/env bash
# bench/rest.sh [N]   (default 2000)
#
# The daemon's memory at rest after a first apply of N accounts to the test hosts: it waits until the daemon is
# ready with nothing pending, then REST_SECONDS more (default 10), prints VmRSS, RssAnon, RssFile and the thread
# count, runs AT_REST if set (a command of your own, with the daemon's PID in $REAL: a gdb that prints glibc's
# `malloc_info`, a look at /proc/$REAL/smaps), then sends two SIGTERMs (the second ends the daemon at once with
# exit 1). Under heaptrack (BATON_BIN a wrapper that runs `heaptrack -o FILE baton "$@"`, BATON_REAL the binary)
# that abrupt end leaves everything still allocated as "leaked": `heaptrack_print --flamegraph-cost-type leaked`
# shows the live heap at rest. Needs root (namespaces); wrap it in `flock /tmp/baton-testhosts.lock`.
N=${1:-2000}
NAME=rest
. "$(dirname "${BASH_SOURCE[0]}")/common.sh" "$NAME" "$N"
. "$BENCH_DIR/daemon-common.sh"
start_daemon 60
until [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT/readyz")" = 200 ] \
    && curl -s "http://127.0.0.1:$PORT/status" | grep -q '"Pending" : 0'; do
    sleep 1
    kill -0 $PID || { echo "the daemon died: $WORK/$NAME.log" >&2; exit 1; }
done
sleep "${REST_SECONDS:-10}"
# Under a wrapper, $PID is the wrapper's: the daemon is the newest process of the binary's name.
REAL=$(pgrep -x "$(basename "$(readlink -f "${BATON_REAL:-$BATON}")")" -n || echo "$PID")
grep -E 'VmRSS|RssAnon|RssFile|Threads' "/proc/$REAL/status"
# AT_REST: a command run at rest with the daemon's PID in $REAL (for example a gdb that prints the allocator's
# statistics, or a look at /proc/$REAL/smaps).
if [ -n "${AT_REST:-}" ]; then REAL=$REAL bash -c "$AT_REST"; fi
kill -TERM "$REAL"
sleep 0.5
kill -TERM "$REAL" 2>/dev/null || true
sleep 5
