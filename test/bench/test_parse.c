/*
 * The output parsers, on the real output of wrk 4.1, redis-benchmark 7.0
 * and the sqlite workload, and on output they must refuse.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "../../bench/internal.h"

static const char wrk_ok[] =
	"Running 1s test @ http://127.0.0.1:17381/index.html\n"
	"  1 threads and 8 connections\n"
	"  Thread Stats   Avg      Stdev     Max   +/- Stdev\n"
	"    Latency   448.68us    0.90ms   8.36ms   88.71%\n"
	"    Req/Sec    65.32k    21.88k   94.02k    54.55%\n"
	"  71427 requests in 1.10s, 16.35MB read\n"
	"Requests/sec:  64722.05\n"
	"Transfer/sec:     14.81MB\n";

static const char wrk_404[] =
	"Running 1s test @ http://127.0.0.1:17381/nothere\n"
	"  1 threads and 8 connections\n"
	"  Thread Stats   Avg      Stdev     Max   +/- Stdev\n"
	"    Latency   596.33us    1.05ms   8.12ms   85.91%\n"
	"    Req/Sec    57.70k    14.45k   84.66k    72.73%\n"
	"  63079 requests in 1.10s, 18.53MB read\n"
	"  Non-2xx or 3xx responses: 63079\n"
	"Requests/sec:  57353.83\n"
	"Transfer/sec:     16.85MB\n";

static const char wrk_none[] =
	"Running 1s test @ http://127.0.0.1:40000/index.html\n"
	"  1 threads and 16 connections\n"
	"  Thread Stats   Avg      Stdev     Max   +/- Stdev\n"
	"    Latency     0.00us    0.00us   0.00us    -nan%\n"
	"    Req/Sec     0.00      0.00     0.00      -nan%\n"
	"  0 requests in 1.00s, 0.00B read\n"
	"  Socket errors: connect 0, read 0, write 0, timeout 16\n"
	"Requests/sec:      0.00\n"
	"Transfer/sec:       0.00B\n";

static const char redis_ok[] =
	"\"test\",\"rps\",\"avg_latency_ms\",\"min_latency_ms\","
	"\"p50_latency_ms\",\"p95_latency_ms\",\"p99_latency_ms\","
	"\"max_latency_ms\"\n"
	"\"SET\",\"131578.95\",\"0.223\",\"0.040\",\"0.207\",\"0.335\","
	"\"0.719\",\"0.967\"\n"
	"\"GET\",\"121951.22\",\"0.224\",\"0.072\",\"0.199\",\"0.279\","
	"\"0.583\",\"2.663\"\n";

static const char sqlite_ok[] = "inserts=5000\nseconds=0.012345\n"
				"rate=405022\nrows=5000\n";

static void
def_with(struct bench_def *def, enum bdef_parser parser, const char *f1,
	 const char *f2)
{
	memset(def, 0, sizeof(*def));
	def->parser = parser;
	strcpy(def->metrics[0].name, "a");
	strcpy(def->metrics[0].field, f1);
	def->nmetrics = 1;
	if (f2 != NULL) {
		strcpy(def->metrics[1].name, "b");
		strcpy(def->metrics[1].field, f2);
		def->nmetrics = 2;
	}
}

static void
wrk_reads_requests_and_transfer(void **state)
{
	struct bench_def def;
	double v[2];
	char err[256];

	(void)state;
	def_with(&def, BDEF_PARSE_WRK, "Requests/sec", "Transfer/sec");
	assert_int_equal(bench_parse(wrk_ok, &def, v, err, sizeof(err)), 0);
	assert_float_equal(v[0], 64722.05, 1e-6);
	assert_float_equal(v[1], 14.81 * 1024 * 1024, 1);
}

static void
wrk_non_2xx_is_wrong(void **state)
{
	struct bench_def def;
	double v[1];
	char err[256];

	(void)state;
	def_with(&def, BDEF_PARSE_WRK, "Requests/sec", NULL);
	assert_int_equal(bench_parse(wrk_404, &def, v, err, sizeof(err)), 1);
	assert_non_null(strstr(err, "63079 of 63079"));
}

static void
wrk_no_request_is_no_answer(void **state)
{
	struct bench_def def;
	double v[1];
	char err[256];

	(void)state;
	def_with(&def, BDEF_PARSE_WRK, "Requests/sec", NULL);
	assert_int_equal(bench_parse(wrk_none, &def, v, err, sizeof(err)), 2);
}

static void
wrk_unexpected_output_is_quoted(void **state)
{
	struct bench_def def;
	double v[1];
	char err[256];

	(void)state;
	def_with(&def, BDEF_PARSE_WRK, "Requests/sec", NULL);
	assert_int_equal(bench_parse("unable to connect to 127.0.0.1:1 "
				     "Connection refused\n",
				     &def, v, err, sizeof(err)),
			 -1);
	assert_non_null(strstr(err, "'unable to connect"));

	/* A summary whose number is not a number. */
	assert_int_equal(bench_parse("Running 1s test @ x\n"
				     "  5 requests in 1.00s, 1KB read\n"
				     "Requests/sec:  lots\n",
				     &def, v, err, sizeof(err)),
			 -1);
	assert_non_null(strstr(err, "'lots'"));

	/* A field the definition names but wrk did not print. */
	def_with(&def, BDEF_PARSE_WRK, "Latency/sec", NULL);
	assert_int_equal(bench_parse(wrk_ok, &def, v, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "'Latency/sec:'"));
}

static void
redis_csv_reads_each_test(void **state)
{
	struct bench_def def;
	double v[2];
	char err[256];

	(void)state;
	def_with(&def, BDEF_PARSE_REDIS_CSV, "GET", "SET");
	assert_int_equal(bench_parse(redis_ok, &def, v, err, sizeof(err)), 0);
	assert_float_equal(v[0], 121951.22, 1e-6);
	assert_float_equal(v[1], 131578.95, 1e-6);
}

static void
redis_csv_refuses_other_output(void **state)
{
	struct bench_def def;
	double v[2];
	char err[256];

	(void)state;
	def_with(&def, BDEF_PARSE_REDIS_CSV, "GET", NULL);
	/* The -q format instead of --csv. */
	assert_int_equal(bench_parse("SET: 133333.34 requests per second, "
				     "p50=0.191 msec\n",
				     &def, v, err, sizeof(err)),
			 -1);
	assert_non_null(strstr(err, "'SET: 133333.34"));

	/* No header. */
	assert_int_equal(
		bench_parse("\"GET\",\"1\"\n", &def, v, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "header"));

	/* The test the metric needs is missing. */
	def_with(&def, BDEF_PARSE_REDIS_CSV, "LPUSH", NULL);
	assert_int_equal(bench_parse(redis_ok, &def, v, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "\"LPUSH\""));

	/* An rps that is not a number. */
	def_with(&def, BDEF_PARSE_REDIS_CSV, "GET", NULL);
	assert_int_equal(bench_parse("\"test\",\"rps\"\n\"GET\",\"-nan\"\n",
				     &def, v, err, sizeof(err)),
			 -1);
}

static void
keyvalue_reads_and_checks(void **state)
{
	struct bench_def def;
	double v[1];
	char err[256];

	(void)state;
	def_with(&def, BDEF_PARSE_KEYVALUE, "rate", NULL);
	strcpy(def.check_equal[0], "rows");
	strcpy(def.check_equal[1], "inserts");
	assert_int_equal(bench_parse(sqlite_ok, &def, v, err, sizeof(err)), 0);
	assert_float_equal(v[0], 405022, 1e-9);

	assert_int_equal(bench_parse("inserts=5000\nrate=10\nrows=4999\n", &def,
				     v, err, sizeof(err)),
			 1);
	assert_string_equal(err, "rows=4999 but inserts=5000");

	assert_int_equal(bench_parse("sqlite: disk I/O error\n", &def, v, err,
				     sizeof(err)),
			 -1);
	assert_non_null(strstr(err, "'sqlite: disk I/O error'"));

	/* A key that only ends another key does not count. */
	assert_int_equal(bench_parse("xrate=5\n", &def, v, err, sizeof(err)),
			 -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(wrk_reads_requests_and_transfer),
		cmocka_unit_test(wrk_non_2xx_is_wrong),
		cmocka_unit_test(wrk_no_request_is_no_answer),
		cmocka_unit_test(wrk_unexpected_output_is_quoted),
		cmocka_unit_test(redis_csv_reads_each_test),
		cmocka_unit_test(redis_csv_refuses_other_output),
		cmocka_unit_test(keyvalue_reads_and_checks),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
