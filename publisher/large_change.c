/* The large-change rule (see large_change.h). */
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "publisher/certinfo.h"
#include "publisher/large_change.h"
#include "publisher/pubdir.h"
#include "publisher/status.h"
#include "publisher/tsl_uris.h"

static int is_anchoring(enum db_status s)
{
	return s == DB_STATUS_GRANTED || s == DB_STATUS_RECOGNISED;
}

static xmlNodePtr child(xmlNodePtr parent, const char *name)
{
	for (xmlNodePtr n = parent ? parent->children : NULL; n; n = n->next)
		if (n->type == XML_ELEMENT_NODE && n->ns && xmlStrcmp(n->ns->href, BAD_CAST TSL_NS) == 0 &&
		    xmlStrcmp(n->name, BAD_CAST name) == 0)
			return n;
	return NULL;
}

static int text_is(xmlNodePtr n, const char *value)
{
	xmlChar *t = n ? xmlNodeGetContent(n) : NULL;
	int same = t && xmlStrcmp(t, BAD_CAST value) == 0;
	xmlFree(t);
	return same;
}

/* SHA-256 (hex) of the certificate of a ServiceInformation; -1 when it has none. */
static int certificate_sha256(xmlNodePtr info, char out[65])
{
	xmlNodePtr sdi = child(info, "ServiceDigitalIdentity");
	for (xmlNodePtr id = sdi ? sdi->children : NULL; id; id = id->next) {
		xmlNodePtr x = child(id, "X509Certificate");
		xmlChar *b64 = x ? xmlNodeGetContent(x) : NULL;
		if (!b64)
			continue;
		int len = xmlStrlen(b64), n = 0, tail = 0;
		unsigned char *der = malloc((size_t)len + 1);
		EVP_ENCODE_CTX *ctx = EVP_ENCODE_CTX_new();
		int ok = der && ctx;
		if (ok) {
			EVP_DecodeInit(ctx);
			ok = EVP_DecodeUpdate(ctx, der, &n, b64, len) >= 0 && EVP_DecodeFinal(ctx, der + n, &tail) == 1;
		}
		if (ok)
			certinfo_sha256_hex(der, (size_t)(n + tail), out);
		EVP_ENCODE_CTX_free(ctx);
		free(der);
		xmlFree(b64);
		return ok ? 0 : -1;
	}
	return -1;
}

struct hashes {
	char (*v)[65];
	size_t count;
};

static int hash_order(const void *a, const void *b)
{
	return strcmp(a, b);
}

/* Certificates anchoring in the list the snapshot makes at `now`, sorted. */
static int new_anchors(const struct db_snapshot *snap, enum publisher_list list, int64_t now, struct hashes *h)
{
	size_t total = 0;
	for (size_t i = 0; i < snap->tsp_count; i++)
		total += snap->tsps[i].service_count;
	h->v = malloc((total ? total : 1) * sizeof *h->v);
	h->count = 0;
	if (!h->v)
		return -1;
	for (size_t i = 0; i < snap->tsp_count; i++) {
		const struct db_tsp *t = &snap->tsps[i];
		if (!list_includes_tsp(list, t->kind))
			continue;
		for (size_t j = 0; j < t->service_count; j++) {
			long k = status_index_at(&t->services[j], now);
			if (k >= 0 && is_anchoring(t->services[j].timeline[k].status))
				memcpy(h->v[h->count++], t->services[j].cert_sha256, 65);
		}
	}
	qsort(h->v, h->count, sizeof *h->v, hash_order);
	return 0;
}

static void count_drops(xmlDocPtr doc, const struct hashes *now_anchoring, struct large_change *lc)
{
	xmlNodePtr providers = child(xmlDocGetRootElement(doc), "TrustServiceProviderList");
	for (xmlNodePtr tsp = providers ? providers->children : NULL; tsp; tsp = tsp->next) {
		xmlNodePtr services = child(tsp, "TSPServices");
		for (xmlNodePtr svc = services ? services->children : NULL; svc; svc = svc->next) {
			xmlNodePtr info = child(svc, "ServiceInformation");
			xmlNodePtr status = child(info, "ServiceStatus");
			if (!info || !(text_is(status, TSL_STATUS_GRANTED) || text_is(status, TSL_STATUS_RECOGNISED)))
				continue;
			char sha[65];
			lc->listed++;
			if (certificate_sha256(info, sha) != 0 ||
			    !bsearch(sha, now_anchoring->v, now_anchoring->count, sizeof *now_anchoring->v, hash_order))
				lc->dropped++;
		}
	}
}

int large_change_measure(const char *out, const struct db_snapshot *snap, enum publisher_list list,
			 int64_t now, struct large_change *lc, char *err, size_t errlen)
{
	memset(lc, 0, sizeof *lc);
	if (list == PUBLISHER_POINTER)
		return 0;
	char rel[32];
	snprintf(rel, sizeof rel, "%s.xml", publisher_list_name(list));
	unsigned char *data = NULL;
	size_t len = 0;
	int r = pubdir_read(out, rel, &data, &len, err, errlen);
	if (r != 0)
		return r > 0 ? 0 : -1;
	xmlDocPtr doc = xmlReadMemory((const char *)data, (int)len, rel, NULL,
				      XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING | XML_PARSE_HUGE);
	free(data);
	struct hashes h = {0};
	int rc = 0;
	if (!doc) {
		snprintf(err, errlen, "%s/%s, the list published now, is not XML: cannot tell what this publication "
			 "would drop", out, rel);
		rc = -1;
	} else if (new_anchors(snap, list, now, &h) < 0) {
		snprintf(err, errlen, "out of memory");
		rc = -1;
	} else {
		count_drops(doc, &h, lc);
	}
	free(h.v);
	xmlFreeDoc(doc);
	return rc;
}

int large_change_exceeds(const struct large_change *lc, long max_drop_percent)
{
	if (lc->listed == 0 || lc->dropped == 0)
		return 0;
	return lc->dropped == lc->listed || lc->dropped * 100 > lc->listed * (size_t)max_drop_percent;
}
