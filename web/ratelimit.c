/* Failed-login counting per key (see ratelimit.h). A fixed table: when two
 * keys share a slot they share a counter, which can only make the limit
 * stricter, never let more attempts through. */
#include "web/ratelimit.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#define SLOTS 4096

struct slot {
	time_t window_start;
	unsigned failures;
};

struct web_ratelimit {
	pthread_mutex_t lock;
	struct slot slots[SLOTS];
};

static size_t slot_of(const char *key)
{
	size_t h = 1469598103934665603ULL; /* FNV-1a */
	for (const unsigned char *p = (const unsigned char *)key; *p; p++)
		h = (h ^ *p) * 1099511628211ULL;
	return h % SLOTS;
}

struct web_ratelimit *web_ratelimit_new(void)
{
	struct web_ratelimit *rl = calloc(1, sizeof *rl);
	if (rl)
		pthread_mutex_init(&rl->lock, NULL);
	return rl;
}

void web_ratelimit_free(struct web_ratelimit *rl)
{
	if (!rl)
		return;
	pthread_mutex_destroy(&rl->lock);
	free(rl);
}

int web_ratelimit_blocked(struct web_ratelimit *rl, const char *key, time_t now)
{
	pthread_mutex_lock(&rl->lock);
	struct slot *s = &rl->slots[slot_of(key)];
	if (now - s->window_start >= WEB_RATELIMIT_WINDOW)
		s->failures = 0;
	int blocked = s->failures >= WEB_RATELIMIT_FAILURES;
	pthread_mutex_unlock(&rl->lock);
	return blocked;
}

void web_ratelimit_failed(struct web_ratelimit *rl, const char *key, time_t now)
{
	pthread_mutex_lock(&rl->lock);
	struct slot *s = &rl->slots[slot_of(key)];
	if (now - s->window_start >= WEB_RATELIMIT_WINDOW) {
		s->window_start = now;
		s->failures = 0;
	}
	s->failures++;
	pthread_mutex_unlock(&rl->lock);
}
