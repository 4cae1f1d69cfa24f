/*
 * The linuxu platform: image options, console and log, time, and the
 * main() that starts the mechanism runtime, which runs the application's
 * entry in its compartment.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../../gates/gate.h"
#include "plat_core.h"

#ifndef FX_APP_DIR
#define FX_APP_DIR "."
#endif

#define PLAT_MAX_OPTIONS 64
#define PLAT_LINE_MAX 1024

struct plat_opt {
	const char *name;
	size_t namelen;
	const char *value;
};

static struct plat_opt plat_opts[PLAT_MAX_OPTIONS];
static int plat_nopts;
static enum plat_log_level plat_threshold = PLAT_INFO;
static char plat_name[128] = "image";

static const char *const plat_level_names[] = {"error", "warn", "info",
					       "debug"};

static void
plat_usage_exit(const char *fmt, const char *arg)
{
	fprintf(stderr, "%s: ", plat_name);
	fprintf(stderr, fmt, arg);
	fprintf(stderr, "\n");
	exit(2);
}

void
plat_options_init(int argc, char **argv)
{
	const char *level;

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		const char *eq;

		if (strncmp(a, "--", 2) != 0 || a[2] == '\0' || a[2] == '=')
			plat_usage_exit("argument '%s' is not --name=value", a);
		if (plat_nopts == PLAT_MAX_OPTIONS)
			plat_usage_exit("too many options at '%s'", a);
		a += 2;
		eq = strchr(a, '=');
		plat_opts[plat_nopts].name = a;
		plat_opts[plat_nopts].namelen =
			eq ? (size_t)(eq - a) : strlen(a);
		plat_opts[plat_nopts].value = eq ? eq + 1 : "";
		plat_nopts++;
	}

	level = plat_option("log");
	if (level == NULL)
		return;
	for (size_t l = 0; l < sizeof(plat_level_names) / sizeof(char *); l++)
		if (strcmp(level, plat_level_names[l]) == 0) {
			plat_threshold = (enum plat_log_level)l;
			return;
		}
	plat_usage_exit("--log='%s' is not one of error, warn, info, debug",
			level);
}

const char *
plat_option(const char *name)
{
	size_t len = strlen(name);

	/* The last occurrence wins, as on most command lines. */
	for (int i = plat_nopts - 1; i >= 0; i--)
		if (plat_opts[i].namelen == len &&
		    memcmp(plat_opts[i].name, name, len) == 0)
			return plat_opts[i].value;
	return NULL;
}

long
plat_option_long(const char *name, long dflt)
{
	const char *v = plat_option(name);
	char *end;
	long n;

	if (v == NULL)
		return dflt;
	errno = 0;
	n = strtol(v, &end, 10);
	if (*v == '\0' || *end != '\0' || errno != 0)
		plat_panic("option --%s='%s' is not a number", name, v);
	return n;
}

const char *
plat_app_dir(void)
{
	return FX_APP_DIR;
}

const char *
plat_image_name(void)
{
	return plat_name;
}

void
plat_set_compartment_name(const char *name)
{
	snprintf(plat_name, sizeof(plat_name), "%s[%s]",
		 gate_image.app ? gate_image.app : "image", name);
}

int
plat_log_enabled(enum plat_log_level level)
{
	return level <= plat_threshold;
}

/* Write all of @buf to @fd, retrying short writes and interruptions. */
static void
plat_write_all(int fd, const char *buf, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, buf, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return;
		buf += n;
		len -= (size_t)n;
	}
}

static void
plat_vlog(enum plat_log_level level, const char *fmt, va_list ap)
{
	char line[PLAT_LINE_MAX];
	int n, m;

	n = snprintf(line, sizeof(line), "%s: %s: ", plat_name,
		     plat_level_names[level]);
	if (n < 0 || n >= (int)sizeof(line) - 1)
		n = 0;
	m = vsnprintf(line + n, sizeof(line) - (size_t)n - 1, fmt, ap);
	if (m < 0)
		m = 0;
	n += m;
	if (n > (int)sizeof(line) - 2)
		n = (int)sizeof(line) - 2;
	line[n++] = '\n';
	plat_write_all(STDERR_FILENO, line, (size_t)n);
}

void
plat_log(enum plat_log_level level, const char *fmt, ...)
{
	va_list ap;

	if (level > plat_threshold)
		return;
	va_start(ap, fmt);
	plat_vlog(level, fmt, ap);
	va_end(ap);
}

void
plat_console_write(const char *buf, size_t len)
{
	fflush(stdout); /* keep order with anything printf()ed before */
	plat_write_all(STDOUT_FILENO, buf, len);
}

void
plat_printf(const char *fmt, ...)
{
	char line[PLAT_LINE_MAX];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if (n >= (int)sizeof(line))
		n = (int)sizeof(line) - 1;
	plat_console_write(line, (size_t)n);
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
	plat_vlog(PLAT_ERR, fmt, ap);
	va_end(ap);
	fflush(stdout);
	_exit(4);
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
	struct timespec ts = {
		.tv_sec = (time_t)(ns / 1000000000u),
		.tv_nsec = (long)(ns % 1000000000u),
	};

	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

/*
 * Defaults for compartments built with AddressSanitizer: the leak checker
 * would scan every compartment's memory at exit, including the sections
 * an isolating mechanism has hidden from this one.
 */
const char *__asan_default_options(void);

const char *
__asan_default_options(void)
{
	return "detect_leaks=0";
}

/* The image's memory regions: each compartment's private sections. */
static void
plat_regions_log(const struct gate_image *img)
{
	for (int i = 0; i < img->ncompartments; i++) {
		const struct gate_compartment *c = &img->compartments[i];

		plat_debug("compartment %d '%s': code %p-%p, rodata %p-%p, "
			   "data %p-%p, bss %p-%p",
			   i, c->name, (void *)c->text.start,
			   (void *)c->text.end, (void *)c->rodata.start,
			   (void *)c->rodata.end, (void *)c->data.start,
			   (void *)c->data.end, (void *)c->bss.start,
			   (void *)c->bss.end);
	}
}

int
main(int argc, char **argv)
{
	int status;

	if (gate_image.app != NULL)
		snprintf(plat_name, sizeof(plat_name), "%s", gate_image.app);
	plat_options_init(argc, argv);

	/* Lines, not blocks, even into a pipe: servers announce readiness
	 * and the image's compartments share one stdout. */
	setvbuf(stdout, NULL, _IOLBF, 0);
	plat_fault_init();

	/* The C library reads the host's time zone once, here, before any
	 * compartment runs under its system-call allow-list. */
	tzset();

	plat_debug("starting %d compartment(s) under '%s'",
		   gate_image.ncompartments, gate_image.mechanism);
	if (plat_log_enabled(PLAT_DEBUG))
		plat_regions_log(&gate_image);
	status = gate_rt_start(&gate_image);
	fflush(stdout);
	return status;
}
