/*
 * One line per event, filtered by level before anything is formatted.
 *
 * In the foreground lines go to stderr; a detached engine points the log at
 * a file with log_open().  The progress bar, when one is drawn, is erased
 * before a line is written and redrawn after, so the two never interleave.
 *
 * Messages are lowercase, without a final period, and quote their subject:
 *	log_warn("cannot open '%s'", path);	-- appends strerror(errno)
 *	log_warnx("space '%s' is empty", name);	-- does not
 */
#ifndef FX_LOG_H
#define FX_LOG_H

#include <stdarg.h>

enum log_level {
	LOG_LEVEL_ERROR,
	LOG_LEVEL_WARN,
	LOG_LEVEL_INFO,
	LOG_LEVEL_DEBUG,
};

/** The current threshold: events above it are dropped unformatted. */
extern enum log_level log_threshold;

/** Set the threshold from a name ("error", "warn", "info", "debug"). */
int log_set_level(const char *name);

/**
 * Send the log to @path (appended) instead of stderr.  Returns 0, or -1
 * with errno set when the file cannot be opened.
 */
int log_open(const char *path);

/**
 * Hooks a progress display registers so that log lines do not tear it:
 * @clear erases it, @redraw paints it again.  Either may be NULL.
 */
void log_set_progress_hooks(void (*clear)(void), void (*redraw)(void));

void log_write(enum log_level level, int with_errno, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#define LOG_AT(lvl, e, ...)                                                    \
	do {                                                                   \
		if ((lvl) <= log_threshold)                                    \
			log_write((lvl), (e), __VA_ARGS__);                    \
	} while (0)

#define log_err(...) LOG_AT(LOG_LEVEL_ERROR, 1, __VA_ARGS__)
#define log_errx(...) LOG_AT(LOG_LEVEL_ERROR, 0, __VA_ARGS__)
#define log_warn(...) LOG_AT(LOG_LEVEL_WARN, 1, __VA_ARGS__)
#define log_warnx(...) LOG_AT(LOG_LEVEL_WARN, 0, __VA_ARGS__)
#define log_info(...) LOG_AT(LOG_LEVEL_INFO, 0, __VA_ARGS__)
#define log_debug(...) LOG_AT(LOG_LEVEL_DEBUG, 0, __VA_ARGS__)

#endif /* FX_LOG_H */
