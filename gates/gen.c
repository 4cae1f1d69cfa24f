/*
 * The gate generator: from a configuration to a build directory (see
 * gen.h for what it holds).
 *
 * How a call crosses a boundary without components knowing: components
 * are compiled alike in every configuration.  Each component's objects
 * are linked into one relocatable object, and objcopy renames in it every
 * function it calls that lives in another compartment to that function's
 * stub (__fxg_NAME, in gates.c).  Calls inside a compartment keep the real
 * name and stay plain calls; an image with one compartment renames
 * nothing and has no stubs at all.
 */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../util/util.h"
#include "gen.h"
#include "mkvars.h"

#define GEN_SHARED_SIZE (64UL << 20)

/* What the AddressSanitizer runtime calls while it reports an error. */
#define GEN_ASAN_SYSCALLS                                                      \
	"ioctl open openat readlink pread64 fcntl prctl prlimit64 getrlimit "  \
	"sched_getaffinity uname access"

static const struct gen_hardening gen_hardenings[] = {
	{"stack-protector", "-fstack-protector-strong", "", 0, 0, NULL},
	{"fortify", "-U_FORTIFY_SOURCE -D_FORTIFY_SOURCE=2", "", 0, 0, NULL},
	{"ubsan", "-fsanitize=undefined -fsanitize-undefined-trap-on-error", "",
	 0, 0, NULL},
	{"asan", "-fsanitize=address -fno-omit-frame-pointer",
	 "-fsanitize=address", 0, 0, GEN_ASAN_SYSCALLS},
	{"stack-clash", "-fstack-clash-protection", "", 0, 0, NULL},
	{"auto-init", "-ftrivial-auto-var-init=zero", "", 0, 0, NULL},
	{"cfi", "-flto -fvisibility=hidden -fsanitize=cfi -fsanitize-trap=cfi",
	 "", 1, 1, NULL},
	{"safestack", "-fsanitize=safe-stack", "-fsanitize=safe-stack", 1, 0,
	 NULL},
	{"sanitize",
	 "-fsanitize=undefined -fsanitize-undefined-trap-on-error "
	 "-fsanitize=address -fno-omit-frame-pointer -fstack-protector-strong",
	 "-fsanitize=address", 0, 0, GEN_ASAN_SYSCALLS},
};

/* clang before 16 hides zero-initialisation behind an extra flag. */
#define GEN_CLANG_AUTO_INIT                                                    \
	"-enable-trivial-auto-var-init-zero-knowing-it-will-be-removed-from-"  \
	"clang"

const struct gen_hardening *
gen_hardening(const char *name)
{
	for (size_t i = 0; i < FX_ARRAY_LEN(gen_hardenings); i++)
		if (strcmp(gen_hardenings[i].name, name) == 0)
			return &gen_hardenings[i];
	return NULL;
}

static int __attribute__((format(printf, 3, 4)))
gen_error(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return -1;
}

static int
is_file(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

static int
is_dir(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* The folder of application @app: os/apps/APP or os/test-components/APP. */
static char *
find_appdir(const char *srcdir, const char *app)
{
	static const char *const roots[] = {"os/apps", "os/test-components"};

	for (size_t i = 0; i < FX_ARRAY_LEN(roots); i++) {
		char *dir = xasprintf("%s/%s/%s", srcdir, roots[i], app);
		char *mk = xasprintf("%s/app.mk", dir);
		int found = is_file(mk);

		free(mk);
		if (found)
			return dir;
		free(dir);
	}
	return NULL;
}

static int
cmp_component(const void *a, const void *b)
{
	const struct gen_component *x = a, *y = b;

	return strcmp(x->name, y->name);
}

int
gen_image_component(const struct gen_image *img, const char *name)
{
	for (int i = 0; i < img->ncomponents; i++)
		if (strcmp(img->comps[i].name, name) == 0)
			return i;
	return -1;
}

/* Read component @name from folder @dir: component.mk and exports.api. */
static int
load_component(struct gen_image *img, const char *name, const char *dir,
	       char *err, size_t errlen)
{
	struct gen_component *c;
	char *mkpath, *apipath, *text;

	if (img->ncomponents == CS_MAX_COMPONENTS)
		return gen_error(err, errlen, "more than %d components",
				 CS_MAX_COMPONENTS);
	if (gen_image_component(img, name) >= 0)
		return gen_error(err, errlen,
				 "%s/app.mk: component '%s' is "
				 "listed twice",
				 img->appdir, name);
	mkpath = xasprintf("%s/component.mk", dir);
	text = fx_read_file(mkpath, NULL);
	if (text == NULL) {
		gen_error(err, errlen, "%s: cannot read: %s", mkpath,
			  strerror(errno));
		free(mkpath);
		return -1;
	}
	free(mkpath);

	c = &img->comps[img->ncomponents++];
	memset(c, 0, sizeof(*c));
	c->name = xstrdup(name);
	c->dir = xstrdup(dir);
	c->compartment = -1;
	c->syscalls = mk_var(text, "COMP_SYSCALLS");
	if (c->syscalls == NULL)
		c->syscalls = xstrdup("");
	free(text);

	apipath = xasprintf("%s/exports.api", dir);
	if (is_file(apipath)) {
		int rc = api_load(apipath, name, &c->api, err, errlen);

		free(apipath);
		return rc;
	}
	c->api.path = apipath;
	c->api.component = xstrdup(name);
	return 0;
}

/* The source folder of component @name: the app's own, or a library. */
static char *
component_dir(const struct gen_image *img, const char *name, int own)
{
	static const char *const libroots[] = {"os/lib", "os/test-components"};
	char *dir;

	if (own)
		return xasprintf("%s/%s", img->appdir, name);
	for (size_t i = 0; i < FX_ARRAY_LEN(libroots); i++) {
		dir = xasprintf("%s/%s/%s", img->srcdir, libroots[i], name);
		if (is_dir(dir))
			return dir;
		free(dir);
	}
	return xasprintf("%s/os/lib/%s", img->srcdir, name);
}

static int
load_components(struct gen_image *img, const char *list, int own, char *err,
		size_t errlen)
{
	char *copy = xstrdup(list ? list : "");
	char *save = NULL;
	int rc = 0;

	for (char *w = strtok_r(copy, " ", &save); w != NULL && rc == 0;
	     w = strtok_r(NULL, " ", &save)) {
		char *dir = component_dir(img, w, own);

		rc = load_component(img, w, dir, err, errlen);
		free(dir);
	}
	free(copy);
	return rc;
}

/* Check the exported names are unique and find the entry. */
static int
check_exports(const struct gen_image *img, char *err, size_t errlen)
{
	int entry_found = 0;

	for (int i = 0; i < img->ncomponents; i++) {
		const struct api_file *a = &img->comps[i].api;

		for (int f = 0; f < a->nfuncs; f++) {
			if (strcmp(a->funcs[f].name, img->entry) == 0)
				entry_found = 1;
			for (int j = 0; j < i; j++)
				if (api_find(&img->comps[j].api,
					     a->funcs[f].name) != NULL)
					return gen_error(
						err, errlen,
						"%s:%d: '%s' is also exported "
						"by component '%s'",
						a->path, a->funcs[f].line,
						a->funcs[f].name,
						img->comps[j].name);
		}
	}
	if (!entry_found)
		return gen_error(err, errlen,
				 "%s/app.mk: APP_ENTRY '%s' is declared in "
				 "no component's exports.api",
				 img->appdir, img->entry);
	return 0;
}

/* Read the application: app.mk, then every component it names. */
static int
load_app(struct gen_image *img, const char *app, const char *srcdir, char *err,
	 size_t errlen)
{
	char *mkpath, *text, *own, *libs;
	int rc;

	memset(img, 0, sizeof(*img));
	img->app = xstrdup(app);
	img->srcdir = xstrdup(srcdir);
	img->shared_size = GEN_SHARED_SIZE;
	img->appdir = find_appdir(srcdir, app);
	if (img->appdir == NULL)
		return gen_error(err, errlen,
				 "no application '%s' under "
				 "%s/os/apps or %s/os/test-components",
				 app, srcdir, srcdir);

	mkpath = xasprintf("%s/app.mk", img->appdir);
	text = fx_read_file(mkpath, NULL);
	if (text == NULL) {
		gen_error(err, errlen, "%s: cannot read: %s", mkpath,
			  strerror(errno));
		free(mkpath);
		return -1;
	}
	own = mk_var(text, "APP_COMPONENTS");
	libs = mk_var(text, "APP_LIBS");
	img->entry = mk_var(text, "APP_ENTRY");
	free(text);
	rc = 0;
	if (img->entry == NULL || strchr(img->entry, ' ') != NULL ||
	    *img->entry == '\0')
		rc = gen_error(err, errlen,
			       "%s: expected APP_ENTRY := "
			       "FUNCTION",
			       mkpath);
	if (rc == 0)
		rc = load_components(img, own, 1, err, errlen);
	if (rc == 0)
		rc = load_components(img, libs, 0, err, errlen);
	if (rc == 0 && img->ncomponents == 0)
		rc = gen_error(err, errlen, "%s: no APP_COMPONENTS", mkpath);
	free(own);
	free(libs);
	free(mkpath);
	if (rc != 0)
		return rc;
	qsort(img->comps, (size_t)img->ncomponents, sizeof(img->comps[0]),
	      cmp_component);
	return check_exports(img, err, errlen);
}

static int
add_harden(struct gen_component *c, const char *opt, char *err, size_t errlen)
{
	if (gen_hardening(opt) == NULL)
		return gen_error(err, errlen,
				 "unknown hardening option '%s' "
				 "on '%s'",
				 opt, c->name);
	if (c->nharden == GEN_MAX_HARDEN)
		return gen_error(err, errlen,
				 "too many hardening options on "
				 "'%s'",
				 c->name);
	c->harden[c->nharden++] = gen_hardening(opt)->name;
	return 0;
}

int
gen_image_from_config(struct gen_image *img, const struct cs_space *sp,
		      const struct cs_config *cfg, const char *srcdir,
		      char *err, size_t errlen)
{
	const char *app = cs_space_app(sp);
	struct strbuf name;

	memset(img, 0, sizeof(*img));
	if (app == NULL)
		return gen_error(err, errlen,
				 "%s: the space has no build "
				 "section naming its application",
				 cs_space_path(sp));
	if (load_app(img, app, srcdir, err, errlen) != 0)
		return -1;

	/* Placement and hardening come from the space, components from the
	 * application: both must name the same set. */
	for (int s = 0; s < cs_space_ncomponents(sp); s++)
		if (gen_image_component(img, cs_space_component(sp, s)) < 0)
			return gen_error(err, errlen,
					 "%s: component '%s' is "
					 "not in %s/app.mk",
					 cs_space_path(sp),
					 cs_space_component(sp, s),
					 img->appdir);
	for (int i = 0; i < img->ncomponents; i++) {
		struct gen_component *c = &img->comps[i];
		int s = cs_space_component_index(sp, c->name);

		if (s < 0)
			return gen_error(err, errlen,
					 "%s: the space does not "
					 "place component '%s' of %s/app.mk",
					 cs_space_path(sp), c->name,
					 img->appdir);
		c->compartment = cs_config_compartment(sp, cfg, s);
		for (int o = 0; o < cs_space_noptions(sp); o++)
			if (cs_config_has(sp, cfg, s, o) &&
			    add_harden(c, cs_space_option(sp, o), err,
				       errlen) != 0)
				return -1;
	}
	img->ncompartments = cs_config_ncompartments(sp, cfg);
	img->mechanism = xstrdup(cs_config_mechanism(sp, cfg));
	sb_init(&name);
	cs_name(sp, cfg, &name);
	img->name = sb_detach(&name);
	return 0;
}

int
gen_image_from_placement(struct gen_image *img, const char *app,
			 const char *srcdir, const char *placement,
			 const char *mechanism, char *err, size_t errlen)
{
	char *copy, *save = NULL;
	int k = 0;

	if (load_app(img, app, srcdir, err, errlen) != 0)
		return -1;
	copy = xstrdup(placement);
	for (char *cpt = strtok_r(copy, "|", &save); cpt != NULL;
	     cpt = strtok_r(NULL, "|", &save), k++) {
		char *save2 = NULL;

		for (char *w = strtok_r(cpt, "+", &save2); w != NULL;
		     w = strtok_r(NULL, "+", &save2)) {
			int i = gen_image_component(img, w);

			if (i < 0 || img->comps[i].compartment >= 0) {
				gen_error(err, errlen,
					  "placement '%s': component '%s' is "
					  "%s",
					  placement, w,
					  i < 0 ? "not in the app"
						: "placed twice");
				free(copy);
				return -1;
			}
			img->comps[i].compartment = k;
		}
	}
	free(copy);
	for (int i = 0; i < img->ncomponents; i++)
		if (img->comps[i].compartment < 0)
			return gen_error(err, errlen,
					 "placement '%s' leaves out '%s'",
					 placement, img->comps[i].name);
	img->ncompartments = k;
	img->mechanism = xstrdup(k > 1 ? mechanism : "none");
	img->name = k > 1 ? xasprintf("%s@%s", placement, mechanism)
			  : xstrdup(placement);
	return 0;
}

void
gen_image_free(struct gen_image *img)
{
	for (int i = 0; i < img->ncomponents; i++) {
		free(img->comps[i].name);
		free(img->comps[i].dir);
		free(img->comps[i].syscalls);
		api_free(&img->comps[i].api);
	}
	free(img->app);
	free(img->appdir);
	free(img->srcdir);
	free(img->entry);
	free(img->mechanism);
	free(img->name);
	memset(img, 0, sizeof(*img));
}

/*
 * Writing the directory.
 */

/* Whether calls between compartments go through stubs at all. */
static int
has_gates(const struct gen_image *img)
{
	return img->ncompartments > 1 && strcmp(img->mechanism, "none") != 0 &&
	       strcmp(img->mechanism, "fcall") != 0;
}

/* Write @text to @path unless it already holds exactly that. */
static int
write_if_changed(const char *path, const char *text, char *err, size_t errlen)
{
	size_t len = strlen(text), oldlen;
	char *old = fx_read_file(path, &oldlen);
	char *tmp;
	FILE *f;
	int same = old != NULL && oldlen == len && memcmp(old, text, len) == 0;

	free(old);
	if (same)
		return 0;
	tmp = xasprintf("%s.tmp%ld", path, (long)getpid());
	f = fopen(tmp, "w");
	if (f == NULL || fwrite(text, 1, len, f) != len || fclose(f) != 0 ||
	    rename(tmp, path) != 0) {
		gen_error(err, errlen, "cannot write '%s': %s", path,
			  strerror(errno));
		unlink(tmp);
		free(tmp);
		return -1;
	}
	free(tmp);
	return 0;
}

/* The components of compartment @k joined by '+'. */
static void
add_compartment_name(struct strbuf *sb, const struct gen_image *img, int k)
{
	int first = 1;

	for (int i = 0; i < img->ncomponents; i++)
		if (img->comps[i].compartment == k) {
			if (!first)
				sb_addc(sb, '+');
			sb_adds(sb, img->comps[i].name);
			first = 0;
		}
}

static int
uses_clang(const struct gen_component *c)
{
	for (int h = 0; h < c->nharden; h++)
		if (gen_hardening(c->harden[h])->clang)
			return 1;
	return 0;
}

static void
write_config_mk(struct strbuf *sb, const struct gen_image *img)
{
	struct strbuf ld;
	int link_clang = 0;

	sb_init(&ld);
	sb_addf(sb,
		"# Generated by flexexplore gen: build with\n"
		"#   make -C %s/os BUILD=<this folder>\n"
		"# configuration: %s\n",
		img->srcdir, img->name);
	sb_addf(sb, "FX_APP := %s\nFX_APP_DIR := %s\nFX_SRCDIR := %s\n",
		img->app, img->appdir, img->srcdir);
	sb_addf(sb, "FX_MECH := %s\nFX_ENTRY := %s\n", img->mechanism,
		img->entry);
	sb_addf(sb,
		"FX_NCOMPARTMENTS := %d\nFX_COMPONENTS :=", img->ncompartments);
	for (int i = 0; i < img->ncomponents; i++)
		sb_addf(sb, " %s", img->comps[i].name);
	sb_adds(sb, "\n");

	for (int i = 0; i < img->ncomponents; i++) {
		const struct gen_component *c = &img->comps[i];
		int clang = uses_clang(c), lto = 0;

		sb_addf(sb, "\nFX_DIR_%s := %s\nFX_CPT_%s := %d\n", c->name,
			c->dir, c->name, c->compartment);
		sb_addf(sb, "FX_HARDEN_%s :=", c->name);
		for (int h = 0; h < c->nharden; h++)
			sb_addf(sb, " %s", c->harden[h]);
		sb_addf(sb, "\nFX_HCFLAGS_%s :=", c->name);
		for (int h = 0; h < c->nharden; h++) {
			const struct gen_hardening *g =
				gen_hardening(c->harden[h]);

			sb_addf(sb, " %s", g->cflags);
			if (clang && strcmp(g->name, "auto-init") == 0)
				sb_addf(sb, " %s", GEN_CLANG_AUTO_INIT);
			if (*g->ldflags != '\0' && !strstr(ld.buf, g->ldflags))
				sb_addf(&ld, " %s", g->ldflags);
			lto |= g->lto;
		}
		sb_addf(sb, "\nFX_CLANG_%s := %s\nFX_LTO_%s := %s\n", c->name,
			clang ? "1" : "", c->name, lto ? "1" : "");
		link_clang |= clang;
	}
	sb_addf(sb, "\nFX_LDHARDEN :=%s\nFX_LINK_CLANG := %s\n", ld.buf,
		link_clang ? "1" : "");
	sb_free(&ld);
}

static void
write_flags(struct strbuf *sb, const struct gen_component *c)
{
	sb_addf(sb, "compiler %s\nhardening", uses_clang(c) ? "clang" : "cc");
	for (int h = 0; h < c->nharden; h++)
		sb_addf(sb, " %s", c->harden[h]);
	sb_adds(sb, "\n");
}

static void
write_syms(struct strbuf *sb, const struct gen_image *img, int self)
{
	if (!has_gates(img))
		return;
	for (int i = 0; i < img->ncomponents; i++) {
		const struct gen_component *c = &img->comps[i];

		if (c->compartment == img->comps[self].compartment)
			continue;
		for (int f = 0; f < c->api.nfuncs; f++)
			sb_addf(sb, "%s __fxg_%s\n", c->api.funcs[f].name,
				c->api.funcs[f].name);
	}
}

static void
write_section(struct strbuf *sb, const struct gen_image *img, int k,
	      const char *kind, const char *inputs, const char *after)
{
	sb_addf(sb,
		"SECTIONS\n{\n  .fx.c%d.%s ALIGN(4096) :\n  {\n"
		"    __fx_c%d_%s_start = .;\n",
		k, kind, k, kind);
	for (int i = 0; i < img->ncomponents; i++)
		if (img->comps[i].compartment == k)
			sb_addf(sb, "    */fxc_%s.o(%s)\n", img->comps[i].name,
				inputs);
	sb_addf(sb,
		"    . = ALIGN(4096);\n    __fx_c%d_%s_end = .;\n  }\n"
		"}\nINSERT AFTER %s;\n\n",
		k, kind, after);
}

static void
write_ld(struct strbuf *sb, const struct gen_image *img)
{
	sb_addf(sb,
		"/* Generated by flexexplore gen for %s.\n"
		" * Each compartment's code, read-only data, data and bss "
		"in page-aligned\n"
		" * sections of their own; the trusted core keeps the "
		"default ones. */\n\n",
		img->name);
	for (int k = 0; k < img->ncompartments; k++) {
		write_section(sb, img, k, "text", ".text .text.*", ".text");
		write_section(sb, img, k, "rodata", ".rodata .rodata.*",
			      ".rodata");
		write_section(sb, img, k, "data",
			      ".data .data.* .data.rel.ro .data.rel.ro.*",
			      ".data");
		write_section(sb, img, k, "bss", ".bss .bss.* COMMON", ".bss");
	}
}

/* Byte count of the buffer of parameter @p, an expression in the stub. */
static void
add_size(struct strbuf *sb, const struct api_param *p)
{
	if (p->str)
		sb_addf(sb, "strlen(%s) + 1", p->name);
	else
		sb_addf(sb, "(size_t)(%s)", p->size);
}

static void
add_prototype(struct strbuf *sb, const struct api_func *f, const char *pre)
{
	sb_addf(sb, "%s %s%s(", f->ret, pre, f->name);
	if (f->nparams == 0)
		sb_adds(sb, "void");
	for (int i = 0; i < f->nparams; i++)
		sb_addf(sb, "%s%s %s", i ? ", " : "", f->params[i].type,
			f->params[i].name);
	sb_adds(sb, ")");
}

static int
returns(const struct api_func *f)
{
	return strcmp(f->ret, "void") != 0;
}

/* The argument block, the dispatcher and the stub of one function. */
static void
write_gate(struct strbuf *sb, const struct api_func *f, int cpt)
{
	sb_addf(sb, "\n/* %s */\nstruct fxa_%s {\n", f->name, f->name);
	for (int i = 0; i < f->nparams; i++) {
		const struct api_param *p = &f->params[i];

		if (p->dir == API_SCALAR)
			sb_addf(sb, "\t%s %s;\n", p->type, p->name);
		else
			sb_addf(sb, "\tvoid *%s;\n", p->name);
	}
	if (returns(f))
		sb_addf(sb, "\t%s fx_ret;\n", f->ret);
	sb_adds(sb, "\tchar fx_none;\n};\n\n");

	/* The dispatcher: unpack into locals named as the parameters, so
	 * that size expressions read as declared, check every buffer lies
	 * in shared memory, then call. */
	sb_addf(sb,
		"static void\nfxd_%s(void *fx_p)\n{\n"
		"\tstruct fxa_%s *fx_a = fx_p;\n",
		f->name, f->name);
	for (int i = 0; i < f->nparams; i++)
		sb_addf(sb, "\t%s %s = fx_a->%s;\n", f->params[i].type,
			f->params[i].name, f->params[i].name);
	sb_adds(sb, "\n\t(void)fx_a;\n");
	for (int i = 0; i < f->nparams; i++) {
		const struct api_param *p = &f->params[i];

		if (p->dir == API_SCALAR || p->dir == API_OPAQUE)
			continue;
		if (p->str)
			sb_addf(sb,
				"\tif (%s != NULL && !gate_in_shared_str("
				"(const char *)%s))\n",
				p->name, p->name);
		else
			sb_addf(sb,
				"\tif (%s != NULL && !gate_in_shared(%s, "
				"(size_t)(%s)))\n",
				p->name, p->name, p->size);
		sb_addf(sb, "\t\tgate_reject(\"%s\", \"%s\");\n", f->name,
			p->name);
	}
	sb_adds(sb, "\t");
	if (returns(f))
		sb_adds(sb, "fx_a->fx_ret = ");
	sb_addf(sb, "%s(", f->name);
	for (int i = 0; i < f->nparams; i++)
		sb_addf(sb, "%s%s", i ? ", " : "", f->params[i].name);
	sb_adds(sb, ");\n}\n\n");

	add_prototype(sb, f, "__fxg_");
	sb_adds(sb, ";\n");
	add_prototype(sb, f, "__fxg_");
	sb_addf(sb,
		"\n{\n\tvoid *fx_mark = gate_rt_frame();\n"
		"\tstruct fxa_%s *fx_a = gate_rt_alloc(sizeof(*fx_a));\n",
		f->name);
	if (returns(f))
		sb_addf(sb, "\t%s fx_ret;\n", f->ret);
	for (int i = 0; i < f->nparams; i++)
		if (f->params[i].dir == API_IN || f->params[i].dir == API_OUT ||
		    f->params[i].dir == API_INOUT)
			sb_addf(sb, "\tsize_t fx_n_%s = 0;\n",
				f->params[i].name);
	sb_adds(sb, "\n");

	/* Copy in: scalars and handles as they are, buffers into the
	 * arena. */
	for (int i = 0; i < f->nparams; i++) {
		const struct api_param *p = &f->params[i];

		if (p->dir == API_SCALAR || p->dir == API_OPAQUE) {
			sb_addf(sb, "\tfx_a->%s = %s%s;\n", p->name,
				p->dir == API_OPAQUE ? "(void *)" : "",
				p->name);
			continue;
		}
		sb_addf(sb,
			"\tfx_a->%s = NULL;\n\tif (%s != NULL) {\n"
			"\t\tfx_n_%s = ",
			p->name, p->name, p->name);
		add_size(sb, p);
		sb_addf(sb, ";\n\t\tfx_a->%s = gate_rt_alloc(fx_n_%s);\n",
			p->name, p->name);
		if (p->dir != API_OUT)
			sb_addf(sb, "\t\tmemcpy(fx_a->%s, %s, fx_n_%s);\n",
				p->name, p->name, p->name);
		sb_adds(sb, "\t}\n");
	}
	sb_addf(sb, "\tgate_rt_call(%d, FXF_%s, fx_a);\n", cpt, f->name);

	/* Copy out. */
	for (int i = 0; i < f->nparams; i++) {
		const struct api_param *p = &f->params[i];

		if (p->dir == API_OUT || p->dir == API_INOUT)
			sb_addf(sb,
				"\tif (%s != NULL)\n\t\tmemcpy((void *)%s, "
				"fx_a->%s, fx_n_%s);\n",
				p->name, p->name, p->name, p->name);
	}
	if (returns(f))
		sb_adds(sb, "\tfx_ret = fx_a->fx_ret;\n");
	sb_adds(sb, "\tgate_rt_release(fx_mark);\n");
	if (returns(f))
		sb_adds(sb, "\treturn fx_ret;\n");
	sb_adds(sb, "}\n");
}

/* The system calls of component @c and of its hardening's runtimes. */
static char *
component_syscalls(const struct gen_component *c)
{
	struct strbuf sb;

	sb_init(&sb);
	sb_adds(&sb, c->syscalls);
	for (int h = 0; h < c->nharden; h++) {
		const struct gen_hardening *g = gen_hardening(c->harden[h]);

		if (g->syscalls != NULL)
			sb_addf(&sb, " %s", g->syscalls);
	}
	return sb_detach(&sb);
}

/* The component whose exports declare the entry (checked at load). */
static int
entry_component(const struct gen_image *img)
{
	for (int i = 0; i < img->ncomponents; i++)
		if (api_find(&img->comps[i].api, img->entry) != NULL)
			return i;
	return 0;
}

static void
write_gates_c(struct strbuf *sb, const struct gen_image *img)
{
	int gates = has_gates(img);

	sb_addf(sb,
		"/* Generated by flexexplore gen for %s. */\n"
		"#include <stddef.h>\n#include <string.h>\n"
		"#include <sys/types.h>\n\n#include \"gate.h\"\n",
		img->name);
	for (int i = 0; i < img->ncomponents; i++) {
		char *h = xasprintf("%s/%s.h", img->comps[i].dir,
				    img->comps[i].name);

		if (img->comps[i].api.nfuncs > 0 && is_file(h))
			sb_addf(sb, "#include \"%s\"\n", h);
		free(h);
	}
	sb_addf(sb, "\nint %s(void);\n\n", img->entry);

	for (int k = 0; k < img->ncompartments; k++)
		sb_addf(sb,
			"extern char __fx_c%d_text_start[], "
			"__fx_c%d_text_end[];\n"
			"extern char __fx_c%d_rodata_start[], "
			"__fx_c%d_rodata_end[];\n"
			"extern char __fx_c%d_data_start[], "
			"__fx_c%d_data_end[];\n"
			"extern char __fx_c%d_bss_start[], "
			"__fx_c%d_bss_end[];\n",
			k, k, k, k, k, k, k, k);

	/* Function numbers, then each function's gate. */
	sb_adds(sb, "\nenum {\n");
	for (int i = 0; gates && i < img->ncomponents; i++)
		for (int f = 0; f < img->comps[i].api.nfuncs; f++)
			sb_addf(sb, "\tFXF_%s,\n",
				img->comps[i].api.funcs[f].name);
	sb_adds(sb, "\tFXF_COUNT\n};\n");
	for (int i = 0; gates && i < img->ncomponents; i++)
		for (int f = 0; f < img->comps[i].api.nfuncs; f++)
			write_gate(sb, &img->comps[i].api.funcs[f],
				   img->comps[i].compartment);

	sb_adds(sb, "\nstatic const struct gate_function fx_functions[] = {\n");
	for (int i = 0; gates && i < img->ncomponents; i++)
		for (int f = 0; f < img->comps[i].api.nfuncs; f++)
			sb_addf(sb, "\t[FXF_%s] = {\"%s\", %d, fxd_%s},\n",
				img->comps[i].api.funcs[f].name,
				img->comps[i].api.funcs[f].name,
				img->comps[i].compartment,
				img->comps[i].api.funcs[f].name);
	sb_adds(sb, "\t{NULL, -1, NULL},\n};\n\n");

	/* The compartments: sections and system calls. */
	for (int k = 0; k < img->ncompartments; k++) {
		sb_addf(sb, "static const char *const fx_syscalls_%d[] = {", k);
		for (int i = 0; i < img->ncomponents; i++) {
			char *copy, *save = NULL;

			if (img->comps[i].compartment != k)
				continue;
			copy = component_syscalls(&img->comps[i]);
			for (char *w = strtok_r(copy, " ", &save); w;
			     w = strtok_r(NULL, " ", &save))
				sb_addf(sb, "\"%s\", ", w);
			free(copy);
		}
		sb_adds(sb, "NULL};\n");
	}
	sb_adds(sb, "\nstatic const struct gate_compartment fx_compartments[] "
		    "= {\n");
	for (int k = 0; k < img->ncompartments; k++) {
		sb_adds(sb, "\t{\n\t\t.name = \"");
		add_compartment_name(sb, img, k);
		sb_adds(sb, "\",\n");
		sb_addf(sb,
			"\t\t.text = {__fx_c%d_text_start, "
			"__fx_c%d_text_end},\n"
			"\t\t.rodata = {__fx_c%d_rodata_start, "
			"__fx_c%d_rodata_end},\n"
			"\t\t.data = {__fx_c%d_data_start, "
			"__fx_c%d_data_end},\n"
			"\t\t.bss = {__fx_c%d_bss_start, "
			"__fx_c%d_bss_end},\n"
			"\t\t.syscalls = fx_syscalls_%d,\n\t},\n",
			k, k, k, k, k, k, k, k, k);
	}
	sb_adds(sb, "};\n\n");

	sb_addf(sb,
		"const struct gate_image gate_image = {\n"
		"\t.app = \"%s\",\n\t.mechanism = \"%s\",\n"
		"\t.ncompartments = %d,\n"
		"\t.compartments = fx_compartments,\n"
		"\t.entry_compartment = %d,\n\t.entry = %s,\n"
		"\t.nfunctions = FXF_COUNT,\n"
		"\t.functions = fx_functions,\n"
		"\t.shared_size = %zu,\n};\n",
		img->app, img->mechanism, img->ncompartments,
		img->comps[entry_component(img)].compartment, img->entry,
		img->shared_size);
}

int
gen_write(const struct gen_image *img, const char *outdir, char *err,
	  size_t errlen)
{
	struct strbuf sb;
	char *path;
	int rc = 0;

	for (size_t i = 0; i < 2; i++) {
		path = xasprintf("%s/%s", outdir, i ? "flags" : "syms");
		if (fx_mkdirs(path, 0777) != 0) {
			gen_error(err, errlen, "cannot create '%s': %s", path,
				  strerror(errno));
			free(path);
			return -1;
		}
		free(path);
	}

	sb_init(&sb);
	for (int i = 0; rc == 0 && i < img->ncomponents; i++) {
		sb_reset(&sb);
		write_syms(&sb, img, i);
		path = xasprintf("%s/syms/%s.syms", outdir, img->comps[i].name);
		rc = write_if_changed(path, sb.buf, err, errlen);
		free(path);
	}

	/* One stamp per component (and one for the core) holding what its
	 * objects are compiled with: Make rebuilds only what changed. */
	for (int i = 0; rc == 0 && i < img->ncomponents; i++) {
		sb_reset(&sb);
		write_flags(&sb, &img->comps[i]);
		path = xasprintf("%s/flags/%s.flags", outdir,
				 img->comps[i].name);
		rc = write_if_changed(path, sb.buf, err, errlen);
		free(path);
	}
	if (rc == 0) {
		sb_reset(&sb);
		sb_addf(&sb, "mechanism %s\napp %s\n", img->mechanism,
			img->appdir);
		path = xasprintf("%s/flags/core.flags", outdir);
		rc = write_if_changed(path, sb.buf, err, errlen);
		free(path);
	}

	struct {
		const char *file;
		void (*fn)(struct strbuf *, const struct gen_image *);
	} files[] = {
		{"config.mk", write_config_mk},
		{"image.ld", write_ld},
		{"gates.c", write_gates_c},
	};
	for (size_t i = 0; rc == 0 && i < FX_ARRAY_LEN(files); i++) {
		sb_reset(&sb);
		files[i].fn(&sb, img);
		path = xasprintf("%s/%s", outdir, files[i].file);
		rc = write_if_changed(path, sb.buf, err, errlen);
		free(path);
	}
	if (rc == 0) {
		sb_reset(&sb);
		sb_addf(&sb, "%s\n", img->name);
		path = xasprintf("%s/config.name", outdir);
		rc = write_if_changed(path, sb.buf, err, errlen);
		free(path);
	}
	sb_free(&sb);
	return rc;
}

int
gen_build_dir(const struct cs_space *sp, const struct cs_config *cfg,
	      const char *srcdir, const char *outdir, char *err, size_t errlen)
{
	struct gen_image img;
	int rc;

	if (gen_image_from_config(&img, sp, cfg, srcdir, err, errlen) != 0) {
		gen_image_free(&img);
		return FX_EXIT_USAGE;
	}
	rc = gen_write(&img, outdir, err, errlen) == 0 ? FX_EXIT_OK
						       : FX_EXIT_ENV;
	gen_image_free(&img);
	return rc;
}
