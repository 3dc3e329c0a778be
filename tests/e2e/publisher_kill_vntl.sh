#!/bin/sh
# kill -9 at random moments of `vntl publish` on a real registry (20 runs;
# publisher_kill.sh does 50, scripts/soak-publisher.sh many more): after each
# kill the publication directory is a complete consistent set, the registry's
# audit chain is intact, and publishing continues with a greater sequence.
set -eu
. "$VNTL_SRC/tests/lib/publisher_e2e.sh"
cd "$VNTL_TMP"
demo_registry "$VNTL_TMP"
kill_loop "${VNTL_KILL_ITERATIONS:-20}" pki/list-signer.pem "$VNTL_BUILD/vntl" publish
"$VNTL_BUILD/vntl" --as an audit verify >/dev/null || { echo "audit chain broken after the kills"; exit 1; }
echo ok
