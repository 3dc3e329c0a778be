/* Reading a whole file into memory: the one copy every program and library
 * outside libvntl uses. */
#ifndef VNTL_COMMON_FILE_H
#define VNTL_COMMON_FILE_H

#include <stddef.h>

/* Read all of `path` into *data (malloc'ed, caller frees; one spare byte
 * after the end is allocated so text may be NUL-terminated) and its size
 * into *len. Returns 0, or -1 with errno set: EFBIG when the file holds
 * more than `max` bytes, ENOMEM, or the error of open or read. */
int file_read_all(const char *path, size_t max, unsigned char **data, size_t *len);

#endif
