#!/usr/bin/env bash
# bench/plan.sh [N]   (default 10000)
#
# `baton plan` on the generated repository of N accounts (bench/gen.py, committed into git) against a status
# branch that holds the same state (recorded with `baton adopt`), and against one that differs in 1% of the
# resources (bench/plan-change.py changes them in a commit of its own), side by side with `baton validate
# --rev` of the same revision. All runs use --zone-checker none: the zone checkers are measured by run.sh.
#
# Targets (issue 4), reported as PASS/MISS:
#   plan within 1.5x of validate, under 400 MB peak; the 1% plan lists exactly the changed resources;
#   a re-plan after a one-file commit, in a process that planned the commit before (a plan session), < 300 ms.
N=${1:-10000}
. "$(dirname "${BASH_SOURCE[0]}")/common.sh" plan "$N"
mkdir -p "$WORK"
if [ ! -d "$REPO/.git" ]; then
    rm -rf "$REPO"
    python3 "$BENCH_DIR/gen.py" "$N" "$REPO"
    $GIT init -q -b main
    $GIT add -A
    $GIT commit -q -m "bench repository"
    "$BATON" adopt --repo "$REPO" --zone-checker none >/dev/null
    # One percent changed, on a branch of its own.
    $GIT checkout -q -b one-percent
    python3 "$BENCH_DIR/plan-change.py" "$REPO" "$N" >"$WORK/plan-$N.expected"
    $GIT commit -q -am "one percent"
    # One file changed after that: the re-plan case.
    $GIT checkout -q -b one-file
    sed -i 's/v=spf1 mx -all/v=spf1 mx ?all/' "$REPO/accounts/a1/domains.yaml"
    $GIT commit -q -am "one file"
    $GIT checkout -q main
    $GIT gc -q
fi
# The status branch holds main as this baton hashes it: a Baton whose recipe changed since it was adopted sees
# every resource as changed, so main is adopted again then.
"$BATON" plan --repo "$REPO" --rev main --zone-checker none >/dev/null 2>&1 ||
    "$BATON" adopt --repo "$REPO" --rev main --zone-checker none >/dev/null
median() { sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
# Five runs of a command; prints "median-seconds max-peak-KB".
measure() {
    for _ in 1 2 3 4 5; do
        /usr/bin/time -f '%e %M' -o "$WORK/plan.time" "$@" >/dev/null 2>&1 || true
        tail -1 "$WORK/plan.time"
    done | awk '{ print $1, $2 }' | sort -n | awk '{ t[NR] = $1; if ($2 > m) m = $2 } END { print t[3], m }'
}
read -r v_s v_kb < <(measure "$BATON" validate "$REPO" --rev main --zone-checker none)
read -r p_s p_kb < <(measure "$BATON" plan --repo "$REPO" --rev main --zone-checker none)
read -r c_s c_kb < <(measure "$BATON" plan --repo "$REPO" --rev one-percent --zone-checker none)
"$BATON" plan --repo "$REPO" --rev main --zone-checker none >/dev/null && nochange=0 || nochange=$?
"$BATON" plan --repo "$REPO" --rev one-percent --zone-checker none --format json >"$WORK/plan-$N.json" || true
python3 - "$WORK/plan-$N.json" >"$WORK/plan-$N.listed" <<'PY'
import json, sys
plan = json.load(open(sys.argv[1]))
print("\n".join(sorted(f"{c['action']} {c['kind']}/{c['name']}" for c in plan["changes"])))
PY
if cmp -s "$WORK/plan-$N.expected" "$WORK/plan-$N.listed"; then exact=PASS; else exact=MISS; fi
listed=$(grep -c . "$WORK/plan-$N.listed" || true)
replan=$("$BATON" plan --repo "$REPO" --rev one-file --warm-from one-percent --zone-checker none 2>&1 >/dev/null |
    sed -n 's/^re-plan: \([0-9]*\) ms.*/\1/p' || true)
awk -v n="$N" -v vs="$v_s" -v vk="$v_kb" -v ps="$p_s" -v pk="$p_kb" -v cs="$c_s" -v ck="$c_kb" -v nc="$nochange" \
    -v exact="$exact" -v listed="$listed" -v replan="$replan" 'BEGIN {
    printf "| N | validate s | validate MB | plan (no change) s | MB | exit | plan (1%%) s | MB | changes listed | exact | plan/validate | re-plan ms | target |\n"
    printf "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|---:|---|\n"
    r = (cs > ps ? cs : ps) / vs
    mb = (ck > pk ? ck : pk) / 1024
    ok = (r <= 1.5 && mb < 400 && exact == "PASS" && nc == 0 && replan < 300) ? "PASS" : "MISS"
    printf "| %d | %.2f | %.0f | %.2f | %.0f | %d | %.2f | %.0f | %d | %s | %.2fx | %d | %s |\n",
        n, vs, vk / 1024, ps, pk / 1024, nc, cs, ck / 1024, listed, exact, r, replan, ok
}'
