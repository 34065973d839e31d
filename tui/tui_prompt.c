/*
 * tui_prompt.c - the keys of `vmatool tui` that ask for a line of text:
 * / (search by name, then n and N), g (go to an address or NAME+OFFSET: a
 * VMA, or the gap it falls in with the distances to both neighbours) and f
 * (filter by kind, perms or name); and the help screen's list of keys.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tui/tui_int.h"

const char *const tui_help_lines[] = {
	"  Up Down j k        move the selection (in the detail pane: scroll it)",
	"  PgUp PgDn Space    a page up or down",
	"  Home End           the first or the last row",
	"  Left Right h l     scroll the list's columns sideways",
	"  Tab                switch between the list and the detail pane",
	"  /                  search by name (a part of it); n next, N previous",
	"  g                  go to an address (hex or decimal) or NAME+OFFSET",
	"  f                  filter: kinds (heap text ...), perms (rw, r-x), a name",
	"  s                  sort by address, size, RSS, PSS, swap in turn",
	"  a                  show or hide the gap rows",
	"  z Z                zoom the strip in around the selection, or out",
	"  r                  read the process again",
	"  w                  watch: read it every interval, changed rows highlighted,",
	"                     the changes logged in place of the details; w stops",
	"  S                  save a snapshot (the JSON of vmatool snapshot)",
	"  d                  diff: the changes since a snapshot file, or since w",
	"                     began, in place of the details, rows highlighted",
	"  :                  what-if: a call in the sim language, as",
	"                     mprotect([heap]+0x1000, 4096, PROT_READ): the preview",
	"                     shows its result, VMA count and effects; Enter applies",
	"  p                  what-if: a call for the selected VMA from a menu",
	"  u U                undo or redo the last what-if call",
	"  W                  write the what-if calls as a sim script",
	"  mouse              a click selects a row of the list, or what a cell of the",
	"                     strip shows; a click on the detail pane moves there; the",
	"                     wheel scrolls (vmatool tui --no-mouse leaves the mouse",
	"                     to the terminal)",
	"  ?                  this help",
	"  q                  quit",
	"",
	"  The strip: a letter a cell, the kind filling most of it:",
	"    t text  d data  b bss  H heap  S stack  f file  a anon  m shm",
	"    v special  D deleted  # guard (PROT_NONE, guard pages)  . gap",
	"    ~ huge gap with its size written in; the selection in reverse.",
	NULL,
};

bool tui_prompt(struct tui *t, const char *label, char *buf, size_t cap)
{
	return tui_prompt_init(t, label, "", buf, cap);
}

bool tui_prompt_init(struct tui *t, const char *label, const char *init, char *buf, size_t cap)
{
	size_t n;

	snprintf(buf, cap, "%s", init);
	n = strlen(buf);
	curs_set(1);
	for (;;) {
		int ch;

		attrset(A_NORMAL);
		mvhline(LINES - 1, 0, ' ', COLS);
		mvaddnstr(LINES - 1, 0, label, COLS);
		addnstr(buf, COLS - (int)strlen(label) > 0 ? COLS - (int)strlen(label) : 0);
		refresh();
		ch = getch();
		if (ch == '\r' || ch == '\n' || ch == KEY_ENTER)
			break;
		if (ch == 27 || ch == 7) {	/* Escape, ^G */
			curs_set(0);
			return false;
		}
		if ((ch == KEY_BACKSPACE || ch == 127 || ch == 8) && n)
			buf[--n] = 0;
		else if (ch == 21)	/* ^U */
			buf[n = 0] = 0;
		else if (ch >= 0x20 && ch < 0x100 && ch != 127 && n + 1 < cap) {
			buf[n++] = (char)ch;
			buf[n] = 0;
		}
	}
	curs_set(0);
	(void)t;
	return true;
}

/* ---- search ------------------------------------------------------------------- */

static bool row_has(const struct view_row *r, const char *s)
{
	return r->v && r->name_len && memmem(r->name, r->name_len, s, strlen(s));
}

void tui_search(struct tui *t, bool ask, int dir)
{
	char buf[TUI_TEXT_MAX], *esc;
	struct view_row r;

	if (ask) {
		if (!tui_prompt(t, "search name: ", buf, sizeof(buf)) || !buf[0])
			return;
		snprintf(t->search, sizeof(t->search), "%s", buf);
	}
	if (!t->search[0]) {
		tui_message(t, false, "nothing searched yet: / searches");
		return;
	}
	for (size_t k = 1; k <= t->vw.n; k++) {
		size_t i = (t->vw.sel + (dir > 0 ? k : t->vw.n - k)) % t->vw.n;

		view_item_row(&t->vw, i, &r);
		if (row_has(&r, t->search)) {
			view_select(&t->vw, i);
			t->detail_top = 0;
			esc = str_escaped(t->search, strlen(t->search));
			tui_message(t, false, "/%s (n next, N previous)", esc ? esc : "?");
			free(esc);
			return;
		}
	}
	esc = str_escaped(t->search, strlen(t->search));
	tui_message(t, true, "no VMA name contains '%s'", esc ? esc : "?");
	free(esc);
}

/* ---- go to --------------------------------------------------------------------- */

/* An address, or NAME+OFFSET / NAME-OFFSET (the last sign followed by a number). */
static bool parse_goto(struct tui *t, const char *s, uint64_t *addr)
{
	const char *op = NULL;
	uint64_t off = 0;
	const struct vma *v;
	char name[TUI_TEXT_MAX];

	if (parse_u64(s, addr) == 0)
		return true;
	for (const char *p = s + 1; *p; p++)
		if ((*p == '+' || *p == '-') && parse_u64(p + 1, &off) == 0)
			op = p;
	if (op)
		parse_u64(op + 1, &off);
	snprintf(name, sizeof(name), "%.*s", (int)(op ? op - s : (long)strlen(s)), s);
	v = view_find_named(&t->src.model, name);
	if (!v) {
		char *esc = str_escaped(name, strlen(name));

		tui_message(t, true, "no VMA named '%s', and no address", esc ? esc : "?");
		free(esc);
		return false;
	}
	*addr = op && *op == '-' ? v->start - off : v->start + off;
	return true;
}

void tui_goto(struct tui *t)
{
	char buf[TUI_TEXT_MAX], a[32], b[32], c[32];
	struct view_where w;
	uint64_t addr;

	if (!tui_prompt(t, "go to (address or NAME+OFFSET): ", buf, sizeof(buf)) || !buf[0])
		return;
	if (!parse_goto(t, buf, &addr))
		return;
	view_where(&t->src.model, addr, &w);
	if (!w.vma && !t->vw.gaps && (w.prev || w.next)) {
		t->vw.gaps = true;	/* the gap gets a row to select */
		view_refresh(&t->vw);
	}
	if (!view_select_addr(&t->vw, addr)) {
		tui_message(t, true, "%llx: above every VMA the list shows", (unsigned long long)addr);
		return;
	}
	t->detail_top = 0;
	if (w.vma)
		tui_message(t, false, "%llx: in %llx-%llx at offset 0x%llx", (unsigned long long)addr,
			    (unsigned long long)w.vma->start, (unsigned long long)w.vma->end,
			    (unsigned long long)w.offset);
	else
		tui_message(t, false, "%llx: in a gap of %s, %s above the VMA below, %s below the one above",
			    (unsigned long long)addr, fmt_size(w.prev && w.next ? w.gap_end - w.gap_start : 0, false, a),
			    w.prev ? fmt_size(w.after_prev, false, b) : "-",
			    w.next ? fmt_size(w.before_next, false, c) : "-");
}

/* ---- filter -------------------------------------------------------------------- */

/* "rw", "x", "r-x", "rw-p": perms into f; false (f unchanged) if the word is not one. */
static bool parse_perms(const char *s, struct view_filter *f)
{
	static const char pos[] = "rwx";
	static const unsigned bit[] = { VIEW_PERM_R, VIEW_PERM_W, VIEW_PERM_X };
	unsigned set = 0, clear = 0;
	size_t n = strlen(s);

	if (!n || strspn(s, "rwxsp-") != n)
		return false;
	if (!strchr(s, '-')) {	/* letters that must all be set */
		for (size_t i = 0; i < n; i++)
			set |= s[i] == 'r' ? VIEW_PERM_R : s[i] == 'w' ? VIEW_PERM_W :
			       s[i] == 'x' ? VIEW_PERM_X : s[i] == 's' ? VIEW_PERM_S : VIEW_PERM_P;
	} else {		/* positional: "r-x", "rw-p" */
		if (n != 3 && n != 4)
			return false;
		for (size_t i = 0; i < 3; i++) {
			if (s[i] == pos[i])
				set |= bit[i];
			else if (s[i] == '-')
				clear |= bit[i];
			else
				return false;
		}
		if (n == 4 && s[3] != '-' && s[3] != 's' && s[3] != 'p')
			return false;
		if (n == 4 && s[3] != '-')
			set |= s[3] == 's' ? VIEW_PERM_S : VIEW_PERM_P;
	}
	f->perms |= set;
	f->perms_absent |= clear;
	return true;
}

/* Words of text into f: kind names, perms, else one name pattern (into glob). */
static bool parse_filter(char *text, struct view_filter *f, char *glob, size_t cap)
{
	char *save = NULL, *w;

	view_filter_init(f);
	glob[0] = 0;
	for (w = strtok_r(text, " \t", &save); w; w = strtok_r(NULL, " \t", &save)) {
		int k = vma_kind_parse(w);

		if (k >= 0)
			f->kinds |= 1u << k;
		else if (parse_perms(w, f))
			continue;
		else if (!glob[0])
			snprintf(glob, cap, strpbrk(w, "*?[") ? "%s" : "*%s*", w);
		else
			return false;
	}
	return true;
}

void tui_filter(struct tui *t)
{
	char buf[TUI_TEXT_MAX], copy[TUI_TEXT_MAX], glob[TUI_TEXT_MAX], *esc;
	struct view_filter f;

	if (!tui_prompt(t, "filter (kinds, perms, name; empty: none): ", buf, sizeof(buf)))
		return;
	snprintf(copy, sizeof(copy), "%s", buf);
	if (!parse_filter(copy, &f, glob, sizeof(glob))) {
		esc = str_escaped(buf, strlen(buf));
		tui_message(t, true, "one name pattern at most: '%s'", esc ? esc : "?");
		free(esc);
		return;
	}
	memcpy(t->filter_glob, glob, sizeof(glob));
	f.path_glob = t->filter_glob[0] ? t->filter_glob : NULL;
	t->vw.filter = f;
	if (view_refresh(&t->vw) < 0) {
		tui_message(t, true, "out of memory");
		return;
	}
	esc = str_escaped(buf, strlen(buf));	/* shown in the header */
	snprintf(t->filter_text, sizeof(t->filter_text), "%s", esc ? esc : "?");
	free(esc);
	t->detail_top = 0;
	tui_message(t, false, "%llu VMAs pass the filter", (unsigned long long)t->vw.totals.count);
}
