/*
 * cmd-diff.c - `vmatool diff A B`: the semantic diff of two address spaces
 * (snapshots, maps or smaps text, or live processes read now), as text
 * coloured like git diff or as one JSON document, optionally with the calls
 * that explain it (--explain).  Exit 0 when nothing differs, 1 when
 * something does, 2 on bad input, 3 on target trouble: as diff(1).
 */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/diff-print.h"
#include "cli/json.h"
#include "engine/diff.h"

extern const struct cmd_entry cmd_diff_entry;

struct diff_cmd {
	int format;		/* 0 text, 1 json */
	int color;		/* enum color_mode */
	bool json, explain, exact, smaps, no_smaps;
	uint64_t min_delta;
	const char *target[2];
	struct cmd_list machine;	/* --machine NAME=VALUE, in order */
};

#define O(field) offsetof(struct diff_cmd, field)
static const struct cmd_option diff_options[] = {
	{ "format", 'f', CMD_ENUM, "FMT", "output format: text (default) or json",
	  .offset = O(format),
	  .values = (const char *const[]){ "text", "json", NULL } },
	{ "color", 0, CMD_ENUM, "WHEN", "colour the text: auto (default), always, never",
	  .offset = O(color),
	  .values = cmd_color_values },
	{ "min-delta", 0, CMD_SIZE, "SIZE", "hide RSS/PSS/swap/dirty changes smaller than SIZE (4k, 1M)",
	  .offset = O(min_delta) },
	{ "explain", 'e', CMD_FLAG, NULL, "show calls that turn A into B, checked on the engine",
	  .offset = O(explain) },
	{ "bytes", 'b', CMD_FLAG, NULL, "print sizes in bytes", .offset = O(exact) },
	{ "no-smaps", 0, CMD_FLAG, NULL, "read only maps of live targets (no usage deltas)",
	  .offset = O(no_smaps) },
	{ "machine", 'm', CMD_SETTING, "NAME=VALUE", "with --explain: a kernel setting to explain "
	  "by, e.g. zero_page=false (repeatable)", .offset = O(machine), .flags = CMD_REPEAT },
	{ .name = NULL },
};
#undef O

static int diff_check(struct cmd_call *call)
{
	struct diff_cmd *d = call->opts;

	d->json = d->format == 1;
	d->smaps = !d->no_smaps;
	d->target[0] = call->operands[0];
	d->target[1] = call->operands[1];
	if (d->machine.n && !d->explain)
		return cli_usage_error("--machine applies to --explain only");
	if (d->json && (d->exact || cmd_given(call, "color")))
		return cli_usage_error("--%s applies to --format text only", d->exact ? "bytes" : "color");
	if (!strcmp(d->target[0], "-") && !strcmp(d->target[1], "-"))
		return cli_usage_error("only one of A and B can be standard input");
	return EXIT_FINE;
}

/*
 * Why no call sequence can explain the change, from the metadata: another
 * process, another boot, an exec.  NULL when nothing rules it out.
 */
static const char *unexplainable(const struct source *a, const struct source *b,
				 char *buf, size_t len)
{
	const struct proc_meta *x = &a->meta, *y = &b->meta;

	if (x->boot_id && y->boot_id && strcmp(x->boot_id, y->boot_id))
		snprintf(buf, len, "the snapshots come from different boots");
	else if (x->hostname && y->hostname && strcmp(x->hostname, y->hostname))
		snprintf(buf, len, "the snapshots come from different machines");
	else if (x->pid && y->pid && x->pid != y->pid)
		snprintf(buf, len, "they are different processes (pid %d and pid %d)",
			 (int)x->pid, (int)y->pid);
	else if (x->start_time && y->start_time && x->start_time != y->start_time)
		snprintf(buf, len, "they are different processes (pid %d was reused)", (int)x->pid);
	else if (x->exe && y->exe && strcmp(x->exe, y->exe))
		snprintf(buf, len, "the process exec'd a new program between them");
	else
		return NULL;
	return buf;
}

static long max_map_count_of(const struct source *a, const struct source *b)
{
	return b->meta.max_map_count > 0 ? b->meta.max_map_count : a->meta.max_map_count;
}

static int print_text(const struct diff_cmd *d, const struct source *src,
		      const struct diff_result *r, const struct diff_explain *e,
		      const char *why_not)
{
	struct diff_style st = {
		.out = stdout, .exact = d->exact, .min_delta = d->min_delta,
		.color = color_enabled(d->color, STDOUT_FILENO),
	};
	size_t i;

	for (i = 0; i < r->n; i++)
		diff_print_change(&st, r, &r->changes[i]);
	diff_print_summary(&st, r, max_map_count_of(&src[0], &src[1]));
	if (d->explain)
		diff_print_explain(&st, e, why_not);
	if (fflush(stdout) || ferror(stdout))
		return cli_error(EXIT_TARGET, "cannot write the output");
	return EXIT_FINE;
}

static int print_json(const struct diff_cmd *d, const struct source *src,
		      const struct diff_result *r, const struct diff_explain *e,
		      const char *why_not)
{
	struct json_writer w;
	size_t i;

	jw_init(&w, stdout, true);
	jw_begin_object(&w);
	jw_kv_string(&w, "schema", JSON_SCHEMA);
	jw_key(&w, "before");
	json_source_meta(&w, &src[0]);
	jw_key(&w, "after");
	json_source_meta(&w, &src[1]);
	jw_key(&w, "changes");
	jw_begin_array(&w);
	for (i = 0; i < r->n; i++)
		diff_json_change(&w, r, &r->changes[i], d->min_delta);
	jw_end_array(&w);
	jw_key(&w, "summary");
	diff_json_summary(&w, r, max_map_count_of(&src[0], &src[1]));
	if (d->explain) {
		jw_key(&w, "explain");
		diff_json_explain(&w, e, why_not);
	}
	jw_end_object(&w);
	if (jw_finish(&w))
		return cli_error(EXIT_TARGET, "cannot write the output");
	return EXIT_FINE;
}

static int diff_run(const struct diff_cmd *d, struct source *src)
{
	struct diff_opts o = { .min_delta = d->min_delta };
	struct diff_result r;
	struct diff_explain e;
	char buf[160];
	const char *why_not = NULL;
	int rc;

	diff_result_init(&r);
	diff_explain_init(&e);
	if (d->explain) {	/* the calls run by A's machine: its own, or this one's */
		source_use_machine(&src[0]);
		rc = source_set_machine(&src[0].model, d->machine.v, d->machine.n);
		if (rc != EXIT_FINE)
			return rc;
	}
	rc = diff_models(&src[0].model, &src[1].model, &o, &r);
	if (rc == 0 && r.n > 0 && d->explain) {
		why_not = unexplainable(&src[0], &src[1], buf, sizeof(buf));
		if (!why_not)
			rc = diff_explain(&r, &e);
	}
	if (rc) {
		rc = cli_error(EXIT_TARGET, "out of memory");
	} else if (r.n == 0) {
		rc = EXIT_FINE;		/* as diff(1): nothing differs, nothing printed */
	} else {
		rc = d->json ? print_json(d, src, &r, &e, why_not) : print_text(d, src, &r, &e, why_not);
		if (rc == EXIT_FINE)
			rc = EXIT_DIFFER;
	}
	diff_explain_release(&e);
	diff_result_release(&r);
	return rc;
}

static int diff_exec(struct cmd_call *call)
{
	const struct diff_cmd d = *(const struct diff_cmd *)call->opts;
	struct source_opts so = { .smaps = true };
	struct source src[2];
	int rc;

	so.smaps = d.smaps;
	rc = source_open(&src[0], d.target[0], &so);
	if (rc == EXIT_FINE) {
		rc = source_open(&src[1], d.target[1], &so);
		if (rc == EXIT_FINE)
			rc = diff_run(&d, src);
		source_release(&src[1]);
	}
	source_release(&src[0]);
	return rc;
}

const struct cmd_entry cmd_diff_entry = {
	.name = "diff",
	.summary = "what changed between two snapshots or reads: splits, merges, moves",
	.options = diff_options,
	.opts_size = sizeof(struct diff_cmd),
	.operands = (const struct cmd_operand[]){
		{ "A", CMD_TARGET }, { "B", CMD_TARGET }, { NULL, 0 } },
	.min_operands = 2,
	.max_operands = 2,
	.check = diff_check,
	.exec = diff_exec,
};
