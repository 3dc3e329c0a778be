/* vntl-validate: the command line over libvntl, using only its public API
 * (vntl.h); not part of libvntl.
 *   vntl-validate list FILE|URL --signer PEM... [options]
 *   vntl-validate chain LEAF (--list FILE|URL... | --anchors PEM...) [options]
 * Exit: 0 passed/accepted, 1 failed/refused, 2 indeterminate, 3 usage or input error. */
#include "validate/validate_cli.h"

#include "common/rfc3339.h"
#include "validate/sync.h"
#include "vntl.h"

#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jansson.h>

enum { EXIT_PASSED = 0, EXIT_FAILED = 1, EXIT_INDETERMINATE = 2, EXIT_USAGE = 3 };
#define MAX_MULTI 64

struct multi {
	const char *v[MAX_MULTI + 1];
	size_t n;
};

struct options {
	struct multi signers, untrusted, crls, policies, lists, anchors, pointed, ekus;
	const char *at_text, *list_at_text, *schema, *cache_dir, *ca_file;
	time_t list_at;
	int is_list, no_schema, json, explicit_policy, inhibit_map, inhibit_any;
	vntl_language lang;
	vntl_chain_request req;
};

static const char usage_text[] =
    "usage: vntl-validate list FILE|URL --signer PEM... [--at RFC3339] [--pointed WHICH]...\n"
    "       vntl-validate chain LEAF [--untrusted PEM]... [--at RFC3339] [--crl FILE]...\n"
    "           [--revocation require|prefer|none] [--purpose any|signature]\n"
    "           [--policy OID]... [--explicit-policy] [--inhibit-policy-mapping]\n"
    "           [--inhibit-any-policy] [--alg-policy vn|none] [--offline]\n"
    "           [--eku OID]... [--max-depth N] [--profile strict|path]\n"
    "           (--list FILE|URL... --signer PEM... [--pointed WHICH]... [--list-at RFC3339]\n"
    "            | --anchors PEM...)\n"
    "       vntl-validate sync --from URL --signer PEM --out DIR [--interval SECONDS] (see sync --help)\n"
    "       vntl-validate anchors (--sync-dir DIR | --list FILE|URL... --signer PEM...)\n"
    "           [--at RFC3339] [--json] (see anchors --help)\n"
    "       vntl-validate --help | --version\n"
    "   list: --at judges the list's freshness; chain: --at is the time T of the chain\n"
    "         (lists are judged now, or at --list-at); certificates no --crl covers are\n"
    "         checked by OCSP (AIA) or a fetched CRL (CDP) unless --offline\n"
    "   --pointed: a list that a loaded pointer list points to, pinned to its certificates:\n"
    "         CC=            the one list it names for territory CC, from its TSLLocation\n"
    "         CC=FILE|URL    that list, read from FILE or URL\n"
    "         LOCATION       the list whose TSLLocation is LOCATION (https://...)\n"
    "         LOCATION=FILE  that list, read from FILE\n"
    "   common: [--json] [--schema-dir DIR|XSD | --no-schema] [--cache-dir DIR] [--ca-file PEM]\n"
    "           [--lang en|vi]   results (circular 001 §2.4) in English or Vietnamese\n"
    "   VNTL_VALIDATE_TUNE_HEAP=1 in the environment: grow the heap in large, kept, huge-page\n"
    "         steps (faster loads of very large lists; uses more address space)\n"
    "exit: 0 passed, 1 failed/refused, 2 indeterminate, 3 usage or input error\n";

/* One line that says what is wrong, then where the usage is. */
static int usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int usage_error(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fputs("vntl-validate: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputs(" (see vntl-validate --help)\n", stderr);
	va_end(ap);
	return EXIT_USAGE;
}

static int push(struct multi *m, const char *v)
{
	if (m->n >= MAX_MULTI)
		return 0;
	m->v[m->n++] = v;
	m->v[m->n] = NULL;
	return 1;
}

static int parse_choice(const char *v, const char *a, const char *b, const char *c)
{
	if (strcmp(v, a) == 0) return 0;
	if (strcmp(v, b) == 0) return 1;
	if (c && strcmp(v, c) == 0) return 2;
	return -1;
}

static int is_url(const char *v)
{
	return strncmp(v, "https://", 8) == 0 || strncmp(v, "http://", 7) == 0;
}

/* --pointed CC=[FILE|URL] or LOCATION[=FILE]; which LOCATION is meant is
 * known only once the pointer lists are loaded. */
static int pointed_form_ok(const char *v)
{
	const char *eq = strchr(v, '=');
	return is_url(v) || (eq && eq > v && (size_t)(eq - v) < 8);
}

enum { O_SIGNER = 256, O_UNTRUSTED, O_AT, O_CRL, O_REVOCATION, O_PURPOSE, O_POLICY,
       O_EXPLICIT, O_INHIBIT_MAP, O_INHIBIT_ANY, O_ALG, O_LIST, O_ANCHORS, O_JSON, O_SCHEMA,
       O_NO_SCHEMA, O_CACHE, O_CA, O_POINTED, O_LIST_AT, O_OFFLINE, O_HELP, O_VERSION, O_EKU,
       O_MAX_DEPTH, O_PROFILE, O_LANG };

static const struct option longopts[] = {
	{ "signer", required_argument, NULL, O_SIGNER },
	{ "untrusted", required_argument, NULL, O_UNTRUSTED },
	{ "at", required_argument, NULL, O_AT },
	{ "crl", required_argument, NULL, O_CRL },
	{ "revocation", required_argument, NULL, O_REVOCATION },
	{ "purpose", required_argument, NULL, O_PURPOSE },
	{ "policy", required_argument, NULL, O_POLICY },
	{ "explicit-policy", no_argument, NULL, O_EXPLICIT },
	{ "inhibit-policy-mapping", no_argument, NULL, O_INHIBIT_MAP },
	{ "inhibit-any-policy", no_argument, NULL, O_INHIBIT_ANY },
	{ "alg-policy", required_argument, NULL, O_ALG },
	{ "list", required_argument, NULL, O_LIST },
	{ "anchors", required_argument, NULL, O_ANCHORS },
	{ "json", no_argument, NULL, O_JSON },
	{ "schema-dir", required_argument, NULL, O_SCHEMA },
	{ "no-schema", no_argument, NULL, O_NO_SCHEMA },
	{ "cache-dir", required_argument, NULL, O_CACHE },
	{ "ca-file", required_argument, NULL, O_CA },
	{ "pointed", required_argument, NULL, O_POINTED },
	{ "list-at", required_argument, NULL, O_LIST_AT },
	{ "offline", no_argument, NULL, O_OFFLINE },
	{ "help", no_argument, NULL, O_HELP },
	{ "version", no_argument, NULL, O_VERSION },
	{ "eku", required_argument, NULL, O_EKU },
	{ "max-depth", required_argument, NULL, O_MAX_DEPTH },
	{ "profile", required_argument, NULL, O_PROFILE },
	{ "lang", required_argument, NULL, O_LANG },
	{ NULL, 0, NULL, 0 } };

/* What each option's value looks like, for the message when it is wrong. */
static const char *value_form(int opt)
{
	switch (opt) {
	case O_SIGNER: case O_UNTRUSTED: case O_ANCHORS: case O_CA: return "a PEM certificate file";
	case O_AT: case O_LIST_AT: return "an RFC 3339 time such as 2026-01-31T12:00:00Z";
	case O_CRL: return "a CRL file (PEM or DER)";
	case O_REVOCATION: return "require, prefer or none";
	case O_PURPOSE: return "signature or any";
	case O_POLICY: return "a policy OID such as 2.5.29.32.0";
	case O_EKU: return "an extended key usage OID such as 1.3.6.1.5.5.7.3.4";
	case O_MAX_DEPTH: return "a number of certificates from 1 to 15";
	case O_PROFILE: return "strict or path";
	case O_LANG: return "vi or en";
	case O_ALG: return "vn or none";
	case O_LIST: return "a list FILE or https:// URL";
	case O_SCHEMA: return "a directory holding tsl.xsd, or an .xsd file";
	case O_CACHE: return "a directory";
	case O_POINTED: return "CC=[FILE|URL] (the one list named for territory CC) or a list's "
	                       "TSLLocation URL[=FILE]";
	default: return "a value";
	}
}

static const char *option_name(int opt)
{
	for (const struct option *o = longopts; o->name; o++)
		if (o->val == opt)
			return o->name;
	return "?";
}

static int bad_value(int opt, const char *value)
{
	return usage_error("--%s wants %s, not \"%s\"", option_name(opt), value_form(opt), value);
}

/* One option and its value into o; returns 0 or the usage error's code. */
static int take_option(int c, const char *arg, struct options *o)
{
	struct multi *m = NULL;
	int v = 0;
	switch (c) {
	case O_SIGNER: m = &o->signers; break;
	case O_UNTRUSTED: m = &o->untrusted; break;
	case O_CRL: m = &o->crls; break;
	case O_POLICY: m = &o->policies; break;
	case O_EKU: m = &o->ekus; break;
	case O_MAX_DEPTH: {
		char *end;
		long n = strtol(arg, &end, 10);
		if (!*arg || *end || n < 1 || n >= VNTL_MAX_CHAIN)
			return bad_value(c, arg);
		o->req.max_depth = (int)n;
		break;
	}
	case O_LANG:
		if ((v = parse_choice(arg, "en", "vi", NULL)) < 0)
			return bad_value(c, arg);
		o->lang = (vntl_language)v;
		break;
	case O_PROFILE:
		if ((v = parse_choice(arg, "strict", "path", NULL)) < 0)
			return bad_value(c, arg);
		o->req.profile = (vntl_cert_profile)v;
		break;
	case O_LIST: m = &o->lists; break;
	case O_ANCHORS: m = &o->anchors; break;
	case O_POINTED:
		if (!pointed_form_ok(arg))
			return bad_value(c, arg);
		m = &o->pointed;
		break;
	case O_AT: o->at_text = arg; break;
	case O_LIST_AT: o->list_at_text = arg; break;
	case O_OFFLINE: o->req.online = 0; break;
	case O_SCHEMA: o->schema = arg; break;
	case O_CACHE: o->cache_dir = arg; break;
	case O_CA: o->ca_file = arg; break;
	case O_NO_SCHEMA: o->no_schema = 1; break;
	case O_JSON: o->json = 1; break;
	case O_EXPLICIT: o->req.explicit_policy = 1; break;
	case O_INHIBIT_MAP: o->req.inhibit_policy_mapping = 1; break;
	case O_INHIBIT_ANY: o->req.inhibit_any_policy = 1; break;
	case O_REVOCATION:
		if ((v = parse_choice(arg, "require", "prefer", "none")) < 0)
			return bad_value(c, arg);
		o->req.revocation = (vntl_revocation)v;
		break;
	case O_PURPOSE:
		if ((v = parse_choice(arg, "signature", "any", NULL)) < 0)
			return bad_value(c, arg);
		o->req.purpose = (vntl_purpose)v;
		break;
	case O_ALG:
		if ((v = parse_choice(arg, "vn", "none", NULL)) < 0)
			return bad_value(c, arg);
		o->req.alg_policy = (vntl_alg_policy)v;
		break;
	default: break;
	}
	if (m && !push(m, arg))
		return usage_error("--%s is given more than %d times", option_name(c), MAX_MULTI);
	return 0;
}

static int check_operands(int argc, char **argv, struct options *o)
{
	const char *what = o->is_list ? "one list FILE or URL" : "one LEAF certificate file";
	if (optind >= argc)
		return usage_error("%s wants %s", argv[1], what);
	if (optind != argc - 1)
		return usage_error("%s wants %s, got %d (\"%s\", \"%s\"%s)", argv[1], what,
		                   argc - optind, argv[optind], argv[optind + 1],
		                   argc - optind > 2 ? ", ..." : "");
	if (o->at_text && rfc3339_parse(o->at_text, &o->req.at))
		return bad_value(O_AT, o->at_text);
	if (o->list_at_text && rfc3339_parse(o->list_at_text, &o->list_at))
		return bad_value(O_LIST_AT, o->list_at_text);
	return 0;
}

/* Returns 0 to go on, else the exit code (-1 for --help/--version: exit 0). */
static int parse_options(int argc, char **argv, struct options *o)
{
	int c, rc = 0;
	optind = 2;
	opterr = 0; /* our own one-line messages */
	while (rc == 0 && (c = getopt_long(argc, argv, ":", longopts, NULL)) != -1) {
		if (c == '?')
			rc = usage_error("unknown option %s", argv[optind - 1]);
		else if (c == ':')
			rc = usage_error("--%s wants %s", option_name(optopt), value_form(optopt));
		else if (c == O_HELP || c == O_VERSION)
			return -c;
		else
			rc = take_option(c, optarg, o);
	}
	if (rc == 0)
		rc = check_operands(argc, argv, o);
	if (o->is_list)
		o->list_at = o->req.at;
	return rc;
}

static int report_error(const struct options *o, const vntl_error *err, vntl_status st)
{
	int code = st == VNTL_ERR_REFUSED ? EXIT_FAILED : EXIT_USAGE;
	if (o->json) {
		json_t *j = json_pack("{s:b, s:s, s:s}", "accepted", 0, "rule", err->rule, "reason",
		                      err->reason);
		char *text = j ? json_dumps(j, JSON_INDENT(2)) : NULL;
		if (text)
			puts(text);
		free(text);
		json_decref(j);
	} else {
		printf("refused [%s]: %s\n", err->rule, err->reason);
	}
	return code;
}

static void print_list(const struct options *o, const char *src, const vntl_list_info *li)
{
	char issued[32], next[32];
	rfc3339_format(li->issued, issued);
	rfc3339_format(li->next_update, next);
	if (o->json) {
		json_t *j = json_pack("{s:b, s:s, s:s, s:s, s:i, s:I, s:s, s:s, s:i, s:i, s:i, s:s, s:b, s:s, s:s}",
		    "accepted", 1, "source", src, "territory", li->territory, "type", li->type,
		    "version", li->version, "sequence", (json_int_t)li->sequence, "issued", issued,
		    "next_update", next, "services", (int)li->services, "pointers", (int)li->pointers,
		    "ignored_services", (int)li->ignored_services,
		    "signer", li->signer_subject, "from_cache", li->from_cache, "warning", li->warning,
		    "ignored", li->ignored);
		char *text = j ? json_dumps(j, JSON_COMPACT) : NULL;
		if (text)
			puts(text);
		free(text);
		json_decref(j);
		return;
	}
	char issued_ict[64], next_ict[64];
	rfc3339_format_ict(li->issued, issued_ict);
	rfc3339_format_ict(li->next_update, next_ict);
	printf("accepted: %s\n  territory %s, sequence %lld, version %d, issued %s, next update %s\n"
	       "  %zu services, %zu pointers, signed by %s%s\n", src, li->territory, li->sequence,
	       li->version, issued_ict, next_ict, li->services, li->pointers, li->signer_subject,
	       li->from_cache ? "\n  (fetch failed: the cached copy was used)" : "");
	if (li->warning[0])
		printf("  warning: %s\n", li->warning);
	if (li->ignored_services)
		printf("  %zu services ignored: they carry an extension marked critical that "
		       "vntl-validate does not know, so they anchor nothing: %s\n",
		       li->ignored_services, li->ignored);
}

static int setup_ctx(const struct options *o, vntl_ctx **ctx, vntl_error *err)
{
	vntl_status st = vntl_ctx_new(ctx, err);
	if (st == VNTL_OK) {
		validate_ctx_defaults(*ctx);
		vntl_ctx_set_language(*ctx, o->lang);
	}
	if (st == VNTL_OK && o->schema)
		st = vntl_ctx_set_schema(*ctx, o->schema, err);
	if (st == VNTL_OK && o->no_schema)
		vntl_ctx_disable_schema(*ctx);
	if (st == VNTL_OK && o->cache_dir)
		st = vntl_ctx_set_cache_dir(*ctx, o->cache_dir, err);
	if (st == VNTL_OK && o->ca_file)
		st = vntl_ctx_set_tls_ca_file(*ctx, o->ca_file, err);
	if (st == VNTL_OK && o->list_at)
		vntl_ctx_set_list_time(*ctx, o->list_at);
	for (size_t i = 0; st == VNTL_OK && i < o->signers.n; i++)
		st = vntl_ctx_add_signer_file(*ctx, o->signers.v[i], err);
	return st;
}

/* One --pointed value (its form was checked when parsed); *shown is what
 * the list was read from. */
static vntl_status load_pointed(vntl_ctx *ctx, const char *value, vntl_list_info *li,
                                const char **shown, vntl_error *err)
{
	char selector[1024];
	const char *src;
	size_t n = is_url(value) ? vntl_ctx_pointer_location_prefix(ctx, value) : 0;
	if (is_url(value) && n == 0) { /* no such location: the library names the ones there are */
		*shown = value;
		return vntl_ctx_load_pointed_location(ctx, value, NULL, li, err);
	}
	if (!is_url(value))
		n = (size_t)(strchr(value, '=') - value);
	src = value[n] == '=' && value[n + 1] ? value + n + 1 : NULL;
	snprintf(selector, sizeof selector, "%.*s", (int)n, value);
	*shown = src ? src : is_url(value) ? value : "its TSLLocation";
	return is_url(value) ? vntl_ctx_load_pointed_location(ctx, selector, src, li, err)
	                     : vntl_ctx_load_pointed_list(ctx, selector, src, li, err);
}

static vntl_status load_lists(const struct options *o, vntl_ctx *ctx, const struct multi *lists,
                              int print, vntl_error *err)
{
	vntl_status st = VNTL_OK;
	for (size_t i = 0; st == VNTL_OK && i < lists->n; i++) {
		vntl_list_info li = { .size = sizeof li };
		st = vntl_ctx_load_list(ctx, lists->v[i], &li, err);
		if (st == VNTL_OK && print)
			print_list(o, lists->v[i], &li);
	}
	for (size_t i = 0; st == VNTL_OK && i < o->pointed.n; i++) {
		vntl_list_info li = { .size = sizeof li };
		const char *src = NULL;
		st = load_pointed(ctx, o->pointed.v[i], &li, &src, err);
		if (st == VNTL_OK && print)
			print_list(o, src, &li);
	}
	return st;
}

static int run_list(int argc, char **argv, struct options *o)
{
	vntl_ctx *ctx = NULL;
	vntl_error err = { "", "" };
	struct multi lists = { .n = 0 };
	push(&lists, argv[argc - 1]);
	vntl_status st = setup_ctx(o, &ctx, &err);
	if (st == VNTL_OK)
		st = load_lists(o, ctx, &lists, 1, &err);
	vntl_ctx_free(ctx);
	return st == VNTL_OK ? EXIT_PASSED : report_error(o, &err, st);
}

static void print_cert(const vntl_cert_info *c, size_t depth)
{
	char nb[RFC3339_ICT_BUF], na[RFC3339_ICT_BUF];
	rfc3339_format_ict(c->not_before, nb);
	rfc3339_format_ict(c->not_after, na);
	printf("  [%zu] subject %s\n      issuer  %s\n      serial  %s\n      valid   %s .. %s\n"
	       "      sha256  %s\n", depth, c->subject, c->issuer, c->serial, nb, na, c->sha256);
}

static void print_result(const struct options *o, const vntl_result *r)
{
	if (o->json) {
		char *text = vntl_result_to_json(r);
		if (text)
			puts(text);
		free(text);
		return;
	}
	char at[RFC3339_ICT_BUF];
	rfc3339_format_ict(r->at, at);
	vntl_language l = o->lang;
	printf("%s%s%s: %s\n", vntl_indication_name(r->indication), r->sub_indication[0] ? "/" : "",
	       r->sub_indication, r->reason);
	printf("  %s: %s\n", vntl_display_label(l, VNTL_LABEL_VERDICT), r->verdict);
	printf("  %s: %s\n  %s: %s\n  %s: %s\n  %s: %s\n",
	       vntl_display_label(l, VNTL_LABEL_ISSUER_ORGANISATION), r->issuer_organisation,
	       vntl_display_label(l, VNTL_LABEL_SUBJECT), r->subject_display,
	       vntl_display_label(l, VNTL_LABEL_TIME), at,
	       vntl_display_label(l, VNTL_LABEL_VALID_AT_TIME),
	       vntl_display_label(l, r->valid_at_time ? VNTL_LABEL_YES : VNTL_LABEL_NO));
	if (r->anchor_source[0]) {
		char since[64] = "";
		if (r->anchor_status_since)
			rfc3339_format_ict(r->anchor_status_since, since);
		printf("  %s: %s%s%s%s%s\n", vntl_display_label(l, VNTL_LABEL_ANCHOR), r->anchor_source, r->anchor_status[0] ? ", status " : "",
		       r->anchor_status, since[0] ? " since " : "", since);
	}
	if (r->revocation_source[0])
		printf("  %s: %s\n", vntl_display_label(l, VNTL_LABEL_REVOCATION), r->revocation_source);
	printf("%s:\n", vntl_display_label(l, VNTL_LABEL_CHAIN));
	for (size_t i = 0; i < r->chain_len; i++)
		print_cert(&r->chain[i], i);
}

static int run_chain(int argc, char **argv, struct options *o)
{
	if ((o->lists.n == 0) == (o->anchors.n == 0))
		return usage_error("chain wants its anchors from either --list FILE|URL (with "
		                   "--signer PEM) or --anchors PEM, %s",
		                   o->lists.n ? "not both" : "and got neither");
	vntl_ctx *ctx = NULL;
	vntl_error err = { "", "" };
	vntl_status st = setup_ctx(o, &ctx, &err);
	if (st == VNTL_OK)
		st = load_lists(o, ctx, &o->lists, 0, &err);
	for (size_t i = 0; st == VNTL_OK && i < o->anchors.n; i++)
		st = vntl_ctx_add_anchor_file(ctx, o->anchors.v[i], &err);
	o->req.leaf_file = argv[argc - 1];
	o->req.untrusted = o->untrusted.v;
	o->req.crl_files = o->crls.v;
	o->req.policies = o->policies.v;
	o->req.ekus = o->ekus.v;
	vntl_result *res = NULL;
	if (st == VNTL_OK)
		st = vntl_check_chain(ctx, &o->req, &res, &err);
	vntl_ctx_free(ctx);
	if (st != VNTL_OK) {
		report_error(o, &err, st);
		return EXIT_USAGE;
	}
	print_result(o, res);
	int code = res->indication == VNTL_PASSED ? EXIT_PASSED
	         : res->indication == VNTL_FAILED ? EXIT_FAILED : EXIT_INDETERMINATE;
	vntl_result_free(res);
	return code;
}

int validate_cli_main(int argc, char **argv)
{
	if (argc < 2) {
		fputs(usage_text, stderr);
		return EXIT_USAGE;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		fputs(usage_text, stdout);
		return EXIT_PASSED;
	}
	if (strcmp(argv[1], "--version") == 0) {
		printf("vntl-validate (vntl) %s\n", vntl_version());
		return EXIT_PASSED;
	}
	if (strcmp(argv[1], "sync") == 0)
		return validate_sync_main(argc - 1, argv + 1);
	if (strcmp(argv[1], "anchors") == 0)
		return validate_anchors_main(argc - 1, argv + 1);
	struct options o;
	memset(&o, 0, sizeof o);
	o.req.size = sizeof o.req;
	o.req.online = 1;
	o.is_list = strcmp(argv[1], "list") == 0;
	if (!o.is_list && strcmp(argv[1], "chain") != 0)
		return usage_error("unknown command \"%s\": the commands are list, chain, sync and anchors",
				   argv[1]);
	int rc = parse_options(argc, argv, &o);
	if (rc == -O_HELP) {
		fputs(usage_text, stdout);
		return EXIT_PASSED;
	}
	if (rc == -O_VERSION) {
		printf("vntl-validate (vntl) %s\n", vntl_version());
		return EXIT_PASSED;
	}
	if (rc != 0)
		return rc;
	return o.is_list ? run_list(argc, argv, &o) : run_chain(argc, argv, &o);
}
