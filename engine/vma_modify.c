/*
 * vma_modify.c - the calls that change attributes of existing VMAs, as Linux
 * 6.18 does them: mprotect/pkey_mprotect, madvise, mlock/mlock2/munlock/
 * mlockall/munlockall, mseal, the anonymous-name prctl.  The faults they
 * cause (populating, MADV_POPULATE_*) are vma_fault.c's.
 *
 * All of them walk the VMAs of a range and hand each part whose attributes
 * change to ops_modify (vma_merge.c), which merges or splits.  Holes stop
 * mprotect and mlock (ENOMEM after the earlier VMAs changed); madvise and
 * the name prctl skip them and say ENOMEM at the end.
 */
#include <stdio.h>
#include <string.h>

#include "vma_ops.h"

#define THP_SIZE	(2ULL << 20)

/* ---- the range walk ---------------------------------------------------------- */

enum walk_holes { HOLES_FAIL, HOLES_SKIP };

/*
 * Work out what v's part should become (want starts as a copy of v).
 * Returns a negative errno to stop the walk, 0 to apply want, 1 to leave v.
 */
typedef int (*change_fn)(struct vma_model *m, struct vma *v, struct vma *want,
			 const void *arg, struct vma_effects *fx);

static bool attrs_changed(const struct vma *v, const struct vma *want)
{
	return v->flags != want->flags || v->name != want->name || v->pkey != want->pkey;
}

/* Called after a part changed: what else the system call does to it. */
typedef void (*after_fn)(struct vma_model *m, struct vma *v, vmf_t old_flags,
			 struct vma_effects *fx);

static int walk_after(struct vma_model *m, struct vma *v, uint64_t start, uint64_t end,
		      enum walk_holes holes, change_fn fn, const void *arg, after_fn after,
		      struct vma_effects *fx);

static int walk(struct vma_model *m, struct vma *v, uint64_t start, uint64_t end,
		enum walk_holes holes, change_fn fn, const void *arg, struct vma_effects *fx)
{
	return walk_after(m, v, start, end, holes, fn, arg, NULL, fx);
}

static int walk_after(struct vma_model *m, struct vma *v, uint64_t start, uint64_t end,
		      enum walk_holes holes, change_fn fn, const void *arg, after_fn after,
		      struct vma_effects *fx)
{
	uint64_t pos = start;
	int hole_err = 0, r, err = 0;

	for (; v != NULL && v->start < end; v = v->next) {
		struct vma want = *v;

		if (v->start > pos) {
			if (holes == HOLES_FAIL)
				return -ENOMEM;
			hole_err = -ENOMEM;
			pos = v->start;
		}
		want.start = pos;		/* the part of v in the range */
		want.end = end < v->end ? end : v->end;
		r = fn(m, v, &want, arg, fx);
		if (r < 0)
			return r;
		if (r == 0 && attrs_changed(v, &want)) {
			vmf_t old = v->flags;

			v = ops_modify(m, v, pos, end < v->end ? end : v->end, &want, &err, fx);
			if (v == NULL)	/* madvise says EAGAIN when a split fails */
				return holes == HOLES_SKIP && err == -ENOMEM ? -EAGAIN : err;
			if (after)
				after(m, v, old, fx);
		}
		pos = v->end;
	}
	if (pos < end)
		return -ENOMEM;
	return hole_err;
}

/* ---- mprotect ------------------------------------------------------------------ */

struct prot_arg {
	vmf_t access;
	int pkey;
};

static int prot_change(struct vma_model *m, struct vma *v, struct vma *want, const void *arg,
		       struct vma_effects *fx)
{
	const struct prot_arg *a = arg;
	vmf_t nf = a->access | (v->flags & ~VMF_ACCESS), old = v->flags;

	(void)fx;
	if ((nf & ~(nf >> 4)) & VMF_ACCESS)
		return -EACCES;		/* a permission without its VM_MAY bit */
	if (ops_sealed(v))
		return -EPERM;
	if (a->pkey != -1 && m->p.pku)
		want->pkey = (int8_t)a->pkey;
	if (nf == old && want->pkey == v->pkey)
		return 1;
	if (nf & VMF(WRITE)) {
		if (!(old & (VMF(ACCOUNT) | VMF(WRITE) | VMF(HUGETLB) | VMF(SHARED) | VMF(NORESERVE))))
			nf |= VMF(ACCOUNT);
	} else if ((old & VMF(ACCOUNT)) && ops_vma_is_anonymous(m, v) && !v->anon_vma) {
		nf &= ~VMF(ACCOUNT);
	}
	want->flags = nf;
	return 0;
}

/* A locked private VMA that becomes writable is faulted in to break COW now. */
static void prot_after(struct vma_model *m, struct vma *v, vmf_t old, struct vma_effects *fx)
{
	if ((old & (VMF(WRITE) | VMF(SHARED) | VMF(LOCKED))) == VMF(LOCKED) &&
	    (v->flags & VMF(WRITE)) && !(v->flags & VMF(LOCKONFAULT)))
		ops_anon_vma_prepare(m, v, fx);
}

int vma_mprotect(struct vma_model *m, uint64_t start, uint64_t len, int prot, int pkey,
		 struct vma_effects *fx)
{
	int grows = prot & (VMA_PROT_GROWSDOWN | VMA_PROT_GROWSUP);
	struct prot_arg a = { 0, pkey };
	uint64_t end;
	struct vma *v;

	prot &= ~grows;
	if (grows == (VMA_PROT_GROWSDOWN | VMA_PROT_GROWSUP) || ops_unaligned(m, start))
		return -EINVAL;
	if (len == 0)
		return 0;
	len = ops_page_align(m, len);
	end = start + len;
	if (end <= start)
		return -ENOMEM;
	if (prot & ~(VMA_PROT_READ | VMA_PROT_WRITE | VMA_PROT_EXEC | VMA_PROT_SEM))
		return -EINVAL;
	if (pkey != -1 && !(m->p.pku && pkey >= 0 && pkey < 16))
		return -EINVAL;
	v = vma_find(m, start);
	if (v == NULL || v->start >= end)
		return -ENOMEM;
	if (grows & VMA_PROT_GROWSDOWN) {
		start = v->start;
		if (!(v->flags & VMF(GROWSDOWN)))
			return -EINVAL;
	} else {
		if (v->start > start)
			return -ENOMEM;
		if (grows & VMA_PROT_GROWSUP)
			return -EINVAL;
	}
	if (prot & VMA_PROT_READ)
		a.access |= VMF(READ);
	if (prot & VMA_PROT_WRITE)
		a.access |= VMF(WRITE);
	if (prot & VMA_PROT_EXEC)
		a.access |= VMF(EXEC);
	return walk_after(m, v, start, end, HOLES_FAIL, prot_change, &a, prot_after, fx);
}

/* ---- mlock ---------------------------------------------------------------------- */

static int lock_change(struct vma_model *m, struct vma *v, struct vma *want, const void *arg,
		       struct vma_effects *fx)
{
	vmf_t nf = (v->flags & ~VMF_LOCKED_MASK) | *(const vmf_t *)arg;

	(void)m;
	(void)fx;
	if (nf == v->flags || (v->flags & (VMF_SPECIAL | VMF(HUGETLB) | VMF(DROPPABLE))) ||
	    (v->bits & VMA_B_SPECIAL_NAME))
		return 1;
	want->flags = nf;
	return 0;
}

static int apply_lock(struct vma_model *m, uint64_t start, uint64_t len, vmf_t lock,
		      struct vma_effects *fx)
{
	uint64_t end = start + len;
	struct vma *v;

	if (end < start)
		return -EINVAL;
	if (end == start)
		return 0;
	v = vma_lookup(m, start);
	if (v == NULL)
		return -ENOMEM;
	return walk(m, v, start, end, HOLES_FAIL, lock_change, &lock, fx);
}

/*
 * __mm_populate without ignoring errors: a PROT_NONE VMA, a guard page or a
 * page past a shmem object cannot be faulted in (EFAULT, which mlock
 * reports as ENOMEM); what came before was.
 */
static int mlock_populate(struct vma_model *m, uint64_t start, uint64_t end,
			  struct vma_effects *fx)
{
	for (struct vma *v = vma_find(m, start); v != NULL && v->start < end; v = v->next) {
		uint64_t s = v->start > start ? v->start : start, e = v->end < end ? v->end : end;
		uint64_t stop;

		if (v->flags & (VMF(IO) | VMF(PFNMAP) | VMF(LOCKONFAULT)))
			continue;
		if (!(v->flags & VMF_ACCESS))
			return -ENOMEM;
		stop = ops_fault_limit(m, v, s, e);
		ops_populate(m, s, stop, fx);
		if (stop < e)
			return -ENOMEM;
	}
	return 0;
}

int vma_mlock(struct vma_model *m, uint64_t addr, uint64_t len, unsigned flags,
	      struct vma_effects *fx)
{
	vmf_t lock = VMF(LOCKED);
	uint64_t start = addr & ~(m->p.page_size - 1);
	int err;

	if (flags & ~(unsigned)VMA_MLOCK_ONFAULT)
		return -EINVAL;
	if (flags & VMA_MLOCK_ONFAULT)
		lock |= VMF(LOCKONFAULT);
	len = ops_page_align(m, len + (addr - start));
	err = apply_lock(m, start, len, lock, fx);
	if (err == 0)	/* also with ONFAULT: VMAs mlock skipped are still faulted */
		err = mlock_populate(m, start, start + len, fx);
	return err;
}

int vma_munlock(struct vma_model *m, uint64_t addr, uint64_t len, struct vma_effects *fx)
{
	uint64_t start = addr & ~(m->p.page_size - 1);

	len = ops_page_align(m, len + (addr - start));
	return apply_lock(m, start, len, 0, fx);
}

static void lock_all(struct vma_model *m, vmf_t add, struct vma_effects *fx)
{
	struct vma *v = m->first, *r;
	int err;

	while (v != NULL) {
		struct vma want = *v;

		r = v;
		if (lock_change(m, v, &want, &add, fx) == 0) {
			r = ops_modify(m, v, v->start, v->end, &want, &err, fx);
			if (r == NULL)
				r = v;
		}
		v = r->next;
	}
}

int vma_mlockall(struct vma_model *m, int flags, struct vma_effects *fx)
{
	vmf_t add = 0;

	if (flags == 0 || (flags & ~(VMA_MCL_CURRENT | VMA_MCL_FUTURE | VMA_MCL_ONFAULT)) ||
	    flags == VMA_MCL_ONFAULT)
		return -EINVAL;
	m->def_flags &= ~VMF_LOCKED_MASK;
	if (flags & VMA_MCL_FUTURE) {
		m->def_flags |= VMF(LOCKED);
		if (flags & VMA_MCL_ONFAULT)
			m->def_flags |= VMF(LOCKONFAULT);
	}
	if (!(flags & VMA_MCL_CURRENT))
		return 0;
	add = VMF(LOCKED);
	if (flags & VMA_MCL_ONFAULT)
		add |= VMF(LOCKONFAULT);
	lock_all(m, add, fx);
	if (!(flags & VMA_MCL_ONFAULT))
		ops_populate(m, 0, m->p.task_size, fx);
	return 0;
}

int vma_munlockall(struct vma_model *m, struct vma_effects *fx)
{
	m->def_flags &= ~VMF_LOCKED_MASK;
	lock_all(m, 0, fx);
	return 0;
}

/* ---- mseal ------------------------------------------------------------------------ */

static int seal_change(struct vma_model *m, struct vma *v, struct vma *want, const void *arg,
		       struct vma_effects *fx)
{
	(void)m;
	(void)arg;
	(void)fx;
	if (ops_sealed(v))
		return 1;
	want->flags |= VMF(SEALED);
	return 0;
}

/*
 * The end of [addr, addr + len) with len rounded up to pages, for mseal,
 * madvise and the anon-name prctl: -EINVAL when the rounding or the range
 * wraps past 2^64, as the kernel says.
 */
static int aligned_end(const struct vma_model *m, uint64_t addr, uint64_t len, uint64_t *end)
{
	uint64_t alen = ops_page_align(m, len);

	if (len != 0 && alen == 0)
		return -EINVAL;
	*end = addr + alen;
	return *end < addr ? -EINVAL : 0;
}

int vma_mseal(struct vma_model *m, uint64_t addr, uint64_t len, unsigned long flags,
	      struct vma_effects *fx)
{
	uint64_t end, pos;
	struct vma *v, *w;

	if (!m->p.mseal_supported)
		return -ENOSYS;
	if (flags != 0 || ops_unaligned(m, addr))
		return -EINVAL;
	if (aligned_end(m, addr, len, &end) < 0)
		return -EINVAL;
	if (end == addr)
		return 0;
	v = vma_find(m, addr);
	pos = addr;
	for (w = v; w != NULL && w->start < end; w = w->next) {
		if (w->start > pos)
			return -ENOMEM;
		pos = w->end;
	}
	if (pos < end)
		return -ENOMEM;
	return walk(m, v, addr, end, HOLES_FAIL, seal_change, NULL, fx);
}

/* ---- madvise -------------------------------------------------------------------- */

static bool advice_valid(int advice)
{
	switch (advice) {
	case VMA_MADV_NORMAL: case VMA_MADV_RANDOM: case VMA_MADV_SEQUENTIAL:
	case VMA_MADV_WILLNEED: case VMA_MADV_DONTNEED: case VMA_MADV_FREE:
	case VMA_MADV_REMOVE: case VMA_MADV_DONTFORK: case VMA_MADV_DOFORK:
	case VMA_MADV_MERGEABLE: case VMA_MADV_UNMERGEABLE: case VMA_MADV_HUGEPAGE:
	case VMA_MADV_NOHUGEPAGE: case VMA_MADV_DONTDUMP: case VMA_MADV_DODUMP:
	case VMA_MADV_WIPEONFORK: case VMA_MADV_KEEPONFORK: case VMA_MADV_COLD:
	case VMA_MADV_PAGEOUT: case VMA_MADV_POPULATE_READ: case VMA_MADV_POPULATE_WRITE:
	case VMA_MADV_DONTNEED_LOCKED: case VMA_MADV_COLLAPSE: case VMA_MADV_HWPOISON:
	case VMA_MADV_SOFT_OFFLINE: case VMA_MADV_GUARD_INSTALL: case VMA_MADV_GUARD_REMOVE:
		return true;
	}
	return false;
}

/* Advice that throws pages away: refused on sealed read-only anonymous memory. */
static bool advice_discards(int advice)
{
	switch (advice) {
	case VMA_MADV_FREE: case VMA_MADV_DONTNEED: case VMA_MADV_DONTNEED_LOCKED:
	case VMA_MADV_REMOVE: case VMA_MADV_DONTFORK: case VMA_MADV_WIPEONFORK:
	case VMA_MADV_GUARD_INSTALL:
		return true;
	}
	return false;
}

/* The kernel's vma->vm_file is set: file mappings and shared anonymous memory. */
static bool has_vm_file(const struct vma *v)
{
	return v->file != 0 || v->inode != 0 || (v->bits & VMA_B_SHMEM);
}

/* vma_ksm_compatible */
static bool ksm_compatible(const struct vma *v)
{
	return !(v->flags & (VMF(SHARED) | VMF(MAYSHARE) | VMF(PFNMAP) | VMF(IO) |
			     VMF(DONTEXPAND) | VMF(HUGETLB) | VMF(MIXEDMAP) | VMF(DROPPABLE)));
}

/* Advice that leaves the VMA's flags alone: only its refusals are modelled. */
static int madv_collapse(const struct vma *v, uint64_t s, uint64_t e);

static int madv_check(struct vma_model *m, struct vma *v, int advice, uint64_t s, uint64_t e,
		      struct vma_effects *fx)
{
	vmf_t f = v->flags;

	switch (advice) {
	case VMA_MADV_COLLAPSE:
		return madv_collapse(v, s, e);
	case VMA_MADV_DONTNEED:
	case VMA_MADV_DONTNEED_LOCKED:
	case VMA_MADV_FREE:
		if ((f & VMF(PFNMAP)) || (advice != VMA_MADV_DONTNEED_LOCKED && (f & VMF(LOCKED))))
			return -EINVAL;
		if (advice == VMA_MADV_FREE && !ops_vma_is_anonymous(m, v))
			return -EINVAL;
		return 1;
	case VMA_MADV_REMOVE:
		if (f & VMF(LOCKED))
			return -EINVAL;
		if (!has_vm_file(v))
			return -EINVAL;
		if ((f & (VMF(SHARED) | VMF(MAYWRITE))) != (VMF(SHARED) | VMF(MAYWRITE)))
			return -EACCES;
		return 1;
	case VMA_MADV_COLD:
	case VMA_MADV_PAGEOUT:
		if (f & (VMF(LOCKED) | VMF(PFNMAP) | VMF(HUGETLB)))
			return -EINVAL;
		return 1;
	case VMA_MADV_GUARD_INSTALL:
		if (f & (VMF_SPECIAL | VMF(HUGETLB) | VMF(LOCKED)))
			return -EINVAL;
		/* Set on the whole VMA without a split; sticky, so merges keep it. */
		if (!(f & VMF(MAYBE_GUARD))) {
			v->flags |= VMF(MAYBE_GUARD);
			ops_ev_flags(fx, v, f);
		}
		if (ops_is_anon(v))	/* file mappings get none (6.18 with VM_MAYBE_GUARD) */
			ops_anon_vma_prepare(m, v, fx);
		return ops_guard_add(m, s, e) < 0 ? -ENOMEM : 1;
	case VMA_MADV_GUARD_REMOVE:
		if (f & (VMF_SPECIAL | VMF(HUGETLB)))
			return -EINVAL;
		ops_guard_clear(m, s, e);
		return 1;
	}
	return 1;	/* WILLNEED: no change to the VMA */
}

/*
 * MADV_COLLAPSE on [s, e) of v: EINVAL where no huge page can be (no 2 MiB
 * aligned block fits in the VMA, file or special memory, nh); where one
 * can, the model does not know which pages are present and answers as for
 * memory not yet faulted in: EINVAL if a whole block is in the range, else 0.
 */
static int madv_collapse(const struct vma *v, uint64_t s, uint64_t e)
{
	uint64_t lo = (v->start + THP_SIZE - 1) & ~(THP_SIZE - 1);

	if (!ops_is_anon(v) || (v->flags & (VMF_SPECIAL | VMF(HUGETLB) | VMF(NOHUGEPAGE))) ||
	    lo + THP_SIZE > v->end || lo < v->start)
		return -EINVAL;
	s = (s + THP_SIZE - 1) & ~(THP_SIZE - 1);
	return s + THP_SIZE <= e ? -EINVAL : 1;
}

static int madv_change(struct vma_model *m, struct vma *v, struct vma *want, const void *arg,
		       struct vma_effects *fx)
{
	int advice = *(const int *)arg;
	vmf_t *nf = &want->flags;

	if (ops_sealed(v) && advice_discards(advice) && ops_is_anon(v) && !(v->flags & VMF(WRITE)))
		return -EPERM;
	switch (advice) {
	case VMA_MADV_NORMAL:
		*nf &= ~(VMF(RAND_READ) | VMF(SEQ_READ));
		break;
	case VMA_MADV_SEQUENTIAL:
		*nf = (*nf & ~VMF(RAND_READ)) | VMF(SEQ_READ);
		break;
	case VMA_MADV_RANDOM:
		*nf = (*nf & ~VMF(SEQ_READ)) | VMF(RAND_READ);
		break;
	case VMA_MADV_DONTFORK:
		*nf |= VMF(DONTCOPY);
		break;
	case VMA_MADV_DOFORK:
		if (*nf & VMF(IO))
			return -EINVAL;
		*nf &= ~VMF(DONTCOPY);
		break;
	case VMA_MADV_WIPEONFORK:
		if (has_vm_file(v) || (*nf & VMF(SHARED)))
			return -EINVAL;
		*nf |= VMF(WIPEONFORK);
		break;
	case VMA_MADV_KEEPONFORK:
		if (*nf & VMF(DROPPABLE))
			return -EINVAL;
		*nf &= ~VMF(WIPEONFORK);
		break;
	case VMA_MADV_DONTDUMP:
		*nf |= VMF(DONTDUMP);
		break;
	case VMA_MADV_DODUMP:
		if ((!(*nf & VMF(HUGETLB)) && (*nf & VMF_SPECIAL)) || (*nf & VMF(DROPPABLE)))
			return -EINVAL;
		*nf &= ~VMF(DONTDUMP);
		break;
	case VMA_MADV_MERGEABLE:
		if (ksm_compatible(v))
			*nf |= VMF(MERGEABLE);
		break;
	case VMA_MADV_UNMERGEABLE:
		*nf &= ~VMF(MERGEABLE);
		break;
	case VMA_MADV_HUGEPAGE:
		*nf = (*nf & ~VMF(NOHUGEPAGE)) | VMF(HUGEPAGE);
		break;
	case VMA_MADV_NOHUGEPAGE:
		*nf = (*nf & ~VMF(HUGEPAGE)) | VMF(NOHUGEPAGE);
		break;
	default:
		return madv_check(m, v, advice, want->start, want->end, fx);
	}
	return 0;
}

int vma_madvise(struct vma_model *m, uint64_t addr, uint64_t len, int advice,
		struct vma_effects *fx)
{
	uint64_t end;

	if (!advice_valid(advice) || ops_unaligned(m, addr))
		return -EINVAL;
	if (aligned_end(m, addr, len, &end) < 0)
		return -EINVAL;
	if (end == addr)
		return 0;
	if (advice == VMA_MADV_HWPOISON || advice == VMA_MADV_SOFT_OFFLINE)
		return -EPERM;		/* poisoning pages is not modelled */
	if (advice == VMA_MADV_POPULATE_READ || advice == VMA_MADV_POPULATE_WRITE)
		return ops_madv_populate(m, addr, end, advice == VMA_MADV_POPULATE_WRITE, fx);
	return walk(m, vma_find(m, addr), addr, end, HOLES_SKIP, madv_change, &advice, fx);
}

/* ---- anonymous names --------------------------------------------------------------- */

#define ANON_NAME_MAX	80
#define SHMEM_ZERO_NAME	"/dev/zero (deleted)"

struct name_arg {
	uint32_t anon, shmem, shmem_plain;	/* interned names to give */
};

static bool is_anon_shmem(const struct vma_model *m, const struct vma *v)
{
	const char *s = vma_name(m, v->name);

	return (v->bits & VMA_B_SHMEM) &&
	       (strcmp(s, SHMEM_ZERO_NAME) == 0 || strncmp(s, "[anon_shmem:", 12) == 0);
}

static int name_change(struct vma_model *m, struct vma *v, struct vma *want, const void *arg,
		       struct vma_effects *fx)
{
	const struct name_arg *a = arg;

	(void)fx;
	if (has_vm_file(v) && !is_anon_shmem(m, v))
		return -EBADF;
	if (is_anon_shmem(m, v)) {
		want->name = a->shmem ? a->shmem : a->shmem_plain;
		want->bits &= ~VMA_B_ANON_NAME;
	} else {
		if (!(v->bits & VMA_B_ANON_NAME) && a->anon == 0)
			return 1;
		want->name = a->anon;
		want->bits = (want->bits & ~VMA_B_ANON_NAME) | (a->anon ? VMA_B_ANON_NAME : 0);
	}
	return 0;
}

static bool anon_name_char_ok(unsigned char c)
{
	return c > 0x1f && c < 0x7f && strchr("\\`$[]", c) == NULL;
}

static int intern_wrapped(struct vma_model *m, const char *pre, const char *name, uint32_t *id)
{
	char buf[ANON_NAME_MAX + 16];
	int n = snprintf(buf, sizeof(buf), "%s%s]", pre, name);

	return vma_intern_checked(m, buf, (size_t)n, id);
}

int vma_set_anon_name(struct vma_model *m, uint64_t addr, uint64_t len, const char *name,
		      struct vma_effects *fx)
{
	struct name_arg a = { 0, 0, 0 };
	uint64_t end;

	if (!m->p.anon_name_supported)
		return -EINVAL;		/* CONFIG_ANON_VMA_NAME=n */
	if (name != NULL) {
		if (strlen(name) >= ANON_NAME_MAX)
			return -EINVAL;
		for (const char *c = name; *c; c++)
			if (!anon_name_char_ok((unsigned char)*c))
				return -EINVAL;
		/* out of memory, a name of 0 would clear names instead */
		if (intern_wrapped(m, "[anon:", name, &a.anon) < 0 ||
		    intern_wrapped(m, "[anon_shmem:", name, &a.shmem) < 0)
			return -ENOMEM;
	}
	if (vma_intern_checked(m, SHMEM_ZERO_NAME, strlen(SHMEM_ZERO_NAME), &a.shmem_plain) < 0)
		return -ENOMEM;
	if (ops_unaligned(m, addr))
		return -EINVAL;
	if (aligned_end(m, addr, len, &end) < 0)
		return -EINVAL;
	if (end == addr)
		return 0;
	return walk(m, vma_find(m, addr), addr, end, HOLES_SKIP, name_change, &a, fx);
}
