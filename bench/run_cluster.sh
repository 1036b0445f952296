#!/bin/sh
# Cluster load test: builds newsalertd and the loopback load server as bench/run_load.sh does, then
# runs bench/run_cluster.py (10,000 feeds at a 60 s interval: one daemon alone, then three daemons
# on three nats-servers, then kill -9 of one of them). Needs nats-server (Debian package nats-server).
# Options pass through, e.g.: bench/run_cluster.sh --duration 180 --json out.json
exec env LOAD_SCRIPT=run_cluster.py "$(dirname "$0")/run_load.sh" "$@"
