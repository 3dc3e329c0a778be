/* vntl-validate anchors (--sync-dir DIR | --list FILE... --signer PEM)
 * [--at T] [--json]: the anchors of a synced trust store, or of lists given
 * as files, and their status at T, asked of libvntl with the verified
 * lists (each anchor checked as a chain of itself at T). A synced store's
 * anchors come labelled from its anchors.pem; a list's are the CA
 * certificates its services name, read once libvntl accepted the list. */
#include "validate/sync.h"

#include "common/rfc3339.h"
#include "validate/sync_store.h"
#include "vntl.h"

#include <getopt.h>
#include <libxml/parser.h>
#include <libxml/xpath.h>
#include <libxml/xpathInternals.h>
#include <openssl/evp.h>
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

/* The text of the first node of `expr` under `node`, "" when none. */
static void xpath_text(xmlXPathContextPtr xp, xmlNodePtr node, const char *expr, char *out,
		       size_t outlen)
{
	out[0] = '\0';
	xmlXPathObjectPtr r = xmlXPathNodeEval(node, BAD_CAST expr, xp);
	if (r && r->nodesetval && r->nodesetval->nodeNr > 0) {
		xmlChar *t = xmlNodeGetContent(r->nodesetval->nodeTab[0]);
		snprintf(out, outlen, "%s", t ? (const char *)t : "");
		xmlFree(t);
	}
	xmlXPathFreeObject(r);
}

static X509 *cert_from_base64(const char *text)
{
	size_t n = 0;
	char *clean = malloc(strlen(text) + 1);
	for (const char *p = text; clean && *p; p++)
		if (*p != ' ' && *p != '\n' && *p != '\r' && *p != '\t')
			clean[n++] = *p;
	unsigned char *der = clean && n % 4 == 0 && n > 0 ? malloc(n) : NULL;
	int len = der ? EVP_DecodeBlock(der, (unsigned char *)clean, (int)n) : -1;
	const unsigned char *p = der;
	X509 *cert = len > 0 ? d2i_X509(NULL, &p, len) : NULL; /* trailing pad bytes are ignored */
	free(clean);
	free(der);
	return cert;
}

/* The certificates the services of the (already verified) list `path`
 * name, labelled with the list, provider and service. */
static void read_list_certs(const char *path, struct labelled **out, size_t *n)
{
	xmlDocPtr doc = xmlReadFile(path, NULL, XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	xmlXPathContextPtr xp = doc ? xmlXPathNewContext(doc) : NULL;
	if (!xp) {
		xmlFreeDoc(doc);
		return;
	}
	xmlXPathRegisterNs(xp, BAD_CAST "t", BAD_CAST "http://uri.etsi.org/02231/v2#");
	xmlXPathObjectPtr svcs = xmlXPathEvalExpression(
		BAD_CAST "//t:TrustServiceProvider/t:TSPServices/t:TSPService", xp);
	const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
	for (int i = 0; svcs && svcs->nodesetval && i < svcs->nodesetval->nodeNr; i++) {
		xmlNodePtr svc = svcs->nodesetval->nodeTab[i];
		char provider[512], service[512], b64[65536];
		xpath_text(xp, svc, "../../t:TSPInformation/t:TSPName/t:Name[@xml:lang='en']", provider,
			   sizeof provider);
		xpath_text(xp, svc, "t:ServiceInformation/t:ServiceName/t:Name[@xml:lang='en']", service,
			   sizeof service);
		xpath_text(xp, svc, "t:ServiceInformation/t:ServiceDigitalIdentity/t:DigitalId/"
				    "t:X509Certificate", b64, sizeof b64);
		X509 *cert = b64[0] ? cert_from_base64(b64) : NULL;
		struct labelled *grown = cert ? realloc(*out, (*n + 1) * sizeof **out) : NULL;
		if (!grown) {
			X509_free(cert);
			continue;
		}
		unsigned char md[32];
		unsigned int md_len = 0;
		char sha[65];
		X509_digest(cert, EVP_sha256(), md, &md_len);
		for (unsigned k = 0; k < 32; k++)
			snprintf(sha + 2 * k, 3, "%02x", md[k]);
		*out = grown;
		(*out)[*n].cert = cert;
		(*out)[(*n)++].labels = json_pack("{s:s, s:s, s:s, s:s}", "List", base, "Provider", provider,
						  "Service", service, "SHA-256", sha);
	}
	xmlXPathFreeObject(svcs);
	xmlXPathFreeContext(xp);
	xmlFreeDoc(doc);
}

/* The lists are judged now (their freshness); the anchors' status at T comes
 * from the history the lists carry. */
static int load_store(const char *gen, vntl_ctx **ctx, vntl_error *err)
{
	char path[PATH_MAX + 32];
	if (vntl_ctx_new(ctx, err) != VNTL_OK || vntl_ctx_use_vntl_profile(*ctx, err) != VNTL_OK)
		return -1;
	snprintf(path, sizeof path, "%s/signer.pem", gen); /* the signer sync pinned */
	if (vntl_ctx_add_signer_file(*ctx, path, err) != VNTL_OK)
		return -1;
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

static int load_files(const char **lists, size_t n_lists, const char **signers, size_t n_signers,
		      vntl_ctx **ctx, vntl_error *err)
{
	if (vntl_ctx_new(ctx, err) != VNTL_OK || vntl_ctx_use_vntl_profile(*ctx, err) != VNTL_OK)
		return -1;
	for (size_t i = 0; i < n_signers; i++)
		if (vntl_ctx_add_signer_file(*ctx, signers[i], err) != VNTL_OK)
			return -1;
	for (size_t i = 0; i < n_lists; i++)
		if (vntl_ctx_load_list(*ctx, lists[i], NULL, err) != VNTL_OK)
			return -1;
	return 0;
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
		{"json", no_argument, NULL, 'j'}, {"list", required_argument, NULL, 'l'},
		{"signer", required_argument, NULL, 's'}, {NULL, 0, NULL, 0}};
	const char *dir = NULL, *at_text = NULL, *lists[64];
	const char *signers[16];
	size_t n_lists = 0, n_signers = 0;
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
		else if (c == 'l' && n_lists < 64 && strstr(optarg, "://")) {
			fprintf(stderr, "vntl-validate: anchors: --list %s: give a file (fetch lists with "
					"sync, or with curl)\n", optarg);
			return SYNC_USAGE;
		} else if (c == 'l' && n_lists < 64)
			lists[n_lists++] = optarg;
		else if (c == 's' && n_signers < 16)
			signers[n_signers++] = optarg;
		else {
			fprintf(stderr, "vntl-validate: anchors: unknown option or missing value: %s\n"
					"usage: vntl-validate anchors (--sync-dir DIR | --list FILE... --signer PEM...)\n"
					"           [--at RFC3339] [--json]\n",
				argv[optind - 1]);
			return SYNC_USAGE;
		}
	}
	time_t at = time(NULL);
	if (!dir == !n_lists || (n_lists && !n_signers) || optind != argc ||
	    (at_text && rfc3339_parse_utc(at_text, &at) != 0)) {
		fprintf(stderr, "vntl-validate: anchors: give --sync-dir DIR, or --list FILE... with "
				"--signer PEM; --at takes YYYY-MM-DDTHH:MM:SSZ\n");
		return SYNC_USAGE;
	}
	char gen[PATH_MAX], path[PATH_MAX + 32];
	if (dir && store_current(dir, gen, sizeof gen) != 0) {
		fprintf(stderr, "vntl-validate: anchors: %s holds no synced trust store (run sync)\n", dir);
		return SYNC_USAGE;
	}
	vntl_ctx *ctx = NULL;
	vntl_error err = {"", ""};
	int loaded = dir ? load_store(gen, &ctx, &err)
			 : load_files(lists, n_lists, signers, n_signers, &ctx, &err);
	if (loaded != 0) {
		fprintf(stderr, "vntl-validate: anchors: %s: the lists do not load (%s): %s\n",
			dir ? gen : "--list", err.rule, err.reason);
		vntl_ctx_free(ctx);
		return strcmp(err.rule, "list-expired") == 0 ? SYNC_STALE
		       : (strcmp(err.rule, "list-unreadable") == 0 || !err.rule[0]) ? SYNC_USAGE : SYNC_REFUSED;
	}
	struct labelled *anchors = NULL;
	size_t n = 0;
	if (dir) {
		snprintf(path, sizeof path, "%s/anchors.pem", gen);
		n = read_labelled(path, &anchors);
	} else {
		for (size_t i = 0; i < n_lists; i++)
			read_list_certs(lists[i], &anchors, &n);
	}
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
