/* vntl configuration file: one `key = value` per line, `#` comments.
 *
 * Every program reads the same file: the path given on its command line
 * (--config), else $VNTL_CONFIG, else /etc/vntl/vntl.conf when it exists.
 * Keys are flat, dotted by component ("db", "publish.out", "server.listen").
 * Command-line flags override the file; the file overrides built-in defaults.
 * A key that no program reads (config.c holds the table) is refused with the
 * file and line, so that a misspelt key never silently leaves its default.
 * In common/: used by every program and library above it; includes nothing
 * of ours. Functions return 0 or -1 with a message in the caller's err;
 * the getters return the value (or the fallback) and cannot fail, and
 * vntl_config_key_is_known is a predicate (1 yes, 0 no).
 */
#ifndef VNTL_COMMON_CONFIG_H
#define VNTL_COMMON_CONFIG_H

#include <stddef.h>

#define VNTL_CONFIG_DEFAULT_PATH "/etc/vntl/vntl.conf"

struct vntl_config;

/* Load `path`; NULL means $VNTL_CONFIG, else the default path if it exists
 * (a missing default file is an empty configuration, a missing named file is
 * an error). Returns 0, or -1 with a message naming file and line in `err`:
 * a line that is not `key = value`, an invalid key, an unknown key. */
int vntl_config_load(const char *path, struct vntl_config **out, char *err, size_t errlen);

/* 1 when `key` is one that some program reads, else 0. */
int vntl_config_key_is_known(const char *key);

/* Value of `key`, or `fallback` when the key is absent. */
const char *vntl_config_get(const struct vntl_config *cfg, const char *key, const char *fallback);

/* Integer value of `key` in [min, max]; returns 0 and stores it (or
 * `fallback` when absent), -1 with a message when it is not such an integer. */
int vntl_config_get_long(const struct vntl_config *cfg, const char *key, long fallback,
			 long min, long max, long *out, char *err, size_t errlen);

/* Path of the file that was read, or NULL when none was. */
const char *vntl_config_path(const struct vntl_config *cfg);

void vntl_config_free(struct vntl_config *cfg);

#endif
