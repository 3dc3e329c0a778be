/* What the libFuzzer targets in tests/fuzz/ share (support.c).
 *
 * A target is a fuzz_*.c file that defines LLVMFuzzerTestOneInput (and may
 * define LLVMFuzzerInitialize). `make fuzz` links it with clang's libFuzzer
 * (-fsanitize=fuzzer,address,undefined); the gcc builds link it with
 * support.c's replay main instead, which runs every file of the target's
 * seed corpus (tests/fuzz/corpus/<target>/) or the files and directories
 * given on its command line, so the ASan suite replays the corpus too.
 * An input a target finds wrong (a broken invariant, not a mere refusal)
 * aborts, which both libFuzzer and the replay report as a failure. */
#ifndef VNTL_TESTS_FUZZ_H
#define VNTL_TESTS_FUZZ_H

#include <sqlite3.h>
#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

/* A private scratch directory for this process (created on first call,
 * removed at exit); also exported as $VNTL_TMP for the test fixtures. */
const char *fuzz_scratch(void);

/* `rel` (e.g. "tests/fuzz/data/x.pem") under the source tree: $VNTL_SRC
 * when set, else the current directory. Static buffer per call. */
const char *fuzz_src_path(const char *rel);

/* Writes `size` bytes to `path`; aborts on failure. */
void fuzz_write_file(const char *path, const void *data, size_t size);

/* Whole file into memory (malloc'ed, NUL-terminated); aborts on failure. */
unsigned char *fuzz_read_file(const char *path, size_t *size);

/* Reports a broken invariant and aborts. */
void fuzz_fail(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));

/* Copies the whole database `from` into `to` (both "main"), or fails. */
void fuzz_copy_database(sqlite3 *to, sqlite3 *from);

/* The one integer a query such as "SELECT count(*) ..." answers, or fails
 * naming `what`. */
long long fuzz_sql_integer(sqlite3 *h, const char *sql, const char *what);

#endif
