#!/usr/bin/env bash
# Article extraction benchmark: Mozilla Readability's test pages (bench/data), token-level F1 against each
# page's expected text for newsalert's extract_article, the whole page's visible text and Debian's
# readability-lxml, pages each returns empty, and newsalert's MB/s of HTML per core (CPU time).
# Exits 1 when a floor is not met (mean F1 above readability-lxml's, no empty extraction, 20 MB/s).
# Usage: bench/run_extract.sh [BUILD_DIR]
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="${1:-$root/build}"
python=/usr/bin/python3
[ -x "$python" ] || { echo "run_extract.sh: needs Debian's /usr/bin/python3 with python3-readability (scripts/setup --bench)" >&2; exit 2; }
"$python" -c 'import readability' 2>/dev/null ||
  { echo "run_extract.sh: needs python3-readability (scripts/setup --bench)" >&2; exit 2; }

[ -f "$build/build.ninja" ] || cmake -S "$root" -B "$build" -G Ninja -DNEWSALERT_BENCH=ON
ninja -C "$build" -j2 bench/extract_bench

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
tar -xJf "$root/bench/data/readability-test-pages.tar.xz" -C "$work"

# One core (taskset when available); the figure is CPU time, so a busy neighbour does not skew it.
pin=(); command -v taskset >/dev/null && pin=(taskset -c 0)
timing=$("${pin[@]}" "$build/bench/extract_bench" "$work/test-pages" "$work/texts" 5)
status=0
"$python" "$root/bench/extract_score.py" "$work/test-pages" "$work/texts" || status=1
echo "$timing"
mbs=$(sed -n 's/.*MB\/s=\([0-9.]*\).*/\1/p' <<<"$timing")
"$python" - "$mbs" <<'PY' || status=1
import sys
mbs = float(sys.argv[1])
print("floor 20 MB/s of HTML per core: %s (%.1f MB/s)" % ("met" if mbs >= 20 else "NOT met", mbs))
sys.exit(0 if mbs >= 20 else 1)
PY
exit $status
