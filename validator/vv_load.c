/* Loading one trust list: read or fetch, parse safely, check the signature
 * structure, verify against the pinned signers, validate against the
 * schema, then read the model from the verified tree, and check
 * freshness and sequence. */
#include "vv_internal.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <xmlsec/xmltree.h>

/* Where a list comes from: a file path or an https:// URL (name), or bytes
 * the caller holds (data, with name as its label). */
struct source {
	const char *name;
	const unsigned char *data;
	size_t len;
};

/* A URL is fetched into memory (the bytes may go to the cache); a file is
 * parsed as it is read; bytes in memory are parsed where they are. */
static vntl_status parse_source(const vntl_ctx *ctx, const struct source *from, xmlDocPtr *doc,
                                unsigned char **data, size_t *len, vv_fetch_state *fs,
                                vntl_error *err)
{
	memset(fs, 0, sizeof *fs);
	*doc = NULL;
	const char *src = from->name;
	if (from->data) {
		if (from->len > ctx->max_list_size)
			return vv_fail(err, VNTL_ERR_REFUSED, "size-limit",
			               "%s is %zu bytes, more than the limit of %zu", src, from->len,
			               ctx->max_list_size);
		return vv_parse_xml(from->data, from->len, doc, err);
	}
	if (strncmp(src, "https://", 8) == 0) {
		vntl_status st = vv_fetch(ctx, src, data, len, fs, err);
		return st == VNTL_OK ? vv_parse_xml(*data, *len, doc, err) : st;
	}
	if (strstr(src, "://"))
		return vv_fail(err, VNTL_ERR_USAGE, "insecure-url",
		               "%s: only https:// URLs and file paths are accepted", src);
	return vv_parse_xml_file(src, ctx->max_list_size, doc, err);
}

static void keep_first_schema_error(void *user, xmlErrorPtr e)
{
	char *first = user;
	if (first[0] == 0 && e && e->message) {
		snprintf(first, 256, "line %d: %s", e->line, e->message);
		size_t n = strlen(first);
		if (n && first[n - 1] == '\n')
			first[n - 1] = 0;
	}
}

static vntl_status load_schema(vntl_ctx *ctx, vntl_error *err)
{
	const char *where = ctx->schema_path ? ctx->schema_path : VNTL_SCHEMA_DIR;
	char path[4096];
	struct stat st;
	if (stat(where, &st) == 0 && S_ISDIR(st.st_mode))
		snprintf(path, sizeof path, "%s/%s", where, VV_SCHEMA_FILE);
	else
		snprintf(path, sizeof path, "%s", where);
	if (stat(path, &st) != 0 || !S_ISREG(st.st_mode))
		return vv_fail(err, VNTL_ERR_USAGE, "schema-unavailable",
		               "no TS 119 612 schema at %s: install vntl's schema, pass the schema "
		               "(--schema-dir), or disable schema checking explicitly", path);
	char first[256] = "";
	xmlSchemaParserCtxtPtr pctx = xmlSchemaNewParserCtxt(path);
	if (pctx)
		xmlSchemaSetParserStructuredErrors(pctx, keep_first_schema_error, first);
	ctx->schema = pctx ? xmlSchemaParse(pctx) : NULL;
	xmlSchemaFreeParserCtxt(pctx);
	if (!ctx->schema)
		return vv_fail(err, VNTL_ERR_USAGE, "schema-unavailable", "the schema %s does not load (%s)",
		               path, first);
	return VNTL_OK;
}

static vntl_status validate_schema(vntl_ctx *ctx, xmlDocPtr doc, vntl_error *err)
{
	if (ctx->schema_disabled)
		return VNTL_OK;
	if (!ctx->schema) {
		vntl_status st = load_schema(ctx, err);
		if (st != VNTL_OK)
			return st;
	}
	char first[256] = "";
	xmlSchemaValidCtxtPtr vctx = xmlSchemaNewValidCtxt(ctx->schema);
	if (!vctx)
		return vv_fail(err, VNTL_ERR_INTERNAL, "out-of-memory", "schema validation");
	xmlSchemaSetValidStructuredErrors(vctx, keep_first_schema_error, first);
	int rc = xmlSchemaValidateDoc(vctx, doc);
	xmlSchemaFreeValidCtxt(vctx);
	if (rc != 0)
		return vv_fail(err, VNTL_ERR_REFUSED, "schema-invalid",
		               "the list is not valid against the TS 119 612 schema (%s)", first);
	return VNTL_OK;
}

static vntl_status check_freshness(const vntl_ctx *ctx, const vntl_list_info *info,
                                   vntl_error *err)
{
	time_t now = ctx->list_time ? ctx->list_time : time(NULL);
	char when[32], next[32];
	vv_format_time(now, when, sizeof when);
	if (info->next_update == 0)
		return vv_fail(err, VNTL_ERR_REFUSED, "list-closed",
		               "the list has an empty NextUpdate: its operator has closed it");
	vv_format_time(info->next_update, next, sizeof next);
	if (info->next_update < now)
		return vv_fail(err, VNTL_ERR_REFUSED, "list-expired",
		               "NextUpdate %s has passed (judged at %s): fetch a current list, or judge "
		               "an archived one as of its day", next, when);
	if (info->issued > now)
		return vv_fail(err, VNTL_ERR_REFUSED, "list-not-yet-issued",
		               "the list is issued after %s, the time it is judged at", when);
	return VNTL_OK;
}

static void mute_generic_errors(void *ctx, const char *msg, ...)
{
	(void)ctx;
	(void)msg;
}

/* The model is read on a second thread while the signature is verified;
 * nothing it finds is used unless the signature holds. Two threads may
 * share the tree only while neither writes it, and three things write a
 * parsed document, so all three happen before it is shared:
 *  - xmlSecDSigCtxVerify() starts with xmlSecAddIDs(doc, signature, "Id")
 *    (xmlsec src/xmldsig.c), which xmlAddID()s every attribute named Id
 *    under the signature, in any namespace, that is not registered yet:
 *    the same call made first leaves it nothing to add;
 *  - schema validation xmlAddID()s each attribute the schema types xs:ID
 *    that is not registered yet (libxml2 xmlschemastypes.c,
 *    xmlSchemaValAtomicType), and which those are depends on the schema
 *    the caller chose: it runs here, before the thread starts;
 *  - the first lookup of the xml: namespace creates doc->oldNs
 *    (xmlSearchNs -> xmlTreeEnsureXMLDecl): it is looked up here.
 * After that signature verification (c14n, digests, XPointer id()
 * lookups) and the model (vv_read_list) only read the tree. ThreadSanitizer
 * cannot see inside the uninstrumented libxml2 and xmlsec, which is why
 * this rests on their code rather than on a TSan run alone. */
struct content_job {
	vntl_ctx *ctx;
	xmlDocPtr doc;
	const char *src;
	vv_list *list;
	vntl_error schema_err, model_err;
	vntl_status schema_st, model_st;
};

static void *check_content(void *arg)
{
	struct content_job *job = arg;
	job->model_st = job->schema_st == VNTL_OK
	                ? vv_read_list(job->ctx, job->doc, job->src, job->list, &job->model_err)
	                : VNTL_OK;
	return NULL;
}

/* Every write to the tree that checking it would make (see above). */
static void write_before_sharing(struct content_job *job, xmlNodePtr signature)
{
	static const xmlChar *signature_ids[] = { BAD_CAST "Id", NULL };
	xmlSecAddIDs(job->doc, signature, signature_ids);
	(void)xmlSearchNs(job->doc, xmlDocGetRootElement(job->doc), BAD_CAST "xml");
	job->schema_st = validate_schema(job->ctx, job->doc, &job->schema_err);
}

static vntl_status content_verdict(struct content_job *job, vntl_error *err)
{
	vntl_status st = job->schema_st != VNTL_OK ? job->schema_st : job->model_st;
	if (st != VNTL_OK && err)
		*err = job->schema_st != VNTL_OK ? job->schema_err : job->model_err;
	return st;
}

static vntl_status verify_signature_quietly(xmlDocPtr doc, STACK_OF(X509) *pins,
                                            vv_signature *sig, vntl_error *err)
{
	/* libxml2's canonicalizer prints to the generic error handler (a
	 * per-thread setting); our refusals say what went wrong, so its output
	 * is muted meanwhile. */
	xmlGenericErrorFunc saved_handler = xmlGenericError;
	void *saved_context = xmlGenericErrorContext;
	xmlSetGenericErrorFunc(NULL, mute_generic_errors);
	vntl_status st = vv_verify_signature(doc, pins, sig, err);
	xmlSetGenericErrorFunc(saved_context, saved_handler);
	return st;
}

/* Check the signature's structure, verify it, validate the schema, and
 * read the model.  The model is read from the verified tree: the
 * structure rules leave a single signature, a child of the root, whose one
 * document Reference covers the whole list with only the enveloped and
 * canonicalization transforms, so every node read outside ds:Signature is
 * a node that was digested (parsing the canonical bytes again would read
 * the same tree at twice the cost).  Refusals keep their order: signature,
 * then schema, then the model's own rules. */
static vntl_status verify_document(vntl_ctx *ctx, xmlDocPtr doc, STACK_OF(X509) *pins,
                                   const char *src, vv_list *list, vntl_error *err)
{
	vv_signature sig = { 0 };
	vntl_status st = vv_check_signature_structure(doc, err);
	if (st != VNTL_OK)
		return st;
	struct content_job job = { .ctx = ctx, .doc = doc, .src = src, .list = list };
	write_before_sharing(&job, vv_child(xmlDocGetRootElement(doc), VV_NS_DSIG, "Signature"));
	pthread_t checker;
	int threaded = ctx->threads_allowed &&
	               pthread_create(&checker, NULL, check_content, &job) == 0;
	st = verify_signature_quietly(doc, pins, &sig, err);
	if (threaded)
		pthread_join(checker, NULL);
	else if (st == VNTL_OK)
		check_content(&job);
	if (st == VNTL_OK)
		st = content_verdict(&job, err);
	/* TS 119 612 v2.3.1 (TSL version 6) signs with EN 319 132-1 forms only. */
	if (st == VNTL_OK && list->info.version >= 6 && !sig.signing_certificate_v2)
		st = vv_fail(err, VNTL_ERR_REFUSED, "xades-signing-certificate",
		             "a version %d list must use SigningCertificateV2, not SigningCertificate",
		             list->info.version);
	if (st == VNTL_OK) {
		vv_name_text(X509_get_subject_name(sig.signer), list->info.signer_subject,
		             sizeof list->info.signer_subject);
		snprintf(list->info.warning, sizeof list->info.warning, "%s", sig.warning);
		if (sig.warning[0])
			vv_log(ctx, VNTL_LOG_WARNING, "list-warning", "source=%s warning=%s", src, sig.warning);
	}
	else
		vv_list_clear(list);
	vv_signature_clear(&sig);
	return st;
}

static vntl_status check_list(const vntl_ctx *ctx, const vv_list *list, const char *territory,
                              vntl_error *err)
{
	vntl_status st = check_freshness(ctx, &list->info, err);
	if (st == VNTL_OK && territory && strcmp(territory, list->info.territory) != 0)
		st = vv_fail(err, VNTL_ERR_REFUSED, "pointer-territory-mismatch",
		             "the pointer is for %s but the list is for %s", territory,
		             list->info.territory);
	return st;
}

/* A caller's list info: its size says which fields it has room for. */
static vntl_status check_info_size(const vntl_list_info *info, vntl_error *err)
{
	if (info && (info->size == 0 || info->size > sizeof *info))
		return vv_fail(err, VNTL_ERR_USAGE, "usage",
		               "vntl_list_info.size is %zu: set it to sizeof(vntl_list_info) (%zu in "
		               "libvntl %s)", info->size, sizeof *info, vntl_version());
	return VNTL_OK;
}

static void give_info(vntl_list_info *info, const vntl_list_info *from)
{
	size_t room = info->size;
	memcpy(info, from, room);
	info->size = room;
}

static vntl_status load_with_pins(vntl_ctx *ctx, const struct source *from, STACK_OF(X509) *pins,
                                  const char *territory, vntl_list_info *info, vntl_error *err)
{
	vntl_status checked = check_info_size(info, err);
	if (checked != VNTL_OK)
		return checked;
	const char *src = from->name;
	unsigned char *data = NULL;
	size_t len = 0;
	vv_list list;
	memset(&list, 0, sizeof list);
	vv_fetch_state fs;
	xmlDocPtr doc;
	vntl_status st = parse_source(ctx, from, &doc, &data, &len, &fs, err);
	if (st == VNTL_OK)
		st = verify_document(ctx, doc, pins, src, &list, err);
	xmlFreeDoc(doc);
	list.info.from_cache = fs.from_cache;
	if (st == VNTL_OK)
		st = check_list(ctx, &list, territory, err);
	if (st == VNTL_OK && ctx->cache_dir)
		st = vv_seq_check_and_store(ctx->cache_dir, &list, err);
	if (st == VNTL_OK) /* only an accepted download replaces the cached copy */
		st = vv_fetch_keep(ctx, src, data, len, &fs, err);
	free(data);
	if (st == VNTL_OK && info)
		give_info(info, &list.info);
	if (st == VNTL_OK)
		st = vv_ctx_adopt_list(ctx, &list, err);
	if (st == VNTL_OK)
		vv_log(ctx, VNTL_LOG_INFO, "list-accepted", "source=%s territory=%s sequence=%lld%s", src,
		       list.info.territory, list.info.sequence,
		       fs.from_cache ? " from=cache-after-failed-fetch" : "");
	else
		vv_log(ctx, VNTL_LOG_WARNING, "list-refused", "source=%s rule=%s", src, err ? err->rule : "");
	vv_list_clear(&list);
	return st;
}

vntl_status vntl_ctx_load_list(vntl_ctx *ctx, const char *src, vntl_list_info *info,
                               vntl_error *err)
{
	if (!ctx || !src)
		return vv_fail(err, VNTL_ERR_USAGE, "usage", "vntl_ctx_load_list: NULL argument");
	struct source from = { .name = src };
	return load_with_pins(ctx, &from, ctx->signers, NULL, info, err);
}

vntl_status vntl_ctx_load_list_memory(vntl_ctx *ctx, const void *data, size_t len,
                                      const char *name, vntl_list_info *info, vntl_error *err)
{
	if (!ctx || !data || !name)
		return vv_fail(err, VNTL_ERR_USAGE, "usage", "vntl_ctx_load_list_memory: NULL argument");
	struct source from = { .name = name, .data = data, .len = len };
	return load_with_pins(ctx, &from, ctx->signers, NULL, info, err);
}

static int is_xml_pointer(const vv_pointer *p)
{
	return p->mime[0] == 0 || strstr(p->mime, "xml") != NULL;
}

/* The distinct locations of the loaded XML pointers (of one territory, or
 * all), "A, B, C", for messages that name the choices. */
static void pointer_locations(const vntl_ctx *ctx, const char *territory, char *out, size_t len)
{
	size_t used = 0;
	out[0] = 0;
	for (size_t i = 0; i < ctx->n_pointers; i++) {
		const vv_pointer *p = &ctx->pointers[i];
		int seen = 0;
		for (size_t j = 0; j < i && !seen; j++)
			seen = strcmp(ctx->pointers[j].location, p->location) == 0;
		if (seen || !is_xml_pointer(p) || (territory && strcmp(p->territory, territory) != 0))
			continue;
		int n = snprintf(out + used, len - used, "%s%s", used ? ", " : "", p->location);
		if (n < 0 || (size_t)n >= len - used)
			break;
		used += (size_t)n;
	}
}

/* Load what ptr points to, from src or its TSLLocation, pinned to the
 * pointer's certificates and checked to be of the pointer's territory. */
static vntl_status load_from_pointer(vntl_ctx *ctx, const vv_pointer *ptr, const char *src,
                                     vntl_list_info *info, vntl_error *err)
{
	char location[sizeof ptr->location];
	snprintf(location, sizeof location, "%s", src ? src : ptr->location);
	STACK_OF(X509) *pins = sk_X509_dup(ptr->certs); /* ptr may move when ctx grows */
	if (!pins)
		return vv_fail(err, VNTL_ERR_INTERNAL, "out-of-memory", "copying pointer certificates");
	for (int i = 0; i < sk_X509_num(pins); i++)
		X509_up_ref(sk_X509_value(pins, i));
	char terr[8];
	snprintf(terr, sizeof terr, "%s", ptr->territory);
	struct source from = { .name = location };
	vntl_status st = load_with_pins(ctx, &from, pins, terr, info, err);
	sk_X509_pop_free(pins, X509_free);
	return st;
}

vntl_status vntl_ctx_load_pointed_list(vntl_ctx *ctx, const char *territory, const char *src,
                                       vntl_list_info *info, vntl_error *err)
{
	if (!ctx || !territory)
		return vv_fail(err, VNTL_ERR_USAGE, "usage", "vntl_ctx_load_pointed_list: NULL argument");
	const vv_pointer *ptr = NULL;
	for (size_t i = 0; i < ctx->n_pointers; i++) {
		const vv_pointer *p = &ctx->pointers[i];
		if (strcmp(p->territory, territory) != 0 || !is_xml_pointer(p))
			continue;
		if (ptr && strcmp(ptr->location, p->location) != 0) {
			char choices[600];
			pointer_locations(ctx, territory, choices, sizeof choices);
			return vv_fail(err, VNTL_ERR_USAGE, "pointer-ambiguous",
			               "the loaded pointer lists point to several lists for territory %s "
			               "(%s); name one by its location", territory, choices);
		}
		if (!ptr)
			ptr = p;
	}
	if (!ptr)
		return vv_fail(err, VNTL_ERR_USAGE, "pointer-missing",
		               "no loaded pointer list points to an XML list for territory %s; load "
		               "the list of lists first", territory);
	return load_from_pointer(ctx, ptr, src, info, err);
}

vntl_status vntl_ctx_load_pointed_location(vntl_ctx *ctx, const char *location, const char *src,
                                           vntl_list_info *info, vntl_error *err)
{
	if (!ctx || !location)
		return vv_fail(err, VNTL_ERR_USAGE, "usage",
		               "vntl_ctx_load_pointed_location: NULL argument");
	for (size_t i = 0; i < ctx->n_pointers; i++)
		if (strcmp(ctx->pointers[i].location, location) == 0 && is_xml_pointer(&ctx->pointers[i]))
			return load_from_pointer(ctx, &ctx->pointers[i], src, info, err);
	char choices[600];
	pointer_locations(ctx, NULL, choices, sizeof choices);
	return vv_fail(err, VNTL_ERR_USAGE, "pointer-missing",
	               "no loaded pointer list points to %.200s%s%s%s", location,
	               choices[0] ? " (they point to: " : "; load the list of lists first",
	               choices, choices[0] ? ")" : "");
}

size_t vntl_ctx_pointer_location_prefix(const vntl_ctx *ctx, const char *value)
{
	size_t best = 0;
	if (!ctx || !value)
		return 0;
	for (size_t i = 0; i < ctx->n_pointers; i++) {
		size_t n = strlen(ctx->pointers[i].location);
		if (n > best && strncmp(value, ctx->pointers[i].location, n) == 0 &&
		    (value[n] == 0 || value[n] == '='))
			best = n;
	}
	return best;
}

/* The certificates of every XML pointer to `location`, in order. */
static X509 *pointer_signer(const vntl_ctx *ctx, const char *location, size_t want, size_t *count)
{
	size_t n = 0;
	for (size_t i = 0; ctx && location && i < ctx->n_pointers; i++) {
		const vv_pointer *p = &ctx->pointers[i];
		if (strcmp(p->location, location) != 0 || !is_xml_pointer(p))
			continue;
		for (int j = 0; j < sk_X509_num(p->certs); j++, n++)
			if (n == want)
				return sk_X509_value(p->certs, j);
	}
	if (count)
		*count = n;
	return NULL;
}

size_t vntl_ctx_pointer_signer_count(const vntl_ctx *ctx, const char *location)
{
	size_t n = 0;
	pointer_signer(ctx, location, SIZE_MAX, &n);
	return n;
}

X509 *vntl_ctx_pointer_signer(const vntl_ctx *ctx, const char *location, size_t i)
{
	return i == SIZE_MAX ? NULL : pointer_signer(ctx, location, i, NULL);
}
