#!/bin/sh
# Signing through PKCS#11 (issue 14): a SoftHSM2 token made here holds the
# list-signing keys, generated inside it and not exportable. vntl publish
# signs with RSA-3072 and with ECDSA P-256 keys of the token (PIN from
# publish.pin_file, then from VNTL_PKCS11_PIN, through SoftHSM2's module,
# then through the default p11-kit proxy); the lists verify with
# xmlsec1 and the independent oracle, the signed index.json (a JWS signed
# in the token too) with Python's cryptography and openssl. A wrong PIN, no PIN, a PIN in the
# configuration, a URI naming no key, a wrong object name, an RSA-2048 key,
# a missing module: refused, with the README's exit codes, and nothing
# published.
set -eu
. "$VNTL_SRC/tests/lib/publisher_e2e.sh"
. "$VNTL_SRC/tests/lib/pkcs11_token.sh"
cd "$VNTL_TMP"
V="$VNTL_BUILD/vntl"
fail() { echo "FAIL: $*"; exit 1; }
seq_of() { python3 -c "import json,sys;print(json.load(open('out/index.json'))['lists'][sys.argv[1]]['sequence'])" "$1"; }
state() { find out -type f | sort | xargs sha256sum 2>/dev/null | sha256sum; }
oracle=$(oracle_setup)

demo_registry "$VNTL_TMP" || fail "demo registry"
softhsm_token "$VNTL_TMP" neac-tl 2718
token_keygen neac-tl 2718 tl-rsa-3072 01 rsa:3072 || fail "RSA-3072 key generation"
token_keygen neac-tl 2718 tl-ec-p256 02 EC:prime256v1 || fail "P-256 key generation"
token_keygen neac-tl 2718 tl-rsa-2048 03 rsa:2048 || fail "RSA-2048 key generation"
for k in tl-rsa-3072 tl-ec-p256 tl-rsa-2048; do token_cert neac-tl 2718 $k $k.pem || fail "certificate of $k"; done

# the keys cannot leave the token, even for one who holds the PIN; a key
# made extractable (the control) can, so the check is not vacuous
for k in tl-rsa-3072 tl-ec-p256; do
	if /usr/bin/python3 "$VNTL_SRC/tests/lib/pkcs11_export.py" "$SOFTHSM_MODULE" neac-tl pin $k > export.txt; then
		fail "$k was exported: $(cat export.txt)"; fi
	grep -q "not exportable: CKA_SENSITIVE=True CKA_EXTRACTABLE=False;.*CKR_KEY_UNEXTRACTABLE" export.txt ||
		fail "$k: $(cat export.txt)"
done
pkcs11-tool --module "$SOFTHSM_MODULE" --token-label neac-tl --login --pin 2718 --keypairgen \
	--key-type EC:prime256v1 --label control --id 09 --extractable >/dev/null 2>&1
/usr/bin/python3 "$VNTL_SRC/tests/lib/pkcs11_export.py" "$SOFTHSM_MODULE" neac-tl pin control | grep -q "^exported:" ||
	fail "the export check cannot export even an extractable key"

# conf KEY_URI CERT [EXTRA LINE]: the configuration, signing with the token
# through $module (empty: the default, p11-kit's proxy, which offers the
# SoftHSM2 module registered with p11-kit)
module=$SOFTHSM_MODULE
conf() {
	cat > vntl.conf <<CONF
publish.out = $VNTL_TMP/out
publish.key = $1
publish.cert = $VNTL_TMP/$2
${module:+publish.pkcs11_module = $module}
publish.base_url = https://tl.demo.example.vn
${3:-}
CONF
}
verify_all() { # CERT: every current list verifies with xmlsec1 and the oracle
	for list in out/roots.xml out/foreign.xml out/pointer.xml; do
		xmlsec_verify "$1" "$list" || fail "xmlsec1 refuses $list signed with $1"
		node "$oracle/verify.mjs" "$list" --cert "$1" --at now > oracle.json ||
			fail "oracle refuses $list signed with $1: $(cat oracle.json)"
		grep -q '"valid":true' oracle.json || fail "oracle: $(cat oracle.json)"
	done
}
# refused WANT TEXT: vntl publish exits WANT naming TEXT, and out/ is unchanged.
refused() {
	before=$(state)
	set +e
	$V publish > stdout.txt 2> stderr.txt; got=$?
	set -e
	[ "$got" -eq "$1" ] || fail "exit $got, wanted $1 ($2): $(cat stderr.txt)"
	grep -qF -- "$2" stderr.txt || fail "no \"$2\" in: $(cat stderr.txt)"
	[ ! -s stdout.txt ] || fail "a refused publication printed: $(cat stdout.txt)"
	[ "$(state)" = "$before" ] || fail "a refused publication ($2) changed the published lists"
}

# jws_check CERT ALG: index.json is a JWS signed in the token (the key never
# left it) with CERT's key: verified by Python's cryptography, not vntl's code
jws_check() {
	alg=$(/usr/bin/python3 "$VNTL_SRC/tests/lib/jws_index.py" verify "$1" out/index.json) ||
		fail "the signed index made with $1 does not verify independently"
	[ "$alg" = "$2" ] || fail "index signed with $alg, wanted $2"
}

# 1. RSA-3072 in the token, PIN from publish.pin_file
conf "pkcs11:token=neac-tl;object=tl-rsa-3072" tl-rsa-3072.pem "publish.pin_file = $VNTL_TMP/pin"
$V publish > pub.txt 2> err.txt || fail "publish with the RSA-3072 token key: $(cat err.txt)"
[ "$(seq_of roots)" = 1 ] || fail "first sequence"
verify_all tl-rsa-3072.pem
grep -q 'SignatureMethod Algorithm="http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"' out/roots.xml ||
	fail "not an RSA-SHA256 signature"
jws_check tl-rsa-3072.pem RS256
# and with openssl on the signing input (RS256: PKCS#1 v1.5, SHA-256)
python3 - <<'PY2' || fail "cannot split the signed index"
import base64, json
o = json.load(open("out/index.json"))
open("jws-input", "w").write(o["protected"] + "." + o["payload"])
open("jws-sig", "wb").write(base64.urlsafe_b64decode(o["signature"] + "=" * (-len(o["signature"]) % 4)))
PY2
openssl x509 -in tl-rsa-3072.pem -noout -pubkey > tl-rsa-3072.pub
openssl dgst -sha256 -verify tl-rsa-3072.pub -signature jws-sig jws-input >/dev/null ||
	fail "openssl dgst -verify refuses the signed index"

# 2. ECDSA P-256, PIN from the environment, sha384, the default module
module=
conf "pkcs11:token=neac-tl;object=tl-ec-p256;type=private" tl-ec-p256.pem "publish.digest = sha384"
module=$SOFTHSM_MODULE
VNTL_PKCS11_PIN=2718 $V publish > pub.txt 2> err.txt || fail "publish with the P-256 token key: $(cat err.txt)"
[ "$(seq_of roots)" = 2 ] || fail "second sequence"
verify_all tl-ec-p256.pem
grep -q 'Algorithm="http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha384"' out/roots.xml ||
	fail "not an ECDSA-SHA384 signature"
jws_check tl-ec-p256.pem ES256 # the curve decides (RFC 7518), whatever publish.digest says

# 3. refusals: nothing published
conf "pkcs11:token=neac-tl;object=tl-ec-p256" tl-ec-p256.pem
refused 2 "no PIN for the PKCS#11 token"
printf '0000\n' > wrong-pin
conf "pkcs11:token=neac-tl;object=tl-ec-p256" tl-ec-p256.pem "publish.pin_file = $VNTL_TMP/wrong-pin"
refused 1 "the token refused the login (PIN incorrect)"
conf "pkcs11:token=neac-tl;object=tl-ec-p256;pin-value=2718" tl-ec-p256.pem
refused 2 "the token's PIN must not be in the configuration"
conf "pkcs11:token=neac-tl;type=private" tl-ec-p256.pem "publish.pin_file = $VNTL_TMP/pin"
refused 2 "the PKCS#11 URI must name the key (object=LABEL or id=ID)"
conf "pkcs11:token=neac-tl;object=tl-signer-2026" tl-ec-p256.pem "publish.pin_file = $VNTL_TMP/pin"
refused 1 "no private key matches it"
conf "pkcs11:token=no-such-token;object=tl-ec-p256" tl-ec-p256.pem "publish.pin_file = $VNTL_TMP/pin"
refused 1 "no private key matches it"
token_keygen neac-tl 2718 tl-twice 05 EC:prime256v1 && token_keygen neac-tl 2718 tl-twice 06 EC:prime256v1 ||
	fail "two keys of one label"
conf "pkcs11:token=neac-tl;object=tl-twice" tl-ec-p256.pem "publish.pin_file = $VNTL_TMP/pin"
refused 1 "signing key pkcs11:token=neac-tl;object=tl-twice: several private keys match it"
conf "pkcs11:token=neac-tl;object=tl-rsa-2048" tl-rsa-2048.pem "publish.pin_file = $VNTL_TMP/pin"
refused 1 "RSA-2048 is too weak (at least 3072 bits)"
conf "pkcs11:token=neac-tl;object=tl-rsa-3072" tl-ec-p256.pem "publish.pin_file = $VNTL_TMP/pin"
refused 1 "does not match the key pkcs11:token=neac-tl;object=tl-rsa-3072"
module=$VNTL_TMP/no-such-module.so
conf "pkcs11:token=neac-tl;object=tl-ec-p256" tl-ec-p256.pem "publish.pin_file = $VNTL_TMP/pin"
refused 2 "publish.pkcs11_module = $VNTL_TMP/no-such-module.so: cannot read the PKCS#11 module"
[ "$(seq_of roots)" = 2 ] || fail "a refusal used a sequence number"

# 4. the key ceremony with the token (issue 14): the request made by the token's key, the key
# registered, announced and switched to under four eyes; the lists are then signed in the token
module=$SOFTHSM_MODULE
conf "pkcs11:token=neac-tl;object=tl-ec-p256" tl-ec-p256.pem "publish.pin_file = $VNTL_TMP/pin
publish.signer_announce_days = 0"
for k in tl-rsa-3072 tl-ec-p256; do # the request of each key kind, signed in the token
	$V signer csr --key "pkcs11:token=neac-tl;object=$k" --subject "/C=VN/O=DEMO NEAC/CN=$k" --out $k.csr \
		2>err.txt || fail "signer csr with the token key $k: $(cat err.txt)"
	openssl req -in $k.csr -noout -verify 2>/dev/null || fail "the token's request for $k does not verify"
	[ "$(openssl req -in $k.csr -noout -pubkey)" = "$(openssl x509 -in $k.pem -noout -pubkey)" ] ||
		fail "the certificate request is not for the token's key $k"
	openssl req -in $k.csr -noout -text | grep -q "Subject: C = VN, O = DEMO NEAC, CN = $k" ||
		fail "the request for $k does not carry the subject"
done
rsa="pkcs11:token=neac-tl;object=tl-rsa-3072" ec="pkcs11:token=neac-tl;object=tl-ec-p256"
csr_refused() { # EXPECTED-TEXT KEY [PIN-FILE]: signer csr refused (exit 1), nothing written
	sed "s|^publish.pin_file = .*|publish.pin_file = $VNTL_TMP/${3:-pin}|" vntl.conf > csr.conf
	rm -f refused.csr
	set +e; $V --config csr.conf signer csr --key "$2" --subject "/C=VN/CN=x" --out refused.csr 2>err.txt
	rc=$?; set -e
	[ "$rc" = 1 ] && grep -q "$1" err.txt && [ ! -e refused.csr ] ||
		fail "signer csr --key $2: exit $rc, wanted 1 with '$1': $(cat err.txt)"
}
echo 0000 > wrong-pin
csr_refused "the token refused the login (PIN incorrect)" "$ec" wrong-pin
csr_refused "no private key matches it" "pkcs11:token=neac-tl;object=no-such-key"
four_eyes() {
	id=$($V --as olga signer "$@" --reason ceremony | sed -n 's/^correction \([0-9]*\) proposed.*/\1/p')
	[ -n "$id" ] && $V --as anh correction approve "$id" >/dev/null || fail "signer $*"
}
four_eyes register tl-rsa --key "$rsa" --cert tl-rsa-3072.pem
four_eyes announce tl-rsa
four_eyes switch tl-rsa
$V publish > pub.txt 2> err.txt || fail "publish with the registry's token signer: $(cat err.txt)"
[ "$(seq_of roots)" = 3 ] || fail "the registry's signer did not publish sequence 3"
verify_all tl-rsa-3072.pem
echo "ok: RSA-3072 and P-256 token keys sign lists (and the JWS index) that xmlsec1, the oracle (and Python, openssl) accept; keys not exportable; refusals publish nothing; a token key registered and switched to signs"
