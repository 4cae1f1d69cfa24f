/*
 * The flexexplore command: one binary, one function per subcommand.
 *
 * Each subcommand takes the argument vector with argv[0] set to its own
 * name, parses it with getopt_long, prints its help on --help, and returns
 * an enum fx_exit code.  Subcommands live with their module (the space
 * command in configspace/, build in builder/, ...).
 */
#ifndef FX_CLI_H
#define FX_CLI_H

int cmd_space(int argc, char **argv);
int cmd_explore(int argc, char **argv);
int cmd_status(int argc, char **argv);
int cmd_stop(int argc, char **argv);
int cmd_hw(int argc, char **argv);
int cmd_bench(int argc, char **argv);
int cmd_gen(int argc, char **argv);
int cmd_build(int argc, char **argv);
int cmd_report(int argc, char **argv);

/**
 * Print "flexexplore CMD: MESSAGE" and a pointer to --help on stderr and
 * return FX_EXIT_USAGE, for argument errors every subcommand reports alike.
 */
int cli_usage_error(const char *cmd, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#endif /* FX_CLI_H */
