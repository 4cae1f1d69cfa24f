/*
 * sqlite: SQLite (the host's library) with a SQLite VFS that keeps its
 * files in the OS's vfs, running an insert workload.
 *
 * Options: --inserts=N (default 5000), --db=PATH (in vfs, default
 * /data/bench.db).  It prints "inserts=N", "seconds=S", "rate=R" (inserts
 * per second) and "rows=N" on stdout and exits 0 when the table holds
 * exactly the rows inserted.
 */
#ifndef SQLITE_APP_H
#define SQLITE_APP_H

/** The application's entry point: 0 when the row count checks out. */
int sqlite_main(void);

#endif /* SQLITE_APP_H */
