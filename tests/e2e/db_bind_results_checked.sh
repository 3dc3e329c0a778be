#!/bin/sh
# Issue 15: no sqlite3_bind_* result in db/ is thrown away. db/stmt.c binds
# every argument and checks each result; any other call must use its result
# too (assign, compare, return or pass it on). A call that stands as a
# statement of its own (also after `if (...)`, `else` or a `(void)` cast)
# is reported with its file and line. The check proves itself first on a
# fixture holding each form.
set -eu

# check FILE...: prints FILE:LINE: for each bind whose result is discarded;
# exits 1 if there is any.
check() {
	perl -e '
	my $bad = 0;
	for my $file (@ARGV) {
		open(my $fh, "<", $file) or die "$file: $!\n";
		local $/;
		my $src = <$fh>;
		# Comments and string literals hold no calls; blank them, keeping
		# the line breaks so that line numbers stay true.
		$src =~ s{(/\*.*?\*/|//[^\n]*|"(?:\\.|[^"\\\n])*"|\x27(?:\\.|[^\x27\\\n])*\x27)}{
			my $m = $1; $m =~ s/[^\n]/ /g; $m }gse;
		while ($src =~ /\bsqlite3_bind_(?!parameter_)(\w+)\s*\(/g) {
			my ($name, $at) = ($1, $-[0]);
			my $before = substr($src, 0, $at);
			$before =~ s/\s+\z//;
			# The result is used when the call is an operand or an argument.
			next if $before =~ /(?:[=(,!]|&&|\|\||\breturn)\z/ && $before !~ /\(\s*void\s*\)\z/;
			my $line = 1 + (substr($src, 0, $at) =~ tr/\n//);
			print "$file:$line: the result of sqlite3_bind_$name is discarded: bind through db/stmt.h or check it\n";
			$bad = 1;
		}
	}
	exit $bad;
	' "$@"
}

# Self-test: four discarded results and six used ones.
fixture="$VNTL_TMP/fixture.c"
cat >"$fixture" <<'C'
static int f(sqlite3_stmt *st, int v, const char *x)
{
	int rc;
	sqlite3_bind_text(st, 1, x, -1, SQLITE_STATIC);
	if (v) sqlite3_bind_int(st, 2, 1);
	else
		sqlite3_bind_null(st, 2);
	(void)sqlite3_bind_int64(st, 3, 4);
	rc = sqlite3_bind_text(st, 1, x, -1, SQLITE_STATIC);
	if (sqlite3_bind_int(st, 2, v) != SQLITE_OK)
		return -1;
	rc = rc ||
	     sqlite3_bind_blob(st, 3, x, 1, SQLITE_STATIC);
	/* sqlite3_bind_text(st, 1, x, -1, NULL); in a comment */
	puts("sqlite3_bind_text(st); in a string");
	rc += sqlite3_bind_parameter_count(st);
	return check(sqlite3_bind_null(st, 4)) + rc;
}
C
if check "$fixture" >"$VNTL_TMP/found"; then
	echo "FAIL: the discarded binds of the fixture were not found"; exit 1
fi
printf '%s\n' "$fixture:4:" "$fixture:5:" "$fixture:7:" "$fixture:8:" >"$VNTL_TMP/expected"
cut -d' ' -f1 "$VNTL_TMP/found" | diff "$VNTL_TMP/expected" - || {
	echo "FAIL: the check reported other lines than the fixture's four discarded binds:"
	cat "$VNTL_TMP/found"; exit 1; }

# The registry's code.
calls=$(cat "$VNTL_SRC"/db/*.c | grep -c 'sqlite3_bind_' || true)
[ "$calls" -gt 0 ] || { echo "FAIL: no sqlite3_bind_ call found in db/: wrong tree?"; exit 1; }
if ! check "$VNTL_SRC"/db/*.c; then
	echo "FAIL: db/ discards sqlite3_bind_* results (above)"; exit 1
fi
echo "db_bind_results_checked: ok ($calls lines with sqlite3_bind_ in db/, none discards its result)"
