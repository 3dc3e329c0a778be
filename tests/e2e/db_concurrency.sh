#!/bin/sh
# 8 processes proposing and applying changes at the same time: no update is
# lost, every change is applied exactly once, the audit chain verifies.
. "$VNTL_SRC/tests/lib/db_e2e.sh"

rounds=12
[ "${VNTL_SAN:-0}" = 1 ] && rounds=4
make_registry
set -- ca-cmc-ca-2025 ca-e-ca-2023 ca-i-ca-2022 ca-ca2-2024 ca-matbao-ca-2022 ca-nc-ca-sha256-2024 \
	ca-smartsign-2023 ca-winca-2022
for f in "$@"; do
	expect 0 "$V" --as olga cert import --tsp 3 --decision "QĐ 1" --effective 2020-01-01 "$PKI/pem/$f.pem"
done
services=$(sqlite3 "$VNTL_DB" "SELECT id FROM service ORDER BY id")
[ "$(echo "$services" | wc -l)" = 8 ] || fail "expected 8 services: $services"

worker() { # service: alternate suspended / recognised, each proposed by olga, approved by anh or bao
	i=0
	while [ $i -lt $rounds ]; do
		if [ $((i % 2)) = 0 ]; then s=suspended; else s=recognised; fi
		id=$("$V" --as olga change propose --service "$1" --status $s --reason "round $i" --decision "QĐ $i" |
			sed -n 's/^change \([0-9]*\) proposed.*/\1/p')
		[ -n "$id" ] || { echo "worker $1: propose failed" >&2; return 1; }
		approver=anh; [ $((i % 3)) = 0 ] && approver=bao
		"$V" --as $approver change approve "$id" >/dev/null || { echo "worker $1: approve $id failed" >&2; return 1; }
		i=$((i + 1))
	done
}

pids=""
for s in $services; do
	worker "$s" &
	pids="$pids $!"
done
failed=0
for p in $pids; do wait "$p" || failed=$((failed + 1)); done
[ $failed = 0 ] || fail "$failed workers failed"

total=$((8 * rounds))
q() { sqlite3 "$VNTL_DB" "$1"; }
[ "$(q "SELECT count(*) FROM change_request WHERE state = 'applied'")" = $total ] || fail "applied changes lost"
[ "$(q "SELECT count(*) FROM status_history WHERE change_id IS NOT NULL")" = $total ] || fail "history lost"
[ "$(q "SELECT count(*) FROM audit WHERE action = 'change.apply'")" = $total ] || fail "audit entries lost"
[ "$(q "SELECT count(*) FROM audit WHERE action = 'change.propose'")" = $total ] || fail "proposals lost"
for s in $services; do
	[ "$(q "SELECT count(*) FROM status_history WHERE service_id = $s")" = $((rounds + 1)) ] || fail "service $s history"
	# rounds is even: every service ends where it started
	[ "$(q "SELECT status FROM service WHERE id = $s")" = 3 ] || fail "service $s final status"
done
expect 0 "$V" --as an audit verify
contains "$OUT" "intact" "chain after concurrency"
q "PRAGMA integrity_check" | grep -qx ok || fail "integrity"
echo "db_concurrency: ok ($total changes by 8 processes)"
