/*
 * Statistics of repeated measurements: the median and a distribution-free
 * confidence interval for it.
 *
 * Throughput samples on a shared machine are skewed (interference only
 * ever slows a run down) and few, so the interval is not built from a
 * mean and a normal approximation.  It is the order-statistic interval:
 * for sorted samples x(1) <= ... <= x(n), the interval [x(k), x(n+1-k)]
 * contains the true median with probability 1 - 2 P(B <= k-1), where B is
 * binomial(n, 1/2), whatever the distribution.  We take the narrowest
 * such interval whose coverage is still at least the level asked for.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static double *
sorted_copy(const double *v, int n)
{
	double *s = xmalloc(sizeof(*s) * (size_t)n);

	memcpy(s, v, sizeof(*s) * (size_t)n);
	qsort(s, (size_t)n, sizeof(*s), cmp_double);
	return s;
}

double
bench_median(const double *v, int n)
{
	double *s = sorted_copy(v, n);
	double m = n % 2 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;

	free(s);
	return m;
}

/* P(B <= k) for B ~ binomial(n, 1/2), summed in log space. */
static double
binom_cdf_half(int n, int k)
{
	double sum = 0;

	for (int i = 0; i <= k; i++)
		sum += exp(lgamma(n + 1) - lgamma(i + 1) - lgamma(n - i + 1) -
			   n * log(2.0));
	return sum;
}

void
bench_median_ci(const double *v, int n, double level, double *lo, double *hi,
		double *coverage)
{
	double *s = sorted_copy(v, n);
	int k = 1;

	/* Move inwards while the next interval still covers enough. */
	while (k + 1 <= (n + 1) / 2 && 1 - 2 * binom_cdf_half(n, k) >= level)
		k++;
	*lo = s[k - 1];
	*hi = s[n - k];
	*coverage = 1 - 2 * binom_cdf_half(n, k - 1);
	if (*coverage < 0)
		*coverage = 0;
	free(s);
}

void
bench_metric_stats(struct bench_metric_result *m)
{
	if (m->nsamples == 0)
		return;
	m->median = bench_median(m->samples, m->nsamples);
	bench_median_ci(m->samples, m->nsamples, 0.95, &m->ci_low, &m->ci_high,
			&m->ci_level);
	m->spread = m->median > 0 ? (m->ci_high - m->ci_low) / 2 / m->median
				  : INFINITY;
}
