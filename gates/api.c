/*
 * The exports.api parser.  Each line is cut at its parenthesis into a
 * return type, a name and parameters; each parameter into a type, a name
 * and its annotation.  Nothing is guessed: whatever does not fit the
 * format is an error naming the file, the line and what was expected.
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../util/util.h"
#include "api.h"

struct api_ctx {
	const char *path;
	int line;
	char *err;
	size_t errlen;
};

static int __attribute__((format(printf, 2, 3)))
api_error(struct api_ctx *cx, const char *fmt, ...)
{
	va_list ap;
	int n;

	n = snprintf(cx->err, cx->errlen, "%s:%d: ", cx->path, cx->line);
	if (n < 0 || (size_t)n >= cx->errlen)
		return -1;
	va_start(ap, fmt);
	vsnprintf(cx->err + n, cx->errlen - (size_t)n, fmt, ap);
	va_end(ap);
	return -1;
}

/* A copy of [s, e) without surrounding blanks. */
static char *
trimmed(const char *s, const char *e)
{
	while (s < e && isspace((unsigned char)*s))
		s++;
	while (e > s && isspace((unsigned char)e[-1]))
		e--;
	return xstrndup(s, (size_t)(e - s));
}

static int
is_ident_char(char c)
{
	return isalnum((unsigned char)c) || c == '_';
}

static int
is_ident(const char *s)
{
	if (*s == '\0' || isdigit((unsigned char)*s))
		return 0;
	for (; *s != '\0'; s++)
		if (!is_ident_char(*s))
			return 0;
	return 1;
}

/*
 * Split "TYPE NAME" into its parts: the name is the trailing identifier.
 * Returns 0, or -1 when there is no name or no type before it.
 */
static int
split_decl(const char *decl, char **type, char **name)
{
	const char *e = decl + strlen(decl);
	const char *n = e;

	while (n > decl && is_ident_char(n[-1]))
		n--;
	if (n == e || isdigit((unsigned char)*n))
		return -1;
	*type = trimmed(decl, n);
	if (**type == '\0') {
		free(*type);
		*type = NULL;
		return -1;
	}
	*name = xstrndup(n, (size_t)(e - n));
	return 0;
}

/*
 * The end of the next item of a comma-separated list starting at @s,
 * ignoring commas nested in (), [] or {}: the comma or the NUL.
 */
static const char *
item_end(const char *s)
{
	int depth = 0;

	for (; *s != '\0'; s++) {
		if (*s == '(' || *s == '[' || *s == '{')
			depth++;
		else if (*s == ')' || *s == ']' || *s == '}')
			depth--;
		else if (*s == ',' && depth == 0)
			break;
	}
	return s;
}

/* Whether @item reads "size = EXPR" (blanks allowed around '='). */
static int
is_size_item(const char *item)
{
	const char *s = item + 4;

	if (strncmp(item, "size", 4) != 0)
		return 0;
	while (isspace((unsigned char)*s))
		s++;
	if (*s++ != '=')
		return 0;
	while (isspace((unsigned char)*s))
		s++;
	return *s != '\0';
}

static int
parse_annotation(struct api_ctx *cx, const char *fn, struct api_param *p,
		 const char *ann)
{
	int ndir = 0;

	for (const char *s = ann;;) {
		const char *e = item_end(s);
		char *item = trimmed(s, e);

		if (strcmp(item, "in") == 0) {
			p->dir = API_IN, ndir++;
		} else if (strcmp(item, "out") == 0) {
			p->dir = API_OUT, ndir++;
		} else if (strcmp(item, "inout") == 0) {
			p->dir = API_INOUT, ndir++;
		} else if (strcmp(item, "opaque") == 0) {
			p->dir = API_OPAQUE, ndir++;
		} else if (strcmp(item, "str") == 0) {
			p->str = 1;
		} else if (is_size_item(item) && p->size == NULL) {
			const char *v = strchr(item, '=') + 1;

			p->size = trimmed(v, v + strlen(v));
		} else {
			api_error(cx,
				  "'%s' in the annotation of '%s' of '%s': "
				  "expected in, out, inout, opaque, str or "
				  "size=EXPR (once)",
				  item, p->name, fn);
			free(item);
			return -1;
		}
		free(item);
		if (*e == '\0')
			break;
		s = e + 1;
	}

	if (ndir != 1)
		return api_error(cx,
				 "parameter '%s' of '%s': expected exactly "
				 "one of in, out, inout, opaque",
				 p->name, fn);
	if (p->dir == API_OPAQUE && (p->str || p->size != NULL))
		return api_error(cx,
				 "parameter '%s' of '%s': an opaque pointer "
				 "takes no size or str",
				 p->name, fn);
	if (p->dir != API_OPAQUE && p->str + (p->size != NULL) != 1)
		return api_error(cx,
				 "parameter '%s' of '%s': expected exactly "
				 "one of size=EXPR or str",
				 p->name, fn);
	if (p->dir == API_OUT && p->str)
		return api_error(cx,
				 "parameter '%s' of '%s': an out buffer "
				 "needs size=EXPR, not str",
				 p->name, fn);
	return 0;
}

static int
parse_param(struct api_ctx *cx, const char *fn, const char *text,
	    struct api_param *p)
{
	const char *open = strchr(text, '[');
	char *decl;
	int rc;

	memset(p, 0, sizeof(*p));
	decl = open ? trimmed(text, open) : xstrdup(text);
	if (strchr(decl, '(') != NULL) {
		api_error(cx,
			  "parameter '%s' of '%s' is a function pointer; "
			  "no function pointers cross a component boundary",
			  decl, fn);
		free(decl);
		return -1;
	}
	if (strcmp(decl, "...") == 0) {
		free(decl);
		return api_error(cx,
				 "'%s' is variadic; gates need every "
				 "parameter declared",
				 fn);
	}
	rc = split_decl(decl, &p->type, &p->name);
	if (rc != 0) {
		api_error(cx,
			  "parameter '%s' of '%s': expected a type and a "
			  "name",
			  decl, fn);
		free(decl);
		return -1;
	}
	free(decl);

	if (open != NULL) {
		const char *close = strrchr(open, ']');
		char *ann;

		if (close == NULL || close[1] != '\0')
			return api_error(cx,
					 "parameter '%s' of '%s': expected "
					 "']' closing its annotation",
					 p->name, fn);
		if (strchr(p->type, '*') == NULL)
			return api_error(cx,
					 "parameter '%s' of '%s' is not a "
					 "pointer and takes no annotation",
					 p->name, fn);
		ann = xstrndup(open + 1, (size_t)(close - open - 1));
		rc = parse_annotation(cx, fn, p, ann);
		free(ann);
		return rc;
	}
	if (strchr(p->type, '*') != NULL)
		return api_error(cx,
				 "pointer parameter '%s' of '%s' needs an "
				 "annotation such as [in,size=n], [out,size=n]"
				 ", [in,str] or [opaque]",
				 p->name, fn);
	p->dir = API_SCALAR;
	return 0;
}

static void
free_func(struct api_func *f)
{
	for (int i = 0; i < f->nparams; i++) {
		free(f->params[i].type);
		free(f->params[i].name);
		free(f->params[i].size);
	}
	free(f->params);
	free(f->ret);
	free(f->name);
}

/* Parse the parameter list between the parentheses, "" or "void" for
 * none. */
static int
parse_params(struct api_ctx *cx, struct api_func *f, const char *list)
{
	char *all = trimmed(list, list + strlen(list));
	int rc = 0;

	if (*all == '\0' || strcmp(all, "void") == 0) {
		free(all);
		return 0;
	}
	for (const char *s = all;;) {
		const char *e = item_end(s);
		char *text = trimmed(s, e);

		f->params =
			xrealloc(f->params,
				 sizeof(*f->params) * (size_t)(f->nparams + 1));
		rc = parse_param(cx, f->name, text, &f->params[f->nparams]);
		f->nparams++;
		free(text);
		if (rc != 0 || *e == '\0')
			break;
		s = e + 1;
	}
	free(all);
	for (int i = 0; rc == 0 && i < f->nparams; i++)
		for (int j = 0; j < i; j++)
			if (strcmp(f->params[i].name, f->params[j].name) == 0)
				return api_error(cx,
						 "'%s' has two parameters "
						 "named '%s'",
						 f->name, f->params[i].name);
	return rc;
}

static int
parse_line(struct api_ctx *cx, const char *line, struct api_func *f)
{
	size_t len = strlen(line);
	const char *open = strchr(line, '(');
	const char *close;
	char *head, *list;
	int rc;

	memset(f, 0, sizeof(*f));
	f->line = cx->line;
	if (line[len - 1] != ';')
		return api_error(cx, "expected ';' at the end of the "
				     "declaration");
	if (open == NULL)
		return api_error(cx, "expected 'TYPE NAME(PARAMS);'");
	close = line + len - 2;
	while (close > open && isspace((unsigned char)*close))
		close--;
	if (*close != ')')
		return api_error(cx, "expected ')' before the final ';'");

	head = trimmed(line, open);
	rc = split_decl(head, &f->ret, &f->name);
	free(head);
	if (rc != 0)
		return api_error(cx, "expected a return type and a function "
				     "name before '('");
	if (strchr(f->ret, '*') != NULL)
		return api_error(cx,
				 "'%s' returns a pointer; return types "
				 "are scalars",
				 f->name);

	list = xstrndup(open + 1, (size_t)(close - open - 1));
	rc = parse_params(cx, f, list);
	free(list);
	return rc;
}

int
api_parse(const char *text, const char *path, const char *component,
	  struct api_file *out, char *err, size_t errlen)
{
	struct api_ctx cx = {
		.path = path, .line = 0, .err = err, .errlen = errlen};
	const char *s = text;

	memset(out, 0, sizeof(*out));
	out->path = xstrdup(path);
	out->component = xstrdup(component);
	while (*s != '\0') {
		const char *nl = strchr(s, '\n');
		const char *e = nl ? nl : s + strlen(s);
		char *line = trimmed(s, e);
		struct api_func f;
		int rc = 0;

		cx.line++;
		s = nl ? nl + 1 : e;
		if (*line == '\0' || *line == '#') {
			free(line);
			continue;
		}
		rc = parse_line(&cx, line, &f);
		free(line);
		if (rc == 0 && !is_ident(f.name))
			rc = api_error(&cx, "'%s' is not a C identifier",
				       f.name);
		if (rc == 0 && api_find(out, f.name) != NULL)
			rc = api_error(&cx, "'%s' is declared twice", f.name);
		if (rc != 0) {
			free_func(&f);
			api_free(out);
			return -1;
		}
		out->funcs =
			xrealloc(out->funcs, sizeof(*out->funcs) *
						     (size_t)(out->nfuncs + 1));
		out->funcs[out->nfuncs++] = f;
	}
	return 0;
}

int
api_load(const char *path, const char *component, struct api_file *out,
	 char *err, size_t errlen)
{
	char *text = fx_read_file(path, NULL);
	int rc;

	if (text == NULL) {
		snprintf(err, errlen, "%s: cannot read: %s", path,
			 strerror(errno));
		memset(out, 0, sizeof(*out));
		return -1;
	}
	rc = api_parse(text, path, component, out, err, errlen);
	free(text);
	return rc;
}

void
api_free(struct api_file *f)
{
	for (int i = 0; i < f->nfuncs; i++)
		free_func(&f->funcs[i]);
	free(f->funcs);
	free(f->path);
	free(f->component);
	memset(f, 0, sizeof(*f));
}

const struct api_func *
api_find(const struct api_file *f, const char *name)
{
	for (int i = 0; i < f->nfuncs; i++)
		if (strcmp(f->funcs[i].name, name) == 0)
			return &f->funcs[i];
	return NULL;
}
