/* The registry's list signers into vntld's verifier (see signers.h). */
#include "web/signers.h"

#include <stdio.h>
#include <stdlib.h>

#include "db/db.h"
#include "db/signers.h"
#include "web/verify.h"

/* -1: not pinned. */
static int role_of(enum db_signer_state state)
{
	switch (state) {
	case DB_SIGNER_ACTIVE: return WEB_SIGNER_CURRENT;
	case DB_SIGNER_ANNOUNCED: return WEB_SIGNER_NEXT;
	case DB_SIGNER_PREVIOUS: return WEB_SIGNER_PREVIOUS;
	default: return -1;
	}
}

int web_signers_from_registry(const char *registry, struct web_verifier *v, char *err, size_t errlen)
{
	struct db *db = NULL;
	struct db_signer_plan plan = {0};
	if (db_open(registry, DB_OPEN_EXISTING, &db, err, errlen) != 0 ||
	    db_signer_plan_load(db, &plan, err, errlen) != 0) {
		db_close(db);
		return -1;
	}
	db_close(db);
	struct web_signer_cert *certs = calloc(plan.count ? plan.count : 1, sizeof *certs);
	size_t n = 0;
	int rc = -1;
	if (certs) {
		for (size_t i = 0; i < plan.count; i++) {
			int role = role_of(plan.all[i].state);
			if (role >= 0)
				certs[n++] = (struct web_signer_cert){plan.all[i].cert_der, plan.all[i].cert_len,
								       (enum web_signer_role)role};
		}
		rc = web_verifier_set_registry_signers(v, certs, n, err, errlen);
	} else {
		snprintf(err, errlen, "out of memory");
	}
	free(certs);
	db_signer_plan_free(&plan);
	return rc;
}
