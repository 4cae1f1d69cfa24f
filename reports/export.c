/*
 * The report for other tools: CSV, JSON (schema in reports/README.md)
 * and Graphviz.
 */
#include <inttypes.h>
#include <string.h>

#include "report.h"

#define JSON_SCHEMA_VERSION 1

static const char *
outcome(const struct rp_node *n)
{
	return db_kind_name(n->kind);
}

/* ---- CSV --------------------------------------------------------------- */

static void
csv_field(struct strbuf *sb, const char *s)
{
	if (strpbrk(s, ",\"\n") == NULL) {
		sb_adds(sb, s);
		return;
	}
	sb_addc(sb, '"');
	for (; *s; s++) {
		if (*s == '"')
			sb_addc(sb, '"');
		sb_addc(sb, *s);
	}
	sb_addc(sb, '"');
}

static void
csv_number(struct strbuf *sb, int has, double v)
{
	sb_addc(sb, ',');
	if (has)
		rp_add_exact(sb, v);
}

int
rp_csv(const struct rp_report *r, struct strbuf *out)
{
	char hash[CS_HASH_LEN + 1];

	sb_adds(out, "rank,name,hash,compartments,mechanism,hardening,"
		     "outcome,inferred,pass,value,ci_low,ci_high,samples,"
		     "percent_of_baseline,score,pareto,border,layer\n");
	for (int i = 0; i < r->nnodes; i++) {
		const struct rp_node *n = &r->nodes[i];
		double pct = n->has_value ? rp_percent(r, n->value) : -1;

		if (n->rank > 0)
			sb_addf(out, "%d", n->rank);
		sb_addc(out, ',');
		csv_field(out, n->name);
		cs_hash_name(n->name, hash);
		sb_addf(out, ",%s,%d,%s,", hash, n->compartments, n->mechanism);
		csv_field(out, strcmp(n->hardening, "-") == 0
				       ? ""
				       : strchr(n->name, '/') + 1);
		sb_addf(out, ",%s,%d,", outcome(n), n->inferred);
		if (n->pass >= 0)
			sb_addf(out, "%d", n->pass);
		csv_number(out, n->has_value, n->value);
		csv_number(out, n->has_value, n->ci_low);
		csv_number(out, n->has_value, n->ci_high);
		sb_addc(out, ',');
		if (n->has_value)
			sb_addf(out, "%d", n->samples);
		csv_number(out, pct >= 0, pct);
		csv_number(out, 1, n->score);
		sb_addf(out, ",%d,%s,%d\n", n->pareto,
			n->border > 0	? "max-pass"
			: n->border < 0 ? "min-miss"
					: "",
			n->layer);
	}
	return FX_EXIT_OK;
}

/* ---- JSON -------------------------------------------------------------- */

static void
json_number(struct strbuf *sb, int has, double v)
{
	if (has)
		rp_add_exact(sb, v);
	else
		sb_adds(sb, "null");
}

static void
json_string_or_null(struct strbuf *sb, const char *s)
{
	if (s != NULL)
		sb_add_json_string(sb, s);
	else
		sb_adds(sb, "null");
}

/* [["lwip"], ["newlib", "redis"]] from the name's partition. */
static void
json_partition(struct strbuf *sb, const char *name)
{
	size_t end = strcspn(name, "@/");

	sb_adds(sb, "[[\"");
	for (size_t i = 0; i < end; i++) {
		if (name[i] == '|')
			sb_adds(sb, "\"], [\"");
		else if (name[i] == '+')
			sb_adds(sb, "\", \"");
		else
			sb_addc(sb, name[i]);
	}
	sb_adds(sb, "\"]]");
}

/* {"lwip": ["sanitize"]} from the name's hardening. */
static void
json_hardening(struct strbuf *sb, const char *name)
{
	const char *p = strchr(name, '/');

	sb_addc(sb, '{');
	if (p == NULL) {
		sb_addc(sb, '}');
		return;
	}
	sb_addc(sb, '"');
	for (p++; *p; p++) {
		if (*p == '=')
			sb_adds(sb, "\": [\"");
		else if (*p == '+')
			sb_adds(sb, "\", \"");
		else if (*p == ',')
			sb_adds(sb, "\"], \"");
		else
			sb_addc(sb, *p);
	}
	sb_adds(sb, "\"]}");
}

static void
json_exploration(struct strbuf *sb, const struct rp_report *r)
{
	const struct db_exploration *e = &r->ex;

	sb_addf(sb, "  \"exploration\": {\n    \"id\": %" PRId64 ",\n", e->id);
	sb_adds(sb, "    \"key\": ");
	sb_add_json_string(sb, e->key);
	sb_adds(sb, ",\n    \"app\": ");
	sb_add_json_string(sb, e->app);
	sb_adds(sb, ",\n    \"space\": {\"name\": ");
	sb_add_json_string(sb, r->space_name);
	sb_adds(sb, ", \"digest\": ");
	sb_add_json_string(sb, r->space_digest);
	sb_adds(sb, ", \"path\": ");
	sb_add_json_string(sb, r->space_path);
	sb_adds(sb, ", \"loaded_from\": ");
	sb_add_json_string(sb, r->space_used);
	sb_addf(sb, ", \"changed\": %s, \"size\": ",
		r->space_changed ? "true" : "false");
	rp_add_exact(sb, e->space_size);
	sb_adds(sb, "},\n    \"host\": {\"fingerprint\": ");
	sb_add_json_string(sb, r->host_fingerprint);
	sb_adds(sb, ", \"description\": ");
	if (r->host_description_json)
		sb_adds(sb, r->host_description);
	else
		json_string_or_null(sb, r->host_description);
	sb_adds(sb, "},\n    \"revision\": ");
	sb_add_json_string(sb, r->revision);
	sb_adds(sb, ",\n    \"evaluator\": ");
	sb_add_json_string(sb, e->evaluator);
	sb_adds(sb, ",\n    \"toolchain\": ");
	sb_add_json_string(sb, e->toolchain);
	sb_adds(sb, ",\n    \"strategy\": ");
	sb_add_json_string(sb, e->strategy);
	sb_adds(sb, ",\n    \"metric\": ");
	sb_add_json_string(sb, e->metric);
	sb_adds(sb, ",\n    \"direction\": ");
	sb_add_json_string(sb, e->direction);
	sb_adds(sb, ",\n    \"budget\": {\"given\": ");
	sb_add_json_string(sb, e->budget);
	sb_adds(sb, ", \"value\": ");
	json_number(sb, e->has_budget_value, e->budget_value);
	sb_adds(sb, "},\n    \"baseline\": ");
	json_number(sb, e->has_baseline, e->baseline);
	sb_adds(sb, ",\n    \"status\": ");
	sb_add_json_string(sb, e->status);
	sb_adds(sb, ",\n    \"message\": ");
	json_string_or_null(sb, e->message);
	sb_adds(sb, ",\n    \"started\": ");
	json_string_or_null(sb, e->started);
	sb_adds(sb, ",\n    \"finished\": ");
	json_string_or_null(sb, e->finished);
	sb_adds(sb, "\n  },\n");
}

static void
json_counts(struct strbuf *sb, const struct rp_report *r)
{
	const struct rp_counts *c = &r->counts;

	sb_addf(sb,
		"  \"counts\": {\"named\": %d, \"evaluated\": %d, "
		"\"inferred_pass\": %d, \"inferred_miss\": %d, \"failed\": %d, "
		"\"skipped\": %d, \"uncertain\": %d, \"verified\": %d, "
		"\"contradicted\": %d},\n",
		r->nnodes, c->evaluated, c->inferred_pass, c->inferred_miss,
		c->failed, c->skipped, c->uncertain, c->verified,
		c->contradicted);
}

static void
json_node(struct strbuf *sb, const struct rp_report *r, const struct rp_node *n)
{
	char hash[CS_HASH_LEN + 1];
	double pct = n->has_value ? rp_percent(r, n->value) : -1;
	int src = n->source_id > 0 ? rp_node_of(r, n->source_id) : -1;

	cs_hash_name(n->name, hash);
	sb_adds(sb, "    {\"name\": ");
	sb_add_json_string(sb, n->name);
	sb_addf(sb, ", \"hash\": \"%s\", \"compartments\": ", hash);
	json_partition(sb, n->name);
	sb_adds(sb, ", \"mechanism\": ");
	sb_add_json_string(sb, n->mechanism);
	sb_adds(sb, ", \"hardening\": ");
	json_hardening(sb, n->name);
	sb_addf(sb, ", \"outcome\": \"%s\", \"inferred\": %s, \"pass\": %s",
		outcome(n), n->inferred ? "true" : "false",
		n->pass < 0 ? "null"
		: n->pass   ? "true"
			    : "false");
	sb_adds(sb, ", \"value\": ");
	json_number(sb, n->has_value, n->value);
	sb_adds(sb, ", \"ci_low\": ");
	json_number(sb, n->has_value, n->ci_low);
	sb_adds(sb, ", \"ci_high\": ");
	json_number(sb, n->has_value, n->ci_high);
	sb_addf(sb, ", \"samples\": %d, \"percent_of_baseline\": ",
		n->has_value ? n->samples : 0);
	json_number(sb, pct >= 0, pct);
	sb_adds(sb, ", \"score\": ");
	rp_add_exact(sb, n->score);
	sb_addf(sb,
		", \"in_space\": %s, \"rank\": ", n->parsed ? "true" : "false");
	if (n->rank > 0)
		sb_addf(sb, "%d", n->rank);
	else
		sb_adds(sb, "null");
	sb_addf(sb, ", \"pareto\": %s, \"border\": %s, \"layer\": %d",
		n->pareto ? "true" : "false",
		n->border > 0	? "\"max-pass\""
		: n->border < 0 ? "\"min-miss\""
				: "null",
		n->layer);
	sb_adds(sb, ", \"inferred_from\": ");
	json_string_or_null(sb, src >= 0 ? r->nodes[src].name : NULL);
	sb_adds(sb, ", \"reason\": ");
	json_string_or_null(sb, n->reason);
	sb_adds(sb, "}");
}

int
rp_json(const struct rp_report *r, struct strbuf *sb)
{
	sb_addf(sb,
		"{\n  \"schema\": \"flexexplore-report\",\n"
		"  \"schema_version\": %d,\n",
		JSON_SCHEMA_VERSION);
	json_exploration(sb, r);
	json_counts(sb, r);

	sb_adds(sb, "  \"ranking\": [");
	for (int k = 0; k < r->nranking; k++) {
		sb_adds(sb, k ? ", " : "");
		sb_add_json_string(sb, r->nodes[r->ranking[k]].name);
	}
	sb_adds(sb, "],\n  \"pareto\": [");
	for (int i = 0, n = 0; i < r->nnodes; i++) {
		if (!r->nodes[i].pareto)
			continue;
		sb_adds(sb, n++ ? ", " : "");
		sb_add_json_string(sb, r->nodes[i].name);
	}
	sb_adds(sb, "],\n  \"pareto_in_order\": [");
	for (int i = 0, n = 0; i < r->nnodes; i++) {
		const struct rp_node *x = &r->nodes[i];

		if (!x->has_value || !x->parsed || x->kind == DB_FAILED ||
		    x->kind == DB_SKIPPED || x->order_dominated)
			continue;
		sb_adds(sb, n++ ? ", " : "");
		sb_add_json_string(sb, x->name);
	}
	sb_adds(sb, "],\n  \"violations\": [");
	for (int v = 0; v < r->nviolations; v++) {
		sb_adds(sb, v ? ",\n    " : "\n    ");
		sb_adds(sb, "{\"less_safe\": ");
		sb_add_json_string(sb, r->nodes[r->violations[v].lo].name);
		sb_adds(sb, ", \"safer\": ");
		sb_add_json_string(sb, r->nodes[r->violations[v].hi].name);
		sb_adds(sb, "}");
	}
	sb_adds(sb, "],\n  \"configurations\": [\n");
	for (int i = 0; i < r->nnodes; i++) {
		json_node(sb, r, &r->nodes[i]);
		sb_adds(sb, i + 1 < r->nnodes ? ",\n" : "\n");
	}
	sb_addf(sb,
		"  ],\n  \"covers_scope\": \"%s\",\n"
		"  \"violations_scope\": \"%s\",\n  \"covers\": [",
		r->covers_in_space ? "space" : "named",
		r->violations_by_covers ? "covers" : "pairs");
	for (int e = 0; e < r->nedges; e++) {
		sb_adds(sb, e ? ",\n    [" : "\n    [");
		sb_add_json_string(sb, r->nodes[r->edges[e].lo].name);
		sb_adds(sb, ", ");
		sb_add_json_string(sb, r->nodes[r->edges[e].hi].name);
		sb_adds(sb, "]");
	}
	sb_adds(sb, "]\n}\n");
	return FX_EXIT_OK;
}

/* ---- Graphviz ---------------------------------------------------------- */

static void
dot_string(struct strbuf *sb, const char *s)
{
	sb_addc(sb, '"');
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			sb_addc(sb, '\\');
		sb_addc(sb, *s);
	}
	sb_addc(sb, '"');
}

static void
dot_node(struct strbuf *sb, const struct rp_report *r, const struct rp_node *n)
{
	struct strbuf label;
	char fill[8] = "#eeeeee";

	sb_init(&label);
	if (n->rank > 0)
		sb_addf(&label, "#%d ", n->rank);
	sb_adds(&label, n->parts);
	if (strcmp(n->mechanism, "none") != 0)
		sb_addf(&label, " @%s", n->mechanism);
	if (strcmp(n->hardening, "-") != 0)
		sb_addf(&label, "\n%s", n->hardening);
	sb_adds(&label, "\n");
	if (n->has_value) {
		rp_add_number(&label, n->value);
		rp_colour(r, n->value, fill);
	} else {
		sb_adds(&label, outcome(n));
	}

	sb_addf(sb, "  c%" PRId64 " [label=", n->config_id);
	dot_string(sb, label.buf);
	sb_addf(sb, ", fillcolor=\"%s\", color=\"%s\"%s%s, tooltip=", fill,
		n->pass == 1   ? "#1a7f37"
		: n->pass == 0 ? "#cf222e"
			       : "#888888",
		n->inferred ? ", style=\"rounded,filled,dashed\"" : "",
		n->rank > 0 ? ", penwidth=3" : "");
	dot_string(sb, n->name);
	sb_adds(sb, "];\n");
	sb_free(&label);
}

int
rp_dot(const struct rp_report *r, struct strbuf *sb)
{
	sb_addf(sb,
		"// exploration %" PRId64 " of %s: the explored part of "
		"the safety order\n",
		r->ex.id, r->space_name);
	if (r->covers_in_space)
		sb_adds(sb, "// edges: covers of the space between named "
			    "configurations (too many for the order among "
			    "them)\n");
	sb_adds(sb, "// safer is up; fill is the metric (light is better); "
		    "green border meets the\n// budget, red misses it, "
		    "dashed is inferred; bold edges cross the budget\n");
	sb_addf(sb, "digraph \"exploration %" PRId64 "\" {\n", r->ex.id);
	sb_adds(sb, "  rankdir=BT;\n  node [shape=box, style=\"rounded,"
		    "filled\", fontname=\"Helvetica\", fontsize=10];\n");
	for (int i = 0; i < r->nnodes; i++)
		if (r->nodes[i].parsed)
			dot_node(sb, r, &r->nodes[i]);
	for (int e = 0; e < r->nedges; e++) {
		const struct rp_node *lo = &r->nodes[r->edges[e].lo];
		const struct rp_node *hi = &r->nodes[r->edges[e].hi];
		int cross = lo->pass == 1 && hi->pass == 0;

		sb_addf(sb, "  c%" PRId64 " -> c%" PRId64 "%s;\n",
			lo->config_id, hi->config_id,
			cross ? " [color=\"#e36209\", penwidth=2.5]" : "");
	}
	sb_adds(sb, "}\n");
	return FX_EXIT_OK;
}
