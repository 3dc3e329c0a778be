/* vntl init, vntl user add|list */
#include "cli/cli.h"
#include "db/registry.h"

#include <getopt.h>
#include <inttypes.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char INIT_USAGE[] =
	"usage: vntl [--db PATH] init\n"
	"  Create the registry database (or migrate an older one to this version).\n"
	"  Then add the first user, an officer: vntl user add NAME --role officer\n";

int cmd_init(struct cli_env *env, int argc, char **argv)
{
	if (cli_wants_help(argc, argv))
		return cli_usage(INIT_USAGE, 1);
	if (argc != 1)
		return cli_operands("init", "", 0, argc, argv, 1);
	struct db *db;
	int rc = cli_open(env, 1, &db);
	if (rc)
		return rc;
	printf("registry %s ready (schema version %d)\n", env->db_path, db_schema_version(db));
	db_close(db);
	return CLI_OK;
}

static const char USER_USAGE[] =
	"usage: vntl [--db PATH] --as OFFICER user add NAME --role ROLES [options]\n"
	"       vntl [--db PATH] --as USER [--json] user list\n"
	"  ROLES: comma-separated officer, approver, auditor, provider.\n"
	"  The first user of a registry needs no --as and must be an officer.\n"
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

static int user_add(struct cli_env *env, int argc, char **argv)
{
	static const struct option opts[] = {
		{"role", required_argument, NULL, 'r'}, {"cert-sha256", required_argument, NULL, 'c'},
		{"tsp", required_argument, NULL, 't'}, {"secret-file", required_argument, NULL, 's'},
		{"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0}};
	struct db_user_input in = {0};
	const char *roles = NULL, *secret_file = NULL;
	char err[1024], secret[1024];
	int c;
	optind = 0;
	while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
		switch (c) {
		case 'r': roles = optarg; break;
		case 'c': in.cert_sha256 = optarg; break;
		case 't':
			if (cli_parse_id(optarg, &in.tsp_id))
				return cli_bad_value("user add", USER_USAGE, "--tsp", optarg);
			break;
		case 's': secret_file = optarg; break;
		case 'h': return cli_usage(USER_USAGE, 1);
		default: return cli_option_error("user add", USER_USAGE, c, argc, argv);
		}
	}
	int operands = cli_operands("user add", "NAME", 1, argc, argv, optind);
	if (operands)
		return operands;
	if (!roles)
		return cli_usage_error("user add", "--role ROLES is required (officer, approver, auditor, provider)");
	in.name = argv[optind];
	if (db_roles_parse(roles, &in.roles, err, sizeof err))
		return cli_result(1, err);
	if (secret_file) {
		if (read_secret(secret_file, secret, sizeof secret)) {
			cli_log("error", "cannot read the secret file %s", secret_file);
			return CLI_ERROR;
		}
		in.secret = secret;
	}
	struct db *db;
	int rc = cli_open(env, 0, &db);
	if (rc)
		return rc;
	int64_t id;
	rc = db_user_add(db, env->as_user, &in, &id, err, sizeof err);
	memset(secret, 0, sizeof secret);
	db_close(db);
	if (rc == 0)
		printf("user %s added (id %" PRId64 ", roles %s)\n", in.name, id, roles);
	return cli_result(rc, err);
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
			json_array_append_new(arr, json_pack("{sI ss ss sI}", "id", (json_int_t)users[i].id, "name",
							     users[i].name, "roles", roles, "tsp", (json_int_t)users[i].tsp_id));
		else
			printf("%" PRId64 "\t%s\t%s%s\n", users[i].id, users[i].name, roles,
			       users[i].tsp_id ? "\t(provider of TSP)" : "");
	}
	if (env->json)
		json_dumpf(arr, stdout, JSON_INDENT(2)), putchar('\n');
	json_decref(arr);
	free(users);
	return CLI_OK;
}

int cmd_user(struct cli_env *env, int argc, char **argv)
{
	static const struct cli_sub subs[] = {{"add", user_add}, {"list", user_list}, {NULL, NULL}};
	return cli_dispatch(env, argc, argv, subs, USER_USAGE);
}
