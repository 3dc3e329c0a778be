/* Crash-safe writes into the publication directory (see pubdir.h). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "publisher/pubdir.h"

static int fsync_dir_of(const char *path)
{
	char dir[PATH_MAX];
	snprintf(dir, sizeof dir, "%s", path);
	char *slash = strrchr(dir, '/');
	if (slash)
		*slash = '\0';
	else
		snprintf(dir, sizeof dir, ".");
	int fd = open(dir, O_RDONLY | O_DIRECTORY);
	if (fd < 0)
		return -1;
	int rc = fsync(fd);
	close(fd);
	return rc;
}

static int write_all(int fd, const void *data, size_t len)
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

/* Write a temp file beside `path`; its name in tmp. fsync unless batched. */
static int write_temp(const char *path, const void *data, size_t len, int sync, char *tmp,
		      size_t tmplen)
{
	snprintf(tmp, tmplen, "%s.tmp.XXXXXX", path);
	int fd = mkstemp(tmp);
	if (fd < 0)
		return -1;
	if (write_all(fd, data, len) < 0 || fchmod(fd, 0644) < 0 || (sync && fsync(fd) < 0)) {
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
	static const char *const subdirs[] = {"", "/roots", "/foreign", "/pointer", "/certs"};
	for (size_t i = 0; i < sizeof subdirs / sizeof subdirs[0]; i++) {
		char path[PATH_MAX];
		snprintf(path, sizeof path, "%s%s", out, subdirs[i]);
		if (mkdir(path, 0755) < 0 && errno != EEXIST) {
			snprintf(err, errlen, "publication directory %s: %s", path, strerror(errno));
			return -1;
		}
	}
	return 0;
}

int pubdir_write(const char *out, const char *rel, const void *data, size_t len, char *err,
		 size_t errlen)
{
	char path[PATH_MAX], tmp[PATH_MAX + 16];
	snprintf(path, sizeof path, "%s/%s", out, rel);
	if (write_temp(path, data, len, 1, tmp, sizeof tmp) < 0 || rename(tmp, path) < 0 ||
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
	char path[PATH_MAX], from[PATH_MAX], tmp[PATH_MAX + 32];
	snprintf(path, sizeof path, "%s/%s", out, rel);
	snprintf(from, sizeof from, "%s/%s", out, target);
	for (int attempt = 0; attempt < 100; attempt++) {
		snprintf(tmp, sizeof tmp, "%s.tmp.%ld.%d", path, (long)getpid(), attempt);
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
	snprintf(path, sizeof path, "%s/%s", out, rel);
	*data = NULL;
	*len = 0;
	FILE *f = fopen(path, "rb");
	if (!f) {
		if (errno == ENOENT)
			return 1;
		snprintf(err, errlen, "cannot read %s: %s", path, strerror(errno));
		return -1;
	}
	size_t cap = 65536, n = 0;
	unsigned char *buf = malloc(cap);
	while (buf) {
		size_t r = fread(buf + n, 1, cap - n, f);
		n += r;
		if (n < cap)
			break;
		unsigned char *bigger = realloc(buf, cap * 2);
		if (!bigger) {
			free(buf);
			buf = NULL;
			break;
		}
		buf = bigger;
		cap *= 2;
	}
	int failed = ferror(f) || !buf;
	fclose(f);
	if (failed) {
		free(buf);
		snprintf(err, errlen, "cannot read %s", path);
		return -1;
	}
	*data = buf;
	*len = n;
	return 0;
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
	snprintf(path, sizeof path, "%s/%s", out, rel);
	if (write_temp(path, data, len, 1, tmp, tmplen) < 0) {
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
	snprintf(path, sizeof path, "%s/%s", out, rel);
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
	char tmp[PATH_MAX + 16];
	if (pubdir_stage(out, rel, data, len, tmp, sizeof tmp, err, errlen) < 0)
		return -1;
	return pubdir_commit_immutable(out, rel, tmp, data, len, err, errlen);
}

struct pending {
	char tmp[PATH_MAX + 16];
	char path[PATH_MAX];
};

int pubdir_write_certs(const char *out, const struct db_snapshot *snap, char *err, size_t errlen)
{
	size_t total = 0;
	for (size_t i = 0; i < snap->tsp_count; i++)
		total += snap->tsps[i].service_count;
	struct pending *todo = calloc(total ? total : 1, sizeof *todo);
	if (!todo) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	size_t n = 0;
	int rc = 0;
	for (size_t i = 0; i < snap->tsp_count && rc == 0; i++) {
		for (size_t j = 0; j < snap->tsps[i].service_count && rc == 0; j++) {
			const struct db_service *s = &snap->tsps[i].services[j];
			struct pending *p = &todo[n];
			snprintf(p->path, sizeof p->path, "%s/certs/%s.cer", out, s->cert_sha256);
			/* Named by their hash and only ever renamed into place:
			 * an existing file is complete and right. */
			if (access(p->path, F_OK) == 0)
				continue;
			if (write_temp(p->path, s->cert_der, s->cert_der_len, 0, p->tmp, sizeof p->tmp) < 0) {
				snprintf(err, errlen, "cannot write %s: %s", p->path, strerror(errno));
				rc = -1;
				break;
			}
			n++;
		}
	}
	if (rc == 0 && n > 0) {
		/* One sync for the batch instead of one fsync per certificate. */
		int fd = open(todo[0].tmp, O_RDONLY);
		if (fd < 0 || syncfs(fd) < 0)
			rc = -1;
		if (fd >= 0)
			close(fd);
		for (size_t k = 0; k < n && rc == 0; k++)
			if (rename(todo[k].tmp, todo[k].path) < 0)
				rc = -1;
		if (rc == 0 && fsync_dir_of(todo[0].path) < 0)
			rc = -1;
		if (rc < 0)
			snprintf(err, errlen, "cannot write certificates in %s/certs: %s", out, strerror(errno));
	}
	for (size_t k = 0; k < n; k++)
		unlink(todo[k].tmp); /* no-op once renamed */
	free(todo);
	return rc;
}

int64_t pubdir_highest_sequence(const char *out, const char *list)
{
	char path[PATH_MAX];
	snprintf(path, sizeof path, "%s/%s", out, list);
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
	snprintf(path, sizeof path, "%s/.lock", out);
	int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	if (fd < 0) {
		snprintf(err, errlen, "cannot open %s: %s", path, strerror(errno));
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
			if (snprintf(path, sizeof path, "%s/%s", dir, e->d_name) < (int)sizeof path)
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
		snprintf(path, sizeof path, "%s%s", out, subdirs[i]);
		remove_temps_in(path);
	}
}
