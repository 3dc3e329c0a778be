#!/bin/sh
# Run every test against one build: the cmocka unit tests, the fuzz drivers
# (a bounded number of iterations) and the end-to-end scripts.
#   tests/run-all.sh BUILD_DIR SANITIZED(0|1) [NAME_FILTER]
# Each test gets a fresh scratch directory in $VNTL_TMP and these variables:
#   VNTL_BUILD   absolute path of the build directory (programs, tests)
#   VNTL_SRC     absolute path of the source tree
#   VNTL_SHARED  absolute path of ../shared (test data; never read at run time)
#   VNTL_SAN     1 under ASan+UBSan (tests may lower iteration counts)
# Exit status is non-zero if any test failed; a skipped test is reported as
# SKIP and counted as a failure unless VNTL_ALLOW_SKIP=1.
set -u
build=$(cd "$1" && pwd)
san=${2:-0}
filter=${3:-}
src=$(cd "$(dirname "$0")/.." && pwd)
shared=$(cd "$src/../shared" 2>/dev/null && pwd) || {
	echo "run-all: ../shared (test data) is missing beside the checkout" >&2; exit 1; }
export VNTL_BUILD="$build" VNTL_SRC="$src" VNTL_SHARED="$shared" VNTL_SAN="$san"
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=1:strict_string_checks=1"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
export LSAN_OPTIONS="suppressions=$src/tests/lsan.supp:print_suppressions=0"

pass=0; fail=0; skip=0; failed=""
run_one() { # name, command...
	name=$1; shift
	case "$name" in *"$filter"*) ;; *) return ;; esac
	scratch=$(mktemp -d "${TMPDIR:-/tmp}/vntl-test.XXXXXX")
	start=$(date +%s)
	VNTL_TMP="$scratch" "$@" >"$scratch.log" 2>&1
	rc=$?
	secs=$(( $(date +%s) - start ))
	if [ $rc -eq 0 ]; then
		pass=$((pass + 1)); echo "PASS $name (${secs}s)"
		rm -rf "$scratch" "$scratch.log"
	elif [ $rc -eq 77 ]; then
		skip=$((skip + 1)); echo "SKIP $name: $(tail -n 1 "$scratch.log")"
		[ "${VNTL_ALLOW_SKIP:-0}" = 1 ] || failed="$failed $name"
	else
		fail=$((fail + 1)); failed="$failed $name"
		echo "FAIL $name (exit $rc, ${secs}s); last lines of $scratch.log:"
		tail -n 40 "$scratch.log" | sed 's/^/    /'
	fi
}

# Driven by the sources, so a binary left over from a deleted test never runs.
for s in "$src"/tests/unit/test_*.c; do
	[ -f "$s" ] || continue
	t="$build/tests/$(basename "$s" .c)"
	run_one "unit/$(basename "$t")" "$t"
done
for s in "$src"/tests/fuzz/fuzz_*.c; do
	[ -f "$s" ] || continue
	t="$build/tests/$(basename "$s" .c)"
	run_one "fuzz/$(basename "$t")" "$t"
done
for t in "$src"/tests/e2e/*.sh; do
	[ -f "$t" ] || continue
	run_one "e2e/$(basename "$t" .sh)" sh "$t"
done

echo "tests ($build): $pass passed, $fail failed, $skip skipped"
[ -z "$failed" ] || { echo "not passing:$failed"; exit 1; }
exit 0
