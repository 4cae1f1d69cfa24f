/*
 * flexexplore bench: measure one image with its application's load.
 */
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../builder/builder.h"
#include "../cli/cli.h"
#include "../configspace/configspace.h"
#include "../util/log.h"
#include "../util/util.h"
#include "bench.h"

#define MAX_IMAGE_ARGS 16

static void
bench_usage(FILE *out)
{
	fprintf(out,
		"usage: flexexplore bench --app NAME CONFIG [options]\n"
		"       flexexplore bench --app NAME --image PATH [options]\n"
		"       flexexplore bench --app NAME --connect HOST:PORT "
		"[options]\n"
		"\n"
		"Run an image pinned to its own cores, wait until it answers,\n"
		"check one answer, warm up, then drive it with the "
		"application's\n"
		"load generator (os/apps/NAME/bench.yaml) on other cores "
		"until the\n"
		"median is known well enough.  Prints the samples, the "
		"median, its\n"
		"95%% confidence interval, the runs and why they stopped.\n"
		"\n"
		"  --app NAME          the application (httpd, kvstore, "
		"sqlite)\n"
		"  CONFIG              a configuration (canonical name, "
		"hash, or\n"
		"                      'baseline'): built first, then run\n"
		"  --image PATH        the image to run\n"
		"  --connect HOST:PORT measure a server already running there\n"
		"  --image-arg ARG     pass ARG to the image (repeatable)\n"
		"  --metric M          the metric that decides the "
		"repetitions\n"
		"                      (default: the definition's first)\n"
		"  --reps N            at most N measured runs (10)\n"
		"  --min-reps N        at least N measured runs (3)\n"
		"  --spread X          stop once the CI half-width is at most\n"
		"                      X times the median (0.05)\n"
		"  --duration S        seconds of one measured run (2)\n"
		"  --warmup S          seconds of the warm-up run (1)\n"
		"  --ready-timeout S   seconds the image may take to answer "
		"(10)\n"
		"  --timeout S         seconds a run may take beyond its "
		"duration (30)\n"
		"  --json              one JSON object instead of text\n"
		"\n"
		"Exit status: 0 measured; 1 the image failed (the reason is "
		"printed:\n"
		"not-started, not-ready, crashed, wrong-answer, timeout, "
		"load-failed);\n"
		"2 bad usage, definition or metric, or nothing answers at "
		"--connect;\n"
		"3 a missing load generator or a host problem.\n");
}

/*
 * Build configuration @name of @app (or its baseline, for "baseline") and
 * put the image's path in @image.  Returns an fx_exit code; a failed build
 * is FX_EXIT_NONE with the reason logged.
 */
static int
build_config(const char *app, const char *name, char *image, size_t len)
{
	struct bld_options bopt = {0};
	struct bench_host host;
	struct cs_config cfg;
	struct cs_error cerr;
	struct bld_result r;
	struct cs_space *sp;
	struct bld_ctx *ctx;
	char msg[512];
	const char *mech;
	int rc = FX_EXIT_OK, code;

	if ((sp = cs_load_app(app, &cerr)) == NULL) {
		cs_error_format(&cerr, msg, sizeof(msg));
		log_errx("%s", msg);
		return FX_EXIT_USAGE;
	}
	if (strcmp(name, "baseline") == 0) {
		cs_bottom(sp, &cfg);
	} else if (cs_parse(sp, name, &cfg, msg, sizeof(msg)) != 0) {
		log_errx("'%s' is not a configuration of '%s': %s", name, app,
			 msg);
		rc = FX_EXIT_USAGE;
		goto out;
	}

	/* Refuse what this host cannot run before building it. */
	mech = cs_config_mechanism(sp, &cfg);
	if ((rc = bench_host_fingerprint(&host)) != FX_EXIT_OK)
		goto out;
	if (!bench_host_can_run(&host, mech)) {
		log_errx("this host cannot run mechanism '%s' (see "
			 "'flexexplore hw')",
			 mech);
		rc = FX_EXIT_ENV;
		goto out;
	}

	if ((ctx = bld_open(sp, &bopt, &code, msg, sizeof(msg))) == NULL) {
		log_errx("%s", msg);
		rc = code;
		goto out;
	}
	code = bld_build(ctx, &cfg, &r);
	if (code < 0) {
		log_errx("cannot build '%s': %s", name, r.reason);
		rc = r.exit_code ? r.exit_code : FX_EXIT_ENV;
	} else if (code > 0 || !r.ok) {
		log_errx("building '%s' failed: %s (log: %s)", name, r.reason,
			 r.log);
		rc = FX_EXIT_NONE;
	} else {
		snprintf(image, len, "%s", r.image);
	}
	bld_close(ctx);
out:
	cs_free(sp);
	return rc;
}

static int
parse_seconds(const char *s, double *out)
{
	char *end;

	*out = strtod(s, &end);
	return end != s && *end == '\0' && *out > 0 && *out < 86400 ? 0 : -1;
}

static int
parse_count(const char *s, int *out)
{
	unsigned long long v;

	if (fx_parse_u64(s, &v) != 0 || v == 0 || v > 1000)
		return -1;
	*out = (int)v;
	return 0;
}

int
cmd_bench(int argc, char **argv)
{
	enum { O_IMAGE_ARG = 256, O_MIN_REPS, O_WARMUP, O_READY, O_TIMEOUT };
	static const struct option longopts[] = {
		{"app", required_argument, NULL, 'a'},
		{"image", required_argument, NULL, 'i'},
		{"connect", required_argument, NULL, 'c'},
		{"image-arg", required_argument, NULL, O_IMAGE_ARG},
		{"metric", required_argument, NULL, 'm'},
		{"reps", required_argument, NULL, 'r'},
		{"min-reps", required_argument, NULL, O_MIN_REPS},
		{"spread", required_argument, NULL, 's'},
		{"duration", required_argument, NULL, 'd'},
		{"warmup", required_argument, NULL, O_WARMUP},
		{"ready-timeout", required_argument, NULL, O_READY},
		{"timeout", required_argument, NULL, O_TIMEOUT},
		{"json", no_argument, NULL, 'j'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	const char *image_args[MAX_IMAGE_ARGS + 1] = {NULL};
	struct bench_options opt;
	struct bench_result res;
	struct strbuf sb;
	char image[PATH_MAX];
	int nargs = 0, json = 0, c, rc, bad = 0;

	bench_options_init(&opt);
	opt.args = image_args;
	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (c) {
		case 'a':
			opt.app = optarg;
			break;
		case 'i':
			opt.image = optarg;
			break;
		case 'c':
			opt.connect = optarg;
			break;
		case O_IMAGE_ARG:
			if (nargs == MAX_IMAGE_ARGS)
				return cli_usage_error("bench",
						       "at most %d --image-arg",
						       MAX_IMAGE_ARGS);
			image_args[nargs++] = optarg;
			break;
		case 'm':
			opt.metric = optarg;
			break;
		case 'r':
			bad = parse_count(optarg, &opt.max_reps);
			break;
		case O_MIN_REPS:
			bad = parse_count(optarg, &opt.min_reps);
			break;
		case 's':
			bad = parse_seconds(optarg, &opt.spread);
			break;
		case 'd':
			bad = parse_seconds(optarg, &opt.duration);
			break;
		case O_WARMUP:
			bad = parse_seconds(optarg, &opt.warmup);
			break;
		case O_READY:
			bad = parse_seconds(optarg, &opt.ready_timeout);
			break;
		case O_TIMEOUT:
			bad = parse_seconds(optarg, &opt.run_timeout);
			break;
		case 'j':
			json = 1;
			break;
		case 'h':
			bench_usage(stdout);
			return FX_EXIT_OK;
		default:
			return cli_usage_error("bench", "unknown option");
		}
		if (bad)
			return cli_usage_error("bench",
					       "invalid value '%s' (after %s)",
					       optarg, argv[optind - 1]);
	}
	if (opt.app == NULL)
		return cli_usage_error("bench", "--app NAME is required");
	if (optind + 1 < argc)
		return cli_usage_error("bench", "one configuration at a time");
	if ((optind < argc) + (opt.image != NULL) + (opt.connect != NULL) != 1)
		return cli_usage_error("bench",
				       "expected one of CONFIG, --image PATH "
				       "and --connect HOST:PORT");
	if (optind < argc) {
		rc = build_config(opt.app, argv[optind], image, sizeof(image));
		if (rc != FX_EXIT_OK)
			return rc;
		opt.image = image;
	}
	/* A lone --reps below the default minimum lowers the minimum. */
	if (opt.min_reps > opt.max_reps)
		opt.min_reps = opt.max_reps;

	rc = bench_run(&opt, &res);
	if (rc != FX_EXIT_OK)
		return rc;
	sb_init(&sb);
	if (json) {
		bench_result_json(&res, &sb);
		sb_addc(&sb, '\n');
	} else {
		sb_addf(&sb, "app:        %s\n", opt.app);
		sb_addf(&sb, "image:      %s\n",
			opt.image ? opt.image : opt.connect);
		bench_result_text(&res, &sb);
	}
	fputs(sb.buf, stdout);
	sb_free(&sb);
	return res.status == BENCH_OK ? FX_EXIT_OK : FX_EXIT_NONE;
}
