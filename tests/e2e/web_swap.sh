# vntld picks up a new publication without restart and atomically: a slow
# download of the old list finishes on the old bytes while new requests get
# the new ones; a broken publication keeps the last good set served and is
# reported in the log, /healthz and /metrics; fixing it recovers.
set -eu
. "$VNTL_SRC/tests/lib/web_server.sh"
pub="$VNTL_TMP/pub"
gen() { sh "$VNTL_SRC/tests/lib/web_publish.sh" "$pub" "$@"; }
# 24 MB list sent at 2 MB/s (12 s): far more than the socket buffers hold, so the server is
# still sending the old bytes when the new publication lands.
gen 1 --pad 24000000
old_sha=$(sha256sum "$pub/roots/1.xml" | cut -c1-64)
sh "$VNTL_SRC/tests/lib/web_make_tls.sh" "$VNTL_TMP/tls" server
web_start --publication-dir "$pub" --signer-cert "$pub.keys/pki/list-signer.pem" --tls-cert "$VNTL_TMP/tls/server.pem" --tls-key "$VNTL_TMP/tls/server.key"

curl -sk --limit-rate 2M -o "$VNTL_TMP/slow.xml" "$URL/roots.xml" &
slow=$!
sleep 1
gen 2
new_sha=$(sha256sum "$pub/roots/2.xml" | cut -c1-64)
web_wait_for "$URL/index.json" '"sequence": 2'
kill -0 "$slow" 2>/dev/null || web_fail "the slow download ended before the swap; the test proves nothing"
curl -sk -o "$VNTL_TMP/fast.xml" "$URL/roots.xml"
[ "$(sha256sum <"$VNTL_TMP/fast.xml" | cut -c1-64)" = "$new_sha" ] || web_fail "new request did not get the new list"
wait "$slow" || web_fail "slow download failed"
[ "$(sha256sum <"$VNTL_TMP/slow.xml" | cut -c1-64)" = "$old_sha" ] || web_fail "slow download is not the old list whole"
# The old version stays downloadable from the archive.
[ "$(curl -sk "$URL/roots/1.xml" | sha256sum | cut -c1-64)" = "$old_sha" ] || web_fail "archive 1 changed"

# Broken publication: index.json names bytes that are not there.
cp "$pub/index.json" "$VNTL_TMP/good-index.json"
sed 's/"sequence": 2/"sequence": 3/; s#"roots/2.xml"#"roots/3.xml"#' "$VNTL_TMP/good-index.json" >"$pub/index.json.tmp"
echo '<tampered/>' >"$pub/roots/3.xml"
mv "$pub/index.json.tmp" "$pub/index.json"
web_wait_for "$URL/metrics" '^vntld_publication_ok 0'
[ "$(web_status "$URL/healthz")" = 503 ] || web_fail "healthz not 503 on a broken publication"
curl -sk "$URL/healthz" | grep -q 'SHA-256' || web_fail "healthz does not say what is wrong"
grep -q 'event=publication-rejected' "$VNTLD_LOG" || web_fail "no log line for the broken publication"
[ "$(curl -sk "$URL/roots.xml" | sha256sum | cut -c1-64)" = "$new_sha" ] || web_fail "last good list not served"
curl -sk "$URL/metrics" | grep -q '^vntld_list_sequence{list="roots"} 2$' || web_fail "metrics sequence moved"
[ "$(web_status "$URL/roots/3.xml")" = 404 ] || web_fail "rejected version served"

# Missing directory contents: same.
mv "$pub/index.json" "$VNTL_TMP/broken-index.json"
sleep 1.5
[ "$(curl -sk "$URL/roots.xml" | sha256sum | cut -c1-64)" = "$new_sha" ] || web_fail "list not served with index.json gone"

# Fixed: the next good publication is picked up.
rm -f "$pub/roots/3.xml"
gen 3
web_wait_for "$URL/metrics" '^vntld_publication_ok 1'
[ "$(web_status "$URL/healthz")" = 200 ] || web_fail "healthz did not recover"
curl -sk "$URL/metrics" | grep -q '^vntld_list_sequence{list="roots"} 3$' || web_fail "sequence 3 not served"

# (A list past its NextUpdate: tests/unit/test_web_publication.c, which can sign one.)
web_stop
echo "web_swap: ok"
