/*
 * The worker pool: tasks run at once up to its size, results come back,
 * a task past its limit is stopped with everything it started, a task
 * that dies is reported as such.
 */
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "../../builder/pool.h"
#include "../../util/util.h"

struct answer {
	int id;
	int value;
	pid_t helper; /* a process the task started, or 0 */
	double start, end;
};

static void
nap(void *arg, int id, void *result, size_t size)
{
	struct answer *a = result;

	(void)size;
	a->start = fx_now();
	usleep((useconds_t)(*(double *)arg * 1e6));
	a->end = fx_now();
	a->id = id;
	a->value = id * 10;
}

static void
test_runs_in_parallel(void **state)
{
	struct pool *p = pool_new(2, sizeof(struct answer));
	double seconds = 0.3;
	struct answer a, first[2];
	enum pool_end end;
	int id, seen = 0, next = 0;

	(void)state;
	assert_int_equal(pool_slots(p), 2);

	/* Four tasks on two workers: the first two run at the same time. */
	while (next < 4 || pool_running(p) > 0) {
		while (next < 4 && pool_running(p) < pool_slots(p)) {
			assert_int_equal(pool_submit(p, next, nap, &seconds, 0),
					 0);
			next++;
		}
		assert_int_equal(pool_wait(p, &id, &end, &a), 0);
		assert_int_equal(end, POOL_DONE);
		assert_int_equal(a.id, id);
		assert_int_equal(a.value, id * 10);
		if (id < 2)
			first[id] = a;
		seen |= 1 << id;
	}
	assert_int_equal(seen, 15);
	assert_true(first[0].start < first[1].end);
	assert_true(first[1].start < first[0].end);
	assert_int_equal(pool_wait(p, &id, &end, &a), -1);
	pool_free(p);
}

static void
hang(void *arg, int id, void *result, size_t size)
{
	struct answer *a = result;
	int *fds = arg;
	pid_t helper = fork();

	(void)id;
	(void)size;
	if (helper == 0) {
		execlp("sleep", "sleep", "30", (char *)NULL);
		_exit(127);
	}
	/* Tell the test who the helper is, then never finish. */
	a->helper = helper;
	if (write(fds[1], &helper, sizeof(helper)) != sizeof(helper))
		_exit(1);
	sleep(30);
}

static int
gone_or_zombie(pid_t pid)
{
	char path[64], state = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	f = fopen(path, "r");
	if (f == NULL)
		return 1;
	if (fscanf(f, "%*d (%*[^)]) %c", &state) != 1)
		state = 0;
	fclose(f);
	return state == 'Z' || state == 'X';
}

static void
test_timeout_stops_group(void **state)
{
	struct pool *p = pool_new(1, sizeof(struct answer));
	double start = fx_now();
	struct answer a;
	enum pool_end end;
	pid_t helper = 0;
	int fds[2], id;

	(void)state;
	assert_int_equal(pipe(fds), 0);
	assert_int_equal(pool_submit(p, 7, hang, fds, 0.5), 0);
	assert_int_equal(read(fds[0], &helper, sizeof(helper)), sizeof(helper));
	assert_int_equal(pool_wait(p, &id, &end, &a), 0);
	assert_int_equal(id, 7);
	assert_int_equal(end, POOL_TIMED_OUT);
	assert_true(fx_now() - start < 5);

	/* The helper the task started went down with it. */
	usleep(100000);
	assert_true(gone_or_zombie(helper));
	close(fds[0]);
	close(fds[1]);
	pool_free(p);
}

static void
die(void *arg, int id, void *result, size_t size)
{
	(void)arg;
	(void)id;
	(void)result;
	(void)size;
	signal(SIGABRT, SIG_DFL);
	raise(SIGKILL);
}

static void
test_crash_is_reported(void **state)
{
	struct pool *p = pool_new(1, sizeof(struct answer));
	struct answer a;
	enum pool_end end;
	int id;

	(void)state;
	assert_int_equal(pool_submit(p, 3, die, NULL, 0), 0);
	assert_int_equal(pool_wait(p, &id, &end, &a), 0);
	assert_int_equal(id, 3);
	assert_int_equal(end, POOL_CRASHED);
	assert_int_equal(a.value, 0);
	pool_free(p);
}

static void
test_host_cores(void **state)
{
	long online = sysconf(_SC_NPROCESSORS_ONLN);
	int cores = pool_host_cores();

	(void)state;
	assert_true(cores >= 1);
	assert_true(online < 1 || cores <= online);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_runs_in_parallel),
		cmocka_unit_test(test_timeout_stops_group),
		cmocka_unit_test(test_crash_is_reported),
		cmocka_unit_test(test_host_cores),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
