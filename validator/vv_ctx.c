/* The validation context: configuration, pinned signers, and the anchors
 * and pointers of every list accepted so far. */
#include "vv_internal.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

vntl_status vntl_init(vntl_error *err)
{
	if (!vv_global_init())
		return vv_fail(err, VNTL_ERR_INTERNAL, "library-init",
		               "xmlsec could not be initialised with its OpenSSL backend");
	return VNTL_OK;
}

vntl_status vntl_ctx_new(vntl_ctx **out, vntl_error *err)
{
	if (!out)
		return vv_fail(err, VNTL_ERR_USAGE, "usage", "vntl_ctx_new: out is NULL");
	*out = NULL;
	vntl_status st = vntl_init(err);
	if (st != VNTL_OK)
		return st;
	vntl_ctx *ctx = calloc(1, sizeof *ctx);
	if (!ctx)
		return vv_fail(err, VNTL_ERR_INTERNAL, "out-of-memory", "allocating a context");
	ctx->max_list_size = 128u << 20;
	ctx->log_min = VNTL_LOG_INFO;
	if (pthread_mutex_init(&ctx->anchors_lock, NULL) != 0) {
		free(ctx);
		return vv_fail(err, VNTL_ERR_INTERNAL, "out-of-memory", "allocating a context");
	}
	ctx->signers = sk_X509_new_null();
	ctx->inputs = vv_input_cache_new();
	if (!ctx->signers || !ctx->inputs) {
		vntl_ctx_free(ctx);
		return vv_fail(err, VNTL_ERR_INTERNAL, "out-of-memory", "allocating a context");
	}
	*out = ctx;
	return VNTL_OK;
}

void vntl_ctx_free(vntl_ctx *ctx)
{
	if (!ctx)
		return;
	free(ctx->schema_path);
	if (ctx->schema)
		xmlSchemaFree(ctx->schema);
	free(ctx->cache_dir);
	free(ctx->tls_ca_file);
	sk_X509_pop_free(ctx->signers, X509_free);
	for (size_t i = 0; i < ctx->n_anchors; i++)
		vv_anchor_clear(&ctx->anchors[i]);
	free(ctx->anchors);
	for (size_t i = 0; i < ctx->n_pointers; i++)
		vv_pointer_clear(&ctx->pointers[i]);
	free(ctx->pointers);
	for (size_t i = 0; i < ctx->n_sources; i++)
		free(ctx->sources[i]);
	free(ctx->sources);
	free(ctx->by_subject);
	vv_input_cache_free(ctx->inputs);
	pthread_mutex_destroy(&ctx->anchors_lock);
	free(ctx);
}

static vntl_status set_string(char **slot, const char *value, vntl_error *err)
{
	char *copy = value ? strdup(value) : NULL;
	if (value && !copy)
		return vv_fail(err, VNTL_ERR_INTERNAL, "out-of-memory", "copying an option");
	free(*slot);
	*slot = copy;
	return VNTL_OK;
}

/* The cache's and the schema's file names go below these directories in
 * PATH_MAX buffers: a directory that leaves no room for them is refused
 * here, so that no path built from it is ever cut short. */
static vntl_status check_dir_length(const char *what, const char *dir, vntl_error *err)
{
	if (strlen(dir) <= VV_DIR_MAX)
		return VNTL_OK;
	return vv_fail(err, VNTL_ERR_USAGE, "path-too-long", "%s: the path is too long (at most %d bytes)", what,
	               VV_DIR_MAX);
}

vntl_status vntl_ctx_set_schema(vntl_ctx *ctx, const char *path, vntl_error *err)
{
	if (!ctx || !path)
		return vv_fail(err, VNTL_ERR_USAGE, "usage", "vntl_ctx_set_schema: NULL argument");
	if (check_dir_length("schema", path, err) != VNTL_OK)
		return VNTL_ERR_USAGE;
	if (ctx->schema) {
		xmlSchemaFree(ctx->schema);
		ctx->schema = NULL;
	}
	ctx->schema_disabled = 0;
	return set_string(&ctx->schema_path, path, err);
}

void vntl_ctx_disable_schema(vntl_ctx *ctx)
{
	if (ctx)
		ctx->schema_disabled = 1;
}

vntl_status vntl_ctx_set_cache_dir(vntl_ctx *ctx, const char *dir, vntl_error *err)
{
	if (!ctx || !dir)
		return vv_fail(err, VNTL_ERR_USAGE, "usage", "vntl_ctx_set_cache_dir: NULL argument");
	if (check_dir_length("cache directory", dir, err) != VNTL_OK)
		return VNTL_ERR_USAGE;
	if (mkdir(dir, 0700) != 0 && errno != EEXIST)
		return vv_fail(err, VNTL_ERR_INPUT, "cache-unusable", "cannot create cache directory %s: %s",
		               dir, strerror(errno));
	return set_string(&ctx->cache_dir, dir, err);
}

vntl_status vntl_ctx_set_tls_ca_file(vntl_ctx *ctx, const char *pem_file, vntl_error *err)
{
	if (!ctx || !pem_file)
		return vv_fail(err, VNTL_ERR_USAGE, "usage", "vntl_ctx_set_tls_ca_file: NULL argument");
	return set_string(&ctx->tls_ca_file, pem_file, err);
}

void vntl_ctx_set_list_time(vntl_ctx *ctx, time_t at)
{
	if (ctx)
		ctx->list_time = at;
}

void vntl_ctx_set_max_list_size(vntl_ctx *ctx, size_t bytes)
{
	if (ctx && bytes > 0)
		ctx->max_list_size = bytes;
}

vntl_status vntl_ctx_add_signer_file(vntl_ctx *ctx, const char *cert_file, vntl_error *err)
{
	if (!ctx || !cert_file)
		return vv_fail(err, VNTL_ERR_USAGE, "usage", "vntl_ctx_add_signer_file: NULL argument");
	return vv_load_certs(cert_file, ctx->signers, err);
}

vntl_status vntl_ctx_use_vntl_profile(vntl_ctx *ctx, vntl_error *err)
{
	if (!ctx)
		return vv_fail(err, VNTL_ERR_USAGE, "usage", "vntl_ctx_use_vntl_profile: NULL argument");
	xmlSchemaPtr profile = vv_profile_compile();
	if (!profile)
		return vv_fail(err, VNTL_ERR_INTERNAL, "schema-unavailable",
		               "vntl's built-in profile does not compile");
	if (ctx->schema)
		xmlSchemaFree(ctx->schema);
	ctx->schema = profile;
	ctx->schema_disabled = 0;
	return VNTL_OK;
}

vntl_status vntl_ctx_add_signer_der(vntl_ctx *ctx, const unsigned char *der, size_t len,
                                    vntl_error *err)
{
	if (!ctx || !der)
		return vv_fail(err, VNTL_ERR_USAGE, "usage", "vntl_ctx_add_signer_der: NULL argument");
	const unsigned char *p = der;
	X509 *cert = d2i_X509(NULL, &p, (long)len);
	if (!cert || p != der + len) {
		X509_free(cert);
		return vv_fail(err, VNTL_ERR_INPUT, "certificate-unreadable",
		               "the signer certificate is not one DER certificate");
	}
	if (!sk_X509_push(ctx->signers, cert)) {
		X509_free(cert);
		return vv_fail(err, VNTL_ERR_INTERNAL, "out-of-memory", "storing a signer");
	}
	return VNTL_OK;
}

static vntl_status push_anchor(vntl_ctx *ctx, vv_anchor *a, vntl_error *err)
{
	vv_anchor *slot = vv_anchor_append(&ctx->anchors, &ctx->n_anchors, &ctx->cap_anchors);
	if (!slot)
		return vv_fail(err, VNTL_ERR_INTERNAL, "out-of-memory", "storing anchors");
	*slot = *a;
	memset(a, 0, sizeof *a);
	return VNTL_OK;
}

static vntl_status push_pointer(vntl_ctx *ctx, vv_pointer *p, vntl_error *err)
{
	if (ctx->n_pointers == ctx->cap_pointers) {
		size_t cap = ctx->cap_pointers ? 2 * ctx->cap_pointers : 16;
		vv_pointer *grown = realloc(ctx->pointers, cap * sizeof *grown);
		if (!grown)
			return vv_fail(err, VNTL_ERR_INTERNAL, "out-of-memory", "storing pointers");
		ctx->pointers = grown;
		ctx->cap_pointers = cap;
	}
	ctx->pointers[ctx->n_pointers++] = *p;
	memset(p, 0, sizeof *p);
	return VNTL_OK;
}

/* The context keeps the string anchors name their source with. */
static vntl_status keep_source(vntl_ctx *ctx, char *source, vntl_error *err)
{
	char **grown = realloc(ctx->sources, (ctx->n_sources + 1) * sizeof *grown);
	if (!grown)
		return vv_fail(err, VNTL_ERR_INTERNAL, "out-of-memory", "storing anchors");
	ctx->sources = grown;
	ctx->sources[ctx->n_sources++] = source;
	return VNTL_OK;
}

/* Move what an accepted list says into the context. */
vntl_status vv_ctx_adopt_list(vntl_ctx *ctx, vv_list *list, vntl_error *err)
{
	vntl_status st = list->source ? keep_source(ctx, list->source, err) : VNTL_OK;
	if (st != VNTL_OK)
		return st;
	list->source = NULL;
	if (ctx->n_anchors == 0) { /* the first list's anchors move in whole */
		free(ctx->anchors);
		ctx->anchors = list->anchors;
		ctx->n_anchors = list->n_anchors;
		ctx->cap_anchors = list->cap_anchors;
		list->anchors = NULL;
		list->n_anchors = list->cap_anchors = 0;
	}
	for (size_t i = 0; i < list->n_anchors && st == VNTL_OK; i++)
		st = push_anchor(ctx, &list->anchors[i], err);
	for (size_t i = 0; i < list->n_pointers && st == VNTL_OK; i++)
		st = push_pointer(ctx, &list->pointers[i], err);
	return st;
}

vntl_status vntl_ctx_add_anchor_file(vntl_ctx *ctx, const char *cert_file, vntl_error *err)
{
	if (!ctx || !cert_file)
		return vv_fail(err, VNTL_ERR_USAGE, "usage", "vntl_ctx_add_anchor_file: NULL argument");
	STACK_OF(X509) *certs = sk_X509_new_null();
	if (!certs)
		return vv_fail(err, VNTL_ERR_INTERNAL, "out-of-memory", "loading anchors");
	vntl_status st = vv_load_certs(cert_file, certs, err);
	char *label = NULL;
	if (st == VNTL_OK && (asprintf(&label, "anchor file %s", cert_file) < 0 ||
	                      (st = keep_source(ctx, label, err)) != VNTL_OK)) {
		if (st == VNTL_OK)
			st = vv_fail(err, VNTL_ERR_INTERNAL, "out-of-memory", "loading anchors");
		else
			free(label);
	}
	while (st == VNTL_OK && sk_X509_num(certs) > 0) {
		vv_anchor a = { .source = label };
		vv_anchor_set_cert(&a, sk_X509_shift(certs));
		st = push_anchor(ctx, &a, err);
		if (st != VNTL_OK)
			X509_free(a.cert);
	}
	sk_X509_pop_free(certs, X509_free);
	return st;
}

void vntl_ctx_set_log(vntl_ctx *ctx, vntl_log_fn fn, void *userdata)
{
	if (!ctx)
		return;
	ctx->log_fn = fn;
	ctx->log_userdata = userdata;
}

void vntl_ctx_set_log_level(vntl_ctx *ctx, vntl_log_level min_level)
{
	if (ctx)
		ctx->log_min = min_level;
}

void vntl_ctx_set_threads(vntl_ctx *ctx, int allow)
{
	if (ctx)
		ctx->threads_allowed = allow != 0;
}

void vntl_ctx_set_fetch_timeouts(vntl_ctx *ctx, long connect_seconds, long total_seconds)
{
	if (!ctx)
		return;
	ctx->connect_timeout = connect_seconds > 0 ? connect_seconds : 0;
	ctx->total_timeout = total_seconds > 0 ? total_seconds : 0;
}

void vntl_ctx_set_language(vntl_ctx *ctx, vntl_language lang)
{
	if (ctx)
		ctx->language = lang == VNTL_LANG_VI ? VNTL_LANG_VI : VNTL_LANG_EN;
}
