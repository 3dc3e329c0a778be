#!/bin/sh
# Loading a list from https:// (a local TLS server on 127.0.0.1 whose CA is
# trusted through --ca-file): TLS verification, conditional GET against the
# cache directory (304), fallback to the cached copy when the server is
# down (and saying so), refusal without a cache, and plain http refused.
set -eu
. "$VNTL_SRC/tests/lib/validator_e2e.sh"
. "$VNTL_SRC/tests/lib/validator_pki.sh"
P="$VNTL_TMP/pki"
mkdir -p "$P/www"
www_PID=""
trap '[ -z "$www_PID" ] || kill "$www_PID" 2>/dev/null || true' EXIT INT TERM
pki_init "$P"
pki_issue "$P" root tls v3_tls
cat "$P/tls.pem" "$P/inter.pem" >"$P/tls-chain.pem"
python3 "$VNTL_SRC/tests/lib/validator_tsl.py" "$P/list.tpl" "$P/signer.pem" 9 \
	"$(iso_days_from_now -1)" "$(iso_days_from_now 30)" "$P/root.pem|CA/PKC|granted@2021-01-01T00:00:00Z"
pki_sign_list "$P/list.tpl" "$P/www/list.xml" 2>/dev/null
start_http_server "$P/www" www "$P/tls-chain.pem" "$P/tls.key"
URL="https://127.0.0.1:$www_PORT/list.xml"
C="--cache-dir $VNTL_TMP/cache"
L="--signer $P/signer.pem --schema-dir $XSD"

# TLS verification is on: without our test CA the server is not trusted.
expect 3 "fetch-failed" -- "$VV" list "$URL" $L $C
expect 0 "sequence 9" -- "$VV" list "$URL" $L $C --ca-file "$P/root.pem"
grep -q "status=200" "$VNTL_TMP/stderr" || { echo "FAIL: no 200 logged"; failures=$((failures + 1)); }
expect 0 "sequence 9" -- "$VV" list "$URL" $L $C --ca-file "$P/root.pem"
grep -q "status=304" "$VNTL_TMP/stderr" || { echo "FAIL: conditional GET did not give 304"; failures=$((failures + 1)); }
grep -q '"GET /list.xml HTTP/1.1" 304' "$VNTL_TMP/www.log" || { echo "FAIL: server saw no 304"; failures=$((failures + 1)); }
expect 3 "insecure-url" -- "$VV" list "http://127.0.0.1:$www_PORT/list.xml" $L $C

# Following a pointer: a list of lists names the URL of the national list and the
# certificate allowed to sign it; the national list is fetched from there.
pki_issue "$P" self natsigner v3_sign 2048
pki_issue "$P" inter leaf v3_sign
python3 "$VNTL_SRC/tests/lib/validator_tsl.py" "$P/nat.tpl" "$P/natsigner.pem" 4 \
	"$(iso_days_from_now -1)" "$(iso_days_from_now 30)" "$P/root.pem|CA/PKC|granted@2021-01-01T00:00:00Z"
pki_sign_list "$P/nat.tpl" "$P/www/nat.xml" natsigner 2>/dev/null
pointer_cert=$(openssl x509 -in "$P/natsigner.pem" -outform DER | base64 -w0)
pointers="<PointersToOtherTSL><OtherTSLPointer><ServiceDigitalIdentities><ServiceDigitalIdentity>\
<DigitalId><X509Certificate>$pointer_cert</X509Certificate></DigitalId></ServiceDigitalIdentity>\
</ServiceDigitalIdentities><TSLLocation>https://127.0.0.1:$www_PORT/nat.xml</TSLLocation>\
<AdditionalInformation><OtherInformation><SchemeTerritory>VN</SchemeTerritory></OtherInformation>\
</AdditionalInformation></OtherTSLPointer></PointersToOtherTSL>"
VNTL_TSL_SCHEME_EXTRA="$pointers" python3 "$VNTL_SRC/tests/lib/validator_tsl.py" "$P/lotl.tpl" \
	"$P/signer.pem" 2 "$(iso_days_from_now -1)" "$(iso_days_from_now 30)"
pki_sign_list "$P/lotl.tpl" "$P/lotl.xml" 2>/dev/null
expect 0 "sequence 4" -- "$VV" list "$P/lotl.xml" $L --pointed VN= --ca-file "$P/root.pem"
expect 0 "PASSED" -- "$VV" chain "$P/leaf.pem" --untrusted "$P/inter.pem" --list "$P/lotl.xml" $L \
	--pointed VN= --ca-file "$P/root.pem" --revocation none
# The national list re-signed by the LOTL's own signer is not what the pointer allows.
python3 "$VNTL_SRC/tests/lib/validator_tsl.py" "$P/nat2.tpl" "$P/signer.pem" 5 \
	"$(iso_days_from_now -1)" "$(iso_days_from_now 30)" "$P/root.pem|CA/PKC|granted@2021-01-01T00:00:00Z"
pki_sign_list "$P/nat2.tpl" "$P/www/nat.xml" signer 2>/dev/null
expect 1 "signer-not-pinned" -- "$VV" list "$P/lotl.xml" $L --pointed VN= --ca-file "$P/root.pem"

# A tampered list served later is refused and does not replace the cached good copy.
cp "$P/www/list.xml" "$P/good.xml"
python3 "$VNTL_SRC/tests/lib/validator_hostile.py" tamper "$P/good.xml" "$P/www/list.xml"
touch -d "@$(( $(date +%s) + 10 ))" "$P/www/list.xml"
expect 1 "signature-invalid" -- "$VV" list "$URL" $L $C --ca-file "$P/root.pem"

# Server down: the cached (good) copy is used while the list itself is fresh, and that is said.
kill "$www_PID"; wait "$www_PID" 2>/dev/null || true; www_PID=""
expect 0 "the cached copy was used" -- "$VV" list "$URL" $L $C --ca-file "$P/root.pem"
grep -q "fetch-failed-using-cache" "$VNTL_TMP/stderr" || { echo "FAIL: fallback not logged"; failures=$((failures + 1)); }
# ... but not once the cached list's NextUpdate has passed.
expect 1 "list-expired" -- "$VV" list "$URL" $L $C --ca-file "$P/root.pem" --at "$(iso_days_from_now 60)"
expect 3 "fetch-failed" -- "$VV" list "$URL" $L --cache-dir "$VNTL_TMP/empty" --ca-file "$P/root.pem"
finish
