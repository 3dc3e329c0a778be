#!/bin/sh
# vntl end to end: every command, its refusals and exit codes, --json, --help.
. "$VNTL_SRC/tests/lib/db_e2e.sh"

# usage and help at every level
expect 2 "$V"
expect 0 "$V" --help; contains "$OUT" "exit codes" "top help"
for c in init user tsp cert change audit; do
	expect 0 "$V" $c --help; contains "$OUT" "usage: vntl" "$c help"
done
expect 0 "$V" change propose --help; contains "$OUT" "--decision" "change propose help"
expect 2 "$V" frobnicate
expect 2 "$V" tsp frobnicate
expect 2 "$V" --db
expect 3 "$V" --db "$VNTL_TMP/absent.db" --as x tsp list; contains "$ERR" "vntl init" "missing db"

make_registry

# the database path: --db beats $VNTL_DB beats the config file
printf 'db = %s\n' "$VNTL_DB" >"$VNTL_TMP/vntl.conf"
expect 0 env -u VNTL_DB "$V" --config "$VNTL_TMP/vntl.conf" --as olga tsp list
contains "$OUT" "MISA" "db from config"
expect 3 "$V" --db "$VNTL_TMP/nowhere.db" --as olga tsp list
expect 2 env -u VNTL_DB "$V" --as olga tsp list

# roles
expect 1 "$V" tsp list; contains "$ERR" "--as USER" "no acting user"
expect 1 "$V" --as nobody tsp list; contains "$ERR" "no user named" "unknown user"
expect 1 "$V" --as anh tsp add --kind foreign --name-vi a --name-en b --country FR --street s --locality l \
	--uri https://b.example; contains "$ERR" "officer" "approver adds tsp"
expect 1 "$V" --as olga tsp add --kind public-ca --name-vi a --name-en b --country FR; contains "$ERR" "VN" "public CA abroad"
expect 2 "$V" --as olga tsp add --kind emperor --name-vi a --name-en b --country FR
expect 1 "$V" --as olga tsp add --kind foreign --name-vi a --name-en b --country FR --uri https://b.example; contains "$ERR" "postal address" "tsp without an address"
expect 1 "$V" --as olga tsp add --kind foreign --name-vi a --name-en b --country FR --street s --locality l; contains "$ERR" "information URI" "tsp without a URI"
expect 1 "$V" --as olga user add eve --role officer,king
expect 1 "$V" --as anh user add eve --role officer

# import: the formats NEAC distributes, the rules, re-import
expect 0 "$V" --as olga cert import --tsp 1 --decision "QĐ 1/NEAC" --effective 2020-01-01 "$PKI/rootca-p7b/vnrca256.crt"
contains "$OUT" "added: service 1" "root import"
expect 0 "$V" --as olga cert import --tsp 1 --decision "QĐ 1/NEAC" --effective 2020-01-01 "$PKI/rootca-p7b/vnrca-rs.p7b"
expect 0 "$V" --as olga --json cert import --tsp 2 --decision "GP 2/MISA" --effective 2020-01-01 "$PKI/rootca-p7b/MISA-CA_RS2026.p7b"
[ "$(json_get "$VNTL_TMP/out" "[c['outcome'] for c in j['certificates']]")" = "['already-present', 'added']" ] ||
	fail "MISA p7b outcomes: $OUT"
expect 0 "$V" --as olga cert import --tsp 2 --decision "GP 2/MISA" --effective 2020-01-01 "$PKI/rootca-p7b/MISA-CA_RS2026.p7b"
contains "$OUT" "already present (not an error)" "re-import"
expect 1 "$V" --as olga cert import --tsp 1 --decision "QĐ" --effective 2020-01-01 "$PKI/rootca-p7b/micnrca.crt"
contains "$ERR" "SHA-1" "sha1 root"; contains "$ERR" "MIC National Root CA" "names the cert"
expect 1 "$V" --as olga cert import --tsp 2 --decision "QĐ" --effective 2020-01-01 "$PKI/rootca-p7b/Viettel-CA_Timestamping.p7b"
contains "$ERR" "CA:TRUE" "tsa as CA"
expect 0 "$V" --as olga cert import --tsp 2 --decision "QĐ" --effective 2020-01-01 --service-type http://uri.etsi.org/TrstSvc/Svctype/TSA/QTST \
	"$PKI/rootca-p7b/Viettel-CA_Timestamping.p7b"
expect 1 "$V" --as olga cert import --tsp 1 --effective 2024-06-20 "$PKI/rootca-p7b/vnrca-g3.p7b"; contains "$ERR" "--decision" "needs decision"
head -c 700 "$PKI/rootca-p7b/vnrca-g3.p7b" >"$VNTL_TMP/cut.p7b"
expect 1 "$V" --as olga cert import --tsp 1 --decision "QĐ" --effective 2020-01-01 "$VNTL_TMP/cut.p7b"; contains "$ERR" "truncated" "truncated"
echo "hello" >"$VNTL_TMP/hello.txt"
expect 1 "$V" --as olga cert import --tsp 1 --decision "QĐ" --effective 2020-01-01 "$VNTL_TMP/hello.txt"; contains "$ERR" "not a certificate" "text"
expect 3 "$V" --as olga cert import --tsp 1 --decision "QĐ" --effective 2020-01-01 "$VNTL_TMP/none.pem"
# all or nothing: a good root followed by a SHA-1 root
cat "$PKI/pem/root-neac-vnrca-g3-2024.pem" "$PKI/pem/root-vgca-g1-2010.pem" >"$VNTL_TMP/mixed.pem"
before=$(sqlite3 "$VNTL_DB" "SELECT count(*) FROM cert")
expect 1 "$V" --as olga cert import --tsp 1 --decision "QĐ" --effective 2020-01-01 "$VNTL_TMP/mixed.pem"
[ "$(sqlite3 "$VNTL_DB" "SELECT count(*) FROM cert")" = "$before" ] || fail "mixed bundle half-imported"

# look-alike: same subject as Vietnam National Root CA, another key
cat >"$VNTL_TMP/ext.cnf" <<'CNF'
[v3]
basicConstraints = critical,CA:TRUE
keyUsage = critical,keyCertSign,cRLSign
CNF
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$VNTL_TMP/fake.key" -out "$VNTL_TMP/fake.pem" -days 30 -utf8 \
	-subj "/C=VN/O=Ministry of Information and Communications/OU=National Centre of Digital Signature Authentication/CN=Vietnam National Root CA" \
	-extensions v3 -config "$VNTL_TMP/ext.cnf" 2>/dev/null || fail "openssl req"
fake=$(openssl x509 -in "$VNTL_TMP/fake.pem" -outform DER | sha256sum | cut -d' ' -f1)
expect 1 "$V" --as olga cert import --tsp 1 --decision "QĐ" --effective 2020-01-01 "$VNTL_TMP/fake.pem"
contains "$ERR" "look-alike" "lookalike"; contains "$ERR" "$fake" "lookalike names new"
contains "$ERR" "bac8bf609ab420a8ee1780d74f4de5c7f7184959d2a7375b0a75e4c29f0908e7" "lookalike names old"
expect 0 "$V" --as olga cert import --tsp 1 --decision "QĐ" --effective 2020-01-01 --confirm-lookalike "$fake" "$VNTL_TMP/fake.pem"
contains "$ERR" "look-alike" "confirmed lookalike warning"

# foreign certificate, change flow
expect 0 "$V" --as olga --json cert import --tsp 3 --decision "QĐ 5/BKHCN" --effective 2020-01-01 "$PKI/pem/ca-cmc-ca-2025.pem"
svc=$(json_get "$VNTL_TMP/out" "j['certificates'][0]['service']")
expect 0 "$V" --as olga change propose --service "$svc" --status suspended --reason "audit finding" --decision "QĐ 6/BKHCN"
contains "$OUT" "change 1 proposed" "propose"
expect 2 "$V" --as olga change propose --service "$svc" --status frozen --reason r --decision d
expect 1 "$V" --as olga change propose --service "$svc" --status granted --reason r --decision d
contains "$ERR" "illegal transition" "granted for foreign"
expect 1 "$V" --as olga change propose --service "$svc" --status suspended --reason r
expect 1 "$V" --as olga change approve 1; contains "$ERR" "approver" "officer approves"
expect 0 "$V" --as anh --json change list --state pending
[ "$(json_get "$VNTL_TMP/out" "len(j)")" = 1 ] || fail "pending list: $OUT"
expect 0 "$V" change approve 1 --as anh --note "checked"
expect 1 "$V" --as bao change approve 1; contains "$ERR" "already applied" "double approve"
expect 0 "$V" --as an --json cert show "$svc"
[ "$(json_get "$VNTL_TMP/out" "j['status']")" = suspended ] || fail "status after approve: $OUT"
[ "$(json_get "$VNTL_TMP/out" "len(j['timeline'])")" = 2 ] || fail "timeline: $OUT"
# an approver who proposes cannot approve their own change; reject needs a reason
approved_user chi --role officer,approver
expect 0 "$V" --as chi change propose --service "$svc" --status recognised --reason "fixed" --decision "QĐ 7" --effective 2030-01-01
expect 1 "$V" --as chi change approve 2; contains "$ERR" "four eyes" "self approval"
expect 1 "$V" --as bao change reject 2; contains "$ERR" "--note" "reject without a note"
expect 0 "$V" --as bao change reject 2 --note "wrong date"
expect 0 "$V" --as anh --json change show 2
[ "$(json_get "$VNTL_TMP/out" "j['state']")" = rejected ] || fail "rejected: $OUT"
# after withdrawn, only a reinstatement (a change like any other) may follow
expect 0 "$V" --as olga change propose --service "$svc" --status withdrawn --reason "licence revoked" --decision "QĐ 8" --effective 2031-01-01T00:00:00Z
expect 0 "$V" --as anh change approve 3
expect 1 "$V" --as olga change propose --service "$svc" --status suspended --reason r --decision d --effective 2032-01-01
contains "$ERR" "only a reinstatement (recognised)" "after withdrawn"
expect 0 "$V" --as an --json cert show "$svc"
[ "$(json_get "$VNTL_TMP/out" "[e['status'] for e in j['timeline']]")" = "['recognised', 'suspended', 'withdrawn']" ] ||
	fail "future-dated timeline: $OUT"
[ "$(json_get "$VNTL_TMP/out" "j['status']")" = suspended ] || fail "future withdrawal not yet in force: $OUT"

# providers: own TSP only
printf 'a provider secret of some length\n' >"$VNTL_TMP/secret"
approved_user sp-one --role provider --tsp 3 --secret-file "$VNTL_TMP/secret"
expect 1 "$V" --as sp-one change propose --service 1 --status withdrawn --reason r --decision d
contains "$ERR" "own TSP" "provider other TSP"
grep -q "provider secret" "$VNTL_DB"* && fail "secret stored in clear"
expect 0 "$V" --as sp-one --json change list
[ "$(json_get "$VNTL_TMP/out" "all(c['tsp_id'] == 3 for c in j)")" = True ] || fail "provider sees others"

# audit
expect 1 "$V" --as olga audit verify; contains "$ERR" "auditor" "officer verifies"
expect 0 "$V" --as an audit verify; contains "$OUT" "intact" "verify"
expect 0 "$V" --as an --json audit list --after 2 --limit 3
[ "$(json_get "$VNTL_TMP/out" "[e['id'] for e in j]")" = "[3, 4, 5]" ] || fail "audit list: $OUT"
expect 0 "$V" --as an --json tsp show 3
[ "$(json_get "$VNTL_TMP/out" "j['country']")" = DE ] || fail "tsp show: $OUT"
expect 0 "$V" --as an --json user list
sqlite3 "$VNTL_DB" "PRAGMA integrity_check" | grep -qx ok || fail "integrity"
echo "db_cli: ok"
