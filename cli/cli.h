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
