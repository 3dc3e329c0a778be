#!/bin/sh
# Runs every libFuzzer target of a `make fuzz` build for SECONDS each:
#   scripts/fuzz.sh BUILD_DIR SECONDS [TARGET...]
# Each target first replays its seed corpus (tests/fuzz/corpus/TARGET/, read
# only) then fuzzes with its dictionary (tests/fuzz/dict/NAME.dict, named by
# a "fuzz-dictionary: NAME" line in its source). New inputs go to a scratch
# corpus that is thrown away; a crash is kept in BUILD_DIR/fuzz-crashes/ and
# fails the run (add it to the corpus once fixed). Prints, per target, the
# executions, their rate and the coverage reached.
#   FUZZ_JOBS=N   run N targets at a time (default 1)
set -u
build=$1
seconds=$2
shift 2
src=$(cd "$(dirname "$0")/.." && pwd)
export VNTL_SRC="$src"
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=1:strict_string_checks=1"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
crashes="$build/fuzz-crashes"
mkdir -p "$crashes"

targets=$*
[ -n "$targets" ] || targets=$(grep -l LLVMFuzzerTestOneInput "$src"/tests/fuzz/fuzz_*.c | xargs -n1 basename | sed 's/\.c$//')

run_target() {
	t=$1
	bin="$build/tests/$t"
	[ -x "$bin" ] || { echo "FAIL $t: $bin is missing (make fuzz builds it)"; return 1; }
	dict=$(sed -n 's/.*fuzz-dictionary: *\([a-z0-9_-]*\).*/\1/p' "$src/tests/fuzz/$t.c" | head -n 1)
	dictopt=""
	[ -n "$dict" ] && dictopt="-dict=$src/tests/fuzz/dict/$dict.dict"
	scratch=$(mktemp -d "${TMPDIR:-/tmp}/vntl-fuzz-corpus.XXXXXX")
	log="$scratch.log"
	# shellcheck disable=SC2086
	"$bin" -max_total_time="$seconds" -timeout=30 -rss_limit_mb=3072 -print_final_stats=1 \
		-artifact_prefix="$crashes/$t-" $dictopt "$scratch" "$src/tests/fuzz/corpus/$t" >"$log" 2>&1
	rc=$?
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
	rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -n 1)
	cov=$(grep -o 'cov: [0-9]* ft: [0-9]*' "$log" | tail -n 1)
	rm -rf "$scratch"
	if [ $rc -eq 0 ]; then
		echo "PASS $t: ${runs:-0} executions (${rate:-0}/s), $cov"
		rm -f "$log"
		return 0
	fi
	echo "FAIL $t (exit $rc): input kept in $crashes/; last lines of $log:"
	tail -n 30 "$log" | sed 's/^/    /'
	return 1
}

failed=""
if [ "${FUZZ_CHILD:-0}" != 1 ] && [ "${FUZZ_JOBS:-1}" -gt 1 ]; then
	# each child runs one target itself (FUZZ_JOBS=1: never a further fan-out)
	# shellcheck disable=SC2086
	out=$(printf '%s\n' $targets | FUZZ_CHILD=1 FUZZ_JOBS=1 xargs -P "$FUZZ_JOBS" -I{} "$0" "$build" "$seconds" {})
	echo "$out"
	echo "$out" | grep -q '^FAIL' && exit 1
	exit 0
fi
for t in $targets; do
	run_target "$t" || failed="$failed $t"
done
[ -z "$failed" ] || { echo "fuzz: failing:$failed"; exit 1; }
[ "${FUZZ_CHILD:-0}" = 1 ] || echo "fuzz: every target ran ${seconds}s without a finding"
exit 0
