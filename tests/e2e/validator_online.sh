#!/bin/sh
# Online revocation: OCSP against a real `openssl ocsp` responder on
# 127.0.0.1 (AIA), and CRLs fetched from a CRL distribution point (http
# server on 127.0.0.1) with the cache directory used when it is down.
set -eu
. "$VNTL_SRC/tests/lib/validator_e2e.sh"
. "$VNTL_SRC/tests/lib/validator_pki.sh"
P="$VNTL_TMP/pki"
mkdir -p "$P/www"
OCSP_PID="" www_PID=""
cleanup() {
	[ -z "$OCSP_PID" ] || kill "$OCSP_PID" 2>/dev/null || true
	[ -z "$www_PID" ] || kill "$www_PID" 2>/dev/null || true
}
trap cleanup EXIT INT TERM

pki_init "$P"
start_http_server "$P/www" www
ocsp_port=$(free_port)
cat >>"$P/ca.cnf" <<CNF
[v3_aia]
basicConstraints = CA:false
keyUsage = critical,digitalSignature,nonRepudiation
authorityInfoAccess = OCSP;URI:http://127.0.0.1:$ocsp_port/
authorityKeyIdentifier = keyid
[v3_cdp]
basicConstraints = CA:false
keyUsage = critical,digitalSignature,nonRepudiation
crlDistributionPoints = URI:http://127.0.0.1:$www_PORT/inter.crl
authorityKeyIdentifier = keyid
CNF
pki_issue "$P" inter responder v3_ocsp
pki_issue "$P" inter ocspgood v3_aia
pki_issue "$P" inter ocsprevoked v3_aia
pki_issue "$P" inter cdpgood v3_cdp
pki_issue "$P" inter cdprevoked v3_cdp
pki_revoke inter ocsprevoked
pki_revoke inter cdprevoked
pki_crl root "$P/root.crl"
pki_crl inter "$P/www/inter.crl"

# (openssl ocsp 3.0 cannot bind one address; the port is random and short-lived)
openssl ocsp -index "$P/index.txt" -port "$ocsp_port" -rsigner "$P/responder.pem" \
	-rkey "$P/responder.key" -CA "$P/inter.pem" -nmin 10 >"$VNTL_TMP/ocsp.log" 2>&1 &
OCSP_PID=$!
i=0
# wait for it to listen (any probe connection would occupy the one-at-a-time responder)
until grep -q "waiting for OCSP client" "$VNTL_TMP/ocsp.log" || [ $i -ge 50 ]; do
	sleep 0.1; i=$((i + 1))
done

A="--anchors $P/root.pem --untrusted $P/inter.pem --crl $P/root.crl"
now=$(iso_days_from_now 0)
soon=$(iso_days_from_now 1)
expect 0 "revocation: ocsp:http://127.0.0.1:$ocsp_port/" -- "$VV" chain "$P/ocspgood.pem" $A --at "$now"
expect 1 "FAILED/REVOKED" -- "$VV" chain "$P/ocsprevoked.pem" $A --at "$soon"
expect 0 "PASSED" -- "$VV" chain "$P/ocsprevoked.pem" $A --at 2023-01-01T00:00:00Z
# An anchor that is not self-signed (a public CA's certificate in the roots
# list): its status is the list's; no CRL of its issuer is asked for.
expect 0 "PASSED" -- "$VV" chain "$P/ocspgood.pem" --anchors "$P/inter.pem" --at "$now" \
	--revocation require
expect 1 "FAILED/REVOKED" -- "$VV" chain "$P/ocsprevoked.pem" --anchors "$P/inter.pem" --at "$soon"
# --offline: nobody is asked, so nothing is known about the leaf
expect 2 "TRY_LATER" -- "$VV" chain "$P/ocspgood.pem" $A --at "$now" --offline

C="--cache-dir $VNTL_TMP/cache"
expect 0 "revocation: crl:" -- "$VV" chain "$P/cdpgood.pem" $A --at "$now" $C
expect 1 "FAILED/REVOKED" -- "$VV" chain "$P/cdprevoked.pem" $A --at "$soon" $C
grep -q "GET /inter.crl" "$VNTL_TMP/www.log" || { echo "FAIL: the CRL was never fetched"; failures=$((failures + 1)); }

# Servers down: the OCSP answer cannot be had (INDETERMINATE), the cached CRL still serves.
kill "$OCSP_PID" "$www_PID" 2>/dev/null || true
wait "$OCSP_PID" "$www_PID" 2>/dev/null || true
OCSP_PID="" www_PID=""
expect 2 "INDETERMINATE/TRY_LATER" -- "$VV" chain "$P/ocspgood.pem" $A --at "$now"
expect 0 "PASSED" -- "$VV" chain "$P/cdpgood.pem" $A --at "$now" $C
expect 2 "INDETERMINATE/TRY_LATER" -- "$VV" chain "$P/cdpgood.pem" $A --at "$now" \
	--cache-dir "$VNTL_TMP/empty-cache"
finish
