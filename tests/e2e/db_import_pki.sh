#!/bin/sh
# Issue 9 items 5 and 6, with Vietnam's real certificates: an import checks
# the certificate's place in the PKI (a public CA chains to a registered
# national root; a self-signed certificate under a public CA needs
# confirming; FPT's UAT look-alikes are refused), an expired certificate is
# imported only as history, and every import starts its timeline at the
# decision date, so that a signature made in 2024 is checked against the
# published list.
. "$VNTL_SRC/tests/lib/db_e2e.sh"
. "$VNTL_SRC/tests/lib/publisher_e2e.sh"
VV="$VNTL_BUILD/vntl-validate"

make_registry
expect 0 "$V" --as olga tsp add --kind public-ca --name-vi "Công ty FPT" --name-en "FPT Information System" \
	--country VN --street "17 Duy Tân" --locality "Hà Nội" --uri https://fpt-ca.vn
FPT=4

# the decision date is required, and must say which clock it means
expect 2 "$V" --as olga cert import --tsp 1 --decision "QĐ 1/NEAC" "$PKI/rootca-p7b/vnrca256.crt"
contains "$ERR" "--effective TIME is required" "import without a decision date"
expect 2 "$V" --as olga cert import --tsp 1 --decision "QĐ 1/NEAC" --effective 2014-04-15T08:00:00 \
	"$PKI/rootca-p7b/vnrca256.crt"
contains "$ERR" "--effective wants a time with Z or an offset" "time without an offset"

# FPT's UAT look-alike of "MIC National Root CA", and its expired FPT CA
fake_root="$PKI/pem/test-lookalike-fpt-uat-mic-national-root-ca-2019.pem"
expect 1 "$V" --as olga cert import --tsp $FPT --decision "GP 1/FPT" --effective 2020-05-02 "$fake_root"
contains "$ERR" "self-signed certificate refused under a public CA" "fake root under FPT"
contains "$ERR" "--confirm-self-signed" "fake root: how to confirm"
expect 1 "$V" --as olga cert import --tsp $FPT --decision "GP 1/FPT" --effective 2020-05-02 \
	"$PKI/pem/test-lookalike-fpt-uat-fpt-ca-2020.pem"
contains "$ERR" "MIC National Root CA" "fake FPT CA names its issuer"
contains "$ERR" "expired at 2025-05-02T13:27:38Z" "fake FPT CA is expired"

# a public CA whose root is not registered yet
expect 1 "$V" --as olga cert import --tsp 2 --decision "GP 2/MISA" --effective 2025-12-01 \
	"$PKI/rootca-p7b/MISA-CA_RS2026.p7b"
contains "$ERR" "VIETNAM NATIONAL ROOT CA - RS" "missing root named"
contains "$ERR" "not a root in the registry" "missing root"
[ "$(sqlite3 "$VNTL_DB" 'SELECT count(*) FROM cert')" = 0 ] || fail "a refused import wrote a certificate"

# the genuine 2014 root from its 2014 decision, then the public CAs it issued
expect 0 "$V" --as olga cert import --tsp 1 --decision "QĐ 1/NEAC 2014" --effective 2014-04-15T08:00:00+07:00 \
	"$PKI/rootca-p7b/vnrca256.crt"
expect 0 "$V" --as olga --json cert show 1
[ "$(json_get "$VNTL_TMP/out" "j['timeline'][0]['effective']")" = "2014-04-15T01:00:00Z" ] ||
	fail "the root's history does not start at its decision: $OUT"
expect 0 "$V" --as olga cert import --tsp $FPT --decision "GP 1/FPT" --effective 2025-06-01 \
	"$PKI/rootca-p7b/FPT_SHA256_2025.p7b"
expect 0 "$V" --as olga cert import --tsp 2 --decision "GP 2/MISA" --effective 2024-05-14 \
	"$PKI/pem/ca-misa-ca-sha256-2024.pem"

# an expired certificate only as history, withdrawn since
trustca="$PKI/pem/ca-trustca-qualified-timestamping-ca-2021.pem"
expect 1 "$V" --as olga cert import --tsp 2 --decision "GP 3/TrustCA" --effective 2021-03-10 "$trustca"
contains "$ERR" "expired at 2026-03-03T09:22:35Z" "expired certificate"
contains "$ERR" "--history" "expired: how to import as history"
expect 0 "$V" --as olga --json cert import --tsp 2 --decision "GP 3/TrustCA" --history \
	--effective 2021-03-10T09:00:00+07:00 --withdrawn-at 2026-03-03T09:22:35Z "$trustca"
service=$(json_get "$VNTL_TMP/out" "j['certificates'][0]['service']")
expect 0 "$V" --as olga --json cert show "$service"
[ "$(json_get "$VNTL_TMP/out" "[(e['status'], e['effective']) for e in j['timeline']]")" = \
	"[('granted', '2021-03-10T02:00:00Z'), ('withdrawn', '2026-03-03T09:22:35Z')]" ] ||
	fail "history import timeline: $OUT"

# published, the list anchors a chain at a time in the certificate's validity
make_signer "$VNTL_TMP"
cat > "$VNTL_TMP/vntl.conf" <<CONF
publish.out = $VNTL_TMP/pub
publish.key = $VNTL_TMP/signer.key
publish.cert = $VNTL_TMP/signer.pem
publish.base_url = https://tl.example.vn
CONF
export VNTL_CONFIG="$VNTL_TMP/vntl.conf"
expect 0 "$V" publish
echo "$ERR" | grep -Eq 'next_update=[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}Z$' ||
	fail "vntl publish logs next_update as a number, not an RFC 3339 time: $ERR"
grep -q "^# Service: Vietnam National Root CA$" "$VNTL_TMP/pub/roots.pem" || fail "roots.pem lacks the root's label"
grep -q "^# SHA-256: bac8bf609ab420a8ee1780d74f4de5c7f7184959d2a7375b0a75e4c29f0908e7$" "$VNTL_TMP/pub/roots.pem" ||
	fail "roots.pem lacks the root's fingerprint"
[ "$(grep -c 'BEGIN CERTIFICATE' "$VNTL_TMP/pub/roots.pem")" = 3 ] ||
	fail "roots.pem should hold the root and two public CAs, not the expired one: $(grep '^#' "$VNTL_TMP/pub/roots.pem")"
check() { # EXIT TEXT AT
	expect "$1" "$VV" chain "$trustca" --list "$VNTL_TMP/pub/roots.xml" --signer "$VNTL_TMP/signer.pem" \
		--schema-dir "$VNTL_SRC/schema/vntl-tsl-profile.xsd" --revocation none --offline --purpose any --at "$3"
	contains "$OUT" "$2" "chain at $3"
}
check 0 "PASSED" 2024-01-01T09:00:00+07:00
contains "$OUT" "(09:00 ICT)" "vntl-validate shows Vietnam time"
contains "$OUT" "granted since 2014-04-15T01:00:00Z (08:00 ICT)" "the 2014 root anchors from its decision date"
check 1 "EXPIRED" 2026-06-01T00:00:00Z
echo "ok"
