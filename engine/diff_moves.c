/*
 * diff_moves.c - finding moves (mremap) among the VMAs the overlap pass of
 * diff_models() left over: a removed and an added VMA of the same file and
 * offset; anonymous ones of the same size, flags and name, unique on both
 * sides or told apart by their neighbourhoods (likely); an added anonymous
 * VMA that is the one piece a shrunk or split VMA lost (a likely move of
 * part of a VMA).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "diff_int.h"

struct move_ctx {
	const struct vma_model *m;
	const struct vma **v;
	bool by_size;
};

static int cmp_u64(uint64_t x, uint64_t y)
{
	return x < y ? -1 : x > y;
}

static int cmp_names(const struct vma_model *ma, const struct vma *x,
		     const struct vma_model *mb, const struct vma *y)
{
	size_t lx = vma_name_len(ma, x->name), ly = vma_name_len(mb, y->name);
	int c = memcmp(vma_name(ma, x->name), vma_name(mb, y->name), lx < ly ? lx : ly);

	return c ? c : cmp_u64(lx, ly);
}

/* The key of a move: file, device, inode, page offset; or anon size, flags, name. */
static int move_key_cmp(const struct vma_model *ma, const struct vma *x,
			const struct vma_model *mb, const struct vma *y, bool by_size)
{
	int c;

	if ((c = cmp_u64(diff_is_file(x), diff_is_file(y))) || (c = cmp_u64(diff_is_shared(x), diff_is_shared(y))))
		return c;
	if (diff_is_file(x)) {
		if ((c = cmp_u64(x->dev, y->dev)) || (c = cmp_u64(x->inode, y->inode)))
			return c;
		return cmp_u64(x->pgoff, y->pgoff);
	}
	if (by_size && (c = cmp_u64(x->end - x->start, y->end - y->start)))
		return c;
	if ((c = cmp_u64(x->flags, y->flags)))
		return c;
	return cmp_names(ma, x, mb, y);
}

static int cand_cmp(const void *p, const void *q, void *arg)
{
	const struct move_ctx *mc = arg;
	const struct vma *x = mc->v[*(const uint32_t *)p], *y = mc->v[*(const uint32_t *)q];
	int c = move_key_cmp(mc->m, x, mc->m, y, mc->by_size);

	return c ? c : cmp_u64(x->start, y->start);
}

static int add_pair(struct diff_work *w, uint32_t ia, uint32_t ib, bool likely)
{
	struct diff_result *r = w->r;
	struct diff_change *c = diff_change_new(r);
	const struct vma *x = w->va[ia], *y = w->vb[ib];

	if (!c)
		return -ENOMEM;
	c->kind = DIFF_MOVED;
	c->a_first = (uint32_t)r->nrefs_a;
	c->b_first = (uint32_t)r->nrefs_b;
	r->refs_a[r->nrefs_a++] = x;
	r->refs_b[r->nrefs_b++] = y;
	c->na = c->nb = 1;
	c->from_start = x->start;
	c->from_end = x->end;
	if (likely)
		c->what |= DIFF_W_LIKELY;
	if (x->end - x->start != y->end - y->start)
		c->what |= DIFF_W_SIZE;
	/* compare attributes as if in place */
	if ((x->flags & VMF_ACCESS) != (y->flags & VMF_ACCESS))
		c->what |= DIFF_W_PERMS;
	if (!(x->bits & VMA_B_FLAGS_INFERRED) && !(y->bits & VMA_B_FLAGS_INFERRED)) {
		c->flags_added = diff_compared_flags(y) & ~diff_compared_flags(x);
		c->flags_removed = diff_compared_flags(x) & ~diff_compared_flags(y);
		if (c->flags_added || c->flags_removed)
			c->what |= DIFF_W_VMFLAGS;
	}
	if (!diff_name_eq(w->a, x, w->b, y))
		c->what |= (y->bits & VMA_B_DELETED) && !(x->bits & VMA_B_DELETED) ?
			   DIFF_W_DELETED : DIFF_W_RENAMED;
	diff_change_usage(w, c);
	return 0;
}

/* Neighbours alike: both absent, or the same permissions, flags and name. */
static bool neighbour_eq(const struct vma_model *ma, const struct vma *x,
			 const struct vma_model *mb, const struct vma *y)
{
	if (!x || !y)
		return !x && !y;
	return x->flags == y->flags && diff_name_eq(ma, x, mb, y);
}

static bool neighbourhood_eq(const struct diff_work *w, const struct vma *x, const struct vma *y)
{
	return neighbour_eq(w->a, x->prev, w->b, y->prev) && neighbour_eq(w->a, x->next, w->b, y->next);
}

/* How many of cand[lo..hi) (of side a or b) have y's (or x's) neighbourhood. */
static size_t alike(const struct diff_work *w, bool side_a, size_t lo, size_t hi,
		    const struct vma *v)
{
	size_t k, n = 0;

	for (k = lo; k < hi; k++) {
		uint32_t idx = side_a ? w->cand_a[k] : w->cand_b[k];

		if (idx != DIFF_NONE && (side_a ? neighbourhood_eq(w, w->va[idx], v)
					       : neighbourhood_eq(w, v, w->vb[idx])))
			n++;
	}
	return n;
}

/*
 * Several anonymous candidates with one key: pair a removed and an added
 * VMA when their neighbourhoods (the VMAs on either side) are alike and
 * alike in no other candidate of the group.  Groups are small; capped.
 */
static int pair_by_neighbours(struct diff_work *w, size_t i, size_t ei, size_t j, size_t ej)
{
	size_t a, b;
	int rc;

	if (ei - i > 64 || ej - j > 64)
		return 0;
	for (b = j; b < ej; b++) {
		const struct vma *y = w->vb[w->cand_b[b]];

		if (alike(w, true, i, ei, y) != 1)
			continue;
		for (a = i; a < ei; a++) {
			const struct vma *x;

			if (w->cand_a[a] == DIFF_NONE)
				continue;
			x = w->va[w->cand_a[a]];
			if (!neighbourhood_eq(w, x, y) || alike(w, false, j, ej, x) != 1 ||
			    x->start == y->start)
				continue;
			rc = add_pair(w, w->cand_a[a], w->cand_b[b], true);
			if (rc)
				return rc;
			w->cand_a[a] = DIFF_NONE;
			w->cand_b[b] = DIFF_NONE;
			break;
		}
	}
	return 0;
}

/*
 * Pair left-over removed and added VMAs with equal keys.  Files pair in
 * address order within a key; anonymous memory only when the key is unique
 * on both sides.  Paired entries are set to DIFF_NONE.
 */
int diff_match_moves(struct diff_work *w, bool by_size)
{
	struct move_ctx ca = { w->a, w->va, by_size }, cb = { w->b, w->vb, by_size };
	size_t i = 0, j = 0;
	int rc;

	qsort_r(w->cand_a, w->ncand_a, sizeof(uint32_t), cand_cmp, &ca);
	qsort_r(w->cand_b, w->ncand_b, sizeof(uint32_t), cand_cmp, &cb);
	while (i < w->ncand_a && j < w->ncand_b) {
		const struct vma *x = w->va[w->cand_a[i]], *y = w->vb[w->cand_b[j]];
		int c = move_key_cmp(w->a, x, w->b, y, by_size);
		size_t ei = i, ej = j;

		if (c < 0) {
			i++;
			continue;
		}
		if (c > 0) {
			j++;
			continue;
		}
		while (ei < w->ncand_a && move_key_cmp(w->a, w->va[w->cand_a[ei]], w->a, x, by_size) == 0)
			ei++;
		while (ej < w->ncand_b && move_key_cmp(w->b, w->vb[w->cand_b[ej]], w->b, y, by_size) == 0)
			ej++;
		if (!diff_is_file(x) && !diff_is_special(x) && (ei - i > 1 || ej - j > 1)) {
			rc = pair_by_neighbours(w, i, ei, j, ej);
			if (rc)
				return rc;
		} else if (diff_is_file(x) || (ei - i == 1 && ej - j == 1 && !diff_is_special(x))) {
			size_t k;

			for (k = 0; i + k < ei && j + k < ej; k++) {
				if (w->va[w->cand_a[i + k]]->start == w->vb[w->cand_b[j + k]]->start)
					continue;
				rc = add_pair(w, w->cand_a[i + k], w->cand_b[j + k], !diff_is_file(x));
				if (rc)
					return rc;
				w->cand_a[i + k] = DIFF_NONE;
				w->cand_b[j + k] = DIFF_NONE;
			}
		}
		i = ei;
		j = ej;
	}
	return 0;
}

/*
 * The one range of a's single VMA that no after-VMA of c covers; false if
 * there is not exactly one.
 */
static bool lost_range(const struct diff_result *r, const struct diff_change *c,
		       uint64_t *lo, uint64_t *hi)
{
	const struct vma *x = diff_vma_a(r, c, 0);
	uint64_t p = x->start;
	int n = 0;
	uint32_t i;

	for (i = 0; i <= c->nb; i++) {
		uint64_t s = i < c->nb ? diff_vma_b(r, c, i)->start : x->end;

		if (s > x->end)
			s = x->end;
		if (s > p) {
			*lo = p;
			*hi = s;
			n++;
		}
		if (i < c->nb && diff_vma_b(r, c, i)->end > p)
			p = diff_vma_b(r, c, i)->end;
	}
	return n == 1;
}

static bool part_matches(struct diff_work *w, const struct diff_change *c, const struct vma *y)
{
	const struct vma *x = diff_vma_a(w->r, c, 0);
	uint64_t lo, hi;

	if (c->na != 1 || (c->kind != DIFF_SHRUNK && c->kind != DIFF_SPLIT) ||
	    x->flags != y->flags || !diff_name_eq(w->a, x, w->b, y) || !lost_range(w->r, c, &lo, &hi))
		return false;
	return hi - lo == y->end - y->start;
}

/*
 * Left-over added anonymous VMAs that are the piece a shrunk or split VMA
 * lost: mremap of part of a VMA.  Quadratic in the worst case, so only tried
 * when the left-overs are few.
 */
int diff_match_part_moves(struct diff_work *w)
{
	struct diff_result *r = w->r;
	size_t i, k, nchanges = r->n;
	bool *used;

	if (w->ncand_b * nchanges > 4000000 || !nchanges)
		return 0;
	used = calloc(nchanges, sizeof(*used));	/* a lost piece moves once */
	if (!used)
		return -ENOMEM;
	for (i = 0; i < w->ncand_b; i++) {
		const struct vma *y = w->vb[w->cand_b[i]];

		if (diff_is_file(y) || diff_is_special(y))
			continue;
		for (k = 0; k < nchanges; k++) {
			struct diff_change *c = &r->changes[k], *m;
			uint64_t lo, hi;

			if (used[k] || !part_matches(w, c, y))
				continue;
			lost_range(r, c, &lo, &hi);
			m = diff_change_new(r);
			if (!m) {
				free(used);
				return -ENOMEM;
			}
			used[k] = true;
			c = &r->changes[k];	/* diff_change_new may have moved the array */
			m->kind = DIFF_MOVED;
			m->what = DIFF_W_LIKELY | DIFF_W_PART;
			m->a_first = c->a_first;	/* shares the before VMA of c */
			m->na = 1;
			m->b_first = (uint32_t)r->nrefs_b;
			r->refs_b[r->nrefs_b++] = y;
			m->nb = 1;
			m->from_start = lo;
			m->from_end = hi;
			w->cand_b[i] = DIFF_NONE;
			break;
		}
	}
	free(used);
	return 0;
}

