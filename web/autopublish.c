/* Publication from inside vntld (see autopublish.h). */
#include "web/autopublish.h"

#include "common/config.h"
#include "db/db.h"
#include "web/log.h"
#include "web/metrics.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static pthread_mutex_t publish_lock = PTHREAD_MUTEX_INITIALIZER;

void web_publish_locked(const struct vntl_config *config, struct db *db, const struct publish_request *req,
			struct publish_result *res)
{
	pthread_mutex_lock(&publish_lock);
	publisher_run(config, db, req, res);
	pthread_mutex_unlock(&publish_lock);
}

void web_log_publish_result(const struct publish_result *res, const char *event, const char *by)
{
	if (res->key_warning[0])
		web_log("warn", "publish-key-warning", "msg=\"%s\"", res->key_warning);
	for (int l = 0; l < PUBLISHER_LIST_COUNT; l++) {
		if (res->large[l].confirmed)
			web_log("warn", "large-change-confirmed", "list=%s dropped=%zu listed=%zu by=\"%s\"",
				publisher_list_name((enum publisher_list)l), res->large[l].dropped,
				res->large[l].listed, by);
		if (res->outcome.published[l])
			web_log("info", event, "list=%s sequence=%lld sha256=%s by=\"%s\"", res->outcome.pub[l].list,
				(long long)res->outcome.pub[l].sequence, res->outcome.pub[l].sha256, by);
	}
	if (res->code != PUBLISH_OK)
		web_log("error", event, "result=%s by=\"%s\" reason=\"%s\"",
			res->code == PUBLISH_REFUSED ? "refused" : res->code == PUBLISH_CONFIG ? "bad-configuration"
											   : "error",
			by, res->message);
}

struct web_autopublish {
	char *db_path, *config_path;
	unsigned interval;
	struct web_metrics *metrics; /* may be NULL */
	pthread_t thread;
	pthread_mutex_t lock; /* stopping, wake and health */
	pthread_cond_t wake;
	int stopping;
	struct web_autopublish_health health; /* health.reason: logged once until it changes */
};

/* A refusal repeats on every round until someone acts: it is logged when it
 * first appears or changes, and when it clears. */
static void report(struct web_autopublish *ap, const struct publish_result *res)
{
	int ok = res->code == PUBLISH_OK;
	if (ap->metrics)
		web_metrics_auto_publish(ap->metrics, ok);
	pthread_mutex_lock(&ap->lock);
	struct web_autopublish_health *h = &ap->health;
	if (ok) {
		if (h->failing_since)
			web_log("info", "auto-publish-recovered", "after=\"%s\"", h->reason);
		h->failing_since = 0;
		h->reason[0] = '\0';
		h->last_ok = time(NULL);
		web_log_publish_result(res, "auto-published", "vntld");
	} else if (!h->failing_since || strcmp(h->reason, res->message) != 0) {
		if (!h->failing_since)
			h->failing_since = time(NULL);
		snprintf(h->reason, sizeof h->reason, "%s", res->message);
		web_log_publish_result(res, "auto-publish-failed", "vntld");
	}
	pthread_mutex_unlock(&ap->lock);
}

void web_autopublish_health(struct web_autopublish *ap, struct web_autopublish_health *out)
{
	memset(out, 0, sizeof *out);
	if (!ap)
		return;
	pthread_mutex_lock(&ap->lock);
	*out = ap->health;
	pthread_mutex_unlock(&ap->lock);
	out->running = 1;
}

static void publish_due(struct web_autopublish *ap)
{
	struct vntl_config *cfg = NULL;
	struct db *db = NULL;
	struct publish_result res;
	memset(&res, 0, sizeof res);
	if (vntl_config_load(ap->config_path, &cfg, res.message, sizeof res.message) != 0) {
		res.code = PUBLISH_CONFIG;
	} else if (db_open(ap->db_path, DB_OPEN_EXISTING, &db, res.message, sizeof res.message) != 0) {
		res.code = PUBLISH_IO;
	} else {
		struct publish_request req = {.if_due = 1, .as_user = "vntld"};
		web_publish_locked(cfg, db, &req, &res);
	}
	db_close(db);
	vntl_config_free(cfg);
	report(ap, &res);
}

static void *run(void *arg)
{
	struct web_autopublish *ap = arg;
	pthread_mutex_lock(&ap->lock);
	while (!ap->stopping) {
		struct timespec until;
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_sec += ap->interval;
		while (!ap->stopping && pthread_cond_timedwait(&ap->wake, &ap->lock, &until) != ETIMEDOUT)
			;
		if (ap->stopping)
			break;
		pthread_mutex_unlock(&ap->lock);
		publish_due(ap);
		pthread_mutex_lock(&ap->lock);
	}
	pthread_mutex_unlock(&ap->lock);
	return NULL;
}

static void free_autopublish(struct web_autopublish *ap)
{
	pthread_mutex_destroy(&ap->lock);
	pthread_cond_destroy(&ap->wake);
	free(ap->db_path);
	free(ap->config_path);
	free(ap);
}

struct web_autopublish *web_autopublish_start(const char *db_path, const char *config_path,
					      unsigned interval, struct web_metrics *metrics)
{
	struct web_autopublish *ap = calloc(1, sizeof *ap);
	if (!ap)
		return NULL;
	pthread_mutex_init(&ap->lock, NULL);
	pthread_cond_init(&ap->wake, NULL);
	ap->interval = interval ? interval : 1;
	ap->metrics = metrics;
	ap->db_path = strdup(db_path);
	ap->config_path = strdup(config_path);
	if (!ap->db_path || !ap->config_path || pthread_create(&ap->thread, NULL, run, ap) != 0) {
		free_autopublish(ap);
		return NULL;
	}
	return ap;
}

void web_autopublish_stop(struct web_autopublish *ap)
{
	if (!ap)
		return;
	pthread_mutex_lock(&ap->lock);
	ap->stopping = 1;
	pthread_cond_signal(&ap->wake);
	pthread_mutex_unlock(&ap->lock);
	pthread_join(ap->thread, NULL);
	free_autopublish(ap);
}
