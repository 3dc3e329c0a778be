# Issue 19 (item 3) end to end: vntld serves only what verifies. A byte
# changed in place in a served list, mtime restored, is found and named by
# /healthz while the verified bytes keep being served; a tampered archive
# version is refused and logged; symbolic links (to a genuine file outside,
# a symlinked list directory) are never followed; after a restart with a
# tampered current list the newest verified archive version is served and
# index.json withheld, until the list is repaired.
set -eu
. "$VNTL_SRC/tests/lib/web_server.sh"
pub="$VNTL_TMP/pub"
for seq in 1 2 3; do sh "$VNTL_SRC/tests/lib/web_publish.sh" "$pub" $seq; done
sh "$VNTL_SRC/tests/lib/web_make_tls.sh" "$VNTL_TMP/tls" server
echo "server.poll_interval_ms = 100" >"$VNTL_TMP/vntl.conf"
start() {
	web_start --config "$VNTL_TMP/vntl.conf" --publication-dir "$pub" \
		--signer-cert "$pub.keys/pki/list-signer.pem" \
		--tls-cert "$VNTL_TMP/tls/server.pem" --tls-key "$VNTL_TMP/tls/server.key"
}
sha() { sha256sum "$1" | cut -c1-64; }
served_sha() { curl -sk "$URL/$1" | sha256sum | cut -c1-64; }
# flip FILE: one byte changed in place (same inode), atime and mtime put back.
flip() {
	python3 - "$1" <<'PY'
import os, sys
p = sys.argv[1]
st = os.stat(p)
with open(p, "r+b") as f:
    f.seek(3000); c = f.read(1); f.seek(3000); f.write(bytes([c[0] ^ 1]))
os.utime(p, ns=(st.st_atime_ns, st.st_mtime_ns))
PY
}
good3=$(sha "$pub/roots/3.xml"); good2=$(sha "$pub/roots/2.xml")
start
[ "$(web_status "$URL/healthz")" = 200 ] || web_fail "healthz not 200 on a good publication"

# --- a served list changed in place, mtime restored
before=$(stat -c %Y "$pub/roots/3.xml")
flip "$pub/roots/3.xml"
[ "$(stat -c %Y "$pub/roots/3.xml")" = "$before" ] || web_fail "mtime not restored; the test proves less"
web_wait_for "$URL/healthz" 'roots/3.xml: its bytes changed since they were verified'
[ "$(web_status "$URL/healthz")" = 503 ] || web_fail "healthz not 503 with a tampered list"
[ "$(served_sha roots.xml)" = "$good3" ] || web_fail "roots.xml: not the verified bytes"
[ "$(served_sha roots/3.xml)" = "$good3" ] || web_fail "roots/3.xml: not the verified bytes"
grep -q 'event=publication-file-rejected file="roots/3.xml" reason="its bytes changed' "$VNTLD_LOG" ||
	web_fail "no publication-file-rejected line for roots/3.xml"
curl -sk "$URL/metrics" | grep -q '^vntld_publication_files_rejected_total [1-9]' ||
	web_fail "metrics do not count the rejected file"

# --- a tampered archive version: refused and logged, others still served
flip "$pub/roots/1.xml"
[ "$(web_status "$URL/roots/1.xml")" = 503 ] || web_fail "tampered roots/1.xml not refused"
curl -sk "$URL/roots/1.xml" | grep -q '"error":"file-rejected"' || web_fail "no JSON error for roots/1.xml"
grep -q 'event=publication-file-rejected file="roots/1.xml" reason="signature or content refused' "$VNTLD_LOG" ||
	web_fail "tampered archive version not logged"
[ "$(served_sha foreign/1.xml)" = "$(sha "$pub/foreign/1.xml")" ] || web_fail "foreign/1.xml not served"

# --- symbolic links: to a genuine list outside, and a linked list directory
outside="$VNTL_TMP/outside"
mkdir -p "$outside"
mv "$pub/foreign/2.xml" "$outside/foreign-2.xml"
ln -s "$outside/foreign-2.xml" "$pub/foreign/2.xml"
code=$(web_status "$URL/foreign/2.xml")
[ "$code" = 503 ] || web_fail "foreign/2.xml through a symbolic link answered $code"
grep -q 'file="foreign/2.xml" reason="a symbolic link' "$VNTLD_LOG" || web_fail "symbolic link not logged"
mv "$pub/pointer" "$outside/pointer"
ln -s "$outside/pointer" "$pub/pointer"
code=$(web_status "$URL/pointer/1.xml")
[ "$code" = 503 ] || web_fail "pointer/1.xml in a linked directory answered $code"
web_wait_for "$URL/healthz" 'pointer/3.xml: a symbolic link'
rm "$pub/pointer"; mv "$outside/pointer" "$pub/pointer"
web_stop

# --- restart with the tampered current list: the newest verified version stands in
start
[ "$(served_sha roots.xml)" = "$good2" ] || web_fail "roots.xml is not the verified roots/2.xml"
[ "$(served_sha foreign.xml)" = "$(sha "$pub/foreign/3.xml")" ] || web_fail "foreign.xml not the current one"
[ "$(web_status "$URL/index.json")" = 503 ] || web_fail "index.json served while degraded"
[ "$(web_status "$URL/roots.pem")" = 503 ] || web_fail "roots.pem served while degraded"
curl -sk "$URL/healthz" >"$VNTL_TMP/health"
grep -q '"degraded":true' "$VNTL_TMP/health" || web_fail "healthz does not say degraded"
grep -q 'roots/3.xml' "$VNTL_TMP/health" || web_fail "healthz does not name roots/3.xml"
curl -sk "$URL/metrics" | grep -q '^vntld_publication_degraded 1$' || web_fail "metrics: not degraded"
curl -sk "$URL/metrics" | grep -q '^vntld_list_sequence{list="roots"} 2$' || web_fail "metrics: roots not at 2"

# --- repaired: the verified current set comes back without a restart
flip "$pub/roots/3.xml"
web_wait_for "$URL/healthz" '"status":"ok"'
[ "$(served_sha roots.xml)" = "$good3" ] || web_fail "roots.xml not back to sequence 3"
[ "$(web_status "$URL/index.json")" = 200 ] || web_fail "index.json not served again"
web_stop
echo "web_integrity: ok"
