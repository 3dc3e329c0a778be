/* Failed-login limiter for the provider API: after WEB_RATELIMIT_FAILURES
 * failures of one key (an sp_id, an address) within WEB_RATELIMIT_WINDOW
 * seconds, the key is refused until the window ends. In memory: a restart
 * forgets, which only gives an attacker one more window. */
#ifndef VNTL_WEB_RATELIMIT_H
#define VNTL_WEB_RATELIMIT_H

#include <time.h>

#define WEB_RATELIMIT_FAILURES 5
#define WEB_RATELIMIT_WINDOW 300

struct web_ratelimit;

struct web_ratelimit *web_ratelimit_new(void);
void web_ratelimit_free(struct web_ratelimit *rl);
/* Whether `key` is refused at time `now`. */
int web_ratelimit_blocked(struct web_ratelimit *rl, const char *key, time_t now);
void web_ratelimit_failed(struct web_ratelimit *rl, const char *key, time_t now);

#endif
