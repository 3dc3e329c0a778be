/* A publication directory, checked and read into memory.
 *
 * The contract is README.md "Publication directory": index.json is written
 * last and names, for each list, an immutable `<list>/<seq>.xml` and its
 * SHA-256. Loading reads index.json first, then every file it names; each
 * list must verify by its own XAdES signature (web/verify.h) and agree with
 * index.json (sequence, SHA-256, size, dates), every other file must have
 * the SHA-256 index.json gives it (certs/<sha256>.cer: its name), and
 * index.json itself must verify as the signed index (a JWS by the pinned
 * signer, README "Signed index"). The pinned signer is served as
 * signer.pem, from memory. A set that
 * fails is refused as a whole, and the caller keeps serving the previous
 * one; with nothing to keep, the set can instead be built from the newest
 * archive version of each list that verifies ("degraded": index.json and
 * the files it names are then withheld, since nothing signed vouches for
 * them). Files are opened below the directory only, never through a
 * symbolic link (web/safeopen.h).
 *
 * The current set is held in memory; archive versions are read from disk
 * for each download and served only when their bytes are ones that
 * verified. A URL is only ever compared with the names in the set or
 * parsed as `<list>/<seq>.xml`, never turned into a path as it is.
 *
 * web_publication_load returns 0, or -1 with a message naming the file;
 * lookups return NULL when absent; web_publication_recheck the number of files
 * newly found wrong; web_publication_read_archive an enum web_archive_result;
 * web_stamp_equal is a predicate.
 */
#ifndef VNTL_WEB_PUBLICATION_H
#define VNTL_WEB_PUBLICATION_H

#include "common/hex.h"
#include "web/verify.h"

#include <stddef.h>
#include <sys/types.h>
#include <time.h>

#define WEB_MAX_LISTS 8
#define WEB_MAX_FILE_SIZE (256L * 1024 * 1024)

struct web_file {
	char *name;           /* as requested, without the leading '/': "roots/7.xml" */
	unsigned char *data;  /* NULL when withheld */
	size_t len;
	char sha256[65];      /* lowercase hex */
	time_t mtime;
	int withheld;         /* named, but answered 503 (degraded set) */
};

struct web_list_info {
	char name[16];        /* "roots", "foreign", "pointer" */
	long long sequence;
	char sha256[65];
	size_t size;
	time_t issued;        /* from the verified list */
	time_t next_update;
};

/* A file the set was read from, checked again while the set is served. */
struct web_tracked {
	char *rel;
	char sha256[65];      /* the bytes that were verified */
	dev_t dev;
	ino_t ino;
	off_t size;
	struct timespec mtime, ctime;
	int stamped;          /* 0: not stat'ed yet, read it at the next check */
	int strikes;          /* consecutive checks that found it wrong */
	char problem[256];    /* why it is wrong now; "" when it is the verified file */
};

struct web_publication {
	struct web_file *files;   /* sorted by name */
	size_t file_count;
	struct web_list_info lists[WEB_MAX_LISTS];
	size_t list_count;
	size_t skipped_files;     /* certificates left out because their name or bytes were wrong */
	int degraded;             /* built from verified archive versions */
	char degraded_reason[512];
	struct web_tracked *tracked;
	size_t tracked_count;
	int dirfd;                /* the publication directory, for archive versions */
	struct web_verifier *verifier; /* not owned; outlives the publication */
};

/* What identifies one version of index.json, compared every poll. */
struct web_stamp {
	dev_t dev;
	ino_t ino;
	off_t size;
	struct timespec mtime;
	struct timespec ctime; /* cannot be set back: an edit with mtime restored still shows */
	int exists;
};

/* Reads the stamp of `dir`/index.json (exists = 0 when it is missing). */
void web_publication_stamp(const char *dir, struct web_stamp *out);
int web_stamp_equal(const struct web_stamp *a, const struct web_stamp *b);

/* Loads and checks the publication in `dir` with `verifier`. When the set
 * does not verify and `allow_fallback` is set, returns the degraded set
 * built from the archive (degraded_reason says why) when every list has a
 * verified version. Returns 0, or -1 with a message naming the file and the
 * problem. */
int web_publication_load(const char *dir, struct web_verifier *verifier, int allow_fallback,
			 struct web_publication **out, char *err, size_t errlen);

/* The file served under `name` from memory, or NULL. */
const struct web_file *web_publication_find(const struct web_publication *pub, const char *name);

/* Result of reading an archive version for one download. */
enum web_archive_result {
	WEB_ARCHIVE_NONE,     /* not an archive version of this set, or not on disk: 404 */
	WEB_ARCHIVE_OK,       /* *out holds verified bytes (free out->data) */
	WEB_ARCHIVE_REFUSED,  /* on disk but not verified bytes (logged): 503 */
};

/* Reads archive version `name` ("roots/5.xml", older than the served one)
 * from disk. The bytes are hashed on every read and served only when that
 * (name, SHA-256) verified, now or before (web_verifier_recall). A refusal
 * is logged once per file and bytes (*logged = 1 when this call did). */
enum web_archive_result web_publication_read_archive(const struct web_publication *pub,
						     const char *name, struct web_file *out,
						     int *logged);

/* Checks that the files the set was read from are still the verified ones:
 * stat (inode, size, mtime, ctime) each call, read and hash when that
 * changed or when `rehash`. A file found wrong on two checks in a row (one
 * check may fall in the middle of a new publication, which replaces the
 * set) is logged (event=publication-file-rejected) and reported; logged
 * again when it is right once more. Returns the number of files that
 * became rejected; `problem` names the first wrong file ("" when none).
 * Called from one thread only. */
size_t web_publication_recheck(struct web_publication *pub, int rehash, char *problem,
			       size_t problem_len);

void web_publication_free(struct web_publication *pub);

/* The SHA-256 hex of the files served is common/hex.h's sha256_hex; this
 * name stays for web/tls.c until its next edit there (another branch). */
static inline void web_sha256_hex(const void *data, size_t len, char hex[SHA256_HEX_BUF])
{
	sha256_hex(data, len, hex);
}

#endif
