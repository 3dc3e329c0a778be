#!/bin/sh
# --pointed when a pointer list names two lists of one territory (as vntl's
# pointer.xml names roots.xml and foreign.xml, both VN): each is reached by
# its TSLLocation (fetched, or read from a file), both in one command, and a
# chain anchored in the second one passes; the territory alone is ambiguous
# and the error names the choices; malformed values are usage errors that
# say which form is expected.
set -eu
. "$VNTL_SRC/tests/lib/validator_e2e.sh"
. "$VNTL_SRC/tests/lib/validator_pki.sh"
P="$VNTL_TMP/pki"
mkdir -p "$P/www"
www_PID=""
trap '[ -z "$www_PID" ] || kill "$www_PID" 2>/dev/null || true' EXIT INT TERM
pki_init "$P"
pki_issue "$P" root tls v3_tls
pki_issue "$P" self natsigner v3_sign 2048
pki_issue "$P" root2 leaf2 v3_sign
cat "$P/tls.pem" "$P/inter.pem" >"$P/tls-chain.pem"
start_http_server "$P/www" www "$P/tls-chain.pem" "$P/tls.key"
base="https://127.0.0.1:$www_PORT"

# Two VN lists signed by the same key: "roots" (root) and "foreign" (root2).
for spec in "roots 4 root" "foreign 5 root2"; do
	set -- $spec
	python3 "$VNTL_SRC/tests/lib/validator_tsl.py" "$P/$1.tpl" "$P/natsigner.pem" "$2" \
		"$(iso_days_from_now -1)" "$(iso_days_from_now 30)" "$P/$3.pem|CA/PKC|granted@2021-01-01T00:00:00Z"
	pki_sign_list "$P/$1.tpl" "$P/www/$1.xml" natsigner 2>/dev/null
done
pointer_cert=$(openssl x509 -in "$P/natsigner.pem" -outform DER | base64 -w0)
pointer() { # LOCATION
	printf '%s' "<OtherTSLPointer><ServiceDigitalIdentities><ServiceDigitalIdentity><DigitalId>\
<X509Certificate>$pointer_cert</X509Certificate></DigitalId></ServiceDigitalIdentity>\
</ServiceDigitalIdentities><TSLLocation>$1</TSLLocation><AdditionalInformation><OtherInformation>\
<SchemeTerritory>VN</SchemeTerritory></OtherInformation></AdditionalInformation></OtherTSLPointer>"
}
VNTL_TSL_SCHEME_EXTRA="<PointersToOtherTSL>$(pointer "$base/roots.xml")$(pointer "$base/foreign.xml")</PointersToOtherTSL>" \
	python3 "$VNTL_SRC/tests/lib/validator_tsl.py" "$P/pointer.tpl" "$P/signer.pem" 2 \
	"$(iso_days_from_now -1)" "$(iso_days_from_now 30)"
pki_sign_list "$P/pointer.tpl" "$P/pointer.xml" 2>/dev/null
L="--signer $P/signer.pem --schema-dir $XSD --ca-file $P/root.pem"

# Each list by its location; both at once.
expect 0 "sequence 4" -- "$VV" list "$P/pointer.xml" $L --pointed "$base/roots.xml"
expect 0 "sequence 5" -- "$VV" list "$P/pointer.xml" $L --pointed "$base/foreign.xml"
expect 0 "accepted: $base/foreign.xml" -- "$VV" list "$P/pointer.xml" $L \
	--pointed "$base/roots.xml" --pointed "$base/foreign.xml"
grep -q "source=$base/roots.xml territory=VN sequence=4" "$VNTL_TMP/stderr" ||
	{ echo "FAIL: roots.xml was not loaded beside foreign.xml"; failures=$((failures + 1)); }
# ... or read from a local copy, still pinned to the pointer's certificate
cp "$P/www/foreign.xml" "$P/foreign-copy.xml"
expect 0 "accepted: $P/foreign-copy.xml" -- "$VV" list "$P/pointer.xml" $L \
	--pointed "$base/foreign.xml=$P/foreign-copy.xml"
# A chain anchored only in the second list passes through the pointer list.
expect 0 "PASSED" -- "$VV" chain "$P/leaf2.pem" --list "$P/pointer.xml" $L \
	--pointed "$base/foreign.xml" --revocation none

# The territory alone names two lists: refused, naming both.
expect 3 "pointer-ambiguous" -- "$VV" list "$P/pointer.xml" $L --pointed VN=
for url in "$base/roots.xml" "$base/foreign.xml"; do
	printf '%s' "$out" | grep -qF "$url" || { echo "FAIL: the ambiguity does not name $url"; failures=$((failures + 1)); }
done
expect 3 "pointer-ambiguous" -- "$VV" list "$P/pointer.xml" $L --pointed "VN=$P/foreign-copy.xml"
# A location no pointer names: the error lists those it does name.
expect 3 "pointer-missing" -- "$VV" list "$P/pointer.xml" $L --pointed "$base/other.xml"
printf '%s' "$out" | grep -qF "$base/roots.xml" || { echo "FAIL: pointer-missing does not name the choices"; failures=$((failures + 1)); }

# Malformed values: one line naming --pointed and the forms it takes.
for bad in VN "" "=x"; do
	expect 3 "" -- "$VV" list "$P/pointer.xml" $L --pointed "$bad"
	if [ "$(wc -l < "$VNTL_TMP/stderr")" -ne 1 ] || ! grep -q -- "--pointed wants CC=\[FILE|URL\].*TSLLocation URL\[=FILE\], not \"$bad\" (see vntl-validate --help)" "$VNTL_TMP/stderr"; then
		echo "FAIL: --pointed '$bad' is not a one-line usage error naming the forms:"
		sed 's/^/    /' "$VNTL_TMP/stderr"
		failures=$((failures + 1))
	fi
done
finish
