#!/bin/sh
# Test fixture for vntld: signed publication SEQ in DIR, made by the real
# publisher (`vntl publish`) from a small demo registry kept in DIR.keys
# (created on the first call). vntld verifies every list with the signer
# DIR.keys/pki/list-signer.pem (--signer-cert).
#   web_publish.sh DIR SEQ [--pad BYTES]
# SEQ must be the next sequence (1, 2, ...): the registry numbers them.
# --pad adds an XML comment of BYTES bytes inside the roots list: comments
# are outside the signed canonical form, so the list still verifies, and
# index.json is rewritten with the new SHA-256 and size.
set -eu
dir=$1; seq=$2; pad=0
[ "${3:-}" = --pad ] && pad=$4
keys="$dir.keys"
: "${VNTL_BUILD:?}" "${VNTL_SRC:?}"
mkdir -p "$dir"
if [ ! -f "$keys/registry.db" ]; then
	mkdir -p "$keys"
	. "$VNTL_SRC/tests/lib/publisher_e2e.sh"
	demo_registry "$keys" >/dev/null
	sed -i "s|^publish.out = .*|publish.out = $dir|" "$keys/vntl.conf"
fi
VNTL_CONFIG="$keys/vntl.conf" VNTL_DB="$keys/registry.db" "$VNTL_BUILD/vntl" publish >"$keys/publish.log" 2>&1 ||
	{ cat "$keys/publish.log" >&2; exit 1; }
grep -q "\"path\": \"roots/$seq.xml\"" "$dir/index.json" ||
	{ echo "web_publish.sh: the registry published another sequence than $seq" >&2; exit 1; }
[ "$pad" -gt 0 ] || exit 0
python3 - "$dir" "$seq" "$pad" <<'PY'
import hashlib, json, os, sys
d, seq, pad = sys.argv[1], sys.argv[2], int(sys.argv[3])
path = os.path.join(d, "roots", seq + ".xml")
data = open(path, "rb").read()
end = data.rindex(b"</")
data = data[:end] + b"<!-- " + b"x" * pad + b" -->" + data[end:]
for name in (path, os.path.join(d, "roots.xml")):
    with open(name + ".tmp", "wb") as f:
        f.write(data)
    os.rename(name + ".tmp", name)
index_path = os.path.join(d, "index.json")
index = json.load(open(index_path))
index["lists"]["roots"]["sha256"] = hashlib.sha256(data).hexdigest()
index["lists"]["roots"]["size"] = len(data)
with open(index_path + ".tmp", "w") as f:
    json.dump(index, f, indent=2)
os.rename(index_path + ".tmp", index_path)
PY
