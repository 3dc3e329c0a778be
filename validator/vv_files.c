/* Reading inputs from disk: bounded file reads, certificates and CRLs in
 * PEM (one or several blocks) or DER. */
#include "vv_internal.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

vntl_status vv_read_file(const char *path, size_t max, unsigned char **data, size_t *len,
                         vntl_error *err)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return vv_fail(err, VNTL_ERR_INPUT, "input-unreadable", "cannot open %s: %s", path,
		               strerror(errno));
	struct stat st;
	if (fstat(fileno(f), &st) != 0 || !S_ISREG(st.st_mode)) {
		fclose(f);
		return vv_fail(err, VNTL_ERR_INPUT, "input-unreadable", "%s is not a regular file", path);
	}
	if ((size_t)st.st_size > max) {
		fclose(f);
		return vv_fail(err, VNTL_ERR_REFUSED, "size-limit",
		               "%s is %lld bytes, more than the limit of %zu", path,
		               (long long)st.st_size, max);
	}
	unsigned char *buf = malloc((size_t)st.st_size + 1);
	if (!buf) {
		fclose(f);
		return vv_fail(err, VNTL_ERR_INTERNAL, "out-of-memory", "reading %s", path);
	}
	size_t got = fread(buf, 1, (size_t)st.st_size, f);
	fclose(f);
	if (got != (size_t)st.st_size) {
		free(buf);
		return vv_fail(err, VNTL_ERR_INPUT, "input-unreadable", "short read on %s", path);
	}
	buf[got] = 0;
	*data = buf;
	*len = got;
	return VNTL_OK;
}

static int looks_like_pem(const unsigned char *data, size_t len)
{
	return memmem(data, len, "-----BEGIN", 10) != NULL;
}

/* Every PEM block of one kind in data, or data as one DER object (all of
 * it: bytes after the object mean it is not what the caller thinks). */
#define PARSE_ALL(TYPE, PEM_READ, D2I, FREE, PUSH)                                           \
	do {                                                                                   \
		if (looks_like_pem(data, len)) {                                                   \
			BIO *bio = BIO_new_mem_buf(data, (int)len);                                    \
			TYPE *obj;                                                                     \
			while (bio && (obj = PEM_READ(bio, NULL, NULL, NULL)) != NULL) {               \
				if (!PUSH(into, obj)) {                                                    \
					FREE(obj);                                                             \
					break;                                                                 \
				}                                                                          \
				count++;                                                                   \
			}                                                                              \
			BIO_free(bio);                                                                 \
		} else {                                                                           \
			const unsigned char *p = data;                                                 \
			TYPE *obj = D2I(NULL, &p, (long)len);                                          \
			if (obj && p == data + len && PUSH(into, obj))                                 \
				count++;                                                                   \
			else                                                                           \
				FREE(obj);                                                                 \
		}                                                                                  \
		ERR_clear_error();                                                                 \
	} while (0)

vntl_status vv_certs_from_memory(const unsigned char *data, size_t len, const char *name,
                                 STACK_OF(X509) *into, vntl_error *err)
{
	int count = 0;
	if (data && len > 0 && len <= INT_MAX)
		PARSE_ALL(X509, PEM_read_bio_X509, d2i_X509, X509_free, sk_X509_push);
	if (count == 0)
		return vv_fail(err, VNTL_ERR_INPUT, "certificate-unreadable",
		               "%s holds no PEM or DER X.509 certificate", name);
	return VNTL_OK;
}

vntl_status vv_crls_from_memory(const unsigned char *data, size_t len, const char *name,
                                STACK_OF(X509_CRL) *into, vntl_error *err)
{
	int count = 0;
	if (data && len > 0 && len <= INT_MAX)
		PARSE_ALL(X509_CRL, PEM_read_bio_X509_CRL, d2i_X509_CRL, X509_CRL_free, sk_X509_CRL_push);
	if (count == 0)
		return vv_fail(err, VNTL_ERR_INPUT, "crl-unreadable", "%s holds no PEM or DER CRL", name);
	return VNTL_OK;
}

vntl_status vv_load_certs(const char *path, STACK_OF(X509) *into, vntl_error *err)
{
	unsigned char *data;
	size_t len;
	vntl_status st = vv_read_file(path, 16u << 20, &data, &len, err);
	if (st == VNTL_OK) {
		st = vv_certs_from_memory(data, len, path, into, err);
		free(data);
	}
	return st;
}

vntl_status vv_load_crls(const char *path, STACK_OF(X509_CRL) *into, vntl_error *err)
{
	unsigned char *data;
	size_t len;
	vntl_status st = vv_read_file(path, 64u << 20, &data, &len, err);
	if (st == VNTL_OK) {
		st = vv_crls_from_memory(data, len, path, into, err);
		free(data);
	}
	return st;
}

static void hex32(const unsigned char md[32], char out[65])
{
	for (unsigned i = 0; i < 32; i++)
		snprintf(out + 2 * i, 3, "%02x", md[i]);
}

int vv_sha256_hex(const unsigned char *data, size_t len, char out[65])
{
	unsigned char md[32];
	unsigned int mdlen = 0;
	out[0] = '\0';
	if (EVP_Digest(data, len, md, &mdlen, EVP_sha256(), NULL) != 1 || mdlen != sizeof md)
		return -1;
	hex32(md, out);
	return 0;
}

int vv_cert_sha256_hex(X509 *cert, char out[65])
{
	unsigned char md[32];
	unsigned int mdlen = 0;
	out[0] = '\0';
	if (!cert || X509_digest(cert, EVP_sha256(), md, &mdlen) != 1 || mdlen != sizeof md)
		return -1;
	hex32(md, out);
	return 0;
}

void vv_name_text(const X509_NAME *name, char *out, size_t len)
{
	out[0] = 0;
	BIO *bio = BIO_new(BIO_s_mem());
	if (bio && X509_NAME_print_ex(bio, name, 0, XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB) >= 0) {
		int n = BIO_read(bio, out, (int)len - 1);
		out[n > 0 ? n : 0] = 0;
	}
	BIO_free(bio);
}
