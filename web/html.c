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
#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/x509.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#define TSL_NS "http://uri.etsi.org/02231/v2#"
#define MAX_XML_CERT 65536
/* The page compares a version with the previous one only up to this size:
 * reading a larger one back would hold up the swap to the new version. */
#define DIFF_MAX_BYTES (8L * 1024 * 1024)

struct page {
	struct sbuf out;
	const struct web_publication *pub;
	xmlXPathContextPtr xp;
	struct web_html_index *index;  /* may be NULL */
	const char *list;              /* the list being rendered */
	size_t tsp_start, tsp_end;     /* the provider's name in out */
};

/* ---- the search index ---- */

/* `html` without its tags, lowercase (ASCII): what a query is matched
 * against (entities stay as they are; the query is escaped the same way). */
static char *text_of(const char *html, size_t len)
{
	char *t = malloc(len + 1), *o = t;
	int in_tag = 0;
	for (size_t i = 0; t && i < len; i++) {
		if (html[i] == '<')
			in_tag = 1;
		else if (html[i] == '>')
			in_tag = 0, *o++ = ' ';
		else if (!in_tag)
			*o++ = (html[i] >= 'A' && html[i] <= 'Z') ? (char)(html[i] - 'A' + 'a') : html[i];
	}
	if (t)
		*o = '\0';
	return t;
}

static char *copy_range(const struct sbuf *b, size_t from, size_t to)
{
	char *c = malloc(to - from + 1);
	if (c) {
		memcpy(c, b->data + from, to - from);
		c[to - from] = '\0';
	}
	return c;
}

/* Keeps the row rendered in out[from, to) for search. */
static void index_row(struct page *pg, size_t from, size_t to)
{
	struct web_html_index *ix = pg->index;
	if (!ix || !pg->out.data || pg->out.len < to)
		return;
	if (ix->count == ix->cap) {
		size_t cap = ix->cap ? 2 * ix->cap : 64;
		struct web_html_row *grown = realloc(ix->rows, cap * sizeof *grown);
		if (!grown)
			return;
		ix->rows = grown;
		ix->cap = cap;
	}
	struct web_html_row *r = &ix->rows[ix->count];
	snprintf(r->list, sizeof r->list, "%s", pg->list);
	r->tsp_html = copy_range(&pg->out, pg->tsp_start, pg->tsp_end);
	r->row_html = copy_range(&pg->out, from, to);
	char *tsp_text = r->tsp_html ? text_of(r->tsp_html, strlen(r->tsp_html)) : NULL;
	char *row_text = text_of(pg->out.data + from, to - from);
	size_t n = (tsp_text ? strlen(tsp_text) : 0) + (row_text ? strlen(row_text) : 0) + 2;
	r->text = tsp_text && row_text ? malloc(n) : NULL;
	if (r->text)
		snprintf(r->text, n, "%s %s", tsp_text, row_text);
	free(tsp_text);
	free(row_text);
	if (!r->tsp_html || !r->row_html || !r->text) {
		free(r->tsp_html);
		free(r->row_html);
		free(r->text);
		return;
	}
	ix->count++;
}

void web_html_index_free(struct web_html_index *ix)
{
	if (!ix)
		return;
	for (size_t i = 0; i < ix->count; i++) {
		free(ix->rows[i].tsp_html);
		free(ix->rows[i].row_html);
		free(ix->rows[i].text);
	}
	free(ix->rows);
	memset(ix, 0, sizeof *ix);
}

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

#define DECISION_XPATH \
	"tsl:ServiceInformationExtensions/tsl:Extension/tsl:AdditionalServiceInformation/tsl:InformationValue"

/* "; quyết định / decision QĐ 12/…" when the entry names its decision. */
static void add_decision(struct page *pg, xmlNodePtr node)
{
	xmlChar *ref = text_at(pg, node, DECISION_XPATH);
	if (ref && *ref) {
		sbuf_add(&pg->out, "<br><span class=\"decision\">Quyết định / decision: ");
		sbuf_add_html(&pg->out, (const char *)ref);
		sbuf_add(&pg->out, "</span>");
	}
	xmlFree(ref);
}

/* The service type as its TS 119 612 name after ".../Svctype/", the URI
 * kept in a title. */
static void add_service_type(struct page *pg, xmlNodePtr info)
{
	xmlChar *uri = text_at(pg, info, "tsl:ServiceTypeIdentifier");
	if (uri) {
		const char *short_name = strstr((const char *)uri, "/Svctype/");
		sbuf_add(&pg->out, "<br><span class=\"type\" title=\"");
		sbuf_add_html(&pg->out, (const char *)uri);
		sbuf_add(&pg->out, "\">Loại / type: ");
		sbuf_add_html(&pg->out, short_name ? short_name + 9 : (const char *)uri);
		sbuf_add(&pg->out, "</span>");
	}
	xmlFree(uri);
}

static void add_status(struct page *pg, xmlNodePtr node)
{
	xmlChar *status = text_at(pg, node, "tsl:ServiceStatus");
	xmlChar *since = text_at(pg, node, "tsl:StatusStartingTime");
	sbuf_add(&pg->out, "<td class=\"status\">");
	sbuf_add_html(&pg->out, status ? status_label((const char *)status) : "?");
	sbuf_add(&pg->out, "<br>từ / since ");
	add_time(pg, since, "?");
	add_decision(pg, node);
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

/* A name as RFC 4514 text (most significant RDN last, special characters
 * escaped), in `out`. */
static void rfc4514_name(const X509_NAME *name, char *out, size_t len)
{
	snprintf(out, len, "?");
	BIO *b = BIO_new(BIO_s_mem());
	if (!b)
		return;
	if (X509_NAME_print_ex(b, name, 0, XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB) >= 0) {
		int n = BIO_read(b, out, (int)len - 1);
		out[n > 0 ? n : 0] = '\0';
	}
	BIO_free(b);
}

/* notBefore → notAfter in UTC and Vietnam time; "expired" once past. */
static void add_validity(struct page *pg, X509 *x)
{
	struct tm tm;
	int64_t t[2];
	const ASN1_TIME *when[2] = {X509_get0_notBefore(x), X509_get0_notAfter(x)};
	for (int i = 0; i < 2; i++) {
		if (!when[i] || ASN1_TIME_to_tm(when[i], &tm) != 1)
			return;
		t[i] = (int64_t)timegm(&tm);
	}
	char buf[RFC3339_ICT_BUF];
	sbuf_add(&pg->out, "<br>Hiệu lực / valid ");
	sbuf_add_html(&pg->out, rfc3339_format_ict(t[0], buf));
	sbuf_add(&pg->out, " → ");
	sbuf_add_html(&pg->out, rfc3339_format_ict(t[1], buf));
	if (t[1] < (int64_t)time(NULL))
		sbuf_add(&pg->out, " <b class=\"expired\">hết hạn / expired</b>");
}

static void add_certificate(struct page *pg, xmlNodePtr service)
{
	xmlChar *b64 = text_at(pg, service,
			       "tsl:ServiceInformation/tsl:ServiceDigitalIdentity/tsl:DigitalId/tsl:X509Certificate");
	size_t len = 0;
	unsigned char *der = b64 ? decode_base64(b64, &len) : NULL;
	xmlFree(b64);
	if (!der) {
		sbuf_add(&pg->out, "<td>—</td>");
		return;
	}
	char sha[65];
	sha256_hex(der, len, sha);
	const unsigned char *p = der;
	X509 *x = d2i_X509(NULL, &p, (long)len);
	char subject[1024] = "?";
	if (x)
		rfc4514_name(X509_get_subject_name(x), subject, sizeof subject);
	free(der);
	sbuf_add(&pg->out, "<td><span class=\"subject\">");
	sbuf_add_html(&pg->out, subject);
	sbuf_add(&pg->out, "</span>");
	if (x)
		add_validity(pg, x);
	X509_free(x);
	sbuf_add(&pg->out, "<br>SHA-256 <span class=\"fp\">");
	char cert_name[80];
	snprintf(cert_name, sizeof cert_name, "certs/%s.cer", sha);
	if (web_publication_find(pg->pub, cert_name))
		sbuf_printf(&pg->out, "<a href=\"/%s\">%s</a>", cert_name, sha);
	else
		sbuf_add(&pg->out, sha);
	sbuf_add(&pg->out, "</span></td>");
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
		add_decision(pg, h);
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
	sbuf_add(&pg->out, "<div class=\"box\"><table><tr><th>Dịch vụ / Service</th><th>Trạng thái / Status</th>"
			   "<th>Chứng thư / Certificate (RFC 4514)</th><th>Lịch sử / History</th></tr>\n");
	for (int i = 0; i < n; i++) {
		xmlNodePtr svc = r->nodesetval->nodeTab[i];
		size_t row_start = pg->out.len;
		sbuf_add(&pg->out, "<tr><td>");
		add_names(pg, svc, "tsl:ServiceInformation/tsl:ServiceName");
		pg->xp->node = svc;
		xmlXPathObjectPtr info = xmlXPathEvalExpression(BAD_CAST "tsl:ServiceInformation", pg->xp);
		int has_info = info && info->nodesetval && info->nodesetval->nodeNr > 0;
		if (has_info)
			add_service_type(pg, info->nodesetval->nodeTab[0]);
		sbuf_add(&pg->out, "</td>");
		if (has_info)
			add_status(pg, info->nodesetval->nodeTab[0]);
		else
			sbuf_add(&pg->out, "<td>?</td>");
		xmlXPathFreeObject(info);
		add_certificate(pg, svc);
		add_history(pg, svc);
		sbuf_add(&pg->out, "</tr>\n");
		index_row(pg, row_start, pg->out.len);
	}
	sbuf_add(&pg->out, "</table></div>\n");
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
		pg->tsp_start = pg->out.len;
		add_names(pg, tsp, "tsl:TSPInformation/tsl:TSPName");
		pg->tsp_end = pg->out.len;
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

/* ---- what changed in this version ---- */

/* A service as a version of a list states it: its certificate, status
 * and the status's start. */
struct svc_state {
	char sha256[65];
	xmlChar *name, *status, *since;
};

struct svc_states {
	struct svc_state *v;
	size_t n;
};

static void svc_states_free(struct svc_states *st)
{
	for (size_t i = 0; i < st->n; i++) {
		xmlFree(st->v[i].name);
		xmlFree(st->v[i].status);
		xmlFree(st->v[i].since);
	}
	free(st->v);
	st->v = NULL;
	st->n = 0;
}

/* Every service of the list whose XPath context is pg->xp. */
static int collect_states(struct page *pg, xmlNodePtr root, struct svc_states *out)
{
	pg->xp->node = root;
	xmlXPathObjectPtr r = xmlXPathEvalExpression(
		BAD_CAST "tsl:TrustServiceProviderList/tsl:TrustServiceProvider/tsl:TSPServices/tsl:TSPService", pg->xp);
	int n = r && r->nodesetval ? r->nodesetval->nodeNr : 0;
	out->v = n ? calloc((size_t)n, sizeof *out->v) : NULL;
	out->n = 0;
	if (n && !out->v) {
		xmlXPathFreeObject(r);
		return -1;
	}
	for (int i = 0; i < n; i++) {
		xmlNodePtr svc = r->nodesetval->nodeTab[i];
		struct svc_state *s = &out->v[out->n];
		xmlChar *b64 = text_at(pg, svc,
				       "tsl:ServiceInformation/tsl:ServiceDigitalIdentity/tsl:DigitalId/tsl:X509Certificate");
		size_t len = 0;
		unsigned char *der = b64 ? decode_base64(b64, &len) : NULL;
		xmlFree(b64);
		if (!der)
			continue;
		sha256_hex(der, len, s->sha256);
		free(der);
		s->name = text_at(pg, svc, "tsl:ServiceInformation/tsl:ServiceName/tsl:Name");
		s->status = text_at(pg, svc, "tsl:ServiceInformation/tsl:ServiceStatus");
		s->since = text_at(pg, svc, "tsl:ServiceInformation/tsl:StatusStartingTime");
		out->n++;
	}
	xmlXPathFreeObject(r);
	return 0;
}

static const struct svc_state *find_state(const struct svc_states *st, const char *sha256)
{
	for (size_t i = 0; i < st->n; i++)
		if (strcmp(st->v[i].sha256, sha256) == 0)
			return &st->v[i];
	return NULL;
}

static int same_text(const xmlChar *a, const xmlChar *b)
{
	return (!a && !b) || (a && b && xmlStrcmp(a, b) == 0);
}

static void change_item(struct page *pg, const struct svc_state *s, const char *what_vi_en,
			const struct svc_state *before)
{
	sbuf_add(&pg->out, "<li>");
	sbuf_add_html(&pg->out, s->name ? (const char *)s->name : "?");
	sbuf_printf(&pg->out, " (<span class=\"fp\">%.16s…</span>): %s", s->sha256, what_vi_en);
	if (before) {
		sbuf_add_html(&pg->out, before->status ? status_label((const char *)before->status) : "?");
		sbuf_add(&pg->out, " → ");
	}
	sbuf_add_html(&pg->out, s->status ? status_label((const char *)s->status) : "?");
	sbuf_add(&pg->out, ", từ / since ");
	add_time(pg, s->since, "?");
	sbuf_add(&pg->out, "</li>\n");
}

static int list_changes(struct page *pg, const struct svc_states *now, const struct svc_states *before)
{
	int count = 0;
	for (size_t i = 0; i < now->n; i++) {
		const struct svc_state *b = find_state(before, now->v[i].sha256);
		if (!b)
			change_item(pg, &now->v[i], "mới / added, ", NULL);
		else if (!same_text(b->status, now->v[i].status) || !same_text(b->since, now->v[i].since))
			change_item(pg, &now->v[i], "trạng thái / status ", b);
		else
			continue;
		count++;
	}
	for (size_t i = 0; i < before->n; i++) {
		if (find_state(now, before->v[i].sha256))
			continue;
		change_item(pg, &before->v[i], "không còn trong danh sách / removed, was ", NULL);
		count++;
	}
	return count;
}

/* The services added, removed or whose status changed since the
 * previous version (read from the archive, served only when it verifies). */
static void add_changes(struct page *pg, const struct web_list_info *li, xmlNodePtr root)
{
	sbuf_printf(&pg->out, "<details class=\"changes\" id=\"changes-%s\" open><summary>Thay đổi trong phiên bản "
		    "này / What changed in this version (%lld", li->name, li->sequence);
	if (li->sequence <= 1) {
		sbuf_add(&pg->out, ")</summary><p>Phiên bản đầu tiên / the first version.</p></details>\n");
		return;
	}
	sbuf_printf(&pg->out, " so với / since %lld)</summary>\n", li->sequence - 1);
	char name[48];
	snprintf(name, sizeof name, "%s/%lld.xml", li->name, li->sequence - 1);
	struct stat st;
	if (pg->pub->dirfd >= 0 && fstatat(pg->pub->dirfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
	    st.st_size > DIFF_MAX_BYTES) {
		sbuf_printf(&pg->out, "<p>Phiên bản trước quá lớn để so sánh ở đây / the previous version is larger than "
			    "%ld MB: compare the downloads.</p></details>\n", DIFF_MAX_BYTES / (1024 * 1024));
		return;
	}
	struct web_file f = {0};
	int logged = 0;
	xmlDocPtr prev = NULL;
	if (pg->pub->dirfd >= 0 && web_publication_read_archive(pg->pub, name, &f, &logged) == WEB_ARCHIVE_OK)
		prev = xmlReadMemory((const char *)f.data, (int)f.len, name, NULL,
				     XML_PARSE_NONET | XML_PARSE_NOBLANKS | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	free(f.data);
	struct svc_states now = {0}, before = {0};
	xmlXPathContextPtr own = pg->xp, prev_xp = prev && !prev->intSubset ? xmlXPathNewContext(prev) : NULL;
	int ok = prev_xp && collect_states(pg, root, &now) == 0;
	if (ok) {
		xmlXPathRegisterNs(prev_xp, BAD_CAST "tsl", BAD_CAST TSL_NS);
		pg->xp = prev_xp;
		ok = xmlDocGetRootElement(prev) && collect_states(pg, xmlDocGetRootElement(prev), &before) == 0;
		pg->xp = own;
	}
	if (!ok) {
		sbuf_add(&pg->out, "<p>Không đọc được phiên bản trước / the previous version could not be read.</p>");
	} else {
		sbuf_add(&pg->out, "<ul>\n");
		if (list_changes(pg, &now, &before) == 0)
			sbuf_add(&pg->out, "<li>Không dịch vụ nào thay đổi (phát hành lại hoặc thông tin nhà cung cấp) / "
					   "no service changed (re-issued, or provider details)</li>\n");
		sbuf_add(&pg->out, "</ul>");
	}
	sbuf_add(&pg->out, "</details>\n");
	svc_states_free(&now);
	svc_states_free(&before);
	xmlXPathFreeContext(prev_xp);
	xmlFreeDoc(prev);
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
	pg->list = li->name;
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
	add_changes(pg, li, root);
	add_pointers(pg, root);
	add_providers(pg, root);
	sbuf_add(&pg->out, "</section>\n");
	xmlXPathFreeContext(pg->xp);
	pg->xp = NULL;
	xmlFreeDoc(doc);
}

/* The fingerprints of the pinned signers in `role`, ", "-separated; how many. */
static size_t add_fingerprints(struct page *pg, const struct web_verifier *v, enum web_signer_role role)
{
	size_t shown = 0;
	for (size_t i = 0; i < web_verifier_signer_count(v); i++) {
		if (web_verifier_signer_role(v, i) != role)
			continue;
		char sha[65];
		web_verifier_signer_sha256(v, i, sha);
		sbuf_printf(&pg->out, "%s<span class=\"fp\">%s</span>", shown++ ? ", " : " ", sha);
	}
	return shown;
}

static int has_role(const struct web_verifier *v, enum web_signer_role role)
{
	for (size_t i = 0; i < web_verifier_signer_count(v); i++)
		if (web_verifier_signer_role(v, i) == role)
			return 1;
	return 0;
}

/* The list signer's fingerprint, and what to do with it: a relying party
 * pins the certificate only after comparing this with what NEAC gave it
 * out of band (this page itself could be a forgery). During a rollover,
 * the announced next signer too. */
static void add_signer(struct page *pg)
{
	const struct web_verifier *v = pg->pub->verifier;
	if (!v || !has_role(v, WEB_SIGNER_CURRENT))
		return;
	sbuf_add(&pg->out, "<section id=\"signer\"><h2>Chứng thư ký danh sách <span lang=\"en\">"
			   "(list signer certificate)</span></h2>\n<p><a href=\"/signer.pem\">signer.pem</a>, "
			   "SHA-256:");
	add_fingerprints(pg, v, WEB_SIGNER_CURRENT);
	sbuf_add(&pg->out, "</p>\n<p>Hãy so sánh dấu vân tay SHA-256 này với giá trị NEAC cung cấp qua một "
			   "kênh khác (văn bản, điện thoại, trang rootca.gov.vn) rồi mới ghim chứng thư này "
			   "(<code>vntl-validate sync --signer signer.pem</code>): trang này có thể bị giả mạo. "
			   "<span lang=\"en\">Compare this SHA-256 fingerprint with the value NEAC gives you "
			   "through another channel (letter, telephone, rootca.gov.vn) before you pin this "
			   "certificate (<code>vntl-validate sync --signer signer.pem</code>): this page itself "
			   "could be forged.</span></p>\n");
	if (has_role(v, WEB_SIGNER_NEXT)) {
		sbuf_add(&pg->out, "<p id=\"next-signer\">Chứng thư ký kế tiếp đã được công bố <span lang=\"en\">"
				   "(announced next signer)</span>, SHA-256:");
		add_fingerprints(pg, v, WEB_SIGNER_NEXT);
		sbuf_add(&pg->out, ". Các danh sách do chứng thư hiện tại ký đã công bố nó; "
				   "<code>vntl-validate sync</code> tự ghim nó. <span lang=\"en\">Lists signed by the "
				   "current signer announce it; <code>vntl-validate sync</code> pins it by "
				   "itself.</span></p>\n");
	}
	sbuf_add(&pg->out, "</section>\n");
}

#define PAGE_STYLE \
	"<style>body{font-family:sans-serif;margin:2em;max-width:90em}" \
	"table{border-collapse:collapse;margin-bottom:1em}" \
	"td,th{border:1px solid #999;padding:.3em;vertical-align:top;text-align:left}" \
	".fp{font-family:monospace;word-break:break-all;font-size:.85em}" \
	".box{overflow-x:auto;max-width:100%}.subject{word-break:break-word}" \
	".expired{color:#a00}input{max-width:100%}@media(max-width:40em){body{margin:.5em}}</style>"

/* The search form (a GET: works without JavaScript); `query` escaped. */
static void search_form(struct sbuf *b, const char *query)
{
	sbuf_add(b, "<form method=\"get\" action=\"/search\" role=\"search\"><label for=\"q\">Tìm dịch vụ, nhà cung "
		    "cấp, chủ thể, SHA-256 / Search services, providers, subjects, SHA-256</label> <input id=\"q\" "
		    "name=\"q\" type=\"search\" maxlength=\"200\" value=\"");
	sbuf_add_html(b, query ? query : "");
	sbuf_add(b, "\"> <button type=\"submit\">Tìm / Search</button></form>\n");
}

/* The query as it appears in the rows' text: HTML-escaped, lowercase. */
static char *query_text(const char *query)
{
	struct sbuf b = {0};
	sbuf_add_html(&b, query);
	size_t len = 0;
	char *escaped = sbuf_finish(&b, &len);
	char *t = escaped ? text_of(escaped, len) : NULL;
	free(escaped);
	return t;
}

char *web_html_search(const struct web_html_index *ix, const char *query, size_t *len)
{
	struct sbuf b = {0};
	sbuf_add(&b, "<!DOCTYPE html>\n<html lang=\"vi\"><head><meta charset=\"utf-8\">"
		    "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
		    "<title>Tìm kiếm – Search · Vietnam trust lists</title>" PAGE_STYLE "</head>\n<body>"
		    "<h1>Tìm trong danh sách tin cậy <span lang=\"en\">(search the trust lists)</span></h1>\n"
		    "<p><a href=\"/\">← Danh sách / the lists</a></p>\n");
	search_form(&b, query);
	char *needle = query && *query && strlen(query) <= WEB_HTML_QUERY_MAX ? query_text(query) : NULL;
	if (query && strlen(query) > WEB_HTML_QUERY_MAX)
		sbuf_printf(&b, "<p>Truy vấn quá dài / the query is longer than %d characters.</p>\n", WEB_HTML_QUERY_MAX);
	if (needle && *needle) {
		size_t found = 0;
		sbuf_add(&b, "<div class=\"box\"><table id=\"results\"><tr><th>Danh sách / List</th><th>Nhà cung cấp / "
			    "Provider</th><th>Dịch vụ / Service</th><th>Trạng thái / Status</th><th>Chứng thư / Certificate "
			    "(RFC 4514)</th><th>Lịch sử / History</th></tr>\n");
		for (size_t i = 0; ix && i < ix->count && found < WEB_HTML_SEARCH_MAX; i++) {
			const struct web_html_row *r = &ix->rows[i];
			if (!strstr(r->text, needle))
				continue;
			/* the row as on the page, after the list and provider cells */
			sbuf_printf(&b, "<tr><td><a href=\"/#%s\">%s</a></td><td>%s</td>%s", r->list, r->list,
				    r->tsp_html, r->row_html + 4);
			found++;
		}
		sbuf_printf(&b, "</table></div>\n<p id=\"found\">%zu kết quả / results%s</p>\n", found,
			    found == WEB_HTML_SEARCH_MAX ? " (tối đa / at most)" : "");
	}
	free(needle);
	sbuf_add(&b, "</body></html>\n");
	return sbuf_finish(&b, len);
}

char *web_html_render(const struct web_publication *pub, size_t *len)
{
	return web_html_render_indexed(pub, len, NULL);
}

char *web_html_render_indexed(const struct web_publication *pub, size_t *len, struct web_html_index *index)
{
	struct page pg = {.pub = pub, .index = index};
	sbuf_add(&pg.out,
		 "<!DOCTYPE html>\n<html lang=\"vi\"><head><meta charset=\"utf-8\">"
		 "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
		 "<title>Danh sách tin cậy – Vietnam trust lists</title>"
		 PAGE_STYLE "</head>\n"
		 "<body><h1>Danh sách tin cậy của Việt Nam <span lang=\"en\">(Vietnam's trust lists)</span></h1>\n"
		 "<p>Trung tâm Chứng thực điện tử quốc gia (NEAC). Mỗi danh sách được ký; hãy kiểm tra chữ ký "
		 "trước khi dùng. <span lang=\"en\">Every list is signed: check its signature before use.</span></p>\n"
		 "<p><a href=\"/index.json\">index.json</a>");
	if (web_publication_find(pub, "roots.pem"))
		sbuf_add(&pg.out, " · <a href=\"/roots.pem\">roots.pem</a>");
	sbuf_add(&pg.out, "</p>\n");
	search_form(&pg.out, NULL);
	add_signer(&pg);
	for (size_t i = 0; i < pub->list_count; i++)
		add_list(&pg, &pub->lists[i]);
	sbuf_add(&pg.out, "</body></html>\n");
	return sbuf_finish(&pg.out, len);
}
