/* One publication: registry snapshot -> build -> sign -> self-check ->
 * archive files -> record in the registry -> current files -> index.json.
 * publisher/ sits above db/ and common/ and below web/; the command line
 * that drives it is cli/cli_publish.c (vntl publish).
 *
 * publisher_publish returns an enum publish_status, with the message in the
 * caller's err when not PUBLISH_OK; publisher_list_due is a predicate (1 yes,
 * 0 no); publisher_roots_pem returns NULL when out of memory.
 */
#ifndef VNTL_PUBLISHER_PUBLISH_H
#define VNTL_PUBLISHER_PUBLISH_H

#include <stddef.h>
#include <stdint.h>

#include "db/snapshot.h"
#include "publisher/lists.h"
#include "publisher/signer.h"

/* Results, also `vntl publish` exit codes. */
enum publish_status {
	PUBLISH_OK = 0,
	PUBLISH_REFUSED = 1,  /* a rule refused it (self-check, registry data, ...) */
	PUBLISH_IO = 3,       /* file system or registry error */
};

/* A certificate the lists announce beside the signer's (db/signers.h):
 * the next signer, or the previous one. */
struct publish_announced {
	const unsigned char *der;
	size_t len;
	const char *role;        /* "next" or "previous" */
	int64_t from;            /* since when it is announced */
};

#define PUBLISH_MAX_ANNOUNCED 8

struct publish_config {
	const char *out;          /* publication directory */
	const char *base_url;     /* lists are served at <base_url>/<list>.xml */
	int next_update_days;     /* NextUpdate = issue time + this (1..183) */
	struct publisher_signer *signer;
	const struct scheme_operator *operator; /* NULL: publisher_default_operator */
	/* Named beside the signer in each pointer of the pointer list and in
	 * the signed index ("announced_signers"), so that relying parties learn
	 * them from a list signed by a signer they trust. */
	const struct publish_announced *announced;
	size_t n_announced;
};

#define PUBLISH_MASK(list) (1u << (list))
#define PUBLISH_ALL (PUBLISH_MASK(PUBLISHER_ROOTS) | PUBLISH_MASK(PUBLISHER_FOREIGN) | PUBLISH_MASK(PUBLISHER_POINTER))

/* Records a publication in the registry: 0 done, > 0 refused by a rule (a
 * sequence not greater than the last), < 0 error; message in err. NULL:
 * nothing to record (tests). */
typedef int (*publish_record_fn)(void *ctx, const struct db_publication *pub, char *err,
				 size_t errlen);

struct publish_outcome {
	int published[PUBLISHER_LIST_COUNT];
	struct db_publication pub[PUBLISHER_LIST_COUNT];
};

/* Publish the lists in `lists` (PUBLISH_MASK bits) as of `now`. Nothing is
 * written unless every list passes the self-check; index.json is written
 * last, so a reader (or a crash) sees either the old set or the new one. */
enum publish_status publisher_publish(const struct db_snapshot *snap,
				      const struct publish_config *cfg, unsigned lists, int64_t now,
				      publish_record_fn record, void *record_ctx,
				      struct publish_outcome *outcome, char *err, size_t errlen);

/* Is `list` due for republication at `now`? When never published, when its
 * NextUpdate is within `margin` seconds, or when a future-dated status of
 * the snapshot became effective since it was issued. */
int publisher_list_due(const struct db_snapshot *snap, enum publisher_list list, int64_t now,
		       int64_t margin);

/* The PEM bundle of the anchors trusted at `now`: roots list services whose
 * status is granted and foreign list services whose status is recognised,
 * whose certificate is a CA (basicConstraints CA:TRUE) valid at `now` (TSA
 * end-entity certificates and expired roots anchor nothing). Each
 * certificate is preceded by "# List:", "# Provider:", "# Service:",
 * "# Status:" and "# SHA-256:" label lines. Caller frees. */
char *publisher_roots_pem(const struct db_snapshot *snap, int64_t now, size_t *len);

#endif
