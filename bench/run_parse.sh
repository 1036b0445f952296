#!/usr/bin/env bash
# Feed parsing benchmark: generates >= 50 MB of feeds into the build directory, then measures
# newsalertd's parser and Python's feedparser on the same files (one core each) and prints the ratio.
# Usage: bench/run_parse.sh [BUILD_DIR] [MEGABYTES]
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="${1:-$root/build}"
megabytes="${2:-64}"
python=/usr/bin/python3; [ -x "$python" ] || python=python3
corpus="$build/bench/feeds-${megabytes}mb"

[ -f "$build/build.ninja" ] || cmake -S "$root" -B "$build" -G Ninja
ninja -C "$build" -j1 bench/parse_bench
[ -d "$corpus" ] || "$python" "$root/bench/generate_feeds.py" "$corpus" --megabytes "$megabytes"

# One core each (taskset when available); both report CPU time, so neighbours on a shared machine
# slow both sides alike instead of skewing the ratio.
pin=(); command -v taskset >/dev/null && pin=(taskset -c 0)
all=$("${pin[@]}" "$build/bench/parse_bench" "$corpus" 3)
echo "$all"
ours=$(grep ' xml ' <<<"$all")
theirs=$("${pin[@]}" "$python" "$root/bench/feedparser_bench.py" "$corpus/xml")
echo "$theirs"
mbs() { sed -n 's/.*MB\/s=\([0-9.]*\).*/\1/p' <<<"$1"; }
"$python" - "$(mbs "$ours")" "$(mbs "$theirs")" <<'PY'
import sys
ours, theirs = float(sys.argv[1]), float(sys.argv[2])
ratio = ours / theirs
print("ratio       newsalertd/feedparser MB/s on xml/ = %.0fx  (floor 100x: %s)" % (ratio, "met" if ratio >= 100 else "NOT met"))
PY
