#!/bin/sh
# make soak, first part: N kill -9 (default 1000) at random moments across the
# three places where vntl writes what it must never lose, each followed by a
# full consistency check. Prints the runs and failures; exit 1 on any failure.
#   scripts/soak-kill.sh BUILD_DIR [N]
#
# Each run picks one of:
#   apply    `vntl change approve` of a status change, killed while it applies
#   publish  `vntl publish` of all three lists, killed while it writes
#   swap     vntld killed while it loads a publication that has just landed,
#            then started again
# and then checks, whatever the kill interrupted:
#   - the registry: PRAGMA integrity_check, no half-applied change (the
#     queries of tests/lib/db_consistency.sh), `vntl audit verify`;
#   - the publication directory: index.json names whole files with the
#     SHA-256 and size it gives (tests/lib/publisher_checkdir.py), and every
#     version ever published, archives included, verifies with xmlsec1
#     against the signer (each distinct file once);
#   - vntld: it serves, and the roots.xml it serves has the SHA-256 its
#     index.json names.
set -u
build=$(cd "${1:?usage: $0 BUILD_DIR [N]}" && pwd)
runs=${2:-1000}
src=$(cd "$(dirname "$0")/.." && pwd)
VNTL_TMP=$(mktemp -d "${TMPDIR:-/tmp}/vntl-soak-kill.XXXXXX")
export VNTL_BUILD="$build" VNTL_SRC="$src" VNTL_SHARED="$src/../shared" VNTL_TMP
. "$src/tests/lib/publisher_e2e.sh"
. "$src/tests/lib/web_server.sh"
trap 'web_cleanup; rm -rf "$VNTL_TMP"' EXIT
trap 'exit 130' INT # a signal ends the script (then the EXIT trap cleans up)
trap 'exit 143' TERM
cd "$VNTL_TMP"

demo_registry "$VNTL_TMP" || { echo "soak: cannot build the registry"; exit 1; }
V="$build/vntl"
$V --as anh publish >/dev/null 2>&1 || { echo "soak: first publication failed"; exit 1; }

rnd() { echo $(( $(od -An -N2 -tu2 /dev/urandom | tr -d ' ') % $1 )); }
now_ms() { echo $(( $(date +%s%N) / 1000000 )); }
sleep_ms() { sleep "$(( $1 / 1000 )).$(printf %03d $(( $1 % 1000 )))"; }

. "$src/tests/lib/db_consistency.sh"

start_vntld() {
	web_start --publication-dir "$VNTL_TMP/out" --signer-cert "$VNTL_TMP/pki/list-signer.pem" \
		--tls-cert "$VNTL_TMP/tls.pem" --tls-key "$VNTL_TMP/tls.key" >/dev/null
}
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout tls.key -out tls.pem \
	-subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 -days 30 2>/dev/null
# vntld publishes nothing itself here: every publication is one this script kills
cat >> "$VNTL_CONFIG" <<CONF
server.publish_interval = 0
server.poll_interval_ms = 100
CONF
start_vntld

# What a kill may interrupt: calibrated to the time each takes undisturbed.
timed() { t0=$(now_ms); "$@" >/dev/null 2>&1; echo $(( $(now_ms) - t0 + 1 )); }
status=suspended
propose() {
	if [ $status = recognised ]; then next=suspended; else next=recognised; fi
	pending=$($V --as olga change propose --service "$FOREIGN1" --status $next --reason "soak" \
		--decision "QĐ soak" 2>/dev/null | sed -n 's/^change \([0-9]*\) proposed.*/\1/p')
}
propose; span_apply=$(timed $V --as anh change approve "$pending"); status=$next; pending=""
span_publish=$(timed $V --as anh publish --confirm-large-change)

failures=0
problem() { failures=$((failures + 1)); echo "run $run ($kind): $*"; }

check_registry() {
	set -- $(sqlite3 "$VNTL_DB" "PRAGMA integrity_check; $CONSISTENCY" 2>&1 | tr '\n' ' ')
	[ "${1:-}" = ok ] || { problem "integrity_check: $*"; return; }
	[ "${2:-}" = 0 ] || problem "${2:-?} half-applied records"
	$V --as an audit verify >/dev/null 2>&1 || problem "audit verify: $($V --as an audit verify 2>&1)"
}

check_publication() {
	python3 "$src/tests/lib/publisher_checkdir.py" out >/dev/null 2>checkdir.err ||
		{ problem "publication directory: $(cat checkdir.err)"; return; }
	# one sha256sum over every version (a fork per file made each run slower
	# than the last); only contents not verified before go to xmlsec1
	touch verified
	sha256sum out/roots/*.xml out/foreign/*.xml out/pointer/*.xml |
		awk 'NR == FNR { seen[$1] = 1; next } !($1 in seen) { print $1, $2 }' verified - > unverified
	while read -r sum list; do
		grep -qx "$sum" verified && continue # the same bytes twice in this run
		if xmlsec_verify pki/list-signer.pem "$list"; then echo "$sum" >> verified
		else problem "$list does not verify"; fi
	done < unverified
}

check_vntld() {
	kill -0 "$VNTLD_PID" 2>/dev/null || { problem "vntld is not running"; return; }
	curl -sk --max-time 10 -o served-index.json "$URL/index.json" &&
		curl -sk --max-time 10 -o served-roots.xml "$URL/roots.xml" ||
		{ problem "vntld does not serve"; return; }
	want=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["lists"]["roots"]["sha256"])' \
		served-index.json 2>/dev/null)
	got=$(sha256sum < served-roots.xml | cut -c1-64)
	[ "$want" = "$got" ] || problem "vntld serves roots.xml $got but its index.json names ${want:-nothing}"
}

kill_during() { # SPAN_MS COMMAND...: start COMMAND, kill -9 it within 1.2 x SPAN
	span=$1; shift
	"$@" >/dev/null 2>&1 &
	pid=$!
	sleep_ms "$(rnd $(( span * 12 / 10 + 1 )))"
	kill -9 "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
}

run=0; applied=0; published=0; swaps=0
while [ $run -lt "$runs" ]; do
	run=$((run + 1))
	case $(rnd 3) in
	0)	kind=apply
		[ -n "${pending:-}" ] || propose
		kill_during "$span_apply" $V --as anh change approve "$pending"
		state=$(sqlite3 "$VNTL_DB" "SELECT state FROM change_request WHERE id = $pending" 2>/dev/null)
		if [ "$state" = applied ]; then applied=$((applied + 1)); status=$next; pending=""; fi ;;
	1)	kind=publish
		before=$(sha256sum < out/index.json)
		kill_during "$span_publish" $V --as anh publish --confirm-large-change
		[ "$(sha256sum < out/index.json)" = "$before" ] || published=$((published + 1)) ;;
	*)	kind=swap
		$V --as anh publish --confirm-large-change >/dev/null 2>&1 || problem "publish before the swap failed"
		sleep_ms "$(rnd 300)"
		kill -9 "$VNTLD_PID" 2>/dev/null; wait "$VNTLD_PID" 2>/dev/null; VNTLD_PID=""
		start_vntld; swaps=$((swaps + 1)) ;;
	esac
	check_registry
	check_publication
	check_vntld
	[ $((run % 100)) -eq 0 ] && echo "soak-kill: $run runs, $failures failures so far"
done
# the kills must have landed on both sides: some runs complete, some not
echo "soak-kill: $runs runs ($applied changes applied, $published publications completed, $swaps vntld kills), $failures failures"
[ "$failures" -eq 0 ]
