/*
 * The engine's log: level filter, stderr or a file, progress-bar aware.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "log.h"

enum log_level log_threshold = LOG_LEVEL_INFO;

static FILE *log_file;
static void (*progress_clear)(void);
static void (*progress_redraw)(void);

static const char *const level_names[] = {
	[LOG_LEVEL_ERROR] = "error",
	[LOG_LEVEL_WARN] = "warn",
	[LOG_LEVEL_INFO] = "info",
	[LOG_LEVEL_DEBUG] = "debug",
};

int
log_set_level(const char *name)
{
	for (size_t i = 0; i < sizeof(level_names) / sizeof(*level_names);
	     i++) {
		if (strcmp(name, level_names[i]) == 0) {
			log_threshold = (enum log_level)i;
			return 0;
		}
	}
	return -1;
}

int
log_open(const char *path)
{
	FILE *f = fopen(path, "a");

	if (f == NULL)
		return -1;
	setvbuf(f, NULL, _IOLBF, 0);
	if (log_file != NULL)
		fclose(log_file);
	log_file = f;
	return 0;
}

void
log_set_progress_hooks(void (*clear)(void), void (*redraw)(void))
{
	progress_clear = clear;
	progress_redraw = redraw;
}

void
log_write(enum log_level level, int with_errno, const char *fmt, ...)
{
	int saved_errno = errno;
	FILE *out = log_file != NULL ? log_file : stderr;
	va_list ap;

	if (log_file == NULL && progress_clear != NULL)
		progress_clear();

	/* A file gets timestamps; a terminal reader has the clock. */
	if (log_file != NULL) {
		char stamp[32];
		time_t now = time(NULL);
		struct tm tm;

		gmtime_r(&now, &tm);
		strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%SZ", &tm);
		fprintf(out, "%s ", stamp);
	}
	fprintf(out, "flexexplore: %s: ", level_names[level]);
	va_start(ap, fmt);
	vfprintf(out, fmt, ap);
	va_end(ap);
	if (with_errno)
		fprintf(out, ": %s", strerror(saved_errno));
	fputc('\n', out);

	if (log_file == NULL && progress_redraw != NULL)
		progress_redraw();
	errno = saved_errno;
}
