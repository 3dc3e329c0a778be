/* Safe XML loading: no network, no DTD, no entity substitution, a DOCTYPE
 * refused outright (XXE, billion laughs), bounded depth. */
#include "vv_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <libxml/parserInternals.h>
#include <libxml/xmlerror.h>
#include <openssl/bio.h>
#include <openssl/evp.h>

struct parse_state {
	int saw_doctype;
	int too_deep;
	char first_error[256];
};

static void refuse_doctype(void *user, const xmlChar *name, const xmlChar *ext_id,
                           const xmlChar *sys_id)
{
	(void)name; (void)ext_id; (void)sys_id;
	xmlParserCtxtPtr pctx = user;
	((struct parse_state *)pctx->_private)->saw_doctype = 1;
	xmlStopParser(pctx);
}

static void keep_first_error(void *user, xmlErrorPtr error)
{
	xmlParserCtxtPtr pctx = user;
	struct parse_state *ps = pctx->_private;
	if (error && error->message && strstr(error->message, "Excessive depth"))
		ps->too_deep = 1;
	if (ps->first_error[0] == 0 && error && error->message) {
		snprintf(ps->first_error, sizeof ps->first_error, "line %d: %s", error->line,
		         error->message);
		size_t n = strlen(ps->first_error);
		if (n && ps->first_error[n - 1] == '\n')
			ps->first_error[n - 1] = 0;
	}
}

static int depth_within(const xmlNode *root, int limit)
{
	const xmlNode *node = root;
	int depth = 1;
	while (node) {
		if (node->children && node->type == XML_ELEMENT_NODE) {
			if (++depth > limit)
				return 0;
			node = node->children;
			continue;
		}
		while (node && !node->next) {
			node = node->parent;
			depth--;
			if (node == root || depth <= 0)
				return 1;
		}
		if (node == root)
			return 1;
		if (node)
			node = node->next;
	}
	return 1;
}

/* What the parser reads: a buffer already in memory, or a file read in
 * chunks. libxml2 copies a whole memory buffer before parsing it; reading
 * through this callback spares a 15 MB list that copy, and a file its
 * in-memory image altogether. */
struct xml_input {
	const unsigned char *data;     /* NULL when reading fd */
	size_t len, pos;
	int fd;
	size_t max, seen;
	int too_big, read_failed;
};

static int read_input(void *user, char *buf, int size)
{
	struct xml_input *in = user;
	if (size <= 0)
		return 0;
	if (in->data) {
		size_t n = in->len - in->pos < (size_t)size ? in->len - in->pos : (size_t)size;
		memcpy(buf, in->data + in->pos, n);
		in->pos += n;
		return (int)n;
	}
	ssize_t n;
	do
		n = read(in->fd, buf, (size_t)size);
	while (n < 0 && errno == EINTR);
	if (n < 0) {
		in->read_failed = errno;
		return -1;
	}
	in->seen += (size_t)n;
	if (in->seen > in->max) { /* the file grew past the limit while being read */
		in->too_big = 1;
		return -1;
	}
	return (int)n;
}

static int close_input(void *user)
{
	(void)user;
	return 0;
}

static vntl_status parse_input(struct xml_input *in, xmlDocPtr *out, vntl_error *err)
{
	xmlParserCtxtPtr pctx = xmlNewParserCtxt();
	if (!pctx)
		return vv_fail(err, VNTL_ERR_INTERNAL, "out-of-memory", "creating an XML parser");
	struct parse_state ps = { 0 };
	pctx->_private = &ps;
	pctx->sax->internalSubset = refuse_doctype;
	pctx->sax->serror = keep_first_error;
	pctx->sax->initialized = XML_SAX2_MAGIC;
	xmlDocPtr doc = xmlCtxtReadIO(pctx, read_input, close_input, in, "list.xml", NULL,
	                              XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	int well_formed = pctx->wellFormed;
	xmlFreeParserCtxt(pctx);
	if (in->too_big || in->read_failed) {
		xmlFreeDoc(doc);
		if (in->too_big)
			return vv_fail(err, VNTL_ERR_REFUSED, "size-limit",
			               "the document grew past the limit of %zu bytes while being read",
			               in->max);
		return vv_fail(err, VNTL_ERR_INPUT, "input-unreadable", "reading the document: %s",
		               strerror(in->read_failed));
	}
	if (ps.saw_doctype) {
		xmlFreeDoc(doc);
		return vv_fail(err, VNTL_ERR_REFUSED, "doctype-forbidden",
		               "the document has a DOCTYPE; trust lists never need one and it is how "
		               "entity attacks (XXE, billion laughs) start");
	}
	if (ps.too_deep) {
		xmlFreeDoc(doc);
		return vv_fail(err, VNTL_ERR_REFUSED, "xml-too-deep",
		               "elements are nested more than %d deep", VV_MAX_DEPTH);
	}
	if (!doc || !well_formed) {
		xmlFreeDoc(doc);
		return vv_fail(err, VNTL_ERR_REFUSED, "xml-malformed",
		               "the document is not well-formed XML (%s)",
		               ps.first_error[0] ? ps.first_error : "parse failed");
	}
	xmlNodePtr root = xmlDocGetRootElement(doc);
	if (!root || !depth_within(root, VV_MAX_DEPTH)) {
		xmlFreeDoc(doc);
		return vv_fail(err, VNTL_ERR_REFUSED, "xml-too-deep",
		               "elements are nested more than %d deep", VV_MAX_DEPTH);
	}
	*out = doc;
	return VNTL_OK;
}

static vntl_status refuse_empty(vntl_error *err)
{
	return vv_fail(err, VNTL_ERR_REFUSED, "xml-malformed", "the document is empty");
}

vntl_status vv_parse_xml(const unsigned char *data, size_t len, xmlDocPtr *out, vntl_error *err)
{
	*out = NULL;
	if (len == 0)
		return refuse_empty(err);
	if (len > (size_t)INT32_MAX)
		return vv_fail(err, VNTL_ERR_REFUSED, "size-limit", "the document is larger than 2 GiB");
	struct xml_input in = { .data = data, .len = len, .fd = -1, .max = len };
	return parse_input(&in, out, err);
}

vntl_status vv_parse_xml_file(const char *path, size_t max, xmlDocPtr *out, vntl_error *err)
{
	*out = NULL;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return vv_fail(err, VNTL_ERR_INPUT, "input-unreadable", "cannot open %s: %s", path,
		               strerror(errno));
	struct stat st;
	vntl_status rc;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode))
		rc = vv_fail(err, VNTL_ERR_INPUT, "input-unreadable", "%s is not a regular file", path);
	else if ((size_t)st.st_size > max)
		rc = vv_fail(err, VNTL_ERR_REFUSED, "size-limit",
		             "%s is %lld bytes, more than the limit of %zu", path,
		             (long long)st.st_size, max);
	else if (st.st_size == 0)
		rc = refuse_empty(err);
	else {
		struct xml_input in = { .fd = fd, .max = max };
		rc = parse_input(&in, out, err);
	}
	close(fd);
	return rc;
}

int vv_is(const xmlNode *node, const char *ns, const char *name)
{
	return node && node->type == XML_ELEMENT_NODE && node->ns &&
	       strcmp((const char *)node->ns->href, ns) == 0 &&
	       strcmp((const char *)node->name, name) == 0;
}

xmlNodePtr vv_next(const xmlNode *after, const char *ns, const char *name)
{
	for (xmlNodePtr n = after ? after->next : NULL; n; n = n->next)
		if (vv_is(n, ns, name))
			return n;
	return NULL;
}

xmlNodePtr vv_child(const xmlNode *parent, const char *ns, const char *name)
{
	if (!parent)
		return NULL;
	for (xmlNodePtr n = parent->children; n; n = n->next)
		if (vv_is(n, ns, name))
			return n;
	return NULL;
}

char *vv_text(const xmlNode *node)
{
	xmlChar *raw = node ? xmlNodeGetContent(node) : NULL;
	const char *s = raw ? (const char *)raw : "";
	while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
		s++;
	size_t n = strlen(s);
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\n' || s[n - 1] == '\r'))
		n--;
	char *copy = strndup(s, n);
	xmlFree(raw);
	return copy;
}

void vv_names_read(const xmlNode *parent, vv_names *out)
{
	xmlNodePtr first = vv_child(parent, VV_NS_TSL, "Name");
	static const char *const langs[] = { [VNTL_LANG_EN] = "en", [VNTL_LANG_VI] = "vi" };
	for (int l = 0; l < 2; l++) {
		xmlNodePtr pick = first;
		for (xmlNodePtr n = first; n; n = vv_next(n, VV_NS_TSL, "Name")) {
			xmlChar *lang = xmlNodeGetLang(n);
			int match = lang && xmlStrcasecmp(lang, BAD_CAST langs[l]) == 0;
			xmlFree(lang);
			if (match) {
				pick = n;
				break;
			}
		}
		out->in[l] = vv_text(pick);
	}
}

void vv_names_free(vv_names *n)
{
	free(n->in[0]);
	free(n->in[1]);
	n->in[0] = n->in[1] = NULL;
}

void vv_copy_text(const xmlNode *node, char *dst, size_t len)
{
	char *t = vv_text(node);
	snprintf(dst, len, "%s", t ? t : "");
	free(t);
}

/* The element's text without copying it when, as almost always, it is a
 * single text node; *owned is set when a copy had to be made. */
static const char *element_text(const xmlNode *node, xmlChar **owned)
{
	*owned = NULL;
	const xmlNode *c = node->children;
	if (!c)
		return "";
	if (!c->next && c->type == XML_TEXT_NODE)
		return c->content ? (const char *)c->content : "";
	*owned = xmlNodeGetContent(node);
	return *owned ? (const char *)*owned : "";
}

unsigned char *vv_der_from_base64(const xmlNode *node, size_t *len)
{
	if (!node)
		return NULL;
	xmlChar *owned;
	const char *text = element_text(node, &owned);
	size_t cap = strlen(text);
	char stack[8192];
	char *b64 = cap < sizeof stack ? stack : malloc(cap + 1);
	unsigned char *der = b64 ? malloc(cap / 4 * 3 + 4) : NULL;
	size_t n = 0;
	for (const char *p = text; der && *p; p++) /* drop line breaks and blanks inside base64 */
		if (*p != ' ' && *p != '\n' && *p != '\r' && *p != '\t')
			b64[n++] = *p;
	int dlen = der && n > 0 ? EVP_DecodeBlock(der, (unsigned char *)b64, (int)n) : -1;
	while (dlen > 0 && n > 0 && b64[n - 1] == '=') { /* EVP_DecodeBlock counts padding */
		dlen--;
		n--;
	}
	if (b64 != stack)
		free(b64);
	xmlFree(owned);
	if (dlen <= 0) {
		free(der);
		return NULL;
	}
	*len = (size_t)dlen;
	return der;
}

X509 *vv_cert_from_base64(const xmlNode *node)
{
	size_t len = 0;
	unsigned char *der = vv_der_from_base64(node, &len);
	const unsigned char *p = der;
	X509 *cert = der ? d2i_X509(NULL, &p, (long)len) : NULL;
	free(der);
	return cert;
}

/* Cuts a UTF-8 sequence left incomplete at the end by truncation (JSON
 * output would refuse the whole string). */
void vv_trim_partial_utf8(char *text)
{
	size_t n = strlen(text), start = n;
	while (start > 0 && ((unsigned char)text[start - 1] & 0xC0) == 0x80)
		start--;
	if (start == 0 || (unsigned char)text[start - 1] < 0xC0)
		return; /* ends in ASCII or a complete sequence without a lead byte left */
	unsigned char lead = (unsigned char)text[start - 1];
	size_t want = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : 2;
	if (n - (start - 1) < want)
		text[start - 1] = 0;
}
