/*
 * view_list.c - going through the VMAs of a model as rows (see view.h): the
 * gaps between them, totals, the one-pass iterator in address order, and the
 * list that a TUI scrolls (sorted, with a selection and a window).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "view/view.h"

unsigned view_addr_width(const struct vma_model *m)
{
	const struct vma *v = m->last;
	uint64_t top;
	unsigned w = 1;

	while (v && v->prev && v->start >= m->p.task_size)	/* [vsyscall] */
		v = v->prev;
	top = v ? v->end - 1 : 0;
	while (w < 16 && (top >> (4 * w)))
		w++;
	return w < 8 ? 8 : w;
}

/* ---- gaps ------------------------------------------------------------------- */

bool view_gap_after(const struct vma_model *m, const struct vma *v, const struct view_filter *f,
		    uint64_t *lo, uint64_t *hi)
{
	uint64_t top = m->p.task_size;

	if (!v->next)
		return false;
	*lo = v->end;
	*hi = v->next->start < top ? v->next->start : top;
	if (f && f->has_range) {
		*lo = *lo > f->lo ? *lo : f->lo;
		*hi = *hi < f->hi ? *hi : f->hi;
	}
	return *lo < *hi;
}

/* ---- totals ----------------------------------------------------------------- */

void view_totals_init(struct view_totals *t)
{
	memset(t, 0, sizeof(*t));
}

static void totals_add_gap(struct view_totals *t, uint64_t lo, uint64_t hi)
{
	t->gaps++;
	t->gap_bytes += hi - lo;
	if (hi - lo > t->largest_gap) {
		t->largest_gap = hi - lo;
		t->largest_gap_start = lo;
	}
}

void view_totals_add(struct view_totals *t, const struct view_row *r)
{
	if (!r->v) {
		totals_add_gap(t, r->start, r->end);
		return;
	}
	t->count++;
	t->size += r->size;
	t->rss += r->usage.rss;
	t->pss += r->usage.pss;
	t->dirty += r->usage.dirty;
	t->swap += r->usage.swap;
	t->kind_count[r->kind]++;
	t->kind_size[r->kind] += r->size;
	t->kind_rss[r->kind] += r->usage.rss;
}

void view_totals_compute(struct view_totals *t, const struct vma_model *m,
			 const struct view_filter *f)
{
	struct view_iter it;
	struct view_row row;

	view_totals_init(t);
	view_iter_init(&it, m, f, true);
	while (view_iter_next(&it, &row))
		view_totals_add(t, &row);
}

/* ---- address order ---------------------------------------------------------- */

void view_iter_init(struct view_iter *it, const struct vma_model *m,
		    const struct view_filter *f, bool gaps)
{
	it->m = m;
	it->f = f;
	it->gaps = gaps;
	it->v = m->first;
	it->gap_after = NULL;
}

bool view_iter_next(struct view_iter *it, struct view_row *row)
{
	for (;;) {
		uint64_t lo, hi;

		if (it->gap_after) {
			const struct vma *g = it->gap_after;

			it->gap_after = NULL;
			if (view_gap_after(it->m, g, it->f, &lo, &hi)) {
				view_row_gap(row, lo, hi);
				return true;
			}
		}
		if (!it->v)
			return false;
		if (it->gaps)
			it->gap_after = it->v;
		if (view_filter_match(it->f, it->m, it->v)) {
			view_row_fill(row, it->m, it->v);
			it->v = it->v->next;
			return true;
		}
		it->v = it->v->next;
	}
}

/* ---- the list ---------------------------------------------------------------- */

static const char *const sort_names[VIEW_SORT_COUNT] = {
	"addr", "size", "rss", "pss", "swap", "name", "kind",
};

const char *view_sort_name(enum view_sort s)
{
	return (unsigned)s < VIEW_SORT_COUNT ? sort_names[s] : "?";
}

int view_sort_parse(const char *s)
{
	for (int i = 0; i < VIEW_SORT_COUNT; i++)
		if (!strcmp(s, sort_names[i]))
			return i;
	return -1;
}

void view_init(struct view *vw, const struct vma_model *m)
{
	memset(vw, 0, sizeof(*vw));
	vw->m = m;
	view_filter_init(&vw->filter);
	view_totals_init(&vw->totals);
}

void view_release(struct view *vw)
{
	free(vw->items);
	vw->items = NULL;
	vw->n = vw->cap = vw->sel = vw->top = 0;
}

/* The numeric sort key of a row under vw's sort. */
static uint64_t item_key(const struct view *vw, const struct view_row *r)
{
	switch (vw->sort) {
	case VIEW_SORT_RSS: return r->usage.rss;
	case VIEW_SORT_PSS: return r->usage.pss;
	case VIEW_SORT_SWAP: return r->usage.swap;
	case VIEW_SORT_KIND: return r->v ? (uint64_t)r->kind : VMA_KIND_COUNT;
	default: return r->size;
	}
}

static int items_push(struct view *vw, const struct view_row *r)
{
	struct view_item *it;

	if (vw->n == vw->cap) {
		size_t cap = vw->cap ? 2 * vw->cap : 256;
		struct view_item *ni = realloc(vw->items, cap * sizeof(*ni));

		if (!ni)
			return -ENOMEM;
		vw->items = ni;
		vw->cap = cap;
	}
	it = &vw->items[vw->n++];
	it->v = r->v;
	it->start = r->start;
	it->end = r->end;
	it->key = item_key(vw, r);
	return 0;
}

static int cmp_u64(uint64_t a, uint64_t b)
{
	return a < b ? -1 : a > b;
}

/* qsort_r's comparison; the view gives the model (names) and the direction. */
static int item_cmp(const void *pa, const void *pb, void *arg)
{
	const struct view_item *a = pa, *b = pb;
	const struct view *sorting = arg;
	int c = 0;

	if (sorting->sort == VIEW_SORT_NAME) {
		const char *na = a->v ? vma_name(sorting->m, a->v->name) : "";
		const char *nb = b->v ? vma_name(sorting->m, b->v->name) : "";

		c = strcmp(na, nb);
	} else if (sorting->sort == VIEW_SORT_ADDR) {
		c = cmp_u64(a->start, b->start);
	} else {
		c = cmp_u64(a->key, b->key);
	}
	if (sorting->reverse)
		c = -c;
	return c ? c : cmp_u64(a->start, b->start);	/* ties: address order */
}

/* Sort the items; in_addr_order: they are in address order already. */
static void sort_items(struct view *vw, bool in_addr_order)
{
	if (in_addr_order && vw->sort == VIEW_SORT_ADDR && !vw->reverse)
		return;
	qsort_r(vw->items, vw->n, sizeof(*vw->items), item_cmp, vw);
}

/* The index of the item holding addr, else of the one starting nearest above it; n if none. */
static size_t index_of_addr(const struct view *vw, uint64_t addr)
{
	size_t best = vw->n;

	for (size_t i = 0; i < vw->n; i++) {
		const struct view_item *it = &vw->items[i];

		if (it->start <= addr && addr < it->end)
			return i;
		if (it->start > addr && (best == vw->n || it->start < vw->items[best].start))
			best = i;
	}
	return best;
}

int view_refresh(struct view *vw)
{
	struct view_iter it;
	struct view_row row;
	bool had = vw->n > 0;
	uint64_t addr = had ? vw->items[vw->sel].start : 0;

	vw->n = 0;
	view_totals_init(&vw->totals);
	view_iter_init(&it, vw->m, &vw->filter, vw->gaps);
	while (view_iter_next(&it, &row)) {
		if (items_push(vw, &row) < 0) {
			vw->n = vw->sel = vw->top = 0;
			return -ENOMEM;
		}
		view_totals_add(&vw->totals, &row);
	}
	sort_items(vw, true);
	vw->sel = 0;
	if (had && !view_select_addr(vw, addr))
		view_select(vw, vw->n ? vw->n - 1 : 0);
	view_select(vw, vw->sel);
	return 0;
}

int view_set_model(struct view *vw, const struct vma_model *m)
{
	vw->m = m;
	return view_refresh(vw);
}

void view_set_sort(struct view *vw, enum view_sort sort, bool reverse)
{
	uint64_t addr = vw->n ? vw->items[vw->sel].start : 0;
	size_t i;

	vw->sort = sort;
	vw->reverse = reverse;
	for (i = 0; i < vw->n; i++) {	/* new keys: the items' values */
		struct view_row row;

		view_item_row(vw, i, &row);
		vw->items[i].key = item_key(vw, &row);
	}
	sort_items(vw, false);
	if (vw->n)
		view_select_addr(vw, addr);
}

/* ---- selection and window ----------------------------------------------------- */

/* Keep the window on the selection, and within the list. */
static void window_follow(struct view *vw)
{
	if (!vw->height) {
		vw->top = 0;
		return;
	}
	if (vw->sel < vw->top)
		vw->top = vw->sel;
	else if (vw->sel >= vw->top + vw->height)
		vw->top = vw->sel - vw->height + 1;
	if (vw->n > vw->height && vw->top > vw->n - vw->height)
		vw->top = vw->n - vw->height;
	if (vw->n <= vw->height)
		vw->top = 0;
}

void view_set_height(struct view *vw, size_t rows)
{
	vw->height = rows;
	window_follow(vw);
}

void view_select(struct view *vw, size_t i)
{
	vw->sel = !vw->n ? 0 : i < vw->n ? i : vw->n - 1;
	window_follow(vw);
}

void view_move(struct view *vw, long delta)
{
	if (delta < 0)
		view_select(vw, (size_t)-delta > vw->sel ? 0 : vw->sel - (size_t)-delta);
	else
		view_select(vw, vw->sel + (size_t)delta < vw->sel ? SIZE_MAX : vw->sel + (size_t)delta);
}

bool view_select_addr(struct view *vw, uint64_t addr)
{
	size_t i = index_of_addr(vw, addr);

	if (i == vw->n)
		return false;
	view_select(vw, i);
	return true;
}

size_t view_window(const struct view *vw, size_t *first)
{
	size_t rows = vw->height ? vw->height : vw->n;

	*first = vw->top;
	return vw->n - vw->top < rows ? vw->n - vw->top : rows;
}

void view_item_row(const struct view *vw, size_t i, struct view_row *row)
{
	const struct view_item *it = &vw->items[i];

	if (it->v)
		view_row_fill(row, vw->m, it->v);
	else
		view_row_gap(row, it->start, it->end);
}
