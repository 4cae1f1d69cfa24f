/*
 * A stand-in platform for testing the applications' components without
 * the gate build: the plat.h functions over stdio, and a main() that
 * parses --name=value options and calls the application's entry.
 * image.mk links it with every component of one application.
 */
#include "plat.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

int APP_ENTRY(void);

static int shim_argc;
static char **shim_argv;
static enum plat_log_level shim_level = PLAT_INFO;

const char *
plat_option(const char *name)
{
	size_t n = strlen(name);
	int i;

	for (i = 1; i < shim_argc; i++) {
		const char *a = shim_argv[i];

		if (strncmp(a, "--", 2) != 0 || strncmp(a + 2, name, n) != 0)
			continue;
		if (a[2 + n] == '=')
			return a + 3 + n;
		if (a[2 + n] == '\0')
			return "";
	}
	return NULL;
}

long
plat_option_long(const char *name, long dflt)
{
	const char *v = plat_option(name);
	char *end;
	long x;

	if (v == NULL)
		return dflt;
	x = strtol(v, &end, 10);
	if (*v == '\0' || *end != '\0')
		plat_panic("option --%s: '%s' is not a number", name, v);
	return x;
}

const char *
plat_app_dir(void)
{
	return SHIM_APP_DIR;
}

int
plat_log_enabled(enum plat_log_level level)
{
	return level <= shim_level;
}

void
plat_log(enum plat_log_level level, const char *fmt, ...)
{
	static const char *names[] = {"error", "warn", "info", "debug"};
	char line[1024];
	va_list ap;
	int n;

	if (level > shim_level)
		return;
	n = snprintf(line, sizeof(line), "%s: %s: ", SHIM_APP, names[level]);
	va_start(ap, fmt);
	vsnprintf(line + n, sizeof(line) - (size_t)n - 1, fmt, ap);
	va_end(ap);
	fprintf(stderr, "%s\n", line);
}

void
plat_console_write(const char *buf, size_t len)
{
	fwrite(buf, 1, len, stdout);
	fflush(stdout);
}

void
plat_printf(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	fflush(stdout);
}

void
plat_ready(int port)
{
	plat_printf("ready port=%d\n", port);
}

void
plat_panic(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fprintf(stderr, "%s: panic: ", SHIM_APP);
	vfprintf(stderr, fmt, ap);
	fprintf(stderr, "\n");
	va_end(ap);
	exit(4);
}

uint64_t
plat_time_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

void
plat_sleep_ns(uint64_t ns)
{
	struct timespec ts = {(time_t)(ns / 1000000000u),
	                      (long)(ns % 1000000000u)};

	nanosleep(&ts, NULL);
}

int
main(int argc, char **argv)
{
	const char *lvl;

	shim_argc = argc;
	shim_argv = argv;
	lvl = plat_option("log");
	if (lvl != NULL && strcmp(lvl, "debug") == 0)
		shim_level = PLAT_DEBUG;
	else if (lvl != NULL && strcmp(lvl, "warn") == 0)
		shim_level = PLAT_WARN;
	else if (lvl != NULL && strcmp(lvl, "error") == 0)
		shim_level = PLAT_ERR;
	return APP_ENTRY();
}
