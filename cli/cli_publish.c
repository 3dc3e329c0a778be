/* `vntl publish` (README.md, "Publisher"): options, the signer's
 * configuration, the registry -> publisher_run(), and what it did as vntl
 * says it. Nothing is signed unless the registry passes db_registry_check
 * and no list would drop more than publish.max_drop_percent of its trusted
 * services (or all of them) with no decision in the registry, without an
 * approver's confirmation (--as).
 * Exit: 0 published (or nothing due), 1 refused by a rule, 2 usage, 3 I/O
 * or database error. */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "common/config.h"
#include "common/rfc3339.h"
#include "db/db.h"
#include "publisher/publish.h"
#include "publisher/run.h"
#include "publisher/signer.h"

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
	"            with no decision in the registry (an approver, --as; audited)\n";

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
		} else if (strcmp(argv[i], "--list") == 0) {
			enum publisher_list l;
			const char *name = i + 1 < argc ? argv[++i] : "";
			if (strcmp(name, "all") == 0)
				o->lists = PUBLISH_ALL;
			else if (publisher_list_from_name(name, &l) == 0)
				o->lists = PUBLISH_MASK(l);
			else {
				cli_usage_error("publish", "--list wants roots, foreign, pointer or all, not '%s'", name);
				return -1;
			}
		} else if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
			fputs(USAGE, stdout);
			return 1;
		} else {
			cli_usage_error("publish", "unknown option '%s' (--list, --if-due, --confirm-large-change)",
					argv[i]);
			return -1;
		}
	}
	return 0;
}

/* What the run did, as vntl says it: results on stdout, events on stderr. */
static void report(const struct publish_result *r, const char *as_user)
{
	if (r->key_warning[0])
		cli_log("warning", "%s", r->key_warning);
	for (int l = 0; l < PUBLISHER_LIST_COUNT; l++)
		if (r->large[l].confirmed)
			cli_log("info", "large change confirmed list=%s dropped=%zu listed=%zu by=%s",
				publisher_list_name((enum publisher_list)l), r->large[l].dropped, r->large[l].listed,
				as_user ? as_user : "");
	if (r->code == PUBLISH_CONFIG) {
		cli_log("usage", "%s", r->message);
		return;
	}
	if (r->code != PUBLISH_OK && !r->blocked[0]) {
		cli_log(r->code == PUBLISH_REFUSED ? "refused" : "error", "%s", r->message);
		return;
	}
	if (r->code != PUBLISH_OK)   /* a list left out; the others below were published */
		cli_log("refused", "%s", r->message);
	else if (!r->due)
		printf("nothing due\n");
	for (int l = 0; l < PUBLISHER_LIST_COUNT; l++) {
		if (!r->outcome.published[l])
			continue;
		const struct db_publication *p = &r->outcome.pub[l];
		printf("published %s sequence %lld sha256 %s\n", p->list, (long long)p->sequence, p->sha256);
		char next[32];
		cli_log("info", "published list=%s sequence=%lld sha256=%s next_update=%s", p->list,
			(long long)p->sequence, p->sha256, rfc3339_format(p->next_update, next));
	}
}

/* Parse argv (argv[0] is "publish") and run, acting as `as_user` (the
 * approver who may confirm a large change); returns the exit code. */
static int run_publish(const struct vntl_config *config, struct db *db, const char *as_user, int argc,
		       char **argv)
{
	struct options o;
	int parsed = parse_options(argc, argv, &o);
	if (parsed != 0)
		return parsed > 0 ? 0 : 2;
	struct publish_request req = {.lists = o.lists, .if_due = o.if_due,
				      .confirm_large_change = o.confirm_large_change, .as_user = as_user};
	struct publish_result res;
	publisher_run(config, db, &req, &res);
	report(&res, as_user);
	return res.code;
}

/* The list-signing key and certificate are configuration: a key not set,
 * or naming a file that cannot be read, is a configuration error (exit 2,
 * as README says), found before the registry is opened. */
static int check_signer_config(const struct vntl_config *cfg)
{
	static const struct { const char *key, *what; } files[] = {
		{"publish.key", "list-signing private key"},
		{"publish.cert", "list-signing certificate"},
	};
	for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
		const char *path = vntl_config_get(cfg, files[i].key, NULL);
		if (!path || !*path) {
			cli_log("usage", "publish: %s is not set in the configuration: the %s (PEM) is required",
				files[i].key, files[i].what);
			return CLI_USAGE;
		}
		if (!publisher_key_is_pkcs11(path) && access(path, R_OK) != 0) {
			cli_log("usage", "publish: %s = %s: cannot read the %s: %s", files[i].key, path,
				files[i].what, strerror(errno));
			return CLI_USAGE;
		}
	}
	return CLI_OK;
}

int cmd_publish(struct cli_env *env, int argc, char **argv)
{
	if (cli_wants_help(argc, argv))
		return run_publish(env->config, NULL, NULL, argc, argv);
	int rc = check_signer_config(env->config);
	if (rc != CLI_OK)
		return rc;
	struct db *db = NULL;
	rc = cli_open(env, 0, &db);
	if (rc != CLI_OK)
		return rc;
	rc = run_publish(env->config, db, env->as_user, argc, argv);
	db_close(db);
	return rc;
}
