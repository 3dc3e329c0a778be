/* vntl signer register|announce|switch|retire|list: the list signers kept
 * in the registry (db/signers.h). Each change is a correction that another
 * approver applies (vntl correction approve). */
#include "cli/cli.h"
#include "common/config.h"
#include "common/hex.h"
#include "db/registry.h"
#include "publisher/run.h"
#include "publisher/signer.h"

#include <inttypes.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char SIGNER_USAGE[] =
	"usage: vntl --as OFFICER signer register LABEL --key KEY --cert PEM --reason TEXT\n"
	"       vntl --as OFFICER signer announce|switch|retire LABEL --reason TEXT\n"
	"       vntl --as USER signer list\n"
	"       vntl signer csr --key KEY --subject /C=VN/O=ORG/CN=NAME [--out FILE]\n"
	"  KEY is a PEM key file or a pkcs11: URI (its PIN as for publish.key). Each is a\n"
	"  correction that another approver applies (vntl correction approve ID). A signer is\n"
	"  announced in the lists (pointer list, signed index) before the lists switch to it, at\n"
	"  least publish.signer_announce_days (default 30) before; the signer it replaces stays\n"
	"  announced as previous until it is retired. csr makes the certificate request, signed\n"
	"  by the key (in the token). The key pair is generated in the token by its own tool\n"
	"  (README \"Key ceremony and signer rollover\").\n";

struct signer_args {
	const char *label, *key, *cert, *reason;
};

static int parse(int argc, char **argv, const char *cmd, int registering, struct signer_args *a)
{
	const struct cli_option opts[] = {CLI_TEXT("key", &a->key), CLI_TEXT("cert", &a->cert),
					  CLI_TEXT("reason", &a->reason), CLI_END};
	int first;
	int rc = cli_parse_options(cmd, SIGNER_USAGE, opts, argc, argv, &first);
	if (rc != CLI_CONTINUE)
		return rc;
	if ((rc = cli_operands(cmd, "a signer LABEL", 1, argc, argv, first)) != 0)
		return rc;
	a->label = argv[first];
	if (registering && (!a->key || !a->cert))
		return cli_usage_error(cmd, "--key KEY and --cert PEM are required");
	if (!registering && (a->key || a->cert))
		return cli_usage_error(cmd, "--key and --cert belong to signer register");
	return 0;
}

/* The certificate in a PEM (or DER) file as DER; NULL with a message. */
static unsigned char *read_cert_der(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	X509 *x = f ? PEM_read_X509(f, NULL, NULL, NULL) : NULL;
	if (f && !x) {
		rewind(f);
		x = d2i_X509_fp(f, NULL);
	}
	if (f)
		fclose(f);
	unsigned char *der = NULL;
	int n = x ? i2d_X509(x, &der) : -1;
	X509_free(x);
	if (n <= 0) {
		cli_log("error", "signer register: --cert %s: %s", path, f ? "no certificate in it" : "cannot open it");
		return NULL;
	}
	*len = (size_t)n;
	return der;
}

/* SHA-256 of the certificate in the PEM file `path`; "" when unreadable. */
static void file_cert_sha256(const char *path, char out[65])
{
	out[0] = '\0';
	size_t len;
	FILE *quiet = path ? fopen(path, "rb") : NULL;
	if (!quiet)
		return;
	fclose(quiet);
	unsigned char *der = read_cert_der(path, &len), md[32];
	if (der && EVP_Digest(der, len, md, NULL, EVP_sha256(), NULL))
		hex_encode(md, sizeof md, out);
	OPENSSL_free(der);
}

/* How long an announcement lasts before the switch: publish.signer_announce_days,
 * except for taking over the configuration's own signer (publish.cert), which
 * relying parties already pin. */
static int switch_wait(struct cli_env *env, struct db *db, const char *label, int64_t *wait)
{
	long days;
	char err[VNTL_ERR_MAX];
	if (vntl_config_get_long(env->config, "publish.signer_announce_days", 30, 0, 3650, &days, err, sizeof err) < 0) {
		cli_log("error", "%s", err);
		return CLI_USAGE;
	}
	*wait = (int64_t)days * 86400;
	char bootstrap[65];
	file_cert_sha256(vntl_config_get(env->config, "publish.cert", NULL), bootstrap);
	struct db_signer_plan plan;
	if (db_signer_plan_load(db, &plan, err, sizeof err))
		return cli_result(-1, err);
	for (size_t i = 0; i < plan.count; i++)
		if (!plan.active && strcmp(plan.all[i].label, label) == 0 && bootstrap[0] &&
		    strcmp(plan.all[i].cert_sha256, bootstrap) == 0)
			*wait = 0;
	db_signer_plan_free(&plan);
	return CLI_OK;
}

static int signer_propose(struct cli_env *env, int argc, char **argv, enum db_correction_action action)
{
	char cmd[48];
	snprintf(cmd, sizeof cmd, "signer %s", argv[0]);
	struct signer_args a = {0};
	int rc = parse(argc, argv, cmd, action == DB_FIX_SIGNER_REGISTER, &a);
	if (rc)
		return rc;
	struct db_correction_input in = {.action = action, .signer = a.label, .signer_key = a.key, .reason = a.reason};
	unsigned char *der = NULL;
	if (a.cert && !(der = read_cert_der(a.cert, &in.signer_cert_len)))
		return CLI_USAGE;
	in.signer_cert_der = der;
	struct db *db;
	if ((rc = cli_open(env, 0, &db)) == 0) {
		if (action == DB_FIX_SIGNER_SWITCH)
			rc = switch_wait(env, db, a.label, &in.signer_wait);
		char err[VNTL_ERR_MAX];
		int64_t id;
		if (rc == 0) {
			rc = db_correction_propose(db, env->as_user, &in, &id, err, sizeof err);
			if (rc == 0)
				printf("correction %" PRId64 " proposed: %s %s; awaiting another approver "
				       "(vntl correction approve %" PRId64 ")\n", id, db_correction_action_name(action),
				       a.label, id);
			rc = cli_result(rc, err);
		}
		db_close(db);
	}
	OPENSSL_free(der);
	return rc;
}

static int signer_register(struct cli_env *env, int argc, char **argv)
{
	return signer_propose(env, argc, argv, DB_FIX_SIGNER_REGISTER);
}

static int signer_announce(struct cli_env *env, int argc, char **argv)
{
	return signer_propose(env, argc, argv, DB_FIX_SIGNER_ANNOUNCE);
}

static int signer_switch(struct cli_env *env, int argc, char **argv)
{
	return signer_propose(env, argc, argv, DB_FIX_SIGNER_SWITCH);
}

static int signer_retire(struct cli_env *env, int argc, char **argv)
{
	return signer_propose(env, argc, argv, DB_FIX_SIGNER_RETIRE);
}

static int signer_list(struct cli_env *env, int argc, char **argv)
{
	if (cli_wants_help(argc, argv))
		return cli_usage(SIGNER_USAGE, 1);
	if (argc != 1)
		return cli_operands("signer list", "", 0, argc, argv, 1);
	struct db *db;
	int rc = cli_open(env, 0, &db);
	if (rc)
		return rc;
	struct db_signer *all;
	size_t n;
	char err[VNTL_ERR_MAX];
	rc = db_signers_list(db, &all, &n, err, sizeof err);
	db_close(db);
	if (rc)
		return cli_result(rc, err);
	if (n == 0)
		printf("no signer registered: publish.key and publish.cert sign the lists\n");
	for (size_t i = 0; i < n; i++)
		printf("%s\t%s\tsha256:%s\t%s\n", all[i].label, db_signer_state_name(all[i].state), all[i].cert_sha256,
		       all[i].key);
	db_signers_free(all, n);
	return CLI_OK;
}

/* The key's certificate request, signed in the token when the key is there. */
static int signer_csr(struct cli_env *env, int argc, char **argv)
{
	const char *key = NULL, *subject = NULL, *out = NULL;
	const struct cli_option opts[] = {CLI_TEXT("key", &key), CLI_TEXT("subject", &subject),
					  CLI_TEXT("out", &out), CLI_END};
	int rc = cli_parse_options_only("signer csr", SIGNER_USAGE, opts, argc, argv);
	if (rc != CLI_CONTINUE)
		return rc;
	if (!key || !subject)
		return cli_usage_error("signer csr", "--key KEY and --subject /C=VN/O=ORG/CN=NAME are required");
	int token = publisher_key_is_pkcs11(key);
	const char *module = vntl_config_get(env->config, "publish.pkcs11_module", PUBLISHER_PKCS11_DEFAULT_MODULE);
	char err[VNTL_ERR_MAX] = "", *secret = NULL, *pem = NULL;
	if (token && publisher_pkcs11_check_config(key, module, err, sizeof err) < 0)
		return cli_usage_error("signer csr", "%s", err);
	if (publisher_read_passphrase(vntl_config_get(env->config, token ? "publish.pin_file" : "publish.key_pass_file",
						      NULL),
				      token ? PUBLISHER_PKCS11_PIN_ENV : PUBLISH_PASS_ENV, &secret, err, sizeof err) < 0) {
		cli_log("error", "%s", err);
		return CLI_ERROR;
	}
	rc = publisher_key_csr(key, module, secret, subject, &pem, err, sizeof err);
	publisher_passphrase_free(secret);
	if (rc < 0) {
		cli_log("refused", "signer csr: %s: %s", key, err);
		return CLI_REFUSED;
	}
	FILE *f = out ? fopen(out, "w") : stdout;
	int written = f && fputs(pem, f) >= 0;
	if (out && f)
		written = fclose(f) == 0 && written;
	free(pem);
	if (!written) {
		cli_log("error", "signer csr: cannot write %s", out ? out : "stdout");
		return CLI_ERROR;
	}
	return CLI_OK;
}

int cmd_signer(struct cli_env *env, int argc, char **argv)
{
	static const struct cli_sub subs[] = {
		{"register", signer_register}, {"announce", signer_announce}, {"switch", signer_switch},
		{"retire", signer_retire},     {"list", signer_list},     {"csr", signer_csr},
		{NULL, NULL},
	};
	return cli_dispatch(env, argc, argv, subs, SIGNER_USAGE);
}
