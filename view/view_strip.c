/*
 * view_strip.c - the layout of an address-space strip (see view_strip.h):
 * one pass collects the pieces (VMAs cut at guard-page ranges, and the gaps
 * between them), a second places them along the line.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "view/view_strip.h"

#define STRIP_COLLAPSE_PAGES 64

void view_strip_init(struct view_strip *s)
{
	memset(s, 0, sizeof(*s));
}

void view_strip_release(struct view_strip *s)
{
	free(s->p);
	view_strip_init(s);
}

static int strip_push(struct view_strip *s, uint64_t start, uint64_t end,
		      const struct vma *v, bool guard)
{
	struct view_strip_piece *p;

	if (start >= end)
		return 0;
	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 64;

		p = realloc(s->p, cap * sizeof(*p));
		if (!p)
			return -ENOMEM;
		s->p = p;
		s->cap = cap;
	}
	p = &s->p[s->n++];
	memset(p, 0, sizeof(*p));
	p->start = start;
	p->end = end;
	p->v = v;
	p->guard = guard;
	return 0;
}

/* v's part in [lo, hi), cut where guard-page ranges begin and end; *g walks m->guards. */
static int strip_push_vma(struct view_strip *s, const struct vma_model *m, const struct vma *v,
			  uint64_t lo, uint64_t hi, size_t *g)
{
	uint64_t a = v->start > lo ? v->start : lo, b = v->end < hi ? v->end : hi;
	bool none = !(v->flags & VMF_ACCESS);
	int err = 0;

	while (*g < m->nguards && m->guards[*g].end <= a)
		(*g)++;
	for (size_t i = *g; !err && i < m->nguards && m->guards[i].start < b; i++) {
		uint64_t gs = m->guards[i].start > a ? m->guards[i].start : a;
		uint64_t ge = m->guards[i].end < b ? m->guards[i].end : b;

		err = strip_push(s, a, gs, v, none);
		if (!err)
			err = strip_push(s, gs, ge, v, true);
		a = ge;
	}
	return err ? err : strip_push(s, a, b, v, none);
}

/* The gap [a, b), cut at the top of user space (the part above is the kernel's). */
static int strip_push_gap(struct view_strip *s, const struct vma_model *m, uint64_t a, uint64_t b)
{
	uint64_t top = m->p.task_size;
	int err;

	if (!top || b <= top || a >= top)
		return strip_push(s, a, b, NULL, false);
	err = strip_push(s, a, top, NULL, false);
	if (!err)
		err = strip_push(s, top, b, NULL, false);
	if (!err)
		s->p[s->n - 1].kernel = true;
	return err;
}

static int strip_collect(struct view_strip *s, const struct vma_model *m)
{
	uint64_t at = s->lo;
	size_t g = 0;
	int err = 0;

	for (const struct vma *v = m->first; v && !err; v = v->next) {
		if (v->end <= s->lo)
			continue;
		if (v->start >= s->hi)
			break;
		if (v->start > at)
			err = strip_push_gap(s, m, at, v->start);
		if (!err)
			err = strip_push_vma(s, m, v, s->lo, s->hi, &g);
		at = v->end;
	}
	if (!err && at < s->hi)
		err = strip_push_gap(s, m, at, s->hi);
	return err;
}

/* Mark the huge gaps; the bytes drawn to scale and the VMA pieces into *lin, *nv. */
static void strip_measure(struct view_strip *s, uint64_t page, uint64_t *lin, size_t *nv)
{
	uint64_t limit;

	s->mapped = 0;
	*nv = 0;
	for (size_t i = 0; i < s->n; i++)
		if (s->p[i].v) {
			s->mapped += s->p[i].end - s->p[i].start;
			(*nv)++;
		}
	limit = s->mapped / 4;
	if (limit < STRIP_COLLAPSE_PAGES * page)
		limit = STRIP_COLLAPSE_PAGES * page;
	*lin = 0;
	s->ncollapsed = 0;
	for (size_t i = 0; i < s->n; i++) {
		struct view_strip_piece *p = &s->p[i];

		p->collapsed = !p->v && (p->kernel || p->end - p->start > limit);
		s->ncollapsed += p->collapsed;
		if (!p->collapsed)
			*lin += p->end - p->start;
	}
}

static void strip_place(struct view_strip *s, const struct view_strip_opts *o, uint64_t page)
{
	double gapw, minw = o->min_units, free_units, x = 0;
	uint64_t lin;
	size_t nv;

	strip_measure(s, page ? page : 4096, &lin, &nv);
	gapw = s->ncollapsed ? o->gap_units : 0;
	/* the fixed widths take at most half of the line: shrink the minimum, then the gaps */
	if (minw * nv > o->units / 4)
		minw = o->units / 4 / (nv ? nv : 1);
	if (gapw * s->ncollapsed > o->units / 4)
		gapw = o->units / 4 / s->ncollapsed;
	free_units = o->units - gapw * s->ncollapsed - minw * nv;
	if (!lin)	/* nothing drawn to scale: the collapsed gaps share the line */
		gapw = s->ncollapsed ? (o->units - minw * nv) / s->ncollapsed : 0;
	for (size_t i = 0; i < s->n; i++) {
		struct view_strip_piece *p = &s->p[i];

		p->x = x;
		if (p->collapsed)
			p->w = gapw;
		else
			p->w = (p->v ? minw : 0) + (lin ? free_units * (double)(p->end - p->start) / (double)lin : 0);
		x += p->w;
	}
	s->units = x > 0 ? x : o->units;
}

int view_strip_layout(struct view_strip *s, const struct vma_model *m, uint64_t lo,
		      uint64_t hi, const struct view_strip_opts *o)
{
	int err;

	s->n = 0;
	s->mapped = 0;
	s->ncollapsed = 0;
	if (lo >= hi) {
		lo = m->first ? m->first->start : 0;
		hi = m->last ? m->last->end : 0;
	}
	s->lo = lo;
	s->hi = hi;
	s->units = o->units;
	err = strip_collect(s, m);
	if (err) {
		s->n = 0;
		return err;
	}
	strip_place(s, o, m->p.page_size);
	return 0;
}

/* The piece at position x: the last one starting at or before it. */
static size_t strip_find(const struct view_strip *s, double x)
{
	size_t lo = 0, hi = s->n;

	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;

		if (s->p[mid].x <= x)
			lo = mid;
		else
			hi = mid;
	}
	return lo;
}

static uint64_t piece_addr(const struct view_strip_piece *p, double x)
{
	double f = p->w > 0 ? (x - p->x) / p->w : 0;

	if (f <= 0)
		return p->start;
	if (f >= 1)
		return p->end;
	return p->start + (uint64_t)(f * (double)(p->end - p->start) + 0.5);
}

uint64_t view_strip_addr_at(const struct view_strip *s, double x)
{
	if (!s->n)
		return s->lo;
	return piece_addr(&s->p[strip_find(s, x)], x);
}

double view_strip_pos(const struct view_strip *s, uint64_t addr)
{
	size_t lo = 0, hi = s->n;
	const struct view_strip_piece *p;

	if (!s->n || addr <= s->lo)
		return 0;
	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;

		if (s->p[mid].start <= addr)
			lo = mid;
		else
			hi = mid;
	}
	p = &s->p[lo];
	if (addr >= p->end)
		return p->x + p->w;
	return p->x + p->w * (double)(addr - p->start) / (double)(p->end - p->start);
}

void view_strip_cells(const struct view_strip *s, struct view_strip_cell *cells, size_t ncells)
{
	size_t i = 0;

	for (size_t c = 0; c < ncells; c++) {
		struct view_strip_cell *cell = &cells[c];
		double a = (double)c, b = a + 1, best = -1;

		memset(cell, 0, sizeof(*cell));
		while (i < s->n && s->p[i].x + s->p[i].w <= a && i + 1 < s->n)
			i++;
		if (!s->n)
			continue;
		cell->start = piece_addr(&s->p[i], a);
		for (size_t j = i; j < s->n && s->p[j].x < b; j++) {
			const struct view_strip_piece *p = &s->p[j];
			double lo = p->x > a ? p->x : a, hi = p->x + p->w < b ? p->x + p->w : b;
			double over = hi - lo + (p->v ? 1e-9 : 0);	/* a tie goes to the VMA */

			if (hi <= lo && p->w > 0)
				continue;
			cell->npieces++;
			if (over > best) {
				best = over;
				cell->main = p;
			}
			cell->end = piece_addr(p, b);
		}
		if (!cell->main)
			cell->main = &s->p[i];
	}
}

/* ---- letters ------------------------------------------------------------------ */

static const char kind_letters[VMA_KIND_COUNT] = {
	[VMA_KIND_ANON] = 'a', [VMA_KIND_TEXT] = 't', [VMA_KIND_DATA] = 'd',
	[VMA_KIND_BSS] = 'b', [VMA_KIND_HEAP] = 'H', [VMA_KIND_STACK] = 'S',
	[VMA_KIND_FILE] = 'f', [VMA_KIND_SHM] = 'm', [VMA_KIND_SPECIAL] = 'v',
	[VMA_KIND_DELETED] = 'D',
};

const char *const view_strip_legend[] = {
	"t text", "d data", "b bss", "H heap", "S stack", "f file", "a anon", "m shm",
	"v special", "D deleted", "# guard (PROT_NONE or guard pages)", ". gap",
	"~ huge gap (collapsed)", NULL,
};

char view_strip_letter(const struct view_strip_piece *p)
{
	if (!p->v)
		return p->collapsed ? '~' : '.';
	if (p->guard)
		return '#';
	return view_kind_letter((enum vma_kind)p->v->kind);
}

char view_kind_letter(enum vma_kind k)
{
	return (unsigned)k < VMA_KIND_COUNT ? kind_letters[k] : 'a';
}

/* ---- the column: one line per region (see view_strip.h) --------------------------- */

void view_lines_init(struct view_lines *c)
{
	memset(c, 0, sizeof(*c));
}

void view_lines_release(struct view_lines *c)
{
	free(c->l);
	view_lines_init(c);
}

/* The regions of m, one piece each (VMAs whole), the huge gaps marked collapsed. */
static int lines_regions(struct view_strip *s, const struct vma_model *m)
{
	uint64_t page = m->p.page_size ? m->p.page_size : 4096, at = 0, lin;
	size_t nv;
	int err = 0;

	for (const struct vma *v = m->first; v && !err; v = v->next) {
		if (v != m->first && v->start > at)
			err = strip_push_gap(s, m, at, v->start);
		if (!err)
			err = strip_push(s, v->start, v->end, v, !(v->flags & VMF_ACCESS));
		at = v->end;
	}
	if (!err)
		strip_measure(s, page, &lin, &nv);
	return err;
}

static bool region_small(const struct view_strip_piece *p, uint64_t small)
{
	return !p->collapsed && p->end - p->start < small;
}

/* The line of the n regions from p: the region itself if it is alone, else a run. */
static void lines_fill(struct view_line *l, const struct view_strip_piece *p, size_t n)
{
	uint64_t kind_bytes[VMA_KIND_COUNT] = { 0 };

	memset(l, 0, sizeof(*l));
	l->start = p[0].start;
	l->end = p[n - 1].end;
	l->what = n > 1 ? VIEW_LINE_RUN : p[0].v ? VIEW_LINE_VMA : VIEW_LINE_GAP;
	l->collapsed = n == 1 && p[0].collapsed;
	l->kernel = n == 1 && p[0].kernel;
	l->guard = n == 1 && p[0].guard;
	for (size_t i = 0; i < n; i++) {
		if (!p[i].v) {
			l->ngaps++;
			continue;
		}
		if (!l->v)
			l->v = p[i].v;
		l->nvmas++;
		if (p[i].v->kind < VMA_KIND_COUNT)
			kind_bytes[p[i].v->kind] += p[i].end - p[i].start;
	}
	l->kind = l->v ? (enum vma_kind)l->v->kind : VMA_KIND_ANON;
	for (int k = 0; k < VMA_KIND_COUNT; k++)
		if (kind_bytes[k] > kind_bytes[l->kind])
			l->kind = (enum vma_kind)k;
}

/* The lines the regions make with this threshold; with out, written there. */
static size_t lines_walk(const struct view_strip *s, uint64_t small, struct view_line *out)
{
	size_t n = 0, i = 0;

	while (i < s->n) {
		size_t j = i + 1;

		if (region_small(&s->p[i], small))
			while (j < s->n && region_small(&s->p[j], small))
				j++;
		if (out)
			lines_fill(&out[n], &s->p[i], j - i);
		n++;
		i = j;
	}
	return n;
}

static int cmp_size(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/*
 * The least threshold (one above a region's size) that keeps the column
 * within max lines: a binary search, since raising it only joins lines.
 */
static int lines_threshold(const struct view_strip *s, size_t max, uint64_t *small)
{
	uint64_t *sizes;
	size_t lo = 0, hi = s->n;

	*small = 0;
	if (!max || lines_walk(s, 0, NULL) <= max)
		return 0;
	sizes = malloc(s->n * sizeof(*sizes));
	if (!sizes)
		return -ENOMEM;
	for (size_t i = 0; i < s->n; i++)
		sizes[i] = s->p[i].end - s->p[i].start + 1;
	qsort(sizes, s->n, sizeof(*sizes), cmp_size);
	while (lo < hi) {	/* the first that does, or n if none */
		size_t mid = lo + (hi - lo) / 2;

		if (lines_walk(s, sizes[mid], NULL) <= max)
			hi = mid;
		else
			lo = mid + 1;
	}
	*small = sizes[lo < s->n ? lo : s->n - 1];
	free(sizes);
	return 0;
}

/* log2 of x in quarters (x > 0): enough for a bar of a few dozen cells. */
static unsigned log4(uint64_t x)
{
	unsigned msb = 63 - (unsigned)__builtin_clzll(x);

	return 4 * msb + (msb >= 2 ? (unsigned)(x >> (msb - 2)) & 3 : 0);
}

static void lines_bars(struct view_lines *c, unsigned cells)
{
	unsigned lo = UINT32_MAX, hi = 0;

	for (size_t i = 0; i < c->n; i++) {
		unsigned q = log4(c->l[i].end - c->l[i].start);

		if (c->l[i].collapsed)
			continue;
		lo = q < lo ? q : lo;
		hi = q > hi ? q : hi;
	}
	for (size_t i = 0; i < c->n; i++) {
		struct view_line *l = &c->l[i];
		unsigned q = log4(l->end - l->start);

		l->bar = l->collapsed || !cells ? 0 :
			 hi > lo ? 1 + (unsigned)((uint64_t)(q - lo) * (cells - 1) / (hi - lo)) : 1;
	}
}

int view_lines_layout(struct view_lines *c, const struct vma_model *m, const struct view_lines_opts *o)
{
	struct view_strip s;
	int err;

	c->n = 0;
	c->small = 0;
	c->nvmas = m->count;
	view_strip_init(&s);
	err = lines_regions(&s, m);
	if (!err)
		err = lines_threshold(&s, o->max_lines, &c->small);
	if (!err && s.n > c->cap) {
		struct view_line *l = realloc(c->l, s.n * sizeof(*l));

		if (l) {
			c->l = l;
			c->cap = s.n;
		}
		err = l ? 0 : -ENOMEM;
	}
	if (!err) {
		c->n = lines_walk(&s, c->small, c->l);
		lines_bars(c, o->bar_cells);
	}
	view_strip_release(&s);
	return err;
}
