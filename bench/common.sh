# Sourced by the benchmarks: `. "$(dirname "$0")/common.sh" NAME N` sets BENCH_DIR, ROOT, WORK, the bench
# repository REPO (.work/NAME-N), the baton to time (BATON_BIN, or a release build made here) and GIT (git in
# REPO with a fixed identity).
set -euo pipefail
export LC_ALL=C
BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$BENCH_DIR/.." && pwd)
WORK=$BENCH_DIR/.work
REPO=$WORK/$1-$2
BATON=${BATON_BIN:-$ROOT/.build/release/baton}
GIT="git -C $REPO -c user.name=bench -c user.email=bench@example.com"
[ -n "${BATON_BIN:-}" ] || (cd "$ROOT" && swift build -c release --product baton >/dev/null)

# web1_repository: REPO made anew from bench/gen.py with N accounts, its servers the test hosts', every account on
# web1 (apply.sh, drift.sh and the daemon's benchmarks), not committed yet.
web1_repository() {
    rm -rf "$REPO"
    python3 "$BENCH_DIR/gen.py" "$N" "$REPO" >/dev/null
    rm -f "$REPO"/servers/*.yaml
    "$ROOT/scripts/testhosts" servers "$REPO/servers" >/dev/null
    sed -i -E 's/web: web[0-9]+/web: web1/' "$REPO"/accounts/*/account.yaml
}
