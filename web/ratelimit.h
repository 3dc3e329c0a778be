/* Failed-login limiter: exact counts per key (the caller's key, e.g. an
 * sp_id with an address, or an address alone), never shared between keys.
 *
 * A key may fail `free_failures` times; each failure from then on locks it
 * out for base_lockout, 2 x base_lockout, 4 x ... seconds, up to
 * max_lockout, so the delay grows for as long as the key keeps failing. A
 * key that has not failed for `forget_after` seconds (and is not locked out)
 * starts over.
 *
 * Memory is bounded: at most `capacity` keys. A new key takes the place of
 * the key whose last failure is oldest among those not locked out; a
 * locked-out key is never dropped. When every key is locked out, the new
 * failure is not recorded (counted by web_ratelimit_unrecorded).
 *
 * In memory: a restart forgets. All functions are thread-safe.
 *
 * Counting cannot fail: functions return counts or seconds (0: none);
 * web_ratelimit_remind is a predicate; web_ratelimit_new NULL when out of memory.
 */
#ifndef VNTL_WEB_RATELIMIT_H
#define VNTL_WEB_RATELIMIT_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

/* Longest key kept (longer keys are cut: the caller builds keys short). */
#define WEB_RATELIMIT_KEY_MAX 127

struct web_ratelimit_policy {
	unsigned free_failures;   /* failures before the first lock-out (>= 1) */
	unsigned base_lockout;    /* seconds of the first lock-out (>= 1) */
	unsigned max_lockout;     /* longest lock-out, seconds */
	unsigned forget_after;    /* seconds without a failure after which a key starts over */
	size_t capacity;          /* keys kept at most (>= 1) */
};

struct web_ratelimit;

struct web_ratelimit *web_ratelimit_new(const struct web_ratelimit_policy *policy);
void web_ratelimit_free(struct web_ratelimit *rl);

/* 0 when `key` may try at `now`, else the seconds until it may. */
unsigned web_ratelimit_wait(struct web_ratelimit *rl, const char *key, time_t now);

/* Counts one failure of `key`; returns the lock-out it starts in seconds
 * (0: none yet). `failures` (may be NULL) gets the key's failures so far. */
unsigned web_ratelimit_failed(struct web_ratelimit *rl, const char *key, time_t now,
			      unsigned *failures);

/* Forgets `key` (e.g. after a successful login from that key). */
void web_ratelimit_forget(struct web_ratelimit *rl, const char *key);

/* 1 at most once per `interval` seconds per key still held (for alerts:
 * "say it again only after interval"); 0 otherwise or when `key` is not held. */
int web_ratelimit_remind(struct web_ratelimit *rl, const char *key, time_t now, unsigned interval);

/* Keys held, and of those the ones locked out at `now`. */
size_t web_ratelimit_size(struct web_ratelimit *rl);
size_t web_ratelimit_locked(struct web_ratelimit *rl, time_t now);
/* Failures not recorded because every key held was locked out. */
uint64_t web_ratelimit_unrecorded(struct web_ratelimit *rl);

#endif
