/*
 * sim.h - what `vmatool sim` (cli/cmd-sim.c) hands to its printers
 * (cli/sim-print.c): the calls read, what the engine predicted for each,
 * and the totals of the summary.  The struct sim owns everything in it.
 */
#ifndef VMATOOL_SIM_H
#define VMATOOL_SIM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "cli/cli.h"
#include "cli/json.h"
#include "engine/calls.h"

/* One call read from the input, and what the simulation made of it. */
struct sim_step {
	struct call call;
	size_t input;			/* index in sim->inputs */
	long task;			/* the task it ran in (c->pid, or the first's number) */
	struct call_outcome out;
	struct vma_event *ev;		/* its effects (owned) */
	size_t nev;
	bool done;			/* applied early: its order was decided (sim-order.c) */
	size_t before_line;		/* then: the line of the mmap it was applied before */
	bool overlap;			/* overlapped in time with another task's call */
	size_t next_other;		/* the next step of another pid (sim_order_prepare) */
};

enum sim_format { SIM_TEXT, SIM_JSON, SIM_MAPS, SIM_SMAPS };

/* --snapshot PID=FILE: that process's address space after its execve. */
struct sim_snap {
	long pid;
	const char *path;		/* borrowed from argv */
	struct source src;
	bool loaded;
};

struct sim {
	/* options */
	enum sim_format format;
	bool strict;
	bool assume_written;		/* --assume-written */
	uint64_t max_map_count_opt;	/* --max-map-count, 0 if not given */
	const char *target;		/* TARGET or --snapshot FILE, or NULL */
	bool snapshot;			/* target came from --snapshot */
	const char **ops;		/* --ops FILE|- in order (borrowed from argv) */
	size_t nops;
	const char **exprs;		/* -e CALL in order (borrowed) */
	size_t nexprs;
	struct sim_snap *snaps;		/* --snapshot PID=FILE */
	size_t nsnaps;
	long pid;			/* --pid: whose address space is printed */
	bool pid_given;
	const char **machine;		/* --machine NAME=VALUE in order (borrowed) */
	size_t nmachine;

	/* the address space */
	struct source src;		/* when there is a target */
	bool have_src;
	struct vma_model own;		/* the empty space otherwise */
	bool have_own;
	struct vma_model *m;
	unsigned name_column;
	uint32_t max_map_count;
	const char *max_map_count_from;	/* "--max-map-count", "the snapshot", ... */
	const char *machine_from;	/* whose machine settings: "the snapshot", ... */

	/* the processes of the log (engine/calls_proc.c); m is the one printed */
	struct calls_procs procs;
	const struct calls_proc *shown;	/* NULL if the log had no task */
	bool merged;			/* the --ops files were merged by time (strace -ff -tt) */
	size_t nlines_skipped;		/* lines not understood (not memory calls), skipped */
	size_t first_skipped;		/* line of the first one */
	size_t first_skipped_input;

	/* the calls, a window of them at a time */
	bool buffer_all;		/* keep every step until the end (several --ops files) */
	long file_pid;			/* the PID of the file being read (strace -ff), or 0 */
	char **inputs;			/* names for messages ("log.txt", "-e #2") */
	size_t ninputs;
	struct sim_step *steps;
	size_t nsteps, capsteps;

	/* the output: a spool, copied to standard output at the end */
	FILE *out;
	struct json_writer jw;

	/* the summary */
	size_t vmas_before;
	size_t uncounted;		/* [vsyscall]: in maps, not in the kernel's map_count */
	size_t by_kind[CALL_KIND_COUNT];
	size_t n_blank, n_signal, n_exit, n_unfinished, n_dropped, n_other;
	size_t splits, merges, created, removed, moved, flag_changes;
	size_t errors, disagreements, followed, limits;
	size_t overlapping;		/* calls that overlapped another task's in time */
	size_t reordered;		/* calls applied before their place (sim-order.c) */
};

/*
 * Output (cli/sim-print.c), streamed: begin, each step once applied, and the
 * end (summary, final space); sim_print_end returns an exit code
 * (EXIT_TARGET on write errors).
 */
void sim_print_begin(struct sim *s, FILE *out);
void sim_print_step(struct sim *s, const struct sim_step *st);
int sim_print_end(struct sim *s);
/* One effect of a call, as the text output prints it (indented, a newline). */
void sim_print_event(FILE *out, const struct vma_event *e);

/* Reading the calls (cli/sim-input.c); an exit code. */
#define SIM_WINDOW 256			/* steps applied at once (a look-ahead for sim-order.c) */
int sim_read_calls(struct sim *s);
int sim_add_step(struct sim *s, struct call *c, size_t input);
const char *sim_input_for_message(const struct sim *s, size_t input);
/* Apply, print and free the first n steps (cli/cmd-sim.c); an exit code. */
int sim_flush(struct sim *s, size_t n);

/* Threads' calls that overlap in time (cli/sim-order.c); prepare before a flush. */
void sim_order_prepare(struct sim *s);
size_t sim_order_before(struct sim *s, size_t i);
void sim_order_after(struct sim *s, struct sim_step *st);

/* "mmap", "munmap", ...: the name used in output for a step's call. */
const char *sim_call_name(const struct call *c);

#endif
