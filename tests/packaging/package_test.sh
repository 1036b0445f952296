#!/usr/bin/env bash
# Builds the .deb with CPack, unpacks it into a throwaway root with dpkg -x and checks it: the file
# list, the control fields (shared-library dependencies, conffiles, maintainer scripts), the
# unpacked unit with systemd-analyze, the unpacked binary and the shipped config.
# usage: package_test.sh BUILD_DIR SOURCE_DIR
set -euo pipefail
build=$(cd "$1" && pwd) source=$(cd "$2" && pwd)

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "package_test: $*" >&2; exit 1; }

cpack -G DEB --config "$build/CPackConfig.cmake" -B "$work/out" > "$work/cpack.log" 2>&1 ||
  { cat "$work/cpack.log" >&2; fail "cpack failed"; }
debs=("$work"/out/newsalertd_*.deb)
[ -f "${debs[0]}" ] || fail "no .deb in $work/out"
deb=${debs[0]}
echo "built $(basename "$deb") ($(stat -c %s "$deb") bytes)"

# Files, not directories, exactly: anything else is in the wrong place or should not ship.
dpkg-deb -c "$deb" | awk '$1 !~ /^d/ { print $6 }' | sed 's#^\./#/#' | sort > "$work/files"
cat > "$work/expected" <<'LIST'
/etc/newsalert/newsalert.yaml
/lib/systemd/system/newsalertd.service
/usr/bin/newsalertd
/usr/share/bash-completion/completions/newsalertd
/usr/share/doc/newsalertd/README.md
/usr/share/doc/newsalertd/api.yaml
/usr/share/doc/newsalertd/changelog.Debian.gz
/usr/share/doc/newsalertd/channels.md
/usr/share/doc/newsalertd/cluster.md
/usr/share/doc/newsalertd/copyright
/usr/share/doc/newsalertd/newsalert.example.yaml
/usr/share/doc/newsalertd/systemd.md
/usr/share/lintian/overrides/newsalertd
/usr/share/man/man8/newsalertd.8.gz
LIST
sort -o "$work/expected" "$work/expected"
diff -u "$work/expected" "$work/files" || fail "unexpected file list (- expected, + in the package)"
dpkg-deb -c "$deb" | awk '$2 != "root/root" { print; bad = 1 } END { exit bad }' || fail "files not owned by root"
dpkg-deb -c "$deb" | awk '$6 == "./usr/bin/newsalertd" && $1 != "-rwxr-xr-x" { exit 1 }' || fail "binary mode"

# Control: dependencies from dpkg-shlibdeps, the config as conffile, the maintainer scripts.
depends=$(dpkg-deb -f "$deb" Depends)
for lib in libc6 libcurl4 libsqlite3-0 libsystemd0 libyaml-cpp0.7 libicu72 libssl3 libnats3.4 libcld2-0 libgumbo1; do
  [[ $depends == *"$lib"* ]] || fail "Depends lacks $lib: $depends"
done
[ "$(dpkg-deb -f "$deb" Package)" = newsalertd ] || fail "package name"
[ "$(dpkg-deb -f "$deb" Suggests)" = nats-server ] || fail "Suggests: $(dpkg-deb -f "$deb" Suggests)"
dpkg-deb -e "$deb" "$work/control"
[ "$(cat "$work/control/conffiles")" = /etc/newsalert/newsalert.yaml ] || fail "conffiles: $(cat "$work/control/conffiles")"
for script in postinst prerm postrm; do
  [ -x "$work/control/$script" ] || fail "no executable $script"
  sh -n "$work/control/$script" || fail "$script does not parse"
done
grep -q 'daemon-reload' "$work/control/postinst" || fail "postinst does not reload systemd"
grep -q 'daemon-reload' "$work/control/postrm" || fail "postrm does not reload systemd"
echo "control: OK (Depends: $depends)"

# Unpacked: the binary runs, the shipped config is valid, the unit passes verify and security.
root=$work/root
dpkg -x "$deb" "$root"
# One version throughout: the package's (less the Debian revision), the binary's, the man page's.
version=$(dpkg-deb -f "$deb" Version)
[ "$("$root/usr/bin/newsalertd" --version)" = "newsalertd ${version%-*}" ] ||
  fail "newsalertd --version does not say ${version%-*}"
readelf -S "$root/usr/bin/newsalertd" | grep -q "\.debug_info" && fail "binary not stripped"
# match does not touch state_dir (/var/lib/newsalert), so it validates the config anywhere.
"$root/usr/bin/newsalertd" match --config "$root/etc/newsalert/newsalert.yaml" < /dev/null ||
  fail "the shipped config does not load"
gzip -t "$root/usr/share/man/man8/newsalertd.8.gz" || fail "man page"
# The licence in machine-readable form (DEP-5), its text by reference to Debian's copy.
copyright=$root/usr/share/doc/newsalertd/copyright
head -1 "$copyright" | grep -q '^Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/' ||
  fail "copyright is not DEP-5"
[ "$(grep -c '^License: Apache-2.0$' "$copyright")" -eq 2 ] || fail "copyright does not state Apache-2.0"
grep -q '/usr/share/common-licenses/Apache-2.0' "$copyright" || fail "copyright does not point at the licence text"
cmp -s "$source/LICENSE" /usr/share/common-licenses/Apache-2.0 || fail "LICENSE is not the Apache License 2.0"
bash -n "$root/usr/share/bash-completion/completions/newsalertd" || fail "bash completion"
zcat "$root/usr/share/man/man8/newsalertd.8.gz" > "$work/newsalertd.8"
grep -q "^\.TH NEWSALERTD 8 .* \"newsalert ${version%-*}\"" "$work/newsalertd.8" || fail "man page version"
zcat "$root/usr/share/doc/newsalertd/changelog.Debian.gz" | head -1 | grep -qF "newsalertd ($version)" ||
  fail "changelog's newest entry is not $version"
"$source/tests/packaging/unit_test.sh" "$root/lib/systemd/system/newsalertd.service" "$root/usr/bin/newsalertd" \
  "$work/newsalertd.8" || fail "the unpacked unit"
echo "package_test: OK"
