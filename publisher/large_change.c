/* The large-change rule (see large_change.h). */
#include <libxml/parser.h>
#include <libxml/xmlreader.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "publisher/certinfo.h"

#include "common/base64.h"
#include "common/hex.h"
#include "publisher/large_change.h"
#include "publisher/pubdir.h"
#include "publisher/status_timeline.h"
#include "publisher/tsl_uris.h"

static int is_anchoring(enum db_status s)
{
	return s == DB_STATUS_GRANTED || s == DB_STATUS_RECOGNISED;
}

/* SHA-256 (hex) of a base64 certificate; -1 when it does not decode. */
static int certificate_sha256(const xmlChar *b64, char out[65])
{
	size_t len;
	unsigned char *der = base64_decode((const char *)b64, (size_t)xmlStrlen(b64), &len);
	if (!der)
		return -1;
	sha256_hex(der, len, out);
	free(der);
	return 0;
}

struct hashes {
	char (*v)[65];
	size_t count;
};

static int hash_order(const void *a, const void *b)
{
	return strcmp(a, b);
}

/* What the registry says at `now` of the services of one list, as sorted
 * sets of certificate SHA-256s. */
struct registry_view {
	struct hashes anchoring; /* listed with an anchoring status */
	struct hashes decided;   /* listed with a status that does not anchor */
};

static void registry_view_free(struct registry_view *v)
{
	free(v->anchoring.v);
	free(v->decided.v);
}

static int registry_view_make(const struct db_snapshot *snap, enum publisher_list list, int64_t now,
			      struct registry_view *v)
{
	size_t total = 0;
	for (size_t i = 0; i < snap->tsp_count; i++)
		total += snap->tsps[i].service_count;
	memset(v, 0, sizeof *v);
	v->anchoring.v = malloc((total ? total : 1) * sizeof *v->anchoring.v);
	v->decided.v = malloc((total ? total : 1) * sizeof *v->decided.v);
	if (!v->anchoring.v || !v->decided.v)
		return -1;
	for (size_t i = 0; i < snap->tsp_count; i++) {
		const struct db_tsp *t = &snap->tsps[i];
		if (!list_includes_tsp(list, t->kind))
			continue;
		for (size_t j = 0; j < t->service_count; j++) {
			long k = status_index_at(&t->services[j], now);
			if (k < 0)
				continue;
			struct hashes *h = is_anchoring(t->services[j].timeline[k].status) ? &v->anchoring : &v->decided;
			memcpy(h->v[h->count++], t->services[j].cert_sha256, 65);
		}
	}
	qsort(v->anchoring.v, v->anchoring.count, sizeof *v->anchoring.v, hash_order);
	qsort(v->decided.v, v->decided.count, sizeof *v->decided.v, hash_order);
	return 0;
}

static int contains(const struct hashes *h, const char sha[65])
{
	return bsearch(sha, h->v, h->count, sizeof *h->v, hash_order) != NULL;
}

static int is_tsl(xmlTextReaderPtr r, const char *name)
{
	const xmlChar *ns = xmlTextReaderConstNamespaceUri(r);
	return ns && xmlStrcmp(ns, BAD_CAST TSL_NS) == 0 &&
	       xmlStrcmp(xmlTextReaderConstLocalName(r), BAD_CAST name) == 0;
}

/* What one TSPService/ServiceInformation (the current status, not the
 * history) says. */
struct current {
	int inside;         /* depth of the ServiceInformation element, 0 outside */
	xmlChar *status;
	xmlChar *certificate;
};

static void current_clear(struct current *c)
{
	xmlFree(c->status);
	xmlFree(c->certificate);
	memset(c, 0, sizeof *c);
}

static void current_count(const struct current *c, const struct registry_view *v, struct large_change *lc)
{
	if (!c->status || (xmlStrcmp(c->status, BAD_CAST TSL_STATUS_GRANTED) != 0 &&
			   xmlStrcmp(c->status, BAD_CAST TSL_STATUS_RECOGNISED) != 0))
		return;
	char sha[65];
	lc->listed++;
	if (!c->certificate || certificate_sha256(c->certificate, sha) != 0)
		lc->dropped++;
	else if (contains(&v->anchoring, sha))
		return;
	else if (contains(&v->decided, sha))
		lc->decided++;
	else
		lc->dropped++;
}

/* Streamed, not loaded as a tree: a list of 10,000 services is 16 MB. */
static int count_drops(xmlTextReaderPtr r, const struct registry_view *v, struct large_change *lc)
{
	struct current c = {0};
	int rc;
	while ((rc = xmlTextReaderRead(r)) == 1) {
		int type = xmlTextReaderNodeType(r), depth = xmlTextReaderDepth(r);
		if (type == XML_READER_TYPE_END_ELEMENT && c.inside && depth == c.inside) {
			current_count(&c, v, lc);
			current_clear(&c);
		} else if (type != XML_READER_TYPE_ELEMENT) {
			continue;
		} else if (!c.inside && is_tsl(r, "ServiceInformation")) {
			c.inside = depth;
		} else if (c.inside && depth == c.inside + 1 && is_tsl(r, "ServiceStatus") && !c.status) {
			c.status = xmlTextReaderReadString(r);
		} else if (c.inside && is_tsl(r, "X509Certificate") && !c.certificate) {
			c.certificate = xmlTextReaderReadString(r);
		}
	}
	current_clear(&c);
	return rc == 0 ? 0 : -1;
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
	xmlTextReaderPtr reader = xmlReaderForMemory((const char *)data, (int)len, rel, NULL,
						     XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING |
						     XML_PARSE_HUGE);
	struct registry_view v = {0};
	int rc = -1;
	if (!reader || registry_view_make(snap, list, now, &v) < 0)
		snprintf(err, errlen, "out of memory");
	else if (count_drops(reader, &v, lc) < 0)
		snprintf(err, errlen, "%s/%s, the list published now, is not well-formed XML: cannot tell what this "
			 "publication would drop", out, rel);
	else
		rc = 0;
	registry_view_free(&v);
	xmlFreeTextReader(reader);
	free(data);
	return rc;
}

int large_change_exceeds(const struct large_change *lc, long max_drop_percent)
{
	if (lc->listed == 0 || lc->dropped == 0)
		return 0;
	return lc->dropped == lc->listed || lc->dropped * 100 > lc->listed * (size_t)max_drop_percent;
}
