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

# rank of a library folder; empty for anything else
rank() {
	case $1 in
	common) echo 0 ;; db) echo 1 ;; publisher) echo 2 ;; web) echo 3 ;; *) echo "" ;;
	esac
}
is_program() { case $1 in cli | validate | vntld) return 0 ;; *) return 1 ;; esac; }

# check ROOT: prints "FILE:LINE: includes "X": WHY" per violation; status 1 if any
check() {
	root=$1
	bad=0
	out=$(cd "$root" && for dir in common db publisher web validator cli validate vntld; do
		[ -d "$dir" ] || continue
		find "$dir" -name '*.[ch]' | sort | while read -r file; do
			grep -n '^[[:space:]]*#[[:space:]]*include[[:space:]]*"' "$file" |
				sed 's/^\([0-9]*\):[^"]*"\([^"]*\)".*/\1 \2/' |
				while read -r line inc; do
					why=$(verdict "$dir" "$inc") || true
					[ -z "$why" ] || echo "$file:$line: includes \"$inc\": $why"
				done
		done
	done)
	if [ -n "$out" ]; then
		echo "$out"
		bad=1
	fi
	return $bad
}

# verdict FROM_FOLDER INCLUDE: prints why the include is wrong, nothing if fine
verdict() {
	from=$1 inc=$2
	case $inc in
	*/*) to=${inc%%/*} ;;
	vntl.h) return 0 ;;                  # the public header (-Ivalidator)
	*) [ "$from" = validator ] && return 0   # validator's own, beside it
	   echo "names no folder (write \"FOLDER/$inc\")"; return 0 ;;
	esac
	if [ "$to" = validator ]; then
		[ "$inc" = validator/vntl.h ] || [ "$from" = validator ] ||
			echo "validator's internals are its own: use its public header vntl.h"
		return 0
	fi
	if [ "$from" = validator ]; then
		echo "validator (libvntl) includes nothing of ours outside validator/"
		return 0
	fi
	if is_program "$to"; then
		[ "$to" = "$from" ] || echo "nothing includes a program's folder ($to/) but the program itself"
		return 0
	fi
	is_program "$from" && return 0        # programs may use every library
	to_rank=$(rank "$to")
	from_rank=$(rank "$from")
	if [ -z "$to_rank" ]; then
		echo "$to/ is not a library folder"
	elif [ "$to_rank" -gt "$from_rank" ]; then
		echo "$from/ is below $to/ (common <- db <- publisher <- web): the include points up"
	fi
}

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
