/* File helpers for the unit tests (see test_files.h). Plain C, no cmocka:
 * the fuzz drivers link tests/lib too. */
#include <stdio.h>
#include <stdlib.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "tests/lib/test_files.h"

static void give_up(const char *what, const char *path)
{
	fprintf(stderr, "test files: %s %s\n", what, path);
	abort();
}

unsigned char *tf_read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f || fseek(f, 0, SEEK_END) != 0)
		give_up("cannot open", path);
	long n = ftell(f);
	rewind(f);
	unsigned char *data = n >= 0 ? malloc((size_t)n + 1) : NULL;
	if (!data || fread(data, 1, (size_t)n, f) != (size_t)n)
		give_up("cannot read", path);
	data[n] = 0;
	fclose(f);
	*len = (size_t)n;
	return data;
}

unsigned char *tf_pem_cert_der(const char *path, size_t *len)
{
	FILE *f = fopen(path, "r");
	if (!f)
		give_up("cannot open", path);
	X509 *cert = PEM_read_X509(f, NULL, NULL, NULL);
	fclose(f);
	unsigned char *der = NULL;
	int n = cert ? i2d_X509(cert, &der) : -1;
	X509_free(cert);
	if (n <= 0)
		give_up("no PEM certificate in", path);
	*len = (size_t)n;
	return der;
}
