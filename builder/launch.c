/*
 * The launcher backend: each build is one 'flexexplore build --json'
 * command started through a launcher prefix, such as 'srun -N1 -n1' to
 * make every build a Slurm job, and its result read back from the JSON
 * line it prints.  The home and the source tree must be the same paths
 * wherever the launcher runs the command (a shared file system).
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../util/log.h"
#include "internal.h"

#define LAUNCH_MAX_WORDS 32

struct task {
	pid_t pid; /* 0: free */
	int id;
	int fd;
	struct strbuf out;
	struct bld_result paths; /* for a task that says nothing */
};

struct launch {
	int slots;
	char *words[LAUNCH_MAX_WORDS]; /* the launcher, split at blanks */
	int nwords;
	struct task *tasks;
};

static int
launch_slots(struct bld_backend *b)
{
	return ((struct launch *)b->state)->slots;
}

/* The engine binary that runs the command: this one. */
static char *
self_path(void)
{
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);

	if (n <= 0)
		return xstrdup("flexexplore");
	exe[n] = '\0';
	return xstrdup(exe);
}

static char **
command_line(const struct launch *l, struct bld_ctx *ctx,
	     const struct cs_config *cfg, char **owned, int *nowned)
{
	char **argv = xcalloc(LAUNCH_MAX_WORDS + 16, sizeof(char *));
	struct strbuf name;
	int n = 0;

	for (int i = 0; i < l->nwords; i++)
		argv[n++] = l->words[i];
	sb_init(&name);
	cs_name(ctx->sp, cfg, &name);
	owned[(*nowned)++] = argv[n++] = self_path();
	argv[n++] = "build";
	argv[n++] = "--spec";
	argv[n++] = (char *)cs_space_path(ctx->sp);
	argv[n++] = "--json";
	argv[n++] = "--jobs";
	argv[n++] = "1";
	argv[n++] = "--timeout";
	owned[(*nowned)++] = argv[n++] = xasprintf("%.0f", ctx->opts.timeout);
	if (ctx->opts.force)
		argv[n++] = "--force";
	if (ctx->opts.prune)
		argv[n++] = "--prune";
	owned[(*nowned)++] = argv[n++] = sb_detach(&name);
	argv[n] = NULL;
	return argv;
}

static int
launch_submit(struct bld_backend *b, struct bld_ctx *ctx, int id,
	      const struct cs_config *cfg)
{
	struct launch *l = b->state;
	struct task *t = NULL;
	char *owned[4];
	char **argv;
	int nowned = 0, fds[2];
	pid_t pid;

	for (int i = 0; i < l->slots && t == NULL; i++)
		if (l->tasks[i].pid == 0)
			t = &l->tasks[i];
	if (t == NULL || pipe2(fds, O_CLOEXEC) != 0)
		return -1;
	argv = command_line(l, ctx, cfg, owned, &nowned);
	fflush(NULL);
	pid = fork();
	if (pid == 0) {
		setpgid(0, 0);
		dup2(fds[1], 1);
		execvp(argv[0], argv);
		dprintf(2, "cannot run '%s': %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	for (int i = 0; i < nowned; i++)
		free(owned[i]);
	free(argv);
	close(fds[1]);
	if (pid < 0) {
		close(fds[0]);
		return -1;
	}
	setpgid(pid, pid);
	proc_guard_add(pid);
	fcntl(fds[0], F_SETFL, O_NONBLOCK);
	t->pid = pid;
	t->id = id;
	t->fd = fds[0];
	sb_reset(&t->out);
	bld_result_paths(ctx, cfg, &t->paths);
	return 0;
}

/*
 * The string value of "key" in one JSON line we printed, unescaped (the
 * escapes sb_add_json_string() writes: \" \\ \n \t \u00XX).
 */
static void
json_string(const char *line, const char *key, char *out, size_t len)
{
	char *pat = xasprintf("\"%s\": \"", key);
	const char *p = strstr(line, pat);
	size_t n = 0;

	out[0] = '\0';
	free(pat);
	if (p == NULL)
		return;
	for (p = strchr(p, ':') + 3; *p != '\0' && *p != '"'; p++) {
		char c = *p;
		unsigned code;

		if (c == '\\' && p[1] == 'u' &&
		    sscanf(p + 2, "%4x", &code) == 1) {
			c = (char)code;
			p += 5;
		} else if (c == '\\' && p[1] != '\0') {
			c = *++p;
			c = c == 'n' ? '\n' : c == 't' ? '\t' : c;
		}
		if (n + 1 < len)
			out[n++] = c;
	}
	out[n] = '\0';
}

static double
json_number(const char *line, const char *key)
{
	char *pat = xasprintf("\"%s\": ", key);
	const char *p = strstr(line, pat);
	double v = 0;

	if (p != NULL) {
		p += strlen(pat);
		v = strncmp(p, "true", 4) == 0 ? 1 : strtod(p, NULL);
	}
	free(pat);
	return v;
}

static void
parse_result(const char *line, struct bld_result *r)
{
	r->ok = json_number(line, "ok") != 0;
	r->up_to_date = json_number(line, "up_to_date") != 0;
	r->seconds = json_number(line, "seconds");
	r->compiled = (int)json_number(line, "compiled");
	r->from_cache = (int)json_number(line, "from_cache");
	json_string(line, "image", r->image, sizeof(r->image));
	json_string(line, "sha256", r->digest, sizeof(r->digest));
	json_string(line, "manifest", r->manifest, sizeof(r->manifest));
	json_string(line, "revision", r->revision, sizeof(r->revision));
	json_string(line, "toolchain", r->toolchain, sizeof(r->toolchain));
	json_string(line, "component", r->component, sizeof(r->component));
	json_string(line, "reason", r->reason, sizeof(r->reason));
	json_string(line, "log", r->log, sizeof(r->log));
	r->timed_out = strncmp(r->reason, "timed out", 9) == 0;
}

static void
drain(struct task *t)
{
	char buf[4096];
	ssize_t n;

	while ((n = read(t->fd, buf, sizeof(buf))) > 0)
		sb_add(&t->out, buf, (size_t)n);
}

static int
finish(struct task *t, int status, int *id, struct bld_result *r)
{
	const char *line;

	drain(t);
	*r = t->paths;
	line = strstr(t->out.buf, "{\"config\": ");
	if (line != NULL) {
		parse_result(line, r);
	} else {
		r->ok = 0;
		snprintf(r->reason, sizeof(r->reason),
			 "the launched build printed no result (%s %d)",
			 WIFEXITED(status) ? "exit" : "signal",
			 WIFEXITED(status) ? WEXITSTATUS(status)
					   : WTERMSIG(status));
	}
	*id = t->id;
	proc_guard_remove(t->pid);
	close(t->fd);
	t->pid = 0;
	return 0;
}

static int
launch_wait(struct bld_backend *b, int *id, struct bld_result *r)
{
	struct launch *l = b->state;
	struct timespec nap = {0, 5000000};
	int running = 0;

	for (int i = 0; i < l->slots; i++)
		running += l->tasks[i].pid != 0;
	if (running == 0)
		return -1;
	for (;;) {
		for (int i = 0; i < l->slots; i++) {
			struct task *t = &l->tasks[i];
			int status;

			if (t->pid == 0)
				continue;
			drain(t);
			if (waitpid(t->pid, &status, WNOHANG) == t->pid)
				return finish(t, status, id, r);
		}
		nanosleep(&nap, NULL);
	}
}

static void
launch_free(struct bld_backend *b)
{
	struct launch *l = b->state;

	for (int i = 0; i < l->slots; i++) {
		struct task *t = &l->tasks[i];

		if (t->pid != 0) {
			kill(-t->pid, SIGTERM);
			waitpid(t->pid, NULL, 0);
			proc_guard_remove(t->pid);
			close(t->fd);
		}
		sb_free(&t->out);
	}
	for (int i = 0; i < l->nwords; i++)
		free(l->words[i]);
	free(l->tasks);
	free(l);
	free(b);
}

struct bld_backend *
bld_backend_launcher(const char *launcher, int slots)
{
	struct bld_backend *b = xcalloc(1, sizeof(*b));
	struct launch *l = xcalloc(1, sizeof(*l));
	char *copy = xstrdup(launcher), *save = NULL;

	l->slots = slots < 1 ? 1 : slots;
	l->tasks = xcalloc((size_t)l->slots, sizeof(*l->tasks));
	for (int i = 0; i < l->slots; i++)
		sb_init(&l->tasks[i].out);
	for (char *w = strtok_r(copy, " \t", &save);
	     w != NULL && l->nwords < LAUNCH_MAX_WORDS;
	     w = strtok_r(NULL, " \t", &save))
		l->words[l->nwords++] = xstrdup(w);
	free(copy);
	b->name = "launcher";
	b->slots = launch_slots;
	b->submit = launch_submit;
	b->wait = launch_wait;
	b->free = launch_free;
	b->state = l;
	return b;
}
