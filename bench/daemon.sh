#!/usr/bin/env bash
# bench/daemon.sh [N]   (default 200)
#
# `baton reconcile` following a bare copy of the generated repository with N accounts (bench/gen.py), applying to
# the project's test hosts (every account on web1, zones on ns1 and ns2):
#   - the first full apply, and the daemon's memory at rest after it (RSS from /proc);
#   - ten one-record commits, each announced by a signed webhook once the run before is recorded: the time from the
#     webhook's arrival to the new record answered by `dig` on the test BIND (median and worst of 10); then ten
#     sent back to back (a burst: each webhook waits for the previous run's record);
#   - CPU over ten idle intervals with nothing new (utime + stime from /proc/PID/stat), as a share of one core.
# Needs root (namespaces).
N=${1:-200}
INTERVAL=${INTERVAL:-60}
IDLE_ROUNDS=${IDLE_ROUNDS:-10}
NAME=daemon
. "$(dirname "${BASH_SOURCE[0]}")/common.sh" "$NAME" "$N"
. "$BENCH_DIR/daemon-common.sh"
start_daemon "$INTERVAL"
now() { date +%s.%N; }
rss_mb() { awk '/^VmRSS/ {printf "%.0f", $2 / 1024}' "/proc/$PID/status"; }
cpu_ticks() { awk '{print $14 + $15}' "/proc/$PID/stat"; }
start=$(now)
# The first full apply: ready, and the first account's www record served.
until [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT/readyz")" = 200 ] \
    && [ -n "$(dig +short +time=1 +tries=1 @10.213.0.12 www.a1.example A)" ] \
    && curl -s "http://127.0.0.1:$PORT/status" | grep -q '"Pending" : 0'; do
    sleep 1
    kill -0 $PID || { echo "the daemon died: $WORK/daemon.log" >&2; exit 1; }
done
first=$(echo "$(now) - $start" | bc)
sleep 5
rest=$(rss_mb)
# Ten one-record commits, each with a webhook, each sent once the daemon recorded the one before (a commit landing
# on a daemon at rest); then ten more sent back to back, each as soon as the one before is served (a burst: the
# next webhook waits for the previous run's record).
recorded() { curl -s "http://127.0.0.1:$PORT/status" | grep -q "\"lastAppliedRevision\" : \"$($GIT rev-parse HEAD)\""; }
one_commit() { # NAME: commit, webhook, wait for dig; appends the latency
    commit_record a1 "$1" "10.213.0.9$((RANDOM % 10))"
    signed_webhook
    local t0=$HOOK_AT
    until [ -n "$(dig +short +time=1 +tries=1 @10.213.0.12 "$1.a1.example" A)" ]; do sleep 0.05; done
    latencies+=("$(echo "$(now) - $t0" | bc)")
}
stats() { # median and worst of the latencies
    local sorted
    sorted=$(printf '%s\n' "${latencies[@]}" | sort -n)
    echo "$(echo "$sorted" | awk '{a[NR]=$1} END {print (a[5] + a[6]) / 2}') $(echo "$sorted" | tail -1)"
}
latencies=()
for i in $(seq 1 10); do
    one_commit "bench$i"
    for _ in $(seq 1 1200); do recorded && break; sleep 0.5; done
done
read -r median worst <<<"$(stats)"
latencies=()
for i in $(seq 1 10); do one_commit "burst$i"; done
read -r burst_median burst_worst <<<"$(stats)"
for _ in $(seq 1 1200); do recorded && break; sleep 0.5; done
# Idle: nothing new for IDLE_ROUNDS intervals.
ticks0=$(cpu_ticks); t0=$(now)
sleep $((INTERVAL * IDLE_ROUNDS))
ticks1=$(cpu_ticks); elapsed=$(echo "$(now) - $t0" | bc)
after_idle=$(rss_mb)
hz=$(getconf CLK_TCK)
idle_cpu=$(echo "scale=3; 100 * ($ticks1 - $ticks0) / $hz / $elapsed" | bc)
echo "| N | first apply s | RSS at rest MB (after idle) | webhook to dig median s (worst) | burst median s (worst) | idle CPU % of a core ($IDLE_ROUNDS x ${INTERVAL}s) |"
echo "|---:|---:|---:|---:|---:|---:|"
printf '| %d | %.1f | %s (%s) | %.2f (%.2f) | %.2f (%.2f) | %s |\n' "$N" "$first" "$rest" "$after_idle" "$median" \
    "$worst" "$burst_median" "$burst_worst" "$idle_cpu"
