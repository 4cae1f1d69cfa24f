/*
 * The revision of the OS sources a build used.
 *
 * In a git work tree it is the HEAD commit plus, when anything under the
 * watched folders differs from it (staged, unstaged or untracked, ignored
 * files aside), a digest of those changes: a dirty tree never passes for
 * its commit, and two different dirty states never pass for each other.
 * Outside a repository it is a digest of every file under those folders.
 */
#ifndef FX_BUILDER_REVISION_H
#define FX_BUILDER_REVISION_H

#include <stddef.h>

#include "sha256.h"

struct bld_revision {
	char commit[41];		/* HEAD's id; "" outside a repository */
	char dirty[SHA256_HEX_LEN + 1]; /* digest of changes; "" if clean */
	int nchanged;			/* changed, added or removed files */
	char id[128]; /* COMMIT, COMMIT+dirty.HASH or tree.HASH */
};

/**
 * The revision of @srcdir (the top of the source tree), looking at the
 * folders @paths (relative to it, NULL-terminated).  Returns 0, or -1
 * with a message in @msg when the repository cannot be read.
 */
int bld_revision_get(const char *srcdir, const char *const *paths,
		     struct bld_revision *rev, char *msg, size_t msglen);

#endif /* FX_BUILDER_REVISION_H */
