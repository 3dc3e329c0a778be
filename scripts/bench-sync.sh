#!/bin/sh
# vntl-validate sync benchmark (run by `make bench`), against vntld on
# 127.0.0.1 (TLS) serving a publication of a registry of 10,000 certificates
# (the demo registry and 9,993 synthetic foreign roots; made once, not timed):
#   1. a sync with nothing new published: the requests it makes and the body
#      bytes vntld sends (vntld's /metrics before and after; target: one
#      conditional request, answered 304, no body bytes)
#   2. a sync into an empty directory vs loading the same three lists with
#      `vntl-validate list` (same schema profile), interleaved rounds, the
#      ratio's min/median/max (target: median <= 2.00)
#   scripts/bench-sync.sh BUILD_DIR
# Environment: BENCH_ROUNDS (5), VNTL_BENCH_CERTS (10000).
set -eu
build=$(cd "${1:-build/release}" && pwd)
src=$(cd "$(dirname "$0")/.." && pwd)
rounds=${BENCH_ROUNDS:-5}
certs=${VNTL_BENCH_CERTS:-10000}
. "$src/scripts/bench_timing.sh"
VNTL_TMP=$(mktemp -d "${TMPDIR:-/tmp}/vntl-bench-sync.XXXXXX")
VNTL_BUILD=$build VNTL_SRC=$src
export VNTL_BUILD VNTL_SRC VNTL_TMP
. "$src/tests/lib/web_server.sh"
trap 'web_cleanup; rm -rf "$VNTL_TMP"' EXIT
trap 'exit 130' INT # a signal ends the script (then the EXIT trap cleans up)
trap 'exit 143' TERM
T=$VNTL_TMP
VV="$build/vntl-validate"

# the publication: the demo registry (7 certificates), then the rest as
# synthetic self-signed foreign roots imported in one bundle, published
pub="$T/pub"
keys="$pub.keys"
sh "$src/tests/lib/web_publish.sh" "$pub" 1
python3 - "$((certs - 7))" "$T/bundle.pem" <<'PY'
import datetime, sys
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
n, out = int(sys.argv[1]), sys.argv[2]
key = ec.generate_private_key(ec.SECP256R1())
now = datetime.datetime.now(datetime.timezone.utc)
with open(out, "wb") as f:
    for i in range(n):
        name = x509.Name([x509.NameAttribute(NameOID.COUNTRY_NAME, "SG"),
                          x509.NameAttribute(NameOID.ORGANIZATION_NAME, "DEMO bench"),
                          x509.NameAttribute(NameOID.COMMON_NAME, "DEMO bench root %d" % i)])
        cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
                .public_key(key.public_key()).serial_number(i + 1)
                .not_valid_before(now - datetime.timedelta(days=400))
                .not_valid_after(now + datetime.timedelta(days=3650))
                .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
                .add_extension(x509.KeyUsage(False, False, False, False, False, True, True, False, False),
                               critical=True)
                .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
                .sign(key, hashes.SHA256()))
        f.write(cert.public_bytes(serialization.Encoding.PEM))
PY
VNTL_CONFIG="$keys/vntl.conf" VNTL_DB="$keys/registry.db" "$build/vntl" --as olga cert import --tsp 6 \
	--decision "QĐ bench" --effective 2020-01-01 "$T/bundle.pem" >/dev/null
sh "$src/tests/lib/web_publish.sh" "$pub" 2
signer="$keys/pki/list-signer.pem"
sh "$src/tests/lib/web_make_tls.sh" "$T/tls" server >/dev/null
web_start --publication-dir "$pub" --signer-cert "$signer" --tls-cert "$T/tls/server.pem" \
	--tls-key "$T/tls/server.key"
S="--from $URL --signer $signer --ca-file $T/tls/server.pem"
metric() { # NAME: its sum over the path classes, but /metrics itself
	curl -sk "$URL/metrics" | awk -v m="$1" '$1 ~ "^" m && !/path="metrics"/ {n += $2} END {print n + 0}'
}
bytes=$(($(wc -c <"$pub/roots.xml") + $(wc -c <"$pub/foreign.xml") + $(wc -c <"$pub/pointer.xml")))
echo "publication: $certs certificates, lists of $bytes bytes in all"

# 2. full sync vs list loads, interleaved
L="--signer $signer --schema-dir $src/schema/vntl-tsl-profile.xsd"
load_lists() {
	# shellcheck disable=SC2086
	for l in roots foreign pointer; do "$VV" list "$pub/$l.xml" $L || return 1; done
}
: >"$T/ratios"; : >"$T/sync_ms"; : >"$T/list_ms"
r=1
while [ "$r" -le "$rounds" ]; do
	# shellcheck disable=SC2086
	s=$(bench_ms "$VV" sync $S --out "$T/store$r")
	l=$(bench_ms load_lists)
	echo "$s" >>"$T/sync_ms"; echo "$l" >>"$T/list_ms"
	awk -v s="$s" -v l="$l" 'BEGIN { printf "%.3f\n", s / l }' >>"$T/ratios"
	r=$((r + 1))
done

# 1. nothing new published: the second sync of store1
n0=$(metric vntld_requests_total); b0=$(metric vntld_response_bytes_total)
# shellcheck disable=SC2086
"$VV" sync $S --out "$T/store1" >"$T/unchanged.txt" 2>&1
unchanged_requests=$(($(metric vntld_requests_total) - n0))
unchanged_bytes=$(($(metric vntld_response_bytes_total) - b0))
grep -q 'nothing changed (304)' "$T/unchanged.txt" && answer=304 || answer="not 304: $(cat "$T/unchanged.txt")"
# shellcheck disable=SC2086
unchanged_ms=$(bench_ms "$VV" sync $S --out "$T/store1")
web_stop

echo "unchanged sync: $unchanged_requests request(s), answered $answer, $unchanged_bytes body bytes;" \
	"$unchanged_ms ms (target: 1 request, 304, 0 bytes) $([ "$unchanged_requests" = 1 ] &&
	[ "$answer" = 304 ] && [ "$unchanged_bytes" = 0 ] && echo OK || echo MISSED)"
echo "full sync of $certs certificates: $(bench_stats "$T/sync_ms" %.0f) ms;" \
	"vntl-validate list of the same 3 lists: $(bench_stats "$T/list_ms" %.0f) ms"
echo "sync / list load over $rounds interleaved rounds: $(bench_stats "$T/ratios")" \
	"(target: median <= 2.00) $(awk -v m="$(bench_median "$T/ratios")" 'BEGIN { print m <= 2 ? "OK" : "MISSED" }')"
