#!/usr/bin/env bash
# bench/drift.sh [N]   (default 1000)
#
# `baton drift` after a first `baton apply` of the generated repository with N accounts (bench/gen.py) to the
# project's test hosts (every account on web1, zones on ns1 and ns2, as bench/apply.sh): nothing changed on the
# servers, so every probe must say "no drift". Wall seconds and peak RSS of each probe from /usr/bin/time, and
# the checks per server. BEFORE_BIN=/path/to/baton also times that build's probe on the same hosts (the figures
# in bench/README.md compare the probe of a process per fact with the batched one). Needs root (namespaces).
N=${1:-1000}
. "$(dirname "${BASH_SOURCE[0]}")/common.sh" drift "$N"
"$ROOT/scripts/testhosts" down >/dev/null 2>&1 || true
"$ROOT/scripts/testhosts" up >/dev/null
trap '"$ROOT/scripts/testhosts" down >/dev/null 2>&1 || true' EXIT
web1_repository
$GIT init -q -b main
$GIT add -A
$GIT commit -q -m "bench repository"
export BATON_SSH_KEY=/run/baton-testhosts/client_ed25519
"$BATON" apply --repo "$REPO" --yes --zone-checker builtin --timeout 3600 >"$WORK/drift-apply.out" 2>&1 ||
    { echo "the first apply failed: see $WORK/drift-apply.out" >&2; exit 1; }
measure() { # LABEL BATON: wall seconds and peak MB of one drift probe
    local status=0
    /usr/bin/time -f '%e %M' -o "$WORK/drift.time" "$2" drift --repo "$REPO" ${3:+--timeout "$3"} \
        >"$WORK/drift-$1.out" 2>&1 || status=$?
    read -r s kb < <(tail -1 "$WORK/drift.time")
    printf '| %d | %s | %.2f | %.0f | %d | %s |\n' "$N" "$1" "$s" "$((kb / 1024))" "$status" \
        "$(grep -E '^(web1|ns1|ns2):' "$WORK/drift-$1.out" | tr '\n' ' ')"
}
echo "| N | probe | wall s | peak MB | exit | per server |"
echo "|---:|---|---:|---:|---:|---|"
measure batched "$BATON" 1h
measure batched-again "$BATON" 1h
if [ -n "${BEFORE_BIN:-}" ]; then measure "process per fact" "$BEFORE_BIN"; fi
