/*
 * vma_infer.c - fill in what /proc does not show, after a model was built
 * from a snapshot, so that later operations merge and split as the kernel
 * will:
 *  - every mapping of one file (same device, inode and path) gets one
 *    open-file identity, as if mapped through one open;
 *  - private anonymous VMAs get the page offset start >> PAGE_SHIFT (marked
 *    VMA_B_PGOFF_INFERRED), which is what mmap gives them;
 *  - VMAs with anonymous pages (smaps "Anonymous" above 0) have an
 *    anon_vma; neighbours that differ only in permissions share one, as
 *    when mprotect split one mapping.  So do, pages or not, anonymous VMAs
 *    with `gu` (MADV_GUARD_INSTALL prepares one) and private anonymous
 *    VMAs with `ac` but no `wr` (mprotect removes VM_ACCOUNT with write
 *    access only from those without an anon_vma);
 *  - neighbours that look mergeable but are separate must differ in
 *    something unseen (page offsets of a moved VMA, anon_vmas, a mempolicy,
 *    a userfaultfd context): anonymous ones without pages get page offsets
 *    that do not meet, others distinct anon_vmas; either way VMA_B_HIDDEN,
 *    so explain_no_merge says so and nothing merges them later (except the
 *    heap and the VMA below it, which brk alone keeps apart);
 *  - the break: start_brk and brk from the [heap] VMA when unknown;
 *  - the shmem object of shared anonymous memory is as long as its
 *    mappings reach (it was mapped whole, unless a VMA grew by mremap
 *    later: smaps cannot tell), so that pages a later mremap adds past it
 *    cannot be faulted in.
 */
#include <stdlib.h>
#include <string.h>

#include "vma_ops.h"

struct file_slot {
	uint64_t inode;
	uint32_t dev, name, file;
};

static size_t slot_hash(uint64_t inode, uint32_t dev, uint32_t name, size_t mask)
{
	uint64_t h = inode * 0x9e3779b97f4a7c15ULL ^ ((uint64_t)dev << 32 | name);

	h ^= h >> 29;
	return (size_t)(h * 0xbf58476d1ce4e5b9ULL >> 17) & mask;
}

/* One open-file identity per (dev, inode, path). */
static void share_files(struct vma_model *m)
{
	size_t cap = 16, mask;
	struct file_slot *t;

	while (cap < 2 * m->count)
		cap *= 2;
	mask = cap - 1;
	t = calloc(cap, sizeof(*t));
	if (t == NULL)
		return;
	for (struct vma *v = m->first; v != NULL; v = v->next) {
		size_t i;

		if (v->inode == 0 || (v->bits & VMA_B_SPECIAL_NAME))
			continue;
		for (i = slot_hash(v->inode, v->dev, v->name, mask); t[i].file != 0; i = (i + 1) & mask)
			if (t[i].inode == v->inode && t[i].dev == v->dev && t[i].name == v->name)
				break;
		if (t[i].file == 0)
			t[i] = (struct file_slot){ v->inode, v->dev, v->name,
						   v->file ? v->file : vma_file_open(m) };
		v->file = t[i].file;
	}
	free(t);
}

static uint32_t new_anon_vma(struct vma_model *m)
{
	if (m->next_anon_vma_id == 0)
		m->next_anon_vma_id = 1;
	return m->next_anon_vma_id++;
}

/*
 * Does v have anonymous pages (and so an anon_vma)?  smaps says so; without
 * smaps values, a writable private VMA is taken to have been written to.
 */
static bool has_anon_pages(const struct vma_model *m, const struct vma *v)
{
	uint64_t kb;

	if (v->flags & VMF(SHARED))
		return false;
	if (vma_smaps_get(m, v, SMAPS_ANONYMOUS, &kb))
		return kb > 0;
	return (v->flags & VMF(WRITE)) && !(v->bits & VMA_B_SPECIAL_NAME);
}

/* Split off one mapping by mprotect: same file and offsets, other permissions. */
static bool split_siblings(const struct vma_model *m, const struct vma *a, const struct vma *b)
{
	return a->end == b->start && a->file == b->file &&
	       !((a->flags ^ b->flags) & ~(VMF_ACCESS | VMF_STICKY | VMF(ACCOUNT))) &&
	       b->pgoff == a->pgoff + ops_pages(m, b->start - a->start);
}

/*
 * The heap and the anonymous VMA just below it (bss) are separate because
 * brk never merges with a VMA below start_brk, not because of hidden state.
 */
static bool brk_pair(const struct vma *a, const struct vma *b)
{
	return b->kind == VMA_KIND_HEAP && a->end == b->start && ops_is_anon(a) &&
	       ops_is_anon(b) && !((a->flags ^ b->flags) & ~VMF_STICKY);
}

/* Flags the kernel leaves only on a VMA that has an anon_vma (see the top). */
static bool flags_show_anon_vma(const struct vma *v)
{
	if (!ops_is_anon(v) || (v->flags & VMF(SHARED)))
		return false;
	if (v->flags & VMF(MAYBE_GUARD))
		return !(v->bits & VMA_B_FLAGS_INFERRED);
	return (v->flags & (VMF(ACCOUNT) | VMF(WRITE))) == VMF(ACCOUNT) &&
	       !(v->bits & VMA_B_FLAGS_INFERRED);
}

static void infer_anon_vmas(struct vma_model *m)
{
	for (struct vma *v = m->first; v != NULL; v = v->next) {
		const struct vma *p = v->prev;

		if (ops_is_anon(v) && !(v->flags & VMF(SHARED))) {
			v->pgoff = v->start >> ops_shift(m);
			v->bits |= VMA_B_PGOFF_INFERRED;
		}
		if (v->anon_vma)
			continue;
		if (!has_anon_pages(m, v)) {
			if (flags_show_anon_vma(v))
				v->anon_vma = new_anon_vma(m);
			continue;
		}
		/* First faults reuse the neighbour's anon_vma (find_mergeable_anon_vma). */
		if (p && p->anon_vma && has_anon_pages(m, p) &&
		    ((split_siblings(m, p, v) && (p->flags & VMF_ACCESS) != (v->flags & VMF_ACCESS)) ||
		     brk_pair(p, v)))
			v->anon_vma = p->anon_vma;
		else
			v->anon_vma = new_anon_vma(m);
	}
}

/* Far enough that no mapping's page offsets can meet across it. */
#define PGOFF_SEPARATION	(1ULL << 36)

/*
 * Neighbours that would merge must be kept apart by something unseen.
 * Anonymous memory without pages on both sides: page offsets (a VMA moved
 * by mremap keeps its offset), so the rest of the run of adjacent VMAs is
 * shifted; otherwise two anon_vmas.
 */
static void separate_lookalikes(struct vma_model *m)
{
	uint64_t shift = 0;

	for (struct vma *b = m->first; b != NULL; b = b->next) {
		struct vma *a = b->prev;

		if (a == NULL || a->end != b->start)
			shift = 0;
		if (b->bits & VMA_B_PGOFF_INFERRED)
			b->pgoff = (b->start >> ops_shift(m)) + shift;
		if (a == NULL || brk_pair(a, b))
			continue;
		switch (vma_explain_no_merge(m, a, b)) {
		case VMA_NOMERGE_ANON_VMA:	/* inferred above: the reason is unseen */
			b->bits |= VMA_B_HIDDEN;
			continue;
		case VMA_MERGE_OK:
			break;
		default:
			continue;
		}
		b->bits |= VMA_B_HIDDEN;
		if ((b->bits & VMA_B_PGOFF_INFERRED) && !(has_anon_pages(m, a) && has_anon_pages(m, b))) {
			shift += PGOFF_SEPARATION;
			b->pgoff += PGOFF_SEPARATION;
			continue;
		}
		if (a->anon_vma == 0)
			a->anon_vma = new_anon_vma(m);
		if (b->anon_vma == 0 || b->anon_vma == a->anon_vma)
			b->anon_vma = new_anon_vma(m);
	}
}

static void infer_brk(struct vma_model *m)
{
	if (m->p.start_brk != 0)
		return;
	/* the first [heap] from the bottom: the walk stops there */
	for (struct vma *v = m->first; v != NULL; v = v->next) {
		if (v->kind == VMA_KIND_HEAP) {
			m->p.start_brk = v->start;
			m->p.brk = v->end;
			return;
		}
	}
}

/*
 * The legacy layout's base (mmap_legacy_base: a third of the address space
 * plus a random offset) is where its first mapping went: the lowest VMA
 * from a third of the address space up.
 */
static void infer_legacy_base(struct vma_model *m)
{
	uint64_t third = ops_page_align(m, m->p.task_size / 3);

	for (struct vma *v = m->first; v != NULL; v = v->next) {
		if (v->start >= third) {
			m->p.mmap_base = v->start;
			return;
		}
	}
	m->p.mmap_base = third;
}

void vma_infer_params(struct vma_model *m)
{
	struct vma *v;

	infer_brk(m);
	if (m->p.legacy_layout) {
		infer_legacy_base(m);
		return;
	}
	/* The first top-down mmap ends at mmap_base: below the stack's
	 * neighbour.  The last stack from the top: the walk stops there. */
	for (v = m->last; v != NULL; v = v->prev)
		if (v->kind == VMA_KIND_STACK && (v->flags & VMF(GROWSDOWN)))
			break;
	if (v && v->prev && v->prev->end < v->start)
		m->p.mmap_base = v->prev->end;
}

static bool is_shared_anon(const struct vma_model *m, const struct vma *v)
{
	const char *n = vma_name(m, v->name);

	return (v->bits & VMA_B_SHMEM) && v->file != 0 &&
	       (strcmp(n, "/dev/zero (deleted)") == 0 || strncmp(n, "[anon_shmem:", 12) == 0);
}

static void infer_objsizes(struct vma_model *m)
{
	for (struct vma *v = m->first; v != NULL; v = v->next) {
		uint64_t pages = v->pgoff + ops_pages(m, v->end - v->start);

		if (is_shared_anon(m, v) && pages > ops_objsize_get(m, v->file))
			ops_objsize_set(m, v->file, pages);
	}
}

void vma_infer_hidden(struct vma_model *m)
{
	share_files(m);
	infer_anon_vmas(m);
	separate_lookalikes(m);
	infer_brk(m);
	infer_objsizes(m);
	m->seq++;
}
