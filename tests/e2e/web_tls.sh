# vntld TLS and limits: TLS 1.3 only by default (1.2 only when configured,
# 1.1 never); SIGHUP reloads the certificate without dropping an open
# connection; a bad key is refused and the old certificate kept; oversized
# requests refused; a silent client is timed out; SIGTERM drains.
set -eu
. "$VNTL_SRC/tests/lib/web_server.sh"
pub="$VNTL_TMP/pub"
sh "$VNTL_SRC/tests/lib/web_publish.sh" "$pub" 1
tls="$VNTL_TMP/tls"
sh "$VNTL_SRC/tests/lib/web_make_tls.sh" "$tls" one
sh "$VNTL_SRC/tests/lib/web_make_tls.sh" "$tls" two
cp "$tls/one.pem" "$tls/server.pem"; cp "$tls/one.key" "$tls/server.key"
fp() { openssl x509 -in "$1" -outform DER | sha256sum | cut -c1-64; }
served_fp() {
	openssl s_client -connect "127.0.0.1:$PORT" </dev/null 2>/dev/null |
		openssl x509 -outform DER 2>/dev/null | sha256sum | cut -c1-64
}
handshake() { # openssl s_client version flag -> 0 when the handshake succeeds
	openssl s_client -connect "127.0.0.1:$PORT" "$@" </dev/null >/dev/null 2>&1
}
common="--publication-dir $pub --signer-cert $pub.keys/pki/list-signer.pem --tls-cert $tls/server.pem --tls-key $tls/server.key"

# --- defaults: TLS 1.3 only
cat >"$VNTL_TMP/vntl.conf" <<CONF
server.connection_timeout = 2
server.memory_limit = 8192
CONF
web_start --config "$VNTL_TMP/vntl.conf" $common
handshake -tls1_3 || web_fail "TLS 1.3 refused"
handshake -tls1_2 && web_fail "TLS 1.2 accepted by default"
handshake -tls1_1 -cipher 'DEFAULT:@SECLEVEL=0' && web_fail "TLS 1.1 accepted"

# --- SIGHUP: open connection kept, new connections see the new certificate
[ "$(served_fp)" = "$(fp "$tls/one.pem")" ] || web_fail "not serving certificate one"
python3 "$VNTL_SRC/tests/lib/web_keepalive.py" "$PORT" "$VNTL_TMP/reloaded" >"$VNTL_TMP/ka.out" &
ka=$!
i=0; until grep -q before "$VNTL_TMP/ka.out" 2>/dev/null; do sleep 0.05; i=$((i+1)); [ $i -lt 200 ] || web_fail "keep-alive client did not connect"; done
cp "$tls/two.pem" "$tls/server.pem"; cp "$tls/two.key" "$tls/server.key"
kill -HUP "$VNTLD_PID"
i=0; until grep -q 'event=tls-reloaded' "$VNTLD_LOG"; do sleep 0.05; i=$((i+1)); [ $i -lt 200 ] || web_fail "no reload"; done
[ "$(served_fp)" = "$(fp "$tls/two.pem")" ] || web_fail "new connections do not see certificate two"
touch "$VNTL_TMP/reloaded"
wait "$ka" || web_fail "open connection dropped by the reload: $(cat "$VNTL_TMP/ka.out")"
grep -q "^after $(fp "$tls/one.pem") 200$" "$VNTL_TMP/ka.out" || web_fail "open connection: $(cat "$VNTL_TMP/ka.out")"

# --- a key that does not belong to the certificate: refused, old one kept
cp "$tls/one.key" "$tls/server.key"
kill -HUP "$VNTLD_PID"
i=0; until grep -q 'event=tls-reload-failed' "$VNTLD_LOG"; do sleep 0.05; i=$((i+1)); [ $i -lt 200 ] || web_fail "bad key not reported"; done
grep 'event=tls-reload-failed' "$VNTLD_LOG" | grep -q 'does not belong' || web_fail "reason not given"
[ "$(served_fp)" = "$(fp "$tls/two.pem")" ] || web_fail "certificate changed after a bad reload"
cp "$tls/two.key" "$tls/server.key"

# --- request size limit: a 20 KB header does not fit the 8 KB buffer
big=$(head -c 20000 /dev/zero | tr '\0' a)
code=$(web_status "$URL/index.json" -H "X-Big: $big")
case "$code" in 413|431|400) ;; *) web_fail "oversized request answered $code" ;; esac
[ "$(web_status "$URL/index.json")" = 200 ] || web_fail "server unwell after an oversized request"

# --- a client that connects and says nothing is dropped after the timeout,
# and so is one that sends half a request
took=$(python3 "$VNTL_SRC/tests/lib/web_silent_client.py" "$PORT" 8)
[ "$took" -lt 6 ] || web_fail "silent client held its connection for ${took}s (timeout 2s)"
took=$(python3 "$VNTL_SRC/tests/lib/web_silent_client.py" "$PORT" 8 'GET /index.json HTTP/1.1\r\nHost: x\r\n')
[ "$took" -lt 6 ] || web_fail "slow client held its connection for ${took}s (timeout 2s)"
web_stop

# --- TLS 1.2 when configured, never 1.1
web_start $common --tls12 1
handshake -tls1_2 || web_fail "TLS 1.2 refused although configured"
handshake -tls1_3 || web_fail "TLS 1.3 refused with TLS 1.2 on"
handshake -tls1_1 -cipher 'DEFAULT:@SECLEVEL=0' && web_fail "TLS 1.1 accepted with TLS 1.2 on"
# only AEAD suites with forward secrecy
handshake -tls1_2 -cipher 'AES128-SHA256' && web_fail "non-ECDHE CBC suite accepted"
web_stop

# --- bad configuration is refused with a reason
"$VNTL_BUILD/vntld" --port 0 --publication-dir "$pub" 2>"$VNTL_TMP/err" && web_fail "started without a certificate"
grep -q 'tls_cert' "$VNTL_TMP/err" || web_fail "missing certificate not named"
"$VNTL_BUILD/vntld" --port 0 --publication-dir "$pub" --tls-cert "$tls/server.pem" --tls-key "$tls/server.key" \
	2>"$VNTL_TMP/err" && web_fail "started without a list signer to verify with"
grep -q 'server.signer_cert' "$VNTL_TMP/err" || web_fail "missing list signer not named"
"$VNTL_BUILD/vntld" --port 0 $common --signer-cert "$tls/server.key" 2>"$VNTL_TMP/err" &&
	web_fail "started with a list signer that is not a certificate"
grep -q 'server.signer_cert' "$VNTL_TMP/err" || web_fail "bad list signer not named"
"$VNTL_BUILD/vntld" $common --tls12 maybe 2>"$VNTL_TMP/err" && web_fail "accepted --tls12 maybe"
grep -q "server.tls12" "$VNTL_TMP/err" || web_fail "bad tls12 not named"
echo "web_tls: ok"
