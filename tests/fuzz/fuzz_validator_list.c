/* Mutates a real signed list (byte flips, truncations, inserted markup) and
 * loads each variant: the loader must never crash, never accept a changed
 * document, and always name the rule it refused by.  Bounded iterations. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vntl.h"

static unsigned long long rng_state = 0x9e3779b97f4a7c15ull;
static unsigned next_random(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return (unsigned)(rng_state >> 11);
}

static unsigned char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	long n = ftell(f);
	fseek(f, 0, SEEK_SET);
	unsigned char *buf = malloc((size_t)n + 64);
	if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
		free(buf);
		buf = NULL;
	}
	fclose(f);
	*len = (size_t)n;
	return buf;
}

static size_t mutate(unsigned char *buf, size_t len)
{
	static const char *const inserts[] = { "<!DOCTYPE x>", "<a>", "</", "&amp;", "\"", "<![CDATA[",
		"<ds:Signature xmlns:ds=\"http://www.w3.org/2000/09/xmldsig#\"/>" };
	size_t pos = next_random() % len;
	switch (next_random() % 4) {
	case 0:
		buf[pos] ^= (unsigned char)(1u << (next_random() % 8));
		return len;
	case 1:
		return pos; /* truncate */
	case 2: {
		const char *ins = inserts[next_random() % (sizeof inserts / sizeof *inserts)];
		size_t n = strlen(ins);
		if (n > 60)
			n = 60;
		memmove(buf + pos + n, buf + pos, len - pos);
		memcpy(buf + pos, ins, n);
		return len + n;
	}
	default:
		buf[pos] = (unsigned char)next_random();
		return len;
	}
}

int main(void)
{
	const char *shared = getenv("VNTL_SHARED"), *tmp = getenv("VNTL_TMP");
	int iterations = getenv("VNTL_SAN") && strcmp(getenv("VNTL_SAN"), "1") == 0 ? 150 : 1000;
	char list[4096], pin[4096], xsd[4096], out[4096];
	snprintf(list, sizeof list, "%s/tl/samples/tl-se-2026.xml", shared ? shared : "../shared");
	snprintf(pin, sizeof pin, "%s/tl/samples/pins/tl-se-2026-signer.pem", shared ? shared : "../shared");
	snprintf(xsd, sizeof xsd, "%s/tl/xsd/19612-libxml2.xsd", shared ? shared : "../shared");
	snprintf(out, sizeof out, "%s/fuzz.xml", tmp ? tmp : "/tmp");
	size_t len;
	unsigned char *orig = slurp(list, &len);
	unsigned char *buf = orig ? malloc(len + 64) : NULL;
	vntl_ctx *ctx;
	vntl_error err;
	if (!buf || vntl_ctx_new(&ctx, &err) != VNTL_OK || vntl_ctx_set_schema(ctx, xsd, &err) ||
	    vntl_ctx_add_signer_file(ctx, pin, &err)) {
		fprintf(stderr, "fuzz setup failed: %s\n", err.reason);
		return 1;
	}
	vntl_ctx_set_list_time(ctx, 1789000000);
	int failures = 0, refused = 0;
	(void)refused;
	for (int i = 0; i < iterations; i++) {
		memcpy(buf, orig, len);
		size_t n = mutate(buf, len);
		if (n == len && memcmp(buf, orig, len) == 0)
			continue;
		FILE *f = fopen(out, "wb");
		if (!f || fwrite(buf, 1, n, f) != n) {
			fprintf(stderr, "cannot write %s\n", out);
			return 1;
		}
		fclose(f);
		memset(&err, 0, sizeof err);
		vntl_status st = vntl_ctx_load_list(ctx, out, NULL, &err);
		if (st == VNTL_OK) {
			char kept[4200];
			snprintf(kept, sizeof kept, "%s.accepted-%d", out, i);
			rename(out, kept);
			fprintf(stderr, "iteration %d: a changed document was accepted (kept in %s)\n", i, kept);
			failures++;
		}
		if (st != VNTL_OK && err.rule[0] == 0) {
			fprintf(stderr, "iteration %d: refused without a rule\n", i);
			failures++;
		}
		refused += st != VNTL_OK;
	}
	fprintf(stderr, "fuzz_validator_list: %d iterations, %d refused, %d failures\n", iterations,
	        refused, failures);
	vntl_ctx_free(ctx);
	free(orig);
	free(buf);
	return failures != 0;
}
