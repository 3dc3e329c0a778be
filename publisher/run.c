/* One publication run (see run.h): settings, signer, registry checks, the
 * large-change rule, then publisher_publish. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/sizes.h"
#include "common/config.h"
#include "db/corrections.h"
#include "db/doctor.h"
#include "db/publication.h"
#include "db/seal.h"
#include "db/signers.h"
#include "db/snapshot.h"
#include "publisher/large_change.h"
#include "publisher/publish.h"
#include "publisher/run.h"
#include "publisher/signer.h"
#include "publisher/xades.h"

static int fail(struct publish_result *res, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int fail(struct publish_result *res, int code, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(res->message, sizeof res->message, fmt, ap);
	va_end(ap);
	res->code = code;
	return code;
}

struct record_ctx {
	struct db *db;
	const char *actor;
};

static int record_publication(void *ctx, const struct db_publication *pub, char *err, size_t errlen)
{
	const struct record_ctx *rc = ctx;
	return db_publication_record_by(rc->db, rc->actor, pub, err, errlen);
}

struct settings {
	const char *out, *base_url, *key, *cert, *pass_file, *digest;
	const char *pkcs11_module, *pin_file; /* when key is a pkcs11: URI */
	long next_update_days, due_days, max_drop_percent;
	struct scheme_operator operator;
};

static int read_operator(const struct vntl_config *cfg, struct scheme_operator *op, char *err,
			 size_t errlen)
{
	const struct scheme_operator *d = &publisher_default_operator;
	op->street_vi = vntl_config_get(cfg, "publish.operator_street_vi", d->street_vi);
	op->street_en = vntl_config_get(cfg, "publish.operator_street_en", d->street_en);
	op->locality_vi = vntl_config_get(cfg, "publish.operator_locality_vi", d->locality_vi);
	op->locality_en = vntl_config_get(cfg, "publish.operator_locality_en", d->locality_en);
	op->email = vntl_config_get(cfg, "publish.operator_email", d->email);
	op->uri = vntl_config_get(cfg, "publish.operator_uri", d->uri);
	const char *empty = !*op->street_vi ? "publish.operator_street_vi"
			    : !*op->street_en ? "publish.operator_street_en"
			    : !*op->locality_vi ? "publish.operator_locality_vi"
			    : !*op->locality_en ? "publish.operator_locality_en" : NULL;
	if (empty)
		snprintf(err, errlen, "%s is empty: the lists publish NEAC's postal address", empty);
	else if (!strchr(op->email, '@') || strncmp(op->email, "mailto:", 7) == 0)
		snprintf(err, errlen, "publish.operator_email '%s' is not an e-mail address (without mailto:)",
			 op->email);
	else if (strncmp(op->uri, "https://", 8) != 0 && strncmp(op->uri, "http://", 7) != 0)
		snprintf(err, errlen, "publish.operator_uri '%s' must start with https:// or http://", op->uri);
	else
		return 0;
	return -1;
}

static int read_settings(const struct vntl_config *cfg, struct settings *s, char *err, size_t errlen)
{
	s->out = vntl_config_get(cfg, "publish.out", "/var/lib/vntl/public");
	s->base_url = vntl_config_get(cfg, "publish.base_url", "https://localhost:8443");
	s->key = vntl_config_get(cfg, "publish.key", NULL);
	s->cert = vntl_config_get(cfg, "publish.cert", NULL);
	s->pass_file = vntl_config_get(cfg, "publish.key_pass_file", NULL);
	s->digest = vntl_config_get(cfg, "publish.digest", "sha256");
	s->pkcs11_module = vntl_config_get(cfg, "publish.pkcs11_module", PUBLISHER_PKCS11_DEFAULT_MODULE);
	s->pin_file = vntl_config_get(cfg, "publish.pin_file", NULL);
	if (publisher_key_is_pkcs11(s->key) &&
	    publisher_pkcs11_check_config(s->key, s->pkcs11_module, err, errlen) < 0)
		return -1;
	if (vntl_config_get_long(cfg, "publish.next_update_days", 30, 1, 183, &s->next_update_days,
				 err, errlen) < 0 ||
	    vntl_config_get_long(cfg, "publish.due_days", 7, 0, 183, &s->due_days, err, errlen) < 0 ||
	    vntl_config_get_long(cfg, "publish.max_drop_percent", 20, 0, 100, &s->max_drop_percent, err,
				 errlen) < 0)
		return -1;
	if (s->due_days >= s->next_update_days) {
		snprintf(err, errlen, "publish.due_days (%ld) must be less than publish.next_update_days (%ld)",
			 s->due_days, s->next_update_days);
		return -1;
	}
	return read_operator(cfg, &s->operator, err, errlen);
}

/* The token's PIN is configuration: none given is a configuration error. */
static struct publisher_signer *open_pkcs11_signer(const struct settings *s, struct publish_result *res)
{
	char err[VNTL_ERR_MAX] = "";
	char *pin = NULL;
	struct publisher_signer *signer = NULL;
	if (publisher_read_passphrase(s->pin_file, PUBLISHER_PKCS11_PIN_ENV, &pin, err, sizeof err) < 0)
		fail(res, PUBLISH_IO, "%s", err);
	else if (!pin)
		fail(res, PUBLISH_CONFIG, "no PIN for the PKCS#11 token of %s: set publish.pin_file, or the "
			  "environment variable %s (never the configuration file or the command line)", s->key,
			  PUBLISHER_PKCS11_PIN_ENV);
	else if (publisher_signer_open_pkcs11(s->key, s->pkcs11_module, s->cert, pin, s->digest, &signer,
					      err, sizeof err) < 0)
		fail(res, PUBLISH_REFUSED, "nothing published: %s", err);
	publisher_passphrase_free(pin);
	return signer;
}

/* The registry's active signer (db/signers.h): its key where the
 * configuration's would be (a file, or a token with publish.pkcs11_module
 * and the same PIN source), its certificate from the registry. */
static struct publisher_signer *open_registry_signer(const struct settings *s, const struct db_signer *active,
						     struct publish_result *res)
{
	char err[VNTL_ERR_MAX] = "", name[96];
	char *secret = NULL;
	struct publisher_signer *signer = NULL;
	int token = publisher_key_is_pkcs11(active->key);
	snprintf(name, sizeof name, "of registry signer '%s'", active->label);
	if (token && publisher_pkcs11_check_config(active->key, s->pkcs11_module, err, sizeof err) < 0)
		fail(res, PUBLISH_CONFIG, "registry signer '%s': %s", active->label, err);
	else if (publisher_read_passphrase(token ? s->pin_file : s->pass_file,
					   token ? PUBLISHER_PKCS11_PIN_ENV : PUBLISH_PASS_ENV, &secret, err,
					   sizeof err) < 0)
		fail(res, PUBLISH_IO, "%s", err);
	else if (token ? publisher_signer_open_pkcs11_der(active->key, s->pkcs11_module, active->cert_der,
							   active->cert_len, name, secret, s->digest, &signer, err,
							   sizeof err)
		       : publisher_signer_open_pem_der(active->key, active->cert_der, active->cert_len, name, secret,
						       s->digest, &signer, err, sizeof err))
		fail(res, PUBLISH_REFUSED, "nothing published: registry signer '%s': %s", active->label, err);
	publisher_passphrase_free(secret);
	return signer;
}

static struct publisher_signer *open_signer(const struct settings *s, const struct db_signer *active,
					    struct publish_result *res)
{
	char err[VNTL_ERR_MAX] = "";
	char *pass = NULL;
	struct publisher_signer *signer = NULL;
	if (active)
		signer = open_registry_signer(s, active, res);
	else if (publisher_key_is_pkcs11(s->key))
		signer = open_pkcs11_signer(s, res);
	else if (publisher_read_passphrase(s->pass_file, PUBLISH_PASS_ENV, &pass, err, sizeof err) < 0)
		fail(res, PUBLISH_IO, "%s", err);
	else if (publisher_signer_open_pem(s->key, s->cert, pass, s->digest, &signer, err, sizeof err) < 0)
		fail(res, PUBLISH_REFUSED, "%s", err);
	publisher_passphrase_free(pass);
	if (signer && signer->warning)
		snprintf(res->key_warning, sizeof res->key_warning, "signing key %s: %s", signer->key_desc,
			 signer->warning);
	return signer;
}

/* An approved correction (a TSP edited or retired, a service moved) makes
 * the list that carries it due, like an approved status change. */
static int corrected_since_last(struct db *db, const struct db_snapshot *snap, enum publisher_list l)
{
	if ((l != PUBLISHER_ROOTS && l != PUBLISHER_FOREIGN) || !snap->has_last[l])
		return 0;
	return db_correction_changed_list_since(db, l == PUBLISHER_FOREIGN, snap->last[l].issued) > 0;
}

/* An approved signer step makes the lists that show it due: a switch
 * every list (each is to be signed by the new signer), an announcement or
 * a retirement the pointer list (its ServiceDigitalIdentities; the index
 * goes with every publication). The same second counts: one publication
 * too many is better than a switch left unpublished. */
static int signer_step_since_last(const struct db_signer_plan *plan, const struct db_snapshot *snap,
				  enum publisher_list l)
{
	if (!snap->has_last[l])
		return 0;
	int64_t issued = snap->last[l].issued;
	for (size_t i = 0; i < plan->count; i++) {
		const struct db_signer *g = &plan->all[i];
		if (g->switched_at >= issued ||
		    (l == PUBLISHER_POINTER && (g->announced_at >= issued || g->retired_at >= issued)))
			return 1;
	}
	return 0;
}

static unsigned due_lists(struct db *db, const struct db_snapshot *snap, const struct db_signer_plan *plan,
			  unsigned wanted, int64_t now, long due_days)
{
	unsigned due = 0;
	for (int l = 0; l < PUBLISHER_LIST_COUNT; l++)
		if ((wanted & PUBLISH_MASK(l)) &&
		    (publisher_list_due(snap, (enum publisher_list)l, now, (int64_t)due_days * 86400) ||
		     corrected_since_last(db, snap, (enum publisher_list)l) ||
		     signer_step_since_last(plan, snap, (enum publisher_list)l)))
			due |= PUBLISH_MASK(l);
	return due;
}

/* Nothing is signed from a registry that is damaged, tampered with or of
 * another schema version (db_registry_check). */
static int check_registry(struct db *db, const struct db_snapshot *snap, struct publish_result *res)
{
	char err[VNTL_ERR_MAX] = "";
	int rc = db_registry_check(db, snap, err, sizeof err);
	if (rc == 0)
		return PUBLISH_OK;
	return fail(res, rc > 0 ? PUBLISH_REFUSED : PUBLISH_IO, "registry not trusted, nothing published: %s", err);
}

/* The large-change rule (large_change.h) for each list to publish. */
static int check_large_change(struct db *db, const struct settings *s, const struct publish_request *req,
			      const struct db_snapshot *snap, unsigned lists, int64_t now,
			      struct publish_result *res)
{
	for (int l = 0; l < PUBLISHER_LIST_COUNT; l++) {
		if (!(lists & PUBLISH_MASK(l)))
			continue;
		const char *name = publisher_list_name((enum publisher_list)l);
		struct large_change lc;
		char err[VNTL_ERR_MAX] = "";
		if (large_change_measure(s->out, snap, (enum publisher_list)l, now, &lc, err, sizeof err) < 0)
			return fail(res, PUBLISH_IO, "%s list: %s", name, err);
		if (!large_change_exceeds(&lc, s->max_drop_percent))
			continue;
		if (!req->confirm_large_change)
			return fail(res, PUBLISH_REFUSED,
				    "%s list: this publication would drop %zu of the %zu services it trusts now "
				    "with no decision in the registry (%s; publish.max_drop_percent is %ld): "
				    "nothing published; if this is intended, "
				    "an approver confirms with vntl --as APPROVER publish --confirm-large-change",
				    name, lc.dropped, lc.listed,
				    lc.dropped == lc.listed ? "all of them" : "too many at once", s->max_drop_percent);
		int rc = db_publication_confirm_large_change(db, req->as_user, name, (int64_t)lc.listed,
							     (int64_t)lc.dropped, s->max_drop_percent, err, sizeof err);
		if (rc)
			return fail(res, rc > 0 ? PUBLISH_REFUSED : PUBLISH_IO, "%s list: --confirm-large-change: %s",
				    name, err);
		res->large[l] = (struct publish_large_change){1, lc.dropped, lc.listed};
	}
	return PUBLISH_OK;
}

/* A row whose text no list can carry (db/doctor.h) blocks only the list
 * that carries it: that list is left out of this run, named with the row,
 * and the others publish. Returns the lists that may go. */
static unsigned leave_out_blocked(const struct db_snapshot *snap, unsigned lists, struct publish_result *res)
{
	struct db_text_fault *f;
	size_t n;
	if (db_text_faults(snap, &f, &n) != 0)
		return lists;   /* out of memory: the self-check still refuses bad XML */
	unsigned left = lists;
	size_t used = strlen(res->blocked);
	for (size_t i = 0; i < n; i++) {
		enum publisher_list l = f[i].kind == DB_TSP_FOREIGN ? PUBLISHER_FOREIGN : PUBLISHER_ROOTS;
		if (!(left & PUBLISH_MASK(l)))
			continue;
		left &= ~PUBLISH_MASK(l);
		int w = snprintf(res->blocked + used, sizeof res->blocked - used, "%s%s list not published: %s, "
				 "field %s: %s (vntl doctor lists the correction)", used ? "; " : "",
				 publisher_list_name(l), f[i].where, f[i].field, f[i].message);
		if (w > 0)
			used = used + (size_t)w < sizeof res->blocked ? used + (size_t)w : sizeof res->blocked - 1;
	}
	free(f);
	return left;
}

/* The certificates the lists announce beside the active signer: the next
 * (announced) and the previous signers, not retired. */
static size_t announced_signers(const struct db_signer_plan *plan, struct publish_announced *out)
{
	size_t n = 0;
	int64_t switched = plan->active ? plan->active->switched_at : 0;
	for (size_t i = 0; i < plan->count && n < PUBLISH_MAX_ANNOUNCED; i++) {
		const struct db_signer *g = &plan->all[i];
		if (g->state == DB_SIGNER_ANNOUNCED)
			out[n++] = (struct publish_announced){g->cert_der, g->cert_len, "next", g->announced_at};
		else if (g->state == DB_SIGNER_PREVIOUS)
			out[n++] = (struct publish_announced){g->cert_der, g->cert_len, "previous", switched};
	}
	return n;
}

static void run_with_signer(const struct settings *s, struct publisher_signer *signer, struct db *db,
			    const struct db_signer_plan *plan, const struct publish_request *req,
			    struct publish_result *res)
{
	struct db_snapshot *snap = NULL;
	char err[VNTL_ERR_MAX] = "";
	if (db_snapshot_load(db, &snap, err, sizeof err) != 0) {
		fail(res, PUBLISH_IO, "%s", err);
		return;
	}
	unsigned wanted = req->lists ? req->lists : PUBLISH_ALL;
	int64_t now = snap->taken_at;
	if (check_registry(db, snap, res) == PUBLISH_OK) {
		res->due = req->if_due ? due_lists(db, snap, plan, wanted, now, s->due_days) : wanted;
		res->due = leave_out_blocked(snap, res->due, res);
		if (res->due && check_large_change(db, s, req, snap, res->due, now, res) == PUBLISH_OK) {
			struct publish_announced announced[PUBLISH_MAX_ANNOUNCED];
			struct publish_config pc = {.out = s->out, .base_url = s->base_url,
						    .next_update_days = (int)s->next_update_days, .signer = signer,
						    .operator = &s->operator, .announced = announced,
						    .n_announced = announced_signers(plan, announced)};
			struct record_ctx rc = {db, req->as_user};
			res->code = (int)publisher_publish(snap, &pc, res->due, now, record_publication, &rc,
							   &res->outcome, res->message, sizeof res->message);
		}
	}
	db_snapshot_free(snap);
	if (res->blocked[0] && res->code == PUBLISH_OK)
		fail(res, PUBLISH_REFUSED, "%s", res->blocked);
}

void publisher_run(const struct vntl_config *config, struct db *db, const struct publish_request *req,
		   struct publish_result *res)
{
	memset(res, 0, sizeof *res);
	struct settings s;
	char err[VNTL_ERR_MAX] = "";
	if (read_settings(config, &s, err, sizeof err) < 0) {
		fail(res, PUBLISH_CONFIG, "%s", err);
		return;
	}
	if (publisher_crypto_init() < 0) {
		fail(res, PUBLISH_IO, "cannot start xmlsec");
		return;
	}
	struct db_signer_plan plan;
	if (db_signer_plan_load(db, &plan, err, sizeof err) != 0) {
		fail(res, PUBLISH_IO, "%s", err);
		publisher_crypto_shutdown();
		return;
	}
	struct publisher_signer *signer = open_signer(&s, plan.active, res);
	if (signer)
		run_with_signer(&s, signer, db, &plan, req, res);
	publisher_signer_free(signer);
	db_signer_plan_free(&plan);
	publisher_crypto_shutdown();
}
