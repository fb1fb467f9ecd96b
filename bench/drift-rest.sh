#!/usr/bin/env bash
# bench/drift-rest.sh [N]   (default 2000)
#
# The CPU a daemon at rest spends on its drift rounds. The generated repository with N accounts (every account on
# web1, as bench/apply.sh) is applied once by `baton apply`; then `baton reconcile` follows that repository with a
# short driftInterval (DRIFT_INTERVAL seconds, default 20) and an interval of an hour, so that nothing but drift
# rounds runs, and utime + stime from /proc/PID/stat are read at the start of its drift probes, which web1's sshd
# log counts ("Accepted publickey": nothing else connects at rest). The first round (from the daemon's readiness to
# the start of the second probe: it builds the probes) and the mean of the ROUNDS (default 6) that follow, each
# from the start of one probe to the start of the next (the old loop's reconcile round before each drift round
# included), and VmRSS and RssAnon after them. Then, SAMPLES times (default 3), a one-record commit announced by a
# signed webhook 0.3 s after a probe started: the time from the webhook to the record answered by `dig` on the test
# BIND (a daemon whose drift round holds the loop, or the engine's lock, answers only once the probe ends), and the
# resources `/status` calls drifted after the round that the last run overlapped (the run changed a zone while it
# was probed: none may be).
# BEFORE_BIN=/path/to/baton measures that build the same way, on the same hosts, first. Needs root (namespaces);
# wrap it in `flock /tmp/baton-testhosts.lock`.
N=${1:-2000}
NAME=driftrest
DRIFT_INTERVAL=${DRIFT_INTERVAL:-20}
ROUNDS=${ROUNDS:-6}
SAMPLES=${SAMPLES:-3}
. "$(dirname "${BASH_SOURCE[0]}")/common.sh" "$NAME" "$N"
"$ROOT/scripts/testhosts" down >/dev/null 2>&1 || true
"$ROOT/scripts/testhosts" up >/dev/null
PID=
trap 'if [ -n "$PID" ]; then kill $PID 2>/dev/null || true; wait $PID 2>/dev/null || true; fi
    "$ROOT/scripts/testhosts" down >/dev/null 2>&1 || true' EXIT
trap 'exit 143' INT TERM
web1_repository
# The monitor would ask the machine's resolver for the generated sites (see daemon-common.sh).
rm -f "$REPO"/accounts/*/monitors.yaml
$GIT init -q -b main
$GIT add -A
$GIT commit -q -m "$NAME repository"
export BATON_SSH_KEY=/run/baton-testhosts/client_ed25519
"$BATON" apply --repo "$REPO" --yes --zone-checker builtin --timeout 3600 >"$WORK/$NAME-apply.out" 2>&1 ||
    { echo "the first apply failed: see $WORK/$NAME-apply.out" >&2; exit 1; }
SSHD_LOG=/run/baton-testhosts/hosts/web1/sshd.log
probes() { grep -c "Accepted publickey" "$SSHD_LOG" || true; }
ticks() { awk '{print $14 + $15}' "/proc/$PID/stat"; }
hz=$(getconf CLK_TCK)
# until_probe COUNT: waits until web1 accepted COUNT connections in all (a drift round's probe started).
until_probe() {
    until [ "$(probes)" -ge "$1" ]; do
        sleep 0.2
        kill -0 "$PID" || { echo "the daemon died: $WORK/$NAME-$LABEL.log" >&2; exit 1; }
    done
}
measure() { # LABEL BATON
    LABEL=$1
    rm -rf "$WORK/$NAME-$LABEL-state"
    local port
    port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
    echo "$NAME-secret" >"$WORK/$NAME-secret"
    "$2" reconcile --repo "$REPO" --state-dir "$WORK/$NAME-$LABEL-state" --listen "127.0.0.1:$port" \
        --interval 1h --drift-interval "${DRIFT_INTERVAL}s" --identity "$BATON_SSH_KEY" --log-format json \
        --webhook-secret-file "$WORK/$NAME-secret" --apply-timeout 1h 2>"$WORK/$NAME-$LABEL.log" &
    PID=$!
    until [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/readyz")" = 200 ] \
        && curl -s "http://127.0.0.1:$port/status" | grep -q '"Pending" : 0'; do
        sleep 0.5
        kill -0 "$PID" || { echo "the daemon died: $WORK/$NAME-$LABEL.log" >&2; exit 1; }
    done
    local start first after
    start=$(probes)
    first=$(ticks)
    until_probe $((start + 2))
    after=$(ticks)
    until_probe $((start + 2 + ROUNDS))
    local rest
    rest=$(ticks)
    local rss anon
    rss=$(awk '/^VmRSS/ {printf "%.0f", $2 / 1024}' "/proc/$PID/status")
    anon=$(awk '/^RssAnon/ {printf "%.0f", $2 / 1024}' "/proc/$PID/status")
    # Webhooks while a probe runs.
    local latencies=() i t0 name
    for i in $(seq 1 "$SAMPLES"); do
        until_probe $(($(probes) + 1))
        sleep 0.3
        name=$LABEL$i
        sed -i "0,/- {name: www, type: A/s//- {name: $name, type: A, value: 10.213.0.9$i}\n    - {name: www, type: A/" \
            "$REPO/accounts/a1/domains.yaml"
        $GIT commit -q -am "$NAME: $name in a1"
        local body='{"ref": "refs/heads/main"}' sig
        sig=$(printf '%s' "$body" | openssl dgst -sha256 -hmac "$NAME-secret" | awk '{print $NF}')
        t0=$(date +%s.%N)
        curl -s -o /dev/null -X POST -H "X-GitHub-Event: push" -H "X-Hub-Signature-256: sha256=$sig" \
            --data-binary "$body" "http://127.0.0.1:$port/hooks/github"
        until [ -n "$(dig +short +time=1 +tries=1 @10.213.0.12 "$name.a1.example" A)" ]; do sleep 0.05; done
        latencies+=("$(printf '%.2f' "$(echo "$(date +%s.%N) - $t0" | bc)")")
    done
    # What the round probed during the last run found (it has ended when the next one starts).
    until_probe $(($(probes) + 1))
    local drifted
    drifted=$(curl -s "http://127.0.0.1:$port/status" | python3 -c \
        'import json, sys; print(sum(len(v) for v in json.load(sys.stdin).get("drifted", {}).values()))')
    kill "$PID"
    wait "$PID" 2>/dev/null || true
    PID=
    printf '| %d | %s | %.2f | %.2f | %s (%s) | %s | %s |\n' "$N" "$LABEL" "$(echo "($after - $first) / $hz" | bc -l)" \
        "$(echo "($rest - $after) / $hz / $ROUNDS" | bc -l)" "$rss" "$anon" "${latencies[*]}" "$drifted"
}
echo "| N | build | first drift round, CPU s | each round after it, CPU s (mean of $ROUNDS) | RSS after them MB (anonymous) | webhook during a probe to dig, s | drifted at the end |"
echo "|---:|---|---:|---:|---:|---|---:|"
if [ -n "${BEFORE_BIN:-}" ]; then measure before "$BEFORE_BIN"; fi
measure after "$BATON"
