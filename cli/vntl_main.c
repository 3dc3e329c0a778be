/* vntl: the operator command. One line per command; each lives in its module. */
#include "cli/cli.h"

static const struct cli_command commands[] = {
	{"init", cmd_init, "create the registry database, or migrate it to this version"},
	{"user", cmd_user, "add and list users (officer, approver, auditor, provider)"},
	{"tsp", cmd_tsp, "add, list and show trust service providers"},
	{"cert", cmd_cert, "import, list and show certificates (each one a service)"},
	{"change", cmd_change, "propose, approve, reject, list and show status changes (four eyes)"},
	{"audit", cmd_audit, "verify and list the hash-chained audit log"},
	{"publish", cmd_publish, "build, sign, self-check and publish the trust lists"},
};

int main(int argc, char **argv)
{
	return cli_main(argc, argv, commands, sizeof commands / sizeof commands[0]);
}
