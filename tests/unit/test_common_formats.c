/* common/: base64, hex, SHA-256 hex, RFC 3339 times, reading a whole file and
 * joining paths, the one copy of each that db/, publisher/, web/ and the
 * programs share; and a publication path too long for the buffer. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "common/base64.h"
#include "common/file.h"
#include "common/hex.h"
#include "common/rfc3339.h"
#include "publisher/pubdir.h"

static void hex_is_lowercase_and_terminated(void **state)
{
	(void)state;
	const unsigned char in[] = {0x00, 0x9f, 0xab, 0xff};
	char out[9];
	memset(out, 'x', sizeof out);
	hex_encode(in, sizeof in, out);
	assert_string_equal(out, "009fabff");
}

static void sha256_hex_of_known_input(void **state)
{
	(void)state;
	char out[SHA256_HEX_BUF];
	sha256_hex("abc", 3, out);
	assert_string_equal(out, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	sha256_hex("", 0, out);
	assert_string_equal(out, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

static void times_format_and_parse_back(void **state)
{
	(void)state;
	char out[RFC3339_BUF];
	assert_string_equal(rfc3339_format(1795000000, out), "2026-11-18T11:06:40Z");
	time_t t;
	assert_int_equal(rfc3339_parse_utc("2026-11-18T11:06:40Z", &t), 0);
	assert_int_equal((long long)t, 1795000000LL);
	assert_int_equal(rfc3339_parse("2026-11-18T18:06:40.250+07:00", &t), 0);
	assert_int_equal((long long)t, 1795000000LL);
	/* out of gmtime's range: still text, never an empty or garbled buffer */
	assert_string_equal(rfc3339_format(INT64_MAX, out), "@9223372036854775807");
}

static void strict_and_lenient_parsers_refuse_what_they_should(void **state)
{
	(void)state;
	time_t t;
	assert_int_equal(rfc3339_parse_utc("2026-11-18T18:06:40+07:00", &t), -1); /* Z only */
	assert_int_equal(rfc3339_parse_utc("2026-11-18T11:06:40Z ", &t), -1);
	assert_int_equal(rfc3339_parse_utc("1969-12-31T23:59:59Z", &t), -1);
	assert_int_equal(rfc3339_parse("2026-11-18T11:06:40", &t), -1); /* no zone */
	assert_int_equal(rfc3339_parse("2026-13-18T11:06:40Z", &t), -1);
	assert_int_equal(rfc3339_parse(NULL, &t), -1);
}

static void write_file(const char *path, size_t size)
{
	FILE *f = fopen(path, "wb");
	assert_non_null(f);
	for (size_t i = 0; i < size; i++)
		fputc((int)(i % 251), f);
	fclose(f);
}

static void whole_file_is_read_and_bounded(void **state)
{
	(void)state;
	const char *dir = getenv("VNTL_TMP");
	char path[4096];
	snprintf(path, sizeof path, "%s/file.bin", dir ? dir : "/tmp");
	const size_t size = 200000; /* more than one read buffer */
	write_file(path, size);
	unsigned char *data;
	size_t len;
	assert_int_equal(file_read_all(path, size, &data, &len), 0);
	assert_int_equal(len, size);
	assert_int_equal(data[size - 1], (size - 1) % 251);
	free(data);
	errno = 0;
	assert_int_equal(file_read_all(path, size - 1, &data, &len), -1);
	assert_int_equal(errno, EFBIG);
	assert_null(data);
	remove(path);
	assert_int_equal(file_read_all(path, size, &data, &len), -1);
	assert_int_equal(errno, ENOENT);
}

static void path_join_refuses_what_does_not_fit(void **state)
{
	(void)state;
	char out[8];
	assert_int_equal(path_join(out, sizeof out, "ab", "cdef"), 0); /* 7 bytes and NUL */
	assert_string_equal(out, "ab/cdef");
	errno = 0;
	assert_int_equal(path_join(out, sizeof out, "ab", "cdefg"), -1);
	assert_int_equal(errno, ENAMETOOLONG);
	assert_string_equal(out, ""); /* never a truncated name of another file */
	assert_int_equal(path_format(out, sizeof out, "%s/%d.x", "a", 12), 0); /* 6 bytes */
	assert_string_equal(out, "a/12.x");
	errno = 0;
	assert_int_equal(path_format(out, sizeof out, "%s/%d.xml", "a", 12), -1); /* 8 bytes */
	assert_int_equal(errno, ENAMETOOLONG);
	assert_string_equal(out, "");
}

static void publication_path_too_long_is_refused_by_name(void **state)
{
	(void)state;
	const char *dir = getenv("VNTL_TMP");
	char rel[5000], err[512] = "";
	memset(rel, 'x', sizeof rel - 1);
	rel[sizeof rel - 1] = '\0';
	assert_int_equal(pubdir_write(dir ? dir : "/tmp", rel, "x", 1, err, sizeof err), -1);
	assert_non_null(strstr(err, "path too long"));
}

static void base64_encodes_and_decodes_back(void **state)
{
	(void)state;
	const unsigned char bytes[] = {0xfb, 0xff, 0x00, 'a'};
	char *std = base64_encode(bytes, sizeof bytes), *url = base64url_encode(bytes, sizeof bytes);
	assert_string_equal(std, "+/8AYQ==");
	assert_string_equal(url, "-_8AYQ"); /* RFC 7515: no padding */
	size_t len = 0;
	const char *wrapped = " +/8A\r\nYQ==\t"; /* blanks, as XML wraps it */
	unsigned char *back = base64_decode(wrapped, strlen(wrapped), &len);
	assert_non_null(back);
	assert_int_equal(len, sizeof bytes);
	assert_memory_equal(back, bytes, sizeof bytes);
	free(back);
	free(std);
	free(url);
	char *empty = base64_encode(bytes, 0);
	assert_string_equal(empty, "");
	free(empty);
}

static void base64_decode_refuses_what_is_not_base64(void **state)
{
	(void)state;
	size_t len = 99;
	assert_null(base64_decode("", 0, &len));
	assert_null(base64_decode("  \n", 3, &len));
	assert_null(base64_decode("+/8AYQ=", 7, &len));   /* not a multiple of 4 */
	assert_null(base64_decode("+/8A*Q==", 8, &len));  /* not in the alphabet */
	assert_int_equal(len, 99);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(path_join_refuses_what_does_not_fit),
		cmocka_unit_test(publication_path_too_long_is_refused_by_name),
		cmocka_unit_test(base64_encodes_and_decodes_back),
		cmocka_unit_test(base64_decode_refuses_what_is_not_base64),
		cmocka_unit_test(hex_is_lowercase_and_terminated),
		cmocka_unit_test(sha256_hex_of_known_input),
		cmocka_unit_test(times_format_and_parse_back),
		cmocka_unit_test(strict_and_lenient_parsers_refuse_what_they_should),
		cmocka_unit_test(whole_file_is_read_and_bounded),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
