/* Exact failed-login counting per key (see ratelimit.h): a hash table of
 * whole keys (chained, so two keys never share a counter) over a fixed pool
 * of entries, and a list of the entries by last failure for eviction. The
 * hash is seeded at random so that nobody can pick keys that crowd one
 * chain. */
#include "web/ratelimit.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

struct entry {
	char key[WEB_RATELIMIT_KEY_MAX + 1];
	unsigned failures;
	time_t last_failure;
	time_t locked_until;
	time_t reminded_at;
	int reminded;
	struct entry *chain;          /* next in the bucket, or in the free list */
	struct entry *older, *newer;  /* by last failure */
};

struct web_ratelimit {
	pthread_mutex_t lock;
	struct web_ratelimit_policy policy;
	uint64_t seed;
	struct entry *pool;
	struct entry *free_entries;
	struct entry **buckets;
	size_t bucket_mask;
	struct entry *oldest, *newest;
	size_t held;
	uint64_t unrecorded;
};

struct web_ratelimit *web_ratelimit_new(const struct web_ratelimit_policy *policy)
{
	if (!policy->capacity || !policy->free_failures || !policy->base_lockout)
		return NULL;
	struct web_ratelimit *rl = calloc(1, sizeof *rl);
	if (!rl)
		return NULL;
	rl->policy = *policy;
	size_t buckets = 1;
	while (buckets < policy->capacity)
		buckets <<= 1;
	rl->bucket_mask = buckets - 1;
	rl->pool = calloc(policy->capacity, sizeof *rl->pool);
	rl->buckets = calloc(buckets, sizeof *rl->buckets);
	if (!rl->pool || !rl->buckets) {
		free(rl->pool);
		free(rl->buckets);
		free(rl);
		return NULL;
	}
	for (size_t i = policy->capacity; i-- > 0;) {
		rl->pool[i].chain = rl->free_entries;
		rl->free_entries = &rl->pool[i];
	}
	if (getrandom(&rl->seed, sizeof rl->seed, 0) != (ssize_t)sizeof rl->seed)
		rl->seed = (uint64_t)time(NULL) ^ (uint64_t)(uintptr_t)rl;
	pthread_mutex_init(&rl->lock, NULL);
	return rl;
}

void web_ratelimit_free(struct web_ratelimit *rl)
{
	if (!rl)
		return;
	pthread_mutex_destroy(&rl->lock);
	free(rl->pool);
	free(rl->buckets);
	free(rl);
}

static struct entry **bucket_of(struct web_ratelimit *rl, const char *key)
{
	uint64_t h = 1469598103934665603ULL ^ rl->seed; /* FNV-1a, seeded */
	for (const unsigned char *p = (const unsigned char *)key; *p; p++)
		h = (h ^ *p) * 1099511628211ULL;
	h ^= h >> 29;
	return &rl->buckets[h & rl->bucket_mask];
}

/* The key as the table stores it: cut to WEB_RATELIMIT_KEY_MAX. */
struct stored_key {
	char text[WEB_RATELIMIT_KEY_MAX + 1];
};

static struct stored_key stored(const char *key)
{
	struct stored_key k;
	snprintf(k.text, sizeof k.text, "%s", key);
	return k;
}

static struct entry *find(struct web_ratelimit *rl, const struct stored_key *key)
{
	for (struct entry *e = *bucket_of(rl, key->text); e; e = e->chain)
		if (strcmp(e->key, key->text) == 0)
			return e;
	return NULL;
}

static void unlink_age(struct web_ratelimit *rl, struct entry *e)
{
	if (e->older)
		e->older->newer = e->newer;
	else
		rl->oldest = e->newer;
	if (e->newer)
		e->newer->older = e->older;
	else
		rl->newest = e->older;
	e->older = e->newer = NULL;
}

static void push_newest(struct web_ratelimit *rl, struct entry *e)
{
	e->older = rl->newest;
	e->newer = NULL;
	if (rl->newest)
		rl->newest->newer = e;
	else
		rl->oldest = e;
	rl->newest = e;
}

static void drop(struct web_ratelimit *rl, struct entry *e)
{
	struct entry **link = bucket_of(rl, e->key);
	while (*link != e)
		link = &(*link)->chain;
	*link = e->chain;
	unlink_age(rl, e);
	memset(e, 0, sizeof *e);
	e->chain = rl->free_entries;
	rl->free_entries = e;
	rl->held--;
}

static int locked(const struct entry *e, time_t now)
{
	return e->locked_until > now;
}

/* A key neither locked out nor failed within forget_after starts over. */
static int forgotten(const struct web_ratelimit *rl, const struct entry *e, time_t now)
{
	return !locked(e, now) && now - e->last_failure >= (time_t)rl->policy.forget_after;
}

/* A free entry, else the one with the oldest failure that is not locked
 * out; NULL when every entry is locked out. */
static struct entry *take_entry(struct web_ratelimit *rl, time_t now)
{
	if (!rl->free_entries) {
		struct entry *victim = rl->oldest;
		while (victim && locked(victim, now))
			victim = victim->newer;
		if (!victim)
			return NULL;
		drop(rl, victim);
	}
	struct entry *e = rl->free_entries;
	rl->free_entries = e->chain;
	e->chain = NULL;
	return e;
}

static void insert(struct web_ratelimit *rl, struct entry *e, const struct stored_key *key)
{
	memcpy(e->key, key->text, sizeof e->key);
	struct entry **bucket = bucket_of(rl, e->key);
	e->chain = *bucket;
	*bucket = e;
	push_newest(rl, e);
	rl->held++;
}

static unsigned lockout_for(const struct web_ratelimit_policy *p, unsigned failures)
{
	if (failures < p->free_failures)
		return 0;
	unsigned doublings = failures - p->free_failures;
	uint64_t seconds = doublings >= 32 ? UINT64_MAX : (uint64_t)p->base_lockout << doublings;
	return seconds > p->max_lockout ? p->max_lockout : (unsigned)seconds;
}

unsigned web_ratelimit_wait(struct web_ratelimit *rl, const char *key, time_t now)
{
	struct stored_key k = stored(key);
	pthread_mutex_lock(&rl->lock);
	struct entry *e = find(rl, &k);
	unsigned wait = e && locked(e, now) ? (unsigned)(e->locked_until - now) : 0;
	pthread_mutex_unlock(&rl->lock);
	return wait;
}

unsigned web_ratelimit_failed(struct web_ratelimit *rl, const char *key, time_t now,
			      unsigned *failures)
{
	struct stored_key k = stored(key);
	pthread_mutex_lock(&rl->lock);
	struct entry *e = find(rl, &k);
	if (e && forgotten(rl, e, now)) {
		drop(rl, e);
		e = NULL;
	}
	if (!e && (e = take_entry(rl, now)) != NULL)
		insert(rl, e, &k);
	unsigned lockout = 0, count = 0;
	if (e) {
		if (e->failures < UINT32_MAX)
			e->failures++;
		e->last_failure = now;
		unlink_age(rl, e);
		push_newest(rl, e);
		lockout = lockout_for(&rl->policy, e->failures);
		if (lockout && now + (time_t)lockout > e->locked_until)
			e->locked_until = now + (time_t)lockout;
		count = e->failures;
	} else {
		rl->unrecorded++;
	}
	pthread_mutex_unlock(&rl->lock);
	if (failures)
		*failures = count;
	return lockout;
}

void web_ratelimit_forget(struct web_ratelimit *rl, const char *key)
{
	struct stored_key k = stored(key);
	pthread_mutex_lock(&rl->lock);
	struct entry *e = find(rl, &k);
	if (e)
		drop(rl, e);
	pthread_mutex_unlock(&rl->lock);
}

int web_ratelimit_remind(struct web_ratelimit *rl, const char *key, time_t now, unsigned interval)
{
	struct stored_key k = stored(key);
	pthread_mutex_lock(&rl->lock);
	struct entry *e = find(rl, &k);
	int due = e && (!e->reminded || now - e->reminded_at >= (time_t)interval);
	if (due) {
		e->reminded = 1;
		e->reminded_at = now;
	}
	pthread_mutex_unlock(&rl->lock);
	return due;
}

size_t web_ratelimit_size(struct web_ratelimit *rl)
{
	pthread_mutex_lock(&rl->lock);
	size_t n = rl->held;
	pthread_mutex_unlock(&rl->lock);
	return n;
}

size_t web_ratelimit_locked(struct web_ratelimit *rl, time_t now)
{
	size_t n = 0;
	pthread_mutex_lock(&rl->lock);
	for (const struct entry *e = rl->oldest; e; e = e->newer)
		n += locked(e, now);
	pthread_mutex_unlock(&rl->lock);
	return n;
}

uint64_t web_ratelimit_unrecorded(struct web_ratelimit *rl)
{
	pthread_mutex_lock(&rl->lock);
	uint64_t n = rl->unrecorded;
	pthread_mutex_unlock(&rl->lock);
	return n;
}
