/* The signed index (vntl_index_verify, validator/vv_jws.c): any bytes as
 * the index.json a sync fetches, verified against the pinned list signer
 * of the seeds (tests/fuzz/data/index-signer.pem). An index is accepted
 * only when signed by that signer, so an accepted one must name it (its
 * SHA-256), hold well-formed lists (names, 64-hex digests, paths under
 * the list's directory) and answer every accessor; a refused one always
 * names a rule. Seeds from tests/fuzz/make-corpus.sh: indexes the real
 * publisher signed, and edits of one that must be refused.
 * fuzz-dictionary: json */
#include "tests/fuzz/fuzz.h"

#include <openssl/pem.h>
#include <openssl/sha.h>
#include <openssl/x509.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vntl.h"

static unsigned char *pin_der;
static size_t pin_len;
static char pin_sha256[65];

static void free_pin(void)
{
	OPENSSL_free(pin_der);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc, (void)argv;
	FILE *f = fopen(fuzz_src_path("tests/fuzz/data/index-signer.pem"), "r");
	X509 *cert = f ? PEM_read_X509(f, NULL, NULL, NULL) : NULL;
	if (f)
		fclose(f);
	int len = cert ? i2d_X509(cert, &pin_der) : -1;
	X509_free(cert);
	if (len <= 0)
		fuzz_fail("tests/fuzz/data/index-signer.pem holds no certificate");
	pin_len = (size_t)len;
	unsigned char md[SHA256_DIGEST_LENGTH];
	SHA256(pin_der, pin_len, md);
	for (int i = 0; i < SHA256_DIGEST_LENGTH; i++)
		snprintf(pin_sha256 + 2 * i, 3, "%02x", md[i]);
	atexit(free_pin);
	return 0;
}

static int is_hex64(const char *s)
{
	return strlen(s) == 64 && strspn(s, "0123456789abcdef") == 64;
}

/* What an accepted index must be. */
static void check_accepted(const vntl_index *idx)
{
	if (strcmp(vntl_index_signer_sha256(idx), pin_sha256) != 0)
		fuzz_fail("accepted, but signed by %s, not the pinned %s", vntl_index_signer_sha256(idx),
			  pin_sha256);
	const char *alg = vntl_index_algorithm(idx);
	if (alg[0] != 'E' && alg[0] != 'R')
		fuzz_fail("accepted with algorithm \"%s\"", alg);
	size_t payload_len = 0;
	if (!vntl_index_payload(idx, &payload_len) || payload_len == 0)
		fuzz_fail("accepted without a payload");
	for (size_t i = 0; i < vntl_index_list_count(idx); i++) {
		const vntl_index_list *l = vntl_index_list_at(idx, i);
		if (!l || !l->name[0] || !is_hex64(l->sha256) || l->size < 0)
			fuzz_fail("accepted list %zu is not well formed", i);
		if (vntl_index_find(idx, l->name) == NULL)
			fuzz_fail("list \"%s\" is named but not found", l->name);
		/* sync downloads <from>/<path>: never out of the list's directory */
		if (strstr(l->path, "..") || l->path[0] == '/' || strchr(l->path, '\\'))
			fuzz_fail("accepted list \"%s\" has the path \"%s\"", l->name, l->path);
	}
	if (vntl_index_list_at(idx, vntl_index_list_count(idx)) != NULL)
		fuzz_fail("a list past the end");
	char sha[65];
	long long size = 0;
	vntl_error err;
	memset(&err, 0, sizeof err);
	vntl_status st = vntl_index_file(idx, "roots.pem", sha, &size, &err);
	if (st == VNTL_OK && (!is_hex64(sha) || size < 0))
		fuzz_fail("roots.pem is named with a malformed digest or size");
	if (st != VNTL_OK && err.rule[0] == '\0')
		fuzz_fail("vntl_index_file failed without a rule");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const unsigned char *ders[1] = {pin_der};
	size_t lens[1] = {pin_len};
	vntl_index *idx = NULL;
	vntl_error err;
	memset(&err, 0, sizeof err);
	vntl_status st = vntl_index_verify(data, size, ders, lens, 1, &idx, &err);
	if (st == VNTL_OK) {
		if (!idx)
			fuzz_fail("accepted without an index");
		check_accepted(idx);
	} else if (err.rule[0] == '\0' || idx != NULL) {
		fuzz_fail("refused without a rule, or with an index: %s", err.reason);
	}
	vntl_index_free(idx);
	return 0;
}
