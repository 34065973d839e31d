/*
 * tui_int.h - what the files of tui/ share: the state of the screen and the
 * drawing, detail and prompt functions.  The only header that includes
 * curses (as htop's ProvideCurses.h).
 *
 * The TUI computes nothing of its own: rows, totals, the sorted and filtered
 * list with its selection and window, where an address falls and the strip
 * layout all come from the view layer (view/view.h, view/view_strip.h); the
 * list's columns are show's (cli/show.h).  Ownership: struct tui owns its
 * source (the model), the view and the strip; everything drawn is borrowed
 * from them for one frame.
 */
#ifndef VMATOOL_TUI_INT_H
#define VMATOOL_TUI_INT_H

#include <curses.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "cli/cli.h"
#include "cli/show.h"
#include "tui/tui.h"
#include "view/view.h"
#include "view/view_strip.h"

enum tui_focus { TUI_FOCUS_LIST, TUI_FOCUS_DETAIL };

#define TUI_ZOOM_MAX 48
#define TUI_TEXT_MAX 256

struct tui_zoom {
	uint64_t lo, hi;	/* lo == hi: the whole address space */
};

struct tui_lines {
	char **line;
	size_t n, cap;
};

#define TUI_UNDO_MAX 32

/* Copies of the model for undo or redo, oldest first (owned). */
struct tui_models {
	struct vma_model m[TUI_UNDO_MAX];
	size_t n;
};

struct tui {
	struct tui_opts o;
	struct source src;	/* owned: the model drawn */
	bool live;		/* a running process (r re-reads it) */
	bool exited;		/* the process has gone: the last state stays */
	struct view vw;		/* owned: the list */
	struct view_totals all;	/* the whole model, for the header */
	struct view_strip strip;	/* owned: the strip's layout */
	struct view_strip_cell *cells;	/* owned: the layout cut into strip_cols cells */
	uint64_t strip_seq;	/* what the layout was made for: model seq, */
	int strip_cols;		/* width, */
	struct tui_zoom zoom;	/* and range */
	struct tui_zoom zstack[TUI_ZOOM_MAX];
	int nzoom;
	struct show_style st;	/* the list's columns */
	bool color;		/* colour pairs in use */
	enum tui_focus focus;
	int hscroll;		/* list columns scrolled left */
	int detail_top;		/* first line of the detail pane shown */
	int detail_rows;	/* height of the detail pane in the last frame */
	int list_rows;		/* height of the list in the last frame */
	int strip_y, strip_h;	/* where the last frame put the strip (rows), */
	int list_y, detail_y;	/* the list's first row and the detail pane's title row */
	bool help;		/* the help screen is up */
	int help_top;		/* its first line shown */
	bool watching;		/* w: re-read every o.interval_ns */
	uint64_t *changed;	/* starts of the VMAs the last changes left, sorted */
	size_t nchanged;
	struct tui_lines log;	/* the changes seen while watching, oldest first */
	struct vma_model base;	/* the model when watching began (d compares), if have_base */
	bool have_base;
	bool showing_diff;	/* the detail pane shows the diff */
	struct tui_lines diff;	/* d: the changes since a snapshot or since w began */
	struct tui_models undo, redo;	/* what-if: the models before each call */
	int ncalls;		/* what-if calls applied to the model drawn */
	struct tui_lines calls;	/* their text; past ncalls: the ones undone, for redo */
	bool machine_set;	/* the model follows the running kernel's settings */
	bool previewing;	/* the detail pane shows the preview */
	struct tui_lines preview;	/* what the call typed would do */
	bool quit;
	uint64_t started;	/* microseconds, when tui_run began */
	FILE *times;		/* VMATOOL_TUI_TIMES: the time of each frame, or NULL */
	char msg[TUI_TEXT_MAX];	/* the status line's message */
	bool msg_err;
	char search[TUI_TEXT_MAX];	/* last / text */
	char filter_text[TUI_TEXT_MAX];	/* last f text, as typed */
	char filter_glob[TUI_TEXT_MAX];	/* the name pattern of it */
};

/* tui.c */
void tui_message(struct tui *t, bool err, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Point the view, the totals and the strip at t->src's model; 0 or -ENOMEM. */
int tui_attach(struct tui *t);

/* tui.c: the mouse (where the terminal reports it) */
void tui_mouse_init(const struct tui_opts *o);
/* A KEY_MOUSE on the main screen: select the row or strip cell clicked, or scroll. */
void tui_mouse(struct tui *t);

/* tui_draw.c: the whole frame */
void tui_colors_init(struct tui *t);
void tui_draw(struct tui *t);
/* The attribute of an abstract colour (a pair, or bold/dim on monochrome). */
attr_t tui_attr(const struct tui *t, enum view_color c);

/* tui_detail.c: the detail pane's lines for the selection */
void tui_lines_release(struct tui_lines *l);
/* Append a copy of len bytes of s as a line; 0 or -ENOMEM. */
int tui_lines_add(struct tui_lines *l, const char *s, size_t len);
/* Lines describing the selected item; returns 0 or -ENOMEM. */
int tui_detail_lines(const struct tui *t, struct tui_lines *l);

/* tui_watch.c: r, w and S */
void tui_reload(struct tui *t);
void tui_watch_toggle(struct tui *t);
/* One round of watching: read again, log and mark what changed. */
void tui_watch_tick(struct tui *t);
/* Whether the VMA starting at start changed in the last round with changes. */
bool tui_changed(const struct tui *t, uint64_t start);
void tui_save(struct tui *t);
/* d: the changes since a snapshot file, or since watching began, in place of the details. */
void tui_diff(struct tui *t);
/* write_file_atomic, its message (if it fails) on the status line; an exit code. */
int tui_write_file(struct tui *t, const char *path, const char *data, size_t len);

/* tui_whatif.c: :, u and U */
void tui_whatif(struct tui *t);
/* p: a menu of calls for the selected VMA, then the : prompt holding it. */
void tui_whatif_menu(struct tui *t);
/* W: the calls applied so far, as a sim script, to a file. */
void tui_whatif_save(struct tui *t);
void tui_undo(struct tui *t, bool redo);
/* Forget the what-if calls (a re-read shows the process as it is). */
void tui_whatif_release(struct tui *t);

/* tui_prompt.c: the keys that ask for a line of text */
/* Read a line on the status row; false if cancelled (Escape). */
bool tui_prompt(struct tui *t, const char *label, char *buf, size_t cap);
/* The same, the line starting as init (which the user edits). */
bool tui_prompt_init(struct tui *t, const char *label, const char *init, char *buf, size_t cap);
void tui_search(struct tui *t, bool ask, int dir);
void tui_goto(struct tui *t);
void tui_filter(struct tui *t);
/* The help screen's lines (every key), NULL-terminated. */
extern const char *const tui_help_lines[];

#endif
