/*
 * The gate generator on the isolation test application: what each file
 * of the build directory says for one and for two compartments, how
 * hardening reaches config.mk, and that an unchanged file is not touched.
 */
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

#include "../../gates/gen.h"
#include "../../util/util.h"

static char tmpdir[] = "/tmp/fxgen.XXXXXX";

static char *
slurp(const char *dir, const char *file)
{
	char *path = xasprintf("%s/%s", dir, file);
	char *text = fx_read_file(path, NULL);

	free(path);
	assert_non_null(text);
	return text;
}

static void
assert_contains(const char *text, const char *what)
{
	if (strstr(text, what) == NULL)
		fail_msg("expected '%s' in:\n%s", what, text);
}

static void
assert_lacks(const char *text, const char *what)
{
	if (strstr(text, what) != NULL)
		fail_msg("did not expect '%s' in:\n%s", what, text);
}

static void
generate(const char *placement, const char *mech, const char *dir,
	 const char *victim_harden)
{
	struct gen_image img;
	char err[512] = "";

	assert_int_equal(gen_image_from_placement(&img, "isolation",
						  fx_srcdir(), placement, mech,
						  err, sizeof(err)),
			 0);
	if (victim_harden != NULL) {
		int v = gen_image_component(&img, "victim");

		img.comps[v].harden[img.comps[v].nharden++] = victim_harden;
	}
	if (gen_write(&img, dir, err, sizeof(err)) != 0)
		fail_msg("%s", err);
	gen_image_free(&img);
}

static void
test_two_compartments(void **state)
{
	char *dir = xasprintf("%s/two", tmpdir);
	char *t;

	(void)state;
	generate("prober|victim", "proc", dir, NULL);

	t = slurp(dir, "syms/prober.syms");
	assert_contains(t, "victim_nop __fxg_victim_nop\n");
	assert_contains(t, "victim_fill __fxg_victim_fill\n");
	assert_lacks(t, "prober_echo");
	free(t);
	t = slurp(dir, "syms/victim.syms");
	assert_contains(t, "prober_echo __fxg_prober_echo\n");
	assert_lacks(t, "victim_nop");
	free(t);

	t = slurp(dir, "gates.c");
	assert_contains(t, "#include \"gate.h\"");
	assert_contains(t, "int __fxg_victim_sum(const unsigned char * buf, "
			   "int n)");
	assert_contains(t, "memcpy(fx_a->buf, buf, fx_n_buf);"); /* in */
	assert_contains(t, "fx_n_s = strlen(s) + 1;");		 /* str */
	assert_contains(t, "gate_rt_call(1, FXF_victim_nop, fx_a);");
	assert_contains(t, "gate_rt_call(0, FXF_prober_echo, fx_a);");
	assert_contains(t, ".mechanism = \"proc\"");
	assert_contains(t, ".entry = prober_main");
	assert_contains(t, ".name = \"victim\"");
	free(t);

	t = slurp(dir, "image.ld");
	assert_contains(t, ".fx.c1.text ALIGN(4096)");
	assert_contains(t, "*/fxc_victim.o(.text .text.*)");
	assert_contains(t, "INSERT AFTER .bss;");
	free(t);

	t = slurp(dir, "config.mk");
	assert_contains(t, "FX_MECH := proc\n");
	assert_contains(t, "FX_CPT_victim := 1\n");
	assert_contains(t, "FX_CPT_prober := 0\n");
	free(t);
	free(dir);
}

static void
test_one_compartment_has_no_gates(void **state)
{
	char *dir = xasprintf("%s/one", tmpdir);
	char *t;

	(void)state;
	generate("prober+victim", "proc", dir, NULL);
	t = slurp(dir, "syms/prober.syms");
	assert_string_equal(t, "");
	free(t);
	t = slurp(dir, "gates.c");
	assert_lacks(t, "__fxg_");
	assert_contains(t, ".mechanism = \"none\"");
	free(t);
	free(dir);
}

static void
test_hardening_flags(void **state)
{
	char *dir = xasprintf("%s/hard", tmpdir);
	char *t;

	(void)state;
	generate("prober|victim", "proc", dir, "sanitize");
	t = slurp(dir, "config.mk");
	assert_contains(t, "FX_HARDEN_victim := sanitize\n");
	assert_contains(t, "-fsanitize-undefined-trap-on-error");
	assert_contains(t, "FX_LDHARDEN := -fsanitize=address\n");
	assert_contains(t, "FX_HCFLAGS_prober :=\n");
	free(t);
	t = slurp(dir, "gates.c");
	assert_contains(t, "\"ioctl\""); /* the asan runtime's calls */
	free(t);

	generate("prober|victim", "proc", dir, "cfi");
	t = slurp(dir, "config.mk");
	assert_contains(t, "FX_CLANG_victim := 1\nFX_LTO_victim := 1\n");
	assert_contains(t, "-fsanitize=cfi");
	free(t);
	assert_null(gen_hardening("bogus"));
	free(dir);
}

static void
test_unchanged_files_are_not_rewritten(void **state)
{
	char *dir = xasprintf("%s/same", tmpdir);
	char *path = xasprintf("%s/gates.c", dir);
	struct stat a, b;

	(void)state;
	generate("prober|victim", "proc", dir, NULL);
	assert_int_equal(stat(path, &a), 0);
	sleep(1);
	generate("prober|victim", "proc", dir, NULL);
	assert_int_equal(stat(path, &b), 0);
	assert_int_equal(a.st_mtime, b.st_mtime);
	free(path);
	free(dir);
}

static void
test_bad_placements(void **state)
{
	static const struct {
		const char *placement;
		const char *expect;
	} bad[] = {
		{"prober", "leaves out 'victim'"},
		{"prober|victim|ghost", "component 'ghost' is not in the app"},
		{"prober+victim|victim", "'victim' is placed twice"},
	};
	struct gen_image img;
	char err[512];

	(void)state;
	for (size_t i = 0; i < FX_ARRAY_LEN(bad); i++) {
		err[0] = '\0';
		assert_int_equal(
			gen_image_from_placement(&img, "isolation", fx_srcdir(),
						 bad[i].placement, "proc", err,
						 sizeof(err)),
			-1);
		assert_contains(err, bad[i].expect);
		gen_image_free(&img);
	}
	assert_int_equal(gen_image_from_placement(&img, "nosuchapp",
						  fx_srcdir(), "a", "proc", err,
						  sizeof(err)),
			 -1);
	assert_contains(err, "no application 'nosuchapp'");
	gen_image_free(&img);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_two_compartments),
		cmocka_unit_test(test_one_compartment_has_no_gates),
		cmocka_unit_test(test_hardening_flags),
		cmocka_unit_test(test_unchanged_files_are_not_rewritten),
		cmocka_unit_test(test_bad_placements),
	};
	int rc;

	if (mkdtemp(tmpdir) == NULL)
		return 1;
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	if (fork() == 0)
		execlp("rm", "rm", "-rf", tmpdir, (char *)NULL);
	return rc;
}
