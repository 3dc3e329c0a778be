/* Publication from inside vntld: the admin API's publish, and publication
 * after approval — a thread that publishes every list that is due (an
 * approved change, NextUpdate near) within `server.publish_interval`
 * seconds, so that an approval reaches relying parties without anyone
 * running a command (circular 000, art. 6.1(d): update on every change).
 *
 * Nothing here returns an error: outcomes are logged (web_log_publish_result)
 * or left in the publish_result; web_autopublish_start returns NULL when the
 * thread cannot be started.
 */
#ifndef VNTL_WEB_AUTOPUBLISH_H
#define VNTL_WEB_AUTOPUBLISH_H

#include "publisher/run.h"

#include <stdint.h>

struct vntl_config;
struct db;
struct web_autopublish;
struct web_metrics;

/* publisher_run under the process-wide publication lock: the publisher's
 * signing setup (xmlsec) is process-global, one publication at a time. */
void web_publish_locked(const struct vntl_config *config, struct db *db, const struct publish_request *req,
			struct publish_result *res);

/* One log line for the outcome of a run (event `event`, `by` the user). */
void web_log_publish_result(const struct publish_result *res, const char *event, const char *by);

/* Start the thread: every `interval` seconds, open the registry at db_path
 * and publish what is due with the configuration file at config_path;
 * each round is counted in `metrics` (may be NULL). NULL when the thread
 * cannot be started. */
struct web_autopublish *web_autopublish_start(const char *db_path, const char *config_path,
					      unsigned interval, struct web_metrics *metrics);

/* What the staff console tells its users about publication after
 * approval: an approval that is not published reaches no relying party. */
struct web_autopublish_health {
	int running;           /* 0: this vntld does not publish (NULL thread) */
	int64_t failing_since; /* the first failed round since the last success; 0: not failing */
	int64_t last_ok;       /* the last round that succeeded; 0: none yet */
	char reason[sizeof ((struct publish_result *)0)->message]; /* why the last round failed */
};
/* A copy of the thread's health (all 0 when `ap` is NULL). */
void web_autopublish_health(struct web_autopublish *ap, struct web_autopublish_health *out);
/* Stop it (waits for a run in progress) and free it; NULL is fine. */
void web_autopublish_stop(struct web_autopublish *ap);

#endif
