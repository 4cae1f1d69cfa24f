/*
 * Statistics: the median, and the order-statistic confidence interval of
 * the median with its exact binomial coverage.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "../../bench/internal.h"

static void
median_of_odd_and_even_counts(void **state)
{
	const double odd[] = {5, 1, 3};
	const double even[] = {4, 1, 3, 2};

	(void)state;
	assert_float_equal(bench_median(odd, 3), 3, 0);
	assert_float_equal(bench_median(even, 4), 2.5, 0);
	/* The input is not reordered. */
	assert_float_equal(odd[0], 5, 0);
}

static void
ci_small_samples_fall_back_to_the_range(void **state)
{
	const double v[] = {10, 30, 20, 40, 50};
	double lo, hi, cov;

	(void)state;
	/* n = 5: even [min, max] covers only 1 - 2/32. */
	bench_median_ci(v, 5, 0.95, &lo, &hi, &cov);
	assert_float_equal(lo, 10, 0);
	assert_float_equal(hi, 50, 0);
	assert_float_equal(cov, 1 - 2.0 / 32, 1e-12);
}

static void
ci_moves_inwards_as_samples_grow(void **state)
{
	double v[20], lo, hi, cov;

	(void)state;
	for (int i = 0; i < 20; i++)
		v[i] = 100 + i; /* x(k) = 99 + k */

	/* n = 10: [x(2), x(9)], coverage 1 - 2 * 11/1024. */
	bench_median_ci(v, 10, 0.95, &lo, &hi, &cov);
	assert_float_equal(lo, 101, 0);
	assert_float_equal(hi, 108, 0);
	assert_float_equal(cov, 1 - 2 * 11.0 / 1024, 1e-12);

	/* n = 20: [x(6), x(15)], coverage 1 - 2 * P(B <= 5) = 0.9586. */
	bench_median_ci(v, 20, 0.95, &lo, &hi, &cov);
	assert_float_equal(lo, 105, 0);
	assert_float_equal(hi, 114, 0);
	assert_float_equal(cov, 1 - 2 * 21700.0 / 1048576, 1e-12);
	assert_true(cov >= 0.95);
}

static void
metric_stats_fill_median_ci_and_spread(void **state)
{
	struct bench_metric_result m;
	const double v[] = {90, 100, 110, 95, 105, 100};

	(void)state;
	memset(&m, 0, sizeof(m));
	memcpy(m.samples, v, sizeof(v));
	m.nsamples = 6;
	bench_metric_stats(&m);
	assert_float_equal(m.median, 100, 0);
	/* n = 6: [min, max] = [90, 110], coverage 1 - 2/64. */
	assert_float_equal(m.ci_low, 90, 0);
	assert_float_equal(m.ci_high, 110, 0);
	assert_float_equal(m.ci_level, 1 - 2.0 / 64, 1e-12);
	assert_float_equal(m.spread, 0.1, 1e-12);

	/* A zero median has no relative spread. */
	memset(&m, 0, sizeof(m));
	m.nsamples = 2;
	bench_metric_stats(&m);
	assert_true(isinf(m.spread));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(median_of_odd_and_even_counts),
		cmocka_unit_test(ci_small_samples_fall_back_to_the_range),
		cmocka_unit_test(ci_moves_inwards_as_samples_grow),
		cmocka_unit_test(metric_stats_fill_median_ci_and_spread),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
