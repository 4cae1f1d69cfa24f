/*
 * The report model: one exploration read back from the database and
 * placed in its space again.
 */
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "../util/log.h"
#include "report.h"

/* Scores closer than this are equal (they are sums of small weights). */
#define SCORE_EPS 1e-9

/* Past this many parsed nodes the diagram's covers are not computed. */
#define HASSE_MAX 4000

/* ---- Small helpers ---------------------------------------------------- */

static char *
column_dup(sqlite3_stmt *st, int col)
{
	const unsigned char *s = sqlite3_column_text(st, col);

	return s != NULL ? xstrdup((const char *)s) : NULL;
}

int
rp_better(const struct rp_report *r, double a, double b)
{
	if (strcmp(r->ex.direction, "lower") == 0)
		return a < b;
	return a > b;
}

double
rp_percent(const struct rp_report *r, double value)
{
	if (!r->ex.has_baseline || r->ex.baseline == 0)
		return -1;
	return 100.0 * value / r->ex.baseline;
}

void
rp_add_number(struct strbuf *sb, double v)
{
	double a = fabs(v);

	if (a >= 100 || a == 0)
		sb_addf(sb, "%.0f", v);
	else if (a >= 1)
		sb_addf(sb, "%.2f", v);
	else
		sb_addf(sb, "%.3g", v);
}

void
rp_add_exact(struct strbuf *sb, double v)
{
	char buf[40];

	for (int digits = 15; digits <= 17; digits++) {
		snprintf(buf, sizeof(buf), "%.*g", digits, v);
		if (strtod(buf, NULL) == v)
			break;
	}
	sb_adds(sb, buf);
}

void
rp_colour(const struct rp_report *r, double value, char out[8])
{
	static const double stops[][3] = {
		{68, 1, 84},   {59, 82, 139},  {33, 145, 140},
		{94, 201, 98}, {253, 231, 37},
	};
	double lo = r->vmin, hi = r->vmax, t, f;
	int k;

	t = hi > lo ? (value - lo) / (hi - lo) : 1;
	if (strcmp(r->ex.direction, "lower") == 0)
		t = 1 - t;
	t = t < 0 ? 0 : t > 1 ? 1 : t;
	k = t >= 1 ? 3 : (int)(t * 4);
	f = t * 4 - k;
	snprintf(out, 8, "#%02x%02x%02x",
		 (int)(stops[k][0] + f * (stops[k + 1][0] - stops[k][0])),
		 (int)(stops[k][1] + f * (stops[k + 1][1] - stops[k][1])),
		 (int)(stops[k][2] + f * (stops[k + 1][2] - stops[k][2])));
}

int
rp_node_of(const struct rp_report *r, int64_t config_id)
{
	if (config_id <= 0 || config_id >= r->nidmap)
		return -1;
	return r->idmap[config_id] - 1;
}

static const struct rp_report *name_report;

static int
by_name_cmp(const void *pa, const void *pb)
{
	return strcmp(name_report->nodes[*(const int *)pa].name,
		      name_report->nodes[*(const int *)pb].name);
}

int
rp_node_named(const struct rp_report *r, const char *name)
{
	int lo = 0, hi = r->nnodes - 1;

	while (lo <= hi) {
		int mid = (lo + hi) / 2;
		int c = strcmp(r->nodes[r->by_name[mid]].name, name);

		if (c == 0)
			return r->by_name[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid - 1;
	}
	return -1;
}

void
rp_strv_free(char **v)
{
	if (v == NULL)
		return;
	for (char **p = v; *p != NULL; p++)
		free(*p);
	free(v);
}

char **
rp_host_mechanisms(struct db *db, const char *description)
{
	sqlite3_stmt *st = NULL;
	char **v = xcalloc(1, sizeof(*v));
	int n = 0;

	if (description == NULL ||
	    sqlite3_prepare_v2(db_sqlite(db),
			       "SELECT value FROM json_each(?, '$.mechanisms')",
			       -1, &st, NULL) != SQLITE_OK)
		return v;
	sqlite3_bind_text(st, 1, description, -1, SQLITE_STATIC);
	while (sqlite3_step(st) == SQLITE_ROW) {
		v = xrealloc(v, (n + 2) * sizeof(*v));
		v[n++] = column_dup(st, 0);
		v[n] = NULL;
	}
	sqlite3_finalize(st);
	return v;
}

/* ---- Finding the exploration ------------------------------------------ */

struct find_arg {
	const char *app; /* NULL: the newest of all */
	int64_t id;
	struct strbuf seen; /* "'a', 'b'": the applications there are */
};

static int
find_one(const struct db_exploration *e, void *arg)
{
	struct find_arg *f = arg;
	char *quoted;

	if (f->app == NULL || strcmp(e->app, f->app) == 0) {
		f->id = e->id;
		return 1;
	}
	quoted = xasprintf("'%s'", e->app);
	if (strstr(f->seen.buf, quoted) == NULL)
		sb_addf(&f->seen, "%s%s", f->seen.len ? ", " : "", quoted);
	free(quoted);
	return 0;
}

/* The space names of explorations are in table spaces, not in e. */
static int64_t
find_by_space(struct db *db, const char *name)
{
	sqlite3_stmt *st = NULL;
	int64_t id = 0;

	if (sqlite3_prepare_v2(db_sqlite(db),
			       "SELECT e.id FROM explorations e JOIN spaces s "
			       "ON s.id = e.space_id WHERE s.name = ? ORDER BY "
			       "e.started DESC, e.id DESC LIMIT 1",
			       -1, &st, NULL) != SQLITE_OK)
		return -1;
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW)
		id = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return id;
}

int
rp_find(struct db *db, int64_t id, const char *app, const char *spec,
	int64_t *out)
{
	struct find_arg f = {.app = app};
	struct db_exploration e;
	int rc;

	if (id > 0) {
		rc = db_exploration_get(db, id, &e);
		if (rc < 0)
			return FX_EXIT_ENV;
		if (rc == 0) {
			log_errx("database '%s' has no exploration %" PRId64,
				 db_path(db), id);
			return FX_EXIT_USAGE;
		}
		db_exploration_free(&e);
		*out = id;
		return FX_EXIT_OK;
	}

	/* A space file names its space. */
	if (spec != NULL && app == NULL) {
		struct cs_error err;
		struct cs_space *sp = cs_load(spec, &err);
		char msg[600];

		if (sp == NULL) {
			cs_error_format(&err, msg, sizeof(msg));
			log_errx("%s", msg);
			return FX_EXIT_USAGE;
		}
		*out = find_by_space(db, cs_space_name(sp));
		if (*out <= 0)
			log_errx("database '%s' has no exploration of space "
				 "'%s' (from '%s')",
				 db_path(db), cs_space_name(sp), spec);
		cs_free(sp);
		return *out > 0 ? FX_EXIT_OK : FX_EXIT_USAGE;
	}

	sb_init(&f.seen);
	if (db_exploration_each(db, find_one, &f) < 0) {
		sb_free(&f.seen);
		return FX_EXIT_ENV;
	}
	if (f.id == 0 && app != NULL)
		f.id = find_by_space(db, app);
	if (f.id <= 0) {
		if (app == NULL)
			log_errx("database '%s' holds no exploration yet",
				 db_path(db));
		else if (f.seen.len == 0)
			log_errx("database '%s' holds no exploration yet "
				 "(none of '%s')",
				 db_path(db), app);
		else
			log_errx("database '%s' has no exploration of '%s'; "
				 "it has explorations of %s",
				 db_path(db), app, f.seen.buf);
		sb_free(&f.seen);
		return FX_EXIT_USAGE;
	}
	sb_free(&f.seen);
	*out = f.id;
	return FX_EXIT_OK;
}

/* ---- Reading the rows ------------------------------------------------- */

static int
load_keys(struct db *db, struct rp_report *r)
{
	sqlite3_stmt *st = NULL;
	int rc = -1;

	if (sqlite3_prepare_v2(
		    db_sqlite(db),
		    "SELECT s.name, s.digest, s.path, h.fingerprint, "
		    "h.description, v.revision, "
		    "json_valid(h.description) FROM explorations e "
		    "JOIN spaces s ON s.id = e.space_id JOIN hosts "
		    "h ON h.id = e.host_id JOIN revisions v ON "
		    "v.id = e.revision_id WHERE e.id = ?",
		    -1, &st, NULL) != SQLITE_OK)
		goto out;
	sqlite3_bind_int64(st, 1, r->ex.id);
	if (sqlite3_step(st) != SQLITE_ROW)
		goto out;
	r->space_name = column_dup(st, 0);
	r->space_digest = column_dup(st, 1);
	r->space_path = column_dup(st, 2);
	r->host_fingerprint = column_dup(st, 3);
	r->host_description = column_dup(st, 4);
	r->revision = column_dup(st, 5);
	r->host_description_json = sqlite3_column_int(st, 6);
	rc = 0;
out:
	if (rc != 0)
		log_errx("database '%s': cannot read the space, host and "
			 "revision of exploration %" PRId64 ": %s",
			 db_path(db), r->ex.id, sqlite3_errmsg(db_sqlite(db)));
	sqlite3_finalize(st);
	return rc;
}

static int
file_exists(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/*
 * The space file: @spec when given, else the recorded path (relative
 * paths also tried under the source tree), else the bundled application.
 */
static int
load_space(struct rp_report *r, const char *spec)
{
	struct cs_error err;
	char msg[600];
	char *path = NULL;

	if (spec != NULL)
		path = xstrdup(spec);
	else if (file_exists(r->space_path))
		path = xstrdup(r->space_path);
	else if (r->space_path[0] != '/')
		path = xasprintf("%s/%s", fx_srcdir(), r->space_path);

	if (path != NULL && file_exists(path)) {
		r->sp = cs_load(path, &err);
	} else if (r->ex.app[0] != '\0') {
		r->sp = cs_load_app(r->ex.app, &err);
		if (r->sp == NULL) {
			snprintf(err.msg, sizeof(err.msg),
				 "the space file is gone");
			snprintf(err.file, sizeof(err.file), "%s",
				 r->space_path);
			err.line = 0;
		}
	} else {
		memset(&err, 0, sizeof(err));
		snprintf(err.file, sizeof(err.file), "%s", r->space_path);
		snprintf(err.msg, sizeof(err.msg), "the space file is gone");
	}
	free(path);
	if (r->sp == NULL) {
		cs_error_format(&err, msg, sizeof(msg));
		log_errx("cannot load the space of exploration %" PRId64
			 ": %s (give the space file with --spec FILE)",
			 r->ex.id, msg);
		return FX_EXIT_USAGE;
	}

	r->space_used = xstrdup(cs_space_path(r->sp));
	if (strcmp(cs_space_name(r->sp), r->space_name) != 0) {
		log_errx("'%s' is space '%s', but exploration %" PRId64
			 " explored space '%s'",
			 r->space_used, cs_space_name(r->sp), r->ex.id,
			 r->space_name);
		return FX_EXIT_USAGE;
	}
	r->space_changed = strcmp(cs_space_digest(r->sp), r->space_digest);
	return FX_EXIT_OK;
}

/* Nodes by configuration id: ids are small and dense in one file. */
static struct rp_node *
node_get(struct rp_report *r, int64_t config_id, const char *name, int *cap)
{
	int i = rp_node_of(r, config_id);

	if (i >= 0)
		return &r->nodes[i];
	if (config_id >= r->nidmap) {
		int64_t n = 2 * config_id + 64;

		r->idmap = xrealloc(r->idmap, n * sizeof(int));
		memset(r->idmap + r->nidmap, 0, (n - r->nidmap) * sizeof(int));
		r->nidmap = n;
	}
	r->idmap[config_id] = r->nnodes + 1;
	if (r->nnodes == *cap) {
		*cap = *cap ? 2 * *cap : 64;
		r->nodes = xrealloc(r->nodes, *cap * sizeof(*r->nodes));
	}
	memset(&r->nodes[r->nnodes], 0, sizeof(r->nodes[0]));
	r->nodes[r->nnodes].config_id = config_id;
	r->nodes[r->nnodes].name = xstrdup(name);
	r->nodes[r->nnodes].pass = -1;
	r->nodes[r->nnodes].kind = DB_INFERRED_PASS;
	r->nodes[r->nnodes].inferred = 1;
	return &r->nodes[r->nnodes++];
}

struct decision_arg {
	struct rp_report *r;
	int cap;
};

static void
set_value(struct rp_node *n, const struct db_decision *d)
{
	n->has_value = d->has_value;
	n->value = d->value;
	n->ci_low = d->ci_low;
	n->ci_high = d->ci_high;
	n->samples = d->samples;
}

static void
set_reason(struct rp_node *n, const char *reason)
{
	free(n->reason);
	n->reason = reason != NULL ? xstrdup(reason) : NULL;
}

/*
 * The outcome that stands: a measurement replaces anything, an inference
 * never replaces a measurement, and a verification keeps the measured
 * answer and notes when it contradicts the inference.
 */
static int
take_decision(const struct db_decision *d, void *arg)
{
	struct decision_arg *a = arg;
	struct rp_node *n =
		node_get(a->r, d->config_id, d->config_name, &a->cap);
	int was_inferred = n->inferred && n->pass >= 0;

	switch (d->kind) {
	case DB_INFERRED_PASS:
	case DB_INFERRED_MISS:
		if (!n->inferred)
			return 0;
		n->kind = d->kind;
		n->pass = d->kind == DB_INFERRED_PASS;
		n->source_id = d->source_config_id;
		set_reason(n, d->reason);
		return 0;
	case DB_VERIFIED:
		if (was_inferred && d->pass >= 0 && d->pass != n->pass)
			n->contradicted = 1;
		break;
	default:
		break;
	}
	n->kind = d->kind;
	n->inferred = 0;
	n->pass = d->pass;
	if (d->kind == DB_UNCERTAIN)
		n->pass = -1;
	set_value(n, d);
	set_reason(n, d->reason);
	return 0;
}

static int
load_border(struct db *db, struct rp_report *r, int *cap)
{
	sqlite3_stmt *st = NULL;
	struct rp_node *n;
	int rc;

	if (sqlite3_prepare_v2(db_sqlite(db),
			       "SELECT b.config_id, c.name, b.side FROM border "
			       "b JOIN configurations c ON c.id = b.config_id "
			       "WHERE b.exploration_id = ? ORDER BY b.rank",
			       -1, &st, NULL) != SQLITE_OK) {
		log_errx("database '%s': cannot read the border: %s",
			 db_path(db), sqlite3_errmsg(db_sqlite(db)));
		return -1;
	}
	sqlite3_bind_int64(st, 1, r->ex.id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		int max_pass = strcmp((const char *)sqlite3_column_text(st, 2),
				      "max-pass") == 0;

		n = node_get(r, sqlite3_column_int64(st, 0),
			     (const char *)sqlite3_column_text(st, 1), cap);
		n->border = max_pass ? 1 : -1;
		if (n->inferred && n->pass < 0) {
			n->pass = max_pass;
			n->kind =
				max_pass ? DB_INFERRED_PASS : DB_INFERRED_MISS;
		}
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

/* Stored score of configurations whose name the space no longer has. */
static double
stored_score(struct db *db, int64_t config_id)
{
	sqlite3_stmt *st = NULL;
	double s = 0;

	if (sqlite3_prepare_v2(db_sqlite(db),
			       "SELECT score FROM configurations WHERE id = ?",
			       -1, &st, NULL) != SQLITE_OK)
		return 0;
	sqlite3_bind_int64(st, 1, config_id);
	if (sqlite3_step(st) == SQLITE_ROW)
		s = sqlite3_column_double(st, 0);
	sqlite3_finalize(st);
	return s;
}

/* Split a canonical name into what people read. */
static void
describe(struct rp_node *n)
{
	const char *at = strchr(n->name, '@');
	const char *slash = strchr(n->name, '/');
	size_t plen = at != NULL      ? (size_t)(at - n->name)
		      : slash != NULL ? (size_t)(slash - n->name)
				      : strlen(n->name);
	struct strbuf sb;

	sb_init(&sb);
	n->compartments = 1;
	for (size_t i = 0; i < plen; i++) {
		if (n->name[i] == '|') {
			sb_adds(&sb, " | ");
			n->compartments++;
		} else {
			sb_addc(&sb, n->name[i]);
		}
	}
	n->parts = sb_detach(&sb);
	if (at != NULL)
		n->mechanism = slash != NULL ? xstrndup(at + 1, slash - at - 1)
					     : xstrdup(at + 1);
	else
		n->mechanism = xstrdup("none");
	sb_init(&sb);
	if (slash == NULL)
		sb_adds(&sb, "-");
	for (const char *p = slash != NULL ? slash + 1 : ""; *p; p++) {
		if (*p == ',')
			sb_adds(&sb, ", ");
		else
			sb_addc(&sb, *p);
	}
	n->hardening = sb_detach(&sb);
}

static void
count(struct rp_report *r)
{
	struct rp_counts *c = &r->counts;

	for (int i = 0; i < r->nnodes; i++) {
		const struct rp_node *n = &r->nodes[i];

		switch (n->kind) {
		case DB_EVALUATED:
			c->evaluated++;
			break;
		case DB_INFERRED_PASS:
			c->inferred_pass++;
			break;
		case DB_INFERRED_MISS:
			c->inferred_miss++;
			break;
		case DB_FAILED:
			c->failed++;
			break;
		case DB_SKIPPED:
			c->skipped++;
			break;
		case DB_UNCERTAIN:
			c->uncertain++;
			break;
		case DB_VERIFIED:
			c->verified++;
			break;
		}
		c->contradicted += n->contradicted;
	}
}

/* ---- Order-derived results -------------------------------------------- */

/* Past this many measured nodes, violations are looked for along covers. */
#define VIOLATION_PAIRS_MAX 3000

static const struct rp_report *sort_report;

static int
by_rank(const void *pa, const void *pb)
{
	const struct rp_node *a = &sort_report->nodes[*(const int *)pa];
	const struct rp_node *b = &sort_report->nodes[*(const int *)pb];

	if (fabs(a->score - b->score) > SCORE_EPS)
		return a->score > b->score ? -1 : 1;
	if (a->has_value != b->has_value)
		return a->has_value ? -1 : 1;
	if (a->has_value && a->value != b->value)
		return rp_better(sort_report, a->value, b->value) ? -1 : 1;
	return strcmp(a->name, b->name);
}

/*
 * The extremes of the nodes @pick selects: the maximal ones (@up) or the
 * minimal ones, into @out (sorted by by_rank for @up, reversed score
 * otherwise); returns their number.  Visiting by score means a node
 * above another is seen first, and a node that is not extreme lies below
 * (above) an extreme one already found, so each node is only compared
 * with the extremes: O(nodes x extremes).
 */
static int
extremes(const struct rp_report *r, int (*pick)(const struct rp_node *), int up,
	 int *out)
{
	int *idx = xcalloc(r->nnodes + 1, sizeof(int));
	int n = 0, k = 0;

	for (int i = 0; i < r->nnodes; i++)
		if (r->nodes[i].parsed && pick(&r->nodes[i]))
			idx[n++] = i;
	sort_report = r;
	qsort(idx, n, sizeof(int), by_rank);
	for (int j = 0; j < n; j++) {
		int x = idx[up ? j : n - 1 - j], dominated = 0;

		for (int e = 0; !dominated && e < k; e++)
			dominated = cs_compare(r->sp, &r->nodes[x].cfg,
					       &r->nodes[out[e]].cfg) ==
				    (up ? CS_LESS : CS_GREATER);
		if (!dominated)
			out[k++] = x;
	}
	free(idx);
	return k;
}

static int
is_pass(const struct rp_node *n)
{
	return n->pass == 1;
}

static int
is_miss(const struct rp_node *n)
{
	return n->pass == 0;
}

/* The maximal configurations known to meet the budget, best first. */
static void
rank_maximal(struct rp_report *r)
{
	r->ranking = xcalloc(r->nnodes + 1, sizeof(int));
	r->nranking = extremes(r, is_pass, 1, r->ranking);
	for (int k = 0; k < r->nranking; k++)
		r->nodes[r->ranking[k]].rank = k + 1;
}

static int
measured(const struct rp_node *n)
{
	return n->has_value && n->kind != DB_FAILED && n->kind != DB_SKIPPED;
}

static int
by_score_then_value(const void *pa, const void *pb)
{
	const struct rp_node *a = &sort_report->nodes[*(const int *)pa];
	const struct rp_node *b = &sort_report->nodes[*(const int *)pb];

	if (fabs(a->score - b->score) > SCORE_EPS)
		return a->score > b->score ? -1 : 1;
	if (a->value != b->value)
		return rp_better(sort_report, a->value, b->value) ? -1 : 1;
	return 0;
}

/*
 * Pareto set over measured configurations: none other has at least its
 * safety score and a strictly better number, or a strictly higher score
 * and a number at least as good.  One sweep from the safest down, each
 * score group against the best number of the safer groups.
 */
static void
mark_pareto(struct rp_report *r)
{
	int *idx = xcalloc(r->nnodes + 1, sizeof(int));
	int n = 0, have_best = 0;
	double best = 0;

	for (int i = 0; i < r->nnodes; i++)
		if (measured(&r->nodes[i]))
			idx[n++] = i;
	sort_report = r;
	qsort(idx, n, sizeof(int), by_score_then_value);
	for (int j = 0; j < n;) {
		int end = j;
		double top = r->nodes[idx[j]].value; /* best of this group */

		while (end < n && fabs(r->nodes[idx[end]].score -
				       r->nodes[idx[j]].score) <= SCORE_EPS)
			end++;
		for (int k = j; k < end; k++) {
			struct rp_node *x = &r->nodes[idx[k]];

			x->pareto =
				!rp_better(r, top, x->value) &&
				(!have_best || rp_better(r, x->value, best));
		}
		if (!have_best || rp_better(r, top, best))
			best = top;
		have_best = 1;
		j = end;
	}
	free(idx);
}

/* hi is better than lo beyond their intervals (medians when none). */
static int
clearly_better(const struct rp_report *r, const struct rp_node *hi,
	       const struct rp_node *lo)
{
	int intervals = hi->ci_high > hi->ci_low && lo->ci_high > lo->ci_low;

	if (!intervals)
		return rp_better(r, hi->value, lo->value);
	if (strcmp(r->ex.direction, "lower") == 0)
		return hi->ci_high < lo->ci_low;
	return hi->ci_low > lo->ci_high;
}

static void
add_violation(struct rp_report *r, int lo, int hi, int *cap)
{
	if (r->nviolations == *cap) {
		*cap = *cap ? 2 * *cap : 16;
		r->violations =
			xrealloc(r->violations, *cap * sizeof(*r->violations));
	}
	r->violations[r->nviolations].lo = lo;
	r->violations[r->nviolations++].hi = hi;
}

/* Nodes by their rank in the space (an open-addressing hash). */
struct rank_map {
	uint64_t *keys;
	int *vals; /* node index + 1; 0 empty */
	size_t mask;
};

static void
rank_map_init(struct rank_map *m, const struct rp_report *r)
{
	size_t size = 64;

	while (size < 2 * (size_t)r->nnodes)
		size *= 2;
	m->keys = xcalloc(size, sizeof(*m->keys));
	m->vals = xcalloc(size, sizeof(*m->vals));
	m->mask = size - 1;
	for (int i = 0; i < r->nnodes; i++) {
		uint64_t k;
		size_t h;

		if (!r->nodes[i].parsed)
			continue;
		k = cs_rank(r->sp, &r->nodes[i].cfg);
		for (h = (k * 0x9e3779b97f4a7c15ULL) & m->mask; m->vals[h];
		     h = (h + 1) & m->mask)
			;
		m->keys[h] = k;
		m->vals[h] = i + 1;
	}
}

static int
rank_map_get(const struct rank_map *m, const struct rp_report *r,
	     const struct cs_config *cfg)
{
	uint64_t k = cs_rank(r->sp, cfg);

	for (size_t h = (k * 0x9e3779b97f4a7c15ULL) & m->mask; m->vals[h];
	     h = (h + 1) & m->mask)
		if (m->keys[h] == k)
			return m->vals[h] - 1;
	return -1;
}

static void
rank_map_free(struct rank_map *m)
{
	free(m->keys);
	free(m->vals);
}

struct cover_arg {
	struct rp_report *r;
	const struct rank_map *map;
	int lo;
	int *cap;
	int edges; /* collect edges (1) or violations (0) */
};

static int
visit_cover(const struct cs_config *cfg, void *arg)
{
	struct cover_arg *a = arg;
	struct rp_report *r = a->r;
	int hi = rank_map_get(a->map, r, cfg);

	if (hi < 0)
		return 0;
	if (a->edges) {
		if (r->nedges == *a->cap) {
			*a->cap = *a->cap ? 2 * *a->cap : 64;
			r->edges =
				xrealloc(r->edges, *a->cap * sizeof(*r->edges));
		}
		r->edges[r->nedges].lo = a->lo;
		r->edges[r->nedges++].hi = hi;
	} else if (measured(&r->nodes[hi]) &&
		   rp_better(r, r->nodes[hi].value, r->nodes[a->lo].value)) {
		r->nodes[a->lo].order_dominated = 1;
		if (clearly_better(r, &r->nodes[hi], &r->nodes[a->lo]))
			add_violation(r, a->lo, hi, a->cap);
	}
	return 0;
}

/*
 * Every measured pair where the safer one is clearly better.  Past
 * VIOLATION_PAIRS_MAX measured nodes, only covering pairs of the space.
 */
static void
find_violations(struct rp_report *r, const struct rank_map *map)
{
	int *idx = xcalloc(r->nnodes + 1, sizeof(int));
	int n = 0, cap = 0;

	for (int i = 0; i < r->nnodes; i++)
		if (measured(&r->nodes[i]) && r->nodes[i].parsed)
			idx[n++] = i;
	r->violations_by_covers = n > VIOLATION_PAIRS_MAX;
	for (int a = 0; a < n; a++) {
		const struct rp_node *lo = &r->nodes[idx[a]];

		if (r->violations_by_covers) {
			struct cover_arg arg = {r, map, idx[a], &cap, 0};

			cs_upper_covers(r->sp, &lo->cfg, visit_cover, &arg);
			continue;
		}
		for (int b = 0; b < n; b++) {
			const struct rp_node *hi = &r->nodes[idx[b]];

			if (b == a ||
			    cs_compare(r->sp, &lo->cfg, &hi->cfg) != CS_LESS ||
			    !rp_better(r, hi->value, lo->value))
				continue;
			r->nodes[idx[a]].order_dominated = 1;
			if (clearly_better(r, hi, lo))
				add_violation(r, idx[a], idx[b], &cap);
		}
	}
	free(idx);
}

static int
by_score_desc(const void *pa, const void *pb)
{
	const struct rp_node *a = &sort_report->nodes[*(const int *)pa];
	const struct rp_node *b = &sort_report->nodes[*(const int *)pb];

	if (fabs(a->score - b->score) > SCORE_EPS)
		return a->score > b->score ? -1 : 1;
	return strcmp(a->name, b->name);
}

/*
 * The covering pairs of the order restricted to the nodes marked in
 * @member.  For each node, the nodes below it are visited from the
 * highest score down (a linear extension reversed): one is a cover
 * exactly when no cover found before it lies above it.
 */
int
rp_hasse(const struct rp_report *r, const char *member,
	 struct rp_edge **edges_out)
{
	int *below = xcalloc(r->nnodes + 1, sizeof(int));
	int *covers = xcalloc(r->nnodes + 1, sizeof(int));
	struct rp_edge *edges = NULL;
	int nedges = 0, cap = 0;

	sort_report = r;
	for (int y = 0; y < r->nnodes; y++) {
		int nb = 0, nc = 0;

		if (!member[y])
			continue;
		for (int x = 0; x < r->nnodes; x++)
			if (member[x] && x != y &&
			    cs_compare(r->sp, &r->nodes[x].cfg,
				       &r->nodes[y].cfg) == CS_LESS)
				below[nb++] = x;
		qsort(below, nb, sizeof(int), by_score_desc);
		for (int k = 0; k < nb; k++) {
			int x = below[k], covered = 0;

			for (int c = 0; !covered && c < nc; c++)
				covered = cs_leq(r->sp, &r->nodes[x].cfg,
						 &r->nodes[covers[c]].cfg);
			if (covered)
				continue;
			covers[nc++] = x;
			if (nedges == cap) {
				cap = cap ? 2 * cap : 64;
				edges = xrealloc(edges, cap * sizeof(*edges));
			}
			edges[nedges].lo = x;
			edges[nedges++].hi = y;
		}
	}
	free(below);
	free(covers);
	*edges_out = edges;
	return nedges;
}

/*
 * What the drawings show: everything up to RP_DRAW_MAX nodes; past that
 * the border region: the maximal passing and minimal missing nodes.
 */
static void
choose_drawn(struct rp_report *r)
{
	int *minimal, nmin, n = 0;

	for (int i = 0; i < r->nnodes; i++)
		n += r->nodes[i].parsed;
	if (n <= RP_DRAW_MAX) {
		for (int i = 0; i < r->nnodes; i++)
			r->nodes[i].drawn = r->nodes[i].parsed;
		r->ndrawn = n;
		return;
	}
	r->drawn_partial = 1;
	for (int k = 0; k < r->nranking && r->ndrawn < RP_DRAW_MAX; k++) {
		r->nodes[r->ranking[k]].drawn = 1;
		r->ndrawn++;
	}
	minimal = xcalloc(r->nnodes + 1, sizeof(int));
	nmin = extremes(r, is_miss, 0, minimal);
	for (int k = 0; k < nmin && r->ndrawn < RP_DRAW_MAX; k++) {
		r->nodes[minimal[k]].drawn = 1;
		r->ndrawn++;
	}
	free(minimal);
}

/* Layers: the longest chain of covers below each node. */
static void
assign_layers(struct rp_report *r, const struct rp_edge *edges, int nedges)
{
	int *idx = xcalloc(r->nnodes + 1, sizeof(int));
	int *first = xcalloc(r->nnodes + 2, sizeof(int));
	int *by_hi = xcalloc(nedges + 1, sizeof(int));
	int *fill;

	/* Edges grouped by their upper end, nodes from the least safe up. */
	for (int e = 0; e < nedges; e++)
		first[edges[e].hi + 1]++;
	for (int i = 0; i < r->nnodes; i++)
		first[i + 1] += first[i];
	fill = xmalloc((r->nnodes + 1) * sizeof(int));
	memcpy(fill, first, (r->nnodes + 1) * sizeof(int));
	for (int e = 0; e < nedges; e++)
		by_hi[fill[edges[e].hi]++] = e;
	for (int i = 0; i < r->nnodes; i++) {
		idx[i] = i;
		r->nodes[i].layer = 0;
	}
	sort_report = r;
	qsort(idx, r->nnodes, sizeof(int), by_score_desc);
	for (int k = r->nnodes - 1; k >= 0; k--) {
		struct rp_node *hi = &r->nodes[idx[k]];

		for (int j = first[idx[k]]; j < first[idx[k] + 1]; j++) {
			int lo = edges[by_hi[j]].lo;

			if (hi->layer < r->nodes[lo].layer + 1)
				hi->layer = r->nodes[lo].layer + 1;
		}
	}
	free(idx);
	free(first);
	free(fill);
	free(by_hi);
}

static void
derive(struct rp_report *r)
{
	struct rank_map map;
	int nparsed = 0, cap = 0;

	rank_maximal(r);
	mark_pareto(r);
	rank_map_init(&map, r);
	find_violations(r, &map);
	choose_drawn(r);
	for (int i = 0; i < r->nnodes; i++)
		nparsed += r->nodes[i].parsed;
	if (nparsed <= HASSE_MAX) {
		char *member = xcalloc(r->nnodes + 1, 1);

		for (int i = 0; i < r->nnodes; i++)
			member[i] = r->nodes[i].parsed;
		r->nedges = rp_hasse(r, member, &r->edges);
		free(member);
	} else {
		/* Covers of the space between named nodes. */
		r->covers_in_space = 1;
		for (int i = 0; i < r->nnodes; i++) {
			struct cover_arg arg = {r, &map, i, &cap, 1};

			if (r->nodes[i].parsed)
				cs_upper_covers(r->sp, &r->nodes[i].cfg,
						visit_cover, &arg);
		}
	}
	rank_map_free(&map);
	assign_layers(r, r->edges, r->nedges);
}

static void
index_nodes(struct rp_report *r)
{
	r->by_name = xcalloc(r->nnodes + 1, sizeof(int));
	for (int i = 0; i < r->nnodes; i++) {
		const struct rp_node *n = &r->nodes[i];

		r->by_name[i] = i;
		if (!n->has_value || n->kind == DB_FAILED)
			continue;
		if (!r->has_range || n->value < r->vmin)
			r->vmin = n->value;
		if (!r->has_range || n->value > r->vmax)
			r->vmax = n->value;
		r->has_range = 1;
	}
	name_report = r;
	qsort(r->by_name, r->nnodes, sizeof(int), by_name_cmp);
}

/* ---- Loading ----------------------------------------------------------- */

int
rp_load(struct db *db, int64_t id, const char *spec, struct rp_report *r)
{
	struct decision_arg a = {.r = r};
	int rc;

	memset(r, 0, sizeof(*r));
	r->db_path = xstrdup(db_path(db));
	rc = db_exploration_get(db, id, &r->ex);
	if (rc <= 0) {
		if (rc == 0)
			log_errx("database '%s' has no exploration %" PRId64,
				 db_path(db), id);
		return rc == 0 ? FX_EXIT_USAGE : FX_EXIT_ENV;
	}
	if (load_keys(db, r) != 0)
		return FX_EXIT_ENV;
	rc = load_space(r, spec);
	if (rc != FX_EXIT_OK)
		return rc;

	rc = db_decision_each(db, id, take_decision, &a) < 0 ||
	     load_border(db, r, &a.cap) != 0;
	if (rc != 0)
		return FX_EXIT_ENV;

	for (int i = 0; i < r->nnodes; i++) {
		struct rp_node *n = &r->nodes[i];
		char msg[256];

		describe(n);
		n->parsed = cs_parse(r->sp, n->name, &n->cfg, msg,
				     sizeof(msg)) == 0;
		n->score = n->parsed ? cs_score(r->sp, &n->cfg)
				     : stored_score(db, n->config_id);
		if (!n->parsed)
			log_warnx("configuration '%s' is not in space file "
				  "'%s' any more: %s",
				  n->name, r->space_used, msg);
	}
	r->engine_alive = db_exploration_locked(db, id);
	r->host_mechanisms = rp_host_mechanisms(db, r->host_description);
	count(r);
	index_nodes(r);
	derive(r);
	return FX_EXIT_OK;
}

void
rp_free(struct rp_report *r)
{
	db_exploration_free(&r->ex);
	free(r->db_path);
	free(r->space_name);
	free(r->space_digest);
	free(r->space_path);
	free(r->host_fingerprint);
	free(r->host_description);
	rp_strv_free(r->host_mechanisms);
	free(r->revision);
	free(r->space_used);
	if (r->sp != NULL)
		cs_free(r->sp);
	for (int i = 0; i < r->nnodes; i++) {
		free(r->nodes[i].name);
		free(r->nodes[i].parts);
		free(r->nodes[i].mechanism);
		free(r->nodes[i].hardening);
		free(r->nodes[i].reason);
	}
	free(r->nodes);
	free(r->ranking);
	free(r->edges);
	free(r->violations);
	free(r->idmap);
	free(r->by_name);
	memset(r, 0, sizeof(*r));
}
