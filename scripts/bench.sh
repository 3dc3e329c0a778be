#!/bin/sh
# make bench: run every component's benchmark against the release build.
# Each scripts/bench-<component>.sh measures its own baseline in the same run
# and prints the ratio; this script only runs them in turn and reports which
# could not run. Exit status is non-zero if any benchmark failed to run.
set -u
build=${1:-build/release}
here=$(cd "$(dirname "$0")" && pwd)
failed=""
for bench in "$here"/bench-*.sh; do
	[ -f "$bench" ] || continue
	name=$(basename "$bench" .sh)
	echo "=== ${name#bench-} ==="
	sh "$bench" "$build" || failed="$failed ${name#bench-}"
	echo
done
[ -z "$failed" ] || { echo "benchmarks that did not run to the end:$failed" >&2; exit 1; }
