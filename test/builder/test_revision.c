/*
 * Source revisions in a scratch git repository: a clean tree is its
 * commit; any change under the watched folders, untracked files included,
 * gives another revision; changes elsewhere and ignored files do not.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "../../builder/fsutil.h"
#include "../../builder/revision.h"
#include "../../util/util.h"

static const char *const watched[] = {"os", "gates", NULL};

static char top[64];

static void
put(const char *rel, const char *text)
{
	char *path = xasprintf("%s/%s", top, rel);
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	free(path);
}

static void
sh(const char *cmd)
{
	char *full = xasprintf("cd %s && %s >/dev/null 2>&1", top, cmd);

	assert_int_equal(system(full), 0);
	free(full);
}

static void
revision(struct bld_revision *rev)
{
	char msg[256] = "";

	if (bld_revision_get(top, watched, rev, msg, sizeof(msg)) != 0)
		fail_msg("%s", msg);
}

static int
setup(void **state)
{
	(void)state;
	strcpy(top, "/tmp/fxrev.XXXXXX");
	assert_non_null(mkdtemp(top));
	sh("mkdir os gates other && git init -q .");
	put("os/a.c", "int a;\n");
	put("gates/g.c", "int g;\n");
	put("other/x.txt", "x\n");
	put(".gitignore", "*.o\n");
	sh("git add -A && git -c user.name=t -c user.email=t@t "
	   "commit -q -m init");
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	fs_remove_tree(top);
	return 0;
}

static void
test_clean_is_commit(void **state)
{
	struct bld_revision rev;

	(void)state;
	revision(&rev);
	assert_int_equal(strlen(rev.commit), 40);
	assert_string_equal(rev.dirty, "");
	assert_string_equal(rev.id, rev.commit);
	assert_int_equal(rev.nchanged, 0);
}

static void
test_changes_make_new_revisions(void **state)
{
	struct bld_revision clean, one, two, back, untracked;

	(void)state;
	revision(&clean);
	put("os/a.c", "int a = 1;\n");
	revision(&one);
	assert_string_equal(one.commit, clean.commit);
	assert_string_not_equal(one.id, clean.id);
	assert_non_null(strstr(one.id, "+dirty."));
	assert_int_equal(one.nchanged, 1);

	/* Another change is another revision; undoing it is the commit. */
	put("os/a.c", "int a = 2;\n");
	revision(&two);
	assert_string_not_equal(two.id, one.id);
	put("os/a.c", "int a;\n");
	revision(&back);
	assert_string_equal(back.id, clean.id);

	/* A new file nobody added yet counts too. */
	put("gates/new.c", "int n;\n");
	revision(&untracked);
	assert_string_not_equal(untracked.id, clean.id);
	assert_int_equal(untracked.nchanged, 1);
}

static void
test_ignored_and_outside_do_not_count(void **state)
{
	struct bld_revision clean, rev;

	(void)state;
	revision(&clean);
	put("other/x.txt", "changed\n");
	put("os/a.o", "object\n");
	revision(&rev);
	assert_string_equal(rev.id, clean.id);
}

static void
test_outside_git_digests_content(void **state)
{
	struct bld_revision a, b;

	(void)state;
	sh("rm -rf .git");
	revision(&a);
	assert_string_equal(a.commit, "");
	assert_true(strncmp(a.id, "tree.", 5) == 0);
	put("gates/g.c", "int g = 1;\n");
	revision(&b);
	assert_string_not_equal(a.id, b.id);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_clean_is_commit, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_changes_make_new_revisions,
						setup, teardown),
		cmocka_unit_test_setup_teardown(
			test_ignored_and_outside_do_not_count, setup, teardown),
		cmocka_unit_test_setup_teardown(
			test_outside_git_digests_content, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
