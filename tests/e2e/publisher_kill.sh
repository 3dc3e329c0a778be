#!/bin/sh
# kill -9 at random moments of publishing (the publisher library driven by
# the publish test binary on a hand-built snapshot): after each kill the
# directory still holds a complete, consistent set (index.json, archives with
# the SHA-256 it names, whole current files and roots.pem, valid signatures).
# publisher_kill_vntl.sh does the same with `vntl publish` on a registry;
# longer soak: scripts/soak-publisher.sh.
set -eu
. "$VNTL_SRC/tests/lib/publisher_e2e.sh"
cd "$VNTL_TMP"
make_signer "$VNTL_TMP"
# 50 kills; 20 under ASan, where each run is slower (`make soak` does 1,000)
iterations=50; [ "${VNTL_SAN:-0}" = 1 ] && iterations=20
kill_loop "${VNTL_KILL_ITERATIONS:-$iterations}" signer.pem \
	"$VNTL_BUILD/tests/test_publisher_publish" publish out signer.key signer.pem
echo ok
