/*
 * Choosing what to evaluate in a small space, where every configuration
 * can be looked at on each step.
 *
 * Every configuration on the border (a maximal pass or a minimal miss)
 * must be evaluated, since nothing else decides it; every other
 * evaluation is the price of finding the border.  So the chooser draws
 * cost vectors from the model's posterior: each labels every undecided
 * configuration pass or miss, and so names a border.  A configuration's
 * score is the share of draws that put it on the border (the chance that
 * evaluating it is not wasted), plus BORDER_DECIDE times the share of the
 * undecided configurations its outcome is expected to decide (what it
 * teaches when it is wasted).
 */
#include <stdlib.h>
#include <string.h>

#include "../util/util.h"
#include "search.h"

#define DRAWS 256
#define MISFIT 0.05	    /* the model's own error, in baseline times */
#define BORDER_DECIDE 6.0   /* weight of the expected decided share */
#define SEED 0x626f72646572 /* any fixed stream: choices must replay */

struct border_chooser {
	const struct cs_space *sp;
	int n, words;
	struct cs_config *cfg;
	int *up_at, *up;     /* upper covers of i: up[up_at[i] .. up_at[i+1]) */
	int *down_at, *down; /* lower covers, likewise */
	int *feat_at, *feat; /* the model's features of each, likewise */
	uint64_t *below;     /* row i: bit j when cfg[j] <= cfg[i] */
	uint64_t *above;     /* row i: bit j when cfg[j] >= cfg[i] */
	uint64_t draws;
};

struct cover_list {
	const struct border_chooser *bc;
	const int *index_of; /* rank -> index, -1 when not kept */
	int *list, n, cap;
};

static int
add_cover(const struct cs_config *c, void *arg)
{
	struct cover_list *l = arg;
	int i = l->index_of[cs_rank(l->bc->sp, c)];

	if (i < 0)
		return 0;
	if (l->n == l->cap) {
		l->cap = l->cap ? 2 * l->cap : 64;
		l->list = xrealloc(l->list, l->cap * sizeof(int));
	}
	l->list[l->n++] = i;
	return 0;
}

struct border_chooser *
bc_new(const struct cs_space *sp, int max, const struct model *m,
       sr_runnable_fn runnable, void *arg)
{
	uint64_t count = cs_count(sp);
	struct border_chooser *bc;
	struct cover_list ups = {0}, downs = {0};
	int *index_of;

	if (count > (uint64_t)max)
		return NULL;

	/* The configurations this host can run, by rank. */
	bc = xcalloc(1, sizeof(*bc));
	bc->sp = sp;
	bc->cfg = xmalloc(count * sizeof(*bc->cfg));
	index_of = xmalloc(count * sizeof(int));
	for (uint64_t r = 0; r < count; r++) {
		struct cs_config c;

		cs_unrank(sp, r, &c);
		index_of[r] = -1;
		if (runnable(arg, &c)) {
			index_of[r] = bc->n;
			bc->cfg[bc->n++] = c;
		}
	}

	/* Their covers among themselves. */
	ups.bc = downs.bc = bc;
	ups.index_of = downs.index_of = index_of;
	bc->up_at = xmalloc((bc->n + 1) * sizeof(int));
	bc->down_at = xmalloc((bc->n + 1) * sizeof(int));
	for (int i = 0; i < bc->n; i++) {
		bc->up_at[i] = ups.n;
		bc->down_at[i] = downs.n;
		cs_upper_covers(sp, &bc->cfg[i], add_cover, &ups);
		cs_lower_covers(sp, &bc->cfg[i], add_cover, &downs);
	}
	bc->up_at[bc->n] = ups.n;
	bc->down_at[bc->n] = downs.n;
	bc->up = ups.list;
	bc->down = downs.list;

	/* Their features under the model, which never change. */
	bc->feat_at = xmalloc((bc->n + 1) * sizeof(int));
	bc->feat =
		xmalloc(((size_t)bc->n * model_nfeatures(m) + 1) * sizeof(int));
	bc->feat_at[0] = 0;
	for (int i = 0; i < bc->n; i++)
		bc->feat_at[i + 1] = bc->feat_at[i] +
				     model_features(m, &bc->cfg[i],
						    bc->feat + bc->feat_at[i]);
	free(index_of);

	/* The order itself, as bit rows. */
	bc->words = (bc->n + 63) / 64;
	bc->below = xcalloc((size_t)bc->n * bc->words, sizeof(uint64_t));
	bc->above = xcalloc((size_t)bc->n * bc->words, sizeof(uint64_t));
	for (int i = 0; i < bc->n; i++)
		for (int j = 0; j < bc->n; j++)
			if (cs_leq(sp, &bc->cfg[j], &bc->cfg[i])) {
				bc->below[(size_t)i * bc->words + j / 64] |=
					UINT64_C(1) << (j % 64);
				bc->above[(size_t)j * bc->words + i / 64] |=
					UINT64_C(1) << (i % 64);
			}
	return bc;
}

void
bc_free(struct border_chooser *bc)
{
	if (bc == NULL)
		return;
	free(bc->cfg);
	free(bc->up_at);
	free(bc->up);
	free(bc->down_at);
	free(bc->down);
	free(bc->feat_at);
	free(bc->feat);
	free(bc->below);
	free(bc->above);
	free(bc);
}

int
bc_size(const struct border_chooser *bc)
{
	return bc->n;
}

const struct cs_config *
bc_config(const struct border_chooser *bc, int i)
{
	return &bc->cfg[i];
}

/* How many of the undecided (@open) are in bit row @row. */
static int
count_open(const struct border_chooser *bc, const uint64_t *row,
	   const uint64_t *open)
{
	int n = 0;

	for (int w = 0; w < bc->words; w++)
		n += __builtin_popcountll(row[w] & open[w]);
	return n;
}

int
bc_choose(struct border_chooser *bc, struct model *m, const int *known,
	  double budget_time)
{
	int k = model_nfeatures(m), best = -1, nopen = 0;
	double *w = xmalloc((size_t)DRAWS * k * sizeof(double));
	double *on_border = xcalloc(bc->n, sizeof(double));
	double *passes = xcalloc(bc->n, sizeof(double)), best_score = 0;
	unsigned char *pass = xmalloc(bc->n);
	uint64_t *open = xcalloc(bc->words, sizeof(uint64_t));

	for (int i = 0; i < bc->n; i++)
		if (known[i] == -1) {
			open[i / 64] |= UINT64_C(1) << (i % 64);
			nopen++;
		}
	if (nopen == 0)
		goto out;

	/* Label the space once per draw and mark its border. */
	model_sample(m, SEED, &bc->draws, DRAWS, w);
	for (int d = 0; d < DRAWS; d++) {
		const double *wd = w + (size_t)d * k;

		for (int i = 0; i < bc->n; i++) {
			double t = 0;

			if (known[i] >= 0) {
				pass[i] = known[i];
				continue;
			}
			for (int f = bc->feat_at[i]; f < bc->feat_at[i + 1];
			     f++)
				t += wd[bc->feat[f]];
			t += MISFIT * ex_gaussian(SEED, bc->draws++);
			pass[i] = t <= budget_time;
		}
		for (int i = 0; i < bc->n; i++) {
			int border = 1;

			if (known[i] != -1)
				continue;
			if (pass[i]) {
				for (int c = bc->up_at[i];
				     c < bc->up_at[i + 1] && border; c++)
					border = !pass[bc->up[c]];
			} else {
				for (int c = bc->down_at[i];
				     c < bc->down_at[i + 1] && border; c++)
					border = pass[bc->down[c]];
			}
			on_border[i] += border;
			passes[i] += pass[i];
		}
	}

	for (int i = 0; i < bc->n; i++) {
		double p, score;
		int below, above;

		if (known[i] != -1)
			continue;
		p = passes[i] / DRAWS;
		below = count_open(bc, bc->below + (size_t)i * bc->words, open);
		above = count_open(bc, bc->above + (size_t)i * bc->words, open);
		score = on_border[i] / DRAWS +
			BORDER_DECIDE * (p * below + (1 - p) * above) / nopen;
		if (best < 0 || score > best_score) {
			best = i;
			best_score = score;
		}
	}
out:
	free(w);
	free(on_border);
	free(passes);
	free(pass);
	free(open);
	return best;
}
