#!/bin/sh
# make soak's kill -9 driver (scripts/soak-kill.sh) kept working: 12 runs
# of it (kills during apply, publish and vntld's swap, picked at random)
# must end with its summary line and no failure. The 1,000-run soak itself
# is `make soak`, outside make check.
set -eu
out=$VNTL_TMP/soak.txt
sh "$VNTL_SRC/scripts/soak-kill.sh" "$VNTL_BUILD" 12 > "$out" 2>&1 ||
	{ echo "FAIL: soak-kill reported a failure:"; tail -n 20 "$out"; exit 1; }
grep -Eq '^soak-kill: 12 runs \([0-9]+ changes applied, [0-9]+ publications completed, [0-9]+ vntld kills\), 0 failures$' "$out" ||
	{ echo "FAIL: no summary line:"; tail -n 20 "$out"; exit 1; }
echo "ok: $(tail -n 1 "$out")"
