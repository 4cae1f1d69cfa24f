/*
 * builder: configurations of an application into runnable images.
 *
 * Each configuration gets its own build folder, FX_HOME/builds/HASH/,
 * written by the gate generator and built by os/Makefile, with the
 * caching compiler wrapper fxcc as the compiler: an object is compiled
 * once for a given preprocessed input, flags and compiler, whichever
 * configuration asks for it first.  A configuration whose image is up to
 * date (same build key: name, source revision, compilers, builder) is not
 * built again at all.  Beside the image lies manifest.json, its
 * provenance.
 *
 * Several builds run at once through a backend: the local one forks a
 * worker per build, sized from the host's cores; a remote backend (Slurm)
 * can implement the same few functions.
 *
 * A failed build is a result, never a stop: ok is 0 and reason says which
 * component failed and the compiler's first error; the log is kept.
 */
#ifndef FX_BUILDER_H
#define FX_BUILDER_H

#include <limits.h>

#include "../configspace/configspace.h"
#include "sha256.h"

struct bld_ctx; /* opaque */

struct bld_options {
	int jobs;	/* builds at once; 0: the host's cores */
	double timeout; /* seconds per build; 0: BLD_DEFAULT_TIMEOUT */
	int force;	/* build even when the image is up to date */
	int prune;	/* after a build, drop the folder's objects (the
			   object cache keeps them): image, manifest, logs
			   and generated files stay */
};

#define BLD_DEFAULT_TIMEOUT 600.0

struct bld_result {
	int ok;		/* an image was produced (or was up to date) */
	int up_to_date; /* nothing was built: the image was current */
	int timed_out;
	int exit_code; /* FX_EXIT_ENV for a missing tool, else 0 */
	char hash[CS_HASH_LEN + 1];
	char dir[PATH_MAX];		 /* the build folder */
	char image[PATH_MAX];		 /* the image, when ok */
	char manifest[PATH_MAX];	 /* its manifest.json, when ok */
	char log[PATH_MAX];		 /* what Make and the compilers said */
	char digest[SHA256_HEX_LEN + 1]; /* SHA-256 of the image */
	char revision[128];		 /* source revision the build used */
	char toolchain[256];		 /* see bld_toolchain() */
	char component[64]; /* the component that failed, when known */
	char reason[512];   /* why it failed, one line */
	double seconds;	    /* wall time of this build */
	int compiled;	    /* objects compiled */
	int from_cache;	    /* objects taken from the object cache */
};

/**
 * Prepare to build configurations of @sp's application from the source
 * tree fx_srcdir() into fx_home().  Reads the source revision and the
 * compilers' identities once.  Returns the context, or NULL with a
 * message in @msg and an fx_exit code in *code (FX_EXIT_USAGE: the space
 * names no buildable application; FX_EXIT_ENV: no make, no compiler, no
 * home, no fxcc).  @sp must outlive the context.
 */
struct bld_ctx *bld_open(const struct cs_space *sp,
			 const struct bld_options *opts, int *code, char *msg,
			 size_t msglen);
void bld_close(struct bld_ctx *ctx);

/**
 * The source revision when the context was opened.  Each build reads it
 * again as it starts and records the one it used in its result (a
 * warning says when it changed).
 */
const char *bld_revision_id(const struct bld_ctx *ctx);

/**
 * The toolchain that builds @cfg, as one line for keying results: each
 * compiler's version line and the start of its identity digest, e.g.
 * "gcc (Debian 12.2.0-14) 12.2.0 #13837ef16054", then "; clang ..." when
 * the configuration's hardening needs clang.  Written into @buf.
 */
void bld_toolchain(struct bld_ctx *ctx, const struct cs_config *cfg, char *buf,
		   size_t len);

/**
 * Whether @cfg can be built here: every compiler its hardening needs is
 * installed.  Returns FX_EXIT_OK, or FX_EXIT_ENV with a message in @msg.
 */
int bld_check(struct bld_ctx *ctx, const struct cs_config *cfg, char *msg,
	      size_t msglen);

/**
 * Build one configuration in this process and fill @r.  Returns 0 when
 * the image is there (r->ok), 1 when the build failed or timed out (the
 * result says why), -1 on an environment error (r->exit_code set).
 */
int bld_build(struct bld_ctx *ctx, const struct cs_config *cfg,
	      struct bld_result *r);

/** Called as each build of bld_build_many() ends. */
typedef void (*bld_done_fn)(void *arg, int index, const struct bld_result *r);

/**
 * Build @n configurations, up to the context's jobs at once, through the
 * context's backend; results[i] is the result of cfgs[i].  Equal
 * configurations are built once.  @done (may be NULL) hears of each as
 * it ends.  Returns the number that failed.
 */
int bld_build_many(struct bld_ctx *ctx, const struct cs_config *cfgs, int n,
		   struct bld_result *results, bld_done_fn done, void *arg);

/*
 * The backend interface: how builds are run.  submit starts building
 * configuration @cfg as task @id; wait blocks until any task ends and
 * fills its result.  slots is how many may run at once.
 */
struct bld_backend {
	const char *name;
	int (*slots)(struct bld_backend *b);
	int (*submit)(struct bld_backend *b, struct bld_ctx *ctx, int id,
		      const struct cs_config *cfg);
	/* 0, or -1 when nothing is running */
	int (*wait)(struct bld_backend *b, int *id, struct bld_result *r);
	void (*free)(struct bld_backend *b);
	void *state;
};

/** The local backend: @slots forked workers. */
struct bld_backend *bld_backend_local(int slots);

/**
 * The launcher backend: @slots builds at once, each run as the command
 * "LAUNCHER flexexplore build --json ... CONFIG" (LAUNCHER split at
 * blanks, e.g. "srun -N1 -n1" for one Slurm job per build; empty: run
 * it here) and its result read from the JSON line it prints.  The home
 * and the source tree must have the same paths where the command runs.
 */
struct bld_backend *bld_backend_launcher(const char *launcher, int slots);

/** Use @b instead of the local backend (the context takes it over). */
void bld_set_backend(struct bld_ctx *ctx, struct bld_backend *b);

#endif /* FX_BUILDER_H */
