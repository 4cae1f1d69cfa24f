/*
 * heap_stress: the mpk runtime's allocator (gates/mpk/mpk_heap.c) under a
 * random mix of malloc, calloc, realloc, aligned allocation and free, from
 * two threads, with every block's content checked before it is released.
 * Linked alone with the allocator and no compartments, it needs no
 * protection keys: every call is served by the core heap.
 *
 * Prints "ok WHAT" / "FAIL WHAT" lines; exits 0 when all pass.
 */
#include <malloc.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../../gates/mpk/mpk.h"

union mpk_page mpk_page; /* no compartments: the core heap serves all */

#define MPK_HEAP_MAGIC 0x6d706b68u /* as in mpk_heap.c */
#define SLOTS 1024
#define OPS 50000

struct slot {
	unsigned char *p;
	size_t n;
	unsigned char fill;
};

struct worker {
	unsigned seed;
	long errors;
	long ops;
};

static unsigned
next(unsigned *s)
{
	*s = *s * 1103515245u + 12345u;
	return *s >> 8;
}

/* Mostly small sizes, some up to a few hundred KiB. */
static size_t
pick_size(unsigned *s)
{
	unsigned r = next(s) % 100;

	if (r < 70)
		return next(s) % 256;
	if (r < 95)
		return next(s) % 8192;
	return next(s) % (300 * 1024);
}

static int
intact(const struct slot *sl, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (sl->p[i] != (unsigned char)(sl->fill + i))
			return 0;
	return 1;
}

static void
fill(struct slot *sl)
{
	for (size_t i = 0; i < sl->n; i++)
		sl->p[i] = (unsigned char)(sl->fill + i);
}

static void
one_op(struct worker *w, struct slot *sl)
{
	unsigned r = next(&w->seed) % 10;
	size_t n = pick_size(&w->seed), align;

	if (sl->p != NULL && !intact(sl, sl->n))
		w->errors++;
	if (sl->p != NULL && r < 4) {
		free(sl->p);
		sl->p = NULL;
		return;
	}
	if (sl->p != NULL && r < 7) {
		unsigned char *q = realloc(sl->p, n + 1);

		if (q == NULL) {
			w->errors++;
			return;
		}
		sl->p = q;
		if (!intact(sl, n + 1 < sl->n ? n + 1 : sl->n))
			w->errors++;
		sl->n = n + 1;
		fill(sl);
		return;
	}
	free(sl->p);
	switch (r % 3) {
	case 0:
		sl->p = malloc(n);
		break;
	case 1:
		sl->p = calloc(1, n);
		for (size_t i = 0; sl->p != NULL && i < n; i++)
			if (sl->p[i] != 0)
				w->errors++;
		break;
	default:
		align = (size_t)16 << (next(&w->seed) % 9);
		if (posix_memalign((void **)&sl->p, align, n) != 0)
			sl->p = NULL;
		if ((uintptr_t)sl->p % align != 0)
			w->errors++;
		break;
	}
	if (sl->p == NULL && n > 0) {
		w->errors++;
		return;
	}
	if (sl->p != NULL && malloc_usable_size(sl->p) < n)
		w->errors++;
	sl->n = n;
	sl->fill = (unsigned char)next(&w->seed);
	if (sl->p != NULL)
		fill(sl);
}

static void *
work(void *arg)
{
	struct worker *w = arg;
	struct slot *slots = calloc(SLOTS, sizeof(*slots));

	if (slots == NULL) {
		w->errors++;
		return NULL;
	}
	for (long i = 0; i < OPS; i++, w->ops++)
		one_op(w, &slots[next(&w->seed) % SLOTS]);
	for (int i = 0; i < SLOTS; i++) {
		if (slots[i].p != NULL && !intact(&slots[i], slots[i].n))
			w->errors++;
		free(slots[i].p);
	}
	free(slots);
	return NULL;
}

int
main(void)
{
	struct worker w[2] = {{.seed = 1}, {.seed = 2}};
	pthread_t t;
	char *s;
	int failures = 0, ok;

	/* The C library's own allocations come here too: the chunk header
	 * before the block carries the allocator's mark. */
	s = strdup("through the replaced malloc");
	ok = s != NULL && ((const uint32_t *)s)[-4] == MPK_HEAP_MAGIC &&
	     mpk_heap_owner(s) == -1;
	printf("%s strdup is served by the mpk core heap\n",
	       ok ? "ok" : "FAIL");
	failures += !ok;
	free(s);

	if (pthread_create(&t, NULL, work, &w[1]) != 0)
		return 1;
	work(&w[0]);
	pthread_join(t, NULL);
	for (int i = 0; i < 2; i++) {
		printf("%s thread %d: %ld operations, %ld blocks damaged or "
		       "wrong\n",
		       w[i].errors ? "FAIL" : "ok", i, w[i].ops, w[i].errors);
		failures += w[i].errors != 0;
	}
	return failures ? 1 : 0;
}
