/* vntl user add|list|roles|disable|cert|secret|revoke-tokens
 *
 * Until the registry holds an officer and an approver (the bootstrap) a
 * user is added at once; afterwards every change to the accounts is a
 * correction another approver approves (vntl correction approve ID). */
#include "cli/cli.h"
#include "db/registry.h"
#include "db/corrections.h"

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

/* The longest secret read from a --secret-file, with its NUL. */
#define SECRET_MAX 1024

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

/* Returns as cli_parse_options; a->name is the one operand. */
static int parse_user_args(int argc, char **argv, const char *cmd, struct user_args *a)
{
	const struct cli_option opts[] = {CLI_TEXT("role", &a->roles), CLI_TEXT("cert-sha256", &a->cert_sha256),
					  CLI_ID("tsp", &a->tsp_id), CLI_TEXT("secret-file", &a->secret_file),
					  CLI_TEXT("reason", &a->reason), CLI_END};
	int first;
	int rc = cli_parse_options(cmd, USER_USAGE, opts, argc, argv, &first);
	if (rc != CLI_CONTINUE)
		return rc;
	if ((rc = cli_operands(cmd, "NAME", 1, argc, argv, first)))
		return rc;
	a->name = argv[first];
	return CLI_CONTINUE;
}

/* The secret of --secret-file PATH into secret (SECRET_MAX bytes), as *out;
 * CLI_OK, or CLI_ERROR said on stderr. */
static int take_secret(const char *path, char *secret, const char **out)
{
	if (read_secret(path, secret, SECRET_MAX)) {
		cli_log("error", "cannot read the secret file %s", path);
		return CLI_ERROR;
	}
	*out = secret;
	return CLI_OK;
}

static int user_add(struct cli_env *env, int argc, char **argv)
{
	struct user_args a = {0};
	int rc = parse_user_args(argc, argv, "user add", &a);
	if (rc != CLI_CONTINUE)
		return rc;
	if (!a.roles)
		return cli_usage_error("user add", "--role ROLES is required (officer, approver, auditor, provider)");
	struct db_user_input in = {.name = a.name, .tsp_id = a.tsp_id, .cert_sha256 = a.cert_sha256};
	char err[VNTL_ERR_MAX], secret[SECRET_MAX];
	if (db_roles_parse(a.roles, &in.roles, err, sizeof err))
		return cli_result(1, err);
	if (a.secret_file && take_secret(a.secret_file, secret, &in.secret))
		return CLI_ERROR;
	struct db *db;
	if ((rc = cli_open(env, 0, &db)) == 0) {
		int open = db_user_bootstrap_open(db);
		if (open == 0) {
			struct db_correction_input fix = {.action = DB_FIX_USER_ADD, .user = in.name, .roles = in.roles,
							  .tsp_id = in.tsp_id, .cert_sha256 = in.cert_sha256,
							  .secret = in.secret, .reason = a.reason};
			rc = cli_propose(env, db, &fix, fix.user);
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
	char cmd[48], err[VNTL_ERR_MAX], secret[SECRET_MAX] = "";
	snprintf(cmd, sizeof cmd, "user %s", argv[0]);
	struct user_args a = {0};
	int rc = parse_user_args(argc, argv, cmd, &a);
	if (rc != CLI_CONTINUE)
		return rc;
	struct db_correction_input in = {.action = action, .user = a.name, .cert_sha256 = a.cert_sha256,
					 .reason = a.reason};
	if (action == DB_FIX_USER_ROLES && (!a.roles || db_roles_parse(a.roles, &in.roles, err, sizeof err)))
		return a.roles ? cli_result(1, err) : cli_usage_error(cmd, "--role ROLES is required");
	if (action == DB_FIX_USER_CERT && !a.cert_sha256)
		return cli_usage_error(cmd, "--cert-sha256 HEX is required");
	if (action == DB_FIX_USER_SECRET) {
		if (!a.secret_file)
			return cli_usage_error(cmd, "--secret-file PATH is required");
		if (take_secret(a.secret_file, secret, &in.secret))
			return CLI_ERROR;
	}
	rc = cli_propose_correction(env, &in, in.user);
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
	char err[VNTL_ERR_MAX];
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
		cli_print_json(arr);
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
