#!/bin/sh
# Packaging: `make install` into a DESTDIR, then the example program from
# README.md is compiled with `pkg-config --cflags --libs vntl` against the
# installed header, library and vntl.pc only, and run against a signed list.
set -eu
. "$VNTL_SRC/tests/lib/validator_e2e.sh"
. "$VNTL_SRC/tests/lib/validator_pki.sh"
root="$VNTL_TMP/root"
# The default PREFIX (vntl.pc is written at install time with the PREFIX given).
make -s -C "$VNTL_SRC" install BUILD="$VNTL_BUILD" SAN="$VNTL_SAN" DESTDIR="$root" >"$VNTL_TMP/install.log" 2>&1 || {
	echo "make install failed"; cat "$VNTL_TMP/install.log"; exit 1; }
prefix=/usr/local
major=$(sed -n 's/^VNTL_MAJOR := //p' "$VNTL_SRC/Makefile")
version=$(sed -n 's/^VNTL_VERSION := //p' "$VNTL_SRC/Makefile")
[ -n "$major" ] && [ -n "$version" ] || { echo "FAIL: no library version in the Makefile"; exit 1; }
for f in include/vntl.h lib/libvntl.a lib/libvntl.so.$version lib/libvntl.so.$major lib/libvntl.so lib/pkgconfig/vntl.pc \
	share/vntl/schema/tsl.xsd share/vntl/schema/vntl-xml.xsd bin/vntl bin/vntl-validate bin/vntld \
	lib/systemd/system/vntl-sync.service lib/systemd/system/vntl-sync.timer; do
	[ -e "$root$prefix/$f" ] || { echo "FAIL: $prefix/$f not installed"; exit 1; }
done
[ "$(readlink "$root$prefix/lib/libvntl.so.$major")" = "libvntl.so.$version" ] || { echo "FAIL: soname link"; exit 1; }
# the sync unit runs the installed vntl-validate (issue 12)
grep -q "^ExecStart=$prefix/bin/vntl-validate sync --from \${VNTL_SYNC_FROM} --signer /etc/vntl/signer.pem --out /var/lib/vntl-trust\$" \
	"$root$prefix/lib/systemd/system/vntl-sync.service" || { echo "FAIL: vntl-sync.service ExecStart"; exit 1; }
objdump -p "$root$prefix/lib/libvntl.so.$version" | grep -q "SONAME *libvntl.so.$major\$" || { echo "FAIL: SONAME"; exit 1; }

# The example, exactly as README.md shows it.
awk '/^```c$/ { grab = 1; next } /^```$/ { if (grab) exit } grab' "$VNTL_SRC/README.md" >"$VNTL_TMP/example.c"
grep -q "vntl_check_chain" "$VNTL_TMP/example.c" || { echo "FAIL: example not found in README"; exit 1; }
export PKG_CONFIG_SYSROOT_DIR="$root" PKG_CONFIG_PATH="$root$prefix/lib/pkgconfig"
flags=$(pkg-config --cflags --libs vntl)
case "$flags" in *"$root$prefix/include"*) ;; *) echo "FAIL: pkg-config flags: $flags"; exit 1 ;; esac
san=""
[ "$VNTL_SAN" = 1 ] && san="-fsanitize=address,undefined"
# shellcheck disable=SC2086
cc -std=c17 -Wall -Wextra -Werror $san "$VNTL_TMP/example.c" $flags -o "$VNTL_TMP/example"

P="$VNTL_TMP/pki"
mkdir -p "$P"
pki_init "$P"
pki_issue "$P" inter leaf v3_sign
python3 "$VNTL_SRC/tests/lib/validator_tsl.py" "$P/list.tpl" "$P/signer.pem" 3 \
	"$(iso_days_from_now -1)" "$(iso_days_from_now 30)" "$P/root.pem|CA/PKC|granted@2021-01-01T00:00:00Z"
pki_sign_list "$P/list.tpl" "$P/list.xml" 2>/dev/null
export LD_LIBRARY_PATH="$root$prefix/lib"
ldd "$VNTL_TMP/example" | grep -q "$root$prefix/lib/libvntl.so.$major" || { echo "FAIL: not linked to the installed library"; exit 1; }
expect 0 "PASSED" -- "$VNTL_TMP/example" "$P/list.xml" "$P/signer.pem" "$P/leaf.pem" "$P/inter.pem" "$XSD"
expect 1 "list refused" -- sh -c "'$VNTL_TMP/example' '$P/list.xml' '$P/inter.pem' '$P/leaf.pem' '$P/inter.pem' '$XSD' 2>&1"
finish
