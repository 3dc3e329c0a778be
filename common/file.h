/* Reading a whole file into memory, and joining paths: the one copy every
 * program and library outside libvntl uses.
 *
 * Returns 0, or -1 with errno set (no error text: the caller words it).
 */
#ifndef VNTL_COMMON_FILE_H
#define VNTL_COMMON_FILE_H

#include <stddef.h>

/* Read all of `path` into *data (malloc'ed, caller frees; one spare byte
 * after the end is allocated so text may be NUL-terminated) and its size
 * into *len. Returns 0, or -1 with errno set: EFBIG when the file holds
 * more than `max` bytes, ENOMEM, or the error of open or read. */
int file_read_all(const char *path, size_t max, unsigned char **data, size_t *len);

/* "dir/name" into out (outlen bytes). Returns 0, or -1 with errno
 * ENAMETOOLONG when it does not fit: a silently truncated path names
 * another file, so the result must be checked. */
__attribute__((warn_unused_result))
int path_join(char *out, size_t outlen, const char *dir, const char *name);

/* A path made with a printf format ("%s/%lld.xml"): the same contract as
 * path_join. For every path below a configured or given directory that
 * is written, removed or locked (README "Paths are never cut short"). */
__attribute__((warn_unused_result, format(printf, 3, 4)))
int path_format(char *out, size_t outlen, const char *fmt, ...);

#endif
