/* Buffer sizes every layer outside libvntl shares, named once instead of
 * repeated as numbers (libvntl has its own in validator/vv_internal.h).
 *
 * Constants only: no functions.
 */
#ifndef VNTL_COMMON_SIZES_H
#define VNTL_COMMON_SIZES_H

#include <limits.h>

/* Room for a path: PATH_MAX and a suffix added to one (".tmp.<pid>",
 * "-wal", a staging name). */
#define VNTL_PATH_MAX (PATH_MAX + 104)

/* Room for an error message: the `char *err, size_t errlen` a function
 * fills with why it failed, and what says it on stderr or in an answer. */
#define VNTL_ERR_MAX 2048

#endif
