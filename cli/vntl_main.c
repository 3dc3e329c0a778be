/* vntl: the operator command. One line per command; each lives in its module. */
#include "cli/cli.h"

static const struct cli_command commands[] = {
	{"init", cmd_init, "create the registry database, or migrate it to this version"},
	{"user", cmd_user, "add, list and correct users (officer, approver, auditor, provider)"},
	{"tsp", cmd_tsp, "add, list, show, edit and retire trust service providers"},
	{"cert", cmd_cert, "import, list, show and move certificates (each one a service)"},
	{"change", cmd_change, "propose, approve, reject, list and show status changes (four eyes)"},
	{"correction", cmd_correction, "approve, reject, list and show corrections of TSPs, services, users"},
	{"doctor", cmd_doctor, "list rows whose text a list cannot carry, and the correction for each"},
	{"audit", cmd_audit, "verify and list the hash-chained audit log"},
	{"signer", cmd_signer, "register, announce, switch to and retire list signers (four eyes)"},
	{"publish", cmd_publish, "build, sign, self-check and publish the trust lists"},
};

int main(int argc, char **argv)
{
	return cli_main(argc, argv, commands, sizeof commands / sizeof commands[0]);
}
