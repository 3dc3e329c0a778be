/* Reader for the vntl configuration file (see config.h). */
#include "common/config.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CONFIG_MAX_LINE 4096

/* Every key any program reads, by component (README.md, "Configuration" and
 * each component's section). One file serves vntl, vntld and the publisher,
 * so a key outside this table is a typo or a leftover, never another
 * program's: it is refused with its line rather than silently ignored.
 * A new key is added here and in README.md. */
static const char *const known_keys[] = {
	"db",
	/* publisher (publisher/run.c; vntl publish, vntld) */
	"publish.out", "publish.base_url", "publish.key", "publish.cert", "publish.key_pass_file",
	"publish.pkcs11_module", "publish.pin_file", "publish.signer_announce_days",
	"publish.digest", "publish.next_update_days", "publish.due_days", "publish.max_drop_percent",
	"publish.operator_street_vi", "publish.operator_street_en", "publish.operator_locality_vi",
	"publish.operator_locality_en", "publish.operator_email", "publish.operator_uri",
	/* vntld (web/settings.c) */
	"server.listen", "server.port", "server.publication_dir", "server.tls_cert", "server.tls_key",
	"server.client_ca", "server.signer_cert", "server.tls12", "server.threads",
	"server.max_connections", "server.per_ip_connections", "server.connection_timeout",
	"server.memory_limit", "server.max_body", "server.cache_max_age", "server.poll",
	"server.drain_timeout", "server.poll_interval_ms", "server.api_threads", "server.api_queue",
	"server.origin", "server.recheck_interval", "server.publish_interval", "server.handshake_timeout",
	"server.header_timeout", "server.send_timeout", "server.min_send_rate",
	/* what a proposal may say (web/settings.c, the admin and provider API) */
	"provider.max_backdate_days", "provider.max_ahead_days", "provider.max_pending",
	"admin.max_backdate_days", "admin.max_ahead_days",
	/* the staff console (web/console.c) */
	"console.session_timeout",
};
#define KNOWN_KEY_COUNT (sizeof known_keys / sizeof known_keys[0])

struct config_entry {
	char *key;
	char *value;
};

struct vntl_config {
	char *path;
	struct config_entry *entries;
	size_t count;
};

static char *trim(char *s)
{
	while (isspace((unsigned char)*s))
		s++;
	char *end = s + strlen(s);
	while (end > s && isspace((unsigned char)end[-1]))
		*--end = '\0';
	return s;
}

int vntl_config_key_is_known(const char *key)
{
	for (size_t i = 0; i < KNOWN_KEY_COUNT; i++)
		if (strcmp(known_keys[i], key) == 0)
			return 1;
	return 0;
}

/* Levenshtein distance, for keys short enough to be typos of known ones. */
static size_t edit_distance(const char *a, const char *b)
{
	enum { MAX = 64 };
	size_t la = strlen(a), lb = strlen(b), row[MAX + 1];
	if (la > MAX || lb > MAX)
		return (size_t)-1;
	for (size_t j = 0; j <= lb; j++)
		row[j] = j;
	for (size_t i = 1; i <= la; i++) {
		size_t diagonal = row[0];
		row[0] = i;
		for (size_t j = 1; j <= lb; j++) {
			size_t above = row[j];
			size_t cost = diagonal + (a[i - 1] != b[j - 1]);
			size_t best = above + 1 < row[j - 1] + 1 ? above + 1 : row[j - 1] + 1;
			row[j] = cost < best ? cost : best;
			diagonal = above;
		}
	}
	return row[lb];
}

/* The known key closest to `key` within a few typos, or NULL. */
static const char *closest_known_key(const char *key)
{
	const char *best = NULL;
	size_t best_distance = 3; /* more than two edits away is not a typo */
	for (size_t i = 0; i < KNOWN_KEY_COUNT; i++) {
		size_t d = edit_distance(key, known_keys[i]);
		if (d < best_distance) {
			best_distance = d;
			best = known_keys[i];
		}
	}
	return best;
}

static void unknown_key_error(const char *key, const char *path, int lineno, char *err, size_t errlen)
{
	const char *guess = closest_known_key(key);
	if (guess)
		snprintf(err, errlen, "%s:%d: unknown key '%s' (did you mean %s?)", path, lineno, key, guess);
	else
		snprintf(err, errlen, "%s:%d: unknown key '%s' (README.md, \"Configuration\", lists the keys)",
			 path, lineno, key);
}

static int key_is_valid(const char *key)
{
	if (*key == '\0')
		return 0;
	for (const char *p = key; *p; p++)
		if (!isalnum((unsigned char)*p) && *p != '.' && *p != '_' && *p != '-')
			return 0;
	return 1;
}

/* Later lines override earlier ones, so a key is stored once. */
static int config_set(struct vntl_config *cfg, const char *key, const char *value)
{
	for (size_t i = 0; i < cfg->count; i++) {
		if (strcmp(cfg->entries[i].key, key) == 0) {
			char *copy = strdup(value);
			if (!copy)
				return -1;
			free(cfg->entries[i].value);
			cfg->entries[i].value = copy;
			return 0;
		}
	}
	struct config_entry *grown = realloc(cfg->entries, (cfg->count + 1) * sizeof *grown);
	if (!grown)
		return -1;
	cfg->entries = grown;
	struct config_entry *e = &cfg->entries[cfg->count];
	e->key = strdup(key);
	e->value = strdup(value);
	if (!e->key || !e->value) {
		free(e->key);
		free(e->value);
		return -1;
	}
	cfg->count++;
	return 0;
}

static int parse_line(struct vntl_config *cfg, char *line, const char *path, int lineno,
		      char *err, size_t errlen)
{
	char *text = trim(line);
	if (*text == '\0' || *text == '#')
		return 0;
	char *eq = strchr(text, '=');
	if (!eq) {
		snprintf(err, errlen, "%s:%d: expected `key = value`", path, lineno);
		return -1;
	}
	*eq = '\0';
	char *key = trim(text);
	char *value = trim(eq + 1);
	if (!key_is_valid(key)) {
		snprintf(err, errlen, "%s:%d: invalid key '%s' (letters, digits, . _ -)", path,
			 lineno, key);
		return -1;
	}
	if (!vntl_config_key_is_known(key)) {
		unknown_key_error(key, path, lineno, err, errlen);
		return -1;
	}
	if (config_set(cfg, key, value) != 0) {
		snprintf(err, errlen, "%s:%d: out of memory", path, lineno);
		return -1;
	}
	return 0;
}

static int read_file(struct vntl_config *cfg, FILE *f, const char *path, char *err,
		     size_t errlen)
{
	char line[CONFIG_MAX_LINE];
	int lineno = 0;
	while (fgets(line, sizeof line, f)) {
		lineno++;
		size_t len = strlen(line);
		if (len == sizeof line - 1 && line[len - 1] != '\n' && !feof(f)) {
			snprintf(err, errlen, "%s:%d: line longer than %d bytes", path, lineno,
				 CONFIG_MAX_LINE - 2);
			return -1;
		}
		if (parse_line(cfg, line, path, lineno, err, errlen) != 0)
			return -1;
	}
	if (ferror(f)) {
		snprintf(err, errlen, "%s: read error: %s", path, strerror(errno));
		return -1;
	}
	return 0;
}

int vntl_config_load(const char *path, struct vntl_config **out, char *err, size_t errlen)
{
	*out = NULL;
	int required = 1;
	if (!path || !*path) {
		path = getenv("VNTL_CONFIG");
		if (!path || !*path) {
			path = VNTL_CONFIG_DEFAULT_PATH;
			required = 0;
		}
	}
	struct vntl_config *cfg = calloc(1, sizeof *cfg);
	if (!cfg) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	FILE *f = fopen(path, "r");
	if (!f) {
		if (!required && errno == ENOENT) {
			*out = cfg;
			return 0;
		}
		snprintf(err, errlen, "cannot read configuration %s: %s", path, strerror(errno));
		free(cfg);
		return -1;
	}
	int rc = read_file(cfg, f, path, err, errlen);
	fclose(f);
	if (rc == 0 && !(cfg->path = strdup(path))) {
		snprintf(err, errlen, "out of memory");
		rc = -1;
	}
	if (rc != 0) {
		vntl_config_free(cfg);
		return -1;
	}
	*out = cfg;
	return 0;
}

const char *vntl_config_get(const struct vntl_config *cfg, const char *key, const char *fallback)
{
	if (cfg)
		for (size_t i = 0; i < cfg->count; i++)
			if (strcmp(cfg->entries[i].key, key) == 0)
				return cfg->entries[i].value;
	return fallback;
}

int vntl_config_get_long(const struct vntl_config *cfg, const char *key, long fallback,
			 long min, long max, long *out, char *err, size_t errlen)
{
	const char *text = vntl_config_get(cfg, key, NULL);
	if (!text) {
		*out = fallback;
		return 0;
	}
	char *end;
	errno = 0;
	long value = strtol(text, &end, 10);
	if (errno || end == text || *end != '\0' || value < min || value > max) {
		snprintf(err, errlen, "%s: %s = '%s' is not an integer in [%ld, %ld]",
			 cfg->path ? cfg->path : "configuration", key, text, min, max);
		return -1;
	}
	*out = value;
	return 0;
}

const char *vntl_config_path(const struct vntl_config *cfg)
{
	return cfg ? cfg->path : NULL;
}

void vntl_config_free(struct vntl_config *cfg)
{
	if (!cfg)
		return;
	for (size_t i = 0; i < cfg->count; i++) {
		free(cfg->entries[i].key);
		free(cfg->entries[i].value);
	}
	free(cfg->entries);
	free(cfg->path);
	free(cfg);
}
