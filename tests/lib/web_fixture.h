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

/* Runs tests/lib/web_make_publication.py DIR SEQ; 0 on success. */
int web_fixture_python(const char *dir, int seq);

#endif
