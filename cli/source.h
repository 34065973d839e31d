/*
 * source.h - one way to open a target: a live process (PID, "self", a
 * process name) or a saved file (maps text, smaps text, a vmatool/1 JSON
 * document, told apart once, by the first bytes), read once into an engine
 * model with the same parameters whichever way it came.
 *
 * Errors are values: source_load() returns an exit code and fills a struct
 * source_err (code and one message, without the "vmatool: CMD: " prefix)
 * and prints nothing, so that the CLI prints it (source_err_print), a TUI
 * shows it in a status line and `watch` decides whether it is worth saying.
 * source_open() is source_load() plus the printing, for commands.
 *
 * Ownership: a struct source owns its model, metadata and strings;
 * source_release() frees them all.  source_reload() reads the same target
 * again into a whole new source: the caller then releases the old one.
 */
#ifndef VMATOOL_SOURCE_H
#define VMATOOL_SOURCE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>

#include "engine/vma.h"

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
	struct source_opts opts;	/* as opened, for source_reload */
};

/* An error as a value: an exit code (EXIT_BADINPUT, EXIT_TARGET) and its message. */
struct source_err {
	int code;		/* EXIT_FINE when there is none */
	char msg[4096];		/* one line, or a first line and indented detail lines */
};

/* Fill e (code and printf message); returns code. */
int source_err_set(struct source_err *e, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Print e like cli_error (detail lines as they are); returns e->code. */
int source_err_print(const struct source_err *e);

/*
 * Resolve TARGET and read it into s (uninitialised before; release it in
 * every case).  EXIT_FINE, or the exit code with e filled; nothing printed.
 */
int source_load(struct source *s, const char *target, const struct source_opts *o,
		struct source_err *e);
/* source_load, with the error printed; returns the exit code. */
int source_open(struct source *s, const char *target, const struct source_opts *o);
/*
 * Read old's target again (the same pid for a live one) with the same
 * options into fresh, a whole new source; old is untouched.
 */
int source_reload(const struct source *old, struct source *fresh, struct source_err *e);
void source_release(struct source *s);

/*
 * A live target's /proc/PID/maps text as one buffer (the caller lets it go
 * with source_raw_maps_free), checked like source_open (no such process,
 * permission, exited, kernel thread); returns an exit code, the error
 * printed.  For output that is the kernel's text unchanged.
 */
int source_read_raw_maps(const char *target, char **text, size_t *len);
void source_raw_maps_free(char *text);
/*
 * Before a large model is read (show, watch): malloc is told to keep blocks
 * in one heap that it does not give back and, with huge_pages, to grow it
 * once, backed by huge pages where the kernel has them (fewer faults, a
 * little more memory).  Only a hint; once per run.
 */
void source_heap_reserve(bool huge_pages);
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
/* Resolve a target to a pid (number, "self", name via libproc2); exit code, printed. */
int target_pid(const char *target, pid_t *pid);
/* Whether source_open would read target as a file ('/' in it, "-", or an
 * existing file that is not "self" or all digits). */
bool target_is_file(const char *target);
/* The message and exit code for failing to open /proc/PID/FILE with errno err
 * (no such process, permission denied and how to get access, ...), printed. */
int source_open_failed(pid_t pid, const char *path, int err);

/* ---- cli/proc.c: the process and its system ------------------------------- */
/*
 * /proc/PID/stat, read once: the fields vmatool takes from it.  libproc2
 * gives state and start time too, but not start_brk, and reading the file
 * ourselves once serves both.
 */
struct proc_stat {
	char *comm;		/* raw bytes between the parentheses */
	char state;		/* 'R', ..., 'Z', 'X'; 'X' when unreadable */
	unsigned long flags;	/* PF_* */
	unsigned long long start_ticks;	/* since boot, in clock ticks */
	uint64_t start_brk;	/* 0 unless we may read the process */
};
/* 0, or -errno (the process is gone: -ENOENT). */
int proc_stat_read(pid_t pid, struct proc_stat *st);
void proc_stat_release(struct proc_stat *st);
/* Fill meta for a live pid (st: its stat, read already; libproc2 + uname + sysctls). */
int proc_meta_read(pid_t pid, const struct proc_stat *st, struct proc_meta *meta);
void proc_meta_release(struct proc_meta *meta);
long sysctl_max_map_count(void);
/* A process by its name (comm, or argv[0]'s basename for long names): exactly
 * one match gives EXIT_FINE; else e says why (several: the list,
 * EXIT_BADINPUT; none: EXIT_TARGET). */
int proc_find_by_name(const char *name, pid_t *pid, struct source_err *e);
/* A small /proc or /sys file read whole, NUL-terminated; NULL if unreadable. */
char *proc_read_small(const char *path, size_t *lenp);

#endif
