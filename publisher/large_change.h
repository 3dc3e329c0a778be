/* The large-change rule: a publication that would drop many of the
 * services a list trusts now is more likely a damaged or replaced registry
 * than a decision, so it needs an approver's explicit confirmation.
 *
 * "Dropped": a service listed with an anchoring status (granted,
 * recognised) in the list currently published (<out>/<list>.xml, what
 * relying parties have now) that would not be there in the list about to be
 * published, with no decision in the registry that explains it: its
 * certificate is gone from the registry, or has no status at `now`.
 * "Decided": one the registry now gives a status that does not anchor
 * (withdrawn, suspended...), recorded by an approved change or correction
 * (four eyes, audited, sealed: db_registry_check refuses a registry whose
 * rows do not match their audit seals). Decided ones never need
 * confirmation: withdrawing one of two roots is a decision, and blocking it
 * would keep relying parties trusting what NEAC has withdrawn.
 *
 * large_change_measure returns 0, or -1 with a message in the caller's err;
 * large_change_exceeds is a predicate (1 yes, 0 no).
 */
#ifndef VNTL_PUBLISHER_LARGE_CHANGE_H
#define VNTL_PUBLISHER_LARGE_CHANGE_H

#include <stddef.h>
#include <stdint.h>

#include "db/snapshot.h"
#include "publisher/lists.h"

struct large_change {
	size_t listed;   /* anchoring services in the current published list */
	size_t dropped;  /* of those, gone with no decision in the registry */
	size_t decided;  /* of those, not anchoring by a status the registry records */
};

/* Compare the published <out>/<list>.xml (none yet: nothing to drop) with
 * `snap` at `now`. 0, or -1 with a message (the current list cannot be
 * read or parsed). The pointer list lists no services: always 0 dropped. */
int large_change_measure(const char *out, const struct db_snapshot *snap, enum publisher_list list,
			 int64_t now, struct large_change *lc, char *err, size_t errlen);

/* Does it need confirmation: every listed service dropped, or more than
 * max_drop_percent of them? */
int large_change_exceeds(const struct large_change *lc, long max_drop_percent);

#endif
