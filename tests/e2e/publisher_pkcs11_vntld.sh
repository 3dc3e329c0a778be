#!/bin/sh
# A token that disappears under a running vntld (issue 14): vntld publishes
# what an approval made due, signed in a SoftHSM2 token; with the token gone
# (its directory moved away, as an unplugged HSM) the next approval's
# auto-publication fails with a logged error naming the key and
# vntld_auto_publish_failing 1 in /metrics, while vntld
# stays up and serves the last good set byte for byte; with the token back,
# the next interval publishes, without a restart (each publication opens
# the PKCS#11 module afresh: libp11's engine kept the vanished token's
# handles for the life of the process).
set -eu
. "$VNTL_SRC/tests/lib/publisher_e2e.sh"
. "$VNTL_SRC/tests/lib/pkcs11_token.sh"
. "$VNTL_SRC/tests/lib/web_server.sh"
cd "$VNTL_TMP"
V="$VNTL_BUILD/vntl"
fail() { echo "FAIL: $*"; [ -f "$VNTLD_LOG" ] && tail -n 20 "$VNTLD_LOG"; exit 1; }
seq_of() { python3 -c "import json,sys;print(json.load(open('out/index.json'))['lists'][sys.argv[1]]['sequence'])" "$1"; }
state() { find out -type f | sort | xargs sha256sum | sha256sum; }
served() { # the served index and lists, as bytes
	for f in index.json roots.xml foreign.xml pointer.xml; do
		curl -sfk "$URL/$f" -o "served-$f" || fail "vntld does not answer $f"
	done
	cat served-index.json served-roots.xml served-foreign.xml served-pointer.xml | sha256sum
}
approve_change() { # STATUS: an approved change of the first foreign service
	c=$($V --as olga change propose --service "$FOREIGN1" --status "$1" --reason "test $1" \
		--decision "QĐ $1/QĐ-DEMO" | sed -n 's/^change \([0-9]*\) .*/\1/p')
	[ -n "$c" ] && $V --as anh change approve "$c" >/dev/null || fail "change to $1"
}
wait_seq_above() { # N: until vntld published foreign beyond sequence N (20 s at most)
	until=$(($(date +%s) + 20))
	until [ "$(seq_of foreign)" -gt "$1" ]; do
		[ "$(date +%s)" -le "$until" ] || fail "vntld did not publish foreign beyond sequence $1"
		sleep 0.2
	done
}

demo_registry "$VNTL_TMP" || fail "demo registry"
softhsm_token "$VNTL_TMP" neac-tl 2718
token_keygen neac-tl 2718 tl-ec-p256 01 EC:prime256v1 || fail "key generation"
token_cert neac-tl 2718 tl-ec-p256 signer.pem || fail "certificate"
# the demo has two foreign services: changing one may drop half of the list
cat >> vntl.conf <<CONF
publish.key = pkcs11:token=neac-tl;object=tl-ec-p256
publish.cert = $VNTL_TMP/signer.pem
publish.pkcs11_module = $SOFTHSM_MODULE
publish.pin_file = $VNTL_TMP/pin
publish.max_drop_percent = 50
server.publication_dir = $VNTL_TMP/out
server.publish_interval = 1
db = $VNTL_TMP/registry.db
CONF
$V publish >/dev/null 2>err.txt || fail "first publish with the token: $(cat err.txt)"
sh "$VNTL_SRC/tests/lib/web_make_tls.sh" tls server
web_start --config "$VNTL_TMP/vntl.conf" --tls-cert tls/server.pem --tls-key tls/server.key
grep -q 'auto_publish=1' "$VNTLD_LOG" || fail "auto-publication is off"

# 1. an approval: vntld publishes it, signed in the token
before=$(seq_of foreign)
approve_change suspended
wait_seq_above "$before"
grep -q 'event=auto-published list=foreign' "$VNTLD_LOG" || fail "no auto-published line"
sleep 0.5 # the round that wrote foreign.xml writes the index last
for list in roots foreign pointer; do
	xmlsec_verify signer.pem out/$list.xml || fail "the auto-published $list.xml does not verify"
done
good_files=$(state)
# vntld loads a new publication within server.poll_interval_ms (1 s)
i=0
published=$(cd out && cat index.json roots.xml foreign.xml pointer.xml | sha256sum)
until good_served=$(served) && [ "$good_served" = "$published" ]; do
	i=$((i + 1))
	[ $i -lt 100 ] || fail "vntld serves another foreign.xml than it published"
	sleep 0.1
done

# 2. the token unplugged: the next approval cannot be published
mv tokens tokens.away
mkdir tokens
good_seq=$(seq_of foreign)
approve_change recognised
i=0
until grep -q 'event=auto-publish-failed result=refused' "$VNTLD_LOG"; do
	i=$((i + 1)); [ $i -le 150 ] || fail "no auto-publish-failed line with the token gone"
	sleep 0.1
done
grep 'event=auto-publish-failed' "$VNTLD_LOG" |
	grep -qF 'key pkcs11:token=neac-tl;object=tl-ec-p256: ' ||
	fail "the logged error does not name the missing key: $(grep auto-publish-failed "$VNTLD_LOG")"
sleep 2 # two more rounds: still nothing written, logged once
[ "$(grep -c 'event=auto-publish-failed' "$VNTLD_LOG")" -eq 1 ] || fail "the same failure is logged on every round"
kill -0 "$VNTLD_PID" || fail "vntld died when the token disappeared"
[ "$(state)" = "$good_files" ] || fail "a failed publication changed the published files"
[ "$(seq_of foreign)" = "$good_seq" ] || fail "a failed publication used a sequence number"
[ "$(served)" = "$good_served" ] || fail "vntld serves something else than the last good set"
xmlsec_verify signer.pem served-foreign.xml || fail "the served foreign.xml no longer verifies"
[ "$(web_status "$URL/index.json")" = 200 ] || fail "vntld does not answer"
metric() { curl -sk "$URL/metrics" | awk -v m="$1" '$1 == m {print $2}'; }
[ "$(metric vntld_auto_publish_failing)" = 1 ] || fail "/metrics does not show the failing publication"
[ "$(metric 'vntld_auto_publish_rounds_total{result="failed"}')" -ge 3 ] ||
	fail "/metrics does not count the failed rounds"

# 3. the token back, the same vntld: a round publishes the change that waited
rmdir tokens
mv tokens.away tokens
wait_seq_above "$good_seq"
kill -0 "$VNTLD_PID" || fail "vntld died"
i=0 # (the round counts itself just after it wrote index.json)
until [ "$(metric vntld_auto_publish_failing)" = 0 ]; do
	i=$((i + 1)); [ $i -le 50 ] || fail "/metrics still shows a failing publication"
	sleep 0.1
done
[ "$(grep -c 'event=auto-published list=foreign' "$VNTLD_LOG")" -ge 2 ] ||
	fail "no auto-published line after the token came back"
sleep 0.5
xmlsec_verify signer.pem out/foreign.xml || fail "the list published after the token came back does not verify"
i=0
until curl -sfk "$URL/foreign.xml" -o served-new.xml && cmp -s served-new.xml out/foreign.xml; do
	i=$((i + 1)); [ $i -le 50 ] || fail "vntld does not serve the list published after the token came back"
	sleep 0.1
done
for f in roots foreign pointer; do
	curl -sfk "$URL/$f.xml" -o "served-back-$f.xml" || fail "vntld does not answer $f.xml"
	xmlsec_verify signer.pem "served-back-$f.xml" || fail "the served $f.xml does not verify after the token came back"
done
web_stop
echo "ok: vntld publishes with the token, survives it being unplugged serving the last good set, and publishes with it back without a restart"
