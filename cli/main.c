/*
 * flexexplore: explore the isolation configurations of a library OS and
 * report the safest ones that meet a performance budget.
 *
 * This file only dispatches to the subcommands.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../util/log.h"
#include "../util/util.h"
#include "cli.h"

struct command {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *summary;
};

static const struct command commands[] = {
	{"explore", cmd_explore,
	 "find the safest configurations within a budget"},
	{"status", cmd_status, "progress of running and finished explorations"},
	{"stop", cmd_stop, "end a running exploration cleanly"},
	{"space", cmd_space, "summarize, count, list or draw a space"},
	{"hw", cmd_hw, "this host's fingerprint and the mechanisms it can run"},
	{"bench", cmd_bench, "measure one image with its application's load"},
	{"gen", cmd_gen, "write (and build) the image of one configuration"},
	{"build", cmd_build, "build configurations into images, with a cache"},
	{"report", cmd_report,
	 "what an exploration found: text, HTML, CSV, JSON, DOT"},
};

static void
usage(FILE *out)
{
	fprintf(out, "usage: flexexplore --app NAME --budget BUDGET [options]\n"
		     "       flexexplore COMMAND [options]\n"
		     "\n"
		     "commands:\n");
	for (size_t i = 0; i < FX_ARRAY_LEN(commands); i++)
		fprintf(out, "  %-10s %s\n", commands[i].name,
			commands[i].summary);
	fprintf(out,
		"\n"
		"'flexexplore COMMAND --help' describes each command.\n"
		"FLEXEXPLORE_LOG=debug|info|warn|error sets the log level.\n");
}

int
cli_usage_error(const char *cmd, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "flexexplore %s: ", cmd);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nTry 'flexexplore %s --help'.\n", cmd);
	return FX_EXIT_USAGE;
}

static const struct command *
find_command(const char *name)
{
	for (size_t i = 0; i < FX_ARRAY_LEN(commands); i++)
		if (strcmp(commands[i].name, name) == 0)
			return &commands[i];
	return NULL;
}

int
main(int argc, char **argv)
{
	const char *level = getenv("FLEXEXPLORE_LOG");
	const struct command *cmd;

	if (level != NULL && log_set_level(level) != 0) {
		fprintf(stderr,
			"flexexplore: FLEXEXPLORE_LOG='%s' is not one "
			"of debug, info, warn, error\n",
			level);
		return FX_EXIT_USAGE;
	}

	if (argc < 2) {
		usage(stderr);
		return FX_EXIT_USAGE;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
	    strcmp(argv[1], "help") == 0) {
		usage(stdout);
		return FX_EXIT_OK;
	}

	/* Options first means the main job: an exploration. */
	if (argv[1][0] == '-') {
		cmd = find_command("explore");
		if (cmd != NULL)
			return cmd->run(argc, argv);
		fprintf(stderr, "flexexplore: this build has no explorer\n");
		return FX_EXIT_USAGE;
	}

	cmd = find_command(argv[1]);
	if (cmd == NULL) {
		fprintf(stderr, "flexexplore: unknown command '%s'\n\n",
			argv[1]);
		usage(stderr);
		return FX_EXIT_USAGE;
	}
	return cmd->run(argc - 1, argv + 1);
}
