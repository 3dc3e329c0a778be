#!/bin/sh
# kill -9 at random moments while a change is being applied. After every
# kill the registry must open, pass PRAGMA integrity_check and
# `vntl audit verify`, and hold the change wholly (applied + history +
# service status + audit entry) or not at all (still pending, none of them).
#   VNTL_KILL9_ITERATIONS overrides the count (scripts/soak-db.sh uses it).
. "$VNTL_SRC/tests/lib/db_e2e.sh"
# vntl built with its test hooks (VNTL_TEST_APPLY_PAUSE_MS); the installed one has none.
H="$VNTL_BUILD/tests/vntl-test-hooks"

iterations=${VNTL_KILL9_ITERATIONS:-100}
[ "${VNTL_SAN:-0}" = 1 ] && [ -z "${VNTL_KILL9_ITERATIONS:-}" ] && iterations=40
make_registry
expect 0 "$V" --as olga cert import --tsp 3 --decision "QĐ 1" --effective 2020-01-01 "$PKI/pem/ca-cmc-ca-2025.pem"

rnd() { echo $(( $(od -An -N2 -tu2 /dev/urandom) % $1 )); }
now_ms() { echo $(( $(date +%s%N) / 1000000 )); }

# Calibrate: how long does one whole approve take on this machine and build
# (a sanitizer build starts much slower)? Kills start spread over 0..1.1x
# that; the window then follows the load (tests run in parallel).
expect 0 "$V" --as olga change propose --service 1 --status suspended --reason calibrate --decision "QĐ 0"
t0=$(now_ms)
VNTL_TEST_APPLY_PAUSE_MS=3 "$H" --as anh change approve 1 >/dev/null || fail "calibration approve"
span=$(( ($(now_ms) - t0) * 11 / 10 ))
[ $span -ge 5 ] || span=5

. "$VNTL_SRC/tests/lib/db_consistency.sh"

i=0; applied=0; survived=0; pending=""; status=suspended
while [ $i -lt $iterations ]; do
	if [ -z "$pending" ]; then
		if [ $status = recognised ]; then next=suspended; else next=recognised; fi
		expect 0 "$V" --as olga change propose --service 1 --status $next --reason "kill test $i" --decision "QĐ $i"
		pending=$(echo "$OUT" | sed -n 's/^change \([0-9]*\) proposed.*/\1/p')
	fi
	VNTL_TEST_APPLY_PAUSE_MS=$(rnd 6) "$H" --as anh change approve "$pending" >/dev/null 2>&1 &
	pid=$!
	delay=$(rnd $span)
	sleep "$((delay / 1000)).$(printf %03d $((delay % 1000)))"
	kill -9 $pid 2>/dev/null
	wait $pid 2>/dev/null

	# one sqlite3 run: integrity, half-applied records, the change's state
	check=$(sqlite3 "$VNTL_DB" "PRAGMA integrity_check; $CONSISTENCY SELECT state FROM change_request WHERE id = $pending;" |
		tr '\n' ' ') || fail "iteration $i: cannot open the registry"
	set -- $check
	[ "${1:-}" = ok ] || fail "iteration $i: integrity_check: $check"
	[ "${2:-}" = 0 ] || fail "iteration $i: ${2:-?} half-applied records"
	state=${3:-}
	expect 0 "$V" --as an audit verify
	# Follow the machine's load: kill a little earlier after a kill that came
	# too late, a little later after one that came before the commit.
	if [ "$state" = applied ]; then
		applied=$((applied + 1)); status=$next; pending=""
		span=$((span - span / 10)); [ $span -ge 5 ] || span=5
	else
		[ "$state" = pending ] || fail "iteration $i: change $pending is $state"
		survived=$((survived + 1))
		span=$((span + span / 10 + 1))
	fi
	i=$((i + 1))
done
echo "db_kill9: kill window ended at 0..${span} ms; $iterations kills: $applied landed after commit, $survived before (change left pending)"
# Both outcomes must have happened, or the kills did not hit the window.
[ $applied -gt 0 ] && [ $survived -gt 0 ] || fail "kills never landed on both sides of the commit"
