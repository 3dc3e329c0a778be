#!/bin/sh
# Real published lists load and verify as of their issue time; the EU LOTL's
# pointers lead to the national lists; ../shared/tl/negative is refused.
set -eu
. "$VNTL_SRC/tests/lib/validator_e2e.sh"
S="$VNTL_SHARED/tl"

issue_time() { grep -o '<ListIssueDateTime>[^<]*' "$1" | cut -d'>' -f2; }

for n in eu-lotl-2026-seq390 tl-be-2019 tl-dk-2026 tl-se-2026; do
	f="$S/samples/$n.xml"
	expect 0 "accepted" -- "$VV" list "$f" --signer "$S/samples/pins/$n-signer.pem" \
		--at "$(issue_time "$f")" --schema-dir "$XSD"
done
# Belgium 2019 signs "#<root Id>", not URI="": covered above; judged after its
# NextUpdate it is refused as expired.
expect 1 "list-expired" -- "$VV" list "$S/samples/tl-be-2019.xml" \
	--signer "$S/samples/pins/tl-be-2019-signer.pem" --at 2020-01-01T00:00:00Z --schema-dir "$XSD"
# a list signed by someone else's key
expect 1 "signer-not-pinned" -- "$VV" list "$S/samples/tl-se-2026.xml" \
	--signer "$S/samples/pins/tl-dk-2026-signer.pem" --at 2026-09-01T00:00:00Z --schema-dir "$XSD"

# EU LOTL -> national lists, signers taken from the LOTL's pointers only.
lotl="$S/samples/eu-lotl-2026-seq390.xml"
lotl_pin="$S/samples/pins/eu-lotl-2026-seq390-signer.pem"
expect 0 "territory DK" -- "$VV" list "$lotl" --signer "$lotl_pin" --at 2026-09-01T00:00:00Z \
	--pointed "SE=$S/samples/tl-se-2026.xml" --pointed "DK=$S/samples/tl-dk-2026.xml" --schema-dir "$XSD"
out=$("$VV" list "$lotl" --signer "$lotl_pin" --at 2026-09-01T00:00:00Z --json \
	--pointed "SE=$S/samples/tl-se-2026.xml" --schema-dir "$XSD" 2>/dev/null)
echo "$out" | python3 -c '
import json, sys
rows = [json.loads(l) for l in sys.stdin if l.strip()]
assert [r["territory"] for r in rows] == ["EU", "SE"], rows
assert rows[0]["pointers"] == 43 and rows[1]["services"] == 18, rows
' || { echo "FAIL: JSON of LOTL + SE"; failures=$((failures + 1)); }
# The SE list offered as Denmark's: the DK pointer's certificates do not verify it.
expect 1 "signer-not-pinned" -- "$VV" list "$lotl" --signer "$lotl_pin" --at 2026-09-01T00:00:00Z \
	--pointed "DK=$S/samples/tl-se-2026.xml" --schema-dir "$XSD"
# A pointer for a territory the LOTL does not have.
expect 3 "pointer-missing" -- "$VV" list "$lotl" --signer "$lotl_pin" --at 2026-09-01T00:00:00Z \
	--pointed "VN=$S/samples/tl-se-2026.xml" --schema-dir "$XSD"

# ../shared/tl/negative
expect 1 "signature-count" -- "$VV" list "$S/negative/cz-2019-two-sigs.xml" \
	--signer "$S/negative/cz-2019-signer.pem" --at 2019-06-01T00:00:00Z --schema-dir "$XSD"
expect 1 "signature-missing" -- "$VV" list "$S/negative/eu-lotl-2019-no-sig.xml" \
	--signer "$S/negative/eu-lotl-2019-signer.pem" --at 2019-06-01T00:00:00Z --schema-dir "$XSD"
expect 1 "xml-malformed" -- "$VV" list "$S/negative/eu-lotl-2019-not-parseable.xml" \
	--signer "$S/negative/eu-lotl-2019-signer.pem" --at 2019-06-01T00:00:00Z --schema-dir "$XSD"

# Schema: none configured and none installed is a clear refusal, not a silent pass.
expect 3 "schema-unavailable" -- "$VV" list "$S/samples/tl-se-2026.xml" \
	--signer "$S/samples/pins/tl-se-2026-signer.pem" --at 2026-09-01T00:00:00Z \
	--schema-dir "$VNTL_TMP/no-such-schema"
expect 0 "accepted" -- "$VV" list "$S/samples/tl-se-2026.xml" \
	--signer "$S/samples/pins/tl-se-2026-signer.pem" --at 2026-09-01T00:00:00Z --no-schema
# usage errors
expect 3 "" -- "$VV" list "$S/samples/tl-se-2026.xml" --at yesterday
expect 3 "signer-not-configured" -- "$VV" list "$S/samples/tl-se-2026.xml" --no-schema
finish
