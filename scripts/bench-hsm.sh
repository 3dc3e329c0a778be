#!/bin/sh
# Publishing with the signing key in a PKCS#11 token (issue 14): the
# 10,000-certificate foreign list of scripts/bench-publisher.c published
# (republish: certificate files present, as cron does) with an ECDSA P-256
# key in a SoftHSM2 token made here, and with a P-256 file key, in
# interleaved rounds; prints min/median/max of each side and of the per-round
# ratio token / file. Target: median ratio <= 1.20.
#   scripts/bench-hsm.sh BUILD_DIR [ROUNDS] [N]
set -eu
build=$(cd "${1:?usage: $0 BUILD_DIR [ROUNDS] [N]}" && pwd)
rounds=${2:-5}
n=${3:-10000}
src=$(cd "$(dirname "$0")/.." && pwd)
. "$src/scripts/bench_timing.sh"
. "$src/tests/lib/pkcs11_token.sh"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/vntl-bench-hsm.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
make -s -C "$src" BUILD="$build" "$build/libvntl-publisher.a" "$build/libvntl-db.a" "$build/libvntl-common.a" "$build/libvntl.a"
# shellcheck disable=SC2046
cc -std=c17 -D_GNU_SOURCE -O2 -I"$src" -I"$src/validator" $(pkg-config --cflags libxml-2.0 xmlsec1-openssl openssl) \
	-o "$tmp/bench-publisher" "$src/scripts/bench-publisher.c" \
	"$build/libvntl-publisher.a" "$build/libvntl-db.a" "$build/libvntl-common.a" "$build/libvntl.a" \
	$(pkg-config --libs libxml-2.0 xmlsec1-openssl openssl jansson sqlite3 libcurl p11-kit-1) -lpthread

softhsm_token "$tmp" bench-tl 2718
token_keygen bench-tl 2718 tl-bench 01 EC:prime256v1 || { echo "bench: cannot make the token key" >&2; exit 1; }
token_cert bench-tl 2718 tl-bench "$tmp/token.pem" || { echo "bench: cannot certify the token key" >&2; exit 1; }

# publish_ms DIR [token]: the republish time of one run into its own directory
publish_ms() {
	mkdir "$1"
	if [ "${2:-}" = token ]; then
		VNTL_BENCH_PKCS11_KEY="pkcs11:token=bench-tl;object=tl-bench" VNTL_BENCH_PKCS11_MODULE=$SOFTHSM_MODULE \
			VNTL_BENCH_PKCS11_CERT="$tmp/token.pem" VNTL_PKCS11_PIN=2718 \
			"$tmp/bench-publisher" "$1" "$n" > "$1.txt"
	else
		"$tmp/bench-publisher" "$1" "$n" > "$1.txt"
	fi
	sed -n 's/^republish_ms=//p' "$1.txt"
}

: > "$tmp/file"; : > "$tmp/token"; : > "$tmp/ratio"
r=1
while [ "$r" -le "$rounds" ]; do
	# the order alternates, so that neither side always runs on a warmer machine
	if [ $((r % 2)) = 1 ]; then
		f=$(publish_ms "$tmp/file$r"); k=$(publish_ms "$tmp/token$r" token)
	else
		k=$(publish_ms "$tmp/token$r" token); f=$(publish_ms "$tmp/file$r")
	fi
	echo "$f" >> "$tmp/file"; echo "$k" >> "$tmp/token"
	awk -v k="$k" -v f="$f" 'BEGIN { printf "%.3f\n", k / f }' >> "$tmp/ratio"
	r=$((r + 1))
done
# the token's lists must verify with the token's certificate, or the comparison means nothing
xmlsec1 --verify --enabled-reference-uris same-doc,empty --enabled-key-data ecdsa \
	--id-attr:Id 'http://uri.etsi.org/02231/v2#:TrustServiceStatusList' \
	--pubkey-cert-pem "$tmp/token.pem" "$tmp/token1/out/foreign.xml" >/dev/null 2>&1 ||
	{ echo "bench: the list signed in the token does not verify" >&2; exit 1; }

echo "publish of $n certificates (republish), $rounds interleaved rounds"
echo "file key:     $(bench_stats "$tmp/file" '%.0f') ms"
echo "SoftHSM2 key: $(bench_stats "$tmp/token" '%.0f') ms"
echo "token / file: $(bench_stats "$tmp/ratio")"
awk -v m="$(bench_median "$tmp/ratio")" 'BEGIN { printf "median token / file: %.2f (target <= 1.20) %s\n", m, m <= 1.2 ? "OK" : "MISSED" }'
