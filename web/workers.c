/* The API worker pool (see workers.h). */
#include "web/workers.h"

#include <pthread.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define WORKERS_MAX 64
#define WORKER_NICE 10

struct web_workers {
	pthread_mutex_t lock;
	pthread_cond_t wake;
	void **queue;           /* ring of queue_max jobs */
	unsigned queue_max, head, count;
	int stopping;
	time_t last_tick;
	web_job_fn run;
	web_tick_fn tick;
	void *ctx;
	pthread_t threads[WORKERS_MAX];
	unsigned thread_count;
};

/* Takes the next job, waiting up to a second; NULL on timeout or stop. */
static void *next_job(struct web_workers *w, int *stop)
{
	pthread_mutex_lock(&w->lock);
	if (w->count == 0 && !w->stopping) {
		struct timespec until;
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_sec += 1;
		pthread_cond_timedwait(&w->wake, &w->lock, &until);
	}
	void *job = NULL;
	if (w->count) {
		job = w->queue[w->head];
		w->head = (w->head + 1) % w->queue_max;
		w->count--;
	}
	*stop = w->stopping && !job;
	pthread_mutex_unlock(&w->lock);
	return job;
}

/* Whether this worker should run the periodic tick now (one at a time). */
static int tick_due(struct web_workers *w)
{
	time_t now = time(NULL);
	pthread_mutex_lock(&w->lock);
	int due = now != w->last_tick;
	if (due)
		w->last_tick = now;
	pthread_mutex_unlock(&w->lock);
	return due;
}

static void *worker_main(void *arg)
{
	struct web_workers *w = arg;
	/* Registry and password work yields the CPU to the serving threads. */
	setpriority(PRIO_PROCESS, (id_t)syscall(SYS_gettid), WORKER_NICE);
	for (;;) {
		int stop = 0;
		void *job = next_job(w, &stop);
		if (stop)
			return NULL;
		if (job)
			w->run(job, w->ctx);
		if (w->tick && tick_due(w))
			w->tick(w->ctx, 0);
	}
}

struct web_workers *web_workers_start(unsigned threads, unsigned queue_max, web_job_fn run,
				      web_tick_fn tick, void *ctx)
{
	struct web_workers *w = calloc(1, sizeof *w);
	if (!w)
		return NULL;
	w->queue_max = queue_max ? queue_max : 1;
	w->queue = calloc(w->queue_max, sizeof *w->queue);
	if (!w->queue) {
		free(w);
		return NULL;
	}
	pthread_mutex_init(&w->lock, NULL);
	pthread_cond_init(&w->wake, NULL);
	w->run = run;
	w->tick = tick;
	w->ctx = ctx;
	w->last_tick = time(NULL);
	if (threads > WORKERS_MAX)
		threads = WORKERS_MAX;
	for (unsigned i = 0; i < threads; i++) {
		if (pthread_create(&w->threads[i], NULL, worker_main, w) != 0) {
			web_workers_stop(w);
			return NULL;
		}
		w->thread_count++;
	}
	return w;
}

int web_workers_submit(struct web_workers *w, void *job)
{
	pthread_mutex_lock(&w->lock);
	int ok = !w->stopping && w->count < w->queue_max;
	if (ok) {
		w->queue[(w->head + w->count) % w->queue_max] = job;
		w->count++;
		pthread_cond_signal(&w->wake);
	}
	pthread_mutex_unlock(&w->lock);
	return ok ? 0 : -1;
}

void web_workers_stop(struct web_workers *w)
{
	if (!w)
		return;
	pthread_mutex_lock(&w->lock);
	w->stopping = 1;
	pthread_cond_broadcast(&w->wake);
	pthread_mutex_unlock(&w->lock);
	for (unsigned i = 0; i < w->thread_count; i++)
		pthread_join(w->threads[i], NULL);
	if (w->tick)
		w->tick(w->ctx, 1);
	pthread_cond_destroy(&w->wake);
	pthread_mutex_destroy(&w->lock);
	free(w->queue);
	free(w);
}
