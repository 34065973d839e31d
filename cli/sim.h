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
#include "engine/calls.h"

/* One call read from the input, and what the simulation made of it. */
struct sim_step {
	struct call call;
	size_t input;			/* index in sim->inputs */
	struct call_outcome out;
	struct vma_event *ev;		/* its effects (owned) */
	size_t nev;
};

enum sim_format { SIM_TEXT, SIM_JSON, SIM_MAPS, SIM_SMAPS };

struct sim {
	/* options */
	enum sim_format format;
	bool strict;
	uint64_t max_map_count_opt;	/* --max-map-count, 0 if not given */
	const char *target;		/* TARGET or --snapshot FILE, or NULL */
	bool snapshot;			/* target came from --snapshot */
	const char **ops;		/* --ops FILE|- in order (borrowed from argv) */
	size_t nops;
	const char **exprs;		/* -e CALL in order (borrowed) */
	size_t nexprs;
	const char **machine;		/* --machine NAME=VALUE in order (borrowed) */
	size_t nmachine;

	/* the address space */
	struct source src;		/* when there is a target */
	bool have_src;
	struct vma_model own;		/* the empty space otherwise */
	struct vma_model *m;
	unsigned name_column;
	uint32_t max_map_count;
	const char *max_map_count_from;	/* "--max-map-count", "the snapshot", ... */
	const char *machine_from;	/* whose machine settings: "the snapshot", ... */

	/* the calls */
	char **inputs;			/* names for messages ("log.txt", "-e #2") */
	size_t ninputs;
	struct sim_step *steps;
	size_t nsteps, capsteps;

	/* the summary */
	size_t vmas_before;
	size_t uncounted;		/* [vsyscall]: in maps, not in the kernel's map_count */
	size_t by_kind[CALL_KIND_COUNT];
	size_t n_blank, n_signal, n_exit, n_unfinished, n_dropped, n_other;
	size_t splits, merges, created, removed, moved, flag_changes;
	size_t errors, disagreements, followed, limits;
};

/* Output (cli/sim-print.c); return an exit code (EXIT_TARGET on write errors). */
int sim_print_text(const struct sim *s, FILE *out);
/* One effect of a call, as the text output prints it (indented, a newline). */
void sim_print_event(FILE *out, const struct vma_event *e);
int sim_print_json(const struct sim *s, FILE *out);
int sim_print_maps(const struct sim *s, FILE *out, bool smaps);

/* "mmap", "munmap", ...: the name used in output for a step's call. */
const char *sim_call_name(const struct call *c);

#endif
