/*
 * flexexplore hw: this host's fingerprint and the mechanisms it can run.
 */
#include <getopt.h>
#include <stdio.h>

#include "../cli/cli.h"
#include "../util/util.h"
#include "bench.h"

static void
hw_usage(FILE *out)
{
	fprintf(out,
		"usage: flexexplore hw [--json]\n"
		"\n"
		"Print this host's fingerprint: CPU model, cores, caches and\n"
		"NUMA layout (hwloc), kernel version, the CPU features that\n"
		"matter to isolation (protection keys above all) and the\n"
		"isolation mechanisms this host can therefore run.  The\n"
		"fingerprint id keys every measurement.\n"
		"\n"
		"  --json   one JSON object instead of text\n");
}

int
cmd_hw(int argc, char **argv)
{
	static const struct option longopts[] = {
		{"json", no_argument, NULL, 'j'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	struct bench_host host;
	struct strbuf sb;
	int json = 0, c, rc;

	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (c) {
		case 'j':
			json = 1;
			break;
		case 'h':
			hw_usage(stdout);
			return FX_EXIT_OK;
		default:
			return cli_usage_error("hw", "unknown option");
		}
	}
	if (optind < argc)
		return cli_usage_error("hw", "unexpected argument '%s'",
				       argv[optind]);

	rc = bench_host_fingerprint(&host);
	if (rc != FX_EXIT_OK)
		return rc;
	sb_init(&sb);
	if (json) {
		bench_host_json(&host, &sb);
		sb_addc(&sb, '\n');
	} else {
		bench_host_text(&host, &sb);
	}
	fputs(sb.buf, stdout);
	sb_free(&sb);
	return FX_EXIT_OK;
}
