/*
 * Unit tests of the results database: creation, versions, keys,
 * samples, explorations, decisions and the exploration lock.
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

#include "../../db/db.h"
#include "../../util/util.h"

static char dir[] = "/tmp/fxdbtest.XXXXXX";

static char *
fresh_path(const char *name)
{
	char *path = xasprintf("%s/%s", dir, name);

	unlink(path);
	return path;
}

static struct db *
open_rw(const char *path)
{
	int code = -1;
	struct db *db = db_open(path, DB_READ_WRITE, &code);

	assert_non_null(db);
	assert_int_equal(code, 0);
	return db;
}

static void
test_create_and_keys(void **state)
{
	char *path = fresh_path("keys.db");
	struct db *db = open_rw(path);
	struct db_config_row row = {"redis",
				    "lwip+newlib+redis+uksched",
				    "0123456789abcdef",
				    1,
				    "none",
				    0.0};
	int64_t host, rev, space, cfg;

	(void)state;
	assert_int_equal(db_schema_version(db), DB_SCHEMA_VERSION);
	host = db_host(db, "fp1", "{\"cpu\":\"x\"}");
	assert_true(host > 0);
	assert_int_equal(db_host(db, "fp1", "{}"), host);
	assert_true(db_host(db, "fp2", "{}") != host);
	rev = db_revision(db, "abc123");
	assert_true(rev > 0);
	assert_int_equal(db_revision(db, "abc123"), rev);
	space = db_space(db, "redis", "d1", "/x.yaml");
	assert_true(space > 0);
	assert_int_equal(db_space(db, "redis", "d1", "/x.yaml"), space);
	assert_true(db_space(db, "redis", "d2", "/x.yaml") != space);
	cfg = db_config(db, space, &row);
	assert_true(cfg > 0);
	assert_int_equal(db_config(db, space, &row), cfg);
	assert_int_equal(db_config_find(db, "redis", row.name), cfg);
	assert_int_equal(db_config_find(db, "other", row.name), 0);
	db_close(db);

	/* Reopening keeps everything and does not migrate again. */
	db = open_rw(path);
	assert_int_equal(db_config_find(db, "redis", row.name), cfg);
	db_close(db);
	free(path);
}

static void
test_samples_rounds_and_key(void **state)
{
	char *path = fresh_path("samples.db");
	struct db *db = open_rw(path);
	struct db_config_row row = {"s", "a", "00", 1, "none", 0.0};
	struct db_mkey key;
	double v1[] = {1.0, 2.0, 3.0}, v2[] = {4.0};
	double *got;
	int n;

	(void)state;
	key.config_id = db_config(db, db_space(db, "s", "d", "p"), &row);
	key.revision_id = db_revision(db, "r1");
	key.toolchain = "gcc 12";
	key.host_id = db_host(db, "h", "{}");
	key.metric = "get_mean";
	assert_int_equal(db_add_samples(db, &key, 0, v1, 3), 0);
	assert_int_equal(db_add_samples(db, &key, 0, v2, 1), 1);
	assert_int_equal(db_find_samples(db, &key, &got, &n), 0);
	assert_int_equal(n, 4);
	assert_true(got[0] == 1.0 && got[3] == 4.0);
	free(got);

	/* Any differing key part means no reuse. */
	key.toolchain = "clang 14";
	assert_int_equal(db_find_samples(db, &key, &got, &n), 0);
	assert_int_equal(n, 0);
	free(got);
	key.toolchain = "gcc 12";
	key.host_id = db_host(db, "other-host", "{}");
	assert_int_equal(db_find_samples(db, &key, &got, &n), 0);
	assert_int_equal(n, 0);
	free(got);
	db_close(db);
	free(path);
}

static int
count_decision(const struct db_decision *d, void *arg)
{
	int *n = arg;

	assert_int_equal(d->seq, *n + 1);
	assert_non_null(d->config_name);
	(*n)++;
	return 0;
}

static void
test_explorations_and_decisions(void **state)
{
	char *path = fresh_path("expl.db");
	struct db *db = open_rw(path);
	struct db_config_row row = {"s", "a", "00", 1, "none", 0.0};
	struct db_exploration e = {0}, f;
	struct db_decision d = {0};
	int64_t counts[DB_VERIFIED + 1];
	int64_t holder;
	int fd, fd2, n = 0;

	(void)state;
	e.key = xstrdup("k1");
	e.app = xstrdup("redis");
	e.space_id = db_space(db, "s", "d", "p");
	e.evaluator = xstrdup("replay");
	e.revision_id = db_revision(db, "r");
	e.toolchain = xstrdup("none");
	e.host_id = db_host(db, "h", "{}");
	e.metric = xstrdup("get_mean");
	e.direction = xstrdup("higher");
	e.budget = xstrdup("80%");
	e.strategy = xstrdup("poset");
	e.space_size = 80;
	assert_int_equal(db_exploration_create(db, &e), 0);
	assert_true(e.id > 0);
	assert_int_equal(db_exploration_find(db, "k1", &f), 1);
	assert_string_equal(f.status, "running");
	assert_int_equal(f.has_baseline, 0);
	db_exploration_free(&f);
	assert_int_equal(db_exploration_find(db, "k2", &f), 0);

	assert_int_equal(db_exploration_set_budget(db, e.id, 100.0, 80.0), 0);
	assert_int_equal(db_exploration_set_status(db, e.id, "finished", NULL),
			 0);
	assert_int_equal(db_exploration_get(db, e.id, &f), 1);
	assert_string_equal(f.status, "finished");
	assert_non_null(f.finished);
	assert_true(f.budget_value == 80.0);
	db_exploration_free(&f);

	d.config_id = db_config(db, e.space_id, &row);
	d.kind = DB_EVALUATED;
	d.pass = 1;
	assert_int_equal(db_add_decision(db, e.id, &d), 0);
	assert_int_equal(d.seq, 1);
	d.seq = 0;
	d.kind = DB_INFERRED_MISS;
	d.source_config_id = d.config_id;
	assert_int_equal(db_add_decision(db, e.id, &d), 0);
	assert_int_equal(d.seq, 2);
	assert_int_equal(db_decision_each(db, e.id, count_decision, &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(db_decision_counts(db, e.id, counts), 0);
	assert_int_equal(counts[DB_EVALUATED], 1);
	assert_int_equal(counts[DB_INFERRED_MISS], 1);
	assert_int_equal(db_kind_parse("inferred-pass"), DB_INFERRED_PASS);
	assert_int_equal(db_kind_parse("nonsense"), -1);

	/* One holder at a time; released on unlock. */
	fd = db_exploration_lock(db, e.id, &holder);
	assert_true(fd >= 0);
	assert_true(db_exploration_locked(db, e.id));
	fd2 = db_exploration_lock(db, e.id, &holder);
	assert_int_equal(fd2, -1);
	assert_int_equal(holder, getpid());
	db_exploration_unlock(fd);
	assert_false(db_exploration_locked(db, e.id));
	fd2 = db_exploration_lock(db, e.id, &holder);
	assert_true(fd2 >= 0);
	db_exploration_unlock(fd2);

	db_exploration_free(&e);
	db_close(db);
	free(path);
}

static void
test_newer_schema_refused(void **state)
{
	char *path = fresh_path("newer.db");
	struct db *db = open_rw(path);
	sqlite3_stmt *st;
	sqlite3 *raw;
	int code = 0;

	(void)state;
	assert_int_equal(sqlite3_exec(db_sqlite(db), "PRAGMA user_version = 99",
				      NULL, NULL, NULL),
			 SQLITE_OK);
	db_close(db);
	assert_null(db_open(path, DB_READ_WRITE, &code));
	assert_int_equal(code, FX_EXIT_ENV);
	assert_null(db_open(path, DB_READ_ONLY, &code));
	assert_int_equal(code, FX_EXIT_ENV);

	/* Left as it was. */
	assert_int_equal(sqlite3_open(path, &raw), SQLITE_OK);
	assert_int_equal(
		sqlite3_prepare_v2(raw, "PRAGMA user_version", -1, &st, NULL),
		SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	assert_int_equal(sqlite3_column_int(st, 0), 99);
	sqlite3_finalize(st);
	sqlite3_close(raw);
	free(path);
}

static void
test_not_a_database(void **state)
{
	char *path = fresh_path("junk.db");
	FILE *f = fopen(path, "w");
	int code = 0;

	(void)state;
	fputs("this is not sqlite, not at all, it is plain text.\n", f);
	fclose(f);
	assert_null(db_open(path, DB_READ_WRITE, &code));
	assert_int_equal(code, FX_EXIT_USAGE);
	free(path);

	path = fresh_path("missing.db");
	assert_null(db_open(path, DB_READ_ONLY, &code));
	assert_int_equal(code, FX_EXIT_ENV);
	free(path);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_create_and_keys),
		cmocka_unit_test(test_samples_rounds_and_key),
		cmocka_unit_test(test_explorations_and_decisions),
		cmocka_unit_test(test_newer_schema_refused),
		cmocka_unit_test(test_not_a_database),
	};
	char *rm;
	int rc;

	if (mkdtemp(dir) == NULL)
		return 1;
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	rm = xasprintf("rm -rf '%s'", dir);
	if (system(rm) != 0)
		rc = 1;
	free(rm);
	return rc;
}
