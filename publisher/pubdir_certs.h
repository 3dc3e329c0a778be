/* certs/ of the publication directory (publisher/pubdir_certs.c), built on
 * the file writing of publisher/pubdir.h; pubdir.c knows nothing of it.
 *
 * Returns 0, or -1 with a message in the caller's err.
 */
#ifndef VNTL_PUBLISHER_PUBDIR_CERTS_H
#define VNTL_PUBLISHER_PUBDIR_CERTS_H

#include <stddef.h>

#include "db/snapshot.h"

/* certs/<sha256>.cer for every certificate of the snapshot, in two halves
 * like archives, so the slow half (creating and syncing thousands of files
 * on a first publication) runs while the lists are built and checked:
 * - stage writes each certificate certs/ lacks, under its final name, into
 *   a staging directory <out>/.tmp.certs.<pid> (created afresh), then syncs
 *   the file system once (syncfs); when certs/ does not exist yet every
 *   certificate is staged;
 * - commit makes them visible: the staging directory renamed to certs/ when
 *   certs/ is absent or empty (one rename), else each file renamed into
 *   certs/; then the directory is fsynced;
 * - discard removes the staging directory (a refused publication).
 * A certs/<sha256>.cer therefore only ever appears by rename of a complete,
 * synced file, which is why an existing one is trusted without reading it. */
#define PUBDIR_CERTS_STAGING ".tmp.certs"
struct pubdir_certs {
	char name[32];   /* the staging directory, relative to out */
	int staged;      /* it exists and is not committed */
	size_t written;  /* certificates written into it */
};
int pubdir_stage_certs(const char *out, const struct db_snapshot *snap, struct pubdir_certs *st,
		       char *err, size_t errlen);
int pubdir_commit_certs(const char *out, struct pubdir_certs *st, char *err, size_t errlen);
void pubdir_discard_certs(const char *out, struct pubdir_certs *st);
/* Remove every staging directory killed runs left (under the lock). */
void pubdir_remove_stale_certs_stagings(const char *out);
/* Both halves at once (benchmark, tests). */
int pubdir_write_certs(const char *out, const struct db_snapshot *snap, char *err, size_t errlen);

#endif
