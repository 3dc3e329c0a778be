/* Failed-login aggregation (see authfail.h). A fixed table keyed by a hash
 * of the source: a source whose slot another source holds is counted in one
 * shared overflow slot, so memory and audit entries stay bounded whatever
 * the number of addresses an attacker has. */
#include "web/authfail.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SLOTS 1024
#define OVERFLOW SLOTS

struct slot {
	int in_use;
	time_t started;
	char key[96];          /* the caller's source */
	struct web_authfail_summary summary;
};

struct web_authfail {
	pthread_mutex_t lock;
	unsigned interval;
	struct slot slots[SLOTS + 1];
};

struct web_authfail *web_authfail_new(unsigned interval)
{
	struct web_authfail *a = calloc(1, sizeof *a);
	if (!a)
		return NULL;
	pthread_mutex_init(&a->lock, NULL);
	a->interval = interval;
	return a;
}

void web_authfail_free(struct web_authfail *a)
{
	if (!a)
		return;
	pthread_mutex_destroy(&a->lock);
	free(a);
}

static size_t slot_of(const char *key)
{
	size_t h = 1469598103934665603ULL; /* FNV-1a */
	for (const unsigned char *p = (const unsigned char *)key; *p; p++)
		h = (h ^ *p) * 1099511628211ULL;
	return h % SLOTS;
}

static void claim(struct slot *s, const char *key, const char *method, const char *who,
		  const char *peer, time_t now)
{
	memset(s, 0, sizeof *s);
	s->in_use = 1;
	s->started = now;
	snprintf(s->key, sizeof s->key, "%s", key);
	snprintf(s->summary.method, sizeof s->summary.method, "%s", method);
	snprintf(s->summary.who, sizeof s->summary.who, "%s", who ? who : "");
	snprintf(s->summary.peer, sizeof s->summary.peer, "%s", peer);
}

int web_authfail_note(struct web_authfail *a, const char *source, const char *method,
		      const char *who, const char *peer, time_t now)
{
	char key[96];
	snprintf(key, sizeof key, "%s", source);
	pthread_mutex_lock(&a->lock);
	struct slot *s = &a->slots[slot_of(key)];
	if (s->in_use && strcmp(s->key, key) != 0) {
		s = &a->slots[OVERFLOW];
		snprintf(key, sizeof key, "overflow");
		peer = "";
	}
	int first = !s->in_use;
	if (first)
		claim(s, key, method, who, peer ? peer : "", now);
	else
		s->summary.count++;
	pthread_mutex_unlock(&a->lock);
	return first;
}

size_t web_authfail_take_due(struct web_authfail *a, time_t now, int all,
			     struct web_authfail_summary *out, size_t max)
{
	size_t n = 0;
	pthread_mutex_lock(&a->lock);
	for (size_t i = 0; i <= SLOTS && n < max; i++) {
		struct slot *s = &a->slots[i];
		if (!s->in_use || (!all && now - s->started < (time_t)a->interval))
			continue;
		if (s->summary.count > 0)
			out[n++] = s->summary;
		s->in_use = 0;
	}
	pthread_mutex_unlock(&a->lock);
	return n;
}
