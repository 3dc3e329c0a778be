#!/bin/sh
# NIST PKITS through `vntl-validate chain --anchors`: prints the score and
# fails if any case other than the two below disagrees with PKITS, or if one
# of those two starts agreeing (then this list must be updated).
#   4.1.5   DSA parameter inheritance: OpenSSL cannot verify a signature by a
#           DSA key that inherits its parameters from the issuer.
#   4.14.30 cRLIssuer Test30: OpenSSL refuses the CRL path (the CRL issuer's
#           certificate is itself covered by an indirect CRL); `openssl verify`
#           fails the same case.
# Under ASan+UBSan (VNTL_SAN=1) every 4th case and the two misses run.
set -eu
every=1
[ "${VNTL_SAN:-0}" = 1 ] && every=4
command -v python3 >/dev/null || { echo "python3 is missing"; exit 77; }
python3 "$VNTL_SRC/tests/lib/validator_pkits.py" "$VNTL_BUILD/vntl-validate" \
	"$VNTL_SHARED/pkits" "$VNTL_TMP" "4.1.5,4.14.30" "$every"
