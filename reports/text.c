/*
 * The report for the terminal: 80 columns, aligned, colour only on a
 * terminal.
 */
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"

#define WIDTH 80
#define MAX_LISTED 10 /* of the failed, uncertain and violations lists */

struct style {
	const char *bold, *warn, *good, *bad, *off;
};

static const struct style plain = {"", "", "", "", ""};
static const struct style ansi = {"\033[1m", "\033[33m", "\033[32m", "\033[31m",
				  "\033[0m"};

void
rp_add_wrapped(struct strbuf *sb, const char *text, int col, int indent)
{
	size_t len = strlen(text);

	while ((int)len + col > WIDTH && len > 0) {
		int room = WIDTH - col;
		int cut = -1;

		/* Break after the last separator that fits. */
		for (int i = 0; i < room && i < (int)len; i++)
			if (text[i] == '|' || text[i] == ',' || text[i] == ' ')
				cut = i + 1;
		if (cut <= 0)
			cut = room > 0 ? room : (int)len;
		/* A break at a blank drops the blank. */
		sb_add(sb, text, text[cut - 1] == ' ' ? cut - 1 : cut);
		sb_addf(sb, "\n%*s", indent, "");
		text += cut;
		len -= cut;
		while (*text == ' ') {
			text++;
			len--;
		}
		col = indent;
	}
	sb_add(sb, text, len);
	sb_addc(sb, '\n');
}

static void
add_ci(struct strbuf *sb, const struct rp_node *n, int width)
{
	struct strbuf a;

	sb_init(&a);
	if (n->has_value && n->ci_high > n->ci_low) {
		sb_adds(&a, "[");
		rp_add_number(&a, n->ci_low);
		sb_adds(&a, ", ");
		rp_add_number(&a, n->ci_high);
		sb_adds(&a, "]");
	} else {
		sb_adds(&a, "-");
	}
	sb_addf(sb, "%-*s", width, a.buf);
	sb_free(&a);
}

/* "  512345" or "       -", right-aligned in @width. */
static void
add_value(struct strbuf *sb, const struct rp_node *n, int width)
{
	struct strbuf a;

	sb_init(&a);
	if (n->has_value)
		rp_add_number(&a, n->value);
	else
		sb_adds(&a, "-");
	sb_addf(sb, "%*s", width, a.buf);
	sb_free(&a);
}

static void
add_percent(struct strbuf *sb, const struct rp_report *r,
	    const struct rp_node *n)
{
	double p = n->has_value ? rp_percent(r, n->value) : -1;

	if (p < 0)
		sb_addf(sb, "%7s", "-");
	else
		sb_addf(sb, "%6.1f%%", p);
}

static void
add_header(struct strbuf *sb, const struct rp_report *r, const struct style *s)
{
	const struct db_exploration *e = &r->ex;

	sb_addf(sb, "%sExploration %" PRId64 " of %s%s (%s)\n", s->bold, e->id,
		r->space_name, s->off, e->status);
	sb_addf(sb, "  %-11s", "space");
	rp_add_wrapped(sb, r->space_path, 13, 13);
	sb_addf(sb, "  %-11s%.0f configurations", "size", e->space_size);
	if (e->app[0] != '\0' && strcmp(e->app, r->space_name) != 0)
		sb_addf(sb, ", application '%s'", e->app);
	sb_addc(sb, '\n');
	sb_addf(sb, "  %-11s%s", "host", r->host_fingerprint);
	for (char **m = r->host_mechanisms; m != NULL && *m != NULL; m++)
		sb_addf(sb, "%s%s", m == r->host_mechanisms ? ", runs " : " ",
			*m);
	sb_addc(sb, '\n');
	sb_addf(sb, "  %-11s", "revision");
	rp_add_wrapped(sb, r->revision, 13, 13);
	sb_addf(sb, "  %-11s%s\n", "strategy", e->strategy);
	sb_addf(sb, "  %-11s", "evaluator");
	rp_add_wrapped(sb, e->evaluator, 13, 13);
	sb_addf(sb, "  %-11s", "toolchain");
	rp_add_wrapped(sb, e->toolchain, 13, 13);
	sb_addf(sb, "  %-11s%s (%s is better)\n", "metric", e->metric,
		e->direction);
	sb_addf(sb, "  %-11s", "baseline");
	if (e->has_baseline)
		rp_add_number(sb, e->baseline);
	else
		sb_adds(sb, "not measured yet");
	sb_addf(sb, "\n  %-11s", "budget");
	if (e->has_budget_value) {
		rp_add_number(sb, e->budget_value);
		if (rp_percent(r, e->budget_value) >= 0)
			sb_addf(sb, " (%.1f%% of the baseline)",
				rp_percent(r, e->budget_value));
		sb_addf(sb, ", given as '%s'", e->budget);
	} else {
		sb_addf(sb, "'%s' (no number until the baseline is in)",
			e->budget);
	}
	sb_addf(sb, "\n  %-11s%s", "started", e->started);
	if (e->finished != NULL)
		sb_addf(sb, ", finished %s", e->finished);
	sb_addc(sb, '\n');
	if (e->message != NULL && e->message[0] != '\0') {
		sb_addf(sb, "  %-11s", "message");
		rp_add_wrapped(sb, e->message, 13, 13);
	}
	if (r->space_changed) {
		sb_addf(sb,
			"%s  warning: the space file changed since this "
			"exploration%s\n",
			s->warn, s->off);
		sb_addf(sb, "  (recorded digest %s, now %s in '%s');\n",
			r->space_digest, cs_space_digest(r->sp), r->space_used);
		sb_adds(sb, "  order, covers and scores below come from the "
			    "file as it is now.\n");
	}
	if (strcmp(e->status, "running") == 0 && !r->engine_alive)
		sb_addf(sb,
			"%s  the exploration says 'running' but no engine "
			"holds it: it was\n  interrupted; the same command "
			"resumes it%s\n",
			s->warn, s->off);
	else if (strcmp(e->status, "running") == 0 ||
		 strcmp(e->status, "stopped") == 0)
		sb_addf(sb,
			"%s  the exploration is %s: what follows is what "
			"it knows so far%s\n",
			s->warn, e->status, s->off);
}

static void
add_counts(struct strbuf *sb, const struct rp_report *r, const struct style *s)
{
	const struct rp_counts *c = &r->counts;
	double named = r->nnodes;

	sb_addf(sb, "\n%sOutcomes%s\n", s->bold, s->off);
	sb_addf(sb, "  %-11s%d\n", "evaluated", c->evaluated + c->verified);
	sb_addf(sb, "  %-11s%d (%d meet the budget, %d miss it)\n", "inferred",
		c->inferred_pass + c->inferred_miss, c->inferred_pass,
		c->inferred_miss);
	sb_addf(sb, "  %-11s%d\n", "failed", c->failed);
	sb_addf(sb, "  %-11s%d\n", "skipped", c->skipped);
	sb_addf(sb, "  %-11s%d\n", "uncertain", c->uncertain);
	if (c->verified > 0)
		sb_addf(sb,
			"  %-11s%d inferred then measured, %d "
			"contradicted\n",
			"verified", c->verified, c->contradicted);
	if (r->ex.space_size > named)
		sb_addf(sb, "  %-11s%.0f of %.0f (%s)\n", "not named",
			r->ex.space_size - named, r->ex.space_size,
			strcmp(r->ex.status, "finished") == 0
				? "their outcome follows from the border"
				: "not decided yet");
}

static void
add_config_block(struct strbuf *sb, const struct rp_node *n)
{
	sb_addf(sb, "%8s%-13s", "", "compartments");
	rp_add_wrapped(sb, n->parts, 21, 21);
	sb_addf(sb, "%8s%-13s%s\n", "", "mechanism", n->mechanism);
	sb_addf(sb, "%8s%-13s", "", "hardening");
	rp_add_wrapped(sb, n->hardening, 21, 21);
}

static void
add_ranking(struct strbuf *sb, const struct rp_report *r, const struct style *s,
	    int top)
{
	sb_addf(sb,
		"\n%sSafest configurations within the budget%s: %d "
		"maximal\n",
		s->bold, s->off, r->nranking);
	if (r->nranking == 0) {
		sb_adds(sb, "  none meets the budget");
		if (!r->ex.has_budget_value)
			sb_adds(sb, " (no budget number yet)");
		sb_addc(sb, '\n');
		return;
	}
	sb_addf(sb, "  %4s %6s %12s  %-20s %7s\n", "rank", "score",
		r->ex.metric, "95% CI", "% base");
	for (int k = 0; k < r->nranking && (top == 0 || k < top); k++) {
		const struct rp_node *n = &r->nodes[r->ranking[k]];

		sb_addf(sb, "  %s%4d%s %6.1f ", s->good, n->rank, s->off,
			n->score);
		add_value(sb, n, 12);
		sb_adds(sb, "  ");
		add_ci(sb, n, 20);
		sb_addc(sb, ' ');
		add_percent(sb, r, n);
		if (n->inferred)
			sb_adds(sb, "  inferred");
		sb_addc(sb, '\n');
		add_config_block(sb, n);
	}
	if (top > 0 && r->nranking > top)
		sb_addf(sb,
			"  ... and %d more (--top 0 lists all; --csv and "
			"--json have all)\n",
			r->nranking - top);
}

static const struct rp_report *sort_report;

/* Safest first, then the better number. */
static int
by_score(const void *pa, const void *pb)
{
	const struct rp_node *a = &sort_report->nodes[*(const int *)pa];
	const struct rp_node *b = &sort_report->nodes[*(const int *)pb];

	if (a->score != b->score)
		return a->score > b->score ? -1 : 1;
	if (a->value != b->value)
		return rp_better(sort_report, a->value, b->value) ? -1 : 1;
	return strcmp(a->name, b->name);
}

/* The Pareto set under the partial order alone, in one sentence. */
static void
add_order_pareto(struct strbuf *sb, const struct rp_report *r)
{
	int measured = 0, kept = 0;
	char *t;

	for (int i = 0; i < r->nnodes; i++) {
		const struct rp_node *n = &r->nodes[i];

		if (!n->has_value || !n->parsed || n->kind == DB_FAILED ||
		    n->kind == DB_SKIPPED)
			continue;
		measured++;
		kept += !n->order_dominated;
	}
	t = xasprintf("By the safety order alone, %d of the %d measured "
		      "configurations have no safer configuration measured "
		      "better%s.",
		      kept, measured,
		      r->violations_by_covers ? " (among their upper covers)"
					      : "");
	sb_adds(sb, "  ");
	rp_add_wrapped(sb, t, 2, 2);
	free(t);
}

static void
add_pareto(struct strbuf *sb, const struct rp_report *r, const struct style *s,
	   int top)
{
	int *idx = xcalloc(r->nnodes + 1, sizeof(int));
	int n = 0;

	for (int i = 0; i < r->nnodes; i++)
		if (r->nodes[i].pareto)
			idx[n++] = i;
	sort_report = r;
	qsort(idx, n, sizeof(int), by_score);
	sb_addf(sb,
		"\n%sPareto set%s: %d (no other measured configuration "
		"is as safe by score\nand better in %s)\n",
		s->bold, s->off, n, r->ex.metric);
	if (n > 0)
		sb_addf(sb, "  %6s %12s %7s  %s\n", "score", r->ex.metric,
			"% base", "configuration");
	for (int k = 0; k < n && (top == 0 || k < top); k++) {
		const struct rp_node *x = &r->nodes[idx[k]];

		sb_addf(sb, "  %6.1f ", x->score);
		add_value(sb, x, 12);
		sb_addc(sb, ' ');
		add_percent(sb, r, x);
		sb_adds(sb, "  ");
		rp_add_wrapped(sb, x->name, 31, 31);
	}
	if (top > 0 && n > top)
		sb_addf(sb, "  ... and %d more\n", n - top);
	free(idx);
	add_order_pareto(sb, r);
}

static void
add_listed(struct strbuf *sb, const struct rp_report *r, enum db_kind kind,
	   const char *title, const struct style *s)
{
	int n = 0;

	for (int i = 0; i < r->nnodes; i++)
		n += r->nodes[i].kind == kind;
	if (n == 0)
		return;
	sb_addf(sb, "\n%s%s%s: %d\n", s->bold, title, s->off, n);
	for (int i = 0, shown = 0; i < r->nnodes && shown < MAX_LISTED; i++) {
		const struct rp_node *x = &r->nodes[i];

		if (x->kind != kind)
			continue;
		shown++;
		sb_adds(sb, "  ");
		rp_add_wrapped(sb, x->name, 2, 4);
		sb_adds(sb, "    ");
		if (kind == DB_UNCERTAIN && x->has_value) {
			struct strbuf t;

			sb_init(&t);
			rp_add_number(&t, x->value);
			sb_addf(sb, "%s %s, interval ", r->ex.metric, t.buf);
			sb_free(&t);
			add_ci(sb, x, 0);
			sb_adds(sb, "\n    ");
		}
		rp_add_wrapped(sb, x->reason != NULL ? x->reason : "-", 4, 4);
	}
	if (n > MAX_LISTED)
		sb_addf(sb, "  ... and %d more\n", n - MAX_LISTED);
}

/*
 * What a host with each skipped mechanism would add: how many
 * configurations, and how safe the safest of them is against the safest
 * choice here.
 */
static void
add_would_add(struct strbuf *sb, const struct rp_report *r)
{
	double here = r->nranking > 0 ? r->nodes[r->ranking[0]].score : -1;

	for (int m = 0; r->sp != NULL && m < cs_space_nmechanisms(r->sp); m++) {
		const char *mech = cs_space_mechanism(r->sp, m);
		double best = -1;
		int n = 0;
		char *t, tail[80];

		for (int i = 0; i < r->nnodes; i++) {
			const struct rp_node *x = &r->nodes[i];

			if (x->kind != DB_SKIPPED || strcmp(x->mechanism, mech))
				continue;
			n++;
			best = x->score > best ? x->score : best;
		}
		if (n == 0)
			continue;
		if (here < 0)
			snprintf(tail, sizeof(tail), ".");
		else if (best > here)
			snprintf(tail, sizeof(tail),
				 " (the safest choice here scores %.1f).",
				 here);
		else
			snprintf(tail, sizeof(tail),
				 " (none safer than the safest choice here).");
		t = xasprintf("A host that runs %s would add these %d "
			      "configurations, up to safety score %.1f%s",
			      mech, n, best, tail);
		sb_adds(sb, "  ");
		rp_add_wrapped(sb, t, 2, 2);
		free(t);
	}
}

/* Skipped configurations share few reasons: one line per reason. */
static void
add_skipped(struct strbuf *sb, const struct rp_report *r, const struct style *s)
{
	const char **reasons = xcalloc(r->nnodes + 1, sizeof(*reasons));
	int *counts = xcalloc(r->nnodes + 1, sizeof(int));
	int nreasons = 0, n = 0;

	for (int i = 0; i < r->nnodes; i++) {
		const char *why = r->nodes[i].reason;
		int k;

		if (r->nodes[i].kind != DB_SKIPPED)
			continue;
		n++;
		why = why != NULL ? why : "no reason recorded";
		for (k = 0; k < nreasons && strcmp(reasons[k], why) != 0; k++)
			;
		if (k == nreasons)
			reasons[nreasons++] = why;
		counts[k]++;
	}
	if (n > 0)
		sb_addf(sb, "\n%sSkipped%s: %d\n", s->bold, s->off, n);
	for (int k = 0; k < nreasons && k < MAX_LISTED; k++) {
		sb_addf(sb, "  %5d  ", counts[k]);
		rp_add_wrapped(sb, reasons[k], 9, 9);
	}
	if (nreasons > MAX_LISTED)
		sb_addf(sb, "  ... and %d more reasons\n",
			nreasons - MAX_LISTED);
	free(reasons);
	free(counts);
	add_would_add(sb, r);
}

static double
violation_size(const struct rp_report *r, const struct rp_violation *v)
{
	double lo = r->nodes[v->lo].value, hi = r->nodes[v->hi].value;

	return lo != 0 ? fabs(hi - lo) / fabs(lo) : fabs(hi - lo);
}

static int
by_violation(const void *pa, const void *pb)
{
	double a = violation_size(sort_report, pa);
	double b = violation_size(sort_report, pb);

	return a > b ? -1 : a < b ? 1 : 0;
}

static void
add_violations(struct strbuf *sb, const struct rp_report *r,
	       const struct style *s)
{
	struct rp_violation *v;
	int n = r->nviolations + r->counts.contradicted;

	sb_addf(sb, "\n%sMonotonicity violations%s: %d\n", s->bold, s->off, n);
	if (n == 0) {
		sb_adds(sb, "  none found: no measured configuration is "
			    "clearly better than a less safe one\n");
		return;
	}
	for (int i = 0; i < r->nnodes; i++) {
		const struct rp_node *x = &r->nodes[i];

		if (!x->contradicted)
			continue;
		sb_adds(sb, "  measured against its inference: ");
		rp_add_wrapped(sb, x->name, 35, 4);
	}
	if (r->nviolations == 0)
		return;
	sb_adds(sb, "  pairs where the safer configuration measured better "
		    "(beyond both\n  intervals when there are intervals; "
		    "largest first):\n");
	v = xmalloc(r->nviolations * sizeof(*v));
	memcpy(v, r->violations, r->nviolations * sizeof(*v));
	sort_report = r;
	qsort(v, r->nviolations, sizeof(*v), by_violation);
	for (int k = 0; k < r->nviolations && k < MAX_LISTED; k++) {
		const struct rp_node *lo = &r->nodes[v[k].lo];
		const struct rp_node *hi = &r->nodes[v[k].hi];

		sb_addf(sb, "  %+6.1f%%  safer     ",
			100 * (hi->value - lo->value) / fabs(lo->value));
		add_value(sb, hi, 8);
		sb_adds(sb, "  ");
		rp_add_wrapped(sb, hi->name, 31, 31);
		sb_addf(sb, "%11sless safe ", "");
		add_value(sb, lo, 8);
		sb_adds(sb, "  ");
		rp_add_wrapped(sb, lo->name, 31, 31);
	}
	if (r->nviolations > MAX_LISTED)
		sb_addf(sb, "  ... and %d more pairs (all of them in --json)\n",
			r->nviolations - MAX_LISTED);
	free(v);
}

int
rp_text(const struct rp_report *r, FILE *out, int colour, int top)
{
	const struct style *s = colour ? &ansi : &plain;
	struct strbuf sb;
	int rc = FX_EXIT_OK;

	sb_init(&sb);
	add_header(&sb, r, s);
	add_counts(&sb, r, s);
	add_ranking(&sb, r, s, top);
	add_pareto(&sb, r, s, top);
	add_listed(&sb, r, DB_UNCERTAIN, "Left uncertain", s);
	add_listed(&sb, r, DB_FAILED, "Failed", s);
	add_skipped(&sb, r, s);
	add_violations(&sb, r, s);
	if (fwrite(sb.buf, 1, sb.len, out) != sb.len || fflush(out) != 0)
		rc = FX_EXIT_ENV;
	sb_free(&sb);
	return rc;
}
