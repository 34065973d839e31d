/*
 * tui_picker.c - `vmatool tui` without a target: pick a process.  One row a
 * process (PID, user, VMAs and their share of vm.max_map_count, RSS, PSS,
 * command), the processes nearest the limit on top; typing filters by
 * command, user or PID, Tab changes the sort, Enter opens the process.
 *
 * Kept small and apart on purpose: the process rows will come from the view
 * layer when `vmatool ps` puts them there; until then they are read here,
 * with libproc2 (PID, user, command, RSS, PSS from smaps_rollup) and the
 * VMA count from the lines of /proc/PID/maps.  Processes whose maps cannot
 * be read (another user's, kernel threads) are left out.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libproc2/pids.h>

#include "tui/tui_int.h"

struct pick_row {
	pid_t pid;
	char user[33];
	char cmd[4 * 16 + 1];	/* escaped comm */
	size_t vmas;
	uint64_t rss, pss;	/* bytes */
};

struct picker {
	struct pick_row *rows;
	size_t n;
	size_t *shown;		/* indexes of the rows that pass the filter, sorted */
	size_t nshown, sel, top;
	int sort;		/* 0 VMAs, 1 RSS, 2 PSS, 3 PID */
	char filter[64];
	long max;
};

static const char *const pick_sorts[] = { "VMAs", "RSS", "PSS", "PID" };

/* Lines of /proc/PID/maps: its VMAs; 0 if unreadable or empty (kernel threads). */
static size_t count_vmas(pid_t pid)
{
	char path[64], buf[65536];
	size_t n = 0;
	ssize_t r;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/maps", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	while ((r = read(fd, buf, sizeof(buf))) > 0)
		for (ssize_t i = 0; i < r; i++)
			n += buf[i] == '\n';
	close(fd);
	return r < 0 ? 0 : n;
}

enum { PI_PID, PI_USER, PI_CMD, PI_RSS, PI_PSS };
static enum pids_item pick_items[] = {
	PIDS_ID_PID, PIDS_ID_EUSER, PIDS_CMD, PIDS_VM_RSS, PIDS_SMAP_PSS,
};

static int pick_read(struct picker *pk)
{
	struct pids_info *info = NULL;
	struct pids_fetch *f;

	if (procps_pids_new(&info, pick_items, sizeof(pick_items) / sizeof(pick_items[0])) < 0)
		return -ENOMEM;
	f = procps_pids_reap(info, PIDS_FETCH_TASKS_ONLY);
	pk->rows = f ? calloc(f->counts->total + 1, sizeof(*pk->rows)) : NULL;
	for (int i = 0; pk->rows && i < f->counts->total; i++) {
		struct pids_stack *st = f->stacks[i];
		struct pick_row *r = &pk->rows[pk->n];
		const char *cmd = PIDS_VAL(PI_CMD, str, st, info);

		r->pid = PIDS_VAL(PI_PID, s_int, st, info);
		r->vmas = count_vmas(r->pid);
		if (!r->vmas)
			continue;
		snprintf(r->user, sizeof(r->user), "%s", PIDS_VAL(PI_USER, str, st, info));
		escape_into(cmd, strnlen(cmd, 16), r->cmd);
		r->rss = (uint64_t)PIDS_VAL(PI_RSS, ul_int, st, info) * 1024;
		r->pss = (uint64_t)PIDS_VAL(PI_PSS, ul_int, st, info) * 1024;
		pk->n++;
	}
	procps_pids_unref(&info);
	pk->shown = pk->rows ? calloc(pk->n + 1, sizeof(*pk->shown)) : NULL;
	return pk->shown ? 0 : -ENOMEM;
}

static int pick_cmp(const void *a, const void *b, void *arg)
{
	const struct picker *pk = arg;
	const struct pick_row *x = &pk->rows[*(const size_t *)a];
	const struct pick_row *y = &pk->rows[*(const size_t *)b];
	uint64_t kx, ky;

	switch (pk->sort) {
	case 1: kx = x->rss; ky = y->rss; break;
	case 2: kx = x->pss; ky = y->pss; break;
	case 3: return x->pid < y->pid ? -1 : x->pid > y->pid;
	default: kx = x->vmas; ky = y->vmas; break;
	}
	if (kx != ky)
		return kx > ky ? -1 : 1;	/* largest first */
	return x->pid < y->pid ? -1 : x->pid > y->pid;
}

static bool pick_match(const struct pick_row *r, const char *f)
{
	char pid[16];

	if (!*f)
		return true;
	snprintf(pid, sizeof(pid), "%d", (int)r->pid);
	return !strcmp(pid, f) || strstr(r->cmd, f) || strstr(r->user, f);
}

/* The rows that pass the filter, sorted. */
static void pick_refresh(struct picker *pk)
{
	pk->nshown = 0;
	for (size_t i = 0; i < pk->n; i++)
		if (pick_match(&pk->rows[i], pk->filter))
			pk->shown[pk->nshown++] = i;
	qsort_r(pk->shown, pk->nshown, sizeof(*pk->shown), pick_cmp, pk);
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
	mvprintw(0, 0, "vmatool tui: pick a process (%zu of %zu, vm.max_map_count %ld, sort %s)",
		 pk->nshown, pk->n, pk->max, pick_sorts[pk->sort]);
	mvprintw(1, 0, "%7s %-12s %7s %6s %7s %7s  %s", "PID", "USER", "VMAS", "%MAX", "RSS", "PSS",
		 "COMMAND");
	attroff(A_BOLD);
	for (int i = 0; i < h && pk->top + (size_t)i < pk->nshown; i++) {
		const struct pick_row *r = &pk->rows[pk->shown[pk->top + (size_t)i]];
		bool sel = pk->top + (size_t)i == pk->sel;

		if (sel)
			attron(A_REVERSE);
		mvprintw(2 + i, 0, "%7d %-12.12s %7zu %5.1f%% %7s %7s  %s", (int)r->pid, r->user,
			 r->vmas, pk->max ? 100.0 * (double)r->vmas / (double)pk->max : 0.0,
			 fmt_size(r->rss, false, a), fmt_size(r->pss, false, b), r->cmd);
		if (sel)
			attroff(A_REVERSE);
	}
	mvprintw(LINES - 1, 0, "filter: %s_   (type to filter, Tab sorts, Enter opens, Esc quits)",
		 pk->filter);
	refresh();
}

/* One key; returns 1 to open the selection, -1 to quit, 0 to go on. */
static int pick_key(struct picker *pk, int ch)
{
	size_t len = strlen(pk->filter);

	switch (ch) {
	case '\r': case '\n': case KEY_ENTER: return pk->nshown ? 1 : 0;
	case 27: if (!len) return -1; pk->filter[0] = 0; break;
	case '\t': pk->sort = (pk->sort + 1) % 4; break;
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

int tui_pick(pid_t *pid)
{
	struct picker pk = { .max = sysctl_max_map_count() };
	int rc = 0;

	*pid = 0;
	if (!isatty(0) || !isatty(1))
		return cli_error(EXIT_BADINPUT, "needs a terminal on standard input and output");
	if (pick_read(&pk) < 0) {
		free(pk.rows);
		return cli_error(EXIT_TARGET, "cannot read the list of processes");
	}
	pick_refresh(&pk);
	initscr();
	cbreak();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	set_escdelay(25);
	curs_set(0);
	while (!rc) {
		pick_draw(&pk);
		rc = pick_key(&pk, getch());
	}
	endwin();
	if (rc > 0)
		*pid = pk.rows[pk.shown[pk.sel]].pid;
	free(pk.rows);
	free(pk.shown);
	return EXIT_FINE;
}
