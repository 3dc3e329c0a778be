# vntld: Range requests on lists, archive versions and certificates (206,
# 416, several ranges answered 200 whole, If-Range), an interrupted 8 MB
# download resumed with curl -C -; paths holding a NUL (raw or %00) or a
# byte no published name has are refused 400, never served as another name.
set -eu
. "$VNTL_SRC/tests/lib/web_server.sh"
pub="$VNTL_TMP/pub"
sh "$VNTL_SRC/tests/lib/web_publish.sh" "$pub" 1 --pad 8000000
sh "$VNTL_SRC/tests/lib/web_publish.sh" "$pub" 2 --pad 8000000
sh "$VNTL_SRC/tests/lib/web_make_tls.sh" "$VNTL_TMP/tls" server
web_start --publication-dir "$pub" --signer-cert "$pub.keys/pki/list-signer.pem" \
	--tls-cert "$VNTL_TMP/tls/server.pem" --tls-key "$VNTL_TMP/tls/server.key"
size=$(stat -c %s "$pub/roots.xml")
[ "$size" -gt 8000000 ] || web_fail "fixture: roots.xml is only $size bytes"
etag=$(curl -sk -D - -o /dev/null "$URL/roots.xml" | tr -d '\r' | sed -n 's/^[Ee][Tt]ag: //p')
[ -n "$etag" ] || web_fail "no ETag on roots.xml"

# --- one range: 206 with Content-Range and exactly those bytes
curl -sk -r 100-199 -D "$VNTL_TMP/h" -o "$VNTL_TMP/part" "$URL/roots.xml"
head -n 1 "$VNTL_TMP/h" | grep -q ' 206' || web_fail "range: $(head -n 1 "$VNTL_TMP/h")"
grep -qi "^content-range: bytes 100-199/$size" "$VNTL_TMP/h" || web_fail "Content-Range: $(grep -i content-range "$VNTL_TMP/h")"
dd if="$pub/roots.xml" bs=1 skip=100 count=100 2>/dev/null | cmp -s - "$VNTL_TMP/part" || web_fail "range bytes differ"
# a suffix range, and an end past the file's
curl -sk -r -10 -o "$VNTL_TMP/tail" "$URL/roots.xml"
tail -c 10 "$pub/roots.xml" | cmp -s - "$VNTL_TMP/tail" || web_fail "suffix range bytes differ"
[ "$(web_status "$URL/roots.xml" -r "$((size - 5))-$((size + 100))")" = 206 ] || web_fail "range past the end not cut"
# unsatisfiable: 416 with bytes */size
curl -sk -r "$size-" -D "$VNTL_TMP/h" -o /dev/null "$URL/roots.xml"
head -n 1 "$VNTL_TMP/h" | grep -q ' 416' || web_fail "unsatisfiable: $(head -n 1 "$VNTL_TMP/h")"
grep -qi "^content-range: bytes \*/$size" "$VNTL_TMP/h" || web_fail "416 without Content-Range"
# several ranges: the whole file, 200
[ "$(web_status "$URL/index.json" -r 0-1,5-6)" = 200 ] || web_fail "multi-range not answered 200"
[ "$(curl -sk -r 0-1,5-6 "$URL/index.json" | cmp -s - "$pub/index.json" && echo same)" = same ] || web_fail "multi-range body is not the whole file"
# If-Range: the current tag applies the range, another one gets the whole file
[ "$(web_status "$URL/roots.xml" -r 0-9 -H "If-Range: $etag")" = 206 ] || web_fail "If-Range with the current tag ignored"
[ "$(web_status "$URL/roots.xml" -r 0-9 -H 'If-Range: "0000"')" = 200 ] || web_fail "If-Range with an old tag still gave a part"

# --- archive version and certificate
[ "$(web_status "$URL/roots/1.xml" -r 0-99)" = 206 ] || web_fail "archive version: no 206"
curl -sk -r 5-14 -o "$VNTL_TMP/apart" "$URL/roots/1.xml"
dd if="$pub/roots/1.xml" bs=1 skip=5 count=10 2>/dev/null | cmp -s - "$VNTL_TMP/apart" || web_fail "archive range bytes differ"
curl -sk -r 0-9 -D "$VNTL_TMP/h" -o /dev/null "$URL/roots/1.xml"
grep -qi '^cache-control: .*immutable' "$VNTL_TMP/h" || web_fail "archive 206 without its Cache-Control"
cert=$(ls "$pub/certs" | head -n 1)
[ "$(web_status "$URL/certs/$cert" -r 0-9)" = 206 ] || web_fail "certificate: no 206"

# --- an interrupted 8 MB download resumes where it stopped
curl -sk -r 0-3000000 -o "$VNTL_TMP/resumed" "$URL/roots.xml"
curl -sk -C - -o "$VNTL_TMP/resumed" "$URL/roots.xml"
cmp -s "$pub/roots.xml" "$VNTL_TMP/resumed" || web_fail "resumed download differs from roots.xml"

# --- paths: a NUL, raw or %00, or a byte no published name has: 400
for path in '/index.json%00' '/index.json%00.txt' '/index.json%20' '/r%C3%A9sum%C3%A9.xml' '/roots.xml%0a'; do
	[ "$(web_status "$URL$path")" = 400 ] || web_fail "$path answered $(web_status "$URL$path")"
done
[ "$(web_status "$URL/roots%2exml")" = 200 ] || web_fail "an escaped dot in a published name refused"
python3 - "$PORT" >"$VNTL_TMP/raw" <<'PY'
import socket, ssl, sys
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
ctx.check_hostname = False
ctx.verify_mode = ssl.CERT_NONE
for line in (b"GET /index.json\x00.txt HTTP/1.1", b"GET /index.json\x00 HTTP/1.1"):
    with ctx.wrap_socket(socket.create_connection(("127.0.0.1", int(sys.argv[1])))) as s:
        s.sendall(line + b"\r\nHost: x\r\nConnection: close\r\n\r\n")
        print(s.recv(64).split(b"\r\n")[0].decode())
PY
[ "$(grep -c ' 400 ' "$VNTL_TMP/raw")" = 2 ] || web_fail "raw NUL in the path: $(cat "$VNTL_TMP/raw")"
[ "$(web_status "$URL/index.json")" = 200 ] || web_fail "index.json no longer served"
web_stop
echo "web_range: ok"
