/*
 * fxcc: the caching compiler wrapper the builder hands to Make as CC.
 *
 *	fxcc REALCC ARGS...
 *
 * For one C file compiled with -c -o OUT, fxcc runs the preprocessor,
 * hashes its whole output (so every included header and generated file
 * counts) with the flags and the compiler's identity, and takes the
 * object from the cache when the key is there; otherwise it compiles and
 * stores the object.  Anything else (linking, several sources, -E, -x) is
 * handed to the real compiler untouched.
 *
 * Paths of the source tree and the build folder are mapped to fixed names
 * (-ffile-prefix-map, and in the hashed line markers), so the same
 * component compiled in two build folders gives the same key and the same
 * bytes.
 *
 * Environment:
 *	FXCC_CACHE	object folder (default: the engine's cache/objects)
 *	FXCC_MAP	"OLD=NEW;OLD=NEW": path prefixes to map
 *	FXCC_LOG	append "hit|miss|fail KEY OBJECT SOURCE FLAGS..." per
 *			file
 *	FXCC_DISABLE	when set, always run the real compiler
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../util/log.h"
#include "../util/util.h"
#include "ccid.h"
#include "fsutil.h"
#include "proc.h"
#include "sha256.h"

#define FXCC_KEY_VERSION "fxcc 1"
#define FXCC_DIRECT_VERSION "fxcc direct 1"
#define FXCC_MAX_MAPS 8

struct prefix_map {
	char *from;
	char *to;
	char *flag; /* -ffile-prefix-map=FROM=TO */
};

/* What the command line asks for, as far as caching goes. */
struct ccline {
	int argc;
	char **argv;		/* the real compiler's arguments */
	const char *out;	/* -o */
	const char *src;	/* the one source file */
	const char *depfile;	/* -MF */
	const char *deps;	/* -MD or -MMD, or NULL */
	int dep_phony;		/* -MP */
	const char *dep_topt;	/* -MT or -MQ, when given */
	const char *dep_target; /* its value */
	int compile;		/* -c */
	int cacheable;
	char *keep;   /* per argument: 1 kept for the compile */
	char *hashed; /* per argument: 1 part of the key */
};

static struct prefix_map maps[FXCC_MAX_MAPS];
static int nmaps;

/* Options whose value is the next argument. */
static const char *const takes_value[] = {
	"-o",	      "-I",	   "-D",	   "-U",
	"-include",   "-imacros",  "-isystem",	   "-iquote",
	"-idirafter", "-iprefix",  "-iwithprefix", "-iwithprefixbefore",
	"-isysroot",  "-MF",	   "-MT",	   "-MQ",
	"-L",	      "-l",	   "-T",	   "-u",
	"-z",	      "-Xlinker",  "-Xassembler",  "-Xpreprocessor",
	"-Xclang",    "-aux-info", "--param",	   "-A",
	"-target",    "--target",
};

static int
is_value_option(const char *a)
{
	for (size_t i = 0; i < FX_ARRAY_LEN(takes_value); i++)
		if (strcmp(a, takes_value[i]) == 0)
			return 1;
	return 0;
}

static int
has_suffix(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && strcmp(s + n - m, suffix) == 0;
}

/*
 * Options the cache does not handle: other outputs than one object, and
 * inputs the preprocessed text does not show (profiles, sanitizer lists,
 * plugins, spec files, another compiler's parts).
 */
static int
is_odd_option(const char *a)
{
	static const char *const exact[] = {"-E", "-S", "-M", "-MM", "-"};
	static const char *const prefixes[] = {
		"-x",
		"-MF",
		"-MT",
		"-MQ",
		"-Wp,",
		"@",
		"-B",
		"-save-temps",
		"-fprofile",
		"-specs",
		"-fplugin",
		"-fsanitize-blacklist",
		"-fsanitize-ignorelist",
		"-fauto-profile",
	};

	for (size_t i = 0; i < FX_ARRAY_LEN(exact); i++)
		if (strcmp(a, exact[i]) == 0)
			return 1;
	for (size_t i = 0; i < FX_ARRAY_LEN(prefixes); i++)
		if (strncmp(a, prefixes[i], strlen(prefixes[i])) == 0)
			return 1;
	return 0;
}

/* Sort out the arguments; anything unusual makes the line uncacheable. */
static void
parse_line(struct ccline *cl, int argc, char **argv)
{
	int nsrc = 0, odd = 0;

	memset(cl, 0, sizeof(*cl));
	cl->argc = argc;
	cl->argv = argv;
	cl->keep = xcalloc((size_t)argc + 1, 1);
	cl->hashed = xcalloc((size_t)argc + 1, 1);
	for (int i = 0; i < argc; i++) {
		const char *a = argv[i];

		cl->keep[i] = cl->hashed[i] = 1;
		if (strcmp(a, "-c") == 0) {
			cl->compile = 1;
		} else if (strcmp(a, "-o") == 0 && i + 1 < argc) {
			cl->out = argv[i + 1];
			cl->hashed[i] = 0;
			cl->keep[++i] = 1; /* the value, not hashed */
		} else if (strcmp(a, "-MD") == 0 || strcmp(a, "-MMD") == 0) {
			cl->deps = a;
			cl->keep[i] = cl->hashed[i] = 0;
		} else if (strcmp(a, "-MP") == 0) {
			cl->dep_phony = 1;
			cl->keep[i] = cl->hashed[i] = 0;
		} else if ((strcmp(a, "-MF") == 0 || strcmp(a, "-MT") == 0 ||
			    strcmp(a, "-MQ") == 0) &&
			   i + 1 < argc) {
			if (a[2] == 'F') {
				cl->depfile = argv[i + 1];
			} else {
				cl->dep_topt = a;
				cl->dep_target = argv[i + 1];
			}
			cl->keep[i] = cl->hashed[i] = 0;
			i++;
		} else if (is_odd_option(a)) {
			odd = 1;
		} else if (is_value_option(a) && i + 1 < argc) {
			cl->keep[++i] = 1;
			cl->hashed[i] = 1;
		} else if (a[0] != '-') {
			if (has_suffix(a, ".c") || has_suffix(a, ".S"))
				cl->src = a;
			else
				odd = 1; /* objects, libraries: a link */
			nsrc++;
			cl->hashed[i] = 0; /* hashed apart, mapped */
		}
	}
	cl->cacheable = cl->compile && cl->out != NULL && cl->src != NULL &&
			nsrc == 1 && !odd;
}

static void
load_maps(void)
{
	const char *env = getenv("FXCC_MAP");
	char *copy, *save = NULL;

	if (env == NULL)
		return;
	copy = xstrdup(env);
	for (char *tok = strtok_r(copy, ";", &save); tok != NULL;
	     tok = strtok_r(NULL, ";", &save)) {
		char *eq = strchr(tok, '=');

		if (eq == NULL || eq == tok || nmaps == FXCC_MAX_MAPS)
			continue;
		maps[nmaps].from = xstrndup(tok, (size_t)(eq - tok));
		maps[nmaps].to = xstrdup(eq + 1);
		nmaps++;
	}
	free(copy);
	for (int m = 0; m < nmaps; m++)
		maps[m].flag = xasprintf("-ffile-prefix-map=%s=%s",
					 maps[m].from, maps[m].to);

	/* Longest prefix first when matching; given last to the compiler. */
	for (int i = 1; i < nmaps; i++)
		for (int j = i;
		     j > 0 && strlen(maps[j].from) > strlen(maps[j - 1].from);
		     j--) {
			struct prefix_map t = maps[j];

			maps[j] = maps[j - 1];
			maps[j - 1] = t;
		}
}

/* @s with the first mapped prefix found in it replaced, into @out. */
static void
map_path(const char *s, size_t n, struct strbuf *out)
{
	for (int m = 0; m < nmaps; m++) {
		size_t k = strlen(maps[m].from);
		const char *hit = memmem(s, n, maps[m].from, k);

		if (hit == NULL)
			continue;
		if ((size_t)(hit - s) + k < n && hit[k] != '/')
			continue;
		sb_add(out, s, (size_t)(hit - s));
		sb_adds(out, maps[m].to);
		sb_add(out, hit + k, n - (size_t)(hit - s) - k);
		return;
	}
	sb_add(out, s, n);
}

static void
hash_mapped(struct sha256 *s, const char *str)
{
	struct strbuf sb;

	sb_init(&sb);
	map_path(str, strlen(str), &sb);
	sha256_field(s, sb.buf);
	sb_free(&sb);
}

/*
 * Hash preprocessed text with the paths of its line markers mapped: a
 * marker is a line '# NUM "PATH" ...'.
 */
static void
hash_preprocessed(struct sha256 *s, const char *text, size_t len)
{
	const char *p = text, *end = text + len, *run = text;
	struct strbuf line;

	sb_init(&line);
	while (p < end) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		const char *q1, *q2;

		eol = eol == NULL ? end : eol + 1;
		if (p[0] != '#' || eol - p < 4 || p[1] != ' ' || p[2] < '0' ||
		    p[2] > '9' ||
		    (q1 = memchr(p, '"', (size_t)(eol - p))) == NULL) {
			p = eol;
			continue;
		}
		q2 = memchr(q1 + 1, '"', (size_t)(eol - q1 - 1));
		if (q2 == NULL) {
			p = eol;
			continue;
		}
		sha256_update(s, run, (size_t)(p - run));
		sb_reset(&line);
		sb_add(&line, p, (size_t)(q1 + 1 - p));
		map_path(q1 + 1, (size_t)(q2 - q1 - 1), &line);
		sb_add(&line, q2, (size_t)(eol - q2));
		sha256_update(s, line.buf, line.len);
		p = run = eol;
	}
	sha256_update(s, run, (size_t)(end - run));
	sb_free(&line);
}

/* The argument vector for the real compiler, with our additions. */
static char **
command(const char *cc, const struct ccline *cl, int preprocess,
	const char *depfile, const char *target)
{
	char **v = xcalloc((size_t)cl->argc + 2 * FXCC_MAX_MAPS + 12,
			   sizeof(char *));
	int n = 0;

	v[n++] = (char *)cc;
	for (int i = 0; i < cl->argc; i++) {
		const char *a = cl->argv[i];

		if (!cl->keep[i])
			continue;
		if (preprocess && strcmp(a, "-c") == 0)
			continue;
		if (preprocess && strcmp(a, "-o") == 0) {
			i++;
			continue;
		}
		v[n++] = (char *)a;
	}
	for (int m = nmaps - 1; m >= 0; m--)
		v[n++] = maps[m].flag;
	if (preprocess) {
		v[n++] = "-E";
		if (depfile != NULL) {
			v[n++] = (char *)cl->deps;
			v[n++] = "-MF";
			v[n++] = (char *)depfile;
			v[n++] = cl->dep_topt != NULL ? (char *)cl->dep_topt
						      : "-MT";
			v[n++] = cl->dep_target != NULL ? (char *)cl->dep_target
							: (char *)target;
			if (cl->dep_phony)
				v[n++] = "-MP";
		}
	}
	v[n] = NULL;
	return v;
}

/* The dependency file gcc would write for -MD with -o OUT. */
static char *
default_depfile(const char *out)
{
	const char *slash = strrchr(out, '/');
	const char *dot = strrchr(out, '.');

	if (dot == NULL || (slash != NULL && dot < slash))
		return xasprintf("%s.d", out);
	return xasprintf("%.*s.d", (int)(dot - out), out);
}

/* @path made absolute against the working folder, then mapped. */
static void
add_mapped_abs(struct strbuf *line, const char *path)
{
	char cwd[PATH_MAX];
	struct strbuf abs;

	if (path[0] == '/' || getcwd(cwd, sizeof(cwd)) == NULL) {
		map_path(path, strlen(path), line);
		return;
	}
	sb_init(&abs);
	sb_addf(&abs, "%s/%s", cwd, path);
	map_path(abs.buf, abs.len, line);
	sb_free(&abs);
}

static void
log_event(const char *what, const char *key, const struct ccline *cl)
{
	const char *path = getenv("FXCC_LOG");
	struct strbuf line;
	int fd;

	if (path == NULL || *path == '\0')
		return;
	sb_init(&line);
	sb_addf(&line, "%s %.16s ", what, key);
	add_mapped_abs(&line, cl->out);
	sb_addc(&line, ' ');
	add_mapped_abs(&line, cl->src);
	for (int i = 0; i < cl->argc; i++) {
		if (!cl->hashed[i])
			continue;
		sb_addc(&line, ' ');
		map_path(cl->argv[i], strlen(cl->argv[i]), &line);
	}
	sb_addc(&line, '\n');

	/* One write with O_APPEND: lines of parallel compiles never mix. */
	fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
	if (fd >= 0) {
		if (write(fd, line.buf, line.len) < 0)
			log_debug("cannot log to '%s'", path);
		close(fd);
	}
	sb_free(&line);
}

static void
write_stderr(const struct strbuf *sb)
{
	if (sb->len > 0 && write(2, sb->buf, sb->len) < 0)
		return;
}

static int
run_real(const char *cc, int argc, char **argv)
{
	char **v = xcalloc((size_t)argc + 2, sizeof(char *));

	v[0] = (char *)cc;
	memcpy(v + 1, argv, (size_t)argc * sizeof(char *));
	execvp(cc, v);
	fprintf(stderr, "fxcc: cannot run '%s': %s\n", cc, strerror(errno));
	return 127;
}

/*
 * The cache key of this compile from its preprocessed text, which is left
 * in @pre; -1 when preprocessing failed.
 */
static int
compute_key(const char *cc, const struct cc_ident *id, const struct ccline *cl,
	    struct strbuf *pre, char key[SHA256_HEX_LEN + 1])
{
	struct proc_opts o;
	struct proc_status st;
	struct strbuf err;
	struct sha256 s;
	char cwd[PATH_MAX];
	char *depfile = NULL, **argv;
	int rc;

	if (cl->deps)
		depfile = cl->depfile != NULL ? xstrdup(cl->depfile)
					      : default_depfile(cl->out);
	argv = command(cc, cl, 1, depfile, cl->out);
	sb_init(&err);
	proc_opts_init(&o);
	o.out = pre;
	o.err = &err;
	rc = proc_run(argv, &o, &st);

	sha256_init(&s);
	sha256_field(&s, FXCC_KEY_VERSION);
	sha256_field(&s, id->key);
	for (int i = 0; i < cl->argc; i++)
		if (cl->hashed[i])
			hash_mapped(&s, cl->argv[i]);
	sha256_field(&s, "--");
	hash_mapped(&s, cl->src);
	hash_mapped(&s, getcwd(cwd, sizeof(cwd)) != NULL ? cwd : "?");
	hash_preprocessed(&s, pre->buf, pre->len);
	sha256_final_hex(&s, key);
	if (rc != 0)
		log_debug("preprocessing '%s' failed: %s", cl->src, err.buf);

	free(argv);
	free(depfile);
	sb_free(&err);
	return rc == 0 ? 0 : -1;
}

static char *
entry_path(const char *cachedir, const char *key, const char *ext)
{
	return xasprintf("%s/%.2s/%s%s", cachedir, key, key + 2, ext);
}

/* Copy a cached object into place; 0, or -1 when there is none. */
static int
take_from_cache(const char *cachedir, const char *key, const char *out)
{
	char *obj = entry_path(cachedir, key, ".o");
	char *err = entry_path(cachedir, key, ".err");
	char *text;
	size_t len;
	int rc = -1;

	if (fs_copy_atomic(obj, out) == 0) {
		rc = 0;
		utimensat(AT_FDCWD, obj, NULL, 0); /* last use, for pruning */
		text = fx_read_file(err, &len);
		if (text != NULL && len > 0 && write(2, text, len) < 0)
			rc = 0;
		free(text);
	}
	free(obj);
	free(err);
	return rc;
}

/* Keep a fresh object; its warnings first, so a hit can replay them. */
static void
store_in_cache(const char *cachedir, const char *key, const char *out,
	       const struct strbuf *warnings)
{
	char *dir = xasprintf("%s/%.2s", cachedir, key);
	char *obj = entry_path(cachedir, key, ".o");
	char *err = entry_path(cachedir, key, ".err");

	if (fx_mkdirs(dir, 0755) != 0 ||
	    (warnings->len > 0 &&
	     fs_write_atomic(err, warnings->buf, warnings->len) != 0) ||
	    fs_copy_atomic(out, obj) != 0)
		log_warn("cannot store '%s' in the object cache '%s'", out,
			 cachedir);
	free(dir);
	free(obj);
	free(err);
}

static int
compile(const char *cc, const struct ccline *cl, struct strbuf *err)
{
	char **argv = command(cc, cl, 0, NULL, NULL);
	struct proc_opts o;
	struct proc_status st;
	int rc;

	proc_opts_init(&o);
	o.err = err;
	rc = proc_run(argv, &o, &st);
	free(argv);
	write_stderr(err);
	if (rc < 0)
		return 127;
	return st.exited ? st.code : 128 + st.code;
}

static const char *
cache_dir(void)
{
	const char *env = getenv("FXCC_CACHE");
	static char *dflt;

	if (env != NULL && *env != '\0')
		return env;
	if (dflt == NULL && fx_home() != NULL)
		dflt = xasprintf("%s/cache/objects", fx_home());
	return dflt;
}

/*
 * Direct mode.  A compile's direct key hashes what is known before
 * preprocessing: compiler, flags, working folder, the source's path and
 * bytes.  Under it the cache keeps a record of every file the
 * preprocessor read for it (from the line markers) with its digest, the
 * object's key, and the dependency list.  When every recorded file still
 * has its digest, the object is taken without running the preprocessor.
 * Sources or headers that use __DATE__, __TIME__ or __TIMESTAMP__ are
 * never recorded.
 */
static int
direct_key(const struct cc_ident *id, const struct ccline *cl,
	   char dkey[SHA256_HEX_LEN + 1])
{
	char hex[SHA256_HEX_LEN + 1], cwd[PATH_MAX];
	struct sha256 s;

	if (sha256_file_hex(cl->src, hex) != 0)
		return -1;
	sha256_init(&s);
	sha256_field(&s, FXCC_DIRECT_VERSION);
	sha256_field(&s, id->key);
	for (int i = 0; i < cl->argc; i++)
		if (cl->hashed[i])
			hash_mapped(&s, cl->argv[i]);
	sha256_field(&s, "--");
	hash_mapped(&s, cl->src);
	hash_mapped(&s, getcwd(cwd, sizeof(cwd)) != NULL ? cwd : "?");
	sha256_field(&s, hex);
	sha256_final_hex(&s, dkey);
	return 0;
}

/* @path with the mapped prefixes put back to this build's. */
static void
unmap_path(const char *path, struct strbuf *out)
{
	for (int m = 0; m < nmaps; m++) {
		size_t k = strlen(maps[m].to);

		if (strncmp(path, maps[m].to, k) == 0 &&
		    (path[k] == '/' || path[k] == '\0')) {
			sb_adds(out, maps[m].from);
			sb_adds(out, path + k);
			return;
		}
	}
	sb_adds(out, path);
}

/*
 * The record: "key KEY", then "file DIGEST PATH" per file read, paths
 * mapped.  Fills @key when every file still has its digest.
 */
static int
direct_lookup(const char *cachedir, const char *dkey, const struct ccline *cl,
	      char key[SHA256_HEX_LEN + 1])
{
	char *path = entry_path(cachedir, dkey, ".direct");
	char *text = fx_read_file(path, NULL);
	char *save = NULL, *line;
	struct strbuf file;
	int ok = -1;

	(void)cl;
	free(path);
	if (text == NULL)
		return -1;
	sb_init(&file);
	line = strtok_r(text, "\n", &save);
	if (line == NULL || strncmp(line, "key ", 4) != 0 ||
	    strlen(line + 4) != SHA256_HEX_LEN)
		goto out;
	memcpy(key, line + 4, SHA256_HEX_LEN + 1);
	while ((line = strtok_r(NULL, "\n", &save)) != NULL) {
		char hex[SHA256_HEX_LEN + 1];

		if (strncmp(line, "file ", 5) != 0 ||
		    strlen(line) < 6 + SHA256_HEX_LEN)
			goto out;
		sb_reset(&file);
		unmap_path(line + 6 + SHA256_HEX_LEN, &file);
		if (sha256_file_hex(file.buf, hex) != 0 ||
		    memcmp(hex, line + 5, SHA256_HEX_LEN) != 0)
			goto out;
	}
	ok = 0;
out:
	sb_free(&file);
	free(text);
	return ok;
}

/*
 * The files the preprocessor read, from its line markers, unique, the
 * source first.  -1 when a marker names a path we cannot read back.
 */
static int
files_read(const struct strbuf *pre, char ***files)
{
	const char *p = pre->buf, *end = pre->buf + pre->len;
	int n = 0, bad = 0;

	*files = NULL;
	while (p < end) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		const char *q1, *q2;
		char *name;
		int seen = 0;

		eol = eol == NULL ? end : eol + 1;
		if (p[0] != '#' || eol - p < 4 || p[1] != ' ' || p[2] < '0' ||
		    p[2] > '9' ||
		    (q1 = memchr(p, '"', (size_t)(eol - p))) == NULL ||
		    (q2 = memchr(q1 + 1, '"', (size_t)(eol - q1 - 1))) ==
			    NULL ||
		    q1[1] == '<') {
			p = eol;
			continue;
		}
		if (memchr(q1, '\\', (size_t)(q2 - q1)) != NULL)
			bad = 1; /* an escaped name */
		name = xstrndup(q1 + 1, (size_t)(q2 - q1 - 1));
		for (int i = 0; i < n && !seen; i++)
			seen = strcmp((*files)[i], name) == 0;
		if (seen || name[0] == '\0' || name[strlen(name) - 1] == '/') {
			free(name);
		} else {
			*files = xrealloc(*files,
					  (size_t)(n + 1) * sizeof(char *));
			(*files)[n++] = name;
		}
		p = eol;
	}
	if (bad) {
		for (int i = 0; i < n; i++)
			free((*files)[i]);
		free(*files);
		*files = NULL;
		return -1;
	}
	return n;
}

static int
uses_clock_macros(const char *path)
{
	static const char *const names[] = {"__DATE__", "__TIME__",
					    "__TIMESTAMP__"};
	size_t len;
	char *text = fx_read_file(path, &len);
	int found = 0;

	if (text == NULL)
		return 1;
	for (size_t i = 0; i < FX_ARRAY_LEN(names) && !found; i++)
		found = memmem(text, len, names[i], strlen(names[i])) != NULL;
	free(text);
	return found;
}

static void
direct_store(const char *cachedir, const char *dkey, const struct ccline *cl,
	     const struct strbuf *pre, const char *key)
{
	char **files;
	int n = files_read(pre, &files), ok = n > 0;

	/* -imacros files leave no line marker: no record then. */
	for (int i = 0; i < cl->argc; i++)
		if (strncmp(cl->argv[i], "-imacros", 8) == 0)
			ok = 0;
	struct strbuf rec;
	char *path;

	sb_init(&rec);
	sb_addf(&rec, "key %s\n", key);
	for (int i = 0; i < n && ok; i++) {
		char hex[SHA256_HEX_LEN + 1];

		if (sha256_file_hex(files[i], hex) != 0 ||
		    uses_clock_macros(files[i])) {
			ok = 0;
			break;
		}
		sb_addf(&rec, "file %s ", hex);
		map_path(files[i], strlen(files[i]), &rec);
		sb_addc(&rec, '\n');
	}
	if (ok && !uses_clock_macros(cl->src)) {
		char *dir = xasprintf("%s/%.2s", cachedir, dkey);

		path = entry_path(cachedir, dkey, ".direct");
		if (fx_mkdirs(dir, 0755) != 0 ||
		    fs_write_atomic(path, rec.buf, rec.len) != 0)
			log_debug("cannot write '%s'", path);
		free(path);
		free(dir);
	}
	for (int i = 0; i < n; i++)
		free(files[i]);
	free(files);
	sb_free(&rec);
}

/*
 * On a direct hit no preprocessor wrote the dependency file Make reads:
 * write it from the record, in the form -MD -MP would.
 */
static int
write_depfile(const char *cachedir, const char *dkey, const struct ccline *cl)
{
	char *path, *text, *save = NULL, *depfile;
	struct strbuf out, phony;
	int rc, nfiles = 0;

	if (cl->deps == NULL)
		return 0;
	path = entry_path(cachedir, dkey, ".direct");
	text = fx_read_file(path, NULL);
	free(path);
	if (text == NULL)
		return -1;
	sb_init(&out);
	sb_init(&phony);
	sb_addf(&out, "%s:", cl->dep_target != NULL ? cl->dep_target : cl->out);
	for (char *line = strtok_r(text, "\n", &save); line != NULL;
	     line = strtok_r(NULL, "\n", &save)) {
		if (strncmp(line, "file ", 5) != 0)
			continue;
		sb_adds(&out, " \\\n ");
		unmap_path(line + 6 + SHA256_HEX_LEN, &out);

		/* -MP: every header (the source is first) as a target. */
		if (cl->dep_phony && nfiles++ > 0) {
			sb_addc(&phony, '\n');
			unmap_path(line + 6 + SHA256_HEX_LEN, &phony);
			sb_adds(&phony, ":\n");
		}
	}
	sb_addc(&out, '\n');
	sb_add(&out, phony.buf, phony.len);
	sb_free(&phony);
	free(text);

	depfile = cl->depfile != NULL ? xstrdup(cl->depfile)
				      : default_depfile(cl->out);
	rc = fs_write_atomic(depfile, out.buf, out.len);
	free(depfile);
	sb_free(&out);
	return rc;
}

/* Compile @cl through the cache; returns the compiler's exit status. */
static int
cached_compile(const char *cc, const struct cc_ident *id,
	       const struct ccline *cl, const char *cachedir)
{
	char key[SHA256_HEX_LEN + 1], dkey[SHA256_HEX_LEN + 1];
	struct strbuf err, pre;
	int rc, direct;

	/* Without the preprocessor when the inputs are known unchanged. */
	direct = direct_key(id, cl, dkey) == 0;
	if (direct && direct_lookup(cachedir, dkey, cl, key) == 0 &&
	    take_from_cache(cachedir, key, cl->out) == 0 &&
	    write_depfile(cachedir, dkey, cl) == 0) {
		log_debug("cache hit '%s' (direct)", cl->out);
		log_event("hit", key, cl);
		return 0;
	}

	/* A source the preprocessor refuses: let the compiler say why. */
	sb_init(&pre);
	sb_init(&err);
	if (compute_key(cc, id, cl, &pre, key) != 0) {
		rc = compile(cc, cl, &err);
		log_event(rc == 0 ? "miss" : "fail", "-", cl);
	} else if (take_from_cache(cachedir, key, cl->out) == 0) {
		log_debug("cache hit '%s'", cl->out);
		log_event("hit", key, cl);
		if (direct)
			direct_store(cachedir, dkey, cl, &pre, key);
		rc = 0;
	} else {
		rc = compile(cc, cl, &err);
		if (rc == 0) {
			store_in_cache(cachedir, key, cl->out, &err);
			if (direct)
				direct_store(cachedir, dkey, cl, &pre, key);
		}
		log_debug("cache miss '%s'", cl->out);
		log_event(rc == 0 ? "miss" : "fail", key, cl);
	}
	sb_free(&err);
	sb_free(&pre);
	return rc;
}

int
main(int argc, char **argv)
{
	const char *cc, *cachedir;
	struct cc_ident id;
	struct ccline cl;
	char msg[256];
	char *iddir;
	int rc;

	if (argc < 2) {
		fprintf(stderr, "usage: fxcc COMPILER ARGS...\n");
		return FX_EXIT_USAGE;
	}
	if (getenv("FLEXEXPLORE_LOG") != NULL)
		log_set_level(getenv("FLEXEXPLORE_LOG"));
	cc = argv[1];
	parse_line(&cl, argc - 2, argv + 2);
	cachedir = cache_dir();
	if (!cl.cacheable || getenv("FXCC_DISABLE") != NULL || cachedir == NULL)
		return run_real(cc, argc - 2, argv + 2);
	iddir = xasprintf("%s/compilers", cachedir);
	rc = cc_ident_get(cc, iddir, &id, msg, sizeof(msg));
	free(iddir);
	if (rc != 0)
		return run_real(cc, argc - 2, argv + 2);

	load_maps();
	rc = cached_compile(cc, &id, &cl, cachedir);
	cc_ident_free(&id);
	free(cl.keep);
	free(cl.hashed);
	for (int m = 0; m < nmaps; m++) {
		free(maps[m].from);
		free(maps[m].to);
		free(maps[m].flag);
	}
	return rc;
}
