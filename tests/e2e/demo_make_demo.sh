#!/bin/sh
# `make demo` end to end: scripts/demo.sh builds the demo PKI and registry,
# publishes the three lists and serves them with a revocation server (OCSP
# and CRLs on 127.0.0.1).  Every command the demo prints ("  $ ...", with
# its continuation lines) is run exactly as printed and its verdict checked:
# the staff commands, the list checks (the pointer list leading to both
# lists), and the four chain checks (PASSED by
# OCSP, FAILED/REVOKED, PASSED at a signing time before the foreign CA's
# suspension, INDETERMINATE now).  Stopping the demo stops both servers; a
# second run reuses the registry (nothing due, same sequence, same commands).
set -eu
demo=$VNTL_TMP/demo
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
port=$(free_port)
rport=$(free_port)
pid=
failures=0
stop() { if [ -n "$pid" ]; then kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi; pid=; }
trap stop EXIT INT TERM
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }

start_demo() { # LOG
	rm -f "$1"
	VNTL_DEMO_DIR=$demo VNTL_DEMO_PORT=$port VNTL_DEMO_REVOCATION_PORT=$rport \
		sh "$VNTL_SRC/scripts/demo.sh" "$VNTL_BUILD" >"$1" 2>&1 &
	pid=$!
	i=0
	until grep -q 'event=listening' "$1" 2>/dev/null; do
		i=$((i + 1))
		if [ $i -gt 600 ] || ! kill -0 "$pid" 2>/dev/null; then
			cat "$1"; echo "FAIL: the demo server did not start"; exit 1
		fi
		sleep 0.1
	done
}

# The printed commands, one file each (cmd.1, cmd.2 ...), as the user would
# copy them: the "  $ " prompt removed, continuation lines kept.
extract_commands() { # LOG DIR
	rm -rf "$2"
	mkdir -p "$2"
	awk -v dir="$2" '
		/^  \$ / { n++; out = dir "/cmd." n; print substr($0, 5) > out; cont = /\\$/; next }
		cont { print > out; cont = /\\$/ }' "$1"
	ls "$2" | wc -l
}

# check N CODE TEXT: printed command N exits with CODE and prints TEXT
check() {
	set +e
	(cd "$VNTL_TMP" && sh "$cmds/cmd.$1") >"$cmds/out.$1" 2>"$cmds/err.$1"
	rc=$?
	set -e
	if [ "$rc" -ne "$2" ] || ! grep -qF -- "$3" "$cmds/out.$1"; then
		fail "printed command $1 wanted exit $2 and \"$3\", got exit $rc:"
		sed 's/^/    $ /' "$cmds/cmd.$1"
		head -n 5 "$cmds/out.$1" | sed 's/^/    /'
		tail -n 3 "$cmds/err.$1" | sed 's/^/    err: /'
	else
		echo "ok: printed command $1: exit $rc, \"$3\""
	fi
}

started=$(date +%s)
start_demo "$VNTL_TMP/demo.log"
echo "demo up in $(( $(date +%s) - started )) s"
cmds=$VNTL_TMP/cmds
n=$(extract_commands "$VNTL_TMP/demo.log" "$cmds")
[ "$n" -eq 11 ] || fail "the demo printed $n commands, this test knows 11"
# NEAC staff
check 1 0 "DEMO Foreign Root CA SG"
[ "$(wc -l < "$cmds/out.1")" -eq 9 ] || fail "cert list shows $(wc -l < "$cmds/out.1") certificates, expected 9"
grep -q 'suspended' "$cmds/out.1" || fail "cert list does not show the suspended foreign CA"
check 2 0 "applied"
check 3 0 "audit chain intact"
check 4 0 '"certificates"'
count=$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["certificates"]))' "$cmds/out.4")
[ "$count" -eq 9 ] || fail "admin API lists $count certificates, expected 9"
# relying party
check 5 0 '"roots"'
check 6 0 "accepted: https://localhost:$port/roots.xml"
check 7 0 "accepted: https://localhost:$port/foreign.xml"
for list in pointer roots; do
	grep -q "accepted: https://localhost:$port/$list.xml" "$cmds/out.7" || fail "the pointer command did not reach $list.xml"
done
# signing software
check 8 0 "PASSED"
grep -q "revocation: ocsp:http://127.0.0.1:$rport/" "$cmds/out.8" || fail "the PASSED chain was not checked by OCSP"
check 9 1 "FAILED/REVOKED"
check 10 0 "PASSED"
grep -q -- '--at ' "$cmds/cmd.10" || fail "the time-T command has no --at"
grep -q "revocation: crl:" "$cmds/out.10" || fail "the time-T chain was not checked with the CRL"
grep -q "recognisedatnationallevel" "$cmds/out.10" || fail "the time-T chain is not anchored by the recognised CA"
check 11 2 "INDETERMINATE/NO_CERTIFICATE_CHAIN_FOUND"
grep -q "deprecatedatnationallevel since" "$cmds/out.11" || fail "the check now does not say the CA is suspended"
grep -q "GET /crl/foreign-1.crl" "$demo/revocation.log" || fail "the CRL was not fetched from the demo's server"

# The lists themselves, and every demo CA in roots.pem: 2 roots + 3 public CAs, then the
# recognised foreign certificates.
# (VNTL_DEMO_HSM=1, demo_make_demo_hsm.sh: signed by the key in the token.)
signer_cert=$demo/pki/list-signer.pem
[ "${VNTL_DEMO_HSM:-0}" = 1 ] && signer_cert=$demo/token/list-signer.pem
for list in roots foreign pointer; do
	"$VNTL_BUILD/vntl-validate" list "https://localhost:$port/$list.xml" \
		--signer "$signer_cert" --ca-file "$demo/tls/server.pem" \
		--cache-dir "$VNTL_TMP/cache" --schema-dir "$VNTL_SRC/schema/vntl-tsl-profile.xsd" \
		>/dev/null 2>&1 || fail "$list.xml served by the demo does not validate"
done
roots=$(grep -c '^# List: roots$' "$demo/publication/roots.pem")
[ "$roots" -eq 5 ] || fail "roots.pem holds $roots anchors of the roots list, expected 5"
# and the recognised foreign certificates (issue 12), never a suspended one
grep -q '^# List: foreign$' "$demo/publication/roots.pem" || fail "roots.pem holds no foreign anchor"
grep -A3 '^# List: foreign$' "$demo/publication/roots.pem" | grep '^# Status:' | grep -vq '^# Status: recognised since' &&
	fail "roots.pem holds a foreign certificate that is not recognised"
grep -q DEMO "$cmds/out.4" || fail "demo certificates are not marked DEMO"
seq_before=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["lists"]["roots"]["sequence"])' "$cmds/out.5")

# Stopping the demo stops the revocation server too.
stop
sleep 0.2
if python3 -c 'import socket,sys; socket.create_connection(("127.0.0.1", int(sys.argv[1])), 1)' "$rport" 2>/dev/null; then
	fail "the revocation server still listens after the demo stopped"
fi

# Second run: the registry is kept and nothing is due, so nothing is
# republished, and the printed commands are the same.
start_demo "$VNTL_TMP/demo2.log"
grep -q 'nothing due' "$VNTL_TMP/demo2.log" || fail "second demo run republished"
n2=$(extract_commands "$VNTL_TMP/demo2.log" "$VNTL_TMP/cmds2")
for i in $(seq 1 "$n2"); do
	cmp -s "$cmds/cmd.$i" "$VNTL_TMP/cmds2/cmd.$i" || fail "printed command $i changed on the second run"
done
cmds=$VNTL_TMP/cmds2
check 10 0 "PASSED"
check 5 0 '"roots"'
seq_after=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["lists"]["roots"]["sequence"])' "$cmds/out.5")
[ "$seq_before" = "$seq_after" ] || fail "sequence moved from $seq_before to $seq_after"
stop
[ "$failures" -eq 0 ] || { echo "$failures check(s) failed"; exit 1; }
echo "demo: every printed command gives its verdict; rerun kept sequence $seq_after"
