/*
 * Unit tests of the report model: line wrapping, exact numbers, and one
 * exploration written with the db/ API and read back: outcomes that
 * stand, counts, ranking, Pareto set, violations and covers.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "../../reports/report.h"
#include "../../util/util.h"

static void
test_wrapped_fits(void **state)
{
	const char *names[] = {
		"lwip|newlib+redis|uksched@mpk/lwip=sanitize,newlib=sanitize,"
		"redis=sanitize,uksched=sanitize",
		"short",
		"averyveryveryveryveryveryveryveryveryveryveryveryveryvery"
		"longwordwithoutanyplacetobreakitatall",
		"a, b, c, d, e, f, g, h, i, j, k, l, m, n, o, p, q, r, "
		"s, t, u, v, w, x, y, z",
	};

	(void)state;
	for (size_t i = 0; i < FX_ARRAY_LEN(names); i++) {
		for (int col = 0; col < 60; col += 7) {
			struct strbuf sb, joined;
			const char *line;

			sb_init(&sb);
			sb_init(&joined);
			sb_addf(&sb, "%*s", col, "");
			rp_add_wrapped(&sb, names[i], col, 12);
			assert_int_equal(sb.buf[sb.len - 1], '\n');
			/* Every line fits; the text comes back whole. */
			line = sb.buf;
			while (*line) {
				const char *nl = strchr(line, '\n');
				const char *p = line;

				assert_true(nl - line <= 80);
				while (*p == ' ' && p < nl)
					p++;
				if (joined.len > 0 && p[0] != '\0' &&
				    joined.buf[joined.len - 1] == ',' &&
				    strchr(names[i], ' ') != NULL)
					sb_addc(&joined, ' ');
				sb_add(&joined, p, nl - p);
				line = nl + 1;
			}
			assert_string_equal(joined.buf, names[i]);
			sb_free(&sb);
			sb_free(&joined);
		}
	}
}

static void
test_exact_numbers(void **state)
{
	double values[] = {0,
			   1199219.6,
			   0.1,
			   1e-300,
			   -3.5,
			   1.0 / 3.0,
			   123456789.123456789,
			   2.0 / 7e9,
			   100.0 * 880298.1 / 1199219.6};

	(void)state;
	srand(7);
	for (size_t i = 0; i < FX_ARRAY_LEN(values) + 1000; i++) {
		double v = i < FX_ARRAY_LEN(values)
				   ? values[i]
				   : (double)rand() / rand() * 1e6;
		struct strbuf sb;

		sb_init(&sb);
		rp_add_exact(&sb, v);
		assert_true(strtod(sb.buf, NULL) == v);
		sb_free(&sb);
	}
}

/* ---- One exploration written with the db/ API ------------------------ */

static char dir[] = "/tmp/fxrptest.XXXXXX";

struct fixture {
	struct db *db;
	struct cs_space *sp;
	int64_t space, exp;
};

static int64_t
config(struct fixture *f, const char *name)
{
	struct cs_config cfg;
	struct strbuf canon;
	char hash[CS_HASH_LEN + 1], msg[256];
	struct db_config_row row;
	int64_t id;

	assert_int_equal(cs_parse(f->sp, name, &cfg, msg, sizeof(msg)), 0);
	sb_init(&canon);
	cs_name(f->sp, &cfg, &canon);
	cs_hash(f->sp, &cfg, hash);
	row.space_name = cs_space_name(f->sp);
	row.name = canon.buf;
	row.hash = hash;
	row.compartments = cs_config_ncompartments(f->sp, &cfg);
	row.mechanism = cs_config_mechanism(f->sp, &cfg);
	row.score = cs_score(f->sp, &cfg);
	id = db_config(f->db, f->space, &row);
	assert_true(id > 0);
	sb_free(&canon);
	return id;
}

static void
decide(struct fixture *f, const char *name, enum db_kind kind, int pass,
       double value, int64_t source)
{
	struct db_decision d = {0};

	d.config_id = config(f, name);
	d.kind = kind;
	d.pass = pass;
	d.has_value = value > 0;
	d.value = value;
	d.ci_low = value * 0.99;
	d.ci_high = value * 1.01;
	d.samples = 5;
	d.source_config_id = source;
	d.reason = kind == DB_SKIPPED ? "this host cannot run mpk" : NULL;
	assert_int_equal(db_add_decision(f->db, f->exp, &d), 0);
}

#define BASE "lwip+newlib+redis+uksched"
#define TWO "lwip|newlib+redis+uksched@mpk"
#define TWO_L TWO "/lwip=sanitize"
#define TWO_LU TWO "/lwip=sanitize,uksched=sanitize"
#define THREE "lwip|newlib+redis|uksched@mpk"
#define BASE_L BASE "/lwip=sanitize"
#define BASE_R BASE "/redis=sanitize"

static void
test_model(void **state)
{
	struct fixture f = {0};
	struct db_exploration e = {0};
	struct rp_report r;
	struct cs_error err;
	char *path = xasprintf("%s/model.db", dir);
	char *spec = xasprintf("%s/spaces/flexos-redis.yaml", fx_srcdir());
	int code;
	int64_t two_l;

	(void)state;
	f.db = db_open(path, DB_READ_WRITE, &code);
	assert_non_null(f.db);
	f.sp = cs_load(spec, &err);
	assert_non_null(f.sp);
	f.space = db_space(f.db, cs_space_name(f.sp), cs_space_digest(f.sp),
			   spec);
	e.key = "unit";
	e.app = "flexos-redis";
	e.space_id = f.space;
	e.evaluator = "replay";
	e.revision_id = db_revision(f.db, "replay:unit");
	e.toolchain = "replay";
	e.host_id = db_host(f.db, "unit", "{\"mechanisms\": [\"mpk\"]}");
	e.metric = "get_mean";
	e.direction = "higher";
	e.budget = "500";
	e.strategy = "poset";
	e.space_size = 80;
	assert_int_equal(db_exploration_create(f.db, &e), 0);
	f.exp = e.id;
	free(e.status); /* the one string db_exploration_create() sets */
	assert_int_equal(db_exploration_set_budget(f.db, f.exp, 1000, 500), 0);

	/*
	 * The baseline passes; TWO_L passes and makes TWO pass by inference;
	 * TWO_LU misses; THREE is measured better than the less safe TWO_L
	 * (a violation) and passes; BASE_L was inferred to pass, but its
	 * verification missed; BASE_R failed; one uncertain, one skipped.
	 */
	decide(&f, BASE, DB_EVALUATED, 1, 1000, 0);
	decide(&f, TWO_L, DB_EVALUATED, 1, 600, 0);
	two_l = config(&f, TWO_L);
	decide(&f, TWO, DB_INFERRED_PASS, 1, 0, two_l);
	decide(&f, TWO_LU, DB_EVALUATED, 0, 400, 0);
	decide(&f, THREE, DB_EVALUATED, 1, 700, 0);
	decide(&f, BASE_L, DB_INFERRED_PASS, 1, 0, two_l);
	decide(&f, BASE_L, DB_VERIFIED, 0, 450, 0);
	decide(&f, BASE_R, DB_FAILED, -1, 0, 0);
	decide(&f, THREE "/uksched=sanitize", DB_UNCERTAIN, -1, 505, 0);
	decide(&f, THREE "/redis=sanitize", DB_SKIPPED, -1, 0, 0);
	assert_int_equal(
		db_exploration_set_status(f.db, f.exp, "finished", NULL), 0);
	db_close(f.db);

	f.db = db_open(path, DB_READ_ONLY, &code);
	assert_non_null(f.db);
	assert_int_equal(rp_load(f.db, f.exp, NULL, &r), FX_EXIT_OK);
	assert_int_equal(r.nnodes, 9);
	assert_int_equal(r.counts.evaluated, 4);
	assert_int_equal(r.counts.inferred_pass, 1);
	assert_int_equal(r.counts.verified, 1);
	assert_int_equal(r.counts.contradicted, 1);
	assert_int_equal(r.counts.failed, 1);
	assert_int_equal(r.counts.uncertain, 1);
	assert_int_equal(r.counts.skipped, 1);

	/* Passing: BASE, TWO_L, TWO, THREE; maximal: TWO_L and THREE. */
	assert_int_equal(r.nranking, 2);
	assert_true(strcmp(r.nodes[r.ranking[0]].name, TWO_L) == 0 ||
		    strcmp(r.nodes[r.ranking[1]].name, TWO_L) == 0);
	assert_true(strcmp(r.nodes[r.ranking[0]].name, THREE) == 0 ||
		    strcmp(r.nodes[r.ranking[1]].name, THREE) == 0);
	assert_true(r.nodes[r.ranking[0]].score >= r.nodes[r.ranking[1]].score);

	/* Pareto, by its definition, pair by pair. */
	for (int i = 0; i < r.nnodes; i++) {
		const struct rp_node *x = &r.nodes[i];
		int dominated = 0;

		if (!x->has_value || x->kind == DB_FAILED) {
			assert_int_equal(x->pareto, 0);
			continue;
		}
		for (int j = 0; j < r.nnodes; j++) {
			const struct rp_node *y = &r.nodes[j];

			if (j == i || !y->has_value || y->kind == DB_FAILED)
				continue;
			if ((y->score >= x->score && y->value > x->value) ||
			    (y->score > x->score && y->value >= x->value))
				dominated = 1;
		}
		assert_int_equal(x->pareto, !dominated);
	}

	/* TWO_L (600) is safer than BASE_L (450, verified) and clearly
	 * better: the one violation among measured pairs. */
	assert_int_equal(r.nviolations, 1);
	assert_string_equal(r.nodes[r.violations[0].lo].name, BASE_L);
	assert_string_equal(r.nodes[r.violations[0].hi].name, TWO_L);

	/* Covers among the named: TWO above BASE; TWO_L above TWO and
	 * BASE_L; TWO_LU above TWO_L; THREE above TWO; ... */
	assert_true(r.nedges >= 6);
	for (int k = 0; k < r.nedges; k++)
		assert_int_equal(cs_compare(r.sp, &r.nodes[r.edges[k].lo].cfg,
					    &r.nodes[r.edges[k].hi].cfg),
				 CS_LESS);
	rp_free(&r);
	db_close(f.db);
	cs_free(f.sp);
	unlink(path);
	free(path);
	free(spec);
}

static int
setup(void **state)
{
	(void)state;
	return mkdtemp(dir) == NULL ? -1 : 0;
}

static int
teardown(void **state)
{
	char *cmd = xasprintf("rm -rf '%s'", dir);
	int rc = system(cmd);

	(void)state;
	free(cmd);
	return rc;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_wrapped_fits),
		cmocka_unit_test(test_exact_numbers),
		cmocka_unit_test(test_model),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
