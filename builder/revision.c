/*
 * Source revision from libgit2, or a content digest outside git.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <git2.h>

#include "../util/util.h"
#include "revision.h"

#define DIGEST_SHOWN 12 /* hex digits of a digest in a revision id */

/* A file's state into the digest: its path, then its bytes or a mark. */
static void
hash_file(struct sha256 *s, const char *top, const char *rel)
{
	char *path = xasprintf("%s/%s", top, rel);
	char hex[SHA256_HEX_LEN + 1];
	struct stat sb;

	sha256_field(s, rel);
	if (lstat(path, &sb) != 0)
		sha256_field(s, "(removed)");
	else if (S_ISLNK(sb.st_mode))
		sha256_field(s, "(link)");
	else if (sha256_file_hex(path, hex) == 0)
		sha256_field(s, hex);
	else
		sha256_field(s, "(unreadable)");
	free(path);
}

static void
walk_tree(struct sha256 *s, const char *top, const char *rel, int *count)
{
	char *dir = xasprintf("%s/%s", top, rel);
	struct dirent **names;
	int n = scandir(dir, &names, NULL, alphasort);

	free(dir);
	for (int i = 0; i < n; i++) {
		const char *name = names[i]->d_name;
		char *sub, *abs;
		struct stat sb;

		if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0) {
			free(names[i]);
			continue;
		}
		sub = xasprintf("%s/%s", rel, name);
		abs = xasprintf("%s/%s", top, sub);
		if (lstat(abs, &sb) == 0 && S_ISDIR(sb.st_mode)) {
			walk_tree(s, top, sub, count);
		} else {
			hash_file(s, top, sub);
			(*count)++;
		}
		free(abs);
		free(sub);
		free(names[i]);
	}
	if (n >= 0)
		free(names);
}

static void
finish_id(struct bld_revision *rev, const char *prefix)
{
	if (rev->dirty[0] == '\0')
		snprintf(rev->id, sizeof(rev->id), "%s", rev->commit);
	else
		snprintf(rev->id, sizeof(rev->id), "%s%s%.*s", rev->commit,
			 prefix, DIGEST_SHOWN, rev->dirty);
}

static void
unversioned(const char *srcdir, const char *const *paths,
	    struct bld_revision *rev)
{
	struct sha256 s;

	sha256_init(&s);
	for (const char *const *p = paths; *p != NULL; p++)
		walk_tree(&s, srcdir, *p, &rev->nchanged);
	sha256_final_hex(&s, rev->dirty);
	finish_id(rev, "tree.");
}

static int
git_fail(const char *what, char *msg, size_t msglen)
{
	const git_error *e = git_error_last();

	snprintf(msg, msglen, "%s: %s", what, e != NULL ? e->message : "?");
	return -1;
}

/* Digest of every changed path under @paths, in path order. */
static int
hash_changes(git_repository *repo, const char *top, const char *const *paths,
	     struct bld_revision *rev, char *msg, size_t msglen)
{
	git_status_options opts;
	git_status_list *list;
	struct sha256 s;
	size_t n;
	int np = 0;

	git_status_options_init(&opts, GIT_STATUS_OPTIONS_VERSION);
	opts.show = GIT_STATUS_SHOW_INDEX_AND_WORKDIR;
	opts.flags = GIT_STATUS_OPT_INCLUDE_UNTRACKED |
		     GIT_STATUS_OPT_RECURSE_UNTRACKED_DIRS |
		     GIT_STATUS_OPT_EXCLUDE_SUBMODULES |
		     GIT_STATUS_OPT_SORT_CASE_SENSITIVELY;
	while (paths[np] != NULL)
		np++;
	opts.pathspec.strings = (char **)paths;
	opts.pathspec.count = (size_t)np;
	if (git_status_list_new(&list, repo, &opts) != 0)
		return git_fail("cannot read the status of the work tree", msg,
				msglen);

	n = git_status_list_entrycount(list);
	sha256_init(&s);
	for (size_t i = 0; i < n; i++) {
		const git_status_entry *e = git_status_byindex(list, i);
		const git_diff_delta *d = e->index_to_workdir != NULL
						  ? e->index_to_workdir
						  : e->head_to_index;

		if (d == NULL || e->status == GIT_STATUS_CURRENT)
			continue;
		hash_file(&s, top, d->new_file.path);
		rev->nchanged++;
	}
	git_status_list_free(list);
	if (rev->nchanged > 0)
		sha256_final_hex(&s, rev->dirty);
	return 0;
}

int
bld_revision_get(const char *srcdir, const char *const *paths,
		 struct bld_revision *rev, char *msg, size_t msglen)
{
	git_repository *repo = NULL;
	git_oid head;
	int rc;

	memset(rev, 0, sizeof(*rev));
	git_libgit2_init();
	rc = git_repository_open_ext(&repo, srcdir,
				     GIT_REPOSITORY_OPEN_NO_SEARCH, NULL);
	if (rc == GIT_ENOTFOUND) {
		unversioned(srcdir, paths, rev);
		git_libgit2_shutdown();
		return 0;
	}
	if (rc != 0) {
		rc = git_fail("cannot open the source repository", msg, msglen);
		goto out;
	}

	/* An unborn branch has no commit: every file is a change. */
	if (git_reference_name_to_id(&head, repo, "HEAD") == 0)
		git_oid_tostr(rev->commit, sizeof(rev->commit), &head);
	rc = hash_changes(repo, git_repository_workdir(repo), paths, rev, msg,
			  msglen);
	if (rc == 0)
		finish_id(rev, "+dirty.");
out:
	git_repository_free(repo);
	git_libgit2_shutdown();
	return rc;
}
