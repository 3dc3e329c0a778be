#!/bin/sh
# Issue 11: the dependency direction of DESIGN.md (common <- db <- publisher
# <- web; everyone may use validator's public header; validator includes
# nothing of ours; nothing includes a program's folder) holds for every
# #include of the source tree, and the check really catches a wrong one
# (its self-test plants wrong includes in a fixture tree).
set -eu
sh "$VNTL_SRC/scripts/check-layers.sh" --self-test
sh "$VNTL_SRC/scripts/check-layers.sh" "$VNTL_SRC"

# And on a copy of the real tree with one include turned upside down.
mkdir -p "$VNTL_TMP/tree"
cp -r "$VNTL_SRC/common" "$VNTL_SRC/db" "$VNTL_SRC/publisher" "$VNTL_SRC/web" "$VNTL_TMP/tree/"
printf '#include "web/log.h"\n' >>"$VNTL_TMP/tree/db/audit.c"
if sh "$VNTL_SRC/scripts/check-layers.sh" "$VNTL_TMP/tree" >"$VNTL_TMP/out" 2>&1; then
	echo "FAIL: db/audit.c including web/log.h was accepted"; exit 1
fi
grep -q '^db/audit.c:[0-9]*: includes "web/log.h": db/ is below web/' "$VNTL_TMP/out" || {
	echo "FAIL: the wrong include was not named:"; cat "$VNTL_TMP/out"; exit 1; }
echo "layers_include_direction: ok"
