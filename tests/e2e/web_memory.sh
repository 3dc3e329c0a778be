# Issue 19 (item 4): vntld's memory does not grow with the archive. Two
# publication directories differ only in history: 10 versions of the roots
# list, and 1,000 (the extra ones 64 KB copies); the current set is the
# same. vntld serves the same requests from each (the current set, the page,
# ten archive versions); its RSS must differ by less than 20 MB (when every
# version was held in memory, the 990 added 63 MB at least). Then 25 more
# archive versions served from the large one must not add 20 MB either.
set -eu
. "$VNTL_SRC/tests/lib/web_server.sh"
sh "$VNTL_SRC/tests/lib/web_make_tls.sh" "$VNTL_TMP/tls" server
# ASan keeps freed memory in quarantine (256 MB by default), which would
# measure ASan rather than vntld: keep it small.
export ASAN_OPTIONS="${ASAN_OPTIONS:-}:quarantine_size_mb=8"

# make_history DIR VERSIONS: a genuine roots/1.xml, copies of it (padded to
# 64 KB; they do not verify under their names) up to VERSIONS-1, and the
# genuine current version VERSIONS (the publisher numbers after the archive).
make_history() {
	sh "$VNTL_SRC/tests/lib/web_publish.sh" "$1" 1
	python3 - "$1" "$2" <<'PY'
import os, sys
d, n = sys.argv[1], int(sys.argv[2])
data = open(os.path.join(d, "roots", "1.xml"), "rb").read()
end = data.rindex(b"</")
data = data[:end] + b"<!--" + b"x" * (65536 - len(data)) + b"-->" + data[end:]
for seq in range(2, n):
    with open(os.path.join(d, "roots", "%d.xml" % seq), "wb") as f:
        f.write(data)
PY
	sh "$VNTL_SRC/tests/lib/web_publish.sh" "$1" "$2"
}
rss_kb() {
	kb=$(awk '/^VmRSS:/ { print $2 }' "/proc/$VNTLD_PID/status")
	[ -n "$kb" ] && [ "$kb" -gt 0 ] || web_fail "cannot read vntld's RSS"
	echo "$kb"
}
# measure DIR: start vntld on DIR, make the same requests, RSS in $rss.
measure() {
	web_start --publication-dir "$1" --signer-cert "$1.keys/pki/list-signer.pem" \
		--tls-cert "$VNTL_TMP/tls/server.pem" --tls-key "$VNTL_TMP/tls/server.key"
	for p in roots.xml foreign.xml pointer.xml index.json roots.pem "" roots/1.xml foreign/1.xml; do
		[ "$(web_status "$URL/$p")" = 200 ] || web_fail "/$p not 200"
	done
	for seq in 2 3 4 5 6 7 8 9; do
		[ "$(web_status "$URL/roots/$seq.xml")" = 503 ] || web_fail "a copy under roots/$seq.xml was served"
	done
	rss=$(rss_kb)
}
make_history "$VNTL_TMP/large" 1000
[ "$(ls "$VNTL_TMP/large/roots" | wc -l)" = 1000 ] || web_fail "the large archive does not hold 1,000 versions"
cp -a "$VNTL_TMP/large" "$VNTL_TMP/small"
cp -a "$VNTL_TMP/large.keys" "$VNTL_TMP/small.keys"
seq=10; while [ $seq -lt 1000 ]; do rm "$VNTL_TMP/small/roots/$seq.xml"; seq=$((seq + 1)); done
[ "$(ls "$VNTL_TMP/small/roots" | wc -l)" = 10 ] || web_fail "the small archive does not hold 10 versions"
measure "$VNTL_TMP/small"; small=$rss
web_stop
measure "$VNTL_TMP/large"; large=$rss
echo "RSS with 10 versions: $small kB, with 1,000: $large kB"
[ $((large - small)) -lt 20480 ] || web_fail "RSS grew by $((large - small)) kB with 990 more archive versions"

# 25 more archive versions served one after another: verdicts are kept in
# a fixed table and the bytes are not kept at all.
seq=100
while [ $seq -lt 1000 ]; do
	[ "$(web_status "$URL/roots/$seq.xml")" = 503 ] || web_fail "roots/$seq.xml was served"
	seq=$((seq + 36))
done
after=$(rss_kb)
echo "RSS after 25 more archive requests: $after kB"
[ $((after - large)) -lt 20480 ] || web_fail "RSS grew by $((after - large)) kB serving archive versions"
web_stop
echo "web_memory: ok"
