/*
 * The progress line on a terminal: evaluations, the border found so
 * far, how much of the space is certified (the finder's cursor), elapsed
 * time and the configuration being evaluated.  Log lines erase it first
 * and redraw it after (log_set_progress_hooks), so the two never mix.
 */
#include <stdio.h>
#include <string.h>

#include "../util/log.h"
#include "../util/util.h"
#include "explorer.h"

static int enabled;
static int drawn;
static double started;
static char line[200];

static void
progress_clear(void)
{
	if (drawn) {
		fputs("\r\033[K", stderr);
		drawn = 0;
	}
}

static void
progress_redraw(void)
{
	if (!enabled || line[0] == '\0')
		return;
	fprintf(stderr, "\r\033[K%s", line);
	fflush(stderr);
	drawn = 1;
}

void
progress_start(int on)
{
	enabled = on;
	drawn = 0;
	line[0] = '\0';
	started = fx_now();
	if (on)
		log_set_progress_hooks(progress_clear, progress_redraw);
}

void
progress_update(long evaluated, double scanned, int npass, int nmiss,
		const char *current)
{
	int secs;

	if (!enabled)
		return;
	secs = (int)(fx_now() - started);
	snprintf(line, sizeof(line),
		 "[%ld evaluated | border %d+%d | certified %.0f%% | "
		 "%02d:%02d] %.60s",
		 evaluated, npass, nmiss, 100 * scanned, secs / 60, secs % 60,
		 current ? current : "");
	progress_redraw();
}

void
progress_stop(void)
{
	if (!enabled)
		return;
	progress_clear();
	log_set_progress_hooks(NULL, NULL);
	enabled = 0;
}
