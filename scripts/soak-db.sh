#!/bin/sh
# Long soak of the registry under faults: many more kill -9 iterations than
# make check runs, and repeated 8-process concurrency rounds.
#   scripts/soak-db.sh [BUILD_DIR] [KILL_ITERATIONS] [CONCURRENCY_ROUNDS]
# Defaults: build/release, 5000 kills, 10 concurrency rounds. Exit 0 when all pass.
set -eu
src=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "${1:-$src/build/release}" && pwd)
kills=${2:-5000}
rounds=${3:-10}
shared=$(cd "$src/../shared" && pwd)
[ -x "$build/vntl" ] || { echo "soak-db: $build/vntl missing: run make first" >&2; exit 1; }
export VNTL_BUILD="$build" VNTL_SRC="$src" VNTL_SHARED="$shared" VNTL_SAN=0

run() { # name script [env...]
	name=$1; script=$2; shift 2
	scratch=$(mktemp -d "${TMPDIR:-/tmp}/vntl-soak.XXXXXX")
	start=$(date +%s)
	if env "$@" VNTL_TMP="$scratch" sh "$src/tests/e2e/$script" >"$scratch.log" 2>&1; then
		echo "PASS $name ($(( $(date +%s) - start ))s): $(tail -n 1 "$scratch.log")"
		rm -rf "$scratch" "$scratch.log"
	else
		echo "FAIL $name: see $scratch.log"; tail -n 20 "$scratch.log"; exit 1
	fi
}

run "kill -9 x $kills" db_kill9.sh VNTL_KILL9_ITERATIONS="$kills"
i=1
while [ $i -le "$rounds" ]; do
	run "concurrency round $i/$rounds" db_concurrency.sh
	i=$((i + 1))
done
echo "soak-db: all passed"
