/*
 * The exports.api parser: what it accepts, and that every mistake is
 * reported with the file, the line and what was expected.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../../gates/api.h"
#include "../../gates/mkvars.h"

static void
test_parses_every_shape(void **state)
{
	const char *text =
		"# comment\n"
		"\n"
		"int net_listen(const char *host [in,str], int port);\n"
		"ssize_t net_recv(int fd, void *buf [out,size=len], size_t "
		"len);\n"
		"  int vfs_stat(const char *path [in,str], struct vfs_stat *st "
		"[out,size=sizeof(struct vfs_stat)]);\r\n"
		"void f(void);\n"
		"int g(struct x *h [opaque], char *s [inout,str], int *v "
		"[inout, size = n * sizeof(int)], int n);\n"
		"long h();\n";
	struct api_file f;
	char err[256] = "";
	const struct api_func *fn;

	(void)state;
	assert_int_equal(api_parse(text, "x.api", "x", &f, err, sizeof(err)),
			 0);
	assert_int_equal(f.nfuncs, 6);

	fn = api_find(&f, "net_recv");
	assert_non_null(fn);
	assert_int_equal(fn->line, 4);
	assert_string_equal(fn->ret, "ssize_t");
	assert_int_equal(fn->nparams, 3);
	assert_string_equal(fn->params[1].type, "void *");
	assert_string_equal(fn->params[1].name, "buf");
	assert_int_equal(fn->params[1].dir, API_OUT);
	assert_string_equal(fn->params[1].size, "len");
	assert_int_equal(fn->params[2].dir, API_SCALAR);

	fn = api_find(&f, "vfs_stat");
	assert_string_equal(fn->params[0].type, "const char *");
	assert_int_equal(fn->params[0].str, 1);
	assert_string_equal(fn->params[1].size, "sizeof(struct vfs_stat)");

	fn = api_find(&f, "f");
	assert_int_equal(fn->nparams, 0);
	assert_string_equal(fn->ret, "void");

	fn = api_find(&f, "g");
	assert_int_equal(fn->params[0].dir, API_OPAQUE);
	assert_int_equal(fn->params[1].dir, API_INOUT);
	assert_string_equal(fn->params[2].size, "n * sizeof(int)");
	assert_int_equal(api_find(&f, "h")->nparams, 0);
	assert_null(api_find(&f, "nope"));
	api_free(&f);
}

/* Each bad line, alone on line 2, and what the message must say. */
static const struct {
	const char *line;
	const char *expect;
} bad[] = {
	{"int f(int x)", "x.api:2: expected ';'"},
	{"int f;", "x.api:2: expected 'TYPE NAME(PARAMS);'"},
	{"int f(int x) extra;", "x.api:2: expected ')' before the final ';'"},
	{"f(int x);", "x.api:2: expected a return type"},
	{"char *f(int x);", "x.api:2: 'f' returns a pointer"},
	{"int f(char *p);", "x.api:2: pointer parameter 'p' of 'f' needs an "
			    "annotation"},
	{"int f(int n [in,size=4]);", "x.api:2: parameter 'n' of 'f' is not "
				      "a pointer"},
	{"int f(char *p [in]);", "x.api:2: parameter 'p' of 'f': expected "
				 "exactly one of size=EXPR or str"},
	{"int f(char *p [size=4]);", "x.api:2: parameter 'p' of 'f': "
				     "expected exactly one of in, out"},
	{"int f(char *p [in,out,size=4]);", "exactly one of in, out"},
	{"int f(char *p [out,str]);", "x.api:2: parameter 'p' of 'f': an "
				      "out buffer needs size=EXPR"},
	{"int f(char *p [opaque,size=3]);", "an opaque pointer takes no"},
	{"int f(char *p [in,bogus]);", "x.api:2: 'bogus' in the annotation "
				       "of 'p' of 'f'"},
	{"int f(char *p [in,str);", "x.api:2: parameter 'p' of 'f': "
				    "expected ']'"},
	{"int f(int (*cb)(int));", "x.api:2: parameter 'int (*cb)(int)' of "
				   "'f' is a function pointer"},
	{"int f(int x, ...);", "x.api:2: 'f' is variadic"},
	{"int f(int);", "x.api:2: parameter 'int' of 'f': expected a type "
			"and a name"},
	{"int f(int a, int a);", "x.api:2: 'f' has two parameters named 'a'"},
	{"int first(void);", "x.api:2: 'first' is declared twice"},
};

static void
test_bad_lines_name_file_and_line(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char text[256], err[256] = "";
		struct api_file f;

		snprintf(text, sizeof(text), "int first(void);\n%s\n",
			 bad[i].line);
		if (api_parse(text, "x.api", "x", &f, err, sizeof(err)) == 0)
			fail_msg("accepted '%s'", bad[i].line);
		if (strstr(err, bad[i].expect) == NULL)
			fail_msg("'%s': got '%s', expected '%s'", bad[i].line,
				 err, bad[i].expect);
	}
}

static void
test_load_missing_file(void **state)
{
	struct api_file f;
	char err[256] = "";

	(void)state;
	assert_int_equal(
		api_load("/nonexistent/exports.api", "x", &f, err, sizeof(err)),
		-1);
	assert_non_null(strstr(err, "/nonexistent/exports.api: cannot read"));
}

static void
test_mk_var(void **state)
{
	const char *mk = "COMP_SRCS := a.c \\\n\tb.c   # two files\n"
			 "COMP_SRCS_X := no\n"
			 "COMP_SYSCALLS = read\nCOMP_SYSCALLS += write  open\n"
			 "COMP_CFLAGS ?= -O1\nCOMP_CFLAGS ?= -O3\n";
	char *v;

	(void)state;
	v = mk_var(mk, "COMP_SRCS");
	assert_string_equal(v, "a.c b.c");
	free(v);
	v = mk_var(mk, "COMP_SYSCALLS");
	assert_string_equal(v, "read write open");
	free(v);
	v = mk_var(mk, "COMP_CFLAGS");
	assert_string_equal(v, "-O1");
	free(v);
	assert_null(mk_var(mk, "COMP_LDLIBS"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parses_every_shape),
		cmocka_unit_test(test_bad_lines_name_file_and_line),
		cmocka_unit_test(test_load_missing_file),
		cmocka_unit_test(test_mk_var),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
