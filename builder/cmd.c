/*
 * flexexplore build: build configurations of an application into images.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../cli/cli.h"
#include "../util/log.h"
#include "builder.h"

static const char build_usage[] =
	"usage: flexexplore build --app NAME [options] CONFIG...\n"
	"\n"
	"Builds each configuration (a canonical name, in any order, or its\n"
	"hash) of the application into an image under the engine's home,\n"
	"builds/HASH/image, with its provenance in manifest.json beside it.\n"
	"An image that is up to date is not built again; objects come from\n"
	"the object cache whenever their input, flags and compiler match.\n"
	"\n"
	"  --app NAME       the bundled application (its space file)\n"
	"  --spec FILE      a space file instead of the application's own\n"
	"  --jobs N         builds at once (default: the host's cores)\n"
	"  --timeout SEC    stop a build after SEC seconds (default 600)\n"
	"  --force          build even when the image is up to date\n"
	"  --prune          keep only the image, manifest and logs of each\n"
	"                   build folder (objects stay in the cache)\n"
	"  --json           one JSON object per configuration\n"
	"  --launcher CMD   run each build as 'CMD flexexplore build ...',\n"
	"                   e.g. 'srun -N1 -n1' for a Slurm job per build\n"
	"                   (the home and source tree on a shared file\n"
	"                   system)\n"
	"\n"
	"Exit status: 0 all built, 1 some build failed (the reason and the\n"
	"log are printed), 2 bad arguments or configuration, 3 a tool is\n"
	"missing (make, a compiler, clang for cfi or safestack).\n";

struct build_args {
	const char *app;
	const char *spec;
	const char *launcher;
	int json;
	struct bld_options opts;
};

static int
parse_args(int argc, char **argv, struct build_args *a)
{
	static const struct option longopts[] = {
		{"app", required_argument, NULL, 'a'},
		{"spec", required_argument, NULL, 's'},
		{"jobs", required_argument, NULL, 'j'},
		{"timeout", required_argument, NULL, 't'},
		{"force", no_argument, NULL, 'f'},
		{"prune", no_argument, NULL, 'p'},
		{"json", no_argument, NULL, 'J'},
		{"launcher", required_argument, NULL, 'L'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	unsigned long long n;
	int c;

	memset(a, 0, sizeof(*a));
	optind = 1;
	while ((c = getopt_long(argc, argv, "j:", longopts, NULL)) != -1) {
		switch (c) {
		case 'a':
			a->app = optarg;
			break;
		case 's':
			a->spec = optarg;
			break;
		case 'j':
			if (fx_parse_u64(optarg, &n) != 0 || n < 1 || n > 1024)
				return cli_usage_error(
					"build",
					"--jobs '%s': expected 1 to 1024",
					optarg);
			a->opts.jobs = (int)n;
			break;
		case 't':
			if (fx_parse_u64(optarg, &n) != 0 || n < 1)
				return cli_usage_error(
					"build",
					"--timeout '%s': expected seconds",
					optarg);
			a->opts.timeout = (double)n;
			break;
		case 'f':
			a->opts.force = 1;
			break;
		case 'p':
			a->opts.prune = 1;
			break;
		case 'J':
			a->json = 1;
			break;
		case 'L':
			a->launcher = optarg;
			break;
		case 'h':
			fputs(build_usage, stdout);
			return -1;
		default:
			return cli_usage_error("build", "unknown option");
		}
	}
	if (a->app == NULL && a->spec == NULL)
		return cli_usage_error("build", "--app NAME is required");
	if (optind == argc)
		return cli_usage_error("build", "no configuration to build");
	return FX_EXIT_OK;
}

static void
print_json(const char *name, const struct bld_result *r)
{
	struct strbuf sb;

	sb_init(&sb);
	sb_adds(&sb, "{\"config\": ");
	sb_add_json_string(&sb, name);
	sb_addf(&sb, ", \"hash\": \"%s\", \"ok\": %s, \"up_to_date\": %s",
		r->hash, r->ok ? "true" : "false",
		r->up_to_date ? "true" : "false");
	sb_addf(&sb,
		", \"seconds\": %.3f, \"compiled\": %d, "
		"\"from_cache\": %d, \"image\": ",
		r->seconds, r->compiled, r->from_cache);
	sb_add_json_string(&sb, r->ok ? r->image : "");
	sb_addf(&sb,
		", \"sha256\": \"%s\", \"manifest\": ", r->ok ? r->digest : "");
	sb_add_json_string(&sb, r->ok ? r->manifest : "");
	sb_adds(&sb, ", \"revision\": ");
	sb_add_json_string(&sb, r->revision);
	sb_adds(&sb, ", \"toolchain\": ");
	sb_add_json_string(&sb, r->toolchain);
	sb_adds(&sb, ", \"component\": ");
	sb_add_json_string(&sb, r->component);
	sb_adds(&sb, ", \"reason\": ");
	sb_add_json_string(&sb, r->reason);
	sb_adds(&sb, ", \"log\": ");
	sb_add_json_string(&sb, r->log);
	sb_adds(&sb, "}\n");
	fputs(sb.buf, stdout);
	fflush(stdout);
	sb_free(&sb);
}

static void
print_text(const char *name, const struct bld_result *r)
{
	printf("%s\n", name);
	if (!r->ok) {
		printf("  FAILED   %s\n  log      %s\n", r->reason, r->log);
	} else {
		printf("  image    %s\n", r->image);
		if (r->up_to_date)
			printf("  cached   yes: the image was up to date\n");
		else
			printf("  cached   no: %d objects compiled, %d from "
			       "the object cache\n",
			       r->compiled, r->from_cache);
		printf("  sha256   %s\n", r->digest);
	}
	printf("  time     %.2f s\n", r->seconds);
	fflush(stdout);
}

static void
print_summary(const struct bld_result *results, int n)
{
	int built = 0, current = 0, failed = 0, compiled = 0, cached = 0;

	for (int i = 0; i < n; i++) {
		built += results[i].ok && !results[i].up_to_date;
		current += results[i].up_to_date;
		failed += !results[i].ok;
		compiled += results[i].compiled;
		cached += results[i].from_cache;
	}
	printf("%d configurations: %d built (%d objects compiled, %d from "
	       "the object cache), %d up to date, %d failed\n",
	       n, built, compiled, cached, current, failed);
}

struct report {
	char **names;
	int json;
};

static void
report_one(void *arg, int i, const struct bld_result *r)
{
	struct report *rep = arg;

	if (rep->json)
		print_json(rep->names[i], r);
	else
		print_text(rep->names[i], r);
}

/* Parse every configuration first: bad input builds nothing. */
static int
parse_configs(struct cs_space *sp, char **args, int n, struct cs_config *cfgs,
	      char **names)
{
	char msg[512];

	for (int i = 0; i < n; i++) {
		struct strbuf sb;

		if (cs_parse(sp, args[i], &cfgs[i], msg, sizeof(msg)) != 0) {
			log_errx("'%s' is not a configuration of space '%s': "
				 "%s",
				 args[i], cs_space_name(sp), msg);
			return FX_EXIT_USAGE;
		}
		sb_init(&sb);
		cs_name(sp, &cfgs[i], &sb);
		names[i] = sb_detach(&sb);
	}
	return FX_EXIT_OK;
}

static struct cs_space *
load_space(const struct build_args *a, int *rc)
{
	struct cs_error err;
	struct cs_space *sp;
	char msg[600];

	sp = a->spec != NULL ? cs_load(a->spec, &err)
			     : cs_load_app(a->app, &err);
	if (sp == NULL) {
		cs_error_format(&err, msg, sizeof(msg));
		log_errx("%s", msg);
		*rc = FX_EXIT_USAGE;
		return NULL;
	}
	if (a->app != NULL && cs_space_app(sp) != NULL &&
	    strcmp(a->app, cs_space_app(sp)) != 0) {
		log_errx("space '%s' builds '%s', not '%s'", cs_space_path(sp),
			 cs_space_app(sp), a->app);
		cs_free(sp);
		*rc = FX_EXIT_USAGE;
		return NULL;
	}
	return sp;
}

int
cmd_build(int argc, char **argv)
{
	struct build_args a;
	struct cs_space *sp;
	struct cs_config *cfgs = NULL;
	struct bld_result *results = NULL;
	struct bld_ctx *ctx = NULL;
	struct report rep;
	char **names = NULL;
	char msg[600];
	int rc, n, failed;

	rc = parse_args(argc, argv, &a);
	if (rc != FX_EXIT_OK)
		return rc < 0 ? FX_EXIT_OK : rc;
	sp = load_space(&a, &rc);
	if (sp == NULL)
		return rc;

	n = argc - optind;
	cfgs = xcalloc((size_t)n, sizeof(*cfgs));
	names = xcalloc((size_t)n, sizeof(*names));
	rc = parse_configs(sp, argv + optind, n, cfgs, names);
	if (rc != FX_EXIT_OK)
		goto out;

	ctx = bld_open(sp, &a.opts, &rc, msg, sizeof(msg));
	if (ctx == NULL) {
		log_errx("%s", msg);
		goto out;
	}
	for (int i = 0; i < n; i++) {
		rc = bld_check(ctx, &cfgs[i], msg, sizeof(msg));
		if (rc != FX_EXIT_OK) {
			log_errx("cannot build '%s': %s", names[i], msg);
			goto out;
		}
	}

	if (a.launcher != NULL)
		bld_set_backend(ctx, bld_backend_launcher(a.launcher,
							  a.opts.jobs > 0
								  ? a.opts.jobs
								  : n));
	results = xcalloc((size_t)n, sizeof(*results));
	rep.names = names;
	rep.json = a.json;
	failed = bld_build_many(ctx, cfgs, n, results, report_one, &rep);
	rc = failed > 0 ? FX_EXIT_NONE : FX_EXIT_OK;
	if (!a.json && n > 1)
		print_summary(results, n);
	if (failed > 0)
		log_warnx("%d of %d builds failed", failed, n);
out:
	bld_close(ctx);
	for (int i = 0; names != NULL && i < n; i++)
		free(names[i]);
	free(names);
	free(cfgs);
	free(results);
	cs_free(sp);
	return rc;
}
