#!/bin/sh
# Hostile lists: each is refused, and by the rule that names its problem.
set -eu
. "$VNTL_SRC/tests/lib/validator_e2e.sh"
. "$VNTL_SRC/tests/lib/validator_pki.sh"
P="$VNTL_TMP/pki"
mkdir -p "$P"
pki_init "$P"
pki_issue "$P" self signer2 v3_sign 2048
H="$VNTL_SRC/tests/lib/validator_hostile.py"
now_minus=$(iso_days_from_now -1)
in_a_month=$(iso_days_from_now 30)

make_list() { # out.xml seq issued next [signer]
	python3 "$VNTL_SRC/tests/lib/validator_tsl.py" "$1.tpl" "$P/${5:-signer}.pem" "$2" "$3" "$4" \
		"$P/root.pem|CA/PKC|granted@2021-01-01T00:00:00Z"
	pki_sign_list "$1.tpl" "$1" "${5:-signer}" 2>/dev/null
}
check() { # code rule file [more args]
	code=$1 rule=$2 file=$3; shift 3
	expect "$code" "$rule" -- "$VV" list "$file" --signer "$P/signer.pem" --schema-dir "$XSD" "$@"
}

make_list "$P/good.xml" 7 "$now_minus" "$in_a_month"
check 0 "accepted" "$P/good.xml"

# What the standard allows must pass too: ECDSA (P-256, brainpoolP256r1) with SHA-512,
# a version 5 list with the v1 SigningCertificate.
pki_issue "$P" self ecsigner v3_sign P-256
pki_issue "$P" self bpsigner v3_sign brainpoolP256r1
for s in ecsigner bpsigner; do
	VNTL_TSL_SIGALG="http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha512" \
		make_list "$P/$s.xml" 7 "$now_minus" "$in_a_month" "$s"
	expect 0 "accepted" -- "$VV" list "$P/$s.xml" --signer "$P/$s.pem" --schema-dir "$XSD"
done
VNTL_TSL_VERSION=5 VNTL_TSL_SIGCERT_V1=1 make_list "$P/v5.xml" 7 "$now_minus" "$in_a_month"
check 0 "version 5" "$P/v5.xml"

for mode in tamper unsigned-object wrap-moved dup-id doctype-xxe billion-laughs deep-100 \
	deep-5000 truncated empty; do
	python3 "$H" "$mode" "$P/good.xml" "$P/$mode.xml"
done
python3 "$H" swap-keyinfo "$P/good.xml" "$P/swap-keyinfo.xml" "$P/signer2.pem"

check 1 "signature-invalid" "$P/tamper.xml"
check 1 "unsigned-content" "$P/unsigned-object.xml"
check 1 "unsigned-content" "$P/wrap-moved.xml"
check 1 "duplicate-id" "$P/dup-id.xml"
check 1 "keyinfo-mismatch" "$P/swap-keyinfo.xml"
check 1 "doctype-forbidden" "$P/doctype-xxe.xml"
check 1 "doctype-forbidden" "$P/billion-laughs.xml"
check 1 "xml-too-deep" "$P/deep-100.xml"
check 1 "xml-too-deep" "$P/deep-5000.xml"
check 1 "xml-malformed" "$P/truncated.xml"
check 1 "xml-malformed" "$P/empty.xml"
check 1 "not-a-trust-list" "$XSD"

# Really signed, but wrong: each built and signed by xmlsec1.
VNTL_TSL_DOC_URI="#scheme-info" make_list "$P/subelement.xml" 7 "$now_minus" "$in_a_month"
check 1 "reference-not-whole-document" "$P/subelement.xml"
VNTL_TSL_DOC_DIGEST="http://www.w3.org/2000/09/xmldsig#sha1" make_list "$P/sha1.xml" 7 "$now_minus" "$in_a_month"
check 1 "algorithm-forbidden" "$P/sha1.xml"
VNTL_TSL_BAD_CERT_DIGEST=1 make_list "$P/certdigest.xml" 7 "$now_minus" "$in_a_month"
check 1 "xades-signing-certificate" "$P/certdigest.xml"
VNTL_TSL_SIGCERT_V1=1 make_list "$P/v1cert.xml" 7 "$now_minus" "$in_a_month"
check 1 "must use SigningCertificateV2" "$P/v1cert.xml"
VNTL_TSL_SCHEME_EXTRA="<Bogus>1</Bogus>" make_list "$P/schema.xml" 7 "$now_minus" "$in_a_month"
check 1 "schema-invalid" "$P/schema.xml"
make_list "$P/unpinned.xml" 7 "$now_minus" "$in_a_month" signer2
check 1 "signer-not-pinned" "$P/unpinned.xml"
make_list "$P/expired.xml" 7 2024-01-01T00:00:00Z 2024-07-01T00:00:00Z
check 1 "list-expired" "$P/expired.xml"
check 0 "accepted" "$P/expired.xml" --at 2024-02-01T00:00:00Z

# Sequence rollback, remembered in the cache directory.
make_list "$P/seq6.xml" 6 "$now_minus" "$in_a_month"
C="--cache-dir $VNTL_TMP/cache"
check 0 "sequence 7" "$P/good.xml" $C
check 0 "sequence 7" "$P/good.xml" $C
check 1 "sequence-rollback" "$P/seq6.xml" $C
check 0 "sequence 6" "$P/seq6.xml" --cache-dir "$VNTL_TMP/other-cache"
# A second list of the same territory and type (VN roots and foreign) keeps its
# own record: its lower sequence is no replay of the first, but its own
# rollback is caught, even from another path.
VNTL_TSL_SCHEME_NAME="VN:other list" make_list "$P/other3.xml" 3 "$now_minus" "$in_a_month"
VNTL_TSL_SCHEME_NAME="VN:other list" make_list "$P/other2.xml" 2 "$now_minus" "$in_a_month"
check 0 "sequence 3" "$P/other3.xml" $C
check 0 "sequence 7" "$P/good.xml" $C
mkdir -p "$VNTL_TMP/elsewhere" && cp "$P/other2.xml" "$VNTL_TMP/elsewhere/roots.xml"
check 1 "sequence-rollback" "$VNTL_TMP/elsewhere/roots.xml" $C
check 1 "sequence-rollback" "$P/seq6.xml" $C
finish
