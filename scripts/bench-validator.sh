#!/bin/sh
# Validator benchmarks (run by `make bench`), each a ratio against a
# baseline measured in the same run:
#   1. chain checks/s of vntl_check_chain() vs a plain X509_verify_cert() loop,
#      also with 10,000 other anchors loaded
#   2. load + verify of a 10,000-entry signed list by vntl-validate vs
#      `xmlsec1 --verify` of the same file, interleaved rounds (BENCH_ROUNDS,
#      default 5), min/median/max of the ratios
#   scripts/bench-validator.sh BUILD_DIR [SECONDS]
set -eu
build=$(cd "${1:-build/release}" && pwd)
seconds=${2:-3}
src=$(cd "$(dirname "$0")/.." && pwd)
shared=$(cd "$src/../shared" 2>/dev/null && pwd) || shared=""
tmp=$(mktemp -d "${TMPDIR:-/tmp}/vntl-bench.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT # a signal ends the script (then the EXIT trap cleans up)
trap 'exit 143' TERM
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

. "$src/scripts/bench_timing.sh"
schema_args="--no-schema"; schema_file=""
if [ -n "$shared" ]; then
	schema_file="$shared/tl/xsd/19612-libxml2.xsd"
	schema_args="--schema-dir $schema_file"
fi
xmlsec_verify() {
	xmlsec1 --verify --enabled-reference-uris same-doc,empty --enabled-key-data rsa \
		--id-attr:Id 'http://uri.etsi.org/02231/v2#:TrustServiceStatusList' \
		--id-attr:Id 'http://uri.etsi.org/01903/v1.3.2#:SignedProperties' \
		--pubkey-cert-pem "$P/signer.pem" "$tmp/big.xml"
}
# Interleaved rounds: in each, the baseline and every variant once, each
# variant's ratio to that round's baseline (a busy machine slows a round's
# runs alike); min/median/max over the rounds.
rounds=${BENCH_ROUNDS:-5}
for f in xmlsec ours noschema tuned lib libthreads; do : >"$tmp/$f.ms"; done
r=0
while [ "$r" -lt "$rounds" ]; do
	bench_ms xmlsec_verify >>"$tmp/xmlsec.ms"
	# shellcheck disable=SC2086
	bench_ms "$build/vntl-validate" list "$tmp/big.xml" --signer "$P/signer.pem" $schema_args >>"$tmp/ours.ms"
	bench_ms "$build/vntl-validate" list "$tmp/big.xml" --signer "$P/signer.pem" --no-schema >>"$tmp/noschema.ms"
	# the heap tuning vntl-validate does only when asked, measured for its effect
	# shellcheck disable=SC2086
	bench_ms env VNTL_VALIDATE_TUNE_HEAP=1 "$build/vntl-validate" list "$tmp/big.xml" --signer "$P/signer.pem" \
		$schema_args >>"$tmp/tuned.ms"
	# shellcheck disable=SC2086
	bench_ms "$tmp/bench_load" "$tmp/big.xml" "$P/signer.pem" $schema_file >>"$tmp/lib.ms"
	# shellcheck disable=SC2086
	bench_ms env VNTL_BENCH_THREADS=1 "$tmp/bench_load" "$tmp/big.xml" "$P/signer.pem" $schema_file >>"$tmp/libthreads.ms"
	r=$((r + 1))
done
ratios() { # VARIANT: its per-round ratios to xmlsec1
	paste "$tmp/$1.ms" "$tmp/xmlsec.ms" | awk '{ printf "%.3f\n", $1 / $2 }' >"$tmp/$1.ratio"
	bench_stats "$tmp/$1.ratio"
}
echo "list of $entries entries ($size bytes), $rounds interleaved rounds, ms: xmlsec1 --verify" \
	"$(bench_stats "$tmp/xmlsec.ms" %.0f); vntl-validate (all rules + schema) $(bench_stats "$tmp/ours.ms" %.0f)"
echo "list load / xmlsec1 --verify (target: median <= 1.00):"
echo "  vntl-validate with schema:         $(ratios ours) $(awk -v m="$(bench_median "$tmp/ours.ratio")" 'BEGIN { print m <= 1 ? "OK" : "MISSED" }')"
echo "  without schema:                    $(ratios noschema)"
echo "  VNTL_VALIDATE_TUNE_HEAP=1 (opt-in): $(ratios tuned)"
echo "  library alone, one thread:         $(ratios lib)"
echo "  library alone, vntl_ctx_set_threads: $(ratios libthreads)"
