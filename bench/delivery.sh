#!/usr/bin/env bash
# bench/delivery.sh [RUNS]: what a hosting team downloads and waits for (issue 14, docs/install.md).
#   * sizes: the release binary as built and stripped (as the .deb ships it), the .deb, the image's OCI archive and
#     its unpacked layer (scripts/package's output in .build-package, when it is there);
#   * `baton version` start time, median of RUNS (default 20) runs each, of the release binary (Swift runtime and
#     Foundation linked statically) against the same objects linked against the toolchain's shared libraries. The
#     dynamic one is relinked here from the release build's own link command (.build/release.yaml) without the
#     static flags: same code, only the linking differs. Runs alternate, so load from elsewhere hits both alike.
# BATON_BIN: time this binary as the static one (default .build/release/baton, built if missing).
# Appends its table to results.md (BENCH_RESULTS to change).
set -euo pipefail
export LC_ALL=C
BENCH_DIR=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$BENCH_DIR/.." && pwd)
WORK=$BENCH_DIR/.work
RUNS=${1:-20}
RESULTS=${BENCH_RESULTS:-$BENCH_DIR/results.md}
PKG=${PACKAGE_OUT:-$ROOT/.build-package}
mkdir -p "$WORK"
[ -n "${BATON_BIN:-}" ] || (cd "$ROOT" && swift build -c release --product baton 2>&1 | tail -n 1 >&2)
STATIC=${BATON_BIN:-$ROOT/.build/release/baton}
DYNAMIC=$WORK/baton-dynamic

# The release link command, from SwiftPM's build manifest, minus what Package.swift adds for static linking.
/usr/bin/python3 - "$ROOT/.build/release.yaml" "$DYNAMIC" <<'EOF'
import json, re, subprocess, sys
text = open(sys.argv[1]).read()
m = re.search(r'"C\.baton-[^"]*-release\.exe":\n(?:    .*\n)*?    args: (\[.*\])\n', text)
if not m:
    sys.exit("no link command for baton in " + sys.argv[1])
args = json.loads(m.group(1))
args[args.index("-o") + 1] = sys.argv[2]
out, i = [], 0
while i < len(args):
    a = args[i]
    if a == "-static-stdlib":
        i += 1; continue
    if a == "-Xlinker" and args[i + 1] == "-z" and args[i + 3] == "now":
        i += 4; continue  # bind-now: a plain dynamic build binds lazily
    if a == "-Xlinker" and args[i + 1] == "--start-group":
        i = args.index("--end-group", i) + 1; continue  # the static Foundation group
    out.append(a); i += 1
sys.exit(subprocess.run(out, stderr=subprocess.DEVNULL).returncode)
EOF

needed() { readelf -d "$1" | grep -c NEEDED; }
size_mb() { awk -v b="$(stat -c %s "$1")" 'BEGIN { printf "%.1f", b / 1048576 }'; }
strip -o "$WORK/baton-stripped" --strip-unneeded "$STATIC"

median_ms() { sort -n | awk '{ a[NR] = $1 } END { m = (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2; printf "%.1f", m }'; }
elapsed_ms() { # CMD...: one run's wall time in ms
  local t0=$EPOCHREALTIME
  "$@" > /dev/null
  awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.3f\n", (b - a) * 1000 }'
}
for b in "$STATIC" "$DYNAMIC"; do for _ in 1 2 3; do "$b" version > /dev/null; done; done   # warm the page cache
: > "$WORK/static.ms"; : > "$WORK/dynamic.ms"
for ((i = 0; i < RUNS; i++)); do
  elapsed_ms "$STATIC" version >> "$WORK/static.ms"
  elapsed_ms "$DYNAMIC" version >> "$WORK/dynamic.ms"
done
static_ms=$(median_ms < "$WORK/static.ms")
dynamic_ms=$(median_ms < "$WORK/dynamic.ms")

deb=$(ls "$PKG"/baton_*.deb 2>/dev/null | head -n 1 || true)
image=$(ls "$PKG"/baton_*.oci.tar 2>/dev/null | head -n 1 || true)
unpacked=
if [ -n "$image" ]; then
  rm -rf "$WORK/oci" && mkdir -p "$WORK/oci" && tar -C "$WORK/oci" -xf "$image"
  unpacked=$(/usr/bin/python3 - "$WORK/oci" <<'EOF'
import gzip, json, os, sys
d = sys.argv[1]
blob = lambda digest: f"{d}/blobs/{digest.replace(':', '/')}"
index = json.load(open(f"{d}/index.json"))
manifest = json.load(open(blob(index["manifests"][0]["digest"])))
total = 0
for layer in manifest["layers"]:
    with (gzip.open if "gzip" in layer["mediaType"] or "tar.gzip" in layer["mediaType"] else open)(blob(layer["digest"]), "rb") as f:
        while chunk := f.read(1 << 20):
            total += len(chunk)
print(f"{total / 1048576:.1f}")
EOF
)
  rm -rf "$WORK/oci"
fi

table=$(cat <<EOF

### Delivery ($(date -u +%Y-%m-%d), $(uname -r), $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg), Baton $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo '?'))

| what | size | shared libraries (NEEDED) | \`baton version\`, median of $RUNS |
|---|---:|---:|---:|
| release binary, Swift runtime and Foundation static | $(size_mb "$STATIC") MB | $(needed "$STATIC") | $static_ms ms |
| the same, stripped (what the .deb ships) | $(size_mb "$WORK/baton-stripped") MB | | |
| the same objects linked dynamically | $(size_mb "$DYNAMIC") MB | $(needed "$DYNAMIC") | $dynamic_ms ms |
| \`.deb\` ($(basename "${deb:-none}")) | ${deb:+$(size_mb "$deb") MB} | | |
| image OCI archive ($(basename "${image:-none}")) | ${image:+$(size_mb "$image") MB} | | |
| image unpacked | ${unpacked:+$unpacked MB} | | |
EOF
)
echo "$table"
echo "$table" >> "$RESULTS"
