/*
 * cmd-ps.c - `vmatool ps`: every process of the machine ranked by its VMAs
 * against vm.max_map_count, as a table, a vmatool/1 JSON document or metrics
 * for Prometheus (OpenMetrics or the older text format), to standard output
 * or written atomically to a file (node_exporter's textfile collector:
 * systemd/vmatool-textfile.service).
 *
 * The rows, their filter and sort are the view layer's (view_procs, shared
 * with the TUI's process picker); the reading is cli/ps-scan.c; the outputs
 * cli/ps-print.c.
 */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/ps.h"

extern const struct cmd_entry cmd_ps_entry;

enum ps_format { PS_TEXT, PS_JSON, PS_OPENMETRICS, PS_PROMETHEUS };

struct ps_args {
	int format;		/* enum ps_format */
	int sort;		/* enum view_proc_sort */
	bool reverse, memory, exact;
	int color;		/* enum color_mode */
	uint64_t top, min_vmas;
	const char *user, *name, *output;
};

/* In the order of enum view_proc_sort (the view's names; tests/test-view checks) */
static const char *const sort_values[] = {
	"vmas|share", "pid", "user", "command|comm", "rss", "pss", "swap", "gap", "guards", NULL,
};

#define O(field) offsetof(struct ps_args, field)
static const struct cmd_option ps_options[] = {
	{ "format", 'f', CMD_ENUM, "FMT", "output: text (default), json, openmetrics or prometheus",
	  .offset = O(format),
	  .values = (const char *const[]){ "text", "json", "openmetrics", "prometheus", NULL } },
	{ "sort", 's', CMD_ENUM, "KEY", "sort by vmas (default), pid, user, command, rss, pss, "
	  "swap, gap or guards", .offset = O(sort), .values = sort_values },
	{ "reverse", 'r', CMD_FLAG, NULL, "reverse the order (smallest numbers, Z-A names first)",
	  .offset = O(reverse) },
	{ "top", 'n', CMD_COUNT, "N", "only the first N processes (bounds the metrics' cardinality)",
	  .offset = O(top), .max = 1000000 },
	{ "user", 'u', CMD_STRING, "USER", "only processes of USER (a name or a numeric uid)",
	  .offset = O(user) },
	{ "name", 'c', CMD_STRING, "PATTERN", "only processes whose command matches the glob PATTERN",
	  .offset = O(name) },
	{ "min-vmas", 0, CMD_COUNT, "N", "only processes with at least N VMAs", .offset = O(min_vmas),
	  .max = UINT64_MAX },
	{ "memory", 'm', CMD_FLAG, NULL, "also RSS, PSS and swap (reads smaps_rollup: slower)",
	  .offset = O(memory) },
	{ "bytes", 'b', CMD_FLAG, NULL, "exact sizes in bytes instead of 4.0K, 1.5M",
	  .offset = O(exact) },
	{ "color", 0, CMD_ENUM, "WHEN",
	  "colour: auto (default: on a terminal, unless NO_COLOR), always, never",
	  .offset = O(color), .values = cmd_color_values },
	{ "output", 'o', CMD_FILE, "FILE", "write to FILE atomically (a temporary file, then rename)",
	  .offset = O(output) },
	{ .name = NULL },
};
#undef O

static int ps_check(struct cmd_call *call)
{
	struct ps_args *a = call->opts;

	if (a->format != PS_TEXT && (a->exact || cmd_given(call, "color")))
		return cli_usage_error("--%s applies to --format text only", a->exact ? "bytes" : "color");
	if (view_proc_sort_needs_usage(a->sort))
		a->memory = true;	/* the column sorted by is shown */
	return EXIT_FINE;
}

static int ps_output(const struct ps_scan *ps, const struct ps_args *a, FILE *out, bool to_tty)
{
	struct ps_style st = { .exact = a->exact, .usage = a->memory };

	st.color = to_tty && color_enabled(a->color, fileno(stdout));
	if (a->color == COLOR_ALWAYS)
		st.color = true;
	switch (a->format) {
	case PS_JSON: return ps_print_json(ps, &st, out) ? EXIT_TARGET : EXIT_FINE;
	case PS_OPENMETRICS: ps_print_metrics(ps, &st, true, out); break;
	case PS_PROMETHEUS: ps_print_metrics(ps, &st, false, out); break;
	default: ps_print_text(ps, &st, out); break;
	}
	return EXIT_FINE;
}

/* Everything into one buffer, then out at once: a file is whole or untouched. */
static int ps_write(const struct ps_scan *ps, const struct ps_args *a)
{
	char *data = NULL;
	size_t len = 0;
	FILE *mem = open_memstream(&data, &len);
	int rc;

	if (!mem)
		return cli_error(EXIT_TARGET, "out of memory");
	rc = ps_output(ps, a, mem, !a->output || !strcmp(a->output, "-"));
	if (fclose(mem) == EOF && rc == EXIT_FINE)
		rc = cli_error(EXIT_TARGET, "out of memory");
	if (rc == EXIT_FINE)
		rc = write_file_atomic(a->output, data, len);
	free(data);
	return rc;
}

static int ps_exec(struct cmd_call *call)
{
	const struct ps_args *a = call->opts;
	struct ps_scan ps;
	int rc = ps_scan_run(&ps, a->memory);

	if (rc == EXIT_FINE) {
		ps.procs.filter.user = a->user;
		ps.procs.filter.name_glob = a->name;
		ps.procs.filter.min_vmas = a->min_vmas;
		ps.procs.sort = (enum view_proc_sort)a->sort;
		ps.procs.reverse = a->reverse;
		ps.procs.top = (size_t)a->top;
		if (view_procs_refresh(&ps.procs) < 0)
			rc = cli_error(EXIT_TARGET, "out of memory");
	}
	if (rc == EXIT_FINE)
		rc = ps_write(&ps, a);
	if (rc == EXIT_FINE)
		ps_print_denied(&ps, stderr);
	ps_scan_release(&ps);
	return rc;
}

const struct cmd_entry cmd_ps_entry = {
	.name = "ps",
	.summary = "every process ranked by its VMAs against vm.max_map_count; metrics",
	.options = ps_options,
	.opts_size = sizeof(struct ps_args),
	.operands = (const struct cmd_operand[]){ { NULL, 0 } },
	.min_operands = 0,
	.max_operands = 0,
	.check = ps_check,
	.exec = ps_exec,
};
