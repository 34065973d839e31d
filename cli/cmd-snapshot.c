/*
 * cmd-snapshot.c - `vmatool snapshot TARGET [-o FILE]`: everything about an
 * address space in one vmatool/1 JSON document (the document of `show
 * --format json`: every VMA with all smaps fields and VmFlags, smaps_rollup,
 * the process metadata), to analyse later, elsewhere.  A file is written
 * atomically: an interrupted or failed write leaves the old file as it was.
 */
#include <stddef.h>
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

static int snapshot_save(const struct source *s, const char *path)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *mem = open_memstream(&buf, &len);
	int rc;

	if (!mem)
		return cli_error(EXIT_TARGET, "out of memory");
	rc = show_json_document(mem, s, NULL, false);
	if (fclose(mem) || rc) {
		free(buf);
		return cli_error(EXIT_TARGET, "out of memory");
	}
	rc = write_file_atomic(path, buf, len);
	free(buf);
	return rc;
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
