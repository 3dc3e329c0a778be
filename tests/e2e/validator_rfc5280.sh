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
# a CA certificate checked for itself is judged as the CA it is
expect 0 "PASSED" -- "$VV" chain "$P/inter.pem" $A --crl "$P/root.crl" --at "$soon" --purpose any
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

# --- CRLs (§5.2): unusable ones leave the status unknown ---
sed '/^crlnumber/d' "$P/ca.cnf" >"$P/ca-nonumber.cnf"
openssl ca -batch -config "$P/ca-nonumber.cnf" -cert "$P/inter.pem" -keyfile "$P/inter.key" \
	-gencrl -out "$P/inter_nonumber.crl" 2>/dev/null
openssl ca -batch -config "$P/ca.cnf" -cert "$P/inter.pem" -keyfile "$P/inter.key" \
	-gencrl -crlexts x_crl_unknown_critical -out "$P/inter_critical.crl" 2>/dev/null
expect 2 "INDETERMINATE/TRY_LATER" -- "$VV" chain "$P/good.pem" $U $A --crl "$P/root.crl" \
	--crl "$P/inter_nonumber.crl" --at "$soon"
expect 2 "has no CRL number" -- "$VV" chain "$P/good.pem" $U $A --crl "$P/root.crl" \
	--crl "$P/inter_nonumber.crl" --at "$soon"
expect 2 "INDETERMINATE/TRY_LATER" -- "$VV" chain "$P/good.pem" $U $A --crl "$P/root.crl" \
	--crl "$P/inter_critical.crl" --at "$soon"
ca_case nocrlsign x_ca_nocrlsign
openssl ca -batch -config "$P/ca.cnf" -cert "$P/nocrlsign.pem" -keyfile "$P/nocrlsign.key" \
	-gencrl -out "$P/nocrlsign.crl" 2>/dev/null
expect 2 "INDETERMINATE/TRY_LATER" -- "$VV" chain "$P/nocrlsign_ee.pem" --untrusted "$P/nocrlsign.pem" \
	$A --crl "$P/root.crl" --crl "$P/nocrlsign.crl" --at "$soon"
expect 0 "PASSED" -- "$VV" chain "$P/nocrlsign_ee.pem" --untrusted "$P/nocrlsign.pem" \
	$A --crl "$P/root.crl" --crl "$P/nocrlsign.crl" --at "$soon" --revocation none

# --- must be accepted: validity inclusive at both ends, fractional seconds ---
pki_issue "$P" inter edge x_leaf P-256 sha256 20250101000000Z 20300101000000Z
N="--revocation none"
expect 0 "PASSED" -- "$VV" chain "$P/edge.pem" $U $A $N --at 2030-01-01T00:00:00Z
expect 0 "PASSED" -- "$VV" chain "$P/edge.pem" $U $A $N --at 2030-01-01T00:00:00.999Z
expect 0 "PASSED" -- "$VV" chain "$P/edge.pem" $U $A $N --at 2029-12-31T23:59:59.5Z
expect 1 "FAILED/EXPIRED" -- "$VV" chain "$P/edge.pem" $U $A $N --at 2030-01-01T00:00:01Z
expect 0 "PASSED" -- "$VV" chain "$P/edge.pem" $U $A $N --at 2025-01-01T00:00:00Z
expect 0 "PASSED" -- "$VV" chain "$P/edge.pem" $U $A $N --at 2025-01-01T00:00:00.25Z
expect 1 "FAILED/NOT_YET_VALID" -- "$VV" chain "$P/edge.pem" $U $A $N --at 2024-12-31T23:59:59Z

# --- must be accepted: a second path through a cross-certified CA. One key,
# two certificates: from root, constrained to other.vn; from root2, free.
PKI_SUBJ="/C=VN/O=Test Org cross/CN=xca"
pki_issue "$P" root2 xca_free v3_ca
cp "$P/xca_free.key" "$P/xca_nc.key"
PKI_NC="permitted;DNS:other.vn"
pki_issue "$P" root xca_nc x_ca_nc keep
unset PKI_SUBJ
PKI_NC="permitted;DNS:example.vn"
pki_issue "$P" xca_free xleaf x_leaf_san
X="--anchors $P/root.pem --anchors $P/root2.pem $N --at $soon"
# OpenSSL alone takes the first candidate and stops there
if openssl verify -partial_chain -trusted "$P/root.pem" -trusted "$P/root2.pem" \
	-untrusted "$P/xca_nc.pem" -untrusted "$P/xca_free.pem" "$P/xleaf.pem" >/dev/null 2>&1; then
	echo "FAIL: openssl verify found the free path first: this case tests nothing"
	failures=$((failures + 1))
fi
expect 2 "permitted subtree violation" -- "$VV" chain "$P/xleaf.pem" --untrusted "$P/xca_nc.pem" $X
expect 0 "CN=root2" -- "$VV" chain "$P/xleaf.pem" --untrusted "$P/xca_nc.pem" --untrusted "$P/xca_free.pem" $X

# --- names: every SAN form against name constraints (§4.2.1.10) ---
pki_issue "$P" root ncall x_ca_nc_all
pki_crl ncall "$P/ncall.crl"
nc_leaf() { # name san
	PKI_SAN=$2
	pki_issue "$P" ncall "$1" x_leaf_san
}
NC="--untrusted $P/ncall.pem $A $N --at $soon"
nc_leaf nc_ok "DNS:www.example.vn,email:a@example.vn,IP:10.1.2.3,URI:https://www.example.vn/x"
nc_leaf nc_dns "DNS:www.example.com"
nc_leaf nc_email "email:a@example.com"
nc_leaf nc_ip "IP:192.168.0.1"
nc_leaf nc_uri "URI:https://www.example.com/x"
pki_issue "$P" ncall nc_dir x_leaf_san_dir
PKI_SUBJ="/C=VN/O=Test Org ncall/CN=nc_subject_email/emailAddress=a@example.com"
pki_x509 ncall nc_subject_email x_leaf 4661
unset PKI_SUBJ
nc_leaf nc_underscore "DNS:bad_name.example.vn"
nc_leaf nc_dots "DNS:a..example.vn"
nc_leaf nc_bad_email "email:@example.vn"
expect 0 "PASSED" -- "$VV" chain "$P/nc_ok.pem" $NC
for c in nc_dns nc_email nc_ip nc_uri; do
	expect 2 "permitted subtree violation" -- "$VV" chain "$P/$c.pem" $NC
done
expect 2 "excluded subtree violation" -- "$VV" chain "$P/nc_dir.pem" $NC
expect 2 "permitted subtree violation" -- "$VV" chain "$P/nc_subject_email.pem" $NC
expect 1 "invalid DNS name \"bad_name.example.vn\"" -- "$VV" chain "$P/nc_underscore.pem" $NC
expect 1 "invalid DNS name \"a..example.vn\"" -- "$VV" chain "$P/nc_dots.pem" $NC
expect 1 "invalid e-mail address \"@example.vn\"" -- "$VV" chain "$P/nc_bad_email.pem" $NC
# a leading period: subdomains only
PKI_NC="permitted;DNS:.example.vn"
pki_issue "$P" root ncdot x_ca_nc
PKI_NC="permitted;DNS:example.vn"
PKI_SAN="DNS:www.example.vn"; pki_issue "$P" ncdot dot_sub x_leaf_san
PKI_SAN="DNS:example.vn"; pki_issue "$P" ncdot dot_self x_leaf_san
expect 0 "PASSED" -- "$VV" chain "$P/dot_sub.pem" --untrusted "$P/ncdot.pem" $A $N --at "$soon"
expect 2 "permitted subtree violation" -- "$VV" chain "$P/dot_self.pem" --untrusted "$P/ncdot.pem" $A $N --at "$soon"
# constraints that constrain nothing, or are not critical
ca_case ncempty x_ca_nc_empty
ca_case ncnoncrit x_ca_nc_noncrit
ca_refused ncempty 2 "neither permitted nor excluded"
ca_refused ncnoncrit 2 "name constraints are not marked critical"
# SAN syntax without constraints: IP address or underscore in a DNS name,
# empty SAN, empty subject with a non-critical SAN
PKI_SAN="DNS:10.1.2.3"; leaf san_ip x_leaf_san
PKI_SAN="DNS:my_host.example.vn"; leaf san_underscore x_leaf_san
PKI_SAN="DNS:www.example.vn"; leaf san_good x_leaf_san
leaf san_empty x_leaf_empty_san
PKI_SUBJ=/ pki_x509 inter san_nosubject x_leaf_san 4662; unset PKI_SUBJ
expect 0 "PASSED" -- "$VV" chain "$P/san_good.pem" $U $A $N --at "$soon"
refused san_ip 1 "invalid DNS name \"10.1.2.3\""
refused san_underscore 1 "invalid DNS name \"my_host.example.vn\""
refused san_empty 1 "subject alternative name extension is empty"
expect 1 "the subject is empty and the subject alternative name is not marked critical" -- \
	"$VV" chain "$P/san_nosubject.pem" $U $A $N --at "$soon"

# --- extended key usage and --eku ---
leaf eku_empty x_leaf_empty_eku
leaf eku_any_crit x_leaf_any_eku_crit
leaf eku_any x_leaf_any_eku
pki_issue "$P" inter docsign v3_docsign
refused eku_empty 2 "extended key usage extension is empty"
expect 2 "critical and holds anyExtendedKeyUsage" -- "$VV" chain "$P/eku_any_crit.pem" $U $A $N --at "$soon"
expect 0 "PASSED" -- "$VV" chain "$P/eku_any.pem" $U $A $N --at "$soon"
expect 2 "anyExtendedKeyUsage does not count" -- "$VV" chain "$P/eku_any.pem" $U $A $N --at "$soon" \
	--eku 1.3.6.1.5.5.7.3.36
expect 0 "PASSED" -- "$VV" chain "$P/docsign.pem" $U $A $N --at "$soon" --eku 1.3.6.1.5.5.7.3.36
expect 2 "none of the required purposes" -- "$VV" chain "$P/docsign.pem" $U $A $N --at "$soon" \
	--eku 1.3.6.1.4.1.311.10.3.12
expect 0 "PASSED" -- "$VV" chain "$P/docsign.pem" $U $A $N --at "$soon" \
	--eku 1.3.6.1.4.1.311.10.3.12 --eku 1.3.6.1.5.5.7.3.4
expect 0 "PASSED" -- "$VV" chain "$P/good.pem" $U $A $N --at "$soon" --eku 1.3.6.1.5.5.7.3.36
expect 3 "not an OID" -- "$VV" chain "$P/good.pem" $U $A $N --at "$soon" --eku document-signing

# --- --max-depth ---
expect 0 "PASSED" -- "$VV" chain "$P/good.pem" $U $A $N --at "$soon" --max-depth 2
expect 2 "maximum depth" -- "$VV" chain "$P/good.pem" $U $A $N --at "$soon" --max-depth 1
expect 3 "" -- "$VV" chain "$P/good.pem" $U $A $N --at "$soon" --max-depth 0
expect 3 "" -- "$VV" chain "$P/good.pem" $U $A $N --at "$soon" --max-depth two

# --- bad input: every certificate and CRL above, cut short at every length
# (root, intermediate, a leaf and a CRL) or every 17th (all the others), as
# the leaf and as a CRL: never a crash, never a pass. And through the CLI,
# a sample of cuts ends with exit 1-3.
"$VNTL_BUILD/tests/fuzz_validator_truncated" "$P/root.pem" "$P/good.pem" "$P/inter.pem" \
	"$P/root.pem" "$P/inter.pem" "$P/good.pem" "$P/inter.crl" --every 17 "$P"/*.pem "$P"/*.crl ||
	{ echo "FAIL: a truncated certificate or CRL was not refused"; failures=$((failures + 1)); }
openssl x509 -in "$P/good.pem" -outform DER -out "$P/good.der"
openssl crl -in "$P/inter.crl" -outform DER -out "$P/inter.crl.der"
len=$(wc -c <"$P/inter.crl.der")  # the shorter of the two
for cut in 0 1 2 4 10 100 $((len / 2)) $((len - 1)); do
	head -c "$cut" "$P/good.der" >"$P/cut.der"
	head -c "$cut" "$P/inter.crl.der" >"$P/cut.crl"
	for args in "$P/cut.der $U" "$P/good.pem $U --crl $P/root.crl --crl $P/cut.crl"; do
		set +e
		"$VV" chain $args $A --at "$soon" >/dev/null 2>&1
		rc=$?
		set -e
		if [ "$rc" -lt 1 ] || [ "$rc" -gt 3 ]; then
			echo "FAIL: cut at $cut: exit $rc from vntl-validate chain $args"
			failures=$((failures + 1))
		fi
	done
done

finish
