#!/bin/sh
# The published lists are read the same way by independent tools: the
# official ETSI XSD (xmllint), xmlsec1 with the signer pinned, and the
# JavaScript oracle (two other XML-signature engines + trust-list rules).
# A tampered copy is refused by all of them.
set -eu
. "$VNTL_SRC/tests/lib/publisher_e2e.sh"
cd "$VNTL_TMP"
make_signer "$VNTL_TMP"
oracle=$(oracle_setup)
"$VNTL_BUILD/tests/test_publisher_publish" publish out signer.key signer.pem
python3 "$VNTL_SRC/tests/lib/publisher_checkdir.py" out > paths
[ "$(wc -l < paths)" -eq 3 ]
for list in $(cat paths) out/roots.xml out/foreign.xml out/pointer.xml; do
	xmllint --noout --nonet --schema "$VNTL_SHARED/tl/xsd/19612-libxml2.xsd" "$list" 2>/dev/null ||
		{ echo "official XSD refuses $list"; exit 1; }
	xmlsec_verify signer.pem "$list" || { echo "xmlsec1 refuses $list"; exit 1; }
	node "$oracle/verify.mjs" "$list" --cert signer.pem --at now --min-seq 1 > oracle.json ||
		{ echo "oracle refuses $list:"; cat oracle.json; exit 1; }
	grep -q '"valid":true' oracle.json
done
# one changed byte in a signed list: every verifier refuses it
sed 's/DEMO Public CA A1/DEMO Public CA X1/' out/roots.xml > tampered.xml
! cmp -s out/roots.xml tampered.xml
if xmlsec_verify signer.pem tampered.xml; then echo "xmlsec1 accepted a tampered list"; exit 1; fi
if node "$oracle/verify.mjs" tampered.xml --cert signer.pem --at now >/dev/null; then
	echo "oracle accepted a tampered list"; exit 1; fi
# another signer's certificate is not accepted
mkdir -p other && make_signer other
if node "$oracle/verify.mjs" out/roots.xml --cert other/signer.pem --at now >/dev/null; then
	echo "oracle accepted the wrong signer"; exit 1; fi
echo "ok: 3 lists valid for xmllint, xmlsec1 and the oracle; tampering and wrong signer refused"
