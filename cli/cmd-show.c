/*
 * cmd-show.c - `vmatool show TARGET`: the VMAs of a process or a saved file
 * as a table with a summary, as JSON, or as the kernel's own maps/smaps text.
 */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/json.h"
#include "cli/show.h"
#include "engine/maps.h"

extern const struct cmd_entry cmd_show_entry;

enum show_format { FMT_TEXT, FMT_JSON, FMT_MAPS, FMT_SMAPS };

struct show_args {
	int format;		/* enum show_format */
	bool exact, gaps, no_smaps;
	int color;		/* enum color_mode */
	struct cmd_range range;
	unsigned kinds;		/* bit i: kind_values[i] */
	struct view_filter filter;	/* --path, --perms; the rest by show_check */
	const char *target;
};

static const char *const kind_values[] = {
	"text", "data", "bss", "heap", "stack", "file", "anon", "shm", "special", "deleted", NULL,
};

static unsigned perm_bit(char c)
{
	switch (c) {
	case 'r': return VIEW_PERM_R;
	case 'w': return VIEW_PERM_W;
	case 'x': return VIEW_PERM_X;
	case 's': return VIEW_PERM_S;
	case 'p': return VIEW_PERM_P;
	default: return 0;
	}
}

/* "r-x", "rw-p": positional, '-' for the ones that must be clear. */
static bool perms_positional(const char *s, size_t n, struct view_filter *f)
{
	static const char pos[] = "rwx";

	if (n != 3 && n != 4)
		return false;
	for (size_t i = 0; i < 3; i++) {
		if (s[i] == pos[i])
			f->perms |= perm_bit(pos[i]);
		else if (s[i] == '-')
			f->perms_absent |= perm_bit(pos[i]);
		else
			return false;
	}
	if (n == 4 && !perm_bit(s[3]) && s[3] != '-')
		return false;
	if (n == 4 && (s[3] == 's' || s[3] == 'p'))
		f->perms |= perm_bit(s[3]);
	return true;
}

/* --perms: letters that must all be set ("rw", "x", "s"), or "r-x". */
static const char *perms_check(const char *s, void *field)
{
	static const char why[] = "expected letters of rwxsp, like 'rw' or 'r-x'";
	struct view_filter *f = field;
	size_t n = strlen(s), i;

	if (!n)
		return why;
	if (strchr(s, '-'))
		return perms_positional(s, n, f) ? NULL : why;
	for (i = 0; i < n; i++)
		if (!perm_bit(s[i]))
			return why;
	for (i = 0; i < n; i++)
		f->perms |= perm_bit(s[i]);
	return NULL;
}

#define O(field) offsetof(struct show_args, field)
static const struct cmd_option show_options[] = {
	{ "format", 'f', CMD_ENUM, "FMT", "output: text (default), json, maps or smaps",
	  .offset = O(format),
	  .values = (const char *const[]){ "text", "json", "maps", "smaps", NULL } },
	{ "bytes", 'b', CMD_FLAG, NULL, "exact sizes in bytes instead of 4.0K, 1.5M",
	  .offset = O(exact) },
	{ "color", 0, CMD_ENUM, "WHEN",
	  "colour: auto (default: on a terminal, unless NO_COLOR), always, never",
	  .offset = O(color),
	  .values = cmd_color_values },
	{ "gaps", 'g', CMD_FLAG, NULL, "add a row for each unmapped gap between VMAs",
	  .offset = O(gaps) },
	{ "range", 'r', CMD_RANGE, "LO-HI", "only VMAs that intersect [LO, HI) (hex or decimal)",
	  .offset = O(range) },
	{ "path", 'p', CMD_STRING, "PATTERN",
	  "only VMAs whose name or its basename matches the glob PATTERN",
	  .offset = O(filter.path_glob) },
	{ "perms", 0, CMD_STRING, "PERMS",
	  "only VMAs with these permissions: 'rw', 'x', 's', or 'r-x'", .offset = O(filter),
	  .check = perms_check },
	{ "kind", 'k', CMD_ENUM_LIST, "KIND", "only VMAs of these kinds (comma-separated): text, "
	  "data, bss, heap, stack, file, anon, shm, special, deleted", .offset = O(kinds),
	  .values = kind_values },
	{ "no-smaps", 0, CMD_FLAG, NULL, "read only maps (faster; no RSS, PSS, dirty, swap or VmFlags)",
	  .offset = O(no_smaps) },
	{ .name = NULL },
};
#undef O

static int show_check(struct cmd_call *call)
{
	struct show_args *a = call->opts;

	a->target = call->operands[0];
	if (cmd_given(call, "range")) {
		a->filter.has_range = true;
		a->filter.lo = a->range.lo;
		a->filter.hi = a->range.hi;
	}
	for (int i = 0; kind_values[i]; i++)
		if (a->kinds & (1u << i))
			a->filter.kinds |= 1u << vma_kind_parse(kind_values[i]);
	if (a->no_smaps && a->format == FMT_SMAPS)
		return cli_usage_error("--no-smaps and --format smaps exclude each other");
	/* nothing accepted that the output would not show */
	if (a->format != FMT_TEXT && (a->exact || cmd_given(call, "color")))
		return cli_usage_error("--%s applies to --format text only", a->exact ? "bytes" : "color");
	if ((a->format == FMT_MAPS || a->format == FMT_SMAPS) && a->gaps)
		return cli_usage_error("--gaps applies to --format text and json only");
	return EXIT_FINE;
}

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

/*
 * Output goes out in 1 MiB writes.  The buffer is taken from the heap that
 * source_heap_reserve prepared (huge pages: one fault, not 256 as in .bss);
 * it stays stdout's until exit.
 */
#define SHOW_OBUF	((size_t)1 << 20)

static int show_output(const struct source *s, const struct show_args *a)
{
	static char *obuf;
	int rc;

	if (!obuf)
		obuf = malloc(SHOW_OBUF);
	if (obuf)
		setvbuf(stdout, obuf, _IOFBF, SHOW_OBUF);
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
	source_raw_maps_free(text);
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

static int show_exec(struct cmd_call *call)
{
	const struct show_args a = *(const struct show_args *)call->opts;
	struct source_opts so = { .smaps = true };
	struct source s;
	int rc;

	if (a.format == FMT_MAPS && view_filter_empty(&a.filter) && !target_is_file(a.target))
		return show_raw_maps(a.target);
	source_heap_reserve(true);
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

const struct cmd_entry cmd_show_entry = {
	.name = "show",
	.summary = "list the VMAs of a process or a saved maps/smaps/JSON file",
	.options = show_options,
	.opts_size = sizeof(struct show_args),
	.operands = (const struct cmd_operand[]){ { "TARGET", CMD_TARGET }, { NULL, 0 } },
	.min_operands = 1,
	.max_operands = 1,
	.check = show_check,
	.exec = show_exec,
};
