/*
 * view_strip.h - the layout of an address-space strip: the VMAs and the gaps
 * of an address range placed along a line of N units, for the TUI's strip
 * (units are character cells) and the map's pictures (units are pixels or
 * cells).  It computes positions and draws nothing (view layer rules, see
 * view/view.h).
 *
 * The scale is linear in bytes except for huge gaps: a gap larger than a
 * quarter of the mapped bytes of the range (and than 64 pages) is collapsed
 * to a fixed width, wide enough for a formatter to write its size in.  Each
 * VMA may be given a minimum width so that a 4 KiB guard page next to a
 * gigabyte stays visible.  VMAs are cut where guard pages installed by
 * MADV_GUARD_INSTALL begin and end, so those ranges are pieces of their own.
 *
 * Ownership: a strip owns its array of pieces and borrows the model (pieces
 * point at its VMAs): rebuild it when the model changes.
 */
#ifndef VMATOOL_VIEW_STRIP_H
#define VMATOOL_VIEW_STRIP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "view/view.h"

struct view_strip_piece {
	uint64_t start, end;	/* the addresses it stands for (clipped to the range) */
	const struct vma *v;	/* NULL: a gap */
	bool collapsed;		/* a huge gap drawn at the fixed width */
	bool guard;		/* a PROT_NONE VMA or a guard-page range */
	bool kernel;		/* the gap above user space (from task_size up to
				   [vsyscall]): always collapsed, no size worth writing */
	double x, w;		/* position and width in units */
};

struct view_strip_opts {
	double units;		/* length of the line */
	double gap_units;	/* width of a collapsed gap */
	double min_units;	/* least width of a VMA piece (0: none) */
};

struct view_strip {
	uint64_t lo, hi;	/* the range laid out */
	double units;
	uint64_t mapped;	/* bytes of VMAs in the range */
	size_t ncollapsed;
	struct view_strip_piece *p;	/* owned, address order */
	size_t n, cap;
};

void view_strip_init(struct view_strip *s);
void view_strip_release(struct view_strip *s);
/*
 * Lay out [lo, hi) of m (lo == hi: from the first VMA's start to the last
 * one's end).  Returns 0 or -ENOMEM (the strip is then empty).
 */
int view_strip_layout(struct view_strip *s, const struct vma_model *m, uint64_t lo,
		      uint64_t hi, const struct view_strip_opts *o);
/* The address at unit position x (inside the strip). */
uint64_t view_strip_addr_at(const struct view_strip *s, double x);
/* The unit position of addr (clamped to the strip). */
double view_strip_pos(const struct view_strip *s, uint64_t addr);

/*
 * The letter a piece is drawn with where characters are all there is (the
 * TUI on a monochrome terminal, the text map): a letter per kind, '#' for a
 * guard, '.' for a gap, '~' for a collapsed gap.  view_strip_legend lists
 * them: NULL-terminated "c what" strings.
 */
char view_strip_letter(const struct view_strip_piece *p);
/* The letter of kind k alone (as a VMA piece of that kind is drawn). */
char view_kind_letter(enum vma_kind k);
extern const char *const view_strip_legend[];

/* One character cell of a strip laid out over ncells units. */
struct view_strip_cell {
	uint64_t start, end;	/* addresses the cell covers */
	const struct view_strip_piece *main;	/* the piece with most of the cell */
	unsigned npieces;	/* pieces touching the cell */
};
/* Cut s into ncells cells (s laid out with units == ncells). */
void view_strip_cells(const struct view_strip *s, struct view_strip_cell *cells, size_t ncells);

/* ---- the column: one line per region ------------------------------------------ */
/*
 * The address space as a column of lines (the text of `vmatool map`): one
 * line per VMA or gap, in address order, except that neighbouring regions
 * smaller than a threshold share one line (a run), the threshold being the
 * least that keeps the column within max_lines; huge gaps (as the strip
 * collapses them) and the space above user space are lines of their own,
 * marked collapsed.  Each line has a bar of 1 to bar_cells cells, its size
 * on a logarithmic scale (0 for a collapsed gap).
 */
enum view_line_what { VIEW_LINE_VMA, VIEW_LINE_RUN, VIEW_LINE_GAP };

struct view_line {
	enum view_line_what what;
	uint64_t start, end;
	const struct vma *v;	/* a VMA line: the VMA; a run: its first VMA */
	size_t nvmas, ngaps;	/* a run: the VMAs and gaps on the line */
	enum vma_kind kind;	/* a VMA's kind; a run's kind of the most bytes */
	bool guard;		/* a PROT_NONE VMA */
	bool collapsed;		/* a huge gap */
	bool kernel;		/* the gap above user space */
	unsigned bar;		/* cells of the bar */
};

struct view_lines_opts {
	size_t max_lines;	/* 0: every region a line of its own */
	unsigned bar_cells;	/* the longest bar */
};

struct view_lines {
	struct view_line *l;	/* owned, address order */
	size_t n, cap;
	uint64_t small;		/* regions below this many bytes joined runs (0: none) */
	size_t nvmas;		/* VMAs in all */
};

void view_lines_init(struct view_lines *c);
void view_lines_release(struct view_lines *c);
/* Lay out the column of m; 0 or -ENOMEM (the column is then empty). */
int view_lines_layout(struct view_lines *c, const struct vma_model *m, const struct view_lines_opts *o);

#endif
