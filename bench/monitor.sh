#!/usr/bin/env bash
# bench/monitor.sh [N] [SECONDS]   (default 1000 sites, 300 s)
#
# `baton monitor run` (the monitor the daemon will host) with N monitored sites against local HTTP servers on
# 127.0.0.1 (python3's ThreadingHTTPServer, four of them), 60 s interval, for SECONDS. Ten more sites point at a
# fifth server that is stopped after the first minute, so their state flips to down during the run.
#
# Measures, reported with the targets of issue 13 as PASS/MISS:
#   - the monitor's CPU share of one core over the run (/proc/PID/stat): target < 3%;
#   - its resident memory between rounds, sampled every 5 s after the first round: target < 150 MB;
#   - the spread of check start times: checks started per second of each round (max, and the share of seconds
#     with no start), and per 6-second slice (min, max);
#   - status-branch commits: target at most one per 10 minutes plus state flips.
# Traffic goes to 127.0.0.1 only; every loop here is bounded in time.
N=${1:-1000}
SECONDS_TO_RUN=${2:-300}
. "$(dirname "${BASH_SOURCE[0]}")/common.sh" monitor "$N"
mkdir -p "$WORK"
rm -rf "$REPO"
OUT=$WORK/monitor-$N-run
rm -rf "$OUT"
mkdir -p "$OUT"

SERVER='
import http.server, sys, socketserver
class H(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        body = b"ok\n"
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
    def log_message(self, *a):
        pass
class S(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
s = S(("127.0.0.1", 0), H)
print(s.server_address[1], flush=True)
s.serve_forever()
'
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; }
trap cleanup EXIT
PORTS=()
for i in 1 2 3 4 5; do
    python3 -u -c "$SERVER" >"$OUT/server$i.port" &
    PIDS+=($!)
done
sleep 1
for i in 1 2 3 4; do PORTS+=("$(head -1 "$OUT/server$i.port")"); done
FLAKY_PORT=$(head -1 "$OUT/server5.port")
FLAKY_PID=${PIDS[4]}
python3 "$BENCH_DIR/monitor-gen.py" "$N" "$REPO" "$(IFS=,; echo "${PORTS[*]}")" "$FLAKY_PORT"
$GIT init -q -b main
$GIT add -A
$GIT commit -q -m "bench monitors"

"$BATON" monitor run --repo "$REPO" --for "${SECONDS_TO_RUN}s" --start-log "$OUT/starts.tsv" >"$OUT/run.txt" 2>&1 &
BPID=$!
TICK=$(getconf CLK_TCK)
cpu() { awk '{print $14 + $15}' "/proc/$BPID/stat"; }
start_cpu=$(cpu)
start_ns=$(date +%s%N)
: >"$OUT/rss.tsv"
end=$((SECONDS + SECONDS_TO_RUN + 30))
while kill -0 "$BPID" 2>/dev/null && [ $SECONDS -lt $end ]; do
    elapsed=$(( ($(date +%s%N) - start_ns) / 1000000000 ))
    if [ "$elapsed" -ge 60 ] && kill -0 "$FLAKY_PID" 2>/dev/null; then kill "$FLAKY_PID"; fi
    rss=$(awk '/VmRSS/ {print $2}' "/proc/$BPID/status" 2>/dev/null || echo "")
    last_cpu=$(cpu 2>/dev/null || echo "$last_cpu")
    last_ns=$(date +%s%N)
    [ -n "$rss" ] && echo -e "$elapsed\t$rss" >>"$OUT/rss.tsv"
    sleep 5
done
wait "$BPID" || true
cpu_s=$(echo "($last_cpu - $start_cpu) / $TICK" | bc -l)
wall_s=$(echo "($last_ns - $start_ns) / 1000000000" | bc -l)
commits=$($GIT rev-list --count baton/status 2>/dev/null || echo 0)

python3 - "$OUT" "$N" "$SECONDS_TO_RUN" "$cpu_s" "$wall_s" "$commits" <<'PY' | tee "$OUT/report.md"
import sys, collections
out, n, run, cpu, wall, commits = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4]), float(sys.argv[5]), int(sys.argv[6])
starts = [float(l.split("\t")[1]) for l in open(out + "/starts.tsv") if l.strip()]
rss = [(int(a), int(b)) for a, b in (l.split("\t") for l in open(out + "/rss.tsv") if l.strip())]
between = [kb for t, kb in rss if t >= 60]
rounds = run // 60
per_second, per_slice = [], []
for r in range(rounds):
    s = collections.Counter(int(t) - 60 * r for t in starts if 60 * r <= t < 60 * (r + 1))
    per_second.append([s.get(i, 0) for i in range(60)])
    per_slice.append([sum(s.get(i, 0) for i in range(k, k + 6)) for k in range(0, 60, 6)])
share = cpu / wall * 100
rss_max = max(between) / 1024 if between else float("nan")
rss_min = min(between) / 1024 if between else float("nan")
flips = 10
allowed = run // 600 + flips + 1  # one figures commit per started 10 minutes, the flips, the final flush
summary = open(out + "/run.txt").read().strip()
print("### monitor.sh: %d sites (+10 flaky), 60 s interval, %d s" % (n, run))
print()
print("| measure | value | target |")
print("|---|---|---|")
print("| checks started | %d (%.0f per round) | %d per round |" % (len(starts), len(starts) / max(1, run / 60), n + 10))
print("| CPU share of one core | %.2f%% (%.1f s CPU in %.0f s) | < 3%% %s |" % (share, cpu, wall, "PASS" if share < 3 else "MISS"))
print("| resident memory between rounds | %.1f–%.1f MB | < 150 MB %s |" % (rss_min, rss_max, "PASS" if rss_max < 150 else "MISS"))
for r in range(rounds):
    ps, sl = per_second[r], per_slice[r]
    print("| round %d starts | max %d/s, %d of 60 s with none; per 6 s slice %d–%d | spread |" % (r + 1, max(ps), ps.count(0), min(sl), max(sl)))
print("| status-branch commits | %d | ≤ %d (%d per 10 min + %d flips + final flush) %s |" % (commits, allowed, run // 600, flips, "PASS" if commits <= allowed else "MISS"))
print()
print("`%s`" % summary)
PY
{
    echo
    echo "## $(date -u +%Y-%m-%dT%H:%MZ) monitor.sh $N $SECONDS_TO_RUN — $(uname -r), $(nproc) CPUs, $(git -C "$ROOT" rev-parse --short HEAD)"
    echo
    cat "$OUT/report.md"
} >>"$BENCH_DIR/results.md"
