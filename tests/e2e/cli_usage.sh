#!/bin/sh
# Usage errors and exit codes of every program, as README documents them:
# each usage error is ONE line on stderr that names the option (or operand)
# and the form it wants and points to --help (no usage dump); --help and
# --version exit 0; and one case per row of README's exit-code lists
# (vntl, vntl publish, vntl-validate, vntld).
set -eu
. "$VNTL_SRC/tests/lib/publisher_e2e.sh"
V="$VNTL_BUILD/vntl" VV="$VNTL_BUILD/vntl-validate" VD="$VNTL_BUILD/vntld"
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }

# run CODE COMMAND...: exit code CODE; stdout in $VNTL_TMP/stdout, stderr in $VNTL_TMP/stderr
run() {
	want=$1; shift
	set +e
	"$@" >"$VNTL_TMP/stdout" 2>"$VNTL_TMP/stderr"
	got=$?
	set -e
	[ "$got" -eq "$want" ] || { fail "exit $got, wanted $want: $*"; sed 's/^/    err: /' "$VNTL_TMP/stderr" | head -5; return 1; }
}
# usage_error CODE TEXT COMMAND...: a one-line usage error containing TEXT and the --help pointer
usage_error() {
	code=$1 text=$2; shift 2
	run "$code" "$@" || return 0
	lines=$(wc -l < "$VNTL_TMP/stderr")
	if [ "$lines" -ne 1 ] || ! grep -qF -- "$text" "$VNTL_TMP/stderr" || ! grep -q -- '--help' "$VNTL_TMP/stderr"; then
		fail "not a one-line usage error with \"$text\" and --help ($lines lines): $*"
		sed 's/^/    err: /' "$VNTL_TMP/stderr" | head -5
	else
		echo "ok: $code $(cat "$VNTL_TMP/stderr")"
	fi
}

# config_error TEXT COMMAND...: exit 2 with one line naming the key (TEXT)
config_error() {
	text=$1; shift
	run 2 "$@" || return 0
	if [ "$(wc -l < "$VNTL_TMP/stderr")" -ne 1 ] || ! grep -qF -- "$text" "$VNTL_TMP/stderr"; then
		fail "not a one-line configuration error with \"$text\": $*"
		sed 's/^/    err: /' "$VNTL_TMP/stderr" | head -5
	else
		echo "ok: 2 $(cat "$VNTL_TMP/stderr")"
	fi
}

demo_registry "$VNTL_TMP"   # sets VNTL_DB, VNTL_CONFIG; demo PKI in $VNTL_TMP/pki
P=$VNTL_TMP/pki

# --- vntl ---
run 0 "$V" --help && grep -q 'usage: vntl' "$VNTL_TMP/stdout" || fail "vntl --help"
run 0 "$V" --version && grep -q '^vntl (vntl) [0-9]' "$VNTL_TMP/stdout" || fail "vntl --version"
run 0 "$V" cert import --help && grep -q 'cert import' "$VNTL_TMP/stdout" || fail "vntl cert import --help"
usage_error 2 "--tsp wants a positive whole number (ID), not 'abc'" "$V" --as olga cert import --tsp abc --decision D --effective 2020-01-01 "$P/foreign-3.pem"
usage_error 2 "unknown option --frobnicate" "$V" --as olga cert import --frobnicate "$P/foreign-3.pem"
usage_error 2 "--decision wants REF" "$V" --as olga cert import --tsp 6 "$P/foreign-3.pem" --decision
usage_error 2 "--as wants a value (USER)" "$V" cert list --as
usage_error 2 "wants one FILE" "$V" --as olga cert import --tsp 6 --decision D --effective 2020-01-01 "$P/foreign-3.pem" "$P/foreign-4.pem"
usage_error 2 "--tsp ID is required" "$V" --as olga cert import --decision D "$P/foreign-3.pem"
usage_error 2 "'ZZZ' is neither a service id nor a SHA-256 prefix" "$V" --as olga cert show ZZZ
usage_error 2 "'abcdefg' is neither" "$V" --as olga cert show abcdefg
usage_error 2 "unknown command 'certs'" "$V" --as olga certs list
usage_error 2 "unknown subcommand 'lst'" "$V" --as olga cert lst
usage_error 2 "--effective wants a time" "$V" --as olga change propose --service 1 --status withdrawn \
	--reason r --decision d --effective tomorrow
usage_error 2 "--status wants granted, withdrawn, recognised or suspended, not 'gone'" "$V" --as olga \
	change propose --service 1 --status gone --reason r --decision d
usage_error 2 "--state wants pending|applied|rejected, not 'open'" "$V" --as olga change list --state open
usage_error 2 "--kind wants neac, gov-ca, public-ca or foreign" "$V" --as olga tsp add --kind bank
usage_error 2 "--limit wants a positive whole number (N), not 'ten'" "$V" --as an audit list --limit ten
usage_error 2 "wants a change ID (a positive whole number), not 'x'" "$V" --as anh change approve x
# show: one ID and nothing else (cli_parse_lone_id)
usage_error 2 "change show: wants a change ID (a positive whole number), not 'x'" "$V" --as anh change show x
usage_error 2 "tsp show: wants a provider ID (a positive whole number), not 'x'" "$V" --as anh tsp show x
usage_error 2 "correction show: wants a correction ID (a positive whole number), not 'x'" "$V" --as anh \
	correction show x
usage_error 2 "tsp show: wants one ID, got 2 ('1', '2')" "$V" --as anh tsp show 1 2
usage_error 2 "change show: wants change ID" "$V" --as anh change show
# every subcommand's option table (cli_parse_options): refusals, custom forms, missing values, --help
usage_error 2 "takes no --name-vi or --name-en (see cert rename)" "$V" --as olga cert move 5 --name-vi X --reason r
usage_error 2 "--to-tsp wants a positive whole number (ID), not 'x'" "$V" --as olga cert move 5 --to-tsp x --reason r
usage_error 2 "--expect-head wants a head hash (64 lowercase hex digits, as audit verify printed it), not 'xyz'" \
	"$V" --as an audit verify --expect-head xyz
usage_error 2 "--after wants a positive whole number (ID), not '-3'" "$V" --as an audit list --after -3
usage_error 2 "--note wants TEXT" "$V" --as anh change approve 1 --note
usage_error 2 "--reason wants TEXT" "$V" --as olga tsp retire 1 --reason
usage_error 2 "wants a provider ID (a positive whole number), not 'x'" "$V" --as olga tsp edit x --reason r
usage_error 2 "--tsp wants a positive whole number (ID), not '0'" "$V" --as olga user add bob --role provider --tsp 0
usage_error 2 "unknown option --history" "$V" --as olga cert list --history
run 0 "$V" --as anh change reject 1 --help && grep -q 'change reject ID --note TEXT' "$VNTL_TMP/stdout" ||
	fail "vntl change reject --help"
run 0 "$V" --as an audit list --after 0 --limit 1 || true
# nothing of a refused usage was written
run 0 "$V" --as olga cert list && [ "$(wc -l < "$VNTL_TMP/stdout")" -eq 7 ] || fail "a usage error changed the registry"
# README "Exit codes": 0 ok, 1 refused by a rule, 2 usage, 3 I/O or database error
run 0 "$V" --as anh cert show "$FOREIGN1" || true
run 1 "$V" --as anh cert import --tsp 6 --decision D --effective 2020-01-01 "$P/foreign-3.pem" && grep -q 'vntl: refused:' "$VNTL_TMP/stderr" || fail "non-officer import is not refused"
run 2 env -u VNTL_DB -u VNTL_CONFIG "$V" --as olga cert list && grep -q 'vntl: usage: no registry database' "$VNTL_TMP/stderr" || fail "no database is not a usage error"
run 3 "$V" --as olga cert import --tsp 6 --decision D --effective 2020-01-01 "$VNTL_TMP/no-such-file.pem" && grep -q 'vntl: error:' "$VNTL_TMP/stderr" || fail "unreadable file is not an I/O error"
run 3 "$V" --db "$VNTL_TMP/no/such/dir/registry.db" --as olga cert list || true

# --- vntl publish (README: 0 published or nothing due, 1 refused, 2 usage or bad configuration, 3 I/O) ---
run 0 "$V" publish && grep -q 'published roots' "$VNTL_TMP/stdout" || fail "publish"
run 0 "$V" publish --if-due && grep -q 'nothing due' "$VNTL_TMP/stdout" || fail "publish --if-due"
sed 's|^publish.cert = .*|publish.cert = '"$P"'/neac-root.pem|' "$VNTL_CONFIG" > "$VNTL_TMP/mismatch.conf"
run 1 "$V" --config "$VNTL_TMP/mismatch.conf" publish && grep -q 'does not match the key' "$VNTL_TMP/stderr" || fail "mismatched signer not refused"
printf 'publish.due_days = 40\n' >> "$VNTL_TMP/vntl.conf"
run 2 "$V" publish && grep -q 'publish.due_days' "$VNTL_TMP/stderr" || fail "bad publish.due_days is not a configuration error"
sed -i '$d' "$VNTL_TMP/vntl.conf"
usage_error 2 "--list wants roots, foreign, pointer or all, not 'everything'" "$V" publish --list everything
usage_error 2 "--list wants roots, foreign, pointer or all, not ''" "$V" publish --list
usage_error 2 "unknown option '--bogus'" "$V" publish --bogus
# a signing key or certificate not configured, or not readable: configuration error, nothing published
grep -v '^publish.key = ' "$VNTL_CONFIG" > "$VNTL_TMP/nokey.conf"
config_error "publish.key is not set in the configuration" "$V" --config "$VNTL_TMP/nokey.conf" publish
sed 's|^publish.cert = .*|publish.cert = '"$VNTL_TMP"'/no-such.pem|' "$VNTL_CONFIG" > "$VNTL_TMP/nocert.conf"
config_error "publish.cert = $VNTL_TMP/no-such.pem: cannot read the list-signing certificate" \
	"$V" --config "$VNTL_TMP/nocert.conf" publish
run 0 "$V" publish --if-due && grep -q 'nothing due' "$VNTL_TMP/stdout" || fail "a refused publish changed something"
printf 'publish.key_pass_file = %s/no-such-pass\n' "$VNTL_TMP" >> "$VNTL_TMP/vntl.conf"
run 3 "$V" publish && grep -q 'vntl: error:' "$VNTL_TMP/stderr" || fail "unreadable passphrase file is not an I/O error"
sed -i '$d' "$VNTL_TMP/vntl.conf"

# --- vntl-validate (README: 0 passed/accepted, 1 failed/refused, 2 indeterminate, 3 usage or input error) ---
L="--signer $P/list-signer.pem --schema-dir $VNTL_SRC/schema/vntl-tsl-profile.xsd"
run 0 "$VV" --help && grep -q 'usage: vntl-validate' "$VNTL_TMP/stdout" || fail "vntl-validate --help"
run 0 "$VV" list --help || true
run 0 "$VV" --version && grep -q '^vntl-validate (vntl) [0-9]' "$VNTL_TMP/stdout" || fail "vntl-validate --version"
run 0 "$VV" list "$VNTL_TMP/out/roots.xml" $L || true
run 1 "$VV" list "$VNTL_TMP/out/roots.xml" --signer "$P/neac-root.pem" \
	--schema-dir "$VNTL_SRC/schema/vntl-tsl-profile.xsd" && grep -q 'refused \[' "$VNTL_TMP/stdout" || fail "wrong signer not refused"
# a public CA's certificate checked against the roots list, offline: nothing known of its revocation
run 2 "$VV" chain "$P/public-ca-2.pem" --list "$VNTL_TMP/out/roots.xml" $L --purpose any --offline \
	--untrusted "$P/neac-root.pem" || true
usage_error 3 "unknown option --sigher" "$VV" list "$VNTL_TMP/out/roots.xml" --sigher x
usage_error 3 "--signer wants a PEM certificate file" "$VV" list "$VNTL_TMP/out/roots.xml" --signer
usage_error 3 "--revocation wants require, prefer or none, not \"maybe\"" "$VV" chain x --anchors y --revocation maybe
usage_error 3 "--at wants an RFC 3339 time" "$VV" chain x --anchors y --at yesterday
usage_error 3 "chain wants one LEAF certificate file, got 2" "$VV" chain a b --anchors y
usage_error 3 "list wants one list FILE or URL" "$VV" list --signer x
usage_error 3 "chain wants its anchors from either --list" "$VV" chain leaf.pem
usage_error 3 "unknown command \"lists\"" "$VV" lists x

# --- vntld (README: 0 stopped or --help/--version, 1 could not start, 2 usage or bad configuration) ---
run 0 "$VD" --help && grep -q 'usage: vntld' "$VNTL_TMP/stdout" || fail "vntld --help"
run 0 "$VD" --version && grep -q '^vntld (vntl) [0-9]' "$VNTL_TMP/stdout" || fail "vntld --version"
usage_error 2 "unknown flag --prot" "$VD" --prot 8443
usage_error 2 "--port wants a value" "$VD" --port
run 2 "$VD" --publication-dir "$VNTL_TMP/stdout" --port 0 --listen 127.0.0.1 || true
run 1 "$VD" --publication-dir "$VNTL_TMP/stdout" --port 0 --listen 127.0.0.1 \
	--tls-cert "$P/neac-root.pem" --tls-key "$P/list-signer.key" || true

[ "$failures" -eq 0 ] || { echo "$failures check(s) failed"; exit 1; }
echo "every usage error is one line; every documented exit code holds"
