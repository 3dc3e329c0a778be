/* The anchors of the lists a libvntl context accepted, read through the
 * public iterator as a vendor would (vntl_anchor_iter_new_der: decoding
 * 10,000 certificates would cost OpenSSL 3 seconds): each certificate
 * with its list's label, provider, service and its status at T, so that
 * `anchors` and `sync` can say which certificate anchors chains at T.
 *
 * Returns 0, or -1 with the vntl_error filled; list_service_anchors
 * is a predicate (1 yes, 0 no).
 */
#ifndef VNTL_VALIDATE_LIST_SERVICES_H
#define VNTL_VALIDATE_LIST_SERVICES_H

#include "vntl.h"

#include <stddef.h>
#include <time.h>

struct list_service {
	char sha256[65];   /* of the certificate's DER */
	char list[64];     /* the list's label ("roots") */
	char *provider, *service; /* in the context's language */
	char status[160];  /* at T: the last segment of the status URI ("granted"); "" before the first */
	time_t status_since;
	int status_anchors;  /* the status at T makes it an anchor */
	int cert_valid;      /* the certificate is within its validity at T */
};

/* Appends the anchors of ctx's lists, as at `at`, to *out (*n of them);
 * an anchor of the list loaded from sources[i] is labelled labels[i]
 * (anchors of other sources are left out). 0, or -1 with err. */
int list_services_read(const vntl_ctx *ctx, time_t at, const char *const *sources,
		       const char (*labels)[64], size_t n_sources, struct list_service **out,
		       size_t *n, vntl_error *err);
void list_services_free(struct list_service *s, size_t n);

/* Does `s` anchor chains at the time it was read for: an anchoring status
 * and a certificate valid at that time. */
int list_service_anchors(const struct list_service *s);

#endif
