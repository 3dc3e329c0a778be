/* vntl user add|list|roles|disable|cert|secret|revoke-tokens
 *
 * Until the registry holds an officer and an approver (the bootstrap) a
 * user is added at once; afterwards every change to the accounts is a
 * correction another approver approves (vntl correction approve ID). */
#include "cli/cli.h"
#include "db/registry.h"
#include "db/corrections.h"

#include <getopt.h>
#include <inttypes.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char USER_USAGE[] =
	"usage: vntl [--db PATH] --as OFFICER user add NAME --role ROLES [options] [--reason TEXT]\n"
	"       vntl [--db PATH] --as USER [--json] user list\n"
	"       vntl --as OFFICER user roles NAME --role ROLES --reason TEXT\n"
	"       vntl --as OFFICER user disable NAME --reason TEXT\n"
	"       vntl --as OFFICER user cert NAME --cert-sha256 HEX --reason TEXT\n"
	"       vntl --as OFFICER user secret NAME --secret-file PATH --reason TEXT\n"
	"       vntl --as OFFICER user revoke-tokens NAME --reason TEXT\n"
	"  ROLES: comma-separated officer, approver, auditor, provider.\n"
	"  The first user of a registry needs no --as and must be an officer. Until the registry\n"
	"  holds an officer and an approver, an officer adds users at once (the bootstrap); after\n"
	"  that, add, roles, disable, cert, secret and revoke-tokens are proposals that another\n"
	"  approver (not the user concerned) approves: vntl --as APPROVER correction approve ID.\n"
	"  add options:\n"
	"    --cert-sha256 HEX   SHA-256 of the user's client certificate (staff login over mutual TLS)\n"
	"    --tsp ID            providers: the TSP whose certificates they may report on\n"
	"    --secret-file PATH  providers: file holding the secret ('-' = stdin); never on the command line\n";

static int read_secret(const char *path, char *out, size_t outlen)
{
	FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "r");
	if (!f)
		return -1;
	size_t n = fread(out, 1, outlen - 1, f);
	if (f != stdin)
		fclose(f);
	out[n] = '\0';
	while (n > 0 && (out[n - 1] == '\n' || out[n - 1] == '\r'))
		out[--n] = '\0';
	return 0;
}

/* Everything a user subcommand may be given. */
struct user_args {
	const char *name, *roles, *cert_sha256, *secret_file, *reason;
	int64_t tsp_id;
};

static int parse_user_args(int argc, char **argv, const char *cmd, struct user_args *a)
{
	static const struct option opts[] = {
		{"role", required_argument, NULL, 'r'}, {"cert-sha256", required_argument, NULL, 'c'},
		{"tsp", required_argument, NULL, 't'}, {"secret-file", required_argument, NULL, 's'},
		{"reason", required_argument, NULL, 'w'}, {"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0}};
	int c;
	optind = 0;
	while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
		switch (c) {
		case 'r': a->roles = optarg; break;
		case 'c': a->cert_sha256 = optarg; break;
		case 't':
			if (cli_parse_id(optarg, &a->tsp_id))
				return cli_bad_value(cmd, USER_USAGE, "--tsp", optarg);
			break;
		case 's': a->secret_file = optarg; break;
		case 'w': a->reason = optarg; break;
		case 'h': return cli_usage(USER_USAGE, 1) == CLI_OK ? -1 : CLI_USAGE;
		default: return cli_option_error(cmd, USER_USAGE, c, argc, argv);
		}
	}
	int rc = cli_operands(cmd, "NAME", 1, argc, argv, optind);
	if (rc == 0)
		a->name = argv[optind];
	return rc;
}

/* The CLI's side of a correction: propose, print its id. */
static int propose(struct cli_env *env, struct db *db, const struct db_correction_input *in)
{
	char err[1024];
	int64_t id;
	int rc = db_correction_propose(db, env->as_user, in, &id, err, sizeof err);
	if (rc == 0)
		printf("correction %" PRId64 " proposed: %s %s; awaiting another approver "
		       "(vntl correction approve %" PRId64 ")\n", id, db_correction_action_name(in->action), in->user,
		       id);
	return cli_result(rc, err);
}

static int user_add(struct cli_env *env, int argc, char **argv)
{
	struct user_args a = {0};
	int rc = parse_user_args(argc, argv, "user add", &a);
	if (rc)
		return rc < 0 ? CLI_OK : rc;
	if (!a.roles)
		return cli_usage_error("user add", "--role ROLES is required (officer, approver, auditor, provider)");
	struct db_user_input in = {.name = a.name, .tsp_id = a.tsp_id, .cert_sha256 = a.cert_sha256};
	char err[1024], secret[1024];
	if (db_roles_parse(a.roles, &in.roles, err, sizeof err))
		return cli_result(1, err);
	if (a.secret_file) {
		if (read_secret(a.secret_file, secret, sizeof secret)) {
			cli_log("error", "cannot read the secret file %s", a.secret_file);
			return CLI_ERROR;
		}
		in.secret = secret;
	}
	struct db *db;
	if ((rc = cli_open(env, 0, &db)) == 0) {
		int open = db_user_bootstrap_open(db);
		if (open == 0) {
			struct db_correction_input fix = {.action = DB_FIX_USER_ADD, .user = in.name, .roles = in.roles,
							  .tsp_id = in.tsp_id, .cert_sha256 = in.cert_sha256,
							  .secret = in.secret, .reason = a.reason};
			rc = propose(env, db, &fix);
		} else {
			int64_t id;
			rc = db_user_add(db, env->as_user, &in, &id, err, sizeof err);
			if (rc == 0)
				printf("user %s added (id %" PRId64 ", roles %s)\n", in.name, id, a.roles);
			rc = cli_result(open < 0 ? -1 : rc, open < 0 ? "cannot count users" : err);
		}
		db_close(db);
	}
	memset(secret, 0, sizeof secret);
	return rc;
}

/* user roles|disable|cert|secret|revoke-tokens: one correction each. */
static int user_correct(struct cli_env *env, int argc, char **argv, enum db_correction_action action)
{
	char cmd[48], err[1024], secret[1024] = "";
	snprintf(cmd, sizeof cmd, "user %s", argv[0]);
	struct user_args a = {0};
	int rc = parse_user_args(argc, argv, cmd, &a);
	if (rc)
		return rc < 0 ? CLI_OK : rc;
	struct db_correction_input in = {.action = action, .user = a.name, .cert_sha256 = a.cert_sha256,
					 .reason = a.reason};
	if (action == DB_FIX_USER_ROLES && (!a.roles || db_roles_parse(a.roles, &in.roles, err, sizeof err)))
		return a.roles ? cli_result(1, err) : cli_usage_error(cmd, "--role ROLES is required");
	if (action == DB_FIX_USER_CERT && !a.cert_sha256)
		return cli_usage_error(cmd, "--cert-sha256 HEX is required");
	if (action == DB_FIX_USER_SECRET) {
		if (!a.secret_file)
			return cli_usage_error(cmd, "--secret-file PATH is required");
		if (read_secret(a.secret_file, secret, sizeof secret)) {
			cli_log("error", "cannot read the secret file %s", a.secret_file);
			return CLI_ERROR;
		}
		in.secret = secret;
	}
	struct db *db;
	if ((rc = cli_open(env, 0, &db)) == 0) {
		rc = propose(env, db, &in);
		db_close(db);
	}
	memset(secret, 0, sizeof secret);
	return rc;
}

static int user_roles(struct cli_env *env, int argc, char **argv)
{
	return user_correct(env, argc, argv, DB_FIX_USER_ROLES);
}

static int user_disable(struct cli_env *env, int argc, char **argv)
{
	return user_correct(env, argc, argv, DB_FIX_USER_DISABLE);
}

static int user_cert(struct cli_env *env, int argc, char **argv)
{
	return user_correct(env, argc, argv, DB_FIX_USER_CERT);
}

static int user_secret(struct cli_env *env, int argc, char **argv)
{
	return user_correct(env, argc, argv, DB_FIX_USER_SECRET);
}

static int user_revoke_tokens(struct cli_env *env, int argc, char **argv)
{
	return user_correct(env, argc, argv, DB_FIX_USER_TOKENS);
}

static int user_list(struct cli_env *env, int argc, char **argv)
{
	if (cli_wants_help(argc, argv))
		return cli_usage(USER_USAGE, 1);
	if (argc != 1)
		return cli_operands("user list", "", 0, argc, argv, 1);
	struct db *db;
	int rc = cli_open(env, 0, &db);
	if (rc)
		return rc;
	char err[1024];
	struct db_user me, *users = NULL;
	size_t n = 0;
	rc = db_user_require(db, env->as_user, DB_ROLE_OFFICER | DB_ROLE_APPROVER | DB_ROLE_AUDITOR, &me, err, sizeof err);
	if (rc == 0)
		rc = db_user_list(db, &users, &n, err, sizeof err);
	db_close(db);
	if (rc)
		return cli_result(rc, err);
	json_t *arr = json_array();
	for (size_t i = 0; i < n; i++) {
		char roles[64];
		db_roles_format(users[i].roles, roles, sizeof roles);
		if (env->json)
			json_array_append_new(arr, json_pack("{sI ss ss sI sb}", "id", (json_int_t)users[i].id, "name",
							     users[i].name, "roles", roles, "tsp", (json_int_t)users[i].tsp_id,
							     "disabled", users[i].disabled));
		else
			printf("%" PRId64 "\t%s\t%s%s%s\n", users[i].id, users[i].name, roles,
			       users[i].tsp_id ? "\t(provider of TSP)" : "", users[i].disabled ? "\tdisabled" : "");
	}
	if (env->json)
		json_dumpf(arr, stdout, JSON_INDENT(2)), putchar('\n');
	json_decref(arr);
	free(users);
	return CLI_OK;
}

int cmd_user(struct cli_env *env, int argc, char **argv)
{
	static const struct cli_sub subs[] = {
		{"add", user_add}, {"list", user_list}, {"roles", user_roles}, {"disable", user_disable},
		{"cert", user_cert}, {"secret", user_secret}, {"revoke-tokens", user_revoke_tokens}, {NULL, NULL}};
	return cli_dispatch(env, argc, argv, subs, USER_USAGE);
}
