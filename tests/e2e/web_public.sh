# vntld public side: every published file with its type, ETag, caching
# headers; conditional GET and HEAD; 404, 405 and traversal attempts; the
# page, /healthz and /metrics.
set -eu
. "$VNTL_SRC/tests/lib/web_server.sh"
pub="$VNTL_TMP/pub"
sh "$VNTL_SRC/tests/lib/web_publish.sh" "$pub" 1
sh "$VNTL_SRC/tests/lib/web_publish.sh" "$pub" 2
sh "$VNTL_SRC/tests/lib/web_make_tls.sh" "$VNTL_TMP/tls" server
web_start --publication-dir "$pub" --signer-cert "$pub.keys/pki/list-signer.pem" \
	--tls-cert "$VNTL_TMP/tls/server.pem" --tls-key "$VNTL_TMP/tls/server.key"

check_file() { # url-path, expected content type
	sha=$(sha256sum "$pub/$1" | cut -c1-64)
	[ "$1" = roots.xml ] && sha=$(sha256sum "$pub/roots/2.xml" | cut -c1-64)
	curl -sk -D "$VNTL_TMP/h" -o "$VNTL_TMP/body" "$URL/$1"
	grep -qi "^HTTP/1.1 200" "$VNTL_TMP/h" || web_fail "$1: not 200"
	grep -qi "^content-type: $2" "$VNTL_TMP/h" || web_fail "$1: content type is not $2"
	grep -qi "^etag: \"$sha\"" "$VNTL_TMP/h" || web_fail "$1: ETag is not its SHA-256"
	grep -qi "^last-modified: " "$VNTL_TMP/h" || web_fail "$1: no Last-Modified"
	grep -qi "^cache-control: public" "$VNTL_TMP/h" || web_fail "$1: no Cache-Control"
	[ "$(sha256sum <"$VNTL_TMP/body" | cut -c1-64)" = "$sha" ] || web_fail "$1: wrong bytes"
	# HEAD: same headers, no body
	curl -sk -I -o /dev/null -D "$VNTL_TMP/hh" "$URL/$1"
	grep -qi "^etag: \"$sha\"" "$VNTL_TMP/hh" || web_fail "$1: HEAD without the ETag"
	printf 'HEAD /%s HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n' "$1" |
		openssl s_client -quiet -connect "127.0.0.1:$PORT" 2>/dev/null >"$VNTL_TMP/raw"
	grep -q "^Content-Length: $(wc -c <"$VNTL_TMP/body")" "$VNTL_TMP/raw" || web_fail "$1: HEAD without Content-Length"
	[ "$(tail -c 4 "$VNTL_TMP/raw" | od -An -c | tr -d ' ')" = '\r\n\r\n' ] || web_fail "$1: HEAD sent a body"
	# Conditional GET: by tag, by date, and a stale tag gets the file.
	[ "$(web_status "$URL/$1" -H "If-None-Match: \"$sha\"")" = 304 ] || web_fail "$1: If-None-Match not 304"
	lm=$(sed -n 's/^[Ll]ast-[Mm]odified: \(.*\)\r$/\1/p' "$VNTL_TMP/h")
	[ "$(web_status "$URL/$1" -H "If-Modified-Since: $lm")" = 304 ] || web_fail "$1: If-Modified-Since not 304"
	[ "$(web_status "$URL/$1" -H 'If-None-Match: "0000"')" = 200 ] || web_fail "$1: stale tag not 200"
}
check_file roots.xml application/vnd.etsi.tsl+xml
check_file foreign/1.xml application/vnd.etsi.tsl+xml
check_file pointer/2.xml application/vnd.etsi.tsl+xml
check_file index.json application/json
check_file roots.pem application/x-pem-file
cert=$(cd "$pub/certs" && ls | head -n 1)
check_file "certs/$cert" application/pkix-cert
curl -sk -D- -o /dev/null "$URL/roots/1.xml" | grep -qi '^cache-control: .*immutable' || web_fail "archive is not immutable"

# Unknown names and every traversal form are 404; nothing else is read.
echo secret >"$VNTL_TMP/secret.txt"
for p in /nothing /roots/3.xml /roots /certs/ /../secret.txt /%2e%2e/secret.txt /roots/..%2f..%2fsecret.txt \
	/roots/../index.json//etc/passwd /.%2e/.%2e/etc/passwd /roots.keys/ ; do
	code=$(curl -sk --path-as-is -o "$VNTL_TMP/b" -w '%{http_code}' "$URL$p")
	[ "$code" = 404 ] || web_fail "$p answered $code"
	grep -q '"error":"not-found"' "$VNTL_TMP/b" || web_fail "$p: no JSON error"
done
# A NUL can appear in no name: 400 bad-path (issue 17; tests/e2e/web_range.sh has more)
code=$(curl -sk -o "$VNTL_TMP/b" -w '%{http_code}' "$URL/index.json%00")
[ "$code" = 400 ] && grep -q '"error":"bad-path"' "$VNTL_TMP/b" || web_fail "/index.json%00 answered $code"
# A raw request line with .. (no client normalisation at all)
printf 'GET /../secret.txt HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n' |
	openssl s_client -quiet -connect "127.0.0.1:$PORT" 2>/dev/null | head -n 1 | grep -q ' 404' ||
	web_fail "raw /../ not 404"
[ "$(web_status "$URL/roots.xml" -X POST -d x)" = 405 ] || web_fail "POST not 405"
[ "$(web_status "$URL/roots.xml" -X DELETE)" = 405 ] || web_fail "DELETE not 405"

# The page, health and metrics.
curl -sk -D "$VNTL_TMP/h" "$URL/" -o "$VNTL_TMP/page"
grep -qi '^content-type: text/html; charset=utf-8' "$VNTL_TMP/h" || web_fail "page type"
grep -q 'Danh sách tin cậy' "$VNTL_TMP/page" || web_fail "page has no Vietnamese title"
grep -q "href=\"/certs/$cert\"" "$VNTL_TMP/page" || web_fail "page lacks a certificate link"
[ "$(web_status "$URL/healthz")" = 200 ] || web_fail "healthz not 200"
curl -sk "$URL/healthz" | grep -q '"status":"ok"' || web_fail "healthz not ok"
curl -sk "$URL/metrics" >"$VNTL_TMP/m"
grep -q '^vntld_list_sequence{list="roots"} 2$' "$VNTL_TMP/m" || web_fail "metrics: sequence"
grep -q '^vntld_requests_total{path="list",status="304"} [1-9]' "$VNTL_TMP/m" || web_fail "metrics: 304 count"
grep -q '^vntld_requests_total{path="unknown",status="404"} [1-9]' "$VNTL_TMP/m" || web_fail "metrics: 404 count"
grep -q '^vntld_tls_handshakes_total{resumed="false"} [1-9]' "$VNTL_TMP/m" || web_fail "metrics: handshakes"
grep -q '^vntld_list_next_update_seconds{list="roots"} [1-9]' "$VNTL_TMP/m" || web_fail "metrics: next update"
web_stop
echo "web_public: ok"
