#!/bin/sh
# The dependency direction of DESIGN.md, checked on every #include "...":
#   libraries, lowest first:  common <- db <- publisher <- web
#   validator (libvntl):      includes nothing of ours; everyone may include
#                             its public header vntl.h, no one its internals
#   programs:                 cli (vntl), validate (vntl-validate), vntld
#                             may include any library; no one includes a
#                             program's folder but the program itself
# tests/ and scripts/ (test and benchmark drivers) are not checked.
#   scripts/check-layers.sh [SOURCE_ROOT]   exit 1 listing each wrong include
#   scripts/check-layers.sh --self-test     exit 0 when the check catches
#                                           wrong includes in a fixture tree
set -eu

# check ROOT: prints "FILE:LINE: includes "X": WHY" per violation; status 1 if any.
# One awk over every file: a shell loop forking per include took 15 s.
check() {
	out=$(cd "$1" && for dir in common db publisher web validator cli validate vntld; do
		[ -d "$dir" ] && find "$dir" -name '*.[ch]'
	done | sort | xargs -r awk "$verdict_awk")
	[ -z "$out" ] && return 0
	echo "$out"
	return 1
}

# For each #include "X" of FILE (in FOLDER/...), why it is wrong; nothing if fine.
verdict_awk='
function rank(d) {
	return d == "common" ? 0 : d == "db" ? 1 : d == "publisher" ? 2 : d == "web" ? 3 : -1
}
function is_program(d) { return d == "cli" || d == "validate" || d == "vntld" }
function verdict(from, inc,    to) {
	if (inc !~ /\//) {
		if (inc == "vntl.h" || from == "validator") return ""  # the public header; validator beside it
		return "names no folder (write \"FOLDER/" inc "\")"
	}
	to = inc; sub(/\/.*/, "", to)
	if (to == "validator") {
		if (inc == "validator/vntl.h" || from == "validator") return ""
		return "validator'"'"'s internals are its own: use its public header vntl.h"
	}
	if (from == "validator") return "validator (libvntl) includes nothing of ours outside validator/"
	if (is_program(to))
		return to == from ? "" : "nothing includes a program'"'"'s folder (" to "/) but the program itself"
	if (is_program(from)) return ""   # programs may use every library
	if (rank(to) < 0) return to "/ is not a library folder"
	if (rank(to) > rank(from))
		return from "/ is below " to "/ (common <- db <- publisher <- web): the include points up"
	return ""
}
/^[[:space:]]*#[[:space:]]*include[[:space:]]*"/ {
	inc = $0; sub(/^[^"]*"/, "", inc); sub(/".*/, "", inc)
	from = FILENAME; sub(/\/.*/, "", from)
	why = verdict(from, inc)
	if (why != "") printf "%s:%d: includes \"%s\": %s\n", FILENAME, FNR, inc, why
}'

self_test() {
	t=$(mktemp -d "${TMPDIR:-/tmp}/check-layers.XXXXXX")
	trap 'rm -rf "$t"' EXIT
	mkdir -p "$t/common" "$t/db" "$t/publisher" "$t/web" "$t/validator" "$t/cli" "$t/vntld"
	printf '#include "common/config.h"\n#include "vntl.h"\n' >"$t/db/good.c"
	printf '#include "db/db.h"\n#include "common/hex.h"\n' >"$t/web/good.c"
	printf '#include "cli/cli.h"\n#include "web/server.h"\n' >"$t/cli/good.c"
	printf '#include "vv_internal.h"\n' >"$t/validator/good.c"
	check "$t" >"$t/out" || { echo "self-test: a correct tree was refused:"; cat "$t/out"; return 1; }
	failed=0
	for wrong in 'db/up.c:web/server.h' 'common/up.c:db/db.h' 'publisher/up.c:web/log.h' \
		'validator/out.c:common/hex.h' 'web/prog.c:cli/cli.h' 'vntld/other.c:cli/cli.h' \
		'web/internal.c:validator/vv_internal.h'; do
		file=${wrong%%:*} inc=${wrong#*:}
		printf '#include <stdio.h>\n#include "%s"\n' "$inc" >"$t/$file"
		if check "$t" >"$t/out"; then
			echo "self-test: $file including \"$inc\" was not caught"; failed=1
		elif ! grep -q "^$file:2: includes \"$inc\"" "$t/out"; then
			echo "self-test: $file including \"$inc\" not reported with its line:"; cat "$t/out"; failed=1
		fi
		rm "$t/$file"
	done
	[ $failed -eq 0 ] && echo "check-layers self-test: ok"
	return $failed
}

case ${1:-} in
--self-test) self_test ;;
*)
	root=${1:-$(cd "$(dirname "$0")/.." && pwd)}
	if check "$root"; then
		echo "check-layers: every include points down (common <- db <- publisher <- web; programs on top)"
	else
		echo "check-layers: includes in the wrong direction (see DESIGN.md, scripts/check-layers.sh)" >&2
		exit 1
	fi
	;;
esac
