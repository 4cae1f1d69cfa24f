/*
 * The object cache through fxcc on a small self-made C project: hits on
 * a rebuild in another folder with identical bytes, exactly the dependent
 * objects recompiled after a header or a flag changes, failures not
 * cached, warnings replayed, dependency files written on a hit.
 */
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "../../builder/fsutil.h"
#include "../../util/util.h"

struct proj {
	char top[64]; /* temporary folder holding everything */
	char src[PATH_MAX];
	char fxcc[PATH_MAX];
	int builds;	   /* build folders made so far */
	char cc[PATH_MAX]; /* the real compiler fxcc runs */
};

/* shared.h is included by a.c and b.c; c.c includes nothing of ours. */
static const char *const files[][2] = {
	{"shared.h", "#define SHARED 40\n"},
	{"a.h", "int a(void);\n"},
	{"a.c", "#include \"a.h\"\n#include \"shared.h\"\n"
		"const char *a_file = __FILE__;\n"
		"int a(void) { return SHARED; }\n"},
	{"b.c", "#include \"shared.h\"\n#include \"a.h\"\n"
		"int b(void) { return SHARED + a(); }\n"},
	{"c.c", "int b(void);\nint main(void) { return b() == 80 ? 0 : 1; }\n"},
	{"Makefile", "O ?= out\n"
		     "OBJS := $(O)/a.o $(O)/b.o $(O)/c.o\n"
		     "$(O)/img: $(OBJS)\n"
		     "\t$(CC) -o $@ $^\n"
		     "$(O)/%.o: %.c\n"
		     "\t@mkdir -p $(O)\n"
		     "\t$(CC) -O2 -g $(CFLAGS_$*) -MMD -MP -c -o $@ $<\n"
		     "-include $(OBJS:.o=.d)\n"},
};

static void
write_text(const char *dir, const char *name, const char *text)
{
	char *path = xasprintf("%s/%s", dir, name);
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	free(path);
}

static int
setup(void **state)
{
	struct proj *p = xcalloc(1, sizeof(*p));
	const char *build = getenv("FX_BUILD");
	char *rel = xasprintf("%s/fxcc", build != NULL ? build : "build/test");

	strcpy(p->top, "/tmp/fxcache.XXXXXX");
	assert_non_null(mkdtemp(p->top));
	snprintf(p->src, sizeof(p->src), "%s/src", p->top);
	snprintf(p->cc, sizeof(p->cc), "gcc");
	assert_int_equal(fx_mkdirs(p->src, 0755), 0);
	assert_non_null(realpath(rel, p->fxcc));
	free(rel);
	for (size_t i = 0; i < sizeof(files) / sizeof(*files); i++)
		write_text(p->src, files[i][0], files[i][1]);

	/* A fresh cache, its log and the mapped prefixes. */
	rel = xasprintf("%s/cache", p->top);
	setenv("FXCC_CACHE", rel, 1);
	free(rel);
	*state = p;
	return 0;
}

static int
teardown(void **state)
{
	struct proj *p = *state;

	fs_remove_tree(p->top);
	free(p);
	return 0;
}

/*
 * Build into a new folder out<N>; returns make's status and the cache
 * log's lines in @log (one "event object" per line, sorted).
 */
static int
build(struct proj *p, const char *make_args, char *log, size_t loglen)
{
	char out[PATH_MAX], logf[PATH_MAX + 8];
	char *cmd, *text;
	FILE *f;
	int rc;

	snprintf(out, sizeof(out), "%s/out%d", p->top, ++p->builds);
	snprintf(logf, sizeof(logf), "%s.log", out);
	setenv("FXCC_LOG", logf, 1);
	cmd = xasprintf("%s=/fxbuild;%s=/fxsrc", out, p->src);
	setenv("FXCC_MAP", cmd, 1);
	free(cmd);
	cmd = xasprintf("make -s -C %s O=%s CC='%s %s' %s >%s.make 2>&1",
			p->src, out, p->fxcc, p->cc, make_args, out);
	rc = system(cmd);
	free(cmd);

	/* "hit KEY /fxbuild/a.o a.c" -> "hit a.o", sorted. */
	cmd = xasprintf("awk '{n=split($3,p,\"/\"); print $1, p[n]}' %s "
			"2>/dev/null | sort",
			logf);
	f = popen(cmd, "r");
	free(cmd);
	text = xcalloc(1, loglen);
	if (f != NULL) {
		size_t n = fread(text, 1, loglen - 1, f);

		text[n] = '\0';
		pclose(f);
	}
	snprintf(log, loglen, "%s", text);
	free(text);
	return rc;
}

static char *
read_image(struct proj *p, int n, size_t *len)
{
	char *path = xasprintf("%s/out%d/img", p->top, n);
	char *data = fx_read_file(path, len);

	assert_non_null(data);
	free(path);
	return data;
}

static void
test_rebuild_hits_identical(void **state)
{
	struct proj *p = *state;
	char log[1024];
	char *one, *two;
	size_t n1, n2;

	assert_int_equal(build(p, "", log, sizeof(log)), 0);
	assert_string_equal(log, "miss a.o\nmiss b.o\nmiss c.o\n");
	assert_int_equal(build(p, "", log, sizeof(log)), 0);
	assert_string_equal(log, "hit a.o\nhit b.o\nhit c.o\n");

	/* Another folder, same bytes: no build path leaks into objects. */
	one = read_image(p, 1, &n1);
	two = read_image(p, 2, &n2);
	assert_int_equal(n1, n2);
	assert_memory_equal(one, two, n1);
	free(one);
	free(two);

	/* A hit still writes the dependency file Make reads. */
	one = xasprintf("%s/out2/a.d", p->top);
	two = fx_read_file(one, &n1);
	assert_non_null(two);
	assert_non_null(strstr(two, "shared.h"));
	free(one);
	free(two);
}

static void
test_header_change_recompiles_dependents(void **state)
{
	struct proj *p = *state;
	char log[1024];

	assert_int_equal(build(p, "", log, sizeof(log)), 0);

	/* A comment is not a change: the preprocessor drops it. */
	write_text(p->src, "a.h", "int a(void); /* reworded */\n");
	assert_int_equal(build(p, "", log, sizeof(log)), 0);
	assert_string_equal(log, "hit a.o\nhit b.o\nhit c.o\n");

	write_text(p->src, "a.h", "int a(void);\nint a2(void);\n");
	assert_int_equal(build(p, "", log, sizeof(log)), 0);
	assert_string_equal(log, "hit c.o\nmiss a.o\nmiss b.o\n");

	/* The header both include: both recompile, c.o does not. */
	write_text(p->src, "shared.h", "#define SHARED (40)\n");
	assert_int_equal(build(p, "", log, sizeof(log)), 0);
	assert_string_equal(log, "hit c.o\nmiss a.o\nmiss b.o\n");
}

static void
test_flag_change_recompiles_one(void **state)
{
	struct proj *p = *state;
	char log[1024];

	assert_int_equal(build(p, "", log, sizeof(log)), 0);
	assert_int_equal(
		build(p, "CFLAGS_b=-fstack-protector-strong", log, sizeof(log)),
		0);
	assert_string_equal(log, "hit a.o\nhit c.o\nmiss b.o\n");

	/* Back to the first flags: everything is in the cache. */
	assert_int_equal(build(p, "", log, sizeof(log)), 0);
	assert_string_equal(log, "hit a.o\nhit b.o\nhit c.o\n");
}

static void
test_broken_source_fails_uncached(void **state)
{
	struct proj *p = *state;
	char log[1024];
	char *msg, *path;

	write_text(p->src, "b.c", "int b(void) { return oops; }\n");
	assert_int_not_equal(build(p, "-k", log, sizeof(log)), 0);
	assert_non_null(strstr(log, "fail b.o"));
	path = xasprintf("%s/out1.make", p->top);
	msg = fx_read_file(path, NULL);
	assert_non_null(msg);
	assert_non_null(strstr(msg, "oops"));
	assert_non_null(strstr(msg, "undeclared"));
	free(msg);
	free(path);

	/* Still failing the second time: nothing was kept. */
	assert_int_not_equal(build(p, "-k", log, sizeof(log)), 0);
	assert_non_null(strstr(log, "fail b.o"));
}

static void
test_warnings_replayed(void **state)
{
	struct proj *p = *state;
	char log[1024];
	char *msg, *path;

	write_text(p->src, "c.c",
		   "int b(void);\nint main(void) { int unused; "
		   "return b() == 80 ? 0 : 1; }\n");
	assert_int_equal(
		build(p, "CFLAGS_c=-Wunused-variable", log, sizeof(log)), 0);
	assert_int_equal(
		build(p, "CFLAGS_c=-Wunused-variable", log, sizeof(log)), 0);
	assert_non_null(strstr(log, "hit c.o"));
	path = xasprintf("%s/out2.make", p->top);
	msg = fx_read_file(path, NULL);
	assert_non_null(msg);
	assert_non_null(strstr(msg, "unused variable"));
	free(msg);
	free(path);
}

/* A compiler that notes its arguments, then runs gcc. */
static void
logging_compiler(struct proj *p)
{
	char *text = xasprintf("#!/bin/sh\necho \"$*\" >>%s/cc.args\n"
			       "exec gcc \"$@\"\n",
			       p->top);

	write_text(p->top, "logcc", text);
	free(text);
	snprintf(p->cc, sizeof(p->cc), "%s/logcc", p->top);
	assert_int_equal(chmod(p->cc, 0755), 0);
}

static int
count_lines(struct proj *p, const char *needle)
{
	char *path = xasprintf("%s/cc.args", p->top);
	char *text = fx_read_file(path, NULL);
	int n = 0;

	for (char *line = text; line != NULL && *line != '\0';) {
		char *end = strchr(line, '\n');

		if (end != NULL)
			*end = '\0';
		n += strstr(line, needle) != NULL;
		line = end != NULL ? end + 1 : NULL;
	}
	free(text);
	unlink(path); /* each build's arguments apart */
	free(path);
	return n;
}

static void
test_direct_hits_skip_preprocessor(void **state)
{
	struct proj *p = *state;
	char log[1024];
	char *dep, *text;

	logging_compiler(p);
	assert_int_equal(build(p, "", log, sizeof(log)), 0);
	assert_int_equal(count_lines(p, " -E"), 3);

	/* Unchanged inputs: no preprocessor, no compiler at all. */
	assert_int_equal(build(p, "", log, sizeof(log)), 0);
	assert_string_equal(log, "hit a.o\nhit b.o\nhit c.o\n");
	assert_int_equal(count_lines(p, " -E"), 0);
	assert_int_equal(count_lines(p, " -c"), 0);
	dep = xasprintf("%s/out2/b.d", p->top);
	text = fx_read_file(dep, NULL);
	assert_non_null(text);
	assert_non_null(strstr(text, "shared.h"));
	free(text);
	free(dep);

	/* A header changed: those two are checked by the preprocessor. */
	write_text(p->src, "shared.h", "#define SHARED (40)\n");
	assert_int_equal(build(p, "", log, sizeof(log)), 0);
	assert_string_equal(log, "hit c.o\nmiss a.o\nmiss b.o\n");
	assert_int_equal(count_lines(p, " -E"), 2);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_rebuild_hits_identical,
						setup, teardown),
		cmocka_unit_test_setup_teardown(
			test_header_change_recompiles_dependents, setup,
			teardown),
		cmocka_unit_test_setup_teardown(test_flag_change_recompiles_one,
						setup, teardown),
		cmocka_unit_test_setup_teardown(
			test_broken_source_fails_uncached, setup, teardown),
		cmocka_unit_test_setup_teardown(test_warnings_replayed, setup,
						teardown),
		cmocka_unit_test_setup_teardown(
			test_direct_hits_skip_preprocessor, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
