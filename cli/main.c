/*
 * main.c - vmatool's entry point: global options (--help, --version,
 * --list-options), then the command named by the first argument (or a
 * unique prefix of it), run from its table entry (cli/cmd.c).
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"

#ifndef PACKAGE_VERSION
#define PACKAGE_VERSION "unknown"
#endif

/* Whatever was printed last (help, version) must have reached stdout. */
static int main_flush(int rc)
{
	if ((fflush(stdout) == EOF || ferror(stdout)) && rc == EXIT_FINE)
		return cli_error(EXIT_TARGET, "cannot write the output");
	return rc;
}

static int main_run(int argc, char **argv)
{
	const struct cmd_entry *cmd;

	if (argc < 2) {
		cmd_print_main_help(stderr);
		return EXIT_BADINPUT;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		cmd_print_main_help(stdout);
		return EXIT_FINE;
	}
	if (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "-V") == 0) {
		printf("vmatool %s\n", PACKAGE_VERSION);
		return EXIT_FINE;
	}
	if (strcmp(argv[1], "--list-options") == 0)
		return cmd_list_options(argc - 2, argv + 2, stdout);
	if (argv[1][0] == '-') {
		fputs("vmatool: unknown option '", stderr);
		fputs_escaped(argv[1], strlen(argv[1]), stderr);
		fputs("'\nTry 'vmatool --help'.\n", stderr);
		return EXIT_BADINPUT;
	}
	cmd = cmd_find(argv[1]);
	if (!cmd)
		return EXIT_BADINPUT;
	return cmd_run(cmd, argc - 1, argv + 1);
}

/*
 * vmatool only reads; installed set-user-ID or set-group-ID it would let
 * anyone read any process (and write files as its owner): it refuses.
 */
static bool main_privileged(void)
{
	return getuid() != geteuid() || getgid() != getegid();
}

int main(int argc, char **argv)
{
	if (main_privileged()) {
		cli_error(EXIT_BADINPUT, "refusing to run set-user-ID or set-group-ID (real uid "
			  "%d, effective uid %d): vmatool needs no privilege of its own; run it "
			  "as the user who may read the process", (int)getuid(), (int)geteuid());
		_exit(EXIT_BADINPUT);	/* no exit handler runs with a borrowed identity */
	}
	return main_flush(main_run(argc, argv));
}
