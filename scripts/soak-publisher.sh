#!/bin/sh
# Long kill -9 soak of publishing, both with the publisher library and with
# `vntl publish` on a registry (the e2e tests run 50 and 20 iterations):
#   scripts/soak-publisher.sh BUILD_DIR [ITERATIONS]   (default 1000)
set -eu
build=$(cd "${1:?usage: $0 BUILD_DIR [ITERATIONS]}" && pwd)
src=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/vntl-soak.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
VNTL_BUILD="$build" VNTL_SRC="$src" VNTL_SHARED="$src/../shared" VNTL_TMP="$tmp" \
VNTL_KILL_ITERATIONS="${2:-1000}" sh "$src/tests/e2e/publisher_kill.sh"
rm -rf "$tmp" && mkdir -p "$tmp"
VNTL_BUILD="$build" VNTL_SRC="$src" VNTL_SHARED="$src/../shared" VNTL_TMP="$tmp" \
VNTL_KILL_ITERATIONS="${2:-1000}" sh "$src/tests/e2e/publisher_kill_vntl.sh"
