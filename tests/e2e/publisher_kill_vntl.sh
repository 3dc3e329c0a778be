#!/bin/sh
# kill -9 at random moments of `vntl publish` on a real registry (20 runs, 10
# under ASan; publisher_kill.sh does 50, `make soak` 1,000): after each kill
# the publication directory is a complete consistent set, the registry's
# audit chain is intact, and publishing continues with a greater sequence.
set -eu
. "$VNTL_SRC/tests/lib/publisher_e2e.sh"
cd "$VNTL_TMP"
demo_registry "$VNTL_TMP"
iterations=20; [ "${VNTL_SAN:-0}" = 1 ] && iterations=10   # ASan runs are slower
kill_loop "${VNTL_KILL_ITERATIONS:-$iterations}" pki/list-signer.pem "$VNTL_BUILD/vntl" publish
"$VNTL_BUILD/vntl" --as an audit verify >/dev/null || { echo "audit chain broken after the kills"; exit 1; }
echo ok
