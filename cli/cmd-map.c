/*
 * cmd-map.c - `vmatool map TARGET`: a picture of the address space.  Text:
 * a column, one line per region or run of small regions from the highest
 * address down (or the lowest up), gaps with their sizes, huge gaps
 * collapsed, a bar per line coloured by kind (view_lines_layout); with
 * --strip, a strip of one letter a cell that fits one screen instead.  SVG
 * (cli/map-svg.c): regions by kind with a legend, for a report or a browser;
 * JSON: the strip layout itself, for tools that draw their own.  All come
 * from the view layer (view/view_strip.h); --svg and -o write the file
 * atomically, as snapshot -o does.
 */
#include <errno.h>
#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "cli/ansi.h"
#include "cli/cli.h"
#include "cli/json.h"
#include "cli/map.h"
#include "view/view_strip.h"

extern const struct cmd_entry cmd_map_entry;

enum map_format { MAP_TEXT, MAP_SVG, MAP_JSON };

#define MAP_TEXT_ROWS 8
#define MAP_LINES_DEFAULT 64

enum map_from { MAP_FROM_HIGH, MAP_FROM_LOW };

struct map_args {
	int format;		/* enum map_format */
	const char *output;
	const char *svg;	/* --svg FILE: the SVG, to FILE */
	bool strip;		/* text: the strip, not the column */
	int from;		/* enum map_from */
	uint64_t lines;		/* text: at most this many lines (0: the default) */
	uint64_t width;		/* text: columns; svg: pixels; 0: the default */
	int color;		/* enum color_mode (text) */
	bool no_smaps;
};

#define O(field) offsetof(struct map_args, field)
static const struct cmd_option map_options[] = {
	{ "format", 'f', CMD_ENUM, "FMT",
	  "text (default: a line per region), svg, or json (the strip's layout)",
	  .offset = O(format), .values = (const char *const[]){ "text", "svg", "json", NULL } },
	{ "svg", 0, CMD_FILE, "FILE", "the SVG picture, to FILE (atomically): --format svg -o FILE",
	  .offset = O(svg), .flags = CMD_ONCE },
	{ "output", 'o', CMD_FILE, "FILE", "write to FILE (atomically; '-' for standard output)",
	  .offset = O(output), .flags = CMD_ONCE },
	{ "from", 0, CMD_ENUM, "END",
	  "text: the first line at the high addresses (default: the stack on top) or the low",
	  .offset = O(from), .values = (const char *const[]){ "high", "low", NULL } },
	{ "lines", 'n', CMD_COUNT, "N",
	  "text: at most N lines (default 64): smaller neighbours share a line", .offset = O(lines),
	  .max = 10000000 },
	{ "strip", 0, CMD_FLAG, NULL, "text: a strip of one letter a cell that fits one screen",
	  .offset = O(strip) },
	{ "width", 'w', CMD_COUNT, "N",
	  "text: columns (default 80, at least 40); svg, json: units (default 1000, at least 400)",
	  .offset = O(width), .max = 100000 },
	{ "color", 0, CMD_ENUM, "WHEN",
	  "text colour: auto (default: on a terminal, unless NO_COLOR), always, never",
	  .offset = O(color), .values = cmd_color_values },
	{ "no-smaps", 0, CMD_FLAG, NULL, "svg: read only maps (faster; no RSS in the titles); text and json read only maps",
	  .offset = O(no_smaps) },
	{ .name = NULL },
};
#undef O

static int map_check(struct cmd_call *call)
{
	struct map_args *a = call->opts;

	if (a->svg && cmd_given(call, "format") && a->format != MAP_SVG)
		return cli_usage_error("--svg writes the SVG: no other --format with it");
	if (a->svg && a->output)
		return cli_usage_error("--svg FILE names the file: no -o with it");
	if (a->svg) {
		a->format = MAP_SVG;
		a->output = a->svg;
	}
	if (a->format != MAP_TEXT && (a->strip || cmd_given(call, "from") || a->lines))
		return cli_usage_error("--%s applies to the text only", a->strip ? "strip" :
				       a->lines ? "lines" : "from");
	if (a->strip && (cmd_given(call, "from") || a->lines))
		return cli_usage_error("--%s applies to the column, not to --strip",
				       a->lines ? "lines" : "from");
	if (a->format != MAP_TEXT && cmd_given(call, "color"))
		return cli_usage_error("--color applies to --format text only");
	if (a->format != MAP_SVG && a->no_smaps)
		return cli_usage_error("--no-smaps applies to --format svg only (the others read only maps)");
	if (a->width && a->width < (a->format != MAP_TEXT ? 400 : 40))
		return cli_usage_error("--width %llu is too narrow: at least %d %s",
				       (unsigned long long)a->width, a->format != MAP_TEXT ? 400 : 40,
				       a->format == MAP_SVG ? "pixels" : a->format == MAP_JSON ? "units" :
				       "columns");
	return EXIT_FINE;
}

/* ---- text ------------------------------------------------------------------- */

static void text_title(FILE *out, const struct source *s)
{
	const struct vma_model *m = &s->model;

	if (s->meta.pid) {
		fprintf(out, "process %d (", (int)s->meta.pid);
		fputs_escaped(s->meta.comm ? s->meta.comm : "", s->meta.comm ? strlen(s->meta.comm) : 0, out);
		fputs(")", out);
	} else {
		fputs_escaped(s->target, strlen(s->target), out);
	}
	fprintf(out, ": %zu VMAs", m->count);
	if (m->first)
		fprintf(out, ", %llx-%llx", (unsigned long long)m->first->start,
			(unsigned long long)m->last->end);
	fputc('\n', out);
}

/* The letters of the cells, and each collapsed gap's size written over its own. */
static void text_letters(const struct view_strip *st, const struct view_strip_cell *c,
			 size_t n, char *line)
{
	char buf[32];

	for (size_t i = 0; i < n; i++)
		line[i] = view_strip_letter(c[i].main);
	for (size_t i = 0; i < st->n; i++) {
		const struct view_strip_piece *p = &st->p[i];
		size_t at = (size_t)(p->x + 0.5), w = (size_t)(p->x + p->w + 0.5) - at, len;

		if (!p->collapsed)
			continue;
		if (p->kernel)
			strcpy(buf, "kernel");
		else
			fmt_size(p->end - p->start, false, buf);
		len = strlen(buf);
		if (len <= w && at + w <= n)
			memcpy(line + at + (w - len) / 2, buf, len);
	}
}

static void text_rows(FILE *out, const struct view_strip_cell *c, const char *line,
		      size_t w, unsigned aw, bool color)
{
	for (size_t r = 0; r < MAP_TEXT_ROWS; r++) {
		enum view_color cur = VIEW_COLOR_NONE;

		/* the row's first address, to the page below */
		fprintf(out, "%*llx |", (int)aw, (unsigned long long)(c[r * w].start & ~UINT64_C(0xfff)));
		for (size_t i = r * w; i < (r + 1) * w; i++) {
			const struct view_strip_piece *p = c[i].main;
			enum view_color col = p->v ? view_kind(p->v->kind)->color : VIEW_COLOR_GAP;

			if (color && col != cur) {
				fputs(ANSI_RESET, out);
				fputs(ansi_color(col), out);
				cur = col;
			}
			fputc(line[i], out);
		}
		if (color)
			fputs(ANSI_RESET, out);
		fputs("|\n", out);
	}
}

static void text_legend(FILE *out, const struct view_strip *st)
{
	char buf[32];
	size_t col = 0;

	fputs("\n", out);
	for (int i = 0; view_strip_legend[i]; i++) {
		size_t n = strlen(view_strip_legend[i]) + 2;

		if (col + n > 78) {
			fputc('\n', out);
			col = 0;
		}
		fprintf(out, "%s%s", col ? "  " : "", view_strip_legend[i]);
		col += n;
	}
	fputc('\n', out);
	if (st && st->ncollapsed)
		fputs("\nhuge gaps, collapsed:\n", out);
	for (size_t i = 0; st && i < st->n; i++)
		if (st->p[i].collapsed)
			fprintf(out, "  %llx-%llx %s\n", (unsigned long long)st->p[i].start,
				(unsigned long long)st->p[i].end, st->p[i].kernel ?
				"above user space (the kernel's)" :
				fmt_size(st->p[i].end - st->p[i].start, false, buf));
}

static int map_strip(FILE *out, const struct source *s, const struct map_args *a, bool color)
{
	unsigned aw = view_addr_width(&s->model);
	size_t w = (a->width ? a->width : 80) - aw - 3, n = w * MAP_TEXT_ROWS;
	struct view_strip_opts so = { .units = (double)n, .gap_units = 7, .min_units = 0.34 };
	struct view_strip st;
	struct view_strip_cell *cells = calloc(n, sizeof(*cells));
	char *line = malloc(n);
	int err;

	view_strip_init(&st);
	err = cells && line ? view_strip_layout(&st, &s->model, 0, 0, &so) : -ENOMEM;
	if (!err) {
		text_title(out, s);
		if (st.n) {
			view_strip_cells(&st, cells, n);
			text_letters(&st, cells, n, line);
			text_rows(out, cells, line, w, aw, color);
		}
		text_legend(out, &st);
	}
	view_strip_release(&st);
	free(cells);
	free(line);
	return err;
}

/* ---- text: the column --------------------------------------------------------- */

/* Up to three names of the VMAs of a run, escaped, into out. */
static void column_run_names(FILE *out, const struct vma_model *m, const struct view_line *l)
{
	const char *seen[3];
	size_t nseen = 0;
	bool more = false;

	for (const struct vma *v = l->v; v && v->start < l->end; v = v->next) {
		const char *name = vma_name(m, v->name);
		size_t i, len = vma_name_len(m, v->name);

		for (i = 0; i < nseen && strcmp(seen[i], name); i++)
			;
		if (!len || i < nseen)
			continue;
		if (nseen == 3) {
			more = true;
			break;
		}
		seen[nseen++] = name;
		fputs(nseen > 1 ? ", " : ": ", out);
		fputs_escaped(name, len, out);
	}
	if (more)
		fputs(" ...", out);
}

/* What a line says after its bar. */
static void column_what(FILE *out, const struct source *s, const struct view_line *l)
{
	char buf[32];

	if (l->kernel) {
		fputs("above user space (the kernel's), collapsed", out);
	} else if (l->what == VIEW_LINE_GAP) {
		fprintf(out, "gap %s%s", fmt_size(l->end - l->start, false, buf),
			l->collapsed ? ", collapsed" : "");
	} else if (l->what == VIEW_LINE_RUN) {
		fprintf(out, "%zu VMAs", l->nvmas);
		if (l->ngaps)
			fprintf(out, ", %zu gap%s", l->ngaps, l->ngaps == 1 ? "" : "s");
		fprintf(out, ", mostly %s", view_kind(l->kind)->name);
		column_run_names(out, &s->model, l);
	} else {
		fputs_escaped(vma_name(&s->model, l->v->name), vma_name_len(&s->model, l->v->name), out);
		if (l->guard)
			fputs(vma_name_len(&s->model, l->v->name) ? " (guard)" : "(guard)", out);
	}
}

static void column_line(FILE *out, const struct source *s, const struct view_line *l,
			unsigned aw, unsigned cells, bool color)
{
	char size[32], perms[5] = "", letter;
	enum view_color col;

	if (l->what == VIEW_LINE_VMA)
		vmf_perms(l->v->flags, perms);
	fprintf(out, "%*llx-%-*llx %6s %-4s ", (int)aw, (unsigned long long)l->start, (int)aw,
		(unsigned long long)l->end, l->kernel ? "-" : fmt_size(l->end - l->start, false, size),
		perms);
	col = l->what == VIEW_LINE_GAP ? VIEW_COLOR_GAP : view_kind(l->kind)->color;
	letter = l->collapsed ? '~' : l->what == VIEW_LINE_GAP ? '.' : l->guard ? '#' :
		 view_kind_letter(l->kind);
	if (color)
		fputs(ansi_color(col), out);
	for (unsigned i = 0; i < cells; i++)
		fputc(l->collapsed ? (i < 2 || i + 2 >= cells ? '~' : ' ') : i < l->bar ? letter : ' ', out);
	if (color)
		fputs(ANSI_RESET, out);
	fputc(' ', out);
	column_what(out, s, l);
	fputc('\n', out);
}

static int map_column(FILE *out, const struct source *s, const struct map_args *a, bool color)
{
	unsigned aw = view_addr_width(&s->model), width = a->width ? (unsigned)a->width : 80;
	unsigned fixed = 2 * aw + 14, cells = width > fixed + 24 ? (width - fixed) / 3 : 8;
	struct view_lines_opts o = { .max_lines = a->lines ? a->lines : MAP_LINES_DEFAULT,
				     .bar_cells = cells };
	struct view_lines c;
	char buf[32];
	int err;

	view_lines_init(&c);
	err = view_lines_layout(&c, &s->model, &o);
	if (err)
		return err;
	text_title(out, s);
	fprintf(out, "%s addresses first; ", a->from == MAP_FROM_LOW ? "low" : "high");
	if (c.small)
		fprintf(out, "neighbours under %s share a line\n", fmt_size(c.small, false, buf));
	else
		fputs("a line per region\n", out);
	for (size_t i = 0; i < c.n; i++)
		column_line(out, s, &c.l[a->from == MAP_FROM_LOW ? i : c.n - 1 - i], aw, cells, color);
	text_legend(out, NULL);
	view_lines_release(&c);
	return 0;
}

/* ---- json: the layout, for tools that draw their own ---------------------------------- */

static void json_piece(struct json_writer *w, const struct source *s,
		       const struct view_strip_piece *p)
{
	/* x and w in thousandths, w as the difference of the rounded ends, so that
	 * the printed pieces tile the line exactly (rounding each w alone drifts) */
	long long x0 = llround(p->x * 1000), x1 = llround((p->x + p->w) * 1000);

	jw_begin_object(w);
	jw_kv_hex(w, "start", p->start);
	jw_kv_hex(w, "end", p->end);
	jw_key(w, "x");
	jw_fixed(w, (double)x0 / 1000);
	jw_key(w, "w");
	jw_fixed(w, (double)(x1 - x0) / 1000);
	jw_kv_bool(w, "vma", p->v != NULL);
	if (p->v) {
		char perms[5];
		size_t len = vma_name_len(&s->model, p->v->name);

		vmf_perms(p->v->flags, perms);
		jw_kv_string(w, "kind", view_kind(p->v->kind)->name);
		jw_kv_string(w, "perms", perms);
		jw_key(w, "name");
		jw_string_len(w, vma_name(&s->model, p->v->name), len);
		jw_kv_bool(w, "guard", p->guard);
	} else {
		jw_kv_bool(w, "collapsed", p->collapsed);
		jw_kv_bool(w, "kernel", p->kernel);
	}
	jw_end_object(w);
}

/*
 * {"schema": "vmatool-map/1", "pid", "units", "lo", "hi", "pieces": [...]}:
 * the strip's pieces in address order, each with its place x and width w
 * along a line of units (as the SVG lays them out, left to right).
 */
static int map_json(FILE *out, const struct source *s, const struct map_args *a)
{
	struct view_strip_opts so = { .units = a->width ? (double)a->width : 1000, .gap_units = 36,
				      .min_units = 3 };
	struct json_writer w;
	struct view_strip st;
	int err;

	view_strip_init(&st);
	err = view_strip_layout(&st, &s->model, 0, 0, &so);
	if (err)
		return err;
	jw_init(&w, out, true);
	jw_begin_object(&w);
	jw_kv_string(&w, "schema", "vmatool-map/1");
	jw_kv_i64(&w, "pid", s->meta.pid);
	jw_key(&w, "units");
	jw_fixed(&w, st.units);
	jw_kv_hex(&w, "lo", st.lo);
	jw_kv_hex(&w, "hi", st.hi);
	jw_key(&w, "pieces");
	jw_begin_array(&w);
	for (size_t i = 0; i < st.n; i++)
		json_piece(&w, s, &st.p[i]);
	jw_end_array(&w);
	jw_end_object(&w);
	view_strip_release(&st);
	return jw_finish(&w) ? -EIO : 0;
}

/* ---- the command ---------------------------------------------------------------- */

static int map_exec(struct cmd_call *call)
{
	const struct map_args *a = call->opts;
	/* only the SVG's titles show memory use: the text and JSON need maps alone */
	struct source_opts so = { .smaps = !a->no_smaps && a->format == MAP_SVG };
	const char *path = a->output && strcmp(a->output, "-") ? a->output : NULL;
	struct source s;
	char *buf = NULL;
	size_t len = 0;
	FILE *mem;
	int rc, err;

	rc = source_open(&s, call->operands[0], &so);
	if (rc != EXIT_FINE) {
		source_release(&s);
		return rc;
	}
	mem = open_memstream(&buf, &len);
	if (!mem) {
		source_release(&s);
		return cli_error(EXIT_TARGET, "out of memory");
	}
	if (a->format == MAP_SVG)
		err = map_write_svg(mem, &s, a->width ? (unsigned)a->width : 1000);
	else if (a->format == MAP_JSON)
		err = map_json(mem, &s, a);
	else if (a->strip)
		err = map_strip(mem, &s, a, !path && color_enabled(a->color, 1));
	else
		err = map_column(mem, &s, a, !path && color_enabled(a->color, 1));
	if (fclose(mem) || err)
		rc = cli_error(EXIT_TARGET, "out of memory");
	else
		rc = write_file_atomic(path, buf, len);
	free(buf);
	source_release(&s);
	return rc;
}

const struct cmd_entry cmd_map_entry = {
	.name = "map",
	.summary = "draw the address space: a line per region, a strip, or an SVG picture for a browser",
	.options = map_options,
	.opts_size = sizeof(struct map_args),
	.operands = (const struct cmd_operand[]){ { "TARGET", CMD_TARGET }, { NULL, 0 } },
	.min_operands = 1,
	.max_operands = 1,
	.check = map_check,
	.exec = map_exec,
};
