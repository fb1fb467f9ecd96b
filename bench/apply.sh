#!/usr/bin/env bash
# bench/apply.sh [N]   (default 200)
#
# `baton apply` of the generated repository with N accounts (bench/gen.py) to the project's test hosts
# (scripts/testhosts: every account on web1, zones on ns1 and ns2): the first apply, a no-change apply, and an
# apply after changing 10% of the zones. Wall seconds and peak RSS from /usr/bin/time. Needs root (namespaces).
# Side by side: ../shared/bench/peers (Ansible doing the same kind of work on one host); see bench/README.md.
# COUNT_PROCESSES=1: the first apply only, under `strace -f` attached to each test host's sshd, and the processes
# each server started (forks and clones that are not threads); strace slows it, so its time is not a figure.
N=${1:-200}
. "$(dirname "${BASH_SOURCE[0]}")/common.sh" apply "$N"
"$ROOT/scripts/testhosts" down >/dev/null 2>&1 || true
"$ROOT/scripts/testhosts" up >/dev/null
# One web host: every account on web1.
web1_repository
$GIT init -q -b main
$GIT add -A
$GIT commit -q -m "bench repository"
export BATON_SSH_KEY=/run/baton-testhosts/client_ed25519
measure() { # LABEL: wall seconds and peak MB of one apply
    local status=0
    /usr/bin/time -f '%e %M' -o "$WORK/apply.time" "$BATON" apply --repo "$REPO" --yes --zone-checker builtin \
        >"$WORK/apply-$1.out" 2>&1 || status=$?
    read -r s kb < <(tail -1 "$WORK/apply.time")
    printf '| %d | %s | %.2f | %.0f | %d | %s | %s | %s |\n' "$N" "$1" "$s" "$((kb / 1024))" "$status" \
        "$(grep -E '^(web1|ns1|ns2):' "$WORK/apply-$1.out" | tr '\n' ' ')" \
        "$(! grep -q '^Run .* recorded' "$WORK/apply-$1.out" ||
            "$BATON" logs --repo "$REPO" 2>/dev/null | sed -n 's/^=== \(.*\) (\(.*\) s)$/\1 \2/p' | tr '\n' ' ')" \
        "$(cut -d' ' -f1-3 /proc/loadavg)"
}
if [ -n "${COUNT_PROCESSES:-}" ]; then
    pids=()
    for h in web1 ns1 ns2; do
        strace -f -qq -e trace=fork,vfork,clone,clone3 -o "$WORK/procs-$h.txt" \
            -p "$(cat "/run/baton-testhosts/hosts/$h/sshd.pid")" &
        pids+=($!)
    done
    sleep 2
    "$BATON" apply --repo "$REPO" --yes --zone-checker builtin >"$WORK/apply-procs.out" 2>&1 || true
    sleep 2
    kill -INT "${pids[@]}" 2>/dev/null || true
    wait "${pids[@]}" 2>/dev/null || true
    for h in web1 ns1 ns2; do
        printf '%s: %s processes\n' "$h" \
            "$(grep -E '(fork|clone3?)(\(| resumed>).*= [1-9][0-9]*$' "$WORK/procs-$h.txt" | grep -cv CLONE_THREAD)"
    done
    "$ROOT/scripts/testhosts" down >/dev/null
    exit 0
fi
echo "| N | apply | wall s | peak MB | exit | per server | seconds per server (run log) | load |"
echo "|---:|---|---:|---:|---:|---|---|---|"
measure first
measure no-change
# 10% of the zones: one record each in every 10th account's first zone.
for i in $(seq 10 10 "$N"); do sed -i '0,/v=spf1 mx -all/s//v=spf1 mx ~all/' "$REPO/accounts/a$i/domains.yaml"; done
$GIT commit -q -am "10% of zones"
measure ten-percent-zones
"$ROOT/scripts/testhosts" down >/dev/null
