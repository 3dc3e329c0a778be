#!/usr/bin/env python3
"""Check that a publication directory holds a complete, consistent set.

    publisher_checkdir.py OUT [--lists roots,foreign,pointer]

index.json parses and has the contract's fields; every list's `path` file
exists with the size and SHA-256 index.json names; `<list>.xml` is a whole
published version (byte-identical to an archive at or after the indexed
sequence: it is replaced just before index.json); roots.pem is whole PEM.
Prints the paths of the indexed lists (for signature checks), one a line.
Exit 0 when consistent, 1 with the reason on stderr.
"""
import hashlib
import json
import os
import re
import sys


def fail(msg):
    print("inconsistent: " + msg, file=sys.stderr)
    sys.exit(1)


def sha256(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def main():
    out = sys.argv[1]
    lists = ["roots", "foreign", "pointer"]
    if len(sys.argv) > 3 and sys.argv[2] == "--lists":
        lists = sys.argv[3].split(",")
    try:
        with open(os.path.join(out, "index.json"), "rb") as f:
            index = json.load(f)
    except (OSError, ValueError) as e:
        fail("index.json: %s" % e)
    if index.get("format") != 1:
        fail("index.json: format is not 1")
    for name in lists:
        entry = index.get("lists", {}).get(name)
        if not entry:
            fail("index.json names no %s list" % name)
        for key in ("sequence", "sha256", "size", "issued", "next_update", "path", "url"):
            if key not in entry:
                fail("%s: no %s" % (name, key))
        if entry["path"] != "%s/%d.xml" % (name, entry["sequence"]):
            fail("%s: path %s does not match sequence" % (name, entry["path"]))
        path = os.path.join(out, entry["path"])
        if not os.path.isfile(path):
            fail("%s: %s is missing" % (name, entry["path"]))
        if os.path.getsize(path) != entry["size"] or sha256(path) != entry["sha256"]:
            fail("%s: %s does not have the size and SHA-256 of index.json" % (name, entry["path"]))
        current = sha256(os.path.join(out, name + ".xml"))
        archives = [int(m.group(1)) for m in
                    (re.fullmatch(r"(\d+)\.xml", f) for f in os.listdir(os.path.join(out, name))) if m]
        newer = [s for s in archives if s >= entry["sequence"]]
        if not any(sha256(os.path.join(out, name, "%d.xml" % s)) == current for s in newer):
            fail("%s.xml is not a whole published version" % name)
        print(path)
    if "roots" in lists:
        with open(os.path.join(out, "roots.pem")) as f:
            pem = f.read()
        if pem.count("-----BEGIN CERTIFICATE-----") != pem.count("-----END CERTIFICATE-----") \
                or not pem.endswith("-----END CERTIFICATE-----\n"):
            fail("roots.pem is not whole")
        meta = index.get("files", {}).get("roots.pem")
        if not meta or "sha256" not in meta:
            fail("index.json does not describe roots.pem")


main()
