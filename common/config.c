/* Reader for the vntl configuration file (see config.h). */
#include "db/config.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CONFIG_MAX_LINE 4096

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
