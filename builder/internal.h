/*
 * What the builder's own files share: the context and the steps of one
 * build that live in files of their own.
 */
#ifndef FX_BUILDER_INTERNAL_H
#define FX_BUILDER_INTERNAL_H

#include "../gates/gen.h"
#include "../util/util.h"
#include "builder.h"
#include "ccid.h"
#include "proc.h"
#include "revision.h"

struct bld_ctx {
	const struct cs_space *sp;
	struct bld_options opts;
	int cores;	/* of this host */
	int make_jobs;	/* make -j of one build */
	char *srcdir;	/* the source tree, resolved */
	char *osdir;	/* srcdir/os */
	char *builds;	/* FX_HOME/builds */
	char *cachedir; /* FX_HOME/cache/objects */
	char *iddir;	/* compiler identities */
	char *fxcc;
	char *make;
	char *make_version;
	struct cc_ident cc;
	struct cc_ident clang; /* path NULL until a build needs it */
	struct bld_revision rev;
	struct bld_backend *backend;
};

/** Fill the hash and the paths of @cfg's build into @r. */
void bld_result_paths(const struct bld_ctx *ctx, const struct cs_config *cfg,
		      struct bld_result *r);

/** Count compiled and cached objects from the build's cache log. */
void bld_count_objects(struct bld_result *r);

/** Fill r->reason and r->component from the logs of a failed build. */
void bld_explain_failure(const struct bld_ctx *ctx, const struct gen_image *img,
			 const struct proc_status *st, struct bld_result *r);

/**
 * Write r->manifest: the provenance of the image in r->image, whose
 * digest is r->digest.  Returns 0, or -1 with errno set.
 */
int bld_write_manifest(const struct bld_ctx *ctx, const struct gen_image *img,
		       const char *name, const char *key,
		       const struct bld_result *r);

#endif /* FX_BUILDER_INTERNAL_H */
