/*
 * flexexplore space: summarize, count, list, inspect or draw a space.
 */
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../cli/cli.h"
#include "../util/log.h"
#include "configspace.h"

/* Past this, a Hasse diagram is no longer something to look at. */
#define DOT_MAX_CONFIGS 100000

static const char space_usage[] =
	"usage: flexexplore space (--spec FILE | --app NAME) [what]\n"
	"\n"
	"Reads a space file and prints a summary of the space.\n"
	"\n"
	"  --spec FILE      the space file to read\n"
	"  --app NAME       the space of a bundled application\n"
	"\n"
	"what (default: the summary):\n"
	"  --count          only the number of configurations\n"
	"  --list           canonical names in index order\n"
	"  --limit N        with --list: at most N names\n"
	"  --config NAME    one configuration (name or hash): canonical\n"
	"                   name, hash, index, score and covers\n"
	"  --dot            the Hasse diagram in Graphviz (small spaces)\n"
	"  --json           the summary, list or configuration as JSON\n";

enum space_what { SHOW_SUMMARY, SHOW_COUNT, SHOW_LIST, SHOW_CONFIG, SHOW_DOT };

static void
add_list(struct strbuf *out, const struct cs_space *sp, int n,
	 const char *(*get)(const struct cs_space *, int), int json)
{
	for (int i = 0; i < n; i++) {
		if (i > 0)
			sb_adds(out, json ? ", " : " ");
		if (json)
			sb_add_json_string(out, get(sp, i));
		else
			sb_adds(out, get(sp, i));
	}
}

/* "redis+newlib uksched lwip": components grouped by unit. */
static void
add_units(struct strbuf *out, const struct cs_space *sp, int json)
{
	for (int u = 0; u < cs_space_nunits(sp); u++) {
		int first = 1;

		sb_adds(out, u == 0 ? "" : json ? ", " : " ");
		if (json)
			sb_addc(out, '[');
		for (int c = 0; c < cs_space_ncomponents(sp); c++) {
			if (cs_space_unit_of(sp, c) != u)
				continue;
			if (!first)
				sb_adds(out, json ? ", " : "+");
			if (json)
				sb_add_json_string(out,
						   cs_space_component(sp, c));
			else
				sb_adds(out, cs_space_component(sp, c));
			first = 0;
		}
		if (json)
			sb_addc(out, ']');
	}
}

static void
add_options(struct strbuf *out, const struct cs_space *sp, int json)
{
	for (int o = 0; o < cs_space_noptions(sp); o++) {
		int n = 0;

		if (json) {
			sb_addf(out, "%s{\"name\": ", o ? ", " : "");
			sb_add_json_string(out, cs_space_option(sp, o));
			sb_adds(out, ", \"components\": [");
		} else {
			sb_addf(out, "  %-16s", cs_space_option(sp, o));
		}
		for (int c = 0; c < cs_space_ncomponents(sp); c++) {
			if (cs_space_slot(sp, c, o) < 0)
				continue;
			if (json) {
				sb_adds(out, n ? ", " : "");
				sb_add_json_string(out,
						   cs_space_component(sp, c));
			} else {
				sb_addf(out, " %s", cs_space_component(sp, c));
			}
			n++;
		}
		sb_adds(out, json ? "]}" : "\n");
	}
}

static void
print_summary(const struct cs_space *sp, int json)
{
	struct cs_config bottom, top;
	struct strbuf out, bname, tname;

	sb_init(&out);
	sb_init(&bname);
	sb_init(&tname);
	cs_bottom(sp, &bottom);
	cs_top(sp, &top);
	cs_name(sp, &bottom, &bname);
	cs_name(sp, &top, &tname);

	if (json) {
		sb_adds(&out, "{\"name\": ");
		sb_add_json_string(&out, cs_space_name(sp));
		sb_adds(&out, ", \"file\": ");
		sb_add_json_string(&out, cs_space_path(sp));
		sb_addf(&out,
			", \"digest\": \"%s\", \"app\": ", cs_space_digest(sp));
		if (cs_space_app(sp) != NULL)
			sb_add_json_string(&out, cs_space_app(sp));
		else
			sb_adds(&out, "null");
		sb_adds(&out, ", \"components\": [");
		add_list(&out, sp, cs_space_ncomponents(sp), cs_space_component,
			 1);
		sb_adds(&out, "], \"units\": [");
		add_units(&out, sp, 1);
		sb_adds(&out, "], \"core\": [");
		add_list(&out, sp, cs_space_ncore(sp), cs_space_core, 1);
		sb_adds(&out, "], \"mechanisms\": [");
		add_list(&out, sp, cs_space_nmechanisms(sp), cs_space_mechanism,
			 1);
		sb_addf(&out, "], \"max_compartments\": %d, \"hardening\": [",
			cs_space_max_compartments(sp));
		add_options(&out, sp, 1);
		sb_addf(&out, "], \"count\": %" PRIu64 ", \"bottom\": ",
			cs_count(sp));
		sb_add_json_string(&out, bname.buf);
		sb_adds(&out, ", \"top\": ");
		sb_add_json_string(&out, tname.buf);
		sb_adds(&out, "}\n");
	} else {
		sb_addf(&out, "space          %s\n", cs_space_name(sp));
		sb_addf(&out, "file           %s\n", cs_space_path(sp));
		sb_addf(&out, "application    %s\n",
			cs_space_app(sp) != NULL
				? cs_space_app(sp)
				: "(none: simulation and replay only)");
		sb_adds(&out, "components     ");
		add_units(&out, sp, 0);
		sb_adds(&out, "\ncore           ");
		add_list(&out, sp, cs_space_ncore(sp), cs_space_core, 0);
		sb_adds(&out, "\nmechanisms     ");
		add_list(&out, sp, cs_space_nmechanisms(sp), cs_space_mechanism,
			 0);
		sb_addf(&out, " (weakest first)\ncompartments   at most %d\n",
			cs_space_max_compartments(sp));
		sb_adds(&out, "hardening\n");
		add_options(&out, sp, 0);
		sb_addf(&out, "configurations %" PRIu64 "\n", cs_count(sp));
		sb_addf(&out, "least safe     %s\n", bname.buf);
		sb_addf(&out, "safest         %s\n", tname.buf);
	}
	fputs(out.buf, stdout);
	sb_free(&out);
	sb_free(&bname);
	sb_free(&tname);
}

static int
print_list(const struct cs_space *sp, uint64_t limit, int json)
{
	uint64_t n = cs_count(sp) < limit ? cs_count(sp) : limit;
	struct strbuf name;
	struct cs_config cfg;
	char hash[CS_HASH_LEN + 1];

	sb_init(&name);
	if (json)
		fputs("[\n", stdout);
	for (uint64_t i = 0; i < n; i++) {
		sb_reset(&name);
		cs_unrank(sp, i, &cfg);
		cs_name(sp, &cfg, &name);
		if (!json) {
			puts(name.buf);
			continue;
		}
		cs_hash_name(name.buf, hash);
		printf("  {\"index\": %" PRIu64 ", \"name\": \"%s\", "
		       "\"hash\": \"%s\", \"score\": %.3f}%s\n",
		       i, name.buf, hash, cs_score(sp, &cfg),
		       i + 1 < n ? "," : "");
	}
	if (json)
		fputs("]\n", stdout);
	sb_free(&name);
	return ferror(stdout) ? FX_EXIT_ENV : FX_EXIT_OK;
}

struct cover_print {
	const struct cs_space *sp;
	struct strbuf *out;
	int json;
	int n;
};

static int
add_cover(const struct cs_config *cfg, void *arg)
{
	struct cover_print *cp = arg;

	if (cp->json) {
		struct strbuf name;

		sb_init(&name);
		cs_name(cp->sp, cfg, &name);
		sb_adds(cp->out, cp->n ? ", " : "");
		sb_add_json_string(cp->out, name.buf);
		sb_free(&name);
	} else {
		sb_adds(cp->out, "  ");
		cs_name(cp->sp, cfg, cp->out);
		sb_addc(cp->out, '\n');
	}
	cp->n++;
	return 0;
}

static int
print_config(const struct cs_space *sp, const char *arg, int json)
{
	struct cs_config cfg;
	struct strbuf out, name;
	struct cover_print cp;
	char msg[256], hash[CS_HASH_LEN + 1];

	if (cs_parse(sp, arg, &cfg, msg, sizeof(msg)) != 0) {
		fprintf(stderr, "flexexplore space: '%s': %s\n", arg, msg);
		return FX_EXIT_USAGE;
	}
	sb_init(&out);
	sb_init(&name);
	cs_name(sp, &cfg, &name);
	cs_hash_name(name.buf, hash);
	cp = (struct cover_print){.sp = sp, .out = &out, .json = json};

	if (json) {
		sb_adds(&out, "{\"name\": ");
		sb_add_json_string(&out, name.buf);
		sb_addf(&out,
			", \"hash\": \"%s\", \"index\": %" PRIu64
			", \"compartments\": %d, \"mechanism\": \"%s\", "
			"\"score\": %.3f, \"upper_covers\": [",
			hash, cs_rank(sp, &cfg),
			cs_config_ncompartments(sp, &cfg),
			cs_config_mechanism(sp, &cfg), cs_score(sp, &cfg));
		cs_upper_covers(sp, &cfg, add_cover, &cp);
		sb_adds(&out, "], \"lower_covers\": [");
		cp.n = 0;
		cs_lower_covers(sp, &cfg, add_cover, &cp);
		sb_adds(&out, "]}\n");
	} else {
		sb_addf(&out, "name           %s\n", name.buf);
		sb_addf(&out, "hash           %s\n", hash);
		sb_addf(&out, "index          %" PRIu64 "\n",
			cs_rank(sp, &cfg));
		sb_addf(&out, "compartments   %d\n",
			cs_config_ncompartments(sp, &cfg));
		sb_addf(&out, "mechanism      %s\n",
			cs_config_mechanism(sp, &cfg));
		sb_addf(&out, "safety score   %.1f\n", cs_score(sp, &cfg));
		sb_adds(&out, "safer neighbours (upper covers)\n");
		cs_upper_covers(sp, &cfg, add_cover, &cp);
		sb_adds(&out, "less safe neighbours (lower covers)\n");
		cs_lower_covers(sp, &cfg, add_cover, &cp);
	}
	fputs(out.buf, stdout);
	sb_free(&out);
	sb_free(&name);
	return FX_EXIT_OK;
}

struct dot_edge {
	const struct cs_space *sp;
	uint64_t from;
};

static int
print_edge(const struct cs_config *cfg, void *arg)
{
	struct dot_edge *e = arg;

	printf("  n%" PRIu64 " -> n%" PRIu64 ";\n", e->from,
	       cs_rank(e->sp, cfg));
	return 0;
}

static int
print_dot(const struct cs_space *sp)
{
	struct strbuf name;
	struct cs_config cfg;

	if (cs_count(sp) > DOT_MAX_CONFIGS) {
		fprintf(stderr,
			"flexexplore space: %" PRIu64 " configurations: "
			"--dot draws at most %d\n",
			cs_count(sp), DOT_MAX_CONFIGS);
		return FX_EXIT_USAGE;
	}
	sb_init(&name);
	printf("digraph \"%s\" {\n  rankdir=BT;\n  node [shape=box, "
	       "fontsize=10];\n",
	       cs_space_name(sp));
	for (uint64_t i = 0; i < cs_count(sp); i++) {
		sb_reset(&name);
		cs_unrank(sp, i, &cfg);
		cs_name(sp, &cfg, &name);
		printf("  n%" PRIu64 " [label=\"%s\"];\n", i, name.buf);
	}
	for (uint64_t i = 0; i < cs_count(sp); i++) {
		struct dot_edge e = {.sp = sp, .from = i};

		cs_unrank(sp, i, &cfg);
		cs_upper_covers(sp, &cfg, print_edge, &e);
	}
	puts("}");
	sb_free(&name);
	return ferror(stdout) ? FX_EXIT_ENV : FX_EXIT_OK;
}

int
cmd_space(int argc, char **argv)
{
	static const struct option options[] = {
		{"spec", required_argument, NULL, 's'},
		{"app", required_argument, NULL, 'a'},
		{"count", no_argument, NULL, 'c'},
		{"list", no_argument, NULL, 'l'},
		{"limit", required_argument, NULL, 'n'},
		{"config", required_argument, NULL, 'C'},
		{"dot", no_argument, NULL, 'd'},
		{"json", no_argument, NULL, 'j'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	const char *spec = NULL, *app = NULL, *config = NULL;
	unsigned long long limit = UINT64_MAX;
	enum space_what what = SHOW_SUMMARY;
	struct cs_space *sp;
	struct cs_error err;
	int json = 0, opt, rc;

	while ((opt = getopt_long(argc, argv, "", options, NULL)) != -1) {
		switch (opt) {
		case 's':
			spec = optarg;
			break;
		case 'a':
			app = optarg;
			break;
		case 'c':
			what = SHOW_COUNT;
			break;
		case 'l':
			what = SHOW_LIST;
			break;
		case 'n':
			if (fx_parse_u64(optarg, &limit) != 0)
				return cli_usage_error("space",
						       "--limit '%s': expected "
						       "a whole number",
						       optarg);
			break;
		case 'C':
			what = SHOW_CONFIG;
			config = optarg;
			break;
		case 'd':
			what = SHOW_DOT;
			break;
		case 'j':
			json = 1;
			break;
		case 'h':
			fputs(space_usage, stdout);
			return FX_EXIT_OK;
		default:
			return cli_usage_error("space", "unknown option");
		}
	}
	if (optind < argc)
		return cli_usage_error("space", "unexpected argument '%s'",
				       argv[optind]);
	if ((spec == NULL) == (app == NULL))
		return cli_usage_error("space",
				       "expected one of --spec FILE or "
				       "--app NAME");

	sp = spec != NULL ? cs_load(spec, &err) : cs_load_app(app, &err);
	if (sp == NULL) {
		char msg[600];

		cs_error_format(&err, msg, sizeof(msg));
		fprintf(stderr, "flexexplore space: %s\n", msg);
		return FX_EXIT_USAGE;
	}

	switch (what) {
	case SHOW_COUNT:
		printf("%" PRIu64 "\n", cs_count(sp));
		rc = FX_EXIT_OK;
		break;
	case SHOW_LIST:
		rc = print_list(sp, limit, json);
		break;
	case SHOW_CONFIG:
		rc = print_config(sp, config, json);
		break;
	case SHOW_DOT:
		rc = print_dot(sp);
		break;
	default:
		print_summary(sp, json);
		rc = FX_EXIT_OK;
		break;
	}
	cs_free(sp);
	return rc;
}
