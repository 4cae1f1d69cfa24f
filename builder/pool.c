/*
 * Forked workers with time limits; host cores from hwloc.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <hwloc.h>

#include "../util/log.h"
#include "../util/util.h"
#include "pool.h"
#include "proc.h"

/* Time a stopped group gets between SIGTERM and SIGKILL. */
#define POOL_KILL_GRACE 1.0
#define POOL_POLL_SECONDS 0.005

struct worker {
	pid_t pid; /* 0: free */
	int id;
	int fd; /* read end of the result pipe */
	double deadline;
	size_t got;
	char *buf;
};

struct pool {
	int slots;
	size_t size;
	struct worker *w;
};

struct pool *
pool_new(int slots, size_t size)
{
	struct pool *p = xcalloc(1, sizeof(*p));

	p->slots = slots < 1 ? 1 : slots;
	p->size = size;
	p->w = xcalloc((size_t)p->slots, sizeof(*p->w));
	for (int i = 0; i < p->slots; i++)
		p->w[i].buf = xmalloc(size);
	return p;
}

static void
stop_worker(struct worker *w)
{
	double until = fx_now() + POOL_KILL_GRACE;
	int status;

	kill(-w->pid, SIGTERM);
	while (fx_now() < until) {
		if (waitpid(w->pid, &status, WNOHANG) == w->pid)
			break;
		usleep(10000);
	}
	kill(-w->pid, SIGKILL);
	waitpid(w->pid, &status, 0);
}

static void
release(struct worker *w)
{
	proc_guard_remove(w->pid);
	close(w->fd);
	w->pid = 0;
	w->fd = -1;
	w->got = 0;
}

void
pool_free(struct pool *p)
{
	if (p == NULL)
		return;
	for (int i = 0; i < p->slots; i++) {
		if (p->w[i].pid != 0) {
			stop_worker(&p->w[i]);
			release(&p->w[i]);
		}
		free(p->w[i].buf);
	}
	free(p->w);
	free(p);
}

int
pool_slots(const struct pool *p)
{
	return p->slots;
}

int
pool_running(const struct pool *p)
{
	int n = 0;

	for (int i = 0; i < p->slots; i++)
		n += p->w[i].pid != 0;
	return n;
}

static void
write_all(int fd, const char *buf, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, buf, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return;
		buf += n;
		len -= (size_t)n;
	}
}

int
pool_submit(struct pool *p, int id, pool_task_fn fn, void *arg, double timeout)
{
	struct worker *w = NULL;
	int fds[2];
	pid_t pid;

	for (int i = 0; i < p->slots && w == NULL; i++)
		if (p->w[i].pid == 0)
			w = &p->w[i];
	if (w == NULL) {
		errno = EBUSY;
		return -1;
	}
	if (pipe2(fds, O_CLOEXEC) != 0)
		return -1;
	fflush(NULL); /* nothing buffered gets written twice */

	pid = fork();
	if (pid < 0) {
		int e = errno;

		close(fds[0]);
		close(fds[1]);
		errno = e;
		return -1;
	}
	if (pid == 0) {
		char *result = xcalloc(1, p->size);

		setpgid(0, 0);
		close(fds[0]);
		proc_guard_reset();
		fn(arg, id, result, p->size);
		write_all(fds[1], result, p->size);
		_exit(0);
	}
	setpgid(pid, pid);
	proc_guard_add(pid);
	close(fds[1]);
	fcntl(fds[0], F_SETFL, O_NONBLOCK);
	w->pid = pid;
	w->id = id;
	w->fd = fds[0];
	w->got = 0;
	w->deadline = timeout > 0 ? fx_now() + timeout : 0;
	memset(w->buf, 0, p->size);
	return 0;
}

/* Read what the worker has written so far. */
static void
collect(struct pool *p, struct worker *w)
{
	while (w->got < p->size) {
		ssize_t n = read(w->fd, w->buf + w->got, p->size - w->got);

		if (n <= 0)
			return;
		w->got += (size_t)n;
	}
}

static int
finish(struct pool *p, struct worker *w, enum pool_end end, int *id,
       enum pool_end *endp, void *result)
{
	collect(p, w);
	if (end == POOL_DONE && w->got < p->size)
		end = POOL_CRASHED;
	memset(result, 0, p->size);
	if (end == POOL_DONE)
		memcpy(result, w->buf, p->size);
	*id = w->id;
	*endp = end;
	kill(-w->pid, SIGKILL); /* anything the task left running */
	release(w);
	return 0;
}

int
pool_wait(struct pool *p, int *id, enum pool_end *end, void *result)
{
	struct timespec nap = {0, (long)(POOL_POLL_SECONDS * 1e9)};

	if (pool_running(p) == 0)
		return -1;
	for (;;) {
		double now = fx_now();

		for (int i = 0; i < p->slots; i++) {
			struct worker *w = &p->w[i];
			int status;

			if (w->pid == 0)
				continue;
			collect(p, w);
			if (waitpid(w->pid, &status, WNOHANG) == w->pid) {
				int ok = WIFEXITED(status) &&
					 WEXITSTATUS(status) == 0;

				return finish(p, w,
					      ok ? POOL_DONE : POOL_CRASHED, id,
					      end, result);
			}
			if (w->deadline > 0 && now > w->deadline) {
				log_warnx("task %d ran past its time limit; "
					  "stopping it",
					  w->id);
				stop_worker(w);
				return finish(p, w, POOL_TIMED_OUT, id, end,
					      result);
			}
		}
		nanosleep(&nap, NULL);
	}
}

int
pool_host_cores(void)
{
	hwloc_topology_t topo;
	int n = 0;

	if (hwloc_topology_init(&topo) == 0) {
		if (hwloc_topology_load(topo) == 0) {
			n = hwloc_get_nbobjs_by_type(topo, HWLOC_OBJ_CORE);
			if (n <= 0)
				n = hwloc_get_nbobjs_by_type(topo,
							     HWLOC_OBJ_PU);
		}
		hwloc_topology_destroy(topo);
	}
	if (n <= 0) {
		long c = sysconf(_SC_NPROCESSORS_ONLN);

		n = c > 0 ? (int)c : 1;
	}
	return n;
}
