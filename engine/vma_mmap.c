/*
 * vma_mmap.c - mmap(2), brk(2) and address placement on the model, as Linux
 * 6.18 x86_64 does them: do_mmap's argument checks and flag computation,
 * __get_unmapped_area (hint, MAP_FIXED, top-down search below mmap_base with
 * the stack guard gap, THP 2 MiB alignment of large anonymous and some file
 * mappings, the bottom-up fallback), then __mmap_region: unmap what MAP_FIXED
 * covers, merge with the neighbours or create a VMA, populate.
 */
#include <string.h>

#include "vma_ops.h"

#define THP_SIZE	(2ULL << 20)

/* The flags MAP_SHARED_VALIDATE accepts (without MAP_SYNC: no DAX here). */
#define LEGACY_MAP_MASK	(VMA_MAP_SHARED | VMA_MAP_PRIVATE | VMA_MAP_FIXED | \
			 VMA_MAP_ANONYMOUS | VMA_MAP_DENYWRITE | VMA_MAP_EXECUTABLE | \
			 VMA_MAP_UNINITIALIZED | VMA_MAP_GROWSDOWN | VMA_MAP_LOCKED | \
			 VMA_MAP_NORESERVE | VMA_MAP_POPULATE | VMA_MAP_NONBLOCK | \
			 VMA_MAP_STACK | VMA_MAP_HUGETLB | VMA_MAP_32BIT | 0x80 | \
			 (21 << 26) | (30 << 26))

bool vma_fs_thp_aligned(uint64_t fs_magic)
{
	switch (fs_magic) {
	case 0xEF53:		/* ext2, ext3, ext4 */
	case 0x58465342:	/* xfs */
	case 0x9123683E:	/* btrfs */
	case 0xE0F5E1E2:	/* erofs */
		return true;
	default:
		return false;
	}
}

uint32_t vma_file_open(struct vma_model *m)
{
	if (m->next_file_id == 0)
		m->next_file_id = 1;
	return m->next_file_id++;
}

/* vm_start_gap: where the free space below v ends (guard gap below stacks). */
static uint64_t start_gap(const struct vma_model *m, const struct vma *v)
{
	if (!(v->flags & VMF(GROWSDOWN)))
		return v->start;
	return v->start > m->p.stack_guard_gap ? v->start - m->p.stack_guard_gap : 0;
}

/* vm_unmapped_area, top-down: the highest start of len bytes below high. */
static int64_t unmapped_topdown(struct vma_model *m, uint64_t len, uint64_t high)
{
	uint64_t low = m->p.page_size > ops_min_addr(m) ? m->p.page_size : ops_min_addr(m);
	uint64_t out;

	if (vma_gap_highest(m, len, 0, low, high, &out) < 0)
		return -ENOMEM;
	return (int64_t)out;
}

/* The legacy bottom-up search, tried when the top-down one fails. */
static int64_t unmapped_bottomup(struct vma_model *m, uint64_t len, uint64_t low, uint64_t high)
{
	uint64_t out;

	if (vma_gap_lowest(m, len, 0, low, high, &out) < 0)
		return -ENOMEM;
	return (int64_t)out;
}

static bool hint_free(struct vma_model *m, uint64_t addr, uint64_t len)
{
	struct vma *v;

	if (addr + len > m->p.task_size || addr + len < addr)
		return false;
	v = vma_find(m, addr);
	return v == NULL || addr + len <= start_gap(m, v);
}

#define MAP_32BIT_END	0x80000000ULL	/* find_start_end: MAP_32BIT stays below 2 GiB */

/*
 * arch_get_unmapped_area_topdown of x86_64, or arch_get_unmapped_area for
 * the legacy layout (mm->mmap_base is then the bottom of the search).
 */
static int64_t arch_area(struct vma_model *m, uint64_t addr, uint64_t len, int flags)
{
	int64_t r;

	if (len > m->p.task_size)
		return -ENOMEM;
	if (flags & VMA_MAP_FIXED)
		return (int64_t)addr;
	if (flags & VMA_MAP_32BIT) {	/* arch_get_unmapped_area, the hint included */
		addr &= ~(m->p.page_size - 1);
		if (addr && len <= MAP_32BIT_END && addr <= MAP_32BIT_END - len && hint_free(m, addr, len))
			return (int64_t)addr;
		return unmapped_bottomup(m, len, 0x40000000ULL, MAP_32BIT_END);
	}
	if (addr) {
		addr &= ~(m->p.page_size - 1);
		if (hint_free(m, addr, len))
			return (int64_t)addr;
	}
	if (m->p.legacy_layout)		/* arch_get_unmapped_area: bottom-up from the base */
		return unmapped_bottomup(m, len, m->p.mmap_base, m->p.task_size);
	r = unmapped_topdown(m, len, m->p.mmap_base);
	if (r >= 0)
		return r;
	return unmapped_bottomup(m, len, ops_page_align(m, m->p.task_size / 3), m->p.task_size);
}

/*
 * __thp_get_unmapped_area: search for len + 2 MiB, then place the mapping
 * where its file offset and address agree modulo 2 MiB.  0 when it does
 * not apply (the caller then searches without padding).  A place that
 * agrees already is moved up by 2 MiB only in the top-down layout
 * (MMF_TOPDOWN, mm/huge_memory.c): bottom-up, it stays at the bottom.
 */
static int64_t thp_area(struct vma_model *m, uint64_t addr, uint64_t len, uint64_t off, int flags)
{
	uint64_t off_end = off + len, off_align = (off + THP_SIZE - 1) & ~(THP_SIZE - 1);
	uint64_t off_sub;
	int64_t r;

	if (off_end <= off_align || off_end - off_align < THP_SIZE)
		return 0;
	if (len + THP_SIZE < len)
		return 0;
	r = arch_area(m, addr, len + THP_SIZE, flags);
	if (r < 0)
		return 0;
	if ((uint64_t)r == addr)
		return (int64_t)addr;
	off_sub = (off - (uint64_t)r) & (THP_SIZE - 1);
	if (off_sub == 0 && !m->p.legacy_layout)
		return r + (int64_t)THP_SIZE;
	return r + (int64_t)off_sub;
}

/*
 * Is this shmem file on the kernel's internal mount (shared anonymous
 * memory, memfd, SysV shm), whose huge= option follows shmem_enabled?  A
 * tmpfs file (/dev/shm) has its own mount's option, "never" by default.
 */
static bool on_shm_mnt(const struct vma_model *m, const struct vma_mapfile *file)
{
	const char *n = file ? vma_name(m, file->name) : "";

	return file == NULL || strncmp(n, "/memfd:", 7) == 0 || strncmp(n, "/SYSV", 5) == 0 ||
	       strncmp(n, "/dev/zero", 9) == 0 || strncmp(n, "[anon_shmem:", 12) == 0;
}

/* Would shmem_get_unmapped_area look for a 2 MiB-aligned place at all? */
static bool shmem_huge(const struct vma_model *m, const struct vma_mapfile *file)
{
	if (m->p.thp == VMA_THP_ABSENT || m->p.shmem_thp == VMA_SHMEM_THP_DENY)
		return false;
	if (m->p.shmem_thp == VMA_SHMEM_THP_FORCE)
		return true;
	return m->p.shmem_thp != VMA_SHMEM_THP_NEVER && on_shm_mnt(m, file);
}

/*
 * shmem_get_unmapped_area (mm/shmem.c): place as usual, then, for 2 MiB and
 * more with huge pages possible, search again for len + 2 MiB - 1 page and
 * move up to where address and file offset agree modulo 2 MiB.  Any failure
 * of the second search keeps the first place.
 */
static int64_t shmem_area(struct vma_model *m, const struct vma_mapfile *file, uint64_t uaddr,
			  uint64_t len, uint64_t pgoff, int flags)
{
	int64_t r = arch_area(m, uaddr, len, flags), ir;
	uint64_t offset, inflated, ioff, a;

	if (r < 0 || (uint64_t)r > m->p.task_size - len || !shmem_huge(m, file))
		return r;
	if (len < THP_SIZE || (flags & VMA_MAP_FIXED) || (uint64_t)r == uaddr)
		return r;
	offset = (pgoff << ops_shift(m)) & (THP_SIZE - 1);
	if ((offset && offset + len < 2 * THP_SIZE) || ((uint64_t)r & (THP_SIZE - 1)) == offset)
		return r;
	inflated = len + THP_SIZE - m->p.page_size;
	if (inflated > m->p.task_size || inflated < len)
		return r;
	ir = arch_area(m, uaddr, inflated, flags);
	if (ir < 0)
		return r;
	ioff = (uint64_t)ir & (THP_SIZE - 1);
	a = (uint64_t)ir + offset - ioff;
	if (ioff > offset)
		a += THP_SIZE;
	return a > m->p.task_size - len ? r : (int64_t)a;
}

/* The character device /dev/zero (not a shmem object it made: "/dev/zero (deleted)"). */
static bool is_dev_zero(const struct vma_model *m, const struct vma_mapfile *file)
{
	return file != NULL && !file->shmem && strcmp(vma_name(m, file->name), "/dev/zero") == 0;
}

int64_t ops_get_unmapped_area(struct vma_model *m, const struct vma_mapfile *file,
			      uint64_t addr, uint64_t len, uint64_t pgoff, int flags,
			      vmf_t vm_flags)
{
	bool thp = m->p.thp != VMA_THP_ABSENT, zero = is_dev_zero(m, file);
	int64_t r = 0;

	(void)vm_flags;
	if (len > m->p.task_size)
		return -ENOMEM;
	if (file == NULL)
		pgoff = 0;
	/*
	 * drivers/char/mem.c get_unmapped_area_zero: shared, the place of the
	 * shmem object mmap_zero makes (shmem_get_unmapped_area with no file);
	 * private, thp_get_unmapped_area, whatever the length.
	 */
	if (zero && (flags & VMA_MAP_SHARED))
		r = shmem_area(m, NULL, addr, len, pgoff, flags);
	else if (zero && thp && !(flags & VMA_MAP_FIXED))
		r = thp_area(m, addr, len, pgoff << ops_shift(m), flags);
	else if ((file != NULL && file->shmem) || (file == NULL && (flags & VMA_MAP_SHARED)))
		r = shmem_area(m, file, addr, len, pgoff, flags);
	else if (thp && file != NULL && file->thp_align && !(flags & VMA_MAP_FIXED))
		r = thp_area(m, addr, len, pgoff << ops_shift(m), flags);
	else if (thp && file == NULL && addr == 0 && (len & (THP_SIZE - 1)) == 0)
		r = thp_area(m, addr, len, 0, flags);
	if (r == 0)
		r = arch_area(m, addr, len, flags);
	if (OPS_IS_ERR(r))
		return r;
	if ((uint64_t)r > m->p.task_size - len)
		return -ENOMEM;
	if (ops_unaligned(m, (uint64_t)r))
		return -EINVAL;
	if ((uint64_t)r < m->p.mmap_min_addr && !m->p.cap_sys_rawio)
		return -EPERM;
	return r;
}

/* ---- mmap ------------------------------------------------------------------ */

/* do_mmap's flags from prot, the MAP_ flags and mm->def_flags. */
static vmf_t mmap_base_flags(const struct vma_model *m, int prot, int flags)
{
	vmf_t f = VMF(MAYREAD) | VMF(MAYWRITE) | VMF(MAYEXEC) | m->def_flags;

	if (prot & VMA_PROT_READ)
		f |= VMF(READ);
	if (prot & VMA_PROT_WRITE)
		f |= VMF(WRITE);
	if (prot & VMA_PROT_EXEC)
		f |= VMF(EXEC);
	if (flags & VMA_MAP_GROWSDOWN)
		f |= VMF(GROWSDOWN);
	if (flags & VMA_MAP_LOCKED)
		f |= VMF(LOCKED);
	if (flags & VMA_MAP_STACK)
		f |= VMF(NOHUGEPAGE);
	return f;
}

/*
 * file_mmap_ok: the mapping must end within the largest size a file can
 * have: MAX_LFS_FILESIZE for regular files (and block devices, sockets),
 * ULONG_MAX for other devices, told here by their /dev/ path.
 */
static bool file_mmap_ok(const struct vma_model *m, const struct vma_mapfile *file,
			 uint64_t pgoff, uint64_t len)
{
	const char *name = vma_name(m, file->name);
	bool device = !strncmp(name, "/dev/", 5) && strncmp(name, "/dev/shm/", 9);
	uint64_t maxsize = device ? UINT64_MAX : (uint64_t)INT64_MAX;

	if (len > maxsize)
		return false;
	return pgoff <= (maxsize - len) >> ops_shift(m);
}

/* do_mmap's checks of the mapping type, once the address is known. */
static int mmap_type_flags(const struct vma_model *m, int prot, int flags,
			   const struct vma_mapfile *file, vmf_t *fp)
{
	vmf_t f = *fp;

	switch (flags & VMA_MAP_TYPE) {
	case VMA_MAP_SHARED:
	case VMA_MAP_SHARED_VALIDATE:
		if ((flags & VMA_MAP_TYPE) == VMA_MAP_SHARED_VALIDATE && file == NULL)
			return -EINVAL;
		if ((flags & VMA_MAP_TYPE) == VMA_MAP_SHARED_VALIDATE && (flags & ~LEGACY_MAP_MASK))
			return -EOPNOTSUPP;
		if (file != NULL && file->readonly && (prot & VMA_PROT_WRITE))
			return -EACCES;
		if (file != NULL && file->writeonly)
			return -EACCES;		/* every file mapping needs FMODE_READ */
		if (f & VMF(GROWSDOWN))
			return -EINVAL;
		f |= VMF(SHARED) | VMF(MAYSHARE);
		if (file != NULL && file->readonly)
			f &= ~(VMF(MAYWRITE) | VMF(SHARED));
		break;
	case VMA_MAP_DROPPABLE:
		if (file != NULL)
			return -EINVAL;
		if ((flags & (VMA_MAP_LOCKED | VMA_MAP_HUGETLB)) || (f & VMF(GROWSDOWN)))
			return -EINVAL;
		f |= VMF(DROPPABLE) | VMF(NORESERVE) | VMF(WIPEONFORK) | VMF(DONTDUMP);
		break;
	case VMA_MAP_PRIVATE:
		if (file != NULL && file->writeonly)
			return -EACCES;
		if (file != NULL && (f & VMF(GROWSDOWN)))
			return -EINVAL;
		break;
	default:
		return -EINVAL;
	}
	if ((flags & VMA_MAP_NORESERVE) && m->p.overcommit != 2)
		f |= VMF(NORESERVE);
	*fp = f;
	return 0;
}

/* The name /proc prints for a new shared anonymous mapping. */
#define SHMEM_ZERO_NAME "/dev/zero (deleted)"

static void fill_new(struct vma_model *m, struct vma *want, uint64_t addr, uint64_t len,
		     vmf_t f, const struct vma_mapfile *file, uint64_t pgoff)
{
	memset(want, 0, sizeof(*want));
	want->start = addr;
	want->end = addr + len;
	want->flags = f;
	want->pkey = -1;
	want->smaps = VMA_NO_SMAPS;
	if (file != NULL) {
		want->file = file->file;
		want->name = file->name;
		want->dev = file->dev;
		want->inode = file->inode;
		want->pgoff = pgoff;
		if (file->shmem)
			want->bits |= VMA_B_SHMEM;
		if (file->thp_align)
			want->bits |= VMA_B_THP_FILE;
	} else if (f & VMF(SHARED)) {
		want->pgoff = 0;
	} else {
		want->pgoff = addr >> ops_shift(m);
	}
	/* accountable_mapping: private writable without NORESERVE. */
	if ((f & (VMF(NORESERVE) | VMF(SHARED) | VMF(WRITE))) == VMF(WRITE))
		want->flags |= VMF(ACCOUNT);
}

/* __mmap_new_vma for shared anonymous memory: its own shmem file. */
static int shmem_zero_setup(struct vma_model *m, struct vma *want)
{
	if (vma_intern_checked(m, SHMEM_ZERO_NAME, strlen(SHMEM_ZERO_NAME), &want->name) < 0)
		return -ENOMEM;
	want->file = vma_file_open(m);
	want->dev = VMA_DEV(0, 1);
	want->inode = want->file;
	want->bits |= VMA_B_SHMEM;
	/* the object is as long as the mapping; mremap grows only the VMA */
	return ops_objsize_set(m, want->file, ops_pages(m, want->end - want->start));
}

static int mmap_region(struct vma_model *m, struct vma *want, bool populate,
		       struct vma_effects *fx)
{
	uint64_t addr = want->start, end = want->end;
	struct vma *v = NULL, *prev, *next;
	int err;

	err = ops_munmap_next(m, addr, end, &next, fx);
	if (err < 0)
		return err;
	prev = next ? next->prev : m->last;
	if (want->file == 0 && (want->flags & VMF(SHARED))) {
		if (shmem_zero_setup(m, want) < 0)
			return -ENOMEM;
	} else if (prev || next)
		v = ops_merge_new(m, prev, next, want, NULL, false, fx);
	if (v == NULL) {
		v = ops_insert_new(m, want, fx);
		if (v == NULL)
			return -ENOMEM;
	}
	if ((v->flags & VMF(LOCKED)) && (v->flags & (VMF_SPECIAL | VMF(DROPPABLE) | VMF(HUGETLB))))
		v->flags &= ~VMF_LOCKED_MASK;
	if (m->p.soft_dirty)
		v->flags |= VMF(SOFTDIRTY);
	if (populate)
		ops_populate(m, addr, end, fx);
	return 0;
}

#define HUGETLB_NAME	"/anon_hugepage (deleted)"

/*
 * Anonymous MAP_HUGETLB: a hugetlbfs file of 2 MiB pages.  The model knows
 * of no reserved huge pages, so only MAP_NORESERVE mappings succeed.
 */
static int mmap_hugetlb(struct vma_model *m, uint64_t addr, uint64_t len, int prot, int flags,
			const struct vma_mapfile *file, uint64_t *result, struct vma_effects *fx)
{
	struct vma_mapfile huge;
	struct vma want;
	uint64_t out, hint = 0;
	vmf_t f;
	int err;

	if (file != NULL)
		return -EINVAL;		/* not a hugetlbfs file */
	len = (len + THP_SIZE - 1) & ~(THP_SIZE - 1);
	if (!(flags & VMA_MAP_NORESERVE) || len == 0)
		return len == 0 ? -EINVAL : -ENOMEM;
	if (flags & VMA_MAP_FIXED_NOREPLACE)
		flags |= VMA_MAP_FIXED;
	if (len > m->p.task_size)
		return -ENOMEM;
	if (!(flags & VMA_MAP_FIXED)) {		/* round_hint_to_min, then to 2 MiB */
		addr &= ~(m->p.page_size - 1);
		if (addr != 0 && addr < ops_min_addr(m))
			addr = ops_page_align(m, ops_min_addr(m));
		hint = (addr + THP_SIZE - 1) & ~(THP_SIZE - 1);
	}
	if (flags & VMA_MAP_FIXED) {
		if (addr & (THP_SIZE - 1))
			return -EINVAL;
		if (addr > m->p.task_size - len)
			return -ENOMEM;
		if (addr < m->p.mmap_min_addr && !m->p.cap_sys_rawio)
			return -EPERM;
	} else if (hint >= addr && hint != 0 && hint_free(m, hint, len)) {
		addr = hint;	/* a hint that rounds past the top is no hint */
	} else if (vma_gap_highest(m, len, THP_SIZE, ops_min_addr(m) > m->p.page_size ?
				   ops_min_addr(m) : m->p.page_size, m->p.mmap_base, &out) == 0) {
		addr = out;
	} else {
		return -ENOMEM;
	}
	if ((flags & VMA_MAP_FIXED_NOREPLACE) && vma_find_intersection(m, addr, addr + len))
		return -EEXIST;
	f = mmap_base_flags(m, prot, flags);
	err = mmap_type_flags(m, prot, flags & ~VMA_MAP_HUGETLB, NULL, &f);
	if (err < 0)
		return err;
	memset(&huge, 0, sizeof(huge));
	if (vma_intern_checked(m, HUGETLB_NAME, strlen(HUGETLB_NAME), &huge.name) < 0)
		return -ENOMEM;
	huge.file = vma_file_open(m);
	huge.inode = huge.file;
	f = (f & ~VMF(LOCKED)) | VMF(HUGETLB) | VMF(DONTEXPAND) | VMF(NORESERVE);
	fill_new(m, &want, addr, len, f, &huge, 0);
	err = mmap_region(m, &want, false, fx);
	if (err < 0)
		return err;
	if (result)
		*result = addr;
	return 0;
}

int vma_mmap(struct vma_model *m, uint64_t addr, uint64_t len, int prot, int flags,
	     const struct vma_mapfile *file, uint64_t offset, uint64_t *result,
	     struct vma_effects *fx)
{
	uint64_t pgoff = offset >> ops_shift(m);
	struct vma want;
	int64_t r;
	vmf_t f;
	int err;

	if (flags & VMA_MAP_ANONYMOUS)
		file = NULL;
	else if (file == NULL)
		return -EBADF;
	if (ops_unaligned(m, offset))
		return -EINVAL;
	if (flags & VMA_MAP_HUGETLB)
		return mmap_hugetlb(m, addr, len, prot, flags, file, result, fx);
	if (len == 0)
		return -EINVAL;
	if (flags & VMA_MAP_FIXED_NOREPLACE)
		flags |= VMA_MAP_FIXED;
	if (!(flags & VMA_MAP_FIXED)) {
		addr &= ~(m->p.page_size - 1);
		if (addr != 0 && addr < ops_min_addr(m))
			addr = ops_page_align(m, ops_min_addr(m));
	}
	len = ops_page_align(m, len);
	if (len == 0)
		return -ENOMEM;
	if (pgoff + ops_pages(m, len) < pgoff)
		return -EOVERFLOW;
	if (m->count > m->p.max_map_count) {
		ops_ev(fx, VMA_EV_LIMIT, addr, addr + len, addr, addr + len);
		return -ENOMEM;
	}
	f = mmap_base_flags(m, prot, flags);
	r = ops_get_unmapped_area(m, file, addr, len, pgoff,
				  flags & (VMA_MAP_FIXED | VMA_MAP_SHARED | VMA_MAP_32BIT), f);
	if (OPS_IS_ERR(r))
		return (int)r;
	addr = (uint64_t)r;
	if ((flags & VMA_MAP_FIXED_NOREPLACE) && vma_find_intersection(m, addr, addr + len))
		return -EEXIST;
	if (file && !file_mmap_ok(m, file, pgoff, len))
		return -EOVERFLOW;
	err = mmap_type_flags(m, prot, flags, file, &f);
	if (err < 0)
		return err;
	fill_new(m, &want, addr, len, f, file, file == NULL ? 0 : pgoff);
	err = mmap_region(m, &want, (f & VMF(LOCKED)) ||
			  (flags & (VMA_MAP_POPULATE | VMA_MAP_NONBLOCK)) == VMA_MAP_POPULATE, fx);
	if (err < 0)
		return err;
	if (result)
		*result = addr;
	return 0;
}

/* ---- brk ------------------------------------------------------------------- */

/* do_brk_flags: extend the VMA that ends at the old break, or add one. */
static int brk_expand(struct vma_model *m, uint64_t oldbrk, uint64_t newbrk, struct vma_effects *fx)
{
	struct vma want, *v, *brkvma;

	if (m->count > m->p.max_map_count) {
		ops_ev(fx, VMA_EV_LIMIT, oldbrk, newbrk, oldbrk, newbrk);
		return -ENOMEM;
	}
	memset(&want, 0, sizeof(want));
	want.start = oldbrk;
	want.end = newbrk;
	want.flags = VMF(READ) | VMF(WRITE) | VMF(MAYREAD) | VMF(MAYWRITE) | VMF(MAYEXEC) |
		     VMF(ACCOUNT) | m->def_flags;
	want.pgoff = oldbrk >> ops_shift(m);
	want.pkey = -1;
	want.smaps = VMA_NO_SMAPS;
	/* vma_prev_limit(start_brk): the VMA below oldbrk, if it reaches above start_brk. */
	brkvma = vma_find_prev(m, oldbrk);
	if (brkvma && brkvma->end <= m->p.start_brk)
		brkvma = NULL;
	v = NULL;
	if (brkvma && brkvma->end == oldbrk)
		v = ops_merge_new(m, brkvma, NULL, &want, NULL, true, fx);
	if (v == NULL)
		v = ops_insert_new(m, &want, fx);
	if (v == NULL)
		return -ENOMEM;
	if (m->p.soft_dirty)
		v->flags |= VMF(SOFTDIRTY);
	return 0;
}

int vma_brk(struct vma_model *m, uint64_t brk, uint64_t *result, struct vma_effects *fx)
{
	uint64_t origbrk = m->p.brk, newbrk, oldbrk;
	struct vma *next, *v;

	*result = origbrk;
	if (m->p.start_brk == 0 || brk < m->p.start_brk)
		return 0;
	newbrk = ops_page_align(m, brk);
	oldbrk = ops_page_align(m, m->p.brk);
	if (oldbrk == newbrk) {
		m->p.brk = brk;
		*result = brk;
		return 0;
	}
	if (brk <= m->p.brk) {
		/* Always allow shrinking, if a VMA is there to shrink. */
		v = vma_find(m, newbrk);
		if (v == NULL || v->start >= oldbrk)
			return 0;
		m->p.brk = brk;
		if (ops_munmap_range(m, newbrk, oldbrk, fx) < 0) {
			m->p.brk = origbrk;
			return 0;
		}
		for (v = vma_find(m, m->p.start_brk); v && v->start < oldbrk; v = v->next)
			ops_relabel(m, v);
		*result = brk;
		return 0;
	}
	/* check_brk_limits: get_unmapped_area(MAP_FIXED) refuses what passes TASK_SIZE */
	if (newbrk < oldbrk || newbrk > m->p.task_size)
		return 0;
	next = vma_find(m, oldbrk);
	if (next && next->start < newbrk + m->p.page_size + m->p.stack_guard_gap &&
	    newbrk + m->p.page_size > start_gap(m, next))
		return 0;
	m->p.brk = brk;
	if (brk_expand(m, oldbrk, newbrk, fx) < 0) {
		m->p.brk = origbrk;
		return 0;
	}
	if (m->def_flags & VMF(LOCKED))
		ops_populate(m, oldbrk, newbrk, fx);
	*result = brk;
	return 0;
}
