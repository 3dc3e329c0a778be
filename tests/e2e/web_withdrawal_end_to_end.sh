# A root's withdrawal end to end (issue 5): vntld on 127.0.0.1 serving lists
# published from a demo registry. A list downloaded with curl passes
# vntl-validate; a poller sees 304; one officer proposes withdrawing the root
# and an approver approves it through the admin API (mutual TLS); an officer
# republishes through the admin API; the poller gets 200 with a new ETag and
# sequence; vntl-validate then fails a chain to that root at a time after the
# withdrawal and passes it at a time before.
set -eu
. "$VNTL_SRC/tests/lib/web_server.sh"
T="$VNTL_TMP"
# the official TS 119 612 schema (test data; a real install ships its own)
XSD="$VNTL_SHARED/tl/xsd/19612-libxml2.xsd"
sh "$VNTL_SRC/scripts/demo-pki.sh" "$T/pki" >/dev/null 2>&1
sh "$VNTL_SRC/tests/lib/web_make_client_certs.sh" "$T/cc"
sh "$VNTL_SRC/tests/lib/web_make_tls.sh" "$T/tls" server
fp() { openssl x509 -in "$1" -outform DER | sha256sum | cut -c1-64; }
cat >"$T/vntl.conf" <<CONF
db = $T/registry.db
publish.out = $T/pub
publish.key = $T/pki/list-signer.key
publish.cert = $T/pki/list-signer.pem
publish.base_url = https://127.0.0.1
server.publication_dir = $T/pub
server.tls_cert = $T/tls/server.pem
server.tls_key = $T/tls/server.key
server.client_ca = $T/cc/ca.pem
server.poll_interval_ms = 200
CONF
V() { "$VNTL_BUILD/vntl" --config "$T/vntl.conf" "$@"; }
V init >/dev/null
V user add olga --role officer >/dev/null
V --as olga user add tam --role officer --cert-sha256 "$(fp "$T/cc/staff.pem")" >/dev/null
V --as olga user add anh --role approver --cert-sha256 "$(fp "$T/cc/unknown.pem")" >/dev/null
V --as olga tsp add --kind neac --name-vi "Trung tâm DEMO" --name-en "DEMO NEAC" --country VN \
	--street "15 Tran Phu" --locality "Ha Noi" --email demo@rootca.gov.vn \
	--uri https://rootca.gov.vn >/dev/null
V --as olga cert import --tsp 1 --decision "QĐ 1/DEMO" --effective 2020-01-01 "$T/pki/neac-root.pem" >/dev/null
# A second root, so that roots.pem is not empty once NEAC's is withdrawn: the
# publisher trips UBSan on an empty anchor bundle (publisher/publish.c:147,
# memcpy from NULL), reported to its owner.
V --as olga tsp add --kind gov-ca --name-vi "Ban Cơ yếu DEMO" --name-en "DEMO Government CA" --country VN \
	--street "1 Ton That Thuyet" --locality "Ha Noi" --email demo@ca.gov.vn --uri https://ca.gov.vn >/dev/null
V --as olga cert import --tsp 2 --decision "QĐ 3/DEMO" --effective 2020-01-01 "$T/pki/gov-root.pem" >/dev/null
service=$(V --as olga --json cert list | python3 -c 'import json,sys; d=json.load(sys.stdin); d=d.get("certificates", d) if isinstance(d, dict) else d; print([c["service_id"] for c in d if "NEAC" in c["subject"]][0])')
web_start --config "$T/vntl.conf"
admin() { # cert-name method path [body]
	if [ $# -gt 3 ]; then
		curl -sk --cert "$T/cc/$1.pem" --key "$T/cc/$1.key" -X "$2" -H 'Content-Type: application/json' \
			-d "$4" -w '\n%{http_code}' "$URL$3"
	else
		curl -sk --cert "$T/cc/$1.pem" --key "$T/cc/$1.key" -X "$2" -w '\n%{http_code}' "$URL$3"
	fi
}
# Nothing published yet: files are 503, health says why; the first
# publication goes through the admin API too.
[ "$(web_status "$URL/roots.xml")" = 503 ] || web_fail "no publication yet but roots.xml not 503"
[ "$(web_status "$URL/healthz")" = 503 ] || web_fail "no publication yet but healthy"
out=$(admin staff POST /admin/api/publish '{}')
[ "$(echo "$out" | tail -n 1)" = 200 ] || web_fail "first publish: $out $(tail -n 5 "$VNTLD_LOG")"
web_wait_for "$URL/healthz" '"status":"ok"'

validate_chain() { # time -> exit status of vntl-validate
	rc=0
	"$VNTL_BUILD/vntl-validate" chain "$T/pki/public-ca-1.pem" --at "$1" --offline --revocation none \
		--list "$T/roots.xml" --signer "$T/pki/list-signer.pem" --schema-dir "$XSD" >"$T/chain.out" 2>&1 || rc=$?
	return $rc
}
curl -sk -o "$T/roots.xml" -D "$T/h1" "$URL/roots.xml"
"$VNTL_BUILD/vntl-validate" list "$T/roots.xml" --signer "$T/pki/list-signer.pem" --schema-dir "$XSD" >"$T/list.out" 2>&1 ||
	web_fail "downloaded list refused by vntl-validate: $(tail -n 3 "$T/list.out")"
etag1=$(sed -n 's/^[Ee][Tt][Aa][Gg]: \(.*\)\r$/\1/p' "$T/h1")
seq1=$(curl -sk "$URL/index.json" | python3 -c 'import json,sys; print(json.load(sys.stdin)["lists"]["roots"]["sequence"])')
[ "$(web_status "$URL/roots.xml" -H "If-None-Match: $etag1")" = 304 ] || web_fail "poller did not get 304"
before=$(date -u +%Y-%m-%dT%H:%M:%SZ)
validate_chain "$before" || web_fail "chain to the root refused before any change: $(tail -n 3 "$T/chain.out")"
sleep 2

out=$(admin staff POST /admin/api/changes "{\"service_id\":$service,\"status\":\"withdrawn\",\"reason\":\"e2e\",\"decision_ref\":\"QĐ 2/DEMO\"}")
[ "$(echo "$out" | tail -n 1)" = 201 ] || web_fail "propose: $out"
change=$(echo "$out" | head -n 1 | python3 -c 'import json,sys; print(json.load(sys.stdin)["change_id"])')
out=$(admin staff POST "/admin/api/changes/$change/approve" '{}')
[ "$(echo "$out" | tail -n 1)" = 403 ] || web_fail "the proposer (an officer, not an approver) approved its own change: $out"
out=$(admin unknown POST "/admin/api/changes/$change/approve" '{"note":"ok"}')
[ "$(echo "$out" | tail -n 1)" = 200 ] || web_fail "approve: $out"
after=$(date -u -d '+1 minute' +%Y-%m-%dT%H:%M:%SZ)

out=$(admin unknown POST /admin/api/publish '{}')
[ "$(echo "$out" | tail -n 1)" = 403 ] || web_fail "an approver published: $out"
out=$(admin staff POST /admin/api/publish '{"list":"all"}')
[ "$(echo "$out" | tail -n 1)" = 200 ] || web_fail "publish through the admin API: $out $(tail -n 5 "$VNTLD_LOG")"
web_wait_for "$URL/metrics" "^vntld_list_sequence{list=\"roots\"} $((seq1 + 1))\$"
curl -sk -o "$T/roots.xml" -D "$T/h2" -H "If-None-Match: $etag1" "$URL/roots.xml"
grep -q '^HTTP/1.1 200' "$T/h2" || web_fail "poller did not get 200 after the republication"
etag2=$(sed -n 's/^[Ee][Tt][Aa][Gg]: \(.*\)\r$/\1/p' "$T/h2")
[ -n "$etag2" ] && [ "$etag2" != "$etag1" ] || web_fail "ETag did not change"
grep -q "<TSLSequenceNumber>$((seq1 + 1))</TSLSequenceNumber>" "$T/roots.xml" || web_fail "sequence did not grow"
"$VNTL_BUILD/vntl-validate" list "$T/roots.xml" --signer "$T/pki/list-signer.pem" --schema-dir "$XSD" >/dev/null 2>&1 ||
	web_fail "republished list refused"
# After the withdrawal the root anchors nothing: no chain to a trusted
# service (ETSI TS 119 102-1 INDETERMINATE/NO_CERTIFICATE_CHAIN_FOUND, exit 2),
# and the reason names the withdrawn status.
rc=0; validate_chain "$after" || rc=$?
[ "$rc" -eq 2 ] || web_fail "chain after the withdrawal: exit $rc, not 2 (indeterminate): $(tail -n 3 "$T/chain.out")"
grep -q '^INDETERMINATE/NO_CERTIFICATE_CHAIN_FOUND: .*Svcstatus/withdrawn since' "$T/chain.out" ||
	web_fail "not refused for the withdrawal: $(head -n 3 "$T/chain.out")"
validate_chain "$before" || web_fail "chain refused before the withdrawal: $(tail -n 3 "$T/chain.out")"
grep -Eq '^  anchor: .*Svcstatus/granted( since .*ICT\))?$' "$T/chain.out" ||
	web_fail "before the withdrawal the anchor was not the granted root: $(head -n 8 "$T/chain.out")"
web_stop
echo "web_withdrawal_end_to_end: ok"
