/* Rendering the human page from the published TS 119 612 lists (see
 * html.h). The XML is parsed without network access, DTDs or entity
 * expansion, and every value from it is HTML-escaped. */
#include "web/html.h"
#include "common/rfc3339.h"
#include "common/base64.h"
#include "common/hex.h"
#include "db/db.h"

#include "web/sbuf.h"

#include <libxml/parser.h>
#include <libxml/xpath.h>
#include <libxml/xpathInternals.h>
#include <openssl/evp.h>
#include <openssl/x509.h>
#include <stdlib.h>
#include <string.h>

#define TSL_NS "http://uri.etsi.org/02231/v2#"
#define MAX_XML_CERT 65536

struct page {
	struct sbuf out;
	const struct web_publication *pub;
	xmlXPathContextPtr xp;
};

/* Text of the first node `expr` selects under `node`, or NULL (free with xmlFree). */
static xmlChar *text_at(struct page *pg, xmlNodePtr node, const char *expr)
{
	pg->xp->node = node;
	xmlXPathObjectPtr r = xmlXPathEvalExpression(BAD_CAST expr, pg->xp);
	xmlChar *text = NULL;
	if (r && r->nodesetval && r->nodesetval->nodeNr > 0)
		text = xmlNodeGetContent(r->nodesetval->nodeTab[0]);
	xmlXPathFreeObject(r);
	return text;
}

static void add_text_at(struct page *pg, xmlNodePtr node, const char *expr, const char *fallback)
{
	xmlChar *t = text_at(pg, node, expr);
	sbuf_add_html(&pg->out, t ? (const char *)t : fallback);
	xmlFree(t);
}

/* A list's time in UTC and in Vietnam time, as a reader in Vietnam wants
 * it: "2026-12-01T08:00:00Z (15:00 ICT)"; text that is no time as it is. */
static void add_time(struct page *pg, const xmlChar *text, const char *fallback)
{
	int64_t t;
	char both[48];
	if (text && rfc3339_parse_input((const char *)text, &t) == 0)
		sbuf_add_html(&pg->out, rfc3339_format_ict(t, both));
	else
		sbuf_add_html(&pg->out, text ? (const char *)text : fallback);
}

static void add_time_at(struct page *pg, xmlNodePtr node, const char *expr)
{
	xmlChar *t = text_at(pg, node, expr);
	add_time(pg, t, "?");
	xmlFree(t);
}

/* A name in the page's two languages: "Tên (Name)" when they differ. */
static void add_names(struct page *pg, xmlNodePtr node, const char *parent)
{
	char vi[160], en[160];
	snprintf(vi, sizeof vi, "%s/tsl:Name[@xml:lang='vi']", parent);
	snprintf(en, sizeof en, "%s/tsl:Name[@xml:lang='en']", parent);
	xmlChar *v = text_at(pg, node, vi), *e = text_at(pg, node, en);
	if (!v && !e) {
		char any[160];
		snprintf(any, sizeof any, "%s/tsl:Name", parent);
		add_text_at(pg, node, any, "?");
	} else if (v && e && xmlStrcmp(v, e) != 0) {
		sbuf_add_html(&pg->out, (const char *)v);
		sbuf_add(&pg->out, " <span lang=\"en\">(");
		sbuf_add_html(&pg->out, (const char *)e);
		sbuf_add(&pg->out, ")</span>");
	} else {
		sbuf_add_html(&pg->out, (const char *)(v ? v : e));
	}
	xmlFree(v);
	xmlFree(e);
}

static const char *status_label(const char *uri)
{
	static const struct { const char *suffix, *label; } labels[] = {
		{"/granted", "Được cấp phép / granted"},
		{"/withdrawn", "Đã thu hồi / withdrawn"},
		{"/recognisedatnationallevel", "Được công nhận / recognised"},
		{"/recognised", "Được công nhận / recognised"},
		{"/suspended", "Tạm dừng / suspended"},
		{"/deprecatedatnationallevel", "Không còn công nhận / deprecated"},
	};
	size_t n = strlen(uri);
	for (size_t i = 0; i < sizeof labels / sizeof labels[0]; i++) {
		size_t s = strlen(labels[i].suffix);
		if (n >= s && strcmp(uri + n - s, labels[i].suffix) == 0)
			return labels[i].label;
	}
	const char *slash = strrchr(uri, '/');
	return slash && slash[1] ? slash + 1 : uri;
}

static void add_status(struct page *pg, xmlNodePtr node)
{
	xmlChar *status = text_at(pg, node, "tsl:ServiceStatus");
	xmlChar *since = text_at(pg, node, "tsl:StatusStartingTime");
	sbuf_add(&pg->out, "<td class=\"status\">");
	sbuf_add_html(&pg->out, status ? status_label((const char *)status) : "?");
	sbuf_add(&pg->out, "</td><td>");
	add_time(pg, since, "?");
	sbuf_add(&pg->out, "</td>");
	xmlFree(status);
	xmlFree(since);
}

/* A certificate's base64 (blanks dropped), decoded; NULL when it is not
 * base64 or longer than any certificate a list carries. */
static unsigned char *decode_base64(const xmlChar *text, size_t *len)
{
	size_t n = (size_t)xmlStrlen(text);
	return n > MAX_XML_CERT ? NULL : base64_decode((const char *)text, n, len);
}

static void add_certificate(struct page *pg, xmlNodePtr service)
{
	xmlChar *b64 = text_at(pg, service,
			       "tsl:ServiceInformation/tsl:ServiceDigitalIdentity/tsl:DigitalId/tsl:X509Certificate");
	size_t len = 0;
	unsigned char *der = b64 ? decode_base64(b64, &len) : NULL;
	xmlFree(b64);
	if (!der) {
		sbuf_add(&pg->out, "<td colspan=\"2\">—</td>");
		return;
	}
	char sha[65];
	sha256_hex(der, len, sha);
	const unsigned char *p = der;
	X509 *x = d2i_X509(NULL, &p, (long)len);
	char subject[512] = "?";
	if (x)
		X509_NAME_oneline(X509_get_subject_name(x), subject, sizeof subject);
	X509_free(x);
	free(der);
	sbuf_add(&pg->out, "<td>");
	sbuf_add_html(&pg->out, subject);
	sbuf_add(&pg->out, "</td><td class=\"fp\">");
	char cert_name[80];
	snprintf(cert_name, sizeof cert_name, "certs/%s.cer", sha);
	if (web_publication_find(pg->pub, cert_name))
		sbuf_printf(&pg->out, "<a href=\"/%s\">%s</a>", cert_name, sha);
	else
		sbuf_add(&pg->out, sha);
	sbuf_add(&pg->out, "</td>");
}

static void add_history(struct page *pg, xmlNodePtr service)
{
	pg->xp->node = service;
	xmlXPathObjectPtr r = xmlXPathEvalExpression(
		BAD_CAST "tsl:ServiceHistory/tsl:ServiceHistoryInstance", pg->xp);
	int n = r && r->nodesetval ? r->nodesetval->nodeNr : 0;
	sbuf_add(&pg->out, "<td>");
	for (int i = 0; i < n; i++) {
		xmlNodePtr h = r->nodesetval->nodeTab[i];
		xmlChar *status = text_at(pg, h, "tsl:ServiceStatus");
		xmlChar *since = text_at(pg, h, "tsl:StatusStartingTime");
		sbuf_add(&pg->out, i ? "<br>" : "");
		add_time(pg, since, "?");
		sbuf_add(&pg->out, ": ");
		sbuf_add_html(&pg->out, status ? status_label((const char *)status) : "?");
		xmlFree(status);
		xmlFree(since);
	}
	if (n == 0)
		sbuf_add(&pg->out, "—");
	sbuf_add(&pg->out, "</td>");
	xmlXPathFreeObject(r);
}

static void add_services(struct page *pg, xmlNodePtr tsp)
{
	pg->xp->node = tsp;
	xmlXPathObjectPtr r = xmlXPathEvalExpression(BAD_CAST "tsl:TSPServices/tsl:TSPService", pg->xp);
	int n = r && r->nodesetval ? r->nodesetval->nodeNr : 0;
	sbuf_add(&pg->out, "<table><tr><th>Dịch vụ / Service</th><th>Trạng thái / Status</th>"
			   "<th>Từ / Since</th><th>Chủ thể / Subject</th><th>SHA-256</th>"
			   "<th>Lịch sử / History</th></tr>\n");
	for (int i = 0; i < n; i++) {
		xmlNodePtr svc = r->nodesetval->nodeTab[i];
		sbuf_add(&pg->out, "<tr><td>");
		add_names(pg, svc, "tsl:ServiceInformation/tsl:ServiceName");
		sbuf_add(&pg->out, "</td>");
		pg->xp->node = svc;
		xmlXPathObjectPtr info = xmlXPathEvalExpression(BAD_CAST "tsl:ServiceInformation", pg->xp);
		if (info && info->nodesetval && info->nodesetval->nodeNr > 0)
			add_status(pg, info->nodesetval->nodeTab[0]);
		else
			sbuf_add(&pg->out, "<td>?</td><td>?</td>");
		xmlXPathFreeObject(info);
		add_certificate(pg, svc);
		add_history(pg, svc);
		sbuf_add(&pg->out, "</tr>\n");
	}
	sbuf_add(&pg->out, "</table>\n");
	xmlXPathFreeObject(r);
}

static void add_providers(struct page *pg, xmlNodePtr root)
{
	pg->xp->node = root;
	xmlXPathObjectPtr r = xmlXPathEvalExpression(
		BAD_CAST "tsl:TrustServiceProviderList/tsl:TrustServiceProvider", pg->xp);
	int n = r && r->nodesetval ? r->nodesetval->nodeNr : 0;
	for (int i = 0; i < n; i++) {
		xmlNodePtr tsp = r->nodesetval->nodeTab[i];
		sbuf_add(&pg->out, "<h3>");
		add_names(pg, tsp, "tsl:TSPInformation/tsl:TSPName");
		sbuf_add(&pg->out, "</h3>\n");
		add_services(pg, tsp);
	}
	if (n == 0)
		sbuf_add(&pg->out, "<p>Không có nhà cung cấp / no providers.</p>\n");
	xmlXPathFreeObject(r);
}

static void add_pointers(struct page *pg, xmlNodePtr root)
{
	pg->xp->node = root;
	xmlXPathObjectPtr r = xmlXPathEvalExpression(
		BAD_CAST "tsl:SchemeInformation/tsl:PointersToOtherTSL/tsl:OtherTSLPointer/tsl:TSLLocation",
		pg->xp);
	int n = r && r->nodesetval ? r->nodesetval->nodeNr : 0;
	if (n > 0)
		sbuf_add(&pg->out, "<p>Danh sách được trỏ tới / lists pointed at:</p><ul>\n");
	for (int i = 0; i < n; i++) {
		xmlChar *loc = xmlNodeGetContent(r->nodesetval->nodeTab[i]);
		sbuf_add(&pg->out, "<li>");
		sbuf_add_html(&pg->out, loc ? (const char *)loc : "?");
		sbuf_add(&pg->out, "</li>\n");
		xmlFree(loc);
	}
	if (n > 0)
		sbuf_add(&pg->out, "</ul>\n");
	xmlXPathFreeObject(r);
}

/* Every version up to the current one, newest first: archive versions are
 * read from disk when asked for (and served only when they verify), so the
 * page names them without holding them. */
static void add_archive_links(struct page *pg, const struct web_list_info *li)
{
	sbuf_add(&pg->out, "<p>Các phiên bản / versions:");
	for (long long seq = li->sequence; seq >= 1; seq--)
		sbuf_printf(&pg->out, " <a href=\"/%s/%lld.xml\">%lld</a>", li->name, seq, seq);
	sbuf_add(&pg->out, "</p>\n");
}

static void add_list(struct page *pg, const struct web_list_info *li)
{
	char name[32];
	snprintf(name, sizeof name, "%s.xml", li->name);
	const struct web_file *f = web_publication_find(pg->pub, name);
	sbuf_printf(&pg->out, "<section id=\"%s\"><h2>", li->name);
	xmlDocPtr doc = f ? xmlReadMemory((const char *)f->data, (int)f->len, name, NULL,
					 XML_PARSE_NONET | XML_PARSE_NOBLANKS | XML_PARSE_NOERROR | XML_PARSE_NOWARNING) : NULL;
	if (!doc || doc->intSubset || !xmlDocGetRootElement(doc)) {
		sbuf_printf(&pg->out, "%s</h2><p>Không đọc được danh sách này / this list could not be read.</p></section>\n",
			    li->name);
		xmlFreeDoc(doc);
		return;
	}
	xmlNodePtr root = xmlDocGetRootElement(doc);
	pg->xp = xmlXPathNewContext(doc);
	xmlXPathRegisterNs(pg->xp, BAD_CAST "tsl", BAD_CAST TSL_NS);
	add_names(pg, root, "tsl:SchemeInformation/tsl:SchemeName");
	sbuf_add(&pg->out, "</h2>\n<p>");
	sbuf_printf(&pg->out, "Số thứ tự / sequence <b>%lld</b>; phát hành / issued ", li->sequence);
	add_time_at(pg, root, "tsl:SchemeInformation/tsl:ListIssueDateTime");
	sbuf_add(&pg->out, "; cập nhật tiếp / next update ");
	add_time_at(pg, root, "tsl:SchemeInformation/tsl:NextUpdate/tsl:dateTime");
	sbuf_printf(&pg->out, ". <a href=\"/%s\">%s</a> (SHA-256 <span class=\"fp\">%s</span>)</p>\n",
		    name, name, f->sha256);
	add_archive_links(pg, li);
	add_pointers(pg, root);
	add_providers(pg, root);
	sbuf_add(&pg->out, "</section>\n");
	xmlXPathFreeContext(pg->xp);
	pg->xp = NULL;
	xmlFreeDoc(doc);
}

/* The list signer's fingerprint, and what to do with it: a relying party
 * pins the certificate only after comparing this with what NEAC gave it
 * out of band (this page itself could be a forgery). */
static void add_signer(struct page *pg)
{
	const struct web_verifier *v = pg->pub->verifier;
	size_t n = v ? web_verifier_signer_count(v) : 0;
	if (n == 0)
		return;
	sbuf_add(&pg->out, "<section id=\"signer\"><h2>Chứng thư ký danh sách <span lang=\"en\">"
			   "(list signer certificate)</span></h2>\n<p><a href=\"/signer.pem\">signer.pem</a>, "
			   "SHA-256:");
	for (size_t i = 0; i < n; i++) {
		char sha[65];
		web_verifier_signer_sha256(v, i, sha);
		sbuf_printf(&pg->out, "%s<span class=\"fp\">%s</span>", i ? ", " : " ", sha);
	}
	sbuf_add(&pg->out, "</p>\n<p>Hãy so sánh dấu vân tay SHA-256 này với giá trị NEAC cung cấp qua một "
			   "kênh khác (văn bản, điện thoại, trang rootca.gov.vn) rồi mới ghim chứng thư này "
			   "(<code>vntl-validate sync --signer signer.pem</code>): trang này có thể bị giả mạo. "
			   "<span lang=\"en\">Compare this SHA-256 fingerprint with the value NEAC gives you "
			   "through another channel (letter, telephone, rootca.gov.vn) before you pin this "
			   "certificate (<code>vntl-validate sync --signer signer.pem</code>): this page itself "
			   "could be forged.</span></p></section>\n");
}

char *web_html_render(const struct web_publication *pub, size_t *len)
{
	struct page pg = {.pub = pub};
	sbuf_add(&pg.out,
		 "<!DOCTYPE html>\n<html lang=\"vi\"><head><meta charset=\"utf-8\">"
		 "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
		 "<title>Danh sách tin cậy – Vietnam trust lists</title>"
		 "<style>body{font-family:sans-serif;margin:2em;max-width:90em}"
		 "table{border-collapse:collapse;margin-bottom:1em}"
		 "td,th{border:1px solid #999;padding:.3em;vertical-align:top;text-align:left}"
		 ".fp{font-family:monospace;word-break:break-all;font-size:.85em}</style></head>\n"
		 "<body><h1>Danh sách tin cậy của Việt Nam <span lang=\"en\">(Vietnam's trust lists)</span></h1>\n"
		 "<p>Trung tâm Chứng thực điện tử quốc gia (NEAC). Mỗi danh sách được ký; hãy kiểm tra chữ ký "
		 "trước khi dùng. <span lang=\"en\">Every list is signed: check its signature before use.</span></p>\n"
		 "<p><a href=\"/index.json\">index.json</a>");
	if (web_publication_find(pub, "roots.pem"))
		sbuf_add(&pg.out, " · <a href=\"/roots.pem\">roots.pem</a>");
	sbuf_add(&pg.out, "</p>\n");
	add_signer(&pg);
	for (size_t i = 0; i < pub->list_count; i++)
		add_list(&pg, &pub->lists[i]);
	sbuf_add(&pg.out, "</body></html>\n");
	return sbuf_finish(&pg.out, len);
}
