/*
 * test-strip.c - the strip layout of the view layer (view/view_strip.h), as
 * the TUI and `vmatool map` draw it: pieces in address order that tile the
 * line, huge gaps collapsed to the fixed width and small ones to scale, the
 * least width of a VMA, PROT_NONE VMAs and guard-page ranges as guards, a
 * zoomed range clipped, positions and addresses that map back and forth,
 * the cells a character strip is cut into, and the column of lines (a line
 * per region, runs of small ones within a budget).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "tap.h"
#include "engine/abi.h"
#include "engine/maps.h"
#include "view/view_strip.h"

/* 64K file, a 16K gap, 64K anon, 16K PROT_NONE, a huge gap, 64K text */
static const char maps_text[] =
	"00010000-00020000 r--p 00000000 08:01 100 /usr/bin/prog\n"
	"00024000-00034000 rw-p 00000000 00:00 0 \n"
	"00034000-00038000 ---p 00000000 00:00 0 \n"
	"7f0000000000-7f0000010000 r-xp 00000000 08:01 200 /lib/libc.so.6\n";

static int load(struct vma_model *m)
{
	struct maps_parser p;

	if (vma_model_init(m, NULL) < 0)
		return -1;
	maps_parser_init(&p, m);
	if (maps_parse(&p, maps_text, sizeof(maps_text) - 1, true) < 0)
		return -1;
	return maps_parser_finish(&p);
}

static bool near(double a, double b)
{
	return fabs(a - b) < 1e-6;
}

/* The pieces tile [0, units): each starts where the last ended, addresses too. */
static bool tiles(const struct view_strip *s)
{
	double x = 0;

	for (size_t i = 0; i < s->n; i++) {
		if (!near(s->p[i].x, x) || s->p[i].w < 0 || s->p[i].start >= s->p[i].end)
			return false;
		if (i && s->p[i].start != s->p[i - 1].end)
			return false;
		x += s->p[i].w;
	}
	return near(x, s->units);
}

static void test_whole(struct vma_model *m)
{
	struct view_strip_opts o = { .units = 100, .gap_units = 7, .min_units = 2 };
	struct view_strip s;
	const struct view_strip_piece *p;

	view_strip_init(&s);
	ok(view_strip_layout(&s, m, 0, 0, &o) == 0, "layout of the whole space");
	is_u64(s.n, 6, "six pieces: file, gap, anon, guard, huge gap, text");
	ok(tiles(&s), "the pieces tile the line in address order");
	is_u64(s.lo, 0x10000, "lo: the first VMA's start");
	is_u64(s.hi, 0x7f0000010000, "hi: the last VMA's end");
	is_u64(s.ncollapsed, 1, "one huge gap collapsed");
	is_u64(s.mapped, 0x10000 * 3 + 0x4000, "mapped bytes");
	p = s.p;
	ok(!p[1].v && !p[1].collapsed && p[1].end - p[1].start == 0x4000, "the 16K gap is drawn to scale");
	ok(!p[4].v && p[4].collapsed && near(p[4].w, 7), "the huge gap has the fixed width");
	ok(p[3].v && p[3].guard, "a PROT_NONE VMA is a guard");
	ok(!p[0].guard && !p[2].guard, "readable VMAs are not guards");
	ok(near((p[0].w - 2) / (p[2].w - 2), 1.0), "64K and 64K: the same width beyond the least");
	ok(near((p[0].w - 2) / (p[1].w), 4.0), "64K against a 16K gap: four times as wide");
	ok(near(view_strip_pos(&s, 0x10000), 0), "the first address at 0");
	ok(near(view_strip_pos(&s, 0x7f0000010000), 100), "the last address at the end");
	is_u64(view_strip_addr_at(&s, view_strip_pos(&s, 0x28000)), 0x28000,
	       "an address inside a VMA maps to its place and back");
	ok(view_strip_letter(&p[0]) == 'f' && view_strip_letter(&p[1]) == '.' &&
	   view_strip_letter(&p[3]) == '#' && view_strip_letter(&p[4]) == '~' &&
	   view_strip_letter(&p[5]) == 't', "letters: file, gap, guard, huge gap, text");
	view_strip_release(&s);
}

static void test_cells(struct vma_model *m)
{
	struct view_strip_opts o = { .units = 40, .gap_units = 6, .min_units = 0.5 };
	struct view_strip_cell c[40];
	struct view_strip s;
	size_t huge = 0;

	view_strip_init(&s);
	view_strip_layout(&s, m, 0, 0, &o);
	view_strip_cells(&s, c, 40);
	ok(c[0].main == &s.p[0], "the first cell is the first VMA's");
	ok(c[39].main == &s.p[s.n - 1], "the last cell is the last VMA's");
	for (size_t i = 0; i < 40; i++)
		huge += c[i].main->collapsed;
	ok(huge >= 5 && huge <= 7, "the collapsed gap fills about its six cells (%zu)", huge);
	ok(c[0].start == 0x10000, "cell 0 starts at the first address");
	for (size_t i = 1; i < 40; i++)
		if (c[i].start < c[i - 1].start) {
			ok(0, "cell addresses rise (cell %zu)", i);
			break;
		}
	view_strip_release(&s);
}

static void test_zoom(struct vma_model *m)
{
	struct view_strip_opts o = { .units = 64, .gap_units = 6, .min_units = 0 };
	struct view_strip s;

	view_strip_init(&s);
	view_strip_layout(&s, m, 0x28000, 0x30000, &o);
	is_u64(s.n, 1, "zoomed inside one VMA: one piece");
	ok(s.n == 1 && s.p[0].start == 0x28000 && s.p[0].end == 0x30000, "clipped to the range");
	ok(s.n == 1 && near(s.p[0].w, 64), "filling the line");
	view_strip_layout(&s, m, 0x1c000, 0x2c000, &o);
	is_u64(s.n, 3, "a range across a gap: VMA, gap, VMA");
	is_u64(s.ncollapsed, 0, "a gap as large as the mapped bytes is not collapsed");
	ok(tiles(&s) && near(s.p[1].w, 16), "each 16K a quarter of the line");
	view_strip_release(&s);
}

static void test_guard_pages(struct vma_model *m)
{
	struct view_strip_opts o = { .units = 64, .gap_units = 6, .min_units = 0 };
	struct view_strip s;

	ok(vma_madvise(m, 0x2c000, 0x2000, VMA_MADV_GUARD_INSTALL, NULL) == 0,
	   "guard pages installed in the anon VMA");
	view_strip_init(&s);
	view_strip_layout(&s, m, 0x24000, 0x34000, &o);
	is_u64(s.n, 3, "the VMA is cut where the guard pages begin and end");
	ok(s.n == 3 && !s.p[0].guard && s.p[1].guard && !s.p[2].guard, "the middle piece is the guard");
	ok(s.n == 3 && s.p[1].start == 0x2c000 && s.p[1].end == 0x2e000, "at the guard pages' range");
	ok(s.n == 3 && s.p[0].v == s.p[1].v && s.p[1].v == s.p[2].v, "all three of the one VMA");
	view_strip_release(&s);
}

static void test_empty(void)
{
	struct view_strip_opts o = { .units = 10, .gap_units = 3, .min_units = 1 };
	struct vma_model m;
	struct view_strip s;
	struct view_strip_cell c[10];

	vma_model_init(&m, NULL);
	view_strip_init(&s);
	ok(view_strip_layout(&s, &m, 0, 0, &o) == 0 && s.n == 0, "an empty model: no pieces");
	view_strip_cells(&s, c, 10);
	ok(c[0].main == NULL && view_strip_addr_at(&s, 3) == 0, "cells and addresses of nothing");
	view_strip_release(&s);
	vma_model_release(&m);
}

/* The column: a line per region, then runs of the small ones within a budget. */
static void test_lines(struct vma_model *m)
{
	struct view_lines_opts o = { .max_lines = 0, .bar_cells = 10 };
	struct view_lines c;
	bool contiguous = true;

	view_lines_init(&c);
	ok(view_lines_layout(&c, m, &o) == 0, "lines: laid out");
	is_u64(c.n, 6, "lines: four VMAs and two gaps, a line each");
	is_u64(c.small, 0, "lines: no budget, no run");
	ok(c.n == 6 && c.l[0].what == VIEW_LINE_VMA && c.l[1].what == VIEW_LINE_GAP &&
	   c.l[3].guard && c.l[4].collapsed && !c.l[1].collapsed, "lines: VMA, gap, guard, huge gap");
	ok(c.n == 6 && c.l[4].bar == 0 && c.l[1].bar == 1 && c.l[0].bar == 10 && c.l[5].bar == 10,
	   "lines: bars from 1 (16K) to the longest (64K); none for a collapsed gap");
	o.max_lines = 4;
	ok(view_lines_layout(&c, m, &o) == 0, "lines: laid out within 4 lines");
	is_u64(c.n, 3, "lines: the run, the huge gap, libc");
	is_u64(c.small, 0x10001, "lines: the least threshold that fits: regions of 64K share a line");
	ok(c.n == 3 && c.l[0].what == VIEW_LINE_RUN && c.l[0].nvmas == 3 && c.l[0].ngaps == 1 &&
	   c.l[0].start == 0x10000 && c.l[0].end == 0x38000, "lines: the run's range and counts");
	ok(c.n == 3 && c.l[0].kind == VMA_KIND_ANON, "lines: the run's kind is the one of most bytes");
	for (size_t i = 1; i < c.n; i++)
		contiguous = contiguous && c.l[i].start == c.l[i - 1].end;
	ok(contiguous, "lines: each line starts where the last ended");
	view_lines_release(&c);
}

int main(void)
{
	struct vma_model m;

	if (load(&m) < 0)
		return tap_skip_all("cannot parse the test maps");
	test_whole(&m);
	test_cells(&m);
	test_zoom(&m);
	test_guard_pages(&m);
	test_empty();
	test_lines(&m);
	vma_model_release(&m);
	return tap_done();
}
