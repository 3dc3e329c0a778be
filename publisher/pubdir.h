/* The publication directory: every file written as temp file + fsync +
 * rename + fsync of the directory; archives never rewritten. Layout and
 * index.json: README.md, "Publication directory".
 *
 * Returns 0, or -1 with a message in the caller's err, except: pubdir_read
 * returns 1 when the file is absent; pubdir_lock the lock's descriptor (or -1);
 * pubdir_highest_sequence the sequence (0 when none); pubdir_write_all 0 or -1
 * with errno set.
 */
#ifndef VNTL_PUBLISHER_PUBDIR_H
#define VNTL_PUBLISHER_PUBDIR_H

#include <stddef.h>
#include <stdint.h>

/* Create <out>, <out>/roots, foreign and pointer when missing (certs/ is
 * created by the first pubdir_commit_certs, publisher/pubdir_certs.h). */
int pubdir_prepare(const char *out, char *err, size_t errlen);

/* Replace <out>/<rel> atomically. */
int pubdir_write(const char *out, const char *rel, const void *data, size_t len, char *err,
		 size_t errlen);

/* Create <out>/<rel> atomically, never replacing: fine when it already holds
 * exactly these bytes, refused (-1) when it holds others. */
int pubdir_write_immutable(const char *out, const char *rel, const void *data, size_t len,
			   char *err, size_t errlen);

/* The two halves of pubdir_write_immutable, so the slow half (writing and
 * syncing the bytes) can run while the list is being checked:
 * stage writes and fsyncs a temp file beside <out>/<rel> (its path in tmp);
 * commit links it to <out>/<rel> (never replacing; same bytes already there
 * is fine, other bytes refused) and removes the temp; discard removes it. */
int pubdir_stage(const char *out, const char *rel, const void *data, size_t len, char *tmp,
		 size_t tmplen, char *err, size_t errlen);
int pubdir_commit_immutable(const char *out, const char *rel, const char *tmp, const void *data,
			    size_t len, char *err, size_t errlen);
void pubdir_discard(const char *tmp);

/* Make <out>/<rel> (replaced atomically) the same file as the already
 * written and synced <out>/<target>: a hard link renamed into place, so the
 * current copy of a list costs no second write of its bytes. Both names are
 * only ever replaced, never modified in place, so sharing the inode is safe. */
int pubdir_link_current(const char *out, const char *rel, const char *target, char *err,
			size_t errlen);

/* write(2) all of data, retrying short writes and EINTR. */
int pubdir_write_all(int fd, const void *data, size_t len);

/* Highest <seq> of <out>/<list>/<seq>.xml, 0 when none. */
int64_t pubdir_highest_sequence(const char *out, const char *list);

/* Read <out>/<rel> into malloc'd memory; 0, 1 when absent, -1 on error. */
int pubdir_read(const char *out, const char *rel, unsigned char **data, size_t *len, char *err,
		size_t errlen);


/* Take the publication directory's lock (<out>/.lock, flock): one publisher
 * at a time. Returns the descriptor to pass to pubdir_unlock, -1 with a
 * message when another publisher holds it. */
int pubdir_lock(const char *out, char *err, size_t errlen);
void pubdir_unlock(int fd);

/* Remove the temp files a killed publisher left behind (called under the
 * lock; its certificate staging directories: pubdir_remove_stale_certs_stagings). */
void pubdir_remove_stale_temps(const char *out);

#endif
