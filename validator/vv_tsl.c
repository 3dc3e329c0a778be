/* The trust-list model, read from a list's verified tree (see vv_load.c):
 * scheme information, CA services with their status history (the anchors),
 * and pointers to other lists. */
#include "vv_internal.h"

#include <openssl/evp.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NS_TSLX "http://uri.etsi.org/02231/v2/additionaltypes#"
#define SVC_PREFIX "http://uri.etsi.org/TrstSvc/Svctype/"

/* Service types whose certificates can anchor a chain. */
static int anchor_type(const char *type)
{
	static const char *const types[] = { "CA/PKC", "CA/QC", "NationalRootCA-QC", NULL };
	if (strncmp(type, SVC_PREFIX, strlen(SVC_PREFIX)) != 0)
		return 0;
	for (const char *const *t = types; *t; t++)
		if (strcmp(type + strlen(SVC_PREFIX), *t) == 0)
			return 1;
	return 0;
}

/* Extensions whose meaning libvntl knows (TS 119 612 5.5.9, 5.8; ETSI TS
 * 119 612 additional types); none of them widens what a service anchors. */
static const struct {
	const char *ns, *name;
} known_extensions[] = {
	{ VV_NS_TSL, "AdditionalServiceInformation" },
	{ VV_NS_TSL, "ExpiredCertsRevocationInfo" },
	{ "http://uri.etsi.org/TrstSvc/SvcInfoExt/eSigDir-1999-93-EC-TrustedList/#", "Qualifications" },
	{ NS_TSLX, "TakenOverBy" },
};

static int known_extension(const xmlNode *content)
{
	for (size_t i = 0; i < sizeof known_extensions / sizeof known_extensions[0]; i++)
		if (vv_is(content, known_extensions[i].ns, known_extensions[i].name))
			return 1;
	return 0;
}

static const xmlNode *first_element(const xmlNode *parent)
{
	for (const xmlNode *c = parent->children; c; c = c->next)
		if (c->type == XML_ELEMENT_NODE)
			return c;
	return NULL;
}

/* The name of the first extension marked critical that libvntl does not
 * know, or NULL: what such an extension says cannot be honoured, so what
 * it qualifies must not be relied on. */
static const char *unknown_critical(const xmlNode *extensions)
{
	for (xmlNodePtr e = vv_child(extensions, VV_NS_TSL, "Extension"); e;
	     e = vv_next(e, VV_NS_TSL, "Extension")) {
		xmlChar *flag = xmlGetProp(e, (const xmlChar *)"Critical");
		int critical = flag && (xmlStrEqual(flag, (const xmlChar *)"true") ||
		                        xmlStrEqual(flag, (const xmlChar *)"1"));
		xmlFree(flag);
		const xmlNode *content = first_element(e);
		if (critical && !known_extension(content))
			return content ? (const char *)content->name : "(empty)";
	}
	return NULL;
}

/* "NAME (critical extension X)" added to the list info's ignored entries. */
static void note_ignored(vv_list *list, const xmlNode *name_parent, const char *what,
                         const char *extension)
{
	char name[160];
	vv_copy_text(vv_child(name_parent, VV_NS_TSL, "Name"), name, sizeof name);
	char *out = list->info.ignored;
	size_t used = strlen(out);
	vv_trim_partial_utf8(name);
	snprintf(out + used, sizeof list->info.ignored - used, "%s%s %s (critical extension %.120s)",
	         used ? "; " : "", what, name[0] ? name : "(unnamed)", extension);
	vv_trim_partial_utf8(out);
}

static vntl_status read_service(vv_list *list, const vv_names *provider, const xmlNode *service,
                                vntl_error *err)
{
	xmlNodePtr info = vv_child(service, VV_NS_TSL, "ServiceInformation");
	char type[160];
	vv_copy_text(vv_child(info, VV_NS_TSL, "ServiceTypeIdentifier"), type, sizeof type);
	list->info.services++;
	if (!anchor_type(type))
		return VNTL_OK;
	const char *unknown = unknown_critical(vv_child(info, VV_NS_TSL, "ServiceInformationExtensions"));
	if (unknown) {
		list->info.ignored_services++;
		note_ignored(list, vv_child(info, VV_NS_TSL, "ServiceName"), "service", unknown);
		vv_log(list->logger, VNTL_LOG_WARNING, "service-ignored", "source=%s reason=\"critical extension %s is not known\"",
		       list->source, unknown);
		return VNTL_OK;
	}
	return vv_read_service_anchors(list, provider, service, err);
}

static vntl_status read_pointer(vv_list *list, const xmlNode *ptr, vntl_error *err)
{
	vv_pointer *grown = realloc(list->pointers, (list->n_pointers + 1) * sizeof *grown);
	if (!grown)
		return vv_fail(err, VNTL_ERR_INTERNAL, "out-of-memory", "storing pointers");
	list->pointers = grown;
	vv_pointer *p = &list->pointers[list->n_pointers];
	memset(p, 0, sizeof *p);
	p->certs = sk_X509_new_null();
	if (!p->certs)
		return vv_fail(err, VNTL_ERR_INTERNAL, "out-of-memory", "storing pointers");
	list->n_pointers++;
	list->info.pointers++;
	vv_copy_text(vv_child(ptr, VV_NS_TSL, "TSLLocation"), p->location, sizeof p->location);
	xmlNodePtr ids = vv_child(ptr, VV_NS_TSL, "ServiceDigitalIdentities");
	for (xmlNodePtr sdi = vv_child(ids, VV_NS_TSL, "ServiceDigitalIdentity"); sdi;
	     sdi = vv_next(sdi, VV_NS_TSL, "ServiceDigitalIdentity"))
		for (xmlNodePtr id = vv_child(sdi, VV_NS_TSL, "DigitalId"); id;
		     id = vv_next(id, VV_NS_TSL, "DigitalId")) {
			X509 *cert = vv_cert_from_base64(vv_child(id, VV_NS_TSL, "X509Certificate"));
			if (cert && !sk_X509_push(p->certs, cert))
				X509_free(cert);
		}
	xmlNodePtr add = vv_child(ptr, VV_NS_TSL, "AdditionalInformation");
	for (xmlNodePtr oi = vv_child(add, VV_NS_TSL, "OtherInformation"); oi;
	     oi = vv_next(oi, VV_NS_TSL, "OtherInformation")) {
		xmlNodePtr terr = vv_child(oi, VV_NS_TSL, "SchemeTerritory");
		xmlNodePtr mime = vv_child(oi, NS_TSLX, "MimeType");
		if (terr)
			vv_copy_text(terr, p->territory, sizeof p->territory);
		if (mime)
			vv_copy_text(mime, p->mime, sizeof p->mime);
	}
	return VNTL_OK;
}

/* Every SchemeName/Name with its language, in document order, hashed: a
 * stable identity of the list among those of one territory and type. */
static void hash_scheme_name(const xmlNode *si, char out[65])
{
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	unsigned char digest[32];
	unsigned int dlen = 0;
	out[0] = '\0';
	int ok = md && EVP_DigestInit_ex(md, EVP_sha256(), NULL) == 1;
	if (!ok)
		goto done;
	xmlNodePtr names = vv_child(si, VV_NS_TSL, "SchemeName");
	for (xmlNodePtr n = vv_child(names, VV_NS_TSL, "Name"); n; n = vv_next(n, VV_NS_TSL, "Name")) {
		xmlChar *lang = xmlNodeGetLang(n);
		char *text = vv_text(n);
		/* Length-prefixed, so that no two name sets hash alike. */
		const char *parts[2] = {lang ? (const char *)lang : "", text ? text : ""};
		for (int i = 0; i < 2; i++) {
			unsigned long long plen = strlen(parts[i]);
			ok = ok && EVP_DigestUpdate(md, &plen, sizeof plen) == 1 &&
			     EVP_DigestUpdate(md, parts[i], plen) == 1;
		}
		xmlFree(lang);
		free(text);
	}
	/* "" when OpenSSL failed: such a list gets no rollback record and is
	 * refused (vv_cache.c) rather than sharing another list's */
	if (ok && EVP_DigestFinal_ex(md, digest, &dlen) == 1 && dlen == sizeof digest)
		for (unsigned i = 0; i < dlen; i++)
			snprintf(out + 2 * i, 3, "%02x", digest[i]);
done:
	EVP_MD_CTX_free(md);
}

static vntl_status read_scheme_information(vv_list *list, const xmlNode *si, vntl_error *err)
{
	hash_scheme_name(si, list->scheme_name_hash);
	char buf[160];
	vv_copy_text(vv_child(si, VV_NS_TSL, "TSLVersionIdentifier"), buf, sizeof buf);
	list->info.version = atoi(buf);
	vv_copy_text(vv_child(si, VV_NS_TSL, "TSLSequenceNumber"), buf, sizeof buf);
	list->info.sequence = atoll(buf);
	vv_copy_text(vv_child(si, VV_NS_TSL, "TSLType"), list->info.type, sizeof list->info.type);
	vv_copy_text(vv_child(si, VV_NS_TSL, "SchemeTerritory"), list->info.territory,
	          sizeof list->info.territory);
	vv_copy_text(vv_child(si, VV_NS_TSL, "ListIssueDateTime"), buf, sizeof buf);
	if (!vv_parse_time(buf, &list->info.issued))
		return vv_fail(err, VNTL_ERR_REFUSED, "list-malformed",
		               "ListIssueDateTime \"%s\" is not a date-time", buf);
	xmlNodePtr nu = vv_child(si, VV_NS_TSL, "NextUpdate");
	vv_copy_text(vv_child(nu, VV_NS_TSL, "dateTime"), buf, sizeof buf);
	list->info.next_update = 0;
	if (buf[0] && !vv_parse_time(buf, &list->info.next_update))
		return vv_fail(err, VNTL_ERR_REFUSED, "list-malformed",
		               "NextUpdate \"%s\" is not a date-time", buf);
	if (list->info.version < 5 || list->info.sequence < 1)
		return vv_fail(err, VNTL_ERR_REFUSED, "list-version",
		               "TSLVersionIdentifier %d / TSLSequenceNumber %lld: only TS 119 612 "
		               "version 5 and later lists are accepted", list->info.version,
		               list->info.sequence);
	const char *unknown = unknown_critical(vv_child(si, VV_NS_TSL, "SchemeExtensions"));
	if (unknown)
		return vv_fail(err, VNTL_ERR_REFUSED, "extension-unknown-critical",
		               "the scheme has an extension marked critical that libvntl does not "
		               "know (%.100s): the list cannot be read as its operator requires", unknown);
	xmlNodePtr ptrs = vv_child(si, VV_NS_TSL, "PointersToOtherTSL");
	for (xmlNodePtr p = vv_child(ptrs, VV_NS_TSL, "OtherTSLPointer"); p;
	     p = vv_next(p, VV_NS_TSL, "OtherTSLPointer")) {
		vntl_status st = read_pointer(list, p, err);
		if (st != VNTL_OK)
			return st;
	}
	return VNTL_OK;
}

static vntl_status read_provider(vv_list *list, const xmlNode *tsp, vntl_error *err)
{
	xmlNodePtr services = vv_child(tsp, VV_NS_TSL, "TSPServices");
	const char *unknown = unknown_critical(vv_child(vv_child(tsp, VV_NS_TSL, "TSPInformation"),
	                                                VV_NS_TSL, "TSPInformationExtensions"));
	vv_names provider;
	vv_names_read(vv_child(vv_child(tsp, VV_NS_TSL, "TSPInformation"), VV_NS_TSL, "TSPName"),
	              &provider);
	vntl_status st = provider.in[0] && provider.in[1]
	                 ? VNTL_OK : vv_fail(err, VNTL_ERR_INTERNAL, "out-of-memory", "reading a provider");
	for (xmlNodePtr s = vv_child(services, VV_NS_TSL, "TSPService"); s && st == VNTL_OK;
	     s = vv_next(s, VV_NS_TSL, "TSPService")) {
		if (!unknown) {
			st = read_service(list, &provider, s, err);
			continue;
		}
		list->info.services++;
		list->info.ignored_services++;
	}
	vv_names_free(&provider);
	if (unknown)
		note_ignored(list, vv_child(vv_child(tsp, VV_NS_TSL, "TSPInformation"), VV_NS_TSL,
		                            "TSPName"), "provider", unknown);
	if (unknown)
		vv_log(list->logger, VNTL_LOG_WARNING, "provider-ignored", "source=%s reason=\"critical extension %s is not known\"",
		       list->source, unknown);
	return st;
}

/* Room for one anchor per service, so the array is not copied as it grows
 * (a service with several certificates still grows it). */
static int reserve_anchors(vv_list *list, const xmlNode *tsps)
{
	size_t n = 0;
	for (xmlNodePtr tsp = vv_child(tsps, VV_NS_TSL, "TrustServiceProvider"); tsp;
	     tsp = vv_next(tsp, VV_NS_TSL, "TrustServiceProvider"))
		for (xmlNodePtr s = vv_child(vv_child(tsp, VV_NS_TSL, "TSPServices"), VV_NS_TSL, "TSPService");
		     s; s = vv_next(s, VV_NS_TSL, "TSPService"))
			n++;
	if (n == 0)
		return 0;
	list->anchors = malloc(n * sizeof *list->anchors);
	list->cap_anchors = list->anchors ? n : 0;
	return list->anchors ? 0 : -1;
}

vntl_status vv_read_list(const vntl_ctx *ctx, xmlDocPtr doc, const char *source, vv_list *list,
                         vntl_error *err)
{
	memset(list, 0, sizeof *list);
	list->logger = ctx;
	xmlNodePtr root = xmlDocGetRootElement(doc);
	if (!vv_is(root, VV_NS_TSL, "TrustServiceStatusList"))
		return vv_fail(err, VNTL_ERR_REFUSED, "not-a-trust-list",
		               "the signed content is not a TrustServiceStatusList");
	xmlNodePtr tsps = vv_child(root, VV_NS_TSL, "TrustServiceProviderList");
	list->source = strdup(source);
	vntl_status st = list->source && reserve_anchors(list, tsps) == 0
	                 ? VNTL_OK : vv_fail(err, VNTL_ERR_INTERNAL, "out-of-memory", "reading a list");
	if (st == VNTL_OK)
		st = read_scheme_information(list, vv_child(root, VV_NS_TSL, "SchemeInformation"), err);
	for (xmlNodePtr tsp = vv_child(tsps, VV_NS_TSL, "TrustServiceProvider"); tsp && st == VNTL_OK;
	     tsp = vv_next(tsp, VV_NS_TSL, "TrustServiceProvider"))
		st = read_provider(list, tsp, err);
	if (st != VNTL_OK)
		vv_list_clear(list);
	return st;
}

void vv_pointer_clear(vv_pointer *p)
{
	sk_X509_pop_free(p->certs, X509_free);
	memset(p, 0, sizeof *p);
}

void vv_list_clear(vv_list *list)
{
	for (size_t i = 0; i < list->n_anchors; i++)
		vv_anchor_clear(&list->anchors[i]);
	for (size_t i = 0; i < list->n_pointers; i++)
		vv_pointer_clear(&list->pointers[i]);
	free(list->anchors);
	free(list->pointers);
	free(list->source);
	memset(list, 0, sizeof *list);
}
