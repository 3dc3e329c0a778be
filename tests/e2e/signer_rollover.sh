#!/bin/sh
# Issue 14, signer rollover: lists signed by A; signer B registered and
# announced (four eyes) while A signs, so the pointer list and the signed
# index name B; a sync client (pinned to A only) learns B; after the switch
# the lists are signed by B and the client follows without a new pin; A
# stays announced as previous and its archived lists still check at the
# time they were issued. A publication signed by C, a key never announced,
# is refused at every stage (its index, and its list under an index the
# client trusts) and leaves the client's DIR untouched.
set -eu
. "$VNTL_SRC/tests/lib/web_server.sh"
. "$VNTL_SRC/tests/lib/publisher_e2e.sh"
T="$VNTL_TMP"
VV="$VNTL_BUILD/vntl-validate"
pub="$T/pub"
keys="$pub.keys"
fail() { web_fail "$*"; }
dir_sum() {
	(cd "$1" && { readlink current || true; find . -path ./.lock -prune -o -type f -print |
		sort | xargs -r sha256sum; }) | sha256sum | cut -c1-64
}
sync_rc() { # WANT RULE ARGS...
	want=$1 rule=$2; shift 2
	set +e
	"$VV" sync "$@" >"$T/out.txt" 2>"$T/err.txt"; got=$?
	set -e
	[ "$got" = "$want" ] || fail "sync exit $got, wanted $want ($rule): $(cat "$T/err.txt")"
	[ -z "$rule" ] || grep -q "($rule)" "$T/err.txt" || fail "no ($rule) in: $(cat "$T/err.txt")"
}
X="--schema-dir $VNTL_SHARED/tl/xsd/19612-libxml2.xsd"
sha_of() { openssl x509 -in "$1" -outform DER | sha256sum | cut -c1-64; }
b64_of() { openssl x509 -in "$1" -outform DER | base64 -w0; }
V() { VNTL_CONFIG="$keys/vntl.conf" VNTL_DB="$keys/registry.db" "$VNTL_BUILD/vntl" "$@"; }
# four_eyes SUBCOMMAND ARGS...: olga proposes, anh approves
four_eyes() {
	id=$(V --as olga signer "$@" --reason "rollover 2027" | sed -n 's/^correction \([0-9]*\) proposed.*/\1/p')
	[ -n "$id" ] || fail "signer $* was not proposed"
	V --as anh correction approve "$id" >/dev/null || fail "signer $*: approval refused"
}
index_field() { python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))" "$@"; }

# --- the bootstrap signer A (publish.key), and the keys B and C -------------------
sh "$VNTL_SRC/tests/lib/web_publish.sh" "$pub" 1
A="$keys/pki/list-signer.pem"
mkdir -p "$T/b" "$T/c"
make_signer "$T/c" || fail "cannot make the key C"
# B as in a ceremony: the key, its request made by vntl signer csr, the certificate issued
openssl ecparam -name prime256v1 -genkey -noout -out "$T/b/signer.key" 2>/dev/null
set +e; V signer csr --key "$T/b/signer.key" --subject "C=VN" >/dev/null 2>"$T/csr.err"; rc=$?; set -e
[ "$rc" = 1 ] && grep -q "not of the form" "$T/csr.err" || fail "a bad subject was not refused: exit $rc"
V signer csr --key "$T/b/signer.key" --subject "/C=VN/O=DEMO NEAC/CN=DEMO vntl list signer B" \
	--out "$T/b/signer.csr" || fail "signer csr"
openssl req -in "$T/b/signer.csr" -noout -verify 2>/dev/null || fail "the request's signature does not verify"
printf 'keyUsage=critical,digitalSignature,nonRepudiation\n' >"$T/b/ext"
openssl x509 -req -in "$T/b/signer.csr" -signkey "$T/b/signer.key" -days 365 -extfile "$T/b/ext" \
	-out "$T/b/signer.pem" 2>/dev/null || fail "cannot issue B's certificate"
B="$T/b/signer.pem"; C="$T/c/signer.pem"

# C's publication: the same registry, signed by a key nobody announced
cp -a "$keys" "$T/evil.keys"
sed -i -e "s|^publish.out = .*|publish.out = $T/evil|" -e "s|^publish.key = .*|publish.key = $T/c/signer.key|" \
	-e "s|^publish.cert = .*|publish.cert = $C|" "$T/evil.keys/vntl.conf"
sed -i "s|$keys/registry.db|$T/evil.keys/registry.db|" "$T/evil.keys/vntl.conf"
cp -a "$pub" "$T/evil"
VNTL_CONFIG="$T/evil.keys/vntl.conf" VNTL_DB="$T/evil.keys/registry.db" "$VNTL_BUILD/vntl" publish >/dev/null ||
	fail "the attacker's publication failed"
python3 "$VNTL_SRC/tests/lib/validator_http_server.py" "$T/evil" "$T/evil.port" 2>/dev/null &
EVIL_PID=$!
trap 'kill "$EVIL_PID" 2>/dev/null || :; web_cleanup' EXIT INT TERM
i=0; while [ ! -s "$T/evil.port" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
EVIL="http://127.0.0.1:$(cat "$T/evil.port")"

# vntld serves what A or B signs (server.signer_cert holds both once B is known)
cat "$A" "$B" >"$T/signers.pem"
sh "$VNTL_SRC/tests/lib/web_make_tls.sh" "$T/tls" server
web_start --publication-dir "$pub" --signer-cert "$T/signers.pem" --tls-cert "$T/tls/server.pem" \
	--tls-key "$T/tls/server.key"
S="--from $URL --signer $A --ca-file $T/tls/server.pem --out $T/store"

# refused_everywhere STAGE: C's whole publication, and C's roots list under
# an index signed by the current signer (KEY CERT), leave DIR untouched
refused_everywhere() {
	before=$(dir_sum "$T/store")
	sync_rc 1 index-signer-not-pinned --from "$EVIL" --signer "$A" --out "$T/store"
	rm -rf "$T/mixed"; cp -a "$pub" "$T/mixed"
	seq=$(index_field "$pub/index.json" "d['lists']['roots']['sequence']")
	cp "$T/evil/roots.xml" "$T/mixed/roots/$seq.xml"
	python3 - "$T/mixed" "$seq" <<'PY'
import hashlib, json, os, sys
d, seq = sys.argv[1], sys.argv[2]
data = open(os.path.join(d, "roots", seq + ".xml"), "rb").read()
index = json.load(open(os.path.join(d, "index.json")))
index["lists"]["roots"]["sha256"] = hashlib.sha256(data).hexdigest()
index["lists"]["roots"]["size"] = len(data)
json.dump(index, open(os.path.join(d, "index.json"), "w"))
PY
	/usr/bin/python3 "$VNTL_SRC/tests/lib/jws_index.py" sign "$2" "$3" "$T/mixed/index.json" ||
		fail "$1: cannot sign the mixed index"
	rm -f "$T/mixed.port"
	python3 "$VNTL_SRC/tests/lib/validator_http_server.py" "$T/mixed" "$T/mixed.port" 2>/dev/null &
	mixed_pid=$!
	i=0; while [ ! -s "$T/mixed.port" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
	set +e
	"$VV" sync --from "http://127.0.0.1:$(cat "$T/mixed.port")" --signer "$A" --out "$T/store" \
		>"$T/out.txt" 2>"$T/err.txt"; got=$?
	set -e
	kill "$mixed_pid"; wait "$mixed_pid" 2>/dev/null || :
	[ "$got" = 1 ] && grep -q "(signer-not-pinned)" "$T/err.txt" ||
		fail "$1: a roots list signed by C was not refused: exit $got $(cat "$T/err.txt")"
	[ "$(dir_sum "$T/store")" = "$before" ] || fail "$1: a refused sync changed DIR"
}

# --- 1. before: A signs, the client pins A ---------------------------------------
sync_rc 0 "" $S
[ "$(grep -c 'BEGIN CERTIFICATE' "$T/store/current/signer.pem")" = 1 ] || fail "before: more than A pinned"
refused_everywhere before "$keys/pki/list-signer.key" "$A"

# --- 2. the ceremony: A taken under the registry, B registered and announced -------
four_eyes register tl-a --key "$keys/pki/list-signer.key" --cert "$A"
four_eyes announce tl-a
four_eyes switch tl-a     # A is publish.cert: no announcement period to wait
four_eyes register tl-b --key "$T/b/signer.key" --cert "$B"
# the approver of a proposal is never its proposer
id=$(V --as olga signer announce tl-b --reason "next signer" | sed -n 's/^correction \([0-9]*\) .*/\1/p')
set +e; V --as olga correction approve "$id" >/dev/null 2>&1; rc=$?; set -e
[ "$rc" = 1 ] || fail "the proposer approved their own announcement (exit $rc)"
V --as anh correction approve "$id" >/dev/null
# a switch before the announcement period (default 30 days) is refused
set +e; V --as olga signer switch tl-b --reason early >"$T/early.txt" 2>&1; rc=$?; set -e
[ "$rc" = 1 ] && grep -q "publish.signer_announce_days" "$T/early.txt" ||
	fail "an early switch was not refused: exit $rc $(cat "$T/early.txt")"
V signer list | grep -q "^tl-b	announced	sha256:$(sha_of "$B")" || fail "tl-b is not announced: $(V signer list)"
sh "$VNTL_SRC/tests/lib/web_publish.sh" "$pub" 2
T2=$(date -u +%Y-%m-%dT%H:%M:%SZ)
web_wait_for "$URL/index.json" "$(sha_of "$B")"
[ "$(grep -o "$(b64_of "$B")" "$pub/pointer/2.xml" | wc -l)" = 3 ] ||
	fail "the pointer list does not name B in each of its 3 pointers"
[ "$(index_field "$pub/index.json" "d['announced_signers'][0]['role']")" = next ] ||
	fail "index.json does not announce B as next"
xmlsec_verify "$A" "$pub/roots/2.xml" || fail "the lists announcing B are not signed by A"

# --- 3. during: the client learns B from a list signed by A ----------------------
sync_rc 0 "" $S
grep -q "pinned the signer $(sha_of "$B")" "$T/out.txt" || fail "sync did not remember B: $(cat "$T/out.txt")"
[ "$(grep -c 'BEGIN CERTIFICATE' "$T/store/current/signer.pem")" = 2 ] || fail "during: A and B not both pinned"
refused_everywhere during "$keys/pki/list-signer.key" "$A"
# libvntl: the pointer list signed by A names B; a list signed by B loads through it
"$VV" list $X "$pub/pointer/2.xml" --signer "$A" >/dev/null || fail "pointer list 2 refused"

# --- 4. the switch: lists signed by B -------------------------------------------
sed -i '$a publish.signer_announce_days = 0' "$keys/vntl.conf"
four_eyes switch tl-b
sh "$VNTL_SRC/tests/lib/web_publish.sh" "$pub" 3
web_wait_for "$URL/index.json" '"roots/3.xml"'
xmlsec_verify "$B" "$pub/roots/3.xml" || fail "the lists after the switch are not signed by B"
[ "$(index_field "$pub/index.json" "d['announced_signers'][0]['sha256']")" = "$(sha_of "$A")" ] ||
	fail "index.json does not keep A announced as previous"
"$VV" list $X "$pub/pointer/2.xml" --signer "$A" --pointed "https://tl.demo.example.vn/roots.xml=$pub/roots/3.xml" \
	>"$T/pointed.txt" 2>&1 || fail "a list signed by B, announced by A's pointer list, refused: $(cat "$T/pointed.txt")"
set +e; "$VV" list $X "$pub/roots/3.xml" --signer "$A" >"$T/unpinned.txt" 2>&1; rc=$?; set -e
[ "$rc" = 1 ] && grep -q "signer-not-pinned" "$T/unpinned.txt" || fail "B's list accepted with only A pinned"

# --- 5. after: the client follows B without a new --signer ----------------------
sync_rc 0 "" $S
[ "$(index_field "$T/store/current/state.json" "d['signer_sha256']")" = "$(sha_of "$B")" ] ||
	fail "the store does not hold the set signed by B"
refused_everywhere after "$T/b/signer.key" "$B"

# --- 6. archives signed by A still check at the time they were issued -----------
"$VV" list $X "$pub/roots/2.xml" --signer "$A" --at "$T2" >/dev/null || fail "archive roots/2.xml signed by A refused"
"$VV" list $X "$pub/roots/1.xml" --signer "$T/store/current/signer.pem" >/dev/null ||
	fail "archive roots/1.xml refused with the store's pins"
web_stop
echo "signer_rollover: ok"
