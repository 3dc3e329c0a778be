/* vntl-validate anchors --sync-dir DIR [--at T] [--json]: the anchors of a
 * synced trust store and their status at T, asked of libvntl with the
 * verified lists of the store (each anchor checked as a chain of itself at
 * T), labelled as anchors.pem labels them. */
#include "validate/sync.h"

#include "common/rfc3339.h"
#include "validate/sync_store.h"
#include "vntl.h"

#include <getopt.h>
#include <jansson.h>
#include <limits.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
	long block_start = -1;
	while (fgets(line, sizeof line, f)) {
		line[strcspn(line, "\r\n")] = '\0';
		char *colon = line[0] == '#' ? strstr(line, ": ") : NULL;
		if (colon) {
			*colon = '\0';
			json_object_set_new(labels, line + 2, json_string(colon + 2));
		} else if (strcmp(line, "-----BEGIN CERTIFICATE-----") == 0) {
			block_start = ftell(f) - (long)strlen(line) - 1;
			fseek(f, block_start, SEEK_SET);
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

static int load_store(const char *gen, time_t at, vntl_ctx **ctx, vntl_error *err)
{
	char path[PATH_MAX + 32];
	if (vntl_ctx_new(ctx, err) != VNTL_OK || vntl_ctx_use_vntl_profile(*ctx, err) != VNTL_OK)
		return -1;
	snprintf(path, sizeof path, "%s/signer.pem", gen); /* the signer sync pinned */
	if (vntl_ctx_add_signer_file(*ctx, path, err) != VNTL_OK)
		return -1;
	vntl_ctx_set_list_time(*ctx, at);
	snprintf(path, sizeof path, "%s/state.json", gen);
	json_t *state = json_load_file(path, 0, NULL);
	const char *name;
	json_t *e;
	int rc = json_is_object(json_object_get(state, "lists")) ? 0 : -1;
	json_object_foreach(json_object_get(state, "lists"), name, e) {
		snprintf(path, sizeof path, "%s/%s.xml", gen, name);
		if (rc == 0 && vntl_ctx_load_list(*ctx, path, NULL, err) != VNTL_OK)
			rc = -1;
	}
	json_decref(state);
	return rc;
}

static const char *last_segment(const char *uri)
{
	const char *slash = strrchr(uri, '/');
	return slash ? slash + 1 : uri;
}

int validate_anchors_main(int argc, char **argv)
{
	static const struct option opts[] = {
		{"sync-dir", required_argument, NULL, 'd'}, {"at", required_argument, NULL, 'a'},
		{"json", no_argument, NULL, 'j'}, {NULL, 0, NULL, 0}};
	const char *dir = NULL, *at_text = NULL;
	int json = 0, c;
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c == 'd')
			dir = optarg;
		else if (c == 'a')
			at_text = optarg;
		else if (c == 'j')
			json = 1;
		else {
			fprintf(stderr, "vntl-validate: anchors: unknown option or missing value: %s\n"
					"usage: vntl-validate anchors --sync-dir DIR [--at RFC3339] [--json]\n",
				argv[optind - 1]);
			return SYNC_USAGE;
		}
	}
	time_t at = time(NULL);
	if (!dir || optind != argc || (at_text && rfc3339_parse_utc(at_text, &at) != 0)) {
		fprintf(stderr, "vntl-validate: anchors: --sync-dir DIR is required; --at takes "
				"YYYY-MM-DDTHH:MM:SSZ\n");
		return SYNC_USAGE;
	}
	char gen[PATH_MAX], path[PATH_MAX + 32];
	if (store_current(dir, gen, sizeof gen) != 0) {
		fprintf(stderr, "vntl-validate: anchors: %s holds no synced trust store (run sync)\n", dir);
		return SYNC_USAGE;
	}
	vntl_ctx *ctx = NULL;
	vntl_error err = {"", ""};
	if (load_store(gen, at, &ctx, &err) != 0) {
		fprintf(stderr, "vntl-validate: anchors: %s: the synced lists do not load (%s): %s\n", gen,
			err.rule, err.reason);
		vntl_ctx_free(ctx);
		return strcmp(err.rule, "list-expired") == 0 ? SYNC_STALE : SYNC_REFUSED;
	}
	snprintf(path, sizeof path, "%s/anchors.pem", gen);
	struct labelled *anchors = NULL;
	size_t n = read_labelled(path, &anchors);
	json_t *out = json_array();
	char when[32];
	rfc3339_format(at, when);
	for (size_t i = 0; i < n; i++) {
		vntl_chain_request req = {.leaf_cert = anchors[i].cert, .at = at,
					  .revocation = VNTL_REVOCATION_NONE,
					  .purpose = VNTL_PURPOSE_ANY, .profile = VNTL_PROFILE_PATH};
		vntl_result *res = NULL;
		int trusted = vntl_check_chain(ctx, &req, &res, &err) == VNTL_OK &&
			      res->indication == VNTL_PASSED;
		char since[32] = "";
		if (trusted && res->anchor_status_since)
			rfc3339_format(res->anchor_status_since, since);
		json_t *a = anchors[i].labels;
		json_object_set_new(a, "trusted_at", json_string(when));
		json_object_set_new(a, "trusted", json_boolean(trusted));
		json_object_set_new(a, "status_at", json_string(trusted ? last_segment(res->anchor_status) : ""));
		json_object_set_new(a, "status_since", json_string(since));
		if (!trusted)
			json_object_set_new(a, "reason", json_string(res ? res->reason : err.reason));
		vntl_result_free(res);
		if (!json)
			printf("%s  %-8s %s | %s | %s%s%s\n",
			       json_string_value(json_object_get(a, "SHA-256")) ? json_string_value(json_object_get(a, "SHA-256")) : "?",
			       trusted ? "trusted" : "NOT",
			       json_string_value(json_object_get(a, "List")) ? json_string_value(json_object_get(a, "List")) : "?",
			       json_string_value(json_object_get(a, "Provider")) ? json_string_value(json_object_get(a, "Provider")) : "?",
			       json_string_value(json_object_get(a, "Service")) ? json_string_value(json_object_get(a, "Service")) : "?",
			       trusted ? " | " : "", trusted ? json_string_value(json_object_get(a, "status_at")) : "");
		json_array_append(out, a);
	}
	if (json) {
		char *text = json_dumps(out, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		if (text)
			puts(text);
		free(text);
	}
	for (size_t i = 0; i < n; i++) {
		X509_free(anchors[i].cert);
		json_decref(anchors[i].labels);
	}
	free(anchors);
	json_decref(out);
	vntl_ctx_free(ctx);
	return SYNC_OK;
}
