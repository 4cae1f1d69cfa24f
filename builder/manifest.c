/*
 * After make: object counts, the reason of a failure, the manifest.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "../util/log.h"
#include "fsutil.h"
#include "internal.h"

/* fxcc names the build folder and the source tree this way. */
#define MAPPED_BUILD "/fxbuild/"

/* Per component of the image: objects compiled and taken from cache. */
struct comp_count {
	int compiled;
	int cached;
	char *cflags; /* of its first object, paths mapped */
};

/*
 * The component an object belongs to, from its path in the build
 * folder: obj/COMP/... for components, core/... for the trusted core.
 * Returns the name's length (0 when unknown) and its start in *name.
 */
static size_t
object_component(const char *obj, const char **name)
{
	const char *p;

	if (strncmp(obj, MAPPED_BUILD, strlen(MAPPED_BUILD)) != 0)
		return 0;
	p = obj + strlen(MAPPED_BUILD);
	if (strncmp(p, "obj/", 4) == 0) {
		*name = p + 4;
		return strcspn(p + 4, "/");
	}
	if (strncmp(p, "core/", 5) == 0) {
		*name = "core";
		return 4;
	}
	return 0;
}

typedef void (*cache_line_fn)(void *arg, const char *event, const char *obj,
			      const char *flags);

/* Each "EVENT KEY OBJECT SOURCE FLAGS..." line of the build's cache log. */
static void
scan_cache_log(const char *dir, cache_line_fn fn, void *arg)
{
	char *path = xasprintf("%s/cache.log", dir);
	char *text = fx_read_file(path, NULL);
	char *save = NULL;

	free(path);
	if (text == NULL)
		return;
	for (char *line = strtok_r(text, "\n", &save); line != NULL;
	     line = strtok_r(NULL, "\n", &save)) {
		char event[8], obj[PATH_MAX];
		int flags = 0;

		if (sscanf(line, "%7s %*s %4095s %*s %n", event, obj, &flags) >=
		    2)
			fn(arg, event, obj, flags > 0 ? line + flags : "");
	}
	free(text);
}

static void
count_line(void *arg, const char *event, const char *obj, const char *flags)
{
	struct bld_result *r = arg;

	(void)obj;
	(void)flags;
	if (strcmp(event, "miss") == 0)
		r->compiled++;
	else if (strcmp(event, "hit") == 0)
		r->from_cache++;
}

void
bld_count_objects(struct bld_result *r)
{
	r->compiled = r->from_cache = 0;
	scan_cache_log(r->dir, count_line, r);
}

struct first_fail {
	char component[64];
};

static void
fail_line(void *arg, const char *event, const char *obj, const char *flags)
{
	struct first_fail *f = arg;
	const char *name;
	size_t n;

	(void)flags;
	if (strcmp(event, "fail") != 0 || f->component[0] != '\0')
		return;
	n = object_component(obj, &name);
	if (n > 0 && n < sizeof(f->component))
		snprintf(f->component, sizeof(f->component), "%.*s", (int)n,
			 name);
}

/* @line with the source tree's and build folder's prefixes dropped. */
static void
shorten(const struct bld_ctx *ctx, const struct bld_result *r, const char *line,
	size_t n, char *out, size_t len)
{
	const char *prefixes[] = {r->dir, ctx->srcdir, "/fxbuild", "/fxsrc"};
	struct strbuf sb;

	sb_init(&sb);
	sb_add(&sb, line, n);
	for (size_t i = 0; i < FX_ARRAY_LEN(prefixes); i++) {
		size_t k = strlen(prefixes[i]);
		char *hit;

		while ((hit = strstr(sb.buf, prefixes[i])) != NULL &&
		       hit[k] == '/')
			memmove(hit, hit + k + 1, strlen(hit + k + 1) + 1);
	}
	snprintf(out, len, "%s", sb.buf);
	sb_free(&sb);
}

/* The first line of @text that holds one of @needles, or NULL. */
static const char *
first_line_with(const char *text, const char *const *needles, size_t *len)
{
	for (const char *p = text; *p != '\0';) {
		size_t n = strcspn(p, "\n");

		for (const char *const *k = needles; *k != NULL; k++) {
			const char *hit = strstr(p, *k);

			if (hit != NULL && hit < p + n) {
				*len = n;
				return p;
			}
		}
		p += n + (p[n] == '\n');
	}
	return NULL;
}

/*
 * The component a link error is about: the fxc_COMP.o its line, or the
 * line before (ld's "in function" line), names.
 */
static void
link_component(const char *log, const char *line, char *out, size_t len)
{
	const char *from = line, *hit;
	size_t n;

	/* Start of the previous line. */
	if (from > log)
		for (from--; from > log && from[-1] != '\n'; from--)
			;
	hit = strstr(from, "fxc_");
	if (hit == NULL || hit > line + strcspn(line, "\n"))
		return;
	n = strcspn(hit + 4, ".\n");
	if (n > 0 && n < len && hit[4 + n] == '.')
		snprintf(out, len, "%.*s", (int)n, hit + 4);
}

void
bld_explain_failure(const struct bld_ctx *ctx, const struct gen_image *img,
		    const struct proc_status *st, struct bld_result *r)
{
	static const char *const compile_errors[] = {
		": error: ", ": fatal error: ", NULL};
	static const char *const link_errors[] = {"undefined reference",
						  "multiple definition",
						  "ld: ",
						  "ld.lld: ",
						  "objcopy: ",
						  ": error: ",
						  NULL};
	static const char *const make_errors[] = {"make: *** ", NULL};
	struct first_fail f = {""};
	char *log = fx_read_file(r->log, NULL);
	const char *line = NULL;
	char detail[400] = "", where[64] = "";
	size_t n = 0;

	(void)img;
	scan_cache_log(r->dir, fail_line, &f);
	if (log != NULL) {
		/* A compiler failed: its first error.  Else the link's. */
		if (f.component[0] != '\0')
			line = first_line_with(log, compile_errors, &n);
		for (int i = 0; line == NULL && link_errors[i] != NULL; i++) {
			const char *one[] = {link_errors[i], NULL};

			line = first_line_with(log, one, &n);
		}
		if (line != NULL && where[0] == '\0' &&
		    f.component[0] == '\0') {
			link_component(log, line, where, sizeof(where));
			snprintf(f.component, sizeof(f.component), "%s",
				 where[0] != '\0' ? where : "link");
		}
		if (line == NULL)
			line = first_line_with(log, make_errors, &n);
		if (line != NULL)
			shorten(ctx, r, line, n, detail, sizeof(detail));
	}
	free(log);
	snprintf(r->component, sizeof(r->component), "%s", f.component);

	if (st->timed_out)
		snprintf(r->reason, sizeof(r->reason),
			 "timed out after %.0f s%s%s", ctx->opts.timeout,
			 f.component[0] != '\0' ? " in " : "", f.component);
	else if (st->exited && st->code == 0)
		snprintf(r->reason, sizeof(r->reason),
			 "make succeeded but left no image");
	else if (where[0] != '\0')
		snprintf(r->reason, sizeof(r->reason),
			 "linking component '%s': %s", where, detail);
	else if (strcmp(f.component, "link") == 0)
		snprintf(r->reason, sizeof(r->reason), "link: %s", detail);
	else if (f.component[0] != '\0' && detail[0] != '\0')
		snprintf(r->reason, sizeof(r->reason), "component '%s': %s",
			 f.component, detail);
	else if (detail[0] != '\0')
		snprintf(r->reason, sizeof(r->reason), "%s", detail);
	else
		proc_describe(st, r->reason, sizeof(r->reason));
}

struct comp_counts {
	const struct gen_image *img;
	struct comp_count comp[CS_MAX_COMPONENTS + 1]; /* last: core */
};

static void
component_line(void *arg, const char *event, const char *obj, const char *flags)
{
	struct comp_counts *cc = arg;
	const char *name;
	size_t n = object_component(obj, &name);
	int i = cc->img->ncomponents; /* core unless named */

	if (n == 0)
		return;
	for (int c = 0; c < cc->img->ncomponents; c++)
		if (strlen(cc->img->comps[c].name) == n &&
		    strncmp(cc->img->comps[c].name, name, n) == 0)
			i = c;
	if (strcmp(event, "miss") == 0)
		cc->comp[i].compiled++;
	else if (strcmp(event, "hit") == 0)
		cc->comp[i].cached++;
	if (cc->comp[i].cflags == NULL)
		cc->comp[i].cflags = xstrdup(flags);
}

static void
add_field(struct strbuf *sb, const char *indent, const char *name,
	  const char *value, int last)
{
	sb_addf(sb, "%s\"%s\": ", indent, name);
	sb_add_json_string(sb, value);
	sb_adds(sb, last ? "\n" : ",\n");
}

static void
add_compiler(struct strbuf *sb, const char *role, const struct cc_ident *id,
	     int last)
{
	sb_addf(sb, "    {\"role\": \"%s\", \"path\": ", role);
	sb_add_json_string(sb, id->path);
	sb_adds(sb, ", \"version\": ");
	sb_add_json_string(sb, id->version);
	sb_addf(sb, ", \"id\": \"%s\"}%s\n", id->key, last ? "" : ",");
}

static void
add_components(struct strbuf *sb, const struct gen_image *img,
	       const struct comp_counts *cc)
{
	sb_adds(sb, "  \"components\": [\n");
	for (int c = 0; c < img->ncomponents; c++) {
		const struct gen_component *comp = &img->comps[c];
		struct strbuf flags;

		sb_init(&flags);
		sb_adds(sb, "    {\"name\": ");
		sb_add_json_string(sb, comp->name);
		sb_addf(sb, ", \"compartment\": %d, \"hardening\": [",
			comp->compartment);
		for (int h = 0; h < comp->nharden; h++) {
			const struct gen_hardening *g =
				gen_hardening(comp->harden[h]);

			sb_adds(sb, h > 0 ? ", " : "");
			sb_add_json_string(sb, comp->harden[h]);
			if (g != NULL)
				sb_addf(&flags, "%s%s", flags.len ? " " : "",
					g->cflags);
		}
		sb_adds(sb, "], \"hardening_cflags\": ");
		sb_add_json_string(sb, flags.buf);
		sb_adds(sb, ", \"cflags\": ");
		sb_add_json_string(sb, cc->comp[c].cflags != NULL
					       ? cc->comp[c].cflags
					       : "");
		sb_addf(sb, ", \"compiled\": %d, \"from_cache\": %d}%s\n",
			cc->comp[c].compiled, cc->comp[c].cached,
			c + 1 < img->ncomponents ? "," : "");
		sb_free(&flags);
	}
	sb_adds(sb, "  ],\n");
}

int
bld_write_manifest(const struct bld_ctx *ctx, const struct gen_image *img,
		   const char *name, const char *key,
		   const struct bld_result *r)
{
	struct comp_counts cc;
	struct strbuf sb;
	struct stat st;
	char stamp[32];
	time_t now = time(NULL);
	struct tm tm;
	int rc, llvm = 0;

	/* clang is in the provenance only when a component used it. */
	for (int c = 0; c < img->ncomponents; c++)
		for (int h = 0; h < img->comps[c].nharden; h++)
			if (gen_hardening(img->comps[c].harden[h])->clang)
				llvm = ctx->clang.path != NULL;
	memset(&cc, 0, sizeof(cc));
	cc.img = img;
	scan_cache_log(r->dir, component_line, &cc);
	gmtime_r(&now, &tm);
	strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%SZ", &tm);
	if (stat(r->image, &st) != 0)
		st.st_size = 0;

	sb_init(&sb);
	sb_adds(&sb, "{\n  \"format\": 1,\n");
	add_field(&sb, "  ", "app", img->app, 0);
	add_field(&sb, "  ", "config", name, 0);
	add_field(&sb, "  ", "hash", r->hash, 0);
	add_field(&sb, "  ", "space_digest", cs_space_digest(ctx->sp), 0);
	add_field(&sb, "  ", "mechanism", img->mechanism, 0);
	sb_addf(&sb, "  \"compartments\": %d,\n", img->ncompartments);
	add_field(&sb, "  ", "build_key", key, 0);
	sb_adds(&sb, "  \"revision\": {\n");
	add_field(&sb, "    ", "id", ctx->rev.id, 0);
	add_field(&sb, "    ", "commit", ctx->rev.commit, 0);
	add_field(&sb, "    ", "uncommitted_sha256", ctx->rev.dirty, 0);
	sb_addf(&sb, "    \"changed_files\": %d\n  },\n", ctx->rev.nchanged);
	add_field(&sb, "  ", "source_tree", ctx->srcdir, 0);
	sb_adds(&sb, "  \"compilers\": [\n");
	add_compiler(&sb, "cc", &ctx->cc, !llvm);
	if (llvm)
		add_compiler(&sb, "clang", &ctx->clang, 1);
	sb_adds(&sb, "  ],\n");
	add_field(&sb, "  ", "toolchain", r->toolchain, 0);
	add_field(&sb, "  ", "make", ctx->make_version, 0);
	add_components(&sb, img, &cc);
	sb_adds(&sb, "  \"core\": {\"cflags\": ");
	sb_add_json_string(&sb, cc.comp[img->ncomponents].cflags != NULL
					? cc.comp[img->ncomponents].cflags
					: "");
	sb_addf(&sb,
		", \"compiled\": %d, \"from_cache\": %d},\n"
		"  \"objects\": {\"compiled\": %d, \"from_cache\": %d},\n",
		cc.comp[img->ncomponents].compiled,
		cc.comp[img->ncomponents].cached, r->compiled, r->from_cache);
	add_field(&sb, "  ", "image", r->image, 0);
	sb_addf(&sb, "  \"image_bytes\": %lld,\n", (long long)st.st_size);
	add_field(&sb, "  ", "image_sha256", r->digest, 0);
	sb_addf(&sb, "  \"build_seconds\": %.3f,\n", r->seconds);
	add_field(&sb, "  ", "built_at", stamp, 1);
	sb_adds(&sb, "}\n");

	rc = fs_write_atomic(r->manifest, sb.buf, sb.len);
	sb_free(&sb);
	for (int c = 0; c <= img->ncomponents; c++)
		free(cc.comp[c].cflags);
	return rc;
}
