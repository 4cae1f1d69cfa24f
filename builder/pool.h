/*
 * A local pool of worker processes.
 *
 * Each task runs in a forked child (in its own process group), so tasks
 * share no memory and a task that runs past its time limit is stopped
 * together with everything it started.  A task hands back a fixed-size
 * result through a pipe.  The parent stays single-threaded: submit tasks
 * up to the pool's size, then wait for any one to finish.
 */
#ifndef FX_BUILDER_POOL_H
#define FX_BUILDER_POOL_H

#include <stddef.h>

struct pool; /* opaque */

/** A task: fill @result (@size bytes, zeroed beforehand). */
typedef void (*pool_task_fn)(void *arg, int id, void *result, size_t size);

/** How a finished task ended, beside its own result. */
enum pool_end {
	POOL_DONE,	/* the task returned and handed back its result */
	POOL_CRASHED,	/* it died before handing back a result */
	POOL_TIMED_OUT, /* stopped at its time limit */
};

/** A pool of @slots workers (at least 1) with results of @size bytes. */
struct pool *pool_new(int slots, size_t size);
void pool_free(struct pool *p);

int pool_slots(const struct pool *p);
/** Tasks started and not yet collected. */
int pool_running(const struct pool *p);

/**
 * Start task @id in a worker, @timeout seconds at most (0: no limit).
 * The caller must not submit more than pool_slots() at once.  Returns 0,
 * or -1 with errno set when no worker could be started.
 */
int pool_submit(struct pool *p, int id, pool_task_fn fn, void *arg,
		double timeout);

/**
 * Wait for any running task to end; sets *id and *end and copies its
 * result into @result (left zeroed unless POOL_DONE).  Returns 0, or -1
 * when none is running.
 */
int pool_wait(struct pool *p, int *id, enum pool_end *end, void *result);

/** The number of processor cores of this host, from hwloc (at least 1). */
int pool_host_cores(void);

#endif /* FX_BUILDER_POOL_H */
