#!/bin/sh
# The strict RFC 5280 profile, one generated certificate or CRL per rule:
# each must be refused with its sub-indication and a reason naming the
# certificate and the rule, and passes with --profile path (the §6
# algorithm alone) where OpenSSL itself accepts it. Then what must be
# accepted: notAfter inclusive, fractional-second times, a second path
# through a cross-certified CA; then --eku and --max-depth.
set -eu
. "$VNTL_SRC/tests/lib/validator_e2e.sh"
. "$VNTL_SRC/tests/lib/validator_pki.sh"
P="$VNTL_TMP/pki"
mkdir -p "$P"
export PKI_SAN="DNS:www.example.vn" PKI_NC="permitted;DNS:example.vn" PKI_AKI="keyid"
pki_init "$P"
pki_conf_rfc5280 "$P"
T=2030-06-01T00:00:00Z
soon=$(iso_days_from_now 1)
A="--anchors $P/root.pem"
U="--untrusted $P/inter.pem"
crls() { for i in "$@"; do [ -f "$P/$i.crl" ] || pki_crl "$i" "$P/$i.crl"; printf ' --crl %s' "$P/$i.crl"; done; }
CRLS=$(crls root inter)
leaf() { # name ext [issuer]
	pki_issue "$P" "${3:-inter}" "$1" "$2"
}
# names CN COMMAND...: the first line (the reason) names certificate CN
names() {
	cn=$1; shift
	line=$("$@" 2>/dev/null | head -n 1) || true
	case "$line" in
	*"CN=$cn"[,\"]*) echo "ok: the reason names $cn" ;;
	*) echo "FAIL: the reason does not name $cn: $line"; failures=$((failures + 1)) ;;
	esac
}
# refused NAME CODE TEXT [extra args]: a leaf under inter refused under the
# strict profile with TEXT, the reason naming it
refused() {
	name=$1 code=$2 text=$3; shift 3
	expect "$code" "$text" -- "$VV" chain "$P/$name.pem" $U $A $CRLS --at "$soon" "$@"
	names "$name" "$VV" chain "$P/$name.pem" $U $A $CRLS --at "$soon" "$@"
}

leaf good x_leaf
expect 0 "PASSED" -- "$VV" chain "$P/good.pem" $U $A $CRLS --at "$soon"

# --- serial numbers (§4.1.2.2) ---
pki_x509 inter serial_zero x_leaf 0
pki_x509 inter serial_neg x_leaf -5
pki_x509 inter serial_long x_leaf 0x0102030405060708090a0b0c0d0e0f101112131415
pki_x509 inter serial_20 x_leaf 0x7102030405060708090a0b0c0d0e0f1011121314
refused serial_zero 1 "FAILED/FORMAT_FAILURE"
expect 1 "serial number is zero" -- "$VV" chain "$P/serial_zero.pem" $U $A $CRLS --at "$soon"
expect 1 "serial number is negative" -- "$VV" chain "$P/serial_neg.pem" $U $A $CRLS --at "$soon"
expect 1 "21 octets long" -- "$VV" chain "$P/serial_long.pem" $U $A $CRLS --at "$soon"
expect 0 "PASSED" -- "$VV" chain "$P/serial_long.pem" $U $A $CRLS --at "$soon" --profile path
expect 0 "PASSED" -- "$VV" chain "$P/serial_20.pem" $U $A $CRLS --at "$soon"

# --- end entities ---
leaf noaki x_leaf_noaki
leaf leafca x_leaf_ca
leaf kcs x_leaf_kcs
leaf akicrit x_leaf_aki_crit
leaf badaia x_leaf_bad_aia
leaf v1 none
pki_issue "$P" inter rsa2052 x_leaf 2052
refused noaki 2 "without an authority key identifier"
refused leafca 2 "INDETERMINATE/CHAIN_CONSTRAINTS_FAILURE"
expect 2 "says CA:TRUE" -- "$VV" chain "$P/leafca.pem" $U $A $CRLS --at "$soon"
refused kcs 2 "keyCertSign"
refused akicrit 2 "CHAIN_CONSTRAINTS_FAILURE"  # OpenSSL: unhandled critical extension
refused badaia 1 "Authority Information Access extension is malformed"
refused v1 1 "version 1 certificate used as an end entity"
refused rsa2052 1 "RSA modulus is 2052 bits"
for c in noaki leafca kcs badaia rsa2052; do
	expect 0 "PASSED" -- "$VV" chain "$P/$c.pem" $U $A $CRLS --at "$soon" --profile path
done

# --- intermediates: each with a good leaf below ---
ca_case() { # name ext: an intermediate under root and a leaf under it
	pki_issue "$P" root "$1" "$2"
	pki_issue "$P" "$1" "$1_ee" x_leaf_by_keyid_issuer
}
ca_case noski x_ca_noski
ca_case canoaki x_ca_noaki
ca_case bcnc x_ca_bc_noncrit
ca_case nobc x_ca_nobc
ca_case pcnc x_ca_pc_noncrit
PKI_SUBJ=/ pki_x509 root emptyca v3_ca 4660; unset PKI_SUBJ
openssl x509 -req -in "$P/good.csr" -CA "$P/emptyca.pem" -CAkey "$P/emptyca.key" -set_serial 7 \
		-extfile "$P/ca.cnf" -extensions x_leaf -days 3650 -out "$P/emptyca_ee.pem" 2>/dev/null
ca_refused() { # name code text
	expect "$2" "$3" -- "$VV" chain "$P/$1_ee.pem" --untrusted "$P/$1.pem" $A --at "$soon" --revocation none
	names "$1" "$VV" chain "$P/$1_ee.pem" --untrusted "$P/$1.pem" $A --at "$soon" --revocation none
}
ca_refused noski 2 "without a subject key identifier"
ca_refused canoaki 2 "intermediate CA certificate without an authority key identifier"
ca_refused bcnc 2 "basic constraints are not marked critical"
ca_refused nobc 2 "CHAIN_CONSTRAINTS_FAILURE"
ca_refused pcnc 2 "policy constraints are not marked critical"
expect 2 "(empty subject)\": intermediate CA certificate with an empty subject" -- "$VV" chain \
	"$P/emptyca_ee.pem" --untrusted "$P/emptyca.pem" $A --at "$soon" --revocation none
for c in noski canoaki bcnc pcnc; do
	expect 0 "PASSED" -- "$VV" chain "$P/${c}_ee.pem" --untrusted "$P/$c.pem" $A --at "$soon" \
		--revocation none --profile path
done

# --- roots: each with a leaf directly below ---
root_case() { # name ext
	pki_issue "$P" self "$1" "$2" 2048
	pki_issue "$P" "$1" "$1_ee" x_leaf_by_keyid_issuer
}
root_refused() { # name code text
	expect "$2" "$3" -- "$VV" chain "$P/$1_ee.pem" --anchors "$P/$1.pem" --at "$soon" --revocation none
	names "$1" "$VV" chain "$P/$1_ee.pem" --anchors "$P/$1.pem" --at "$soon" --revocation none
}
root_case rootnoski x_root_noski
root_case rootbcnc x_root_bc_noncrit
root_case rootakiself x_root_aki_self
PKI_AKI="DER:3003020101"; root_case rootakibad x_root_aki_der
PKI_AKI="DER:30168014000102030405060708090a0b0c0d0e0f10111213"; root_case rootakiother x_root_aki_der
# an AKI naming another certificate's issuer and serial, with this key's id
keyid=$(openssl x509 -in "$P/rootakiself.pem" -noout -ext subjectKeyIdentifier | tail -1 | tr -d ' :')
cp "$P/rootakiself.key" "$P/rootakiforeign.key"
der=$(openssl x509 -in "$P/rootakiself.pem" -outform DER | od -An -tx1 | tr -d ' \n')
aki=$(python3 -c "
import sys; d=bytes.fromhex(sys.argv[1]); i=d.index(bytes.fromhex('0603551d23'))+5
i += 3 if d[i]==1 else 0   # skip the optional critical flag, then the OCTET STRING
assert d[i]==4; n=d[i+1]; j=i+2
if n & 0x80: k=n&0x7f; n=int.from_bytes(d[j:j+k],'big'); j+=k
print(d[j:j+n].hex())" "$der")
PKI_AKI="DER:$aki"; PKI_SUBJ="/C=VN/O=Test Org self/CN=rootakiforeign" pki_issue "$P" self rootakiforeign x_root_aki_der keep
unset PKI_SUBJ; PKI_AKI=keyid
pki_issue "$P" rootakiforeign rootakiforeign_ee x_leaf_by_keyid_issuer
[ "$keyid" != "" ] || { echo "FAIL: no SKI read"; failures=$((failures + 1)); }
root_refused rootnoski 2 "CA (trust anchor) certificate without a subject key identifier"
root_refused rootbcnc 2 "basic constraints are not marked critical"
# (OpenSSL itself will not take a certificate whose AKI does not decode as an issuer)
expect 2 "NO_CERTIFICATE_CHAIN_FOUND" -- "$VV" chain "$P/rootakibad_ee.pem" --anchors "$P/rootakibad.pem" \
	--at "$soon" --revocation none
root_refused rootakiother 2 "does not match its own subject key identifier"
root_refused rootakiforeign 2 "issuer name and serial number other than its own"
# the shape of Vietnam National Root CA (2014): keyid, issuer and serial of itself
expect 0 "PASSED" -- "$VV" chain "$P/rootakiself_ee.pem" --anchors "$P/rootakiself.pem" --at "$soon" --revocation none
expect 0 "PASSED" -- "$VV" chain "$P/rootbcnc_ee.pem" --anchors "$P/rootbcnc.pem" --at "$soon" \
	--revocation none --profile path

finish
