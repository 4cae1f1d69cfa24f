/*
 * The report for people: one self-contained HTML page (no network, no
 * external scripts or fonts) with the sortable ranking, the Hasse diagram
 * of the explored poset and a chart of safety against performance, both
 * as inline SVG.
 */
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"

#define PASS_COLOUR "#1a7f37"
#define MISS_COLOUR "#cf222e"
#define OTHER_COLOUR "#8c959f"
#define BORDER_COLOUR "#e36209"
#define MARK_COLOUR "#bf8700"

#define NODE_GAP 36 /* horizontal room per node in the widest layer */
#define NODE_GAP_MIN 16
#define DRAW_WIDTH 1120 /* what fits the page before the gap shrinks */
#define LAYER_GAP 74	/* vertical distance between layers */
#define BARYCENTER_SWEEPS 6

static void
esc(struct strbuf *sb, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '<':
			sb_adds(sb, "&lt;");
			break;
		case '>':
			sb_adds(sb, "&gt;");
			break;
		case '&':
			sb_adds(sb, "&amp;");
			break;
		case '"':
			sb_adds(sb, "&quot;");
			break;
		default:
			sb_addc(sb, *s);
		}
	}
}

static const char *
outcome_word(const struct rp_node *n)
{
	if (n->kind == DB_SKIPPED || n->kind == DB_FAILED ||
	    n->kind == DB_UNCERTAIN)
		return db_kind_name(n->kind);
	return n->pass == 1 ? "meets" : n->pass == 0 ? "misses" : "unknown";
}

static const char *
pass_colour(const struct rp_node *n)
{
	return n->pass == 1   ? PASS_COLOUR
	       : n->pass == 0 ? MISS_COLOUR
			      : OTHER_COLOUR;
}

/* "name\nmeets, get_mean 512345 [..], 42.7% of baseline, score 50.0" */
static void
add_tooltip(struct strbuf *sb, const struct rp_report *r,
	    const struct rp_node *n)
{
	struct strbuf t;

	sb_init(&t);
	sb_addf(&t, "%s\n%s%s", n->name, outcome_word(n),
		n->inferred ? " (inferred)" : "");
	if (n->has_value) {
		sb_addf(&t, ", %s ", r->ex.metric);
		rp_add_number(&t, n->value);
		if (n->ci_high > n->ci_low) {
			sb_adds(&t, " [");
			rp_add_number(&t, n->ci_low);
			sb_adds(&t, ", ");
			rp_add_number(&t, n->ci_high);
			sb_adds(&t, "]");
		}
		if (rp_percent(r, n->value) >= 0)
			sb_addf(&t, ", %.1f%% of baseline",
				rp_percent(r, n->value));
	}
	sb_addf(&t, ", score %.1f", n->score);
	if (n->rank > 0)
		sb_addf(&t, ", recommended #%d", n->rank);
	if (n->pareto)
		sb_adds(&t, ", Pareto");
	sb_adds(sb, "<title>");
	esc(sb, t.buf);
	sb_adds(sb, "</title>");
	sb_free(&t);
}

/* ---- Page frame -------------------------------------------------------- */

static const char page_style[] =
	"body{font-family:system-ui,-apple-system,'Segoe UI',Helvetica,"
	"Arial,sans-serif;margin:1.5em auto;max-width:1200px;padding:0 1em;"
	"color:#1f2328;background:#fff}\n"
	"h1{font-size:1.5em}h2{font-size:1.2em;margin-top:1.8em;"
	"border-bottom:1px solid #d0d7de;padding-bottom:.2em}\n"
	"dl.facts{display:grid;grid-template-columns:max-content auto;"
	"gap:.2em 1.2em;margin:0}dl.facts dt{font-weight:600}"
	"dl.facts dd{margin:0;font-family:ui-monospace,monospace;"
	"overflow-wrap:anywhere}\n"
	"table{border-collapse:collapse;font-size:.9em;margin:.5em 0}"
	"th,td{border:1px solid #d0d7de;padding:.25em .5em;text-align:left;"
	"vertical-align:top}td.num{text-align:right;"
	"font-variant-numeric:tabular-nums;white-space:nowrap}"
	"td.name{font-family:ui-monospace,monospace;font-size:.85em;"
	"overflow-wrap:anywhere;max-width:34em}\n"
	"th{background:#f6f8fa;cursor:pointer;user-select:none}"
	"th[aria-sort=ascending]::after{content:' \\25B2'}"
	"th[aria-sort=descending]::after{content:' \\25BC'}\n"
	"tr.pass td:first-child{border-left:4px solid " PASS_COLOUR "}"
	"tr.miss td:first-child{border-left:4px solid " MISS_COLOUR "}\n"
	".warn{background:#fff8c5;border:1px solid #d4a72c;padding:.5em;"
	"border-radius:4px}.note{color:#57606a;font-size:.9em}\n"
	"svg{display:block;max-width:100%;height:auto}"
	"svg text{font-family:system-ui,Helvetica,Arial,sans-serif}"
	"g.node:hover circle.dot{stroke-width:4}"
	"g.node.hl circle.dot{stroke:#0969da;stroke-width:5}\n";

static const char page_script[] =
	"(function () {\n"
	"  'use strict';\n"
	"  function key(cell, numeric) {\n"
	"    var v = cell.getAttribute('data-v');\n"
	"    if (v === null) v = cell.textContent;\n"
	"    if (!numeric) return v.toLowerCase();\n"
	"    var f = parseFloat(v);\n"
	"    return isNaN(f) ? -Infinity : f;\n"
	"  }\n"
	"  function sortBy(table, col, th) {\n"
	"    var heads = table.tHead.rows[0].cells;\n"
	"    var numeric = th.getAttribute('data-type') === 'num';\n"
	"    var asc = th.getAttribute('aria-sort') !== 'ascending';\n"
	"    for (var i = 0; i < heads.length; i++)\n"
	"      heads[i].removeAttribute('aria-sort');\n"
	"    th.setAttribute('aria-sort', asc ? 'ascending' : 'descending');\n"
	"    var body = table.tBodies[0];\n"
	"    var rows = Array.prototype.slice.call(body.rows);\n"
	"    rows.sort(function (a, b) {\n"
	"      var x = key(a.cells[col], numeric), y = key(b.cells[col], "
	"numeric);\n"
	"      return (x < y ? -1 : x > y ? 1 : 0) * (asc ? 1 : -1);\n"
	"    });\n"
	"    rows.forEach(function (r) { body.appendChild(r); });\n"
	"  }\n"
	"  var tables = document.querySelectorAll('table.sortable');\n"
	"  Array.prototype.forEach.call(tables, function (table) {\n"
	"    var heads = table.tHead.rows[0].cells;\n"
	"    Array.prototype.forEach.call(heads, function (th, col) {\n"
	"      th.addEventListener('click', function () {\n"
	"        sortBy(table, col, th);\n"
	"      });\n"
	"    });\n"
	"  });\n"
	"  // Hovering a table row rings its node in the diagram.\n"
	"  var rows = document.querySelectorAll('tr[data-node]');\n"
	"  Array.prototype.forEach.call(rows, function (tr) {\n"
	"    var g = document.getElementById(tr.getAttribute('data-node'));\n"
	"    if (!g) return;\n"
	"    tr.addEventListener('mouseenter', function () {\n"
	"      g.classList.add('hl');\n"
	"    });\n"
	"    tr.addEventListener('mouseleave', function () {\n"
	"      g.classList.remove('hl');\n"
	"    });\n"
	"  });\n"
	"  // '#sort=TABLE:COLUMN' clicks that column's header once on load,\n"
	"  // ':desc' twice: for links to a sorted view, and for tests.\n"
	"  var m = /sort=([a-z]+):([0-9]+)(:desc)?/.exec(location.hash);\n"
	"  var t = m && document.getElementById(m[1]);\n"
	"  if (t) {\n"
	"    var th = t.tHead.rows[0].cells[+m[2]];\n"
	"    th.click();\n"
	"    if (m[3]) th.click();\n"
	"  }\n"
	"  document.body.setAttribute('data-report-ready', 'yes');\n"
	"})();\n";

static void
add_fact(struct strbuf *sb, const char *label, const char *value)
{
	sb_addf(sb, "<dt>%s</dt><dd>", label);
	esc(sb, value);
	sb_adds(sb, "</dd>\n");
}

static void
add_facts(struct strbuf *sb, const struct rp_report *r)
{
	const struct db_exploration *e = &r->ex;
	const struct rp_counts *c = &r->counts;
	struct strbuf t;

	sb_init(&t);
	sb_adds(sb, "<dl class=\"facts\">\n");
	sb_addf(&t, "%s (%.0f configurations), file %s", r->space_name,
		e->space_size, r->space_path);
	add_fact(sb, "space", t.buf);
	sb_reset(&t);
	sb_adds(&t, r->host_fingerprint);
	for (char **m = r->host_mechanisms; m != NULL && *m != NULL; m++)
		sb_addf(&t, "%s%s", m == r->host_mechanisms ? ", runs " : " ",
			*m);
	add_fact(sb, "host", t.buf);
	add_fact(sb, "revision", r->revision);
	sb_reset(&t);
	sb_addf(&t, "%s, %s is better; strategy %s, evaluator %s", e->metric,
		e->direction, e->strategy, e->evaluator);
	add_fact(sb, "metric", t.buf);
	sb_reset(&t);
	if (e->has_baseline)
		rp_add_number(&t, e->baseline);
	else
		sb_adds(&t, "not measured yet");
	add_fact(sb, "baseline", t.buf);
	sb_reset(&t);
	if (e->has_budget_value) {
		rp_add_number(&t, e->budget_value);
		if (rp_percent(r, e->budget_value) >= 0)
			sb_addf(&t, " (%.1f%% of the baseline)",
				rp_percent(r, e->budget_value));
	}
	sb_addf(&t, ", given as '%s'", e->budget);
	add_fact(sb, "budget", t.buf);
	sb_reset(&t);
	sb_addf(&t, "%s, started %s%s%s", e->status, e->started,
		e->finished ? ", finished " : "",
		e->finished ? e->finished : "");
	add_fact(sb, "status", t.buf);
	sb_reset(&t);
	sb_addf(&t,
		"%d evaluated, %d inferred (%d meet, %d miss), %d failed, "
		"%d skipped, %d uncertain, %d verified",
		c->evaluated + c->verified, c->inferred_pass + c->inferred_miss,
		c->inferred_pass, c->inferred_miss, c->failed, c->skipped,
		c->uncertain, c->verified);
	add_fact(sb, "outcomes", t.buf);
	sb_reset(&t);
	sb_addf(&t,
		"%d (a safer configuration measured better than a less "
		"safe one)",
		r->nviolations + c->contradicted);
	add_fact(sb, "monotonicity violations", t.buf);
	sb_adds(sb, "</dl>\n");
	if (r->space_changed) {
		sb_adds(sb, "<p class=\"warn\">The space file changed since "
			    "this exploration (recorded digest ");
		esc(sb, r->space_digest);
		sb_addf(sb, ", now %s in ", cs_space_digest(r->sp));
		esc(sb, r->space_used);
		sb_adds(sb, "): order, covers and scores come from the file "
			    "as it is now.</p>\n");
	}
	if (strcmp(e->status, "running") == 0 && !r->engine_alive)
		sb_adds(sb, "<p class=\"warn\">The exploration says "
			    "'running' but no engine holds it: it was "
			    "interrupted; the same command resumes it.</p>\n");
	else if (strcmp(e->status, "running") == 0 ||
		 strcmp(e->status, "stopped") == 0)
		sb_addf(sb,
			"<p class=\"warn\">The exploration is %s: this is "
			"what it knows so far.</p>\n",
			e->status);
	sb_free(&t);
}

/* ---- Tables ------------------------------------------------------------ */

static void
add_num_cell(struct strbuf *sb, int has, double v, const char *suffix)
{
	if (!has) {
		sb_adds(sb, "<td class=\"num\" data-v=\"\">-</td>");
		return;
	}
	sb_adds(sb, "<td class=\"num\" data-v=\"");
	rp_add_exact(sb, v);
	sb_adds(sb, "\">");
	if (suffix[0] == '%')
		sb_addf(sb, "%.1f", v);
	else
		rp_add_number(sb, v);
	sb_addf(sb, "%s</td>", suffix);
}

static void
add_row(struct strbuf *sb, const struct rp_report *r, const struct rp_node *n,
	int full)
{
	double pct = n->has_value ? rp_percent(r, n->value) : -1;

	char hash[CS_HASH_LEN + 1];

	cs_hash_name(n->name, hash);
	sb_addf(sb, "<tr class=\"%s\" data-node=\"n-%s\">",
		n->pass == 1   ? "pass"
		: n->pass == 0 ? "miss"
			       : "other",
		hash);
	if (n->rank > 0)
		sb_addf(sb, "<td class=\"num\" data-v=\"%d\">%d</td>", n->rank,
			n->rank);
	else
		sb_adds(sb, "<td class=\"num\" data-v=\"\">-</td>");
	sb_adds(sb, "<td class=\"name\">");
	esc(sb, n->parts);
	sb_adds(sb, "</td><td>");
	esc(sb, n->mechanism);
	sb_adds(sb, "</td><td class=\"name\">");
	esc(sb, n->hardening);
	sb_adds(sb, "</td>");
	add_num_cell(sb, n->has_value, n->value, "");
	if (n->has_value && n->ci_high > n->ci_low) {
		sb_adds(sb, "<td class=\"num\" data-v=\"");
		rp_add_exact(sb, n->ci_low);
		sb_adds(sb, "\">");
		rp_add_number(sb, n->ci_low);
		sb_adds(sb, " &ndash; ");
		rp_add_number(sb, n->ci_high);
		sb_adds(sb, "</td>");
	} else {
		sb_adds(sb, "<td class=\"num\" data-v=\"\">-</td>");
	}
	add_num_cell(sb, pct >= 0, pct, "%");
	sb_adds(sb, "<td class=\"num\" data-v=\"");
	rp_add_exact(sb, n->score);
	sb_addf(sb, "\">%.1f</td>", n->score);
	if (full)
		sb_addf(sb, "<td>%s%s</td><td>%s</td>", outcome_word(n),
			n->inferred ? " (inferred)" : "",
			n->pareto ? "yes" : "");
	sb_adds(sb, "</tr>\n");
}

static void
add_table_head(struct strbuf *sb, const struct rp_report *r, const char *id,
	       int full)
{
	sb_addf(sb,
		"<table id=\"%s\" class=\"sortable\"><thead><tr>"
		"<th data-type=\"num\">rank</th><th>compartments</th>"
		"<th>mechanism</th><th>hardening</th>"
		"<th data-type=\"num\">",
		id);
	esc(sb, r->ex.metric);
	sb_adds(sb, "</th><th data-type=\"num\">95% CI</th>"
		    "<th data-type=\"num\">% of baseline</th>"
		    "<th data-type=\"num\">safety score</th>");
	if (full)
		sb_adds(sb, "<th>outcome</th><th>Pareto</th>");
	sb_adds(sb, "</tr></thead>\n<tbody>\n");
}

static void
add_tables(struct strbuf *sb, const struct rp_report *r)
{
	sb_addf(sb,
		"<h2>Safest configurations within the budget "
		"(%d maximal)</h2>\n",
		r->nranking);
	sb_adds(sb, "<p class=\"note\">The maximal configurations that meet "
		    "the budget: no safer configuration meets it. Ordered by "
		    "safety score, then by the metric. Click a column to "
		    "sort.</p>\n");
	add_table_head(sb, r, "ranking", 0);
	for (int k = 0; k < r->nranking; k++)
		add_row(sb, r, &r->nodes[r->ranking[k]], 0);
	sb_adds(sb, "</tbody></table>\n");
	if (r->nranking == 0)
		sb_adds(sb, "<p>No configuration meets the budget.</p>\n");
}

/* Past this many rows the page lists the first ones and points to CSV. */
#define ALL_ROWS_MAX 5000

static void
add_all_table(struct strbuf *sb, const struct rp_report *r)
{
	int n = r->nnodes < ALL_ROWS_MAX ? r->nnodes : ALL_ROWS_MAX;

	sb_addf(sb,
		"<h2>Every configuration the exploration named (%d)</h2>\n"
		"<details><summary>show the table</summary>\n",
		r->nnodes);
	if (n < r->nnodes)
		sb_addf(sb,
			"<p class=\"note\">The first %d in the order of the "
			"exploration's decisions; --csv and --json have all "
			"of them.</p>\n",
			n);
	add_table_head(sb, r, "all", 1);
	for (int i = 0; i < n; i++)
		add_row(sb, r, &r->nodes[i], 1);
	sb_adds(sb, "</tbody></table>\n</details>\n");
}

/* ---- The Hasse diagram ------------------------------------------------- */

struct layout {
	int n;	     /* nodes of the report */
	int *layer;  /* per node, -1 when not drawn */
	double *pos; /* order inside its layer */
	int nlayers;
	int *count; /* per layer */
	struct rp_edge *edges;
	int nedges;
	double width, height;
	double radius; /* of a node */
	double gap;    /* between nodes of the widest layer */
};

static const struct layout *sort_layout;

static int
by_pos(const void *pa, const void *pb)
{
	double a = sort_layout->pos[*(const int *)pa];
	double b = sort_layout->pos[*(const int *)pb];

	return a < b ? -1 : a > b ? 1 : *(const int *)pa - *(const int *)pb;
}

/* Renumber positions 0..k-1 inside each layer, keeping their order. */
static void
normalize(struct layout *L)
{
	int *idx = xcalloc(L->n + 1, sizeof(int));

	for (int l = 0; l < L->nlayers; l++) {
		int k = 0;

		for (int i = 0; i < L->n; i++)
			if (L->layer[i] == l)
				idx[k++] = i;
		sort_layout = L;
		qsort(idx, k, sizeof(int), by_pos);
		for (int j = 0; j < k; j++)
			L->pos[idx[j]] = (j + 0.5) / k;
	}
	free(idx);
}

/* Move every node to the mean position of its neighbours on one side. */
static void
sweep(struct layout *L, int up)
{
	double *sum = xcalloc(L->n + 1, sizeof(double));
	int *deg = xcalloc(L->n + 1, sizeof(int));

	for (int e = 0; e < L->nedges; e++) {
		int from = up ? L->edges[e].lo : L->edges[e].hi;
		int to = up ? L->edges[e].hi : L->edges[e].lo;

		sum[to] += L->pos[from];
		deg[to]++;
	}
	for (int i = 0; i < L->n; i++)
		if (L->layer[i] >= 0 && deg[i] > 0)
			L->pos[i] = 0.7 * sum[i] / deg[i] + 0.3 * L->pos[i];
	normalize(L);
	free(sum);
	free(deg);
}

static void
layout_init(struct layout *L, const struct rp_report *r)
{
	char *member = xcalloc(r->nnodes + 1, 1);
	int changed = 1, k = 0;
	double gap;

	memset(L, 0, sizeof(*L));
	L->n = r->nnodes;
	L->layer = xcalloc(L->n + 1, sizeof(int));
	L->pos = xcalloc(L->n + 1, sizeof(double));
	for (int i = 0; i < L->n; i++)
		member[i] = r->nodes[i].drawn;
	L->nedges = rp_hasse(r, member, &L->edges);
	free(member);

	/* Layers: the longest chain of drawn covers below a node. */
	for (int i = 0; i < L->n; i++)
		L->layer[i] = r->nodes[i].drawn ? 0 : -1;
	while (changed) {
		changed = 0;
		for (int e = 0; e < L->nedges; e++) {
			int lo = L->edges[e].lo, hi = L->edges[e].hi;

			if (L->layer[hi] < L->layer[lo] + 1) {
				L->layer[hi] = L->layer[lo] + 1;
				changed = 1;
			}
		}
	}
	for (int i = 0; i < L->n; i++)
		if (L->layer[i] + 1 > L->nlayers)
			L->nlayers = L->layer[i] + 1;
	L->count = xcalloc(L->nlayers + 1, sizeof(int));
	for (int i = 0; i < L->n; i++) {
		if (L->layer[i] < 0)
			continue;
		L->count[L->layer[i]]++;
		L->pos[i] = r->nodes[i].score * 1000 + k++;
	}
	normalize(L);
	for (int s = 0; s < BARYCENTER_SWEEPS; s++)
		sweep(L, s % 2 == 0);

	k = 0;
	for (int l = 0; l < L->nlayers; l++)
		k = L->count[l] > k ? L->count[l] : k;
	/* Wide layers get narrower gaps and smaller nodes, down to a floor. */
	gap = fmax(NODE_GAP_MIN, fmin(NODE_GAP, (DRAW_WIDTH - 80.0) / k));
	L->radius = fmax(5, fmin(9, gap / 4));
	L->gap = gap;
	L->width = fmax(640, k * gap + 80);
	L->height = L->nlayers * LAYER_GAP + 40;
}

static void
layout_free(struct layout *L)
{
	free(L->layer);
	free(L->pos);
	free(L->count);
	free(L->edges);
}

static double
node_x(const struct layout *L, int i)
{
	return 60 + L->pos[i] * (L->width - 80);
}

static double
node_y(const struct layout *L, int i)
{
	return 30 + (L->nlayers - 1 - L->layer[i]) * LAYER_GAP;
}

static void
add_legend(struct strbuf *sb, const struct rp_report *r)
{
	double lo = 0, hi = 0;
	int first = 1;
	char c0[8], c1[8], c2[8];

	for (int i = 0; i < r->nnodes; i++) {
		if (!r->nodes[i].has_value)
			continue;
		lo = first || r->nodes[i].value < lo ? r->nodes[i].value : lo;
		hi = first || r->nodes[i].value > hi ? r->nodes[i].value : hi;
		first = 0;
	}
	rp_colour(r, lo, c0);
	rp_colour(r, (lo + hi) / 2, c1);
	rp_colour(r, hi, c2);
	sb_addf(sb, "<p class=\"note\">Safer is higher up; a line joins a "
		    "configuration to the explored ones just below it. Fill: ");
	esc(sb, r->ex.metric);
	sb_addf(sb,
		" <span style=\"display:inline-block;width:8em;height:"
		".8em;background:linear-gradient(to right,%s,%s,%s)\">"
		"</span> ",
		strcmp(r->ex.direction, "lower") == 0 ? c2 : c0, c1,
		strcmp(r->ex.direction, "lower") == 0 ? c0 : c2);
	rp_add_number(sb, strcmp(r->ex.direction, "lower") == 0 ? hi : lo);
	sb_adds(sb, " to ");
	rp_add_number(sb, strcmp(r->ex.direction, "lower") == 0 ? lo : hi);
	sb_adds(sb, " (grey: not measured). Ring: <b style=\"color:" PASS_COLOUR
		    "\">meets the budget</b>, <b style=\"color:" MISS_COLOUR
		    "\">misses it</b>, dashed when inferred. "
		    "<b style=\"color:" BORDER_COLOUR "\">Thick orange "
		    "lines</b> cross the budget border. A "
		    "<b style=\"color:" MARK_COLOUR
		    "\">gold ring with its rank</b> marks a "
		    "recommended configuration. Hover a node for its "
		    "numbers.</p>\n");
}

static void
add_hasse(struct strbuf *sb, const struct rp_report *r)
{
	struct layout L;

	sb_adds(sb, "<h2>The explored part of the safety order</h2>\n");
	if (r->ndrawn == 0) {
		sb_adds(sb, "<p>Nothing to draw: no configuration of this "
			    "exploration is in the space file.</p>\n");
		return;
	}
	if (r->drawn_partial)
		sb_addf(sb,
			"<p class=\"warn\">The exploration named %d "
			"configurations; the diagram shows the border "
			"region only: the %d maximal configurations that "
			"meet the budget and the minimal ones that miss it "
			"(%d drawn).</p>\n",
			r->nnodes, r->nranking, r->ndrawn);
	add_legend(sb, r);
	layout_init(&L, r);
	sb_addf(sb,
		"<svg id=\"hasse\" xmlns=\"http://www.w3.org/2000/svg\" "
		"width=\"%.0f\" height=\"%.0f\" viewBox=\"0 0 %.0f %.0f\" "
		"role=\"img\" aria-label=\"Hasse diagram\">\n",
		L.width, L.height, L.width, L.height);
	for (int l = 0; l < L.nlayers; l++)
		sb_addf(sb,
			"<text x=\"4\" y=\"%d\" font-size=\"11\" "
			"fill=\"#57606a\">%d</text>\n",
			30 + (L.nlayers - 1 - l) * LAYER_GAP + 4, l);

	/* Edges first, so that nodes are drawn over them. */
	for (int e = 0; e < L.nedges; e++) {
		int lo = L.edges[e].lo, hi = L.edges[e].hi;
		int cross = r->nodes[lo].pass == 1 && r->nodes[hi].pass == 0;

		sb_addf(sb,
			"<line class=\"%s\" x1=\"%.1f\" y1=\"%.1f\" "
			"x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" "
			"stroke-width=\"%s\"/>\n",
			cross ? "edge border" : "edge", node_x(&L, lo),
			node_y(&L, lo), node_x(&L, hi), node_y(&L, hi),
			cross ? BORDER_COLOUR : "#c4c9cf", cross ? "2.5" : "1");
	}
	for (int i = 0; i < r->nnodes; i++) {
		const struct rp_node *n = &r->nodes[i];
		char fill[8] = "#eaeef2", hash[CS_HASH_LEN + 1];
		double x, y;

		if (L.layer[i] < 0)
			continue;
		x = node_x(&L, i);
		y = node_y(&L, i);
		if (n->has_value)
			rp_colour(r, n->value, fill);
		cs_hash_name(n->name, hash);
		sb_addf(sb, "<g class=\"node%s\" id=\"n-%s\">",
			n->rank ? " recommended" : "", hash);
		add_tooltip(sb, r, n);
		/* The rank beside the ring while there is room for it. */
		if (n->rank > 0)
			sb_addf(sb,
				"<circle cx=\"%.1f\" cy=\"%.1f\" r=\"%.1f\" "
				"fill=\"none\" stroke=\"" MARK_COLOUR "\" "
				"stroke-width=\"3\"/>",
				x, y, L.radius + 6);
		if (n->rank > 0 && L.gap >= 28)
			sb_addf(sb,
				"<text x=\"%.1f\" y=\"%.1f\" font-size=\"12\" "
				"font-weight=\"bold\" fill=\"" MARK_COLOUR
				"\">%d</text>",
				x + L.radius + 5, y - L.radius - 3, n->rank);
		sb_addf(sb,
			"<circle class=\"dot\" cx=\"%.1f\" cy=\"%.1f\" "
			"r=\"%.1f\" fill=\"%s\" stroke=\"%s\" "
			"stroke-width=\"2.5\"%s/></g>\n",
			x, y, L.radius, fill, pass_colour(n),
			n->inferred ? " stroke-dasharray=\"3 2\"" : "");
	}
	sb_adds(sb, "</svg>\n");
	layout_free(&L);
}

/* ---- Safety against performance --------------------------------------- */

#define CW 760.0
#define CH 440.0
#define CL 70.0 /* left margin */
#define CB 50.0 /* bottom margin */

static double
nice_step(double range)
{
	double raw = range / 5, mag = pow(10, floor(log10(raw)));
	double f = raw / mag;

	return (f < 1.5 ? 1 : f < 3.5 ? 2 : f < 7.5 ? 5 : 10) * mag;
}

static const struct rp_report *sort_report;

static int
by_value(const void *pa, const void *pb)
{
	double a = sort_report->nodes[*(const int *)pa].value;
	double b = sort_report->nodes[*(const int *)pb].value;

	return a < b ? -1 : a > b ? 1 : 0;
}

/* The chart's range across (the metric); up is the score, 0 to 100. */
struct chart {
	double lo, hi, step;
};

static double
chart_x(const struct chart *c, double v)
{
	return CL + (v - c->lo) / (c->hi - c->lo) * (CW - CL - 40);
}

static double
chart_y(double score)
{
	return CH - CB - score / 100.0 * (CH - CB - 20);
}

static void
add_chart_axes(struct strbuf *sb, const struct rp_report *r,
	       const struct chart *c)
{
	sb_addf(sb,
		"<rect x=\"%.0f\" y=\"20\" width=\"%.0f\" height=\"%.0f\" "
		"fill=\"none\" stroke=\"#8c959f\"/>\n",
		CL, CW - CL - 40, CH - CB - 20);
	for (double v = c->lo; v <= c->hi + c->step / 2; v += c->step) {
		sb_addf(sb,
			"<text x=\"%.1f\" y=\"%.0f\" font-size=\"11\" "
			"text-anchor=\"middle\">",
			chart_x(c, v), CH - CB + 16);
		rp_add_number(sb, v);
		sb_adds(sb, "</text>\n");
	}
	for (int s = 0; s <= 100; s += 20)
		sb_addf(sb,
			"<text x=\"%.0f\" y=\"%.1f\" font-size=\"11\" "
			"text-anchor=\"end\">%d</text><line x1=\"%.0f\" "
			"x2=\"%.0f\" y1=\"%.1f\" y2=\"%.1f\" "
			"stroke=\"#eaeef2\"/>\n",
			CL - 6, chart_y(s) + 4, s, CL, CW - 40, chart_y(s),
			chart_y(s));
	sb_addf(sb,
		"<text x=\"%.0f\" y=\"%.0f\" font-size=\"12\" "
		"text-anchor=\"middle\">",
		(CL + CW - 40) / 2, CH - 10);
	esc(sb, r->ex.metric);
	sb_addf(sb, " (%s is better)</text>\n", r->ex.direction);
	sb_addf(sb,
		"<text x=\"16\" y=\"%.0f\" font-size=\"12\" "
		"text-anchor=\"middle\" transform=\"rotate(-90 16 %.0f)\">"
		"safety score</text>\n",
		(CH - CB) / 2, (CH - CB) / 2);
	if (r->ex.has_budget_value)
		sb_addf(sb,
			"<line id=\"budget-line\" x1=\"%.1f\" x2=\"%.1f\" "
			"y1=\"20\" y2=\"%.0f\" stroke=\"" BORDER_COLOUR "\" "
			"stroke-width=\"2\" stroke-dasharray=\"6 4\"/>"
			"<text x=\"%.1f\" y=\"32\" font-size=\"11\" "
			"fill=\"" BORDER_COLOUR "\">budget</text>\n",
			chart_x(c, r->ex.budget_value),
			chart_x(c, r->ex.budget_value), CH - CB,
			chart_x(c, r->ex.budget_value) + 4);
}

static int
charted(const struct rp_node *n)
{
	return n->has_value && n->kind != DB_FAILED;
}

/* The Pareto set as one line through its points, then every point. */
static void
add_chart_points(struct strbuf *sb, const struct rp_report *r,
		 const struct chart *c, int *pareto, int np)
{
	sort_report = r;
	qsort(pareto, np, sizeof(int), by_value);
	sb_adds(sb, "<polyline id=\"pareto-line\" fill=\"none\" "
		    "stroke=\"#0969da\" stroke-width=\"1.5\" points=\"");
	for (int k = 0; k < np; k++)
		sb_addf(sb, "%s%.1f,%.1f", k ? " " : "",
			chart_x(c, r->nodes[pareto[k]].value),
			chart_y(r->nodes[pareto[k]].score));
	sb_adds(sb, "\"/>\n");

	for (int i = 0; i < r->nnodes; i++) {
		const struct rp_node *n = &r->nodes[i];

		if (!charted(n))
			continue;
		sb_addf(sb, "<g class=\"point%s\">",
			n->pareto ? " pareto" : "");
		add_tooltip(sb, r, n);
		sb_addf(sb,
			"<circle cx=\"%.1f\" cy=\"%.1f\" r=\"%s\" "
			"fill=\"%s\" fill-opacity=\"0.75\" stroke=\"%s\" "
			"stroke-width=\"%s\"/></g>\n",
			chart_x(c, n->value), chart_y(n->score),
			n->pareto ? "6" : "4", pass_colour(n),
			n->rank ? MARK_COLOUR : "#1f2328",
			n->rank	    ? "3"
			: n->pareto ? "1.5"
				    : "0.5");
	}
}

static void
add_chart(struct strbuf *sb, const struct rp_report *r)
{
	struct chart c = {0};
	int first = 1, np = 0;
	int *pareto = xcalloc(r->nnodes + 1, sizeof(int));

	/* The range: every measured number and the budget, rounded out. */
	for (int i = 0; i < r->nnodes; i++) {
		const struct rp_node *n = &r->nodes[i];

		if (!charted(n))
			continue;
		c.lo = first || n->value < c.lo ? n->value : c.lo;
		c.hi = first || n->value > c.hi ? n->value : c.hi;
		first = 0;
		if (n->pareto)
			pareto[np++] = i;
	}
	sb_adds(sb, "<h2>Safety against performance</h2>\n");
	if (first) {
		sb_adds(sb, "<p>No configuration has been measured yet.</p>\n");
		free(pareto);
		return;
	}
	if (r->ex.has_budget_value) {
		c.lo = fmin(c.lo, r->ex.budget_value);
		c.hi = fmax(c.hi, r->ex.budget_value);
	}
	if (c.hi <= c.lo)
		c.hi = c.lo + (c.lo != 0 ? fabs(c.lo) * 0.1 : 1);
	c.step = nice_step(c.hi - c.lo);
	c.lo = floor(c.lo / c.step) * c.step;
	c.hi = ceil(c.hi / c.step) * c.step;

	sb_addf(sb,
		"<p class=\"note\">Every measured configuration: "
		"safety score up, the metric across. The line joins the "
		"Pareto set (%d): no other measured configuration has at "
		"least the same score and a better number. The dashed "
		"line is the budget.</p>\n",
		np);
	sb_addf(sb,
		"<svg id=\"chart\" xmlns=\"http://www.w3.org/2000/svg\" "
		"width=\"%.0f\" height=\"%.0f\" viewBox=\"0 0 %.0f %.0f\" "
		"role=\"img\" aria-label=\"safety against performance\">\n",
		CW, CH, CW, CH);
	add_chart_axes(sb, r, &c);
	add_chart_points(sb, r, &c, pareto, np);
	sb_adds(sb, "</svg>\n");
	free(pareto);
}

/* Past this many pairs the page lists the first; JSON has all. */
#define VIOLATIONS_SHOWN 50

static void
add_violations(struct strbuf *sb, const struct rp_report *r)
{
	int n = r->nviolations < VIOLATIONS_SHOWN ? r->nviolations
						  : VIOLATIONS_SHOWN;

	sb_addf(sb, "<h2>Monotonicity violations (%d)</h2>\n",
		r->nviolations + r->counts.contradicted);
	if (r->nviolations + r->counts.contradicted == 0) {
		sb_adds(sb, "<p>None found: no measured configuration is "
			    "clearly better than a less safe one.</p>\n");
		return;
	}
	sb_adds(sb, "<p class=\"note\">Pairs where the safer configuration "
		    "measured better than the less safe one, beyond both "
		    "intervals when there are intervals.</p>\n");
	for (int i = 0; i < r->nnodes; i++) {
		if (!r->nodes[i].contradicted)
			continue;
		sb_adds(sb, "<p>Measured against its inference: <code>");
		esc(sb, r->nodes[i].name);
		sb_adds(sb, "</code></p>\n");
	}
	if (n == 0)
		return;
	sb_addf(sb,
		"<table id=\"violations\" class=\"sortable\"><thead><tr>"
		"<th>safer</th><th data-type=\"num\">%s</th>"
		"<th>less safe</th><th data-type=\"num\">%s</th>"
		"<th data-type=\"num\">difference</th></tr></thead>\n"
		"<tbody>\n",
		r->ex.metric, r->ex.metric);
	for (int v = 0; v < n; v++) {
		const struct rp_node *lo = &r->nodes[r->violations[v].lo];
		const struct rp_node *hi = &r->nodes[r->violations[v].hi];
		double d = lo->value != 0 ? 100 * (hi->value - lo->value) /
						    fabs(lo->value)
					  : 0;

		sb_adds(sb, "<tr><td class=\"name\">");
		esc(sb, hi->name);
		sb_adds(sb, "</td>");
		add_num_cell(sb, 1, hi->value, "");
		sb_adds(sb, "<td class=\"name\">");
		esc(sb, lo->name);
		sb_adds(sb, "</td>");
		add_num_cell(sb, 1, lo->value, "");
		add_num_cell(sb, 1, d, "%");
		sb_adds(sb, "</tr>\n");
	}
	sb_adds(sb, "</tbody></table>\n");
	if (r->nviolations > n)
		sb_addf(sb,
			"<p class=\"note\">The first %d of %d pairs; "
			"--json has all of them.</p>\n",
			n, r->nviolations);
}

int
rp_html(const struct rp_report *r, struct strbuf *sb)
{
	sb_adds(sb, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n"
		    "<meta charset=\"utf-8\">\n<meta name=\"viewport\" "
		    "content=\"width=device-width, initial-scale=1\">\n");
	sb_addf(sb, "<title>flexexplore: exploration %" PRId64 " of ",
		r->ex.id);
	esc(sb, r->space_name);
	sb_addf(sb, "</title>\n<style>\n%s</style>\n</head>\n<body>\n",
		page_style);
	sb_addf(sb, "<h1>Exploration %" PRId64 " of ", r->ex.id);
	esc(sb, r->space_name);
	sb_adds(sb, "</h1>\n");
	add_facts(sb, r);
	add_tables(sb, r);
	add_hasse(sb, r);
	add_chart(sb, r);
	add_violations(sb, r);
	add_all_table(sb, r);
	sb_addf(sb, "<p class=\"note\">Written by flexexplore report from "
		    "database ");
	esc(sb, r->db_path);
	sb_addf(sb, ".</p>\n<script>\n%s</script>\n</body>\n</html>\n",
		page_script);
	return FX_EXIT_OK;
}
