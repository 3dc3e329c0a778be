#!/bin/sh
# Issue 19: nothing is published from a registry that cannot be trusted, and
# nothing re-creates one. On copies of a demo registry that published once:
# a 0-byte file (vntl publish and vntl init refuse it, untouched), a
# truncated file, a decision reference changed behind vntl's back (the audit
# table untouched), a byte flipped in the file, an older schema, and a
# fresh registry put in place of the real one (every service would be
# dropped). Each is refused with a clear message and exit code; the
# publication directory stays byte for byte the same. vntld started on an
# empty registry leaves it empty, answers the API with 503 and serves the
# public files.
set -eu
. "$VNTL_SRC/tests/lib/publisher_e2e.sh"
. "$VNTL_SRC/tests/lib/web_server.sh"
cd "$VNTL_TMP"
V="$VNTL_BUILD/vntl"
fail() { echo "FAIL: $*"; exit 1; }

demo_registry "$VNTL_TMP" || fail "demo registry"
$V publish >/dev/null 2>&1 || fail "first publish"
sqlite3 registry.db "PRAGMA wal_checkpoint(TRUNCATE)" >/dev/null
cp registry.db pristine.db
find out -type f | sort | xargs sha256sum > before.txt

# publish_refused NAME EXIT TEXT: vntl publish on NAME.db exits EXIT with TEXT on
# stderr, and the publication directory is unchanged
publish_refused() {
	rc=0; $V --db "$VNTL_TMP/$1.db" publish >pub.txt 2>err.txt || rc=$?
	[ "$rc" = "$2" ] || fail "$1: exit $rc, expected $2: $(cat err.txt)"
	grep -q "$3" err.txt || fail "$1: no '$3' in: $(cat err.txt)"
	grep -q "^published" pub.txt && fail "$1: something was published"
	find out -type f | sort | xargs sha256sum > after.txt
	cmp -s before.txt after.txt || fail "$1: the publication directory changed"
}
size() { wc -c < "$1" | tr -d ' '; }

# 1. a 0-byte registry: refused by publish and by init, left empty
: > empty.db
publish_refused empty 3 "is empty (0 bytes): not a vntl registry"
grep -q "restore it from backup" err.txt || fail "empty: no advice: $(cat err.txt)"
rc=0; $V --db "$VNTL_TMP/empty.db" init 2>err.txt || rc=$?
[ "$rc" = 3 ] || fail "init on an empty file: exit $rc, expected 3"
grep -q "is empty" err.txt || fail "init on an empty file: $(cat err.txt)"
rc=0; $V --db "$VNTL_TMP/empty.db" --as olga tsp list >/dev/null 2>&1 || rc=$?
[ "$rc" = 3 ] || fail "tsp list on an empty file: exit $rc, expected 3"
[ "$(size empty.db)" = 0 ] || fail "the empty registry was written to"
[ ! -e empty.db-wal ] || fail "the empty registry got a WAL"

# 2. truncated to half its size: a database error, nothing published
head -c $(( $(size pristine.db) / 2 )) pristine.db > truncated.db
publish_refused truncated 3 "error"

# 3. one decision reference changed in the file (triggers dropped, audit untouched)
cp pristine.db decision.db
sqlite3 decision.db "DROP TRIGGER status_history_no_update;
	UPDATE status_history SET decision_ref = 'QĐ 6iQĐ-DEMO' WHERE decision_ref = 'QĐ 6/QĐ-DEMO'"
service=$(sqlite3 decision.db "SELECT service_id FROM status_history WHERE decision_ref = 'QĐ 6iQĐ-DEMO' LIMIT 1")
publish_refused decision 1 "service $service timeline entry 1 (status entry [0-9]*) does not match audit entry #[0-9]*: the registry was modified outside vntl"
# the auditor's check names it too
rc=0; $V --db "$VNTL_TMP/decision.db" --as an audit verify >/dev/null 2>err.txt || rc=$?
[ "$rc" = 1 ] || fail "audit verify on a tampered row: exit $rc, expected 1"
grep -q "audit chain intact, but the registry does not match it: service $service timeline entry 1" err.txt ||
	fail "audit verify does not name the row: $(cat err.txt)"
$V --as an audit verify >/dev/null || fail "audit verify of the intact registry"

# 4. a byte flipped in the file where a decision reference is stored
python3 - <<'PY'
data = bytearray(open("pristine.db", "rb").read())
needle = "QĐ 5/QĐ-DEMO".encode()
at = data.rfind(needle)
assert at > 0, "decision reference not found in the file"
data[at + 3] ^= 0x01
open("flipped.db", "wb").write(data)
PY
publish_refused flipped 1 "refused: registry not trusted"

# 5. an older schema: other commands do not migrate it
cp pristine.db old.db
sqlite3 old.db "PRAGMA user_version = 2"
publish_refused old 1 "run vntl init to migrate"
[ "$(sqlite3 old.db 'PRAGMA user_version')" = 2 ] || fail "publish migrated an old registry"

# 6. a fresh registry in place of the real one: every trusted service would go
VNTL_DB="$VNTL_TMP/fresh.db" $V init >/dev/null
VNTL_DB="$VNTL_TMP/fresh.db" $V user add olga --role officer >/dev/null
publish_refused fresh 1 "roots list: this publication would drop 5 of the 5 services it trusts now with no decision in the registry (all of them"

# 7. vntld on an empty registry: API 503, public files served, file untouched
sh "$VNTL_SRC/tests/lib/web_make_tls.sh" "$VNTL_TMP/tls" server
web_start --publication-dir "$VNTL_TMP/out" --tls-cert "$VNTL_TMP/tls/server.pem" \
	--tls-key "$VNTL_TMP/tls/server.key" --db "$VNTL_TMP/empty.db"
grep -q 'event=registry-unavailable.*is empty' "$VNTLD_LOG" || web_fail "no registry-unavailable line at start"
code=$(curl -sk -o api.json -w '%{http_code}' -X POST -H 'Content-Type: application/json' \
	--data '{"sp_id":"x","sp_password":"y"}' "$URL/api/v1/provider/token")
[ "$code" = 503 ] || web_fail "provider API on an empty registry: $code, expected 503"
grep -q registry-unavailable api.json || web_fail "no registry-unavailable error: $(cat api.json)"
[ "$(web_status "$URL/roots.xml")" = 200 ] || web_fail "public list not served"
web_stop
[ "$(size empty.db)" = 0 ] || fail "vntld wrote to the empty registry"
[ ! -e empty.db-wal ] || fail "vntld gave the empty registry a WAL"

# and the real registry still publishes
$V publish >/dev/null 2>err.txt || fail "publish of the intact registry: $(cat err.txt)"
echo "ok"
