#!/usr/bin/env bash
# bench/zone-scale.sh   How the built-in zone checker's time grows with the records of one owner and of a zone.
#
# For each size: `baton check-zone --checker builtin` and `named-checkzone -i local` on the same zone file, and
# (zones at 1,000 owners) `baton validate --zone-checker builtin` on a repository whose one Domain holds the same
# records. Best of three runs, wall time; the last column is microseconds per record, which stays flat (or grows
# like log n) when the time grows no faster than n log n. Prints a markdown table and appends it to
# bench/results.md. See bench/README.md.
#
# Environment: BATON_BIN=PATH (no swift build), BENCH_RESULTS=FILE, ZONE_SIZES / OWNER_SIZES (space-separated).
#
# Targets (reported, never fatal): 200,000 records at 1,000 owners check-zone and validate in under 2 s; 8,000 A
# records at one owner in under 0.2 s; 40,000 at one owner refused in under 0.5 s.
set -euo pipefail
export LC_ALL=C
BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$BENCH_DIR/.." && pwd)
WORK=$BENCH_DIR/.work/zone-scale
mkdir -p "$WORK"
if [ -z "${BATON_BIN:-}" ]; then (cd "$ROOT" && swift build -c release --product baton >&2); fi
BATON=${BATON_BIN:-$ROOT/.build/release/baton}
NAMED=$(command -v named-checkzone || echo /usr/bin/named-checkzone)
OWNER_SIZES=${OWNER_SIZES:-"1000 2000 4000 8000 10918 10919 16000 40000"}
ZONE_SIZES=${ZONE_SIZES:-"25000 50000 100000 200000"}

best() { # command... -> best wall seconds of three runs, and the last exit status
    local best="" status=0 start end t
    for _ in 1 2 3; do
        start=$EPOCHREALTIME
        set +e; "$@" >/dev/null 2>&1; status=$?; set -e
        end=$EPOCHREALTIME
        t=$(echo "$end - $start" | bc -l)
        if [ -z "$best" ] || [ "$(echo "$t < $best" | bc -l)" = 1 ]; then best=$t; fi
    done
    printf '%.3f %d\n' "$best" "$status"
}
verdict() { [ "$1" = 0 ] && echo loads || echo refused; }
per() { printf '%.2f' "$(echo "$1 * 1000000 / $2" | bc -l)"; }

table="| records | owners | builtin check-zone | named-checkzone | builtin validate | verdict | µs/record (check-zone) |
|---:|---:|---:|---:|---:|---|---:|"
for n in $OWNER_SIZES; do
    zone=$WORK/one-$n.zone
    [ -f "$zone" ] || python3 "$BENCH_DIR/zone-gen.py" zone "$n" 1 > "$zone"
    read -r ours status < <(best "$BATON" check-zone "$zone" --origin example --checker builtin)
    read -r bind _ < <(best "$NAMED" -i local example "$zone")
    table+=$'\n'"| $n | 1 | $ours s | $bind s | | $(verdict "$status") | $(per "$ours" "$n") |"
done
for n in $ZONE_SIZES; do
    zone=$WORK/zone-$n.zone repo=$WORK/repo-$n
    [ -f "$zone" ] || python3 "$BENCH_DIR/zone-gen.py" zone "$n" 1000 > "$zone"
    [ -d "$repo" ] || python3 "$BENCH_DIR/zone-gen.py" repo "$n" 1000 "$repo"
    read -r ours status < <(best "$BATON" check-zone "$zone" --origin example --checker builtin)
    read -r bind _ < <(best "$NAMED" -i local example "$zone")
    read -r validate vstatus < <(best "$BATON" validate "$repo" --zone-checker builtin)
    table+=$'\n'"| $n | 1000 | $ours s | $bind s | $validate s (exit $vstatus) | $(verdict "$status") | $(per "$ours" "$n") |"
done
printf '%s\n' "$table"
{
    printf '\n## zone-scale %s, %s, %s CPUs, baton %s\n\n' "$(date -u +%Y-%m-%dT%H:%MZ)" "$(uname -r)" "$(nproc)" \
        "$(cd "$ROOT" && git rev-parse --short HEAD 2>/dev/null || echo unknown)"
    printf '%s\n' "$table"
} >> "${BENCH_RESULTS:-$BENCH_DIR/results.md}"
