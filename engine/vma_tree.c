/*
 * vma_tree.c - the model's VMA tree: allocation, linking, lookup, free gaps.
 *
 * VMAs sit in a red-black tree keyed by address (rbtree.c) and in a doubly
 * linked list in address order.  Each node caches subtree_gap, the largest
 * free gap found below any VMA of its subtree, where a VMA's gap is the space
 * between the previous VMA's end and its own start, less the stack guard gap
 * when it grows down:
 *
 *        prev                 gap(v)               v
 *   [..........)<--------------------------->|guard|[..........)
 *            prev->end                 vm_start_gap(v)  v->start
 *
 * With it, a search for a free range of a given length skips every subtree
 * whose largest gap is too small: O(log n) (vma_gap_highest/lowest).  A
 * VMA's gap depends on its predecessor, so every change to the tree fixes
 * the cached values on the paths of the VMA itself and of its successor.
 *
 * vma_find() first tries a 4-slot cache hashed by page number (as the old
 * kernel vmacache): the slots are forgotten whenever m->seq has moved on
 * (every insert, erase, set_bounds and clear bumps it).  On a miss, a model
 * that has stopped changing answers from the find index (vma_index.c).
 * vma_validate() is in vma_validate.c.
 *
 * struct vma comes from a pool of slabs with a free list, so that a model of
 * 65,000 VMAs costs 65,000 * 112 bytes plus a few slab headers.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "vma.h"
#include "vma_internal.h"
#include "vma_ops.h"

/* ---- the pool ----------------------------------------------------------- */

#define SLAB_FIRST	64
#define SLAB_MAX	4096
#define SLAB_HUGE	(UINT64_C(2) << 20)	/* slabs of a big model: one huge page */
#define SLAB_HUGE_AFTER	1024			/* VMAs before slabs go huge */

struct vma_slab {
	struct vma_slab *next;
	size_t n;
	size_t mapped;		/* bytes of a huge slab's own mapping, 0 = malloc'd */
	struct vma v[];
};

/*
 * A slab of SLAB_HUGE bytes on a boundary of its size, the kernel asked for
 * one huge page there (a big model then takes a page fault per 2 MiB, not
 * per 4 KiB: faults were a third of reading 65,000 VMAs).  NULL if that
 * cannot be had: the caller uses malloc.
 */
static struct vma_slab *huge_slab_alloc(void)
{
	size_t len = 2 * SLAB_HUGE;
	char *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	uintptr_t at, head;
	struct vma_slab *slab;

	if (p == MAP_FAILED)
		return NULL;
	at = ((uintptr_t)p + SLAB_HUGE - 1) & ~(uintptr_t)(SLAB_HUGE - 1);
	head = at - (uintptr_t)p;
	if (head)
		munmap(p, head);
	if (len - head > SLAB_HUGE)
		munmap((char *)at + SLAB_HUGE, len - head - SLAB_HUGE);
#ifdef MADV_HUGEPAGE
	madvise((void *)at, SLAB_HUGE, MADV_HUGEPAGE);	/* a hint: fine if refused */
#endif
	slab = (struct vma_slab *)at;
	slab->mapped = SLAB_HUGE;
	slab->n = (SLAB_HUGE - sizeof(*slab)) / sizeof(struct vma);
	return slab;
}

static void slab_free(struct vma_slab *slab)
{
	if (slab->mapped)
		munmap(slab, slab->mapped);
	else
		free(slab);
}

struct vma_pool {
	struct vma_slab *slabs;
	struct vma *free;		/* linked through ->next */
	struct vma *fresh, *fresh_end;	/* never used yet, in the newest slab */
	size_t total;			/* VMAs in all slabs */
	size_t bytes;			/* bytes in all slabs */
};

static int pool_grow(struct vma_pool *pool)
{
	size_t n = pool->total < SLAB_FIRST ? SLAB_FIRST : pool->total;
	struct vma_slab *slab;

	if (n > SLAB_MAX)
		n = SLAB_MAX;
	slab = pool->total >= SLAB_HUGE_AFTER ? huge_slab_alloc() : NULL;
	if (slab != NULL) {
		n = slab->n;
	} else {
		slab = malloc(sizeof(*slab) + n * sizeof(struct vma));
		if (slab == NULL)
			return -ENOMEM;
		slab->n = n;
		slab->mapped = 0;
	}
	slab->next = pool->slabs;
	pool->slabs = slab;
	pool->total += n;
	pool->bytes += sizeof(*slab) + n * sizeof(struct vma);
	/* handed out in address order from there: no pass over the slab now */
	pool->fresh = slab->v;
	pool->fresh_end = slab->v + n;
	return 0;
}

static void pool_free_all(struct vma_pool *pool)
{
	struct vma_slab *s, *next;

	if (pool == NULL)
		return;
	for (s = pool->slabs; s != NULL; s = next) {
		next = s->next;
		slab_free(s);
	}
	free(pool);
}

struct vma *vma_alloc(struct vma_model *m)
{
	struct vma_pool *pool = m->pool;
	struct vma *v;

	if (pool->free != NULL) {
		v = pool->free;
		pool->free = v->next;
	} else {
		if (pool->fresh == pool->fresh_end && pool_grow(pool) < 0)
			return NULL;
		v = pool->fresh++;
	}
	memset(v, 0, sizeof(*v));
	v->smaps = VMA_NO_SMAPS;
	v->pkey = -1;
	return v;
}

void vma_free(struct vma_model *m, struct vma *v)
{
	if (v == NULL)
		return;
	vma_smaps_drop(m, v);
	v->next = m->pool->free;
	m->pool->free = v;
}

/* ---- lifecycle ---------------------------------------------------------- */

void vma_params_default(struct vma_params *p)
{
	memset(p, 0, sizeof(*p));
	p->page_size = 4096;
	p->task_size = 0x7ffffffff000ULL;
	p->mmap_min_addr = 4096;
	p->mmap_base = 0x7f0000000000ULL;	/* the cli sets the real one */
	p->stack_guard_gap = 256 * 4096;
	p->max_map_count = 65530;
	p->thp = VMA_THP_ALWAYS;
	p->shmem_thp = VMA_SHMEM_THP_NEVER;
	p->zero_page = true;
	p->mseal_supported = true;
}

int vma_model_init(struct vma_model *m, const struct vma_params *p)
{
	memset(m, 0, sizeof(*m));
	if (p != NULL)
		m->p = *p;
	else
		vma_params_default(&m->p);
	if (m->p.page_size == 0 || (m->p.page_size & (m->p.page_size - 1)) != 0)
		return -EINVAL;
	m->next_file_id = 1;
	m->next_anon_vma_id = 1;
	m->names = intern_new();
	m->smaps = smaps_store_new();
	m->pool = calloc(1, sizeof(*m->pool));
	if (m->names == NULL || m->smaps == NULL || m->pool == NULL) {
		vma_model_release(m);
		return -ENOMEM;
	}
	return 0;
}

void vma_model_release(struct vma_model *m)
{
	pool_free_all(m->pool);
	index_free(m->index);
	intern_free(m->names);
	smaps_store_free(m->smaps);
	pages_release(m);
	memset(m, 0, sizeof(*m));
}

void vma_model_clear(struct vma_model *m)
{
	struct vma *v, *next;

	for (v = m->first; v != NULL; v = next) {
		next = v->next;
		v->next = m->pool->free;
		m->pool->free = v;
	}
	smaps_store_clear(m->smaps);
	pages_clear(m);
	m->root = RB_ROOT_INIT;
	m->first = m->last = NULL;
	m->count = 0;
	m->seq++;
}

/*
 * The rbtree callbacks get no context, so the entry points that change the
 * tree publish the model's guard gap here first (the gap augmentation below).
 */
static _Thread_local uint64_t tree_guard_gap;
static void gap_recompute_all(struct rb_node *n);

/*
 * Copy src's VMAs, already in order and apart, into the empty dst: linked
 * in a list and built into a balanced tree in O(n), instead of n searches
 * and rebalancings (a disagreement of sim with its log copies 65,000 VMAs).
 */
static int copy_vmas(struct vma_model *dst, const struct vma_model *src)
{
	struct rb_node **nodes = malloc((src->count ? src->count : 1) * sizeof(*nodes));
	struct vma *prev = NULL;
	size_t n = 0;

	if (nodes == NULL)
		return -ENOMEM;
	for (const struct vma *v = src->first; v != NULL && n < src->count; v = v->next) {
		struct vma *w = vma_alloc(dst);

		if (w == NULL) {
			free(nodes);
			return -ENOMEM;
		}
		*w = *v;
		w->prev = prev;
		w->next = NULL;
		if (prev != NULL)
			prev->next = w;
		else
			dst->first = w;
		prev = w;
		nodes[n++] = &w->rb;
	}
	dst->last = prev;
	dst->count = n;
	rb_build_sorted(&dst->root, nodes, n);
	free(nodes);
	tree_guard_gap = dst->p.stack_guard_gap;
	gap_recompute_all(dst->root.node);
	return 0;
}

int vma_model_copy(struct vma_model *dst, const struct vma_model *src)
{
	int err = vma_model_init(dst, &src->p);

	if (err < 0)
		return err;
	intern_free(dst->names);
	smaps_store_free(dst->smaps);
	dst->names = intern_copy(src->names);
	dst->smaps = smaps_store_copy(src->smaps);
	if (dst->names == NULL || dst->smaps == NULL || pages_copy(dst, src) < 0)
		goto oom;
	dst->def_flags = src->def_flags;
	dst->next_file_id = src->next_file_id;
	dst->next_anon_vma_id = src->next_anon_vma_id;
	if (copy_vmas(dst, src) < 0)
		goto oom;
	dst->seq = src->seq;
	return 0;
oom:
	vma_model_release(dst);
	return -ENOMEM;
}

int vma_model_assign(struct vma_model *dst, const struct vma_model *src)
{
	struct vma_intern *names = intern_copy(src->names);
	struct vma_smaps_store *smaps = smaps_store_copy(src->smaps);
	struct vma_model pages = { .guards = NULL };

	if (names == NULL || smaps == NULL || pages_copy(&pages, src) < 0) {
		intern_free(names);
		smaps_store_free(smaps);
		return -ENOMEM;
	}
	vma_model_clear(dst);	/* its VMAs go to its pool's free list: no new memory */
	intern_free(dst->names);
	smaps_store_free(dst->smaps);
	pages_release(dst);
	index_free(dst->index);
	dst->names = names;
	dst->smaps = smaps;
	dst->guards = pages.guards;
	dst->objsizes = pages.objsizes;
	dst->nguards = dst->capguards = pages.nguards;
	dst->nobjsizes = dst->capobjsizes = pages.nobjsizes;
	dst->index = NULL;
	memset(&dst->cache, 0, sizeof(dst->cache));
	dst->p = src->p;
	dst->def_flags = src->def_flags;
	dst->next_file_id = src->next_file_id;
	dst->next_anon_vma_id = src->next_anon_vma_id;
	if (copy_vmas(dst, src) < 0) {
		vma_model_clear(dst);
		return -ENOMEM;
	}
	dst->seq = src->seq;
	return 0;
}

void vma_smaps_clear(struct vma_model *m)
{
	for (struct vma *v = m->first; v != NULL; v = v->next)
		v->smaps = VMA_NO_SMAPS;
	smaps_store_clear(m->smaps);
}

void vma_model_mem(const struct vma_model *m, struct vma_model_mem *mem)
{
	mem->vmas = sizeof(*m) + sizeof(*m->pool) + m->pool->bytes + index_bytes(m);
	mem->names = intern_bytes(m->names);
	mem->smaps = smaps_store_bytes(m->smaps);
}

size_t vma_model_bytes(const struct vma_model *m)
{
	struct vma_model_mem mem;

	vma_model_mem(m, &mem);
	return mem.vmas + mem.names + mem.smaps;
}

/* ---- the gap augmentation ----------------------------------------------- */

/*
 * Recompute from n up to stop.  Where a node's value comes out unchanged the
 * nodes above it cannot change either, so the walk ends there.  This is
 * exact because the callers keep every other node's cached value in step
 * with the list: the list changes only around rb_insert/rb_erase, and after
 * a change each VMA whose own gap moved is propagated from in turn.
 */
static void gap_propagate(struct rb_node *n, struct rb_node *stop)
{
	for (; n != stop; n = rb_parent(n)) {
		struct vma *v = vt_node(n);
		uint64_t gap = vt_subtree_gap(v, tree_guard_gap);

		if (gap == v->subtree_gap)
			break;
		v->subtree_gap = gap;
	}
}

static void gap_copy(struct rb_node *old, struct rb_node *new)
{
	vt_node(new)->subtree_gap = vt_node(old)->subtree_gap;
}

static void gap_rotate(struct rb_node *old, struct rb_node *new)
{
	vt_node(new)->subtree_gap = vt_node(old)->subtree_gap;
	vt_node(old)->subtree_gap = vt_subtree_gap(vt_node(old), tree_guard_gap);
}

static const struct rb_augment_callbacks gap_callbacks = {
	gap_propagate, gap_copy, gap_rotate,
};

void vma_gap_update(struct vma_model *m, struct vma *v)
{
	tree_guard_gap = m->p.stack_guard_gap;
	gap_propagate(&v->rb, NULL);
}

/* Post-order: children before their parent. */
static void gap_recompute_all(struct rb_node *n)
{
	if (n == NULL)
		return;
	gap_recompute_all(n->left);
	gap_recompute_all(n->right);
	vt_node(n)->subtree_gap = vt_subtree_gap(vt_node(n), tree_guard_gap);
}

void vma_gap_update_all(struct vma_model *m)
{
	tree_guard_gap = m->p.stack_guard_gap;
	gap_recompute_all(m->root.node);
}

void vma_set_guard_gap(struct vma_model *m, uint64_t gap)
{
	m->p.stack_guard_gap = gap;
	tree_guard_gap = gap;
	gap_recompute_all(m->root.node);
}

/* ---- linking ------------------------------------------------------------ */

/* Link v at *link below parent, between prev and next (either may be NULL). */
static void link_vma(struct vma_model *m, struct vma *v, struct rb_node *parent,
		     struct rb_node **link, struct vma *prev, struct vma *next)
{
	tree_guard_gap = m->p.stack_guard_gap;
	/*
	 * Link in the tree while next->prev still names the old predecessor, so
	 * that every cached gap agrees with the list during the rotations; then
	 * fix next's gap.
	 */
	v->prev = prev;
	v->next = next;
	rb_link_node(&v->rb, parent, link);
	v->subtree_gap = vt_own_gap(v, tree_guard_gap);	/* a leaf */
	gap_propagate(parent, NULL);
	rb_insert_augmented(&v->rb, &m->root, &gap_callbacks);
	if (prev)
		prev->next = v;
	else
		m->first = v;
	if (next) {
		next->prev = v;
		gap_propagate(&next->rb, NULL);
	} else {
		m->last = v;
	}
	m->count++;
	m->seq++;
}

int vma_insert(struct vma_model *m, struct vma *v)
{
	struct rb_node **link = &m->root.node, *parent = NULL;
	struct vma *prev = NULL;

	if (v->start >= v->end)
		return -EINVAL;
	while (*link != NULL) {
		struct vma *cur = vt_node(*link);

		parent = *link;
		__builtin_prefetch(parent->left);
		__builtin_prefetch(parent->right);
		if (v->end <= cur->start) {
			link = &parent->left;
		} else if (v->start >= cur->end) {
			prev = cur;
			link = &parent->right;
		} else {
			return -EEXIST;
		}
	}
	link_vma(m, v, parent, link, prev, prev ? prev->next : m->first);
	return 0;
}

int vma_insert_after(struct vma_model *m, struct vma *prev, struct vma *v)
{
	struct vma *next = prev ? prev->next : m->first;
	struct rb_node *parent, **link;

	if (v->start >= v->end)
		return -EINVAL;
	if ((prev && prev->end > v->start) || (next && next->start < v->end))
		return -EEXIST;
	/* In order, v comes right after prev: prev's right child, or the
	 * leftmost node of prev's right subtree gets v on its left. */
	if (prev == NULL && next == NULL) {
		parent = NULL;
		link = &m->root.node;
	} else if (prev == NULL || prev->rb.right != NULL) {
		parent = &next->rb;	/* next is that leftmost node */
		link = &parent->left;
	} else {
		parent = &prev->rb;
		link = &parent->right;
	}
	link_vma(m, v, parent, link, prev, next);
	return 0;
}

void vma_erase(struct vma_model *m, struct vma *v)
{
	struct vma *prev = v->prev, *next = v->next;

	tree_guard_gap = m->p.stack_guard_gap;
	rb_erase_augmented(&v->rb, &m->root, &gap_callbacks);
	if (prev)
		prev->next = next;
	else
		m->first = next;
	if (next) {
		next->prev = prev;
		gap_propagate(&next->rb, NULL);
	} else {
		m->last = prev;
	}
	v->prev = v->next = NULL;
	m->count--;
	m->seq++;
}

void vma_set_bounds(struct vma_model *m, struct vma *v, uint64_t start, uint64_t end)
{
	uint64_t old_start = v->start, old_end = v->end;

	if ((v->prev && start < v->prev->end) || (v->next && end > v->next->start)) {
		/* It moved past a neighbour: relink it in its new place. */
		vma_erase(m, v);
		v->start = start;
		v->end = end;
		if (vma_insert(m, v) < 0) {
			/* The caller broke its promise; keep the tree sound. */
			v->start = old_start;
			v->end = old_end;
			vma_insert(m, v);
		}
		return;
	}
	v->start = start;
	v->end = end;
	tree_guard_gap = m->p.stack_guard_gap;
	gap_propagate(&v->rb, NULL);
	if (v->next)
		gap_propagate(&v->next->rb, NULL);
	m->seq++;
}

/* ---- lookup ------------------------------------------------------------- */

struct vma *vma_find_nocache(const struct vma_model *m, uint64_t addr)
{
	struct rb_node *n = m->root.node;
	struct vma *best = NULL;

	while (n != NULL) {
		struct vma *v = vt_node(n);

		/* Fetch both children while deciding: the walk is cache misses. */
		__builtin_prefetch(n->left);
		__builtin_prefetch(n->right);
		if (v->end > addr) {
			best = v;
			if (v->start <= addr)
				break;
			n = n->left;
		} else {
			n = n->right;
		}
	}
	return best;
}

struct vma *vma_find(struct vma_model *m, uint64_t addr)
{
	struct vma_cache *c = &m->cache;
	unsigned idx = vt_cache_index(m, addr);
	uint64_t bounds[2];
	struct vma *v;

	if (c->seq != m->seq) {
		memset(c->slot, 0, sizeof(c->slot));
		memset(c->start, 0, sizeof(c->start));
		memset(c->end, 0, sizeof(c->end));
		c->seq = m->seq;
	}
	for (unsigned i = 0; i < 4; i++) {
		unsigned j = (idx + i) & 3;

		if (c->start[j] <= addr && addr < c->end[j]) {	/* empty: 0, 0 */
			c->hits++;
			return c->slot[j];
		}
	}
	c->misses++;
	v = index_find(m, addr, bounds);
	if (v != NULL && bounds[0] <= addr) {
		c->slot[idx] = v;
		c->start[idx] = bounds[0];
		c->end[idx] = bounds[1];
	}
	return v;
}

struct vma *vma_lookup(struct vma_model *m, uint64_t addr)
{
	struct vma *v = vma_find(m, addr);

	return v != NULL && v->start <= addr ? v : NULL;
}

struct vma *vma_find_intersection(struct vma_model *m, uint64_t start, uint64_t end)
{
	struct vma *v = vma_find(m, start);

	return v != NULL && v->start < end ? v : NULL;
}

struct vma *vma_find_prev(struct vma_model *m, uint64_t addr)
{
	struct vma *v = vma_find(m, addr);

	return v != NULL ? v->prev : m->last;
}

/* ---- free gaps ---------------------------------------------------------- */

enum { GAP_GO_ON, GAP_FOUND, GAP_STOP };

struct gap_query {
	uint64_t len, mask;		/* mask = align - 1 */
	uint64_t low, high;
	uint64_t guard;
	uint64_t found;
};

/* The highest fitting start in the free range [gs, ge), or why not. */
static int try_high(struct gap_query *q, uint64_t gs, uint64_t ge)
{
	uint64_t s = vt_max(gs, q->low), e = ge < q->high ? ge : q->high, cand;

	/* A stack's guard gap may reach below gs: stop on gs, which only grows. */
	if (vt_max(ge, gs) < q->low || vt_max(ge, gs) - q->low < q->len)
		return GAP_STOP;	/* every lower range fails too */
	if (e <= s || e - s < q->len)
		return GAP_GO_ON;
	cand = (e - q->len) & ~q->mask;
	if (cand < s)
		return GAP_GO_ON;
	q->found = cand;
	return GAP_FOUND;
}

/* The lowest fitting start in the free range [gs, ge), or why not. */
static int try_low(struct gap_query *q, uint64_t gs, uint64_t ge)
{
	uint64_t s = vt_max(gs, q->low), e = ge < q->high ? ge : q->high, cand;

	if (s > q->high || q->high - s < q->len)
		return GAP_STOP;	/* every higher range fails too */
	if (e <= s || e - s < q->len)
		return GAP_GO_ON;
	cand = (s + q->mask) & ~q->mask;
	if (cand < s || cand > e || e - cand < q->len)
		return GAP_GO_ON;
	q->found = cand;
	return GAP_FOUND;
}

/* Right to left through the subtree: the gaps from high addresses down. */
static int walk_high(struct gap_query *q, const struct rb_node *n)
{
	const struct vma *v = vt_node(n);
	int r;

	if (v == NULL || v->subtree_gap < q->len)
		return GAP_GO_ON;
	/* Gaps on the right start at or above v->end. */
	if (n->right != NULL && v->end < q->high && q->high - v->end >= q->len) {
		r = walk_high(q, n->right);
		if (r != GAP_GO_ON)
			return r;
	}
	r = try_high(q, vt_prev_end(v), vt_start_gap(v, q->guard));
	if (r != GAP_GO_ON)
		return r;
	return walk_high(q, n->left);
}

/* Left to right through the subtree: the gaps from low addresses up. */
static int walk_low(struct gap_query *q, const struct rb_node *n)
{
	const struct vma *v = vt_node(n);
	int r;

	if (v == NULL || v->subtree_gap < q->len)
		return GAP_GO_ON;
	/* Gaps on the left end below v->prev->end (v->prev is in there). */
	if (n->left != NULL && v->prev->end > q->low && v->prev->end - q->low >= q->len) {
		r = walk_low(q, n->left);
		if (r != GAP_GO_ON)
			return r;
	}
	r = try_low(q, vt_prev_end(v), vt_start_gap(v, q->guard));
	if (r != GAP_GO_ON)
		return r;
	return walk_low(q, n->right);
}

static int gap_query_init(struct gap_query *q, const struct vma_model *m, uint64_t len,
			  uint64_t align, uint64_t low, uint64_t high)
{
	if (len == 0 || high <= low || high - low < len)
		return -ENOMEM;
	if (align < m->p.page_size)
		align = m->p.page_size;		/* starts are pages, at least */
	if ((align & (align - 1)) != 0)
		return -EINVAL;
	*q = (struct gap_query){
		.len = len, .mask = align - 1, .low = low, .high = high,
		.guard = m->p.stack_guard_gap,
	};
	return 0;
}

int vma_gap_highest(struct vma_model *m, uint64_t len, uint64_t align,
		    uint64_t low, uint64_t high, uint64_t *out)
{
	struct gap_query q;
	int r = gap_query_init(&q, m, len, align, low, high);

	if (r < 0)
		return r;
	/* Above the last VMA first: it is the highest free range. */
	r = try_high(&q, m->last ? m->last->end : 0, UINT64_MAX);
	if (r == GAP_GO_ON)
		r = walk_high(&q, m->root.node);
	if (r != GAP_FOUND)
		return -ENOMEM;
	*out = q.found;
	return 0;
}

int vma_gap_lowest(struct vma_model *m, uint64_t len, uint64_t align,
		   uint64_t low, uint64_t high, uint64_t *out)
{
	struct gap_query q;
	int r = gap_query_init(&q, m, len, align, low, high);

	if (r < 0)
		return r;
	r = walk_low(&q, m->root.node);
	if (r == GAP_GO_ON)
		r = try_low(&q, m->last ? m->last->end : 0, UINT64_MAX);
	if (r != GAP_FOUND)
		return -ENOMEM;
	*out = q.found;
	return 0;
}
