/* vntl-validate anchors (--sync-dir DIR | --list FILE|URL... --signer PEM...)
 * [--at T] [--json]: the anchors of a synced trust store, or of lists given
 * as files or https:// URLs, and their status at T. The lists are first
 * accepted by libvntl (signature by the pinned signer, schema, freshness
 * now; a URL fetched as `vntl-validate list` fetches it); the anchors and
 * their status at T then come from libvntl's anchor iterator, as a vendor
 * would read them (validate/list_services.h). A synced store's anchors are
 * those of its anchors.pem, labelled as it labels them; a list's are the
 * certificates its CA services name. */
#include "validate/sync.h"

#include "common/rfc3339.h"
#include "validate/list_services.h"
#include "validate/sync_store.h"
#include "validate/validate_cli.h"
#include "vntl.h"

#include <getopt.h>
#include <jansson.h>
#include <limits.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_LISTS 64

struct labelled {
	X509 *cert;
	json_t *labels; /* "List", "Provider", "Service", "Status", "SHA-256" */
};

/* anchors.pem: each certificate with the "# Key: value" lines above it. */
static size_t read_labelled(const char *path, struct labelled **out)
{
	*out = NULL;
	FILE *f = fopen(path, "r");
	if (!f)
		return 0;
	size_t n = 0;
	json_t *labels = json_object();
	char line[4096];
	while (fgets(line, sizeof line, f)) {
		line[strcspn(line, "\r\n")] = '\0';
		char *colon = line[0] == '#' ? strstr(line, ": ") : NULL;
		if (colon) {
			*colon = '\0';
			json_object_set_new(labels, line + 2, json_string(colon + 2));
		} else if (strcmp(line, "-----BEGIN CERTIFICATE-----") == 0) {
			fseek(f, ftell(f) - (long)strlen(line) - 1, SEEK_SET);
			X509 *cert = PEM_read_X509(f, NULL, NULL, NULL);
			struct labelled *grown = cert ? realloc(*out, (n + 1) * sizeof **out) : NULL;
			if (!grown) {
				X509_free(cert);
				break;
			}
			*out = grown;
			(*out)[n].cert = cert;
			(*out)[n++].labels = labels;
			labels = json_object();
		}
	}
	json_decref(labels);
	fclose(f);
	return n;
}

struct source {
	const char *lists[MAX_LISTS];
	char *owned[MAX_LISTS];   /* paths made for a synced store */
	char labels[MAX_LISTS][64];
	size_t n;
	const char *signers[16];
	size_t n_signers;
	char store_signer[PATH_MAX]; /* a synced store's pinned signer */
	const char *ca_file, *cache_dir; /* for lists given as https:// URLs */
	vntl_language lang;              /* of the provider and service names */
};

/* The lists of the synced store `gen` (state.json names them) and its
 * pinned signer. */
static int store_source(const char *gen, struct source *src)
{
	char path[PATH_MAX + 32];
	snprintf(path, sizeof path, "%s/state.json", gen);
	json_t *state = json_load_file(path, 0, NULL);
	const char *name;
	json_t *e;
	json_object_foreach(json_object_get(state, "lists"), name, e) {
		if (src->n == MAX_LISTS)
			break;
		snprintf(path, sizeof path, "%s/%s.xml", gen, name);
		src->owned[src->n] = strdup(path);
		src->lists[src->n] = src->owned[src->n];
		snprintf(src->labels[src->n++], sizeof src->labels[0], "%s", name);
	}
	json_decref(state);
	snprintf(src->store_signer, sizeof src->store_signer, "%.*s/signer.pem",
		 (int)(sizeof src->store_signer - 12), gen);
	src->signers[src->n_signers++] = src->store_signer;
	return src->n ? 0 : -1;
}

/* libvntl accepts every list (judged now; a URL fetched over https) into
 * *ctx, or says why not. */
static vntl_status verify_lists(const struct source *src, vntl_ctx **ctx, vntl_error *err)
{
	vntl_status st = vntl_ctx_new(ctx, err);
	if (st == VNTL_OK) {
		validate_ctx_defaults(*ctx);
		vntl_ctx_set_language(*ctx, src->lang);
		st = vntl_ctx_use_vntl_profile(*ctx, err);
	}
	if (st == VNTL_OK && src->ca_file)
		st = vntl_ctx_set_tls_ca_file(*ctx, src->ca_file, err);
	if (st == VNTL_OK && src->cache_dir)
		st = vntl_ctx_set_cache_dir(*ctx, src->cache_dir, err);
	for (size_t i = 0; st == VNTL_OK && i < src->n_signers; i++)
		st = vntl_ctx_add_signer_file(*ctx, src->signers[i], err);
	for (size_t i = 0; st == VNTL_OK && i < src->n; i++)
		st = vntl_ctx_load_list(*ctx, src->lists[i], NULL, err);
	return st;
}

static const struct list_service *find_service(const struct list_service *s, size_t n,
					       const char *sha)
{
	for (size_t i = 0; sha && i < n; i++)
		if (strcmp(s[i].sha256, sha) == 0)
			return &s[i];
	return NULL;
}

/* The anchor's status at `at` added to its labels; prints a line unless json. */
static void describe(json_t *a, const struct list_service *s, time_t at, int json)
{
	char when[32], since[32] = "";
	rfc3339_format(at, when);
	int has_status = s && s->status[0];
	int trusted = s && list_service_anchors(s);
	if (has_status)
		rfc3339_format(s->status_since, since);
	json_object_set_new(a, "at", json_string(when));
	json_object_set_new(a, "trusted", json_boolean(trusted));
	json_object_set_new(a, "status_at", json_string(has_status ? s->status : ""));
	json_object_set_new(a, "status_since", json_string(since));
	if (!s)
		json_object_set_new(a, "reason", json_string("no service of the verified lists names it"));
	else if (!trusted)
		json_object_set_new(a, "reason", json_string(s->status_anchors
			? "its certificate is not valid at that time"
			: "its status at that time does not make it an anchor"));
	if (json)
		return;
	const char *v[4];
	const char *keys[4] = {"SHA-256", "List", "Provider", "Service"};
	for (int i = 0; i < 4; i++) {
		v[i] = json_string_value(json_object_get(a, keys[i]));
		v[i] = v[i] ? v[i] : "?";
	}
	printf("%s  %-8s %s | %s | %s | %s%s%s\n", v[0], trusted ? "trusted" : "NOT", v[1], v[2], v[3],
	       has_status ? s->status : "-", has_status ? " since " : "", since);
}

static const char anchors_usage[] =
    "usage: vntl-validate anchors (--sync-dir DIR | --list FILE|URL... --signer PEM...\n"
    "           [--ca-file PEM] [--cache-dir DIR]) [--at RFC3339] [--json] [--lang en|vi]\n"
    "   --lang: the names of providers and services of --list lists; the rest is English\n";

/* A list's label: its file name without extension ("roots" for
 * .../roots.xml or https://host/roots.xml?x). */
static void label_list(const char *list, char *out, size_t len)
{
	size_t end = strcspn(list, "?#");
	size_t start = end;
	while (start > 0 && list[start - 1] != '/')
		start--;
	size_t dot = start;
	while (dot < end && list[dot] != '.')
		dot++;
	snprintf(out, len, "%.*s", (int)(dot - start), list + start);
}

static int parse(int argc, char **argv, const char **dir, time_t *at, int *json, struct source *src)
{
	static const struct option opts[] = {
		{"sync-dir", required_argument, NULL, 'd'}, {"at", required_argument, NULL, 'a'},
		{"json", no_argument, NULL, 'j'}, {"list", required_argument, NULL, 'l'},
		{"signer", required_argument, NULL, 's'}, {"help", no_argument, NULL, 'h'},
		{"ca-file", required_argument, NULL, 'c'}, {"cache-dir", required_argument, NULL, 'C'},
		{"lang", required_argument, NULL, 'L'},
		{NULL, 0, NULL, 0}};
	int c;
	optind = 1;
	opterr = 0;
	*at = time(NULL);
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c == 'd') {
			*dir = optarg;
		} else if (c == 'a') {
			if (rfc3339_parse_utc(optarg, at) != 0) {
				fprintf(stderr, "vntl-validate: anchors: --at takes YYYY-MM-DDTHH:MM:SSZ\n");
				return SYNC_USAGE;
			}
		} else if (c == 'j') {
			*json = 1;
		} else if (c == 'l' && src->n < MAX_LISTS) {
			label_list(optarg, src->labels[src->n], sizeof src->labels[0]);
			src->lists[src->n++] = optarg;
		} else if (c == 'c') {
			src->ca_file = optarg;
		} else if (c == 'C') {
			src->cache_dir = optarg;
		} else if (c == 'L' && (strcmp(optarg, "en") == 0 || strcmp(optarg, "vi") == 0)) {
			src->lang = optarg[0] == 'v' ? VNTL_LANG_VI : VNTL_LANG_EN;
		} else if (c == 's' && src->n_signers < 16) {
			src->signers[src->n_signers++] = optarg;
		} else if (c == 'h') {
			fputs(anchors_usage, stdout);
			return -1;
		} else {
			fprintf(stderr, "vntl-validate: anchors: %s: unknown option, missing value, or "
					"more than %d lists or 16 signers\n%s", argv[optind - 1], MAX_LISTS,
				anchors_usage);
			return SYNC_USAGE;
		}
	}
	if (!*dir == !src->n || (src->n && !src->n_signers) || optind != argc) {
		fprintf(stderr, "vntl-validate: anchors: give --sync-dir DIR, or --list FILE|URL... "
				"with --signer PEM\n%s", anchors_usage);
		return SYNC_USAGE;
	}
	return 0;
}

int validate_anchors_main(int argc, char **argv)
{
	const char *dir = NULL;
	time_t at;
	int json = 0;
	struct source src;
	memset(&src, 0, sizeof src);
	int rc = parse(argc, argv, &dir, &at, &json, &src);
	if (rc)
		return rc < 0 ? SYNC_OK : rc;
	char gen[PATH_MAX];
	if (dir && (store_current(dir, gen, sizeof gen) != 0 || store_source(gen, &src) != 0)) {
		fprintf(stderr, "vntl-validate: anchors: %s holds no synced trust store (run sync)\n", dir);
		return SYNC_USAGE;
	}
	vntl_error err = {"", ""};
	struct list_service *services = NULL;
	size_t n_services = 0;
	vntl_ctx *ctx = NULL;
	vntl_status st = verify_lists(&src, &ctx, &err);
	if (st != VNTL_OK) {
		fprintf(stderr, "vntl-validate: anchors: the lists are refused (%s): %s\n", err.rule, err.reason);
		rc = strcmp(err.rule, "list-expired") == 0 ? SYNC_STALE
		     : st == VNTL_ERR_REFUSED ? SYNC_REFUSED : SYNC_USAGE;
	} else if (list_services_read(ctx, at, src.lists, (const char (*)[64])src.labels, src.n,
				      &services, &n_services, &err) != 0) {
		fprintf(stderr, "vntl-validate: anchors: %s\n", err.reason);
		rc = SYNC_USAGE;
	}
	vntl_ctx_free(ctx);
	json_t *out = json_array();
	if (rc == 0 && dir) {
		char path[PATH_MAX + 32];
		snprintf(path, sizeof path, "%s/anchors.pem", gen);
		struct labelled *anchors = NULL;
		size_t n = read_labelled(path, &anchors);
		for (size_t i = 0; i < n; i++) {
			const char *sha = json_string_value(json_object_get(anchors[i].labels, "SHA-256"));
			describe(anchors[i].labels, find_service(services, n_services, sha), at, json);
			json_array_append_new(out, anchors[i].labels);
			X509_free(anchors[i].cert);
		}
		free(anchors);
	} else if (rc == 0) {
		for (size_t i = 0; i < n_services; i++) {
			const struct list_service *s = &services[i];
			json_t *a = json_pack("{s:s, s:s, s:s, s:s}", "List", s->list, "Provider", s->provider,
					      "Service", s->service, "SHA-256", s->sha256);
			describe(a, s, at, json);
			json_array_append_new(out, a);
		}
	}
	if (rc == 0 && json) {
		char *text = json_dumps(out, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		if (text)
			puts(text);
		free(text);
	}
	json_decref(out);
	list_services_free(services, n_services);
	for (size_t i = 0; i < MAX_LISTS; i++)
		free(src.owned[i]);
	return rc;
}
