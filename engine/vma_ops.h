/*
 * vma_ops.h - what the operation files (vma_merge.c, vma_mmap.c,
 * vma_unmap.c, vma_modify.c, vma_mremap.c) share inside the engine: the
 * split, merge and remove primitives the kernel's mm/vma.c provides to its
 * system calls, and the small helpers for effects and page arithmetic.
 * Not part of the engine's public API (see vma.h).
 */
#ifndef VMATOOL_VMA_OPS_H
#define VMATOOL_VMA_OPS_H

#include <errno.h>

#include "abi.h"
#include "vma.h"

static inline unsigned ops_shift(const struct vma_model *m)
{
	return (unsigned)__builtin_ctzll(m->p.page_size);
}

static inline uint64_t ops_pages(const struct vma_model *m, uint64_t bytes)
{
	return bytes >> ops_shift(m);
}

static inline uint64_t ops_page_align(const struct vma_model *m, uint64_t x)
{
	return (x + m->p.page_size - 1) & ~(m->p.page_size - 1);
}

static inline bool ops_unaligned(const struct vma_model *m, uint64_t x)
{
	return (x & (m->p.page_size - 1)) != 0;
}

/* pgoff of address addr inside v (the kernel's linear page offset). */
static inline uint64_t ops_pgoff_at(const struct vma_model *m, const struct vma *v, uint64_t addr)
{
	return v->pgoff + ((addr - v->start) >> ops_shift(m));
}

static inline bool ops_sealed(const struct vma *v)
{
	return (v->flags & VMF(SEALED)) != 0;
}

/*
 * The kernel's mmap_min_addr (security/min_addr.c update_mmap_min_addr): the
 * sysctl's dac_mmap_min_addr, or CONFIG_LSM_MMAP_MIN_ADDR where that is
 * larger.  Hints are raised to it, searches and stacks stop at it; only the
 * EPERM of cap_mmap_addr goes by the sysctl's value alone.
 */
static inline uint64_t ops_min_addr(const struct vma_model *m)
{
	return m->p.lsm_mmap_min_addr > m->p.mmap_min_addr ? m->p.lsm_mmap_min_addr
							    : m->p.mmap_min_addr;
}

/* Anonymous memory: no file, no vm_ops. */
static inline bool ops_is_anon(const struct vma *v)
{
	return v->file == 0 && v->inode == 0 && !(v->bits & (VMA_B_SHMEM | VMA_B_SPECIAL_NAME));
}

/*
 * The kernel's vma_is_anonymous (no vm_ops): anonymous memory, and a private
 * mapping of /dev/zero too (drivers/char/mem.c mmap_zero: vma_set_anonymous),
 * which keeps its file.  The rules written with vma_is_anonymous use this:
 * do_anonymous_page and huge anonymous faults, mprotect's VM_ACCOUNT,
 * copy_vma's page offset, MADV_FREE.
 */
bool ops_vma_is_anonymous(const struct vma_model *m, const struct vma *v);

/* ---- effects ---------------------------------------------------------- */
void ops_ev(struct vma_effects *fx, enum vma_event_kind kind, uint64_t start, uint64_t end,
	    uint64_t old_start, uint64_t old_end);
void ops_ev_flags(struct vma_effects *fx, const struct vma *v, vmf_t old_flags);
void ops_ev_nomerge(struct vma_effects *fx, uint64_t start, uint64_t end,
		    const struct vma *other, enum vma_nomerge why);

/* ---- merge predicate ------------------------------------------------------ */
/*
 * Could a range with want's attributes (start, end, pgoff, flags, file, name,
 * anon_vma) join prev below it / next above it?  src is the existing VMA the
 * range comes from (modify), copied_from the VMA an mremap copies.
 */
enum vma_nomerge ops_can_merge_after(const struct vma_model *m, const struct vma *prev,
				     const struct vma *want, const struct vma *src,
				     const struct vma *copied_from);
enum vma_nomerge ops_can_merge_before(const struct vma_model *m, const struct vma *next,
				      const struct vma *want, const struct vma *src,
				      const struct vma *copied_from);
bool ops_anon_vmas_compatible(const struct vma *a, const struct vma *b);

/* ---- primitives ----------------------------------------------------------- */
/* After v changed: drop stale smaps, recompute [heap]/[stack] and kind. */
void ops_refresh(struct vma_model *m, struct vma *v);
/* The same without dropping smaps: only the name or kind may have changed. */
void ops_relabel(struct vma_model *m, struct vma *v);
/* Split v at 'at': v keeps [start, at), *upper gets [at, end).  No count check. */
int ops_split(struct vma_model *m, struct vma *v, uint64_t at, struct vma **upper,
	      struct vma_effects *fx);
void ops_remove(struct vma_model *m, struct vma *v, struct vma_effects *fx);
/*
 * Give [start, end) of v the attributes of want (flags, name, pkey...):
 * merge with a neighbour where the kernel would, else split (ENOMEM at the
 * map count limit; the first split stays).  Returns the VMA now holding the
 * range, or NULL with *err.
 */
struct vma *ops_modify(struct vma_model *m, struct vma *v, uint64_t start, uint64_t end,
		       const struct vma *want, int *err, struct vma_effects *fx);
/*
 * A new range want->[start,end) between prev and next (either may be NULL
 * or not adjacent): expand a neighbour over it where the kernel would.
 * Returns the VMA that now covers the range, or NULL (nothing changed).
 */
struct vma *ops_merge_new(struct vma_model *m, struct vma *prev, struct vma *next,
			  const struct vma *want, const struct vma *copied_from,
			  bool just_expand, struct vma_effects *fx);
/* Insert a copy of want as a new VMA; NULL on allocation failure. */
struct vma *ops_insert_new(struct vma_model *m, const struct vma *want, struct vma_effects *fx);

/* ---- shared by the syscalls ----------------------------------------------- */
/* do_vmi_munmap on an aligned, valid range. */
int ops_munmap_range(struct vma_model *m, uint64_t start, uint64_t end, struct vma_effects *fx);
/* The same, and *after is the first VMA above the range once it is done. */
int ops_munmap_next(struct vma_model *m, uint64_t start, uint64_t end, struct vma **after,
		    struct vma_effects *fx);
/* anon_vma_prepare: give v an anon_vma, reusing a neighbour's when allowed. */
void ops_anon_vma_prepare(struct vma_model *m, struct vma *v, struct vma_effects *fx);
/* Populate [start, end) as mm_populate does (write faults on private writable). */
void ops_populate(struct vma_model *m, uint64_t start, uint64_t end, struct vma_effects *fx);
/* MADV_POPULATE_READ/WRITE of [start, end): 0, -ENOMEM (a hole), -EINVAL, -EFAULT. */
int ops_madv_populate(struct vma_model *m, uint64_t start, uint64_t end, bool write,
		      struct vma_effects *fx);
/*
 * get_unmapped_area: returns the address or a negative errno (as uint64_t
 * cast of a negative int64_t); file is NULL for anonymous memory.  As in the
 * kernel (IS_ERR_VALUE), only -4095..-1 are errors: a MAP_FIXED address such
 * as 0xfffffffffffff000 is an address (then refused with -ENOMEM).
 */
#define OPS_IS_ERR(r) ((uint64_t)(r) >= (uint64_t)-4095)
int64_t ops_get_unmapped_area(struct vma_model *m, const struct vma_mapfile *file,
			      uint64_t addr, uint64_t len, uint64_t pgoff, int flags,
			      vmf_t vm_flags);

/* ---- page-level state (vma_pages.c) ----------------------------------------- */
/* The model's lifecycle (vma_tree.c): guard ranges and shmem object sizes. */
void pages_release(struct vma_model *m);
void pages_clear(struct vma_model *m);
int pages_copy(struct vma_model *dst, const struct vma_model *src);	/* dst's are empty */
/* [start, end) become guard pages / stop being guard pages. */
int ops_guard_add(struct vma_model *m, uint64_t start, uint64_t end);
void ops_guard_clear(struct vma_model *m, uint64_t start, uint64_t end);
/* mremap moved the pages of [from, from + len) to to: their guards go along. */
int ops_guard_move(struct vma_model *m, uint64_t from, uint64_t len, uint64_t to);
/* The shmem object of open-file identity file holds pages pages. */
int ops_objsize_set(struct vma_model *m, uint32_t file, uint64_t pages);
uint64_t ops_objsize_get(const struct vma_model *m, uint32_t file);	/* 0: unknown */
/*
 * Where faulting in [start, end) of v stops: the first guard page, or the
 * first page past v's shmem object; end if nothing stops it.
 */
uint64_t ops_fault_limit(const struct vma_model *m, const struct vma *v, uint64_t start,
			 uint64_t end);

#endif
