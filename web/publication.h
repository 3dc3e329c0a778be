/* A publication directory read into memory, checked against its index.
 *
 * The contract is README.md "Publication directory": index.json is written
 * last and names, for each list, an immutable `<list>/<seq>.xml` and its
 * SHA-256. Loading reads index.json first, then every file it names, and
 * refuses the whole set when any named file is missing or does not match:
 * the caller then keeps serving the previous set. Everything served comes
 * from this set; a URL is only ever compared with the names in it, never
 * turned into a filesystem path.
 */
#ifndef VNTL_WEB_PUBLICATION_H
#define VNTL_WEB_PUBLICATION_H

#include <stddef.h>
#include <sys/types.h>
#include <time.h>

#define WEB_MAX_LISTS 8
#define WEB_MAX_FILE_SIZE (256L * 1024 * 1024)

struct web_file {
	char *name;           /* as requested, without the leading '/': "roots/7.xml" */
	unsigned char *data;
	size_t len;
	char sha256[65];      /* lowercase hex */
	time_t mtime;
};

struct web_list_info {
	char name[16];        /* "roots", "foreign", "pointer" */
	long long sequence;
	char sha256[65];
	size_t size;
	time_t issued;
	time_t next_update;
};

struct web_publication {
	struct web_file *files;   /* sorted by name */
	size_t file_count;
	struct web_list_info lists[WEB_MAX_LISTS];
	size_t list_count;
	size_t skipped_files;     /* files ignored because their name or bytes were wrong */
};

/* What identifies one version of index.json, compared once a second. */
struct web_stamp {
	dev_t dev;
	ino_t ino;
	off_t size;
	struct timespec mtime;
	int exists;
};

/* Reads the stamp of `dir`/index.json (exists = 0 when it is missing). */
void web_publication_stamp(const char *dir, struct web_stamp *out);
int web_stamp_equal(const struct web_stamp *a, const struct web_stamp *b);

/* Loads and checks the publication in `dir`. Returns 0, or -1 with a
 * message naming the file and the problem. */
int web_publication_load(const char *dir, struct web_publication **out, char *err,
			 size_t errlen);

/* The file served under `name`, or NULL. */
const struct web_file *web_publication_find(const struct web_publication *pub, const char *name);

void web_publication_free(struct web_publication *pub);

/* Parses "YYYY-MM-DDTHH:MM:SSZ"; 0 or -1. */
int web_parse_utc(const char *text, time_t *out);

/* Lowercase hex SHA-256 of `len` bytes into `hex` (65 bytes). */
void web_sha256_hex(const void *data, size_t len, char hex[65]);

#endif
