/*
 * The cost model of model-guided exploration.  Overheads add up in time
 * per operation: a configuration's cost is one term per hardening slot it
 * uses, one per hardening option used anywhere (a runtime an image links
 * once, such as a sanitizer's allocator) and one per pair of units it
 * separates (per isolating mechanism), in units of the first evaluated
 * configuration's (the baseline's) time, fitted by ridge regression to
 * everything evaluated so far.  The time is the value itself for a
 * lower-is-better metric (a latency) and its inverse for a higher-is-better
 * one (a throughput).  It only orders the search; decisions still come
 * from measurements and the safety order.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "../util/util.h"
#include "explorer.h"

#define RIDGE 1e-3

struct model {
	const struct cs_space *sp;
	int higher;
	int nunits, niso, nslots, nfeat;
	int iso_pos[CS_MAX_MECHANISMS];
	int slot_bit[64];   /* feature index of each hardening slot bit */
	int nopt, opt_feat; /* options' features: opt_feat onward */
	uint64_t opt_slots[CS_MAX_OPTIONS]; /* slot bits of each option */
	double *xtx, *xty, *w, *chol;
	int n, dirty;
	double first; /* the first value learnt: the unit of time */
};

struct model *
model_new(const struct cs_space *sp, int higher_is_better)
{
	struct model *m = xcalloc(1, sizeof(*m));
	int pos = 0, k;

	m->sp = sp;
	m->higher = higher_is_better;
	m->nunits = cs_space_nunits(sp);
	for (int i = 0; i < cs_space_nmechanisms(sp); i++)
		m->iso_pos[i] = cs_space_mechanism_isolates(sp, i) ? pos++ : -1;
	m->niso = pos > 0 ? pos : 1;
	for (int b = 0; b < 64; b++)
		m->slot_bit[b] = -1;
	k = 1 + m->nunits * (m->nunits - 1) / 2 * m->niso;
	m->nopt = cs_space_noptions(sp);
	for (int c = 0; c < cs_space_ncomponents(sp); c++)
		for (int o = 0; o < m->nopt; o++) {
			int slot = cs_space_slot(sp, c, o);
			if (slot >= 0 && slot < 64) {
				m->slot_bit[slot] = k++;
				m->opt_slots[o] |= UINT64_C(1) << slot;
			}
		}
	m->opt_feat = k;
	k += m->nopt;
	m->nfeat = k;
	m->xtx = xcalloc((size_t)k * k, sizeof(double));
	m->chol = xcalloc((size_t)k * k, sizeof(double));
	m->xty = xcalloc(k, sizeof(double));
	m->w = xcalloc(k, sizeof(double));
	return m;
}

void
model_free(struct model *m)
{
	if (m == NULL)
		return;
	free(m->xtx);
	free(m->chol);
	free(m->xty);
	free(m->w);
	free(m);
}

int
model_nfeatures(const struct model *m)
{
	return m->nfeat;
}

int
model_features(const struct model *m, const struct cs_config *cfg, int *idx)
{
	int n = 0, pair = 0;

	idx[n++] = 0;
	for (int u = 0; u < m->nunits; u++)
		for (int v = u + 1; v < m->nunits; v++, pair++)
			if (cfg->block[u] != cfg->block[v] && cfg->mech >= 0 &&
			    m->iso_pos[cfg->mech] >= 0)
				idx[n++] = 1 + pair * m->niso +
					   m->iso_pos[cfg->mech];
	for (int b = 0; b < 64; b++)
		if ((cfg->hard >> b & 1) && m->slot_bit[b] >= 0)
			idx[n++] = m->slot_bit[b];
	for (int o = 0; o < m->nopt; o++)
		if (cfg->hard & m->opt_slots[o])
			idx[n++] = m->opt_feat + o;
	return n;
}

void
model_add(struct model *m, const struct cs_config *cfg, double value)
{
	int *idx = xmalloc(m->nfeat * sizeof(int));
	int n = model_features(m, cfg, idx);
	double y;

	if (value <= 0)
		value = 1e-300;
	if (m->n == 0)
		m->first = value;
	y = (m->higher ? m->first / value : value / m->first) - 1;
	for (int i = 0; i < n; i++) {
		m->xty[idx[i]] += y;
		for (int j = 0; j < n; j++)
			m->xtx[idx[i] * m->nfeat + idx[j]] += 1;
	}
	m->n++;
	m->dirty = 1;
	free(idx);
}

/* Factor the symmetric positive matrix @a (k by k) into L Lt, in place. */
static void
cholesky(double *a, int k)
{
	for (int j = 0; j < k; j++) {
		double d = a[j * k + j];

		for (int p = 0; p < j; p++)
			d -= a[j * k + p] * a[j * k + p];
		d = d > 1e-12 ? sqrt(d) : 1e-6;
		a[j * k + j] = d;
		for (int i = j + 1; i < k; i++) {
			double s = a[i * k + j];

			for (int p = 0; p < j; p++)
				s -= a[i * k + p] * a[j * k + p];
			a[i * k + j] = s / d;
		}
	}
}

/* Solve L z = b (forward) into @z. */
static void
solve_lower(const double *l, int k, const double *b, double *z)
{
	for (int i = 0; i < k; i++) {
		double s = b[i];

		for (int p = 0; p < i; p++)
			s -= l[i * k + p] * z[p];
		z[i] = s / l[i * k + i];
	}
}

/* Solve Lt x = z (backward) into @x. */
static void
solve_upper(const double *l, int k, const double *z, double *x)
{
	for (int i = k - 1; i >= 0; i--) {
		double s = z[i];

		for (int p = i + 1; p < k; p++)
			s -= l[p * k + i] * x[p];
		x[i] = s / l[i * k + i];
	}
}

/* Solve (XtX + ridge) w = Xty. */
static void
fit(struct model *m)
{
	int k = m->nfeat;
	double *z = xcalloc(k, sizeof(double));

	memcpy(m->chol, m->xtx, (size_t)k * k * sizeof(double));
	for (int i = 1; i < k; i++)
		m->chol[i * k + i] += RIDGE * (m->n > 0 ? m->n : 1);
	m->chol[0] += 1e-9;
	cholesky(m->chol, k);
	solve_lower(m->chol, k, m->xty, z);
	solve_upper(m->chol, k, z, m->w);
	free(z);
	m->dirty = 0;
}

double
model_predict(struct model *m, const struct cs_config *cfg)
{
	int *idx, n;
	double t = 1;

	if (m->n == 0)
		return 0;
	if (m->dirty)
		fit(m);
	idx = xmalloc(m->nfeat * sizeof(int));
	n = model_features(m, cfg, idx);
	for (int i = 0; i < n; i++)
		t += m->w[idx[i]];
	free(idx);

	/* Fitted costs may come out negative; no time is below a hundredth. */
	if (t < 0.01)
		t = 0.01;
	return m->higher ? m->first / t : m->first * t;
}

double
model_time(const struct model *m, double value)
{
	if (m->n == 0 || value <= 0)
		return 0;
	return (m->higher ? m->first / value : value / m->first) - 1;
}

/*
 * The prior of the sampled costs: each cost spreads by PRIOR_SD (in
 * baseline times) around a mean shared by its kind (separations, or
 * hardening of slots and options), itself spread by PRIOR_SHARED_SD;
 * measurements are taken to be off by NOISE_SD.  Its precision, block by
 * block, is
 * (I - c 11t) / PRIOR_SD^2 with c = shared^2 / (own^2 + n shared^2).
 */
#define PRIOR_SD 1.0
#define PRIOR_SHARED_SD 0.3
#define NOISE_SD 0.03

static void
add_prior_block(double *p, int k, int from, int to)
{
	double own = PRIOR_SD * PRIOR_SD,
	       shared = PRIOR_SHARED_SD * PRIOR_SHARED_SD;
	double c = shared / (own + (to - from) * shared);

	for (int i = from; i < to; i++)
		for (int j = from; j < to; j++)
			p[i * k + j] += ((i == j) - c) / own;
}

void
model_sample(struct model *m, uint64_t seed, uint64_t *draws, int ns, double *w)
{
	int k = m->nfeat,
	    first_slot = 1 + m->nunits * (m->nunits - 1) / 2 * m->niso;
	double *p = xcalloc((size_t)k * k, sizeof(double));
	double *b = xcalloc(k, sizeof(double)), *z = xcalloc(k, sizeof(double));
	double *mean = xcalloc(k, sizeof(double));
	double var = NOISE_SD * NOISE_SD;

	/* Posterior precision and mean; the intercept is held at zero. */
	for (int i = 0; i < k * k; i++)
		p[i] = m->xtx[i] / var;
	for (int i = 0; i < k; i++)
		b[i] = m->xty[i] / var;
	p[0] += 1e6;
	add_prior_block(p, k, 1, first_slot);
	add_prior_block(p, k, first_slot, k);
	cholesky(p, k);
	solve_lower(p, k, b, z);
	solve_upper(p, k, z, mean);

	/* mean + Lt^-1 g, g standard normal, has the posterior's spread. */
	for (int s = 0; s < ns; s++) {
		double *ws = w + (size_t)s * k;

		for (int i = 0; i < k; i++)
			z[i] = ex_gaussian(seed, (*draws)++);
		solve_upper(p, k, z, ws);
		for (int i = 0; i < k; i++) {
			ws[i] += mean[i];
			if (ws[i] < 0) /* no overhead makes anything faster */
				ws[i] = 0;
		}
	}
	free(p);
	free(b);
	free(z);
	free(mean);
}
