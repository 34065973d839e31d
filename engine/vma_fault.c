/*
 * vma_fault.c - the faults the model cares about, as Linux 6.18 takes them:
 * a write fault on private memory, and a read fault where the machine has
 * no zero page or a huge zero page is mapped, give a VMA an anon_vma
 * (reusing a neighbour's where find_mergeable_anon_vma would), which decides
 * later merges, mprotect's VM_ACCOUNT and mremap's page offsets; a fault
 * below a stack grows it.  Touches (the program read or wrote), MAP_POPULATE,
 * mlock's populate and MADV_POPULATE_READ/WRITE all come here.
 */
#include <string.h>

#include "vma_ops.h"

#define THP_SIZE	(2ULL << 20)

/* ---- anon_vma and faults -------------------------------------------------- */

bool ops_vma_is_anonymous(const struct vma_model *m, const struct vma *v)
{
	if (ops_is_anon(v))
		return true;
	return v->file != 0 && !(v->flags & VMF(MAYSHARE)) && !(v->bits & VMA_B_SHMEM) &&
	       strcmp(vma_name(m, v->name), "/dev/zero") == 0;
}

/* anon_vma_compatible: could a and b (a below b) share an anon_vma? */
static bool anon_vma_compatible(const struct vma_model *m, const struct vma *a, const struct vma *b)
{
	return a->end == b->start && a->file == b->file && a->pkey == b->pkey &&
	       !((a->flags ^ b->flags) & ~(VMF_ACCESS | VMF_STICKY)) &&
	       b->pgoff == a->pgoff + ops_pages(m, b->start - a->start);
}

static uint32_t reusable_anon_vma(const struct vma_model *m, const struct vma *old,
				  const struct vma *a, const struct vma *b)
{
	if (anon_vma_compatible(m, a, b) && old->anon_vma && !(old->bits & VMA_B_FORK_CHILD))
		return old->anon_vma;
	return 0;
}

/* find_mergeable_anon_vma: the next VMA first, then the previous one. */
static uint32_t find_mergeable_anon_vma(const struct vma_model *m, const struct vma *v)
{
	uint32_t id = 0;

	if (v->next && v->next->start == v->end)
		id = reusable_anon_vma(m, v->next, v, v->next);
	if (id == 0 && v->prev)
		id = reusable_anon_vma(m, v->prev, v->prev, v);
	return id;
}

void ops_anon_vma_prepare(struct vma_model *m, struct vma *v, struct vma_effects *fx)
{
	uint32_t id;

	if (v->anon_vma)
		return;
	id = find_mergeable_anon_vma(m, v);
	if (id == 0) {
		if (m->next_anon_vma_id == 0)
			m->next_anon_vma_id = 1;
		id = m->next_anon_vma_id++;
	}
	v->anon_vma = id;
	v->bits &= ~VMA_B_FORK_CHILD;
	ops_ev(fx, VMA_EV_ANON_VMA, v->start, v->end, v->start, v->end);
}

/* Would a read fault in [s, e) of v map a huge zero page (which needs an anon_vma)? */
static bool thp_read_fault(const struct vma_model *m, const struct vma *v, uint64_t s, uint64_t e)
{
	uint64_t b = s & ~(THP_SIZE - 1), lo = (v->start + THP_SIZE - 1) & ~(THP_SIZE - 1);

	if (m->p.thp >= VMA_THP_NEVER || !ops_vma_is_anonymous(m, v) ||
	    (v->flags & (VMF(SHARED) | VMF(NOHUGEPAGE))))
		return false;
	if (!(v->flags & VMF(HUGEPAGE)) && m->p.thp != VMA_THP_ALWAYS)
		return false;
	if (b < lo)
		b = lo;
	return b < e && b + THP_SIZE <= v->end;
}

/*
 * A read fault on private anonymous memory: do_anonymous_page maps the shared
 * zero page, with no anon_vma, unless the machine forbids the zero page
 * (mm_forbids_zeropage, or a kernel booted without it): then it allocates a
 * page of its own, and an anon_vma with it.  A huge read fault always needs
 * one (do_huge_pmd_anonymous_page prepares it before looking at the huge
 * zero page), whether or not the VMA has VM_READ: x86 lets a write-only or
 * execute-only VMA be read, and populate reads one with FOLL_FORCE.
 */
static bool read_fault_needs_anon_vma(const struct vma_model *m, const struct vma *v,
				      uint64_t s, uint64_t e)
{
	if (!m->p.zero_page && ops_vma_is_anonymous(m, v) && !(v->flags & VMF(SHARED)))
		return true;
	return thp_read_fault(m, v, s, e);
}

/* A fault of [s, e) inside v: what it does to the VMA. */
static void fault_vma(struct vma_model *m, struct vma *v, uint64_t s, uint64_t e, bool write,
		      struct vma_effects *fx)
{
	if (write && !(v->flags & VMF(SHARED)))
		ops_anon_vma_prepare(m, v, fx);
	else if (!write && read_fault_needs_anon_vma(m, v, s, e))
		ops_anon_vma_prepare(m, v, fx);
}

void ops_populate(struct vma_model *m, uint64_t start, uint64_t end, struct vma_effects *fx)
{
	struct vma *v;

	for (v = vma_find(m, start); v != NULL && v->start < end; v = v->next) {
		bool write = (v->flags & (VMF(WRITE) | VMF(SHARED))) == VMF(WRITE);
		uint64_t s = start > v->start ? start : v->start, e = end < v->end ? end : v->end;

		if (v->flags & (VMF(IO) | VMF(PFNMAP) | VMF(LOCKONFAULT)))
			continue;
		if (!(v->flags & VMF_ACCESS))
			continue;
		e = ops_fault_limit(m, v, s, e);	/* errors ignored: on to the next VMA */
		if (e > s)
			fault_vma(m, v, s, e, write, fx);
	}
}

/*
 * A fault in the hole below a VMA_GROWSDOWN VMA grows it down to the page
 * (expand_downwards), unless that comes within the guard gap of an
 * accessible VMA below.  Growing prepares an anon_vma first, whatever the
 * access (a read too, zero page or not).  The stack rlimit is not modelled.
 */
static bool grow_stack(struct vma_model *m, struct vma *v, uint64_t pos, struct vma_effects *fx)
{
	const struct vma *prev = v->prev;
	uint64_t old_start = v->start;

	if (!(v->flags & VMF(GROWSDOWN)) || pos < ops_min_addr(m))
		return false;
	if (prev && !(prev->flags & VMF(GROWSDOWN)) && (prev->flags & VMF_ACCESS) &&
	    pos - prev->end < m->p.stack_guard_gap)
		return false;
	ops_anon_vma_prepare(m, v, fx);		/* "We must make sure the anon_vma is allocated." */
	v->pgoff -= ops_pages(m, old_start - pos);
	vma_set_bounds(m, v, pos, v->end);
	ops_refresh(m, v);
	ops_ev(fx, VMA_EV_EXPAND, v->start, v->end, old_start, v->end);
	return true;
}

/*
 * The program read (write false) or wrote [addr, addr+len): the faults it
 * takes, page by page.  A read needs any access (x86 reads what it may write
 * or execute); a write needs PROT_WRITE.  An access it may not make: EFAULT.
 */
int vma_fault(struct vma_model *m, uint64_t addr, uint64_t len, bool write,
	      struct vma_effects *fx)
{
	uint64_t pos = addr & ~(m->p.page_size - 1), end = ops_page_align(m, addr + len);
	vmf_t need = write ? VMF(WRITE) : VMF_ACCESS;
	struct vma *v;

	if (len == 0)
		return 0;
	if (addr + len < addr || end <= pos)	/* wraps, or rounds up past the top */
		return -EINVAL;
	for (v = vma_find(m, pos); pos < end; v = v->next) {
		if (v != NULL && v->start > pos && !grow_stack(m, v, pos, fx))
			return -EFAULT;
		if (v == NULL || !(v->flags & need))
			return -EFAULT;
		fault_vma(m, v, pos, end < v->end ? end : v->end, write, fx);
		pos = v->end;
	}
	return 0;
}

int vma_touch(struct vma_model *m, uint64_t addr, uint64_t len, struct vma_effects *fx)
{
	return vma_fault(m, addr, len, true, fx);
}

/* MADV_POPULATE_READ/WRITE: fault the range in, page by page; a hole stops it. */
int ops_madv_populate(struct vma_model *m, uint64_t start, uint64_t end, bool write,
			 struct vma_effects *fx)
{
	uint64_t pos = start;

	while (pos < end) {
		struct vma *v = vma_lookup(m, pos);
		uint64_t e, stop;

		if (v == NULL)
			return -ENOMEM;
		if (v->flags & (VMF(IO) | VMF(PFNMAP)))
			return -EINVAL;
		if (!(v->flags & (write ? VMF(WRITE) : VMF(READ))))
			return -EINVAL;
		e = end < v->end ? end : v->end;
		stop = ops_fault_limit(m, v, pos, e);	/* a guard page, past a shmem object */
		if (stop > pos)
			fault_vma(m, v, pos, stop, write, fx);
		if (stop < e)
			return -EFAULT;
		pos = e;
	}
	return 0;
}

