#!/bin/sh
# Tampering with the audit log behind vntl's back (sqlite3 on the file,
# dropping the append-only triggers first, as an attacker would):
# `vntl audit verify` must fail and name the first entry modified, deleted
# or reordered.
. "$VNTL_SRC/tests/lib/db_e2e.sh"

make_registry
expect 0 "$V" --as olga cert import --tsp 3 --decision "QĐ 5" --effective 2020-01-01 "$PKI/pem/ca-cmc-ca-2025.pem"
for s in suspended recognised suspended recognised; do
	expect 0 "$V" --as olga change propose --service 1 --status $s --reason r --decision "QĐ"
	id=$(sqlite3 "$VNTL_DB" "SELECT max(id) FROM change_request")
	expect 0 "$V" --as anh change approve "$id"
done
expect 0 "$V" --as an audit verify
sqlite3 "$VNTL_DB" "PRAGMA wal_checkpoint(TRUNCATE)" >/dev/null
cp "$VNTL_DB" "$VNTL_TMP/pristine.db"

# The triggers stop casual edits.
sqlite3 "$VNTL_DB" "UPDATE audit SET actor = 'mallory' WHERE id = 4" 2>/dev/null && fail "trigger let an UPDATE through"
sqlite3 "$VNTL_DB" "DELETE FROM audit WHERE id = 4" 2>/dev/null && fail "trigger let a DELETE through"
expect 0 "$V" --as an audit verify

attack() { # name SQL -> expects verify to fail naming entry $3 and kind $4
	cp "$VNTL_TMP/pristine.db" "$VNTL_TMP/$1.db"
	sqlite3 "$VNTL_TMP/$1.db" "DROP TRIGGER audit_no_update; DROP TRIGGER audit_no_delete; $2" || fail "$1: sqlite3"
	expect 1 "$V" --db "$VNTL_TMP/$1.db" --as an audit verify
	contains "$ERR" "#$3" "$1 names the entry"
	contains "$ERR" "($4)" "$1 kind"
	expect 1 "$V" --db "$VNTL_TMP/$1.db" --as an --json audit verify
	[ "$(json_get "$VNTL_TMP/out" "(j['first_bad'], j['verdict'])")" = "($3, '$4')" ] || fail "$1 json: $OUT"
}
attack modified "UPDATE audit SET detail = replace(detail, 'QĐ', 'QD') WHERE id = 12" 12 modified
attack deleted "DELETE FROM audit WHERE id = 10" 10 deleted
attack reordered "UPDATE audit SET id = -1 WHERE id = 11; UPDATE audit SET id = 11 WHERE id = 12; UPDATE audit SET id = 12 WHERE id = -1" 11 reordered
last=$(sqlite3 "$VNTL_TMP/pristine.db" "SELECT max(id) FROM audit")
attack truncated "DELETE FROM audit WHERE id = $last" "$last" deleted
attack actor "UPDATE audit SET actor = 'mallory' WHERE id = 11" 11 modified

# Dropping the append-only triggers alone is found, naming the trigger.
cp "$VNTL_TMP/pristine.db" "$VNTL_TMP/untriggered.db"
sqlite3 "$VNTL_TMP/untriggered.db" "DROP TRIGGER audit_no_delete" || fail "sqlite3"
expect 1 "$V" --db "$VNTL_TMP/untriggered.db" --as an audit verify
contains "$ERR" "(unprotected)" "dropped trigger kind"
contains "$ERR" "audit_no_delete" "dropped trigger named"
cp "$VNTL_TMP/pristine.db" "$VNTL_TMP/weak-trigger.db"
sqlite3 "$VNTL_TMP/weak-trigger.db" "DROP TRIGGER audit_no_update;
	CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit WHEN 0 BEGIN SELECT RAISE(ABORT, 'no'); END" ||
	fail "sqlite3"
expect 1 "$V" --db "$VNTL_TMP/weak-trigger.db" --as an audit verify
contains "$ERR" "audit_no_update of the audit log was altered" "altered trigger"

# A head recorded outside the registry: still held after new entries, and a
# whole chain rebuilt elsewhere does not hold it.
expect 0 "$V" --db "$VNTL_TMP/pristine.db" --as an --json audit verify
head=$(json_get "$VNTL_TMP/out" "j['head']")
expect 0 "$V" --db "$VNTL_TMP/pristine.db" --as an audit verify --expect-head "$head"
cp "$VNTL_TMP/pristine.db" "$VNTL_TMP/grown.db"
expect 0 "$V" --db "$VNTL_TMP/grown.db" --as olga change propose --service 1 --status suspended --reason r --decision "QĐ 9"
expect 0 "$V" --db "$VNTL_TMP/grown.db" --as an audit verify --expect-head "$head"
contains "$OUT" "1 entries since" "grown chain still holds the recorded head"
VNTL_DB="$VNTL_TMP/rebuilt.db"
make_registry
expect 1 "$V" --as an audit verify --expect-head "$head"
contains "$ERR" "(rewritten)" "rebuilt chain"
expect 1 "$V" --as an --json audit verify --expect-head "$head"
[ "$(json_get "$VNTL_TMP/out" "j['verdict']")" = "rewritten" ] || fail "rebuilt json: $OUT"
expect 2 "$V" --as an audit verify --expect-head 12ab
contains "$ERR" "64 lowercase hex" "malformed head"
echo "db_audit_tamper: ok"
