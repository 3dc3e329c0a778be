#!/bin/sh
# The hardened build (Makefile, "hardening"): `make install` into a DESTDIR,
# then readelf on every installed program and on libvntl.so: position
# independent programs, full RELRO (GNU_RELRO and BIND_NOW), the stack
# protector and, in the release build, fortified libc calls (*_chk). CET
# (-fcf-protection) is checked on vntl's objects when the compiler marks
# objects with it: a linked file keeps the mark only if every input has it,
# and Debian 12's C runtime start files do not.
set -eu
root="$VNTL_TMP/root"
make -s -C "$VNTL_SRC" install BUILD="$VNTL_BUILD" SAN="$VNTL_SAN" DESTDIR="$root" >"$VNTL_TMP/install.log" 2>&1 || {
	echo "make install failed"; cat "$VNTL_TMP/install.log"; exit 1; }
prefix="$root/usr/local"
version=$(sed -n 's/^VNTL_VERSION := //p' "$VNTL_SRC/Makefile")
cet=0
echo 'int main(void) { return 0; }' > "$VNTL_TMP/probe.c"
cc -fcf-protection -c "$VNTL_TMP/probe.c" -o "$VNTL_TMP/probe.o" 2>/dev/null &&
	readelf -n "$VNTL_TMP/probe.o" | grep -q 'IBT, SHSTK' && cet=1
fail=0
check() { # FILE WHAT: prints a failure naming the file and what it lacks
	echo "FAIL: $1 lacks $2"; fail=1
}
for f in "$prefix/bin/vntl" "$prefix/bin/vntl-validate" "$prefix/bin/vntld" "$prefix/lib/libvntl.so.$version"; do
	[ -f "$f" ] || { echo "FAIL: $f is not installed"; fail=1; continue; }
	name=${f#"$prefix"/}
	dyn=$(readelf -d "$f")
	case $f in
	*.so.*) ;;
	*)
		readelf -h "$f" | grep -q 'Type: *DYN' || check "$name" "PIE (ELF type DYN)"
		echo "$dyn" | grep -q 'Flags:.*PIE' || check "$name" "PIE (DT_FLAGS_1)"
		;;
	esac
	readelf -lW "$f" | grep -q GNU_RELRO || check "$name" "GNU_RELRO"
	echo "$dyn" | grep -Eq 'BIND_NOW|Flags:.* NOW' || check "$name" "BIND_NOW"
	syms=$(readelf --dyn-syms -W "$f")
	echo "$syms" | grep -q '__stack_chk_fail' || check "$name" "the stack protector (__stack_chk_fail)"
	if [ "$VNTL_SAN" = 0 ]; then
		echo "$syms" | grep -Eq '__[a-z]+_chk(@| |$)' || check "$name" "fortified calls (_FORTIFY_SOURCE: *_chk)"
	fi
	echo "checked $name"
done
objs=$(find "$VNTL_BUILD/obj" -name '*.o' -not -path '*/tests/*' -not -path '*/hooks/*' | sort)
if [ $cet = 1 ]; then
	# one readelf for all: "File: X" then its notes; list the files without the mark
	# shellcheck disable=SC2086
	unmarked=$(readelf -n $objs | awk '/^File: /{ if (f && !m) print f; f=$2; m=0 } /IBT, SHSTK/{ m=1 }
		END { if (f && !m) print f }')
	[ -z "$unmarked" ] || { echo "FAIL: objects without CET marks (-fcf-protection):"; echo "$unmarked"; fail=1; }
	echo "checked the CET marks of vntl's objects"
fi

# Production code does only what production needs: no environment test hook
# in an installed program (they are in BUILD/tests/vntl-test-hooks only), and
# no ioctl that could change the attributes of the operator's directories.
grep -q VNTL_TEST_APPLY_PAUSE_MS "$VNTL_BUILD/tests/vntl-test-hooks" ||
	{ echo "FAIL: the test build has no VNTL_TEST_APPLY_PAUSE_MS hook to look for"; fail=1; }
for f in "$prefix/bin/vntl" "$prefix/bin/vntl-validate" "$prefix/bin/vntld" "$prefix/lib/libvntl.so.$version"; do
	hooks=$(grep -ao 'VNTL_TEST_[A-Z_]*' "$f" | sort -u | tr '\n' ' ')
	[ -z "$hooks" ] || { echo "FAIL: ${f#"$prefix"/} obeys test hooks: $hooks"; fail=1; }
done
# shellcheck disable=SC2086
callers=$(nm -uA $objs | awk '$NF == "ioctl" { print $1 }')
[ -z "$callers" ] || { echo "FAIL: calls ioctl (chattr on the operator's directory?): $callers"; fail=1; }
echo "checked: no test hooks, no ioctl"
[ $fail = 0 ]
