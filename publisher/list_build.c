/* Registry snapshot -> unsigned ETSI TS 119 612 document (libxml2 tree). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <openssl/crypto.h>

#include "common/base64.h"
#include "publisher/certinfo.h"

#include "common/rfc3339.h"
#include "publisher/lists.h"
#include "publisher/status_timeline.h"
#include "publisher/tsl_uris.h"

/* The scheme operator: NEAC. */
static const char OPERATOR_NAME_VI[] = "Trung tâm Chứng thực điện tử quốc gia";
static const char OPERATOR_NAME_EN[] = "National Electronic Authentication Centre (NEAC)";
const struct scheme_operator publisher_default_operator = {
	.street_vi = "113 Trần Duy Hưng, phường Yên Hòa",
	.street_en = "113 Tran Duy Hung, Yen Hoa ward",
	.locality_vi = "Hà Nội",
	.locality_en = "Hanoi",
	.email = "info@rootca.gov.vn",
	.uri = "https://rootca.gov.vn",
};
static const char LEGAL_NOTICE_VI[] =
	"Danh sách này được Trung tâm Chứng thực điện tử quốc gia công bố theo Thông tư "
	"của Bộ trưởng Bộ Khoa học và Công nghệ ngày 05/9/2025 quy định yêu cầu kỹ thuật "
	"phục vụ liên thông với Trung tâm Chứng thực điện tử quốc gia (Điều 4, Điều 5).";
static const char LEGAL_NOTICE_EN[] =
	"This list is published by the National Electronic Authentication Centre under the "
	"Circular of the Minister of Science and Technology of 5 September 2025 on technical "
	"requirements for interconnection with the National Electronic Authentication Centre "
	"(articles 4 and 5).";

struct scheme_text {
	const char *name_vi, *name_en;
};

static const struct scheme_text SCHEME_NAMES[PUBLISHER_LIST_COUNT] = {
	{"VN:Danh sách chứng thư gốc và chứng thư của tổ chức cung cấp dịch vụ chứng thực "
	 "chữ ký số công cộng",
	 "VN:Trusted list of the national and government root certificates and of the "
	 "certificates of licensed public certification authorities"},
	{"VN:Danh sách tin cậy chứng thư chữ ký điện tử nước ngoài được công nhận tại Việt Nam",
	 "VN:Trusted list of foreign certificates recognised in Vietnam"},
	{"VN:Danh sách các danh sách tin cậy của Việt Nam",
	 "VN:List of the trusted lists of Vietnam"},
};

static const char *const LIST_NAMES[PUBLISHER_LIST_COUNT] = {"roots", "foreign", "pointer"};

const char *publisher_list_name(enum publisher_list list)
{
	return (unsigned)list < PUBLISHER_LIST_COUNT ? LIST_NAMES[list] : "?";
}

int publisher_list_from_name(const char *name, enum publisher_list *out)
{
	for (int i = 0; i < PUBLISHER_LIST_COUNT; i++) {
		if (strcmp(name, LIST_NAMES[i]) == 0) {
			*out = (enum publisher_list)i;
			return 0;
		}
	}
	return -1;
}

int list_includes_tsp(enum publisher_list list, enum db_tsp_kind kind)
{
	if (list == PUBLISHER_ROOTS)
		return kind == DB_TSP_NEAC || kind == DB_TSP_GOV_CA || kind == DB_TSP_PUBLIC_CA;
	if (list == PUBLISHER_FOREIGN)
		return kind == DB_TSP_FOREIGN;
	return 0;
}

static int status_allowed(enum publisher_list list, enum db_status status)
{
	if (list == PUBLISHER_ROOTS)
		return status == DB_STATUS_GRANTED || status == DB_STATUS_WITHDRAWN;
	return status == DB_STATUS_RECOGNISED || status == DB_STATUS_SUSPENDED ||
	       status == DB_STATUS_WITHDRAWN;
}

static xmlNodePtr add(xmlNodePtr parent, const char *name, const char *text)
{
	return xmlNewTextChild(parent, NULL, BAD_CAST name, text ? BAD_CAST text : NULL);
}

static xmlNodePtr add_lang(xmlNodePtr parent, const char *name, const char *text, const char *lang)
{
	xmlNodePtr n = add(parent, name, text);
	xmlNodeSetLang(n, BAD_CAST lang);
	return n;
}

static void add_names(xmlNodePtr parent, const char *name_vi, const char *name_en)
{
	if (name_vi && *name_vi)
		add_lang(parent, "Name", name_vi, "vi");
	if (name_en && *name_en)
		add_lang(parent, "Name", name_en, "en");
}

static void add_time(xmlNodePtr parent, const char *name, int64_t t)
{
	char buf[32];
	rfc3339_format(t, buf);
	add(parent, name, buf);
}

static void add_postal(xmlNodePtr postal_addresses, const char *lang, const char *street,
		       const char *locality, const char *country)
{
	xmlNodePtr pa = add(postal_addresses, "PostalAddress", NULL);
	xmlNodeSetLang(pa, BAD_CAST lang);
	add(pa, "StreetAddress", street);
	add(pa, "Locality", locality);
	add(pa, "CountryName", country);
}

static const struct scheme_operator *operator_of(const struct list_params *p)
{
	return p->operator ? p->operator : &publisher_default_operator;
}

static void add_scheme_operator(xmlNodePtr si, const struct scheme_operator *op)
{
	add_names(add(si, "SchemeOperatorName", NULL), OPERATOR_NAME_VI, OPERATOR_NAME_EN);
	xmlNodePtr addr = add(si, "SchemeOperatorAddress", NULL);
	xmlNodePtr postal = add(addr, "PostalAddresses", NULL);
	add_postal(postal, "vi", op->street_vi, op->locality_vi, TSL_TERRITORY);
	add_postal(postal, "en", op->street_en, op->locality_en, TSL_TERRITORY);
	xmlNodePtr el = add(addr, "ElectronicAddress", NULL);
	char mail[512];
	snprintf(mail, sizeof mail, "mailto:%s", op->email);
	add_lang(el, "URI", mail, "en");
	add_lang(el, "URI", op->uri, "en");
}

static void list_url(const struct list_params *p, enum publisher_list list, char *out, size_t n)
{
	size_t len = strlen(p->base_url);
	int slash = len > 0 && p->base_url[len - 1] == '/';
	snprintf(out, n, "%s%s%s.xml", p->base_url, slash ? "" : "/", publisher_list_name(list));
}

static void add_pointer(xmlNodePtr pointers, const struct list_params *p, enum publisher_list list,
			const char *const *signer_b64, size_t n_signers)
{
	xmlNodePtr ptr = add(pointers, "OtherTSLPointer", NULL);
	xmlNodePtr ids = add(ptr, "ServiceDigitalIdentities", NULL);
	/* The signer, then the signers announced beside it (rollover), each its
	 * own ServiceDigitalIdentity, as the EU LOTL names a list's signers. */
	for (size_t i = 0; i < n_signers; i++)
		add(add(add(ids, "ServiceDigitalIdentity", NULL), "DigitalId", NULL), "X509Certificate",
		    signer_b64[i]);
	char url[1024];
	list_url(p, list, url, sizeof url);
	add(ptr, "TSLLocation", url);
	xmlNodePtr info = add(ptr, "AdditionalInformation", NULL);
	add(add(info, "OtherInformation", NULL), "TSLType",
	    list == PUBLISHER_POINTER ? TSL_TYPE_LOTL : TSL_TYPE_LIST);
	add(add(info, "OtherInformation", NULL), "SchemeTerritory", TSL_TERRITORY);
	xmlNodePtr mime = add(info, "OtherInformation", NULL);
	xmlNsPtr ns = xmlNewNs(mime, BAD_CAST TSL_ADDTYPES_NS, BAD_CAST "tslx");
	xmlNewTextChild(mime, ns, BAD_CAST "MimeType", BAD_CAST TSL_MIME_TYPE);
	add_names(add(add(info, "OtherInformation", NULL), "SchemeOperatorName", NULL),
		  OPERATOR_NAME_VI, OPERATOR_NAME_EN);
	add_lang(add(add(info, "OtherInformation", NULL), "SchemeTypeCommunityRules", NULL), "URI",
		 TSL_SCHEME_RULES, "en");
}

static int add_scheme_information(xmlNodePtr root, const struct list_params *p, char *err,
				  size_t errlen)
{
	xmlNodePtr si = add(root, "SchemeInformation", NULL);
	char buf[64];
	snprintf(buf, sizeof buf, "%d", TSL_VERSION);
	add(si, "TSLVersionIdentifier", buf);
	snprintf(buf, sizeof buf, "%lld", (long long)p->sequence);
	add(si, "TSLSequenceNumber", buf);
	add(si, "TSLType", p->list == PUBLISHER_POINTER ? TSL_TYPE_LOTL : TSL_TYPE_LIST);
	add_scheme_operator(si, operator_of(p));
	add_names(add(si, "SchemeName", NULL), SCHEME_NAMES[p->list].name_vi,
		  SCHEME_NAMES[p->list].name_en);
	xmlNodePtr info_uri = add(si, "SchemeInformationURI", NULL);
	add_lang(info_uri, "URI", operator_of(p)->uri, "vi");
	add_lang(info_uri, "URI", operator_of(p)->uri, "en");
	add(si, "StatusDeterminationApproach", TSL_STATUS_DETN);
	add_lang(add(si, "SchemeTypeCommunityRules", NULL), "URI", TSL_SCHEME_RULES, "en");
	add(si, "SchemeTerritory", TSL_TERRITORY);
	xmlNodePtr notice = add(si, "PolicyOrLegalNotice", NULL);
	add_lang(notice, "TSLLegalNotice", LEGAL_NOTICE_VI, "vi");
	add_lang(notice, "TSLLegalNotice", LEGAL_NOTICE_EN, "en");
	snprintf(buf, sizeof buf, "%d", TSL_HISTORY_PERIOD);
	add(si, "HistoricalInformationPeriod", buf);
	if (p->list == PUBLISHER_POINTER) {
		if (!p->signer_der || p->signer_der_len == 0) {
			snprintf(err, errlen, "pointer list: no signing certificate to point with");
			return -1;
		}
		size_t n = 1 + p->n_announced;
		char **b64 = calloc(n, sizeof *b64);
		int ok = b64 && (b64[0] = base64_encode(p->signer_der, p->signer_der_len)) != NULL;
		for (size_t i = 1; ok && i < n; i++)
			ok = (b64[i] = base64_encode(p->announced_der[i - 1], p->announced_len[i - 1])) != NULL;
		if (ok) {
			xmlNodePtr pointers = add(si, "PointersToOtherTSL", NULL);
			add_pointer(pointers, p, PUBLISHER_ROOTS, (const char *const *)b64, n);
			add_pointer(pointers, p, PUBLISHER_FOREIGN, (const char *const *)b64, n);
			/* Self-pointer: announces the pointer list's own signers, as the EU LOTL does. */
			add_pointer(pointers, p, PUBLISHER_POINTER, (const char *const *)b64, n);
		}
		for (size_t i = 0; b64 && i < n; i++)
			free(b64[i]);
		free(b64);
		if (!ok) {
			snprintf(err, errlen, "out of memory");
			return -1;
		}
	}
	add_time(si, "ListIssueDateTime", p->issued);
	add_time(add(si, "NextUpdate", NULL), "dateTime", p->next_update);
	char url[1024];
	list_url(p, p->list, url, sizeof url);
	add(add(si, "DistributionPoints", NULL), "URI", url);
	return 0;
}

/* What every instance of a service (current or history) repeats about it. */
struct service_ids {
	char *cert_b64;
	char *subject;
	char *ski_b64;
};

static void service_ids_free(struct service_ids *ids)
{
	free(ids->cert_b64);
	OPENSSL_free(ids->subject);
	free(ids->ski_b64);
}

static int service_ids_load(const struct db_service *svc, struct service_ids *ids, char *err,
			    size_t errlen)
{
	memset(ids, 0, sizeof *ids);
	struct cert_fields f;
	unsigned char ski[64];
	size_t ski_len = sizeof ski;
	if (certinfo_fields(svc->cert_der, svc->cert_der_len, &f) < 0) {
		snprintf(err, errlen, "service %lld: certificate is not one DER X.509 certificate",
			 (long long)svc->id);
		return -1;
	}
	if (certinfo_subject_and_ski(&f, &ids->subject, ski, &ski_len) < 0) {
		snprintf(err, errlen, "service %lld: cannot read subject or key identifier",
			 (long long)svc->id);
		return -1;
	}
	ids->cert_b64 = base64_encode(svc->cert_der, svc->cert_der_len);
	ids->ski_b64 = base64_encode(ski, ski_len);
	if (!ids->cert_b64 || !ids->ski_b64) {
		service_ids_free(ids);
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	return 0;
}

static void add_decision_extension(xmlNodePtr parent, const struct db_status_entry *e)
{
	if (!e->decision_ref || !*e->decision_ref)
		return;
	xmlNodePtr exts = add(parent, "ServiceInformationExtensions", NULL);
	xmlNodePtr ext = add(exts, "Extension", NULL);
	xmlNewProp(ext, BAD_CAST "Critical", BAD_CAST "false");
	xmlNodePtr asi = add(ext, "AdditionalServiceInformation", NULL);
	add_lang(asi, "URI", TSL_EXT_DECISION, "en");
	add(asi, "InformationValue", e->decision_ref);
}

/* The parts ServiceInformation and ServiceHistoryInstance share, in order. */
static void add_service_instance(xmlNodePtr parent, const struct db_service *svc,
				 const struct service_ids *ids, const struct db_status_entry *e,
				 int with_certificate)
{
	add(parent, "ServiceTypeIdentifier", svc->type_uri);
	add_names(add(parent, "ServiceName", NULL), svc->name_vi, svc->name_en);
	xmlNodePtr sdi = add(parent, "ServiceDigitalIdentity", NULL);
	/* Clause 5.6.3: history instances carry the SKI, never the certificate. */
	if (with_certificate)
		add(add(sdi, "DigitalId", NULL), "X509Certificate", ids->cert_b64);
	add(add(sdi, "DigitalId", NULL), "X509SubjectName", ids->subject);
	add(add(sdi, "DigitalId", NULL), "X509SKI", ids->ski_b64);
	add(parent, "ServiceStatus", status_uri(e->status));
	add_time(parent, "StatusStartingTime", e->effective);
}

static int add_service(xmlNodePtr services, const struct db_service *svc,
		       const struct list_params *p, char *err, size_t errlen)
{
	if (status_timeline_check(svc, err, errlen) < 0)
		return -1;
	long current = status_index_at(svc, p->issued);
	if (current < 0)
		return 0; /* not yet in effect: published once its first status is */
	for (long i = 0; i <= current; i++) {
		if (!status_allowed(p->list, svc->timeline[i].status)) {
			snprintf(err, errlen, "service %lld: status %s does not belong in the %s list",
				 (long long)svc->id, status_uri(svc->timeline[i].status),
				 publisher_list_name(p->list));
			return -1;
		}
	}
	if (!svc->type_uri || !*svc->type_uri ||
	    (!(svc->name_vi && *svc->name_vi) && !(svc->name_en && *svc->name_en))) {
		snprintf(err, errlen, "service %lld: service type or name is missing",
			 (long long)svc->id);
		return -1;
	}
	struct service_ids ids;
	if (service_ids_load(svc, &ids, err, errlen) < 0)
		return -1;
	xmlNodePtr service = add(services, "TSPService", NULL);
	xmlNodePtr info = add(service, "ServiceInformation", NULL);
	add_service_instance(info, svc, &ids, &svc->timeline[current], 1);
	add_decision_extension(info, &svc->timeline[current]);
	if (current > 0) {
		xmlNodePtr history = add(service, "ServiceHistory", NULL);
		for (long i = current - 1; i >= 0; i--) { /* newest first */
			xmlNodePtr inst = add(history, "ServiceHistoryInstance", NULL);
			add_service_instance(inst, svc, &ids, &svc->timeline[i], 0);
			add_decision_extension(inst, &svc->timeline[i]);
		}
	}
	service_ids_free(&ids);
	return 0;
}

static void add_tsp_information(xmlNodePtr tsp_node, const struct db_tsp *tsp)
{
	xmlNodePtr info = add(tsp_node, "TSPInformation", NULL);
	add_names(add(info, "TSPName", NULL), tsp->name_vi, tsp->name_en);
	if (tsp->trade_name && *tsp->trade_name)
		add_lang(add(info, "TSPTradeName", NULL), "Name", tsp->trade_name, "en");
	xmlNodePtr addr = add(info, "TSPAddress", NULL);
	add_postal(add(addr, "PostalAddresses", NULL), "en", tsp->street, tsp->locality,
		   tsp->country);
	xmlNodePtr el = add(addr, "ElectronicAddress", NULL);
	if (tsp->email && *tsp->email) {
		char mail[512];
		snprintf(mail, sizeof mail, "mailto:%s", tsp->email);
		add_lang(el, "URI", mail, "en");
	}
	add_lang(el, "URI", tsp->uri, "en");
	add_lang(add(info, "TSPInformationURI", NULL), "URI", tsp->uri, "en");
}

static int tsp_fields_present(const struct db_tsp *tsp, char *err, size_t errlen)
{
	const char *missing = NULL;
	if (!(tsp->name_vi && *tsp->name_vi) && !(tsp->name_en && *tsp->name_en))
		missing = "name";
	else if (!tsp->street || !*tsp->street)
		missing = "street address";
	else if (!tsp->locality || !*tsp->locality)
		missing = "locality";
	else if (strlen(tsp->country) != 2)
		missing = "country code";
	else if (!tsp->uri || !*tsp->uri)
		missing = "information URI";
	if (missing) {
		snprintf(err, errlen, "provider %lld: %s is missing", (long long)tsp->id, missing);
		return -1;
	}
	return 0;
}

static int add_providers(xmlNodePtr root, const struct db_snapshot *snap,
			 const struct list_params *p, char *err, size_t errlen)
{
	xmlNodePtr list = NULL;
	for (size_t i = 0; i < snap->tsp_count; i++) {
		const struct db_tsp *tsp = &snap->tsps[i];
		/* A retired TSP (an approved correction; its services all
		 * withdrawn and published so) leaves the list: TS 119 612 has no
		 * status for a provider itself. */
		if (!list_includes_tsp(p->list, tsp->kind) || tsp->retired)
			continue;
		if (tsp_fields_present(tsp, err, errlen) < 0)
			return -1;
		/* Built detached (dropped when nothing is in effect yet), so it takes
		 * the list's namespace explicitly; its children inherit it. */
		xmlNodePtr services = xmlNewNode(root->ns, BAD_CAST "TSPServices");
		for (size_t j = 0; j < tsp->service_count; j++) {
			if (add_service(services, &tsp->services[j], p, err, errlen) < 0) {
				xmlFreeNode(services);
				return -1;
			}
		}
		if (!services->children) { /* nothing in effect yet */
			xmlFreeNode(services);
			continue;
		}
		/* Clause 5.3.18: the provider list is absent when no provider is listed. */
		if (!list)
			list = add(root, "TrustServiceProviderList", NULL);
		xmlNodePtr tsp_node = add(list, "TrustServiceProvider", NULL);
		add_tsp_information(tsp_node, tsp);
		xmlAddChild(tsp_node, services);
	}
	return 0;
}

int list_build(const struct db_snapshot *snap, const struct list_params *p, xmlDocPtr *out,
	       char *err, size_t errlen)
{
	*out = NULL;
	if ((unsigned)p->list >= PUBLISHER_LIST_COUNT || p->sequence < 1 || !p->base_url) {
		snprintf(err, errlen, "list_build: bad parameters");
		return -1;
	}
	xmlDocPtr doc = xmlNewDoc(BAD_CAST "1.0");
	xmlNodePtr root = xmlNewDocNode(doc, NULL, BAD_CAST "TrustServiceStatusList", NULL);
	xmlDocSetRootElement(doc, root);
	xmlNsPtr ns = xmlNewNs(root, BAD_CAST TSL_NS, NULL);
	xmlSetNs(root, ns);
	xmlNewProp(root, BAD_CAST "Id", BAD_CAST "vntl-tsl");
	xmlNewProp(root, BAD_CAST "TSLTag", BAD_CAST TSL_TAG);
	if (add_scheme_information(root, p, err, errlen) < 0 ||
	    (p->list != PUBLISHER_POINTER && add_providers(root, snap, p, err, errlen) < 0)) {
		xmlFreeDoc(doc);
		return -1;
	}
	*out = doc;
	return 0;
}
