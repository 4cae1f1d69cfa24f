/*
 * flexexplore report --compare: one space explored on two hosts or two
 * OS revisions, and what changed between them.
 */
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "../util/log.h"
#include "report.h"

#define MAX_LISTED 20

struct style {
	const char *bold, *warn, *off;
};

int
rp_find_pair(struct db *db, int64_t new_id, const char *app, const char *spec,
	     int64_t *old_id, int64_t *out_new)
{
	sqlite3_stmt *st = NULL;
	int rc = rp_find(db, new_id, app, spec, out_new);

	if (rc != FX_EXIT_OK)
		return rc;
	*old_id = 0;
	if (sqlite3_prepare_v2(
		    db_sqlite(db),
		    "SELECT o.id FROM explorations n JOIN spaces ns ON ns.id = "
		    "n.space_id, explorations o JOIN spaces os ON os.id = "
		    "o.space_id WHERE n.id = ?1 AND o.id != ?1 AND os.name = "
		    "ns.name AND o.metric = n.metric AND (o.host_id != "
		    "n.host_id OR o.revision_id != n.revision_id) ORDER BY "
		    "o.id < ?1 DESC, o.started DESC, o.id DESC LIMIT 1",
		    -1, &st, NULL) != SQLITE_OK) {
		log_errx("database '%s': %s", db_path(db),
			 sqlite3_errmsg(db_sqlite(db)));
		return FX_EXIT_ENV;
	}
	sqlite3_bind_int64(st, 1, *out_new);
	if (sqlite3_step(st) == SQLITE_ROW)
		*old_id = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	if (*old_id == 0) {
		log_errx("database '%s' holds no other exploration of the "
			 "space and metric of exploration %" PRId64
			 " on another host or OS revision: nothing to compare "
			 "(explore there first, or name one with --against)",
			 db_path(db), *out_new);
		return FX_EXIT_USAGE;
	}
	return FX_EXIT_OK;
}

/* Where @n stands: "meets 512345", "skipped", "not explored", ... */
static void
add_state(struct strbuf *sb, const struct rp_node *n)
{
	if (n == NULL) {
		sb_adds(sb, "not explored");
		return;
	}
	switch (n->kind) {
	case DB_SKIPPED:
		sb_adds(sb, "skipped");
		return;
	case DB_FAILED:
		sb_adds(sb, "failed");
		return;
	case DB_UNCERTAIN:
		sb_adds(sb, "uncertain");
		break;
	default:
		sb_adds(sb, n->pass == 1   ? "meets"
			    : n->pass == 0 ? "misses"
					   : "unknown");
		if (n->inferred)
			sb_adds(sb, " (inferred)");
		break;
	}
	if (n->has_value) {
		sb_addc(sb, ' ');
		rp_add_number(sb, n->value);
	}
}

static const struct rp_node *
find_name(const struct rp_report *r, const char *name)
{
	int i = rp_node_named(r, name);

	return i >= 0 ? &r->nodes[i] : NULL;
}

static void
add_row(struct strbuf *sb, const char *label, const char *a, const char *b)
{
	/* Values too long for two columns go on two lines. */
	if ((strlen(a) > 30 || 17 + 31 + strlen(b) > 80) && strcmp(a, b) == 0) {
		sb_addf(sb, "  %-15sboth ", label);
		rp_add_wrapped(sb, a, 22, 22);
		return;
	}
	if (strlen(a) > 30 || 17 + 31 + strlen(b) > 80) {
		sb_addf(sb, "  %-15solder ", label);
		rp_add_wrapped(sb, a, 23, 23);
		sb_addf(sb, "  %-15snewer ", "");
		rp_add_wrapped(sb, b, 23, 23);
		return;
	}
	sb_addf(sb, "  %-15s%-30s %s\n", label, a, b);
}

static void
add_number_row(struct strbuf *sb, const char *label, int has_a, double a,
	       int has_b, double b)
{
	struct strbuf x, y;

	sb_init(&x);
	sb_init(&y);
	if (has_a)
		rp_add_number(&x, a);
	else
		sb_adds(&x, "-");
	if (has_b) {
		rp_add_number(&y, b);
		if (has_a && a != 0)
			sb_addf(&y, " (%+.1f%%)", 100.0 * (b - a) / fabs(a));
	} else {
		sb_adds(&y, "-");
	}
	add_row(sb, label, x.buf, y.buf);
	sb_free(&x);
	sb_free(&y);
}

static void
add_header(struct strbuf *sb, const struct rp_report *a,
	   const struct rp_report *b, const struct style *s)
{
	char ia[32], ib[32], ra[48], rb[48];
	int host = strcmp(a->host_fingerprint, b->host_fingerprint) != 0;
	int rev = strcmp(a->revision, b->revision) != 0;

	sb_addf(sb, "%sComparing two explorations of %s%s: %s\n", s->bold,
		a->space_name, s->off,
		host && rev ? "another host and another OS revision"
		: host	    ? "another host"
		: rev	    ? "another OS revision"
			    : "same host and revision");
	snprintf(ia, sizeof(ia), "%" PRId64 " (older)", a->ex.id);
	snprintf(ib, sizeof(ib), "%" PRId64 " (newer)", b->ex.id);
	add_row(sb, "exploration", ia, ib);
	add_row(sb, "host", a->host_fingerprint, b->host_fingerprint);
	add_row(sb, "revision", a->revision, b->revision);
	add_row(sb, "started", a->ex.started, b->ex.started);
	add_row(sb, "status", a->ex.status, b->ex.status);
	add_number_row(sb, "baseline", a->ex.has_baseline, a->ex.baseline,
		       b->ex.has_baseline, b->ex.baseline);
	add_number_row(sb, "budget", a->ex.has_budget_value, a->ex.budget_value,
		       b->ex.has_budget_value, b->ex.budget_value);
	snprintf(ra, sizeof(ra), "%d maximal", a->nranking);
	snprintf(rb, sizeof(rb), "%d maximal", b->nranking);
	add_row(sb, "within budget", ra, rb);
	snprintf(ra, sizeof(ra), "%d evaluated, %d skipped",
		 a->counts.evaluated + a->counts.verified, a->counts.skipped);
	snprintf(rb, sizeof(rb), "%d evaluated, %d skipped",
		 b->counts.evaluated + b->counts.verified, b->counts.skipped);
	add_row(sb, "work", ra, rb);
}

static int
in_list(char **v, const char *s)
{
	for (; v != NULL && *v != NULL; v++)
		if (strcmp(*v, s) == 0)
			return 1;
	return 0;
}

static int
count_skipped(const struct rp_report *r, const char *mech)
{
	int n = 0;

	for (int i = 0; i < r->nnodes; i++)
		n += r->nodes[i].kind == DB_SKIPPED &&
		     strcmp(r->nodes[i].mechanism, mech) == 0;
	return n;
}

/* Mechanisms one host has and the other lacks, for this space. */
static void
add_mechanisms(struct strbuf *sb, struct db *db, const struct rp_report *a,
	       const struct rp_report *b, const struct style *s)
{
	char **ma = rp_host_mechanisms(db, a->host_description);
	char **mb = rp_host_mechanisms(db, b->host_description);
	int n = 0;

	sb_addf(sb, "\n%sMechanisms of the space%s\n", s->bold, s->off);
	for (int m = 0; m < cs_space_nmechanisms(a->sp); m++) {
		const char *name = cs_space_mechanism(a->sp, m);
		int ha = in_list(ma, name) ||
			 (ma[0] == NULL && count_skipped(a, name) == 0);
		int hb = in_list(mb, name) ||
			 (mb[0] == NULL && count_skipped(b, name) == 0);
		int sa = count_skipped(a, name), sb_ = count_skipped(b, name);

		if (sa > 0)
			ha = 0;
		if (sb_ > 0)
			hb = 0;
		if (!cs_space_mechanism_isolates(a->sp, m))
			continue;
		n++;
		sb_addf(sb, "  %-15s", name);
		if (ha && hb)
			sb_adds(sb, "both hosts can run it\n");
		else if (!ha && !hb)
			sb_adds(sb, "neither host can run it\n");
		else {
			char *t =
				xasprintf("only the %s host can run it (%d "
					  "configurations skipped on the %s)",
					  ha ? "older" : "newer", ha ? sb_ : sa,
					  ha ? "newer" : "older");

			sb_adds(sb, s->warn);
			rp_add_wrapped(sb, t, 17, 17);
			sb_adds(sb, s->off);
			free(t);
		}
	}
	if (n == 0)
		sb_adds(sb, "  none isolates: nothing depends on the host\n");
	rp_strv_free(ma);
	rp_strv_free(mb);
}

/* Configurations whose outcome changed between the two. */
static void
add_changes(struct strbuf *sb, const struct rp_report *a,
	    const struct rp_report *b, int now_meet, const struct style *s)
{
	struct strbuf t;
	int n = 0, shown = 0;

	sb_init(&t);
	for (int pass = 0; pass < 2; pass++) {
		/* First count, then list. */
		for (int i = 0; i < b->nnodes + a->nnodes; i++) {
			const struct rp_node *x, *y;

			if (i < b->nnodes) {
				y = &b->nodes[i];
				x = find_name(a, y->name);
			} else {
				x = &a->nodes[i - b->nnodes];
				y = find_name(b, x->name);
				if (y != NULL)
					continue; /* seen above */
			}
			if (now_meet ? !((x == NULL || x->pass != 1) &&
					 y != NULL && y->pass == 1)
				     : !(x != NULL && x->pass == 1 &&
					 (y == NULL || y->pass != 1)))
				continue;
			if (pass == 0) {
				n++;
				continue;
			}
			if (shown++ >= MAX_LISTED)
				continue;
			sb_adds(sb, "  ");
			rp_add_wrapped(sb, x != NULL ? x->name : y->name, 2, 4);
			sb_reset(&t);
			add_state(&t, x);
			sb_adds(&t, " -> ");
			add_state(&t, y);
			sb_addf(sb, "      %s\n", t.buf);
		}
		if (pass == 0)
			sb_addf(sb, "\n%s%s the budget%s: %d\n", s->bold,
				now_meet ? "Now meet" : "Now miss", s->off, n);
	}
	if (n > MAX_LISTED)
		sb_addf(sb, "  ... and %d more\n", n - MAX_LISTED);
	sb_free(&t);
}

/* Measured on both: how the numbers moved. */
static void
add_ratio(struct strbuf *sb, const struct rp_report *a,
	  const struct rp_report *b, const struct style *s)
{
	double lo = 0, hi = 0, sum = 0;
	struct strbuf t;
	int n = 0;

	for (int i = 0; i < b->nnodes; i++) {
		const struct rp_node *y = &b->nodes[i];
		const struct rp_node *x = find_name(a, y->name);
		double q;

		if (x == NULL || !x->has_value || !y->has_value ||
		    x->value == 0 || x->kind == DB_FAILED ||
		    y->kind == DB_FAILED)
			continue;
		q = y->value / x->value;
		lo = n == 0 || q < lo ? q : lo;
		hi = n == 0 || q > hi ? q : hi;
		sum += q;
		n++;
	}
	sb_init(&t);
	sb_addf(&t, "%d configurations", n);
	if (n > 0)
		sb_addf(&t,
			"; newer/older %s is %.3f on average (%.3f to %.3f)",
			a->ex.metric, sum / n, lo, hi);
	sb_addf(sb, "\n%sMeasured on both%s: ", s->bold, s->off);
	rp_add_wrapped(sb, t.buf, 18, 2);
	sb_free(&t);
}

static void
add_shift(struct strbuf *sb, const struct rp_report *a,
	  const struct rp_report *b, const struct style *s)
{
	sb_addf(sb, "\n%sSafest choices%s (rank older -> newer)\n", s->bold,
		s->off);
	for (int k = 0; k < b->nranking; k++) {
		const struct rp_node *y = &b->nodes[b->ranking[k]];
		const struct rp_node *x = find_name(a, y->name);

		if (x != NULL && x->rank > 0)
			sb_addf(sb, "  kept   %2d -> %-3d", x->rank, y->rank);
		else
			sb_addf(sb, "  new     - -> %-3d", y->rank);
		rp_add_wrapped(sb, y->name, 18, 18);
	}
	for (int k = 0; k < a->nranking; k++) {
		const struct rp_node *x = &a->nodes[a->ranking[k]];
		const struct rp_node *y = find_name(b, x->name);
		struct strbuf t;

		if (y != NULL && y->rank > 0)
			continue;
		sb_addf(sb, "  gone   %2d -> -  ", x->rank);
		rp_add_wrapped(sb, x->name, 18, 18);
		sb_init(&t);
		add_state(&t, y);
		sb_addf(sb, "%18snow %s\n", "", t.buf);
		sb_free(&t);
	}
	if (a->nranking + b->nranking == 0)
		sb_adds(sb, "  neither has a configuration within its "
			    "budget\n");
}

int
rp_compare(struct db *db, int64_t old_id, int64_t new_id, const char *spec,
	   FILE *out, int colour)
{
	static const struct style plain = {"", "", ""};
	static const struct style ansi = {"\033[1m", "\033[33m", "\033[0m"};
	const struct style *s = colour ? &ansi : &plain;
	struct rp_report a, b;
	struct strbuf sb;
	int rc;

	memset(&b, 0, sizeof(b));
	rc = rp_load(db, old_id, spec, &a);
	if (rc == FX_EXIT_OK)
		rc = rp_load(db, new_id, spec, &b);
	if (rc == FX_EXIT_OK && strcmp(a.space_name, b.space_name) != 0) {
		log_errx("explorations %" PRId64 " and %" PRId64
			 " explored different spaces ('%s', '%s')",
			 old_id, new_id, a.space_name, b.space_name);
		rc = FX_EXIT_USAGE;
	}
	if (rc == FX_EXIT_OK && strcmp(a.ex.metric, b.ex.metric) != 0)
		log_warnx("explorations %" PRId64 " and %" PRId64
			  " measured different metrics ('%s', '%s')",
			  old_id, new_id, a.ex.metric, b.ex.metric);
	if (rc == FX_EXIT_OK) {
		sb_init(&sb);
		add_header(&sb, &a, &b, s);
		add_mechanisms(&sb, db, &a, &b, s);
		add_changes(&sb, &a, &b, 1, s);
		add_changes(&sb, &a, &b, 0, s);
		add_ratio(&sb, &a, &b, s);
		add_shift(&sb, &a, &b, s);
		if (fwrite(sb.buf, 1, sb.len, out) != sb.len ||
		    fflush(out) != 0)
			rc = FX_EXIT_ENV;
		sb_free(&sb);
	}
	rp_free(&a);
	rp_free(&b);
	return rc;
}
