/*
 * make bench-explorer: how many evaluations the strategies need against
 * the size of the border, and the engine's time per decision, on
 * simulated spaces of 240 to 10^8 configurations with planted monotone
 * costs.  Where the space is small enough the answer is checked against
 * brute force.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../explorer/explorer.h"
#include "../../util/log.h"
#include "../../util/util.h"

#define BRUTE_LIMIT 200000

struct space_def {
	const char *yaml;
};

static const struct space_def spaces[] = {
	/* Small enough for the model's border chooser (up to 1024). */
	{"name: s4x2x1\ncomponents: [a, b, c, d]\n"
	 "mechanisms: [fcall, mpk]\nhardening:\n"
	 "  - name: stack-protector\n"},
	{"name: s4x3x1\ncomponents: [a, b, c, d]\n"
	 "mechanisms: [fcall, mpk, proc]\nhardening:\n"
	 "  - name: stack-protector\n"},
	{"name: s4x3x2\ncomponents: [a, b, c, d]\n"
	 "mechanisms: [fcall, mpk, proc]\nhardening:\n"
	 "  - name: stack-protector\n  - name: ubsan\n"},
	{"name: s5x3x2\ncomponents: [a, b, c, d, e]\n"
	 "mechanisms: [fcall, mpk, proc]\nhardening:\n"
	 "  - name: stack-protector\n  - name: ubsan\n"},
	{"name: s4x3x4\ncomponents: [a, b, c, d]\n"
	 "mechanisms: [fcall, mpk, proc]\nhardening:\n"
	 "  - name: stack-protector\n  - name: ubsan\n  - name: asan\n"
	 "  - name: cfi\n"},
	{"name: s5x3x3\ncomponents: [a, b, c, d, e]\n"
	 "mechanisms: [fcall, mpk, proc]\nhardening:\n"
	 "  - name: stack-protector\n  - name: ubsan\n  - name: asan\n"
	 "  - name: cfi\n    components: [a, b]\n"},
	{"name: s5x3x4\ncomponents: [a, b, c, d, e]\n"
	 "mechanisms: [fcall, mpk, proc]\nhardening:\n"
	 "  - name: stack-protector\n  - name: ubsan\n  - name: asan\n"
	 "  - name: cfi\n"},
};

static const char *const budgets[] = {"95%", "85%", "75%"};

/* Whether the found border equals the brute-force one. */
static const char *
check_brute(const struct cs_space *sp, const struct sim_params *p,
	    const struct ex_outcome *o)
{
	struct antichain pass = {0};
	struct cs_config c;
	int same = 1;

	if (cs_count(sp) > BRUTE_LIMIT)
		return "-";
	for (uint64_t r = 0; r < cs_count(sp); r++) {
		double v;

		cs_unrank(sp, r, &c);
		v = sim_value(sp, p, &c);
		if (v >= o->budget_value)
			ac_add(sp, &pass, &c, v, 1);
	}
	if (pass.n != o->pass.n)
		same = 0;
	for (int i = 0; i < pass.n && same; i++) {
		int found = 0;

		for (int j = 0; j < o->pass.n && !found; j++)
			found = cs_config_equal(&pass.cfg[i], &o->pass.cfg[j]);
		same = found;
	}
	ac_free(&pass);
	return same ? "yes" : "NO";
}

int
main(void)
{
	char dir[] = "/tmp/fxbench.XXXXXX", msg[128], *rm;
	struct sim_params p;
	int bad = 0;

	log_set_level("error");
	if (mkdtemp(dir) == NULL)
		return 1;
	sim_parse("seed=1", &p, msg, sizeof(msg));
	printf("%-8s %10s %6s %-6s %7s %7s %6s %9s %8s %6s\n", "space",
	       "configs", "budget", "strat", "border", "evals", "ratio",
	       "us/eval", "engine s", "brute");
	for (size_t s = 0; s < FX_ARRAY_LEN(spaces); s++) {
		char *spec = xasprintf("%s/space-%zu.yaml", dir, s);
		FILE *f = fopen(spec, "w");
		struct cs_error err;
		struct cs_space *sp;

		fputs(spaces[s].yaml, f);
		fclose(f);
		sp = cs_load(spec, &err);
		if (sp == NULL)
			return 4;
		for (size_t b = 0; b < FX_ARRAY_LEN(budgets); b++)
			for (int strat = EX_POSET; strat <= EX_MODEL; strat++) {
				char *db = xasprintf("%s/%zu-%zu-%d.db", dir, s,
						     b, strat);
				struct ex_options o = {
					.app = "bench",
					.spec = spec,
					.budget = budgets[b],
					.strategy = (enum ex_strategy)strat,
					.simulate = "seed=1",
					.db_path = db,
					.quiet = 1,
					.max_rounds = 1};
				struct ex_outcome out;
				const char *brute;
				int border;

				if (ex_run(&o, &out) > FX_EXIT_NONE)
					return 4;
				border = out.pass.n + out.miss.n;
				brute = check_brute(sp, &p, &out);
				bad += strcmp(brute, "NO") == 0;
				printf("%-8s %10llu %6s %-6s %7d %7ld %6.2f "
				       "%9.1f %8.2f %6s\n",
				       cs_space_name(sp),
				       (unsigned long long)cs_count(sp),
				       budgets[b],
				       strat == EX_MODEL ? "model" : "poset",
				       border, out.evaluated,
				       (double)out.evaluated / border,
				       1e6 * out.engine_seconds /
					       (out.evaluated ? out.evaluated
							      : 1),
				       out.engine_seconds, brute);
				fflush(stdout);
				ex_outcome_free(&out);
				unlink(db);
				free(db);
			}
		cs_free(sp);
		free(spec);
	}
	rm = xasprintf("rm -rf '%s'", dir);
	if (system(rm) != 0)
		bad++;
	free(rm);
	return bad ? 1 : 0;
}
