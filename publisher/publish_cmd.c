/* `vntl publish` (see publish_cmd.h and README.md, "Publisher"). */
#include <stdio.h>
#include <string.h>

#include "db/config.h"
#include "db/publication.h"
#include "db/seal.h"
#include "db/snapshot.h"
#include "publisher/large_change.h"
#include "publisher/publish.h"
#include "publisher/publish_cmd.h"
#include "publisher/signer.h"
#include "publisher/xades.h"

static const char USAGE[] =
	"usage: vntl [--as APPROVER] publish [--list roots|foreign|pointer|all] [--if-due]\n"
	"                                   [--confirm-large-change]\n"
	"  Check the registry, then build, sign, self-check and publish the trust\n"
	"  lists into publish.out.\n"
	"  --list    which list (default all)\n"
	"  --if-due  only the lists whose NextUpdate is within publish.due_days or\n"
	"            that a dated status change made out of date (for cron)\n"
	"  --confirm-large-change  publish even though a list would drop all its\n"
	"            trusted services or more than publish.max_drop_percent of them\n"
	"            (an approver, --as; audited)\n";

struct options {
	unsigned lists;
	int if_due;
	int confirm_large_change;
};

static int parse_options(int argc, char **argv, struct options *o)
{
	o->lists = PUBLISH_ALL;
	o->if_due = 0;
	o->confirm_large_change = 0;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--if-due") == 0) {
			o->if_due = 1;
		} else if (strcmp(argv[i], "--confirm-large-change") == 0) {
			o->confirm_large_change = 1;
		} else if (strcmp(argv[i], "--list") == 0 && i + 1 < argc) {
			enum publisher_list l;
			const char *name = argv[++i];
			if (strcmp(name, "all") == 0)
				o->lists = PUBLISH_ALL;
			else if (publisher_list_from_name(name, &l) == 0)
				o->lists = PUBLISH_MASK(l);
			else {
				fprintf(stderr, "vntl: usage: unknown list '%s' (roots, foreign, pointer, all)\n", name);
				return -1;
			}
		} else if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
			fputs(USAGE, stdout);
			return 1;
		} else {
			fprintf(stderr, "vntl: usage: unknown option '%s'\n%s", argv[i], USAGE);
			return -1;
		}
	}
	return 0;
}

static int record_publication(void *ctx, const struct db_publication *pub, char *err, size_t errlen)
{
	return db_publication_record(ctx, pub, err, errlen);
}

struct settings {
	const char *out, *base_url, *key, *cert, *pass_file, *digest;
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

static struct publisher_signer *open_signer(const struct settings *s, int *exit_code)
{
	char err[512] = "";
	char *pass = NULL;
	struct publisher_signer *signer = NULL;
	if (publisher_read_passphrase(s->pass_file, PUBLISH_PASS_ENV, &pass, err, sizeof err) < 0) {
		*exit_code = PUBLISH_IO;
	} else if (publisher_signer_open_pem(s->key, s->cert, pass, s->digest, &signer, err,
					     sizeof err) < 0) {
		*exit_code = PUBLISH_REFUSED;
	}
	publisher_passphrase_free(pass);
	if (!signer)
		fprintf(stderr, "vntl: %s: %s\n", *exit_code == PUBLISH_REFUSED ? "refused" : "error", err);
	else if (signer->warning)
		fprintf(stderr, "vntl: warning: signing key %s: %s\n", signer->key_desc, signer->warning);
	return signer;
}

static unsigned due_lists(const struct db_snapshot *snap, unsigned wanted, int64_t now, long due_days)
{
	unsigned due = 0;
	for (int l = 0; l < PUBLISHER_LIST_COUNT; l++)
		if ((wanted & PUBLISH_MASK(l)) &&
		    publisher_list_due(snap, (enum publisher_list)l, now, (int64_t)due_days * 86400))
			due |= PUBLISH_MASK(l);
	return due;
}

static void report(const struct publish_outcome *o)
{
	for (int l = 0; l < PUBLISHER_LIST_COUNT; l++) {
		if (!o->published[l])
			continue;
		const struct db_publication *p = &o->pub[l];
		printf("published %s sequence %lld sha256 %s\n", p->list, (long long)p->sequence, p->sha256);
		fprintf(stderr, "vntl: info: published list=%s sequence=%lld sha256=%s next_update=%lld\n",
			p->list, (long long)p->sequence, p->sha256, (long long)p->next_update);
	}
}

/* Nothing is signed from a registry that is damaged, tampered with or of
 * another schema version (db_registry_check). */
static int check_registry(struct db *db, const struct db_snapshot *snap)
{
	char err[1024] = "";
	int rc = db_registry_check(db, snap, err, sizeof err);
	if (rc == 0)
		return PUBLISH_OK;
	fprintf(stderr, "vntl: %s: registry not trusted, nothing published: %s\n", rc > 0 ? "refused" : "error",
		err);
	return rc > 0 ? PUBLISH_REFUSED : PUBLISH_IO;
}

/* The large-change rule (large_change.h) for each list to publish. */
static int check_large_change(struct db *db, const struct settings *s, const struct options *o,
			      const char *as_user, const struct db_snapshot *snap, unsigned lists, int64_t now)
{
	for (int l = 0; l < PUBLISHER_LIST_COUNT; l++) {
		if (!(lists & PUBLISH_MASK(l)))
			continue;
		const char *name = publisher_list_name((enum publisher_list)l);
		struct large_change lc;
		char err[1024] = "";
		if (large_change_measure(s->out, snap, (enum publisher_list)l, now, &lc, err, sizeof err) < 0) {
			fprintf(stderr, "vntl: error: %s list: %s\n", name, err);
			return PUBLISH_IO;
		}
		if (!large_change_exceeds(&lc, s->max_drop_percent))
			continue;
		if (!o->confirm_large_change) {
			fprintf(stderr, "vntl: refused: %s list: this publication would drop %zu of the %zu services it "
				"trusts now (%s; publish.max_drop_percent is %ld): nothing published; if this is "
				"intended, an approver confirms with vntl --as APPROVER publish --confirm-large-change\n",
				name, lc.dropped, lc.listed, lc.dropped == lc.listed ? "all of them" : "too many at once",
				s->max_drop_percent);
			return PUBLISH_REFUSED;
		}
		int rc = db_publication_confirm_large_change(db, as_user, name, (int64_t)lc.listed,
							     (int64_t)lc.dropped, s->max_drop_percent, err, sizeof err);
		if (rc) {
			fprintf(stderr, "vntl: %s: %s list: --confirm-large-change: %s\n", rc > 0 ? "refused" : "error",
				name, err);
			return rc > 0 ? PUBLISH_REFUSED : PUBLISH_IO;
		}
		fprintf(stderr, "vntl: info: large change confirmed list=%s dropped=%zu listed=%zu by=%s\n", name,
			lc.dropped, lc.listed, as_user);
	}
	return PUBLISH_OK;
}

int publisher_command_run(const struct vntl_config *config, struct db *db, int argc, char **argv)
{
	return publisher_command_run_as(config, db, NULL, argc, argv);
}

int publisher_command_run_as(const struct vntl_config *config, struct db *db, const char *as_user, int argc,
			     char **argv)
{
	struct options o;
	int parsed = parse_options(argc, argv, &o);
	if (parsed != 0)
		return parsed > 0 ? 0 : 2;
	struct settings s;
	char err[1024] = "";
	if (read_settings(config, &s, err, sizeof err) < 0) {
		fprintf(stderr, "vntl: usage: %s\n", err);
		return 2;
	}
	if (publisher_crypto_init() < 0) {
		fprintf(stderr, "vntl: error: cannot start xmlsec\n");
		return 3;
	}
	int code = PUBLISH_OK;
	struct db_snapshot *snap = NULL;
	struct publisher_signer *signer = open_signer(&s, &code);
	if (!signer)
		goto done;
	if (db_snapshot_load(db, &snap, err, sizeof err) != 0) {
		fprintf(stderr, "vntl: error: %s\n", err);
		code = PUBLISH_IO;
		goto done;
	}
	if ((code = check_registry(db, snap)) != PUBLISH_OK)
		goto done;
	int64_t now = snap->taken_at;
	unsigned lists = o.if_due ? due_lists(snap, o.lists, now, s.due_days) : o.lists;
	if (lists == 0) {
		printf("nothing due\n");
		goto done;
	}
	if ((code = check_large_change(db, &s, &o, as_user, snap, lists, now)) != PUBLISH_OK)
		goto done;
	struct publish_config pc = {.out = s.out, .base_url = s.base_url,
				    .next_update_days = (int)s.next_update_days, .signer = signer,
				    .operator = &s.operator};
	struct publish_outcome outcome;
	code = (int)publisher_publish(snap, &pc, lists, now, record_publication, db, &outcome, err,
				      sizeof err);
	if (code != PUBLISH_OK)
		fprintf(stderr, "vntl: %s: %s\n", code == PUBLISH_REFUSED ? "refused" : "error", err);
	else
		report(&outcome);
done:
	db_snapshot_free(snap);
	publisher_signer_free(signer);
	publisher_crypto_shutdown();
	return code;
}
