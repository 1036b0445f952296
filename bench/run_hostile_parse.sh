#!/usr/bin/env bash
# Hostile documents against `newsalertd parse`: CPU seconds and peak memory for each, beside a
# well-formed RSS feed of the same size as the baseline. Files are generated in the build directory.
# Usage: bench/run_hostile_parse.sh [BUILD_DIR] [MEGABYTES]
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="${1:-$root/build}"
megabytes="${2:-16}"
python=/usr/bin/python3; [ -x "$python" ] || python=python3
dir="$build/bench/hostile-${megabytes}mb"

[ -f "$build/build.ninja" ] || cmake -S "$root" -B "$build" -G Ninja
ninja -C "$build" -j1 daemon/newsalertd
mkdir -p "$dir"
"$python" - "$dir" "$megabytes" <<'PY'
import os, sys
out, size = sys.argv[1], int(sys.argv[2]) * 1024 * 1024
def write(name, text):
    with open(os.path.join(out, name), "w") as f:
        f.write(text[:size] if len(text) > size else text)
item = ("<item><title>Ceasefire talks resume in Cairo, officials say</title><link>https://example.org/a/%d</link>"
        "<guid>a-%d</guid><description>Negotiators met on Monday; a second round is due next week.</description></item>\n")
body, i = [], 0
while sum(map(len, body)) < size - 200:
    body.append(item % (i, i)); i += 1
write("baseline-rss.xml", "<rss version=\"2.0\"><channel><title>t</title>" + "".join(body) + "</channel></rss>")
tiny = "<item><guid>%d</guid></item>"
n = (size - 100) // len(tiny % 999999)
write("tiny-items-rss.xml", "<rss version=\"2.0\"><channel><title>t</title>" + "".join(tiny % k for k in range(n)) + "</channel></rss>")
write("tiny-items.json", "{\"version\":\"https://jsonfeed.org/version/1.1\",\"title\":\"t\",\"items\":[" +
      ",".join("{\"id\":\"%07d\"}" % k for k in range((size - 100) // 17)) + "]}")
half = (size - 200) // 2
write("stray-end-tags-rss.xml", "<rss version=\"2.0\"><channel><title>t</title><item><title>x" +
      "<b>" * (half // 3) + "</x>" * (half // 4) + "</title></item></channel></rss>")
write("deep-json.json", "[" * (size - 10))
PY
command -v /usr/bin/time >/dev/null || { echo "needs /usr/bin/time (apt install time)" >&2; exit 1; }
pin=(); command -v taskset >/dev/null && pin=(taskset -c 0)
printf '%-26s %10s %12s %14s\n' file MB cpu_seconds peak_rss_MB
for file in baseline-rss.xml tiny-items-rss.xml tiny-items.json stray-end-tags-rss.xml deep-json.json; do
  path="$dir/$file"
  type=application/rss+xml; [[ "$file" == *.json ]] && type=application/feed+json
  /usr/bin/time -o "$dir/time.txt" -f '%U %S %M' "${pin[@]}" "$build/daemon/newsalertd" parse --content-type "$type" \
    "$path" >/dev/null 2>&1 || true
  read -r user sys rss < <(tail -1 "$dir/time.txt")
  printf '%-26s %10.1f %12.2f %14.1f\n' "$file" "$(stat -c %s "$path" | awk '{print $1/1048576}')" \
    "$(awk -v u="$user" -v s="$sys" 'BEGIN{print u+s}')" "$(awk -v m="$rss" 'BEGIN{print m/1024}')"
done
