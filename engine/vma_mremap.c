/*
 * vma_mremap.c - mremap(2) on the model, as Linux 6.18's mm/mremap.c does
 * it: parameter checks, then shrink (unmap the tail, across holes), grow in
 * place (the VMA must end where the range ends and the space above must be
 * free; vma_merge_extend may absorb the next VMA), or move: copy_vma places
 * the range at its new address (an unfaulted anonymous VMA takes the page
 * offset of its new address so it can merge there; a faulted one keeps its
 * offset), then the source range is unmapped (MREMAP_DONTUNMAP: kept, minus
 * its lock flags).  MREMAP_FIXED with old_len == new_len moves every VMA of
 * the range, keeping the gaps between them.
 */
#include <string.h>

#include "vma_ops.h"

struct remap {
	uint64_t addr, old_len, new_len, new_addr;
	int flags;
	struct vma *vma;
};

static bool implies_new_addr(const struct remap *r)
{
	return (r->flags & (VMA_MREMAP_FIXED | VMA_MREMAP_DONTUNMAP)) != 0;
}

static int check_params(struct vma_model *m, const struct remap *r)
{
	if (r->flags & ~(VMA_MREMAP_FIXED | VMA_MREMAP_MAYMOVE | VMA_MREMAP_DONTUNMAP))
		return -EINVAL;
	if (ops_unaligned(m, r->addr))
		return -EINVAL;
	if (r->new_len == 0 || r->new_len > m->p.task_size)
		return -EINVAL;
	if (!implies_new_addr(r))
		return 0;
	if (r->new_addr > m->p.task_size - r->new_len || ops_unaligned(m, r->new_addr))
		return -EINVAL;
	if (!(r->flags & VMA_MREMAP_MAYMOVE))
		return -EINVAL;
	if ((r->flags & VMA_MREMAP_DONTUNMAP) && r->old_len != r->new_len)
		return -EINVAL;
	if (r->addr + r->old_len > r->new_addr && r->new_addr + r->new_len > r->addr)
		return -EINVAL;		/* source and destination overlap */
	if (m->count + 2 >= (size_t)m->p.max_map_count - 3)
		return -ENOMEM;
	return 0;
}

/* check_prep_vma: what the VMA at addr allows. */
static int check_vma(struct vma_model *m, struct remap *r)
{
	struct vma *v = r->vma;
	uint64_t old_len = r->old_len;

	if (v == NULL)
		return -EFAULT;
	if (ops_sealed(v))
		return -EPERM;
	if (!implies_new_addr(r))
		r->new_addr = r->addr;
	if (r->new_len <= r->old_len && !implies_new_addr(r))
		return 0;
	if (r->old_len == 0 && !(v->flags & (VMF(SHARED) | VMF(MAYSHARE))))
		return -EINVAL;
	if ((r->flags & VMA_MREMAP_DONTUNMAP) && (v->flags & (VMF(DONTEXPAND) | VMF(PFNMAP))))
		return -EINVAL;
	if (r->new_len < r->old_len)
		old_len = r->new_len;
	if (old_len > v->end - r->addr)
		return -EFAULT;
	if (r->new_len == old_len)
		return 0;
	if (ops_pgoff_at(m, v, r->addr) + ops_pages(m, r->new_len) < ops_pgoff_at(m, v, r->addr))
		return -EINVAL;
	if (v->flags & (VMF(DONTEXPAND) | VMF(PFNMAP)))
		return -EFAULT;
	return 0;
}

/* copy_vma: the range's attributes at their new place, merged if possible. */
static struct vma *copy_vma(struct vma_model *m, struct remap *r, struct vma_effects *fx)
{
	struct vma *v = r->vma, want = *v, *prev, *next, *nv;

	want.start = r->new_addr;
	want.end = r->new_addr + r->new_len;
	want.pgoff = ops_pgoff_at(m, v, r->addr);
	if (ops_vma_is_anonymous(m, v) && !v->anon_vma)
		want.pgoff = r->new_addr >> ops_shift(m);
	if (v->file == 0 && v->inode == 0 && !(v->bits & VMA_B_ANON_NAME))
		want.name = 0;		/* [heap]/[stack] go by position */
	next = vma_find(m, want.start);
	if (next && next->start < want.end)
		return NULL;
	prev = next ? next->prev : m->last;
	nv = NULL;
	if (!(want.flags & VMF_SPECIAL) && (prev || next))
		nv = ops_merge_new(m, prev, next, &want, v, false, fx);
	if (nv == NULL)
		nv = ops_insert_new(m, &want, fx);
	return nv;
}

/* move_vma: copy, then unmap the source (or keep it: DONTUNMAP). */
static int64_t move_vma(struct vma_model *m, struct remap *r, struct vma_effects *fx)
{
	struct vma *v = r->vma, *nv, *src;
	uint64_t old_start = v->start, old_end = v->end;
	bool locked = v->flags & VMF(LOCKED);

	if (m->count >= (size_t)m->p.max_map_count - 3) {
		ops_ev(fx, VMA_EV_LIMIT, r->addr, r->addr + r->old_len, v->start, v->end);
		return -ENOMEM;
	}
	if ((v->bits & VMA_B_SPECIAL_NAME) &&
	    (v->start != r->addr || v->end != r->addr + r->old_len))
		return -EINVAL;		/* special mappings move whole or not at all */
	nv = copy_vma(m, r, fx);
	if (nv == NULL)
		return -ENOMEM;
	ops_ev(fx, VMA_EV_MOVE, r->new_addr, r->new_addr + r->new_len, r->addr,
	       r->addr + r->old_len);
	if (ops_guard_move(m, r->addr, r->old_len, r->new_addr) < 0)	/* page tables move */
		return -ENOMEM;
	if (r->flags & VMA_MREMAP_DONTUNMAP) {
		src = vma_lookup(m, r->addr);
		if (src != NULL) {
			vmf_t old = src->flags;

			src->flags &= ~VMF_LOCKED_MASK;
			if (src != nv && r->addr == old_start && r->addr + r->old_len == old_end)
				src->anon_vma = 0;
			ops_relabel(m, src);
			ops_ev_flags(fx, src, old);
		}
	} else if (r->old_len != 0) {
		ops_munmap_range(m, r->addr, r->addr + r->old_len, fx);
	}
	if (locked && r->new_len > r->old_len)
		ops_populate(m, r->new_addr + r->old_len, r->new_addr + r->new_len, fx);
	return (int64_t)r->new_addr;
}

/* vrm_set_new_addr: where a move goes. */
static int set_new_addr(struct vma_model *m, struct remap *r)
{
	struct vma *v = r->vma;
	struct vma_mapfile mf;
	int map_flags = 0;
	int64_t res;

	memset(&mf, 0, sizeof(mf));
	mf.file = v->file;
	mf.name = v->name;
	mf.shmem = (v->bits & VMA_B_SHMEM) != 0;
	mf.thp_align = (v->bits & VMA_B_THP_FILE) != 0;
	if (r->flags & VMA_MREMAP_FIXED)
		map_flags |= VMA_MAP_FIXED;
	if (v->flags & VMF(MAYSHARE))
		map_flags |= VMA_MAP_SHARED;
	res = ops_get_unmapped_area(m, ops_is_anon(v) ? NULL : &mf,
				    implies_new_addr(r) ? r->new_addr : 0, r->new_len,
				    ops_pgoff_at(m, v, r->addr), map_flags, v->flags);
	if (OPS_IS_ERR(res))
		return (int)res;
	r->new_addr = (uint64_t)res;
	return 0;
}

/*
 * Unmap the tail [addr + new_len, addr + old_len) as do_vmi_munmap does: a
 * tail that starts or ends above TASK_SIZE is -EINVAL, whatever is mapped.
 */
static int unmap_tail(struct vma_model *m, struct remap *r, struct vma_effects *fx)
{
	uint64_t start = r->addr + r->new_len, len = r->old_len - r->new_len;

	if (start > m->p.task_size || len > m->p.task_size - start)
		return -EINVAL;
	return ops_munmap_range(m, start, start + len, fx);
}

static int shrink(struct vma_model *m, struct remap *r, struct vma_effects *fx)
{
	int err = unmap_tail(m, r, fx);

	if (err < 0)
		return err;
	r->vma = vma_lookup(m, r->addr);
	return r->vma ? 0 : -EFAULT;
}

static int64_t mremap_to(struct vma_model *m, struct remap *r, struct vma_effects *fx)
{
	int err;

	if (r->flags & VMA_MREMAP_FIXED) {
		err = ops_munmap_range(m, r->new_addr, r->new_addr + r->new_len, fx);
		if (err < 0)
			return err;
		r->vma = vma_lookup(m, r->addr);
		if (r->vma == NULL)
			return -EFAULT;
	}
	if (r->new_len < r->old_len) {
		err = shrink(m, r, fx);
		if (err < 0)
			return err;
		r->old_len = r->new_len;
	}
	err = set_new_addr(m, r);
	if (err < 0)
		return err;
	return move_vma(m, r, fx);
}

/* vma_expandable + vma_merge_extend: grow v in place by delta bytes. */
static int expand_in_place(struct vma_model *m, struct remap *r, struct vma_effects *fx)
{
	struct vma *v = r->vma, want = *v;
	uint64_t delta = r->new_len - r->old_len, end = v->end + delta;

	if (v->end - r->addr != r->old_len)
		return 1;
	if (end < v->end || vma_find_intersection(m, v->end, end) != NULL)
		return 1;
	if (end - v->start > m->p.task_size || v->start > m->p.task_size - (end - v->start))
		return 1;
	want.start = v->end;
	want.end = end;
	want.pgoff = ops_pgoff_at(m, v, v->end);
	if (ops_merge_new(m, v, v->next, &want, NULL, false, fx) == NULL)
		return -ENOMEM;
	ops_ev(fx, VMA_EV_EXPAND, v->start, v->end, v->start, end - delta);
	if (v->flags & VMF(LOCKED))
		ops_populate(m, end - delta, end, fx);
	return 0;
}

static int64_t mremap_at(struct vma_model *m, struct remap *r, struct vma_effects *fx)
{
	int err;

	if (r->new_len == r->old_len)
		return (int64_t)r->addr;
	if (r->new_len < r->old_len) {
		err = unmap_tail(m, r, fx);
		if (err < 0)
			return err;
		ops_ev(fx, VMA_EV_SHRINK, r->addr, r->addr + r->new_len, r->addr,
		       r->addr + r->old_len);
		return (int64_t)r->addr;
	}
	err = expand_in_place(m, r, fx);
	if (err <= 0)
		return err < 0 ? err : (int64_t)r->addr;
	if (!(r->flags & VMA_MREMAP_MAYMOVE))
		return -ENOMEM;
	err = set_new_addr(m, r);
	if (err < 0)
		return err;
	return move_vma(m, r, fx);
}

/* remap_move: MREMAP_FIXED, same size: every VMA of the range, gaps kept. */
static int64_t remap_move(struct vma_model *m, struct remap *r, struct vma_effects *fx)
{
	uint64_t start = r->addr, end = r->addr + r->old_len, target = r->new_addr, last_end = 0;
	int64_t res = -EFAULT, one;
	bool seen = false;
	struct vma *v = vma_find(m, start);
	int err;

	while (v != NULL && v->start < end) {
		uint64_t a = v->start > start ? v->start : start;
		uint64_t len = (end < v->end ? end : v->end) - a;
		uint64_t offset = seen ? v->start - last_end : 0;

		if (!seen && start < v->start)
			return -EFAULT;
		last_end = v->end;
		r->vma = v;
		r->addr = a;
		r->new_addr = target + offset;
		r->old_len = r->new_len = len;
		err = check_vma(m, r);
		one = err < 0 ? err : mremap_to(m, r, fx);
		if (one < 0)
			return one;
		if (!seen)
			res = one;
		seen = true;
		target = (uint64_t)one + len;
		/*
		 * The kernel's iterator goes on from the old end: once that is
		 * past the range, a VMA the move merged into (the source itself,
		 * a destination next to it) is not visited again.
		 */
		v = last_end < end ? vma_find(m, last_end) : NULL;
	}
	return res;
}

int vma_mremap(struct vma_model *m, uint64_t old_addr, uint64_t old_len, uint64_t new_len,
	       int flags, uint64_t new_addr, uint64_t *result, struct vma_effects *fx)
{
	struct remap r = {
		.addr = old_addr, .old_len = ops_page_align(m, old_len),
		.new_len = ops_page_align(m, new_len), .new_addr = new_addr, .flags = flags,
	};
	int64_t res;
	int err;

	err = check_params(m, &r);
	if (err == -ENOMEM)
		ops_ev(fx, VMA_EV_LIMIT, r.addr, r.addr + r.old_len, r.new_addr,
		       r.new_addr + r.new_len);
	if (err < 0)
		return err;
	if ((flags & VMA_MREMAP_FIXED) && r.old_len == r.new_len) {
		res = remap_move(m, &r, fx);
	} else {
		r.vma = vma_lookup(m, r.addr);
		err = check_vma(m, &r);
		if (err < 0)
			return err;
		res = implies_new_addr(&r) ? mremap_to(m, &r, fx) : mremap_at(m, &r, fx);
	}
	if (res < 0)
		return (int)res;
	if (result)
		*result = (uint64_t)res;
	return 0;
}
