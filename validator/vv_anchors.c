/* Trust anchors: the certificates of the CA services of loaded lists (and
 * of anchor files), each with the status timeline of its service, and which
 * of them anchor at a time T.  The list reader (vv_tsl.c, vv_service.c)
 * adds anchors here, the context (vv_ctx.c) keeps them, the chain check
 * (vv_chain.c) and the public iterator below read them: every call goes
 * into this file, none out of it to those. */
#include "vv_internal.h"

#include <stdlib.h>
#include <string.h>
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
};

struct vntl_anchor_iter {
	const vntl_ctx *ctx;
	size_t next;
	int only_trusted;
	vntl_anchor current;
};

vntl_status vntl_anchor_iter_new(const vntl_ctx *ctx, time_t at, int only_trusted,
                                 vntl_anchor_iter **out, vntl_error *err)
{
	if (!ctx || !out)
		return vv_fail(err, VNTL_ERR_USAGE, "usage", "vntl_anchor_iter_new: NULL argument");
	*out = calloc(1, sizeof **out);
	if (!*out)
		return vv_fail(err, VNTL_ERR_INTERNAL, "out-of-memory", "allocating an anchor iterator");
	vv_anchors_decode(ctx);
	(*out)->ctx = ctx;
	(*out)->only_trusted = only_trusted;
	(*out)->current.at = at ? at : time(NULL);
	(*out)->current.language = ctx->language;
	return VNTL_OK;
}

const vntl_anchor *vntl_anchor_iter_next(vntl_anchor_iter *it)
{
	if (!it)
		return NULL;
	while (it->next < it->ctx->n_anchors) {
		const vv_anchor *a = &it->ctx->anchors[it->next++];
		if (!a->cert || (it->only_trusted && !vv_anchor_anchors_at(a, it->current.at)))
			continue;
		it->current.a = a;
		it->current.period = a->periods ? vv_anchor_period_at(a, it->current.at) : NULL;
		if (vv_cert_sha256_hex(a->cert, it->current.sha256) != 0)
			continue; /* "": an anchor no caller could name or match */
		return &it->current;
	}
	return NULL;
}

void vntl_anchor_iter_free(vntl_anchor_iter *it)
{
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
	return an ? an->a->cert : NULL;
}
