#!/bin/sh
# Test fixture for vntld: signed publication SEQ in DIR, made by the real
# publisher (`vntl publish`) from a small demo registry kept in DIR.keys
# (created on the first call). vntld verifies every list with the signer
# DIR.keys/pki/list-signer.pem (--signer-cert).
#   web_publish.sh DIR SEQ [--pad BYTES] [--pad-foreign BYTES]
# SEQ must be the next sequence (1, 2, ...): the registry numbers them.
# --pad adds XML comments of BYTES bytes in all inside the roots list: comments
# are outside the signed canonical form, so the list still verifies, and
# index.json is rewritten with the new SHA-256 and size (and signed again
# with the list signer's key, tests/lib/jws_index.py); --pad-foreign does
# the same to the foreign list.
set -eu
dir=$1; seq=$2; pad=0; pad_foreign=0
shift 2
while [ $# -ge 2 ]; do
	case $1 in
	--pad) pad=$2 ;;
	--pad-foreign) pad_foreign=$2 ;;
	*) echo "web_publish.sh: unknown option $1" >&2; exit 2 ;;
	esac
	shift 2
done
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
pad_list() { # LIST BYTES
[ "$2" -gt 0 ] || return 0
python3 - "$dir" "$seq" "$2" "$1" <<'PY'
import hashlib, json, os, sys
d, seq, pad, name = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
path = os.path.join(d, name, seq + ".xml")
data = open(path, "rb").read()
end = data.rindex(b"</")
# Comments of at most 1 MB: libxml2 refuses a larger single comment.
chunks = [min(1 << 20, pad - i) for i in range(0, pad, 1 << 20)]
data = data[:end] + b"".join(b"<!--" + b"x" * n + b"-->" for n in chunks) + data[end:]
for p in (path, os.path.join(d, name + ".xml")):
    with open(p + ".tmp", "wb") as f:
        f.write(data)
    os.rename(p + ".tmp", p)
index_path = os.path.join(d, "index.json")
index = json.load(open(index_path))
index["lists"][name]["sha256"] = hashlib.sha256(data).hexdigest()
index["lists"][name]["size"] = len(data)
with open(index_path + ".tmp", "w") as f:
    json.dump(index, f, indent=2)
os.rename(index_path + ".tmp", index_path)
PY
}
pad_list roots "$pad"
pad_list foreign "$pad_foreign"
# index.json is signed: the fixture signs its edit with the list signer's key
if [ "$pad" -gt 0 ] || [ "$pad_foreign" -gt 0 ]; then
	/usr/bin/python3 "$VNTL_SRC/tests/lib/jws_index.py" sign "$keys/pki/list-signer.key" \
		"$keys/pki/list-signer.pem" "$dir/index.json"
fi
