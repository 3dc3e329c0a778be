/* Crash-safe writes into the publication directory (see pubdir.h). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/file.h"
#include "common/sizes.h"
#include "publisher/pubdir.h"

static int fsync_dir_of(const char *path)
{
	char dir[VNTL_PATH_MAX];
	if (path_format(dir, sizeof dir, "%s", path) < 0)
		return -1;
	char *slash = strrchr(dir, '/');
	if (slash)
		*slash = '\0';
	else
		strcpy(dir, ".");
	int fd = open(dir, O_RDONLY | O_DIRECTORY);
	if (fd < 0)
		return -1;
	int rc = fsync(fd);
	close(fd);
	return rc;
}

int pubdir_write_all(int fd, const void *data, size_t len)
{
	const unsigned char *p = data;
	while (len > 0) {
		ssize_t n = write(fd, p, len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Write and fsync a temp file beside `path`; its name in tmp. */
static int write_temp(const char *path, const void *data, size_t len, char *tmp, size_t tmplen)
{
	if (path_format(tmp, tmplen, "%s.tmp.XXXXXX", path) < 0)
		return -1;
	int fd = mkstemp(tmp);
	if (fd < 0)
		return -1;
	if (pubdir_write_all(fd, data, len) < 0 || fchmod(fd, 0644) < 0 || fsync(fd) < 0) {
		close(fd);
		unlink(tmp);
		return -1;
	}
	if (close(fd) < 0) {
		unlink(tmp);
		return -1;
	}
	return 0;
}

int pubdir_prepare(const char *out, char *err, size_t errlen)
{
	/* not certs/: it appears whole, by rename of its staging directory */
	static const char *const subdirs[] = {"", "/roots", "/foreign", "/pointer"};
	for (size_t i = 0; i < sizeof subdirs / sizeof subdirs[0]; i++) {
		char path[PATH_MAX];
		if (path_format(path, sizeof path, "%s%s", out, subdirs[i]) < 0 ||
		    (mkdir(path, 0755) < 0 && errno != EEXIST)) {
			snprintf(err, errlen, "publication directory %.3000s%s: %s", out, subdirs[i], strerror(errno));
			return -1;
		}
	}
	return 0;
}

/* out/rel into path, or -1 with a message naming both when it is too long. */
static int publication_path(char *path, size_t n, const char *out, const char *rel, char *err,
			    size_t errlen)
{
	if (path_join(path, n, out, rel) == 0)
		return 0;
	snprintf(err, errlen, "path too long: %.200s/%.200s", out, rel);
	return -1;
}

int pubdir_write(const char *out, const char *rel, const void *data, size_t len, char *err,
		 size_t errlen)
{
	char path[PATH_MAX], tmp[VNTL_PATH_MAX] = "";
	if (publication_path(path, sizeof path, out, rel, err, errlen) < 0)
		return -1;
	if (write_temp(path, data, len, tmp, sizeof tmp) < 0 || rename(tmp, path) < 0 ||
	    fsync_dir_of(path) < 0) {
		int e = errno;
		unlink(tmp);
		snprintf(err, errlen, "cannot write %s: %s", path, strerror(e));
		return -1;
	}
	return 0;
}

int pubdir_link_current(const char *out, const char *rel, const char *target, char *err,
			size_t errlen)
{
	char path[PATH_MAX], from[PATH_MAX], tmp[VNTL_PATH_MAX];
	if (publication_path(path, sizeof path, out, rel, err, errlen) < 0 ||
	    publication_path(from, sizeof from, out, target, err, errlen) < 0)
		return -1;
	for (int attempt = 0; attempt < 100; attempt++) {
		if (path_format(tmp, sizeof tmp, "%s.tmp.%ld.%d", path, (long)getpid(), attempt) < 0) {
			snprintf(err, errlen, "path too long: %.200s", path);
			return -1;
		}
		if (link(from, tmp) == 0)
			break;
		if (errno != EEXIST) {
			snprintf(err, errlen, "cannot link %s to %s: %s", path, from, strerror(errno));
			return -1;
		}
	}
	if (rename(tmp, path) < 0 || fsync_dir_of(path) < 0) {
		int e = errno;
		unlink(tmp);
		snprintf(err, errlen, "cannot replace %s: %s", path, strerror(e));
		return -1;
	}
	return 0;
}

int pubdir_read(const char *out, const char *rel, unsigned char **data, size_t *len, char *err,
		size_t errlen)
{
	char path[PATH_MAX];
	if (publication_path(path, sizeof path, out, rel, err, errlen) < 0)
		return -1;
	if (file_read_all(path, SIZE_MAX - 1, data, len) == 0)
		return 0;
	if (errno == ENOENT)
		return 1;
	snprintf(err, errlen, "cannot read %s: %s", path, strerror(errno));
	return -1;
}

static int same_content(const char *out, const char *rel, const void *data, size_t len, char *err,
			size_t errlen)
{
	unsigned char *old = NULL;
	size_t old_len = 0;
	if (pubdir_read(out, rel, &old, &old_len, err, errlen) != 0)
		return -1;
	int same = old_len == len && memcmp(old, data, len) == 0;
	free(old);
	return same;
}

int pubdir_stage(const char *out, const char *rel, const void *data, size_t len, char *tmp,
		 size_t tmplen, char *err, size_t errlen)
{
	char path[PATH_MAX];
	tmp[0] = '\0';
	if (publication_path(path, sizeof path, out, rel, err, errlen) < 0)
		return -1;
	if (write_temp(path, data, len, tmp, tmplen) < 0) {
		snprintf(err, errlen, "cannot write %s: %s", path, strerror(errno));
		tmp[0] = '\0';
		return -1;
	}
	return 0;
}

void pubdir_discard(const char *tmp)
{
	if (tmp && tmp[0])
		unlink(tmp);
}

int pubdir_commit_immutable(const char *out, const char *rel, const char *tmp, const void *data,
			    size_t len, char *err, size_t errlen)
{
	char path[PATH_MAX];
	if (publication_path(path, sizeof path, out, rel, err, errlen) < 0) {
		unlink(tmp);
		return -1;
	}
	/* link() never replaces an existing file, unlike rename(). */
	int rc = link(tmp, path);
	int e = errno;
	unlink(tmp);
	if (rc < 0 && e == EEXIST) {
		int same = same_content(out, rel, data, len, err, errlen);
		if (same == 1)
			return 0;
		if (same == 0)
			snprintf(err, errlen, "%s is already published with other content: archives are never rewritten", path);
		return -1;
	}
	if (rc < 0 || fsync_dir_of(path) < 0) {
		snprintf(err, errlen, "cannot write %s: %s", path, strerror(rc < 0 ? e : errno));
		return -1;
	}
	return 0;
}

int pubdir_write_immutable(const char *out, const char *rel, const void *data, size_t len,
			   char *err, size_t errlen)
{
	char tmp[VNTL_PATH_MAX];
	if (pubdir_stage(out, rel, data, len, tmp, sizeof tmp, err, errlen) < 0)
		return -1;
	return pubdir_commit_immutable(out, rel, tmp, data, len, err, errlen);
}

int64_t pubdir_highest_sequence(const char *out, const char *list)
{
	char path[PATH_MAX];
	if (path_join(path, sizeof path, out, list) < 0)
		return 0; /* no such directory can exist */
	DIR *d = opendir(path);
	if (!d)
		return 0;
	int64_t best = 0;
	struct dirent *e;
	while ((e = readdir(d))) {
		char *end;
		long long v = strtoll(e->d_name, &end, 10);
		if (end != e->d_name && strcmp(end, ".xml") == 0 && v > best)
			best = v;
	}
	closedir(d);
	return best;
}

int pubdir_lock(const char *out, char *err, size_t errlen)
{
	char path[PATH_MAX];
	int fd = path_join(path, sizeof path, out, ".lock") == 0
			 ? open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644)
			 : -1;
	if (fd < 0) {
		snprintf(err, errlen, "cannot open %.3000s/.lock: %s", out, strerror(errno));
		return -1;
	}
	if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
		snprintf(err, errlen, "another publisher is running on %s", out);
		close(fd);
		return -1;
	}
	return fd;
}

void pubdir_unlock(int fd)
{
	if (fd >= 0)
		close(fd); /* releases the flock */
}

static void remove_temps_in(const char *dir)
{
	DIR *d = opendir(dir);
	if (!d)
		return;
	struct dirent *e;
	while ((e = readdir(d))) {
		if (strstr(e->d_name, ".tmp.")) {
			char path[PATH_MAX];
			if (path_join(path, sizeof path, dir, e->d_name) == 0)
				unlink(path);
		}
	}
	closedir(d);
}

void pubdir_remove_stale_temps(const char *out)
{
	static const char *const subdirs[] = {"", "/roots", "/foreign", "/pointer", "/certs"};
	for (size_t i = 0; i < sizeof subdirs / sizeof subdirs[0]; i++) {
		char path[PATH_MAX];
		if (path_format(path, sizeof path, "%s%s", out, subdirs[i]) == 0)
			remove_temps_in(path);
	}
}
