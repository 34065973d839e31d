/*
 * diff.c - the semantic diff of two models (see diff.h): pairing VMAs by
 * overlap and backing, classifying each cluster, matching moves, usage deltas.
 *
 * Linear in the number of VMAs except for sorting the left-over added and
 * removed VMAs when looking for moves (n log n of those only, in
 * diff_moves.c).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diff_int.h"

const char *diff_kind_name(enum diff_kind kind)
{
	static const char *const names[DIFF_KIND_COUNT] = {
		"same", "grown", "shrunk", "resized", "split", "merged",
		"reshaped", "moved", "added", "removed",
	};
	return (unsigned)kind < DIFF_KIND_COUNT ? names[kind] : "?";
}

void diff_result_init(struct diff_result *r)
{
	memset(r, 0, sizeof(*r));
}

void diff_result_release(struct diff_result *r)
{
	free(r->changes);
	free(r->refs_a);
	free(r->refs_b);
	diff_result_init(r);
}

/* ---- usage ------------------------------------------------------------------ */

struct usage {
	int64_t rss, pss, swap, dirty;
};

static void usage_add(struct usage *u, const struct vma_model *m, const struct vma *v, int sign)
{
	struct vma_usage x;

	vma_usage(m, v, &x);
	u->rss += sign * (int64_t)x.rss;
	u->pss += sign * (int64_t)x.pss;
	u->swap += sign * (int64_t)x.swap;
	u->dirty += sign * (int64_t)x.dirty;
}

static bool delta_shown(int64_t d, uint64_t min_delta)
{
	uint64_t mag = d < 0 ? (uint64_t)-d : (uint64_t)d;

	return mag != 0 && mag >= min_delta;
}

/* ---- backing: which VMAs may be the same mapping over time ------------------- */

bool diff_name_eq(const struct vma_model *ma, const struct vma *x,
		    const struct vma_model *mb, const struct vma *y)
{
	size_t lx = vma_name_len(ma, x->name), ly = vma_name_len(mb, y->name);

	return lx == ly && memcmp(vma_name(ma, x->name), vma_name(mb, y->name), lx) == 0;
}

bool diff_is_file(const struct vma *v)
{
	return v->inode != 0;
}

/* Special mappings and stacks are matched by name only. */
bool diff_is_special(const struct vma *v)
{
	return !diff_is_file(v) && (v->kind == VMA_KIND_SPECIAL || v->kind == VMA_KIND_STACK);
}

bool diff_is_shared(const struct vma *v)
{
	return (v->flags & VMF(MAYSHARE)) != 0;
}

/* File offset minus address, in pages: equal for pieces of one mapping. */
static uint64_t file_base(const struct vma_model *m, const struct vma *v)
{
	return v->pgoff - v->start / m->p.page_size;
}

static bool same_backing(const struct vma_model *ma, const struct vma *x,
			 const struct vma_model *mb, const struct vma *y)
{
	if (diff_is_shared(x) != diff_is_shared(y) || diff_is_file(x) != diff_is_file(y))
		return false;
	if (diff_is_file(x))
		return x->inode == y->inode && x->dev == y->dev &&
		       file_base(ma, x) == file_base(mb, y);
	if (diff_is_special(x) || diff_is_special(y))
		return diff_is_special(x) && diff_is_special(y) && diff_name_eq(ma, x, mb, y);
	return true;
}

/* ---- union-find over A's and B's VMAs ------------------------------------------ */

static uint32_t uf_find(struct uf *u, uint32_t i)
{
	while (u->parent[i] != i) {
		u->parent[i] = u->parent[u->parent[i]];
		i = u->parent[i];
	}
	return i;
}

static void uf_union(struct uf *u, uint32_t i, uint32_t j)
{
	i = uf_find(u, i);
	j = uf_find(u, j);
	if (i < j)
		u->parent[j] = i;
	else if (j < i)
		u->parent[i] = j;
}

/* ---- the work state ------------------------------------------------------------- */

#define NONE DIFF_NONE

/* The VMAs in address order; *smaps tells whether any has smaps values. */
static const struct vma **list_array(const struct vma_model *m, size_t *n, bool *smaps)
{
	const struct vma **arr = malloc((m->count + 1) * sizeof(*arr));
	const struct vma *v;
	size_t i = 0;

	*smaps = false;
	if (!arr)
		return NULL;
	for (v = m->first; v; v = v->next) {
		arr[i++] = v;
		*smaps |= v->smaps != VMA_NO_SMAPS;
	}
	*n = i;
	return arr;
}

static int work_init(struct diff_work *w, struct diff_result *r, const struct diff_opts *o)
{
	bool smaps_a, smaps_b;
	size_t total, i;

	memset(w, 0, sizeof(*w));
	w->r = r;
	w->o = o;
	w->a = r->a;
	w->b = r->b;
	w->va = list_array(w->a, &w->na, &smaps_a);
	w->vb = list_array(w->b, &w->nb, &smaps_b);
	r->t.usage = smaps_a && smaps_b;	/* the deltas mean something */
	total = w->na + w->nb + 1;
	w->uf.parent = malloc(total * sizeof(uint32_t));
	w->next = malloc(total * sizeof(uint32_t));
	w->tail = malloc(total * sizeof(uint32_t));
	w->cand_a = malloc((w->na + 1) * sizeof(uint32_t));
	w->cand_b = malloc((w->nb + 1) * sizeof(uint32_t));
	r->refs_a = malloc((w->na + 1) * sizeof(*r->refs_a));
	r->refs_b = malloc((w->nb + 1) * sizeof(*r->refs_b));
	if (!w->va || !w->vb || !w->uf.parent || !w->next || !w->tail ||
	    !w->cand_a || !w->cand_b || !r->refs_a || !r->refs_b)
		return -ENOMEM;
	for (i = 0; i < total; i++) {
		w->uf.parent[i] = (uint32_t)i;
		w->next[i] = NONE;
		w->tail[i] = NONE;
	}
	return 0;
}

static void work_release(struct diff_work *w)
{
	free(w->va);
	free(w->vb);
	free(w->uf.parent);
	free(w->next);
	free(w->tail);
	free(w->cand_a);
	free(w->cand_b);
}

struct diff_change *diff_change_new(struct diff_result *r)
{
	if (r->n == r->cap) {
		size_t cap = r->cap ? r->cap * 2 : 64;
		struct diff_change *c = realloc(r->changes, cap * sizeof(*c));

		if (!c)
			return NULL;
		r->changes = c;
		r->cap = cap;
	}
	memset(&r->changes[r->n], 0, sizeof(r->changes[0]));
	return &r->changes[r->n++];
}

/* Join every overlapping pair of the same backing (a two-pointer walk). */
static void join_overlaps(struct diff_work *w)
{
	size_t i = 0, j = 0;

	while (i < w->na && j < w->nb) {
		const struct vma *x = w->va[i], *y = w->vb[j];

		if (x->start < y->end && y->start < x->end &&
		    same_backing(w->a, x, w->b, y))
			uf_union(&w->uf, (uint32_t)i, (uint32_t)(w->na + j));
		if (x->end <= y->end)
			i++;
		else
			j++;
	}
}

/* Link members of each component in address order (A's first, then B's). */
static void link_components(struct diff_work *w)
{
	size_t i, total = w->na + w->nb;

	for (i = 0; i < total; i++) {
		uint32_t root = uf_find(&w->uf, (uint32_t)i);

		if (w->tail[root] != NONE)
			w->next[w->tail[root]] = (uint32_t)i;
		w->tail[root] = (uint32_t)i;
	}
}

/* ---- classifying one cluster ----------------------------------------------------- */

vmf_t diff_compared_flags(const struct vma *v)
{
	return v->flags & ~VMF_ACCESS;
}

/* Perms, flags and name of one overlapping (before, after) pair into c. */
static void compare_pair(const struct diff_work *w, struct diff_change *c,
			 const struct vma *x, const struct vma *y)
{
	if ((x->flags & (VMF_ACCESS | VMF(MAYSHARE))) != (y->flags & (VMF_ACCESS | VMF(MAYSHARE))))
		c->what |= DIFF_W_PERMS;
	if (!(x->bits & VMA_B_FLAGS_INFERRED) && !(y->bits & VMA_B_FLAGS_INFERRED)) {
		c->flags_added |= diff_compared_flags(y) & ~diff_compared_flags(x);
		c->flags_removed |= diff_compared_flags(x) & ~diff_compared_flags(y);
	}
	if (!diff_name_eq(w->a, x, w->b, y)) {
		if ((y->bits & VMA_B_DELETED) && !(x->bits & VMA_B_DELETED))
			c->what |= DIFF_W_DELETED;
		else
			c->what |= DIFF_W_RENAMED;
	}
}

/* Perms, flags and names of each overlapping (before, after) pair. */
static void compare_pairs(struct diff_work *w, struct diff_change *c)
{
	const struct diff_result *r = w->r;
	size_t i = 0, j = 0;

	while (i < c->na && j < c->nb) {
		const struct vma *x = diff_vma_a(r, c, i), *y = diff_vma_b(r, c, j);

		if (x->start < y->end && y->start < x->end)
			compare_pair(w, c, x, y);
		if (x->end <= y->end)
			i++;
		else
			j++;
	}
	if (c->flags_added || c->flags_removed)
		c->what |= DIFF_W_VMFLAGS;
}

static bool contiguous(const struct diff_result *r, const struct diff_change *c, bool after)
{
	size_t i, n = after ? c->nb : c->na;

	for (i = 1; i < n; i++) {
		const struct vma *p = after ? diff_vma_b(r, c, i - 1) : diff_vma_a(r, c, i - 1);
		const struct vma *q = after ? diff_vma_b(r, c, i) : diff_vma_a(r, c, i);

		if (p->end != q->start)
			return false;
	}
	return true;
}

static void classify_shape(struct diff_work *w, struct diff_change *c)
{
	const struct diff_result *r = w->r;
	uint64_t alo = diff_vma_a(r, c, 0)->start, ahi = diff_vma_a(r, c, c->na - 1)->end;
	uint64_t blo = diff_vma_b(r, c, 0)->start, bhi = diff_vma_b(r, c, c->nb - 1)->end;

	if (alo != blo)
		c->what |= DIFF_W_START;
	if (ahi != bhi)
		c->what |= DIFF_W_END;
	if (c->na == 1 && c->nb == 1) {
		if (alo == blo && ahi == bhi)
			c->kind = DIFF_SAME;
		else if (blo <= alo && bhi >= ahi)
			c->kind = DIFF_GROWN;
		else if (blo >= alo && bhi <= ahi)
			c->kind = DIFF_SHRUNK;
		else
			c->kind = DIFF_RESIZED;
	} else if (c->na == 1) {
		c->kind = DIFF_SPLIT;
		if (!contiguous(r, c, true))
			c->what |= DIFF_W_HOLE;
	} else if (c->nb == 1) {
		c->kind = DIFF_MERGED;
		if (!contiguous(r, c, false))
			c->what |= DIFF_W_HOLE;
	} else {
		c->kind = DIFF_RESHAPED;
		if (!contiguous(r, c, true) || !contiguous(r, c, false))
			c->what |= DIFF_W_HOLE;
	}
}

/* Whether a usage change of u is worth reporting. */
static bool usage_shown(const struct diff_work *w, const struct usage *u)
{
	if (w->o->ignore_usage)
		return false;
	return delta_shown(u->rss, w->o->min_delta) || delta_shown(u->pss, w->o->min_delta) ||
	       delta_shown(u->swap, w->o->min_delta) || delta_shown(u->dirty, w->o->min_delta);
}

void diff_change_usage(struct diff_work *w, struct diff_change *c)
{
	struct usage u = { 0 };
	size_t i;

	if (!w->r->t.usage)
		return;
	for (i = 0; i < c->na; i++)
		usage_add(&u, w->a, diff_vma_a(w->r, c, i), -1);
	for (i = 0; i < c->nb; i++)
		usage_add(&u, w->b, diff_vma_b(w->r, c, i), 1);
	c->rss = u.rss;
	c->pss = u.pss;
	c->swap = u.swap;
	c->dirty = u.dirty;
	if (usage_shown(w, &u))
		c->what |= DIFF_W_USAGE;
}

/*
 * A one-to-one component with nothing to report (same range, perms, flags,
 * name, usage): what add_component would find and drop, found without
 * recording a change first (most of a large process is like this).
 */
static bool pair_unchanged(const struct diff_work *w, const struct vma *x, const struct vma *y)
{
	struct diff_change c;
	struct usage u = { 0 };

	if (x->start != y->start || x->end != y->end)
		return false;
	memset(&c, 0, sizeof(c));
	compare_pair(w, &c, x, y);
	if (c.what || c.flags_added || c.flags_removed)
		return false;
	if (!w->r->t.usage)
		return true;
	usage_add(&u, w->a, x, -1);
	usage_add(&u, w->b, y, 1);
	return !usage_shown(w, &u);
}

/* Record the component starting at member first (a root seen for the first time). */
static int add_component(struct diff_work *w, uint32_t first)
{
	struct diff_result *r = w->r;
	struct diff_change *c;
	uint32_t k;
	size_t na = 0, nb = 0;

	for (k = first; k != NONE; k = w->next[k])
		k < w->na ? na++ : nb++;
	if (nb == 0 && na == 1) {
		w->cand_a[w->ncand_a++] = first;
		return 0;
	}
	if (na == 0 && nb == 1) {
		w->cand_b[w->ncand_b++] = first - (uint32_t)w->na;
		return 0;
	}
	if (na == 1 && nb == 1 && first < w->na &&
	    pair_unchanged(w, w->va[first], w->vb[w->next[first] - w->na])) {
		r->t.unchanged++;
		return 0;
	}
	c = diff_change_new(r);
	if (!c)
		return -ENOMEM;
	c->a_first = (uint32_t)r->nrefs_a;
	c->b_first = (uint32_t)r->nrefs_b;
	for (k = first; k != NONE; k = w->next[k]) {
		if (k < w->na)
			r->refs_a[r->nrefs_a++] = w->va[k];
		else
			r->refs_b[r->nrefs_b++] = w->vb[k - w->na];
	}
	c->na = (uint32_t)na;
	c->nb = (uint32_t)nb;
	classify_shape(w, c);
	compare_pairs(w, c);
	diff_change_usage(w, c);
	if (c->kind == DIFF_SAME && c->what == 0) {
		r->t.unchanged++;
		r->n--;		/* nothing to report; its refs stay unused */
		r->nrefs_a -= na;
		r->nrefs_b -= nb;
	}
	return 0;
}

static int walk_components(struct diff_work *w)
{
	size_t i, total = w->na + w->nb;
	int rc;

	/* Components are visited at their first member in A order, then B order;
	 * a root is "seen" when w->tail[root] is reset to NONE. */
	for (i = 0; i < total; i++) {
		uint32_t root = uf_find(&w->uf, (uint32_t)i);

		if (w->tail[root] == NONE)
			continue;
		w->tail[root] = NONE;
		rc = add_component(w, (uint32_t)i);
		if (rc)
			return rc;
	}
	return 0;
}

/* Drop the paired (NONE) entries. */
static void compact(uint32_t *v, size_t *n)
{
	size_t i, k = 0;

	for (i = 0; i < *n; i++)
		if (v[i] != NONE)
			v[k++] = v[i];
	*n = k;
}

static int add_singles(struct diff_work *w)
{
	struct diff_result *r = w->r;
	size_t i;

	for (i = 0; i < w->ncand_a; i++) {
		struct diff_change *c = diff_change_new(r);

		if (!c)
			return -ENOMEM;
		c->kind = DIFF_REMOVED;
		c->a_first = (uint32_t)r->nrefs_a;
		r->refs_a[r->nrefs_a++] = w->va[w->cand_a[i]];
		c->na = 1;
		diff_change_usage(w, c);
	}
	for (i = 0; i < w->ncand_b; i++) {
		struct diff_change *c = diff_change_new(r);

		if (!c)
			return -ENOMEM;
		c->kind = DIFF_ADDED;
		c->b_first = (uint32_t)r->nrefs_b;
		r->refs_b[r->nrefs_b++] = w->vb[w->cand_b[i]];
		c->nb = 1;
		diff_change_usage(w, c);
	}
	return 0;
}

static int cmp_u64(uint64_t x, uint64_t y)
{
	return x < y ? -1 : x > y;
}

/* ---- ordering and totals -------------------------------------------------------- */

static uint64_t change_addr(const struct diff_result *r, const struct diff_change *c)
{
	return c->na ? diff_vma_a(r, c, 0)->start : diff_vma_b(r, c, 0)->start;
}

static int change_cmp(const void *p, const void *q, void *arg)
{
	const struct diff_result *r = arg;
	const struct diff_change *x = p, *y = q;
	int c = cmp_u64(change_addr(r, x), change_addr(r, y));

	return c ? c : cmp_u64(x->kind, y->kind);
}

static void totals(struct diff_work *w)
{
	struct diff_result *r = w->r;
	struct usage u = { 0 };
	size_t i;

	r->t.count_a = w->na;
	r->t.count_b = w->nb;
	for (i = 0; i < r->n; i++) {
		const struct diff_change *c = &r->changes[i];

		if (c->kind == DIFF_ADDED)
			r->t.added += c->nb;
		else if (c->kind == DIFF_REMOVED)
			r->t.removed += c->na;
		else
			r->t.changed++;
	}
	if (!r->t.usage)
		return;
	for (i = 0; i < w->na; i++)
		usage_add(&u, w->a, w->va[i], -1);
	for (i = 0; i < w->nb; i++)
		usage_add(&u, w->b, w->vb[i], 1);
	r->t.rss = u.rss;
	r->t.pss = u.pss;
	r->t.swap = u.swap;
	r->t.dirty = u.dirty;
}

int diff_models(const struct vma_model *a, const struct vma_model *b,
		const struct diff_opts *o, struct diff_result *r)
{
	static const struct diff_opts defaults;
	struct diff_work w;
	int rc;

	diff_result_release(r);
	r->a = a;
	r->b = b;
	rc = work_init(&w, r, o ? o : &defaults);
	if (rc == 0) {
		join_overlaps(&w);
		link_components(&w);
		rc = walk_components(&w);
	}
	if (rc == 0)
		rc = diff_match_moves(&w, true);
	if (rc == 0) {
		compact(w.cand_a, &w.ncand_a);
		compact(w.cand_b, &w.ncand_b);
		rc = diff_match_moves(&w, false);
	}
	if (rc == 0) {
		compact(w.cand_a, &w.ncand_a);
		compact(w.cand_b, &w.ncand_b);
		rc = diff_match_part_moves(&w);
	}
	if (rc == 0) {
		compact(w.cand_b, &w.ncand_b);
		rc = add_singles(&w);
	}
	if (rc == 0) {
		if (r->n > 1)	/* changes is NULL when nothing changed */
			qsort_r(r->changes, r->n, sizeof(*r->changes), change_cmp, r);
		totals(&w);
	}
	work_release(&w);
	return rc;
}

/* ---- equality as /proc shows it --------------------------------------------------- */

static bool vma_equal(const struct vma_model *ma, const struct vma *x,
		      const struct vma_model *mb, const struct vma *y,
		      bool ignore_names, const char **what)
{
	*what = NULL;
	if (x->start != y->start || x->end != y->end)
		*what = "range";
	else if ((x->flags ^ y->flags) & (VMF_ACCESS | VMF(MAYSHARE)))
		*what = "permissions";
	else if (x->flags != y->flags && !((x->bits | y->bits) & VMA_B_FLAGS_INFERRED))
		*what = "VmFlags";
	else if (diff_is_file(x) != diff_is_file(y) || (diff_is_file(x) && x->pgoff * ma->p.page_size !=
					      y->pgoff * mb->p.page_size))
		*what = "offset";
	else if (x->dev != y->dev || x->inode != y->inode)
		*what = "device or inode";
	else if (!ignore_names && !diff_name_eq(ma, x, mb, y))
		*what = "name";
	return *what == NULL;
}

bool diff_models_equal(const struct vma_model *a, const struct vma_model *b,
		       bool ignore_names, char *why, size_t whylen)
{
	const struct vma *x = a->first, *y = b->first;
	const char *what;

	for (; x && y; x = x->next, y = y->next) {
		if (!vma_equal(a, x, b, y, ignore_names, &what)) {
			char fx[3 * 64 + 1], fy[3 * 64 + 1];

			vmf_format(x->flags, fx, sizeof(fx));
			vmf_format(y->flags, fy, sizeof(fy));
			snprintf(why, whylen, "%s differs at %llx-%llx: got %llx-%llx [%.*s], "
				 "expected %llx-%llx [%.*s]", what,
				 (unsigned long long)y->start, (unsigned long long)y->end,
				 (unsigned long long)x->start, (unsigned long long)x->end,
				 (int)(strlen(fx) ? strlen(fx) - 1 : 0), fx,
				 (unsigned long long)y->start, (unsigned long long)y->end,
				 (int)(strlen(fy) ? strlen(fy) - 1 : 0), fy);
			return false;
		}
	}
	if (x || y) {
		const struct vma *v = x ? x : y;

		snprintf(why, whylen, "%s VMA %llx-%llx", x ? "extra" : "missing",
			 (unsigned long long)v->start, (unsigned long long)v->end);
		return false;
	}
	return true;
}
