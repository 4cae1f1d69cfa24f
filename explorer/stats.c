/*
 * Median and a distribution-free confidence interval of it, from the
 * order statistics of the samples; and the reproducible random numbers
 * of the simulator and the model.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "../util/util.h"
#include "explorer.h"

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

void
ex_stats(const double *v, int n, struct ex_stats *st)
{
	double *s;
	int lo, hi;

	memset(st, 0, sizeof(*st));
	st->n = n;
	if (n <= 0)
		return;
	s = xmalloc(n * sizeof(double));
	memcpy(s, v, n * sizeof(double));
	qsort(s, n, sizeof(double), cmp_double);
	st->median = n % 2 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;

	/*
	 * About 95%: the ranks n/2 -+ 0.98 sqrt(n).  Below six samples no
	 * pair of order statistics reaches 95%, so the range stands in.
	 */
	if (n < 6) {
		lo = 0;
		hi = n - 1;
	} else {
		lo = (int)floor(n / 2.0 - 0.98 * sqrt(n));
		hi = (int)ceil(n / 2.0 + 0.98 * sqrt(n));
		if (lo < 0)
			lo = 0;
		if (hi > n - 1)
			hi = n - 1;
	}
	st->ci_low = s[lo];
	st->ci_high = s[hi];
	free(s);
}

static uint64_t
mix64(uint64_t x)
{
	x += UINT64_C(0x9e3779b97f4a7c15);
	x = (x ^ (x >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	x = (x ^ (x >> 27)) * UINT64_C(0x94d049bb133111eb);
	return x ^ (x >> 31);
}

double
ex_unit_random(uint64_t seed, uint64_t n)
{
	return (double)(mix64(seed * 1000003 + n) >> 11) / 9007199254740992.0;
}

double
ex_gaussian(uint64_t seed, uint64_t n)
{
	double u1 = ex_unit_random(seed, 2 * n) + 1e-12;
	double u2 = ex_unit_random(seed, 2 * n + 1);

	return sqrt(-2 * log(u1)) * cos(2 * M_PI * u2);
}
