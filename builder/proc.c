/*
 * fork/exec with captured output and a time limit.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "proc.h"

/* How long a process group gets between SIGTERM and SIGKILL. */
#define PROC_KILL_GRACE 1.0

#define PROC_MAX_GUARDS 64

static const int guarded_signals[] = {SIGINT, SIGTERM, SIGHUP};
static volatile pid_t guards[PROC_MAX_GUARDS];
static int nguards;
static struct sigaction saved[FX_ARRAY_LEN(guarded_signals)];

static void
guard_handler(int sig)
{
	for (int i = 0; i < PROC_MAX_GUARDS; i++)
		if (guards[i] > 0)
			kill(-guards[i], SIGTERM);

	/* Then what would have happened without us. */
	for (size_t i = 0; i < FX_ARRAY_LEN(guarded_signals); i++) {
		if (guarded_signals[i] != sig)
			continue;
		if (saved[i].sa_handler == SIG_IGN)
			return;
		if (saved[i].sa_handler != SIG_DFL) {
			saved[i].sa_handler(sig);
			return;
		}
		sigaction(sig, &saved[i], NULL);
		raise(sig);
	}
}

void
proc_guard_add(pid_t group)
{
	struct sigaction sa;

	for (int i = 0; i < PROC_MAX_GUARDS; i++) {
		if (guards[i] != 0)
			continue;
		guards[i] = group;
		if (nguards++ > 0)
			return;
		memset(&sa, 0, sizeof(sa));
		sa.sa_handler = guard_handler;
		sigemptyset(&sa.sa_mask);
		for (size_t k = 0; k < FX_ARRAY_LEN(guarded_signals); k++)
			sigaction(guarded_signals[k], &sa, &saved[k]);
		return;
	}
}

void
proc_guard_remove(pid_t group)
{
	for (int i = 0; i < PROC_MAX_GUARDS; i++) {
		if (guards[i] != group)
			continue;
		guards[i] = 0;
		if (--nguards > 0)
			return;
		for (size_t k = 0; k < FX_ARRAY_LEN(guarded_signals); k++)
			sigaction(guarded_signals[k], &saved[k], NULL);
		return;
	}
}

void
proc_guard_reset(void)
{
	if (nguards == 0)
		return;
	for (int i = 0; i < PROC_MAX_GUARDS; i++)
		guards[i] = 0;
	nguards = 0;
	for (size_t k = 0; k < FX_ARRAY_LEN(guarded_signals); k++)
		sigaction(guarded_signals[k], &saved[k], NULL);
}

void
proc_opts_init(struct proc_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->out_fd = -1;
	o->err_fd = -1;
}

static void
child_exec(char *const argv[], const struct proc_opts *o, int out_w, int err_w)
{
	if (o->new_group)
		setpgid(0, 0);
	if (o->null_stdin) {
		int fd = open("/dev/null", O_RDONLY);

		if (fd >= 0) {
			dup2(fd, 0);
			close(fd);
		}
	}
	if (out_w >= 0)
		dup2(out_w, 1);
	if (err_w >= 0)
		dup2(err_w, 2);
	if (o->cwd != NULL && chdir(o->cwd) != 0) {
		dprintf(2, "cannot enter '%s': %s\n", o->cwd, strerror(errno));
		_exit(127);
	}
	for (char *const *e = o->env; e != NULL && *e != NULL; e++) {
		if (strchr(*e, '=') != NULL)
			putenv(*e);
		else
			unsetenv(*e);
	}
	signal(SIGPIPE, SIG_DFL);
	execvp(argv[0], argv);
	dprintf(2, "cannot run '%s': %s\n", argv[0], strerror(errno));
	_exit(127);
}

static void
sleep_briefly(double seconds)
{
	struct timespec ts;

	ts.tv_sec = (time_t)seconds;
	ts.tv_nsec = (long)((seconds - (double)ts.tv_sec) * 1e9);
	nanosleep(&ts, NULL);
}

/*
 * Stop @target (a pid, or minus a process group): politely first, then
 * for good.  @pid is the child to reap.
 */
static void
kill_child(pid_t pid, pid_t target, int *status)
{
	double until = fx_now() + PROC_KILL_GRACE;

	kill(target, SIGTERM);
	while (fx_now() < until) {
		if (waitpid(pid, status, WNOHANG) == pid) {
			kill(target, SIGKILL); /* stragglers of the group */
			return;
		}
		sleep_briefly(0.01);
	}
	kill(target, SIGKILL);
	waitpid(pid, status, 0);
}

/* Read whatever the pipes hold; closes a pipe at its end. */
static void
drain(struct pollfd *pfd, struct strbuf **sink, int n, int wait_ms)
{
	char buf[65536];

	if (poll(pfd, (nfds_t)n, wait_ms) <= 0)
		return;
	for (int i = 0; i < n; i++) {
		ssize_t got;

		if (pfd[i].fd < 0 || pfd[i].revents == 0)
			continue;
		got = read(pfd[i].fd, buf, sizeof(buf));
		if (got > 0) {
			sb_add(sink[i], buf, (size_t)got);
		} else if (got == 0 || errno != EINTR) {
			close(pfd[i].fd);
			pfd[i].fd = -1;
		}
	}
}

static int
open_pipe(struct strbuf *sink, int fds[2])
{
	fds[0] = fds[1] = -1;
	if (sink == NULL)
		return 0;
	return pipe2(fds, O_CLOEXEC);
}

int
proc_run(char *const argv[], const struct proc_opts *o, struct proc_status *st)
{
	int outp[2], errp[2], status = 0;
	struct pollfd pfd[2];
	struct strbuf *sink[2] = {o->out, o->err};
	double deadline = o->timeout > 0 ? fx_now() + o->timeout : 0;
	pid_t pid, target;
	int done = 0;

	memset(st, 0, sizeof(*st));
	if (open_pipe(o->out, outp) != 0)
		return -1;
	if (open_pipe(o->err, errp) != 0) {
		int e = errno;

		if (outp[0] >= 0) {
			close(outp[0]);
			close(outp[1]);
		}
		errno = e;
		return -1;
	}

	pid = fork();
	if (pid < 0) {
		int e = errno;

		for (int i = 0; i < 2; i++) {
			if (outp[i] >= 0)
				close(outp[i]);
			if (errp[i] >= 0)
				close(errp[i]);
		}
		errno = e;
		return -1;
	}
	if (pid == 0)
		child_exec(argv, o, o->out != NULL ? outp[1] : o->out_fd,
			   o->err != NULL ? errp[1] : o->err_fd);
	if (o->new_group) {
		setpgid(pid, pid); /* both sides: kill(-pid) works at once */
		proc_guard_add(pid);
	}
	target = o->new_group ? -pid : pid;

	if (outp[1] >= 0)
		close(outp[1]);
	if (errp[1] >= 0)
		close(errp[1]);
	pfd[0].fd = outp[0];
	pfd[1].fd = errp[0];
	pfd[0].events = pfd[1].events = POLLIN;

	/* Collect output and wait, minding the deadline. */
	while (!done || pfd[0].fd >= 0 || pfd[1].fd >= 0) {
		if (pfd[0].fd >= 0 || pfd[1].fd >= 0)
			drain(pfd, sink, 2, 20);
		else
			sleep_briefly(0.002);
		if (!done && waitpid(pid, &status, WNOHANG) == pid)
			done = 1;
		if (deadline == 0 || fx_now() <= deadline)
			continue;

		/* Past the limit: the child, or whoever holds its pipes. */
		if (!done) {
			kill_child(pid, target, &status);
			st->timed_out = 1;
			done = 1;
		} else {
			kill(target, SIGKILL);
		}
		for (int i = 0; i < 2; i++) {
			if (pfd[i].fd >= 0)
				close(pfd[i].fd);
			pfd[i].fd = -1;
		}
	}

	if (o->new_group)
		proc_guard_remove(pid);
	if (WIFEXITED(status)) {
		st->exited = 1;
		st->code = WEXITSTATUS(status);
	} else {
		st->code = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
	}
	return st->exited && st->code == 0 && !st->timed_out ? 0 : 1;
}

void
proc_describe(const struct proc_status *st, char *buf, size_t len)
{
	if (st->timed_out)
		snprintf(buf, len, "timed out");
	else if (st->exited)
		snprintf(buf, len, "exit %d", st->code);
	else
		snprintf(buf, len, "killed by signal %d (%s)", st->code,
			 strsignal(st->code));
}

char *
proc_which(const char *name)
{
	const char *path = getenv("PATH");
	struct stat sb;

	if (strchr(name, '/') != NULL)
		return access(name, X_OK) == 0 ? realpath(name, NULL) : NULL;
	if (path == NULL)
		path = "/usr/bin:/bin";
	for (const char *p = path;; p++) {
		const char *end = strchrnul(p, ':');
		int n = (int)(end - p);
		char *cand = n == 0 ? xasprintf("./%s", name)
				    : xasprintf("%.*s/%s", n, p, name);

		if (stat(cand, &sb) == 0 && S_ISREG(sb.st_mode) &&
		    access(cand, X_OK) == 0)
			return cand;
		free(cand);
		if (*end == '\0')
			break;
		p = end;
	}
	return NULL;
}
