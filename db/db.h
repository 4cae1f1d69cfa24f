/*
 * db: the results database, one SQLite file.
 *
 * The schema is db/schema.sql (documented in db/README.md); its version is
 * PRAGMA user_version.  db_open() creates a new file at the current
 * version, migrates an older one, and refuses one written by a newer
 * engine.  Connections run in WAL mode with foreign keys on and a busy
 * timeout, so readers (reports, status) never block the writer.
 *
 * The exploration engine is the only writer.  Two engines never work on
 * one exploration: db_exploration_lock() takes an exclusive lock file
 * beside the database for the duration of a run (released by the kernel
 * when the process dies, even by SIGKILL), and records the pid in the
 * exploration's row for `status` and `stop`.
 *
 * Errors: functions returning int give 0 on success and -1 after logging
 * what failed (with the database path); ids are > 0, or -1 on error.
 */
#ifndef FX_DB_H
#define FX_DB_H

#include <sqlite3.h>
#include <stdint.h>

#define DB_SCHEMA_VERSION 1
#define DB_FILE_NAME "flexexplore.db"

struct db; /* opaque: one open connection */

/**
 * The default database path: fx_home()/flexexplore.db (a static buffer),
 * or NULL when the home cannot be created (logged).
 */
const char *db_default_path(void);

enum db_open_mode {
	DB_READ_WRITE, /* create or migrate as needed */
	DB_READ_ONLY,  /* must exist; never writes, never migrates */
};

/**
 * Open @path.  Returns the handle, or NULL with *exit_code set to an
 * enum fx_exit and the reason logged: FX_EXIT_ENV for a file that cannot
 * be opened or a schema newer than this engine knows ("database ... has
 * schema version 7; this flexexplore knows up to 1"), FX_EXIT_USAGE for a
 * file that is not a flexexplore database.
 */
struct db *db_open(const char *path, enum db_open_mode mode, int *exit_code);
void db_close(struct db *db);
const char *db_path(const struct db *db);
/** The raw connection, for readers that run their own queries. */
sqlite3 *db_sqlite(struct db *db);
/** The schema version of the open file (PRAGMA user_version). */
int db_schema_version(struct db *db);

/* Transactions: group the writes of one decision so it lands whole. */
int db_begin(struct db *db);
int db_commit(struct db *db);
void db_rollback(struct db *db);

/** Current UTC time as ISO 8601 into @buf (at least 24 bytes). */
void db_now(char *buf, size_t len);

/* Lookup-or-insert of the keys a measurement is filed under. */
int64_t db_host(struct db *db, const char *fingerprint,
		const char *description_json);
int64_t db_revision(struct db *db, const char *revision);
int64_t db_space(struct db *db, const char *name, const char *digest,
		 const char *path);

/** A configuration as the database keeps it. */
struct db_config_row {
	const char *space_name;
	const char *name; /* canonical name */
	const char *hash;
	int compartments;
	const char *mechanism;
	double score;
};
int64_t db_config(struct db *db, int64_t space_id,
		  const struct db_config_row *row);
/** Id of the configuration @name of space @space_name, or 0 if none. */
int64_t db_config_find(struct db *db, const char *space_name, const char *name);

/** What a measurement is filed under: all five must match for reuse. */
struct db_mkey {
	int64_t config_id;
	int64_t revision_id;
	const char *toolchain;
	int64_t host_id;
	const char *metric;
};

/**
 * Store the samples of one measurement round under @key (one row each) in
 * one transaction of its own, unless the caller holds one.  Returns the
 * round number given (the next free one), or -1.
 */
int db_add_samples(struct db *db, const struct db_mkey *key,
		   int64_t exploration_id, const double *values, int n);

/**
 * Every stored sample under @key, all rounds, in order: *values is
 * malloc'ed (free() it), *n their count (0 when none).  Returns 0 or -1.
 */
int db_find_samples(struct db *db, const struct db_mkey *key, double **values,
		    int *n);

/** Record a build: @ok with @image, or failed with @reason. */
int64_t db_add_build(struct db *db, const struct db_mkey *key, int ok,
		     const char *image, const char *reason, double seconds);

/* Explorations. */
struct db_exploration {
	int64_t id;
	char *key;
	char *app;
	int64_t space_id;
	char *evaluator;
	int64_t revision_id;
	char *toolchain;
	int64_t host_id;
	char *metric;
	char *direction; /* "higher" or "lower" */
	char *budget;	 /* as given */
	int has_budget_value;
	double budget_value;
	int has_baseline;
	double baseline;
	char *strategy;
	double space_size;
	char *status;
	char *message;
	char *started;
	char *finished;
	int64_t pid; /* 0 when none */
	char *log_path;
};

void db_exploration_free(struct db_exploration *e);

/**
 * Find the exploration with @key.  Returns 1 and fills *e, 0 when there
 * is none, -1 on error.
 */
int db_exploration_find(struct db *db, const char *key,
			struct db_exploration *e);
/** Load exploration @id: 1 found, 0 none, -1 error. */
int db_exploration_get(struct db *db, int64_t id, struct db_exploration *e);
/** Insert @e (status "running", started now); sets e->id.  0 or -1. */
int db_exploration_create(struct db *db, struct db_exploration *e);
/**
 * Set status (and message, may be NULL); "finished" and "failed" also set
 * the finish time, and every status but "running" clears the pid.
 */
int db_exploration_set_status(struct db *db, int64_t id, const char *status,
			      const char *message);
int db_exploration_set_run(struct db *db, int64_t id, int64_t pid,
			   const char *log_path);
int db_exploration_set_budget(struct db *db, int64_t id, double baseline,
			      double budget_value);
/** Visit every exploration, newest first; @fn non-zero stops. */
int db_exploration_each(struct db *db,
			int (*fn)(const struct db_exploration *e, void *arg),
			void *arg);

/**
 * Lock exploration @id for this process.  Returns a file descriptor
 * (keep it open for the run; db_exploration_unlock() releases it), or -1
 * when another process holds it: then *holder gets its pid (0 if
 * unknown) and nothing is logged, so the caller can say what to do.
 * Returns -2 (logged) when the lock file cannot be created.
 */
int db_exploration_lock(struct db *db, int64_t id, int64_t *holder);
void db_exploration_unlock(int fd);
/** Whether some process holds the lock of exploration @id (a probe). */
int db_exploration_locked(struct db *db, int64_t id);

/* Decisions. */
enum db_kind {
	DB_EVALUATED,
	DB_INFERRED_PASS,
	DB_INFERRED_MISS,
	DB_SKIPPED,
	DB_FAILED,
	DB_UNCERTAIN,
	DB_VERIFIED,
};

const char *db_kind_name(enum db_kind kind);
/** Parse a kind name; -1 when unknown. */
int db_kind_parse(const char *name);

struct db_decision {
	int64_t seq; /* 0: the next one (db_add_decision fills it in) */
	int64_t config_id;
	enum db_kind kind;
	int pass; /* -1 unknown, 0 miss, 1 meets the budget */
	int has_value;
	double value, ci_low, ci_high;
	int samples;
	int64_t source_config_id; /* 0 when none */
	const char *reason;	  /* may be NULL */
	const char *config_name;  /* filled by db_decision_each only */
};

int db_add_decision(struct db *db, int64_t exploration_id,
		    struct db_decision *d);
/** Visit the decisions of @exploration_id in order; @fn non-zero stops. */
int db_decision_each(struct db *db, int64_t exploration_id,
		     int (*fn)(const struct db_decision *d, void *arg),
		     void *arg);
/** Per-kind counts of @exploration_id into @counts[DB_VERIFIED + 1]. */
int db_decision_counts(struct db *db, int64_t exploration_id,
		       int64_t counts[DB_VERIFIED + 1]);

/** Replace the stored border of @exploration_id (side 1: max-pass). */
int db_clear_border(struct db *db, int64_t exploration_id);
int db_add_border(struct db *db, int64_t exploration_id, int64_t config_id,
		  int max_pass, int rank);

#endif /* FX_DB_H */
