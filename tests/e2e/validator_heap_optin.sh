#!/bin/sh
# Issue 15: vntl-validate tunes the allocator (a kept heap reserve with
# MADV_HUGEPAGE) only when asked with VNTL_VALIDATE_TUNE_HEAP=1, never by
# default. Seen from outside with strace. Under ASan, whose allocator
# ignores mallopt, only the default is checked.
set -eu
command -v strace >/dev/null || { echo "strace is missing"; exit 77; }
VV="$VNTL_BUILD/vntl-validate"
# LeakSanitizer cannot run under ptrace; leaks are checked by every other test.
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"
env -u VNTL_VALIDATE_TUNE_HEAP strace -o "$VNTL_TMP/default" -e trace=madvise "$VV" --version >/dev/null
if grep -q MADV_HUGEPAGE "$VNTL_TMP/default"; then
	echo "FAIL: vntl-validate asked for huge pages without VNTL_VALIDATE_TUNE_HEAP=1"
	cat "$VNTL_TMP/default"
	exit 1
fi
VNTL_VALIDATE_TUNE_HEAP=0 strace -o "$VNTL_TMP/zero" -e trace=madvise "$VV" --version >/dev/null
! grep -q MADV_HUGEPAGE "$VNTL_TMP/zero" || { echo "FAIL: VNTL_VALIDATE_TUNE_HEAP=0 tuned the heap"; exit 1; }
if [ "${VNTL_SAN:-0}" != 1 ]; then
	VNTL_VALIDATE_TUNE_HEAP=1 strace -o "$VNTL_TMP/asked" -e trace=madvise "$VV" --version >/dev/null
	grep -q MADV_HUGEPAGE "$VNTL_TMP/asked" || { echo "FAIL: VNTL_VALIDATE_TUNE_HEAP=1 did not tune the heap"; cat "$VNTL_TMP/asked"; exit 1; }
fi
echo "validator_heap_optin: ok"
