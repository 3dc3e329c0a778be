/* Test helpers for vntld: publication directories written from C, with
 * exactly the bytes a test needs (see README.md "Publication directory"). */
#ifndef VNTL_TESTS_WEB_FIXTURE_H
#define VNTL_TESTS_WEB_FIXTURE_H

#include <stddef.h>

/* A fresh empty directory under $VNTL_TMP (or /tmp) named `name`. */
void web_fixture_dir(const char *name, char *out, size_t outlen);

/* Writes `dir`/`rel` (creating its directory) with `len` bytes. */
void web_fixture_write(const char *dir, const char *rel, const void *data, size_t len);

/* Writes list `list` version `seq` with body `xml` (archive file and
 * current copy) and an index.json naming it (only this list, plus
 * roots.pem when `pem` is not NULL). Aborts on a write error. */
void web_fixture_publish(const char *dir, const char *list, long long seq, const char *xml,
			 const char *pem);

/* Runs tests/lib/web_make_publication.py DIR SEQ (unsigned lists, for the
 * page renderer); 0 on success. */
int web_fixture_python(const char *dir, int seq);

/* Runs tests/lib/web_publish.sh DIR SEQ: publication SEQ signed by the
 * real publisher; 0 on success. */
int web_fixture_signed(const char *dir, int seq);

/* The list signer of the publications web_fixture_signed(dir) writes. */
void web_fixture_signer(const char *dir, char *out, size_t outlen);

/* A publication held in memory only, unverified, from the <list>.xml files
 * and certs/ of `dir` (lists at sequence `seq`): for the page renderer's
 * tests, which feed it hostile XML no signed list could carry. */
struct web_publication *web_fixture_memory_publication(const char *dir, long long seq);

#endif
