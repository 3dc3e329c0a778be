#!/bin/sh
# vntl publish end to end, on a registry filled with the vntl CLI from the
# demo PKI: publish; withdraw a public CA through the four-eyes flow; publish
# again: new sequence, ServiceHistory entry, changed roots.pem, the old
# version still archived byte for byte, publications recorded; --if-due
# publishes nothing when nothing is due and the foreign list once a
# future-dated suspension takes effect (no confirmation: a decision); a
# re-created registry needs an approver's confirmation; refusals change nothing.
set -eu
. "$VNTL_SRC/tests/lib/publisher_e2e.sh"
cd "$VNTL_TMP"
V="$VNTL_BUILD/vntl"
export VNTL_DB="$VNTL_TMP/registry.db"
fail() { echo "FAIL: $*"; exit 1; }
seq_of() { python3 -c "import json,sys;print(json.load(open('out/index.json'))['lists'][sys.argv[1]]['sequence'])" "$1"; }
xp() { xmllint --xpath "$1" "$2" 2>/dev/null; }

demo_registry "$VNTL_TMP" || fail "import did not report service ids"
pubca1=$PUBCA1 foreign1=$FOREIGN1
# the list-signing key encrypted; its passphrase comes from the environment
openssl pkcs8 -topk8 -v2 aes-256-cbc -in pki/list-signer.key -out signer-enc.key -passout pass:demo-pass
cat > vntl.conf <<CONF
publish.out = $VNTL_TMP/out
publish.key = $VNTL_TMP/signer-enc.key
publish.cert = $VNTL_TMP/pki/list-signer.pem
publish.base_url = https://tl.demo.example.vn
publish.next_update_days = 30
CONF
export VNTL_CONFIG="$VNTL_TMP/vntl.conf"

# without the passphrase the key cannot be read: refused, nothing written
if $V publish 2>err.txt; then fail "published without the key's passphrase"; fi
grep -q "passphrase" err.txt || fail "no passphrase message: $(cat err.txt)"
[ ! -e out/index.json ] || fail "a refused publish wrote index.json"
export VNTL_PUBLISH_KEY_PASS=demo-pass

# 1. first publication
$V publish > pub1.txt 2>/dev/null || fail "first publish"
[ "$(seq_of roots)" = 1 ] && [ "$(seq_of foreign)" = 1 ] && [ "$(seq_of pointer)" = 1 ] || fail "first sequences"
cp out/roots/1.xml roots-1.copy
cp out/roots.pem roots-1.pem
[ "$(grep -c 'BEGIN CERTIFICATE' roots-1.pem)" = 7 ] || fail "roots.pem should hold 7 anchors"
[ "$(grep -c '^# List: roots$' roots-1.pem)" = 5 ] || fail "roots.pem should hold the 5 anchors of the roots list"
[ "$(grep -c '^# List: foreign$' roots-1.pem)" = 2 ] || fail "roots.pem should hold the 2 recognised foreign certificates"
for f in out/roots/1.xml out/foreign/1.xml out/pointer/1.xml; do
	xmllint --noout --nonet --schema "$VNTL_SHARED/tl/xsd/19612-libxml2.xsd" "$f" 2>/dev/null || fail "XSD: $f"
	xmlsec_verify pki/list-signer.pem "$f" || fail "signature: $f"
done

# 2. withdraw public CA 1 through the four-eyes flow
change=$($V --as olga change propose --service "$pubca1" --status withdrawn --reason "licence revoked" \
	--decision "QĐ 99/QĐ-DEMO" | sed -n 's/^change \([0-9]*\) .*/\1/p')
[ -n "$change" ] || fail "no change id"
if $V --as olga change approve "$change" 2>/dev/null; then fail "the proposer approved her own change"; fi
$V --as anh change approve "$change" >/dev/null

# 3. publish again
$V publish > pub2.txt 2>/dev/null || fail "second publish"
[ "$(seq_of roots)" = 2 ] && [ "$(seq_of foreign)" = 2 ] && [ "$(seq_of pointer)" = 2 ] || fail "second sequences"
cmp -s roots-1.copy out/roots/1.xml || fail "archived roots/1.xml changed"
svc="//*[local-name()='TSPService'][*[local-name()='ServiceInformation']/*[local-name()='ServiceName']/*[local-name()='Name' and contains(., 'VNPT-like')]]"
[ "$(xp "string($svc/*[local-name()='ServiceInformation']/*[local-name()='ServiceStatus'])" out/roots/2.xml)" = \
	"http://uri.etsi.org/TrstSvc/TrustedList/Svcstatus/withdrawn" ] || fail "current status is not withdrawn"
[ "$(xp "string($svc/*[local-name()='ServiceHistory']/*[local-name()='ServiceHistoryInstance'][1]/*[local-name()='ServiceStatus'])" out/roots/2.xml)" = \
	"http://uri.etsi.org/TrstSvc/TrustedList/Svcstatus/granted" ] || fail "no ServiceHistory entry with the grant"
xp "string($svc//*[local-name()='InformationValue'])" out/roots/2.xml | grep -q "QĐ 99/QĐ-DEMO" || fail "decision not listed"
[ "$(grep -c '^# List: roots$' out/roots.pem)" = 4 ] || fail "roots.pem should hold 4 roots anchors now"
grep -q "$(sed -n 2p pki/public-ca-1.pem)" out/roots.pem && fail "withdrawn CA still in roots.pem"
python3 "$VNTL_SRC/tests/lib/publisher_checkdir.py" out >/dev/null || fail "inconsistent directory"
xmlsec_verify pki/list-signer.pem out/roots.xml || fail "signature of roots.xml"
[ "$($V --as an --json audit list | grep -c "list.publish")" -ge 6 ] || fail "publications are not in the registry's audit log"

# 4. --if-due: nothing due now
$V publish --if-due > due.txt 2>/dev/null || fail "--if-due"
grep -q "nothing due" due.txt || fail "--if-due published: $(cat due.txt)"
[ "$(seq_of roots)" = 2 ] || fail "--if-due changed a sequence"

# 5. a suspension effective in some seconds: due for the foreign list only once effective
when=$(( $(date +%s) + 8 )) # room for propose, approve and a publish on a loaded machine
change=$($V --as olga change propose --service "$foreign1" --status suspended --reason "audit finding" \
	--decision "QĐ 100/QĐ-DEMO" --effective "@$when" | sed -n 's/^change \([0-9]*\) .*/\1/p')
$V --as anh change approve "$change" >/dev/null
$V publish --if-due > due.txt 2>/dev/null
grep -q "nothing due" due.txt || fail "published before the change took effect"
while [ "$(date +%s)" -le "$when" ]; do sleep 1; done
# suspending 1 of the 2 recognised foreign certificates: half the list, but
# a decision the registry records (four eyes), so no confirmation is needed
$V publish --if-due > due.txt 2>err.txt || fail "a decided suspension was not published: $(cat err.txt)"
$V --as an --json audit list > audit.json
grep -q "large-change-confirmed" audit.json && fail "a decided change needed a confirmation"
grep -q "published foreign sequence 3" due.txt || fail "foreign list not republished: $(cat due.txt)"
# roots.pem follows the foreign list: the suspended certificate anchors nothing any more
[ "$(grep -c '^# List: foreign$' out/roots.pem)" = 1 ] || fail "roots.pem still holds the suspended foreign certificate"
grep -q "$(sed -n 2p pki/foreign-1.pem)" out/roots.pem && fail "suspended foreign certificate still in roots.pem"
grep -q "published roots" due.txt && fail "roots list republished without a reason"
grep -q "deprecatedatnationallevel" out/foreign/3.xml || fail "suspension not in foreign/3.xml"
[ "$(seq_of roots)" = 2 ] || fail "roots sequence moved"

# 5b. a registry re-created in place of the real one (on a copy of the
# publication): every service would go with no decision that explains it:
# refused without confirmation, confirming needs an approver, nothing is
# written meanwhile; an approver's confirmation is audited with its counts
cp -a out out-fresh
sed "s|^publish.out = .*|publish.out = $VNTL_TMP/out-fresh|" vntl.conf > fresh.conf
VNTL_DB=fresh.db $V init >/dev/null
VNTL_DB=fresh.db $V user add olga --role officer >/dev/null
VNTL_DB=fresh.db $V --as olga user add an --role auditor >/dev/null
VNTL_DB=fresh.db $V --as olga user add anh --role approver >/dev/null
find out-fresh -type f | sort | xargs sha256sum > before.txt
rc=0; VNTL_DB=fresh.db VNTL_CONFIG=fresh.conf $V --as olga publish > due.txt 2>err.txt || rc=$?
[ "$rc" = 1 ] || fail "a large change without confirmation: exit $rc, expected 1"
grep -q "roots list: this publication would drop 4 of the 4 services it trusts now with no decision in the registry (all of them" err.txt ||
	fail "no large-change reason: $(cat err.txt)"
rc=0; VNTL_DB=fresh.db VNTL_CONFIG=fresh.conf $V --as olga publish --confirm-large-change > due.txt 2>err.txt || rc=$?
[ "$rc" = 1 ] || fail "an officer confirmed a large change: exit $rc, expected 1"
grep -q "approver" err.txt || fail "the approver role is not named: $(cat err.txt)"
find out-fresh -type f | sort | xargs sha256sum > after.txt
cmp -s before.txt after.txt || fail "a refused large change changed the directory"
VNTL_DB=fresh.db VNTL_CONFIG=fresh.conf $V --as anh publish --confirm-large-change > due.txt 2>/dev/null ||
	fail "an approver's confirmation did not publish"
VNTL_DB=fresh.db $V --as an --json audit list > audit.json
python3 -c "import json,sys; e={x['object']: x for x in json.load(open('audit.json')) if x['action']=='list.large-change-confirmed'}
sys.exit(not (set(e) == {'list:roots', 'list:foreign'} and e['list:roots']['actor']=='anh'
              and e['list:roots']['detail']['dropped']==4 and e['list:roots']['detail']['listed']==4
              and e['list:foreign']['detail']['dropped']==1 and e['list:foreign']['detail']['listed']==1))" ||
	fail "the confirmed large change is not audited with its counts: $(cat audit.json)"

# 6. a publication the self-check refuses (signer certificate of another key) changes nothing
find out -type f | sort | xargs sha256sum > before.txt
sed "s|^publish.cert = .*|publish.cert = $VNTL_TMP/pki/neac-root.pem|" vntl.conf > bad.conf
rc=0; VNTL_CONFIG="$VNTL_TMP/bad.conf" $V publish 2>err.txt || rc=$?
[ "$rc" = 1 ] || fail "wrong certificate: exit $rc, expected 1"
grep -q "does not match" err.txt || fail "no reason: $(cat err.txt)"
find out -type f | sort | xargs sha256sum > after.txt
cmp -s before.txt after.txt || fail "a refused publish changed the directory"
rc=0; $V publish --list nonsense 2>/dev/null || rc=$?
[ "$rc" = 2 ] || fail "bad --list: exit $rc, expected 2"
# 7. NEAC's contact details come from the configuration, and bad ones are named
{ cat vntl.conf; echo "publish.operator_uri = ftp://neac.example"; } > badop.conf
rc=0; VNTL_CONFIG="$VNTL_TMP/badop.conf" $V publish 2>err.txt || rc=$?
[ "$rc" = 2 ] || fail "bad operator URI: exit $rc, expected 2"
grep -q "publish.operator_uri" err.txt || fail "bad operator URI not named: $(cat err.txt)"
{ cat vntl.conf; echo "publish.operator_street_en = 18 Nguyen Du (DEMO)"; } > op.conf
VNTL_CONFIG="$VNTL_TMP/op.conf" $V publish --list roots >/dev/null 2>err.txt || fail "publish with operator: $(cat err.txt)"
grep -q "18 Nguyen Du (DEMO)" out/roots.xml || fail "the configured operator street is not in roots.xml"
echo "ok"
