/* Opening files of the publication directory without ever leaving it:
 * no symbolic link is followed in any component, no ".." is resolved, and
 * only regular files are read (a FIFO or device cannot stall a thread).
 *
 * web_open_beneath returns a descriptor, or -1 with errno; web_read_beneath
 * 0, or -1 with `why` filled.
 */
#ifndef VNTL_WEB_SAFEOPEN_H
#define VNTL_WEB_SAFEOPEN_H

#include <stddef.h>
#include <sys/stat.h>

/* Opens `rel` (relative, '/'-separated) below the directory `dirfd`; with
 * `want_dir` a directory, otherwise a regular file. Returns the descriptor
 * and fills *st, or -1 with errno (ELOOP: a symbolic link on the way,
 * EXDEV: outside the directory, EINVAL: not a regular file/directory). */
int web_open_beneath(int dirfd, const char *rel, int want_dir, struct stat *st);

/* What an errno of web_open_beneath means, for a log line. */
const char *web_open_problem(int err);

/* Reads regular file `rel` below `dirfd` whole (at most `max` bytes) into a
 * malloc'ed buffer. 0, or -1 with `why` saying what is wrong with it
 * (errno kept: ENOENT when it is missing). */
int web_read_beneath(int dirfd, const char *rel, size_t max, unsigned char **data, size_t *len,
		     struct stat *st, char *why, size_t whylen);

#endif
