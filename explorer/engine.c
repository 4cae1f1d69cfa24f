/*
 * One exploration from start to ranking: the space, the evaluator, the
 * database, the baseline and budget, the search, verification, and what
 * is printed at the end.  Every outcome is written the moment it is
 * known, so a killed engine loses nothing; the same command resumes by
 * running the (deterministic) search again, answering every configuration
 * already decided from the database instead of measuring it.
 */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../util/log.h"
#include "../util/util.h"
#include "explorer.h"
#include "search.h"

/* Spaces up to this size get a decision row for every configuration. */
#define EX_FULL_RECORD_LIMIT 100000
#define EX_MAX_VIOLATIONS_SHOWN 20

static volatile sig_atomic_t stop_signal;

static void
on_stop_signal(int sig)
{
	stop_signal = sig;
}

/* A decision stored by an earlier run of this exploration. */
struct prior {
	int64_t config_id;
	enum db_kind kind;
	int pass;
	double value;
};

/* One evaluated configuration, for verification and the summary. */
struct measured {
	struct cs_config cfg;
	double value, ci_low, ci_high;
	int verified;
};

struct engine {
	const struct ex_options *opt;
	struct cs_space *sp;
	struct evaluator *ev;
	struct db *db;
	struct db_exploration ex;
	struct search *search;
	int lock_fd;
	int progress; /* a progress line is drawn */
	int higher;
	double baseline, budget;

	struct prior *prior;
	int nprior;
	struct measured *measured;
	int nmeasured, measured_cap;

	long evaluated, reused, failed, uncertain, verified, violations;
	long new_evals;
	int64_t fresh_id; /* measured just now, before its decision */
	double eval_seconds;
	int stop_code;
	char stop_reason[160];
};

/* ---- Budgets --------------------------------------------------------- */

int
ex_parse_budget(const char *s, double *value, char *msg, size_t msglen)
{
	size_t len = strlen(s);
	int percent = len > 0 && s[len - 1] == '%';
	char *num = xstrndup(s, percent ? len - 1 : len), *end;
	double v;

	errno = 0;
	v = strtod(num, &end);
	if (len == 0 || end == num || *end != '\0' || errno != 0 ||
	    !isfinite(v)) {
		snprintf(msg, msglen,
			 "budget '%s' is not a number; expected "
			 "a percentage of the baseline ('80%%') or a value "
			 "in the metric's unit ('50000')",
			 s);
		free(num);
		return -1;
	}
	free(num);
	if (v <= 0) {
		snprintf(msg, msglen, "budget '%s' must be above zero", s);
		return -1;
	}
	if (percent && v > 100) {
		snprintf(msg, msglen,
			 "budget '%s' asks for more than the "
			 "baseline, which no configuration safer than it "
			 "can give; expected at most 100%%",
			 s);
		return -1;
	}
	*value = v;
	return percent;
}

/* Whether @v meets the budget. */
static int
meets(const struct engine *e, double v)
{
	return e->higher ? v >= e->budget : v <= e->budget;
}

/* ---- Database records ------------------------------------------------ */

static int64_t
config_id(struct engine *e, const struct cs_config *cfg)
{
	struct strbuf name;
	char hash[CS_HASH_LEN + 1];
	struct db_config_row row;
	int64_t id;

	sb_init(&name);
	cs_name(e->sp, cfg, &name);
	cs_hash_name(name.buf, hash);
	row.space_name = cs_space_name(e->sp);
	row.name = name.buf;
	row.hash = hash;
	row.compartments = cs_config_ncompartments(e->sp, cfg);
	row.mechanism = cs_config_mechanism(e->sp, cfg);
	row.score = cs_score(e->sp, cfg);
	id = db_config(e->db, e->ex.space_id, &row);
	sb_free(&name);
	return id;
}

static char *
config_name(struct engine *e, const struct cs_config *cfg)
{
	struct strbuf name;

	sb_init(&name);
	cs_name(e->sp, cfg, &name);
	return sb_detach(&name);
}

static int
cmp_prior(const void *a, const void *b)
{
	const struct prior *x = a, *y = b;

	return (x->config_id > y->config_id) - (x->config_id < y->config_id);
}

static int
load_prior(const struct db_decision *d, void *arg)
{
	struct engine *e = arg;

	if (d->kind != DB_EVALUATED && d->kind != DB_FAILED &&
	    d->kind != DB_UNCERTAIN && d->kind != DB_VERIFIED)
		return 0;
	e->prior = xrealloc(e->prior, (e->nprior + 1) * sizeof(*e->prior));
	e->prior[e->nprior].config_id = d->config_id;
	e->prior[e->nprior].kind = d->kind;
	e->prior[e->nprior].pass = d->pass;
	e->prior[e->nprior].value = d->value;
	e->nprior++;
	return 0;
}

static const struct prior *
find_prior(const struct engine *e, int64_t id)
{
	struct prior key = {.config_id = id};

	if (e->nprior == 0)
		return NULL;
	return bsearch(&key, e->prior, e->nprior, sizeof(*e->prior), cmp_prior);
}

static void
add_measured(struct engine *e, const struct cs_config *cfg,
	     const struct ex_stats *st, int verified)
{
	if (e->nmeasured == e->measured_cap) {
		e->measured_cap = e->measured_cap ? 2 * e->measured_cap : 64;
		e->measured = xrealloc(e->measured,
				       e->measured_cap * sizeof(*e->measured));
	}
	e->measured[e->nmeasured].cfg = *cfg;
	e->measured[e->nmeasured].value = st->median;
	e->measured[e->nmeasured].ci_low = st->ci_low;
	e->measured[e->nmeasured].ci_high = st->ci_high;
	e->measured[e->nmeasured].verified = verified;
	e->nmeasured++;
}

/* ---- Measuring ------------------------------------------------------- */

/*
 * Measure one more round of @cfg and store its samples at once.  Returns
 * 1 with the samples appended to *vals, 0 when the evaluation failed
 * (@reason says why), or -1 when the engine must stop (e->stop_code).
 */
static int
measure_round(struct engine *e, const struct db_mkey *key,
	      const struct cs_config *cfg, double **vals, int *n, char *reason,
	      size_t reasonlen)
{
	struct ev_result res;
	double t0 = fx_now();
	int rc = e->ev->evaluate(e->ev, cfg, &res);

	e->eval_seconds += fx_now() - t0;

	/*
	 * Interrupted while it ran: whatever the evaluation says is not a
	 * result (a build or benchmark cut short), so nothing is stored.
	 */
	if (stop_signal) {
		e->stop_code = 128 + stop_signal;
		snprintf(e->stop_reason, sizeof(e->stop_reason),
			 "stopped by signal %d", (int)stop_signal);
		return -1;
	}
	if (rc != 0) {
		e->stop_code = rc;
		snprintf(e->stop_reason, sizeof(e->stop_reason),
			 "the evaluator cannot go on");
		return -1;
	}
	if (res.built)
		db_add_build(e->db, key, res.build_ok,
			     res.build_ok ? res.image : NULL,
			     res.build_ok ? NULL : res.reason,
			     res.build_seconds);
	if (!res.ok || res.nsamples == 0) {
		snprintf(reason, reasonlen, "%s",
			 res.reason[0] ? res.reason : "no samples");
		return 0;
	}
	if (db_add_samples(e->db, key, e->ex.id, res.samples, res.nsamples) <
	    0) {
		e->stop_code = FX_EXIT_ENV;
		snprintf(e->stop_reason, sizeof(e->stop_reason),
			 "cannot store measurements");
		return -1;
	}
	*vals = xrealloc(*vals, (*n + res.nsamples) * sizeof(double));
	memcpy(*vals + *n, res.samples, res.nsamples * sizeof(double));
	*n += res.nsamples;
	return 1;
}

static int
store_decision(struct engine *e, struct db_decision *d)
{
	if (db_add_decision(e->db, e->ex.id, d) != 0) {
		e->stop_code = FX_EXIT_ENV;
		snprintf(e->stop_reason, sizeof(e->stop_reason),
			 "cannot store a decision");
		return -1;
	}
	return 0;
}

static void
show_progress(struct engine *e, const char *current)
{
	if (e->search == NULL)
		return;
	progress_update(e->evaluated, sr_progress(e->search),
			sr_pass(e->search)->n, sr_miss(e->search)->n, current);
}

/*
 * Evaluate @cfg: reuse matching samples or measure, measure again while
 * the interval straddles the budget (bounded), and store the decision.
 * @kind is DB_EVALUATED, or DB_VERIFIED for --verify.  Returns the
 * outcome; *st gets the statistics.
 */
static enum sr_outcome
evaluate(struct engine *e, const struct cs_config *cfg, enum db_kind kind,
	 const char *why, struct ex_stats *st)
{
	struct db_mkey key;
	struct db_decision d = {0};
	char reason[1200] = "", *name = config_name(e, cfg);
	double *vals = NULL;
	int n = 0, rounds = 0, rc, reused;
	enum sr_outcome out;

	memset(st, 0, sizeof(*st));
	key.config_id = config_id(e, cfg);
	key.revision_id = e->ex.revision_id;
	key.toolchain = e->ex.toolchain;
	key.host_id = e->ex.host_id;
	key.metric = e->ex.metric;
	if (key.config_id < 0 || db_find_samples(e->db, &key, &vals, &n)) {
		e->stop_code = FX_EXIT_ENV;
		snprintf(e->stop_reason, sizeof(e->stop_reason),
			 "database error");
		free(vals);
		free(name);
		return SR_STOP;
	}
	reused = n > 0 && key.config_id != e->fresh_id;
	show_progress(e, name);
	log_debug("evaluating '%s'%s", name, reused ? " (stored)" : "");

	for (;;) {
		if (n == 0 || rounds > 0) {
			rc = measure_round(e, &key, cfg, &vals, &n, reason,
					   sizeof(reason));
			if (rc < 0) {
				out = SR_STOP;
				goto out;
			}
			if (rc == 0 && n == 0)
				break;
		}
		ex_stats(vals, n, st);
		if (!(st->ci_low < e->budget && e->budget < st->ci_high) ||
		    ++rounds >= e->opt->max_rounds)
			break;
	}

	d.config_id = key.config_id;
	d.kind = kind;
	d.pass = -1;
	if (n == 0) {
		d.kind = kind == DB_VERIFIED ? DB_VERIFIED : DB_FAILED;
		d.reason = reason;
		if (kind == DB_EVALUATED)
			e->failed++;
		out = SR_NONE;
		log_warnx("'%s' failed: %s", name, reason);
	} else {
		d.has_value = 1;
		d.value = st->median;
		d.ci_low = st->ci_low;
		d.ci_high = st->ci_high;
		d.samples = n;
		d.pass = meets(e, st->median);
		out = d.pass ? SR_PASS : SR_MISS;
		if (st->ci_low < e->budget && e->budget < st->ci_high &&
		    kind == DB_EVALUATED) {
			d.kind = DB_UNCERTAIN;
			out = SR_NONE;
			e->uncertain++;
			snprintf(reason, sizeof(reason),
				 "interval [%g, %g] still straddles the budget "
				 "%g after %d measurements",
				 st->ci_low, st->ci_high, e->budget, n);
		} else if (why != NULL) {
			snprintf(reason, sizeof(reason), "%s", why);
		} else if (reused) {
			snprintf(reason, sizeof(reason),
				 "reused %d stored "
				 "samples",
				 n);
		} else if (rounds > 1) {
			snprintf(reason, sizeof(reason),
				 "measured %d times: "
				 "the interval straddled the budget",
				 rounds);
		}
		d.reason = reason[0] ? reason : NULL;
		add_measured(e, cfg, st, kind == DB_VERIFIED);
		if (reused)
			e->reused++;
		/* On a terminal the progress line says it instead. */
		LOG_AT(e->progress ? LOG_LEVEL_DEBUG : LOG_LEVEL_INFO, 0,
		       "%s '%s': %g (%s)",
		       kind == DB_VERIFIED ? "verified" : "evaluated", name,
		       st->median,
		       out == SR_NONE ? "uncertain"
		       : d.pass	      ? "meets the budget"
				      : "misses the budget");
	}
	if (kind == DB_EVALUATED && n > 0)
		e->evaluated++;
	if (store_decision(e, &d) != 0)
		out = SR_STOP;
out:
	free(vals);
	free(name);
	return out;
}

/* The search's question: what about this configuration? */
static enum sr_outcome
search_eval(void *arg, const struct cs_config *cfg, double *value)
{
	struct engine *e = arg;
	const struct prior *p;
	struct ex_stats st;
	enum sr_outcome out;
	int64_t id;

	if (stop_signal) {
		e->stop_code = 128 + stop_signal;
		snprintf(e->stop_reason, sizeof(e->stop_reason),
			 "stopped by signal %d", (int)stop_signal);
		return SR_STOP;
	}
	id = config_id(e, cfg);
	p = id > 0 ? find_prior(e, id) : NULL;
	if (p != NULL && p->kind != DB_VERIFIED) {
		/* Decided by an earlier run of this exploration. */
		*value = p->value;
		if (p->kind == DB_EVALUATED) {
			struct ex_stats s = {.median = p->value,
					     .ci_low = p->value,
					     .ci_high = p->value};
			add_measured(e, cfg, &s, 0);
			e->evaluated++;
			return p->pass ? SR_PASS : SR_MISS;
		}
		if (p->kind == DB_FAILED) {
			e->failed++;
		} else {
			e->evaluated++;
			e->uncertain++;
		}
		return SR_NONE;
	}
	if (e->opt->max_evals > 0 &&
	    e->evaluated + e->failed >= e->opt->max_evals) {
		e->stop_code = FX_EXIT_OK;
		snprintf(e->stop_reason, sizeof(e->stop_reason),
			 "stopped after %ld evaluations (--max-evals)",
			 e->evaluated);
		return SR_STOP;
	}
	out = evaluate(e, cfg, DB_EVALUATED, NULL, &st);
	*value = st.median;
	if (out != SR_STOP)
		e->new_evals++;
	return out;
}

static int
search_runnable(void *arg, const struct cs_config *cfg)
{
	struct engine *e = arg;

	return ev_runnable(e->ev, e->sp, cfg);
}

/* ---- The end of an exploration --------------------------------------- */

struct ranked {
	char *name;
	double score, value;
};

static int
cmp_ranked(const void *a, const void *b)
{
	const struct ranked *x = a, *y = b;

	if (x->score != y->score)
		return x->score < y->score ? 1 : -1;
	if (x->value != y->value)
		return x->value < y->value ? 1 : -1;
	return strcmp(x->name, y->name);
}

static void
print_ranking(const char *metric, int higher, double baseline, struct ranked *r,
	      int n)
{
	if (n == 0) {
		printf("no configuration meets the budget\n");
		return;
	}
	printf("safest configurations that meet the budget:\n");
	printf("  %4s  %6s  %14s  %8s  %s\n", "rank", "score", metric,
	       "of base", "configuration");
	for (int i = 0; i < n; i++)
		printf("  %4d  %6.1f  %14.1f  %7.1f%%  %s\n", i + 1, r[i].score,
		       r[i].value, 100.0 * r[i].value / baseline, r[i].name);
	(void)higher;
}

/* The maximal passes, ranked by safety score, then performance. */
static struct ranked *
rank_passes(struct engine *e, int *n)
{
	const struct antichain *p = sr_pass(e->search);
	struct ranked *r = xcalloc(p->n + 1, sizeof(*r));

	for (int i = 0; i < p->n; i++) {
		r[i].name = config_name(e, &p->cfg[i]);
		r[i].score = cs_score(e->sp, &p->cfg[i]);
		r[i].value = e->higher ? p->value[i] : -p->value[i];
	}
	qsort(r, p->n, sizeof(*r), cmp_ranked);
	for (int i = 0; i < p->n; i++)
		r[i].value = fabs(r[i].value);
	*n = p->n;
	return r;
}

static void
free_ranked(struct ranked *r, int n)
{
	for (int i = 0; i < n; i++)
		free(r[i].name);
	free(r);
}

/*
 * --verify: measure inferred configurations next to the border (the lower
 * covers of maximal passes, the upper covers of minimal misses) and say
 * where the inference was wrong.
 */
struct verify_walk {
	struct engine *e;
	int want_pass; /* what was inferred */
	const struct cs_config *from;
	int left;
};

static int
verify_one(const struct cs_config *c, void *arg)
{
	struct verify_walk *w = arg;
	struct engine *e = w->e;
	const struct prior *p;
	struct ex_stats st;
	enum sr_outcome out;
	char why[1200], *from = config_name(e, w->from);
	int64_t id;

	if (w->left <= 0 || !ev_runnable(e->ev, e->sp, c) || stop_signal) {
		free(from);
		return w->left <= 0 || stop_signal;
	}
	id = config_id(e, c);
	p = find_prior(e, id);
	if (p != NULL && p->kind != DB_VERIFIED) {
		free(from);
		return 0; /* evaluated already: nothing inferred to check */
	}
	for (int i = 0; i < e->nmeasured; i++)
		if (cs_config_equal(&e->measured[i].cfg, c)) {
			free(from);
			return 0;
		}
	snprintf(why, sizeof(why), "inferred to %s from '%s'",
		 w->want_pass ? "meet the budget" : "miss the budget", from);
	free(from);
	if (p != NULL) {
		/* Verified by an earlier run of this exploration. */
		memset(&st, 0, sizeof(st));
		st.median = st.ci_low = st.ci_high = p->value;
		out = p->pass < 0 ? SR_NONE : p->pass ? SR_PASS : SR_MISS;
		if (out != SR_NONE)
			add_measured(e, c, &st, 1);
	} else {
		out = evaluate(e, c, DB_VERIFIED, why, &st);
	}
	if (out == SR_STOP)
		return 1;
	w->left--;
	e->verified++;
	if (out != SR_NONE && (out == SR_PASS) != w->want_pass) {
		char *name = config_name(e, c);

		e->violations++;
		printf("verify: '%s' measured %g, which %s the budget "
		       "although it was inferred to %s it\n",
		       name, st.median, out == SR_PASS ? "meets" : "misses",
		       w->want_pass ? "meet" : "miss");
		free(name);
	}
	return 0;
}

static void
verify(struct engine *e)
{
	const struct antichain *p = sr_pass(e->search), *m = sr_miss(e->search);
	struct verify_walk w = {.e = e, .left = e->opt->verify};
	int shown = 0, bad = 0;

	for (int i = 0; i < p->n && w.left > 0; i++) {
		w.want_pass = 1;
		w.from = &p->cfg[i];
		cs_lower_covers(e->sp, &p->cfg[i], verify_one, &w);
	}
	for (int i = 0; i < m->n && w.left > 0; i++) {
		w.want_pass = 0;
		w.from = &m->cfg[i];
		cs_upper_covers(e->sp, &m->cfg[i], verify_one, &w);
	}

	/* Every pair measured against the assumption: safer is not faster. */
	for (int i = 0; i < e->nmeasured; i++)
		for (int j = 0; j < e->nmeasured; j++) {
			struct measured *a = &e->measured[i],
					*b = &e->measured[j];
			int better;

			if (i == j || cs_config_equal(&a->cfg, &b->cfg) ||
			    !cs_leq(e->sp, &a->cfg, &b->cfg))
				continue;
			better = e->higher ? b->ci_low > a->ci_high
					   : b->ci_high < a->ci_low;
			if (!better)
				continue;
			bad++;
			if (shown++ < EX_MAX_VIOLATIONS_SHOWN) {
				char *na = config_name(e, &a->cfg),
				     *nb = config_name(e, &b->cfg);
				printf("monotonicity: safer '%s' measured %g, "
				       "better than '%s' at %g\n",
				       nb, b->value, na, a->value);
				free(na);
				free(nb);
			}
		}
	printf("verify: %ld inferred configurations measured, %ld "
	       "contradicted the inference; %d pairs where the safer "
	       "configuration measured better\n",
	       e->verified, e->violations, bad);
	e->violations += bad;
}

/*
 * Write the border, and for small spaces a decision for every
 * configuration that was not evaluated.  Returns the inferred counts.
 */
static int
record_end(struct engine *e, double *inferred_pass, double *inferred_miss,
	   double *skipped)
{
	const struct antichain *p = sr_pass(e->search), *m = sr_miss(e->search);
	struct ranked *r;
	int nr;

	*inferred_pass = *inferred_miss = *skipped = -1;

	/* Everything decided so far, this run included. */
	free(e->prior);
	e->prior = NULL;
	e->nprior = 0;
	db_decision_each(e->db, e->ex.id, load_prior, e);
	if (e->nprior > 0)
		qsort(e->prior, e->nprior, sizeof(*e->prior), cmp_prior);
	if (db_begin(e->db) != 0)
		return -1;
	db_clear_border(e->db, e->ex.id);
	r = rank_passes(e, &nr);
	for (int i = 0; i < nr; i++) {
		struct cs_config c;
		char msg[128];

		cs_parse(e->sp, r[i].name, &c, msg, sizeof(msg));
		db_add_border(e->db, e->ex.id, config_id(e, &c), 1, i + 1);
	}
	free_ranked(r, nr);
	for (int i = 0; i < m->n; i++)
		db_add_border(e->db, e->ex.id, config_id(e, &m->cfg[i]), 0, 0);

	if (cs_count(e->sp) <= EX_FULL_RECORD_LIMIT) {
		struct cs_config c;

		*inferred_pass = *inferred_miss = *skipped = 0;
		for (uint64_t i = 0; i < cs_count(e->sp); i++) {
			struct db_decision d = {0};
			char reason[160];
			int64_t id;
			int k, a;

			cs_unrank(e->sp, i, &c);
			id = config_id(e, &c);
			if (find_prior(e, id) != NULL)
				continue;
			k = sr_known(e->search, &c);
			d.config_id = id;
			d.pass = -1;
			if (!ev_runnable(e->ev, e->sp, &c)) {
				d.kind = DB_SKIPPED;
				snprintf(reason, sizeof(reason),
					 "this host cannot run mechanism "
					 "'%s'%s%s",
					 cs_config_mechanism(e->sp, &c),
					 e->ev->lacks[c.mech] != NULL ? ": "
								      : "",
					 e->ev->lacks[c.mech] != NULL
						 ? e->ev->lacks[c.mech]
						 : "");
				d.reason = reason;
				(*skipped)++;
			} else if (k == 1) {
				a = ac_find_above(e->sp, p, &c);
				if (cs_config_equal(&p->cfg[a], &c))
					continue;
				d.kind = DB_INFERRED_PASS;
				d.pass = 1;
				d.source_config_id = config_id(e, &p->cfg[a]);
				(*inferred_pass)++;
			} else if (k == 0) {
				a = ac_find_below(e->sp, m, &c);
				if (cs_config_equal(&m->cfg[a], &c))
					continue;
				d.kind = DB_INFERRED_MISS;
				d.pass = 0;
				d.source_config_id = config_id(e, &m->cfg[a]);
				(*inferred_miss)++;
			} else {
				continue;
			}
			if (db_add_decision(e->db, e->ex.id, &d) != 0) {
				db_rollback(e->db);
				return -1;
			}
		}
	}
	return db_commit(e->db);
}

/* ---- Setting up ------------------------------------------------------ */

static const char *
strategy_name(enum ex_strategy s)
{
	return s == EX_EXHAUSTIVE ? "exhaustive"
	       : s == EX_POSET	  ? "poset"
				  : "model";
}

static int
open_evaluator(struct engine *e)
{
	const struct ex_options *o = e->opt;
	int code = FX_EXIT_OK;

	if (o->replay != NULL) {
		e->ev = ev_replay_open(e->sp, o->replay, o->metric, &code);
	} else if (o->simulate != NULL) {
		struct sim_params p;
		char msg[256];

		if (sim_parse(o->simulate, &p, msg, sizeof(msg)) != 0) {
			log_errx("--simulate: %s", msg);
			return FX_EXIT_USAGE;
		}
		e->ev = ev_sim_open(e->sp, &p);
	} else {
		e->ev = ev_real_open(e->sp, o->metric, o->bench_runs,
				     o->bench_seconds, &code);
	}
	if (e->ev == NULL)
		return code ? code : FX_EXIT_USAGE;

	/* Mechanisms named by hand replace what the host said it runs. */
	if (o->mechanisms != NULL) {
		char *copy = xstrdup(o->mechanisms), *save = NULL, *tok;
		int n = 0;

		for (int i = 0; e->ev->mechanisms[i] != NULL; i++)
			free(e->ev->mechanisms[i]);
		for (tok = strtok_r(copy, ",", &save); tok != NULL;
		     tok = strtok_r(NULL, ",", &save)) {
			e->ev->mechanisms = xrealloc(e->ev->mechanisms,
						     (n + 2) * sizeof(char *));
			e->ev->mechanisms[n++] = xstrdup(tok);
		}
		if (n == 0)
			e->ev->mechanisms =
				xrealloc(e->ev->mechanisms, sizeof(char *));
		e->ev->mechanisms[n] = NULL;
		free(copy);

		/* What the host lacks no longer matters; the list does. */
		for (int m = 0; m < cs_space_nmechanisms(e->sp); m++) {
			free(e->ev->lacks[m]);
			e->ev->lacks[m] = NULL;
			if (!ev_runnable_mechanism(
				    e->ev, cs_space_mechanism(e->sp, m)))
				e->ev->lacks[m] =
					xstrdup("left out with --mechanisms");
		}
	}
	e->higher = e->ev->higher_is_better;
	if (o->direction != NULL)
		e->higher = strcmp(o->direction, "lower") != 0;
	return FX_EXIT_OK;
}

static char *
exploration_key(struct engine *e)
{
	const struct ex_options *o = e->opt;

	return xasprintf("app=%s space=%s eval=%s rev=%s tc=%s host=%s "
			 "metric=%s dir=%s budget=%s strategy=%s verify=%d",
			 o->app, cs_space_digest(e->sp), e->ev->id,
			 e->ev->revision, e->ev->toolchain, e->ev->host_fp,
			 e->ev->metric, e->higher ? "higher" : "lower",
			 o->budget, strategy_name(o->strategy), o->verify);
}

static int
lock_exploration(struct engine *e)
{
	int64_t holder = 0;

	e->lock_fd = db_exploration_lock(e->db, e->ex.id, &holder);
	if (e->lock_fd == -1) {
		log_errx("exploration %lld (%s, budget %s) is being run by "
			 "process %lld; wait for it, or end it with "
			 "'flexexplore stop %lld'",
			 (long long)e->ex.id, e->ex.app, e->ex.budget,
			 (long long)holder, (long long)e->ex.id);
		return FX_EXIT_ENV;
	}
	if (e->lock_fd < 0)
		return FX_EXIT_ENV;
	return FX_EXIT_OK;
}

/* Find or create the exploration row; FX_EXIT_OK or an exit code. */
static int
open_exploration(struct engine *e, int *finished)
{
	struct db_exploration x = {0};
	char *key = exploration_key(e);
	int found;

	*finished = 0;
	found = db_exploration_find(e->db, key, &e->ex);
	if (found < 0) {
		free(key);
		return FX_EXIT_ENV;
	}
	if (found) {
		free(key);
		if (strcmp(e->ex.status, "finished") == 0) {
			*finished = 1;
			return FX_EXIT_OK;
		}
		return lock_exploration(e);
	}
	x.key = key;
	x.app = xstrdup(e->opt->app);
	x.space_id = db_space(e->db, cs_space_name(e->sp),
			      cs_space_digest(e->sp), cs_space_path(e->sp));
	x.evaluator = xstrdup(e->ev->id);
	x.revision_id = db_revision(e->db, e->ev->revision);
	x.toolchain = xstrdup(e->ev->toolchain);
	x.host_id = db_host(e->db, e->ev->host_fp, e->ev->host_json);
	x.metric = xstrdup(e->ev->metric);
	x.direction = xstrdup(e->higher ? "higher" : "lower");
	x.budget = xstrdup(e->opt->budget);
	x.strategy = xstrdup(strategy_name(e->opt->strategy));
	x.space_size = (double)cs_count(e->sp);
	if (x.space_id < 0 || x.revision_id < 0 || x.host_id < 0 ||
	    db_exploration_create(e->db, &x) != 0) {
		db_exploration_free(&x);
		return FX_EXIT_ENV;
	}
	e->ex = x;
	return lock_exploration(e);
}

/* Print what a finished exploration found, from the database alone. */
static int
answer_stored(struct engine *e)
{
	sqlite3_stmt *st;
	struct ranked *r = NULL;
	int n = 0;

	if (sqlite3_prepare_v2(
		    db_sqlite(e->db),
		    "SELECT c.name, c.score, (SELECT d.value FROM decisions d "
		    "WHERE d.exploration_id = b.exploration_id AND "
		    "d.config_id = b.config_id AND d.value IS NOT NULL ORDER "
		    "BY d.seq LIMIT 1) FROM border b JOIN configurations c ON "
		    "c.id = b.config_id WHERE b.exploration_id = ? AND b.side "
		    "= 'max-pass' ORDER BY b.rank",
		    -1, &st, NULL) != SQLITE_OK) {
		log_errx("database '%s': %s", db_path(e->db),
			 sqlite3_errmsg(db_sqlite(e->db)));
		return FX_EXIT_ENV;
	}
	sqlite3_bind_int64(st, 1, e->ex.id);
	while (sqlite3_step(st) == SQLITE_ROW) {
		r = xrealloc(r, (n + 1) * sizeof(*r));
		r[n].name = xstrdup((const char *)sqlite3_column_text(st, 0));
		r[n].score = sqlite3_column_double(st, 1);
		r[n].value = sqlite3_column_double(st, 2);
		n++;
	}
	sqlite3_finalize(st);
	if (!e->opt->quiet) {
		printf("exploration %lld finished %s; answering from the "
		       "database\n",
		       (long long)e->ex.id, e->ex.finished);
		printf("baseline %g, budget %g %s\n", e->ex.baseline,
		       e->ex.budget_value, e->ex.metric);
		print_ranking(e->ex.metric, e->higher, e->ex.baseline, r, n);
		if (e->ex.message != NULL)
			printf("%s\n", e->ex.message);
	}
	free_ranked(r, n);
	return n > 0 ? FX_EXIT_OK : FX_EXIT_NONE;
}

/* ---- Detaching ------------------------------------------------------- */

/*
 * Go on in a child process, away from the terminal.  The parent waits
 * until the child holds the exploration's lock, says where the log is,
 * and returns 1; the child returns 0.  The database is closed across the
 * fork and opened again in the child.
 */
static int
detach(struct engine *e, int *code)
{
	char *log_path = xasprintf("%s/explore-%lld.log", fx_home(),
				   (long long)e->ex.id);
	char *pid_path = xasprintf("%s/explore-%lld.pid", fx_home(),
				   (long long)e->ex.id);
	char *db_file = xstrdup(db_path(e->db));
	int pipefd[2], fd, open_code;
	char ok = 0;
	pid_t pid;

	db_exploration_unlock(e->lock_fd);
	e->lock_fd = -1;
	db_close(e->db);
	e->db = NULL;
	if (pipe(pipefd) != 0 || (pid = fork()) < 0) {
		log_err("cannot start the background engine");
		*code = FX_EXIT_ENV;
		goto parent_out;
	}
	if (pid > 0) {
		close(pipefd[1]);
		if (read(pipefd[0], &ok, 1) != 1 || ok != 1) {
			log_errx("the background engine did not start; see "
				 "'%s'",
				 log_path);
			*code = FX_EXIT_ENV;
		} else {
			printf("exploration %lld runs in the background as "
			       "process %d\nlog: %s\n'flexexplore status' "
			       "shows its progress, 'flexexplore stop %lld' "
			       "ends it\n",
			       (long long)e->ex.id, (int)pid, log_path,
			       (long long)e->ex.id);
			*code = FX_EXIT_OK;
		}
		close(pipefd[0]);
		goto parent_out;
	}

	/* The child. */
	close(pipefd[0]);
	setsid();
	signal(SIGHUP, SIG_IGN);
	fd = open(log_path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
	if (fd < 0 || log_open(log_path) != 0)
		_exit(FX_EXIT_ENV);
	e->db = db_open(db_file, DB_READ_WRITE, &open_code);
	if (e->db == NULL || lock_exploration(e) != FX_EXIT_OK)
		_exit(FX_EXIT_ENV);
	db_exploration_set_run(e->db, e->ex.id, getpid(), log_path);
	{
		FILE *pf = fopen(pid_path, "w");
		if (pf != NULL) {
			fprintf(pf, "%d\n", (int)getpid());
			fclose(pf);
		}
	}
	ok = 1;
	if (write(pipefd[1], &ok, 1) != 1)
		_exit(FX_EXIT_ENV);
	close(pipefd[1]);
	dup2(fd, STDOUT_FILENO);
	dup2(fd, STDERR_FILENO);
	close(fd);
	fd = open("/dev/null", O_RDONLY);
	if (fd >= 0) {
		dup2(fd, STDIN_FILENO);
		close(fd);
	}
	free(db_file);
	free(log_path);
	free(pid_path);
	return 0;

parent_out:
	free(db_file);
	free(log_path);
	free(pid_path);
	return 1;
}

/* ---- Running --------------------------------------------------------- */

static void
engine_free(struct engine *e)
{
	sr_free(e->search);
	if (e->lock_fd >= 0)
		db_exploration_unlock(e->lock_fd);
	db_exploration_free(&e->ex);
	db_close(e->db);
	ev_free(e->ev);
	cs_free(e->sp);
	free(e->prior);
	free(e->measured);
}

void
ex_outcome_free(struct ex_outcome *o)
{
	ac_free(&o->pass);
	ac_free(&o->miss);
}

static void
copy_antichain(struct antichain *dst, const struct antichain *src)
{
	for (int i = 0; i < src->n; i++) {
		if (dst->n == dst->cap) {
			dst->cap = dst->cap ? 2 * dst->cap : 16;
			dst->cfg = xrealloc(dst->cfg,
					    dst->cap * sizeof(*dst->cfg));
			dst->value = xrealloc(dst->value,
					      dst->cap * sizeof(*dst->value));
		}
		dst->cfg[dst->n] = src->cfg[i];
		dst->value[dst->n] = src->value[i];
		dst->n++;
	}
}

/*
 * The baseline and the budget; FX_EXIT_OK or an exit code.  The baseline's
 * samples are stored here; its decision is taken by the search like any
 * other, once the budget is known.
 */
static int
baseline(struct engine *e, double budget_num, int percent)
{
	struct cs_config bottom;
	struct ex_stats st;
	struct db_mkey key;
	char reason[1200];
	double *vals = NULL;
	int n = 0;

	if (e->ex.has_baseline) {
		e->baseline = e->ex.baseline;
		e->budget = e->ex.budget_value;
		goto done;
	}
	cs_bottom(e->sp, &bottom);
	key.config_id = config_id(e, &bottom);
	key.revision_id = e->ex.revision_id;
	key.toolchain = e->ex.toolchain;
	key.host_id = e->ex.host_id;
	key.metric = e->ex.metric;
	if (key.config_id < 0 || db_find_samples(e->db, &key, &vals, &n) != 0) {
		free(vals);
		return FX_EXIT_ENV;
	}
	if (n == 0) {
		int rc = measure_round(e, &key, &bottom, &vals, &n, reason,
				       sizeof(reason));
		if (rc < 0) {
			free(vals);
			return e->stop_code;
		}
		if (rc == 0) {
			struct db_decision d = {.config_id = key.config_id,
						.kind = DB_FAILED,
						.pass = -1,
						.reason = reason};
			free(vals);
			log_errx("cannot measure the baseline (one "
				 "compartment, no hardening): %s",
				 reason);
			db_add_decision(e->db, e->ex.id, &d);
			db_exploration_set_status(e->db, e->ex.id, "failed",
						  "the baseline failed");
			/* Recorded results without it are bad input. */
			return strcmp(e->ev->kind, "replay") == 0
				       ? FX_EXIT_USAGE
				       : FX_EXIT_ENV;
		}
		e->fresh_id = key.config_id;
	}
	ex_stats(vals, n, &st);
	free(vals);
	e->baseline = st.median;
	if (!percent)
		e->budget = budget_num;
	else if (e->higher)
		e->budget = e->baseline * budget_num / 100;
	else
		e->budget = e->baseline * 100 / budget_num;
	if (db_exploration_set_budget(e->db, e->ex.id, e->baseline,
				      e->budget) != 0)
		return FX_EXIT_ENV;
done:
	log_info("baseline %g %s; budget %g (%s)", e->baseline, e->ex.metric,
		 e->budget, e->ex.budget);
	return FX_EXIT_OK;
}

static int
finish(struct engine *e, struct ex_outcome *out, int stopped)
{
	double ip, im, sk, runnable, inferred;
	struct ranked *r;
	char *summary;
	int nr, code;

	runnable = (double)sr_count_runnable(e->search);
	inferred = runnable - e->evaluated - e->failed;
	if (!stopped && e->opt->verify > 0)
		verify(e);
	if (!stopped && record_end(e, &ip, &im, &sk) != 0)
		return FX_EXIT_ENV;
	summary = xasprintf(
		"%.0f configurations: evaluated %ld (reused %ld, uncertain "
		"%ld), inferred %.0f, failed %ld, skipped %.0f, verified %ld; "
		"border %d maximal passing + %d minimal missing",
		(double)cs_count(e->sp), e->evaluated, e->reused, e->uncertain,
		stopped ? 0 : inferred, e->failed,
		(double)cs_count(e->sp) - runnable, e->verified,
		sr_pass(e->search)->n, sr_miss(e->search)->n);
	if (stopped) {
		char *msg = xasprintf("%s; %s", e->stop_reason, summary);
		db_exploration_set_status(e->db, e->ex.id, "stopped", msg);
		free(msg);
	} else {
		db_exploration_set_status(e->db, e->ex.id, "finished", summary);
	}

	r = rank_passes(e, &nr);
	if (!e->opt->quiet) {
		printf("exploration %lld: %s, metric %s (%s is better), "
		       "strategy %s\n",
		       (long long)e->ex.id, cs_space_name(e->sp), e->ex.metric,
		       e->higher ? "higher" : "lower",
		       strategy_name(e->opt->strategy));
		printf("baseline %g, budget %g (%s)\n", e->baseline, e->budget,
		       e->ex.budget);
		if (stopped)
			printf("%s; the ranking is incomplete: run the same "
			       "command again to resume\n",
			       e->stop_reason);
		print_ranking(e->ex.metric, e->higher, e->baseline, r, nr);
		printf("%s\n", summary);
	}
	free_ranked(r, nr);
	free(summary);

	if (out != NULL) {
		out->exploration_id = e->ex.id;
		out->evaluated = e->evaluated;
		out->reused = e->reused;
		out->failed = e->failed;
		out->uncertain = e->uncertain;
		out->verified = e->verified;
		out->violations = e->violations;
		out->skipped = (long)((double)cs_count(e->sp) - runnable);
		out->inferred = stopped ? 0 : inferred;
		out->baseline = e->baseline;
		out->budget_value = e->budget;
		copy_antichain(&out->pass, sr_pass(e->search));
		copy_antichain(&out->miss, sr_miss(e->search));
	}
	if (stopped)
		code = e->stop_code ? e->stop_code : FX_EXIT_OK;
	else
		code = nr > 0 ? FX_EXIT_OK : FX_EXIT_NONE;
	return code;
}

static int
load_space(struct engine *e)
{
	struct cs_error err;
	char buf[600];

	e->sp = e->opt->spec ? cs_load(e->opt->spec, &err)
			     : cs_load_app(e->opt->app, &err);
	if (e->sp == NULL) {
		cs_error_format(&err, buf, sizeof(buf));
		log_errx("%s", buf);
		return FX_EXIT_USAGE;
	}
	return FX_EXIT_OK;
}

static int
explore(struct engine *e, struct ex_outcome *out)
{
	const struct ex_options *o = e->opt;
	double budget_num = 0, t0;
	struct cs_config bottom;
	char msg[256];
	int percent, code, finished, open_code;
	const char *path;

	percent = ex_parse_budget(o->budget, &budget_num, msg, sizeof(msg));
	if (percent < 0) {
		log_errx("%s", msg);
		return FX_EXIT_USAGE;
	}
	if ((code = load_space(e)) != FX_EXIT_OK ||
	    (code = open_evaluator(e)) != FX_EXIT_OK)
		return code;
	path = o->db_path ? o->db_path : db_default_path();
	if (path == NULL)
		return FX_EXIT_ENV;
	e->db = db_open(path, DB_READ_WRITE, &open_code);
	if (e->db == NULL)
		return open_code;
	if ((code = open_exploration(e, &finished)) != FX_EXIT_OK)
		return code;
	if (finished)
		return answer_stored(e);
	if (o->detach && detach(e, &code))
		return code;
	if (!o->detach)
		db_exploration_set_run(e->db, e->ex.id, getpid(), NULL);

	db_decision_each(e->db, e->ex.id, load_prior, e);
	if (e->nprior > 0)
		qsort(e->prior, e->nprior, sizeof(*e->prior), cmp_prior);
	if (e->nprior > 0)
		log_info("resuming exploration %lld: %d decisions stored",
			 (long long)e->ex.id, e->nprior);
	else
		log_info("exploration %lld of '%s': %llu configurations",
			 (long long)e->ex.id, cs_space_name(e->sp),
			 (unsigned long long)cs_count(e->sp));

	e->progress = o->progress < 0 ? isatty(STDERR_FILENO) && !o->detach
				      : o->progress;
	progress_start(e->progress);
	code = baseline(e, budget_num, percent);
	if (code != FX_EXIT_OK) {
		progress_stop();
		return code;
	}
	e->search = sr_new(e->sp, o->strategy, e->higher, e->budget,
			   search_eval, search_runnable, e);
	cs_bottom(e->sp, &bottom);
	{
		double v = 0;
		enum sr_outcome first = search_eval(e, &bottom, &v);

		if (first == SR_STOP) {
			progress_stop();
			return finish(e, out, 1);
		}
		sr_record(e->search, &bottom, first, v);
		if (first != SR_PASS)
			log_info("the baseline does not meet the budget: "
				 "neither does any configuration");
	}

	t0 = fx_now();
	e->eval_seconds = 0;
	code = sr_run(e->search);
	if (out != NULL) {
		out->engine_seconds = fx_now() - t0 - e->eval_seconds;
		out->decisions = sr_choices(e->search);
	}
	progress_stop();
	return finish(e, out, code != 0);
}

int
ex_run(const struct ex_options *opt, struct ex_outcome *out)
{
	struct engine e = {.opt = opt, .lock_fd = -1};
	struct sigaction sa = {0}, old_int, old_term;
	int code;

	if (out != NULL)
		memset(out, 0, sizeof(*out));
	stop_signal = 0;
	sa.sa_handler = on_stop_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, &old_int);
	sigaction(SIGTERM, &sa, &old_term);

	code = explore(&e, out);

	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGTERM, &old_term, NULL);
	if (e.db != NULL && e.ex.id > 0 && opt->detach) {
		char *pid_path = xasprintf("%s/explore-%lld.pid", fx_home(),
					   (long long)e.ex.id);
		unlink(pid_path);
		free(pid_path);
	}
	engine_free(&e);
	if (out != NULL)
		out->exit_code = code;
	return code;
}
