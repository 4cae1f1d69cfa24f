/*
 * flexexplore report: what an exploration found, from the database only.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../cli/cli.h"
#include "../util/log.h"
#include "report.h"

static const char report_usage[] =
	"usage: flexexplore report [--app NAME | --spec FILE] [options]\n"
	"\n"
	"Reads the results database (never writes it) and reports one\n"
	"exploration: budget and baseline, the safest configurations that\n"
	"meet the budget, the Pareto set, outcomes, uncertain\n"
	"configurations and monotonicity violations.\n"
	"\n"
	"which exploration (default: the newest in the database):\n"
	"  --app NAME         the newest of application or space NAME\n"
	"  --spec FILE        the newest of the space in FILE; FILE also\n"
	"                     stands in for the recorded space file\n"
	"  --exploration ID   exploration ID\n"
	"  --db FILE          the database (default:\n"
	"                     $FLEXEXPLORE_HOME/flexexplore.db)\n"
	"\n"
	"outputs (FILE '-' is standard output; the text report is printed\n"
	"when no output goes there):\n"
	"  --html FILE        one self-contained page: ranking, Hasse\n"
	"                     diagram, safety against performance\n"
	"  --csv FILE         one row per configuration the exploration "
	"named\n"
	"  --json FILE        everything, schema in reports/README.md\n"
	"  --dot FILE         the explored part of the order for Graphviz\n"
	"  --top N            the text lists at most N ranked and N Pareto\n"
	"                     configurations (default 20; 0: all)\n"
	"\n"
	"across hosts and revisions:\n"
	"  --compare          what changed between two explorations of one\n"
	"                     space on another host or OS revision: the\n"
	"                     newest (or --exploration ID) against the one\n"
	"                     before it\n"
	"  --against ID       compare with exploration ID instead\n";

enum out_kind { OUT_HTML, OUT_CSV, OUT_JSON, OUT_DOT, OUT_COUNT };

static const char *const out_names[OUT_COUNT] = {"html", "csv", "json", "dot"};

struct report_opts {
	const char *app, *spec, *db;
	int64_t id, against;
	int compare;
	int top;
	const char *out[OUT_COUNT];
};

static int
parse_id(const char *s, int64_t *out)
{
	unsigned long long v;

	if (fx_parse_u64(s, &v) != 0 || v == 0 || v > INT64_MAX)
		return -1;
	*out = (int64_t)v;
	return 0;
}

static int
parse_opts(int argc, char **argv, struct report_opts *o)
{
	static const struct option longopts[] = {
		{"app", required_argument, NULL, 'a'},
		{"spec", required_argument, NULL, 's'},
		{"db", required_argument, NULL, 'd'},
		{"exploration", required_argument, NULL, 'e'},
		{"html", required_argument, NULL, 'H'},
		{"csv", required_argument, NULL, 'C'},
		{"json", required_argument, NULL, 'J'},
		{"dot", required_argument, NULL, 'D'},
		{"compare", no_argument, NULL, 'c'},
		{"against", required_argument, NULL, 'A'},
		{"top", required_argument, NULL, 'n'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	int ch, to_stdout = 0;

	opterr = 0;
	optind = 1;
	while ((ch = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (ch) {
		case 'a':
			o->app = optarg;
			break;
		case 's':
			o->spec = optarg;
			break;
		case 'd':
			o->db = optarg;
			break;
		case 'e':
			if (parse_id(optarg, &o->id) != 0)
				return cli_usage_error(
					"report",
					"--exploration wants a positive "
					"number, not '%s'",
					optarg);
			break;
		case 'A':
			if (parse_id(optarg, &o->against) != 0)
				return cli_usage_error(
					"report",
					"--against wants a positive number, "
					"not '%s'",
					optarg);
			o->compare = 1;
			break;
		case 'n': {
			unsigned long long v;

			if (fx_parse_u64(optarg, &v) != 0 || v > 1000000)
				return cli_usage_error(
					"report",
					"--top wants a number of lines, not "
					"'%s'",
					optarg);
			o->top = (int)v;
			break;
		}
		case 'H':
			o->out[OUT_HTML] = optarg;
			break;
		case 'C':
			o->out[OUT_CSV] = optarg;
			break;
		case 'J':
			o->out[OUT_JSON] = optarg;
			break;
		case 'D':
			o->out[OUT_DOT] = optarg;
			break;
		case 'c':
			o->compare = 1;
			break;
		case 'h':
			fputs(report_usage, stdout);
			return -1;
		default:
			return cli_usage_error("report", "unknown option '%s'",
					       argv[optind - 1]);
		}
	}
	if (optind < argc)
		return cli_usage_error("report", "unexpected argument '%s'",
				       argv[optind]);
	for (int k = 0; k < OUT_COUNT; k++)
		to_stdout += o->out[k] != NULL && strcmp(o->out[k], "-") == 0;
	if (to_stdout > 1)
		return cli_usage_error("report", "only one output can go to "
						 "standard output ('-')");
	for (int k = 0; k < OUT_COUNT; k++)
		if (o->compare && o->out[k] != NULL)
			return cli_usage_error("report",
					       "--compare writes text only, "
					       "not --%s",
					       out_names[k]);
	return 0;
}

/* Write @sb to @path ('-': stdout) whole, or say why not. */
static int
write_output(const char *path, const char *what, const struct strbuf *sb)
{
	FILE *f;
	int ok;

	if (strcmp(path, "-") == 0)
		return fwrite(sb->buf, 1, sb->len, stdout) == sb->len &&
				       fflush(stdout) == 0
			       ? FX_EXIT_OK
			       : FX_EXIT_ENV;
	f = fopen(path, "w");
	if (f == NULL) {
		log_err("cannot write the %s report to '%s'", what, path);
		return FX_EXIT_ENV;
	}
	ok = fwrite(sb->buf, 1, sb->len, f) == sb->len;
	ok = fclose(f) == 0 && ok;
	if (!ok) {
		log_err("cannot write the %s report to '%s'", what, path);
		return FX_EXIT_ENV;
	}
	log_info("wrote the %s report to '%s'", what, path);
	return FX_EXIT_OK;
}

static int
write_outputs(const struct report_opts *o, const struct rp_report *r)
{
	static int (*const make[OUT_COUNT])(
		const struct rp_report *, struct strbuf *) = {rp_html, rp_csv,
							      rp_json, rp_dot};
	int rc = FX_EXIT_OK, any_stdout = 0;

	for (int k = 0; k < OUT_COUNT && rc == FX_EXIT_OK; k++) {
		struct strbuf sb;

		if (o->out[k] == NULL)
			continue;
		any_stdout |= strcmp(o->out[k], "-") == 0;
		sb_init(&sb);
		rc = make[k](r, &sb);
		if (rc == FX_EXIT_OK)
			rc = write_output(o->out[k], out_names[k], &sb);
		sb_free(&sb);
	}
	if (rc == FX_EXIT_OK && !any_stdout)
		rc = rp_text(r, stdout,
			     isatty(STDOUT_FILENO) &&
				     getenv("NO_COLOR") == NULL,
			     o->top);
	return rc;
}

/*
 * Refuse output paths that cannot be written before reading anything:
 * a missing directory or one without write permission.
 */
static int
check_outputs(const struct report_opts *o)
{
	for (int k = 0; k < OUT_COUNT; k++) {
		const char *p = o->out[k];
		char *dir, *slash;
		int ok;

		if (p == NULL || strcmp(p, "-") == 0)
			continue;
		dir = xstrdup(p);
		slash = strrchr(dir, '/');
		if (slash == NULL)
			strcpy(dir, ".");
		else if (slash == dir)
			dir[1] = '\0';
		else
			*slash = '\0';
		ok = access(dir, W_OK) == 0 &&
		     (access(p, F_OK) != 0 || access(p, W_OK) == 0);
		if (!ok)
			log_err("cannot write the %s report to '%s'",
				out_names[k], p);
		free(dir);
		if (!ok)
			return FX_EXIT_ENV;
	}
	return FX_EXIT_OK;
}

static struct db *
open_db(const char *path, int *rc)
{
	struct stat st;

	if (path == NULL)
		path = db_default_path();
	if (path == NULL) {
		*rc = FX_EXIT_ENV;
		return NULL;
	}
	if (stat(path, &st) != 0) {
		log_errx("no database at '%s': %s (run an exploration first, "
			 "or name one with --db)",
			 path, strerror(errno));
		*rc = errno == ENOENT ? FX_EXIT_USAGE : FX_EXIT_ENV;
		return NULL;
	}
	if (st.st_size == 0) {
		log_errx("database '%s' is empty: no exploration has "
			 "written to it",
			 path);
		*rc = FX_EXIT_USAGE;
		return NULL;
	}
	return db_open(path, DB_READ_ONLY, rc);
}

int
cmd_report(int argc, char **argv)
{
	struct report_opts o = {.top = 20};
	struct rp_report r;
	struct db *db;
	int64_t id = 0, old_id = 0;
	int rc;

	memset(&r, 0, sizeof(r));
	rc = parse_opts(argc, argv, &o);
	if (rc != 0)
		return rc < 0 ? FX_EXIT_OK : rc;
	rc = check_outputs(&o);
	if (rc != FX_EXIT_OK)
		return rc;
	db = open_db(o.db, &rc);
	if (db == NULL)
		return rc;

	if (o.compare) {
		if (o.against > 0) {
			old_id = o.against;
			rc = rp_find(db, o.id, o.app, o.spec, &id);
			if (rc == FX_EXIT_OK && id == old_id) {
				log_errx("exploration %" PRId64 " against "
					 "itself: name another with --against",
					 id);
				rc = FX_EXIT_USAGE;
			}
		} else {
			rc = rp_find_pair(db, o.id, o.app, o.spec, &old_id,
					  &id);
		}
		if (rc == FX_EXIT_OK)
			rc = rp_compare(db, old_id, id, o.spec, stdout,
					isatty(STDOUT_FILENO) &&
						getenv("NO_COLOR") == NULL);
		db_close(db);
		return rc;
	}

	rc = rp_find(db, o.id, o.app, o.spec, &id);
	if (rc == FX_EXIT_OK)
		rc = rp_load(db, id, o.spec, &r);
	if (rc == FX_EXIT_OK)
		rc = write_outputs(&o, &r);
	rp_free(&r);
	db_close(db);
	return rc;
}
