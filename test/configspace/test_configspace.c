/*
 * configspace against brute force: on spaces small enough to enumerate,
 * every closed form and every directly generated cover is checked against
 * the definition it stands for.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../../configspace/configspace.h"

static struct cs_space *
load(const char *text)
{
	struct cs_error err;
	struct cs_space *sp = cs_load_string(text, "test.yaml", &err);

	if (sp == NULL)
		fail_msg("test.yaml:%d:%d: %s", err.line, err.column, err.msg);
	return sp;
}

static const char redis_space[] = "name: flexos-redis\n"
				  "components: [redis, newlib, uksched, lwip]\n"
				  "groups: [[redis, newlib]]\n"
				  "mechanisms: [mpk]\n"
				  "hardening:\n"
				  "  - name: sanitize\n";

/* Small spaces that between them exercise every feature. */
static const char *const small_spaces[] = {
	redis_space,
	"name: three-mechs\n"
	"components: [a, b, c]\n"
	"mechanisms: [fcall, mpk, proc]\n"
	"hardening:\n"
	"  - {name: asan, components: [a]}\n"
	"  - {name: ubsan, components: [b, c]}\n",
	"name: limited\n"
	"components: [a, b, c, d]\n"
	"groups: [[a, d]]\n"
	"mechanisms: [mpk, proc]\n"
	"max_compartments: 2\n"
	"hardening:\n"
	"  - {name: cfi, components: [b]}\n",
	"name: five-units\n"
	"components: [e, d, c, b, a]\n"
	"mechanisms: [proc]\n"
	"max_compartments: 3\n",
	"name: only-fcall\n"
	"components: [x, y]\n"
	"mechanisms: [fcall]\n"
	"hardening: [{name: fortify}]\n",
	"name: one\n"
	"components: [solo]\n",
};

/* All configurations of a space, by index. */
static struct cs_config *
enumerate(const struct cs_space *sp, uint64_t *n)
{
	struct cs_config *all;

	*n = cs_count(sp);
	all = calloc(*n, sizeof(*all));
	assert_non_null(all);
	for (uint64_t i = 0; i < *n; i++)
		assert_int_equal(cs_unrank(sp, i, &all[i]), 0);
	return all;
}

struct collect {
	struct cs_config *found;
	int n;
};

static int
collect(const struct cs_config *cfg, void *arg)
{
	struct collect *c = arg;

	c->found[c->n++] = *cfg;
	return 0;
}

static int
contains(const struct collect *c, const struct cs_config *cfg)
{
	for (int i = 0; i < c->n; i++)
		if (cs_config_equal(&c->found[i], cfg))
			return 1;
	return 0;
}

static int
lt(const struct cs_space *sp, const struct cs_config *a,
   const struct cs_config *b)
{
	return cs_leq(sp, a, b) && !cs_config_equal(a, b);
}

static void
test_redis_space(void **state)
{
	struct cs_space *sp = load(redis_space);
	struct cs_config *all, buf[64];
	uint64_t n, pairs = 0, edges = 0;

	(void)state;
	all = enumerate(sp, &n);
	assert_int_equal(n, 80);
	for (uint64_t i = 0; i < n; i++) {
		struct collect c = {.found = buf};

		for (uint64_t j = 0; j < n; j++)
			pairs += lt(sp, &all[i], &all[j]);
		cs_upper_covers(sp, &all[i], collect, &c);
		edges += (uint64_t)c.n;
	}
	assert_int_equal(pairs, 892);
	assert_int_equal(edges, 256);
	free(all);
	cs_free(sp);
}

/* rank/unrank and name/parse are inverse; names and hashes are unique. */
static void
check_round_trips(const struct cs_space *sp, const struct cs_config *all,
		  uint64_t n)
{
	struct strbuf name;
	char msg[256];

	sb_init(&name);
	for (uint64_t i = 0; i < n; i++) {
		struct cs_config back;

		assert_int_equal(cs_rank(sp, &all[i]), i);
		sb_reset(&name);
		cs_name(sp, &all[i], &name);
		if (cs_parse(sp, name.buf, &back, msg, sizeof(msg)) != 0)
			fail_msg("'%s' does not parse: %s", name.buf, msg);
		assert_true(cs_config_equal(&back, &all[i]));
		for (uint64_t j = 0; j < i; j++)
			assert_false(cs_config_equal(&all[i], &all[j]));
	}
	sb_free(&name);
}

static void
check_order(const struct cs_space *sp, const struct cs_config *all, uint64_t n)
{
	for (uint64_t i = 0; i < n; i++) {
		assert_true(cs_leq(sp, &all[i], &all[i]));
		for (uint64_t j = 0; j < n; j++) {
			int ij = cs_leq(sp, &all[i], &all[j]);

			if (ij && cs_leq(sp, &all[j], &all[i]))
				assert_int_equal(i, j);
			if (ij)
				assert_true(cs_score(sp, &all[i]) <=
					    cs_score(sp, &all[j]));
			if (ij && i != j)
				assert_true(cs_score(sp, &all[i]) <
					    cs_score(sp, &all[j]));
			if (!ij)
				continue;
			for (uint64_t k = 0; k < n; k++)
				if (cs_leq(sp, &all[j], &all[k]))
					assert_true(
						cs_leq(sp, &all[i], &all[k]));
		}
	}
}

/* Covers generated directly equal those the order defines. */
static void
check_covers(const struct cs_space *sp, const struct cs_config *all, uint64_t n)
{
	struct cs_config *ubuf = calloc(n + 64, sizeof(*ubuf));
	struct cs_config *lbuf = calloc(n + 64, sizeof(*lbuf));

	for (uint64_t a = 0; a < n; a++) {
		struct collect up = {.found = ubuf}, down = {.found = lbuf};
		int nup = 0, ndown = 0;

		cs_upper_covers(sp, &all[a], collect, &up);
		cs_lower_covers(sp, &all[a], collect, &down);
		for (uint64_t b = 0; b < n; b++) {
			int cover_up = lt(sp, &all[a], &all[b]);
			int cover_down = lt(sp, &all[b], &all[a]);

			for (uint64_t c = 0; c < n; c++) {
				if (cover_up && lt(sp, &all[a], &all[c]) &&
				    lt(sp, &all[c], &all[b]))
					cover_up = 0;
				if (cover_down && lt(sp, &all[b], &all[c]) &&
				    lt(sp, &all[c], &all[a]))
					cover_down = 0;
			}
			assert_int_equal(cover_up, contains(&up, &all[b]));
			assert_int_equal(cover_down, contains(&down, &all[b]));
			nup += cover_up;
			ndown += cover_down;
		}
		/* No duplicates in the generated lists either. */
		assert_int_equal(up.n, nup);
		assert_int_equal(down.n, ndown);
	}
	free(ubuf);
	free(lbuf);
}

/*
 * Count by brute force: every labelling of units with compartments,
 * kept when it is a restricted growth string within the limit, times
 * the mechanisms, times the hardening sets.
 */
static uint64_t
brute_count(const struct cs_space *sp)
{
	int nu = cs_space_nunits(sp), k = cs_space_max_compartments(sp);
	int niso = 0, nslots = 0;
	uint64_t parts = 0, total = 1;
	int label[CS_MAX_UNITS] = {0};

	for (int m = 0; m < cs_space_nmechanisms(sp); m++)
		niso += cs_space_mechanism_isolates(sp, m);
	for (int c = 0; c < cs_space_ncomponents(sp); c++)
		for (int o = 0; o < cs_space_noptions(sp); o++)
			nslots += cs_space_slot(sp, c, o) >= 0;
	for (int i = 0; i < nu; i++)
		total *= (uint64_t)nu;
	for (uint64_t x = 0; x < total; x++) {
		uint64_t v = x;
		int max = -1, ok = 1;

		for (int i = 0; i < nu; i++) {
			label[i] = (int)(v % (uint64_t)nu);
			v /= (uint64_t)nu;
			if (label[i] > max + 1)
				ok = 0;
			if (label[i] > max)
				max = label[i];
		}
		if (ok && max + 1 <= k)
			parts += max == 0 ? 1 : (uint64_t)niso;
	}
	return parts << nslots;
}

static void
test_small_spaces(void **state)
{
	(void)state;
	for (size_t s = 0; s < sizeof(small_spaces) / sizeof(*small_spaces);
	     s++) {
		struct cs_space *sp = load(small_spaces[s]);
		struct cs_config *all, bottom, top;
		uint64_t n;

		all = enumerate(sp, &n);
		assert_int_equal(n, brute_count(sp));
		check_round_trips(sp, all, n);
		check_order(sp, all, n);
		check_covers(sp, all, n);

		/* Bottom is index 0 and below everything; scores span it. */
		cs_bottom(sp, &bottom);
		cs_top(sp, &top);
		assert_int_equal(cs_rank(sp, &bottom), 0);
		assert_true(cs_score(sp, &bottom) == 0);
		for (uint64_t i = 0; i < n; i++)
			assert_true(cs_leq(sp, &bottom, &all[i]));
		if (n > 1)
			assert_true(cs_score(sp, &top) == 100);
		assert_int_equal(cs_unrank(sp, n, &bottom), -1);
		free(all);
		cs_free(sp);
	}
}

static void
test_big_space(void **state)
{
	struct cs_space *sp = load("name: big\n"
				   "components: [a, b, c, d, e]\n"
				   "mechanisms: [fcall, mpk, proc]\n"
				   "hardening:\n"
				   "  - name: asan\n"
				   "  - name: ubsan\n"
				   "  - name: cfi\n"
				   "  - name: stack-protector\n");
	struct cs_config cfg, back;
	uint64_t n = cs_count(sp);

	(void)state;
	assert_int_equal(n, 108003328ULL);

	/* Spot checks across the whole range. */
	for (uint64_t i = 0; i < n; i += 999983) {
		assert_int_equal(cs_unrank(sp, i, &cfg), 0);
		assert_int_equal(cs_rank(sp, &cfg), i);
		cs_unrank(sp, n - 1 - i, &back);
		assert_int_equal(cs_rank(sp, &back), n - 1 - i);
	}
	cs_free(sp);
}

static void
test_names(void **state)
{
	struct cs_space *sp =
		load("name: n\n"
		     "components: [net, vfs, httpd, parser]\n"
		     "groups: [[httpd, parser]]\n"
		     "hardening: [{name: asan}, {name: ubsan}]\n");
	struct cs_config cfg;
	struct strbuf name;
	char msg[256], h1[CS_HASH_LEN + 1], h2[CS_HASH_LEN + 1];

	(void)state;
	sb_init(&name);

	/* Any order of compartments, components and options normalizes. */
	assert_int_equal(cs_parse(sp,
				  "vfs|parser+httpd|net@proc/"
				  "vfs=ubsan+asan,net=ubsan",
				  &cfg, msg, sizeof(msg)),
			 0);
	cs_name(sp, &cfg, &name);
	assert_string_equal(name.buf, "httpd+parser|net|vfs@proc/"
				      "net=ubsan,vfs=asan+ubsan");

	/* fcall between compartments is one compartment. */
	sb_reset(&name);
	assert_int_equal(cs_parse(sp, "net|vfs|httpd+parser@fcall", &cfg, msg,
				  sizeof(msg)),
			 0);
	cs_name(sp, &cfg, &name);
	assert_string_equal(name.buf, "httpd+net+parser+vfs");
	assert_int_equal(cs_rank(sp, &cfg), 0);

	/* A hash names its configuration. */
	cs_parse(sp, "httpd+parser|net+vfs@mpk/httpd=asan", &cfg, msg,
		 sizeof(msg));
	cs_hash(sp, &cfg, h1);
	assert_int_equal(cs_parse(sp, h1, &cfg, msg, sizeof(msg)), 0);
	cs_hash(sp, &cfg, h2);
	assert_string_equal(h1, h2);

	/* What cannot be a configuration of this space. */
	assert_int_equal(cs_parse(sp, "httpd|parser+net+vfs@mpk", &cfg, msg,
				  sizeof(msg)),
			 -1);
	assert_non_null(strstr(msg, "group"));
	assert_int_equal(
		cs_parse(sp, "httpd+parser|net+vfs", &cfg, msg, sizeof(msg)),
		-1);
	assert_non_null(strstr(msg, "mechanism"));
	assert_int_equal(
		cs_parse(sp, "httpd+parser+net", &cfg, msg, sizeof(msg)), -1);
	assert_non_null(strstr(msg, "'vfs' is not placed"));
	assert_int_equal(cs_parse(sp, "httpd+parser+net+vfs/net=cfi", &cfg, msg,
				  sizeof(msg)),
			 -1);
	assert_int_equal(cs_parse(sp, "httpd+parser+net+vfs+vfs", &cfg, msg,
				  sizeof(msg)),
			 -1);
	assert_int_equal(
		cs_parse(sp, "httpd+parser|net|vfs@vm", &cfg, msg, sizeof(msg)),
		-1);
	sb_free(&name);
	cs_free(sp);
}

struct bad_case {
	const char *text;
	int line, column;
	const char *expect;
};

static void
test_bad_files(void **state)
{
	static const struct bad_case cases[] = {
		{"name: x\ncomponents: [a]\ncolour: red\n", 3, 1,
		 "unknown key 'colour'"},
		{"name: x\ncomponents: a\n", 2, 13, "expected a list"},
		{"name: x\ncomponents: [a, b, c]\ngroups: [[a, b], [c, a]]\n",
		 3, 22, "already in group 1"},
		{"name: x\ncomponents: [a]\nhardening: [{name: armour}]\n", 3,
		 20, "unknown hardening option 'armour'"},
		{"name: x\ncomponents: []\n", 2, 0, "empty space"},
		{"", 0, 0, "empty file"},
		{"name: x\ncomponents: [a, A]\n", 2, 17, "not a valid"},
		{"name: x\ncomponents: [a]\nmechanisms: [mpk, fcall]\n", 3, 19,
		 "weakest"},
		{"name: x\ncomponents: [a]\nmechanisms: [kvm]\n", 3, 14,
		 "unknown mechanism"},
		{"name: x\ncomponents: [a, b]\nmax_compartments: 0\n", 3, 19,
		 "at least 1"},
		{"name: x\ncomponents: [a\n", 0, 0, "not valid YAML"},
		{"name: x\ncomponents: [a]\ngroups: [[b]]\n", 3, 11,
		 "unknown component 'b'"},
		{"components: [a]\n", 1, 1, "missing 'name'"},
		{"name: x\ncomponents: [a]\n%TAG ! x\n", 3, 1, "directives"},
		{"name: x\ncomponents: [a, b]\nmechanisms: [mpk, proc]\n"
		 "weights: {mechanisms: {mpk: 3, proc: 2}}\n",
		 4, 0, "grow with strength"},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		struct cs_error err;
		struct cs_space *sp =
			cs_load_string(cases[i].text, "bad.yaml", &err);

		if (sp != NULL)
			fail_msg("case %zu loaded", i);
		if (strstr(err.msg, cases[i].expect) == NULL)
			fail_msg("case %zu: '%s' lacks '%s'", i, err.msg,
				 cases[i].expect);
		assert_string_equal(err.file, "bad.yaml");
		if (cases[i].line != 0 && err.line != cases[i].line)
			fail_msg("case %zu: line %d, expected %d", i, err.line,
				 cases[i].line);
		if (cases[i].column != 0 && err.column != cases[i].column)
			fail_msg("case %zu: column %d, expected %d", i,
				 err.column, cases[i].column);
		if (strcmp(cases[i].expect, "not valid YAML") == 0)
			assert_true(err.line > 0);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_redis_space),
		cmocka_unit_test(test_small_spaces),
		cmocka_unit_test(test_big_space),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_bad_files),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
