/*
 * The explorer's commands: explore (the main job, also reached as
 * `flexexplore --app ...`), status and stop.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../cli/cli.h"
#include "../util/log.h"
#include "../util/util.h"
#include "explorer.h"

static void
explore_help(void)
{
	printf("usage: flexexplore --app NAME --budget BUDGET [options]\n"
	       "       flexexplore explore --app NAME --budget BUDGET "
	       "[options]\n"
	       "\n"
	       "Find the safest configurations of an application that meet a "
	       "performance\nbudget, evaluating as few as possible, and rank "
	       "them.  Every outcome is\nstored at once; the same command "
	       "resumes an interrupted exploration and\nanswers a finished "
	       "one from the database.\n"
	       "\n"
	       "  --app NAME        the application (os/apps/NAME/space.yaml)"
	       "\n"
	       "  --spec FILE       the space file (default: the app's); --app "
	       "then names the\n"
	       "                    exploration\n"
	       "  --budget BUDGET   '80%%' of the baseline, or a value in the "
	       "metric's unit\n"
	       "  --metric NAME     the metric to decide on (default: the "
	       "first one)\n"
	       "  --direction higher|lower  which way the metric is better "
	       "(default: its own)\n"
	       "  --strategy S      exhaustive, poset (default) or model "
	       "(model-guided poset)\n"
	       "  --replay FILE     answer from recorded results (CSV: "
	       "compartments, hardened,\n"
	       "                    one column per metric) instead of "
	       "building and running\n"
	       "  --verify N        measure N inferred configurations next to "
	       "the border and\n"
	       "                    report every contradiction of "
	       "monotonicity\n"
	       "  --max-evals N     stop after N evaluations (a rerun goes on)"
	       "\n"
	       "  --max-rounds N    measurements of a configuration whose "
	       "interval straddles\n"
	       "                    the budget (default 3)\n"
	       "  --mechanisms LIST assume the host runs exactly these "
	       "mechanisms\n"
	       "  --bench-runs N    measured runs per benchmark (default: "
	       "until the spread\n"
	       "                    is small, 3 to 10)\n"
	       "  --bench-seconds S seconds of one measured run (default 2)\n"
	       "  --db FILE         the database (default "
	       "$FLEXEXPLORE_HOME/flexexplore.db)\n"
	       "  --detach          run in the background (log and pid file "
	       "in the home)\n"
	       "  --no-progress     no progress line, even on a terminal\n"
	       "\n"
	       "Exit: 0 found configurations, 1 none meets the budget, 2 "
	       "bad input,\n3 environment (database newer or in use, tools "
	       "missing), 4 internal;\n130/143 interrupted (rerun to "
	       "resume).\n");
}

static int
parse_count(const char *cmd, const char *opt, const char *s, long *out)
{
	unsigned long long v;

	if (fx_parse_u64(s, &v) != 0 || v > 1000000000)
		return cli_usage_error(cmd, "%s '%s' is not a count", opt, s);
	*out = (long)v;
	return FX_EXIT_OK;
}

int
cmd_explore(int argc, char **argv)
{
	static const struct option longopts[] = {
		{"app", required_argument, NULL, 'a'},
		{"spec", required_argument, NULL, 's'},
		{"budget", required_argument, NULL, 'b'},
		{"metric", required_argument, NULL, 'm'},
		{"direction", required_argument, NULL, 'D'},
		{"strategy", required_argument, NULL, 'S'},
		{"replay", required_argument, NULL, 'r'},
		{"verify", required_argument, NULL, 'v'},
		{"max-evals", required_argument, NULL, 'n'},
		{"max-rounds", required_argument, NULL, 'R'},
		{"mechanisms", required_argument, NULL, 'M'},
		{"db", required_argument, NULL, 'd'},
		{"detach", no_argument, NULL, 'x'},
		{"no-progress", no_argument, NULL, 'P'},
		{"simulate", required_argument, NULL, 'Z'},
		{"bench-runs", required_argument, NULL, 'B'},
		{"bench-seconds", required_argument, NULL, 'T'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	const char *cmd = "explore";
	struct ex_options o = {
		.strategy = EX_POSET, .max_rounds = 3, .progress = -1};
	double dummy;
	char msg[256], *end;
	long n = 0;
	int c;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case 'a':
			o.app = optarg;
			break;
		case 's':
			o.spec = optarg;
			break;
		case 'b':
			o.budget = optarg;
			break;
		case 'm':
			o.metric = optarg;
			break;
		case 'D':
			if (strcmp(optarg, "higher") != 0 &&
			    strcmp(optarg, "lower") != 0)
				return cli_usage_error(cmd,
						       "--direction '%s': "
						       "expected higher or "
						       "lower",
						       optarg);
			o.direction = optarg;
			break;
		case 'S':
			if (strcmp(optarg, "exhaustive") == 0)
				o.strategy = EX_EXHAUSTIVE;
			else if (strcmp(optarg, "poset") == 0)
				o.strategy = EX_POSET;
			else if (strcmp(optarg, "model") == 0)
				o.strategy = EX_MODEL;
			else
				return cli_usage_error(cmd,
						       "--strategy '%s': "
						       "expected exhaustive, "
						       "poset or model",
						       optarg);
			break;
		case 'r':
			o.replay = optarg;
			break;
		case 'v':
			if (parse_count(cmd, "--verify", optarg, &n) != 0)
				return FX_EXIT_USAGE;
			o.verify = (int)n;
			break;
		case 'n':
			if (parse_count(cmd, "--max-evals", optarg, &n) != 0)
				return FX_EXIT_USAGE;
			o.max_evals = n;
			break;
		case 'R':
			if (parse_count(cmd, "--max-rounds", optarg, &n) != 0 ||
			    n < 1)
				return cli_usage_error(cmd,
						       "--max-rounds '%s': "
						       "expected 1 or more",
						       optarg);
			o.max_rounds = (int)n;
			break;
		case 'M':
			o.mechanisms = optarg;
			break;
		case 'd':
			o.db_path = optarg;
			break;
		case 'x':
			o.detach = 1;
			break;
		case 'P':
			o.progress = 0;
			break;
		case 'Z':
			o.simulate = optarg;
			break;
		case 'B':
			if (parse_count(cmd, "--bench-runs", optarg, &n) != 0)
				return FX_EXIT_USAGE;
			o.bench_runs = (int)n;
			break;
		case 'T':
			o.bench_seconds = strtod(optarg, &end);
			if (*end != '\0' || o.bench_seconds <= 0)
				return cli_usage_error(cmd,
						       "--bench-seconds "
						       "'%s': expected seconds",
						       optarg);
			break;
		case 'h':
			explore_help();
			return FX_EXIT_OK;
		default:
			return cli_usage_error(cmd, "unknown option '%s'",
					       argv[optind - 1]);
		}
	}
	if (optind < argc)
		return cli_usage_error(cmd, "unexpected argument '%s'",
				       argv[optind]);
	if (o.app == NULL && o.spec == NULL)
		return cli_usage_error(cmd, "--app NAME (or --spec FILE) is "
					    "required");
	if (o.budget == NULL)
		return cli_usage_error(cmd, "--budget is required: '80%%' of "
					    "the baseline or a value in the "
					    "metric's unit");
	if (ex_parse_budget(o.budget, &dummy, msg, sizeof(msg)) < 0)
		return cli_usage_error(cmd, "%s", msg);
	if (o.replay != NULL && o.simulate != NULL)
		return cli_usage_error(cmd, "--replay and --simulate exclude "
					    "each other");
	if (o.app == NULL) {
		/* Named after the space file when no application is. */
		struct cs_error err;
		struct cs_space *sp = cs_load(o.spec, &err);

		if (sp == NULL) {
			cs_error_format(&err, msg, sizeof(msg));
			log_errx("%s", msg);
			return FX_EXIT_USAGE;
		}
		o.app = xstrdup(cs_space_name(sp));
		cs_free(sp);
		c = ex_run(&o, NULL);
		free((char *)o.app);
		return c;
	}
	return ex_run(&o, NULL);
}

/* ---- status ---------------------------------------------------------- */

struct status_ctx {
	struct db *db;
	int64_t only;
	int shown;
};

static const char *
live_status(struct db *db, const struct db_exploration *e)
{
	if (strcmp(e->status, "running") != 0)
		return e->status;
	return db_exploration_locked(db, e->id) ? "running" : "interrupted";
}

/* The latest decision: what a running exploration is at. */
static void
show_last_decision(struct db *db, int64_t id)
{
	sqlite3_stmt *st;

	if (sqlite3_prepare_v2(db_sqlite(db),
			       "SELECT d.seq, d.kind, c.name, d.created FROM "
			       "decisions d JOIN configurations c ON c.id = "
			       "d.config_id WHERE d.exploration_id = ? ORDER "
			       "BY d.seq DESC LIMIT 1",
			       -1, &st, NULL) != SQLITE_OK)
		return;
	sqlite3_bind_int64(st, 1, id);
	if (sqlite3_step(st) == SQLITE_ROW)
		printf("last decision #%lld at %s: %s '%s'\n",
		       (long long)sqlite3_column_int64(st, 0),
		       (const char *)sqlite3_column_text(st, 3),
		       (const char *)sqlite3_column_text(st, 1),
		       (const char *)sqlite3_column_text(st, 2));
	sqlite3_finalize(st);
}

static int
show_exploration(const struct db_exploration *e, void *arg)
{
	struct status_ctx *s = arg;
	int64_t counts[DB_VERIFIED + 1];
	const char *status;
	char pid[24];

	if (s->only > 0 && e->id != s->only)
		return 0;
	if (db_decision_counts(s->db, e->id, counts) != 0)
		return 1;
	if (s->shown++ == 0)
		printf("%3s  %-11s %7s  %-12s %-8s %-9s %-10s %9s\n", "id",
		       "status", "pid", "app", "budget", "metric", "strategy",
		       "evaluated");
	status = live_status(s->db, e);
	if (strcmp(status, "running") == 0)
		snprintf(pid, sizeof(pid), "%lld", (long long)e->pid);
	else
		snprintf(pid, sizeof(pid), "-");
	printf("%3lld  %-11s %7s  %-12.12s %-8.8s %-9.9s %-10s %9lld\n",
	       (long long)e->id, status, pid, e->app, e->budget, e->metric,
	       e->strategy, (long long)counts[DB_EVALUATED]);
	if (s->only > 0) {
		printf("\nstarted %s%s%s\n", e->started,
		       e->finished ? ", finished " : "",
		       e->finished ? e->finished : "");
		printf("space size %.0f; baseline %s; budget %s", e->space_size,
		       e->has_baseline ? "measured" : "pending", e->budget);
		if (e->has_budget_value)
			printf(" = %g (baseline %g)", e->budget_value,
			       e->baseline);
		printf("\ndecisions: evaluated %lld, inferred-pass %lld, "
		       "inferred-miss %lld, failed %lld, uncertain %lld, "
		       "skipped %lld, verified %lld\n",
		       (long long)counts[DB_EVALUATED],
		       (long long)counts[DB_INFERRED_PASS],
		       (long long)counts[DB_INFERRED_MISS],
		       (long long)counts[DB_FAILED],
		       (long long)counts[DB_UNCERTAIN],
		       (long long)counts[DB_SKIPPED],
		       (long long)counts[DB_VERIFIED]);
		show_last_decision(s->db, e->id);
		if (e->message != NULL)
			printf("%s\n", e->message);
		if (e->log_path != NULL)
			printf("log: %s\n", e->log_path);
	}
	return 0;
}

static int
open_for_reading(const char *path, struct db **db)
{
	int code;

	if (path == NULL)
		path = db_default_path();
	if (path == NULL)
		return FX_EXIT_ENV;
	if (access(path, F_OK) != 0) {
		*db = NULL;
		return FX_EXIT_OK;
	}
	*db = db_open(path, DB_READ_ONLY, &code);
	return *db != NULL ? FX_EXIT_OK : code;
}

static int
parse_id(const char *cmd, const char *s, int64_t *id)
{
	unsigned long long v;

	if (fx_parse_u64(s, &v) != 0 || v == 0)
		return cli_usage_error(cmd, "'%s' is not an exploration id", s);
	*id = (int64_t)v;
	return FX_EXIT_OK;
}

/*
 * What status and stop both take: [--db FILE] [ID].  Returns FX_EXIT_OK
 * with *path and *id set (0: every exploration), or the code to exit with;
 * *done is set when --help was answered.
 */
static int
parse_db_and_id(const char *cmd, const char *help, int argc, char **argv,
		const char **path, int64_t *id, int *done)
{
	static const struct option longopts[] = {
		{"db", required_argument, NULL, 'd'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	int c;

	*path = NULL;
	*id = 0;
	*done = 0;
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		if (c == 'd') {
			*path = optarg;
		} else if (c == 'h') {
			fputs(help, stdout);
			*done = 1;
			return FX_EXIT_OK;
		} else {
			return cli_usage_error(cmd, "unknown option '%s'",
					       argv[optind - 1]);
		}
	}
	if (optind < argc && parse_id(cmd, argv[optind], id) != 0)
		return FX_EXIT_USAGE;
	return FX_EXIT_OK;
}

int
cmd_status(int argc, char **argv)
{
	struct status_ctx s = {0};
	const char *path;
	int code, done;

	code = parse_db_and_id("status",
			       "usage: flexexplore status [--db FILE] [ID]\n\n"
			       "The explorations in the database, running and "
			       "finished; with ID,\nthe details of one.\n",
			       argc, argv, &path, &s.only, &done);
	if (code != FX_EXIT_OK || done)
		return code;
	code = open_for_reading(path, &s.db);
	if (code != FX_EXIT_OK)
		return code;
	if (s.db == NULL) {
		printf("no explorations yet\n");
		return FX_EXIT_OK;
	}
	if (db_exploration_each(s.db, show_exploration, &s) < 0)
		code = FX_EXIT_ENV;
	else if (s.only > 0 && s.shown == 0)
		code = cli_usage_error("status", "no exploration %lld",
				       (long long)s.only);
	else if (s.shown == 0)
		printf("no explorations yet\n");
	db_close(s.db);
	return code;
}

/* ---- stop ------------------------------------------------------------ */

struct stop_ctx {
	struct db *db;
	int64_t only;
	int64_t ids[64];
	int64_t pids[64];
	int n;
};

static int
collect_running(const struct db_exploration *e, void *arg)
{
	struct stop_ctx *s = arg;

	if ((s->only > 0 && e->id != s->only) || s->n == 64)
		return 0;
	if (e->pid > 0 && db_exploration_locked(s->db, e->id)) {
		s->ids[s->n] = e->id;
		s->pids[s->n] = e->pid;
		s->n++;
	}
	return 0;
}

int
cmd_stop(int argc, char **argv)
{
	struct stop_ctx s = {0};
	const char *path;
	int code, done;

	code = parse_db_and_id("stop",
			       "usage: flexexplore stop [--db FILE] [ID]\n\n"
			       "End a running exploration cleanly (all of them "
			       "without ID): what it\nmeasured stays; its "
			       "command resumes it.\n",
			       argc, argv, &path, &s.only, &done);
	if (code != FX_EXIT_OK || done)
		return code;
	code = open_for_reading(path, &s.db);
	if (code != FX_EXIT_OK)
		return code;
	if (s.db != NULL)
		db_exploration_each(s.db, collect_running, &s);
	if (s.n == 0) {
		printf(s.only ? "exploration %lld is not running\n"
			      : "no exploration is running\n",
		       (long long)s.only);
		db_close(s.db);
		return s.only ? FX_EXIT_USAGE : FX_EXIT_OK;
	}
	for (int i = 0; i < s.n; i++) {
		double until = fx_now() + 30;
		struct timespec ts = {0, 100 * 1000 * 1000};

		if (kill((pid_t)s.pids[i], SIGTERM) != 0) {
			log_warn("cannot signal process %lld",
				 (long long)s.pids[i]);
			code = FX_EXIT_ENV;
			continue;
		}
		while (db_exploration_locked(s.db, s.ids[i]) &&
		       fx_now() < until)
			nanosleep(&ts, NULL);
		if (db_exploration_locked(s.db, s.ids[i])) {
			log_warnx("exploration %lld (process %lld) has not "
				  "stopped after 30 s",
				  (long long)s.ids[i], (long long)s.pids[i]);
			code = FX_EXIT_ENV;
		} else {
			printf("exploration %lld stopped; its command "
			       "resumes it\n",
			       (long long)s.ids[i]);
		}
	}
	db_close(s.db);
	return code;
}
