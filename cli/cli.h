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

/* ---- targets ------------------------------------------------------------- */
enum source_kind {
	SOURCE_LIVE,		/* a running process */
	SOURCE_MAPS_FILE,	/* raw maps text */
	SOURCE_SMAPS_FILE,	/* raw smaps text */
	SOURCE_JSON_FILE,	/* a vmatool/1 document */
};

/* What is known of the process, live or from a snapshot's "source" object. */
struct proc_meta {
	pid_t pid;		/* 0 if unknown */
	char *comm;		/* raw bytes as the kernel has them; escape to print */
	char *cmdline;		/* arguments joined by spaces */
	char *exe;
	char *user;
	char state;		/* 'R', 'S', ... or 0 */
	time_t start_time;	/* process start, seconds since the epoch; 0 unknown */
	char *kernel;		/* uname release */
	char *hostname;
	char *boot_id;
	long page_size;
	long max_map_count;	/* 0 if unknown */
	time_t time;		/* when the VMAs were read */
	/* smaps_rollup fields as (json key, bytes or count); may be empty */
	size_t nrollup;
	char **rollup_keys;
	uint64_t *rollup_vals;
};

struct source_opts {
	bool smaps;		/* read smaps (default) rather than maps only */
	bool rollup;		/* also read smaps_rollup (snapshot) */
	bool no_meta;		/* live: skip the process metadata (libproc2,
				   uname...) when only the VMAs are printed */
};

struct source {
	enum source_kind kind;
	char *target;		/* as the user wrote it */
	char *path;		/* file read, or /proc/PID/... */
	bool has_smaps;		/* the model has smaps values */
	bool has_machine;	/* the model's machine settings are the source's own:
				 * recorded in a JSON snapshot, or probed for a live
				 * target (source_use_machine) */
	unsigned name_column;	/* from the parser, for byte-identical output */
	struct proc_meta meta;
	struct vma_model model;
	void *raw;		/* JSON sources: the parsed document (json_t *), else NULL */
};

/*
 * Resolve TARGET (PID, "self", process name, or a file path; the kind of file
 * is detected from its contents) and read it into s->model.  On failure the
 * message has been printed and the exit code is returned (EXIT_BADINPUT,
 * EXIT_TARGET); on success EXIT_FINE.
 */
int source_open(struct source *s, const char *target, const struct source_opts *o);
void source_release(struct source *s);
/*
 * A live target's /proc/PID/maps text as one buffer (caller frees), checked
 * like source_open (no such process, permission, exited, kernel thread);
 * returns an exit code.  For output that is the kernel's text unchanged.
 */
int source_read_raw_maps(const char *target, char **text, size_t *len);
/*
 * The machine of s into *p: the one a JSON snapshot recorded, else the
 * running machine's, probed (once per run; for a live target with its own
 * personality and limit).  Saved text and old snapshots record none.
 */
void source_machine(const struct source *s, struct vma_params *p);
/*
 * Make s->model follow source_machine's settings, for the operations of sim
 * and diff --explain.  Nothing else probes: reading a target needs no machine.
 */
void source_use_machine(struct source *s);
/*
 * Apply `--machine NAME=VALUE` settings to m, after source_use_machine.  A
 * bad name or value: the message ("unknown machine setting 'x'") is printed
 * and EXIT_BADINPUT returned.
 */
int source_set_machine(struct vma_model *m, const char *const *settings, size_t n);
/* For live sources: the pid; -1 for files. */
pid_t source_pid(const struct source *s);
/* Resolve a target to a pid (number, "self", name via libproc2); exit code. */
int target_pid(const char *target, pid_t *pid);
/* Whether source_open would read target as a file ('/' in it, "-", or an
 * existing file that is not "self" or all digits). */
bool target_is_file(const char *target);
/* The message and exit code for failing to open /proc/PID/FILE with errno err
 * (no such process, permission denied and how to get access, ...). */
int source_open_failed(pid_t pid, const char *path, int err);

/* Fill meta for a live pid (libproc2 + uname + sysctls). */
int proc_meta_read(pid_t pid, struct proc_meta *meta);
void proc_meta_release(struct proc_meta *meta);
long sysctl_max_map_count(void);
/* A process by its name (comm, or argv[0]'s basename for long names): exactly
 * one match gives EXIT_FINE; else the message is printed (several: the list,
 * EXIT_BADINPUT; none: EXIT_TARGET). */
int proc_find_by_name(const char *name, pid_t *pid);
/* A small /proc or /sys file read whole, NUL-terminated; NULL if unreadable. */
char *proc_read_small(const char *path, size_t *lenp);

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
