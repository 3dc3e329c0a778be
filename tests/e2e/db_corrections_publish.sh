#!/bin/sh
# Corrections reach the published lists (issue 9): a TSP's name edited, a
# service moved to the TSP it belongs to, a TSP retired — each proposed by
# an officer, approved by another person, audited, and published by the
# next run (`--if-due` finds the list due) without editing any sealed row.
# Refused attempts are audited; a withdrawn certificate re-imported is
# refused with the way to reinstate it.
set -eu
. "$VNTL_SRC/tests/lib/publisher_e2e.sh"
cd "$VNTL_TMP"
fail() { echo "FAIL: $*"; exit 1; }
xp() { xmllint --xpath "$1" "$2" 2>/dev/null; }
tsp_xpath() { # English TSP name -> XPath of its TrustServiceProvider
	echo "//*[local-name()='TrustServiceProvider'][.//*[local-name()='TSPName']/*[local-name()='Name' and @xml:lang='en' and .='$1']]"
}
services_of() { xp "count($(tsp_xpath "$1")//*[local-name()='TSPService'])" out/roots.xml; }
proposed() { sed -n 's/^correction \([0-9]*\) proposed.*/\1/p'; }

demo_registry "$VNTL_TMP" || fail "demo registry"
V="$VNTL_BUILD/vntl"
$V publish >/dev/null 2>&1 || fail "first publish"
[ "$(services_of 'DEMO Public CA 1')" = 1 ] || fail "first list: no DEMO Public CA 1"
seals_before=$(sqlite3 registry.db "SELECT group_concat(name_en) FROM tsp")

# 1. a TSP's name: proposed, refused to its proposer, approved by another
fix=$($V --as olga tsp edit 3 --name-en "DEMO Public CA One" --reason "the licence says One" | proposed)
[ -n "$fix" ] || fail "tsp edit not proposed"
if $V --as olga correction approve "$fix" 2>err.txt; then fail "the proposer approved"; fi
grep -q "lacks the role" err.txt || fail "no role message: $(cat err.txt)"
$V --as anh correction approve "$fix" --note "checked against the licence" >/dev/null || fail "approve edit"
$V publish --if-due > due.txt 2>&1 || fail "publish --if-due after the edit: $(cat due.txt)"
grep -q "published roots" due.txt || fail "--if-due did not publish the edit: $(cat due.txt)"
[ "$(services_of 'DEMO Public CA One')" = 1 ] || fail "the list does not carry the new name"
[ "$(services_of 'DEMO Public CA 1')" = 0 ] || fail "the list still carries the old name"
[ "$(sqlite3 registry.db "SELECT group_concat(name_en) FROM tsp")" = "$seals_before" ] ||
	fail "a sealed tsp row was edited"

# 2. a service filed under the wrong TSP moves to another of the same kind
fix=$($V --as olga cert move "$PUBCA1" --to-tsp 4 --reason "filed under the wrong provider" | proposed)
$V --as anh correction approve "$fix" >/dev/null || fail "approve move"
$V publish --if-due >/dev/null 2>&1 || fail "publish after the move"
[ "$(services_of 'DEMO Public CA 2')" = 2 ] || fail "the moved service is not under DEMO Public CA 2"
[ "$(services_of 'DEMO Public CA One')" = 0 ] || fail "the moved service is still under its old TSP"
if $V --as olga cert move "$FOREIGN1" --to-tsp 4 --reason "wrong kind" 2>err.txt; then fail "moved across kinds"; fi

# 3. a TSP is retired only when its services are withdrawn; then it leaves the list
pubca3=$(sqlite3 registry.db "SELECT id FROM service WHERE tsp_id = 5")
if $V --as olga tsp retire 5 --reason "licence ended" 2>err.txt; then fail "retired with a granted service"; fi
grep -q "not withdrawn" err.txt || fail "retire message: $(cat err.txt)"
change=$($V --as olga change propose --service "$pubca3" --status withdrawn --reason "licence ended" \
	--decision "QĐ 9/QĐ-DEMO" | sed -n 's/^change \([0-9]*\) .*/\1/p')
$V --as anh change approve "$change" >/dev/null || fail "approve withdrawal"
$V publish >/dev/null 2>&1 || fail "publish the withdrawal"
[ "$(services_of 'DEMO Public CA 3')" = 1 ] || fail "the withdrawn service is not published first"
fix=$($V --as olga tsp retire 5 --reason "licence ended" | proposed)
$V --as anh correction approve "$fix" >/dev/null || fail "approve retirement"
$V publish --if-due >/dev/null 2>&1 || fail "publish after the retirement"
[ "$(services_of 'DEMO Public CA 3')" = 0 ] || fail "the retired TSP is still listed"
[ "$(xp "count(//*[local-name()='TrustServiceProvider'])" out/roots.xml)" = 3 ] || fail "other TSPs lost (NEAC, government CA, Public CA 2 remain)"

# 4. re-importing the withdrawn certificate says so, and how to reinstate it
if $V --as olga cert import --tsp 4 --decision "QĐ 1" --effective 2020-01-01 pki/public-ca-3.pem >out.txt 2>err.txt
then fail "a withdrawn certificate was 'already present': $(cat out.txt)"; fi
grep -q "withdrawn since" err.txt && grep -q "change propose --service $pubca3" err.txt ||
	fail "re-import message: $(cat err.txt)"

# 5. refusals are in the audit log; the chain holds; nothing else changed
if $V --as mallory correction approve "$fix" 2>/dev/null; then fail "unknown user acted"; fi
[ "$(sqlite3 registry.db "SELECT count(*) FROM audit WHERE action = 'refused' AND actor = 'mallory'")" = 1 ] ||
	fail "unknown user not audited"
[ "$(sqlite3 registry.db "SELECT count(*) FROM audit WHERE action = 'refused' AND actor = 'olga' \
	AND detail LIKE '%\"rule\":\"role\"%'")" = 1 ] || fail "missing role not audited"
[ "$(sqlite3 registry.db "SELECT count(*) FROM audit WHERE action = 'correction.apply'")" = 3 ] ||
	fail "applied corrections not audited"
$V --as an audit verify >/dev/null || fail "audit chain after the corrections"
$V --as an doctor >doctor.txt || fail "doctor on a clean registry: $(cat doctor.txt)"
grep -q "no row holds text" doctor.txt || fail "doctor: $(cat doctor.txt)"
echo "ok"
