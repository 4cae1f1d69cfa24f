/*
 * The insert workload: one table, N single-row INSERTs through one
 * prepared statement, each in its own (implicit) transaction, so that
 * every insert writes and syncs the database and its rollback journal.
 */
#include "workload.h"

#include <sqlite3.h>
#include <stdio.h>
#include <time.h>

static double
workload_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int
workload_fail(sqlite3 *db, const char *what)
{
	fprintf(stderr, "sqlite: %s: %s\n", what,
		db ? sqlite3_errmsg(db) : "out of memory");
	sqlite3_close(db);
	return -1;
}

int
workload_run(const char *path, const char *vfs, long n,
	     struct workload_result *res)
{
	static const char text[] = "a row of the flexexplore insert workload";
	sqlite3_stmt *ins = NULL, *count = NULL;
	sqlite3 *db = NULL;
	double t0;
	long i;

	if (sqlite3_open_v2(path, &db,
			    SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE,
			    vfs) != SQLITE_OK)
		return workload_fail(db, "cannot open the database");
	if (sqlite3_exec(db,
			 "DROP TABLE IF EXISTS bench;"
			 "CREATE TABLE bench(id INTEGER PRIMARY KEY,"
			 " name TEXT NOT NULL, value INTEGER NOT NULL);",
			 NULL, NULL, NULL) != SQLITE_OK)
		return workload_fail(db, "cannot create the table");
	if (sqlite3_prepare_v2(db,
			       "INSERT INTO bench(name, value) VALUES (?, ?)",
			       -1, &ins, NULL) != SQLITE_OK)
		return workload_fail(db, "cannot prepare the insert");

	t0 = workload_now();
	for (i = 0; i < n; i++) {
		sqlite3_bind_text(ins, 1, text, -1, SQLITE_STATIC);
		sqlite3_bind_int64(ins, 2, i);
		if (sqlite3_step(ins) != SQLITE_DONE) {
			sqlite3_finalize(ins);
			return workload_fail(db, "insert failed");
		}
		sqlite3_reset(ins);
	}
	res->seconds = workload_now() - t0;
	res->inserts = n;
	sqlite3_finalize(ins);

	if (sqlite3_prepare_v2(db, "SELECT count(*) FROM bench", -1, &count,
			       NULL) != SQLITE_OK ||
	    sqlite3_step(count) != SQLITE_ROW) {
		sqlite3_finalize(count);
		return workload_fail(db, "cannot count the rows");
	}
	res->rows = (long)sqlite3_column_int64(count, 0);
	sqlite3_finalize(count);
	if (sqlite3_close(db) != SQLITE_OK)
		return workload_fail(db, "cannot close the database");
	return 0;
}
