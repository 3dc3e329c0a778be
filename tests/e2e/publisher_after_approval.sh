#!/bin/sh
# Publication follows approval (issue 9, item 1). A change proposed without
# an effective time takes effect when it is approved; a list published
# between proposal and approval does not hide it: `vntl publish --if-due`
# finds the list due, and vntld publishes it by itself within
# server.publish_interval, so the next served list shows the new status from
# a time after the list that said otherwise. A change dated before an
# already published list is approved only as retroactive, with a reason
# that the audit log keeps.
set -eu
. "$VNTL_SRC/tests/lib/publisher_e2e.sh"
. "$VNTL_SRC/tests/lib/web_server.sh"
cd "$VNTL_TMP"
fail() { echo "FAIL: $*"; [ -f "$VNTLD_LOG" ] && tail -n 20 "$VNTLD_LOG"; exit 1; }
seq_of() { python3 -c "import json,sys;print(json.load(open('out/index.json'))['lists'][sys.argv[1]]['sequence'])" "$1"; }
xp() { xmllint --xpath "$1" "$2" 2>/dev/null; }
svc() { # service name fragment -> XPath of its TSPService
	echo "//*[local-name()='TSPService'][*[local-name()='ServiceInformation']/*[local-name()='ServiceName']/*[local-name()='Name' and contains(., '$1')]]"
}
status_of() { # list file, service name fragment -> ServiceStatus (last URI segment) and start
	s=$(svc "$2")
	printf '%s %s\n' "$(xp "string($s/*[local-name()='ServiceInformation']/*[local-name()='ServiceStatus'])" "$1" |
		sed 's|.*/||')" "$(xp "string($s/*[local-name()='ServiceInformation']/*[local-name()='StatusStartingTime'])" "$1")"
}
issued_of() { xp "string(//*[local-name()='ListIssueDateTime'])" "$1"; }

demo_registry "$VNTL_TMP" || fail "demo registry"
V="$VNTL_BUILD/vntl"
name1=$(sqlite3 registry.db "SELECT name_en FROM service WHERE id = $FOREIGN1")
$V publish >/dev/null 2>&1 || fail "first publish"

# 1. propose, publish in between, approve: --if-due must see the change.
change=$($V --as olga change propose --service "$FOREIGN1" --status suspended --reason "audit finding" \
	--decision "QĐ 7/QĐ-DEMO" | sed -n 's/^change \([0-9]*\) .*/\1/p')
$V --as anh --json change show "$change" | grep -q '"effective": null' || fail "effective is not null (on approval)"
sleep 1
$V publish >/dev/null 2>&1 || fail "publish between proposal and approval"
between=$(issued_of out/foreign.xml)
sleep 1
$V --as anh change approve "$change" >/dev/null || fail "approve"
$V publish --if-due > due.txt 2>due.err || fail "publish --if-due"
grep -q "published foreign" due.txt || fail "--if-due did not publish the approved change: $(cat due.txt)"
set -- $(status_of out/foreign.xml "$name1")
[ "$1" = deprecatedatnationallevel ] || fail "foreign list says $1 after the approval"
[ "$2" \> "$between" ] || fail "the suspension starts at $2, not after the list issued at $between"
$V publish --if-due > due2.txt 2>/dev/null || fail "second --if-due"
grep -q "nothing due" due2.txt || fail "a published approval stays due: $(cat due2.txt)"

# 2. a change dated before a published list: refused unless retroactive.
sleep 1 # after the suspension's effective time, before the next list
change=$($V --as olga change propose --service "$FOREIGN1" --status recognised --reason "audit closed" \
	--decision "QĐ 8/QĐ-DEMO" --effective "@$(date +%s)" | sed -n 's/^change \([0-9]*\) .*/\1/p')
[ -n "$change" ] || fail "dated proposal refused"
sleep 1
$V publish >/dev/null 2>&1 || fail "publish after the dated proposal"
if $V --as anh change approve "$change" 2>err.txt; then fail "a change dated before a published list was approved"; fi
grep -q "approve it as retroactive" err.txt || fail "no retroactive message: $(cat err.txt)"
grep -q "T[0-9:]*Z" err.txt || fail "times are not RFC 3339: $(cat err.txt)"
$V --as anh change approve "$change" --retroactive "decision QĐ 8 applies from its signature" >/dev/null ||
	fail "retroactive approval"
$V --as an --json audit list > audit.json
grep -q '"retroactive": "decision QĐ 8 applies from its signature"' audit.json || fail "retroactive not audited"

# 3. vntld publishes an approval by itself.
cat >> vntl.conf <<CONF
server.publication_dir = $VNTL_TMP/out
server.publish_interval = 1
db = $VNTL_TMP/registry.db
CONF
sh "$VNTL_SRC/tests/lib/web_make_tls.sh" tls server
web_start --config "$VNTL_TMP/vntl.conf" --tls-cert tls/server.pem --tls-key tls/server.key
grep -q 'auto_publish=1' "$VNTLD_LOG" || fail "vntld does not publish after approval"
before=$(seq_of foreign)
change=$($V --as olga change propose --service "$FOREIGN1" --status withdrawn --reason "licence ended" \
	--decision "QĐ 9/QĐ-DEMO" | sed -n 's/^change \([0-9]*\) .*/\1/p')
$V --as anh change approve "$change" >/dev/null || fail "approve under vntld"
i=0
until [ "$(seq_of foreign)" -gt "$before" ]; do
	i=$((i + 1)); [ $i -le 100 ] || fail "vntld did not publish the approved change within 10 s"
	sleep 0.1
done
grep -q 'event=auto-published list=foreign' "$VNTLD_LOG" || fail "no auto-published log line"
i=0
until curl -sfk "$URL/foreign.xml" -o served.xml && [ "$(status_of served.xml "$name1" | cut -d' ' -f1)" = withdrawn ]; do
	i=$((i + 1)); [ $i -le 50 ] || fail "vntld does not serve the withdrawal"
	sleep 0.1
done
$V --as an --json audit list | grep -q '"actor": "vntld"' || fail "the automatic publication is not audited as vntld"
web_stop
echo "publication after approval: ok"
