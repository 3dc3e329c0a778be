#!/bin/sh
# Issue 14, a rollover under a running vntld with a registry: vntld takes
# the signers from the registry (not only server.signer_cert) at each
# publication it loads. Signer A (publish.cert, server.signer_cert) signs;
# B is registered and announced under four eyes: vntld's auto-publication
# announces it, /signer.pem still serves A alone, the page shows B as the
# announced next signer. After the switch, vntld's auto-publication is
# signed by B and served at once (no edit of server.signer_cert, no
# restart), /signer.pem is B. A publication signed by C, a key nobody
# registered, is still refused: vntld keeps serving B's set.
set -eu
. "$VNTL_SRC/tests/lib/web_server.sh"
. "$VNTL_SRC/tests/lib/publisher_e2e.sh"
T="$VNTL_TMP"
pub="$T/pub"
keys="$pub.keys"
fail() { web_fail "$*"; }
sha_of() { openssl x509 -in "$1" -outform DER | sha256sum | cut -c1-64; }
pem_sha() { openssl x509 -outform DER | sha256sum | cut -c1-64; } # of the one PEM on stdin
V() { VNTL_CONFIG="$keys/vntl.conf" VNTL_DB="$keys/registry.db" "$VNTL_BUILD/vntl" "$@"; }
four_eyes() { # SUBCOMMAND ARGS...: olga proposes, anh approves
	id=$(V --as olga signer "$@" --reason "rollover 2027" | sed -n 's/^correction \([0-9]*\) proposed.*/\1/p')
	[ -n "$id" ] || fail "signer $* was not proposed"
	V --as anh correction approve "$id" >/dev/null || fail "signer $*: approval refused"
}
all_signed_by() { # CERT: vntld serves roots, foreign and pointer signed by CERT
	for l in roots foreign pointer; do
		curl -sfk "$URL/$l.xml" -o "$T/served-$l.xml" && xmlsec_verify "$1" "$T/served-$l.xml" || return 1
	done
}
served_signed_by() { # CERT: until all_signed_by CERT (20 s at most)
	i=0
	until all_signed_by "$1"; do
		i=$((i + 1)); [ $i -le 200 ] || fail "vntld does not serve lists signed by $1"
		sleep 0.1
	done
}

sh "$VNTL_SRC/tests/lib/web_publish.sh" "$pub" 1
A="$keys/pki/list-signer.pem"
mkdir -p "$T/b" "$T/c"
make_signer "$T/b" && make_signer "$T/c" || fail "cannot make the keys B and C"
B="$T/b/signer.pem"; C="$T/c/signer.pem"
cat >>"$keys/vntl.conf" <<CONF
db = $keys/registry.db
server.publication_dir = $pub
server.publish_interval = 1
publish.signer_announce_days = 0
CONF
sh "$VNTL_SRC/tests/lib/web_make_tls.sh" "$T/tls" server
web_start --config "$keys/vntl.conf" --tls-cert "$T/tls/server.pem" --tls-key "$T/tls/server.key"
grep -q 'auto_publish=1' "$VNTLD_LOG" || fail "auto-publication is off"
[ "$(curl -sfk "$URL/signer.pem" | pem_sha)" = "$(sha_of "$A")" ] || fail "before: /signer.pem is not A"

# 1. B registered and announced: vntld's publication announces it, A signs
four_eyes register tl-b --key "$T/b/signer.key" --cert "$B"
four_eyes announce tl-b
web_wait_for "$URL/index.json" "$(sha_of "$B")"
served_signed_by "$A"
[ "$(curl -sfk "$URL/signer.pem" | grep -c 'BEGIN CERTIFICATE')" = 1 ] &&
	[ "$(curl -sfk "$URL/signer.pem" | pem_sha)" = "$(sha_of "$A")" ] ||
	fail "during: /signer.pem is not A alone"
curl -sfk "$URL/" -o "$T/page.html" || fail "no page"
grep -q "id=\"next-signer\".*$(sha_of "$B")" "$T/page.html" || fail "the page does not show B as the announced signer"
grep -q "signer.pem</a>, SHA-256: <span class=\"fp\">$(sha_of "$A")</span></p>" "$T/page.html" ||
	fail "the page does not show A alone as the current signer"

# C's publication, made from a copy of this registry (B only announced, so
# publish.key signs there) with publish.key = C
cp -a "$keys" "$T/evil.keys"
cp -a "$pub" "$T/evil"
sed -i -e "s|^publish.out = .*|publish.out = $T/evil|" -e "s|^publish.key = .*|publish.key = $T/c/signer.key|" \
	-e "s|^publish.cert = .*|publish.cert = $C|" -e "s|$keys/registry.db|$T/evil.keys/registry.db|" \
	"$T/evil.keys/vntl.conf"
EV() { VNTL_CONFIG="$T/evil.keys/vntl.conf" VNTL_DB="$T/evil.keys/registry.db" "$VNTL_BUILD/vntl" "$@"; }

# 2. the switch: vntld's next publication is signed by B and served at once
four_eyes switch tl-b
served_signed_by "$B"
[ "$(curl -sfk "$URL/signer.pem" | grep -c 'BEGIN CERTIFICATE')" = 1 ] &&
	[ "$(curl -sfk "$URL/signer.pem" | pem_sha)" = "$(sha_of "$B")" ] ||
	fail "after: /signer.pem is not B alone"
curl -sfk "$URL/" -o "$T/page.html" || fail "no page"
grep -q "signer.pem</a>, SHA-256: <span class=\"fp\">$(sha_of "$B")</span></p>" "$T/page.html" ||
	fail "the page does not show B as the current signer"
! grep -q 'id="next-signer"' "$T/page.html" || fail "the page still shows an announced signer"
grep -q "event=signers-pinned .*current:$(sha_of "$B")" "$VNTLD_LOG" || fail "no signers-pinned line naming B"
! grep -q 'event=publication-rejected' "$VNTLD_LOG" || fail "vntld refused a genuine publication"
# the archive signed by A is still served
curl -sfk "$URL/roots/1.xml" -o "$T/roots-1.xml" && xmlsec_verify "$A" "$T/roots-1.xml" ||
	fail "the archived roots/1.xml signed by A is no longer served"

# 3. C's publication, newer than what vntld serves, put in place: refused
served_seq=$(python3 -c "import json,sys;print(json.load(open(sys.argv[1]))['lists']['roots']['sequence'])" "$pub/index.json")
i=0
until [ "$(python3 -c "import json,sys;print(json.load(open(sys.argv[1]))['lists']['roots']['sequence'])" "$T/evil/index.json")" -gt "$served_seq" ]; do
	EV publish >/dev/null 2>"$T/evil.err" || fail "the attacker's publication failed: $(cat "$T/evil.err")"
	i=$((i + 1)); [ $i -le 5 ] || fail "the attacker's registry does not get ahead"
done
xmlsec_verify "$C" "$T/evil/roots.xml" || fail "the attacker's lists are not signed by C"
python3 - "$T/evil" "$pub" <<'PY'
import json, os, shutil, sys
src, dst = sys.argv[1], sys.argv[2]
index = json.load(open(os.path.join(src, "index.json")))
for entry in index["lists"].values():
    shutil.copyfile(os.path.join(src, entry["path"]), os.path.join(dst, entry["path"]))
shutil.copyfile(os.path.join(src, "index.json"), os.path.join(dst, "index.json.tmp"))
os.rename(os.path.join(dst, "index.json.tmp"), os.path.join(dst, "index.json"))
PY
i=0
until grep -q 'event=publication-rejected' "$VNTLD_LOG"; do
	i=$((i + 1)); [ $i -le 100 ] || fail "vntld did not reject the publication signed by C"
	sleep 0.1
done
all_signed_by "$B" || fail "vntld serves something else than B's set after C's publication"
grep -q 'reason=".*/roots/[0-9]*.xml: signature or content refused by libvntl (signer-not-pinned)' "$VNTLD_LOG" ||
	fail "the rejection does not say the signer is not pinned"
[ "$(curl -sfk "$URL/signer.pem" | pem_sha)" = "$(sha_of "$B")" ] || fail "/signer.pem changed with C's publication"
web_stop
echo "signer_rollover_vntld: ok"
