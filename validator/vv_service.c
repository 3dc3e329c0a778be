/* One CA service of a list as anchors: its status timeline (ServiceStatus
 * and every ServiceHistoryInstance, newest first) and the certificates that
 * were its identity. A service whose key was replaced names the old
 * certificate in its history: that certificate anchors only while it was
 * the identity, and the new one only from when it became it. An entry that
 * names no certificate (only a subject name or key identifier) is taken to
 * be about every certificate of the service. */
#include "vv_internal.h"

#include <stdlib.h>
#include <string.h>

#define NOT_THIS_CERTIFICATE "(another certificate was the service's identity then)"

/* The certificates one timeline entry names. */
struct identity {
	unsigned char **der;
	size_t *len;
	size_t n;
};

/* One timeline entry: ServiceInformation or a ServiceHistoryInstance. */
struct entry {
	vv_status_period period;
	struct identity id;
};

static void free_identity(struct identity *id)
{
	for (size_t i = 0; i < id->n; i++)
		free(id->der[i]);
	free(id->der);
	free(id->len);
}

static int read_identity(const xmlNode *info, struct identity *id)
{
	memset(id, 0, sizeof *id);
	xmlNodePtr sdi = vv_child(info, VV_NS_TSL, "ServiceDigitalIdentity");
	size_t cap = 0;
	for (xmlNodePtr d = vv_child(sdi, VV_NS_TSL, "DigitalId"); d; d = vv_next(d, VV_NS_TSL, "DigitalId"))
		cap++;
	if (cap == 0)
		return 0;
	id->der = calloc(cap, sizeof *id->der);
	id->len = calloc(cap, sizeof *id->len);
	if (!id->der || !id->len)
		return -1;
	for (xmlNodePtr d = vv_child(sdi, VV_NS_TSL, "DigitalId"); d; d = vv_next(d, VV_NS_TSL, "DigitalId")) {
		unsigned char *der = vv_der_from_base64(vv_child(d, VV_NS_TSL, "X509Certificate"),
		                                        &id->len[id->n]);
		if (der)
			id->der[id->n++] = der;
	}
	return 0;
}

static int names(const struct identity *id, const unsigned char *der, size_t len)
{
	for (size_t i = 0; i < id->n; i++)
		if (id->der[i] && id->len[i] == len && memcmp(id->der[i], der, len) == 0)
			return 1;
	return 0;
}

/* A status whose start cannot be read would silently drop out of the
 * history (a withdrawal ignored, or a service anchoring at any time), so
 * it refuses the list. */
static vntl_status read_entry(const xmlNode *info, struct entry *e, vntl_error *err)
{
	vv_copy_text(vv_child(info, VV_NS_TSL, "ServiceStatus"), e->period.status,
	             sizeof e->period.status);
	char *start = vv_text(vv_child(info, VV_NS_TSL, "StatusStartingTime"));
	int ok = start && vv_parse_time(start, &e->period.start);
	vntl_status st = ok ? VNTL_OK
	                    : vv_fail(err, VNTL_ERR_REFUSED, "list-malformed",
	                              "StatusStartingTime \"%.60s\" of a service is not a date-time "
	                              "with a time zone", start ? start : "");
	free(start);
	if (st == VNTL_OK && read_identity(info, &e->id) < 0)
		st = vv_fail(err, VNTL_ERR_INTERNAL, "out-of-memory", "reading a service");
	return st;
}

static void free_timeline(struct entry *t, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free_identity(&t[i].id);
	free(t);
}

static vntl_status read_timeline(const xmlNode *service, struct entry **out, size_t *n,
                                 vntl_error *err)
{
	xmlNodePtr hist = vv_child(service, VV_NS_TSL, "ServiceHistory");
	size_t cap = 1;
	for (xmlNodePtr h = vv_child(hist, VV_NS_TSL, "ServiceHistoryInstance"); h;
	     h = vv_next(h, VV_NS_TSL, "ServiceHistoryInstance"))
		cap++;
	struct entry *t = calloc(cap, sizeof *t);
	if (!t)
		return vv_fail(err, VNTL_ERR_INTERNAL, "out-of-memory", "reading service history");
	size_t k = 0;
	vntl_status st = read_entry(vv_child(service, VV_NS_TSL, "ServiceInformation"), &t[k++], err);
	for (xmlNodePtr h = vv_child(hist, VV_NS_TSL, "ServiceHistoryInstance"); h && st == VNTL_OK;
	     h = vv_next(h, VV_NS_TSL, "ServiceHistoryInstance"))
		st = read_entry(h, &t[k++], err);
	if (st != VNTL_OK) {
		free_timeline(t, k);
		return st;
	}
	*out = t;
	*n = k;
	return VNTL_OK;
}

/* Who an anchor belongs to, for callers that list anchors. */
struct owner {
	const vv_names *provider, *service;
};

static int copy_names(const vv_names *from, vv_names *to)
{
	to->in[0] = strdup(from->in[0]);
	to->in[1] = strdup(from->in[1]);
	if (to->in[0] && to->in[1])
		return 0;
	vv_names_free(to);
	return -1;
}

static vntl_status push_anchor(vv_list *list, const struct owner *owner, unsigned char *der,
                               size_t der_len, vv_status_period *periods, size_t n,
                               vntl_error *err)
{
	vv_names provider = { { NULL, NULL } }, service = { { NULL, NULL } };
	vv_anchor *a = copy_names(owner->provider, &provider) == 0 &&
	               copy_names(owner->service, &service) == 0
	               ? vv_anchor_append(&list->anchors, &list->n_anchors, &list->cap_anchors)
	               : NULL;
	if (!a) {
		vv_names_free(&provider);
		vv_names_free(&service);
		return vv_fail(err, VNTL_ERR_INTERNAL, "out-of-memory", "storing anchors");
	}
	a->provider = provider;
	a->service = service;
	a->der = der;
	a->der_len = der_len;
	a->source = list->source;
	a->periods = periods;
	a->n_periods = n;
	return VNTL_OK;
}

/* The certificate at t[k].id.der[i] as an anchor: the whole timeline, with
 * the entries that name other certificates only made not to anchor. Takes
 * the certificate's bytes out of the timeline. */
static vntl_status add_identity(vv_list *list, const struct owner *owner, struct entry *t,
                                size_t n, size_t k, size_t i, vntl_error *err)
{
	unsigned char *der = t[k].id.der[i];
	size_t len = t[k].id.len[i];
	vv_status_period *periods = malloc(n * sizeof *periods);
	if (!periods)
		return vv_fail(err, VNTL_ERR_INTERNAL, "out-of-memory", "storing anchors");
	for (size_t j = 0; j < n; j++) {
		periods[j] = t[j].period;
		if (t[j].id.n > 0 && !names(&t[j].id, der, len))
			snprintf(periods[j].status, sizeof periods[j].status, "%s", NOT_THIS_CERTIFICATE);
	}
	vntl_status st = push_anchor(list, owner, der, len, periods, n, err);
	if (st != VNTL_OK) {
		free(periods);
		return st;
	}
	/* the same bytes elsewhere in the timeline are the same anchor */
	for (size_t j = k; j < n; j++)
		for (size_t m = 0; m < t[j].id.n; m++)
			if (!(j == k && m == i) && t[j].id.der[m] && t[j].id.len[m] == len &&
			    memcmp(t[j].id.der[m], der, len) == 0) {
				free(t[j].id.der[m]);
				t[j].id.der[m] = NULL;
			}
	t[k].id.der[i] = NULL;
	return VNTL_OK;
}

vntl_status vv_read_service_anchors(vv_list *list, const vv_names *provider, const xmlNode *service,
                                    vntl_error *err)
{
	vv_names service_name;
	vv_names_read(vv_child(vv_child(service, VV_NS_TSL, "ServiceInformation"), VV_NS_TSL,
	                       "ServiceName"), &service_name);
	const struct owner owner = { provider, &service_name };
	struct entry *t = NULL;
	size_t n = 0;
	vntl_status st = service_name.in[0] && service_name.in[1]
	                 ? read_timeline(service, &t, &n, err)
	                 : vv_fail(err, VNTL_ERR_INTERNAL, "out-of-memory", "reading a service");
	for (size_t k = 0; st == VNTL_OK && k < n; k++)
		for (size_t i = 0; st == VNTL_OK && i < t[k].id.n; i++)
			if (t[k].id.der[i])
				st = add_identity(list, &owner, t, n, k, i, err);
	free_timeline(t, n);
	vv_names_free(&service_name);
	return st;
}
