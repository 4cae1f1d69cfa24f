/*
 * The search over one space: which configuration to evaluate next, and
 * what follows from each outcome.  Knows nothing of databases or
 * evaluators; the engine answers its questions through a callback.
 *
 * State is the frontier only: the maximal evaluated passes and the minimal
 * evaluated misses (antichains), the few configurations that failed or
 * stayed uncertain (decided as neither), and a cursor over the space's
 * placements that only moves forward.  A configuration is decided when it
 * is at most as safe as a maximal pass, at least as safe as a minimal
 * miss, excluded, or not runnable here; the search ends when no
 * configuration is undecided, and then the two antichains are exactly the
 * border.  Only model-guided search in a small space holds more: every
 * configuration, for its chooser.
 */
#ifndef FX_SEARCH_H
#define FX_SEARCH_H

#include "explorer.h"

enum sr_outcome {
	SR_PASS = 1,
	SR_MISS = 0,
	SR_NONE = -1, /* failed, uncertain or skipped: decided as neither */
	SR_STOP = -2, /* stop the search (limit, signal or error) */
};

struct search;

/**
 * Evaluate @cfg (never decided before) and return its outcome.  The
 * search has already recorded nothing about it; it adds the result to its
 * frontier itself from what this returns, with @value the measured value.
 */
typedef enum sr_outcome (*sr_eval_fn)(void *arg, const struct cs_config *cfg,
				      double *value);
/** Whether @cfg can be evaluated here (its mechanism runs). */
typedef int (*sr_runnable_fn)(void *arg, const struct cs_config *cfg);

struct search *sr_new(const struct cs_space *sp, enum ex_strategy strategy,
		      int higher_is_better, double budget, sr_eval_fn eval,
		      sr_runnable_fn runnable, void *arg);
void sr_free(struct search *s);

/** Record an outcome found outside the search (the baseline). */
void sr_record(struct search *s, const struct cs_config *cfg,
	       enum sr_outcome outcome, double value);

/**
 * Run until every configuration is decided (returns 0) or the callback
 * said stop (returns -1).
 */
int sr_run(struct search *s);

/** 1 known pass, 0 known miss, -1 undecided, -2 excluded/not runnable. */
int sr_known(struct search *s, const struct cs_config *cfg);

const struct antichain *sr_pass(const struct search *s);
const struct antichain *sr_miss(const struct search *s);
/**
 * How many configurations of the space this host can run (product
 * spaces are counted by placement; others by a scan).
 */
uint64_t sr_count_runnable(struct search *s);

/**
 * How far the finder has come through the space, in [0, 1]: what lies
 * before its cursor is decided for good.
 */
double sr_progress(const struct search *s);

/** Configurations the search looked at to choose (engine statistics). */
long sr_choices(const struct search *s);

/*
 * The chooser of model-guided search in small spaces (border.c): it
 * holds every runnable configuration, their covers, their features
 * under the model and the order.
 */
struct border_chooser;

/** NULL when the space has more than @max configurations. */
struct border_chooser *bc_new(const struct cs_space *sp, int max,
			      const struct model *m, sr_runnable_fn runnable,
			      void *arg);
void bc_free(struct border_chooser *bc);
int bc_size(const struct border_chooser *bc);
const struct cs_config *bc_config(const struct border_chooser *bc, int i);
/**
 * The configuration to evaluate next, given @known[i] for each (1 pass,
 * 0 miss, -1 undecided, -2 neither), or -1 when none is undecided.
 * @budget_time is the budget as model_time() gives it.
 */
int bc_choose(struct border_chooser *bc, struct model *m, const int *known,
	      double budget_time);

#endif /* FX_SEARCH_H */
