/*
 * Child processes of a measurement: the image and the load generator.
 *
 * Each runs in a process group of its own, so that stopping it stops
 * everything it started.  Their output is read as it comes and kept
 * (bounded), so a chatty child never blocks on a full pipe.  bench_run()
 * makes the engine a child subreaper, so a grandchild that leaves its
 * group (a daemon that calls setsid) still ends up ours, and
 * bench_reap_orphans() stops it.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../util/log.h"
#include "../util/util.h"
#include "internal.h"

#define PROC_KEEP (1 << 20) /* bytes of output kept per stream */
#define PROC_LIVE 8	    /* process groups started and not yet stopped */
#define PROC_GRACE 0.5	    /* seconds between SIGTERM and SIGKILL */

/*
 * The groups alive now, for the signal handler: an engine stopped by
 * SIGINT or SIGTERM stops them before it goes.  Written only with the
 * signals blocked, read by the handler.
 */
static volatile sig_atomic_t live[PROC_LIVE];
static volatile sig_atomic_t interrupted;
static struct sigaction saved[NSIG];
static const int fatal_signals[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT};

static void
set_live(pid_t old, pid_t pid)
{
	sigset_t all, prev;

	sigfillset(&all);
	sigprocmask(SIG_BLOCK, &all, &prev);
	for (int i = 0; i < PROC_LIVE; i++)
		if (live[i] == old) {
			live[i] = pid;
			break;
		}
	sigprocmask(SIG_SETMASK, &prev, NULL);
}

static void
on_fatal_signal(int sig)
{
	for (int i = 0; i < PROC_LIVE; i++)
		if (live[i] > 0)
			kill(-live[i], SIGKILL);
	interrupted = sig;
	/* What the engine did before: usually, die of the signal. */
	sigaction(sig, &saved[sig], NULL);
	raise(sig);
}

void
bench_signals_catch(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_fatal_signal;
	sigemptyset(&sa.sa_mask);
	interrupted = 0;
	for (size_t i = 0; i < FX_ARRAY_LEN(fatal_signals); i++)
		sigaction(fatal_signals[i], &sa, &saved[fatal_signals[i]]);
}

int
bench_signals_release(void)
{
	for (size_t i = 0; i < FX_ARRAY_LEN(fatal_signals); i++)
		sigaction(fatal_signals[i], &saved[fatal_signals[i]], NULL);
	return interrupted;
}

int
bench_interrupted(void)
{
	return interrupted;
}

int
bench_proc_start(struct bench_proc *p, char *const argv[], const void *cpus,
		 size_t cpus_size)
{
	int out[2], err[2];
	pid_t pid;

	memset(p, 0, sizeof(*p));
	p->out_fd = p->err_fd = -1;
	sb_init(&p->out);
	sb_init(&p->err);
	if (pipe2(out, O_CLOEXEC) != 0)
		return -1;
	if (pipe2(err, O_CLOEXEC) != 0) {
		close(out[0]);
		close(out[1]);
		return -1;
	}

	pid = fork();
	if (pid < 0) {
		int e = errno;

		close(out[0]);
		close(out[1]);
		close(err[0]);
		close(err[1]);
		errno = e;
		return -1;
	}
	if (pid == 0) {
		/* The child: own group, pinned, output into the pipes. */
		int devnull = open("/dev/null", O_RDONLY);

		setpgid(0, 0);
		/* Should the engine die without cleaning up, so does this. */
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		for (size_t i = 0; i < FX_ARRAY_LEN(fatal_signals); i++)
			signal(fatal_signals[i], SIG_DFL);
		signal(SIGPIPE, SIG_DFL);
		if (cpus != NULL)
			sched_setaffinity(0, cpus_size, cpus);
		if (devnull >= 0)
			dup2(devnull, STDIN_FILENO);
		dup2(out[1], STDOUT_FILENO);
		dup2(err[1], STDERR_FILENO);
		execvp(argv[0], argv);
		dprintf(STDERR_FILENO, "cannot run '%s': %s\n", argv[0],
			strerror(errno));
		_exit(127);
	}

	/* Both sides set the group, so neither races the other. */
	setpgid(pid, pid);
	close(out[1]);
	close(err[1]);
	fcntl(out[0], F_SETFL, O_NONBLOCK);
	fcntl(err[0], F_SETFL, O_NONBLOCK);
	p->pid = pid;
	set_live(0, pid);
	p->out_fd = out[0];
	p->err_fd = err[0];
	return 0;
}

/* Read what is there; close the pipe at end of file. */
static void
drain(int *fd, struct strbuf *sb)
{
	char buf[8192];
	ssize_t n;

	while (*fd >= 0) {
		n = read(*fd, buf, sizeof(buf));
		if (n > 0) {
			if (sb->len < PROC_KEEP)
				sb_add(sb, buf, (size_t)n);
			continue;
		}
		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			return;
		close(*fd);
		*fd = -1;
	}
}

static void
reap(struct bench_proc *p)
{
	int status;

	if (p->pid <= 0 || p->exited)
		return;
	if (waitpid(p->pid, &status, WNOHANG) == p->pid) {
		p->exited = 1;
		p->status = status;
	}
}

void
bench_proc_poll(struct bench_proc **procs, int n, double timeout)
{
	struct pollfd fds[8];
	struct strbuf *bufs[8];
	int *fdp[8];
	int nfds = 0, ms;

	for (int i = 0; i < n && nfds + 2 <= 8; i++) {
		struct bench_proc *p = procs[i];

		if (p == NULL)
			continue;
		if (p->out_fd >= 0) {
			fdp[nfds] = &p->out_fd;
			bufs[nfds] = &p->out;
			fds[nfds++] = (struct pollfd){p->out_fd, POLLIN, 0};
		}
		if (p->err_fd >= 0) {
			fdp[nfds] = &p->err_fd;
			bufs[nfds] = &p->err;
			fds[nfds++] = (struct pollfd){p->err_fd, POLLIN, 0};
		}
	}

	/* Exits are noticed by polling waitpid: wake up often enough. */
	ms = (int)(timeout * 1000);
	if (ms > 20)
		ms = 20;
	if (ms < 0)
		ms = 0;
	if (nfds > 0 && poll(fds, (nfds_t)nfds, ms) > 0) {
		for (int i = 0; i < nfds; i++)
			if (fds[i].revents != 0)
				drain(fdp[i], bufs[i]);
	} else if (nfds == 0 && ms > 0) {
		usleep((useconds_t)ms * 1000);
	}
	for (int i = 0; i < n; i++)
		if (procs[i] != NULL)
			reap(procs[i]);
}

/* Wait up to @secs for @p to be reaped, reading its output meanwhile. */
static int
wait_exit(struct bench_proc *p, double secs)
{
	double end = fx_now() + secs;

	while (!p->exited && fx_now() < end)
		bench_proc_poll(&p, 1, end - fx_now());
	return p->exited;
}

void
bench_proc_kill(struct bench_proc *p)
{
	if (p->pid <= 0)
		return;

	/*
	 * The group may outlive its leader (a worker the image forked), so
	 * signal it even when the leader is gone.
	 */
	kill(-p->pid, SIGTERM);
	if (!wait_exit(p, PROC_GRACE)) {
		kill(-p->pid, SIGKILL);
		wait_exit(p, 5);
	}
	kill(-p->pid, SIGKILL);
	if (!p->exited) {
		log_warnx("process %d did not exit after SIGKILL", (int)p->pid);
		return;
	}
	set_live(p->pid, 0);
	drain(&p->out_fd, &p->out);
	drain(&p->err_fd, &p->err);
}

void
bench_proc_free(struct bench_proc *p)
{
	if (p->out_fd >= 0)
		close(p->out_fd);
	if (p->err_fd >= 0)
		close(p->err_fd);
	p->out_fd = p->err_fd = -1;
	sb_free(&p->out);
	sb_free(&p->err);
	if (p->pid > 0)
		set_live(p->pid, 0);
	p->pid = 0;
}

void
bench_wait_text(int status, char *buf, size_t len)
{
	if (WIFSIGNALED(status))
		snprintf(buf, len, "signal %d (SIG%s)", WTERMSIG(status),
			 sigabbrev_np(WTERMSIG(status))
				 ? sigabbrev_np(WTERMSIG(status))
				 : "?");
	else if (WIFEXITED(status))
		snprintf(buf, len, "exit status %d", WEXITSTATUS(status));
	else
		snprintf(buf, len, "wait status %#x", status);
}

int
bench_children(pid_t *pids, int max)
{
	DIR *d = opendir("/proc/self/task");
	struct dirent *e;
	int n = 0;

	if (d == NULL)
		return 0;
	while ((e = readdir(d)) != NULL && n < max) {
		char path[300];
		FILE *f;
		int pid;

		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/proc/self/task/%s/children",
			 e->d_name);
		if ((f = fopen(path, "r")) == NULL)
			continue;
		while (n < max && fscanf(f, "%d", &pid) == 1)
			pids[n++] = pid;
		fclose(f);
	}
	closedir(d);
	return n;
}

static int
contains(const pid_t *set, int n, pid_t pid)
{
	for (int i = 0; i < n; i++)
		if (set[i] == pid)
			return 1;
	return 0;
}

void
bench_reap_orphans(const pid_t *before, int nbefore)
{
	pid_t pids[64];
	int n, status, found;

	for (int round = 0; round < 50; round++) {
		n = bench_children(pids, (int)FX_ARRAY_LEN(pids));
		found = 0;
		for (int i = 0; i < n; i++) {
			if (contains(before, nbefore, pids[i]))
				continue;
			log_debug("stopping leftover process %d", (int)pids[i]);
			kill(pids[i], SIGKILL);
			waitpid(pids[i], &status, 0);
			found = 1;
		}
		if (!found)
			break;
	}
}
