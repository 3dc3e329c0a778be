#!/bin/sh
# Issue 9: one configuration file serves every program, so a key that no
# program reads is a typo or a leftover. vntl and vntld refuse it with the
# file, the line and the closest known key, before doing anything; and every
# key the code reads (found in the sources here, so a new key cannot be
# forgotten in common/config.c's table) is accepted.
set -eu
V="$VNTL_BUILD/vntl" VD="$VNTL_BUILD/vntld" T="$VNTL_TMP"
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }

# refused CODE PROGRAM...: exit CODE, one stderr line naming file:line and the guess
refused() {
	code=$1; shift
	set +e
	"$@" >"$T/out" 2>"$T/err"
	got=$?
	set -e
	want="$T/vntl.conf:3: unknown key 'server.prot' (did you mean server.port?)"
	[ "$got" -eq "$code" ] || fail "exit $got, wanted $code: $*"
	grep -qF "$want" "$T/err" || { fail "no \"$want\" from: $*"; sed 's/^/    err: /' "$T/err"; }
	[ ! -s "$T/out" ] || fail "printed on stdout: $*"
}

printf 'db = %s/registry.db\n# a typo two lines down\nserver.prot = 8443\n' "$T" >"$T/vntl.conf"
refused 3 "$V" --config "$T/vntl.conf" init
[ ! -e "$T/registry.db" ] || fail "vntl init created the registry despite the unknown key"
refused 2 "$VD" --config "$T/vntl.conf"
VNTL_CONFIG="$T/vntl.conf" refused 3 "$V" tsp list

# Every "component.key" literal in the programs' and libraries' sources.
keys=$(cd "$VNTL_SRC" && grep -rhoE '"(db|publish|server|provider|admin)(\.[a-z0-9_]+)?"' \
	cli db publisher web vntld common --include='*.c' | tr -d '"' | grep -vxE 'publish|server|provider|admin' | sort -u)
[ "$(echo "$keys" | wc -l)" -ge 40 ] || fail "found only $(echo "$keys" | wc -l) keys in the sources"
: >"$T/all.conf"
for k in $keys; do echo "$k = x" >>"$T/all.conf"; done
set +e
"$V" --config "$T/all.conf" --db "$T/none.db" tsp list >/dev/null 2>"$T/err"
set -e
if grep -q 'unknown key' "$T/err"; then
	fail "a key the code reads is not in common/config.c's table:"; sed 's/^/    err: /' "$T/err"
fi
grep -q 'no such registry' "$T/err" || { fail "vntl did not get past the configuration"; cat "$T/err"; }

[ "$failures" -eq 0 ] || { echo "$failures check(s) failed"; exit 1; }
echo "config_unknown_key: ok"
