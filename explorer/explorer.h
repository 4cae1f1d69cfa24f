/*
 * explorer: the exploration engine's own interfaces between its files.
 * Not for other modules; they read the database (db/db.h).
 *
 * An exploration measures the baseline, turns the budget into a number,
 * and then decides every configuration of the space as meeting the budget
 * (pass) or not (miss), evaluating as few as it can: under the safety
 * order, a pass makes everything less safe a pass and a miss everything
 * safer a miss, so the engine keeps only the frontier, the maximal
 * evaluated passes and the minimal evaluated misses, two antichains.
 */
#ifndef FX_EXPLORER_H
#define FX_EXPLORER_H

#include <stdint.h>

#include "../configspace/configspace.h"
#include "../db/db.h"

#define EV_MAX_SAMPLES 64

/* ---- Evaluators ------------------------------------------------------ */

/* What one evaluation of a configuration gave. */
struct ev_result {
	int ok; /* 0: failed; reason says why */
	char reason[1024];
	int nsamples;
	double samples[EV_MAX_SAMPLES];
	/* When an image was built for it (the real evaluator). */
	int built, build_ok;
	char image[4096];
	double build_seconds;
};

/*
 * How configurations are measured: replayed from a CSV file, simulated,
 * or built and benchmarked.  The strings key every measurement in the
 * database and make up the exploration's identity.
 */
struct evaluator {
	const char *kind; /* "replay", "sim", "real" */
	char *id;	  /* evaluator identity for the exploration key */
	char *revision;	  /* OS revision (or replay:/sim: source) */
	char *toolchain;  /* compilers, or what stands for them */
	char *host_fp;	  /* host fingerprint */
	char *host_json;  /* its description, with "mechanisms" */
	char *metric;	  /* resolved metric name */
	int higher_is_better;
	/* Mechanisms this evaluator can run; NULL-terminated. */
	char **mechanisms;
	/* Why it cannot run the space's mechanism m, or NULL if unknown. */
	char *lacks[CS_MAX_MECHANISMS];
	/* Measure @cfg once more.  0, or an fx_exit code that stops all. */
	int (*evaluate)(struct evaluator *ev, const struct cs_config *cfg,
			struct ev_result *res);
	void (*free)(struct evaluator *ev);
	const struct cs_space *sp;
	void *state;
};

/**
 * Replay results from a CSV file (columns compartments, hardened, and one
 * per metric).  Returns NULL with the reason logged ("file:line: ...")
 * and *code set.
 */
struct evaluator *ev_replay_open(const struct cs_space *sp, const char *path,
				 const char *metric, int *code);

/* Parameters of the simulated evaluator (planted monotone costs). */
struct sim_params {
	uint64_t seed;
	double base;	  /* baseline value */
	double noise;	  /* relative standard deviation of a sample */
	int samples;	  /* samples per evaluation */
	double delay;	  /* seconds each evaluation takes */
	int lower_better; /* the metric is a latency */
};

/** Parse "seed=N,noise=X,samples=N,delay=S,base=V,lower" into @p. */
int sim_parse(const char *spec, struct sim_params *p, char *msg, size_t msglen);
struct evaluator *ev_sim_open(const struct cs_space *sp,
			      const struct sim_params *p);
/** The planted (noise-free) value of @cfg under @p. */
double sim_value(const struct cs_space *sp, const struct sim_params *p,
		 const struct cs_config *cfg);

/**
 * Build with builder/ and measure with bench/ on this host (@runs
 * measured runs of @seconds each; 0 leaves bench's defaults).  Returns NULL
 * with the reason logged and *code set.
 */
struct evaluator *ev_real_open(const struct cs_space *sp, const char *metric,
			       int runs, double seconds, int *code);

void ev_free(struct evaluator *ev);
/** Whether the evaluator runs mechanism @mech (a name). */
int ev_runnable_mechanism(const struct evaluator *ev, const char *mech);
/** Whether @ev can run the mechanism of @cfg. */
int ev_runnable(const struct evaluator *ev, const struct cs_space *sp,
		const struct cs_config *cfg);

/* ---- Statistics ------------------------------------------------------ */

struct ex_stats {
	double median, ci_low, ci_high;
	int n;
};

/** Median of @v and a ~95% confidence interval of it. */
void ex_stats(const double *v, int n, struct ex_stats *st);

/*
 * Reproducible random numbers: the @n-th of the stream @seed, uniform in
 * [0, 1) or standard normal.  The same arguments give the same number.
 */
double ex_unit_random(uint64_t seed, uint64_t n);
double ex_gaussian(uint64_t seed, uint64_t n);

/* ---- The frontier ---------------------------------------------------- */

/* An antichain of configurations, with their measured values. */
struct antichain {
	struct cs_config *cfg;
	double *value;
	int n, cap;
};

void ac_free(struct antichain *a);
/** Add @c as a maximal (@upper) or minimal element, dropping those it
 * dominates; no-op when an element already dominates it. */
void ac_add(const struct cs_space *sp, struct antichain *a,
	    const struct cs_config *c, double value, int upper);
/** Index of an element at least as safe as @c (upper) / at most as safe. */
int ac_find_above(const struct cs_space *sp, const struct antichain *a,
		  const struct cs_config *c);
int ac_find_below(const struct cs_space *sp, const struct antichain *a,
		  const struct cs_config *c);

/* ---- The model ------------------------------------------------------- */

struct model;
struct model *model_new(const struct cs_space *sp, int higher_is_better);
void model_free(struct model *m);
/** Learn from one evaluated configuration and its value. */
void model_add(struct model *m, const struct cs_config *cfg, double value);
/** Predicted value of @cfg (the baseline's until anything is learnt). */
double model_predict(struct model *m, const struct cs_config *cfg);
int model_nfeatures(const struct model *m);
/** The indices of the features @cfg has (all of value 1); returns count. */
int model_features(const struct model *m, const struct cs_config *cfg,
		   int *idx);
/** @value as a time relative to the first value learnt, minus one. */
double model_time(const struct model *m, double value);
/**
 * Draw @ns cost vectors (model_nfeatures() each, one after the other in
 * @w) from the posterior of a Bayesian reading of the model, costs cut at
 * zero; numbers @draws onward of the random stream @seed are used and
 * @draws moves past them.  A configuration's time is one plus the sum of
 * its features' costs.
 */
void model_sample(struct model *m, uint64_t seed, uint64_t *draws, int ns,
		  double *w);

/* ---- Explorations ---------------------------------------------------- */

enum ex_strategy {
	EX_EXHAUSTIVE,
	EX_POSET,
	EX_MODEL,
};

struct ex_options {
	const char *app;       /* application or space name */
	const char *spec;      /* space file, or NULL: the app's */
	const char *budget;    /* as given */
	const char *metric;    /* NULL: the evaluator's default */
	const char *direction; /* "higher", "lower" or NULL: the metric's */
	enum ex_strategy strategy;
	const char *replay;	/* CSV file */
	const char *simulate;	/* sim_parse() spec */
	const char *db_path;	/* NULL: db_default_path() */
	const char *mechanisms; /* comma list overriding the host's */
	int verify;
	long max_evals;	      /* 0: no limit */
	int max_rounds;	      /* measurements of a straddling configuration */
	int bench_runs;	      /* measured runs per benchmark (0: bench's own) */
	double bench_seconds; /* seconds per run (0: bench's own) */
	int detach;
	int quiet;    /* no ranking on stdout (tests) */
	int progress; /* draw a progress bar (-1: when stderr is a tty) */
};

/* What an exploration found, for callers that check it (tests, bench). */
struct ex_outcome {
	int exit_code;
	int64_t exploration_id;
	long evaluated, reused, failed, skipped, uncertain, verified;
	long violations;
	double inferred; /* decided without evaluation */
	double baseline, budget_value;
	struct antichain pass; /* maximal passes */
	struct antichain miss; /* minimal misses */
	double engine_seconds; /* time spent deciding, not evaluating */
	long decisions;
};

void ex_outcome_free(struct ex_outcome *o);

/** Parse a budget: 1 for a percentage, 0 for an absolute value, -1 bad. */
int ex_parse_budget(const char *s, double *value, char *msg, size_t msglen);

/**
 * Run (or resume, or answer from) the exploration @opt describes.
 * Returns an fx_exit code; @out (may be NULL) gets what was found.
 */
int ex_run(const struct ex_options *opt, struct ex_outcome *out);

/* The progress display (progress.c). */
void progress_start(int enabled);
void progress_update(long evaluated, double inferred_pct, int npass, int nmiss,
		     const char *current);
void progress_stop(void);

#endif /* FX_EXPLORER_H */
