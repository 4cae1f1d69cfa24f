/*
 * Measuring one image: start it pinned, wait until it answers, check one
 * answer, warm up, then measured runs until the median is known well
 * enough.  Whatever happens, every process started here is stopped before
 * bench_run() returns.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <hwloc.h>
#include <hwloc/glibc-sched.h>
#include <math.h>
#include <netinet/in.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../util/log.h"
#include "../util/util.h"
#include "internal.h"

#define HOST "127.0.0.1"

/* One measurement in progress. */
struct session {
	const struct bench_options *opt;
	struct bench_def def;
	struct bench_result *res;
	char tool_path[512];

	/* Pinning: glibc CPU sets for the image and the load generator. */
	cpu_set_t image_cpus, load_cpus;
	int pinned;

	struct bench_proc image; /* pid 0 when not started (or connect) */
	char host[64];
	int port;
	unsigned long requests; /* {requests} of the measured runs */
};

void
bench_options_init(struct bench_options *opt)
{
	memset(opt, 0, sizeof(*opt));
	opt->min_reps = 3;
	opt->max_reps = 10;
	opt->spread = 0.05;
	opt->duration = 2;
	opt->warmup = 1;
	opt->ready_timeout = 10;
	opt->run_timeout = 30;
}

const char *
bench_status_name(enum bench_status status)
{
	static const char *const names[] = {
		[BENCH_OK] = "ok",
		[BENCH_NOT_STARTED] = "not-started",
		[BENCH_NOT_READY] = "not-ready",
		[BENCH_CRASHED] = "crashed",
		[BENCH_WRONG] = "wrong-answer",
		[BENCH_TIMEOUT] = "timeout",
		[BENCH_LOAD_FAILED] = "load-failed",
	};

	if ((unsigned)status < FX_ARRAY_LEN(names))
		return names[status];
	return "?";
}

/* Record a failure of the image; returns 1 so callers can stop. */
static int verdict(struct session *s, enum bench_status st, const char *fmt,
		   ...) __attribute__((format(printf, 3, 4)));

static int
verdict(struct session *s, enum bench_status st, const char *fmt, ...)
{
	va_list ap;

	s->res->status = st;
	snprintf(s->res->stop_reason, sizeof(s->res->stop_reason), "%s",
		 bench_status_name(st));
	va_start(ap, fmt);
	vsnprintf(s->res->reason, sizeof(s->res->reason), fmt, ap);
	va_end(ap);
	log_info("%s: %s", bench_status_name(st), s->res->reason);
	return 1;
}

/* The last non-empty line of @text, shortened, for reasons. */
static void
last_line(const char *text, char *buf, size_t len)
{
	const char *end = text + strlen(text), *start;

	while (end > text && (end[-1] == '\n' || end[-1] == '\r'))
		end--;
	start = end;
	while (start > text && start[-1] != '\n')
		start--;
	if (end - start > 200)
		start = end - 200;
	snprintf(buf, len, "%.*s", (int)(end - start), start);
}

/* ---- Setting up ------------------------------------------------------- */

static int
find_in_path(const char *tool, char *out, size_t len)
{
	const char *path = getenv("PATH");
	char *copy, *dir, *save = NULL;
	int found = 0;

	if (strchr(tool, '/') != NULL) {
		snprintf(out, len, "%s", tool);
		return access(tool, X_OK) == 0;
	}
	copy = xstrdup(path != NULL ? path : "/usr/bin:/bin");
	for (dir = strtok_r(copy, ":", &save); dir != NULL && !found;
	     dir = strtok_r(NULL, ":", &save)) {
		snprintf(out, len, "%s/%s", dir, tool);
		found = access(out, X_OK) == 0;
	}
	free(copy);
	return found;
}

/* The image on the first half of the cores, the load on the rest. */
static void
choose_cpus(struct session *s)
{
	struct bench_result *res = s->res;
	hwloc_topology_t topo;
	hwloc_bitmap_t img, load;
	int ncores, half;

	if (hwloc_topology_init(&topo) != 0 || hwloc_topology_load(topo)) {
		log_warnx("hwloc cannot read the topology; not pinning");
		snprintf(res->image_cpus, sizeof(res->image_cpus), "any");
		snprintf(res->load_cpus, sizeof(res->load_cpus), "any");
		return;
	}
	img = hwloc_bitmap_alloc();
	load = hwloc_bitmap_alloc();
	ncores = hwloc_get_nbobjs_by_type(topo, HWLOC_OBJ_CORE);
	half = (ncores + 1) / 2;
	for (int i = 0; i < ncores; i++) {
		hwloc_obj_t core = hwloc_get_obj_by_type(topo, HWLOC_OBJ_CORE,
							 (unsigned)i);

		hwloc_bitmap_or(i < half || ncores == 1 ? img : load,
				i < half || ncores == 1 ? img : load,
				core->cpuset);
	}
	if (ncores == 1) {
		hwloc_bitmap_copy(load, img);
		log_warnx("one core only: image and load generator share it");
	}
	hwloc_bitmap_list_snprintf(res->image_cpus, sizeof(res->image_cpus),
				   img);
	hwloc_bitmap_list_snprintf(res->load_cpus, sizeof(res->load_cpus),
				   load);
	hwloc_cpuset_to_glibc_sched_affinity(topo, img, &s->image_cpus,
					     sizeof(s->image_cpus));
	hwloc_cpuset_to_glibc_sched_affinity(topo, load, &s->load_cpus,
					     sizeof(s->load_cpus));
	s->pinned = ncores > 0;
	hwloc_bitmap_free(img);
	hwloc_bitmap_free(load);
	hwloc_topology_destroy(topo);
}

static int
free_port(void)
{
	struct sockaddr_in sa = {.sin_family = AF_INET};
	socklen_t len = sizeof(sa);
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0), port = -1;

	if (fd < 0)
		return -1;
	inet_pton(AF_INET, HOST, &sa.sin_addr);
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0 &&
	    getsockname(fd, (struct sockaddr *)&sa, &len) == 0)
		port = ntohs(sa.sin_port);
	close(fd);
	return port;
}

/* Copy @tmpl with {host} {port} {duration} {requests} filled in. */
static char *
expand(const struct session *s, const char *tmpl, double duration)
{
	struct strbuf sb;

	sb_init(&sb);
	for (const char *p = tmpl; *p != '\0'; p++) {
		if (strncmp(p, "{host}", 6) == 0) {
			sb_adds(&sb, s->host);
			p += 5;
		} else if (strncmp(p, "{port}", 6) == 0) {
			sb_addf(&sb, "%d", s->port);
			p += 5;
		} else if (strncmp(p, "{duration}", 10) == 0) {
			sb_addf(&sb, "%d", (int)ceil(duration));
			p += 9;
		} else if (strncmp(p, "{requests}", 10) == 0) {
			sb_addf(&sb, "%lu", s->requests);
			p += 9;
		} else {
			sb_addc(&sb, *p);
		}
	}
	return sb_detach(&sb);
}

static void
free_argv(char **argv)
{
	for (int i = 0; argv[i] != NULL; i++)
		free(argv[i]);
	free(argv);
}

/*
 * The image's command line: the image, then (servers) --port and --host,
 * then the definition's workload arguments, then the caller's.
 */
static char **
image_argv(const struct session *s, double duration)
{
	const struct bench_options *opt = s->opt;
	int n = 0, extra = 0;
	char **argv;

	while (opt->args != NULL && opt->args[extra] != NULL)
		extra++;
	argv = xcalloc((size_t)(4 + s->def.nargs + extra), sizeof(*argv));
	argv[n++] = xstrdup(opt->image);
	if (s->def.kind == BDEF_SERVER) {
		argv[n++] = xasprintf("--port=%d", s->port);
		argv[n++] = xasprintf("--host=%s", s->host);
	} else {
		for (int i = 0; i < s->def.nargs; i++)
			argv[n++] = expand(s, s->def.args[i], duration);
	}
	for (int i = 0; i < extra; i++)
		argv[n++] = xstrdup(opt->args[i]);
	return argv;
}

static char **
client_argv(const struct session *s, double duration)
{
	char **argv = xcalloc((size_t)s->def.nargs + 2, sizeof(*argv));

	argv[0] = xstrdup(s->tool_path);
	for (int i = 0; i < s->def.nargs; i++)
		argv[i + 1] = expand(s, s->def.args[i], duration);
	return argv;
}

/* ---- Failures of the image -------------------------------------------- */

/*
 * The image died: say how, naming the compartment when the platform
 * reported one on stderr ("compartment 'net' stopped by SIGSEGV ...").
 */
static int
crashed(struct session *s, struct bench_proc *p, const char *when)
{
	char how[64], line[256] = "";
	const char *c = strstr(p->err.buf, "compartment '");

	bench_wait_text(p->status, how, sizeof(how));
	if (c != NULL) {
		const char *start = c, *end = c + strcspn(c, "\n");

		snprintf(line, sizeof(line), "%.*s",
			 (int)(end - start > 200 ? 200 : end - start), start);
		return verdict(s, BENCH_CRASHED, "%s: %s (%s)", when, line,
			       how);
	}
	last_line(p->err.buf, line, sizeof(line));
	return verdict(s, BENCH_CRASHED, "%s: %s%s%s%s", when, how,
		       line[0] ? ": '" : "", line, line[0] ? "'" : "");
}

/* ---- Servers ---------------------------------------------------------- */

/* Start the image and wait for "ready port=N", then for an answer. */
static int
start_server(struct session *s)
{
	const double deadline = fx_now() + s->opt->ready_timeout;
	struct bench_proc *p = &s->image;
	char **argv, line[256];
	const char *ready;
	int port;

	if ((s->port = free_port()) < 0)
		return verdict(s, BENCH_NOT_STARTED,
			       "no free port on " HOST ": %s", strerror(errno));
	argv = image_argv(s, 0);
	if (bench_proc_start(p, argv, s->pinned ? &s->image_cpus : NULL,
			     sizeof(s->image_cpus)) != 0) {
		free_argv(argv);
		return verdict(s, BENCH_NOT_STARTED, "cannot start '%s': %s",
			       s->opt->image, strerror(errno));
	}
	free_argv(argv);

	while ((ready = strstr(p->out.buf, "ready port=")) == NULL ||
	       strchr(ready, '\n') == NULL) {
		if (p->exited) {
			char how[64];

			bench_wait_text(p->status, how, sizeof(how));
			last_line(p->err.buf, line, sizeof(line));
			return verdict(s, BENCH_NOT_STARTED,
				       "exited before it was ready (%s)%s%s%s",
				       how, line[0] ? ": '" : "", line,
				       line[0] ? "'" : "");
		}
		if (fx_now() > deadline)
			return verdict(s, BENCH_NOT_READY,
				       "no 'ready port=N' line within %.0f s",
				       s->opt->ready_timeout);
		bench_proc_poll(&p, 1, deadline - fx_now());
	}
	if (sscanf(ready, "ready port=%d", &port) != 1 || port <= 0 ||
	    port > 65535) {
		last_line(ready, line, sizeof(line));
		return verdict(s, BENCH_NOT_STARTED,
			       "the image printed '%s', not 'ready port=N'",
			       line);
	}
	s->port = port;

	while (!bench_probe_ready(s->def.protocol, s->host, s->port,
				  s->def.ready_path)) {
		if (p->exited)
			return crashed(s, p, "while starting");
		if (fx_now() > deadline)
			return verdict(s, BENCH_NOT_READY,
				       "printed ready but did not answer on "
				       "%s:%d within %.0f s",
				       s->host, s->port, s->opt->ready_timeout);
		bench_proc_poll(&p, 1, 0.05);
	}
	return 0;
}

/* The application's content folder: --content=DIR, else its own. */
static char *
content_dir(const struct session *s)
{
	for (int i = 0; s->opt->args != NULL && s->opt->args[i] != NULL; i++)
		if (strncmp(s->opt->args[i], "--content=", 10) == 0)
			return xstrdup(s->opt->args[i] + 10);
	return xasprintf("%s/os/apps/%s/content", fx_srcdir(), s->opt->app);
}

static int
check_http(struct session *s)
{
	char *dir = content_dir(s), *path, err[256];
	struct strbuf body;
	char *want;
	size_t want_len;
	long code;
	int rc = 0;

	path = xasprintf("%s/%s", dir, s->def.check_file);
	free(dir);
	if ((want = fx_read_file(path, &want_len)) == NULL) {
		log_warn("cannot read '%s' to check answers against", path);
		free(path);
		return verdict(s, BENCH_WRONG, "no content file '%s' to check",
			       s->def.check_file);
	}
	sb_init(&body);
	code = bench_http_get(s->host, s->port, s->def.check_get, &body, err,
			      sizeof(err));
	if (code < 0)
		rc = verdict(s, BENCH_WRONG, "%s", err);
	else if (code != 200)
		rc = verdict(s, BENCH_WRONG, "GET %s answered status %ld",
			     s->def.check_get, code);
	else if (body.len != want_len || memcmp(body.buf, want, want_len))
		rc = verdict(s, BENCH_WRONG,
			     "GET %s answered %zu bytes that differ from "
			     "'%s' (%zu bytes)",
			     s->def.check_get, body.len, path, want_len);
	sb_free(&body);
	free(want);
	free(path);
	return rc;
}

/* A RESP reply for messages: a bulk string's data, else its first line. */
static const char *
resp_text(struct strbuf *reply)
{
	char *p = reply->buf;

	if (p[0] == '$' && p[1] != '-' && strchr(p, '\n') != NULL)
		p = strchr(p, '\n') + 1;
	p[strcspn(p, "\r\n")] = '\0';
	return p;
}

static int
check_resp(struct session *s)
{
	char value[64], err[256], key[64];
	const char *set[3], *get[2];
	struct strbuf reply;
	char *want;
	int rc = 0;

	snprintf(key, sizeof(key), "flexexplore:check:%d", (int)getpid());
	snprintf(value, sizeof(value), "v%lx",
		 (unsigned long)fx_now() ^ 0x5a5a);
	set[0] = "SET", set[1] = key, set[2] = value;
	get[0] = "GET", get[1] = key;
	want = xasprintf("$%zu\r\n%s\r\n", strlen(value), value);
	sb_init(&reply);
	if (bench_resp_command(s->host, s->port, set, 3, &reply, err,
			       sizeof(err)) != 0)
		rc = verdict(s, BENCH_WRONG, "%s", err);
	else if (strcmp(reply.buf, "+OK\r\n") != 0)
		rc = verdict(s, BENCH_WRONG, "SET answered '%s', not +OK",
			     resp_text(&reply));
	else if (bench_resp_command(s->host, s->port, get, 2, &reply, err,
				    sizeof(err)) != 0)
		rc = verdict(s, BENCH_WRONG, "%s", err);
	else if (strcmp(reply.buf, want) != 0)
		rc = verdict(s, BENCH_WRONG,
			     "GET after SET %s answered '%s', not '%s'", value,
			     resp_text(&reply), value);
	sb_free(&reply);
	free(want);
	return rc;
}

/*
 * One run of the load generator.  Returns 0 with @values filled, or 1
 * with the verdict recorded.
 */
static int
run_client(struct session *s, double duration, double *values)
{
	struct bench_proc client;
	struct bench_proc *procs[2] = {&client, NULL};
	const double limit = duration + s->opt->run_timeout;
	double deadline = fx_now() + limit;
	char **argv = client_argv(s, duration), err[400], how[64];
	int rc = 0, prc;

	if (bench_proc_start(&client, argv, s->pinned ? &s->load_cpus : NULL,
			     sizeof(s->load_cpus)) != 0) {
		free_argv(argv);
		return verdict(s, BENCH_LOAD_FAILED, "cannot start '%s': %s",
			       s->def.tool, strerror(errno));
	}
	free_argv(argv);
	if (s->image.pid > 0)
		procs[1] = &s->image;

	while (!client.exited) {
		if (s->image.pid > 0 && s->image.exited)
			break;
		if (fx_now() > deadline)
			break;
		bench_proc_poll(procs, 2, deadline - fx_now());
	}
	/* Output still in the pipe belongs to this run. */
	bench_proc_poll(procs, 2, 0);
	bench_proc_kill(&client);

	if (s->image.pid > 0 && s->image.exited) {
		rc = crashed(s, &s->image, "under load");
	} else if (!client.exited || fx_now() > deadline) {
		rc = verdict(s, BENCH_TIMEOUT,
			     "%s did not finish within %.0f s: the image "
			     "stopped answering",
			     s->def.tool, limit);
	} else if (!WIFEXITED(client.status) ||
		   WEXITSTATUS(client.status) != 0) {
		bench_wait_text(client.status, how, sizeof(how));
		last_line(client.err.len ? client.err.buf : client.out.buf, err,
			  sizeof(err));
		rc = verdict(s, BENCH_LOAD_FAILED, "%s failed (%s): '%s'",
			     s->def.tool, how, err);
	} else if ((prc = bench_parse(client.out.buf, &s->def, values, err,
				      sizeof(err))) == 2) {
		rc = verdict(s, BENCH_TIMEOUT,
			     "stopped answering under load: %s in %.0f s", err,
			     duration);
	} else if (prc != 0) {
		rc = verdict(s, prc > 0 ? BENCH_WRONG : BENCH_LOAD_FAILED, "%s",
			     err);
	}
	bench_proc_free(&client);
	return rc;
}

/* ---- Workloads -------------------------------------------------------- */

/* One run of a workload image; 0 with @values, or 1 with a verdict. */
static int
run_workload(struct session *s, double duration, double *values)
{
	struct bench_proc *p = &s->image;
	const double limit = duration + s->opt->run_timeout;
	double deadline = fx_now() + limit;
	char **argv = image_argv(s, duration), err[400], how[64];
	int rc = 0, prc;

	if (bench_proc_start(p, argv, s->pinned ? &s->image_cpus : NULL,
			     sizeof(s->image_cpus)) != 0) {
		free_argv(argv);
		return verdict(s, BENCH_NOT_STARTED, "cannot start '%s': %s",
			       s->opt->image, strerror(errno));
	}
	free_argv(argv);
	while (!p->exited && fx_now() < deadline)
		bench_proc_poll(&p, 1, deadline - fx_now());
	bench_proc_poll(&p, 1, 0);
	if (!p->exited) {
		bench_proc_kill(p);
		rc = verdict(s, BENCH_TIMEOUT,
			     "the workload ran past its limit of %.0f s",
			     limit);
		goto out;
	}
	bench_proc_kill(p); /* whatever it left in its group */

	bench_wait_text(p->status, how, sizeof(how));
	if (WIFEXITED(p->status) && WEXITSTATUS(p->status) == 127) {
		last_line(p->err.buf, err, sizeof(err));
		rc = verdict(s, BENCH_NOT_STARTED, "%s: '%s'", how, err);
	} else if (WIFSIGNALED(p->status)) {
		rc = crashed(s, p, "while running");
	} else if ((prc = bench_parse(p->out.buf, &s->def, values, err,
				      sizeof(err))) != 0) {
		if (WEXITSTATUS(p->status) != 0 && prc < 0)
			rc = crashed(s, p, "while running");
		else
			rc = verdict(s,
				     prc > 0 ? BENCH_WRONG : BENCH_LOAD_FAILED,
				     "%s", err);
	} else if (WEXITSTATUS(p->status) != 0) {
		rc = crashed(s, p, "while running");
	}
out:
	bench_proc_free(p);
	return rc;
}

/* ---- The measurement -------------------------------------------------- */

static int
one_run(struct session *s, double duration, double *values)
{
	if (s->def.kind == BDEF_WORKLOAD)
		return run_workload(s, duration, values);
	return run_client(s, duration, values);
}

/*
 * Size count-based runs from the warm-up: the metrics are taken as rates
 * of tests run one after the other ({requests} each), so one run takes
 * about sum(requests / rate) = duration.
 */
static void
scale_requests(struct session *s, const double *rates)
{
	double per_request = 0, want;

	if (s->def.requests_min == 0)
		return;
	for (int i = 0; i < s->def.nmetrics; i++)
		per_request += rates[i] > 0 ? 1 / rates[i] : INFINITY;
	want = s->opt->duration / per_request;
	if (!(want >= (double)s->def.requests_min))
		want = (double)s->def.requests_min;
	if (want > (double)s->def.requests_max)
		want = (double)s->def.requests_max;
	s->requests = (unsigned long)want;
	log_debug("measured runs use %lu requests", s->requests);
}

static void
measure(struct session *s)
{
	struct bench_result *res = s->res;
	struct bench_metric_result *m = &res->metrics[res->decided];
	double values[BENCH_MAX_METRICS];
	double warm = s->opt->warmup > 0 ? s->opt->warmup : 0.5;

	/* Warm-up: its numbers are thrown away, its failures are not. */
	s->requests = s->def.requests_min;
	if (one_run(s, warm, values) != 0)
		return;
	scale_requests(s, values);

	for (;;) {
		if (one_run(s, s->opt->duration, values) != 0)
			return;
		for (int i = 0; i < res->nmetrics; i++) {
			struct bench_metric_result *mi = &res->metrics[i];

			mi->samples[mi->nsamples++] = values[i];
			bench_metric_stats(mi);
		}
		res->reps++;
		log_info("run %d: %s %.6g %s", res->reps, m->name,
			 values[res->decided], m->unit);
		if (res->reps >= s->opt->min_reps &&
		    m->spread <= s->opt->spread) {
			snprintf(res->stop_reason, sizeof(res->stop_reason),
				 "spread %.3f <= %.3f", m->spread,
				 s->opt->spread);
			return;
		}
		if (res->reps >= s->opt->max_reps) {
			snprintf(res->stop_reason, sizeof(res->stop_reason),
				 "cap of %d runs (spread %.3f > %.3f)",
				 s->opt->max_reps, m->spread, s->opt->spread);
			return;
		}
	}
}

/* Connect mode: HOST:PORT of a running server, which must answer now. */
static int
attach(struct session *s)
{
	const char *colon = strrchr(s->opt->connect, ':');
	unsigned long long port;
	double deadline = fx_now() + 2;

	if (colon == NULL || colon == s->opt->connect ||
	    (size_t)(colon - s->opt->connect) >= sizeof(s->host) ||
	    fx_parse_u64(colon + 1, &port) != 0 || port == 0 || port > 65535) {
		log_errx("'%s' is not HOST:PORT", s->opt->connect);
		return FX_EXIT_USAGE;
	}
	snprintf(s->host, sizeof(s->host), "%.*s",
		 (int)(colon - s->opt->connect), s->opt->connect);
	s->port = (int)port;
	while (!bench_probe_ready(s->def.protocol, s->host, s->port,
				  s->def.ready_path)) {
		if (fx_now() > deadline) {
			log_errx("nothing answers %s at %s:%d",
				 s->def.protocol == BDEF_PROTO_HTTP ? "HTTP"
								    : "PING",
				 s->host, s->port);
			return FX_EXIT_USAGE;
		}
		usleep(100 * 1000);
	}
	return FX_EXIT_OK;
}

/* Everything a caller can get wrong, checked before anything runs. */
static int
prepare(struct session *s)
{
	const struct bench_options *opt = s->opt;
	char *path, err[512];
	struct stat st;
	int m = 0;

	if (opt->app == NULL || strchr(opt->app, '/') != NULL) {
		log_errx("expected an application name");
		return FX_EXIT_USAGE;
	}
	path = xasprintf("%s/os/apps/%s/bench.yaml", fx_srcdir(), opt->app);
	if (access(path, F_OK) != 0) {
		log_errx("application '%s' has no benchmark definition '%s'",
			 opt->app, path);
		free(path);
		return FX_EXIT_USAGE;
	}
	if (bdef_load(path, &s->def, err, sizeof(err)) != 0) {
		log_errx("%s", err);
		free(path);
		return FX_EXIT_USAGE;
	}
	free(path);

	if (opt->metric != NULL &&
	    (m = bdef_metric_index(&s->def, opt->metric)) < 0) {
		struct strbuf names;

		sb_init(&names);
		for (int i = 0; i < s->def.nmetrics; i++)
			sb_addf(&names, "%s%s", i ? ", " : "",
				s->def.metrics[i].name);
		log_errx("application '%s' has no metric '%s' (it has: %s)",
			 opt->app, opt->metric, names.buf);
		sb_free(&names);
		return FX_EXIT_USAGE;
	}
	s->res->decided = m;
	s->res->nmetrics = s->def.nmetrics;
	for (int i = 0; i < s->def.nmetrics; i++) {
		struct bench_metric_result *r = &s->res->metrics[i];

		snprintf(r->name, sizeof(r->name), "%s",
			 s->def.metrics[i].name);
		snprintf(r->unit, sizeof(r->unit), "%s",
			 s->def.metrics[i].unit);
		r->higher_is_better = s->def.metrics[i].higher_is_better;
	}

	if (opt->min_reps < 1 || opt->max_reps < opt->min_reps ||
	    opt->max_reps > BENCH_MAX_SAMPLES || !(opt->spread > 0) ||
	    !(opt->duration > 0) || !(opt->ready_timeout > 0)) {
		log_errx("repetitions must satisfy 1 <= min <= max <= %d; "
			 "spread, duration and time limits must be positive",
			 BENCH_MAX_SAMPLES);
		return FX_EXIT_USAGE;
	}
	if ((opt->image == NULL) == (opt->connect == NULL)) {
		log_errx("expected an image or a server address, not %s",
			 opt->image ? "both" : "neither");
		return FX_EXIT_USAGE;
	}
	if (opt->connect != NULL && s->def.kind == BDEF_WORKLOAD) {
		log_errx("'%s' is a workload: it needs an image", opt->app);
		return FX_EXIT_USAGE;
	}
	if (opt->image != NULL && stat(opt->image, &st) != 0) {
		log_err("cannot use image '%s'", opt->image);
		return FX_EXIT_USAGE;
	}
	if (s->def.kind == BDEF_SERVER &&
	    !find_in_path(s->def.tool, s->tool_path, sizeof(s->tool_path))) {
		log_errx("the load generator '%s' is not installed; install "
			 "it with: apt-get install %s",
			 s->def.tool,
			 s->def.package[0] ? s->def.package : s->def.tool);
		return FX_EXIT_ENV;
	}
	return FX_EXIT_OK;
}

int
bench_run(const struct bench_options *opt, struct bench_result *result)
{
	struct session s;
	struct bench_host host;
	pid_t before[64];
	int nbefore, rc, sig;

	memset(&s, 0, sizeof(s));
	memset(result, 0, sizeof(*result));
	s.opt = opt;
	s.res = result;
	snprintf(s.host, sizeof(s.host), HOST);
	if ((rc = prepare(&s)) != FX_EXIT_OK)
		goto out;
	if ((rc = bench_host_fingerprint(&host)) != FX_EXIT_OK)
		goto out;
	memcpy(result->host_id, host.id, sizeof(result->host_id));
	choose_cpus(&s);
	if (s.def.kind == BDEF_WORKLOAD)
		snprintf(result->load_cpus, sizeof(result->load_cpus),
			 "none (workload)");
	if (opt->connect != NULL) {
		/* Not ours to pin: say so instead of naming cores. */
		snprintf(result->image_cpus, sizeof(result->image_cpus),
			 "unpinned (running server)");
		if ((rc = attach(&s)) != FX_EXIT_OK)
			goto out;
	}

	/*
	 * Orphans of the image (a daemon that left its group) become ours
	 * while this is set; the children there are now are not ours to stop.
	 */
	nbefore = bench_children(before, (int)FX_ARRAY_LEN(before));
	prctl(PR_SET_CHILD_SUBREAPER, 1);
	bench_signals_catch();

	if (s.def.kind == BDEF_SERVER && opt->image != NULL &&
	    start_server(&s) != 0)
		goto stop;
	if (s.def.protocol == BDEF_PROTO_HTTP && s.def.check_get[0] &&
	    check_http(&s) != 0)
		goto stop;
	if (s.def.protocol == BDEF_PROTO_RESP && s.def.check_setget &&
	    check_resp(&s) != 0)
		goto stop;
	measure(&s);
	/* A server that died after its last run still crashed under load. */
	if (result->status == BENCH_OK && s.image.pid > 0) {
		bench_proc_poll((struct bench_proc *[]){&s.image}, 1, 0);
		if (s.image.exited)
			crashed(&s, &s.image, "under load");
	}

stop:
	if (s.image.pid > 0) {
		bench_proc_kill(&s.image);
		bench_proc_free(&s.image);
	}
	prctl(PR_SET_CHILD_SUBREAPER, 0);
	bench_reap_orphans(before, nbefore);
	rc = FX_EXIT_OK;
	if ((sig = bench_signals_release()) != 0) {
		log_errx("the measurement was interrupted by signal %d", sig);
		rc = FX_EXIT_ENV;
	}
out:
	bdef_free(&s.def);
	return rc;
}

/* ---- Printing --------------------------------------------------------- */

void
bench_result_text(const struct bench_result *r, struct strbuf *sb)
{
	sb_addf(sb, "status:     %s\n", bench_status_name(r->status));
	if (r->status != BENCH_OK)
		sb_addf(sb, "reason:     %s\n", r->reason);
	sb_addf(sb, "host:       %s\n", r->host_id);
	sb_addf(sb, "cpus:       image %s, load generator %s\n", r->image_cpus,
		r->load_cpus);
	for (int i = 0; i < r->nmetrics; i++) {
		const struct bench_metric_result *m = &r->metrics[i];

		sb_addf(sb, "metric:     %s (%s, %s is better)%s\n", m->name,
			m->unit, m->higher_is_better ? "higher" : "lower",
			i == r->decided ? ", decides the repetitions" : "");
		if (m->nsamples == 0)
			continue;
		sb_adds(sb, "  samples: ");
		for (int j = 0; j < m->nsamples; j++)
			sb_addf(sb, " %.6g", m->samples[j]);
		sb_addf(sb, "\n  median:   %.6g %s\n", m->median, m->unit);
		sb_addf(sb,
			"  CI:       [%.6g, %.6g] (median, order statistics, "
			"coverage %.1f%%%s)\n",
			m->ci_low, m->ci_high, 100 * m->ci_level,
			m->ci_level < 0.95 ? "; 95% needs 6 runs" : "");
		sb_addf(sb, "  spread:   %.3f (CI half-width / median)\n",
			m->spread);
	}
	if (r->reps > 0)
		sb_addf(sb, "runs:       %d (stopped: %s)\n", r->reps,
			r->stop_reason);
}

void
bench_result_json(const struct bench_result *r, struct strbuf *sb)
{
	sb_adds(sb, "{\"status\":");
	sb_add_json_string(sb, bench_status_name(r->status));
	sb_adds(sb, ",\"reason\":");
	sb_add_json_string(sb, r->reason);
	sb_adds(sb, ",\"host\":");
	sb_add_json_string(sb, r->host_id);
	sb_adds(sb, ",\"image_cpus\":");
	sb_add_json_string(sb, r->image_cpus);
	sb_adds(sb, ",\"load_cpus\":");
	sb_add_json_string(sb, r->load_cpus);
	sb_addf(sb, ",\"runs\":%d,\"stop\":", r->reps);
	sb_add_json_string(sb, r->stop_reason);
	sb_adds(sb, ",\"decided\":");
	sb_add_json_string(sb, r->nmetrics ? r->metrics[r->decided].name : "");
	sb_adds(sb, ",\"metrics\":[");
	for (int i = 0; i < r->nmetrics; i++) {
		const struct bench_metric_result *m = &r->metrics[i];

		sb_adds(sb, i ? ",{\"name\":" : "{\"name\":");
		sb_add_json_string(sb, m->name);
		sb_adds(sb, ",\"unit\":");
		sb_add_json_string(sb, m->unit);
		sb_addf(sb, ",\"better\":\"%s\",\"samples\":[",
			m->higher_is_better ? "higher" : "lower");
		for (int j = 0; j < m->nsamples; j++)
			sb_addf(sb, "%s%.17g", j ? "," : "", m->samples[j]);
		sb_adds(sb, "]");
		if (m->nsamples > 0)
			sb_addf(sb,
				",\"median\":%.17g,\"ci_low\":%.17g,"
				"\"ci_high\":%.17g,\"ci_level\":%.6f,"
				"\"spread\":%.6f",
				m->median, m->ci_low, m->ci_high, m->ci_level,
				m->spread);
		sb_adds(sb, "}");
	}
	sb_adds(sb, "]}");
}
