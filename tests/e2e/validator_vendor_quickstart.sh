#!/bin/sh
# Issue 12: a vendor's quick start, as README.md tells it. `make install
# PREFIX=<tmp>` (into a copy of the build, since PREFIX is compiled in), then
# README's example is built with `pkg-config --cflags --libs vntl` found
# through PKG_CONFIG_PATH=<tmp>/lib/pkgconfig and an rpath from
# `pkg-config --variable=libdir`, and run without LD_LIBRARY_PATH: it pins
# the signer, loads a list, checks a chain given in memory (DER), and gets
# libvntl's events through its log callback and nothing else on stderr.
set -eu
. "$VNTL_SRC/tests/lib/validator_e2e.sh"
. "$VNTL_SRC/tests/lib/validator_pki.sh"
prefix="$VNTL_TMP/prefix"
build="$VNTL_TMP/build"
mkdir -p "$build"
# Everything but the tests' binaries, timestamps kept: only what PREFIX changes is rebuilt.
(cd "$VNTL_BUILD" && tar -cf - --exclude=./tests .) | (cd "$build" && tar -xpf -)
make -s -j2 -C "$VNTL_SRC" install BUILD="$build" SAN="$VNTL_SAN" PREFIX="$prefix" >"$VNTL_TMP/install.log" 2>&1 || {
	echo "make install PREFIX=$prefix failed"; tail -n 20 "$VNTL_TMP/install.log"; exit 1; }
[ -f "$prefix/lib/pkgconfig/vntl.pc" ] || { echo "FAIL: no vntl.pc under $prefix/lib/pkgconfig"; exit 1; }

awk '/^```c$/ { grab = 1; next } /^```$/ { if (grab) exit } grab' "$VNTL_SRC/README.md" >"$VNTL_TMP/vendor.c"
for api in vntl_ctx_set_log vntl_ctx_add_signer_file leaf_der untrusted_der vntl_check_chain; do
	grep -q "$api" "$VNTL_TMP/vendor.c" || { echo "FAIL: README's example does not use $api"; exit 1; }
done
unset LD_LIBRARY_PATH PKG_CONFIG_SYSROOT_DIR
export PKG_CONFIG_PATH="$prefix/lib/pkgconfig"
flags=$(pkg-config --cflags --libs vntl)
libdir=$(pkg-config --variable=libdir vntl)
[ "$libdir" = "$prefix/lib" ] || { echo "FAIL: vntl.pc's libdir is $libdir, not $prefix/lib"; exit 1; }
san=""
[ "$VNTL_SAN" = 1 ] && san="-fsanitize=address,undefined"
# shellcheck disable=SC2086
cc -std=c17 -Wall -Wextra -Werror $san "$VNTL_TMP/vendor.c" $flags -Wl,-rpath,"$libdir" -o "$VNTL_TMP/vendor"
ldd "$VNTL_TMP/vendor" | grep -q "$prefix/lib/libvntl.so.4" || {
	echo "FAIL: not linked to $prefix/lib/libvntl.so.4:"; ldd "$VNTL_TMP/vendor"; exit 1; }

P="$VNTL_TMP/pki"
mkdir -p "$P"
pki_init "$P"
pki_issue "$P" inter leaf v3_sign
for c in leaf inter; do openssl x509 -in "$P/$c.pem" -outform DER -out "$P/$c.der"; done
python3 "$VNTL_SRC/tests/lib/validator_tsl.py" "$P/list.tpl" "$P/signer.pem" 3 \
	"$(iso_days_from_now -1)" "$(iso_days_from_now 30)" "$P/root.pem|CA/PKC|granted@2021-01-01T00:00:00Z"
pki_sign_list "$P/list.tpl" "$P/list.xml" 2>/dev/null

expect 0 "PASSED" -- "$VNTL_TMP/vendor" "$P/list.xml" "$P/signer.pem" "$P/leaf.der" "$P/inter.der" "$XSD"
# every stderr line is the program's own log line for a libvntl event
grep -q '^libvntl info list-accepted source=' "$VNTL_TMP/stderr" || { echo "FAIL: no list-accepted event through the callback"; cat "$VNTL_TMP/stderr"; failures=$((failures + 1)); }
if grep -v '^libvntl ' "$VNTL_TMP/stderr" | grep -q .; then
	echo "FAIL: something besides the callback wrote to stderr:"; cat "$VNTL_TMP/stderr"; failures=$((failures + 1))
fi
# without the intermediate (the leaf again in its place) there is no path
expect 2 "NO_CERTIFICATE_CHAIN_FOUND" -- "$VNTL_TMP/vendor" "$P/list.xml" "$P/signer.pem" "$P/leaf.der" "$P/leaf.der" "$XSD"
# a wrong pin: refused, and the event logged through the callback
expect 1 "" -- "$VNTL_TMP/vendor" "$P/list.xml" "$P/inter.pem" "$P/leaf.der" "$P/inter.der" "$XSD"
grep -q '^libvntl warning list-refused .*rule=signer-not-pinned' "$VNTL_TMP/stderr" || { echo "FAIL: no list-refused event"; cat "$VNTL_TMP/stderr"; failures=$((failures + 1)); }
# no schema given: the profile installed under this PREFIX is the default (it is
# vntl's own, which the test list does not follow: refused by the schema rule)
expect 1 "" -- "$VNTL_TMP/vendor" "$P/list.xml" "$P/signer.pem" "$P/leaf.der" "$P/inter.der"
grep -q 'list refused \[schema-invalid\]' "$VNTL_TMP/stderr" || { echo "FAIL: the schema under $prefix was not the default"; cat "$VNTL_TMP/stderr"; failures=$((failures + 1)); }
finish
