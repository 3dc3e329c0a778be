/* The generation directories of the trust store (see sync_store.h). */
#include "validate/sync_store.h"

#include "common/file.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define GEN_PREFIX "gen-"

int store_current(const char *dir, char *out, size_t outlen)
{
	char link[PATH_MAX], target[256];
	if (path_join(link, sizeof link, dir, "current") < 0)
		return -1;
	ssize_t n = readlink(link, target, sizeof target - 1);
	if (n <= 0)
		return -1;
	target[n] = '\0';
	/* only ever a name of ours, beside the link */
	if (strncmp(target, GEN_PREFIX, strlen(GEN_PREFIX)) != 0 || strchr(target, '/'))
		return -1;
	return path_join(out, outlen, dir, target);
}

int store_new_generation(const char *dir, char *out, size_t outlen, char *why, size_t whylen)
{
	if (mkdir(dir, 0755) != 0 && errno != EEXIST) {
		snprintf(why, whylen, "%s: cannot create it (%s)", dir, strerror(errno));
		return -1;
	}
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	if (path_format(out, outlen, "%s/" GEN_PREFIX "%lld%09ld-%d", dir, (long long)ts.tv_sec, ts.tv_nsec,
			(int)getpid()) < 0 ||
	    mkdir(out, 0755) != 0) {
		snprintf(why, whylen, "%s: cannot create it (%s)", out, strerror(errno));
		return -1;
	}
	return 0;
}

/* Writes all of data to fd, then closes it: 0, or -1 with errno. */
static int write_and_close(int fd, const void *data, size_t len)
{
	const unsigned char *p = data;
	size_t left = len;
	errno = 0;
	while (left > 0) {
		ssize_t n = write(fd, p, left);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		p += n;
		left -= (size_t)n;
	}
	int failed = left ? (errno ? errno : EIO) : 0;
	if (close(fd) != 0 && !failed)
		failed = errno;
	errno = failed;
	return failed ? -1 : 0;
}

int store_write(const char *gen, const char *rel, const void *data, size_t len, char *why,
		size_t whylen)
{
	char path[PATH_MAX];
	int fd = path_join(path, sizeof path, gen, rel) == 0
			 ? open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644)
			 : -1;
	if (fd < 0 || write_and_close(fd, data, len) != 0) {
		snprintf(why, whylen, "%s/%s: cannot write it (%s)", gen, rel, strerror(errno));
		return -1;
	}
	return 0;
}

int store_create_at(int dirfd, const char *dir, const char *name, const void *data, size_t len,
		    char *why, size_t whylen)
{
	int fd = openat(dirfd, name, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (fd < 0 && errno == EEXIST)
		return 1;
	if (fd < 0 || write_and_close(fd, data, len) != 0) {
		snprintf(why, whylen, "%s/%s: cannot write it (%s)", dir, name, strerror(errno));
		return -1;
	}
	return 0;
}

/* Does `name` in the directory prevfd hold exactly these bytes? */
static int holds(int prevfd, const char *name, const void *data, size_t len)
{
	int fd = openat(prevfd, name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	struct stat st;
	int same = fd >= 0 && fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && (size_t)st.st_size == len;
	unsigned char *have = same ? malloc(len ? len : 1) : NULL;
	size_t got = 0;
	while (have && got < len) {
		ssize_t n = read(fd, have + got, len - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	same = have && got == len && memcmp(have, data, len) == 0;
	free(have);
	if (fd >= 0)
		close(fd);
	return same;
}

int store_reuse_or_create_at(int prevfd, int dirfd, const char *dir, const char *name,
			     const void *data, size_t len, char *why, size_t whylen)
{
	if (prevfd >= 0 && holds(prevfd, name, data, len)) {
		if (linkat(prevfd, name, dirfd, name, 0) == 0)
			return 0;
		if (errno == EEXIST)
			return 1;
		/* another file system, no links there: written instead */
	}
	return store_create_at(dirfd, dir, name, data, len, why, whylen);
}

int store_sync_dir(const char *path, char *why, size_t whylen)
{
	int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	int ok = fd >= 0 && fsync(fd) == 0;
	if (fd >= 0)
		close(fd);
	if (!ok)
		snprintf(why, whylen, "%s: cannot sync it (%s)", path, strerror(errno));
	return ok ? 0 : -1;
}

int store_sync_generation(const char *gen, char *why, size_t whylen)
{
	int fd = open(gen, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	int ok = fd >= 0 && syncfs(fd) == 0;
	if (fd >= 0)
		close(fd);
	if (!ok)
		snprintf(why, whylen, "%s: cannot make it durable (%s)", gen, strerror(errno));
	return ok ? 0 : -1;
}

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

void store_discard(const char *gen)
{
	nftw(gen, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

/* Every generation but `keep1` and `keep2`, and link temps left by a
 * killed run. */
static void remove_old(const char *dir, const char *keep1, const char *keep2)
{
	DIR *d = opendir(dir);
	if (!d)
		return;
	struct dirent *e;
	while ((e = readdir(d)) != NULL) {
		char path[PATH_MAX];
		if (path_join(path, sizeof path, dir, e->d_name) < 0)
			continue; /* never remove what a cut path would name */
		if (strncmp(e->d_name, "current.tmp-", 12) == 0)
			unlink(path);
		else if (strncmp(e->d_name, GEN_PREFIX, strlen(GEN_PREFIX)) == 0 &&
			 strcmp(path, keep1) != 0 && strcmp(path, keep2) != 0)
			store_discard(path);
	}
	closedir(d);
}

int store_commit(const char *dir, const char *gen, char *why, size_t whylen)
{
	char previous[PATH_MAX] = "", link_tmp[PATH_MAX], link[PATH_MAX];
	store_current(dir, previous, sizeof previous);
	const char *name = strrchr(gen, '/') + 1;
	if (path_format(link_tmp, sizeof link_tmp, "%s/current.tmp-%d", dir, (int)getpid()) < 0 ||
	    path_join(link, sizeof link, dir, "current") < 0) {
		snprintf(why, whylen, "%s: the path is too long", dir);
		return -1;
	}
	unlink(link_tmp);
	if (symlink(name, link_tmp) != 0 || rename(link_tmp, link) != 0) {
		snprintf(why, whylen, "%s: cannot make %s current (%s)", dir, name, strerror(errno));
		unlink(link_tmp);
		return -1;
	}
	if (store_sync_dir(dir, why, whylen) != 0)
		return -1;
	remove_old(dir, gen, previous);
	return 0;
}
