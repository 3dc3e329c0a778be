/* The three lists vntl publishes and how each is built from a registry
 * snapshot into an unsigned ETSI TS 119 612 document.
 *
 * list_build returns 0, or -1 with the reason in the caller's err;
 * publisher_list_from_name 0, or -1 for an unknown name (no text); list_includes_tsp
 * is a predicate (1 yes, 0 no).
 */
#ifndef VNTL_PUBLISHER_LISTS_H
#define VNTL_PUBLISHER_LISTS_H

#include <stddef.h>
#include <stdint.h>
#include <libxml/tree.h>

#include "db/snapshot.h"

enum publisher_list {
	PUBLISHER_ROOTS = 0,    /* NEAC and government roots, public-CA certificates */
	PUBLISHER_FOREIGN = 1,  /* recognised foreign certificates */
	PUBLISHER_POINTER = 2,  /* list of the two lists above */
};
#define PUBLISHER_LIST_COUNT 3

/* "roots", "foreign", "pointer": file names and db_publication.list. */
const char *publisher_list_name(enum publisher_list list);
/* 0 and the list for a name, -1 for an unknown name. */
int publisher_list_from_name(const char *name, enum publisher_list *out);

/* How the lists reach NEAC, the scheme operator (SchemeOperatorAddress,
 * SchemeInformationURI): configuration (publish.operator_*), defaulting to
 * publisher_default_operator. The operator's name is fixed by law. */
struct scheme_operator {
	const char *street_vi, *street_en;
	const char *locality_vi, *locality_en;
	const char *email;     /* without "mailto:" */
	const char *uri;       /* http(s):// */
};
extern const struct scheme_operator publisher_default_operator;

struct list_params {
	enum publisher_list list;
	int64_t sequence;
	int64_t issued;        /* ListIssueDateTime; statuses are taken at this time */
	int64_t next_update;
	const char *base_url;  /* the list is distributed at <base_url>/<name>.xml */
	/* The certificate that signs the lists (named in the pointer list). */
	const unsigned char *signer_der;
	size_t signer_der_len;
	/* Further certificates each pointer names (announced signers). */
	const unsigned char *const *announced_der;
	const size_t *announced_len;
	size_t n_announced;
	const struct scheme_operator *operator; /* NULL: publisher_default_operator */
};

/* Build the unsigned document. Returns 0, or -1 with a reason in `err` (a
 * certificate that does not parse, a timeline out of order, a status that
 * does not belong to the list). */
int list_build(const struct db_snapshot *snap, const struct list_params *p, xmlDocPtr *out,
	       char *err, size_t errlen);

/* Does this kind of provider belong in `list`? */
int list_includes_tsp(enum publisher_list list, enum db_tsp_kind kind);

#endif
