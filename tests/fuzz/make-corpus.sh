#!/bin/sh
# Makes the fuzz targets' seed corpora and fixed inputs with vntl's own
# tools: the demo PKI (scripts/demo-pki.sh: certificates, CRLs, and the OCSP
# answers of `openssl ocsp` over its CA database) and lists signed by the
# real publisher (`vntl publish`, tests/lib/publisher_e2e.sh). Run it again
# only to change the seeds (they are committed; nothing here reads ../shared):
#   tests/fuzz/make-corpus.sh BUILD_DIR
# Writes tests/fuzz/data/ (what the targets load at start, and seed-time:
# when the seeds were made, the time the targets check them at) and the
# generated files of tests/fuzz/corpus/*/ (a reproducer added by hand to a
# corpus is kept: only the files named here are replaced).
set -eu
VNTL_BUILD=$(cd "${1:?usage: $0 BUILD_DIR}" && pwd)
VNTL_SRC=$(cd "$(dirname "$0")/../.." && pwd)
export VNTL_BUILD VNTL_SRC
fuzz=$VNTL_SRC/tests/fuzz
data=$fuzz/data
corpus=$fuzz/corpus
work=$(mktemp -d "${TMPDIR:-/tmp}/vntl-corpus.XXXXXX")
trap 'rm -rf "$work"' EXIT
mkdir -p "$data"
for t in db_certimport validator_list validator_crl validator_ocsp common_config web_http web_api jws_index; do
	mkdir -p "$corpus/fuzz_$t"
done

# index_seeds INDEX DIR: the signed index and edits of it (tampered member in
# clear, tampered payload, flipped signature, alg none, no x5c)
index_seeds() {
	cp "$1" "$2/published-index.json"
	python3 - "$1" "$2" <<'PY'
import base64, copy, json, os, sys
src, out = sys.argv[1], sys.argv[2]
jws = json.load(open(src))
def b64(b): return base64.urlsafe_b64encode(b).rstrip(b"=").decode()
def unb64(s): return base64.urlsafe_b64decode(s + "=" * (-len(s) % 4))
def write(name, o): open(os.path.join(out, name), "w").write(json.dumps(o, indent=2))
o = copy.deepcopy(jws); o["lists"]["roots"]["url"] = "https://evil.example/roots.xml"; write("tampered-clear.json", o)
o = copy.deepcopy(jws); p = json.loads(unb64(o["payload"])); p["lists"]["roots"]["sequence"] += 1
o["payload"] = b64(json.dumps(p, separators=(",", ":")).encode()); write("tampered-payload.json", o)
o = copy.deepcopy(jws); sig = bytearray(unb64(o["signature"])); sig[5] ^= 1; o["signature"] = b64(bytes(sig)); write("flipped-signature.json", o)
h = json.loads(unb64(jws["protected"]))
o = copy.deepcopy(jws); o["protected"] = b64(json.dumps(dict(h, alg="none")).encode()); o["signature"] = ""; write("alg-none.json", o)
o = copy.deepcopy(jws); o["protected"] = b64(json.dumps({k: v for k, v in h.items() if k != "x5c"}).encode()); write("no-x5c.json", o)
PY
}

# --- the demo PKI (with revocation: signer-revoked, CRLs) and a registry ---
sh "$VNTL_SRC/scripts/demo-pki.sh" "$work/pki" http://127.0.0.1:9 >/dev/null
. "$VNTL_SRC/tests/lib/publisher_e2e.sh"
demo_registry "$work" >/dev/null
"$VNTL_BUILD/vntl" publish >/dev/null 2>&1
date +%s > "$data/seed-time"
p=$work/pki
for f in neac-root public-ca-1 signer-revoked foreign-1 list-signer; do
	cp "$p/$f.pem" "$data/$f.pem"
done

# --- lists the publisher signed ---
n=0
for f in $(find "$work/out" -mindepth 2 -name '*.xml' | sort); do
	n=$((n + 1))
	cp "$f" "$corpus/fuzz_validator_list/published-$(basename "$(dirname "$f")")-$(basename "$f")"
done
[ "$n" -gt 0 ] || { echo "make-corpus: the publisher wrote no list" >&2; exit 1; }

# --- signed indexes: as the publisher signed it, and edits that must be refused ---
cp "$p/list-signer.pem" "$data/index-signer.pem"
index_seeds "$work/out/index.json" "$corpus/fuzz_jws_index"

# --- certificate files as officers import them: PEM, DER, PEM bundle, PKCS#7 ---
c=$corpus/fuzz_db_certimport
cp "$p/neac-root.pem" "$c/neac-root.pem"
openssl x509 -in "$p/public-ca-1.pem" -outform DER -out "$c/public-ca-1.der"
cat "$p/foreign-1.pem" "$p/foreign-2.pem" > "$c/foreign-bundle.pem"
openssl crl2pkcs7 -nocrl -certfile "$p/public-ca-2.pem" -certfile "$p/neac-root.pem" -outform DER \
	-out "$c/public-ca-2-chain.p7b"
openssl crl2pkcs7 -nocrl -certfile "$p/gov-root.pem" -out "$c/gov-root.p7b.pem"

# --- CRLs: the issuer's (DER, as fetched; PEM), another CA's ---
cp "$p/crl/public-ca-1.crl" "$corpus/fuzz_validator_crl/public-ca-1.crl"
openssl crl -inform DER -in "$p/crl/public-ca-1.crl" -out "$corpus/fuzz_validator_crl/public-ca-1.crl.pem"
cp "$p/crl/foreign-1.crl" "$corpus/fuzz_validator_crl/foreign-1.crl"

# --- OCSP: one request (with a nonce) and the answers openssl ocsp gives ---
o=$corpus/fuzz_validator_ocsp
openssl ocsp -issuer "$p/public-ca-1.pem" -cert "$p/signer-revoked.pem" -reqout "$data/ocsp-request.der" >/dev/null 2>&1
answer() { # NAME OPTIONS...: the responder's answer to the request
	name=$1; shift
	openssl ocsp -index "$p/ca/public-ca-1/index.txt" -CA "$p/public-ca-1.pem" -rsigner "$p/public-ca-1.pem" \
		-rkey "$p/public-ca-1.key" -reqin "$data/ocsp-request.der" -respout "$o/$name" "$@" >/dev/null 2>&1
}
answer revoked.der -ndays 3650
answer revoked-no-certs.der -ndays 3650 -resp_no_certs
answer revoked-key-id.der -ndays 3650 -resp_key_id
openssl ocsp -issuer "$p/public-ca-1.pem" -cert "$p/signer-public.pem" -reqout "$work/other.der" -no_nonce >/dev/null 2>&1
openssl ocsp -index "$p/ca/public-ca-1/index.txt" -CA "$p/public-ca-1.pem" -rsigner "$p/public-ca-1.pem" \
	-rkey "$p/public-ca-1.key" -reqin "$work/other.der" -respout "$o/good-other-certificate.der" -ndays 3650 >/dev/null 2>&1

# --- configuration files ---
cp "$VNTL_CONFIG" "$corpus/fuzz_common_config/publisher.conf"
cat > "$corpus/fuzz_common_config/server.conf" <<'CONF'
# vntld
db = /var/lib/vntl/registry.db
server.listen = 127.0.0.1
server.port = 8443
server.max_body = 65536
  server.publication_dir=/srv/vntl/publication
provider.max_pending = 20
server.port = 9443
CONF
printf 'server.prot = 1\n' > "$corpus/fuzz_common_config/misspelt.conf"

# --- HTTP request fields: path, Range, If-None-Match, If-Modified-Since,
# If-Range, Content-Type, Origin (first byte: the body size) ---
h=$corpus/fuzz_web_http
printf '\004/roots/current.xml\nbytes=0-99\n"0123abcd"\nSun, 06 Nov 1994 08:49:37 GMT\n"0123abcd"\napplication/json; charset=utf-8\nhttps://vntl.example:8443' > "$h/plain-get"
printf '\005/ro%%6fts/%%00x.xml\nbytes=-100\nW/"a", "0123abcd"\nTue, 14 Nov 2023 22:13:20 GMT\nTue, 14 Nov 2023 22:13:20 GMT\nAPPLICATION/JSON\nhttps://VNTL.example' > "$h/escaped"
printf '\000/index.json\nbytes=5-\n*\n\n\ntext/plain\nhttp://x:443' > "$h/empty-body"
printf '\007/a/../b~c\nbytes=18446744073709551615-\n\nSat, 29 Feb 2020 00:00:00 GMT\n' > "$h/huge-range"

# --- API bodies (first byte: the endpoint, see fuzz_web_api.c) ---
a=$corpus/fuzz_web_api
printf '\000{"service_id": 1, "status": "suspended", "reason": "Khóa bị lộ", "decision_ref": "QĐ 7/2026", "effective": "2026-01-02T03:04:05Z"}' > "$a/admin-propose"
printf '\001{"note": "đã kiểm tra", "retroactive": "yes"}' > "$a/admin-approve"
printf '\002{"note": "no"}' > "$a/admin-reject"
printf '\003{"list": "roots"}' > "$a/admin-publish"
printf '\0040\n10\npending' > "$a/admin-changes"
printf '\005\n1000' > "$a/admin-certificates"
printf '\007{"service_id": 1, "status": "withdrawn", "reason": "r", "decision_ref": "d", "sp_id": "sp-one", "sp_password": "correct horse battery"}' > "$a/provider-propose"
printf '\010{"sp_id": "sp-one", "sp_password": "correct horse battery"}' > "$a/provider-token"
printf '\010{"sp_id": "sp-one", "sp_id": "x"}' > "$a/duplicate-member"
echo "make-corpus: seeds written to $corpus, fixed inputs to $data"
