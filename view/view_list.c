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
	free(vw->order);
	free(vw->scratch);
	vw->items = NULL;
	vw->order = NULL;
	vw->scratch = NULL;
	vw->scratch_cap = 0;
	vw->n = vw->cap = vw->sel = vw->top = 0;
}

/* The numeric sort key of an item under vw's sort: one smaps field at most, no row filled. */
static uint64_t item_key(const struct view *vw, const struct view_item *it)
{
	uint64_t kb = 0;
	unsigned field;

	switch (vw->sort) {
	case VIEW_SORT_ADDR: return it->start;
	case VIEW_SORT_KIND: return it->v ? (uint64_t)it->v->kind : VMA_KIND_COUNT;
	case VIEW_SORT_RSS: field = SMAPS_RSS; break;
	case VIEW_SORT_PSS: field = SMAPS_PSS; break;
	case VIEW_SORT_SWAP: field = SMAPS_SWAP; break;
	default: return it->end - it->start;
	}
	if (it->v)	/* kB in the store, bytes in a row (as vma_usage has it) */
		vma_smaps_get(vw->m, it->v, field, &kb);
	return kb * 1024;
}

static int items_push(struct view *vw, const struct view_row *r)
{
	struct view_item *it;

	if (vw->n == vw->cap) {
		size_t cap = vw->cap ? 2 * vw->cap : 256;
		struct view_item *ni;
		uint32_t *no;

		if (cap > UINT32_MAX)	/* places in the list are 32 bits */
			return -ENOMEM;
		ni = realloc(vw->items, cap * sizeof(*ni));
		if (!ni)
			return -ENOMEM;
		vw->items = ni;
		no = realloc(vw->order, cap * sizeof(*no));
		if (!no)
			return -ENOMEM;
		vw->order = no;
		vw->cap = cap;
	}
	it = &vw->items[vw->n++];
	it->v = r->v;
	it->start = r->start;
	it->end = r->end;
	return 0;
}

static int cmp_u64(uint64_t a, uint64_t b)
{
	return a < b ? -1 : a > b;
}

/* qsort_r's comparison of two places (item indices); the view gives the model and the sort. */
static int order_cmp(const void *pa, const void *pb, void *arg)
{
	const struct view *sorting = arg;
	uint32_t ia = *(const uint32_t *)pa, ib = *(const uint32_t *)pb;
	const struct view_item *a = &sorting->items[ia], *b = &sorting->items[ib];
	int c = 0;

	if (sorting->sort == VIEW_SORT_NAME) {
		const char *na = a->v ? vma_name(sorting->m, a->v->name) : "";
		const char *nb = b->v ? vma_name(sorting->m, b->v->name) : "";

		c = strcmp(na, nb);
	} else {
		c = cmp_u64(item_key(sorting, a), item_key(sorting, b));
	}
	if (sorting->reverse)
		c = -c;
	return c ? c : cmp_u64(ia, ib);	/* ties: address order */
}

/*
 * The numeric sorts, as a radix sort of (key, item index) pairs: least
 * significant byte first and stable, so that pairs made in address order keep
 * it among equal keys; a byte that every key has the same is skipped (the high
 * bytes of sizes), so 65,000 items sort in a few passes over 16-byte pairs,
 * without a comparison function and without moving an item.  Reverse sorts
 * the complement of the key: largest first, ties still in address order.
 */
struct sort_pair {
	uint64_t key;
	uint32_t idx;
};

/* Sort a (n pairs) by key with tmp beside it; the buffer holding the result. */
static struct sort_pair *radix_passes(struct sort_pair *a, struct sort_pair *tmp, size_t n)
{
	uint32_t count[8][256];

	memset(count, 0, sizeof(count));
	for (size_t i = 0; i < n; i++)
		for (unsigned b = 0; b < 8; b++)
			count[b][(uint8_t)(a[i].key >> (8 * b))]++;
	for (unsigned b = 0; b < 8; b++) {
		uint32_t at = 0;
		struct sort_pair *t;

		if (count[b][(uint8_t)(a[0].key >> (8 * b))] == n)
			continue;	/* every key has this byte: nothing to do */
		for (unsigned c = 0; c < 256; c++) {
			uint32_t k = count[b][c];

			count[b][c] = at;
			at += k;
		}
		for (size_t i = 0; i < n; i++)
			tmp[count[b][(uint8_t)(a[i].key >> (8 * b))]++] = a[i];
		t = a;
		a = tmp;
		tmp = t;
	}
	return a;
}

/* The list's order by a numeric key; -ENOMEM: unchanged. */
static int radix_order(struct view *vw)
{
	size_t n = vw->n;
	struct sort_pair *p, *r;

	if (vw->scratch_cap < 2 * n) {	/* kept for the next sort: no page faults on each key */
		p = realloc(vw->scratch, 2 * n * sizeof(*p));
		if (!p)
			return -ENOMEM;
		vw->scratch = p;
		vw->scratch_cap = 2 * n;
	}
	p = vw->scratch;
	for (size_t i = 0; i < n; i++) {
		uint64_t k = item_key(vw, &vw->items[i]);

		p[i].key = vw->reverse ? ~k : k;
		p[i].idx = (uint32_t)i;
	}
	r = radix_passes(p, p + n, n);
	for (size_t i = 0; i < n; i++)
		vw->order[i] = r[i].idx;
	return 0;
}

/* Put the list in vw's sort (the items stay in address order). */
static void sort_list(struct view *vw)
{
	for (size_t i = 0; i < vw->n; i++)
		vw->order[i] = (uint32_t)i;
	if (!vw->n || (vw->sort == VIEW_SORT_ADDR && !vw->reverse))
		return;
	if (vw->sort != VIEW_SORT_NAME && radix_order(vw) == 0)
		return;
	qsort_r(vw->order, vw->n, sizeof(*vw->order), order_cmp, vw);	/* names; out of memory */
}

/* The place of the item holding addr, else of the one starting nearest above it; n if none. */
static size_t place_of_addr(const struct view *vw, uint64_t addr)
{
	size_t lo = 0, hi = vw->n;	/* items: address order, no overlap */

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (vw->items[mid].end <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == vw->n || (vw->sort == VIEW_SORT_ADDR && !vw->reverse))
		return lo;
	for (size_t i = 0; i < vw->n; i++)
		if (vw->order[i] == lo)
			return i;
	return vw->n;
}

int view_refresh(struct view *vw)
{
	struct view_iter it;
	struct view_row row;
	bool had = vw->n > 0;
	uint64_t addr = had ? view_item(vw, vw->sel)->start : 0;

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
	sort_list(vw);
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
	uint64_t addr = vw->n ? view_item(vw, vw->sel)->start : 0;

	vw->sort = sort;
	vw->reverse = reverse;
	sort_list(vw);
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
	size_t i = place_of_addr(vw, addr);

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

const struct view_item *view_item(const struct view *vw, size_t i)
{
	return &vw->items[vw->order[i]];
}

void view_item_row(const struct view *vw, size_t i, struct view_row *row)
{
	const struct view_item *it = view_item(vw, i);

	if (it->v)
		view_row_fill(row, vw->m, it->v);
	else
		view_row_gap(row, it->start, it->end);
}
