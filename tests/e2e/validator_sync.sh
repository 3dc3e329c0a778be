#!/bin/sh
# vntl-validate sync keeps a local trust store current (issue 12): vntld
# serves a publication whose index.json is a JWS (verified here by Python's
# cryptography too); sync fills DIR; a withdrawal proposed, approved and
# published is picked up by the next sync, and a sync with nothing changed
# costs one request answered 304; a tampered index, a tampered list, a
# replayed older publication and a wrong pin are each refused with DIR
# unchanged; a stale store exits 4; sync killed with -9 at random moments
# never leaves DIR mixed; sync --interval picks up a new publication.
set -eu
. "$VNTL_SRC/tests/lib/web_server.sh"
T="$VNTL_TMP"
VV="$VNTL_BUILD/vntl-validate"
pub="$T/pub"
keys="$pub.keys"
signer="$keys/pki/list-signer.pem"
fail() { web_fail "$*"; }
# a checksum of everything a reader of DIR could see
dir_sum() {
	(cd "$1" && { readlink current || true; find . -path ./.lock -prune -o -type f -print |
		sort | xargs -r sha256sum; }) | sha256sum | cut -c1-64
}
# sync_rc WANT RULE ARGS...: sync exits WANT, naming RULE on stderr
sync_rc() {
	want=$1 rule=$2; shift 2
	set +e
	"$VV" sync "$@" >"$T/out.txt" 2>"$T/err.txt"; got=$?
	set -e
	[ "$got" = "$want" ] || fail "sync exit $got, wanted $want ($rule): $(cat "$T/err.txt")"
	[ -z "$rule" ] || grep -q "($rule)" "$T/err.txt" || fail "no ($rule) in: $(cat "$T/err.txt")"
}
requests() { # requests vntld answered, but /metrics itself
	curl -sk "$URL/metrics" | awk '/^vntld_requests_total/ && !/path="metrics"/ {n += $2} END {print n + 0}'
}
body_bytes() { # response body bytes vntld queued, but for /metrics itself
	curl -sk "$URL/metrics" | awk '/^vntld_response_bytes_total/ && !/path="metrics"/ {n += $2} END {print n + 0}'
}

sh "$VNTL_SRC/tests/lib/web_publish.sh" "$pub" 1
cp -a "$pub" "$T/pub-1"
sh "$VNTL_SRC/tests/lib/web_make_tls.sh" "$T/tls" server
web_start --publication-dir "$pub" --signer-cert "$signer" --tls-cert "$T/tls/server.pem" \
	--tls-key "$T/tls/server.key"
S="--from $URL --signer $signer --ca-file $T/tls/server.pem --out $T/store"

# 1. the signed index, checked independently, and the signer served
curl -sk "$URL/index.json" >"$T/index.json"
[ "$(/usr/bin/python3 "$VNTL_SRC/tests/lib/jws_index.py" verify "$signer" "$T/index.json")" = ES256 ] ||
	fail "the served index.json does not verify with Python's cryptography"
curl -sk "$URL/signer.pem" | cmp -s - "$signer" || fail "/signer.pem is not the list signer"

# 2. sync fills DIR
# shellcheck disable=SC2086
sync_rc 0 "" $S
cur="$T/store/current"
for f in anchors.pem roots.xml foreign.xml pointer.xml state.json signer.pem; do
	[ -s "$cur/$f" ] || fail "the store lacks $f"
done
[ "$(grep -c 'BEGIN CERTIFICATE' "$cur/anchors.pem")" = 7 ] || fail "anchors.pem: 5 roots and 2 foreign expected"
grep -q '^# List: foreign' "$cur/anchors.pem" || fail "no foreign anchor labelled"
[ "$(ls "$cur/certs" | grep -c '^[0-9a-f]\{8\}\.[0-9]$')" = 7 ] || fail "certs/ is not a hashed directory of 7"
openssl verify -CApath "$cur/certs" "$keys/pki/public-ca-1.pem" >/dev/null || fail "certs/ does not work as CApath"
pubca1=$(openssl x509 -in "$keys/pki/public-ca-1.pem" -outform DER | sha256sum | cut -c1-64)
"$VV" anchors --sync-dir "$T/store" >"$T/anchors.txt" 2>/dev/null || fail "anchors"
grep -q "^$pubca1  trusted  roots | DEMO Public CA 1 | .* | granted since 2020-01-01T00:00:00Z\$" "$T/anchors.txt" ||
	fail "anchors does not show public CA 1 trusted: $(cat "$T/anchors.txt")"

# 3. nothing changed: one request, answered 304, no body bytes, and DIR untouched
before=$(dir_sum "$T/store"); n0=$(requests); b0=$(body_bytes)
# shellcheck disable=SC2086
sync_rc 0 "" $S
grep -q 'nothing changed (304)' "$T/out.txt" || fail "not a 304: $(cat "$T/out.txt")"
[ $(($(requests) - n0)) = 1 ] || fail "a sync with nothing changed made $(($(requests) - n0)) requests"
[ $(($(body_bytes) - b0)) = 0 ] || fail "a sync with nothing changed downloaded $(($(body_bytes) - b0)) body bytes"
[ "$(dir_sum "$T/store")" = "$before" ] || fail "a 304 changed DIR"
# nothing changed on the server, but another pin: the index is fetched whole
# and checked against it, not answered from the ETag the old pin accepted
sync_rc 1 index-signer-not-pinned --from "$URL" --signer "$keys/pki/neac-root.pem" \
	--ca-file "$T/tls/server.pem" --out "$T/store"
[ "$(dir_sum "$T/store")" = "$before" ] || fail "a sync under another pin changed DIR"

# 4. a withdrawal proposed, approved, published: the next sync picks it up
V() { VNTL_CONFIG="$keys/vntl.conf" VNTL_DB="$keys/registry.db" "$VNTL_BUILD/vntl" "$@"; }
svc=$(V --as olga cert list | awk -v s="$(echo "$pubca1" | cut -c1-16)" 'index($0, s) {print $1; exit}')
[ -n "$svc" ] || fail "public CA 1 is not in the registry"
change=$(V --as olga change propose --service "$svc" --status withdrawn --reason "licence revoked" \
	--decision "QĐ 99/QĐ-DEMO" | sed -n 's/^change \([0-9]*\) .*/\1/p')
V --as anh change approve "$change" >/dev/null
sh "$VNTL_SRC/tests/lib/web_publish.sh" "$pub" 2
web_wait_for "$URL/index.json" '"sequence": 2'
# shellcheck disable=SC2086
sync_rc 0 "" $S
grep -q 'roots 2' "$T/out.txt" || fail "sync did not take sequence 2: $(cat "$T/out.txt")"
grep -q "$pubca1" "$cur/anchors.pem" && fail "the withdrawn CA is still an anchor"
[ "$(grep -c 'BEGIN CERTIFICATE' "$cur/anchors.pem")" = 6 ] || fail "anchors.pem should hold 6 now"
grep -q '"sequence": 2' "$cur/state.json" || fail "state.json does not record sequence 2"
# the 6 anchors left are the files of the previous set, linked (not written again)
[ "$(find "$cur/certs/" -type f -links 2 | wc -l)" = 6 ] || fail "certs/ of the new set is not linked from the previous one"
[ "$(ls "$cur/certs" | wc -l)" = 6 ] || fail "certs/ should hold 6 now"
openssl verify -CApath "$cur/certs" "$keys/pki/gov-root.pem" >/dev/null || fail "certs/ does not work as CApath after a change"
"$VV" anchors --sync-dir "$T/store" --json >"$T/anchors.json" 2>/dev/null || fail "anchors --json"
python3 -c "import json,sys; a=json.load(open(sys.argv[1])); assert all(x['trusted'] for x in a) and len(a)==6" \
	"$T/anchors.json" || fail "anchors --json: $(cat "$T/anchors.json")"

# the same lists given as files: the withdrawn CA is listed, not trusted now
"$VV" anchors --list "$cur/roots.xml" --list "$cur/foreign.xml" --signer "$signer" >"$T/anchors.txt" 2>/dev/null ||
	fail "anchors --list"
grep -q "^$pubca1  NOT      roots | DEMO Public CA 1 | .* | withdrawn since " "$T/anchors.txt" ||
	fail "anchors --list does not show public CA 1 withdrawn: $(cat "$T/anchors.txt")"
[ "$(grep -c '  trusted  ' "$T/anchors.txt")" = 6 ] || fail "anchors --list: 6 trusted expected"
# a second before the withdrawal took effect, it was trusted
withdrawn=$(sed -n "s/^$pubca1 .* withdrawn since \(.*\)\$/\1/p" "$T/anchors.txt")
before_w=$(date -u -d "@$(($(date -u -d "$withdrawn" +%s) - 1))" +%Y-%m-%dT%H:%M:%SZ)
"$VV" anchors --list "$cur/roots.xml" --signer "$signer" --at "$before_w" 2>/dev/null |
	grep -q "^$pubca1  trusted  roots | DEMO Public CA 1 | .* | granted since " ||
	fail "anchors --at $before_w (before the withdrawal) does not show public CA 1 trusted"
# the same lists fetched by anchors over https from vntld: the same anchors, labelled alike
"$VV" anchors --list "$URL/roots.xml" --list "$URL/foreign.xml" --signer "$signer" \
	--ca-file "$T/tls/server.pem" >"$T/anchors-url.txt" 2>"$T/err.txt" ||
	fail "anchors --list URL: $(cat "$T/err.txt")"
"$VV" anchors --list "$cur/roots.xml" --list "$cur/foreign.xml" --signer "$signer" >"$T/anchors.txt" 2>/dev/null
[ -s "$T/anchors-url.txt" ] && cmp -s "$T/anchors.txt" "$T/anchors-url.txt" ||
	fail "anchors from URLs differ from the same lists as files: $(diff "$T/anchors.txt" "$T/anchors-url.txt")"
# without the server's CA, and over plain http, nothing is fetched: exit 3, in English
set +e
"$VV" anchors --list "$URL/roots.xml" --signer "$signer" >/dev/null 2>"$T/err.txt"; rc=$?
set -e
[ $rc = 3 ] && grep -q '^vntl-validate: anchors: the lists are refused (fetch-failed): ' "$T/err.txt" ||
	fail "anchors --list URL of an untrusted server: exit $rc, $(cat "$T/err.txt")"
LC_ALL=C grep -q '[^ -~]' "$T/err.txt" && fail "a refusal reason that is not plain English: $(cat "$T/err.txt")"
set +e
"$VV" anchors --list "http://127.0.0.1:1/roots.xml" --signer "$signer" >/dev/null 2>"$T/err.txt"; rc=$?
set -e
[ $rc = 3 ] && grep -q '(insecure-url)' "$T/err.txt" || fail "anchors --list http://: exit $rc, $(cat "$T/err.txt")"
# names in Vietnamese when asked (the list's xml:lang="vi" Name), English by default
"$VV" anchors --list "$cur/roots.xml" --signer "$signer" --lang vi 2>/dev/null |
	grep -q "^$pubca1  NOT      roots | DEMO CA công cộng 1 | " || fail "anchors --lang vi: no Vietnamese provider name"
cp -a "$pub" "$T/pub-2"

# 5. refusals from a hostile mirror: DIR unchanged each time
hostile="$T/hostile"
mkdir -p "$hostile"
python3 "$VNTL_SRC/tests/lib/validator_http_server.py" "$hostile" "$T/hport" >/dev/null 2>&1 &
hpid=$!
trap 'kill $hpid 2>/dev/null; web_cleanup' EXIT
i=0; while [ ! -s "$T/hport" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
H="--from http://127.0.0.1:$(cat "$T/hport")/m --signer $signer --out $T/store"
mirror() { rm -rf "$hostile/m"; cp -a "$1" "$hostile/m"; }
before=$(dir_sum "$T/store")
mirror "$T/pub-2"
# shellcheck disable=SC2086
sync_rc 0 "" $H # the genuine set from the mirror: nothing to change (same index)
[ "$(dir_sum "$T/store")" = "$before" ] || fail "the same index from a mirror changed DIR"
# a tampered index: a URL moved in clear
python3 - "$hostile/m/index.json" <<'PY'
import json, sys
p = sys.argv[1]; o = json.load(open(p))
o["lists"]["roots"]["url"] = "https://evil.example/roots.xml"
json.dump(o, open(p, "w"), indent=2)
PY
# shellcheck disable=SC2086
sync_rc 1 index-signature-invalid $H
[ "$(dir_sum "$T/store")" = "$before" ] || fail "a tampered index changed DIR"
# a tampered list, offered with the genuine index of a newer (signed) set
sh "$VNTL_SRC/tests/lib/web_publish.sh" "$pub" 3
mirror "$pub"
printf '<!-- x -->' >>"$hostile/m/roots/3.xml"
# shellcheck disable=SC2086
sync_rc 1 list-digest-mismatch $H
[ "$(dir_sum "$T/store")" = "$before" ] || fail "a tampered list changed DIR"
# an older publication replayed
mirror "$T/pub-1"
# shellcheck disable=SC2086
sync_rc 1 sequence-rollback $H
[ "$(dir_sum "$T/store")" = "$before" ] || fail "a replayed publication changed DIR"
# a wrong pin
mirror "$pub"
sync_rc 1 index-signer-not-pinned --from "http://127.0.0.1:$(cat "$T/hport")/m" \
	--signer "$keys/pki/neac-root.pem" --out "$T/store"
[ "$(dir_sum "$T/store")" = "$before" ] || fail "a wrong pin changed DIR"
# a failed fetch
sync_rc 3 fetch-failed --from "http://127.0.0.1:1" --signer "$signer" --out "$T/store"
[ "$(dir_sum "$T/store")" = "$before" ] || fail "a failed fetch changed DIR"
# a DIR whose path leaves no room for the store's names: refused before anything is made
long=$T/$(printf '%03700d' 0)
sync_rc 3 "" --from "$URL" --signer "$signer" --out "$long"
grep -q "the store directory's path is too long" "$T/err.txt" || fail "a too long DIR: $(cat "$T/err.txt")"
[ ! -e "$long" ] || fail "a too long DIR was created"

# 6. stale: the store's list past its NextUpdate, and nothing newer offered
cp -a "$T/store" "$T/stale"
st="$T/stale/$(readlink "$T/stale/current")/state.json"
sed -i 's/"next_update": "[^"]*"/"next_update": "2020-01-01T00:00:00Z"/' "$st"
mirror "$T/pub-2"
sync_rc 4 list-stale --from "http://127.0.0.1:$(cat "$T/hport")/m" --signer "$signer" --out "$T/stale"

# 7. kill -9 at random moments: DIR holds the old set or the new one, whole
consistent() { # DIR: every file state.json names has its SHA-256
	python3 - "$1" <<'PY'
import hashlib, json, os, sys
d = sys.argv[1]
if not os.path.lexists(os.path.join(d, "current")):
    sys.exit(0)  # killed before the first set: no set, never a partial one
c = os.path.join(d, os.readlink(os.path.join(d, "current")))
s = json.load(open(os.path.join(c, "state.json")))
h = lambda p: hashlib.sha256(open(os.path.join(c, p), "rb").read()).hexdigest()
for name, e in s["lists"].items():
    assert h(name + ".xml") == e["sha256"], name
assert h("anchors.pem") == s["anchors_sha256"], "anchors.pem"
n = open(os.path.join(c, "anchors.pem")).read().count("BEGIN CERTIFICATE")
assert len(os.listdir(os.path.join(c, "certs"))) == n, "certs/"
print(s["lists"]["roots"]["sequence"])
PY
}
iterations=5
[ "${VNTL_SAN:-0}" = 1 ] && iterations=3
mirror "$T/pub-1"
"$VV" sync --from "http://127.0.0.1:$(cat "$T/hport")/m" --signer "$signer" --out "$T/k1" >/dev/null 2>&1 ||
	fail "sync of the first set"
mirror "$T/pub-2"
k=0
while [ $k -lt $iterations ]; do
	rm -rf "$T/k"
	cp -a "$T/k1" "$T/k"
	"$VV" sync --from "http://127.0.0.1:$(cat "$T/hport")/m" --signer "$signer" --out "$T/k" >/dev/null 2>&1 &
	spid=$!
	sleep "0.$(shuf -i 0-40 -n 1 | sed 's/^\(.\)$/0\1/')"
	kill -9 $spid 2>/dev/null || true
	wait $spid 2>/dev/null || true
	seq=$(consistent "$T/k") || fail "kill -9 left $T/k mixed"
	[ "$seq" = 1 ] || [ "$seq" = 2 ] || fail "after kill -9 the store holds sequence '$seq'"
	# and the next sync completes it, leaving no generation of the killed run
	"$VV" sync --from "http://127.0.0.1:$(cat "$T/hport")/m" --signer "$signer" --out "$T/k" >/dev/null 2>&1 ||
		fail "sync after a kill"
	[ "$(consistent "$T/k")" = 2 ] || fail "sync after a kill did not complete"
	[ "$(ls -d "$T/k"/gen-* | wc -l)" -le 2 ] || fail "generations of killed runs left behind"
	k=$((k + 1))
done
# 8. --interval keeps running: a new publication is picked up, SIGTERM stops it
"$VV" sync --from "http://127.0.0.1:$(cat "$T/hport")/m" --signer "$signer" --out "$T/k" --interval 1 \
	>"$T/interval.txt" 2>&1 &
ipid=$!
sleep 1
mirror "$pub" # sequence 3
i=0; while [ "$(consistent "$T/k")" != 3 ] && [ $i -lt 60 ]; do sleep 0.25; i=$((i + 1)); done
[ "$(consistent "$T/k")" = 3 ] || fail "sync --interval did not pick up sequence 3: $(cat "$T/interval.txt")"
kill -TERM $ipid
rc=0; wait $ipid || rc=$?
[ $rc = 0 ] || fail "sync --interval exited $rc on SIGTERM"
web_stop
echo "validator_sync: ok"
