/* vntld's settings for verifying what it serves: the list signer defaults
 * to the publisher's certificate of the same file, a flag overrides it,
 * and without one vntld does not start; the re-hash interval is bounded. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "common/sizes.h"
#include "common/config.h"
#include "tests/lib/web_fixture.h"
#include "web/settings.h"

static struct vntl_config *config(const char *text)
{
	char dir[4096], path[VNTL_PATH_MAX], err[512];
	web_fixture_dir("settings", dir, sizeof dir);
	web_fixture_write(dir, "vntl.conf", text, strlen(text));
	snprintf(path, sizeof path, "%s/vntl.conf", dir);
	struct vntl_config *cfg = NULL;
	if (vntl_config_load(path, &cfg, err, sizeof err) != 0)
		fail_msg("config: %s", err);
	return cfg;
}

static const struct web_override tls[] = {
	{"server.tls_cert", "/x/server.pem"}, {"server.tls_key", "/x/server.key"},
};

static void signer_defaults_to_the_publishers_certificate(void **state)
{
	(void)state;
	struct vntl_config *cfg = config("publish.cert = /etc/vntl/list-signer.pem\n");
	struct web_settings s;
	char err[512];
	assert_int_equal(web_settings_load(cfg, tls, 2, &s, err, sizeof err), 0);
	assert_string_equal(s.signer_cert, "/etc/vntl/list-signer.pem");
	assert_int_equal(s.recheck_interval, 300);
	const struct web_override flag[] = {tls[0], tls[1], {"server.signer_cert", "/other.pem"}};
	assert_int_equal(web_settings_load(cfg, flag, 3, &s, err, sizeof err), 0);
	assert_string_equal(s.signer_cert, "/other.pem");
	vntl_config_free(cfg);
}

static void no_signer_no_server(void **state)
{
	(void)state;
	struct web_settings s;
	char err[512];
	assert_int_equal(web_settings_load(NULL, tls, 2, &s, err, sizeof err), -1);
	assert_non_null(strstr(err, "server.signer_cert"));
}

static void recheck_interval_is_bounded(void **state)
{
	(void)state;
	struct vntl_config *cfg = config("server.signer_cert = /s.pem\nserver.recheck_interval = 0\n");
	struct web_settings s;
	char err[512];
	assert_int_equal(web_settings_load(cfg, tls, 2, &s, err, sizeof err), -1);
	assert_non_null(strstr(err, "server.recheck_interval"));
	vntl_config_free(cfg);
	cfg = config("server.signer_cert = /s.pem\nserver.recheck_interval = 60\n");
	assert_int_equal(web_settings_load(cfg, tls, 2, &s, err, sizeof err), 0);
	assert_int_equal(s.recheck_interval, 60);
	vntl_config_free(cfg);
}

static void connection_limits_have_defaults_and_bounds(void **state)
{
	(void)state;
	struct vntl_config *cfg = config("server.signer_cert = /s.pem\n");
	struct web_settings s;
	char err[512];
	assert_int_equal(web_settings_load(cfg, tls, 2, &s, err, sizeof err), 0);
	assert_int_equal(s.handshake_timeout, 5);
	assert_int_equal(s.header_timeout, 10);
	assert_int_equal(s.send_timeout, 10);
	assert_int_equal(s.min_send_rate, 1024);
	assert_int_equal(s.per_ip_connections, 256);
	assert_int_equal(s.use_epoll, 1);
	vntl_config_free(cfg);
	static const char *const bad[] = {"server.handshake_timeout = 0\n", "server.header_timeout = 601\n",
					  "server.send_timeout = 0\n", "server.min_send_rate = -1\n"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		char text[256];
		snprintf(text, sizeof text, "server.signer_cert = /s.pem\n%s", bad[i]);
		cfg = config(text);
		assert_int_equal(web_settings_load(cfg, tls, 2, &s, err, sizeof err), -1);
		char key[64];
		snprintf(key, sizeof key, "%.*s", (int)strcspn(bad[i], " "), bad[i]);
		assert_non_null(strstr(err, key));
		vntl_config_free(cfg);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(signer_defaults_to_the_publishers_certificate),
		cmocka_unit_test(no_signer_no_server),
		cmocka_unit_test(recheck_interval_is_bounded),
		cmocka_unit_test(connection_limits_have_defaults_and_bounds),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
