/* One publication run, the same for `vntl publish`, the admin API's publish
 * and vntld's publication after approval: configuration + registry + which
 * lists -> an outcome. Nothing is printed: the caller reports the outcome
 * in its own words (the CLI on stdout/stderr, vntld in its log).
 *
 * A row whose text no list can carry leaves out only its own list (see
 * publish_result.blocked). Nothing is signed unless the registry passes
 * db_registry_check and no
 * list would drop more than publish.max_drop_percent of its trusted
 * services (or all of them) without an approver's confirmation.
 *
 * publisher_run returns nothing: its outcome (code and message) is in the
 * struct publish_result it fills.
 */
#ifndef VNTL_PUBLISHER_RUN_H
#define VNTL_PUBLISHER_RUN_H

#include <stddef.h>

#include "common/sizes.h"
#include "publisher/publish.h"

struct vntl_config;
struct db;

/* The environment variable that may hold the signing key's passphrase. */
#define PUBLISH_PASS_ENV "VNTL_PUBLISH_KEY_PASS"

/* PUBLISH_OK, PUBLISH_REFUSED, PUBLISH_IO, and: */
#define PUBLISH_CONFIG 2      /* bad or missing publish.* configuration */

struct publish_request {
	unsigned lists;            /* PUBLISH_MASK bits; 0 means all */
	int if_due;                /* only the lists that are due (publisher_list_due) */
	int confirm_large_change;  /* the acting user, an approver, accepts a large drop */
	const char *as_user;       /* the acting user, recorded in the audit log; NULL: none */
};

struct publish_large_change {
	int confirmed;             /* 1: this list's large drop was confirmed and audited */
	size_t dropped, listed;
};

struct publish_result {
	int code;                  /* PUBLISH_OK, PUBLISH_REFUSED, PUBLISH_CONFIG or PUBLISH_IO */
	unsigned due;              /* the lists this run set out to publish (0: nothing due) */
	struct publish_outcome outcome; /* which were published, with sequence and digest */
	struct publish_large_change large[PUBLISHER_LIST_COUNT];
	char key_warning[256];     /* a signing key accepted with a warning (RSA-2048), else "" */
	char message[VNTL_ERR_MAX];        /* why, when code is not PUBLISH_OK */
	/* Lists left out because a row holds text no list can carry, naming
	 * the row ("" when none); the others were published (outcome), and
	 * code is PUBLISH_REFUSED with this message. */
	char blocked[1024];
};

/* Run one publication. Serialised by the caller where runs may overlap in
 * one process (the publication directory's lock also keeps processes apart). */
void publisher_run(const struct vntl_config *config, struct db *db, const struct publish_request *req,
		   struct publish_result *res);

#endif
