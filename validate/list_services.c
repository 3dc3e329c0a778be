/* The anchors of accepted lists, through libvntl's public iterator (see
 * list_services.h). */
#include "validate/list_services.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int label_of(const char *source, const char *const *sources, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(source, sources[i]) == 0)
			return (int)i;
	return -1;
}

static int add_row(const vntl_anchor *a, time_t at, const char *label, struct list_service **out,
		   size_t *n)
{
	struct list_service *grown = realloc(*out, (*n + 1) * sizeof *grown);
	if (!grown)
		return -1;
	*out = grown;
	struct list_service *s = &grown[*n];
	memset(s, 0, sizeof *s);
	s->provider = strdup(vntl_anchor_provider(a));
	s->service = strdup(vntl_anchor_service(a));
	if (!s->provider || !s->service) {
		free(s->provider);
		free(s->service);
		return -1;
	}
	(*n)++;
	snprintf(s->sha256, sizeof s->sha256, "%s", vntl_anchor_sha256(a));
	snprintf(s->list, sizeof s->list, "%s", label);
	const char *uri = vntl_anchor_status(a), *slash = strrchr(uri, '/');
	snprintf(s->status, sizeof s->status, "%s", slash ? slash + 1 : uri);
	s->status_since = vntl_anchor_status_since(a);
	s->status_anchors = vntl_anchor_trusted(a);
	time_t not_before, not_after;
	/* as X509_cmp_time judges it (OpenSSL's chain check too): expired at notAfter */
	s->cert_valid = vntl_anchor_validity(a, &not_before, &not_after) == 0 && not_before <= at &&
			at < not_after;
	return 0;
}

int list_services_read(const vntl_ctx *ctx, time_t at, const char *const *sources,
		       const char (*labels)[64], size_t n_sources, struct list_service **out,
		       size_t *n, vntl_error *err)
{
	vntl_anchor_iter *it = NULL;
	if (vntl_anchor_iter_new_der(ctx, at, 0, &it, err) != VNTL_OK)
		return -1;
	int rc = 0;
	for (const vntl_anchor *a; rc == 0 && (a = vntl_anchor_iter_next(it)) != NULL;) {
		int i = label_of(vntl_anchor_list(a), sources, n_sources);
		if (i >= 0 && add_row(a, at, labels[i], out, n) != 0) {
			snprintf(err->rule, sizeof err->rule, "internal");
			snprintf(err->reason, sizeof err->reason, "out of memory listing anchors");
			rc = -1;
		}
	}
	vntl_anchor_iter_free(it);
	return rc;
}

void list_services_free(struct list_service *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(s[i].provider);
		free(s[i].service);
	}
	free(s);
}

int list_service_anchors(const struct list_service *s)
{
	return s->status_anchors && s->cert_valid;
}
