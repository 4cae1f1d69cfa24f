/*
 * The reference for the proc gate: a bare shared-memory ping-pong between
 * two processes, with the same wait policy as the gate (spin for an
 * adaptive while, then sleep on a futex).  Prints the median round trip
 * over batches:
 *
 *	pingpong [COUNT [SPIN [YIELDS]]]   ->   "bare_ns=X"
 */
#include <linux/futex.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define BATCHES 21

enum { EMPTY, SLEEPING, FULL };

struct slot {
	_Atomic uint32_t word;
	uint32_t value;
} __attribute__((aligned(64)));

#define MIN_SPIN 16

static int spin_max = 4000;
static int spin = 4000;
static int yields = 4;

/* The gate's adaptation (gates/proc/proc.c), verbatim in effect. */
static void
learn(int spun, int got)
{
	if (got) {
		if (2 * spun + MIN_SPIN > spin)
			spin = 2 * spun + MIN_SPIN;
		if (spin > spin_max)
			spin = spin_max;
	} else {
		spin /= 2;
		if (spin < MIN_SPIN)
			spin = spin_max ? MIN_SPIN : 0;
	}
}

static uint64_t
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void
post(struct slot *s, uint32_t v)
{
	s->value = v;
	if (atomic_exchange(&s->word, FULL) == SLEEPING)
		syscall(SYS_futex, &s->word, FUTEX_WAKE, 1, NULL, NULL, 0);
}

static uint32_t
take(struct slot *s)
{
	uint32_t w, v;
	int i;

	for (i = 0; i < spin; i++) {
		if (atomic_load(&s->word) == FULL) {
			learn(i, 1);
			goto got;
		}
		__builtin_ia32_pause();
	}
	learn(i, 0);
	for (i = 0; i < yields; i++) {
		sched_yield();
		if (atomic_load(&s->word) == FULL)
			goto got;
	}
	for (;;) {
		w = EMPTY;
		if (!atomic_compare_exchange_strong(&s->word, &w, SLEEPING) &&
		    w == FULL)
			break;
		syscall(SYS_futex, &s->word, FUTEX_WAIT, SLEEPING, NULL, NULL,
			0);
		if (atomic_load(&s->word) == FULL)
			break;
	}
got:
	v = s->value;
	atomic_store(&s->word, EMPTY);
	return v;
}

static int
cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

int
main(int argc, char **argv)
{
	long count = argc > 1 ? atol(argv[1]) : 100000;
	long per = count / BATCHES + 1;
	struct slot *s;
	uint64_t ns[BATCHES];
	uint32_t x = 0;
	pid_t pid;

	if (argc > 2)
		spin = spin_max = atoi(argv[2]);
	if (argc > 3)
		yields = atoi(argv[3]);
	s = mmap(NULL, 2 * sizeof(*s), PROT_READ | PROT_WRITE,
		 MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (s == MAP_FAILED)
		return 3;
	pid = fork();
	if (pid == 0) {
		/* The callee: answer value + 1 until told 0. */
		for (;;) {
			uint32_t v = take(&s[1]);

			if (v == 0)
				_exit(0);
			post(&s[0], v + 1);
		}
	}
	for (long i = 0; i < per; i++) /* warm up */
		x = take((post(&s[1], x + 1), &s[0]));
	for (int b = 0; b < BATCHES; b++) {
		uint64_t t0 = now_ns();

		for (long i = 0; i < per; i++)
			x = take((post(&s[1], x + 1), &s[0]));
		ns[b] = (now_ns() - t0) * 1000 / (uint64_t)per;
	}
	post(&s[1], 0);
	waitpid(pid, NULL, 0);
	qsort(ns, BATCHES, sizeof(ns[0]), cmp_u64);
	printf("bare_ns=%.1f check=%u\n", (double)ns[BATCHES / 2] / 1000.0, x);
	return 0;
}
