/*
 * bench's own interfaces between its files: benchmark definitions, output
 * parsers, statistics, processes and probes.  Not for other modules.
 */
#ifndef FX_BENCH_INTERNAL_H
#define FX_BENCH_INTERNAL_H

#include <stddef.h>
#include <sys/types.h>

#include "bench.h"

/* ---- Benchmark definitions (os/apps/APP/bench.yaml) ------------------- */

#define BDEF_MAX_ARGS 32

/* How the image is driven. */
enum bdef_kind {
	BDEF_SERVER,   /* a server: readiness, then a load generator */
	BDEF_WORKLOAD, /* the image is the workload: run it, read its output */
};

/* How readiness and correctness are probed. */
enum bdef_protocol {
	BDEF_PROTO_NONE,
	BDEF_PROTO_HTTP,
	BDEF_PROTO_RESP,
};

/* Which parser reads the output of the client (or of the workload). */
enum bdef_parser {
	BDEF_PARSE_WRK,	      /* wrk's summary */
	BDEF_PARSE_REDIS_CSV, /* redis-benchmark --csv */
	BDEF_PARSE_KEYVALUE,  /* lines "key=value" (the image's own) */
};

struct bdef_metric {
	char name[32]; /* what --metric names */
	char unit[32];
	int higher_is_better;
	char field[64]; /* what the parser looks for: a test name, a key */
	int line;	/* where it is defined, for messages */
};

struct bench_def {
	char path[256];
	enum bdef_kind kind;
	enum bdef_protocol protocol;
	char ready_path[128]; /* HTTP path the readiness probe gets */

	/*
	 * The load generator (server kind) and its arguments, or the image's
	 * own arguments (workload kind): templates with {host} {port}
	 * {duration} {requests}.
	 */
	char tool[64];
	char package[64]; /* the Debian package that has it */
	int nargs;
	char *args[BDEF_MAX_ARGS];
	enum bdef_parser parser;
	/*
	 * {requests} of a measured run, for count-based clients: sized from
	 * the warm-up's rates to last the duration, then clamped to these.
	 */
	unsigned long requests_min, requests_max;

	/* The correctness check after readiness. */
	char check_get[128];	 /* HTTP: the path to get */
	char check_file[128];	 /* HTTP: content file it must equal */
	int check_setget;	 /* RESP: SET a key, GET it back */
	char check_equal[2][32]; /* workload: keys that must print the
				    same value ("rows", "inserts") */

	int nmetrics;
	struct bdef_metric metrics[BENCH_MAX_METRICS];
};

/**
 * Load a definition.  Returns 0, or -1 with "file:line: what was expected"
 * in @err.
 */
int bdef_load(const char *path, struct bench_def *def, char *err,
	      size_t errlen);

/** Load from a string; @name stands for the file in messages. */
int bdef_load_string(const char *text, const char *name, struct bench_def *def,
		     char *err, size_t errlen);

void bdef_free(struct bench_def *def);

/** Index of metric @name, or -1. */
int bdef_metric_index(const struct bench_def *def, const char *name);

/* ---- Parsing output --------------------------------------------------- */

/*
 * Each parser reads one run's output and fills values[i] for every metric
 * of the definition.  Returns 0; -1 with a message quoting the text it did
 * not expect in @err; 1 when the output is well formed but shows wrong
 * answers (wrk's non-2xx responses, a failed workload check); or 2 when
 * it shows no answer at all (a server that stopped answering), described
 * in @err.
 */
int bench_parse_wrk(const char *out, const struct bench_def *def,
		    double *values, char *err, size_t errlen);
int bench_parse_redis_csv(const char *out, const struct bench_def *def,
			  double *values, char *err, size_t errlen);
int bench_parse_keyvalue(const char *out, const struct bench_def *def,
			 double *values, char *err, size_t errlen);

/** Dispatch on def->parser. */
int bench_parse(const char *out, const struct bench_def *def, double *values,
		char *err, size_t errlen);

/* ---- Statistics ------------------------------------------------------- */

/** Median of @n values (n > 0); @v is not changed. */
double bench_median(const double *v, int n);

/**
 * Distribution-free confidence interval of the median from order
 * statistics: the widest-inside interval [x(k), x(n+1-k)] whose exact
 * binomial coverage is at least @level; when even [min, max] covers less
 * (n < 6 for 95%), [min, max] with its own coverage.  Sets *lo, *hi and
 * *coverage.  n > 0.
 */
void bench_median_ci(const double *v, int n, double level, double *lo,
		     double *hi, double *coverage);

/** Fill a metric result's statistics from its samples. */
void bench_metric_stats(struct bench_metric_result *m);

/* ---- Processes -------------------------------------------------------- */

/*
 * A child in its own process group, its stdout and stderr captured.
 * Everything it prints is kept (bounded), so it never blocks on a pipe.
 */
struct bench_proc {
	pid_t pid; /* also the process group id; 0 when none */
	int out_fd, err_fd;
	struct strbuf out, err;
	int exited; /* reaped; status holds the wait status */
	int status;
};

/**
 * Start @argv (argv[0] a path or a name looked up in PATH) in a new
 * process group, bound to the CPUs of @cpus (a glibc cpu_set_t, or NULL).
 * Returns 0, or -1 with errno when it could not be started; an exec
 * failure shows as exit status 127 with the reason on its stderr.
 */
int bench_proc_start(struct bench_proc *p, char *const argv[], const void *cpus,
		     size_t cpus_size);

/**
 * Read whatever @n processes printed and reap those that exited, waiting
 * up to @timeout seconds for something to happen.
 */
void bench_proc_poll(struct bench_proc **procs, int n, double timeout);

/**
 * Stop @p and everything in its process group: SIGTERM, a short grace,
 * SIGKILL; then reap.  Safe to call twice or on a process that exited.
 */
void bench_proc_kill(struct bench_proc *p);

/** Free the buffers and close the pipes (after bench_proc_kill). */
void bench_proc_free(struct bench_proc *p);

/**
 * Describe a wait status for people: "exit status 3", "signal 11 (SIGSEGV)".
 */
void bench_wait_text(int status, char *buf, size_t len);

/**
 * While a measurement runs, SIGINT, SIGTERM, SIGHUP and SIGQUIT first kill
 * every process group bench_proc_start() started and not yet stopped,
 * then take the engine's previous action (by default: the engine dies of
 * the signal).  Children also get SIGKILL should the engine die.
 * bench_signals_release() restores the previous actions and returns the
 * signal that came meanwhile, or 0.
 */
void bench_signals_catch(void);
int bench_signals_release(void);
int bench_interrupted(void);

/**
 * The live children of this process (from /proc/self/task/T/children);
 * returns how many were stored in @pids.
 */
int bench_children(pid_t *pids, int max);

/**
 * Kill and reap every child of this process that is not in @before:
 * orphans of a measurement, re-parented to the engine while bench_run()
 * had it be a child subreaper.
 */
void bench_reap_orphans(const pid_t *before, int nbefore);

/* ---- Probes ----------------------------------------------------------- */

/**
 * One readiness probe: does the server at host:port answer (HTTP: any
 * response to GET @path; RESP: +PONG to PING)?  1 yes, 0 not yet.
 */
int bench_probe_ready(enum bdef_protocol proto, const char *host, int port,
		      const char *path);

/** HTTP GET into @body; returns the status code, or -1 with @err. */
long bench_http_get(const char *host, int port, const char *path,
		    struct strbuf *body, char *err, size_t errlen);

/**
 * Send one RESP command (words @argv) and read one reply into @reply
 * (raw, with its type byte).  Returns 0, or -1 with @err.
 */
int bench_resp_command(const char *host, int port, const char *const *argv,
		       int argc, struct strbuf *reply, char *err,
		       size_t errlen);

#endif /* FX_BENCH_INTERNAL_H */
