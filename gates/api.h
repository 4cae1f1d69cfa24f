/*
 * api: the exports.api files of components, the one declaration format
 * the gate generator reads.
 *
 * One function per line, in C syntax, each pointer parameter followed by
 * an annotation that says what a gate copies:
 *
 *	ssize_t net_recv(int fd, void *buf [out,size=len], size_t len);
 *
 * [in], [out] or [inout] with size=EXPR (bytes) or str (NUL-terminated,
 * not with out); [opaque] for a handle the callee never dereferences for
 * the caller.  '#' starts a comment line.  Return types are scalars or
 * void; there are no variadic functions and no function pointers.
 */
#ifndef FX_GATES_API_H
#define FX_GATES_API_H

#include <stddef.h>

enum api_dir {
	API_SCALAR, /* not a pointer */
	API_IN,
	API_OUT,
	API_INOUT,
	API_OPAQUE,
};

struct api_param {
	char *type; /* as written, without the name: "const char *" */
	char *name;
	enum api_dir dir;
	int str;    /* [..,str]: length is strlen() + 1 */
	char *size; /* size=EXPR, or NULL */
};

struct api_func {
	char *ret; /* return type; "void" for none */
	char *name;
	int nparams;
	struct api_param *params;
	int line; /* where it was declared */
};

struct api_file {
	char *path;
	char *component;
	int nfuncs;
	struct api_func *funcs;
};

/**
 * Parse @text, the exports.api of @component; @path names it in errors.
 * Returns 0, or -1 with "path:line: what was expected" in @err.
 */
int api_parse(const char *text, const char *path, const char *component,
	      struct api_file *out, char *err, size_t errlen);

/** Read and parse the file at @path. */
int api_load(const char *path, const char *component, struct api_file *out,
	     char *err, size_t errlen);

void api_free(struct api_file *f);

/** The function named @name in @f, or NULL. */
const struct api_func *api_find(const struct api_file *f, const char *name);

#endif /* FX_GATES_API_H */
