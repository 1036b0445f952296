#!/usr/bin/env bash
# Checks systemd/newsalertd.service offline, without a running systemd:
#   systemd-analyze verify (syntax, directives, referenced binaries and man page),
#   systemd-analyze security with an exposure of 2.0 or lower, and
#   LimitNOFILE= set to a fixed number of at least 4096 descriptors.
# usage: unit_test.sh UNIT_FILE NEWSALERTD_BINARY MAN_PAGE
set -euo pipefail
unit=$1 binary=$(realpath "$2") man_page=$3

if ! command -v systemd-analyze >/dev/null; then
  echo "systemd-analyze is missing: install the systemd package (scripts/setup)" >&2
  exit 1
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# verify insists that ExecStart= binaries exist and that Documentation=man: pages open, so point
# the unit at the freshly built binary and man at the page from the source tree.
mkdir -p "$work/man/man8"
gzip -9nc "$man_page" > "$work/man/man8/newsalertd.8.gz"
sed "s#/usr/bin/newsalertd#$binary#g" "$unit" > "$work/newsalertd.service"
# verify only warns (exit 0) about values it cannot parse, so any output is a failure too.
if ! MANPATH="$work/man:" systemd-analyze verify "$work/newsalertd.service" > "$work/verify.log" 2>&1 ||
   [ -s "$work/verify.log" ]; then
  echo "systemd-analyze verify failed:" >&2
  cat "$work/verify.log" >&2
  exit 1
fi
echo "systemd-analyze verify: OK"

# The daemon raises its soft descriptor limit to the hard one; the unit decides what that is, so the
# admin listener's connections, polls and deliveries do not depend on the host's DefaultLimitNOFILE=.
nofile=$(sed -n 's/^LimitNOFILE=\([0-9][0-9]*\)$/\1/p' "$unit")
if [ -z "$nofile" ] || [ "$nofile" -lt 4096 ]; then
  echo "LimitNOFILE= is missing or below 4096 (got '${nofile}'): set it to a number of descriptors" >&2
  exit 1
fi
echo "LimitNOFILE=$nofile: OK"

systemd-analyze security --offline=true "$work/newsalertd.service" > "$work/security.log" 2>&1 || true
exposure=$(sed -n 's/.*Overall exposure level for newsalertd.service: \([0-9.]*\).*/\1/p' "$work/security.log")
if [ -z "$exposure" ]; then
  echo "systemd-analyze security printed no exposure level:" >&2
  cat "$work/security.log" >&2
  exit 1
fi
echo "systemd-analyze security: exposure $exposure"
if ! awk -v e="$exposure" 'BEGIN { exit !(e <= 2.0) }'; then
  echo "exposure $exposure is above 2.0; what it found:" >&2
  grep '✗' "$work/security.log" >&2 || true
  exit 1
fi
