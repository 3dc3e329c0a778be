/* Opening below the publication directory only (see safeopen.h). */
#include "web/safeopen.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

/* Component by component with O_NOFOLLOW: for kernels without openat2. */
static int open_by_components(int dirfd, const char *rel, int flags)
{
	char path[1024];
	if (strlen(rel) >= sizeof path) {
		errno = ENAMETOOLONG;
		return -1;
	}
	strcpy(path, rel);
	int cur = dirfd;
	char *save = NULL;
	char *part = strtok_r(path, "/", &save);
	while (part) {
		char *next = strtok_r(NULL, "/", &save);
		if (strcmp(part, "..") == 0 || strcmp(part, ".") == 0) {
			errno = EXDEV;
			if (cur != dirfd)
				close(cur);
			return -1;
		}
		int fd = openat(cur, part, next ? O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC
						 : flags | O_NOFOLLOW);
		int saved = errno;
		if (cur != dirfd)
			close(cur);
		if (fd < 0) {
			errno = saved;
			return -1;
		}
		cur = fd;
		part = next;
	}
	if (cur == dirfd) {
		errno = EINVAL;
		return -1;
	}
	return cur;
}

int web_open_beneath(int dirfd, const char *rel, int want_dir, struct stat *st)
{
	/* O_NONBLOCK: opening a FIFO must not wait for a writer. */
	int flags = O_RDONLY | O_CLOEXEC | O_NONBLOCK | (want_dir ? O_DIRECTORY : 0);
	struct open_how how = {
		.flags = (unsigned long long)flags,
		.resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS,
	};
	int fd = (int)syscall(SYS_openat2, dirfd, rel, &how, sizeof how);
	if (fd < 0 && errno == ENOSYS)
		fd = open_by_components(dirfd, rel, flags);
	if (fd < 0)
		return -1;
	if (fstat(fd, st) != 0 || (want_dir ? !S_ISDIR(st->st_mode) : !S_ISREG(st->st_mode))) {
		close(fd);
		errno = EINVAL;
		return -1;
	}
	return fd;
}

const char *web_open_problem(int err)
{
	switch (err) {
	case ENOENT:
		return "missing";
	case ELOOP:
		return "a symbolic link (never followed)";
	case EXDEV:
		return "outside the publication directory";
	case EINVAL:
		return "not a regular file";
	default:
		return strerror(err);
	}
}

int web_read_beneath(int dirfd, const char *rel, size_t max, unsigned char **data, size_t *len,
		     struct stat *st, char *why, size_t whylen)
{
	int fd = web_open_beneath(dirfd, rel, 0, st);
	if (fd < 0) {
		int saved = errno;
		snprintf(why, whylen, "%s", web_open_problem(saved));
		errno = saved;
		return -1;
	}
	if ((unsigned long long)st->st_size > max) {
		snprintf(why, whylen, "larger than %zu bytes", max);
		close(fd);
		errno = EFBIG;
		return -1;
	}
	size_t size = (size_t)st->st_size;
	unsigned char *buf = malloc(size ? size : 1);
	size_t got = 0;
	while (buf && got < size) {
		ssize_t n = read(fd, buf + got, size - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	close(fd);
	if (!buf || got != size) {
		snprintf(why, whylen, buf ? "short read (the file changed while read)" : "out of memory");
		free(buf);
		errno = EIO;
		return -1;
	}
	*data = buf;
	*len = size;
	return 0;
}
