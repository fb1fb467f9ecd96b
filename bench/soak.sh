#!/usr/bin/env bash
# bench/soak.sh [N] [MINUTES]   (default 200 accounts, 60 minutes)
#
# `baton reconcile` left running for MINUTES on the generated repository of N accounts, applying to the test
# hosts, while the repository keeps moving: every COMMIT_EVERY seconds (default 60) a commit changes one record
# of a rotating account, announced by a signed webhook, and every fifth one is announced by nothing (the
# interval finds it). Every SAMPLE_EVERY seconds (default 30) it samples the daemon from /proc: resident memory,
# CPU time, open descriptors and threads. It reports, per quarter of the run, the mean RSS and CPU share, and
# overall the first and last RSS, the largest, the descriptors and threads at the end, how many commits were
# served (the record answered by `dig`), and the slope of RSS over the second half (MB per hour): a service
# that runs for months must not grow. Samples go to .work/soak-N.tsv. Needs root (namespaces).
N=${1:-200}
MINUTES=${2:-60}
INTERVAL=${INTERVAL:-30}
COMMIT_EVERY=${COMMIT_EVERY:-60}
SAMPLE_EVERY=${SAMPLE_EVERY:-30}
NAME=soak
. "$(dirname "${BASH_SOURCE[0]}")/common.sh" "$NAME" "$N"
. "$BENCH_DIR/daemon-common.sh"
start_daemon "$INTERVAL"
HZ=$(getconf CLK_TCK)
SAMPLES=$WORK/soak-$N.tsv
printf 'seconds\trss_kb\tcpu_ticks\tfds\tthreads\tanon_kb\tfile_kb\n' >"$SAMPLES"
sample() {
    local rss ticks fds threads anon file
    rss=$(awk '/^VmRSS/ {print $2}' "/proc/$PID/status")
    anon=$(awk '/^RssAnon/ {print $2}' "/proc/$PID/status")
    file=$(awk '/^RssFile/ {print $2}' "/proc/$PID/status")
    threads=$(awk '/^Threads/ {print $2}' "/proc/$PID/status")
    ticks=$(awk '{print $14 + $15}' "/proc/$PID/stat")
    fds=$(find "/proc/$PID/fd" -mindepth 1 -maxdepth 1 | wc -l)
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$(($(date +%s) - START))" "$rss" "$ticks" "$fds" "$threads" "$anon" \
        "$file" >>"$SAMPLES"
}
until [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT/readyz")" = 200 ] \
    && curl -s "http://127.0.0.1:$PORT/status" | grep -q '"Pending" : 0'; do
    sleep 2
    kill -0 $PID || { echo "the daemon died: $WORK/soak.log" >&2; exit 1; }
done
START=$(date +%s)
END=$((START + MINUTES * 60))
next_commit=$START
commits=0
served=0
pending=""
while [ "$(date +%s)" -lt "$END" ]; do
    kill -0 $PID || { echo "the daemon died: $WORK/soak.log" >&2; exit 1; }
    now=$(date +%s)
    if [ "$now" -ge "$next_commit" ]; then
        # Did the last one land? It had COMMIT_EVERY seconds (an interval at the most, for a silent one).
        if [ -n "$pending" ] && [ -n "$(dig +short +time=1 +tries=1 @10.213.0.12 "$pending" A)" ]; then
            served=$((served + 1))
        fi
        commits=$((commits + 1))
        account=a$(((commits % N) + 1))
        name=soak$commits
        commit_record "$account" "$name" "10.213.0.$((commits % 200 + 20))"
        if [ $((commits % 5)) -ne 0 ]; then signed_webhook; fi
        pending=$name.$account.example
        next_commit=$((now + COMMIT_EVERY))
    fi
    sample
    sleep "$SAMPLE_EVERY"
done
sleep 5
# What the descriptors at the end point at, by folder: a leak shows as a folder that keeps growing.
find "/proc/$PID/fd" -mindepth 1 -maxdepth 1 -exec readlink {} \; | sed -E 's#/[^/]*$##' | sort | uniq -c | sort -rn \
    | head -5 >"$WORK/soak-$N.fds"
if [ -n "$pending" ] && [ -n "$(dig +short +time=1 +tries=1 @10.213.0.12 "$pending" A)" ]; then served=$((served + 1)); fi
python3 - "$SAMPLES" "$HZ" "$N" "$MINUTES" "$commits" "$served" <<'PY'
import sys
path, hz, n, minutes, commits, served = sys.argv[1], int(sys.argv[2]), *map(int, sys.argv[3:])
rows = [list(map(int, line.split("\t"))) for line in open(path).read().splitlines()[1:]]
def cpu(a, b):
    return 100.0 * (b[2] - a[2]) / hz / max(1, b[0] - a[0])
print(f"| quarter | mean RSS MB | CPU % of a core |")
print(f"|---:|---:|---:|")
q = max(1, len(rows) // 4)
for i in range(4):
    part = rows[i * q:(i + 1) * q + 1] if i < 3 else rows[3 * q:]
    if len(part) < 2:
        continue
    print(f"| {i + 1} | {sum(r[1] for r in part) / len(part) / 1024:.0f} | {cpu(part[0], part[-1]):.2f} |")
half = rows[len(rows) // 2:]
xs = [r[0] / 3600 for r in half]
ys = [r[1] / 1024 for r in half]
mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
slope = sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / max(1e-9, sum((x - mx) ** 2 for x in xs))
print()
print(f"N = {n}, {minutes} min, {len(rows)} samples: RSS first {rows[0][1] / 1024:.0f} MB, last "
      f"{rows[-1][1] / 1024:.0f} MB, largest {max(r[1] for r in rows) / 1024:.0f} MB; second-half slope "
      f"{slope:+.1f} MB/h; CPU {cpu(rows[0], rows[-1]):.2f}% of a core; descriptors {rows[0][3]} -> {rows[-1][3]}, "
      f"threads {rows[0][4]} -> {rows[-1][4]}; commits served {served} of {commits}; anonymous memory "
      f"{rows[0][5] / 1024:.0f} -> {rows[-1][5] / 1024:.0f} MB, file-backed {rows[0][6] / 1024:.0f} -> "
      f"{rows[-1][6] / 1024:.0f} MB")
PY
echo "descriptors by folder at the end:"
cat "$WORK/soak-$N.fds"
