/*
 * cmd-snapshot.c - `vmatool snapshot TARGET [-o FILE]`: everything about an
 * address space in one vmatool/1 JSON document (the document of `show
 * --format json`: every VMA with all smaps fields and VmFlags, smaps_rollup,
 * the process metadata), to analyse later, elsewhere.  A file is written
 * atomically: an interrupted or failed write leaves the old file as it was.
 */
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/show.h"

extern const struct cmd_entry cmd_snapshot_entry;

static const struct cmd_option snapshot_options[] = {
	{ "output", 'o', "FILE", "write to FILE (atomically; '-' for standard output)", NULL },
	{ NULL, 0, NULL, NULL, NULL },
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

static int snapshot_exec(int argc, char **argv)
{
	struct source_opts so = { .smaps = true, .rollup = true };
	const char *output = NULL, *dup = NULL;
	struct source s;
	struct cmd_args a;
	int i, rc;

	cmd_args_init(&a, &cmd_snapshot_entry, argc, argv);
	while ((i = cmd_args_next(&a)) >= 0) {
		if (output || !*a.arg)	/* the only option: --output */
			dup = a.arg;
		output = a.arg;
	}
	if (i == CMD_ARGS_HELP)
		rc = -1;
	else if (i == CMD_ARGS_BAD)
		rc = EXIT_BADINPUT;
	else if (dup && !*dup)
		rc = cli_usage_error("--output needs a file name ('-' for standard output)");
	else if (dup)
		rc = cli_usage_error("--output given twice");
	else if (argc - a.optind != 1)
		rc = cli_usage_error("expected one TARGET");
	else
		rc = EXIT_FINE;
	i = a.optind;
	cmd_args_release(&a);
	if (rc)
		return rc < 0 ? EXIT_FINE : rc;
	rc = source_open(&s, argv[i], &so);
	if (rc == EXIT_FINE)
		rc = snapshot_save(&s, output && strcmp(output, "-") ? output : NULL);
	source_release(&s);
	return rc;
}

const struct cmd_entry cmd_snapshot_entry = {
	.name = "snapshot",
	.usage = "[options] TARGET",
	.summary = "save everything about an address space as one JSON document",
	.options = snapshot_options,
	.exec = snapshot_exec,
};
