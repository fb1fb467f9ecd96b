#!/usr/bin/env bash
# bench/revision.sh [N]   (default 10000)
#
# Loading a revision from git's object database against loading the same files from disk:
# `baton validate REPO --rev HEAD` versus `baton validate REPO`, both with --zone-checker none.
# Target (issue 4): reading from git costs at most 20% more. Reuses bench/.work/repo-N from run.sh,
# committing it once into a repository of its own.
set -euo pipefail
BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$BENCH_DIR/.." && pwd)
N=${1:-10000}
REPO=$BENCH_DIR/.work/repo-$N
BATON=${BATON_BIN:-$ROOT/.build/release/baton}
[ -d "$REPO" ] || "$BENCH_DIR/run.sh" "$N" >/dev/null
[ -n "${BATON_BIN:-}" ] || (cd "$ROOT" && swift build -c release --product baton >/dev/null)
if [ ! -d "$REPO/.git" ]; then
    git -C "$REPO" init -q
    git -C "$REPO" add -A
    git -C "$REPO" -c user.name=bench -c user.email=bench@example.com commit -q -m "bench repository"
    # Packed, as a clone or a fetched repository is; loose objects cost an open and an inflate each.
    git -C "$REPO" gc -q
fi
median() { sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
run() {
    for _ in 1 2 3 4 5; do
        /usr/bin/time -f '%e %M' -o "$BENCH_DIR/.work/rev.time" "$BATON" validate "$REPO" "$@" --zone-checker none >/dev/null
        cat "$BENCH_DIR/.work/rev.time"
    done
}
disk=$(run | awk '{ print $1 }' | median)
git=$(run --rev HEAD | awk '{ print $1 }' | median)
awk -v d="$disk" -v g="$git" -v n="$N" 'BEGIN {
    r = g / d
    printf "| %d | %.2f s | %.2f s | %+.0f%% | %s |\n", n, d, g, (r - 1) * 100, (r <= 1.2 ? "PASS" : "MISS")
}'
