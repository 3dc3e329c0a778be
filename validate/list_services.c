/* Services of an accepted list, from its XML (see list_services.h). */
#include "validate/list_services.h"

#include "common/hex.h"
#include "common/rfc3339.h"

#include <libxml/parser.h>
#include <libxml/xpath.h>
#include <libxml/xpathInternals.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TSL_NS "http://uri.etsi.org/02231/v2#"

static void text_of(xmlXPathContextPtr xp, xmlNodePtr node, const char *expr, char *out, size_t len)
{
	out[0] = '\0';
	xmlXPathObjectPtr r = xmlXPathNodeEval(node, BAD_CAST expr, xp);
	if (r && r->nodesetval && r->nodesetval->nodeNr > 0) {
		xmlChar *t = xmlNodeGetContent(r->nodesetval->nodeTab[0]);
		snprintf(out, len, "%s", t ? (const char *)t : "");
		xmlFree(t);
	}
	xmlXPathFreeObject(r);
}

static X509 *cert_from_base64(const char *text)
{
	size_t n = 0, len = strlen(text);
	char *clean = malloc(len + 1);
	unsigned char *der = malloc(len + 1);
	for (size_t i = 0; clean && i < len; i++)
		if (text[i] != ' ' && text[i] != '\n' && text[i] != '\r' && text[i] != '\t')
			clean[n++] = text[i];
	int got = clean && der && n > 0 && n % 4 == 0 ? EVP_DecodeBlock(der, (unsigned char *)clean, (int)n) : -1;
	const unsigned char *p = der;
	X509 *cert = got > 0 ? d2i_X509(NULL, &p, got) : NULL; /* DER ignores the padding zeros */
	free(clean);
	free(der);
	return cert;
}

static void add_period(struct list_service *s, xmlXPathContextPtr xp, xmlNodePtr node)
{
	char uri[256], start[64];
	text_of(xp, node, "t:ServiceStatus", uri, sizeof uri);
	text_of(xp, node, "t:StatusStartingTime", start, sizeof start);
	struct service_period *grown = realloc(s->periods, (s->n_periods + 1) * sizeof *grown);
	if (!grown)
		return;
	s->periods = grown;
	struct service_period *p = &grown[s->n_periods];
	const char *slash = strrchr(uri, '/');
	snprintf(p->status, sizeof p->status, "%.63s", slash ? slash + 1 : uri);
	if (rfc3339_parse_utc(start, &p->start) == 0)
		s->n_periods++;
}

static int add_service(xmlXPathContextPtr xp, xmlNodePtr svc, const char *label,
		       struct list_service **out, size_t *n)
{
	char b64[65536];
	text_of(xp, svc, "t:ServiceInformation/t:ServiceDigitalIdentity/t:DigitalId/t:X509Certificate",
		b64, sizeof b64);
	X509 *cert = b64[0] ? cert_from_base64(b64) : NULL;
	struct list_service *grown = cert ? realloc(*out, (*n + 1) * sizeof *grown) : NULL;
	if (!grown) {
		X509_free(cert);
		return 0;
	}
	*out = grown;
	struct list_service *s = &grown[(*n)++];
	memset(s, 0, sizeof *s);
	s->cert = cert;
	unsigned char md[32];
	unsigned int md_len = 0;
	X509_digest(cert, EVP_sha256(), md, &md_len);
	hex_encode(md, sizeof md, s->sha256);
	snprintf(s->list, sizeof s->list, "%s", label);
	text_of(xp, svc, "../../t:TSPInformation/t:TSPName/t:Name[@xml:lang='en']", s->provider,
		sizeof s->provider);
	text_of(xp, svc, "t:ServiceInformation/t:ServiceName/t:Name[@xml:lang='en']", s->service,
		sizeof s->service);
	xmlXPathObjectPtr info = xmlXPathNodeEval(svc, BAD_CAST "t:ServiceInformation", xp);
	if (info && info->nodesetval && info->nodesetval->nodeNr > 0)
		add_period(s, xp, info->nodesetval->nodeTab[0]);
	xmlXPathFreeObject(info);
	return 0;
}

int list_services_read(const char *path, const char *label, struct list_service **out, size_t *n)
{
	xmlDocPtr doc = xmlReadFile(path, NULL, XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	xmlXPathContextPtr xp = doc ? xmlXPathNewContext(doc) : NULL;
	if (!xp) {
		xmlFreeDoc(doc);
		return -1;
	}
	xmlXPathRegisterNs(xp, BAD_CAST "t", BAD_CAST TSL_NS);
	xmlXPathObjectPtr svcs = xmlXPathEvalExpression(
		BAD_CAST "//t:TrustServiceProvider/t:TSPServices/t:TSPService", xp);
	for (int i = 0; svcs && svcs->nodesetval && i < svcs->nodesetval->nodeNr; i++) {
		xmlNodePtr svc = svcs->nodesetval->nodeTab[i];
		size_t before = *n;
		add_service(xp, svc, label, out, n);
		if (*n == before)
			continue;
		struct list_service *s = &(*out)[*n - 1];
		xmlXPathObjectPtr hist = xmlXPathNodeEval(svc, BAD_CAST "t:ServiceHistory/t:ServiceHistoryInstance", xp);
		for (int j = 0; hist && hist->nodesetval && j < hist->nodesetval->nodeNr; j++)
			add_period(s, xp, hist->nodesetval->nodeTab[j]);
		xmlXPathFreeObject(hist);
	}
	xmlXPathFreeObject(svcs);
	xmlXPathFreeContext(xp);
	xmlFreeDoc(doc);
	return 0;
}

void list_services_free(struct list_service *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		X509_free(s[i].cert);
		free(s[i].periods);
	}
	free(s);
}

const struct service_period *list_service_status_at(const struct list_service *s, time_t at)
{
	const struct service_period *best = NULL;
	for (size_t i = 0; i < s->n_periods; i++)
		if (s->periods[i].start <= at && (!best || s->periods[i].start > best->start))
			best = &s->periods[i];
	return best;
}

int list_status_anchors(const char *status)
{
	static const char *const ok[] = {"granted", "recognisedatnationallevel", "setbynationallaw",
					 "undersupervision", "supervisionincessation", "accredited", NULL};
	for (const char *const *s = ok; *s; s++)
		if (strcmp(status, *s) == 0)
			return 1;
	return 0;
}

int list_service_anchors_at(const struct list_service *s, time_t at)
{
	const struct service_period *p = list_service_status_at(s, at);
	return p && list_status_anchors(p->status) &&
	       X509_cmp_time(X509_get0_notBefore(s->cert), &at) <= 0 &&
	       X509_cmp_time(X509_get0_notAfter(s->cert), &at) >= 0;
}
