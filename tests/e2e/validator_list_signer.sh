#!/bin/sh
# Annex I on a list's signer, whoever pinned it (RSA < 2048 and EC < 256
# bits are refused: algorithm-forbidden), and the CertDigest parity with
# EU DSS: SHA-1 in a SigningCertificate CertDigest (a certificate
# reference) is accepted with a warning, MD5 there is not, and SHA-1 as a
# reference digest is still refused.
set -eu
. "$VNTL_SRC/tests/lib/validator_e2e.sh"
. "$VNTL_SRC/tests/lib/validator_pki.sh"
P="$VNTL_TMP/pki"
mkdir -p "$P"
pki_init "$P"
now_minus=$(iso_days_from_now -1)
in_a_month=$(iso_days_from_now 30)
make_list() { # out.xml signer
	python3 "$VNTL_SRC/tests/lib/validator_tsl.py" "$1.tpl" "$P/$2.pem" 7 "$now_minus" "$in_a_month" \
		"$P/root.pem|CA/PKC|granted@2021-01-01T00:00:00Z"
	pki_sign_list "$1.tpl" "$1" "$2" 2>/dev/null
}
check() { # code text file signer [args]
	code=$1 text=$2 file=$3 signer=$4; shift 4
	expect "$code" "$text" -- "$VV" list "$file" --signer "$P/$signer.pem" --schema-dir "$XSD" "$@"
}

pki_issue "$P" self rsa1024 v3_sign 1024
pki_issue "$P" self ec224 v3_sign secp224r1
make_list "$P/rsa1024.xml" rsa1024
VNTL_TSL_SIGALG="http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256" make_list "$P/ec224.xml" ec224
check 1 "algorithm-forbidden" "$P/rsa1024.xml" rsa1024
check 1 "RSA key shorter than 2048 bits" "$P/rsa1024.xml" rsa1024
check 1 "EC key shorter than 256 bits" "$P/ec224.xml" ec224
make_list "$P/good.xml" signer
check 0 "accepted" "$P/good.xml" signer
expect 0 "" -- sh -c "! \"$VV\" list \"$P/good.xml\" --signer \"$P/signer.pem\" --schema-dir \"$XSD\" | grep -q warning"

VNTL_TSL_CERT_DIGEST=sha1 make_list "$P/certdigest-sha1.xml" signer
VNTL_TSL_CERT_DIGEST=md5 make_list "$P/certdigest-md5.xml" signer
VNTL_TSL_DOC_DIGEST="http://www.w3.org/2000/09/xmldsig#sha1" make_list "$P/refdigest-sha1.xml" signer
check 0 "warning: the SigningCertificate CertDigest uses SHA-1" "$P/certdigest-sha1.xml" signer
check 0 '"warning":"the SigningCertificate CertDigest uses SHA-1' "$P/certdigest-sha1.xml" signer --json
check 1 "algorithm-forbidden" "$P/certdigest-md5.xml" signer
check 1 "algorithm-forbidden" "$P/refdigest-sha1.xml" signer
finish
