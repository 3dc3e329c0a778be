#!/bin/sh
# Validator benchmarks (run by `make bench`), each a ratio against a
# baseline measured in the same run:
#   1. chain checks/s of vntl_check_chain() vs a plain X509_verify_cert() loop,
#      also with 10,000 other anchors loaded
#   2. load + verify of a 10,000-entry signed list by vntl-validate vs
#      `xmlsec1 --verify` of the same file
#   scripts/bench-validator.sh BUILD_DIR [SECONDS]
set -eu
build=$(cd "${1:-build/release}" && pwd)
seconds=${2:-3}
src=$(cd "$(dirname "$0")/.." && pwd)
shared=$(cd "$src/../shared" 2>/dev/null && pwd) || shared=""
tmp=$(mktemp -d "${TMPDIR:-/tmp}/vntl-bench.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM
. "$src/tests/lib/validator_pki.sh"
P="$tmp/pki"
mkdir -p "$P"
pki_init "$P"
pki_issue "$P" inter leaf v3_sign
pki_crl root "$P/root.crl"
pki_crl inter "$P/inter.crl"

# shellcheck disable=SC2046
cc -std=c17 -D_GNU_SOURCE -O2 -Wall -Wextra -I"$src/validator" -o "$tmp/bench_chain" "$src/scripts/bench_validator_chain.c" \
	"$build/libvntl.a" $(pkg-config --libs xmlsec1-openssl libxml-2.0 openssl libcurl jansson) -lpthread
"$tmp/bench_chain" "$P/leaf.pem" "$P/inter.pem" "$P/root.pem" "$P/root.crl" "$P/inter.crl" "$seconds" \
	"$tmp/others.pem"
# shellcheck disable=SC2046
cc -std=c17 -D_GNU_SOURCE -O2 -Wall -Wextra -I"$src/validator" -o "$tmp/bench_load" "$src/scripts/bench_validator_load.c" \
	"$build/libvntl.a" $(pkg-config --libs xmlsec1-openssl libxml-2.0 openssl libcurl jansson) -lpthread

entries=${VNTL_BENCH_ENTRIES:-10000}
issued=$(date -u -d '-1 day' +%Y-%m-%dT%H:%M:%SZ)
next=$(date -u -d '+30 day' +%Y-%m-%dT%H:%M:%SZ)
VNTL_TSL_ENTRIES=$((entries - 1)) python3 "$src/tests/lib/validator_tsl.py" "$tmp/big.tpl" \
	"$P/signer.pem" 1 "$issued" "$next" "$P/root.pem|CA/PKC|granted@2021-01-01T00:00:00Z"
pki_sign_list "$tmp/big.tpl" "$tmp/big.xml" 2>/dev/null
size=$(wc -c <"$tmp/big.xml")

best() { # command...: best wall time of 3 runs, in ms
	b=""
	for _ in 1 2 3; do
		s=$(date +%s%N)
		"$@" >/dev/null 2>&1 || { echo "bench command failed: $*" >&2; exit 1; }
		e=$(( ($(date +%s%N) - s) / 1000000 ))
		if [ -z "$b" ] || [ "$e" -lt "$b" ]; then b=$e; fi
	done
	echo "$b"
}
xmlsec_ms=$(best xmlsec1 --verify --enabled-reference-uris same-doc,empty --enabled-key-data rsa \
	--id-attr:Id 'http://uri.etsi.org/02231/v2#:TrustServiceStatusList' \
	--id-attr:Id 'http://uri.etsi.org/01903/v1.3.2#:SignedProperties' \
	--pubkey-cert-pem "$P/signer.pem" "$tmp/big.xml")
schema_args="--no-schema"; schema_file=""
if [ -n "$shared" ]; then
	schema_file="$shared/tl/xsd/19612-libxml2.xsd"
	schema_args="--schema-dir $schema_file"
fi
# shellcheck disable=SC2086
ours_ms=$(best "$build/vntl-validate" list "$tmp/big.xml" --signer "$P/signer.pem" $schema_args)
ours_noschema_ms=$(best "$build/vntl-validate" list "$tmp/big.xml" --signer "$P/signer.pem" --no-schema)
# The heap tuning vntl-validate does only when asked (VNTL_VALIDATE_TUNE_HEAP=1), measured for its effect.
# shellcheck disable=SC2086
tuned_ms=$(best env VNTL_VALIDATE_TUNE_HEAP=1 "$build/vntl-validate" list "$tmp/big.xml" --signer "$P/signer.pem" $schema_args)
# shellcheck disable=SC2086
lib_ms=$(best "$tmp/bench_load" "$tmp/big.xml" "$P/signer.pem" $schema_file)
# shellcheck disable=SC2086
lib_threads_ms=$(best env VNTL_BENCH_THREADS=1 "$tmp/bench_load" "$tmp/big.xml" "$P/signer.pem" $schema_file)
echo "list of $entries entries ($size bytes): vntl-validate $ours_ms ms (all rules + schema)," \
	"$ours_noschema_ms ms without schema; xmlsec1 --verify $xmlsec_ms ms"
echo "  with VNTL_VALIDATE_TUNE_HEAP=1 (opt-in heap tuning): $tuned_ms ms"
echo "  the same load through the library in a plain program: $lib_ms ms on one thread," \
	"$lib_threads_ms ms with vntl_ctx_set_threads(ctx, 1)"
awk -v a="$ours_ms" -v b="$ours_noschema_ms" -v t="$tuned_ms" -v l="$lib_ms" -v lt="$lib_threads_ms" -v x="$xmlsec_ms" 'BEGIN {
	printf "list load ratio vs xmlsec1: %.2f with schema, %.2f without (target <= 1.00) %s; heap tuned %.2f; library alone %.2f (one thread), %.2f (threads)\n",
		a / x, b / x, (a <= x ? "OK" : "MISSED"), t / x, l / x, lt / x }'
