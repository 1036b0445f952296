#!/bin/sh
# Polling load test: builds newsalertd and the loopback load server, then runs bench/run_load.py
# (N = 1,000 and 10,000 feeds at a 60 s interval, 3 minutes each, newsboat as the baseline).
# Options pass through, e.g.: bench/run_load.sh --duration 300 --feeds 10000 --newsboat-feeds 0
# LOAD_SCRIPT=run_cluster.py runs the cluster test instead (bench/run_cluster.sh).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
build=${BUILD_DIR:-$root/build}
[ -f "$build/build.ninja" ] || cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
ninja -C "$build" -j1 newsalertd newsalert-loadserver >/dev/null
exec python3 "$here/${LOAD_SCRIPT:-run_load.py}" --build "$build" "$@"
