#!/usr/bin/env bash
# bench/run.sh [N...]   (default: 1000 10000)
#
# The main table measures loading and the rules (--zone-checker none); a second
# table adds the zone checks, per checker.
#
# Measures `baton validate` on synthetic repositories of N accounts against
# the parse-only floor (libyaml's event parser over the same files), and
# prints a markdown table on stdout; the same table is appended, with the
# date, kernel and CPU count, to bench/results.md.  See bench/README.md.
#
# Environment:
#   BATON_BIN=PATH   measure this baton binary and skip `swift build`
#   BENCH_SEED=S     seed for gen.py (default 1)
#   BENCH_RESULTS=F  append to F instead of bench/results.md
#
# Targets (per row, reported as PASS/MISS, never fatal): validate wall time
# <= 3.0 x the floor's, and validate peak RSS <= 300 MB; and (issue 12) the
# default validate with the built-in zone checker <= 2.0 x the floor, shown
# both as a wall-clock ratio (validate uses every core, the floor one) and as
# a CPU ratio (user + sys of each).
set -euo pipefail
export LC_ALL=C

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$BENCH_DIR/.." && pwd)
WORK=$BENCH_DIR/.work
SEED=${BENCH_SEED:-1}
MAX_RATIO=3.0
MAX_RSS_MB=300
MAX_BUILTIN_RATIO=2.0

say() { printf '%s\n' "bench: $*" >&2; }
warn() { printf '%s\n' "bench: WARNING: $*" >&2; }
die() { printf '%s\n' "bench: error: $*" >&2; exit 1; }

if [ $# -eq 0 ]; then set -- 1000 10000; fi
for n in "$@"; do
    [[ $n =~ ^[1-9][0-9]*$ ]] || die "N must be a positive integer, got '$n'"
done

as_root() {
    if [ "$(id -u)" -eq 0 ]; then "$@"
    elif command -v sudo >/dev/null; then sudo "$@"
    else die "need root to run: $*"
    fi
}

# --- tools ---------------------------------------------------------------
if [ ! -x /usr/bin/time ]; then
    say "installing GNU time (/usr/bin/time is missing)"
    as_root apt-get install -y time >&2
fi
if ! echo '#include <yaml.h>' | gcc -E -x c - >/dev/null 2>&1; then
    say "installing libyaml-dev (yaml.h is missing)"
    as_root apt-get install -y libyaml-dev >&2
fi
command -v python3 >/dev/null || die "python3 is needed for bench/gen.py"

mkdir -p "$WORK"

# --- builds --------------------------------------------------------------
FLOOR=$WORK/parse-floor
say "building $FLOOR"
gcc -O2 -Wall -o "$FLOOR" "$BENCH_DIR/parse-floor.c" -lyaml

if [ -n "${BATON_BIN:-}" ]; then
    BATON=$BATON_BIN
    say "using BATON_BIN=$BATON (no swift build)"
else
    say "building baton (swift build -c release --product baton)"
    (cd "$ROOT" && swift build -c release --product baton >&2)
    BATON=$ROOT/.build/release/baton
fi
[ -x "$BATON" ] || die "no baton binary at $BATON"

# --- repositories --------------------------------------------------------
GEN_SUM=$(sha256sum "$BENCH_DIR/gen.py" | cut -d' ' -f1)

ensure_repo() { # N -> bench/.work/repo-N, regenerated when gen.py/N/seed changed
    local n=$1 repo=$WORK/repo-$1 stamp=$WORK/repo-$1.stamp
    local want="gen.py sha256=$GEN_SUM n=$n seed=$SEED"
    if [ -d "$repo" ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
        say "reusing $repo"
        return
    fi
    say "generating $repo (N=$n, seed $SEED)"
    rm -rf "$repo" "$repo.tmp" "$stamp"
    python3 "$BENCH_DIR/gen.py" "$n" "$repo.tmp" --seed "$SEED"
    mv "$repo.tmp" "$repo"
    printf '%s\n' "$want" >"$stamp"
}

# --- measuring -----------------------------------------------------------
now() { # seconds with microseconds
    if [ -n "${EPOCHREALTIME:-}" ]; then printf '%s\n' "$EPOCHREALTIME"; else date +%s.%N; fi
}

# measure OUT CMD...: runs CMD under /usr/bin/time -f '%e %M %U %S', stdout to
# OUT, stderr to $WORK/last.err; sets M_RC (exit code), M_WALL (seconds, from a
# microsecond clock, as %e only has 10 ms steps), M_RSS (peak RSS in KB) and
# M_CPU (user + sys seconds).
measure() {
    local out=$1; shift
    local tf=$WORK/time.out t0 t1 e
    t0=$(now)
    set +e
    /usr/bin/time -f '%e %M %U %S' -o "$tf" "$@" >"$out" 2>"$WORK/last.err"
    M_RC=$?
    set -e
    t1=$(now)
    # GNU time puts "Command exited with non-zero status N" before the format line.
    M_RSS=0
    local user=0 sys=0
    read -r e M_RSS user sys < <(tail -n 1 "$tf") || true
    M_WALL=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }')
    M_CPU=$(awk -v u="$user" -v s="$sys" 'BEGIN { printf "%.2f", u + s }')
}

# best_validate REPO CHECKER: `validate --format json --zone-checker CHECKER` twice; sets B_WALL, B_RSS and
# B_CPU from the faster run, and B_RC to the last non-zero exit status (0 when both exited 0).
best_validate() {
    B_WALL='' B_RSS='' B_CPU='' B_RC=0
    for _run in 1 2; do
        measure /dev/null "$BATON" validate "$1" --format json --zone-checker "$2"
        if [ "$M_RC" -ne 0 ]; then B_RC=$M_RC; fi
        if [ -z "$B_WALL" ] || awk -v a="$M_WALL" -v b="$B_WALL" 'BEGIN { exit !(a < b) }'; then
            B_WALL=$M_WALL B_RSS=$M_RSS B_CPU=$M_CPU
        fi
    done
}

mb() { awk -v k="$1" 'BEGIN { printf "%.1f", k / 1024 }'; }

ROWS=()
ZROWS=()
BROWS=()
for n in "$@"; do
    ensure_repo "$n"
    repo=$WORK/repo-$n
    rel=${repo#"$ROOT"/}

    say "N=$n: parse floor (2 runs, keeping the second)"
    measure "$WORK/floor-$n.out" "$FLOOR" "$repo"
    measure "$WORK/floor-$n.out" "$FLOOR" "$repo"
    floor_wall=$M_WALL floor_rss=$M_RSS floor_cpu=$M_CPU
    read -r _ files _ docs _ events _ bytes _ perr <"$WORK/floor-$n.out" || true
    if [ "$M_RC" -ne 0 ] || [ "${perr:-1}" != 0 ]; then
        warn "N=$n: the parse floor counted ${perr:-?} error(s) (exit $M_RC): $(head -n 3 "$WORK/last.err")"
    fi

    say "N=$n: baton validate $rel --format json (2 runs, keeping the faster)"
    best_validate "$repo" none
    best_wall=$B_WALL best_rss=$B_RSS vrc=$B_RC
    if [ "$vrc" -ne 0 ]; then
        warn "N=$n: baton validate exited $vrc, expected 0 (the generated repository should be valid)"
        warn "first diagnostics:"
        (cd "$ROOT" && "$BATON" validate "$repo" --format text 2>&1 | head -n 20 >&2) || true
    fi

    ratio=$(awk -v v="$best_wall" -v f="$floor_wall" 'BEGIN { if (f > 0) printf "%.2f", v / f; else print "n/a" }')
    vmb=$(mb "$best_rss")
    if [ "$vrc" -ne 0 ]; then
        verdict="MISS (exit $vrc)"
    elif awk -v r="$ratio" -v m="$vmb" -v R="$MAX_RATIO" -v M="$MAX_RSS_MB" \
            'BEGIN { exit !(r != "n/a" && r + 0 <= R + 0 && m + 0 <= M + 0) }'; then
        verdict=PASS
    else
        verdict=MISS
    fi
    # Issue 12's target: the default validate with the built-in checker (the cache is not used for it), best of
    # two runs by wall time, against the floor by wall time and by CPU time.
    say "N=$n: baton validate --zone-checker builtin (2 runs, keeping the faster)"
    rm -rf "$repo/.baton"
    best_validate "$repo" builtin
    b_wall=$B_WALL b_cpu=$B_CPU b_rc=$B_RC
    b_ratio=$(awk -v v="$b_wall" -v f="$floor_wall" 'BEGIN { if (f > 0) printf "%.2f", v / f; else print "n/a" }')
    b_cratio=$(awk -v v="$b_cpu" -v f="$floor_cpu" 'BEGIN { if (f > 0) printf "%.2f", v / f; else print "n/a" }')
    b_verdict=$(awk -v w="$b_ratio" -v c="$b_cratio" -v R="$MAX_BUILTIN_RATIO" -v rc="$b_rc" 'BEGIN {
        if (rc != 0) { printf "MISS (exit %s)", rc; exit }
        printf "wall %s, CPU %s", (w != "n/a" && w + 0 <= R + 0) ? "PASS" : "MISS", (c != "n/a" && c + 0 <= R + 0) ? "PASS" : "MISS" }')
    BROWS+=("| $n | $floor_wall | $floor_cpu | $b_wall | $b_cpu | ${b_ratio}× | ${b_cratio}× | $b_verdict |")

    # Zone checks on top: each checker from a cold cache, and named-checkzone again with a warm one.
    for checker in builtin named-checkzone; do
        rm -rf "$repo/.baton"
        say "N=$n: baton validate --zone-checker $checker --no-cache"
        measure /dev/null "$BATON" validate "$repo" --format json --zone-checker "$checker" --no-cache
        ZROWS+=("| $n | $checker | cold | $M_WALL | $(mb "$M_RSS") | $M_RC |")
    done
    rm -rf "$repo/.baton"
    "$BATON" validate "$repo" --zone-checker named-checkzone >/dev/null 2>&1 || true
    measure /dev/null "$BATON" validate "$repo" --format json --zone-checker named-checkzone
    ZROWS+=("| $n | named-checkzone | warm (cached) | $M_WALL | $(mb "$M_RSS") | $M_RC |")
    rm -rf "$repo/.baton"

    ROWS+=("| $n | $files | $docs | $(awk -v b="$bytes" 'BEGIN { printf "%.1f", b / 1048576 }') \
| $floor_wall | $(mb "$floor_rss") | $best_wall | $vmb | ${ratio}× | $verdict |")
done

# --- report --------------------------------------------------------------
rev=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo "no commit")
if [ -n "$(git -C "$ROOT" status --porcelain -- Sources Package.swift 2>/dev/null)" ]; then rev="$rev+dirty"; fi
header="## $(date -u '+%Y-%m-%d %H:%M UTC') — Linux $(uname -r), $(nproc) CPUs, baton $rev, seed $SEED"
table=$(
    echo "| N | files | docs | YAML MB | floor s | floor MB | validate s | validate MB | validate/floor | target (≤ ${MAX_RATIO}×, ≤ ${MAX_RSS_MB} MB) |"
    echo "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|"
    printf '%s\n' "${ROWS[@]}"
    echo
    echo "Default validate with the built-in zone checker against the floor (seconds; CPU is user + sys):"
    echo
    echo "| N | floor wall | floor CPU | validate wall | validate CPU | wall ratio | CPU ratio | target (≤ ${MAX_BUILTIN_RATIO}×) |"
    echo "|---:|---:|---:|---:|---:|---:|---:|---|"
    printf '%s\n' "${BROWS[@]}"
    echo
    echo "Zone checks (validate with the checker, whole run):"
    echo
    echo "| N | checker | cache | validate s | validate MB | exit |"
    echo "|---:|---|---|---:|---:|---:|"
    printf '%s\n' "${ZROWS[@]}"
)
printf '%s\n' "$table"

RESULTS=${BENCH_RESULTS:-$BENCH_DIR/results.md}
if [ ! -f "$RESULTS" ]; then
    printf '%s\n\n%s\n' "# Benchmark results" \
        "Appended by \`bench/run.sh\`; wall seconds and peak RSS, see README.md." >"$RESULTS"
fi
printf '\n%s\n\n%s\n' "$header" "$table" >>"$RESULTS"
say "appended to ${RESULTS#"$ROOT"/}"
