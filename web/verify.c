/* Verifying lists with libvntl before they are served (see verify.h). */
#include "web/verify.h"

#include "common/rfc3339.h"
#include "web/log.h"
#include "web/publication.h"

#include <libxml/parser.h>
#include <libxml/xpath.h>
#include <libxml/xpathInternals.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vntl.h"

/* A vntl_ctx keeps every list it accepted (anchors, pointers): it is
 * replaced after this many so that memory stays flat however many archive
 * versions are verified. */
#define CTX_LISTS_MAX 32

struct verified_slot {
	char name[64];
	char sha256[65];
	signed char verdict; /* 1 verified, 0 refused; name[0] == 0: empty */
};

/* Certificates with what each is to relying parties; der[i] OPENSSL_malloc'd. */
struct signer_set {
	unsigned char **der;
	size_t *len;
	enum web_signer_role *role;
	size_t count;
};

struct web_verifier {
	pthread_mutex_t lock;       /* libvntl loading is not thread-safe on one ctx */
	vntl_ctx *ctx;
	unsigned ctx_lists;
	struct signer_set configured; /* server.signer_cert */
	struct signer_set pinned;     /* configured + the registry's: what lists are checked with */
	pthread_mutex_t slots_lock;
	struct verified_slot *slots;
};

static void set_free(struct signer_set *set)
{
	for (size_t i = 0; i < set->count; i++)
		OPENSSL_free(set->der[i]);
	free(set->der);
	free(set->len);
	free(set->role);
	memset(set, 0, sizeof *set);
}

static int set_add_der(struct signer_set *set, const unsigned char *der, size_t len, enum web_signer_role role)
{
	unsigned char **ders = realloc(set->der, (set->count + 1) * sizeof *ders);
	if (ders)
		set->der = ders;
	size_t *lens = realloc(set->len, (set->count + 1) * sizeof *lens);
	if (lens)
		set->len = lens;
	enum web_signer_role *roles = realloc(set->role, (set->count + 1) * sizeof *roles);
	if (roles)
		set->role = roles;
	unsigned char *copy = ders && lens && roles ? OPENSSL_memdup(der, len) : NULL;
	if (!copy)
		return -1;
	set->der[set->count] = copy;
	set->len[set->count] = len;
	set->role[set->count++] = role;
	return 0;
}

static int set_find(const struct signer_set *set, const unsigned char *der, size_t len)
{
	for (size_t i = 0; i < set->count; i++)
		if (set->len[i] == len && memcmp(set->der[i], der, len) == 0)
			return (int)i;
	return -1;
}

static int set_equal(const struct signer_set *a, const struct signer_set *b)
{
	if (a->count != b->count)
		return 0;
	for (size_t i = 0; i < a->count; i++)
		if (a->role[i] != b->role[i] || a->len[i] != b->len[i] || memcmp(a->der[i], b->der[i], a->len[i]) != 0)
			return 0;
	return 1;
}

static int add_signer(struct signer_set *set, X509 *cert)
{
	unsigned char *der = NULL;
	int len = i2d_X509(cert, &der);
	int rc = len > 0 ? set_add_der(set, der, (size_t)len, WEB_SIGNER_CURRENT) : -1;
	OPENSSL_free(der);
	return rc;
}

/* PEM (one or more certificates) or one DER certificate. */
static int read_signers(struct signer_set *set, const char *path, char *err, size_t errlen)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		snprintf(err, errlen, "server.signer_cert %s: cannot be read", path);
		return -1;
	}
	X509 *cert;
	int rc = 0;
	while (rc == 0 && (cert = PEM_read_X509(f, NULL, NULL, NULL)) != NULL) {
		rc = add_signer(set, cert);
		X509_free(cert);
	}
	if (rc == 0 && set->count == 0) {
		rewind(f);
		cert = d2i_X509_fp(f, NULL);
		rc = cert ? add_signer(set, cert) : -1;
		X509_free(cert);
	}
	fclose(f);
	ERR_clear_error();
	if (rc != 0 || set->count == 0) {
		snprintf(err, errlen, "server.signer_cert %s: no certificate (PEM or DER) in it", path);
		return -1;
	}
	return 0;
}

/* libvntl's warnings (a list refused, a fetch fallen back to the cache) in
 * vntld's own log format; its routine events stay out of the log, since
 * vntld logs what it does with a publication itself. */
static void log_validator_event(void *userdata, vntl_log_level level, const char *event,
                                const char *message)
{
	(void)userdata;
	char quoted[1024];
	size_t n = 0;
	for (const char *p = message; *p && n + 1 < sizeof quoted; p++)
		quoted[n++] = *p == '"' ? '\'' : *p;
	quoted[n] = 0;
	web_log(level >= VNTL_LOG_ERROR ? "error" : "warn", "validator", "what=%s msg=\"%s\"", event,
	        quoted);
}

static vntl_status new_ctx(struct web_verifier *v, vntl_error *verr)
{
	vntl_ctx *ctx = NULL;
	vntl_status st = vntl_ctx_new(&ctx, verr);
	if (st == VNTL_OK) {
		vntl_ctx_set_log(ctx, log_validator_event, NULL);
		vntl_ctx_set_log_level(ctx, VNTL_LOG_WARNING);
		vntl_ctx_set_threads(ctx, 1); /* vntld consents: faster checks of large lists */
		st = vntl_ctx_use_vntl_profile(ctx, verr);
	}
	for (size_t i = 0; st == VNTL_OK && i < v->pinned.count; i++)
		st = vntl_ctx_add_signer_der(ctx, v->pinned.der[i], v->pinned.len[i], verr);
	if (st != VNTL_OK) {
		vntl_ctx_free(ctx);
		return st;
	}
	vntl_ctx_free(v->ctx);
	v->ctx = ctx;
	v->ctx_lists = 0;
	return VNTL_OK;
}

int web_verifier_new(const char *signer_cert, struct web_verifier **out, char *err, size_t errlen)
{
	*out = NULL;
	struct web_verifier *v = calloc(1, sizeof *v);
	if (!v || !(v->slots = calloc(WEB_VERIFIED_SLOTS, sizeof *v->slots))) {
		free(v);
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	pthread_mutex_init(&v->lock, NULL);
	pthread_mutex_init(&v->slots_lock, NULL);
	vntl_error verr = {"", ""};
	if (read_signers(&v->configured, signer_cert, err, errlen) != 0 ||
	    read_signers(&v->pinned, signer_cert, err, errlen) != 0) {
		web_verifier_free(v);
		return -1;
	}
	if (new_ctx(v, &verr) != VNTL_OK) {
		snprintf(err, errlen, "server.signer_cert %s: %s", signer_cert, verr.reason);
		web_verifier_free(v);
		return -1;
	}
	*out = v;
	return 0;
}

void web_verifier_free(struct web_verifier *v)
{
	if (!v)
		return;
	vntl_ctx_free(v->ctx);
	set_free(&v->configured);
	set_free(&v->pinned);
	free(v->slots);
	pthread_mutex_destroy(&v->lock);
	pthread_mutex_destroy(&v->slots_lock);
	free(v);
}

/* The time the list is judged at: its own ListIssueDateTime, read from the
 * bytes before verification. Freshness is /healthz's business, not a
 * reason to refuse an archived version; a wrong value here only makes
 * libvntl refuse the list, never accept one. */
static time_t claimed_issue_time(const unsigned char *data, size_t len)
{
	static const char tag[] = "ListIssueDateTime>";
	const unsigned char *p = memmem(data, len, tag, sizeof tag - 1);
	time_t t;
	if (!p || (size_t)(p - data) + sizeof tag - 1 + 20 > len)
		return 0;
	char text[21];
	memcpy(text, p + sizeof tag - 1, 20);
	text[20] = '\0';
	return rfc3339_parse_utc(text, &t) == 0 ? t : 0;
}

/* SchemeInformation/DistributionPoints/URI must end in "/<list>.xml". Read
 * after the signature held, which covers every element of the document. */
static int names_list(const unsigned char *data, size_t len, const char *list)
{
	xmlDocPtr doc = xmlReadMemory((const char *)data, (int)len, NULL, NULL,
				      XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	xmlXPathContextPtr xp = doc ? xmlXPathNewContext(doc) : NULL;
	xmlXPathObjectPtr r = NULL;
	if (xp && xmlXPathRegisterNs(xp, BAD_CAST "tsl", BAD_CAST "http://uri.etsi.org/02231/v2#") == 0)
		r = xmlXPathEvalExpression(BAD_CAST "/tsl:TrustServiceStatusList/tsl:SchemeInformation/"
						    "tsl:DistributionPoints/tsl:URI", xp);
	char want[32];
	snprintf(want, sizeof want, "/%s.xml", list);
	int found = 0;
	for (int i = 0; r && r->nodesetval && i < r->nodesetval->nodeNr && !found; i++) {
		xmlChar *uri = xmlNodeGetContent(r->nodesetval->nodeTab[i]);
		size_t n = uri ? strlen((const char *)uri) : 0;
		found = n >= strlen(want) && strcmp((const char *)uri + n - strlen(want), want) == 0;
		xmlFree(uri);
	}
	xmlXPathFreeObject(r);
	xmlXPathFreeContext(xp);
	xmlFreeDoc(doc);
	return found;
}

int web_verify_list(struct web_verifier *v, const char *list, long long sequence,
		    const unsigned char *data, size_t len, struct web_verified *out, char *why,
		    size_t whylen)
{
	vntl_error verr = {"", ""};
	vntl_list_info info = { .size = sizeof info };
	char label[64];
	snprintf(label, sizeof label, "%s/%lld.xml", list, sequence);
	pthread_mutex_lock(&v->lock);
	vntl_status st = v->ctx_lists >= CTX_LISTS_MAX ? new_ctx(v, &verr) : VNTL_OK;
	if (st == VNTL_OK) {
		vntl_ctx_set_list_time(v->ctx, claimed_issue_time(data, len));
		st = vntl_ctx_load_list_memory(v->ctx, data, len, label, &info, &verr);
		if (st == VNTL_OK)
			v->ctx_lists++;
	}
	pthread_mutex_unlock(&v->lock);
	if (st != VNTL_OK) {
		snprintf(why, whylen, "signature or content refused by libvntl (%s): %s",
			 verr.rule[0] ? verr.rule : "internal", verr.reason);
		return -1;
	}
	if (info.sequence != sequence) {
		snprintf(why, whylen, "its signed TSLSequenceNumber is %lld, not %lld", info.sequence,
			 sequence);
		return -1;
	}
	if (!names_list(data, len, list)) {
		snprintf(why, whylen, "its signed DistributionPoints do not name %s.xml", list);
		return -1;
	}
	out->sequence = info.sequence;
	out->issued = info.issued;
	out->next_update = info.next_update;
	return 0;
}

int web_verify_index(struct web_verifier *v, const unsigned char *data, size_t len, char *why,
		     size_t whylen)
{
	vntl_index *idx = NULL;
	vntl_error verr = {"", ""};
	vntl_status st = vntl_index_verify(data, len, (const unsigned char *const *)v->pinned.der,
					   v->pinned.len, v->pinned.count, &idx, &verr);
	vntl_index_free(idx);
	if (st != VNTL_OK) {
		snprintf(why, whylen, "the signed index is refused by libvntl (%s): %s",
			 verr.rule[0] ? verr.rule : "internal", verr.reason);
		return -1;
	}
	return 0;
}

char *web_verifier_signer_pem(const struct web_verifier *v, size_t *len)
{
	BIO *bio = BIO_new(BIO_s_mem());
	int ok = bio != NULL;
	for (size_t i = 0; ok && i < v->pinned.count; i++) {
		if (v->pinned.role[i] != WEB_SIGNER_CURRENT)
			continue;
		const unsigned char *p = v->pinned.der[i];
		X509 *cert = d2i_X509(NULL, &p, (long)v->pinned.len[i]);
		ok = cert && PEM_write_bio_X509(bio, cert) == 1;
		X509_free(cert);
	}
	char *data = NULL, *out = NULL;
	long n = ok ? BIO_get_mem_data(bio, &data) : -1;
	if (n > 0 && (out = malloc((size_t)n)) != NULL) {
		memcpy(out, data, (size_t)n);
		*len = (size_t)n;
	}
	BIO_free(bio);
	return out;
}

size_t web_verifier_signer_count(const struct web_verifier *v)
{
	return v->pinned.count;
}

void web_verifier_signer_sha256(const struct web_verifier *v, size_t i, char out[65])
{
	web_sha256_hex(v->pinned.der[i], v->pinned.len[i], out);
}

enum web_signer_role web_verifier_signer_role(const struct web_verifier *v, size_t i)
{
	return v->pinned.role[i];
}

/* server.signer_cert's certificates (current unless the registry names
 * another current signer, then still accepted; the registry's role wins for
 * a certificate in both), then the registry's others. */
static int build_pinned(const struct signer_set *configured, const struct web_signer_cert *reg, size_t n,
			struct signer_set *out)
{
	int registry_current = 0;
	for (size_t i = 0; i < n; i++)
		registry_current |= reg[i].role == WEB_SIGNER_CURRENT;
	for (size_t i = 0; i < configured->count; i++) {
		enum web_signer_role role = registry_current ? WEB_SIGNER_ACCEPTED : WEB_SIGNER_CURRENT;
		for (size_t j = 0; j < n; j++)
			if (reg[j].len == configured->len[i] && memcmp(reg[j].der, configured->der[i], reg[j].len) == 0)
				role = reg[j].role;
		if (set_add_der(out, configured->der[i], configured->len[i], role) < 0)
			return -1;
	}
	for (size_t j = 0; j < n; j++)
		if (set_find(out, reg[j].der, reg[j].len) < 0 && set_add_der(out, reg[j].der, reg[j].len, reg[j].role) < 0)
			return -1;
	return 0;
}

int web_verifier_set_registry_signers(struct web_verifier *v, const struct web_signer_cert *certs, size_t n,
				      char *err, size_t errlen)
{
	struct signer_set next = {0};
	if (build_pinned(&v->configured, certs, n, &next) < 0) {
		set_free(&next);
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	if (set_equal(&next, &v->pinned)) {
		set_free(&next);
		return 0;
	}
	vntl_error verr = {"", ""};
	pthread_mutex_lock(&v->lock);
	struct signer_set old = v->pinned;
	v->pinned = next;
	vntl_status st = new_ctx(v, &verr);
	if (st != VNTL_OK) /* keep what was pinned */
		v->pinned = old;
	pthread_mutex_unlock(&v->lock);
	if (st != VNTL_OK) {
		set_free(&next);
		snprintf(err, errlen, "a registry signer cannot be pinned: %s", verr.reason);
		return -1;
	}
	set_free(&old);
	/* verdicts on archive versions were given with the old signers */
	pthread_mutex_lock(&v->slots_lock);
	memset(v->slots, 0, WEB_VERIFIED_SLOTS * sizeof *v->slots);
	pthread_mutex_unlock(&v->slots_lock);
	return 1;
}

static size_t slot_of(const char *name)
{
	uint32_t h = 2166136261u; /* FNV-1a */
	for (const unsigned char *p = (const unsigned char *)name; *p; p++)
		h = (h ^ *p) * 16777619u;
	return h % WEB_VERIFIED_SLOTS;
}

int web_verifier_recall(struct web_verifier *v, const char *name, const char *sha256)
{
	int verdict = -1;
	pthread_mutex_lock(&v->slots_lock);
	const struct verified_slot *s = &v->slots[slot_of(name)];
	if (strcmp(s->name, name) == 0 && strcmp(s->sha256, sha256) == 0)
		verdict = s->verdict;
	pthread_mutex_unlock(&v->slots_lock);
	return verdict;
}

void web_verifier_remember(struct web_verifier *v, const char *name, const char *sha256,
			   int verified)
{
	if (strlen(name) >= sizeof v->slots[0].name)
		return;
	pthread_mutex_lock(&v->slots_lock);
	struct verified_slot *s = &v->slots[slot_of(name)];
	strcpy(s->name, name);
	snprintf(s->sha256, sizeof s->sha256, "%s", sha256);
	s->verdict = (signed char)(verified ? 1 : 0);
	pthread_mutex_unlock(&v->slots_lock);
}
