/*
 * sqlite: the application entry.  Runs the insert workload on a database
 * kept in vfs and prints its result lines.
 */
#include "sqlite.h"

#include "fxvfs.h"
#include "plat.h"
#include "vfs.h"
#include "workload.h"

#include <errno.h>
#include <sqlite3.h>
#include <string.h>

int
sqlite_main(void)
{
	const char *db = plat_option("db");
	long n = plat_option_long("inserts", 5000);
	struct workload_result res;
	int rc;

	if (n < 0) {
		plat_err("--inserts must not be negative");
		return 2;
	}
	if (db == NULL || db[0] == '\0') {
		db = "/data/bench.db";
		rc = vfs_mkdir("/data", 0755);
		if (rc < 0 && rc != -EEXIST) {
			plat_err("cannot create '/data': %s", strerror(-rc));
			return 1;
		}
	}
	rc = fxvfs_register();
	if (rc != SQLITE_OK) {
		plat_err("cannot register the SQLite VFS: %s",
			 sqlite3_errstr(rc));
		return 1;
	}
	if (workload_run(db, FXVFS_NAME, n, &res) < 0)
		return 1;

	plat_printf("inserts=%ld\n", res.inserts);
	plat_printf("seconds=%.6f\n", res.seconds);
	plat_printf("rate=%.0f\n",
		    res.seconds > 0 ? (double)res.inserts / res.seconds : 0.0);
	plat_printf("rows=%ld\n", res.rows);
	if (res.rows != res.inserts) {
		plat_err("the table holds %ld rows, expected %ld", res.rows,
			 res.inserts);
		return 1;
	}
	return 0;
}
