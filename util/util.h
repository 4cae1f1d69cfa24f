/*
 * Small helpers every engine module uses: exit codes, allocation that
 * cannot return NULL, a growable string, and the engine's directories.
 */
#ifndef FX_UTIL_H
#define FX_UTIL_H

#include <stdarg.h>
#include <stddef.h>

/* Exit codes of the flexexplore command, shared by every subcommand. */
enum fx_exit {
	FX_EXIT_OK = 0,	      /* success */
	FX_EXIT_NONE = 1,     /* ran, but nothing met the budget */
	FX_EXIT_USAGE = 2,    /* bad usage or bad input file */
	FX_EXIT_ENV = 3,      /* missing tool, no permission, ... */
	FX_EXIT_INTERNAL = 4, /* a bug or an impossible state */
};

#define FX_ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* Allocation: on failure these print a message and exit(FX_EXIT_INTERNAL). */
void *xmalloc(size_t size);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t size);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/*
 * A growable NUL-terminated string.  Invariant: buf is never NULL after
 * sb_init() and buf[len] == '\0'.
 */
struct strbuf {
	char *buf;
	size_t len;
	size_t cap;
};

void sb_init(struct strbuf *sb);
void sb_free(struct strbuf *sb);
void sb_reset(struct strbuf *sb);
void sb_add(struct strbuf *sb, const char *s, size_t n);
void sb_adds(struct strbuf *sb, const char *s);
void sb_addc(struct strbuf *sb, char c);
void sb_addf(struct strbuf *sb, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void sb_vaddf(struct strbuf *sb, const char *fmt, va_list ap);
/** Append @s as a JSON string literal, quotes and escapes included. */
void sb_add_json_string(struct strbuf *sb, const char *s);
/** Hand the buffer to the caller (free() it); sb is left empty. */
char *sb_detach(struct strbuf *sb);

/**
 * The source tree the engine was built from (it holds os/ and the bundled
 * applications), or $FLEXEXPLORE_SRCDIR when set.  Never NULL.
 */
const char *fx_srcdir(void);

/**
 * The engine's home, where the database, build directories and logs live:
 * $FLEXEXPLORE_HOME, else $XDG_DATA_HOME/flexexplore, else
 * ~/.local/share/flexexplore.  Created on first use; NULL with a logged
 * error when it cannot be.
 */
const char *fx_home(void);

/** mkdir -p; returns 0 or -1 with errno set. */
int fx_mkdirs(const char *path, int mode);

/**
 * Read a whole file into a NUL-terminated buffer (free() it).  Returns NULL
 * with errno set on failure; *len, when not NULL, gets the size.
 */
char *fx_read_file(const char *path, size_t *len);

/** Parse a non-negative decimal; 0 on success, -1 on junk or overflow. */
int fx_parse_u64(const char *s, unsigned long long *out);

/** Wall-clock seconds from a monotonic clock. */
double fx_now(void);

#endif /* FX_UTIL_H */
