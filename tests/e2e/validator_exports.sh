#!/bin/sh
# Issue 11: libvntl.so exports exactly its API. Every dynamic symbol it
# defines is a vntl_* function, and every function vntl.h declares is among
# them (a VNTL_API forgotten on a new function would leave it unexported).
set -eu
so="$VNTL_BUILD/libvntl.so"
nm -D --defined-only "$so" | awk '{print $NF}' | sort -u >"$VNTL_TMP/exported"
failures=0
if grep -v '^vntl_' "$VNTL_TMP/exported" >"$VNTL_TMP/extra"; then
	echo "FAIL: libvntl.so exports $(wc -l <"$VNTL_TMP/extra") symbols besides its API:"
	head -20 "$VNTL_TMP/extra" | sed 's/^/    /'
	failures=1
fi
sed -n 's/^VNTL_API [^(]*[ *]\(vntl_[a-z0-9_]*\)(.*/\1/p' "$VNTL_SRC/validator/vntl.h" | sort -u >"$VNTL_TMP/declared"
[ "$(wc -l <"$VNTL_TMP/declared")" -ge 20 ] || { echo "FAIL: found only $(wc -l <"$VNTL_TMP/declared") VNTL_API functions in vntl.h"; failures=1; }
if ! cmp -s "$VNTL_TMP/declared" "$VNTL_TMP/exported"; then
	echo "FAIL: declared in vntl.h (<) and exported (>) differ:"
	diff "$VNTL_TMP/declared" "$VNTL_TMP/exported" | grep '^[<>]' | head -20 | sed 's/^/    /'
	failures=1
fi
[ "$failures" -eq 0 ] || exit 1
echo "validator_exports: ok ($(wc -l <"$VNTL_TMP/exported") vntl_* functions)"
