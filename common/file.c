/* Reading a whole file (see file.h). */
#include "common/file.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

int file_read_all(const char *path, size_t max, unsigned char **data, size_t *len)
{
	*data = NULL;
	*len = 0;
	FILE *f = fopen(path, "rb");
	if (!f)
		return -1;
	size_t cap = 65536, n = 0;
	unsigned char *buf = NULL;
	int error = 0;
	for (;;) {
		unsigned char *bigger = realloc(buf, cap + 1);
		if (!bigger) {
			error = ENOMEM;
			break;
		}
		buf = bigger;
		n += fread(buf + n, 1, cap - n, f);
		if (ferror(f)) {
			error = errno ? errno : EIO;
			break;
		}
		if (n > max) {
			error = EFBIG;
			break;
		}
		if (n < cap)
			break; /* end of file */
		cap *= 2;
	}
	fclose(f);
	if (error) {
		free(buf);
		errno = error;
		return -1;
	}
	*data = buf;
	*len = n;
	return 0;
}

int path_format(char *out, size_t outlen, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(out, outlen, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= outlen) {
		if (outlen)
			out[0] = '\0';
		errno = ENAMETOOLONG;
		return -1;
	}
	return 0;
}

int path_join(char *out, size_t outlen, const char *dir, const char *name)
{
	return path_format(out, outlen, "%s/%s", dir, name);
}
