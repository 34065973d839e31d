/*
 * tui_draw.c - one frame of `vmatool tui`: the header, the address-space
 * strip, the VMA list, the detail pane and the status line (or the help
 * screen).  Only what is visible is formatted: the list draws its window of
 * rows, the strip its cells; the strip's layout is made again only when the
 * model, the zoom or the width changes.
 *
 *   PID 1234 comm  VMAs 42 of vm.max_map_count 65530      header (2 rows)
 *   |ttt.dd~~47T~~aaaa#a#ffff...|                          strip (1-3 rows)
 *   0x5555... zoom ...                      0x7fff...      axis
 *   START-END SIZE PERM ...                                list (show's columns)
 *   -- detail --                                           detail pane
 *   status / prompt
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tui/tui_int.h"

/* ---- colours ------------------------------------------------------------------ */

static const short color_fg[VIEW_COLOR_COUNT] = {
	[VIEW_COLOR_CODE] = COLOR_GREEN, [VIEW_COLOR_DATA] = COLOR_YELLOW,
	[VIEW_COLOR_GROWS] = COLOR_MAGENTA, [VIEW_COLOR_FILE] = COLOR_BLUE,
	[VIEW_COLOR_SHARED] = COLOR_CYAN, [VIEW_COLOR_DELETED] = COLOR_RED,
	[VIEW_COLOR_ADDED] = COLOR_GREEN, [VIEW_COLOR_REMOVED] = COLOR_RED,
	[VIEW_COLOR_CHANGED] = COLOR_CYAN,
};

void tui_colors_init(struct tui *t)
{
	if (!t->color || !has_colors()) {
		t->color = false;
		return;
	}
	start_color();
	use_default_colors();
	for (int c = 1; c < VIEW_COLOR_COUNT; c++)
		init_pair((short)c, color_fg[c] ? color_fg[c] : -1, -1);
}

attr_t tui_attr(const struct tui *t, enum view_color c)
{
	switch (c) {
	case VIEW_COLOR_HEADER: return A_BOLD;
	case VIEW_COLOR_GAP: case VIEW_COLOR_SPECIAL: return A_DIM;
	default: break;
	}
	return t->color && color_fg[c] ? COLOR_PAIR(c) : A_NORMAL;
}

/* ---- helpers ------------------------------------------------------------------- */

/* Text at (y, x), cut at the right edge. */
static void put(int y, int x, const char *s)
{
	if (x < COLS)
		mvaddnstr(y, x, s, COLS - x);
}

static void putf(int y, int x, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void putf(int y, int x, const char *fmt, ...)
{
	char buf[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	put(y, x, buf);
}

/* ---- header ------------------------------------------------------------------ */

static int draw_header(struct tui *t)
{
	const struct proc_meta *me = &t->src.meta;
	char comm[4 * 64 + 1] = "", a[32], b[32], c[32];
	long max = me->max_map_count ? me->max_map_count : (long)t->src.model.p.max_map_count;

	if (me->comm)
		escape_into(me->comm, strnlen(me->comm, 64), comm);
	attron(A_BOLD);
	if (me->pid)
		putf(0, 0, "PID %d %s  VMAs %zu of vm.max_map_count %ld (%.1f%%)", (int)me->pid, comm,
		     t->src.model.count, max, max ? 100.0 * (double)t->src.model.count / (double)max : 0);
	else
		putf(0, 0, "%s  VMAs %zu of vm.max_map_count %ld", t->src.path ? t->src.path : "",
		     t->src.model.count, max);
	attroff(A_BOLD);
	putf(1, 0, "RSS %s  PSS %s  swap %s  kernel %s  sort %s%s%s", fmt_size(t->all.rss, false, a),
	     fmt_size(t->all.pss, false, b), fmt_size(t->all.swap, false, c),
	     me->kernel ? me->kernel : "?", view_sort_name(t->vw.sort),
	     t->filter_text[0] ? "  filter " : "", t->filter_text);
	if (!t->src.has_smaps)
		put(1, COLS > 40 ? COLS - 20 : 0, " (no smaps values)");
	if (t->ncalls || t->undo.n) {
		attron(A_REVERSE);
		putf(1, COLS > 40 ? COLS - 30 : 0, " what-if: %d call%s (u, U) ", t->ncalls,
		     t->ncalls == 1 ? "" : "s");
		attroff(A_REVERSE);
	}
	if (t->exited) {
		attron(A_REVERSE | A_BOLD);
		putf(0, 0, " process %d has exited: its last state stays browsable ", (int)me->pid);
		attroff(A_REVERSE | A_BOLD);
	}
	return 2;
}

/* ---- the strip ----------------------------------------------------------------- */

static int strip_height(void)
{
	return LINES >= 30 ? 3 : LINES >= 20 ? 2 : 1;
}

/* Lay the strip out again, and cut it into cells, when the model, zoom or width changed. */
static void strip_update(struct tui *t, int ncells)
{
	struct view_strip_opts so = { .units = ncells, .gap_units = 7, .min_units = 0.34 };
	struct view_strip_cell *cells;

	if (t->strip_seq == t->src.model.seq && t->strip_cols == ncells && t->cells)
		return;
	if (view_strip_layout(&t->strip, &t->src.model, t->zoom.lo, t->zoom.hi, &so) < 0)
		tui_message(t, true, "out of memory");
	cells = realloc(t->cells, (size_t)ncells * sizeof(*cells));
	if (!cells) {
		tui_message(t, true, "out of memory");
		return;
	}
	t->cells = cells;
	view_strip_cells(&t->strip, t->cells, (size_t)ncells);	/* once, not every frame */
	t->strip_seq = t->src.model.seq;
	t->strip_cols = ncells;
}

/* The size of each collapsed gap written over its cells. */
static void strip_labels(const struct view_strip *s, char *line, size_t ncells)
{
	char buf[32], lab[40];

	for (size_t i = 0; i < s->n; i++) {
		const struct view_strip_piece *p = &s->p[i];
		size_t at = (size_t)(p->x + 0.5), w = (size_t)(p->x + p->w + 0.5) - at, n;

		if (!p->collapsed)
			continue;
		n = (size_t)snprintf(lab, sizeof(lab), "%s",
				     p->kernel ? "kernel" : fmt_size(p->end - p->start, false, buf));
		if (n + 2 <= w)
			memcpy(line + at + (w - n) / 2, lab, n);
		else if (n <= w)
			memcpy(line + at, lab, n);
		(void)ncells;
	}
}

static void draw_strip(struct tui *t, int y, int h)
{
	int w = COLS - 2 > 8 ? COLS - 2 : 8;
	size_t n = (size_t)w * h;
	const struct view_strip_cell *cells;
	char *line = malloc(n + 1);
	struct view_row sel = { 0 };
	int selrow = -1;

	strip_update(t, (int)n);
	cells = t->cells;
	if (!cells || !line || t->strip_cols != (int)n) {
		free(line);
		return;
	}
	if (t->vw.n)
		view_item_row(&t->vw, t->vw.sel, &sel);
	for (size_t i = 0; i < n; i++)
		line[i] = t->strip.n ? view_strip_letter(cells[i].main) : ' ';
	strip_labels(&t->strip, line, n);
	for (size_t i = 0; i < n; i++) {
		const struct view_strip_piece *p = cells[i].main;
		attr_t at = p && p->v ? tui_attr(t, view_kind(p->v->kind)->color) : A_DIM;
		bool on = t->vw.n && cells[i].start < sel.end && sel.start < cells[i].end;

		if (p && p->guard)
			at = A_BOLD;
		if (on && selrow < 0)
			selrow = (int)(i / w);
		attrset(at | (on ? A_REVERSE : 0));
		mvaddch(y + (int)(i / w), 1 + (int)(i % w), (chtype)(unsigned char)line[i]);
	}
	attrset(A_NORMAL);
	for (int r = 0; r < h; r++) {	/* > < mark the row holding the selection */
		mvaddch(y + r, 0, r == selrow ? '>' : '|');
		mvaddch(y + r, w + 1, r == selrow ? '<' : '|');
	}
	free(line);
}

static void draw_axis(struct tui *t, int y)
{
	char lo[24], hi[24], mid[64];
	int n;

	snprintf(lo, sizeof(lo), "%llx", (unsigned long long)t->strip.lo);
	snprintf(hi, sizeof(hi), "%llx", (unsigned long long)t->strip.hi);
	if (t->nzoom)
		snprintf(mid, sizeof(mid), "zoom %d (z in, Z out)", t->nzoom);
	else
		snprintf(mid, sizeof(mid), "whole address space (z zooms)");
	attron(A_DIM);
	put(y, 0, lo);
	n = (int)strlen(mid);
	if ((int)strlen(lo) + n + 4 < COLS - (int)strlen(hi))
		put(y, (COLS - n) / 2, mid);
	if ((int)strlen(hi) < COLS)
		put(y, COLS - (int)strlen(hi), hi);
	attroff(A_DIM);
}

/* ---- the list --------------------------------------------------------------- */

/*
 * Below this width the list leaves out OFFSET, DEV and INODE (the detail
 * pane has them), so that names stay on the screen at 80 or 100 columns.
 */
#define TUI_FILE_COLUMNS_FROM 150

static void draw_list_header(struct tui *t, int y)
{
	char buf[512] = "";
	FILE *f = fmemopen(buf, sizeof(buf) - 1, "w");
	struct show_style st = t->st;

	st.color = false;
	st.no_file_columns = COLS < TUI_FILE_COLUMNS_FROM;
	if (f) {
		show_print_header(&st, f);
		fclose(f);
	}
	buf[strcspn(buf, "\n")] = 0;
	attron(A_BOLD | A_UNDERLINE);
	put(y, 0, (int)strlen(buf) > t->hscroll ? buf + t->hscroll : "");
	attroff(A_BOLD | A_UNDERLINE);
}

static void draw_list(struct tui *t, int y, int h, char *rowbuf)
{
	struct show_style st = t->st;
	size_t first, n;

	st.color = false;
	st.no_file_columns = COLS < TUI_FILE_COLUMNS_FROM;
	view_set_height(&t->vw, (size_t)h);
	n = view_window(&t->vw, &first);
	for (size_t i = 0; i < n; i++) {
		struct view_row r;
		size_t len;
		bool sel = first + i == t->vw.sel;

		view_item_row(&t->vw, first + i, &r);
		len = show_format_row(&st, &r, rowbuf);
		rowbuf[len ? len - 1 : 0] = 0;
		attrset((r.v && tui_changed(t, r.start) ? tui_attr(t, VIEW_COLOR_CHANGED) | A_BOLD |
			 (t->color ? 0 : A_UNDERLINE) : tui_attr(t, r.color)) |
			(sel ? A_REVERSE : 0) | (sel && t->focus == TUI_FOCUS_LIST ? A_BOLD : 0));
		if (sel)
			mvhline(y + (int)i, 0, ' ', COLS);
		put(y + (int)i, 0, (int)len - 1 > t->hscroll ? rowbuf + t->hscroll : "");
	}
	attrset(A_NORMAL);
	if (!t->vw.n)
		put(y, 0, t->filter_text[0] ? "(no VMA passes the filter: f changes it)" : "(no VMAs)");
}

/* ---- the detail pane ----------------------------------------------------------- */

static void draw_detail(struct tui *t, int y, int h)
{
	struct tui_lines l = { 0 };
	char title[128];

	snprintf(title, sizeof(title), "-- detail%s -- %zu of %zu rows ",
		 t->focus == TUI_FOCUS_DETAIL ? " (Tab: back to the list)" : " (Tab: scroll it)",
		 t->vw.n ? t->vw.sel + 1 : 0, t->vw.n);
	attron(t->focus == TUI_FOCUS_DETAIL ? A_REVERSE : A_BOLD);
	mvhline(y, 0, '-', COLS);
	put(y, 0, title);
	attroff(A_REVERSE | A_BOLD);
	if (tui_detail_lines(t, &l) < 0) {
		put(y + 1, 0, "(out of memory)");
		return;
	}
	if (t->detail_top > (int)l.n - (h - 1))
		t->detail_top = (int)l.n - (h - 1) > 0 ? (int)l.n - (h - 1) : 0;
	for (int i = 0; i < h - 1 && (size_t)(t->detail_top + i) < l.n; i++)
		put(y + 1 + i, 0, l.line[t->detail_top + i]);
	tui_lines_release(&l);
}

/* A pane of lines under a title: the what-if preview. */
static void draw_lines(const struct tui_lines *l, const char *title, int y, int h)
{
	attron(A_BOLD);
	mvhline(y, 0, '-', COLS);
	put(y, 0, title);
	attroff(A_BOLD);
	for (int i = 0; i < h - 1 && (size_t)i < l->n; i++)
		put(y + 1 + i, 0, l->line[i]);
}

/* The change log instead of the details while watching: the newest lines at the bottom. */
static void draw_log(struct tui *t, int y, int h)
{
	size_t n = t->log.n, first = n > (size_t)(h - 1) ? n - (size_t)(h - 1) : 0;
	char title[128];

	snprintf(title, sizeof(title), "-- changes: watching every %llu ms (w stops) ",
		 (unsigned long long)(t->o.interval_ns / 1000000));
	attron(A_BOLD);
	mvhline(y, 0, '-', COLS);
	put(y, 0, title);
	attroff(A_BOLD);
	if (!n)
		put(y + 1, 0, "(no change yet)");
	for (size_t i = first; i < n; i++)
		put(y + 1 + (int)(i - first), 0, t->log.line[i]);
}

/* ---- status and help ----------------------------------------------------------- */

static void draw_status(struct tui *t)
{
	attrset(t->msg_err ? A_BOLD | A_REVERSE : A_NORMAL);
	mvhline(LINES - 1, 0, ' ', COLS);
	if (t->msg[0])
		put(LINES - 1, 0, t->msg);
	else
		put(LINES - 1, 0, "q quit  ? keys  / search  g go to  f filter  s sort  z/Z zoom  w watch  Tab pane");
	attrset(A_NORMAL);
}

static void draw_help(struct tui *t)
{
	int y = 0, n = 0;

	while (tui_help_lines[n])
		n++;
	if (t->help_top > n - (LINES - 1))
		t->help_top = n - (LINES - 1) > 0 ? n - (LINES - 1) : 0;
	attron(A_BOLD);
	put(y++, 0, "vmatool tui: keys (Down, PgDn scroll; any other key closes, q quits)");
	attroff(A_BOLD);
	for (int i = t->help_top; i < n && y < LINES; i++)
		put(y++, 0, tui_help_lines[i]);
}

void tui_draw(struct tui *t)
{
	static char rowbuf[SHOW_ROW_MAX];
	int y, sh, rest, dh;

	erase();
	if (t->help) {
		draw_help(t);
		refresh();
		return;
	}
	y = draw_header(t);
	sh = strip_height();
	t->strip_y = y;
	t->strip_h = sh;
	draw_strip(t, y, sh);
	y += sh;
	draw_axis(t, y++);
	rest = LINES - y - 1 - 1;	/* the list header and the status line */
	dh = rest > 8 ? rest * 2 / 5 : rest / 2;
	if (dh > 16)
		dh = 16;
	t->list_rows = rest - dh > 1 ? rest - dh : 1;
	t->detail_rows = dh;
	draw_list_header(t, y++);
	t->list_y = y;
	draw_list(t, y, t->list_rows, rowbuf);
	y += t->list_rows;
	t->detail_y = dh > 1 ? y : LINES;
	if (dh > 1 && t->previewing)
		draw_lines(&t->preview, "-- what-if: the engine's prediction ", y, dh);
	else if (dh > 1 && t->showing_diff)
		draw_lines(&t->diff, "-- diff (d closes it) ", y, dh);
	else if (dh > 1 && t->watching)
		draw_log(t, y, dh);
	else if (dh > 1)
		draw_detail(t, y, dh);
	draw_status(t);
	refresh();
}
