/*
 * cmd-show.c - `vmatool show TARGET`: the VMAs of a process or a saved file
 * as a table with a summary, as JSON, or as the kernel's own maps/smaps text.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/json.h"
#include "cli/show.h"
#include "engine/maps.h"

extern const struct cmd_entry cmd_show_entry;

enum show_format { FMT_TEXT, FMT_JSON, FMT_MAPS, FMT_SMAPS };

static const struct cmd_option show_options[] = {
	{ "format", 'f', "FMT", "output: text (default), json, maps or smaps", "text json maps smaps" },
	{ "bytes", 'b', NULL, "exact sizes in bytes instead of 4.0K, 1.5M", NULL },
	{ "color", 0, "WHEN", "colour: auto (default: on a terminal, unless NO_COLOR), always, never",
	  "auto always never" },
	{ "gaps", 'g', NULL, "add a row for each unmapped gap between VMAs", NULL },
	{ "range", 'r', "LO-HI", "only VMAs that intersect [LO, HI) (hex or decimal)", NULL },
	{ "path", 'p', "PATTERN", "only VMAs whose name or its basename matches the glob PATTERN", NULL },
	{ "perms", 0, "PERMS", "only VMAs with these permissions: 'rw', 'x', 's', or 'r-x'", NULL },
	{ "kind", 'k', "KIND", "only VMAs of these kinds (comma-separated): text, data, bss, heap, "
	  "stack, file, anon, shm, special, deleted",
	  "text data bss heap stack file anon shm special deleted" },
	{ "no-smaps", 0, NULL, "read only maps (faster; no RSS, PSS, dirty, swap or VmFlags)", NULL },
	{ NULL, 0, NULL, NULL, NULL },
};

struct show_args {
	enum show_format format;
	bool exact, gaps, no_smaps, color_given;
	enum color_mode color;
	struct view_filter filter;
	const char *target;
};

static int parse_format(const char *s, enum show_format *f)
{
	static const char *const names[] = { "text", "json", "maps", "smaps" };
	unsigned i;

	for (i = 0; i < 4; i++)
		if (!strcmp(s, names[i])) {
			*f = (enum show_format)i;
			return 0;
		}
	return cli_usage_error("unknown format '%s': expected text, json, maps or smaps", s);
}

static int show_option(struct show_args *a, const char *name, const char *arg)
{
	if (!strcmp(name, "format"))
		return parse_format(arg, &a->format);
	if (!strcmp(name, "bytes"))
		a->exact = true;
	else if (!strcmp(name, "color")) {
		a->color_given = true;
		if (parse_color_mode(arg, &a->color))
			return cli_usage_error("bad colour mode '%s': expected auto, always or never", arg);
	} else if (!strcmp(name, "gaps"))
		a->gaps = true;
	else if (!strcmp(name, "range"))
		return show_parse_range(arg, &a->filter);
	else if (!strcmp(name, "path"))
		a->filter.path_glob = arg;
	else if (!strcmp(name, "perms"))
		return show_parse_perms(arg, &a->filter);
	else if (!strcmp(name, "kind"))
		return show_parse_kinds(arg, &a->filter);
	else if (!strcmp(name, "no-smaps"))
		a->no_smaps = true;
	return 0;
}

static int show_parse_args(struct show_args *a, int argc, char **argv);

/* ---- output --------------------------------------------------------------- */

static int show_text(const struct source *s, const struct show_args *a, FILE *out)
{
	struct show_style st = { .exact = a->exact, .smaps = s->has_smaps };
	struct view_totals t;
	struct view_iter it;
	struct view_row r;
	char *row = malloc(SHOW_ROW_MAX);

	if (!row)
		return cli_error(EXIT_TARGET, "out of memory");
	st.color = color_enabled(a->color, fileno(out));
	show_style_fit(&st, &s->model);
	view_totals_init(&t);
	show_print_header(&st, out);
	view_iter_init(&it, &s->model, &a->filter, true);	/* gaps count in the summary */
	while (view_iter_next(&it, &r)) {
		if (r.v || a->gaps)
			fwrite(row, 1, show_format_row(&st, &r, row), out);
		view_totals_add(&t, &r);
	}
	free(row);
	show_print_summary(&st, s, &t, out);
	return EXIT_FINE;
}

static int show_maps(const struct source *s, const struct show_args *a, FILE *out)
{
	char *buf = malloc(MAPS_LINE_MAX);
	const struct vma *v;

	if (!buf)
		return cli_error(EXIT_TARGET, "out of memory");
	for (v = s->model.first; v; v = v->next)
		if (view_filter_match(&a->filter, &s->model, v))
			fwrite(buf, 1, maps_format_line(&s->model, v, s->name_column, buf), out);
	free(buf);
	return EXIT_FINE;
}

static int show_smaps(const struct source *s, const struct show_args *a, FILE *out)
{
	char *buf = NULL;
	size_t cap = 0;
	const struct vma *v;
	int rc = EXIT_FINE;

	for (v = s->model.first; v; v = v->next) {
		long n;

		if (!view_filter_match(&a->filter, &s->model, v))
			continue;
		n = maps_format_smaps(&s->model, v, s->name_column, &buf, &cap);
		if (n < 0) {
			rc = cli_error(EXIT_TARGET, "out of memory");
			break;
		}
		fwrite(buf, 1, (size_t)n, out);
	}
	free(buf);
	return rc;
}

static int show_output(const struct source *s, const struct show_args *a)
{
	static char obuf[1 << 20];
	int rc;

	setvbuf(stdout, obuf, _IOFBF, sizeof(obuf));
	switch (a->format) {
	case FMT_JSON: return show_write_json(s, &a->filter, a->gaps, stdout);
	case FMT_MAPS: rc = show_maps(s, a, stdout); break;
	case FMT_SMAPS: rc = show_smaps(s, a, stdout); break;
	default: rc = show_text(s, a, stdout); break;
	}
	if (fflush(stdout) == EOF || ferror(stdout))
		return cli_error(EXIT_TARGET, "cannot write the output");
	return rc;
}

/* A live process's maps with no filter: the kernel's bytes, no model. */
static int show_raw_maps(const char *target)
{
	char *text;
	size_t len;
	int rc = source_read_raw_maps(target, &text, &len);

	if (rc)
		return rc;
	if (fwrite(text, 1, len, stdout) != len || fflush(stdout) == EOF)
		rc = cli_error(EXIT_TARGET, "cannot write the output");
	free(text);
	return rc;
}

/*
 * --no-smaps on a saved smaps or JSON file: the VMAs as their maps text alone
 * would give them (no memory use, VmFlags inferred), as for a live process.
 */
static int source_drop_smaps(struct source *s)
{
	struct vma_params params = s->model.p;
	struct maps_parser p;
	const struct vma *v;
	size_t len = 0, cap = s->model.count * 128 + MAPS_LINE_MAX;
	char *text = malloc(cap);
	long err = 0;

	for (v = s->model.first; text && v; v = v->next) {
		if (cap - len < MAPS_LINE_MAX) {
			char *nt = realloc(text, cap *= 2);

			if (!nt)
				free(text);
			text = nt;
			if (!text)
				break;
		}
		len += maps_format_line(&s->model, v, s->name_column, text + len);
	}
	vma_model_release(&s->model);
	if (!text || vma_model_init(&s->model, &params) < 0) {
		free(text);
		return cli_error(EXIT_TARGET, "out of memory");
	}
	maps_parser_init(&p, &s->model);
	err = maps_parse(&p, text, len, true);
	if (err >= 0)
		err = maps_parser_finish(&p);
	free(text);
	if (err < 0)
		return cli_error(EXIT_TARGET, "cannot read the VMAs of '%s' back as maps", s->target);
	s->has_smaps = false;
	vma_infer_params(&s->model);
	return EXIT_FINE;
}

static int show_exec(int argc, char **argv)
{
	struct show_args a;
	struct source_opts so = { .smaps = true };
	struct source s;
	int rc;

	rc = show_parse_args(&a, argc, argv);
	if (rc >= 0)
		return rc;
	if (a.format == FMT_MAPS && view_filter_empty(&a.filter) && !target_is_file(a.target))
		return show_raw_maps(a.target);
	so.smaps = !a.no_smaps && a.format != FMT_MAPS;
	so.no_meta = a.format == FMT_MAPS || a.format == FMT_SMAPS;
	rc = source_open(&s, a.target, &so);
	if (rc == EXIT_FINE && a.no_smaps && s.has_smaps)
		rc = source_drop_smaps(&s);
	if (rc == EXIT_FINE)
		rc = show_output(&s, &a);
	source_release(&s);
	return rc;
}

/* -1 to go on; else the exit code (--help, bad usage). */
static int show_parse_args(struct show_args *a, int argc, char **argv)
{
	struct cmd_args ca;
	int i, rc = 0;

	memset(a, 0, sizeof(*a));
	a->color = COLOR_AUTO;
	view_filter_init(&a->filter);
	cmd_args_init(&ca, &cmd_show_entry, argc, argv);
	while (rc == 0 && (i = cmd_args_next(&ca)) >= 0)
		rc = show_option(a, show_options[i].name, ca.arg);
	cmd_args_release(&ca);
	if (rc)
		return rc;
	if (i == CMD_ARGS_HELP)
		return EXIT_FINE;
	if (i == CMD_ARGS_BAD)
		return EXIT_BADINPUT;
	if (a->no_smaps && a->format == FMT_SMAPS)
		return cli_usage_error("--no-smaps and --format smaps exclude each other");
	/* nothing accepted that the output would not show */
	if (a->format != FMT_TEXT && (a->exact || a->color_given))
		return cli_usage_error("--%s applies to --format text only", a->exact ? "bytes" : "color");
	if ((a->format == FMT_MAPS || a->format == FMT_SMAPS) && a->gaps)
		return cli_usage_error("--gaps applies to --format text and json only");
	if (ca.optind >= argc)
		return cli_usage_error("no target: give a PID, 'self', a process name or a file");
	if (ca.optind + 1 < argc)
		return cli_usage_error("one target only (got '%s' too)", argv[ca.optind + 1]);
	a->target = argv[ca.optind];
	return -1;
}

const struct cmd_entry cmd_show_entry = {
	.name = "show",
	.usage = "[options] TARGET",
	.summary = "list the VMAs of a process or a saved maps/smaps/JSON file",
	.options = show_options,
	.exec = show_exec,
};
