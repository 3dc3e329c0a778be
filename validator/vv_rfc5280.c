/* The RFC 5280 certificate and CRL profile that OpenSSL's path validation
 * does not enforce: what a conforming CA MUST (not) issue (§4.1, §4.2, §5).
 * A certificate that breaks it was not issued by a conforming CA, so a
 * chain holding one is not relied on, whatever OpenSSL's lenient parser
 * made of it.  Each finding names the certificate (subject) and the rule. */
#include "vv_internal.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <openssl/x509v3.h>

enum role { ROLE_LEAF, ROLE_CA, ROLE_ANCHOR };

static int found(vv_finding *f, const char *sub, X509 *cert, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static int found(vv_finding *f, const char *sub, X509 *cert, const char *fmt, ...)
{
	char subject[256] = "";
	if (cert)
		vv_name_text(X509_get_subject_name(cert), subject, sizeof subject);
	char rule[400];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(rule, sizeof rule, fmt, ap);
	va_end(ap);
	f->sub_indication = sub;
	snprintf(f->reason, sizeof f->reason, "certificate \"%.240s\": %.330s",
	         subject[0] ? subject : "(empty subject)", rule);
	return 0;
}

/* §4.1.2.2: a positive integer of at most 20 octets. */
static int check_serial(X509 *c, vv_finding *f)
{
	const ASN1_INTEGER *serial = X509_get0_serialNumber(c);
	int der_len = i2d_ASN1_INTEGER(serial, NULL); /* tag, length, content */
	BIGNUM *bn = ASN1_INTEGER_to_BN(serial, NULL);
	int zero = bn && BN_is_zero(bn), negative = bn && BN_is_negative(bn);
	BN_free(bn);
	int content = der_len > 2 ? der_len - 2 : 0;
	if (!bn || negative || zero)
		return found(f, "FORMAT_FAILURE", c, "serial number is %s (RFC 5280 §4.1.2.2: a "
		             "positive integer)", !bn ? "unreadable" : negative ? "negative" : "zero");
	if (content > 20)
		return found(f, "FORMAT_FAILURE", c, "serial number is %d octets long (RFC 5280 "
		             "§4.1.2.2: at most 20)", content);
	return 1;
}

/* Decoded (once per certificate, cached) when OpenSSL parses a
 * certificate; one that does not decode sets EXFLAG_INVALID. */
static int decoded_by_openssl(int nid)
{
	switch (nid) {
	case NID_basic_constraints: case NID_key_usage: case NID_ext_key_usage:
	case NID_subject_key_identifier: case NID_authority_key_identifier:
	case NID_subject_alt_name: case NID_name_constraints: case NID_crl_distribution_points:
	case NID_proxyCertInfo: case NID_netscape_cert_type:
		return 1;
	default:
		return 0;
	}
}

/* Every extension OpenSSL knows must decode: its path validation otherwise
 * ignores, say, a malformed AIA and carries on as if it were absent. */
static int check_extensions_decode(X509 *c, vv_finding *f)
{
	for (int i = 0; i < X509_get_ext_count(c); i++) {
		X509_EXTENSION *ext = X509_get_ext(c, i);
		const ASN1_OBJECT *obj = X509_EXTENSION_get_object(ext);
		if (!X509V3_EXT_get(ext) || decoded_by_openssl(OBJ_obj2nid(obj)))
			continue;
		void *decoded = X509V3_EXT_d2i(ext);
		if (!decoded) {
			char name[80];
			OBJ_obj2txt(name, sizeof name, obj, 0);
			return found(f, "FORMAT_FAILURE", c, "the %s extension is malformed "
			             "(RFC 5280 §4.2)", name);
		}
		const X509V3_EXT_METHOD *m = X509V3_EXT_get(ext);
		if (m->it)
			ASN1_item_free(decoded, ASN1_ITEM_ptr(m->it));
		else if (m->ext_free)
			m->ext_free(decoded);
	}
	if (X509_get_extension_flags(c) & EXFLAG_INVALID)
		return found(f, "FORMAT_FAILURE", c, "an extension is malformed or repeated "
		             "(RFC 5280 §4.2)");
	return 1;
}

static int ext_critical(X509 *c, int nid, int *present)
{
	int idx = X509_get_ext_by_NID(c, nid, -1);
	*present = idx >= 0;
	return idx >= 0 && X509_EXTENSION_get_critical(X509_get_ext(c, idx));
}

/* §4.2.1.1 AKI non-critical, §4.2.1.11 policy constraints critical,
 * §4.2.1.10 name constraints critical, in CAs only, not empty. */
static int check_criticality(X509 *c, enum role role, vv_finding *f)
{
	int present;
	if (ext_critical(c, NID_authority_key_identifier, &present))
		return found(f, "CHAIN_CONSTRAINTS_FAILURE", c, "the authority key identifier is "
		             "marked critical (RFC 5280 §4.2.1.1: MUST NOT)");
	if (!ext_critical(c, NID_policy_constraints, &present) && present)
		return found(f, "CHAIN_CONSTRAINTS_FAILURE", c, "policy constraints are not marked "
		             "critical (RFC 5280 §4.2.1.11: MUST)");
	int nc_critical = ext_critical(c, NID_name_constraints, &present);
	if (!present)
		return 1;
	if (role == ROLE_LEAF)
		return found(f, "CHAIN_CONSTRAINTS_FAILURE", c, "an end-entity certificate carries "
		             "name constraints (RFC 5280 §4.2.1.10: CA certificates only)");
	if (!nc_critical)
		return found(f, "CHAIN_CONSTRAINTS_FAILURE", c, "name constraints are not marked "
		             "critical (RFC 5280 §4.2.1.10: MUST)");
	NAME_CONSTRAINTS *nc = X509_get_ext_d2i(c, NID_name_constraints, NULL, NULL);
	int empty = !nc || (sk_GENERAL_SUBTREE_num(nc->permittedSubtrees) <= 0 &&
	                    sk_GENERAL_SUBTREE_num(nc->excludedSubtrees) <= 0);
	NAME_CONSTRAINTS_free(nc);
	if (empty)
		return found(f, "CHAIN_CONSTRAINTS_FAILURE", c, "name constraints with neither "
		             "permitted nor excluded subtrees (RFC 5280 §4.2.1.10: MUST NOT be empty)");
	return 1;
}

static int has_ski(X509 *c)
{
	return X509_get0_subject_key_id(c) != NULL;
}

/* An AKI's issuer and serial that name the root itself (its own subject
 * and serial) say nothing false: Vietnam National Root CA (2014), the root
 * of most public CAs in VN, carries exactly that, so it is accepted. */
static int names_itself(X509 *c, const AUTHORITY_KEYID *aki)
{
	if (!aki->issuer || !aki->serial || sk_GENERAL_NAME_num(aki->issuer) != 1)
		return 0;
	const GENERAL_NAME *gn = sk_GENERAL_NAME_value(aki->issuer, 0);
	return gn->type == GEN_DIRNAME &&
	       X509_NAME_cmp(gn->d.directoryName, X509_get_subject_name(c)) == 0 &&
	       ASN1_INTEGER_cmp(aki->serial, X509_get0_serialNumber(c)) == 0;
}

/* A self-signed anchor may carry an AKI, but only one that names its own key. */
static int check_root_aki(X509 *c, vv_finding *f)
{
	int present;
	ext_critical(c, NID_authority_key_identifier, &present);
	if (!present)
		return 1;
	AUTHORITY_KEYID *aki = X509_get_ext_d2i(c, NID_authority_key_identifier, NULL, NULL);
	const ASN1_OCTET_STRING *ski = X509_get0_subject_key_id(c);
	const char *why = NULL;
	if (!aki)
		why = "is malformed";
	else if ((aki->issuer || aki->serial) && !names_itself(c, aki))
		why = "carries an issuer name and serial number other than its own";
	else if (!aki->keyid)
		why = "carries no key identifier";
	else if (!ski || ASN1_OCTET_STRING_cmp(aki->keyid, ski) != 0)
		why = "does not match its own subject key identifier";
	AUTHORITY_KEYID_free(aki);
	if (why)
		return found(f, "CHAIN_CONSTRAINTS_FAILURE", c, "the self-signed root's authority key "
		             "identifier %s (RFC 5280 §4.2.1.1)", why);
	return 1;
}

/* §4.2.1.9, §4.2.1.2, §4.1.2.6: a CA has a critical basicConstraints with
 * cA set, a subject key identifier and a subject name. */
static int check_ca(X509 *c, enum role role, vv_finding *f)
{
	int present;
	int critical = ext_critical(c, NID_basic_constraints, &present);
	BASIC_CONSTRAINTS *bc = present ? X509_get_ext_d2i(c, NID_basic_constraints, NULL, NULL) : NULL;
	int is_ca = bc && bc->ca;
	BASIC_CONSTRAINTS_free(bc);
	const char *what = role == ROLE_ANCHOR ? "CA (trust anchor)" : "intermediate CA";
	if (!present)
		return found(f, "CHAIN_CONSTRAINTS_FAILURE", c, "%s certificate without basic "
		             "constraints (RFC 5280 §4.2.1.9)", what);
	if (!critical)
		return found(f, "CHAIN_CONSTRAINTS_FAILURE", c, "%s certificate whose basic "
		             "constraints are not marked critical (RFC 5280 §4.2.1.9: MUST)", what);
	if (!is_ca)
		return found(f, "CHAIN_CONSTRAINTS_FAILURE", c, "%s certificate whose basic "
		             "constraints say it is not a CA (RFC 5280 §4.2.1.9)", what);
	if (!has_ski(c))
		return found(f, "CHAIN_CONSTRAINTS_FAILURE", c, "%s certificate without a subject key "
		             "identifier (RFC 5280 §4.2.1.2: MUST)", what);
	if (X509_NAME_entry_count(X509_get_subject_name(c)) == 0)
		return found(f, "CHAIN_CONSTRAINTS_FAILURE", c, "%s certificate with an empty subject "
		             "(RFC 5280 §4.1.2.6)", what);
	/* self-issued by name: X509_check_issued() would already reject an AKI that does not match */
	if (role == ROLE_ANCHOR &&
	    X509_NAME_cmp(X509_get_subject_name(c), X509_get_issuer_name(c)) == 0)
		return check_root_aki(c, f);
	return 1;
}

static int says_ca(X509 *c);

/* An end entity: not a CA, and its key does not sign certificates. */
static int check_leaf(X509 *c, vv_finding *f)
{
	if (says_ca(c))
		return found(f, "CHAIN_CONSTRAINTS_FAILURE", c, "the end-entity certificate says "
		             "CA:TRUE (RFC 5280 §4.2.1.9)");
	uint32_t ku = X509_get_key_usage(c);
	if (ku != UINT32_MAX && (ku & KU_KEY_CERT_SIGN))
		return found(f, "CHAIN_CONSTRAINTS_FAILURE", c, "the end-entity certificate's key "
		             "usage includes keyCertSign, which only a CA may assert (RFC 5280 §4.2.1.3)");
	return 1;
}

/* §4.2.1.6 preferred name syntax (RFC 1034 letters, digits, hyphens); a
 * leading "*." label only in an end entity's name. */
static int dns_name_ok(const char *s, size_t len, int wildcard_ok)
{
	if (wildcard_ok && len > 2 && s[0] == '*' && s[1] == '.') {
		s += 2;
		len -= 2;
	}
	if (len == 0 || len > 253)
		return 0;
	size_t label = 0;
	int last_all_digits = 1;
	for (size_t i = 0; i <= len; i++) {
		if (i == len || s[i] == '.') {
			if (label == 0 || label > 63 || s[i - 1] == '-')
				return 0;
			if (i < len)
				last_all_digits = 1;
			label = 0;
			continue;
		}
		unsigned char ch = (unsigned char)s[i];
		if (!(isalnum(ch) || (ch == '-' && label > 0)))
			return 0;
		if (!isdigit(ch))
			last_all_digits = 0;
		label++;
	}
	/* an all-numeric top label: an IP address written as a DNS name */
	return !last_all_digits;
}

static int email_ok(const char *s, size_t len)
{
	const char *at = memchr(s, '@', len);
	if (!at || at == s || memchr(at + 1, '@', len - (size_t)(at - s) - 1))
		return 0;
	for (const char *p = s; p < at; p++)
		if (!isgraph((unsigned char)*p) || strchr("()<>[]:;,\\\"", *p))
			return 0;
	return dns_name_ok(at + 1, len - (size_t)(at - s) - 1, 0);
}

static int uri_ok(const char *s, size_t len)
{
	size_t i = 0;
	while (i < len && (isalnum((unsigned char)s[i]) || strchr("+-.", s[i])))
		i++;
	if (i == 0 || !isalpha((unsigned char)s[0]) || i + 1 >= len || s[i] != ':')
		return 0;
	for (size_t k = 0; k < len; k++)
		if (!isgraph((unsigned char)s[k]))
			return 0;
	return 1;
}

static int check_general_name(X509 *c, const GENERAL_NAME *gn, int wildcard_ok, vv_finding *f)
{
	const ASN1_IA5STRING *ia5 = NULL;
	const char *kind = NULL;
	int ok = 1;
	switch (gn->type) {
	case GEN_DNS:
		ia5 = gn->d.dNSName;
		kind = "DNS name";
		ok = dns_name_ok((const char *)ia5->data, (size_t)ia5->length, wildcard_ok);
		break;
	case GEN_EMAIL:
		ia5 = gn->d.rfc822Name;
		kind = "e-mail address";
		ok = email_ok((const char *)ia5->data, (size_t)ia5->length);
		break;
	case GEN_URI:
		ia5 = gn->d.uniformResourceIdentifier;
		kind = "URI";
		ok = uri_ok((const char *)ia5->data, (size_t)ia5->length);
		break;
	case GEN_IPADD:
		if (gn->d.iPAddress->length != 4 && gn->d.iPAddress->length != 16)
			return found(f, "FORMAT_FAILURE", c, "subject alternative name holds an IP "
			             "address of %d octets (RFC 5280 §4.2.1.6: 4 or 16)",
			             gn->d.iPAddress->length);
		return 1;
	default:
		return 1;
	}
	if (!ok)
		return found(f, "FORMAT_FAILURE", c, "subject alternative name holds an invalid %s "
		             "\"%.*s\" (RFC 5280 §4.2.1.6)", kind,
		             ia5->length > 120 ? 120 : ia5->length, (const char *)ia5->data);
	return 1;
}

/* §4.2.1.6: not empty; critical when the subject is empty; each name in
 * the syntax its form requires. */
static int check_san(X509 *c, enum role role, vv_finding *f)
{
	int present;
	int critical = ext_critical(c, NID_subject_alt_name, &present);
	if (!present)
		return 1;
	GENERAL_NAMES *names = X509_get_ext_d2i(c, NID_subject_alt_name, NULL, NULL);
	int ok = 1;
	if (sk_GENERAL_NAME_num(names) <= 0)
		ok = found(f, "FORMAT_FAILURE", c, "the subject alternative name extension is empty "
		           "(RFC 5280 §4.2.1.6)");
	else if (!critical && X509_NAME_entry_count(X509_get_subject_name(c)) == 0)
		ok = found(f, "FORMAT_FAILURE", c, "the subject is empty and the subject alternative "
		           "name is not marked critical (RFC 5280 §4.2.1.6: MUST)");
	for (int i = 0; ok && i < sk_GENERAL_NAME_num(names); i++)
		ok = check_general_name(c, sk_GENERAL_NAME_value(names, i), role == ROLE_LEAF, f);
	GENERAL_NAMES_free(names);
	return ok;
}

/* Subject e-mail addresses (emailAddress) are names too (§4.2.1.10). */
static int check_subject_email(X509 *c, vv_finding *f)
{
	X509_NAME *subject = X509_get_subject_name(c);
	for (int i = -1; (i = X509_NAME_get_index_by_NID(subject, NID_pkcs9_emailAddress, i)) >= 0;) {
		ASN1_STRING *s = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(subject, i));
		if (!email_ok((const char *)ASN1_STRING_get0_data(s), (size_t)ASN1_STRING_length(s)))
			return found(f, "FORMAT_FAILURE", c, "the subject's e-mail address \"%.*s\" is "
			             "invalid", ASN1_STRING_length(s) > 120 ? 120 : ASN1_STRING_length(s),
			             (const char *)ASN1_STRING_get0_data(s));
	}
	return 1;
}

/* An RSA modulus is encoded in whole octets: a length that is not a
 * multiple of 8 bits is a malformed or deliberately odd key. */
static int check_key(X509 *c, vv_finding *f)
{
	EVP_PKEY *key = X509_get0_pubkey(c);
	if (!key)
		return found(f, "FORMAT_FAILURE", c, "the public key cannot be read");
	int id = EVP_PKEY_get_base_id(key);
	int bits = EVP_PKEY_get_bits(key);
	if ((id == EVP_PKEY_RSA || id == EVP_PKEY_RSA_PSS) && bits % 8 != 0)
		return found(f, "FORMAT_FAILURE", c, "the RSA modulus is %d bits, not a whole number "
		             "of octets", bits);
	return 1;
}

static int check_eku_not_empty(X509 *c, vv_finding *f)
{
	int present;
	ext_critical(c, NID_ext_key_usage, &present);
	if (!present)
		return 1;
	EXTENDED_KEY_USAGE *eku = X509_get_ext_d2i(c, NID_ext_key_usage, NULL, NULL);
	int n = sk_ASN1_OBJECT_num(eku);
	EXTENDED_KEY_USAGE_free(eku);
	if (n <= 0)
		return found(f, "CHAIN_CONSTRAINTS_FAILURE", c, "the extended key usage extension is "
		             "empty (RFC 5280 §4.2.1.12: at least one purpose)");
	return 1;
}

static int check_cert(X509 *c, enum role role, vv_finding *f)
{
	if (X509_get_version(c) != X509_VERSION_3)
		return found(f, "FORMAT_FAILURE", c, "a version %ld certificate used as %s (RFC 5280 "
		             "§4.1.2.1: extensions need version 3)", X509_get_version(c) + 1,
		             role == ROLE_LEAF ? "an end entity" : "a CA");
	if (!check_serial(c, f) || !check_extensions_decode(c, f) || !check_key(c, f) ||
	    !check_criticality(c, role, f) || !check_san(c, role, f) || !check_subject_email(c, f) ||
	    !check_eku_not_empty(c, f))
		return 0;
	/* §4.2.1.1: every certificate but a self-signed one names its issuer's key */
	if (role != ROLE_ANCHOR && !X509_get0_authority_key_id(c) &&
	    X509_get_ext_by_NID(c, NID_authority_key_identifier, -1) < 0)
		return found(f, "CHAIN_CONSTRAINTS_FAILURE", c, "%s certificate without an authority "
		             "key identifier (RFC 5280 §4.2.1.1: MUST)",
		             role == ROLE_LEAF ? "end-entity" : "intermediate CA");
	return role == ROLE_LEAF ? check_leaf(c, f) : check_ca(c, role, f);
}

static int says_ca(X509 *c)
{
	BASIC_CONSTRAINTS *bc = X509_get_ext_d2i(c, NID_basic_constraints, NULL, NULL);
	int is_ca = bc && bc->ca;
	BASIC_CONSTRAINTS_free(bc);
	return is_ca;
}

int vv_rfc5280_check_chain(STACK_OF(X509) *chain, int leaf_may_be_ca, vv_finding *f)
{
	int n = sk_X509_num(chain);
	for (int i = 0; i < n; i++) {
		/* a leaf that is itself the anchor is judged as the CA it is, and
		 * so is a CA certificate checked for itself: one whose key signs
		 * certificates, or any CA:TRUE when no purpose is asked. A leaf
		 * saying CA:TRUE without keyCertSign is an end entity claiming
		 * to be a CA. */
		X509 *c = sk_X509_value(chain, i);
		uint32_t ku = X509_get_key_usage(c);
		int signs_certs = ku != UINT32_MAX && (ku & KU_KEY_CERT_SIGN);
		enum role role = i == n - 1 ? ROLE_ANCHOR : i > 0 ? ROLE_CA
		               : says_ca(c) && (leaf_may_be_ca || signs_certs) ? ROLE_CA : ROLE_LEAF;
		if (!check_cert(c, role, f))
			return 0;
	}
	return 1;
}

/* §5.2: a CRL carries its number; an extension marked critical that is not
 * understood makes it unusable; its issuer signs CRLs (cRLSign). */
int vv_rfc5280_check_crl(X509_CRL *crl, X509 *issuer, vv_finding *f)
{
	char name[256];
	vv_name_text(X509_CRL_get_issuer(crl), name, sizeof name);
	f->sub_indication = "TRY_LATER";
	const STACK_OF(X509_EXTENSION) *exts = X509_CRL_get0_extensions(crl);
	for (int i = 0; i < sk_X509_EXTENSION_num(exts); i++) {
		X509_EXTENSION *ext = sk_X509_EXTENSION_value(exts, i);
		int nid = OBJ_obj2nid(X509_EXTENSION_get_object(ext));
		int known = nid == NID_crl_number || nid == NID_authority_key_identifier ||
		            nid == NID_issuing_distribution_point || nid == NID_delta_crl ||
		            nid == NID_freshest_crl || nid == NID_info_access;
		if (X509_EXTENSION_get_critical(ext) && !known) {
			char oid[80];
			OBJ_obj2txt(oid, sizeof oid, X509_EXTENSION_get_object(ext), 1);
			snprintf(f->reason, sizeof f->reason, "the CRL of \"%s\" carries an extension "
			         "marked critical that is not understood (%s; RFC 5280 §5.2)", name, oid);
			return 0;
		}
	}
	int crit = 0;
	ASN1_INTEGER *number = X509_CRL_get_ext_d2i(crl, NID_crl_number, &crit, NULL);
	ASN1_INTEGER_free(number);
	if (!number) {
		snprintf(f->reason, sizeof f->reason, "the CRL of \"%s\" has no CRL number "
		         "(RFC 5280 §5.2.3: MUST)", name);
		return 0;
	}
	uint32_t ku = issuer ? X509_get_key_usage(issuer) : UINT32_MAX;
	if (ku != UINT32_MAX && !(ku & KU_CRL_SIGN)) {
		snprintf(f->reason, sizeof f->reason, "the CRL of \"%s\" is signed by a key whose "
		         "key usage lacks cRLSign (RFC 5280 §4.2.1.3)", name);
		return 0;
	}
	return 1;
}
