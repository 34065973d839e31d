/*
 * vma_validate.c - vma_validate(): every invariant of a model's tree, checked
 * from scratch, for the tests (which call it after every operation) and for
 * anyone who suspects the engine.
 *
 * Checked: the red-black rules (black root, no red child of a red node, the
 * same number of black nodes on every path), parent pointers, the in-order
 * walk against the prev/next list, first/last and count, start < end, page
 * alignment, no overlap, every node's subtree_gap recomputed from its
 * children, the 4-slot cache (a valid slot holds a VMA of the tree, its
 * bounds, and a page whose number hashes to the slot) and the find index.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>

#include "vma.h"
#include "vma_internal.h"

struct check {
	const struct vma_model *m;
	const struct vma *expect;	/* next VMA the in-order walk must meet */
	size_t seen;
	char *err;
	size_t errlen;
};

static __attribute__((format(printf, 2, 3)))
int check_fail(struct check *c, const char *fmt, ...)
{
	va_list ap;

	if (c->err != NULL && c->errlen > 0) {
		va_start(ap, fmt);
		vsnprintf(c->err, c->errlen, fmt, ap);
		va_end(ap);
	}
	return -EFAULT;
}

static int check_vma(struct check *c, const struct vma *v)
{
	uint64_t page = c->m->p.page_size;

	if (v != c->expect)
		return check_fail(c, "vma %" PRIx64 "-%" PRIx64 ": list and tree order differ",
				  v->start, v->end);
	if (v->start >= v->end)
		return check_fail(c, "vma %" PRIx64 "-%" PRIx64 ": empty", v->start, v->end);
	if ((v->start | v->end) & (page - 1))
		return check_fail(c, "vma %" PRIx64 "-%" PRIx64 ": not page aligned",
				  v->start, v->end);
	if (v->prev != NULL && v->prev->end > v->start)
		return check_fail(c, "vma %" PRIx64 "-%" PRIx64 ": overlaps or below %" PRIx64
				  "-%" PRIx64, v->start, v->end, v->prev->start, v->prev->end);
	if (v->next != NULL && v->next->prev != v)
		return check_fail(c, "vma %" PRIx64 "-%" PRIx64 ": next->prev is wrong",
				  v->start, v->end);
	c->expect = v->next;
	c->seen++;
	return 0;
}

/* In-order walk; *black = black nodes on every path below n (NULL counts 1). */
static int check_node(struct check *c, const struct rb_node *n, const struct rb_node *parent,
		      int *black)
{
	const struct vma *v = vt_node(n);
	int lb, rb, err;

	if (n == NULL) {
		*black = 1;
		return 0;
	}
	if (rb_parent(n) != parent)
		return check_fail(c, "vma %" PRIx64 ": wrong parent pointer", v->start);
	if (rb_color(n) == RB_RED && parent != NULL && rb_color(parent) == RB_RED)
		return check_fail(c, "vma %" PRIx64 ": red child of a red node", v->start);
	err = check_node(c, n->left, n, &lb);
	if (err == 0)
		err = check_vma(c, v);
	if (err == 0)
		err = check_node(c, n->right, n, &rb);
	if (err < 0)
		return err;
	if (lb != rb)
		return check_fail(c, "vma %" PRIx64 ": black heights %d and %d differ",
				  v->start, lb, rb);
	if (v->subtree_gap != vt_subtree_gap(v, c->m->p.stack_guard_gap))
		return check_fail(c, "vma %" PRIx64 ": subtree_gap %#" PRIx64 ", want %#" PRIx64,
				  v->start, v->subtree_gap,
				  vt_subtree_gap(v, c->m->p.stack_guard_gap));
	*black = lb + (rb_color(n) == RB_BLACK);
	return 0;
}

/* Does v hold a page whose number hashes to slot i? */
static bool holds_hashed_page(const struct vma_model *m, const struct vma *v, unsigned i)
{
	uint64_t page = m->p.page_size;

	for (uint64_t a = v->start; a < v->end && a - v->start < 4 * page; a += page)
		if (vt_cache_index(m, a) == i)
			return true;
	return false;
}

static int check_cache(struct check *c)
{
	const struct vma_model *m = c->m;

	if (m->cache.seq != m->seq)
		return 0;	/* stale: vma_find forgets it before use */
	for (unsigned i = 0; i < 4; i++) {
		const struct vma *v = m->cache.slot[i];
		uint64_t start = m->cache.start[i], end = m->cache.end[i];

		if (v == NULL) {
			if (start < end)
				return check_fail(c, "cache slot %u: empty with bounds", i);
			continue;
		}
		if (start != v->start || end != v->end)
			return check_fail(c, "cache slot %u: bounds %" PRIx64 "-%" PRIx64 " are not "
					  "its vma's %" PRIx64 "-%" PRIx64, i, start, end,
					  v->start, v->end);
		if (vma_find_nocache(m, v->start) != v)
			return check_fail(c, "cache slot %u: vma %" PRIx64 " is not in the tree",
					  i, v->start);
		if (!holds_hashed_page(m, v, i))
			return check_fail(c, "cache slot %u: vma %" PRIx64 "-%" PRIx64
					  " holds no page of that slot", i, v->start, v->end);
	}
	return 0;
}

/* Guard ranges: page aligned, sorted, apart; shmem sizes sorted by file. */
static int check_pages(struct check *c)
{
	const struct vma_model *m = c->m;
	uint64_t mask = m->p.page_size - 1;

	for (size_t i = 0; i < m->nguards; i++) {
		const struct vma_range *g = &m->guards[i];

		if (g->start >= g->end || ((g->start | g->end) & mask))
			return check_fail(c, "guard range %zu is empty or unaligned", i);
		if (i > 0 && g->start <= m->guards[i - 1].end)
			return check_fail(c, "guard range %" PRIx64 " overlaps or touches the one below",
					  g->start);
	}
	for (size_t i = 1; i < m->nobjsizes; i++)
		if (m->objsizes[i].file <= m->objsizes[i - 1].file)
			return check_fail(c, "shmem sizes out of order at %zu", i);
	return 0;
}

int vma_validate(const struct vma_model *m, char *err, size_t errlen)
{
	struct check c = { .m = m, .expect = m->first, .err = err, .errlen = errlen };
	int black, r;

	if (err != NULL && errlen > 0)
		err[0] = '\0';
	if (m->root.node != NULL && rb_color(m->root.node) != RB_BLACK)
		return check_fail(&c, "the root is red");
	if (m->first != NULL && m->first->prev != NULL)
		return check_fail(&c, "first vma has a prev");
	r = check_node(&c, m->root.node, NULL, &black);
	if (r < 0)
		return r;
	if (c.expect != NULL)
		return check_fail(&c, "list has vma %" PRIx64 " beyond the tree", c.expect->start);
	if (c.seen != m->count)
		return check_fail(&c, "count is %zu, tree holds %zu", m->count, c.seen);
	if (m->last != (m->root.node ? vt_node(rb_last(&m->root)) : NULL))
		return check_fail(&c, "last is not the highest vma");
	r = index_check(m, err, errlen);
	if (r < 0)
		return r;
	r = check_pages(&c);
	if (r < 0)
		return r;
	return check_cache(&c);
}
