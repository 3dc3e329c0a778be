#!/bin/sh
# Run every test against one build: the cmocka unit tests, the fuzz targets
# (replaying their corpus, see tests/fuzz/fuzz.h) and the end-to-end scripts.
#   tests/run-all.sh BUILD_DIR SANITIZED(0|1) [NAME_FILTER[,NAME_FILTER]...]
# (a test runs when its name contains one of the filters). The longest tests
# start first, by the durations the last runs recorded in build/test-times:
# with tests of 1 to 45 s on two cores, a long test started last would run
# alone at the end.
# Tests run $VNTL_TEST_JOBS at a time (default: the number of cores); each
# gets a fresh scratch directory in $VNTL_TMP and these variables:
#   VNTL_BUILD   absolute path of the build directory (programs, tests)
#   VNTL_SRC     absolute path of the source tree
#   VNTL_SHARED  absolute path of ../shared (test data; never read at run time)
#   VNTL_SAN     1 under ASan+UBSan (tests may lower iteration counts)
# Exit status is non-zero if any test failed; a skipped test (exit 77) is
# reported as SKIP and counted as a failure unless VNTL_ALLOW_SKIP=1.
set -u
build=$(cd "$1" && pwd)
san=${2:-0}
filter=${3:-}
src=$(cd "$(dirname "$0")/.." && pwd)
shared=$(cd "$src/../shared" 2>/dev/null && pwd) || {
	echo "run-all: ../shared (test data) is missing beside the checkout" >&2; exit 1; }
# Debian's tools first, as the Makefile does (see there: a pyenv python3 shim
# costs half a second per call and may lack python3-cryptography).
export PATH="/usr/bin:/bin:/usr/sbin:/sbin:$PATH"
export VNTL_BUILD="$build" VNTL_SRC="$src" VNTL_SHARED="$shared" VNTL_SAN="$san"
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=1:strict_string_checks=1"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
export TSAN_OPTIONS="halt_on_error=1:second_deadlock_stack=1:suppressions=$src/tests/tsan.supp"
jobs=${VNTL_TEST_JOBS:-$(nproc 2>/dev/null || echo 2)}

if [ "${RUN_ALL_ONE:-}" = 1 ]; then
	results=$RUN_ALL_RESULTS
else
	results=$(mktemp -d "${TMPDIR:-/tmp}/vntl-results.XXXXXX")
	mkdir "$results/times"
	export RUN_ALL_RESULTS="$results"
	trap 'rm -rf "$results"' EXIT
fi

# One test: NAME COMMAND... ; prints its verdict, leaves NAME's result in $results.
run_one() {
	name=$1; shift
	scratch=$(mktemp -d "${TMPDIR:-/tmp}/vntl-test.XXXXXX")
	start=$(date +%s)
	VNTL_TMP="$scratch" "$@" >"$scratch.log" 2>&1 </dev/null
	rc=$?
	secs=$(( $(date +%s) - start ))
	key=$(echo "$name" | tr / _)
	echo "$name $secs" > "$results/times/$key"
	if [ $rc -eq 0 ]; then
		echo "PASS $name (${secs}s)"; echo pass > "$results/$key"
		rm -rf "$scratch" "$scratch.log"
	elif [ $rc -eq 77 ]; then
		echo "SKIP $name: $(tail -n 1 "$scratch.log")"; echo skip > "$results/$key"
	else
		out="FAIL $name (exit $rc, ${secs}s); last lines of $scratch.log:
$(tail -n 40 "$scratch.log" | sed 's/^/    /')"
		echo "$out"; echo fail > "$results/$key"
	fi
}

# The list of tests, one "NAME<TAB>COMMAND ARG" per line, driven by the
# sources so a binary left over from a deleted test never runs.
list_tests() {
	for s in "$src"/tests/unit/test_*.c; do
		[ -f "$s" ] && printf 'unit/%s\t%s\n' "$(basename "$s" .c)" "$build/tests/$(basename "$s" .c)"
	done
	for s in "$src"/tests/fuzz/fuzz_*.c; do
		[ -f "$s" ] && printf 'fuzz/%s\t%s\n' "$(basename "$s" .c)" "$build/tests/$(basename "$s" .c)"
	done
	for s in "$src"/tests/e2e/*.sh; do
		[ -f "$s" ] && printf 'e2e/%s\tsh %s\n' "$(basename "$s" .sh)" "$s"
	done
}

if [ "${RUN_ALL_ONE:-}" = 1 ]; then   # re-entry from xargs: run one test
	# shellcheck disable=SC2086
	run_one "$4" $5
	exit 0
fi

matches_filter() {
	[ -n "$filter" ] || return 0
	old_ifs=$IFS; IFS=,
	for f in $filter; do
		case "$1" in *"$f"*) IFS=$old_ifs; return 0 ;; esac
	done
	IFS=$old_ifs
	return 1
}

times_file=$src/build/test-times

# NAME<TAB>COMMAND lines, the longest known first (unknown: as if 10 s).
longest_first() {
	awk -F'\t' -v times="$times_file" '
		BEGIN { while ((getline line < times) > 0) { split(line, f, " "); t[f[1]] = f[2] } }
		{ printf "%d\t%s\n", (($1 in t) ? t[$1] : 10), $0 }' |
		sort -s -t "$(printf '\t')" -k1,1nr | cut -f2-
}

list_tests | while IFS="$(printf '\t')" read -r name cmd; do
	matches_filter "$name" && printf '%s\t%s\n' "$name" "$cmd"
done | longest_first | tr '\t' '\n' | RUN_ALL_ONE=1 xargs -r -d '\n' -n 2 -P "$jobs" "$0" "$1" "$san" "$filter"

# this run's durations first, then the ones it did not measure
mkdir -p "$(dirname "$times_file")"
{ cat "$results"/times/* 2>/dev/null; cat "$times_file" 2>/dev/null; } |
	awk '!seen[$1]++' > "$times_file.$$" && mv "$times_file.$$" "$times_file"

total=0; pass=0; fail=0; skip=0; failed=""
for f in "$results"/*; do
	[ -f "$f" ] || continue
	total=$((total + 1))
	case $(cat "$f") in
	pass) pass=$((pass + 1)) ;;
	skip) skip=$((skip + 1)); [ "${VNTL_ALLOW_SKIP:-0}" = 1 ] || failed="$failed $(basename "$f")" ;;
	*) fail=$((fail + 1)); failed="$failed $(basename "$f")" ;;
	esac
done
echo "tests ($build): $pass passed, $fail failed, $skip skipped"
[ "$total" -gt 0 ] || { echo "no tests ran"; exit 1; }
[ -z "$failed" ] || { echo "not passing:$failed"; exit 1; }
exit 0
