/* One publication run (see publish.h). */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <jansson.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "db/certs.h"
#include "publisher/certinfo.h"
#include "publisher/index_jws.h"
#include "vntl.h"

#include "common/base64.h"
#include "common/file.h"
#include "common/sizes.h"
#include "common/rfc3339.h"

#include "common/hex.h"
#include "publisher/publish.h"
#include "publisher/pubdir.h"
#include "publisher/pubdir_certs.h"
#include "publisher/self_check.h"
#include "publisher/status_timeline.h"
#include "publisher/xades.h"

struct built_list {
	xmlChar *xml;
	int len;
	struct db_publication pub;
	char staged[VNTL_PATH_MAX]; /* temp file holding xml, synced; "" when none */
};

/* Writing and syncing the archive's bytes runs while the self-check reads
 * them: both take a few hundred ms for a large list. */
struct stage_job {
	const char *out;
	struct built_list *b;
	char rel[64];
	int rc;
	char err[VNTL_ERR_MAX];
};

static void *stage_archive(void *arg)
{
	struct stage_job *job = arg;
	job->rc = pubdir_stage(job->out, job->rel, job->b->xml, (size_t)job->b->len, job->b->staged,
			       sizeof job->b->staged, job->err, sizeof job->err);
	return NULL;
}

/* The certificate files depend only on the snapshot: on a first publication
 * (thousands of new files) creating and syncing them takes as long as
 * building, signing and checking the lists, so they are staged on a thread
 * from the start and committed only after every list passed its check. */
struct certs_job {
	const char *out;
	const struct db_snapshot *snap;
	struct pubdir_certs staged;
	pthread_t thread;
	int threaded;
	int rc;
	char err[VNTL_ERR_MAX];
};

static void *stage_certs(void *arg)
{
	struct certs_job *job = arg;
	job->rc = pubdir_stage_certs(job->out, job->snap, &job->staged, job->err, sizeof job->err);
	return NULL;
}

static void certs_start(struct certs_job *job)
{
	job->threaded = pthread_create(&job->thread, NULL, stage_certs, job) == 0;
	if (!job->threaded)
		stage_certs(job);
}

static void certs_wait(struct certs_job *job)
{
	if (job->threaded)
		pthread_join(job->thread, NULL);
	job->threaded = 0;
}

static int64_t last_sequence(const struct db_snapshot *snap, const char *out,
			     enum publisher_list list)
{
	/* The directory may be ahead of the registry after a crash between
	 * writing an archive and recording it: never reuse its number. */
	int64_t from_db = snap->has_last[list] ? snap->last[list].sequence : 0;
	int64_t from_dir = pubdir_highest_sequence(out, publisher_list_name(list));
	return from_db > from_dir ? from_db : from_dir;
}

static enum publish_status build_one(const struct db_snapshot *snap,
				     const struct publish_config *cfg, enum publisher_list list,
				     int64_t now, struct built_list *b, char *err, size_t errlen)
{
	unsigned char *signer_der = NULL;
	int signer_len = i2d_X509(cfg->signer->cert, &signer_der);
	int64_t last = last_sequence(snap, cfg->out, list);
	const unsigned char *announced_der[PUBLISH_MAX_ANNOUNCED];
	size_t announced_len[PUBLISH_MAX_ANNOUNCED];
	size_t n_announced = cfg->n_announced < PUBLISH_MAX_ANNOUNCED ? cfg->n_announced : PUBLISH_MAX_ANNOUNCED;
	for (size_t i = 0; i < n_announced; i++) {
		announced_der[i] = cfg->announced[i].der;
		announced_len[i] = cfg->announced[i].len;
	}
	struct list_params p = {
		.list = list, .sequence = last + 1, .issued = now,
		.next_update = now + (int64_t)cfg->next_update_days * 86400,
		.base_url = cfg->base_url, .signer_der = signer_der,
		.signer_der_len = signer_len > 0 ? (size_t)signer_len : 0,
		.announced_der = announced_der, .announced_len = announced_len, .n_announced = n_announced,
		.operator = cfg->operator,
	};
	xmlDocPtr doc = NULL;
	char why[VNTL_ERR_MAX] = "";
	enum publish_status rc = PUBLISH_REFUSED;
	b->staged[0] = '\0';
	if (list_build(snap, &p, &doc, why, sizeof why) < 0 ||
	    xades_sign(doc, cfg->signer, now, why, sizeof why) < 0)
		goto done;
	xmlDocDumpMemoryEnc(doc, &b->xml, &b->len, "UTF-8");
	xmlFreeDoc(doc); /* the check reads the bytes; free the tree before it parses them */
	doc = NULL;
	if (!b->xml) {
		snprintf(why, sizeof why, "cannot serialize the list");
		goto done;
	}
	struct stage_job job = {.out = cfg->out, .b = b, .rc = -1};
	snprintf(job.rel, sizeof job.rel, "%s/%lld.xml", publisher_list_name(list),
		 (long long)p.sequence);
	pthread_t writer;
	int threaded = pthread_create(&writer, NULL, stage_archive, &job) == 0;
	if (!threaded)
		stage_archive(&job);
	int checked = publisher_self_check(b->xml, (size_t)b->len, cfg->signer->cert, last, now,
					   why, sizeof why);
	if (threaded)
		pthread_join(writer, NULL);
	if (checked < 0)
		goto done;
	if (job.rc < 0) {
		snprintf(why, sizeof why, "%s", job.err);
		rc = PUBLISH_IO;
		goto done;
	}
	snprintf(b->pub.list, sizeof b->pub.list, "%s", publisher_list_name(list));
	b->pub.sequence = p.sequence;
	b->pub.issued = now;
	b->pub.status_upto = snap->status_upto;
	b->pub.next_update = p.next_update;
	sha256_hex(b->xml, (size_t)b->len, b->pub.sha256);
	rc = PUBLISH_OK;
done:
	if (rc != PUBLISH_OK)
		snprintf(err, errlen, "%s list: %s", publisher_list_name(list), why);
	xmlFreeDoc(doc);
	OPENSSL_free(signer_der);
	return rc;
}

/* Does `cert` anchor chains at `now`: a CA certificate inside its validity?
 * A TSA's end-entity certificate or an expired root anchors nothing. */
static int anchors_now(X509 *cert, int64_t now)
{
	time_t t = (time_t)now;
	uint32_t flags = X509_get_extension_flags(cert);
	return (flags & EXFLAG_CA) && !(flags & EXFLAG_INVALID) &&
	       X509_cmp_time(X509_get0_notBefore(cert), &t) < 0 && X509_cmp_time(X509_get0_notAfter(cert), &t) > 0;
}

/* "# List: …" lines before the certificate, so that a person reading the
 * bundle (or a tool's log) knows what each anchor is and why it anchors. */
static void write_label(BIO *bio, enum publisher_list list, const struct db_tsp *tsp,
			const struct db_service *s, const struct db_status_entry *e)
{
	char since[32];
	time_t t = (time_t)e->effective;
	struct tm tm;
	if (!gmtime_r(&t, &tm) || !strftime(since, sizeof since, "%Y-%m-%dT%H:%M:%SZ", &tm))
		snprintf(since, sizeof since, "unknown");
	BIO_printf(bio, "# List: %s\n# Provider: %s\n# Service: %s\n# Status: %s since %s (%s)\n"
			"# SHA-256: %s\n",
		   publisher_list_name(list), tsp->name_en, s->name_en, db_status_name(e->status), since,
		   e->decision_ref, s->cert_sha256);
}

/* The status under which a service of `list` anchors chains. */
static enum db_status anchoring_status(enum publisher_list list)
{
	return list == PUBLISHER_FOREIGN ? DB_STATUS_RECOGNISED : DB_STATUS_GRANTED;
}

static void write_list_anchors(BIO *bio, const struct db_snapshot *snap, enum publisher_list list,
			       int64_t now)
{
	for (size_t i = 0; i < snap->tsp_count; i++) {
		const struct db_tsp *tsp = &snap->tsps[i];
		if (!list_includes_tsp(list, tsp->kind))
			continue;
		for (size_t j = 0; j < tsp->service_count; j++) {
			const struct db_service *s = &tsp->services[j];
			long k = status_index_at(s, now);
			if (k < 0 || s->timeline[k].status != anchoring_status(list))
				continue;
			const unsigned char *p = s->cert_der;
			X509 *cert = d2i_X509(NULL, &p, (long)s->cert_der_len);
			if (cert && anchors_now(cert, now)) {
				write_label(bio, list, tsp, s, &s->timeline[k]);
				PEM_write_bio_X509(bio, cert);
			}
			X509_free(cert);
		}
	}
}

char *publisher_roots_pem(const struct db_snapshot *snap, int64_t now, size_t *len)
{
	BIO *bio = BIO_new(BIO_s_mem());
	if (!bio)
		return NULL;
	write_list_anchors(bio, snap, PUBLISHER_ROOTS, now);
	write_list_anchors(bio, snap, PUBLISHER_FOREIGN, now);
	char *data;
	long n = BIO_get_mem_data(bio, &data);
	char *out = malloc((size_t)n + 1);
	if (out) {
		/* an empty BIO (no granted root left) hands back no buffer at all */
		if (n > 0)
			memcpy(out, data, (size_t)n);
		out[n] = '\0';
		*len = (size_t)n;
	}
	BIO_free(bio);
	return out;
}

static json_t *load_index(const char *out, char *err, size_t errlen)
{
	unsigned char *data = NULL;
	size_t len = 0;
	int r = pubdir_read(out, "index.json", &data, &len, err, errlen);
	if (r < 0)
		return NULL;
	json_t *index = NULL;
	if (r == 0) {
		json_error_t jerr;
		index = json_loadb((const char *)data, len, 0, &jerr);
		free(data);
		if (!index || !json_is_object(json_object_get(index, "lists"))) {
			json_decref(index);
			snprintf(err, errlen, "%s/index.json is not a vntl index (%s)", out, jerr.text);
			return NULL;
		}
		/* The last signature covers the last index: signed anew below. */
		json_object_del(index, "protected");
		json_object_del(index, "payload");
		json_object_del(index, "signature");
		return index;
	}
	index = json_pack("{s:i, s:{}, s:{}}", "format", 1, "lists", "files");
	return index;
}

static void index_set_list(json_t *index, const struct publish_config *cfg,
			   const struct built_list *b, const char *signer_sha256)
{
	char issued[32], next[32], path[64], url[1024];
	rfc3339_format(b->pub.issued, issued);
	rfc3339_format(b->pub.next_update, next);
	snprintf(path, sizeof path, "%s/%lld.xml", b->pub.list, (long long)b->pub.sequence);
	size_t n = strlen(cfg->base_url);
	snprintf(url, sizeof url, "%s%s%s.xml", cfg->base_url,
		 n && cfg->base_url[n - 1] == '/' ? "" : "/", b->pub.list);
	json_object_set_new(json_object_get(index, "lists"), b->pub.list,
			    json_pack("{s:I, s:s, s:I, s:s, s:s, s:s, s:s, s:s}", "sequence",
				      (json_int_t)b->pub.sequence, "sha256", b->pub.sha256, "size",
				      (json_int_t)b->len, "issued", issued, "next_update", next,
				      "path", path, "url", url, "signer_sha256", signer_sha256));
}

static enum publish_status write_archives(const struct publish_config *cfg,
					  struct certs_job *certs, struct built_list *built,
					  unsigned lists, char *err, size_t errlen)
{
	if (certs->rc < 0) {
		snprintf(err, errlen, "%s", certs->err);
		return PUBLISH_IO;
	}
	if (pubdir_commit_certs(cfg->out, &certs->staged, err, errlen) < 0)
		return PUBLISH_IO;
	for (int l = 0; l < PUBLISHER_LIST_COUNT; l++) {
		if (!(lists & PUBLISH_MASK(l)))
			continue;
		char rel[64];
		snprintf(rel, sizeof rel, "%s/%lld.xml", built[l].pub.list, (long long)built[l].pub.sequence);
		int committed = pubdir_commit_immutable(cfg->out, rel, built[l].staged, built[l].xml,
							(size_t)built[l].len, err, errlen);
		built[l].staged[0] = '\0';
		if (committed < 0)
			return PUBLISH_IO;
	}
	return PUBLISH_OK;
}

/* What the run writes last, made (and signed) before anything is written,
 * so that a signer that fails (a token gone) refuses the run whole. */
struct current_files {
	char *pem;            /* roots.pem; NULL when neither anchor list changes */
	size_t pem_len;
	char *index;          /* the signed index.json */
	size_t index_len;
};

static void current_files_free(struct current_files *c)
{
	free(c->pem);
	free(c->index);
}

/* roots.pem holds the anchors of both lists (national and foreign): made
 * when either changes, named in the index with its SHA-256 (so the
 * signature covers it). */
static int prepare_roots_pem(const struct db_snapshot *snap, json_t *index, int64_t now,
			     struct current_files *c, char *err, size_t errlen)
{
	c->pem = publisher_roots_pem(snap, now, &c->pem_len);
	if (!c->pem) {
		snprintf(err, errlen, "roots.pem: out of memory");
		return -1;
	}
	char sha[65];
	sha256_hex((unsigned char *)c->pem, c->pem_len, sha);
	json_t *files = json_object_get(index, "files");
	if (!json_is_object(files)) {
		files = json_object();
		json_object_set_new(index, "files", files);
	}
	json_object_set_new(files, "roots.pem",
			    json_pack("{s:s, s:I}", "sha256", sha, "size", (json_int_t)c->pem_len));
	return 0;
}

/* "announced_signers": the certificates the lists announce beside the
 * signer, so that a poller pins the next one before the switch (README
 * "Signed index"). Absent when there are none. */
static int index_set_announced(json_t *index, const struct publish_config *cfg, char *err, size_t errlen)
{
	json_object_del(index, "announced_signers");
	if (cfg->n_announced == 0)
		return 0;
	json_t *arr = json_array();
	for (size_t i = 0; arr && i < cfg->n_announced; i++) {
		const struct publish_announced *a = &cfg->announced[i];
		char sha[65], from[32];
		sha256_hex(a->der, a->len, sha);
		rfc3339_format(a->from, from);
		char *b64 = base64_encode(a->der, a->len);
		json_t *e = b64 ? json_pack("{s:s, s:s, s:s, s:s}", "sha256", sha, "x5c", b64, "role", a->role,
					    "from", from) : NULL;
		free(b64);
		if (!e || json_array_append_new(arr, e) != 0) {
			json_decref(arr);
			arr = NULL;
		}
	}
	if (!arr || json_object_set_new(index, "announced_signers", arr) != 0) {
		snprintf(err, errlen, "index.json: out of memory");
		return -1;
	}
	return 0;
}

/* The index signed (a JWS, publisher/index_jws.h) and checked with
 * libvntl, as a poller would check it. */
static enum publish_status sign_index(const struct publish_config *cfg, json_t *index,
				      int64_t now, struct current_files *c, char *err, size_t errlen)
{
	char issued[32];
	rfc3339_format(now, issued);
	json_object_set_new(index, "issued", json_string(issued));
	if (index_set_announced(index, cfg, err, errlen) < 0)
		return PUBLISH_IO;
	if (publisher_index_sign(cfg->signer, index, &c->index, &c->index_len, err, errlen) < 0)
		return PUBLISH_REFUSED;
	unsigned char *der = NULL;
	int der_len = i2d_X509(cfg->signer->cert, &der);
	const unsigned char *ders[1] = {der};
	size_t lens[1] = {der_len > 0 ? (size_t)der_len : 0};
	vntl_index *check = NULL;
	vntl_error verr = {"", ""};
	enum publish_status rc = PUBLISH_OK;
	if (der_len <= 0 || vntl_index_verify(c->index, c->index_len, ders, lens, 1, &check, &verr) != VNTL_OK) {
		snprintf(err, errlen, "index.json: self-check: the validator refuses it (%s): %s",
			 verr.rule, verr.reason);
		rc = PUBLISH_REFUSED;
	}
	vntl_index_free(check);
	OPENSSL_free(der);
	return rc;
}

static enum publish_status prepare_current(const struct publish_config *cfg,
					   const struct db_snapshot *snap, const struct built_list *built,
					   unsigned lists, int64_t now, struct current_files *c,
					   char *err, size_t errlen)
{
	json_t *index = load_index(cfg->out, err, errlen);
	if (!index)
		return PUBLISH_IO;
	char signer_sha256[65];
	unsigned char *der = NULL;
	int der_len = i2d_X509(cfg->signer->cert, &der);
	sha256_hex(der, der_len > 0 ? (size_t)der_len : 0, signer_sha256);
	OPENSSL_free(der);
	for (int l = 0; l < PUBLISHER_LIST_COUNT; l++)
		if (lists & PUBLISH_MASK(l))
			index_set_list(index, cfg, &built[l], signer_sha256);
	enum publish_status rc = PUBLISH_REFUSED;
	if ((lists & (PUBLISH_MASK(PUBLISHER_ROOTS) | PUBLISH_MASK(PUBLISHER_FOREIGN))) &&
	    prepare_roots_pem(snap, index, now, c, err, errlen) < 0)
		rc = PUBLISH_IO;
	else
		rc = sign_index(cfg, index, now, c, err, errlen);
	json_decref(index);
	return rc;
}

/* The current copies, roots.pem, and index.json last: until it is
 * replaced, readers see the last set; once it is, the new one whole. */
static enum publish_status write_current(const struct publish_config *cfg,
					 const struct built_list *built, unsigned lists,
					 const struct current_files *c, char *err, size_t errlen)
{
	for (int l = 0; l < PUBLISHER_LIST_COUNT; l++) {
		if (!(lists & PUBLISH_MASK(l)))
			continue;
		char rel[64], archive[64];
		snprintf(rel, sizeof rel, "%s.xml", built[l].pub.list);
		snprintf(archive, sizeof archive, "%s/%lld.xml", built[l].pub.list,
			 (long long)built[l].pub.sequence);
		if (pubdir_link_current(cfg->out, rel, archive, err, errlen) < 0)
			return PUBLISH_IO;
	}
	if (c->pem && pubdir_write(cfg->out, "roots.pem", c->pem, c->pem_len, err, errlen) < 0)
		return PUBLISH_IO;
	return pubdir_write(cfg->out, "index.json", c->index, c->index_len, err, errlen) < 0
		? PUBLISH_IO : PUBLISH_OK;
}

/* Archives written in this run that the registry did not record were never
 * published (index.json does not name them): remove them, so the newest
 * archive stays the current version. */
static void remove_unrecorded(const char *out, const struct built_list *built, unsigned lists,
			      const int *recorded)
{
	for (int l = 0; l < PUBLISHER_LIST_COUNT; l++) {
		if (!(lists & PUBLISH_MASK(l)) || recorded[l] || !built[l].xml)
			continue;
		char path[VNTL_PATH_MAX];
		if (path_format(path, sizeof path, "%s/%s/%lld.xml", out, built[l].pub.list,
				(long long)built[l].pub.sequence) == 0)
			unlink(path);
	}
}

/* Lists an index written before the index was signed names without the
 * signer's SHA-256: they are published again with this run, so that the
 * signed index says which certificate signs every list it names. */
static unsigned lists_lacking_signer(const char *out)
{
	char err[VNTL_ERR_MAX];
	json_t *index = load_index(out, err, sizeof err);
	unsigned mask = 0;
	const char *name;
	json_t *entry;
	json_object_foreach(json_object_get(index, "lists"), name, entry) {
		enum publisher_list list;
		if (!json_object_get(entry, "signer_sha256") && publisher_list_from_name(name, &list) == 0)
			mask |= PUBLISH_MASK(list);
	}
	json_decref(index);
	return mask;
}

enum publish_status publisher_publish(const struct db_snapshot *snap,
				      const struct publish_config *cfg, unsigned lists, int64_t now,
				      publish_record_fn record, void *record_ctx,
				      struct publish_outcome *outcome, char *err, size_t errlen)
{
	struct built_list built[PUBLISHER_LIST_COUNT];
	memset(built, 0, sizeof built);
	memset(outcome, 0, sizeof *outcome);
	if (cfg->next_update_days < 1 || cfg->next_update_days > 183) {
		snprintf(err, errlen, "publish.next_update_days must be 1..183 (TS 119 612: at most 6 months)");
		return PUBLISH_REFUSED;
	}
	if (pubdir_prepare(cfg->out, err, errlen) < 0)
		return PUBLISH_IO;
	int lock = pubdir_lock(cfg->out, err, errlen);
	if (lock < 0)
		return PUBLISH_IO;
	pubdir_remove_stale_temps(cfg->out);
	pubdir_remove_stale_certs_stagings(cfg->out);
	lists |= lists_lacking_signer(cfg->out);
	struct certs_job certs = {.out = cfg->out, .snap = snap};
	certs_start(&certs);
	enum publish_status rc = PUBLISH_OK;
	for (int l = 0; l < PUBLISHER_LIST_COUNT && rc == PUBLISH_OK; l++)
		if (lists & PUBLISH_MASK(l))
			rc = build_one(snap, cfg, (enum publisher_list)l, now, &built[l], err, errlen);
	certs_wait(&certs);
	struct current_files current = {0};
	if (rc == PUBLISH_OK)
		rc = prepare_current(cfg, snap, built, lists, now, &current, err, errlen);
	if (rc == PUBLISH_OK)
		rc = write_archives(cfg, &certs, built, lists, err, errlen);
	int recorded[PUBLISHER_LIST_COUNT] = {0, 0, 0};
	for (int l = 0; l < PUBLISHER_LIST_COUNT && rc == PUBLISH_OK; l++) {
		if (!(lists & PUBLISH_MASK(l)) || !record) {
			recorded[l] = 1;
			continue;
		}
		char why[VNTL_ERR_MAX] = "";
		int r = record(record_ctx, &built[l].pub, why, sizeof why);
		if (r != 0) {
			snprintf(err, errlen, "%s list: %s the publication: %s", built[l].pub.list,
				 r > 0 ? "the registry refused" : "cannot record", why);
			rc = r > 0 ? PUBLISH_REFUSED : PUBLISH_IO;
		} else {
			recorded[l] = 1;
		}
	}
	if (rc != PUBLISH_OK)
		remove_unrecorded(cfg->out, built, lists, recorded);
	if (rc == PUBLISH_OK)
		rc = write_current(cfg, built, lists, &current, err, errlen);
	current_files_free(&current);
	for (int l = 0; l < PUBLISHER_LIST_COUNT; l++) {
		if (rc == PUBLISH_OK && (lists & PUBLISH_MASK(l))) {
			outcome->published[l] = 1;
			outcome->pub[l] = built[l].pub;
		}
		pubdir_discard(built[l].staged); /* staged but not committed: refused */
		xmlFree(built[l].xml);
	}
	if (certs.staged.staged)
		pubdir_discard_certs(cfg->out, &certs.staged);
	pubdir_unlock(lock);
	return rc;
}

int publisher_list_due(const struct db_snapshot *snap, enum publisher_list list, int64_t now,
		       int64_t margin)
{
	if (!snap->has_last[list])
		return 1;
	const struct db_publication *last = &snap->last[list];
	if (last->next_update - now <= margin)
		return 1;
	for (size_t i = 0; i < snap->tsp_count; i++) {
		const struct db_tsp *tsp = &snap->tsps[i];
		if (!list_includes_tsp(list, tsp->kind))
			continue;
		for (size_t j = 0; j < tsp->service_count; j++)
			if (status_change_due(&tsp->services[j], last->issued, now, last->status_upto))
				return 1;
	}
	return 0;
}
