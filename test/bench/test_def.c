/*
 * Benchmark definitions: the applications' own files load, and every
 * mistake is reported with file:line and what was expected.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "../../bench/internal.h"

static void
load_app(const char *app, struct bench_def *def)
{
	char path[512], err[512];

	snprintf(path, sizeof(path), "%s/os/apps/%s/bench.yaml", fx_srcdir(),
		 app);
	if (bdef_load(path, def, err, sizeof(err)) != 0)
		fail_msg("%s", err);
}

static void
applications_definitions_load(void **state)
{
	struct bench_def def;

	(void)state;
	load_app("httpd", &def);
	assert_int_equal(def.kind, BDEF_SERVER);
	assert_int_equal(def.protocol, BDEF_PROTO_HTTP);
	assert_string_equal(def.tool, "wrk");
	assert_int_equal(def.parser, BDEF_PARSE_WRK);
	assert_string_equal(def.metrics[0].unit, "requests/s");
	assert_true(def.metrics[0].higher_is_better);
	bdef_free(&def);

	load_app("kvstore", &def);
	assert_string_equal(def.package, "redis-tools");
	assert_int_equal(def.parser, BDEF_PARSE_REDIS_CSV);
	assert_int_equal(bdef_metric_index(&def, "get"), 0);
	assert_int_equal(bdef_metric_index(&def, "set"), 1);
	assert_int_equal(bdef_metric_index(&def, "lpush"), -1);
	assert_true(def.check_setget);
	bdef_free(&def);

	load_app("sqlite", &def);
	assert_int_equal(def.kind, BDEF_WORKLOAD);
	assert_string_equal(def.metrics[0].unit, "inserts/s");
	assert_string_equal(def.check_equal[0], "rows");
	assert_true(def.requests_min > 0);
	bdef_free(&def);
}

/* Load @text and expect an error containing @want. */
static void
expect_error(const char *text, const char *want)
{
	struct bench_def def;
	char err[512];

	if (bdef_load_string(text, "t.yaml", &def, err, sizeof(err)) == 0)
		fail_msg("accepted:\n%s", text);
	if (strstr(err, want) == NULL)
		fail_msg("error '%s' lacks '%s'", err, want);
}

#define METRIC                                                                 \
	"metrics:\n"                                                           \
	"  - {name: r, unit: requests/s, better: higher, field: Requests/sec}\n"

static void
bad_definitions_name_file_and_line(void **state)
{
	(void)state;
	expect_error("", "t.yaml:1: empty file");
	expect_error("kind: server\nprotocol: [http\n",
		     "t.yaml:3: not valid YAML: flow sequence");
	expect_error("kind: server\nprotocol: ftp\n",
		     "t.yaml:2: expected 'protocol': one of none, http, resp");
	expect_error("kind: server\nflavour: x\n",
		     "t.yaml:2: unknown key 'flavour'");
	expect_error("kind: server\nprotocol: http\n" METRIC,
		     "t.yaml:1: a server needs 'client'");
	expect_error("kind: server\nprotocol: http\n"
		     "client:\n  tool: wrk\n  output: csv\n" METRIC,
		     "t.yaml:5: expected 'output': one of wrk, redis-csv");
	expect_error("kind: server\nprotocol: http\n"
		     "client:\n  tool: wrk\n  output: wrk\n"
		     "metrics:\n  - {name: r, unit: x, better: faster, "
		     "field: F}\n",
		     "t.yaml:7: expected 'better': one of lower, higher");
	expect_error("kind: server\nprotocol: http\n"
		     "client:\n  tool: wrk\n  output: wrk\n"
		     "metrics:\n  - {name: r, unit: x, better: higher}\n",
		     "t.yaml:7: a metric has exactly the keys");
	expect_error("kind: server\nprotocol: http\n"
		     "client:\n  tool: wrk\n  output: wrk\n"
		     "  args: [\"-n{requests}\"]\n" METRIC,
		     "'{requests}' in args needs 'requests'");
	expect_error("kind: workload\n"
		     "workload:\n  output: keyvalue\n"
		     "  requests: {min: 10, max: 5}\n" METRIC,
		     "t.yaml:4: 'min' is larger than 'max'");
	expect_error("kind: server\nprotocol: http\ncheck:\n  get: /x\n"
		     "client:\n  tool: wrk\n  output: wrk\n" METRIC,
		     "t.yaml:4: 'check' needs both 'get' and 'file'");
	expect_error("kind: server\nprotocol: http\n"
		     "client:\n  tool: wrk\n  output: wrk\n" METRIC
		     "  - {name: r, unit: y, better: lower, field: G}\n",
		     "t.yaml:8: metric 'r' is defined twice");
	expect_error("%YAML 1.2\n---\nkind: server\n",
		     "t.yaml:1: YAML directives");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(applications_definitions_load),
		cmocka_unit_test(bad_definitions_name_file_and_line),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
