/*
 * view.h - the view layer: what vmatool shows of an address space, computed
 * once, for every output to draw (text and ANSI, JSON, maps text; next the
 * TUI and the map).  It plays the part of ncdu's dirlist: it filters, sorts,
 * selects and scrolls, adds up totals, walks the gaps and says where an
 * address falls, and draws nothing.
 *
 *   engine/  (the model: VMAs, names, smaps values)
 *      ^
 *   view/    (this: rows, filter, totals, gaps, kinds, list and window, where)
 *      ^
 *   cli/     (formatters: show.c text/ANSI, json.c, diff-print.c, cmd-find.c ...)
 *
 * Rules of the layer: only engine/ below it; no stdio, no curses, no JSON
 * library; functions return 0 or a negative errno.  Colours are abstract
 * (enum view_color): each formatter maps them to what it draws with.
 *
 * Ownership: a view borrows its model (and a row borrows the model's names)
 * and owns only its list of items and the room it sorts them in (kept, so
 * that a re-sort allocates nothing).  Rows and where-answers stay valid
 * until the model changes or is released; a view over a model that was
 * replaced (watch, a TUI refresh) is rebuilt with view_set_model, which
 * keeps the selection on the same address.  Nothing here caches a value
 * across models.
 *
 * Two ways to go through the VMAs:
 *  - view_iter: address order, filtered, gaps between the rows, one pass and
 *    no allocation (what `show` prints, 65,000 rows as fast as they come);
 *  - struct view: the same rows as a list, sorted, with a selection and a
 *    window of N rows that follows it (what a curses list scrolls):
 *
 *	struct view vw;
 *	struct view_row row;
 *	size_t first, n, i;
 *
 *	view_init(&vw, &src.model);
 *	vw.filter.kinds = 1u << VMA_KIND_HEAP;	(or any filter, vw.gaps, a sort)
 *	if (view_refresh(&vw) < 0) ... -ENOMEM ...
 *	view_set_height(&vw, screen_rows);
 *	n = view_window(&vw, &first);
 *	for (i = first; i < first + n; i++) {
 *		view_item_row(&vw, i, &row);	draw row; i == vw.sel is the selection
 *	}
 *	key down: view_move(&vw, 1); page down: view_move(&vw, (long)vw.height);
 *	a re-read: view_set_model(&vw, &new_model), then release the old model;
 *	the status line: vw.totals; at the end: view_release(&vw).
 */
#ifndef VMATOOL_VIEW_H
#define VMATOOL_VIEW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "engine/vma.h"

/* ---- kinds and abstract colours ------------------------------------------- */
enum view_color {
	VIEW_COLOR_NONE,	/* the terminal's default */
	VIEW_COLOR_CODE,	/* executable text */
	VIEW_COLOR_DATA,	/* data and bss */
	VIEW_COLOR_GROWS,	/* heap and stack */
	VIEW_COLOR_FILE,	/* other file mappings */
	VIEW_COLOR_SHARED,	/* shared memory */
	VIEW_COLOR_SPECIAL,	/* [vdso], [vvar] ... */
	VIEW_COLOR_DELETED,	/* mappings of deleted files */
	VIEW_COLOR_GAP,		/* unmapped gaps */
	VIEW_COLOR_HEADER,	/* column titles, summaries */
	VIEW_COLOR_ADDED,	/* diff: new */
	VIEW_COLOR_REMOVED,	/* diff: gone */
	VIEW_COLOR_CHANGED,	/* diff: changed */
	VIEW_COLOR_WARN,	/* ps: a share of vm.max_map_count worth a look */
	VIEW_COLOR_ALERT,	/* ps: a share of vm.max_map_count close to the end */
	VIEW_COLOR_COUNT
};

struct view_kind_info {
	const char *name;	/* "text": as in --kind and JSON */
	const char *what;	/* "executable file mapping": for a legend */
	enum view_color color;
};

/* The table entry of kind k (any value below VMA_KIND_COUNT). */
const struct view_kind_info *view_kind(enum vma_kind k);

/* ---- filter ---------------------------------------------------------------- */
#define VIEW_PERM_R	0x1
#define VIEW_PERM_W	0x2
#define VIEW_PERM_X	0x4
#define VIEW_PERM_S	0x8	/* shared */
#define VIEW_PERM_P	0x10	/* private */

struct view_filter {
	bool has_range;
	uint64_t lo, hi;	/* VMAs intersecting [lo, hi) */
	const char *path_glob;	/* fnmatch(3) against the name and its basename (borrowed) */
	unsigned perms;		/* VIEW_PERM_*: every bit given must be set */
	unsigned perms_absent;	/* VIEW_PERM_*: every bit given must be clear */
	unsigned kinds;		/* 1 << enum vma_kind for each kind wanted; 0: any */
};

void view_filter_init(struct view_filter *f);
bool view_filter_empty(const struct view_filter *f);
/* Whether v passes f (f NULL: every VMA does). */
bool view_filter_match(const struct view_filter *f, const struct vma_model *m,
		       const struct vma *v);
/* VIEW_PERM_* of a flag set. */
unsigned view_perm_bits(vmf_t flags);

/* ---- one row of display values --------------------------------------------- */
#define VIEW_KEY_FLAGS_MAX 64

/*
 * Everything a formatter prints of one VMA (or of one gap: v NULL), filled
 * once.  Strings are NUL-terminated; name points into the model.
 */
struct view_row {
	const struct vma *v;		/* NULL for a gap row */
	uint64_t start, end, size;
	char perms[5];			/* "rw-p"; "----" for a gap */
	uint64_t offset;		/* as /proc prints it: 0 for anonymous memory */
	uint32_t dev_major, dev_minor;
	uint64_t inode;
	const char *name;		/* as /proc prints it ('\n' as "\012"); "" if none */
	size_t name_len;
	size_t path_len;		/* file path: the name without " (deleted)", still
					   escaped; 0 if the name is no path */
	bool deleted;			/* the file was deleted */
	enum vma_kind kind;
	enum view_color color;		/* of the kind; VIEW_COLOR_GAP for a gap */
	vmf_t flags;
	bool flags_inferred;		/* VmFlags were not read: guessed from perms */
	char key_flags[VIEW_KEY_FLAGS_MAX];	/* "gd,lo": the flags worth a glance */
	size_t key_flags_len;
	bool has_usage;			/* the VMA has smaps values */
	struct vma_usage usage;		/* bytes; 0 without smaps */
};

void view_row_fill(struct view_row *r, const struct vma_model *m, const struct vma *v);
void view_row_gap(struct view_row *r, uint64_t start, uint64_t end);
/* r's file path with '\012' unescaped, into buf (r->path_len bytes); its length. */
size_t view_row_path(const struct view_row *r, char *buf);
/* "gd,lo,sl" of flags into buf (VIEW_KEY_FLAGS_MAX bytes); its length. */
size_t view_key_flags(vmf_t flags, char *buf);
/*
 * Whether want names a VMA called name (len bytes, as /proc prints it): the
 * whole name or its basename, with or without " (deleted)".
 */
bool view_name_is(const char *want, const char *name, size_t len);

/*
 * Hex digits that every user-space address of m (below m->p.task_size)
 * needs, at least 8: the width of an address column; [vsyscall] above
 * user space pushes on.
 */
unsigned view_addr_width(const struct vma_model *m);

/* ---- gaps ----------------------------------------------------------------- */
/*
 * The unmapped gap after v (up to v->next), clipped to user space (below
 * m->p.task_size) and to f's range (f may be NULL): false if there is none.
 */
bool view_gap_after(const struct vma_model *m, const struct vma *v, const struct view_filter *f,
		    uint64_t *lo, uint64_t *hi);

/* ---- totals ---------------------------------------------------------------- */
struct view_totals {
	uint64_t count;
	uint64_t size, rss, pss, dirty, swap;	/* bytes */
	uint64_t kind_count[VMA_KIND_COUNT];
	uint64_t kind_size[VMA_KIND_COUNT];
	uint64_t kind_rss[VMA_KIND_COUNT];
	uint64_t gaps, gap_bytes, largest_gap, largest_gap_start;
};

void view_totals_init(struct view_totals *t);
/* Add a row: a VMA row to the counts and sums, a gap row to the gaps. */
void view_totals_add(struct view_totals *t, const struct view_row *r);
/* The totals of the VMAs that pass f (NULL: all), and of every gap clipped to f. */
void view_totals_compute(struct view_totals *t, const struct vma_model *m,
			 const struct view_filter *f);

/* ---- address order, one pass ------------------------------------------------ */
struct view_iter {
	const struct vma_model *m;
	const struct view_filter *f;	/* NULL: every VMA */
	bool gaps;			/* a gap row after each VMA that has one */
	const struct vma *v;		/* next VMA to look at */
	const struct vma *gap_after;	/* a gap row after this VMA is due */
};

void view_iter_init(struct view_iter *it, const struct vma_model *m,
		    const struct view_filter *f, bool gaps);
/* The next row (a VMA that passes the filter, or a gap); false at the end. */
bool view_iter_next(struct view_iter *it, struct view_row *row);

/* ---- the list: sorted, selected, windowed ----------------------------------- */
enum view_sort {
	VIEW_SORT_ADDR,		/* address (the default) */
	VIEW_SORT_SIZE,
	VIEW_SORT_RSS,
	VIEW_SORT_PSS,
	VIEW_SORT_SWAP,
	VIEW_SORT_NAME,
	VIEW_SORT_KIND,
	VIEW_SORT_COUNT
};

/* One row of the list: a VMA, or a gap (v NULL). */
struct view_item {
	const struct vma *v;
	uint64_t start, end;
};

struct view {
	const struct vma_model *m;	/* borrowed */
	struct view_filter filter;	/* set, then view_refresh */
	bool gaps;			/* gap rows in the list */
	enum view_sort sort;
	bool reverse;			/* largest first (numeric) or Z-A */
	struct view_item *items;	/* owned: the rows, in address order */
	uint32_t *order;		/* owned: the list: order[i] is the item at place i */
	size_t n, cap;
	void *scratch;			/* owned: room to sort in, kept between sorts */
	size_t scratch_cap;
	size_t sel;			/* selected item (0 when empty) */
	size_t top;			/* first item of the window */
	size_t height;			/* rows in the window (0: unlimited) */
	struct view_totals totals;	/* of the items, as the filter keeps them */
};

/* Lifecycle: view_init (empty list), view_refresh builds it, view_release. */
void view_init(struct view *vw, const struct vma_model *m);
void view_release(struct view *vw);
/* Rebuild items and totals from the model after a change of filter, sort or model. */
int view_refresh(struct view *vw);
/* Point the view at a new model (a re-read) and refresh; the selection stays on its address. */
int view_set_model(struct view *vw, const struct vma_model *m);
/*
 * Change the sort and re-sort; the selection stays on the same item.  Only
 * the order of places changes (no row is filled, no item moves): a radix
 * sort of the numeric keys, a comparison sort of the names.
 */
void view_set_sort(struct view *vw, enum view_sort sort, bool reverse);
const char *view_sort_name(enum view_sort s);	/* "addr", "size", ... */
int view_sort_parse(const char *s);		/* -1 if unknown */

/* Selection and window; every move keeps the selection inside the window. */
void view_set_height(struct view *vw, size_t rows);
void view_select(struct view *vw, size_t i);		/* clamped to the list */
void view_move(struct view *vw, long delta);		/* up (<0) or down, clamped */
/* Select the item holding addr, or the first item above it; false if none. */
bool view_select_addr(struct view *vw, uint64_t addr);
/* The window: *first is its first item; returns how many items it shows. */
size_t view_window(const struct view *vw, size_t *first);
/* The item at place i (< vw->n) of the list, as sorted. */
const struct view_item *view_item(const struct view *vw, size_t i);
/* The display values of the item at place i (< vw->n). */
void view_item_row(const struct view *vw, size_t i, struct view_row *row);

/* ---- where an address falls ------------------------------------------------- */
struct view_where {
	uint64_t addr;
	const struct vma *vma;		/* the VMA holding addr, or NULL */
	uint64_t offset;		/* addr - vma->start */
	const struct vma *prev, *next;	/* not in a VMA: the neighbours below and
					   above, NULL where there is none */
	uint64_t after_prev;		/* addr - prev->end */
	uint64_t before_next;		/* next->start - addr */
	uint64_t gap_start, gap_end;	/* prev->end .. next->start when both exist */
};

/* Where addr falls in m (m is not const: lookups use its cache). */
void view_where(struct vma_model *m, uint64_t addr, struct view_where *w);
/* The first VMA named name (view_name_is), or NULL. */
const struct vma *view_find_named(const struct vma_model *m, const char *name);

/* ---- processes: the machine ranked by VMAs (ps, the TUI's picker) ------------ */
/*
 * One row per process, filled from the text of its /proc files by the two
 * scans below (the caller reads them: no I/O here).  The count is the
 * kernel's for vm.max_map_count: a VMA above user space ([vsyscall], which
 * the kernel prints but does not count) is left out of counts and gaps.
 */
#define VIEW_PROC_COMM_MAX 64	/* a comm is at most 15 bytes; room to spare */

struct view_proc {
	int pid;
	unsigned uid;
	const char *user;		/* the user's name, or NULL (borrowed from the caller) */
	char comm[VIEW_PROC_COMM_MAX];	/* raw bytes as the kernel has them, NUL-terminated */
	uint64_t vmas;			/* VMAs, as counted against vm.max_map_count */
	uint64_t guards;		/* PROT_NONE regions ("---p", "---s") */
	uint64_t largest_gap;		/* bytes: the largest unmapped gap between two VMAs */
	bool has_usage;			/* rss, pss and swap were read (smaps_rollup) */
	uint64_t rss, pss, swap;	/* bytes */
};

/* Add the VMAs of maps text (whole lines, as /proc/PID/maps gives them) to p. */
void view_proc_scan_maps(struct view_proc *p, const char *text, size_t len);
/* Take Rss, Pss and Swap from smaps_rollup text; false if none was found. */
bool view_proc_scan_rollup(struct view_proc *p, const char *text, size_t len);

/* p's share of limit (vm.max_map_count), 0 to 1 and above; 0 if limit is 0. */
double view_proc_share(const struct view_proc *p, uint64_t limit);
/* Thresholds of the share's colour: WARN from half of the limit, ALERT from 80%. */
#define VIEW_PROC_WARN_SHARE 0.5
#define VIEW_PROC_ALERT_SHARE 0.8
enum view_color view_proc_share_color(double share);

enum view_proc_sort {
	VIEW_PROC_SORT_VMAS,		/* the default: most VMAs first */
	VIEW_PROC_SORT_PID,
	VIEW_PROC_SORT_USER,
	VIEW_PROC_SORT_COMMAND,
	VIEW_PROC_SORT_RSS,
	VIEW_PROC_SORT_PSS,
	VIEW_PROC_SORT_SWAP,
	VIEW_PROC_SORT_GAP,
	VIEW_PROC_SORT_GUARDS,
	VIEW_PROC_SORT_COUNT
};
const char *view_proc_sort_name(enum view_proc_sort s);	/* "vmas", "pid", ... */
int view_proc_sort_parse(const char *s);			/* -1 if unknown */
/* Whether sorting by s needs the smaps_rollup values. */
bool view_proc_sort_needs_usage(enum view_proc_sort s);

struct view_procs_filter {
	const char *user;		/* a user name or a numeric uid; NULL: any (borrowed) */
	const char *name_glob;		/* fnmatch(3) against comm; NULL: any (borrowed) */
	uint64_t min_vmas;		/* at least this many VMAs */
};

/*
 * The list: every process added (all), and the rows to show (shown: the
 * ones that pass the filter, sorted, at most top of them).  Numbers sort
 * largest first and names A-Z; reverse turns either round; ties go by PID.
 * Ownership: the list owns its arrays; rows borrow their user names.
 */
struct view_procs {
	struct view_proc *all;		/* owned */
	size_t nall, cap;
	uint64_t limit;			/* vm.max_map_count; 0 if unknown */
	uint64_t total_vmas;		/* of every process added */
	struct view_procs_filter filter;	/* set, then view_procs_refresh */
	enum view_proc_sort sort;
	bool reverse;
	size_t top;			/* at most this many rows; 0: all */
	size_t *shown;			/* owned: indices into all */
	size_t n;			/* rows shown */
	size_t matched;			/* rows that pass the filter (n, before top) */
};

/* Lifecycle: view_procs_init (empty), view_procs_add each, view_procs_refresh, release. */
void view_procs_init(struct view_procs *vp, uint64_t limit);
void view_procs_release(struct view_procs *vp);
int view_procs_add(struct view_procs *vp, const struct view_proc *p);	/* 0, -ENOMEM */
bool view_procs_match(const struct view_procs_filter *f, const struct view_proc *p);
/* Filter, sort and cut to top again: 0 or -ENOMEM. */
int view_procs_refresh(struct view_procs *vp);
/* Row i (< vp->n) of the shown list. */
const struct view_proc *view_procs_row(const struct view_procs *vp, size_t i);

#endif
