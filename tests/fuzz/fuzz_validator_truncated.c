/* Every certificate and CRL given, cut short at every byte (DER and PEM),
 * is handed to vntl_check_chain() as the leaf and as a CRL: the check must
 * never crash and never pass; it ends as a refusal (FAILED or
 * INDETERMINATE: exit 1-2 of vntl-validate) or as an input error (exit 3).
 *   fuzz_validator_truncated ANCHOR LEAF INTERMEDIATE FILE... [--every N FILE...]
 *       the FILEs cut at every length (after --every N: every Nth length)
 *   fuzz_validator_truncated        NIST PKITS from $VNTL_SHARED, sampled
 * A PEM file is cut only before the end of its END line: dropping the
 * newline after it leaves the whole certificate. Under sanitizers
 * (VNTL_SAN=1) every 7th length of what would be every length is tried. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "vntl.h"

struct target {
	vntl_ctx *ctx;
	const char *leaf, *intermediate, *scratch;
	size_t checks, failures;
};

static unsigned char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	long n = ftell(f);
	fseek(f, 0, SEEK_SET);
	unsigned char *buf = n > 0 ? calloc(1, (size_t)n + 1) : NULL; /* terminated, for strstr */
	if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
		free(buf);
		buf = NULL;
	}
	fclose(f);
	*len = buf ? (size_t)n : 0;
	return buf;
}

/* The DER of a PEM file's first block, or the file itself. */
static unsigned char *to_der(const unsigned char *data, size_t len, size_t *der_len)
{
	BIO *bio = BIO_new_mem_buf(data, (int)len);
	char *name = NULL, *header = NULL;
	unsigned char *der = NULL;
	long n = 0;
	unsigned char *out = NULL;
	if (bio && PEM_read_bio(bio, &name, &header, &der, &n) == 1 && n > 0) {
		out = malloc((size_t)n);
		if (out)
			memcpy(out, der, (size_t)n);
		*der_len = (size_t)n;
	} else if ((out = malloc(len))) {
		memcpy(out, data, len);
		*der_len = len;
	}
	OPENSSL_free(name);
	OPENSSL_free(header);
	OPENSSL_free(der);
	BIO_free(bio);
	return out;
}

static int write_file(const char *path, const unsigned char *data, size_t len)
{
	FILE *f = fopen(path, "wb");
	if (!f)
		return 0;
	int ok = fwrite(data, 1, len, f) == len;
	return fclose(f) == 0 && ok;
}

/* One cut, as the leaf and as a CRL: anything but a pass is right. */
static void check_cut(struct target *t, const char *what, size_t cut)
{
	const char *untrusted[] = { t->intermediate, NULL };
	const char *crls[] = { t->scratch, NULL };
	vntl_chain_request as_leaf = { .size = sizeof as_leaf,
		.leaf_file = t->scratch, .untrusted = untrusted,
	                               .revocation = VNTL_REVOCATION_NONE, .at = 1700000000 };
	vntl_chain_request as_crl = { .size = sizeof as_crl,
		.leaf_file = t->leaf, .untrusted = untrusted, .crl_files = crls,
	                              .revocation = VNTL_REVOCATION_REQUIRE, .at = 1700000000 };
	const vntl_chain_request *reqs[] = { &as_leaf, &as_crl };
	for (int i = 0; i < 2; i++) {
		vntl_result *res = NULL;
		vntl_error err;
		vntl_status st = vntl_check_chain(t->ctx, reqs[i], &res, &err);
		t->checks++;
		if (st == VNTL_OK && res->indication == VNTL_PASSED) {
			fprintf(stderr, "FAIL: %s cut at %zu bytes passed as %s\n", what, cut,
			        i ? "a CRL" : "the leaf");
			t->failures++;
		}
		vntl_result_free(res);
	}
}

static void truncate_file(struct target *t, const char *path, size_t step)
{
	size_t len = 0, der_len = 0;
	unsigned char *data = slurp(path, &len);
	unsigned char *der = data ? to_der(data, len, &der_len) : NULL;
	const unsigned char *forms[] = { data, der };
	size_t lens[] = { len, der_len };
	int pem = data && der_len != len; /* a PEM file's DER is shorter than the file */
	const char *end = pem ? strstr((const char *)data, "-----END") : NULL; /* data ends in 0 */
	if (end)
		lens[0] = (size_t)(end - (const char *)data) + 8;
	for (int f = 0; f < 2; f++)
		for (size_t cut = 0; forms[f] && cut < lens[f]; cut += step) {
			if (!write_file(t->scratch, forms[f], cut)) {
				fprintf(stderr, "FAIL: cannot write %s\n", t->scratch);
				t->failures++;
				break;
			}
			check_cut(t, path, cut);
		}
	free(data);
	free(der);
}

static int is_suffix(const char *s, const char *suffix)
{
	size_t a = strlen(s), b = strlen(suffix);
	return a >= b && strcmp(s + a - b, suffix) == 0;
}

/* Without arguments: PKITS certificates and CRLs, every 97th one in full. */
static void run_pkits(struct target *t, size_t step)
{
	char dir[4096], path[8192];
	const char *shared = getenv("VNTL_SHARED");
	const char *sub[] = { "certs", "crls" };
	for (int s = 0; s < 2; s++) {
		snprintf(dir, sizeof dir, "%s/pkits/%s", shared ? shared : "../shared", sub[s]);
		DIR *d = opendir(dir);
		size_t k = 0;
		for (struct dirent *e; d && (e = readdir(d));)
			if ((is_suffix(e->d_name, ".crt") || is_suffix(e->d_name, ".crl")) && k++ % 97 == 0) {
				snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
				truncate_file(t, path, step);
			}
		if (d)
			closedir(d);
	}
}

int main(int argc, char **argv)
{
	const char *san = getenv("VNTL_SAN");
	size_t step = san && strcmp(san, "1") == 0 ? 7 : 1;
	char scratch[] = "/tmp/vntl-truncated-XXXXXX";
	int fd = mkstemp(scratch);
	if (fd < 0)
		return 1;
	close(fd);
	char pkits[3][4096];
	const char *shared = getenv("VNTL_SHARED");
	const char *names[] = { "TrustAnchorRootCertificate.crt", "ValidCertificatePathTest1EE.crt",
		"GoodCACert.crt" };
	for (int i = 0; i < 3; i++)
		snprintf(pkits[i], sizeof pkits[i], "%s/pkits/certs/%s", shared ? shared : "../shared",
		         names[i]);
	struct target t = { .leaf = argc > 2 ? argv[2] : pkits[1],
	                    .intermediate = argc > 3 ? argv[3] : pkits[2], .scratch = scratch };
	vntl_error err;
	if (vntl_ctx_new(&t.ctx, &err) != VNTL_OK ||
	    vntl_ctx_add_anchor_file(t.ctx, argc > 1 ? argv[1] : pkits[0], &err) != VNTL_OK) {
		fprintf(stderr, "setup: [%s] %s\n", err.rule, err.reason);
		unlink(scratch);
		return 1;
	}
	size_t every = step;
	for (int i = 4; i < argc; i++) {
		if (strcmp(argv[i], "--every") == 0 && i + 1 < argc) {
			every = step * (size_t)strtoul(argv[++i], NULL, 10);
			continue;
		}
		truncate_file(&t, argv[i], every ? every : 1);
	}
	if (argc <= 4)
		run_pkits(&t, step * 5);
	vntl_ctx_free(t.ctx);
	unlink(scratch);
	printf("%zu truncated inputs checked, %zu passed wrongly\n", t.checks, t.failures);
	return t.failures || t.checks == 0 ? 1 : 0;
}
