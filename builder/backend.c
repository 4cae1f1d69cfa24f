/*
 * Running many builds: the local backend (forked workers) and the loop
 * that feeds any backend.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../util/log.h"
#include "internal.h"
#include "pool.h"

/* Past its build's own limit, a worker gets this long to report back. */
#define WORKER_GRACE 60.0

/* What a worker that never reports would have produced: its paths. */
struct pending {
	int id;
	struct bld_result paths;
};

struct local {
	struct pool *pool;
	struct pending *pend;
	int npend;
};

struct local_task {
	struct bld_ctx *ctx;
	const struct cs_config *cfg;
};

static void
local_run(void *arg, int id, void *result, size_t size)
{
	struct local_task *t = arg;

	(void)id;
	(void)size;
	bld_build(t->ctx, t->cfg, result);
}

static int
local_slots(struct bld_backend *b)
{
	struct local *l = b->state;

	return pool_slots(l->pool);
}

static int
local_submit(struct bld_backend *b, struct bld_ctx *ctx, int id,
	     const struct cs_config *cfg)
{
	struct local *l = b->state;
	struct local_task t = {ctx, cfg};
	double limit = ctx->opts.timeout + WORKER_GRACE;

	l->pend = xrealloc(l->pend, (size_t)(l->npend + 1) * sizeof(*l->pend));
	memset(&l->pend[l->npend], 0, sizeof(*l->pend));
	l->pend[l->npend].id = id;
	bld_result_paths(ctx, cfg, &l->pend[l->npend].paths);
	l->npend++;
	return pool_submit(l->pool, id, local_run, &t, limit);
}

static int
local_wait(struct bld_backend *b, int *id, struct bld_result *r)
{
	struct local *l = b->state;
	enum pool_end end;

	if (pool_wait(l->pool, id, &end, r) != 0)
		return -1;
	if (end == POOL_DONE)
		return 0;

	/* The worker died or hung: say so in its result. */
	for (int i = 0; i < l->npend; i++)
		if (l->pend[i].id == *id)
			*r = l->pend[i].paths;
	r->ok = 0;
	r->timed_out = end == POOL_TIMED_OUT;
	snprintf(r->reason, sizeof(r->reason), "%s",
		 end == POOL_TIMED_OUT ? "build worker stopped at its time "
					 "limit"
				       : "build worker died");
	return 0;
}

static void
local_free(struct bld_backend *b)
{
	struct local *l = b->state;

	pool_free(l->pool);
	free(l->pend);
	free(l);
	free(b);
}

struct bld_backend *
bld_backend_local(int slots)
{
	struct bld_backend *b = xcalloc(1, sizeof(*b));
	struct local *l = xcalloc(1, sizeof(*l));

	l->pool = pool_new(slots, sizeof(struct bld_result));
	b->name = "local";
	b->slots = local_slots;
	b->submit = local_submit;
	b->wait = local_wait;
	b->free = local_free;
	b->state = l;
	return b;
}

void
bld_set_backend(struct bld_ctx *ctx, struct bld_backend *b)
{
	if (ctx->backend != NULL)
		ctx->backend->free(ctx->backend);
	ctx->backend = b;
}

/* The first earlier configuration equal to cfgs[i], or i itself. */
static int
first_equal(const struct cs_config *cfgs, int i)
{
	for (int j = 0; j < i; j++)
		if (cs_config_equal(&cfgs[j], &cfgs[i]))
			return j;
	return i;
}

/* Hand result @r of task @id to it and to its repeats. */
static int
deliver(const struct cs_config *cfgs, int n, int id, const struct bld_result *r,
	struct bld_result *results, bld_done_fn done, void *arg)
{
	int failed = 0;

	/* Logged here, in the one process that may draw a progress bar. */
	if (!r->ok)
		log_warnx("build '%s' failed: %s", r->hash, r->reason);
	else if (!r->up_to_date)
		log_info("built '%s' in %.2f s: %d objects compiled, %d from "
			 "the cache",
			 r->hash, r->seconds, r->compiled, r->from_cache);
	for (int i = id; i < n; i++) {
		if (i != id && first_equal(cfgs, i) != id)
			continue;
		results[i] = *r;
		failed += !r->ok;
		if (done != NULL)
			done(arg, i, &results[i]);
	}
	return failed;
}

int
bld_build_many(struct bld_ctx *ctx, const struct cs_config *cfgs, int n,
	       struct bld_result *results, bld_done_fn done, void *arg)
{
	struct bld_backend *b;
	struct bld_result r;
	int unique = 0, next = 0, running = 0, failed = 0, slots, id;

	if (ctx->backend == NULL)
		ctx->backend = bld_backend_local(ctx->opts.jobs);
	b = ctx->backend;
	slots = b->slots(b);
	for (int i = 0; i < n; i++)
		unique += first_equal(cfgs, i) == i;
	if (unique == 0)
		return 0;

	/* The cores are shared between the builds running at once. */
	ctx->make_jobs = ctx->cores / (unique < slots ? unique : slots);
	if (ctx->make_jobs < 1)
		ctx->make_jobs = 1;
	log_debug("%d builds, %d at once on '%s', make -j%d each", unique,
		  slots, b->name, ctx->make_jobs);

	while (next < n || running > 0) {
		/* Start what fits; a repeated configuration waits. */
		while (next < n && running < slots) {
			id = next++;
			if (first_equal(cfgs, id) != id)
				continue;
			if (b->submit(b, ctx, id, &cfgs[id]) == 0) {
				running++;
				continue;
			}
			memset(&r, 0, sizeof(r));
			bld_result_paths(ctx, &cfgs[id], &r);
			snprintf(r.reason, sizeof(r.reason),
				 "cannot start a build worker");
			failed += deliver(cfgs, n, id, &r, results, done, arg);
		}
		if (running == 0 || b->wait(b, &id, &r) != 0)
			break;
		running--;
		failed += deliver(cfgs, n, id, &r, results, done, arg);
	}
	return failed;
}
