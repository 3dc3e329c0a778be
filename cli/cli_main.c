/* vntl's frame: global options, configuration, database path, dispatch. */
#include "cli/cli.h"
#include "common/config.h"
#include "vntl.h"

#include <getopt.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void usage(FILE *out, const struct cli_command *commands, size_t count)
{
	fputs("usage: vntl [--db PATH] [--config FILE] [--as USER] [--json] COMMAND [ARGS]\n"
	      "       vntl --help | --version\n"
	      "  --db PATH      registry database (else $VNTL_DB, else key `db` of the config file)\n"
	      "  --config FILE  configuration file (else $VNTL_CONFIG, else /etc/vntl/vntl.conf if present)\n"
	      "  --as USER      the acting user, checked against its role\n"
	      "  --json         machine-readable output of read commands\n"
	      "  Global options may also follow the command. `vntl COMMAND --help` for more.\n"
	      "commands:\n", out);
	for (size_t i = 0; i < count; i++)
		fprintf(out, "  %-10s %s\n", commands[i].name, commands[i].summary);
	fputs("exit codes: 0 ok, 1 refused by a rule, 2 usage, 3 I/O or database error\n", out);
}

/* Value of "--name VALUE" or "--name=VALUE" at argv[*i]; NULL if not this option. */
static const char *option_value(int argc, char **argv, int *i, const char *name, int *missing)
{
	size_t n = strlen(name);
	if (strncmp(argv[*i], name, n) != 0)
		return NULL;
	if (argv[*i][n] == '=')
		return argv[*i] + n + 1;
	if (argv[*i][n] != '\0')
		return NULL;
	if (*i + 1 >= argc) {
		*missing = 1;
		return NULL;
	}
	return argv[++*i];
}

struct globals {
	const char *db, *config, *as;
	const char *missing_option; /* the global option given without its value */
	int json, help, version, missing;
};

/* Take the global options out of argv wherever they are (up to "--");
 * --help counts as global only before the command. */
static int take_globals(int *argc, char **argv, struct globals *g)
{
	int out = 1, seen_command = 0;
	for (int i = 1; i < *argc; i++) {
		const char *v;
		if (strcmp(argv[i], "--") == 0) {
			while (i < *argc)
				argv[out++] = argv[i++];
			break;
		}
		if ((v = option_value(*argc, argv, &i, "--db", &g->missing)))
			g->db = v;
		else if ((v = option_value(*argc, argv, &i, "--config", &g->missing)))
			g->config = v;
		else if ((v = option_value(*argc, argv, &i, "--as", &g->missing)))
			g->as = v;
		else if (strcmp(argv[i], "--json") == 0)
			g->json = 1;
		else if (!seen_command && (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0))
			g->help = 1;
		else if (!seen_command && strcmp(argv[i], "--version") == 0)
			g->version = 1;
		else if (g->missing) {
			g->missing_option = argv[i];
			break;
		}
		else {
			seen_command |= argv[i][0] != '-';
			argv[out++] = argv[i];
		}
		if (g->missing)
			return -1;
	}
	*argc = out;
	argv[out] = NULL;
	return g->missing ? -1 : 0;
}

int cli_main(int argc, char **argv, const struct cli_command *commands, size_t count)
{
	struct globals g = {0};
	opterr = 0; /* the commands print one-line errors of their own */
	if (take_globals(&argc, argv, &g)) {
		const char *form = strcmp(g.missing_option, "--as") == 0 ? "USER"
				 : strcmp(g.missing_option, "--db") == 0 ? "PATH" : "FILE";
		return cli_usage_error(NULL, "%s wants a value (%s)", g.missing_option, form);
	}
	if (g.version) {
		printf("vntl (vntl) %s\n", vntl_version());
		return CLI_OK;
	}
	if (g.help || argc < 2) {
		usage(g.help ? stdout : stderr, commands, count);
		return g.help ? CLI_OK : CLI_USAGE;
	}
	const struct cli_command *cmd = NULL;
	for (size_t i = 0; i < count; i++)
		if (strcmp(argv[1], commands[i].name) == 0)
			cmd = &commands[i];
	if (!cmd) {
		char names[256] = "";
		for (size_t i = 0; i < count; i++)
			snprintf(names + strlen(names), sizeof names - strlen(names), "%s%s",
				 i ? ", " : "", commands[i].name);
		return cli_usage_error(NULL, "unknown command '%s' (%s)", argv[1], names);
	}
	struct cli_env env = {.as_user = g.as, .json = g.json};
	char err[VNTL_ERR_MAX];
	if (vntl_config_load(g.config, &env.config, err, sizeof err)) {
		cli_log("error", "%s", err);
		return CLI_ERROR;
	}
	env.db_path = g.db ? g.db : getenv("VNTL_DB") ? getenv("VNTL_DB") : vntl_config_get(env.config, "db", NULL);
	int rc = cmd->fn(&env, argc - 1, argv + 1);
	vntl_config_free(env.config);
	return rc;
}
