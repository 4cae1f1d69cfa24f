/*
 * bench: what this host is, and what one image costs on it.
 *
 * Two halves.  The host half describes the machine (hwloc topology, CPU
 * features that matter to isolation, kernel) and condenses it into a
 * stable fingerprint id that keys every measurement; it also says which
 * isolation mechanisms the host can run.  The measurement half runs one
 * image pinned to its own cores, drives it with the application's load
 * generator on other cores, and repeats until the median is known well
 * enough.
 *
 * Contract a caller may rely on:
 *  - bench_run() never leaves a process behind, whatever happened.
 *  - A failing image (did not start, not ready, crashed, wrong answer,
 *    ran too long) is a result: bench_run() returns 0 and the reason is
 *    in result->status and result->reason.  Only problems of the caller or
 *    the host (bad definition, unknown metric, missing load generator) make
 *    bench_run() return non-zero, an enum fx_exit code.
 *  - Numbers are in the metric's own unit; result->higher_is_better says
 *    which way is good.
 */
#ifndef FX_BENCH_H
#define FX_BENCH_H

#include "../util/util.h"

#define BENCH_ID_LEN 16 /* hex digits of a host fingerprint id */
#define BENCH_MAX_CACHES 8
#define BENCH_MAX_NUMA 8 /* NUMA nodes described one by one */
#define BENCH_MAX_METRICS 4
#define BENCH_MAX_SAMPLES 64

/* ---- The host --------------------------------------------------------- */

struct bench_cache {
	int level;		 /* 1, 2, 3, ... */
	char type[8];		 /* "data", "instr", "unified" */
	unsigned long long size; /* bytes */
	int count;		 /* how many of this cache the machine has */
};

struct bench_host {
	char id[BENCH_ID_LEN + 1]; /* hash over the identifying fields */
	char cpu_vendor[32];
	char cpu_model[96];
	int cpu_family, cpu_model_num, cpu_stepping;
	int packages, cores, pus, numa_nodes;
	unsigned long long memory; /* bytes, total over NUMA nodes */
	/* The first BENCH_MAX_NUMA nodes: their PUs and memory. */
	struct bench_numa {
		int os_index;
		char cpus[64]; /* PU list, "0-3,8-11" */
		unsigned long long memory;
	} numa[BENCH_MAX_NUMA];
	int ncaches;
	struct bench_cache caches[BENCH_MAX_CACHES];
	char os[32];	 /* uname -s */
	char kernel[96]; /* uname -r */
	char arch[32];	 /* uname -m */
	/* CPUID feature bits; ospke means the OS turned protection keys on. */
	int pku, ospke, smep, smap, cet_ss, cet_ibt;
};

/**
 * Describe this host.  Returns 0, or an fx_exit code with a logged error
 * (hwloc could not read the topology).  Volatile facts (frequency, load,
 * free memory) are not part of the description, so the id is stable from
 * one run to the next on the same machine and kernel.
 */
int bench_host_fingerprint(struct bench_host *host);

/**
 * Whether this host can run isolation mechanism @mech: "none" and "fcall"
 * always, "proc" on Linux, "mpk" only when the CPU has protection keys and
 * the OS enabled them (PKU and OSPKE).  Unknown names: 0.
 */
int bench_host_can_run(const struct bench_host *host, const char *mech);

/**
 * Why this host cannot run @mech ("the CPU has no protection keys"), or
 * NULL when it can.  A static string.
 */
const char *bench_host_lacks(const struct bench_host *host, const char *mech);

/**
 * The mechanisms bench_host_can_run() accepts, NULL-terminated, weakest
 * first, for listing ("fcall", "proc", "mpk"; "none" is left out).
 */
extern const char *const bench_mechanisms[];

/** Append @host as one JSON object (no newline) to @sb. */
void bench_host_json(const struct bench_host *host, struct strbuf *sb);

/** Append @host as aligned "key: value" lines for people to @sb. */
void bench_host_text(const struct bench_host *host, struct strbuf *sb);

/* ---- Measuring one image ---------------------------------------------- */

enum bench_status {
	BENCH_OK = 0,
	BENCH_NOT_STARTED, /* could not run, or exited before ready */
	BENCH_NOT_READY,   /* alive but did not answer within the limit */
	BENCH_CRASHED,	   /* died under load (signal or exit status) */
	BENCH_WRONG,	   /* answered, but not what was expected */
	BENCH_TIMEOUT,	   /* ran past its time limit; killed */
	BENCH_LOAD_FAILED, /* the load generator failed or got no answers */
};

/** "ok", "not-started", "not-ready", "crashed", "wrong-answer", ... */
const char *bench_status_name(enum bench_status status);

struct bench_options {
	const char *app;   /* application: os/apps/APP/bench.yaml */
	const char *image; /* the image to run; NULL with connect */
	/*
	 * Instead of an image, measure a server already listening at
	 * "HOST:PORT" (not started, not stopped, not pinned by us).
	 */
	const char *connect;
	const char *metric;	 /* the metric to decide on; NULL: first */
	const char *const *args; /* extra image arguments, NULL-terminated */
	int min_reps;		 /* at least this many measured runs (3) */
	int max_reps;		 /* at most this many (10) */
	double spread;		 /* stop when the CI half-width / median is
				    at most this (0.05) */
	double duration;	 /* seconds of one measured run (2) */
	double warmup;		 /* seconds of the warm-up run (1) */
	double ready_timeout;	 /* seconds to wait for readiness (10) */
	double run_timeout;	 /* limit on one client or workload run,
				    beyond its own duration (30) */
};

/** Fill @opt with the defaults above (app and image left NULL). */
void bench_options_init(struct bench_options *opt);

struct bench_metric_result {
	char name[32]; /* as in the definition: "requests", "get" */
	char unit[32]; /* "requests/s" */
	int higher_is_better;
	int nsamples;
	double samples[BENCH_MAX_SAMPLES]; /* one per measured run */
	/* Statistics of the samples (valid when nsamples > 0). */
	double median;
	double ci_low, ci_high; /* confidence interval of the median */
	double ci_level;	/* its exact coverage, e.g. 0.961 */
	double spread;		/* (ci_high - ci_low) / 2 / median */
};

struct bench_result {
	enum bench_status status;
	char reason[512]; /* why it failed, quoting the image or tool */
	/* Where things ran, as hwloc cpuset lists ("0", "1-3"). */
	char image_cpus[64];
	char load_cpus[64];
	char host_id[BENCH_ID_LEN + 1];

	int nmetrics;
	struct bench_metric_result metrics[BENCH_MAX_METRICS];
	int decided; /* index of the metric the repetitions decide on */
	int reps;    /* measured runs done */
	char stop_reason[64]; /* "spread 0.031 <= 0.05", "cap of 10 runs" */
};

/**
 * Measure one image (or an already running server, see connect) with the
 * application's benchmark definition.  Returns 0 with @result filled,
 * success or a failure of the image; otherwise an fx_exit code with a
 * logged message: FX_EXIT_USAGE for a bad definition, unknown
 * application or metric, or a connect address where nothing answers;
 * FX_EXIT_ENV for a missing load generator (saying which package to
 * install), or a measurement interrupted by a signal whose previous
 * action did not end the engine (the result is then not to be used).
 * While it runs, SIGINT, SIGTERM, SIGHUP and SIGQUIT first stop the
 * processes it started, then take their previous action.
 */
int bench_run(const struct bench_options *opt, struct bench_result *result);

/** Append the result for people (samples, median, CI, reps) to @sb. */
void bench_result_text(const struct bench_result *result, struct strbuf *sb);

/** Append the result as one JSON object (no newline) to @sb. */
void bench_result_json(const struct bench_result *result, struct strbuf *sb);

#endif /* FX_BENCH_H */
