/* A small pool of threads with a bounded queue, for work that must not run
 * on the serving threads (registry access, password hashing): a held
 * registry lock or a burst of logins then delays API requests only, never
 * the public files. The workers run at a lower CPU priority than the
 * serving threads.
 *
 * web_workers_start returns NULL when a thread cannot be started;
 * web_workers_submit 0, or -1 when the queue is full or the pool is stopping.
 */
#ifndef VNTL_WEB_WORKERS_H
#define VNTL_WEB_WORKERS_H

struct web_workers;

/* Runs one job. */
typedef void (*web_job_fn)(void *job, void *ctx);
/* Called about once a second by one idle worker, and once with `final` 1
 * when the pool stops (after the last job). */
typedef void (*web_tick_fn)(void *ctx, int final);

/* NULL when a thread cannot be started. */
struct web_workers *web_workers_start(unsigned threads, unsigned queue_max, web_job_fn run,
				      web_tick_fn tick, void *ctx);

/* Queues `job`: 0, or -1 when the queue is full or the pool is stopping
 * (the job was not taken). */
int web_workers_submit(struct web_workers *w, void *job);

/* Runs the jobs still queued, stops the threads and frees the pool. */
void web_workers_stop(struct web_workers *w);

#endif
