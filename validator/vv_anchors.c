/* Trust anchors: the certificates of the CA services of loaded lists (and
 * of anchor files), each with the status timeline of its service, and which
 * of them anchor at a time T.  The list reader (vv_tsl.c, vv_service.c)
 * adds anchors here, the context (vv_ctx.c) keeps them, the chain check
 * (vv_chain.c) and the public iterator below read them: every call goes
 * into this file, none out of it to those. */
#include "vv_internal.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <openssl/x509v3.h>

/* Statuses under which a service anchors: eIDAS granted / national
 * recognition, and the pre-eIDAS "acceptable" ones. */
int vv_status_anchors(const char *uri)
{
	static const char *const ok[] = { "granted", "recognisedatnationallevel", "setbynationallaw",
		"undersupervision", "supervisionincessation", "accredited", NULL };
	if (strncmp(uri, VV_STATUS_PREFIX, strlen(VV_STATUS_PREFIX)) != 0)
		return 0;
	for (const char *const *s = ok; *s; s++)
		if (strcmp(uri + strlen(VV_STATUS_PREFIX), *s) == 0)
			return 1;
	return 0;
}

const vv_status_period *vv_anchor_period_at(const vv_anchor *a, time_t at)
{
	const vv_status_period *best = NULL;
	for (size_t i = 0; i < a->n_periods; i++)
		if (a->periods[i].start <= at && (!best || a->periods[i].start > best->start))
			best = &a->periods[i];
	return best;
}

int vv_anchor_anchors_at(const vv_anchor *a, time_t at)
{
	if (!a->periods)
		return 1; /* a plain anchor (anchor file) anchors at any time */
	const vv_status_period *p = vv_anchor_period_at(a, at);
	return p && vv_status_anchors(p->status);
}

vv_anchor *vv_anchor_append(vv_anchor **anchors, size_t *n, size_t *cap)
{
	if (*n == *cap) {
		size_t grown_cap = *cap ? 2 * *cap : 16;
		vv_anchor *grown = realloc(*anchors, grown_cap * sizeof *grown);
		if (!grown)
			return NULL;
		*anchors = grown;
		*cap = grown_cap;
	}
	vv_anchor *a = &(*anchors)[(*n)++];
	memset(a, 0, sizeof *a);
	return a;
}

void vv_anchor_set_cert(vv_anchor *a, X509 *cert)
{
	a->cert = cert;
	/* OpenSSL caches a certificate's extensions on its first use and tests
	 * its "done" flag without a lock: filled here, before any chain check
	 * can see the anchor (set up by the loading thread, or under
	 * anchors_lock), checking threads only read them. */
	if (cert)
		X509_check_purpose(cert, -1, 0);
	a->subject_hash = cert ? X509_subject_name_hash(cert) : 0;
	a->issuer_hash = cert ? X509_issuer_name_hash(cert) : 0;
}

void vv_anchor_clear(vv_anchor *a)
{
	X509_free(a->cert);
	free(a->der);
	free(a->periods);
	vv_names_free(&a->provider);
	vv_names_free(&a->service);
	memset(a, 0, sizeof *a);
}

static int by_hash(const void *a, const void *b)
{
	const struct vv_name_index *x = a, *y = b;
	if (x->hash != y->hash)
		return x->hash < y->hash ? -1 : 1;
	return x->anchor < y->anchor ? -1 : x->anchor > y->anchor;
}

/* Without memory for the index every chain check finds nothing by name and
 * falls back to scanning all anchors (see vv_chain.c). */
static void index_anchors(vntl_ctx *ctx)
{
	struct vv_name_index *idx = realloc(ctx->by_subject,
	                                    (ctx->n_anchors ? ctx->n_anchors : 1) * sizeof *idx);
	ctx->n_by_subject = 0;
	if (!idx)
		return;
	ctx->by_subject = idx;
	for (size_t i = 0; i < ctx->n_anchors; i++)
		if (ctx->anchors[i].cert)
			idx[ctx->n_by_subject++] = (struct vv_name_index){ ctx->anchors[i].subject_hash, i };
	qsort(idx, ctx->n_by_subject, sizeof *idx, by_hash);
}

size_t vv_anchors_named(const vntl_ctx *ctx, unsigned long h, const struct vv_name_index **first)
{
	size_t lo = 0, hi = ctx->n_by_subject;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (ctx->by_subject[mid].hash < h)
			lo = mid + 1;
		else
			hi = mid;
	}
	size_t end = lo;
	while (end < ctx->n_by_subject && ctx->by_subject[end].hash == h)
		end++;
	*first = ctx->by_subject ? &ctx->by_subject[lo] : NULL;
	return end - lo;
}

void vv_anchors_decode(const vntl_ctx *ctx)
{
	/* The context is const to its readers but owns its lock and the lazily
	 * filled certificates; it is always heap-allocated, never const. */
	vntl_ctx *mut = (vntl_ctx *)ctx;
	pthread_mutex_lock(&mut->anchors_lock);
	for (size_t i = mut->n_decoded; i < mut->n_anchors; i++) {
		vv_anchor *a = &mut->anchors[i];
		if (!a->cert && a->der) {
			const unsigned char *p = a->der;
			vv_anchor_set_cert(a, d2i_X509(NULL, &p, (long)a->der_len));
			free(a->der);
			a->der = NULL;
			a->der_len = 0;
		}
	}
	/* Rebuilt only when anchors were added, which never happens while
	 * chain checks run: checks read the index without the lock. */
	if (mut->n_decoded != mut->n_anchors)
		index_anchors(mut);
	mut->n_decoded = mut->n_anchors;
	pthread_mutex_unlock(&mut->anchors_lock);
}

const vv_anchor *vv_anchors_find(const vntl_ctx *ctx, X509 *cert, time_t at, int trusted)
{
	const vv_anchor *fallback = NULL;
	for (size_t i = 0; i < ctx->n_anchors; i++) {
		const vv_anchor *a = &ctx->anchors[i];
		if (!a->cert || X509_cmp(a->cert, cert) != 0)
			continue;
		if (vv_anchor_anchors_at(a, at) == trusted)
			return a;
		fallback = a;
	}
	return fallback;
}

/* --- the public iterator ------------------------------------------------ */

struct vntl_anchor {
	const vv_anchor *a;
	const vv_status_period *period; /* at T; NULL for a plain anchor or before the first */
	time_t at;
	vntl_language language; /* of the names */
	char sha256[65];
	X509 *cert;             /* the context's; NULL from an iterator that does not decode */
	unsigned char *der;     /* the iterator's copy of the certificate */
	size_t der_len, der_cap;
	vv_der_cert fields;
};

struct vntl_anchor_iter {
	const vntl_ctx *ctx;
	size_t next;
	int only_trusted;
	int decode; /* vntl_anchor_iter_new: every anchor decoded first */
	vntl_anchor current;
};

static vntl_status iter_new(const vntl_ctx *ctx, time_t at, int only_trusted, int decode,
                            vntl_anchor_iter **out, vntl_error *err)
{
	if (!ctx || !out)
		return vv_fail(err, VNTL_ERR_USAGE, "usage", "vntl_anchor_iter_new: NULL argument");
	*out = calloc(1, sizeof **out);
	if (!*out)
		return vv_fail(err, VNTL_ERR_INTERNAL, "out-of-memory", "allocating an anchor iterator");
	if (decode)
		vv_anchors_decode(ctx);
	(*out)->ctx = ctx;
	(*out)->only_trusted = only_trusted;
	(*out)->decode = decode;
	(*out)->current.at = at ? at : time(NULL);
	(*out)->current.language = ctx->language;
	return VNTL_OK;
}

vntl_status vntl_anchor_iter_new(const vntl_ctx *ctx, time_t at, int only_trusted,
                                 vntl_anchor_iter **out, vntl_error *err)
{
	return iter_new(ctx, at, only_trusted, 1, out, err);
}

vntl_status vntl_anchor_iter_new_der(const vntl_ctx *ctx, time_t at, int only_trusted,
                                     vntl_anchor_iter **out, vntl_error *err)
{
	return iter_new(ctx, at, only_trusted, 0, out, err);
}

static int copy_der(vntl_anchor *cur, const unsigned char *der, size_t len)
{
	if (len > cur->der_cap) {
		unsigned char *grown = realloc(cur->der, len);
		if (!grown)
			return -1;
		cur->der = grown;
		cur->der_cap = len;
	}
	memcpy(cur->der, der, len);
	cur->der_len = len;
	return 0;
}

/* The DER of a decoded certificate into cur. */
static int encode_der(vntl_anchor *cur, X509 *cert)
{
	unsigned char *der = NULL;
	int len = i2d_X509(cert, &der);
	int rc = len > 0 ? copy_der(cur, der, (size_t)len) : -1;
	OPENSSL_free(der);
	return rc;
}

/* Anchor a as decoded by the context: 0, or -1 when its DER did not decode. */
static int take_decoded(vntl_anchor *cur, const vv_anchor *a)
{
	if (!a->cert || encode_der(cur, a->cert) != 0)
		return -1;
	cur->cert = a->cert;
	struct tm before, after;
	cur->fields = (vv_der_cert){ .subject_hash = a->subject_hash };
	cur->fields.times_ok = ASN1_TIME_to_tm(X509_get0_notBefore(a->cert), &before) == 1 &&
	                       ASN1_TIME_to_tm(X509_get0_notAfter(a->cert), &after) == 1;
	if (cur->fields.times_ok) {
		cur->fields.not_before = timegm(&before);
		cur->fields.not_after = timegm(&after);
	}
	return vv_cert_sha256_hex(a->cert, cur->sha256);
}

/* Anchor a read from its DER, left undecoded (or encoded again when a
 * chain check decoded it meanwhile: the lock guards that exchange). 0, or
 * -1 when it is not a certificate, which the decoding iterator skips too. */
static int take_der(const vntl_ctx *ctx, vntl_anchor *cur, const vv_anchor *a)
{
	vntl_ctx *mut = (vntl_ctx *)ctx; /* see vv_anchors_decode */
	pthread_mutex_lock(&mut->anchors_lock);
	int rc = a->cert ? encode_der(cur, a->cert) : a->der ? copy_der(cur, a->der, a->der_len) : -1;
	pthread_mutex_unlock(&mut->anchors_lock);
	cur->cert = NULL;
	if (rc != 0 || vv_der_cert_read(cur->der, cur->der_len, &cur->fields) != 0)
		return -1;
	return vv_sha256_hex(cur->der, cur->der_len, cur->sha256);
}

const vntl_anchor *vntl_anchor_iter_next(vntl_anchor_iter *it)
{
	if (!it)
		return NULL;
	vntl_anchor *cur = &it->current;
	while (it->next < it->ctx->n_anchors) {
		const vv_anchor *a = &it->ctx->anchors[it->next++];
		if (it->only_trusted && !vv_anchor_anchors_at(a, cur->at))
			continue;
		/* one that fails has no SHA-256 (""): an anchor no caller could
		 * name or match */
		if ((it->decode ? take_decoded(cur, a) : take_der(it->ctx, cur, a)) != 0)
			continue;
		cur->a = a;
		cur->period = a->periods ? vv_anchor_period_at(a, cur->at) : NULL;
		return cur;
	}
	return NULL;
}

void vntl_anchor_iter_free(vntl_anchor_iter *it)
{
	if (it)
		free(it->current.der);
	free(it);
}

const char *vntl_anchor_list(const vntl_anchor *an)
{
	return an && an->a->source ? an->a->source : "";
}

const char *vntl_anchor_provider(const vntl_anchor *an)
{
	return an && an->a->provider.in[an->language] ? an->a->provider.in[an->language] : "";
}

const char *vntl_anchor_service(const vntl_anchor *an)
{
	return an && an->a->service.in[an->language] ? an->a->service.in[an->language] : "";
}

const char *vntl_anchor_status(const vntl_anchor *an)
{
	return an && an->period ? an->period->status : "";
}

time_t vntl_anchor_status_since(const vntl_anchor *an)
{
	return an && an->period ? an->period->start : 0;
}

int vntl_anchor_trusted(const vntl_anchor *an)
{
	return an ? vv_anchor_anchors_at(an->a, an->at) : 0;
}

const char *vntl_anchor_sha256(const vntl_anchor *an)
{
	return an ? an->sha256 : "";
}

struct x509_st *vntl_anchor_cert(const vntl_anchor *an)
{
	return an ? an->cert : NULL;
}

const unsigned char *vntl_anchor_der(const vntl_anchor *an, size_t *len)
{
	if (len)
		*len = an ? an->der_len : 0;
	return an ? an->der : NULL;
}

unsigned long vntl_anchor_subject_hash(const vntl_anchor *an)
{
	return an ? an->fields.subject_hash : 0;
}

int vntl_anchor_validity(const vntl_anchor *an, time_t *not_before, time_t *not_after)
{
	if (!an || !an->fields.times_ok)
		return -1;
	if (not_before)
		*not_before = an->fields.not_before;
	if (not_after)
		*not_after = an->fields.not_after;
	return 0;
}
