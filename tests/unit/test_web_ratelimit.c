/* The failed-login limiter (issue 18): exact per key (no shared slots),
 * bounded memory that never drops a locked-out key, lock-outs that grow. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "web/ratelimit.h"

static const struct web_ratelimit_policy policy = {
	.free_failures = 5, .base_lockout = 60, .max_lockout = 3600, .forget_after = 86400, .capacity = 4096};

static void fail_times(struct web_ratelimit *rl, const char *key, int n, time_t now)
{
	for (int i = 0; i < n; i++)
		web_ratelimit_failed(rl, key, now, NULL);
}

/* The old table shared a counter between keys of one hash slot: whatever
 * the hash, no other key may be locked out by one key's failures. */
static void keys_never_share_a_count(void **state)
{
	(void)state;
	struct web_ratelimit *rl = web_ratelimit_new(&policy);
	assert_non_null(rl);
	fail_times(rl, "sp-victim|203.0.113.5", 4, 1000);
	for (int i = 0; i < 4000; i++) {
		char key[64];
		snprintf(key, sizeof key, "x%d|203.0.113.5", i);
		fail_times(rl, key, 5, 1000);
		assert_int_equal(web_ratelimit_wait(rl, key, 1000), 60);
	}
	/* 4 failures of its own: not locked, whatever 4000 other keys did */
	assert_int_equal(web_ratelimit_wait(rl, "sp-victim|203.0.113.5", 1000), 0);
	assert_int_equal(web_ratelimit_wait(rl, "sp-victim|198.51.100.1", 1000), 0);
	unsigned failures = 0;
	assert_int_equal(web_ratelimit_failed(rl, "sp-victim|203.0.113.5", 1000, &failures), 60);
	assert_int_equal(failures, 5);
	/* keys longer than the limit are cut, not refused */
	char long_key[300];
	memset(long_key, 'a', sizeof long_key - 1);
	long_key[sizeof long_key - 1] = '\0';
	fail_times(rl, long_key, 5, 1000);
	assert_int_equal(web_ratelimit_wait(rl, long_key, 1000), 60);
	web_ratelimit_free(rl);
}

static void lockouts_grow_and_are_capped(void **state)
{
	(void)state;
	struct web_ratelimit *rl = web_ratelimit_new(&policy);
	time_t now = 5000;
	unsigned expected[] = {60, 120, 240, 480, 960, 1920, 3600, 3600};
	fail_times(rl, "k", 4, now);
	assert_int_equal(web_ratelimit_wait(rl, "k", now), 0);
	for (size_t i = 0; i < sizeof expected / sizeof *expected; i++) {
		assert_int_equal(web_ratelimit_failed(rl, "k", now, NULL), expected[i]);
		assert_int_equal(web_ratelimit_wait(rl, "k", now), expected[i]);
		assert_int_equal(web_ratelimit_wait(rl, "k", now + (time_t)expected[i] - 1), 1);
		now += expected[i];
		assert_int_equal(web_ratelimit_wait(rl, "k", now), 0);
	}
	/* a day without failures: the key starts over */
	now += 86400;
	assert_int_equal(web_ratelimit_failed(rl, "k", now, NULL), 0);
	/* a success forgets it at once */
	fail_times(rl, "k", 4, now);
	web_ratelimit_forget(rl, "k");
	assert_int_equal(web_ratelimit_failed(rl, "k", now, NULL), 0);
	assert_int_equal(web_ratelimit_size(rl), 1);
	web_ratelimit_free(rl);
}

/* At most `capacity` keys; the oldest unlocked key makes room, a locked-out
 * key never does. */
static void memory_is_bounded_and_lockouts_survive(void **state)
{
	(void)state;
	struct web_ratelimit_policy small = policy;
	small.capacity = 100;
	struct web_ratelimit *rl = web_ratelimit_new(&small);
	fail_times(rl, "attacker|192.0.2.66", 5, 1000); /* locked until 1060 */
	fail_times(rl, "first|192.0.2.1", 3, 1000);
	for (int i = 0; i < 20000; i++) {
		char key[64];
		snprintf(key, sizeof key, "spray%d|192.0.2.%d", i, i % 250);
		web_ratelimit_failed(rl, key, 1001 + i / 1000, NULL);
		assert_true(web_ratelimit_size(rl) <= 100);
	}
	assert_int_equal(web_ratelimit_size(rl), 100);
	assert_int_equal(web_ratelimit_wait(rl, "attacker|192.0.2.66", 1021), 39);
	/* the oldest unlocked key was dropped: it starts over */
	assert_int_equal(web_ratelimit_failed(rl, "first|192.0.2.1", 1021, NULL), 0);
	unsigned failures;
	web_ratelimit_failed(rl, "first|192.0.2.1", 1021, &failures);
	assert_int_equal(failures, 2);
	assert_int_equal(web_ratelimit_unrecorded(rl), 0);
	web_ratelimit_free(rl);

	/* every key locked out: a new failure is not recorded, and counted */
	small.capacity = 3;
	rl = web_ratelimit_new(&small);
	fail_times(rl, "a", 5, 1000);
	fail_times(rl, "b", 5, 1000);
	fail_times(rl, "c", 5, 1000);
	assert_int_equal(web_ratelimit_failed(rl, "d", 1001, NULL), 0);
	assert_int_equal(web_ratelimit_unrecorded(rl), 1);
	assert_int_equal(web_ratelimit_locked(rl, 1001), 3);
	for (const char *k = "abc"; *k; k++) {
		char key[2] = {*k, '\0'};
		assert_int_equal(web_ratelimit_wait(rl, key, 1001), 59);
	}
	/* once they are free again, the oldest makes room */
	web_ratelimit_failed(rl, "d", 1060, NULL);
	assert_int_equal(web_ratelimit_size(rl), 3);
	assert_int_equal(web_ratelimit_locked(rl, 1060), 0);
	web_ratelimit_free(rl);
}

static void reminders_once_per_interval(void **state)
{
	(void)state;
	struct web_ratelimit *rl = web_ratelimit_new(&policy);
	assert_int_equal(web_ratelimit_remind(rl, "sp-x", 100, 60), 0); /* not held */
	web_ratelimit_failed(rl, "sp-x", 100, NULL);
	assert_int_equal(web_ratelimit_remind(rl, "sp-x", 100, 60), 1);
	assert_int_equal(web_ratelimit_remind(rl, "sp-x", 159, 60), 0);
	assert_int_equal(web_ratelimit_remind(rl, "sp-x", 160, 60), 1);
	web_ratelimit_free(rl);
	struct web_ratelimit_policy bad = policy;
	bad.capacity = 0;
	assert_null(web_ratelimit_new(&bad));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(keys_never_share_a_count),
		cmocka_unit_test(lockouts_grow_and_are_capped),
		cmocka_unit_test(memory_is_bounded_and_lockouts_survive),
		cmocka_unit_test(reminders_once_per_interval),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
