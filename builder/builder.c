/*
 * One configuration into one image: generate, make with fxcc, record.
 */
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <libgen.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "../gates/gen.h"
#include "../util/log.h"
#include "../util/util.h"
#include "builder.h"
#include "ccid.h"
#include "fsutil.h"
#include "internal.h"
#include "pool.h"
#include "proc.h"
#include "revision.h"

/* Bump when what the builder adds to a build changes its output. */
#define BLD_FORMAT "flexexplore-build 1"

/* What the source revision watches: the OS and the gates. */
static const char *const watched[] = {"os", "gates", NULL};

/* A tool's name: the environment's choice, else the usual one. */
static const char *
tool(const char *env, const char *dflt)
{
	const char *v = getenv(env);

	return v != NULL && *v != '\0' ? v : dflt;
}

/* fxcc lives beside the flexexplore binary. */
static char *
find_fxcc(void)
{
	const char *env = getenv("FLEXEXPLORE_FXCC");
	char exe[PATH_MAX];
	ssize_t n;
	char *path;

	if (env != NULL && *env != '\0')
		return access(env, X_OK) == 0 ? realpath(env, NULL) : NULL;
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n <= 0)
		return NULL;
	exe[n] = '\0';
	path = xasprintf("%s/fxcc", dirname(exe));
	if (access(path, X_OK) == 0)
		return path;
	free(path);
	return NULL;
}

static void __attribute__((format(printf, 5, 6)))
open_fail(int *code, int value, char *msg, size_t msglen, const char *fmt, ...)
{
	va_list ap;

	*code = value;
	va_start(ap, fmt);
	vsnprintf(msg, msglen, fmt, ap);
	va_end(ap);
}

/* The make program and its version's first line. */
static int
find_make(struct bld_ctx *ctx, char *msg, size_t msglen)
{
	char *argv[] = {NULL, "--version", NULL};
	struct proc_opts o;
	struct proc_status st;
	struct strbuf out;

	ctx->make = proc_which(tool("FLEXEXPLORE_MAKE", "make"));
	if (ctx->make == NULL) {
		snprintf(msg, msglen,
			 "'make' not found in PATH (install build-essential)");
		return -1;
	}
	argv[0] = ctx->make;
	sb_init(&out);
	proc_opts_init(&o);
	o.out = &out;
	o.err_fd = -1;
	o.null_stdin = 1;
	o.timeout = 30;
	if (proc_run(argv, &o, &st) == 0)
		ctx->make_version = xstrndup(out.buf, strcspn(out.buf, "\n"));
	else
		ctx->make_version = xstrdup("unknown");
	sb_free(&out);
	return 0;
}

struct bld_ctx *
bld_open(const struct cs_space *sp, const struct bld_options *opts, int *code,
	 char *msg, size_t msglen)
{
	struct bld_ctx *ctx = xcalloc(1, sizeof(*ctx));
	const char *app = cs_space_app(sp);
	const char *home = fx_home();
	char rmsg[256];

	*code = FX_EXIT_OK;
	ctx->sp = sp;
	ctx->opts = *opts;
	if (ctx->opts.timeout <= 0)
		ctx->opts.timeout = BLD_DEFAULT_TIMEOUT;
	ctx->cores = pool_host_cores();
	if (ctx->opts.jobs <= 0)
		ctx->opts.jobs = ctx->cores;
	ctx->make_jobs = ctx->cores;

	if (app == NULL) {
		open_fail(code, FX_EXIT_USAGE, msg, msglen,
			  "space '%s' names no application to build (no "
			  "'build: app:' section)",
			  cs_space_name(sp));
		goto fail;
	}
	ctx->srcdir = realpath(fx_srcdir(), NULL);
	if (ctx->srcdir == NULL) {
		open_fail(code, FX_EXIT_ENV, msg, msglen,
			  "source tree '%s' not found", fx_srcdir());
		goto fail;
	}
	ctx->osdir = xasprintf("%s/os", ctx->srcdir);
	if (home == NULL) {
		open_fail(code, FX_EXIT_ENV, msg, msglen,
			  "cannot create the engine's home");
		goto fail;
	}
	ctx->builds = xasprintf("%s/builds", home);
	ctx->cachedir = xasprintf("%s/cache/objects", home);
	ctx->iddir = xasprintf("%s/cache/objects/compilers", home);
	if (fx_mkdirs(ctx->builds, 0755) != 0 ||
	    fx_mkdirs(ctx->cachedir, 0755) != 0) {
		open_fail(code, FX_EXIT_ENV, msg, msglen,
			  "cannot create the build folders under '%s'", home);
		goto fail;
	}
	ctx->fxcc = find_fxcc();
	if (ctx->fxcc == NULL) {
		open_fail(code, FX_EXIT_ENV, msg, msglen,
			  "the compiler wrapper fxcc is not beside this "
			  "flexexplore binary (run make, or set "
			  "FLEXEXPLORE_FXCC)");
		goto fail;
	}
	if (find_make(ctx, msg, msglen) != 0) {
		*code = FX_EXIT_ENV;
		goto fail;
	}
	if (cc_ident_get(tool("FLEXEXPLORE_CC", "gcc"), ctx->iddir, &ctx->cc,
			 msg, msglen) != 0) {
		*code = FX_EXIT_ENV;
		goto fail;
	}
	if (bld_revision_get(ctx->srcdir, watched, &ctx->rev, rmsg,
			     sizeof(rmsg)) != 0) {
		open_fail(code, FX_EXIT_ENV, msg, msglen, "%s", rmsg);
		goto fail;
	}
	log_debug("building from '%s' at revision %s", ctx->srcdir,
		  ctx->rev.id);
	return ctx;

fail:
	bld_close(ctx);
	return NULL;
}

void
bld_close(struct bld_ctx *ctx)
{
	if (ctx == NULL)
		return;
	if (ctx->backend != NULL)
		ctx->backend->free(ctx->backend);
	cc_ident_free(&ctx->cc);
	cc_ident_free(&ctx->clang);
	free(ctx->srcdir);
	free(ctx->osdir);
	free(ctx->builds);
	free(ctx->cachedir);
	free(ctx->iddir);
	free(ctx->fxcc);
	free(ctx->make);
	free(ctx->make_version);
	free(ctx);
}

const char *
bld_revision_id(const struct bld_ctx *ctx)
{
	return ctx->rev.id;
}

/*
 * The first option of @cfg that needs clang (@lto: that links with lld),
 * or NULL; *comp gets the component carrying it.
 */
static const struct gen_hardening *
llvm_option(const struct bld_ctx *ctx, const struct cs_config *cfg, int lto,
	    int *comp)
{
	const struct cs_space *sp = ctx->sp;

	for (int c = 0; c < cs_space_ncomponents(sp); c++) {
		for (int o = 0; o < cs_space_noptions(sp); o++) {
			const struct gen_hardening *h;

			if (!cs_config_has(sp, cfg, c, o))
				continue;
			h = gen_hardening(cs_space_option(sp, o));
			if (h != NULL && (lto ? h->lto : h->clang || h->lto)) {
				*comp = c;
				return h;
			}
		}
	}
	return NULL;
}

static const struct gen_hardening *
needs_llvm(const struct bld_ctx *ctx, const struct cs_config *cfg, int *comp)
{
	return llvm_option(ctx, cfg, 0, comp);
}

int
bld_check(struct bld_ctx *ctx, const struct cs_config *cfg, char *msg,
	  size_t msglen)
{
	const struct gen_hardening *h;
	const char *clang = tool("FLEXEXPLORE_CLANG", "clang");
	char *lld;
	int c;

	h = needs_llvm(ctx, cfg, &c);
	if (h == NULL)
		return FX_EXIT_OK;
	if (ctx->clang.path == NULL &&
	    cc_ident_get(clang, ctx->iddir, &ctx->clang, msg, msglen) != 0) {
		snprintf(msg, msglen,
			 "hardening '%s' of component '%s' needs clang, and "
			 "'%s' is not installed (install clang, or set "
			 "FLEXEXPLORE_CLANG)",
			 h->name, cs_space_component(ctx->sp, c), clang);
		return FX_EXIT_ENV;
	}
	h = llvm_option(ctx, cfg, 1, &c);
	if (h == NULL)
		return FX_EXIT_OK;
	lld = proc_which(tool("LLD", "ld.lld"));
	if (lld == NULL) {
		snprintf(msg, msglen,
			 "hardening '%s' of component '%s' links with lld, "
			 "and 'ld.lld' is not installed (install lld)",
			 h->name, cs_space_component(ctx->sp, c));
		return FX_EXIT_ENV;
	}
	free(lld);
	return FX_EXIT_OK;
}

/* Copy @s into @dst of @len bytes, cut short when it does not fit. */
static void
set_str(char *dst, size_t len, const char *s)
{
	size_t n = strlen(s);

	if (n >= len)
		n = len - 1;
	memcpy(dst, s, n);
	dst[n] = '\0';
}

static void
set_path(char *dst, size_t len, const char *dir, const char *name)
{
	char *p = xasprintf("%s/%s", dir, name);

	set_str(dst, len, p);
	free(p);
}

static void __attribute__((format(printf, 2, 3)))
set_reason(struct bld_result *r, const char *fmt, ...)
{
	struct strbuf sb;
	va_list ap;

	sb_init(&sb);
	va_start(ap, fmt);
	sb_vaddf(&sb, fmt, ap);
	va_end(ap);
	set_str(r->reason, sizeof(r->reason), sb.buf);
	sb_free(&sb);
}

void
bld_toolchain(struct bld_ctx *ctx, const struct cs_config *cfg, char *buf,
	      size_t len)
{
	char msg[256];
	int c;
	struct strbuf sb;

	sb_init(&sb);
	sb_addf(&sb, "%s #%.12s", ctx->cc.version, ctx->cc.key);
	if (needs_llvm(ctx, cfg, &c) != NULL &&
	    (ctx->clang.path != NULL ||
	     bld_check(ctx, cfg, msg, sizeof(msg)) == FX_EXIT_OK))
		sb_addf(&sb, "; %s #%.12s", ctx->clang.version, ctx->clang.key);
	set_str(buf, len, sb.buf);
	sb_free(&sb);
}

/* Folder, image, manifest and log paths of @hash. */
static void
fill_paths(const struct bld_ctx *ctx, const char *hash, struct bld_result *r)
{
	set_str(r->hash, sizeof(r->hash), hash);
	set_path(r->dir, sizeof(r->dir), ctx->builds, hash);
	set_path(r->image, sizeof(r->image), r->dir, "image");
	set_path(r->manifest, sizeof(r->manifest), r->dir, "manifest.json");
	set_path(r->log, sizeof(r->log), r->dir, "build.log");
	set_str(r->revision, sizeof(r->revision), ctx->rev.id);
}

void
bld_result_paths(const struct bld_ctx *ctx, const struct cs_config *cfg,
		 struct bld_result *r)
{
	char hash[CS_HASH_LEN + 1];

	cs_hash(ctx->sp, cfg, hash);
	fill_paths(ctx, hash, r);
}

/*
 * The build key: everything an image depends on besides its own files.
 * An image built under the same key is current.
 */
static void
build_key(const struct bld_ctx *ctx, const char *name, int llvm,
	  char key[SHA256_HEX_LEN + 1])
{
	struct sha256 s;

	sha256_init(&s);
	sha256_field(&s, BLD_FORMAT);
	sha256_field(&s, cs_space_app(ctx->sp));
	sha256_field(&s, name);
	sha256_field(&s, ctx->rev.id);
	sha256_field(&s, ctx->cc.key);
	sha256_field(&s, llvm ? ctx->clang.key : "-");
	sha256_final_hex(&s, key);
}

/* The string value of "field" in a manifest we wrote, into @out. */
static int
manifest_field(const char *text, const char *field, char *out, size_t len)
{
	char *pat = xasprintf("\"%s\": \"", field);
	const char *p = strstr(text, pat);
	size_t n;

	free(pat);
	if (p == NULL)
		return -1;
	p = strchr(p, ':') + 3;
	n = strcspn(p, "\"");
	if (n >= len)
		return -1;
	memcpy(out, p, n);
	out[n] = '\0';
	return 0;
}

/* Whether the folder holds an image built under @key, intact. */
static int
up_to_date(struct bld_result *r, const char *key)
{
	char *text = fx_read_file(r->manifest, NULL);
	char old[SHA256_HEX_LEN + 1], digest[SHA256_HEX_LEN + 1];
	int ok = 0;

	if (text == NULL)
		return 0;
	if (manifest_field(text, "build_key", old, sizeof(old)) == 0 &&
	    strcmp(old, key) == 0 &&
	    manifest_field(text, "image_sha256", digest, sizeof(digest)) == 0 &&
	    sha256_file_hex(r->image, r->digest) == 0 &&
	    strcmp(digest, r->digest) == 0)
		ok = 1;
	free(text);
	return ok;
}

static int
run_make(struct bld_ctx *ctx, const struct bld_result *r, int llvm,
	 const char *goal, struct proc_status *st)
{
	char *cachelog = xasprintf("%s/cache.log", r->dir);
	char *build = xasprintf("BUILD=%s", r->dir);
	char *jobs = xasprintf("-j%d", ctx->make_jobs);
	char *cc = xasprintf("CC=%s %s", ctx->fxcc, ctx->cc.path);
	char *clang =
		llvm ? xasprintf("CLANG=%s %s", ctx->fxcc, ctx->clang.path)
		     : NULL;
	char *argv[10];
	char *env[] = {
		xasprintf("FXCC_CACHE=%s", ctx->cachedir),
		xasprintf("FXCC_LOG=%s", cachelog),
		xasprintf("FXCC_MAP=%s=/fxbuild;%s=/fxsrc", r->dir,
			  ctx->srcdir),
		"LC_ALL=C",
		"MAKEFLAGS",
		"MAKELEVEL",
		"MFLAGS",
		NULL,
	};
	struct proc_opts o;
	int n = 0, fd, rc;

	argv[n++] = ctx->make;
	argv[n++] = "--no-print-directory";
	argv[n++] = "-C";
	argv[n++] = ctx->osdir;
	argv[n++] = build;
	argv[n++] = jobs;
	argv[n++] = cc;
	if (clang != NULL)
		argv[n++] = clang;
	if (goal != NULL)
		argv[n++] = (char *)goal;
	argv[n] = NULL;

	/* The log and the cache's account start afresh with each build. */
	if (goal == NULL)
		unlink(cachelog);
	fd = open(r->log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
	if (fd < 0) {
		rc = -1;
		goto out;
	}
	proc_opts_init(&o);
	o.env = env;
	o.out_fd = fd;
	o.err_fd = fd;
	o.null_stdin = 1;
	o.new_group = 1;
	o.timeout = ctx->opts.timeout;
	dprintf(fd, "# make -C %s %s %s %s%s%s\n", ctx->osdir, build, jobs, cc,
		goal != NULL ? " " : "", goal != NULL ? goal : "");
	rc = proc_run(argv, &o, st);
	close(fd);
out:
	for (int i = 0; i < 3; i++)
		free(env[i]);
	free(cachelog);
	free(build);
	free(jobs);
	free(cc);
	free(clang);
	return rc;
}

static void
finish_result(struct bld_result *r, double start)
{
	r->seconds = fx_now() - start;
}

/* Generate the folder; the image description stays for the manifest. */
static int
generate(struct bld_ctx *ctx, const struct cs_config *cfg,
	 struct gen_image *img, struct bld_result *r)
{
	char err[512];

	memset(img, 0, sizeof(*img));
	if (gen_image_from_config(img, ctx->sp, cfg, ctx->srcdir, err,
				  sizeof(err)) != 0 ||
	    gen_write(img, r->dir, err, sizeof(err)) != 0) {
		set_reason(r, "generating: %s", err);
		gen_image_free(img);
		return -1;
	}
	return 0;
}

static int
lock_folder(const char *dir)
{
	char *path = xasprintf("%s/.lock", dir);
	int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);

	free(path);
	if (fd >= 0 && flock(fd, LOCK_EX) != 0) {
		close(fd);
		fd = -1;
	}
	return fd;
}

/*
 * The sources may have changed since bld_open(): each build records the
 * revision it starts from.
 */
static void
refresh_revision(struct bld_ctx *ctx)
{
	struct bld_revision rev;
	char msg[256];

	if (bld_revision_get(ctx->srcdir, watched, &rev, msg, sizeof(msg)) !=
	    0) {
		log_warnx("keeping revision %s: %s", ctx->rev.id, msg);
		return;
	}
	if (strcmp(rev.id, ctx->rev.id) != 0) {
		log_warnx("the sources changed meanwhile: revision %s, not %s",
			  rev.id, ctx->rev.id);
		ctx->rev = rev;
	}
}

/* Objects of a finished build: Make's, which the cache also holds. */
static void
prune_objects(const char *dir)
{
	static const char *const subdirs[] = {"obj", "core"};
	char *pattern = xasprintf("%s/fxc_*.o", dir);
	glob_t g;

	for (size_t i = 0; i < FX_ARRAY_LEN(subdirs); i++) {
		char *path = xasprintf("%s/%s", dir, subdirs[i]);

		fs_remove_tree(path);
		free(path);
	}
	if (glob(pattern, 0, NULL, &g) == 0) {
		for (size_t i = 0; i < g.gl_pathc; i++)
			unlink(g.gl_pathv[i]);
		globfree(&g);
	}
	free(pattern);
}

int
bld_build(struct bld_ctx *ctx, const struct cs_config *cfg,
	  struct bld_result *r)
{
	double start = fx_now();
	struct strbuf name;
	struct gen_image img;
	struct proc_status st;
	char key[SHA256_HEX_LEN + 1], msg[512];
	int llvm, lock, rc = 1, dummy;

	memset(r, 0, sizeof(*r));
	refresh_revision(ctx);
	bld_result_paths(ctx, cfg, r);
	bld_toolchain(ctx, cfg, r->toolchain, sizeof(r->toolchain));
	if (bld_check(ctx, cfg, msg, sizeof(msg)) != FX_EXIT_OK) {
		r->exit_code = FX_EXIT_ENV;
		set_reason(r, "%s", msg);
		finish_result(r, start);
		return -1;
	}
	llvm = needs_llvm(ctx, cfg, &dummy) != NULL;
	sb_init(&name);
	cs_name(ctx->sp, cfg, &name);
	build_key(ctx, name.buf, llvm, key);

	/* One build of a folder at a time, across processes too. */
	if (fx_mkdirs(r->dir, 0755) != 0 || (lock = lock_folder(r->dir)) < 0) {
		set_reason(r, "cannot create the build folder '%s': %s", r->dir,
			   strerror(errno));
		r->exit_code = FX_EXIT_ENV;
		sb_free(&name);
		finish_result(r, start);
		return -1;
	}

	if (!ctx->opts.force && up_to_date(r, key)) {
		r->ok = r->up_to_date = 1;
		rc = 0;
		log_debug("'%s' is up to date", name.buf);
		goto out;
	}

	unlink(r->manifest);
	if (generate(ctx, cfg, &img, r) != 0)
		goto out;
	/*
	 * Always from an empty folder: the object cache, keyed by content,
	 * decides what is compiled, never file times (a tree copied with
	 * old times, a new compiler, a revision checked out).
	 */
	unlink(r->log);
	if (run_make(ctx, r, llvm, "clean", &st) < 0 ||
	    run_make(ctx, r, llvm, NULL, &st) < 0) {
		set_reason(r, "cannot run make: %s", strerror(errno));
		gen_image_free(&img);
		goto out;
	}
	bld_count_objects(r);
	if (st.timed_out || !st.exited || st.code != 0 ||
	    sha256_file_hex(r->image, r->digest) != 0) {
		r->timed_out = st.timed_out;
		bld_explain_failure(ctx, &img, &st, r);
		log_debug("build of '%s' failed: %s", name.buf, r->reason);
	} else {
		finish_result(r, start);
		if (bld_write_manifest(ctx, &img, name.buf, key, r) == 0) {
			r->ok = 1;
			rc = 0;
			if (ctx->opts.prune)
				prune_objects(r->dir);
		} else {
			set_reason(r, "cannot write '%s': %s", r->manifest,
				   strerror(errno));
		}
	}
	gen_image_free(&img);
out:
	close(lock);
	sb_free(&name);
	finish_result(r, start);
	if (r->ok && !r->up_to_date)
		log_debug("built '%s' in %.2f s: %d compiled, %d from cache",
			  r->hash, r->seconds, r->compiled, r->from_cache);
	return rc;
}
