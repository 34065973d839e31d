/*
 * cli.h - what the command files share: the command table, exit codes and
 * error messages, targets (live process or saved file) read into an engine
 * model, and the output helpers.
 *
 * The command table and its types are described under "commands" below.
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
/*
 * A command is a table entry: its options (typed, each landing in a field of
 * the command's own options struct), its operands (names, kinds, how many),
 * an optional check of the options together, and exec.  cli/cmd.c parses the
 * command line from the entry, prints --help from it, checks every value and
 * the operand count with one message shape each, and answers
 * `vmatool --list-options [COMMAND]` from it (for the completions).
 *
 * Adding a command: write cli/cmd-NAME.c defining `const struct cmd_entry
 * cmd_NAME_entry`, add it to the table in cli/cmd.c and to Makefile.am, and
 * document it in man/vmatool.1; the completions ask the program.
 */
enum cmd_opt_type {
	CMD_FLAG,	/* bool: set when given */
	CMD_ENUM,	/* int: index in values */
	CMD_ENUM_LIST,	/* unsigned: bit i for values[i]; "a,b,c" */
	CMD_SIZE,	/* uint64_t bytes: 4096, 4k, 1M, 0x1000 (parse_size) */
	CMD_DURATION,	/* uint64_t nanoseconds: 500ms, 2s, 1m; 1ms to 1 day */
	CMD_RANGE,	/* struct cmd_range: LO-HI addresses, hex or decimal */
	CMD_COUNT,	/* uint64_t from 1 to max */
	CMD_FILE,	/* const char *, not empty; '-' is standard input or output */
	CMD_STRING,	/* const char *; check (if set) says what is wrong */
	CMD_SETTING,	/* struct cmd_list: "upstream" or NAME=VALUE of a machine
			   setting (engine/machine.h), checked by its table */
};

enum {
	CMD_REPEAT = 1,	/* FILE, STRING, SETTING: every value kept, in a struct cmd_list */
	CMD_ONCE = 2,	/* given twice is a usage error (else the last wins) */
};

struct cmd_range {
	uint64_t lo, hi;	/* [lo, hi), lo < hi */
};

struct cmd_list {
	const char **v;		/* values as given (borrowed from argv); malloc'd array */
	size_t n;
};

struct cmd_option {
	const char *name;	/* "format" (long option), NULL ends the table */
	char short_name;	/* 'f' or 0 */
	enum cmd_opt_type type;
	const char *arg;	/* "FMT" in --help; NULL for flags */
	const char *help;	/* one line */
	size_t offset;		/* offsetof(the command's options struct, field) */
	const char *const *values;	/* ENUM, ENUM_LIST: NULL-terminated; an entry
					   "always|yes|force" also accepts the aliases */
	unsigned flags;		/* CMD_REPEAT, CMD_ONCE */
	uint64_t max;		/* COUNT: the largest value */
	/* STRING: NULL if arg is good (and stored through field), else why not */
	const char *(*check)(const char *arg, void *field);
};

enum cmd_operand_kind {
	CMD_TARGET,	/* a PID, 'self', a process name or a saved file */
	CMD_PROCESS,	/* a running process only: a PID, 'self' or a name */
	CMD_ADDRESS,	/* an address, NAME+OFFSET */
	CMD_COMMAND,	/* a vmatool command */
};

struct cmd_operand {
	const char *name;	/* "TARGET"; NULL ends the list */
	enum cmd_operand_kind kind;
};

struct cmd_call;

struct cmd_entry {
	const char *name;	/* "show" */
	const char *summary;	/* one line for `vmatool --help` */
	const struct cmd_option *options;
	size_t opts_size;	/* sizeof the options struct exec receives */
	void (*opts_init)(void *opts);	/* defaults, or NULL for all zero */
	/* operand names in order; the last repeats when max_operands is -1 */
	const struct cmd_operand *operands;
	int min_operands, max_operands;
	/* checks of the options together (and the operands): an exit code */
	int (*check)(struct cmd_call *call);
	/* the command: returns the exit code (EXIT_FINE, EXIT_DIFFER, ...) */
	int (*exec)(struct cmd_call *call);
};

/* What cmd_run hands to check and exec. */
struct cmd_call {
	const struct cmd_entry *cmd;
	void *opts;		/* the command's options struct, filled */
	char **operands;	/* the operands (borrowed from argv) */
	int noperands;
	uint32_t given;		/* bit i: options[i] was on the command line
				   (so at most 32 options, and 32 values of a list) */
};

extern const struct cmd_entry *const cmd_table[];
/* The values of every --color option, in the order of enum color_mode. */
extern const char *const cmd_color_values[];
/* Whether the option named name was given. */
bool cmd_given(const struct cmd_call *call, const char *name);
/* Parse argv (argv[0] is the command name) by cmd's table, check, exec: an exit code. */
int cmd_run(const struct cmd_entry *cmd, int argc, char **argv);
/* "usage: vmatool NAME [options] OPERANDS" and a newline. */
void cmd_print_usage(const struct cmd_entry *cmd, FILE *out);
/* The usage line, the summary and the options; returns EXIT_FINE. */
int cmd_print_help(const struct cmd_entry *cmd, FILE *out);
/* `vmatool --help`. */
void cmd_print_main_help(FILE *out);
/* `vmatool --list-options [COMMAND]`: argv holds what follows it; exit code. */
int cmd_list_options(int argc, char **argv, FILE *out);
/* Look up a command by name or unique prefix; NULL (message printed) if none. */
const struct cmd_entry *cmd_find(const char *name);

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
/* Whether to colour fd: ALWAYS, or AUTO on a terminal without NO_COLOR. */
bool color_enabled(enum color_mode mode, int fd);

/*
 * Write a whole file atomically: tmp file in the same directory, write,
 * fsync, rename.  On failure nothing is left behind; exit code returned.
 * path "-" or NULL writes to stdout; a device or FIFO is written in place;
 * through a symbolic link, the file it names is replaced.
 */
int write_file_atomic(const char *path, const char *data, size_t len);
/*
 * write_file_atomic of what fill writes into out (0, or a positive errno
 * when it could not write everything): written as it is made, nothing kept
 * in memory; the first failed write's error is the one reported.
 */
int write_file_atomic_stream(const char *path, int (*fill)(FILE *out, void *arg), void *arg);

#endif
