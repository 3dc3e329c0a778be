# The API side of vntld, end to end over TLS on 127.0.0.1:
# registry and password work run on the API workers, so a held registry
# lock or a burst of provider logins leaves public GETs fast and a full API
# queue answers 503 busy; cross-site admin requests are refused; a flood of
# requests without a certificate adds a handful of audit entries (counted in
# /metrics); ambiguous request framing is answered 400 and the connection
# closed, the smuggled request never answered; libmicrohttpd's own errors
# reach the log.
set -eu
. "$VNTL_SRC/tests/lib/web_server.sh"
T="$VNTL_TMP"
PROBE="$VNTL_SRC/tests/lib/web_api_probe.py"
sh "$VNTL_SRC/tests/lib/web_make_client_certs.sh" "$T/cc"
sh "$VNTL_SRC/tests/lib/web_make_tls.sh" "$T/tls" server
fp() { openssl x509 -in "$1" -outform DER | sha256sum | cut -c1-64; }
sh "$VNTL_SRC/tests/lib/web_publish.sh" "$T/pub" 1 >/dev/null
conf() { # file, extra lines
	cat >"$1" <<CONF
db = $T/registry.db
server.publication_dir = $T/pub
server.tls_cert = $T/tls/server.pem
server.tls_key = $T/tls/server.key
server.client_ca = $T/cc/ca.pem
server.signer_cert = $T/pub.keys/pki/list-signer.pem
$2
CONF
}
V() { "$VNTL_BUILD/vntl" --config "$T/small.conf" "$@"; }
conf "$T/small.conf" "server.api_threads = 1
server.api_queue = 2"
conf "$T/default.conf" ""
V init >/dev/null
V user add olga --role officer >/dev/null
V --as olga user add kiet --role auditor >/dev/null
V --as olga user add tam --role officer --cert-sha256 "$(fp "$T/cc/staff.pem")" >/dev/null
V --as olga tsp add --kind foreign --name-vi "Nhà cung cấp" --name-en "Foreign DEMO" --country FR \
	--street "1 rue" --locality "Paris" --email demo@example.fr --uri https://example.fr >/dev/null
printf 'a provider secret\n' >"$T/secret"
V --as olga user add sp-demo --role provider --tsp 1 --secret-file "$T/secret" >/dev/null
sql_int() { # query -> first column of the first row
	python3 -c 'import sqlite3, sys; print(sqlite3.connect(sys.argv[1]).execute(sys.argv[2]).fetchone()[0])' \
		"$T/registry.db" "$1"
}
audit_fail_rows() { sql_int "SELECT count(*) FROM audit WHERE action = 'auth.fail'"; }

# One API worker, two places in the queue, one serving thread: the registry's
# write lock held by another process for 4 s.
web_start --config "$T/small.conf" --threads 1
python3 "$PROBE" stall "$PORT" "$T/registry.db" || web_fail "registry lock stalled the public side"
grep -q 'api_threads=1 api_queue=2' "$VNTLD_LOG" || web_fail "API pool settings not logged"
web_stop

web_start --config "$T/default.conf" --threads 1
python3 "$PROBE" logins "$PORT" 12 sp-demo "a provider secret" || web_fail "provider logins stalled the public side"

# Cross-site requests: refused before any registry work; the service's own
# origin and JSON pass (the approval then fails on its merits: no change 999).
admin() { # method path content-type [origin]
	if [ $# -gt 3 ]; then set -- "$@"; origin_hdr="Origin: $4"; else origin_hdr="X-No-Origin: 1"; fi
	curl -sk --cert "$T/cc/staff.pem" --key "$T/cc/staff.key" -X "$1" -H "Content-Type: $3" -H "$origin_hdr" \
		-d '{}' -w '\n%{http_code}' "$URL$2"
}
out=$(admin POST /admin/api/changes/999/approve text/plain)
[ "$(echo "$out" | tail -n 1)" = 403 ] && echo "$out" | grep -q cross-site-request || web_fail "text/plain accepted: $out"
out=$(admin POST /admin/api/changes/999/approve application/json https://evil.example)
[ "$(echo "$out" | tail -n 1)" = 403 ] && echo "$out" | grep -q cross-site-request || web_fail "foreign Origin accepted: $out"
out=$(admin POST /admin/api/changes/999/approve 'application/json; charset=utf-8' "https://127.0.0.1:$PORT")
[ "$(echo "$out" | tail -n 1)" = 403 ] && echo "$out" | grep -q '"error":"forbidden"' || web_fail "same-origin JSON request refused as cross-site (it reaches the registry, which refuses the officer the approver's role): $out"

# A flood without a client certificate: every request refused and counted,
# the audit log grows by one entry (and one summary at the latest on stop).
before=$(audit_fail_rows)
python3 "$PROBE" flood "$PORT" 500 || web_fail "flood"
after=$(audit_fail_rows)
[ $((after - before)) -le 2 ] || web_fail "500 refused requests added $((after - before)) audit entries"
curl -sk "$URL/metrics" | grep -q '^vntld_auth_failures_total{api="admin",reason="no-certificate"} 500$' ||
	web_fail "failures not counted in /metrics: $(curl -sk "$URL/metrics" | grep auth_failures)"

python3 "$PROBE" smuggle "$PORT" || web_fail "ambiguous framing accepted"
grep -q 'event=bad-framing' "$VNTLD_LOG" || web_fail "bad framing not logged"
# plain HTTP on the TLS port: libmicrohttpd's TLS error reaches the log
printf 'GET / HTTP/1.1\r\nHost: x\r\n\r\n' | timeout 5 python3 -c '
import socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
s.sendall(sys.stdin.buffer.read())
s.settimeout(3)
try:
    s.recv(100)
except OSError:
    pass' "$PORT"
i=0
while ! grep -q 'event=mhd-error msg=' "$VNTLD_LOG" && [ $i -lt 30 ]; do sleep 0.1; i=$((i + 1)); done
grep -q 'event=mhd-error msg=' "$VNTLD_LOG" || web_fail "libmicrohttpd errors not logged"
web_stop
# the summary of the flood is written at the latest when vntld stops
final=$(audit_fail_rows)
[ "$(sql_int "SELECT count(*) FROM audit WHERE action = 'auth.fail' AND detail LIKE '%\"count\":499}'")" = 1 ] ||
	web_fail "no summary entry counting the other 499 failures ($final auth.fail rows)"
V --as kiet audit verify >/dev/null || web_fail "audit chain broken"
echo "web_api_workers_and_framing: ok"
