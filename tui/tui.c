/*
 * tui.c - `vmatool tui`: opening the target, the main loop, the keys and
 * the mouse (a click selects a row or what a strip cell shows; the wheel
 * scrolls).
 *
 * The target is read before curses starts, so a target that cannot be read
 * gets the ordinary one-line message and exit code.  A re-read (r) while the
 * screen is up takes the new model whole or keeps the old one: a process
 * that has exited leaves its last state browsable under a banner.
 */
#include <locale.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "tui/tui_int.h"

void tui_message(struct tui *t, bool err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(t->msg, sizeof(t->msg), fmt, ap);
	va_end(ap);
	t->msg_err = err;
}

static int tui_open(struct tui *t, struct source *s)
{
	struct source_opts so = { .smaps = !t->o.no_smaps };

	return source_open(s, t->o.target, &so);
}

int tui_attach(struct tui *t)
{
	int err;

	view_totals_compute(&t->all, &t->src.model, NULL);
	t->st.smaps = t->src.has_smaps;
	show_style_fit(&t->st, &t->src.model);
	err = view_set_model(&t->vw, &t->src.model);
	t->strip_seq = UINT64_MAX;	/* lay the strip out again */
	return err;
}

/* ---- zoom ------------------------------------------------------------------- */

/* The range between the collapsed gaps around the selection (the whole: lo == hi). */
static struct tui_zoom tui_cluster(const struct tui *t, uint64_t at)
{
	const struct view_strip *s = &t->strip;
	struct tui_zoom z = { 0, 0 };
	size_t i, a, b;

	for (i = 0; i < s->n && s->p[i].end <= at; i++)
		;
	if (i == s->n || !s->ncollapsed)
		return z;
	for (a = i; a > 0 && !s->p[a - 1].collapsed; a--)
		;
	for (b = i; b + 1 < s->n && !s->p[b + 1].collapsed; b++)
		;
	z.lo = s->p[a].start;
	z.hi = s->p[b].end;
	return z;
}

static void tui_zoom_in(struct tui *t)
{
	struct view_row r;
	struct tui_zoom z = t->zoom;
	uint64_t page = t->src.model.p.page_size ? t->src.model.p.page_size : 4096;
	uint64_t mid, span, least = page * (uint64_t)(COLS > 8 ? COLS : 8);

	if (!t->vw.n || t->nzoom == TUI_ZOOM_MAX)
		return;
	view_item_row(&t->vw, t->vw.sel, &r);
	mid = r.start + (r.end - r.start) / 2;
	if (z.lo == z.hi)
		z = tui_cluster(t, mid);
	if (z.lo == z.hi || (z.lo == t->zoom.lo && z.hi == t->zoom.hi)) {
		z.lo = t->strip.lo;
		z.hi = t->strip.hi;
		span = (z.hi - z.lo) / 4;
		if (span < least)
			span = least;
		if (span >= z.hi - z.lo) {
			tui_message(t, false, "zoomed in as far as it goes: a page a cell");
			return;
		}
		z.lo = mid > span / 2 ? (mid - span / 2) & ~(page - 1) : 0;
		z.hi = z.lo + span;
	}
	t->zstack[t->nzoom++] = t->zoom;
	t->zoom = z;
	t->strip_seq = UINT64_MAX;
}

static void tui_zoom_out(struct tui *t)
{
	if (!t->nzoom) {
		tui_message(t, false, "the strip shows the whole address space");
		return;
	}
	t->zoom = t->zstack[--t->nzoom];
	t->strip_seq = UINT64_MAX;
}

/* ---- the mouse ------------------------------------------------------------------ */

/* Button 1 and the wheel; presses reported at once (no wait to tell a click). */
void tui_mouse_init(const struct tui_opts *o)
{
	mmask_t want = BUTTON1_PRESSED | BUTTON1_CLICKED | BUTTON4_PRESSED;

#ifdef BUTTON5_PRESSED
	want |= BUTTON5_PRESSED;
#endif
	if (o->no_mouse)
		return;
	mousemask(want, NULL);
	mouseinterval(0);
}

/* The wheel: -1 up, 1 down, 0 neither. */
static int mouse_wheel(mmask_t b)
{
	if (b & BUTTON4_PRESSED)
		return -1;
#ifdef BUTTON5_PRESSED
	if (b & BUTTON5_PRESSED)
		return 1;
#endif
	return 0;
}

/* A click on cell x of strip row y: select the VMA (or gap) the cell shows most of. */
static void mouse_strip(struct tui *t, int y, int x)
{
	int w = COLS - 2 > 8 ? COLS - 2 : 8;
	size_t i = (size_t)(y - t->strip_y) * (size_t)w + (size_t)(x - 1);
	const struct view_strip_cell *c;
	uint64_t addr;

	if (x < 1 || x > w || !t->cells || i >= (size_t)t->strip_cols || !t->cells[i].main)
		return;
	c = &t->cells[i];
	addr = c->main->start > c->start ? c->main->start : c->start;
	if (view_select_addr(&t->vw, addr) && !c->main->v && !t->vw.gaps)
		tui_message(t, false, "%llx is in a gap (a shows the gap rows): the VMA above it",
			    (unsigned long long)addr);
	t->focus = TUI_FOCUS_LIST;
	t->detail_top = 0;
}

void tui_mouse(struct tui *t)
{
	MEVENT ev;
	int wheel;

	if (getmouse(&ev) != OK)
		return;
	wheel = mouse_wheel(ev.bstate);
	if (wheel && ev.y >= t->detail_y)
		t->detail_top = t->detail_top + 3 * wheel > 0 ? t->detail_top + 3 * wheel : 0;
	else if (wheel)
		view_move(&t->vw, 3 * wheel);
	if (wheel || !(ev.bstate & (BUTTON1_PRESSED | BUTTON1_CLICKED)))
		return;
	if (ev.y >= t->strip_y && ev.y < t->strip_y + t->strip_h) {
		mouse_strip(t, ev.y, ev.x);
	} else if (ev.y >= t->list_y && ev.y < t->list_y + t->list_rows) {
		size_t first;

		if ((size_t)(ev.y - t->list_y) < view_window(&t->vw, &first)) {
			view_select(&t->vw, first + (size_t)(ev.y - t->list_y));
			t->detail_top = 0;
		}
		t->focus = TUI_FOCUS_LIST;
	} else if (ev.y >= t->detail_y && ev.y < LINES - 1) {
		t->focus = TUI_FOCUS_DETAIL;
	}
}

/* ---- keys ------------------------------------------------------------------- */

static void tui_sort_next(struct tui *t)
{
	static const enum view_sort order[] = {
		VIEW_SORT_ADDR, VIEW_SORT_SIZE, VIEW_SORT_RSS, VIEW_SORT_PSS, VIEW_SORT_SWAP,
	};
	size_t i, n = sizeof(order) / sizeof(order[0]);

	for (i = 0; i < n && order[i] != t->vw.sort; i++)
		;
	i = (i + 1) % n;
	view_set_sort(&t->vw, order[i], order[i] != VIEW_SORT_ADDR);
	tui_message(t, false, "sorted by %s%s", view_sort_name(order[i]),
		    order[i] != VIEW_SORT_ADDR ? ", largest first" : "");
}

static void tui_toggle_gaps(struct tui *t)
{
	t->vw.gaps = !t->vw.gaps;
	if (view_refresh(&t->vw) < 0)
		tui_message(t, true, "out of memory");
	else
		tui_message(t, false, "gap rows %s", t->vw.gaps ? "shown" : "hidden");
}

static void tui_key_detail(struct tui *t, int ch)
{
	int page = t->detail_rows > 1 ? t->detail_rows - 1 : 1;

	switch (ch) {
	case KEY_UP: case 'k': t->detail_top--; break;
	case KEY_DOWN: case 'j': t->detail_top++; break;
	case KEY_PPAGE: t->detail_top -= page; break;
	case KEY_NPAGE: case ' ': t->detail_top += page; break;
	case KEY_HOME: t->detail_top = 0; break;
	case KEY_END: t->detail_top = 1 << 20; break;	/* clamped when drawn */
	}
	if (t->detail_top < 0)
		t->detail_top = 0;
}

static void tui_key_list(struct tui *t, int ch)
{
	long page = t->list_rows > 1 ? t->list_rows - 1 : 1;
	size_t before = t->vw.sel;

	switch (ch) {
	case KEY_UP: case 'k': view_move(&t->vw, -1); break;
	case KEY_DOWN: case 'j': view_move(&t->vw, 1); break;
	case KEY_PPAGE: view_move(&t->vw, -page); break;
	case KEY_NPAGE: case ' ': view_move(&t->vw, page); break;
	case KEY_HOME: view_select(&t->vw, 0); break;
	case KEY_END: view_select(&t->vw, t->vw.n ? t->vw.n - 1 : 0); break;
	case KEY_LEFT: case 'h': t->hscroll = t->hscroll > 8 ? t->hscroll - 8 : 0; break;
	case KEY_RIGHT: case 'l': t->hscroll += 8; break;
	}
	if (t->vw.sel != before)
		t->detail_top = 0;
}

static void tui_key(struct tui *t, int ch)
{
	MEVENT ev;

	t->msg[0] = 0;
	if (t->help && ch == KEY_MOUSE) {	/* the wheel scrolls it, a click closes it */
		if (getmouse(&ev) == OK && mouse_wheel(ev.bstate))
			t->help_top += mouse_wheel(ev.bstate) * 3;
		else
			t->help = false;
		t->help_top = t->help_top < 0 ? 0 : t->help_top;
		return;
	}
	if (t->help) {	/* scroll it, or any other key closes it; q also quits */
		if (ch == KEY_DOWN || ch == 'j' || ch == KEY_NPAGE || ch == ' ') {
			t->help_top += ch == KEY_DOWN || ch == 'j' ? 1 : LINES - 2;
			return;
		}
		if (ch == KEY_UP || ch == 'k' || ch == KEY_PPAGE) {
			t->help_top -= ch == KEY_PPAGE ? LINES - 2 : 1;
			t->help_top = t->help_top < 0 ? 0 : t->help_top;
			return;
		}
		t->help = false;
		t->quit = ch == 'q';
		return;
	}
	switch (ch) {
	case 'q': t->quit = true; return;
	case '?': t->help = true; t->help_top = 0; return;
	case '\t': t->focus = t->focus == TUI_FOCUS_LIST ? TUI_FOCUS_DETAIL : TUI_FOCUS_LIST; return;
	case '/': tui_search(t, true, 1); return;
	case 'n': tui_search(t, false, 1); return;
	case 'N': tui_search(t, false, -1); return;
	case 'g': tui_goto(t); return;
	case 'f': tui_filter(t); return;
	case 's': tui_sort_next(t); return;
	case 'a': tui_toggle_gaps(t); return;
	case 'z': tui_zoom_in(t); return;
	case 'Z': tui_zoom_out(t); return;
	case 'r': tui_reload(t); return;
	case 'w': tui_watch_toggle(t); return;
	case 'S': tui_save(t); return;
	case 'd': tui_diff(t); return;
	case ':': tui_whatif(t); return;
	case 'p': tui_whatif_menu(t); return;
	case 'W': tui_whatif_save(t); return;
	case 'u': tui_undo(t, false); return;
	case 'U': tui_undo(t, true); return;
	case KEY_RESIZE: t->strip_seq = UINT64_MAX; return;
	case KEY_MOUSE: tui_mouse(t); return;
	}
	if (t->focus == TUI_FOCUS_DETAIL)
		tui_key_detail(t, ch);
	else
		tui_key_list(t, ch);
}

/* ---- lifecycle ----------------------------------------------------------------- */

static void tui_release(struct tui *t)
{
	if (t->have_base)
		vma_model_release(&t->base);
	tui_lines_release(&t->diff);
	tui_whatif_release(t);
	tui_lines_release(&t->preview);
	tui_lines_release(&t->log);
	free(t->changed);
	view_strip_release(&t->strip);
	free(t->cells);
	view_release(&t->vw);
	source_release(&t->src);
}

/* ---- timing (VMATOOL_TUI_TIMES) ---------------------------------------------------- */

static uint64_t now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
}

/*
 * With VMATOOL_TUI_TIMES=FILE, one line a frame is appended to FILE: "start
 * US" for the first screen (from the start of tui_run), then "KEY US" for
 * the time from a key's arrival to its screen being handed to the terminal.
 * What `make bench` reads (bench/tui-bench.sh); nothing else writes there.
 */
static void tui_time(struct tui *t, int key, uint64_t since)
{
	if (!t->times)
		return;
	if (key < 0)
		fprintf(t->times, "start %llu\n", (unsigned long long)(now_us() - since));
	else
		fprintf(t->times, "%s %llu\n", keyname(key) ? keyname(key) : "?",
			(unsigned long long)(now_us() - since));
	fflush(t->times);
}

static int tui_loop(struct tui *t)
{
	int key = -1;
	uint64_t since = t->started;

	initscr();
	cbreak();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	set_escdelay(25);
	curs_set(0);
	tui_mouse_init(&t->o);
	tui_colors_init(t);
	while (!t->quit) {
		int ch;

		tui_draw(t);
		tui_time(t, key, since);
		timeout(t->watching ? (int)(t->o.interval_ns / 1000000) : -1);
		ch = getch();
		since = now_us();
		key = ch == ERR ? KEY_CODE_YES : ch;	/* a watch round */
		if (ch == ERR && t->watching)
			tui_watch_tick(t);
		else if (ch != ERR)
			tui_key(t, ch);
	}
	endwin();
	return EXIT_FINE;
}

int tui_run(const struct tui_opts *o)
{
	struct tui *t = calloc(1, sizeof(*t));
	int rc;

	if (!t)
		return cli_error(EXIT_TARGET, "out of memory");
	t->o = *o;
	t->started = now_us();
	setlocale(LC_ALL, "");
	rc = tui_open(t, &t->src);
	if (rc != EXIT_FINE) {
		source_release(&t->src);
		free(t);
		return rc;
	}
	if (!isatty(0) || !isatty(1)) {
		source_release(&t->src);
		free(t);
		return cli_error(EXIT_BADINPUT, "needs a terminal on standard input and output");
	}
	t->live = t->src.kind == SOURCE_LIVE;
	t->color = color_enabled(o->color, 1);
	view_init(&t->vw, &t->src.model);
	view_strip_init(&t->strip);
	if (tui_attach(t) < 0) {
		tui_release(t);
		free(t);
		return cli_error(EXIT_TARGET, "out of memory");
	}
	if (getenv("VMATOOL_TUI_TIMES") && *getenv("VMATOOL_TUI_TIMES"))
		t->times = fopen(getenv("VMATOOL_TUI_TIMES"), "ae");
	rc = tui_loop(t);
	if (t->times)
		fclose(t->times);
	tui_release(t);
	free(t);
	return rc;
}
