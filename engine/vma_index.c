/*
 * vma_index.c - a read-mostly index that makes vma_find fast on a model
 * that has stopped changing (a snapshot being queried, a benchmark).
 *
 * A red-black tree of 65,000 VMAs of 112 bytes is 7 MiB: a random lookup
 * walks about 16 nodes, most of them cache misses.  Once enough tree walks
 * have been made since the last change to the tree (an eighth of the VMA
 * count), vma_find builds this index: the VMAs' end addresses in Eytzinger
 * order (the array holds a complete binary search tree level by level:
 * children of k at 2k and 2k+1), 8 bytes a VMA, plus parallel arrays of
 * starts and VMA pointers, so that vma_find can fill its cache slot without
 * touching the VMA itself.  A search then touches one small array, and prefetching the
 * descendants four levels down overlaps its cache misses.
 *
 * The index describes the tree at one m->seq; any change to the tree makes
 * it stale and vma_find goes back to the tree (and the 4-slot cache) until
 * enough lookups pay for a rebuild.  Building is O(n); the tree stays the
 * source of truth and vma_validate checks the index against it.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "vma.h"
#include "vma_internal.h"

struct vma_find_index {
	uint64_t seq;		/* the model's seq when built or counted */
	uint64_t walks;		/* tree walks since then */
	bool built;
	size_t n, cap;
	uint64_t *end;		/* [1..n] in Eytzinger order */
	uint64_t *start;	/* [1..n], the same VMA's start */
	struct vma **vma;	/* [1..n], the VMA whose end it is */
};

void index_free(struct vma_find_index *ix)
{
	if (ix == NULL)
		return;
	free(ix->end);
	free(ix->start);
	free(ix->vma);
	free(ix);
}

/* Fill slot k's subtree in order from the list; returns the next VMA. */
static struct vma *fill(struct vma_find_index *ix, size_t k, struct vma *v)
{
	if (k > ix->n)
		return v;
	v = fill(ix, 2 * k, v);
	ix->end[k] = v->end;
	ix->start[k] = v->start;
	ix->vma[k] = v;
	return fill(ix, 2 * k + 1, v->next);
}

static int build(struct vma_find_index *ix, const struct vma_model *m)
{
	if (m->count + 1 > ix->cap) {
		size_t cap = m->count + 1 + m->count / 4;
		uint64_t *end = malloc(cap * sizeof(*end));
		uint64_t *start = malloc(cap * sizeof(*start));
		struct vma **vma = malloc(cap * sizeof(*vma));

		if (end == NULL || start == NULL || vma == NULL) {
			free(end);
			free(start);
			free(vma);
			return -ENOMEM;
		}
		free(ix->end);
		free(ix->start);
		free(ix->vma);
		ix->end = end;
		ix->start = start;
		ix->vma = vma;
		ix->cap = cap;
	}
	ix->n = m->count;
	fill(ix, 1, m->first);
	ix->built = true;
	return 0;
}

/* Slot of the first VMA with end > addr, 0 if none. */
static size_t search(const struct vma_find_index *ix, uint64_t addr)
{
	const uint64_t *end = ix->end;
	size_t k = 1, n = ix->n;

	while (k <= n) {
		/* The 16 great-great-grandchildren of k share a cache line or two. */
		__builtin_prefetch((const char *)end + 16 * k * sizeof(*end));
		k = 2 * k + (end[k] <= addr);
	}
	/* Undo the right turns taken after the last left turn. */
	return k >> __builtin_ffsll((long long)~k);
}

/* The answer from slot k, with its bounds. */
static struct vma *answer(const struct vma_find_index *ix, size_t k, uint64_t bounds[2])
{
	if (k == 0) {
		bounds[0] = bounds[1] = 0;
		return NULL;
	}
	bounds[0] = ix->start[k];
	bounds[1] = ix->end[k];
	return ix->vma[k];
}

static struct vma *tree_answer(const struct vma_model *m, uint64_t addr, uint64_t bounds[2])
{
	struct vma *v = vma_find_nocache(m, addr);

	bounds[0] = v ? v->start : 0;
	bounds[1] = v ? v->end : 0;
	return v;
}

struct vma *index_find(struct vma_model *m, uint64_t addr, uint64_t bounds[2])
{
	struct vma_find_index *ix = m->index;

	if (ix == NULL) {
		ix = m->index = calloc(1, sizeof(*ix));
		if (ix == NULL)
			return tree_answer(m, addr, bounds);
		ix->seq = m->seq;
	}
	if (ix->seq != m->seq) {
		ix->seq = m->seq;
		ix->built = false;
		ix->walks = 0;
	}
	if (ix->built || (++ix->walks > m->count / 8 + 64 && build(ix, m) == 0))
		return answer(ix, search(ix, addr), bounds);
	/* Not yet worth building, or no memory for it: the tree answers. */
	return tree_answer(m, addr, bounds);
}

size_t index_bytes(const struct vma_model *m)
{
	const struct vma_find_index *ix = m->index;

	return ix ? sizeof(*ix) + ix->cap * (sizeof(*ix->end) + sizeof(*ix->start) +
					     sizeof(*ix->vma)) : 0;
}

bool index_is_built(const struct vma_model *m)
{
	return m->index != NULL && m->index->built && m->index->seq == m->seq;
}

/* In-order walk of the index against the list. */
static const struct vma *check_order(const struct vma_find_index *ix, size_t k,
				     const struct vma *v, bool *bad)
{
	if (k > ix->n || *bad)
		return v;
	v = check_order(ix, 2 * k, v, bad);
	if (v == NULL || ix->vma[k] != v || ix->end[k] != v->end || ix->start[k] != v->start) {
		*bad = true;
		return v;
	}
	return check_order(ix, 2 * k + 1, v->next, bad);
}

int index_check(const struct vma_model *m, char *err, size_t errlen)
{
	const struct vma_find_index *ix = m->index;
	bool bad = false;

	if (!index_is_built(m))
		return 0;
	if (ix->n != m->count) {
		snprintf(err, errlen, "find index holds %zu vmas, the tree %zu", ix->n, m->count);
		return -EFAULT;
	}
	if (check_order(ix, 1, m->first, &bad) != NULL || bad) {
		snprintf(err, errlen, "find index differs from the tree");
		return -EFAULT;
	}
	return 0;
}
