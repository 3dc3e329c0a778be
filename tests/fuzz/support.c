/* Shared helpers of the libFuzzer targets, and the replay main the gcc
 * builds link them with (see fuzz.h). */
#include "tests/fuzz/fuzz.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char scratch[PATH_MAX];

static void remove_scratch(void)
{
	DIR *d = opendir(scratch);
	char path[PATH_MAX + 256];
	for (struct dirent *e; d && (e = readdir(d));)
		if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0) {
			snprintf(path, sizeof path, "%s/%s", scratch, e->d_name);
			unlink(path);
		}
	if (d)
		closedir(d);
	rmdir(scratch);
}

const char *fuzz_scratch(void)
{
	if (scratch[0])
		return scratch;
	const char *base = getenv("VNTL_TMP");
	if (!base || !*base)
		base = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp";
	snprintf(scratch, sizeof scratch, "%s/vntl-fuzz.XXXXXX", base);
	if (!mkdtemp(scratch))
		fuzz_fail("cannot create a scratch directory in %s: %s", base, strerror(errno));
	setenv("VNTL_TMP", scratch, 1);
	atexit(remove_scratch);
	return scratch;
}

const char *fuzz_src_path(const char *rel)
{
	static char bufs[4][PATH_MAX];
	static unsigned next;
	char *out = bufs[next++ % 4];
	const char *src = getenv("VNTL_SRC");
	snprintf(out, PATH_MAX, "%s/%s", src && *src ? src : ".", rel);
	return out;
}

void fuzz_write_file(const char *path, const void *data, size_t size)
{
	FILE *f = fopen(path, "wb");
	if (!f || fwrite(data, 1, size, f) != size || fclose(f) != 0)
		fuzz_fail("cannot write %s", path);
}

unsigned char *fuzz_read_file(const char *path, size_t *size)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		fuzz_fail("cannot open %s: %s", path, strerror(errno));
	unsigned char *buf = NULL;
	size_t len = 0, cap = 0, n;
	do {
		if (len + 4096 + 1 > cap) {
			cap = 2 * cap + 8192;
			unsigned char *grown = realloc(buf, cap);
			if (!grown)
				fuzz_fail("out of memory reading %s", path);
			buf = grown;
		}
		n = fread(buf + len, 1, 4096, f);
		len += n;
	} while (n > 0);
	int bad = ferror(f);
	fclose(f);
	if (bad)
		fuzz_fail("cannot read %s", path);
	buf[len] = '\0';
	*size = len;
	return buf;
}

void fuzz_fail(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fputs("fuzz: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	abort();
}

void fuzz_copy_database(sqlite3 *to, sqlite3 *from)
{
	sqlite3_backup *b = sqlite3_backup_init(to, "main", from, "main");
	if (!b || sqlite3_backup_step(b, -1) != SQLITE_DONE || sqlite3_backup_finish(b) != SQLITE_OK)
		fuzz_fail("copying the registry: %s", sqlite3_errmsg(to));
}

long long fuzz_sql_integer(sqlite3 *h, const char *sql, const char *what)
{
	sqlite3_stmt *st = NULL;
	long long n = -1;
	if (sqlite3_prepare_v2(h, sql, -1, &st, NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	if (n < 0)
		fuzz_fail("%s: %s", what, sqlite3_errmsg(h));
	return n;
}

#ifndef VNTL_LIBFUZZER
/* ---- replay main (gcc builds) ---- */

static size_t replayed;

static void replay_file(const char *path)
{
	size_t size;
	unsigned char *data = fuzz_read_file(path, &size);
	/* An exact-size copy, so that ASan sees a read past the input's end. */
	unsigned char *exact = malloc(size ? size : 1);
	if (!exact)
		fuzz_fail("out of memory");
	memcpy(exact, data, size);
	free(data);
	LLVMFuzzerTestOneInput(exact, size);
	free(exact);
	replayed++;
}

static int by_name(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

static void replay_path(const char *path)
{
	struct stat st;
	if (stat(path, &st) != 0)
		fuzz_fail("cannot read %s: %s", path, strerror(errno));
	if (!S_ISDIR(st.st_mode)) {
		replay_file(path);
		return;
	}
	struct dirent **names;
	int n = scandir(path, &names, NULL, by_name);
	if (n < 0)
		fuzz_fail("cannot list %s: %s", path, strerror(errno));
	for (int i = 0; i < n; i++) {
		char file[PATH_MAX + 256];
		snprintf(file, sizeof file, "%s/%s", path, names[i]->d_name);
		if (names[i]->d_name[0] != '.' && stat(file, &st) == 0 && S_ISREG(st.st_mode))
			replay_file(file);
		free(names[i]);
	}
	free(names);
}

int main(int argc, char **argv)
{
	const char *name = strrchr(argv[0], '/') ? strrchr(argv[0], '/') + 1 : argv[0];
	LLVMFuzzerInitialize(&argc, &argv);
	if (argc > 1) {
		for (int i = 1; i < argc; i++)
			replay_path(argv[i]);
	} else {
		char rel[PATH_MAX];
		snprintf(rel, sizeof rel, "tests/fuzz/corpus/%s", name);
		replay_path(fuzz_src_path(rel));
	}
	printf("%s: replayed %zu inputs\n", name, replayed);
	return replayed > 0 ? 0 : 1;
}
#endif
