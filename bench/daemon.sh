#!/usr/bin/env bash
# bench/daemon.sh [N]   (default 200)
#
# `baton reconcile` following a bare copy of the generated repository with N accounts (bench/gen.py), applying to
# the project's test hosts (every account on web1, zones on ns1 and ns2):
#   - the first full apply, and the daemon's memory at rest after it (RSS from /proc);
#   - ten one-record commits, each announced by a signed webhook: the time from the webhook's arrival to the new
#     record answered by `dig` on the test BIND (median and worst of 10);
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
# Ten one-record commits, each with a webhook.
latencies=()
for i in $(seq 1 10); do
    commit_record a1 "bench$i" "10.213.0.9$((i % 10))"
    signed_webhook
    t0=$HOOK_AT
    until [ -n "$(dig +short +time=1 +tries=1 @10.213.0.12 "bench$i.a1.example" A)" ]; do sleep 0.05; done
    latencies+=("$(echo "$(now) - $t0" | bc)")
done
sorted=$(printf '%s\n' "${latencies[@]}" | sort -n)
median=$(echo "$sorted" | awk '{a[NR]=$1} END {print (a[5] + a[6]) / 2}')
worst=$(echo "$sorted" | tail -1)
# Idle: nothing new for IDLE_ROUNDS intervals.
ticks0=$(cpu_ticks); t0=$(now)
sleep $((INTERVAL * IDLE_ROUNDS))
ticks1=$(cpu_ticks); elapsed=$(echo "$(now) - $t0" | bc)
hz=$(getconf CLK_TCK)
idle_cpu=$(echo "scale=3; 100 * ($ticks1 - $ticks0) / $hz / $elapsed" | bc)
echo "| N | first apply s | RSS at rest MB | webhook to dig median s | worst s | idle CPU % of a core ($IDLE_ROUNDS x ${INTERVAL}s) |"
echo "|---:|---:|---:|---:|---:|---:|"
printf '| %d | %.1f | %s | %.2f | %.2f | %s |\n' "$N" "$first" "$rest" "$median" "$worst" "$idle_cpu"
