/*
 * plat.h: what the platform (trusted core) offers every component.
 *
 * A component may include this header and the C library, and nothing else
 * of the core.  Everything here behaves the same in every configuration:
 * whatever compartment or mechanism a component ends up in, these calls
 * work locally in its own compartment and never cross a gate.
 *
 * Contract:
 *  - Image options come from the image's command line as --name=value
 *    (a bare --name has the value "").  They are parsed once before any
 *    component runs and never change; every compartment sees the same set.
 *  - Console and log output go to the image's stdout and stderr; a log line
 *    is written with a single write(2), so lines from different
 *    compartments never interleave inside a line.
 *  - Time is monotonic nanoseconds from the host's CLOCK_MONOTONIC.
 *  - Nothing here allocates memory a caller must free.
 */
#ifndef PLAT_H
#define PLAT_H

#include <stddef.h>
#include <stdint.h>

/**
 * The value of image option --@name=VALUE, "" for a bare --@name, or NULL
 * when the image was started without it.  The string lives as long as the
 * image.
 */
const char *plat_option(const char *name);

/**
 * Option @name as a decimal integer, or @dflt when it is absent.  A value
 * that is not a number stops the image with a message naming the option.
 */
long plat_option_long(const char *name, long dflt);

/** The application's own source folder (holds its default content). */
const char *plat_app_dir(void);

/* Log levels, most severe first.  --log=error|warn|info|debug picks the
 * threshold (default: info). */
enum plat_log_level {
	PLAT_ERR,
	PLAT_WARN,
	PLAT_INFO,
	PLAT_DEBUG,
};

/**
 * Write one log line to stderr, prefixed with the image's name and level;
 * a newline is added.  Events above the threshold are dropped before they
 * are formatted.
 */
void plat_log(enum plat_log_level level, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#define plat_err(...) plat_log(PLAT_ERR, __VA_ARGS__)
#define plat_warn(...) plat_log(PLAT_WARN, __VA_ARGS__)
#define plat_info(...) plat_log(PLAT_INFO, __VA_ARGS__)
#define plat_debug(...) plat_log(PLAT_DEBUG, __VA_ARGS__)

/** Whether events at @level would be written. */
int plat_log_enabled(enum plat_log_level level);

/** Write @len bytes to the console (stdout) unbuffered, all or nothing. */
void plat_console_write(const char *buf, size_t len);

/**
 * Print one formatted line on the console (stdout) and flush it at once,
 * e.g. plat_printf("ready port=%d\n", port).
 */
void plat_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/** Announce a server is ready: prints "ready port=N" on stdout, flushed. */
void plat_ready(int port);

/** Stop the whole image with a message; never returns. */
void plat_panic(const char *fmt, ...)
	__attribute__((format(printf, 1, 2), noreturn));

/** Monotonic time in nanoseconds. */
uint64_t plat_time_ns(void);

/** Sleep for @ns nanoseconds (restarted when interrupted). */
void plat_sleep_ns(uint64_t ns);

#endif /* PLAT_H */
