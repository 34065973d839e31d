/*
 * vma_unmap.c - munmap(2) on the model, as Linux 6.18's do_vmi_munmap and
 * vms_gather_munmap_vmas do it: split the first VMA at the start (refused
 * at the map count limit only when it is cut on both sides, or when it is
 * sealed), then walk the VMAs of the range, refusing sealed ones and
 * splitting the last at the end; holes are fine and nothing ever merges.
 * A sealed VMA after the first leaves the first split in place (EPERM).
 */
#include "vma_ops.h"

int ops_munmap_range(struct vma_model *m, uint64_t start, uint64_t end, struct vma_effects *fx)
{
	return ops_munmap_next(m, start, end, NULL, fx);
}

int ops_munmap_next(struct vma_model *m, uint64_t start, uint64_t end, struct vma **after,
		    struct vma_effects *fx)
{
	struct vma *v = vma_find(m, start), *w, *part, *next;
	int err;

	if (after)
		*after = v;
	if (v == NULL || v->start >= end)
		return 0;
	if (start > v->start) {
		if (end < v->end && m->count >= m->p.max_map_count) {
			ops_ev(fx, VMA_EV_LIMIT, start, end, v->start, v->end);
			return -ENOMEM;
		}
		if (ops_sealed(v))
			return -EPERM;
		err = ops_split(m, v, start, &part, fx);
		if (err < 0)
			return err;
		v = part;
	}
	/* Gather: check and split first, so that a refusal removes nothing. */
	for (w = v; w != NULL && w->start < end; w = w->next) {
		if (ops_sealed(w))
			return -EPERM;
		if (w->end > end) {
			err = ops_split(m, w, end, &part, fx);
			if (err < 0)
				return err;
			break;
		}
	}
	for (w = v; w != NULL && w->start < end; w = next) {
		next = w->next;
		ops_remove(m, w, fx);
	}
	ops_guard_clear(m, start, end);	/* the page tables go too */
	if (after)
		*after = w;
	return 0;
}

int vma_munmap(struct vma_model *m, uint64_t addr, uint64_t len, struct vma_effects *fx)
{
	uint64_t end;

	if (ops_unaligned(m, addr) || addr > m->p.task_size || len > m->p.task_size - addr)
		return -EINVAL;
	end = addr + ops_page_align(m, len);
	if (end == addr)
		return -EINVAL;
	return ops_munmap_range(m, addr, end, fx);
}
