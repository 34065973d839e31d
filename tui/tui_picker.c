/*
 * tui_picker.c - `vmatool tui` without a target: pick a process.  One row a
 * process (PID, user, VMAs and their share of vm.max_map_count, RSS, PSS,
 * command), the processes nearest the limit on top; typing filters by
 * command, user or PID, Tab changes the sort, Enter opens the process; a
 * click selects a row and a click on the selected row opens it.
 *
 * The rows are the view layer's process list (view/view.h, struct
 * view_procs), read by the scan of `vmatool ps` (cli/ps-scan.c) and sorted
 * by the view; the picker keeps only the rows that match what is typed.
 * Processes whose maps cannot be read (another user's, kernel threads) are
 * not listed.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/ps.h"
#include "tui/tui_int.h"

struct picker {
	struct ps_scan ps;	/* owned: the view's process list */
	const struct view_proc **shown;	/* the rows that match the filter, in the view's order */
	size_t nshown, sel, top;
	int sort;		/* index in pick_sorts */
	char filter[64];
};

static const enum view_proc_sort pick_sorts[] = {
	VIEW_PROC_SORT_VMAS, VIEW_PROC_SORT_RSS, VIEW_PROC_SORT_PSS, VIEW_PROC_SORT_PID,
};
#define PICK_NSORTS (sizeof(pick_sorts) / sizeof(pick_sorts[0]))

/* A part of the command or the user, or the whole PID. */
static bool pick_match(const struct view_proc *r, const char *f)
{
	char pid[16];

	if (!*f)
		return true;
	snprintf(pid, sizeof(pid), "%d", r->pid);
	return !strcmp(pid, f) || strstr(r->comm, f) || (r->user && strstr(r->user, f));
}

/* Sort by the view, then keep the rows that match the filter. */
static void pick_refresh(struct picker *pk)
{
	struct view_procs *vp = &pk->ps.procs;

	vp->sort = pick_sorts[pk->sort];
	if (view_procs_refresh(vp) < 0)
		vp->n = 0;
	pk->nshown = 0;
	for (size_t i = 0; i < vp->n; i++) {
		const struct view_proc *r = view_procs_row(vp, i);

		if (r->vmas && pick_match(r, pk->filter))
			pk->shown[pk->nshown++] = r;
	}
	if (pk->sel >= pk->nshown)
		pk->sel = pk->nshown ? pk->nshown - 1 : 0;
}

static void pick_draw(struct picker *pk)
{
	int h = LINES - 3 > 1 ? LINES - 3 : 1;
	char a[32], b[32];

	if (pk->sel < pk->top)
		pk->top = pk->sel;
	if (pk->sel >= pk->top + (size_t)h)
		pk->top = pk->sel - (size_t)h + 1;
	erase();
	attron(A_BOLD);
	mvprintw(0, 0, "vmatool tui: pick a process (%zu of %zu, vm.max_map_count %llu, sort %s)",
		 pk->nshown, pk->ps.procs.nall, (unsigned long long)pk->ps.procs.limit,
		 view_proc_sort_name(pick_sorts[pk->sort]));
	mvprintw(1, 0, "%7s %-12s %7s %6s %7s %7s  %s", "PID", "USER", "VMAS", "%MAX", "RSS", "PSS",
		 "COMMAND");
	attroff(A_BOLD);
	for (int i = 0; i < h && pk->top + (size_t)i < pk->nshown; i++) {
		const struct view_proc *r = pk->shown[pk->top + (size_t)i];
		bool sel = pk->top + (size_t)i == pk->sel;
		char cmd[4 * VIEW_PROC_COMM_MAX + 1];

		escape_into(r->comm, strnlen(r->comm, VIEW_PROC_COMM_MAX - 1), cmd);
		if (sel)
			attron(A_REVERSE);
		mvprintw(2 + i, 0, "%7d %-12.12s %7llu %5.1f%% %7s %7s  %s", r->pid,
			 r->user ? r->user : "?", (unsigned long long)r->vmas,
			 100.0 * view_proc_share(r, pk->ps.procs.limit),
			 r->has_usage ? fmt_size(r->rss, false, a) : "-",
			 r->has_usage ? fmt_size(r->pss, false, b) : "-", cmd);
		if (sel)
			attroff(A_REVERSE);
	}
	mvprintw(LINES - 1, 0, "filter: %s_   (type to filter, Tab sorts, Enter or click opens, Esc quits)",
		 pk->filter);
	refresh();
}

/* A click selects a row, a click on the selected row opens it; the wheel moves. */
static int pick_mouse(struct picker *pk)
{
	MEVENT ev;
	size_t at;

	if (getmouse(&ev) != OK)
		return 0;
	if (ev.bstate & BUTTON4_PRESSED) {
		pk->sel = pk->sel > 3 ? pk->sel - 3 : 0;
		return 0;
	}
	if (!(ev.bstate & (BUTTON1_PRESSED | BUTTON1_CLICKED))) {	/* the wheel down */
		pk->sel = pk->sel + 3 < pk->nshown ? pk->sel + 3 : pk->nshown ? pk->nshown - 1 : 0;
		return 0;
	}
	at = pk->top + (size_t)(ev.y - 2);
	if (ev.y < 2 || ev.y >= LINES - 1 || at >= pk->nshown)
		return 0;
	if (at == pk->sel)
		return 1;
	pk->sel = at;
	return 0;
}

/* One key; returns 1 to open the selection, -1 to quit, 0 to go on. */
static int pick_key(struct picker *pk, int ch)
{
	size_t len = strlen(pk->filter);

	switch (ch) {
	case '\r': case '\n': case KEY_ENTER: return pk->nshown ? 1 : 0;
	case KEY_MOUSE: return pick_mouse(pk);
	case 27: if (!len) return -1; pk->filter[0] = 0; break;
	case '\t': pk->sort = (pk->sort + 1) % (int)PICK_NSORTS; break;
	case KEY_UP: if (pk->sel) pk->sel--; return 0;
	case KEY_DOWN: if (pk->sel + 1 < pk->nshown) pk->sel++; return 0;
	case KEY_PPAGE: pk->sel = pk->sel > (size_t)LINES ? pk->sel - (size_t)LINES : 0; return 0;
	case KEY_NPAGE: pk->sel += (size_t)LINES; break;
	case KEY_HOME: pk->sel = 0; return 0;
	case KEY_END: pk->sel = pk->nshown ? pk->nshown - 1 : 0; return 0;
	case KEY_BACKSPACE: case 127: case 8: if (len) pk->filter[len - 1] = 0; break;
	default:
		if (ch > 0x20 && ch < 0x7f && len + 1 < sizeof(pk->filter)) {
			pk->filter[len] = (char)ch;
			pk->filter[len + 1] = 0;
			pk->sel = 0;
		}
		break;
	}
	pick_refresh(pk);
	return 0;
}

int tui_pick(pid_t *pid, const struct tui_opts *o)
{
	struct picker pk = { .sort = 0 };
	int rc;

	*pid = 0;
	if (!isatty(0) || !isatty(1))
		return cli_error(EXIT_BADINPUT, "needs a terminal on standard input and output");
	rc = ps_scan_run(&pk.ps, true);
	if (rc != EXIT_FINE) {
		ps_scan_release(&pk.ps);
		return rc;
	}
	pk.shown = calloc(pk.ps.procs.nall + 1, sizeof(*pk.shown));
	if (!pk.shown) {
		ps_scan_release(&pk.ps);
		return cli_error(EXIT_TARGET, "out of memory");
	}
	pick_refresh(&pk);
	initscr();
	cbreak();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	set_escdelay(25);
	curs_set(0);
	tui_mouse_init(o);
	rc = 0;
	while (!rc) {
		pick_draw(&pk);
		rc = pick_key(&pk, getch());
	}
	endwin();
	if (rc > 0)
		*pid = pk.shown[pk.sel]->pid;
	free(pk.shown);
	ps_scan_release(&pk.ps);
	return EXIT_FINE;
}
