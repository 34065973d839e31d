/*
 * cmd-snapshot.c - `vmatool snapshot TARGET [-o FILE]`: everything about an
 * address space in one vmatool/1 JSON document (the document of `show
 * --format json`: every VMA with all smaps fields and VmFlags, smaps_rollup,
 * the process metadata), to analyse later, elsewhere.  A file is written
 * atomically: an interrupted or failed write leaves the old file as it was.
 * The document goes to the temporary file as it is made, not through a
 * buffer of the whole (40 MB for 65,000 VMAs with smaps: 80 MiB peak, and
 * 0.4 s of page faults and copies while it grew).
 */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/show.h"

extern const struct cmd_entry cmd_snapshot_entry;

struct snapshot_args {
	const char *output;
};

static const struct cmd_option snapshot_options[] = {
	{ "output", 'o', CMD_FILE, "FILE", "write to FILE (atomically; '-' for standard output)",
	  .offset = offsetof(struct snapshot_args, output), .flags = CMD_ONCE },
	{ .name = NULL },
};

/* The document, into out as it is made (show --format json's writer). */
static int snapshot_fill(FILE *out, void *arg)
{
	return show_json_document(out, arg, NULL, false) ? EIO : 0;
}

static int snapshot_save(const struct source *s, const char *path)
{
	return write_file_atomic_stream(path, snapshot_fill, (void *)s);
}

static int snapshot_exec(struct cmd_call *call)
{
	const struct snapshot_args *a = call->opts;
	struct source_opts so = { .smaps = true, .rollup = true };
	struct source s;
	int rc;

	rc = source_open(&s, call->operands[0], &so);
	if (rc == EXIT_FINE)
		rc = snapshot_save(&s, a->output && strcmp(a->output, "-") ? a->output : NULL);
	source_release(&s);
	return rc;
}

const struct cmd_entry cmd_snapshot_entry = {
	.name = "snapshot",
	.summary = "save everything about an address space as one JSON document",
	.options = snapshot_options,
	.opts_size = sizeof(struct snapshot_args),
	.operands = (const struct cmd_operand[]){ { "TARGET", CMD_TARGET }, { NULL, 0 } },
	.min_operands = 1,
	.max_operands = 1,
	.exec = snapshot_exec,
};
