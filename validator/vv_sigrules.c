/* Structural rules on a list's signature, checked before any cryptography:
 * xmlsec's "OK" only says that what the references point at is intact, not
 * that they point at the whole list (signature wrapping).  These rules make
 * sure the single signature covers everything we will read. */
#include "vv_internal.h"

#include <string.h>
#include <libxml/valid.h>

#define ALG_C14N      "http://www.w3.org/TR/2001/REC-xml-c14n-20010315"
#define ALG_C14N_C    "http://www.w3.org/TR/2001/REC-xml-c14n-20010315#WithComments"
#define ALG_EXC_C14N  "http://www.w3.org/2001/10/xml-exc-c14n#"
#define ALG_EXC_C14N_C "http://www.w3.org/2001/10/xml-exc-c14n#WithComments"
#define ALG_C14N11    "http://www.w3.org/2006/12/xml-c14n11"
#define ALG_ENVELOPED "http://www.w3.org/2000/09/xmldsig#enveloped-signature"
#define XADES_SP_TYPE "http://uri.etsi.org/01903#SignedProperties"

/* annex I of seed 001: SHA-2 / SHA-3 digests, RSA and ECDSA signatures. */
static const char *const allowed_digests[] = {
	"http://www.w3.org/2001/04/xmlenc#sha256",
	"http://www.w3.org/2001/04/xmldsig-more#sha384",
	"http://www.w3.org/2001/04/xmlenc#sha512",
	"http://www.w3.org/2007/05/xmldsig-more#sha3-256",
	"http://www.w3.org/2007/05/xmldsig-more#sha3-384",
	"http://www.w3.org/2007/05/xmldsig-more#sha3-512",
	NULL };
static const char *const allowed_signatures[] = {
	"http://www.w3.org/2001/04/xmldsig-more#rsa-sha256",
	"http://www.w3.org/2001/04/xmldsig-more#rsa-sha384",
	"http://www.w3.org/2001/04/xmldsig-more#rsa-sha512",
	"http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256",
	"http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha384",
	"http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha512",
	"http://www.w3.org/2007/05/xmldsig-more#sha256-rsa-MGF1",
	"http://www.w3.org/2007/05/xmldsig-more#sha384-rsa-MGF1",
	"http://www.w3.org/2007/05/xmldsig-more#sha512-rsa-MGF1",
	NULL };
static const char *const allowed_c14n[] = {
	ALG_C14N, ALG_EXC_C14N, ALG_C14N11, NULL };

static int in_list(const char *value, const char *const *list)
{
	for (; value && *list; list++)
		if (strcmp(value, *list) == 0)
			return 1;
	return 0;
}

static const char *attr(const xmlNode *node, const char *name)
{
	xmlAttrPtr a = node ? xmlHasProp(node, (const xmlChar *)name) : NULL;
	return a && a->children && a->children->content ? (const char *)a->children->content
	                                               : NULL;
}

static size_t count_signatures(const xmlNode *node)
{
	size_t n = 0;
	for (; node; node = node->next) {
		if (node->type != XML_ELEMENT_NODE)
			continue;
		if (vv_is(node, VV_NS_DSIG, "Signature"))
			n++;
		n += count_signatures(node->children);
	}
	return n;
}

/* Every Id must be unique, and xmlsec must resolve "#id" to that element. */
static vntl_status register_ids(xmlDocPtr doc, xmlNodePtr node, vntl_error *err)
{
	static const char *const id_names[] = { "Id", "ID", "id", NULL };
	for (; node; node = node->next) {
		if (node->type != XML_ELEMENT_NODE)
			continue;
		for (const char *const *name = id_names; *name; name++) {
			xmlAttrPtr a = xmlHasProp(node, (const xmlChar *)*name);
			if (!a || a->ns)
				continue;
			xmlChar *value = xmlNodeListGetString(doc, a->children, 1);
			if (!value)
				continue;
			xmlAttrPtr existing = xmlGetID(doc, value);
			if (existing && existing != a) {
				vntl_status st = vv_fail(err, VNTL_ERR_REFUSED, "duplicate-id",
				    "the Id \"%.100s\" is used by two elements (<%s> and <%s>): a signature "
				    "reference to it would be ambiguous (signature wrapping)",
				    (const char *)value, (const char *)existing->parent->name,
				    (const char *)node->name);
				xmlFree(value);
				return st;
			}
			if (!existing)
				xmlAddID(NULL, doc, value, a);
			xmlFree(value);
		}
		vntl_status st = register_ids(doc, node->children, err);
		if (st != VNTL_OK)
			return st;
	}
	return VNTL_OK;
}

static vntl_status check_transforms(const xmlNode *ref, int document_ref, vntl_error *err)
{
	int enveloped = 0;
	xmlNodePtr transforms = vv_child(ref, VV_NS_DSIG, "Transforms");
	for (xmlNodePtr t = transforms ? transforms->children : NULL; t; t = t->next) {
		if (t->type != XML_ELEMENT_NODE)
			continue;
		const char *alg = attr(t, "Algorithm");
		if (!vv_is(t, VV_NS_DSIG, "Transform") || !alg)
			return vv_fail(err, VNTL_ERR_REFUSED, "transform-forbidden",
			               "a Reference has a malformed Transforms element");
		if (document_ref && strcmp(alg, ALG_ENVELOPED) == 0) {
			enveloped = 1;
			continue;
		}
		if (!in_list(alg, allowed_c14n))
			return vv_fail(err, VNTL_ERR_REFUSED, "transform-forbidden",
			               "transform %.200s is not allowed: only enveloped-signature and "
			               "canonicalization may shape what is signed", alg);
	}
	if (document_ref && !enveloped)
		return vv_fail(err, VNTL_ERR_REFUSED, "transform-forbidden",
		               "the whole-document Reference lacks the enveloped-signature transform");
	return VNTL_OK;
}

static xmlNodePtr find_signed_properties(xmlNodePtr signature, const char *id)
{
	for (xmlNodePtr obj = vv_child(signature, VV_NS_DSIG, "Object"); obj;
	     obj = vv_next(obj, VV_NS_DSIG, "Object")) {
		xmlNodePtr qp = vv_child(obj, VV_NS_XADES, "QualifyingProperties");
		xmlNodePtr sp = vv_child(qp, VV_NS_XADES, "SignedProperties");
		const char *sp_id = attr(sp, "Id");
		if (sp_id && strcmp(sp_id, id) == 0)
			return sp;
	}
	return NULL;
}

static vntl_status check_reference(xmlNodePtr signature, xmlNodePtr ref, const char *root_id,
                                   int *doc_refs, int *sp_refs, vntl_error *err)
{
	const char *uri = attr(ref, "URI");
	const char *type = attr(ref, "Type");
	xmlNodePtr dm = vv_child(ref, VV_NS_DSIG, "DigestMethod");
	const char *dalg = attr(dm, "Algorithm");
	if (!in_list(dalg, allowed_digests))
		return vv_fail(err, VNTL_ERR_REFUSED, "algorithm-forbidden",
		               "Reference digest %.200s is not allowed by annex I (use SHA-256 or "
		               "stronger)", dalg ? dalg : "(none)");
	if (type && strcmp(type, XADES_SP_TYPE) == 0) {
		if (!uri || uri[0] != '#' || !find_signed_properties(signature, uri + 1))
			return vv_fail(err, VNTL_ERR_REFUSED, "xades-signed-properties-missing",
			               "the SignedProperties Reference \"%.100s\" does not name the "
			               "xades:SignedProperties of this signature", uri ? uri : "");
		(*sp_refs)++;
		return check_transforms(ref, 0, err);
	}
	int whole = uri && (uri[0] == 0 || (root_id && uri[0] == '#' && strcmp(uri + 1, root_id) == 0));
	if (!whole)
		return vv_fail(err, VNTL_ERR_REFUSED, "reference-not-whole-document",
		               "Reference URI=\"%.100s\" does not cover the whole list (it must be \"\" "
		               "or \"#\" + the root's Id)", uri ? uri : "(absent)");
	(*doc_refs)++;
	return check_transforms(ref, 1, err);
}

static vntl_status check_signed_info(xmlNodePtr signature, const char *root_id, vntl_error *err)
{
	xmlNodePtr si = vv_child(signature, VV_NS_DSIG, "SignedInfo");
	if (!si || vv_next(si, VV_NS_DSIG, "SignedInfo"))
		return vv_fail(err, VNTL_ERR_REFUSED, "signature-malformed",
		               "ds:Signature must hold exactly one ds:SignedInfo");
	const char *c14n = attr(vv_child(si, VV_NS_DSIG, "CanonicalizationMethod"), "Algorithm");
	if (!in_list(c14n, allowed_c14n))
		return vv_fail(err, VNTL_ERR_REFUSED, "algorithm-forbidden",
		               "canonicalization %.200s is not allowed", c14n ? c14n : "(none)");
	const char *salg = attr(vv_child(si, VV_NS_DSIG, "SignatureMethod"), "Algorithm");
	if (!in_list(salg, allowed_signatures))
		return vv_fail(err, VNTL_ERR_REFUSED, "algorithm-forbidden",
		               "signature algorithm %.200s is not allowed by annex I (RSA or ECDSA "
		               "with SHA-256 or stronger)", salg ? salg : "(none)");
	int doc_refs = 0, sp_refs = 0;
	for (xmlNodePtr ref = vv_child(si, VV_NS_DSIG, "Reference"); ref;
	     ref = vv_next(ref, VV_NS_DSIG, "Reference")) {
		vntl_status st = check_reference(signature, ref, root_id, &doc_refs, &sp_refs, err);
		if (st != VNTL_OK)
			return st;
	}
	if (doc_refs != 1)
		return vv_fail(err, VNTL_ERR_REFUSED, "reference-not-whole-document",
		               "%d References cover the whole list; exactly one must", doc_refs);
	if (sp_refs != 1)
		return vv_fail(err, VNTL_ERR_REFUSED, "xades-signed-properties-missing",
		               "the XAdES SignedProperties must be referenced exactly once (found %d)",
		               sp_refs);
	return VNTL_OK;
}

/* Everything inside ds:Signature is outside the signed bytes (enveloped
 * transform), so only what the profile needs may be there: no place for a
 * second, unsigned copy of list content. */
static int only_children(const xmlNode *parent, const char *ns, const char *const *names)
{
	for (const xmlNode *c = parent->children; c; c = c->next) {
		if (c->type == XML_TEXT_NODE && xmlIsBlankNode((xmlNodePtr)c))
			continue;
		if (c->type == XML_COMMENT_NODE)
			continue;
		int known = 0;
		for (const char *const *n = names; *n && !known; n++)
			known = vv_is(c, ns, *n);
		if (!known)
			return 0;
	}
	return 1;
}

static vntl_status check_unsigned_content(xmlNodePtr sig, vntl_error *err)
{
	static const char *const sig_children[] = { "SignedInfo", "SignatureValue", "KeyInfo",
		"Object", NULL };
	static const char *const keyinfo_children[] = { "X509Data", "KeyName", "KeyValue", NULL };
	static const char *const object_children[] = { "QualifyingProperties", NULL };
	static const char *const qp_children[] = { "SignedProperties", "UnsignedProperties", NULL };
	int ok = only_children(sig, VV_NS_DSIG, sig_children);
	for (xmlNodePtr c = sig->children; ok && c; c = c->next) {
		if (vv_is(c, VV_NS_DSIG, "KeyInfo"))
			ok = only_children(c, VV_NS_DSIG, keyinfo_children);
		else if (vv_is(c, VV_NS_DSIG, "Object")) {
			ok = only_children(c, VV_NS_XADES, object_children);
			for (xmlNodePtr q = c->children; ok && q; q = q->next)
				if (q->type == XML_ELEMENT_NODE)
					ok = only_children(q, VV_NS_XADES, qp_children);
		}
	}
	if (!ok)
		return vv_fail(err, VNTL_ERR_REFUSED, "unsigned-content",
		               "ds:Signature holds content outside the signature profile (only "
		               "SignedInfo, SignatureValue, KeyInfo and XAdES QualifyingProperties are "
		               "allowed); nothing unsigned may travel with a list");
	return VNTL_OK;
}

vntl_status vv_check_signature_structure(xmlDocPtr doc, vntl_error *err)
{
	xmlNodePtr root = xmlDocGetRootElement(doc);
	if (!vv_is(root, VV_NS_TSL, "TrustServiceStatusList"))
		return vv_fail(err, VNTL_ERR_REFUSED, "not-a-trust-list",
		               "the root element is <%s>, not tsl:TrustServiceStatusList",
		               root ? (const char *)root->name : "(none)");
	size_t total = count_signatures(root);
	xmlNodePtr sig = vv_child(root, VV_NS_DSIG, "Signature");
	if (total == 0)
		return vv_fail(err, VNTL_ERR_REFUSED, "signature-missing",
		               "the list has no ds:Signature; an unsigned list cannot be trusted");
	if (total > 1)
		return vv_fail(err, VNTL_ERR_REFUSED, "signature-count",
		               "the list has %zu ds:Signature elements; exactly one is allowed", total);
	if (!sig)
		return vv_fail(err, VNTL_ERR_REFUSED, "signature-placement",
		               "the ds:Signature is not a child of the root element");
	vntl_status st = register_ids(doc, root, err);
	if (st == VNTL_OK)
		st = check_unsigned_content(sig, err);
	if (st != VNTL_OK)
		return st;
	return check_signed_info(sig, attr(root, "Id"), err);
}
