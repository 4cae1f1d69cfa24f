/*
 * Running a child program: its output captured or sent to a file, its
 * whole process group stopped when it runs past a time limit.
 */
#ifndef FX_BUILDER_PROC_H
#define FX_BUILDER_PROC_H

#include <sys/types.h>

#include "../util/util.h"

struct proc_opts {
	const char *cwd;    /* NULL: the caller's */
	char *const *env;   /* "NAME=value" to set, "NAME" to unset */
	struct strbuf *out; /* capture stdout here, or ... */
	struct strbuf *err; /* capture stderr here, or ... */
	int out_fd;	    /* ... send it to this fd (-1: inherit) */
	int err_fd;	    /* ... send it to this fd (-1: inherit) */
	int null_stdin;	    /* read from /dev/null */
	int new_group;	    /* lead a process group of its own, so that a
			       time limit stops all it started */
	double timeout;	    /* seconds; 0: none */
};

struct proc_status {
	int exited;    /* exited normally (else killed by a signal) */
	int code;      /* exit code, or the signal number */
	int timed_out; /* stopped for running past the limit */
};

/** Defaults: inherit everything, no limit. */
void proc_opts_init(struct proc_opts *o);

/**
 * Run argv[0] (searched in PATH) and wait for it.
 * Returns 0 when it exited 0, 1 when it ran but failed, timed out or was
 * killed (see *st), -1 when it could not be started (errno set; a program
 * that is not found reads as exit code 127).
 */
int proc_run(char *const argv[], const struct proc_opts *o,
	     struct proc_status *st);

/*
 * Guards: process groups to stop (SIGTERM) when this process is stopped by
 * SIGINT, SIGTERM or SIGHUP, so that Ctrl-C or a stopped worker leaves no
 * build running.  Handlers are installed while a group is guarded and
 * hand the signal on to whatever handler was there before.
 */
void proc_guard_add(pid_t group);
void proc_guard_remove(pid_t group);
/** In a freshly forked child: forget the parent's groups. */
void proc_guard_reset(void);

/** Describe *st in @buf ("exit 2", "killed by signal 9", "timed out"). */
void proc_describe(const struct proc_status *st, char *buf, size_t len);

/**
 * The absolute path of program @name as execvp would find it (a name with
 * a '/' is taken as it is), or NULL when there is none.  free() it.
 */
char *proc_which(const char *name);

#endif /* FX_BUILDER_PROC_H */
