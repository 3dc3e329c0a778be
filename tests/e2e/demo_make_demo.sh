#!/bin/sh
# `make demo` end to end: scripts/demo.sh builds the demo PKI and registry,
# publishes the three lists and serves them; the lists downloaded over HTTPS
# verify with vntl-validate, the admin API answers a staff certificate, and a
# second run reuses the registry (nothing due, same sequence).
set -eu
demo=$VNTL_TMP/demo
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
pid=
stop() { [ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null; pid=; }
trap stop EXIT INT TERM

start_demo() {
	VNTL_DEMO_DIR=$demo VNTL_DEMO_PORT=$port sh "$VNTL_SRC/scripts/demo.sh" "$VNTL_BUILD" \
		>"$VNTL_TMP/demo.log" 2>&1 &
	pid=$!
	i=0
	until grep -q 'event=listening' "$VNTL_TMP/demo.log"; do
		i=$((i + 1))
		if [ $i -gt 600 ] || ! kill -0 "$pid" 2>/dev/null; then
			cat "$VNTL_TMP/demo.log"; echo "FAIL: the demo server did not start"; exit 1
		fi
		sleep 0.1
	done
}

start_demo
curl -sf --cacert "$demo/tls/server.pem" "https://localhost:$port/index.json" > "$VNTL_TMP/index.json"
for list in roots foreign pointer; do
	"$VNTL_BUILD/vntl-validate" list "https://localhost:$port/$list.xml" \
		--signer "$demo/pki/list-signer.pem" --ca-file "$demo/tls/server.pem" \
		--cache-dir "$VNTL_TMP/cache" --schema-dir "$VNTL_SRC/schema/vntl-tsl-profile.xsd" \
		|| { echo "FAIL: $list.xml served by the demo does not validate"; exit 1; }
done
# Every demo certificate is in the registry: 2 roots + 3 public CAs + 4 foreign.
roots=$(grep -c 'BEGIN CERTIFICATE' "$demo/publication/roots.pem")
[ "$roots" -eq 5 ] || { echo "FAIL: roots.pem holds $roots anchors, expected 5"; exit 1; }
curl -sf --cacert "$demo/tls/server.pem" --cert "$demo/tls/officer.pem" --key "$demo/tls/officer.key" \
	"https://localhost:$port/admin/api/certificates" > "$VNTL_TMP/certs.json"
count=$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["certificates"]))' "$VNTL_TMP/certs.json")
[ "$count" -eq 9 ] || { echo "FAIL: admin API lists $count certificates, expected 9"; exit 1; }
grep -q DEMO "$VNTL_TMP/certs.json" || { echo "FAIL: demo certificates are not marked DEMO"; exit 1; }
stop

# Second run: the registry is kept and nothing is due, so nothing is republished.
seq_before=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["lists"]["roots"]["sequence"])' "$VNTL_TMP/index.json")
start_demo
grep -q 'nothing due' "$VNTL_TMP/demo.log" || { echo "FAIL: second demo run republished"; exit 1; }
seq_after=$(curl -sf --cacert "$demo/tls/server.pem" "https://localhost:$port/index.json" |
	python3 -c 'import json,sys; print(json.load(sys.stdin)["lists"]["roots"]["sequence"])')
[ "$seq_before" = "$seq_after" ] || { echo "FAIL: sequence moved from $seq_before to $seq_after"; exit 1; }
echo "demo: served, validated, 9 certificates, rerun kept sequence $seq_after"
