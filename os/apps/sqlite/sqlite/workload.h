/*
 * The insert workload, shared by the sqlite application and the plain
 * Linux program it is compared with (os/apps/sqlite/native/).
 */
#ifndef SQLITE_WORKLOAD_H
#define SQLITE_WORKLOAD_H

struct workload_result {
	long inserts;	/* INSERT statements run */
	double seconds; /* wall time of the inserts alone */
	long rows;	/* rows the table holds afterwards */
};

/**
 * Create a table in the database at @path (through the SQLite VFS named
 * @vfs, NULL for the default), run @n INSERTs, each its own transaction,
 * then count the rows.  Returns 0, or -1 with a message on stderr.
 */
int workload_run(const char *path, const char *vfs, long n,
		 struct workload_result *res);

#endif /* SQLITE_WORKLOAD_H */
