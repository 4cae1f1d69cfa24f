/*
 * Choosing what to evaluate: walks along chains of the safety order to
 * the point where the budget stops being met, and a finder that certifies
 * that nothing is left undecided.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "../util/log.h"
#include "../util/util.h"
#include "search.h"

#define CHAIN_MAX 256

/*
 * Model-guided search looks at every configuration on each step in
 * spaces up to this size (border.c), and walks chains in larger ones.
 */
#define SMALL_SPACE 1024

struct walk {
	struct cs_config cfg;
	int up; /* climb from a pass (1) or descend from a miss (0) */
};

struct search {
	const struct cs_space *sp;
	enum ex_strategy strategy;
	int higher;
	double budget;
	sr_eval_fn eval;
	sr_runnable_fn runnable;
	void *arg;

	struct antichain pass, miss;
	struct cs_config *excluded;
	int nexcluded, excluded_cap;
	struct walk *walks;
	int nwalks, walks_cap;
	struct model *model;
	struct border_chooser *chooser;
	double chooser_done; /* share decided, for sr_progress */
	int stopped;
	long choices;

	/*
	 * The finder.  When the space is a product of placements (partition
	 * and mechanism) and free hardening bits, it moves over placements
	 * and solves for the hardening; otherwise it scans ranks.
	 */
	int product;
	int nslots;
	uint64_t mask;
	uint64_t nplacements;
	uint64_t cursor;
};

/* ---- Antichains ------------------------------------------------------ */

void
ac_free(struct antichain *a)
{
	free(a->cfg);
	free(a->value);
	memset(a, 0, sizeof(*a));
}

int
ac_find_above(const struct cs_space *sp, const struct antichain *a,
	      const struct cs_config *c)
{
	for (int i = 0; i < a->n; i++)
		if (cs_leq(sp, c, &a->cfg[i]))
			return i;
	return -1;
}

int
ac_find_below(const struct cs_space *sp, const struct antichain *a,
	      const struct cs_config *c)
{
	for (int i = 0; i < a->n; i++)
		if (cs_leq(sp, &a->cfg[i], c))
			return i;
	return -1;
}

void
ac_add(const struct cs_space *sp, struct antichain *a,
       const struct cs_config *c, double value, int upper)
{
	int j = 0;

	if ((upper ? ac_find_above(sp, a, c) : ac_find_below(sp, a, c)) >= 0)
		return;

	/* Drop the elements @c dominates, keeping the order of the rest. */
	for (int i = 0; i < a->n; i++) {
		int dominated = upper ? cs_leq(sp, &a->cfg[i], c)
				      : cs_leq(sp, c, &a->cfg[i]);
		if (dominated)
			continue;
		a->cfg[j] = a->cfg[i];
		a->value[j] = a->value[i];
		j++;
	}
	a->n = j;
	if (a->n == a->cap) {
		a->cap = a->cap ? 2 * a->cap : 16;
		a->cfg = xrealloc(a->cfg, a->cap * sizeof(*a->cfg));
		a->value = xrealloc(a->value, a->cap * sizeof(*a->value));
	}
	a->cfg[a->n] = *c;
	a->value[a->n] = value;
	a->n++;
}

/* ---- Set-up ---------------------------------------------------------- */

/* Whether ranks are (placement << slots) | hardening; checked, not assumed. */
static void
detect_product(struct search *s)
{
	const struct cs_space *sp = s->sp;
	uint64_t count = cs_count(sp), probe[3];
	struct cs_config c;
	int nslots = 0;

	for (int comp = 0; comp < cs_space_ncomponents(sp); comp++)
		for (int o = 0; o < cs_space_noptions(sp); o++)
			if (cs_space_slot(sp, comp, o) >= 0)
				nslots++;
	if (nslots >= 63)
		return;
	s->nslots = nslots;
	s->mask = (UINT64_C(1) << nslots) - 1;
	s->nplacements = count >> nslots;
	if (s->nplacements << nslots != count)
		return;

	probe[0] = 0;
	probe[1] = s->nplacements / 2;
	probe[2] = s->nplacements - 1;
	for (int i = 0; i < 3; i++) {
		if (cs_unrank(sp, probe[i] << nslots, &c) != 0 || c.hard != 0)
			return;
		if (cs_unrank(sp, (probe[i] << nslots) | s->mask, &c) != 0 ||
		    c.hard != s->mask)
			return;
	}
	s->product = 1;
}

struct search *
sr_new(const struct cs_space *sp, enum ex_strategy strategy,
       int higher_is_better, double budget, sr_eval_fn eval,
       sr_runnable_fn runnable, void *arg)
{
	struct search *s = xcalloc(1, sizeof(*s));

	s->sp = sp;
	s->strategy = strategy;
	s->higher = higher_is_better;
	s->budget = budget;
	s->eval = eval;
	s->runnable = runnable;
	s->arg = arg;
	if (strategy == EX_MODEL) {
		s->model = model_new(sp, higher_is_better);
		s->chooser = bc_new(sp, SMALL_SPACE, s->model, runnable, arg);
	}
	detect_product(s);
	return s;
}

void
sr_free(struct search *s)
{
	if (s == NULL)
		return;
	ac_free(&s->pass);
	ac_free(&s->miss);
	free(s->excluded);
	free(s->walks);
	model_free(s->model);
	bc_free(s->chooser);
	free(s);
}

const struct antichain *
sr_pass(const struct search *s)
{
	return &s->pass;
}

const struct antichain *
sr_miss(const struct search *s)
{
	return &s->miss;
}

double
sr_progress(const struct search *s)
{
	double total =
		s->product ? (double)s->nplacements : (double)cs_count(s->sp);

	if (s->chooser != NULL)
		return s->chooser_done;
	return total > 0 ? (double)s->cursor / total : 1;
}

long
sr_choices(const struct search *s)
{
	return s->choices;
}

/* ---- What is known --------------------------------------------------- */

static int
is_excluded(const struct search *s, const struct cs_config *c)
{
	for (int i = 0; i < s->nexcluded; i++)
		if (cs_config_equal(&s->excluded[i], c))
			return 1;
	return 0;
}

int
sr_known(struct search *s, const struct cs_config *c)
{
	if (!s->runnable(s->arg, c))
		return -2;
	if (ac_find_above(s->sp, &s->pass, c) >= 0)
		return 1;
	if (ac_find_below(s->sp, &s->miss, c) >= 0)
		return 0;
	if (is_excluded(s, c))
		return -2;
	return -1;
}

void
sr_record(struct search *s, const struct cs_config *cfg,
	  enum sr_outcome outcome, double value)
{
	switch (outcome) {
	case SR_PASS:
		ac_add(s->sp, &s->pass, cfg, value, 1);
		break;
	case SR_MISS:
		ac_add(s->sp, &s->miss, cfg, value, 0);
		break;
	case SR_NONE:
		if (s->nexcluded == s->excluded_cap) {
			s->excluded_cap =
				s->excluded_cap ? 2 * s->excluded_cap : 16;
			s->excluded = xrealloc(s->excluded,
					       s->excluded_cap *
						       sizeof(*s->excluded));
		}
		s->excluded[s->nexcluded++] = *cfg;
		break;
	case SR_STOP:
		break;
	}
	if (s->model != NULL && outcome != SR_NONE && outcome != SR_STOP)
		model_add(s->model, cfg, value);
}

/* Evaluate an undecided configuration and fold the outcome in. */
static enum sr_outcome
sr_eval(struct search *s, const struct cs_config *cfg)
{
	double value = 0;
	enum sr_outcome r = s->eval(s->arg, cfg, &value);

	if (r == SR_STOP) {
		s->stopped = 1;
		return r;
	}
	sr_record(s, cfg, r, value);
	return r;
}

/* ---- Walks along chains ---------------------------------------------- */

/* Whether a predicted value meets the budget. */
static int
predicted_pass(const struct search *s, double v)
{
	return s->higher ? v >= s->budget : v <= s->budget;
}

struct cover_pick {
	struct search *s;
	int up;
	int depth;
	int found;
	struct cs_config best;
	double best_pred;
};

/*
 * Choose the next link of a chain among the undecided covers.  Without a
 * model: the first one generated.  With one: upward the one predicted to
 * cost least (it keeps meeting the budget longest), downward the one
 * predicted to cost most (it keeps missing longest), so that the chain
 * runs along the predicted border.
 */
static int
consider_cover(const struct cs_config *c, void *arg)
{
	struct cover_pick *p = arg;
	double pred, goodness;

	p->s->choices++;

	/*
	 * A configuration this host cannot run is stepped over: its own
	 * covers continue the chain (a host without mpk goes from one
	 * compartment straight to two under proc).
	 */
	if (!p->s->runnable(p->s->arg, c) && p->depth < 2) {
		int r;

		p->depth++;
		r = p->up ? cs_upper_covers(p->s->sp, c, consider_cover, p)
			  : cs_lower_covers(p->s->sp, c, consider_cover, p);
		p->depth--;
		return r;
	}
	if (sr_known(p->s, c) != -1)
		return 0;
	if (p->s->model == NULL) {
		p->best = *c;
		p->found = 1;
		return 1;
	}
	pred = model_predict(p->s->model, c);
	goodness = p->s->higher ? pred : -pred;
	if (!p->up)
		goodness = -goodness;
	if (!p->found || goodness > p->best_pred) {
		p->best = *c;
		p->best_pred = goodness;
		p->found = 1;
	}
	return 0;
}

static int
build_chain(struct search *s, const struct cs_config *from, int up,
	    struct cs_config *chain)
{
	struct cs_config cur = *from;
	int n = 0;

	while (n < CHAIN_MAX) {
		struct cover_pick p = {.s = s, .up = up};

		if (up)
			cs_upper_covers(s->sp, &cur, consider_cover, &p);
		else
			cs_lower_covers(s->sp, &cur, consider_cover, &p);
		if (!p.found)
			break;
		chain[n++] = p.best;
		cur = p.best;
	}
	return n;
}

/*
 * Where to probe chain[lo..hi): the next link.  Each walk starts next to
 * the border (at the baseline, at a configuration the finder found, or
 * one link past another walk's turn), so the turn is usually near, and a
 * miss met one step above a pass (a pass one step below a miss) is often
 * on the border itself, which must be evaluated anyway; probing further
 * along the chain would spend evaluations inside the region either side.
 * With a model: the last link predicted to stay on the starting side (the
 * first one past it when none is), so that a right prediction settles the
 * chain in two evaluations; after a wrong one, the next link again.
 */
static int
probe_index(struct search *s, const struct cs_config *chain, int lo, int hi,
	    int up, int surprised)
{
	int t = lo;

	if (s->model == NULL || surprised)
		return lo;
	while (t < hi) {
		int pass =
			predicted_pass(s, model_predict(s->model, &chain[t]));
		if (pass != up)
			break;
		t++;
	}
	if (t > lo)
		t--;
	return t < hi ? t : hi - 1;
}

static void
push_walk(struct search *s, const struct cs_config *cfg, int up)
{
	if (s->nwalks == s->walks_cap) {
		s->walks_cap = s->walks_cap ? 2 * s->walks_cap : 16;
		s->walks = xrealloc(s->walks, s->walks_cap * sizeof(*s->walks));
	}
	s->walks[s->nwalks].cfg = *cfg;
	s->walks[s->nwalks].up = up;
	s->nwalks++;
}

/*
 * From a pass, climb (or from a miss, descend) until the configuration
 * reached has no undecided cover on that side: a chain is built through
 * undecided covers and searched for the last link on the starting side;
 * the first link past it starts a walk the other way, taken at once.
 */
static void
walk(struct search *s, struct cs_config from, int up)
{
	struct cs_config *chain = xmalloc(CHAIN_MAX * sizeof(*chain));

	while (!s->stopped) {
		int n = build_chain(s, &from, up, chain), lo = 0, hi = n;
		int surprised = 0;

		if (n == 0)
			break;
		while (lo < hi && !s->stopped) {
			int at = probe_index(s, chain, lo, hi, up, surprised);
			int r = sr_known(s, &chain[at]);

			if (r == -1 && s->model != NULL) {
				int expect = predicted_pass(
					s, model_predict(s->model, &chain[at]));
				r = sr_eval(s, &chain[at]);
				surprised = r >= 0 && r != expect;
			} else if (r == -1) {
				r = sr_eval(s, &chain[at]);
			}
			if (r == (up ? SR_PASS : SR_MISS))
				lo = at + 1;
			else
				hi = at;
		}
		if (s->stopped)
			break;
		if (lo > 0)
			from = chain[lo - 1];

		/*
		 * Follow the first link past the turn at once, the other
		 * way (depth first), and come back to this walk after: what
		 * that walk decides prunes the chains of this one.
		 */
		if (lo < n && sr_known(s, &chain[lo]) == (up ? 0 : 1)) {
			push_walk(s, &from, up);
			from = chain[lo];
			up = !up;
		}
	}
	free(chain);
}

/* ---- The finder ------------------------------------------------------ */

struct solve {
	int nslots;
	uint64_t mask;
	uint64_t *above; /* hardening of passes over this placement */
	int nabove;
	uint64_t *below; /* hardening of misses under it */
	int nbelow;
	uint64_t *excl; /* excluded hardening sets on this placement */
	int nexcl;
	long nodes;
};

/*
 * Find hardening @h (bits below @b decided) that no pass covers
 * (h not a subset of any above[]) and no miss implies (no below[] a
 * subset of h), and that is not excluded.  Bits are tried off first, so
 * the least hardened such set is found first.
 */
static int
solve(struct solve *q, int b, uint64_t h, uint64_t *out)
{
	uint64_t decided = b >= 64 ? ~UINT64_C(0) : (UINT64_C(1) << b) - 1;
	uint64_t open = q->mask & ~decided;

	q->nodes++;
	for (int i = 0; i < q->nabove; i++)
		if ((h & ~q->above[i]) == 0 && (open & ~q->above[i]) == 0)
			return 0;
	for (int j = 0; j < q->nbelow; j++)
		if ((q->below[j] & decided & ~h) == 0 &&
		    (q->below[j] & open) == 0)
			return 0;
	if (b == q->nslots) {
		for (int k = 0; k < q->nexcl; k++)
			if (q->excl[k] == h)
				return 0;
		*out = h;
		return 1;
	}
	if (solve(q, b + 1, h, out))
		return 1;
	return solve(q, b + 1, h | (UINT64_C(1) << b), out);
}

static int
same_placement(const struct cs_config *a, const struct cs_config *b)
{
	return memcmp(a->block, b->block, sizeof(a->block)) == 0 &&
	       a->mech == b->mech;
}

/* An undecided configuration on placement @place, if there is one. */
static int
find_on_placement(struct search *s, const struct cs_config *place,
		  struct cs_config *out)
{
	struct solve q = {.nslots = s->nslots, .mask = s->mask};
	uint64_t h;
	int found;

	q.above = xmalloc((s->pass.n + 1) * sizeof(uint64_t));
	q.below = xmalloc((s->miss.n + 1) * sizeof(uint64_t));
	q.excl = xmalloc((s->nexcluded + 1) * sizeof(uint64_t));
	for (int i = 0; i < s->pass.n; i++)
		if (cs_leq(s->sp, place, &s->pass.cfg[i]))
			q.above[q.nabove++] = s->pass.cfg[i].hard;
	for (int j = 0; j < s->miss.n; j++) {
		struct cs_config m = s->miss.cfg[j];

		m.hard = 0;
		if (cs_leq(s->sp, &m, place))
			q.below[q.nbelow++] = s->miss.cfg[j].hard;
	}
	for (int k = 0; k < s->nexcluded; k++)
		if (same_placement(&s->excluded[k], place))
			q.excl[q.nexcl++] = s->excluded[k].hard;
	found = solve(&q, 0, 0, &h);
	s->choices += q.nodes;
	free(q.above);
	free(q.below);
	free(q.excl);
	if (found) {
		*out = *place;
		out->hard = h;
	}
	return found;
}

/*
 * The next undecided configuration, or 0 when there is none.  Whatever
 * lies before the cursor is decided for good (decisions only grow), so
 * the cursor never moves back and a whole exploration passes over the
 * space once.
 */
static int
find_undecided(struct search *s, struct cs_config *out)
{
	struct cs_config c;

	if (s->product) {
		for (; s->cursor < s->nplacements; s->cursor++) {
			cs_unrank(s->sp, s->cursor << s->nslots, &c);
			s->choices++;
			if (!s->runnable(s->arg, &c))
				continue;
			if (find_on_placement(s, &c, out))
				return 1;
		}
		return 0;
	}
	for (; s->cursor < cs_count(s->sp); s->cursor++) {
		cs_unrank(s->sp, s->cursor, &c);
		s->choices++;
		if (sr_known(s, &c) == -1) {
			*out = c;
			return 1;
		}
	}
	return 0;
}

/* ---- The search ------------------------------------------------------ */

static int
run_exhaustive(struct search *s)
{
	struct cs_config c, bottom;

	cs_bottom(s->sp, &bottom);
	for (uint64_t r = 0; r < cs_count(s->sp) && !s->stopped; r++) {
		cs_unrank(s->sp, r, &c);
		s->choices++;
		if (!s->runnable(s->arg, &c) || is_excluded(s, &c))
			continue;
		/* The baseline was recorded before; everything else is new. */
		if (cs_config_equal(&c, &bottom))
			continue;
		sr_eval(s, &c);
	}
	return s->stopped ? -1 : 0;
}

/* Small spaces under the model: the border chooser picks every step. */
static int
run_chooser(struct search *s)
{
	int n = bc_size(s->chooser), *known = xmalloc(n * sizeof(int));
	double budget_time = model_time(s->model, s->budget);

	while (!s->stopped) {
		int next, open = 0;

		for (int i = 0; i < n; i++) {
			known[i] = sr_known(s, bc_config(s->chooser, i));
			open += known[i] == -1;
		}
		s->chooser_done = n > 0 ? 1 - (double)open / n : 1;
		s->choices += n;
		next = bc_choose(s->chooser, s->model, known, budget_time);
		if (next < 0)
			break;
		sr_eval(s, bc_config(s->chooser, next));
	}
	free(known);
	return s->stopped ? -1 : 0;
}

int
sr_run(struct search *s)
{
	struct cs_config u;

	if (s->strategy == EX_EXHAUSTIVE)
		return run_exhaustive(s);
	if (s->chooser != NULL)
		return run_chooser(s);

	/* Start from what is known: climb from every pass. */
	for (int i = 0; i < s->pass.n; i++)
		push_walk(s, &s->pass.cfg[i], 1);
	while (!s->stopped) {
		while (s->nwalks > 0 && !s->stopped) {
			struct walk w = s->walks[--s->nwalks];

			walk(s, w.cfg, w.up);
		}
		if (s->stopped || !find_undecided(s, &u))
			break;
		switch (sr_eval(s, &u)) {
		case SR_PASS:
			push_walk(s, &u, 1);
			break;
		case SR_MISS:
			push_walk(s, &u, 0);
			break;
		default:
			break;
		}
	}
	return s->stopped ? -1 : 0;
}

uint64_t
sr_count_runnable(struct search *s)
{
	struct cs_config c;
	uint64_t n = 0;

	if (s->product) {
		for (uint64_t p = 0; p < s->nplacements; p++) {
			cs_unrank(s->sp, p << s->nslots, &c);
			if (s->runnable(s->arg, &c))
				n++;
		}
		return n << s->nslots;
	}
	for (uint64_t r = 0; r < cs_count(s->sp); r++) {
		cs_unrank(s->sp, r, &c);
		if (s->runnable(s->arg, &c))
			n++;
	}
	return n;
}
