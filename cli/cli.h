/*
 * cli.h - what the command files share: the command table, exit codes and
 * error messages, targets (live process or saved file) read into an engine
 * model, and the output helpers.
 *
 * Adding a command: write cli/cmd-NAME.c defining `const struct cmd_entry
 * cmd_NAME_entry`, add it to the table in cli/cmd.c, to Makefile.am, to
 * man/vmatool.1 and to the three completion files.  --help text comes from
 * the entry's usage and option table.
 */
#ifndef VMATOOL_CLI_H
#define VMATOOL_CLI_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>
#include <time.h>

#include "engine/vma.h"

/* ---- exit codes ---------------------------------------------------------- */
enum {
	EXIT_FINE = 0,
	EXIT_DIFFER = 1,	/* diff found differences, sim --strict disagreed */
	EXIT_BADINPUT = 2,	/* bad usage or bad input */
	EXIT_TARGET = 3,	/* no such process, permission denied, I/O */
};

/* ---- commands ------------------------------------------------------------ */
struct cmd_option {
	const char *name;	/* "format" (long option), NULL ends the table */
	char short_name;	/* 'f' or 0 */
	const char *arg;	/* "FMT", or NULL for a flag */
	const char *help;	/* one line */
	const char *values;	/* completion words "text json maps smaps", or NULL */
};

struct cmd_entry {
	const char *name;	/* "show" */
	const char *usage;	/* "[options] TARGET" */
	const char *summary;	/* one line for `vmatool --help` */
	const struct cmd_option *options;
	int (*exec)(int argc, char **argv);	/* argv[0] is the command name */
};

extern const struct cmd_entry *const cmd_table[];
/* Print "usage: vmatool NAME USAGE" and the options; returns EXIT_FINE. */
int cmd_print_help(const struct cmd_entry *cmd, FILE *out);
/*
 * Build a getopt_long table from cmd->options plus --help; caller frees both.
 * An option's val is its short_name if it has one, else CMD_OPT_LONG + its
 * index in cmd->options; --help gives CMD_OPT_HELP.
 */
struct option *cmd_getopt_table(const struct cmd_entry *cmd, char **shortopts);
#define CMD_OPT_LONG	0x100
#define CMD_OPT_HELP	0x7fff

/*
 * The easy way to read options (getopt_long underneath, so options and
 * operands may mix; "--" ends options):
 *
 *	struct cmd_args a;
 *	int i, rc;
 *	cmd_args_init(&a, &cmd_show_entry, argc, argv);
 *	while ((i = cmd_args_next(&a)) >= 0)
 *		switch on cmd->options[i].name (or keep indexes), a.arg is the value
 *	if (i == CMD_ARGS_HELP) rc = EXIT_FINE; if (i == CMD_ARGS_BAD) rc = EXIT_BADINPUT;
 *	operands: argv[a.optind .. argc)
 *	cmd_args_release(&a);
 *
 * cmd_args_next returns the index in cmd->options, CMD_ARGS_END (-1) when
 * done, CMD_ARGS_HELP (-2) after printing help to stdout, CMD_ARGS_BAD (-3)
 * after printing a usage error.
 */
struct cmd_args {
	const struct cmd_entry *cmd;
	int argc;
	char **argv;
	struct option *longopts;
	char *shortopts;
	const char *arg;	/* value of the option just returned, or NULL */
	int optind;		/* first operand, once CMD_ARGS_END was returned */
};
enum { CMD_ARGS_END = -1, CMD_ARGS_HELP = -2, CMD_ARGS_BAD = -3 };
void cmd_args_init(struct cmd_args *a, const struct cmd_entry *cmd, int argc, char **argv);
int cmd_args_next(struct cmd_args *a);
void cmd_args_release(struct cmd_args *a);
/* Index of the option named name in cmd->options (for switch tables); -1. */
int cmd_option_index(const struct cmd_entry *cmd, const char *name);
/* Look up a command by name or unique prefix; NULL (message printed) if none. */
const struct cmd_entry *cmd_find(const char *name);
/* "  NAME  summary" for each command, for `vmatool --help`. */
void cmd_print_list(FILE *out);

/* ---- errors -------------------------------------------------------------- */
/* The running command's name, for messages ("show"); set by main. */
extern const char *cli_cmd_name;
/* "vmatool: CMD: message\n" to stderr; returns code for `return cli_error(...)`. */
int cli_error(int code, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void cli_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* "vmatool: CMD: message\nTry 'vmatool CMD --help'.\n", returns EXIT_BADINPUT. */
int cli_usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* ---- targets: see cli/source.h ------------------------------------------ */
#include "cli/source.h"

/* ---- output helpers ----------------------------------------------------- */
/* "4.0K", "1.5M", "12G": at most 7 bytes; bytes when exact is set. */
const char *fmt_size(uint64_t bytes, bool exact, char buf[32]);
/* Parse "4k", "2M", "1G", "4096", "0x1000"; -EINVAL on junk. */
int parse_size(const char *s, uint64_t *out);
/* Parse a hex (0x or bare hex digits with a-f) or decimal address. */
int parse_u64(const char *s, uint64_t *out);
/* Write s with control characters escaped (\n, \t, \x1b ...) to out. */
void fputs_escaped(const char *s, size_t len, FILE *out);
/* Escaped copy into a malloc'd string. */
char *str_escaped(const char *s, size_t len);
/* Escaped copy into dst (4 * len + 1 bytes), NUL-terminated; returns its length. */
size_t escape_into(const char *s, size_t len, char *dst);

enum color_mode { COLOR_AUTO, COLOR_ALWAYS, COLOR_NEVER };
int parse_color_mode(const char *s, enum color_mode *mode);
/* Whether to colour fd: ALWAYS, or AUTO on a terminal without NO_COLOR. */
bool color_enabled(enum color_mode mode, int fd);

/*
 * Write a whole file atomically: tmp file in the same directory, write,
 * fsync, rename.  On failure nothing is left behind; exit code returned.
 * path "-" or NULL writes to stdout; a device or FIFO is written in place;
 * through a symbolic link, the file it names is replaced.
 */
int write_file_atomic(const char *path, const char *data, size_t len);

#endif
