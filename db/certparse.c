/* Parsing imported certificate files with OpenSSL, and the import policy. */
#include "db/certs.h"
#include "db/db_internal.h"

#include <ctype.h>
#include <openssl/asn1.h>
#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/pkcs7.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static void hexify(const unsigned char *in, size_t n, char *out)
{
	for (size_t i = 0; i < n; i++)
		sprintf(out + 2 * i, "%02x", in[i]);
}

/* Copy of n bytes plus a NUL (the source need not be NUL-terminated). */
static char *copy_bytes(const char *p, size_t n)
{
	char *s = malloc(n + 1);
	if (s) {
		memcpy(s, p, n);
		s[n] = '\0';
	}
	return s;
}

static char *name_rfc2253(const X509_NAME *name)
{
	BIO *b = BIO_new(BIO_s_mem());
	if (!b)
		return NULL;
	X509_NAME_print_ex(b, name, 0, XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB);
	char *data;
	long n = BIO_get_mem_data(b, &data);
	char *s = copy_bytes(data, n > 0 ? (size_t)n : 0);
	BIO_free(b);
	return s;
}

/* "type=value" per attribute, values in UTF-8, lowercased, spaces
 * collapsed, sorted: two names that differ only in RDN order or string type
 * (as the FPT UAT look-alike of MIC National Root CA does) compare equal. */
static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static char *normalise_attribute(const X509_NAME_ENTRY *e)
{
	char type[80];
	OBJ_obj2txt(type, sizeof type, X509_NAME_ENTRY_get_object(e), 0);
	unsigned char *utf8 = NULL;
	int n = ASN1_STRING_to_UTF8(&utf8, X509_NAME_ENTRY_get_data(e));
	if (n < 0)
		return NULL;
	size_t cap = strlen(type) + (size_t)n + 2;
	char *out = malloc(cap);
	if (!out) {
		OPENSSL_free(utf8);
		return NULL;
	}
	size_t o = (size_t)snprintf(out, cap, "%s=", type);
	int space = 0;
	for (int i = 0; i < n; i++) {
		unsigned char c = utf8[i];
		if (isspace(c)) {
			space = 1;
			continue;
		}
		if (space && out[o - 1] != '=')
			out[o++] = ' ';
		space = 0;
		out[o++] = (char)(c < 128 ? tolower(c) : c);
	}
	out[o] = '\0';
	OPENSSL_free(utf8);
	return out;
}

static char *name_normalised(const X509_NAME *name)
{
	int n = X509_NAME_entry_count(name);
	char **parts = calloc((size_t)(n > 0 ? n : 1), sizeof *parts);
	if (!parts)
		return NULL;
	size_t total = 1;
	int ok = 1;
	for (int i = 0; i < n && ok; i++) {
		parts[i] = normalise_attribute(X509_NAME_get_entry(name, i));
		ok = parts[i] != NULL;
		if (ok)
			total += strlen(parts[i]) + 1;
	}
	char *out = ok ? malloc(total) : NULL;
	if (out) {
		qsort(parts, (size_t)n, sizeof *parts, cmp_str);
		out[0] = '\0';
		for (int i = 0; i < n; i++) {
			strcat(out, parts[i]);
			if (i + 1 < n)
				strcat(out, "|");
		}
	}
	for (int i = 0; i < n; i++)
		free(parts[i]);
	free(parts);
	return out;
}

static char *common_name(const X509_NAME *name)
{
	int i = X509_NAME_get_index_by_NID(name, NID_commonName, -1);
	if (i < 0)
		return name_rfc2253(name);
	unsigned char *utf8 = NULL;
	int n = ASN1_STRING_to_UTF8(&utf8, X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name, i)));
	if (n < 0)
		return name_rfc2253(name);
	char *s = copy_bytes((const char *)utf8, (size_t)n);
	OPENSSL_free(utf8);
	return s;
}

static int asn1_time(const ASN1_TIME *t, int64_t *out)
{
	struct tm tm;
	if (!t || ASN1_TIME_to_tm(t, &tm) != 1)
		return -1;
	*out = (int64_t)timegm(&tm);
	return 0;
}

static char *serial_hex(const X509 *x)
{
	BIGNUM *bn = ASN1_INTEGER_to_BN(X509_get0_serialNumber(x), NULL);
	char *h = bn ? BN_bn2hex(bn) : NULL;
	BN_free(bn);
	if (!h)
		return NULL;
	char *s = strdup(h);
	OPENSSL_free(h);
	for (char *p = s; p && *p; p++)
		*p = (char)tolower((unsigned char)*p);
	return s;
}

static void describe_key(X509 *x, struct db_cert_info *c)
{
	EVP_PKEY *k = X509_get0_pubkey(x);
	if (!k) {
		snprintf(c->key_type, sizeof c->key_type, "unreadable");
		return;
	}
	int id = EVP_PKEY_get_base_id(k);
	const char *t = id == EVP_PKEY_RSA ? "RSA" : id == EVP_PKEY_RSA_PSS ? "RSA-PSS" :
			id == EVP_PKEY_EC ? "EC" : OBJ_nid2sn(id);
	snprintf(c->key_type, sizeof c->key_type, "%s", t ? t : "unknown");
	c->key_bits = EVP_PKEY_get_bits(k);
}

static void describe_signature(X509 *x, struct db_cert_info *c)
{
	int nid = X509_get_signature_nid(x);
	const char *ln = OBJ_nid2ln(nid);
	snprintf(c->sig_alg, sizeof c->sig_alg, "%s", ln ? ln : "unknown");
	int mdnid = NID_undef, pknid = NID_undef, secbits = 0;
	uint32_t flags = 0;
	if (X509_get_signature_info(x, &mdnid, &pknid, &secbits, &flags) == 1)
		c->sig_hash_nid = mdnid;
	else if (OBJ_find_sigid_algs(nid, &mdnid, &pknid))
		c->sig_hash_nid = mdnid;
}

static int fill_info(X509 *x, struct db_cert_info *c)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen;
	int len = i2d_X509(x, &c->der);
	if (len <= 0)
		return -1;
	c->der_len = (size_t)len;
	if (!X509_digest(x, EVP_sha256(), md, &mdlen))
		return -1;
	hexify(md, mdlen, c->sha256);
	if (!X509_pubkey_digest(x, EVP_sha256(), md, &mdlen))
		return -1;
	hexify(md, mdlen, c->spki_sha256);
	c->subject = name_rfc2253(X509_get_subject_name(x));
	c->subject_norm = name_normalised(X509_get_subject_name(x));
	c->issuer = name_rfc2253(X509_get_issuer_name(x));
	c->common_name = common_name(X509_get_subject_name(x));
	c->serial = serial_hex(x);
	if (!c->subject || !c->subject_norm || !c->issuer || !c->common_name || !c->serial)
		return -1;
	if (asn1_time(X509_get0_notBefore(x), &c->not_before) ||
	    asn1_time(X509_get0_notAfter(x), &c->not_after))
		return -1;
	uint32_t flags = X509_get_extension_flags(x);
	if (flags & EXFLAG_INVALID)
		return -1;
	describe_key(x, c);
	describe_signature(x, c);
	c->self_signed = X509_self_signed(x, 1) == 1;
	c->is_ca = (flags & EXFLAG_BCONS) && (flags & EXFLAG_CA);
	c->key_cert_sign = (X509_get_key_usage(x) & KU_KEY_CERT_SIGN) != 0;
	ERR_clear_error();
	return 0;
}

static void free_info(struct db_cert_info *c)
{
	OPENSSL_free(c->der);
	free(c->subject);
	free(c->subject_norm);
	free(c->issuer);
	free(c->common_name);
	free(c->serial);
}

void db_cert_bundle_free(struct db_cert_bundle *b)
{
	if (!b)
		return;
	for (size_t i = 0; i < b->count; i++)
		free_info(&b->certs[i]);
	free(b->certs);
	b->certs = NULL;
	b->count = 0;
}

static int add_x509(struct db_cert_bundle *b, X509 *x, const char *source, char *err, size_t errlen)
{
	struct db_cert_info *n = realloc(b->certs, (b->count + 1) * sizeof *n);
	if (!n)
		return db_msg(-1, err, errlen, "out of memory");
	b->certs = n;
	struct db_cert_info *c = &b->certs[b->count];
	memset(c, 0, sizeof *c);
	if (fill_info(x, c)) {
		free_info(c);
		ERR_clear_error();
		return db_msg(1, err, errlen, "%s: certificate %zu has malformed fields or extensions",
			      source, b->count + 1);
	}
	b->count++;
	return 0;
}

static int add_pkcs7(struct db_cert_bundle *b, PKCS7 *p7, const char *source, char *err, size_t errlen)
{
	if (!PKCS7_type_is_signed(p7) || !p7->d.sign)
		return db_msg(1, err, errlen, "%s: PKCS#7 content is not signedData: it holds no certificates", source);
	STACK_OF(X509) *certs = p7->d.sign->cert;
	if (!certs || sk_X509_num(certs) == 0)
		return db_msg(1, err, errlen, "%s: the PKCS#7 bundle holds no certificate", source);
	for (int i = 0; i < sk_X509_num(certs); i++) {
		int rc = add_x509(b, sk_X509_value(certs, i), source, err, errlen);
		if (rc)
			return rc;
	}
	return 0;
}

/* Tell "truncated" from "not a certificate": does the outer DER header
 * announce more bytes than the input holds? */
static int der_is_truncated(const unsigned char *data, size_t len)
{
	const unsigned char *p = data;
	long inner;
	int tag, cls;
	int ret = ASN1_get_object(&p, &inner, &tag, &cls, (long)len);
	ERR_clear_error();
	if (ret & 0x80)
		return 1;  /* OpenSSL flags a header whose length exceeds the data */
	return ret == 0x21;  /* indefinite length that did not parse: ran out of data */
}

/* One DER object filling `len` exactly: a certificate or a PKCS#7 bundle. */
static int parse_der(struct db_cert_bundle *b, const unsigned char *data, size_t len, const char *source,
		     char *err, size_t errlen)
{
	const unsigned char *p = data;
	X509 *x = d2i_X509(NULL, &p, (long)len);
	if (x) {
		size_t used = (size_t)(p - data);
		int rc = used == len ? add_x509(b, x, source, err, errlen)
				     : db_msg(1, err, errlen, "%s: trailing garbage: %zu bytes after the certificate",
					      source, len - used);
		X509_free(x);
		return rc;
	}
	ERR_clear_error();
	p = data;
	PKCS7 *p7 = d2i_PKCS7(NULL, &p, (long)len);
	if (p7) {
		size_t used = (size_t)(p - data);
		int rc = used == len ? add_pkcs7(b, p7, source, err, errlen)
				     : db_msg(1, err, errlen, "%s: trailing garbage: %zu bytes after the PKCS#7 bundle",
					      source, len - used);
		PKCS7_free(p7);
		return rc;
	}
	ERR_clear_error();
	if (len > 0 && data[0] == 0x30 && der_is_truncated(data, len))
		return db_msg(1, err, errlen, "%s: truncated: the DER data ends before the certificate does", source);
	return db_msg(1, err, errlen, "%s: not a certificate: neither an X.509 certificate nor a PKCS#7 bundle", source);
}

static const char *find(const char *hay, const char *end, const char *needle)
{
	size_t n = strlen(needle);
	for (const char *p = hay; p + n <= end; p++)
		if (memcmp(p, needle, n) == 0)
			return p;
	return NULL;
}

static int only_space(const char *p, const char *end)
{
	for (; p < end; p++)
		if (!isspace((unsigned char)*p))
			return 0;
	return 1;
}

static int parse_pem_block(struct db_cert_bundle *b, const char *block, size_t len, size_t k,
			   const char *source, char *err, size_t errlen)
{
	char label[512];
	snprintf(label, sizeof label, "%s: PEM block %zu", source, k);
	BIO *bio = BIO_new_mem_buf(block, (int)len);
	char *name = NULL, *header = NULL;
	unsigned char *body = NULL;
	long blen = 0;
	int rc;
	if (!bio)
		return db_msg(-1, err, errlen, "out of memory");
	if (!PEM_read_bio(bio, &name, &header, &body, &blen))
		rc = db_msg(1, err, errlen, "%s is malformed (bad base64 or BEGIN/END lines)", label);
	else if (strcmp(name, "CERTIFICATE") == 0 || strcmp(name, "X509 CERTIFICATE") == 0 ||
		 strcmp(name, "PKCS7") == 0 || strcmp(name, "PKCS #7 SIGNED DATA") == 0)
		rc = parse_der(b, body, (size_t)blen, label, err, errlen);
	else
		rc = db_msg(1, err, errlen, "%s is a '%s', not a certificate", label, name);
	ERR_clear_error();
	OPENSSL_free(name);
	OPENSSL_free(header);
	OPENSSL_free(body);
	BIO_free(bio);
	return rc;
}

/* PEM: one or more BEGIN/END blocks; text before a block is tolerated (as
 * openssl writes it), anything after the last block is refused. */
static int parse_pem(struct db_cert_bundle *b, const char *text, size_t len, const char *source,
		     char *err, size_t errlen)
{
	const char *end = text + len, *p = text;
	size_t k = 0;
	for (;;) {
		const char *begin = find(p, end, "-----BEGIN ");
		if (!begin) {
			if (k == 0)
				return db_msg(1, err, errlen, "%s: not a certificate: no PEM block", source);
			if (!only_space(p, end))
				return db_msg(1, err, errlen, "%s: trailing garbage after the last PEM block", source);
			return 0;
		}
		k++;
		const char *stop = find(begin, end, "-----END ");
		const char *close = stop ? find(stop + 9, end, "-----") : NULL;
		if (!close)
			return db_msg(1, err, errlen, "%s: truncated: PEM block %zu has no END line", source, k);
		close += 5;
		int rc = parse_pem_block(b, begin, (size_t)(close - begin), k, source, err, errlen);
		if (rc)
			return rc;
		p = close;
	}
}

int db_cert_parse(const unsigned char *data, size_t len, const char *source,
		  struct db_cert_bundle *out, char *err, size_t errlen)
{
	memset(out, 0, sizeof *out);
	if (len == 0)
		return db_msg(1, err, errlen, "%s: empty: not a certificate", source);
	if (len > 16 * 1024 * 1024)
		return db_msg(1, err, errlen, "%s: larger than 16 MiB: not a certificate file", source);
	const char *text = (const char *)data;
	int rc = data[0] == 0x30 ? parse_der(out, data, len, source, err, errlen)
				 : parse_pem(out, text, len, source, err, errlen);
	if (rc)
		db_cert_bundle_free(out);
	return rc;
}

static int hash_allowed(int nid)
{
	switch (nid) {
	case NID_sha224: case NID_sha256: case NID_sha384: case NID_sha512:
	case NID_sha512_224: case NID_sha512_256:
	case NID_sha3_224: case NID_sha3_256: case NID_sha3_384: case NID_sha3_512:
	case NID_shake128: case NID_shake256:
		return 1;
	default:
		return 0;
	}
}

int db_cert_check_policy(const struct db_cert_info *c, const char *service_type, char *err, size_t errlen)
{
	char who[300];
	snprintf(who, sizeof who, "certificate '%s' (SHA-256 %.16s…)", c->common_name, c->sha256);
	int rsa = strcmp(c->key_type, "RSA") == 0 || strcmp(c->key_type, "RSA-PSS") == 0;
	if (rsa && c->key_bits < 2048)
		return db_msg(1, err, errlen, "%s: RSA key of %d bits; annex I requires at least 2048", who, c->key_bits);
	if (strcmp(c->key_type, "EC") == 0 && c->key_bits < 256)
		return db_msg(1, err, errlen, "%s: EC key of %d bits; annex I requires at least 256", who, c->key_bits);
	if (!rsa && strcmp(c->key_type, "EC") != 0)
		return db_msg(1, err, errlen, "%s: %s key; annex I allows RSA and ECDSA keys only", who, c->key_type);
	if (c->sig_hash_nid == NID_md5 || c->sig_hash_nid == NID_md5_sha1)
		return db_msg(1, err, errlen, "%s: signed with MD5 (%s); annex I requires SHA-2 or SHA-3", who, c->sig_alg);
	if (c->sig_hash_nid == NID_sha1)
		return db_msg(1, err, errlen, "%s: signed with SHA-1 (%s); annex I requires SHA-2 or SHA-3", who, c->sig_alg);
	if (!hash_allowed(c->sig_hash_nid))
		return db_msg(1, err, errlen, "%s: signature algorithm %s is not in annex I (SHA-2 or SHA-3 families)",
			      who, c->sig_alg);
	const char *type = service_type ? service_type : DB_SVCTYPE_CA_PKC;
	if (strstr(type, "/Svctype/CA/")) {
		if (!c->is_ca)
			return db_msg(1, err, errlen, "%s: lacks basicConstraints CA:TRUE, required for a CA service "
				      "(a TSA certificate needs --service-type of a TSA service)", who);
		if (!c->key_cert_sign)
			return db_msg(1, err, errlen, "%s: keyUsage lacks keyCertSign, required for a CA service", who);
	}
	return 0;
}

int db_cert_issued_by(const struct db_cert_info *c, const unsigned char *issuer_der, size_t issuer_len)
{
	const unsigned char *p = c->der, *q = issuer_der;
	X509 *x = d2i_X509(NULL, &p, (long)c->der_len);
	X509 *issuer = d2i_X509(NULL, &q, (long)issuer_len);
	EVP_PKEY *key = issuer ? X509_get0_pubkey(issuer) : NULL;
	/* Both the name and the signature: a look-alike issuer has the name only. */
	int yes = x && key && X509_NAME_cmp(X509_get_issuer_name(x), X509_get_subject_name(issuer)) == 0 &&
		  X509_verify(x, key) == 1;
	X509_free(x);
	X509_free(issuer);
	ERR_clear_error();
	return yes;
}
