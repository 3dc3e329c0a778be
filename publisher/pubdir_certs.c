/* certs/ of the publication directory, staged then committed (see pubdir_certs.h).
 *
 * A first publication creates thousands of certificate files, the slowest
 * part of it. They depend only on the snapshot, so they are written into a
 * staging directory while the lists are built, signed and checked, and made
 * visible after the self-check: by renaming the whole staging directory when
 * certs/ does not exist yet (one rename, no per-file temp names), else by
 * renaming each new file into certs/. Either way a certs/<sha256>.cer only
 * ever appears by rename of a complete, synced file. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "publisher/pubdir.h"
#include "publisher/pubdir_certs.h"

#define CERTS "certs"

/* Remove a directory holding plain files only (the staging directory), or
 * whatever else took its name. */
static void remove_flat_dir_at(int parent, const char *name)
{
	int fd = openat(parent, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0) {
		if (errno == ENOTDIR || errno == ELOOP)
			unlinkat(parent, name, 0);
		return;
	}
	DIR *d = fdopendir(fd);
	if (!d) {
		close(fd);
		return;
	}
	struct dirent *e;
	while ((e = readdir(d)))
		if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
			unlinkat(fd, e->d_name, 0);
	closedir(d);
	unlinkat(parent, name, AT_REMOVEDIR);
}

/* Create `name` in dir with the certificate's bytes. Not synced here: the
 * stage syncs the file system once for the whole batch. 1 when it was
 * already written by this run (the same certificate twice in the registry:
 * same name, same bytes), 0 done, -1 error. */
static int write_cert_at(int dir, const char *name, const unsigned char *der, size_t len)
{
	int fd = openat(dir, name, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (fd < 0)
		return errno == EEXIST ? 1 : -1;
	/* fchmod: a restrictive umask must not hide certificates from the server */
	if (pubdir_write_all(fd, der, len) < 0 || fchmod(fd, 0644) < 0) {
		int e = errno;
		close(fd);
		errno = e;
		return -1;
	}
	return close(fd);
}

/* Create and open this run's staging directory (named after the process);
 * one left by an earlier process with the same id is removed, never
 * trusted. The operator's directory keeps its attributes: no placement
 * hint (chattr +T) is set on it for speed. */
static int open_staging(int outfd, struct pubdir_certs *st)
{
	remove_flat_dir_at(outfd, st->name);
	if (mkdirat(outfd, st->name, 0755) < 0)
		return -1;
	st->staged = 1;
	return openat(outfd, st->name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
}

static int stage_missing(int outfd, int certs, const struct db_snapshot *snap,
			 struct pubdir_certs *st, int *stage, char *err, size_t errlen)
{
	for (size_t i = 0; i < snap->tsp_count; i++) {
		for (size_t j = 0; j < snap->tsps[i].service_count; j++) {
			const struct db_service *s = &snap->tsps[i].services[j];
			char name[80];
			snprintf(name, sizeof name, "%s.cer", s->cert_sha256);
			struct stat sb;
			/* Named by their hash and only ever renamed into place:
			 * an existing file is complete and right. */
			if (certs >= 0 && fstatat(certs, name, &sb, 0) == 0)
				continue;
			if (*stage < 0 && (*stage = open_staging(outfd, st)) < 0) {
				snprintf(err, errlen, "cannot create %s: %s", st->name, strerror(errno));
				return -1;
			}
			int r = write_cert_at(*stage, name, s->cert_der, s->cert_der_len);
			if (r < 0) {
				snprintf(err, errlen, "cannot write %s/%s: %s", st->name, name, strerror(errno));
				return -1;
			}
			if (r == 0)
				st->written++;
		}
	}
	return 0;
}

int pubdir_stage_certs(const char *out, const struct db_snapshot *snap, struct pubdir_certs *st,
		       char *err, size_t errlen)
{
	memset(st, 0, sizeof *st);
	snprintf(st->name, sizeof st->name, "%s.%ld", PUBDIR_CERTS_STAGING, (long)getpid());
	int outfd = open(out, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (outfd < 0) {
		snprintf(err, errlen, "publication directory %s: %s", out, strerror(errno));
		return -1;
	}
	int certs = openat(outfd, CERTS, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	int stage = -1, rc = 0;
	if (certs < 0 && errno != ENOENT) {
		snprintf(err, errlen, "%s/%s: %s", out, CERTS, strerror(errno));
		rc = -1;
	} else if (certs < 0 && (stage = open_staging(outfd, st)) < 0) {
		/* no certs/ yet: even an empty registry gets one */
		snprintf(err, errlen, "cannot create %s/%s: %s", out, st->name, strerror(errno));
		rc = -1;
	}
	if (rc == 0)
		rc = stage_missing(outfd, certs, snap, st, &stage, err, errlen);
	/* One sync of the file system for the batch instead of an fsync per
	 * certificate: every staged file is on disk before commit renames it. */
	if (rc == 0 && st->written > 0 && syncfs(stage) < 0) {
		snprintf(err, errlen, "cannot sync %s/%s: %s", out, st->name, strerror(errno));
		rc = -1;
	}
	if (stage >= 0)
		close(stage);
	if (certs >= 0)
		close(certs);
	if (rc < 0)
		pubdir_discard_certs(out, st);
	close(outfd);
	return rc;
}

/* certs/ already holds certificates: move each staged one in. */
static int move_each_into_certs(int outfd, const char *staging)
{
	int stage = openat(outfd, staging, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	int certs = openat(outfd, CERTS, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	DIR *d = stage >= 0 ? fdopendir(stage) : NULL;
	int rc = d && certs >= 0 ? 0 : -1;
	struct dirent *e;
	while (rc == 0 && (e = readdir(d)))
		if (e->d_name[0] != '.' && renameat(stage, e->d_name, certs, e->d_name) < 0)
			rc = -1;
	if (rc == 0 && fsync(certs) < 0)
		rc = -1;
	int saved = errno;
	if (d)
		closedir(d); /* closes stage */
	else if (stage >= 0)
		close(stage);
	if (certs >= 0)
		close(certs);
	errno = saved;
	return rc;
}

int pubdir_commit_certs(const char *out, struct pubdir_certs *st, char *err, size_t errlen)
{
	if (!st->staged)
		return 0;
	int outfd = open(out, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	int rc = outfd >= 0 ? 0 : -1;
	/* rename() replaces an empty directory, never one with files in it */
	if (rc == 0 && renameat(outfd, st->name, outfd, CERTS) < 0) {
		if (errno == ENOTEMPTY || errno == EEXIST)
			rc = move_each_into_certs(outfd, st->name);
		else
			rc = -1;
	}
	if (rc == 0 && fsync(outfd) < 0)
		rc = -1;
	if (rc < 0)
		snprintf(err, errlen, "cannot publish certificates in %s/%s: %s", out, CERTS,
			 strerror(errno));
	else
		st->staged = 0;
	if (outfd >= 0) {
		remove_flat_dir_at(outfd, st->name); /* empty, or left over after an error */
		close(outfd);
	}
	return rc;
}

void pubdir_discard_certs(const char *out, struct pubdir_certs *st)
{
	int outfd = st->staged ? open(out, O_RDONLY | O_DIRECTORY | O_CLOEXEC) : -1;
	if (outfd >= 0) {
		remove_flat_dir_at(outfd, st->name);
		close(outfd);
	}
	st->staged = 0;
}

void pubdir_remove_stale_certs_stagings(const char *out)
{
	int outfd = open(out, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	DIR *d = outfd >= 0 ? fdopendir(outfd) : NULL;
	if (!d) {
		if (outfd >= 0)
			close(outfd);
		return;
	}
	size_t prefix = strlen(PUBDIR_CERTS_STAGING);
	struct dirent *e;
	while ((e = readdir(d)))
		if (strncmp(e->d_name, PUBDIR_CERTS_STAGING, prefix) == 0)
			remove_flat_dir_at(outfd, e->d_name);
	closedir(d);
}

int pubdir_write_certs(const char *out, const struct db_snapshot *snap, char *err, size_t errlen)
{
	struct pubdir_certs st;
	if (pubdir_stage_certs(out, snap, &st, err, errlen) < 0)
		return -1;
	if (pubdir_commit_certs(out, &st, err, errlen) < 0) {
		pubdir_discard_certs(out, &st);
		return -1;
	}
	return 0;
}
