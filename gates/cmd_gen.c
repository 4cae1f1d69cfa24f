/*
 * flexexplore gen: write the build directory of one configuration, and
 * optionally build its image with Make.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../cli/cli.h"
#include "../configspace/configspace.h"
#include "../util/log.h"
#include "../util/util.h"
#include "gen.h"

static void
gen_usage(FILE *out)
{
	fprintf(out,
		"usage: flexexplore gen [--app NAME] [--spec FILE] CONFIG "
		"-o DIR [--make]\n"
		"\n"
		"Write the build directory of configuration CONFIG (a "
		"canonical name\n"
		"or hash) of the application's space: config.mk, gates.c, "
		"image.ld\n"
		"and syms/.  Build it with 'make -C OS BUILD=DIR', or pass "
		"--make.\n"
		"\n"
		"  --app NAME    the application (its space is "
		"os/apps/NAME/space.yaml)\n"
		"  --spec FILE   read the space from FILE instead\n"
		"  -o, --out DIR the build directory (created when missing)\n"
		"  --make        then build DIR/image with make\n");
}

/* Run make -C SRCDIR/os BUILD=DIR; returns an fx_exit code. */
static int
run_make(const char *srcdir, const char *dir)
{
	char *osdir = xasprintf("%s/os", srcdir);
	char *build = xasprintf("BUILD=%s", dir);
	const char *make = getenv("MAKE") ? getenv("MAKE") : "make";
	int status = -1;
	pid_t pid;

	fflush(NULL);
	pid = fork();
	if (pid == 0) {
		execlp(make, make, "--no-print-directory", "-C", osdir, build,
		       (char *)NULL);
		_exit(127);
	}
	if (pid > 0)
		waitpid(pid, &status, 0);
	free(osdir);
	free(build);
	if (pid < 0 || !WIFEXITED(status) || WEXITSTATUS(status) == 127) {
		log_errx("cannot run '%s'", make);
		return FX_EXIT_ENV;
	}
	if (WEXITSTATUS(status) != 0) {
		log_errx("building the image in '%s' failed", dir);
		return FX_EXIT_USAGE;
	}
	return FX_EXIT_OK;
}

int
cmd_gen(int argc, char **argv)
{
	static const struct option opts[] = {
		{"app", required_argument, NULL, 'a'},
		{"spec", required_argument, NULL, 's'},
		{"out", required_argument, NULL, 'o'},
		{"make", no_argument, NULL, 'm'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	const char *app = NULL, *spec = NULL, *out = NULL;
	int make = 0, c, rc;
	struct cs_space *sp;
	struct cs_error cerr;
	struct cs_config cfg;
	char msg[1024];

	optind = 1;
	while ((c = getopt_long(argc, argv, "o:h", opts, NULL)) != -1) {
		switch (c) {
		case 'a':
			app = optarg;
			break;
		case 's':
			spec = optarg;
			break;
		case 'o':
			out = optarg;
			break;
		case 'm':
			make = 1;
			break;
		case 'h':
			gen_usage(stdout);
			return FX_EXIT_OK;
		default:
			return cli_usage_error("gen", "unknown option");
		}
	}
	if (optind != argc - 1)
		return cli_usage_error("gen", "expected one CONFIG");
	if (out == NULL)
		return cli_usage_error("gen", "expected -o DIR");
	if (app == NULL && spec == NULL)
		return cli_usage_error("gen", "expected --app NAME or "
					      "--spec FILE");

	sp = spec ? cs_load(spec, &cerr) : cs_load_app(app, &cerr);
	if (sp == NULL) {
		cs_error_format(&cerr, msg, sizeof(msg));
		log_errx("%s", msg);
		return FX_EXIT_USAGE;
	}
	if (app != NULL && cs_space_app(sp) != NULL &&
	    strcmp(app, cs_space_app(sp)) != 0) {
		log_errx("space '%s' builds '%s', not '%s'", cs_space_path(sp),
			 cs_space_app(sp), app);
		cs_free(sp);
		return FX_EXIT_USAGE;
	}
	if (cs_parse(sp, argv[optind], &cfg, msg, sizeof(msg)) != 0) {
		log_errx("configuration '%s': %s", argv[optind], msg);
		cs_free(sp);
		return FX_EXIT_USAGE;
	}
	rc = gen_build_dir(sp, &cfg, fx_srcdir(), out, msg, sizeof(msg));
	cs_free(sp);
	if (rc != FX_EXIT_OK) {
		log_errx("%s", msg);
		return rc;
	}
	if (make) {
		char *abs = realpath(out, NULL);

		rc = run_make(fx_srcdir(), abs ? abs : out);
		free(abs);
	}
	return rc;
}
