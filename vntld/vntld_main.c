/* vntld: serves the publication directory over HTTPS. Its main: flags, configuration
 * and signals; everything else is in web/server.c. */
#include "common/config.h"
#include "common/sizes.h"
#include "db/db.h"
#include "web/log.h"
#include "web/server.h"
#include "web/settings.h"
#include "vntl.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>

static const struct { const char *flag, *key; } flag_keys[] = {
	{"--listen", "server.listen"},
	{"--port", "server.port"},
	{"--publication-dir", "server.publication_dir"},
	{"--tls-cert", "server.tls_cert"},
	{"--tls-key", "server.tls_key"},
	{"--client-ca", "server.client_ca"},
	{"--signer-cert", "server.signer_cert"},
	{"--db", "db"},
	{"--tls12", "server.tls12"},
	{"--threads", "server.threads"},
	{"--poll", "server.poll"},
};
#define FLAG_COUNT (sizeof flag_keys / sizeof flag_keys[0])

static void usage(FILE *out)
{
	fprintf(out, "usage: vntld [--help | --version] [--config FILE]");
	for (size_t i = 0; i < FLAG_COUNT; i++)
		fprintf(out, " [%s VALUE]", flag_keys[i].flag);
	fprintf(out, "\n  each flag overrides the configuration key of the same name (see README.md, \"Server: vntld\")\n");
}

static int parse_flags(int argc, char **argv, const char **config, struct web_override *ov,
		       size_t *count)
{
	*count = 0;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
			usage(stdout);
			return 1;
		}
		if (strcmp(argv[i], "--version") == 0) {
			printf("vntld (vntl) %s\n", vntl_version());
			return 1;
		}
		size_t k = 0;
		while (k < FLAG_COUNT && strcmp(argv[i], flag_keys[k].flag) != 0)
			k++;
		if (k == FLAG_COUNT && strcmp(argv[i], "--config") != 0) {
			fprintf(stderr, "vntld: unknown flag %s (see vntld --help)\n", argv[i]);
			return -1;
		}
		if (i + 1 >= argc) {
			fprintf(stderr, "vntld: %s wants a value (see vntld --help)\n", argv[i]);
			return -1;
		}
		if (k == FLAG_COUNT) {
			*config = argv[++i];
			continue;
		}
		if (*count == FLAG_COUNT * 4) {
			fprintf(stderr, "vntld: too many flags (see vntld --help)\n");
			return -1;
		}
		ov[(*count)++] = (struct web_override){flag_keys[k].key, argv[++i]};
	}
	return 0;
}

/* 10,000 idle keep-alive clients need 10,000 descriptors. */
static void raise_open_files(void)
{
	struct rlimit rl;
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		if (setrlimit(RLIMIT_NOFILE, &rl) != 0)
			web_log("warn", "rlimit", "reason=\"%s\"", strerror(errno));
	}
}

/* vntld never creates or migrates a registry (DB_OPEN_EXISTING): one that
 * is missing, empty, not a registry, or of another schema version is said
 * once at start; the API then answers 503 registry-unavailable on every
 * request until it is fixed, and the public side is served regardless. */
static void check_registry(const struct web_settings *settings)
{
	if (!settings->registry[0])
		return;
	char err[VNTL_ERR_MAX];
	struct db *db;
	if (db_open(settings->registry, DB_OPEN_EXISTING, &db, err, sizeof err) == 0) {
		db_close(db);
		return;
	}
	web_log("error", "registry-unavailable",
		"reason=\"%s\" effect=\"admin and provider API answer 503; public files are served\"", err);
}

static int serve(struct web_server *server, const sigset_t *signals, unsigned interval_ms)
{
	struct timespec tick = {interval_ms / 1000, (long)(interval_ms % 1000) * 1000000L};
	for (;;) {
		int sig = sigtimedwait(signals, NULL, &tick);
		if (sig == SIGTERM || sig == SIGINT) {
			web_server_drain(server);
			return 0;
		}
		if (sig == SIGHUP)
			web_server_reload_tls(server);
		web_server_check_publication(server);
	}
}

int main(int argc, char **argv)
{
	const char *config_path = NULL;
	struct web_override overrides[FLAG_COUNT * 4];
	size_t override_count;
	int flags = parse_flags(argc, argv, &config_path, overrides, &override_count);
	if (flags != 0)
		return flags > 0 ? 0 : 2;

	char err[VNTL_ERR_MAX];
	struct vntl_config *cfg;
	struct web_settings settings;
	if (vntl_config_load(config_path, &cfg, err, sizeof err) != 0) {
		fprintf(stderr, "vntld: %s\n", err);
		return 2;
	}
	int rc = web_settings_load(cfg, overrides, override_count, &settings, err, sizeof err);
	vntl_config_free(cfg);
	if (rc != 0) {
		fprintf(stderr, "vntld: %s\n", err);
		return 2;
	}
	raise_open_files();
	check_registry(&settings);

	/* Blocked in every thread (they inherit the mask); only this thread
	 * takes them, with sigtimedwait. SIGPIPE: a client hanging up. */
	sigset_t signals;
	sigemptyset(&signals);
	sigaddset(&signals, SIGTERM);
	sigaddset(&signals, SIGINT);
	sigaddset(&signals, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &signals, NULL);
	signal(SIGPIPE, SIG_IGN);

	struct web_server *server;
	if (web_server_start(&settings, &server, err, sizeof err) != 0) {
		web_log("error", "start-failed", "reason=\"%s\"", err);
		return 1;
	}
	return serve(server, &signals, settings.poll_interval_ms);
}
