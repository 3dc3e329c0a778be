# vntld's threads around a reload: clients keep downloading while two new
# publications are swapped in and the TLS files are reloaded (SIGHUP), then
# vntld stops cleanly. Every download is one published version whole. Small
# and quick, so that the ThreadSanitizer build (make tsan) runs it: there
# any report makes vntld exit non-zero (halt_on_error), which fails the stop.
set -eu
. "$VNTL_SRC/tests/lib/web_server.sh"
pub="$VNTL_TMP/pub"
gen() { sh "$VNTL_SRC/tests/lib/web_publish.sh" "$pub" "$@"; }
gen 1
sh "$VNTL_SRC/tests/lib/web_make_tls.sh" "$VNTL_TMP/tls" server
web_start --publication-dir "$pub" --signer-cert "$pub.keys/pki/list-signer.pem" \
	--tls-cert "$VNTL_TMP/tls/server.pem" --tls-key "$VNTL_TMP/tls/server.key"
sha() { sha256sum "$1" | cut -c1-64; }
echo "$(sha "$pub/roots/1.xml")" > "$VNTL_TMP/published"

# Two clients download the current list in a loop until told to stop.
client() {
	n=0
	while [ ! -f "$VNTL_TMP/stop" ]; do
		curl -sk -o "$VNTL_TMP/got-$1-$n.xml" "$URL/roots.xml" || true
		n=$((n + 1))
	done
}
client a & a=$!
client b & b=$!
for seq in 2 3; do
	gen $seq
	sha "$pub/roots/$seq.xml" >> "$VNTL_TMP/published"
	web_wait_for "$URL/index.json" "\"sequence\": $seq"
	kill -HUP "$VNTLD_PID"
done
touch "$VNTL_TMP/stop"
wait $a $b
count=0
for f in "$VNTL_TMP"/got-*.xml; do
	[ -s "$f" ] || continue
	grep -qx "$(sha "$f")" "$VNTL_TMP/published" || web_fail "$(basename "$f") is not a published version whole"
	count=$((count + 1))
done
[ $count -ge 2 ] || web_fail "only $count downloads completed"
web_stop
! grep -q ThreadSanitizer "$VNTLD_LOG" || web_fail "ThreadSanitizer reported a race"
echo "$count downloads, each a whole published version"
