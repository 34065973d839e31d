/*
 * ps.h - `vmatool ps`: reading every process of the machine into the view
 * layer's process list (cli/ps-scan.c), and its outputs (cli/ps-print.c:
 * text, JSON, OpenMetrics and the Prometheus text format).
 *
 * Ownership: struct ps_scan owns its list, the user names the rows borrow
 * and the list of processes it could not read; ps_scan_release frees all.
 */
#ifndef VMATOOL_PS_H
#define VMATOOL_PS_H

#include <stdbool.h>
#include <stdio.h>
#include <time.h>

#include "cli/cli.h"
#include "view/view.h"

/* A process whose maps this run may not read: named in the closing line. */
struct ps_denied {
	int pid;
	char comm[VIEW_PROC_COMM_MAX];
};

struct ps_user {
	unsigned uid;
	char *name;		/* owned; the uid in digits when it has no name */
};

struct ps_scan {
	struct view_procs procs;
	bool usage;		/* smaps_rollup was read for RSS, PSS and swap */
	struct ps_denied *denied;	/* owned */
	size_t ndenied, denied_cap;
	size_t vanished;	/* processes that exited while read (skipped) */
	struct ps_user *users;	/* owned: uid -> name, looked up once each */
	size_t nusers, users_cap;
	char *buf;		/* owned: the file being read */
	size_t buf_cap;
	time_t time;		/* when the scan started */
};

/*
 * Read every process in /proc: maps always, smaps_rollup when usage is set.
 * Processes that vanish are skipped (counted), processes it may not read are
 * listed in ps->denied.  EXIT_FINE, or EXIT_TARGET (message printed) when
 * /proc itself cannot be read or memory runs out.
 */
int ps_scan_run(struct ps_scan *ps, bool usage);
/* The same over a /proc-like directory proc, with the limit given (tests). */
int ps_scan_dir(struct ps_scan *ps, const char *proc, uint64_t limit, bool usage);
void ps_scan_release(struct ps_scan *ps);
/* The one closing line naming the processes it could not read (if any). */
void ps_print_denied(const struct ps_scan *ps, FILE *err);

/* ---- outputs (cli/ps-print.c) ------------------------------------------------- */
struct ps_style {
	bool color;		/* ANSI colours */
	bool exact;		/* sizes in bytes */
	bool usage;		/* RSS, PSS and swap columns / fields / metrics */
};

void ps_print_text(const struct ps_scan *ps, const struct ps_style *st, FILE *out);
/* The vmatool/1 document; nonzero on a write error. */
int ps_print_json(const struct ps_scan *ps, const struct ps_style *st, FILE *out);
/* The metrics in OpenMetrics text (openmetrics set) or the Prometheus text format 0.0.4. */
void ps_print_metrics(const struct ps_scan *ps, const struct ps_style *st, bool openmetrics,
		      FILE *out);

#endif
