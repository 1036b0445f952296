#!/usr/bin/env bash
# Keeps examples/cluster/ honest: the nats-server config passes nats-server's own config test
# (nats-server -t: syntax, known keys, loadable certificates) with its paths moved to a temp dir
# and certificates made here, and each systemd drop-in, applied to the unit it extends, passes
# systemd-analyze verify (newsalertd's also keeps the unit's checks of tests/packaging/unit_test.sh).
# usage: cluster_examples_test.sh EXAMPLES_DIR NEWSALERTD_UNIT NEWSALERTD_BINARY MAN_PAGE UNIT_TEST_SCRIPT
set -euo pipefail
examples=$1 unit=$2 binary=$3 man_page=$4 unit_test=$5

nats_server=$(command -v nats-server || true)
[ -n "$nats_server" ] || { [ -x /usr/sbin/nats-server ] && nats_server=/usr/sbin/nats-server; }
if [ -z "$nats_server" ]; then
  echo "nats-server is missing: install the nats-server package (scripts/setup)" >&2
  exit 1
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# The example's certificate files, made for it: a CA and nats-1's certificate and key.
mkdir -p "$work/tls" "$work/js"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 -subj /CN=newsalert-nats-ca \
  -keyout "$work/tls/ca.key" -out "$work/tls/ca.pem" 2>/dev/null
openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj /CN=nats-1 \
  -keyout "$work/tls/nats-1.key" -out "$work/tls/nats-1.csr" 2>/dev/null
printf 'subjectAltName=DNS:nats-1,IP:10.0.0.1\nextendedKeyUsage=serverAuth,clientAuth\n' > "$work/tls/ext"
openssl x509 -req -days 2 -in "$work/tls/nats-1.csr" -CA "$work/tls/ca.pem" -CAkey "$work/tls/ca.key" \
  -CAcreateserial -extfile "$work/tls/ext" -out "$work/tls/nats-1.pem" 2>/dev/null

conf="$examples/nats-server.conf"
grep -q '/etc/nats/tls/' "$conf" && grep -q '/var/lib/nats' "$conf" ||
  { echo "$conf no longer names /etc/nats/tls/ and /var/lib/nats: update this test" >&2; exit 1; }
sed -e "s#/etc/nats/tls/#$work/tls/#g" -e "s#/var/lib/nats#$work/js#g" "$conf" > "$work/nats-server.conf"
if ! "$nats_server" -t -c "$work/nats-server.conf" > "$work/nats.log" 2>&1; then
  echo "nats-server -t refused $conf:" >&2
  sed "s#$work/##g" "$work/nats.log" >&2
  exit 1
fi
echo "nats-server -t: $(sed "s#$work/##g" "$work/nats.log")"

# A drop-in's sections, appended to the unit, read as systemd reads them from a drop-in directory.
debian_unit=/lib/systemd/system/nats-server.service
if [ -f "$debian_unit" ]; then
  cat "$debian_unit" "$examples/nats-server-newsalert.conf" > "$work/nats-server.service"
  if ! systemd-analyze verify "$work/nats-server.service" > "$work/verify.log" 2>&1 || [ -s "$work/verify.log" ]; then
    echo "systemd-analyze verify failed for Debian's nats-server unit with nats-server-newsalert.conf:" >&2
    cat "$work/verify.log" >&2
    exit 1
  fi
  echo "nats-server.service + nats-server-newsalert.conf: systemd-analyze verify: OK"
else
  echo "no $debian_unit (Debian's nats-server package) to check nats-server-newsalert.conf against" >&2
  exit 1
fi

cat "$unit" "$examples/newsalertd-cluster.conf" > "$work/newsalertd.service"
echo "newsalertd.service + newsalertd-cluster.conf:"
"$unit_test" "$work/newsalertd.service" "$binary" "$man_page"
