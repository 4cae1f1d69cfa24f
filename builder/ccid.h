/*
 * A compiler's identity: which binary it is and what it says it is.
 *
 * Object-cache keys and build provenance both name the compiler this way.
 * Asking a compiler for --version costs a process start, so the answer is
 * kept in a small file keyed by the binary's path, size, inode and
 * modification time: an upgraded compiler is a new identity.
 */
#ifndef FX_BUILDER_CCID_H
#define FX_BUILDER_CCID_H

#include "sha256.h"

struct cc_ident {
	char *name;		      /* as asked for ("gcc") */
	char *path;		      /* resolved, symbolic links followed */
	char *version;		      /* the first line of --version */
	char *full;		      /* the whole --version text */
	char key[SHA256_HEX_LEN + 1]; /* digest of path and full text */
};

/**
 * Identify compiler @cc (a name searched in PATH, or a path), keeping the
 * answer under @cachedir (created when missing; NULL: never kept).
 * Returns 0, or -1 with a message in @msg when the compiler cannot be
 * found or run.
 */
int cc_ident_get(const char *cc, const char *cachedir, struct cc_ident *id,
		 char *msg, size_t msglen);

void cc_ident_free(struct cc_ident *id);

#endif /* FX_BUILDER_CCID_H */
