/*
 * vma.h - the VMA engine: one process's address space, modelled.
 *
 * A struct vma_model holds the VMAs of one address space in an intrusive
 * red-black tree keyed by address, augmented with the largest free gap in each
 * subtree (as the kernel's old rb_subtree_gap), plus prev/next links in
 * address order and a 4-slot lookup cache hashed by page number (as the
 * kernel's old vmacache).  On top of the tree, the operations (vma_mmap,
 * vma_munmap, vma_mprotect, ...) reproduce what Linux 6.18 does to the VMAs:
 * which ones split, merge or disappear, which flags change, which errno.
 *
 * Conventions:
 *  - Functions return 0 or a negative errno (-EINVAL, -ENOMEM, ...).
 *  - The model owns every struct vma in it, every interned name and the smaps
 *    values.  Pointers to VMAs stay valid until the next call that changes
 *    the model.  Callers (cli/, tui/) borrow; they never free a VMA.
 *  - Lifecycle: vma_model_init / vma_model_release (frees everything).
 *  - No I/O, no allocation failure is hidden: -ENOMEM is returned.
 *  - One thread at a time per model: even readers (vma_find's cache and
 *    index, vma_smaps_field's cursor) update the model.
 */
#ifndef VMATOOL_VMA_H
#define VMATOOL_VMA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "rbtree.h"
#include "vmflags.h"

/* What a VMA is, for people (classification of the maps line). */
enum vma_kind {
	VMA_KIND_ANON,		/* anonymous private memory */
	VMA_KIND_TEXT,		/* executable file mapping */
	VMA_KIND_DATA,		/* writable private file mapping */
	VMA_KIND_BSS,		/* anonymous rw right after a file's data */
	VMA_KIND_HEAP,		/* [heap] */
	VMA_KIND_STACK,		/* [stack], [stack:TID] */
	VMA_KIND_FILE,		/* other file mapping (rodata, shared file) */
	VMA_KIND_SHM,		/* shared memory: shared anon, SysV, memfd, /dev/shm */
	VMA_KIND_SPECIAL,	/* [vdso] [vvar] [vvar_vclock] [vsyscall] [uprobes] */
	VMA_KIND_DELETED,	/* file mapping whose file was deleted */
	VMA_KIND_COUNT
};

const char *vma_kind_name(enum vma_kind kind);	/* "anon", "text", ... */
int vma_kind_parse(const char *s);		/* -1 if unknown */

/* vma->bits */
#define VMA_B_DELETED		0x0001	/* name ends with " (deleted)" */
#define VMA_B_SPECIAL_NAME	0x0002	/* [vdso] and friends: never merges */
#define VMA_B_ANON_NAME		0x0004	/* name is [anon:...] set by prctl */
#define VMA_B_FLAGS_INFERRED	0x0008	/* VmFlags not read: guessed from perms */
#define VMA_B_PGOFF_INFERRED	0x0010	/* anon pgoff not known: start >> shift */
#define VMA_B_FORK_CHILD	0x0020	/* anon_vma is a fork child's: no reuse */
#define VMA_B_HAS_CLOSE		0x0040	/* vm_ops->close: cannot be removed by merge */
#define VMA_B_SHMEM		0x0080	/* backed by shmem (shared anon, memfd, SysV) */
#define VMA_B_HIDDEN		0x0100	/* inferred: differs from a neighbour in unseen state */
#define VMA_B_THP_FILE		0x0200	/* its file's get_unmapped_area aligns to 2 MiB */
/* Set by sim (engine/calls_apply.c): what no log shows decides part of the VMA. */
#define VMA_B_UNSURE_ANON	0x0400	/* VM_ACCOUNT kept only if written (anon_vma) */
#define VMA_B_UNSURE_FILE	0x0800	/* its file could not be stat'ed: dev, inode 0 */
#define VMA_B_UNSURE_ORDER	0x1000	/* changed by thread calls that overlapped in time */
#define VMA_B_VMFLAGS_EMPTY	0x2000	/* smaps record had an empty VmFlags line (qemu-user) */

/*
 * One VMA.  112 bytes on 64-bit; names and smaps values live in the model.
 * start/end are byte addresses, end exclusive.  pgoff is the kernel's
 * vm_pgoff: the file offset in pages for file mappings, and for private
 * anonymous mappings the page number where the mapping was created (moves
 * keep it); /proc prints 0 as the offset of anonymous mappings.
 */
struct vma {
	struct rb_node rb;
	struct vma *prev, *next;	/* address order; NULL at the ends */
	uint64_t start, end;
	uint64_t subtree_gap;		/* largest (v->start - v->prev->end) below */
	vmf_t flags;
	uint64_t pgoff;
	uint64_t inode;
	uint32_t dev;			/* VMA_DEV(major, minor) */
	uint32_t name;			/* interned name id, 0 = none */
	uint32_t file;			/* open-file identity, 0 = none */
	uint32_t anon_vma;		/* anon_vma identity, 0 = none */
	uint32_t smaps;			/* smaps record index, VMA_NO_SMAPS = none */
	uint8_t kind;			/* enum vma_kind */
	int8_t pkey;			/* protection key, -1 unknown */
	uint16_t bits;			/* VMA_B_* */
};

#define VMA_NO_SMAPS	UINT32_MAX
#define VMA_DEV(maj, min)	(((uint32_t)(maj) << 20) | ((uint32_t)(min) & 0xfffff))
#define VMA_DEV_MAJOR(d)	((d) >> 20)
#define VMA_DEV_MINOR(d)	((d) & 0xfffff)

/* smaps keys the engine knows, in the kernel's order; unknown keys follow. */
enum smaps_key {
	SMAPS_SIZE, SMAPS_KERNEL_PAGE_SIZE, SMAPS_MMU_PAGE_SIZE, SMAPS_RSS,
	SMAPS_PSS, SMAPS_PSS_DIRTY, SMAPS_SHARED_CLEAN, SMAPS_SHARED_DIRTY,
	SMAPS_PRIVATE_CLEAN, SMAPS_PRIVATE_DIRTY, SMAPS_REFERENCED,
	SMAPS_ANONYMOUS, SMAPS_KSM, SMAPS_LAZYFREE, SMAPS_ANON_HUGE_PAGES,
	SMAPS_SHMEM_PMD_MAPPED, SMAPS_FILE_PMD_MAPPED, SMAPS_SHARED_HUGETLB,
	SMAPS_PRIVATE_HUGETLB, SMAPS_SWAP, SMAPS_SWAP_PSS, SMAPS_LOCKED,
	SMAPS_THP_ELIGIBLE, SMAPS_PROTECTION_KEY,
	SMAPS_NKNOWN
};

/*
 * How one smaps key is printed: "Name:" padded with spaces to label_width,
 * then the value right-aligned to SMAPS_LINE_WIDTH - label_width columns
 * (so "Size:" is 16 + 8, and the kernel's "Private_Hugetlb: " is 17 + 7),
 * then " kB" if kb.
 */
#define SMAPS_LINE_WIDTH 24
struct smaps_keyinfo {
	const char *name;	/* "Rss", "Pss_Dirty", ... (model-owned) */
	const char *json;	/* snake_case: "rss", "pss_dirty", ... */
	uint8_t label_width;	/* chars of "Name:" + pad before the value */
	bool kb;		/* value in kB, printed with " kB" */
};

struct vma_cache {
	struct vma *slot[4];
	uint64_t start[4], end[4];	/* the slots' bounds: a miss reads no VMA */
	uint64_t seq;		/* model seq when the slots were filled */
	uint64_t hits, misses;
};

/* Transparent huge pages: /sys/kernel/mm/transparent_hugepage/enabled. */
enum vma_thp_mode {
	VMA_THP_ALWAYS,		/* upstream default */
	VMA_THP_MADVISE,
	VMA_THP_NEVER,
	VMA_THP_ABSENT,		/* CONFIG_TRANSPARENT_HUGEPAGE=n */
};

/* Huge pages for shmem (shared anonymous memory, memfd, SysV shm): shmem_enabled. */
enum vma_shmem_thp_mode {
	VMA_SHMEM_THP_NEVER,	/* upstream default */
	VMA_SHMEM_THP_ALWAYS,
	VMA_SHMEM_THP_WITHIN_SIZE,
	VMA_SHMEM_THP_ADVISE,
	VMA_SHMEM_THP_DENY,
	VMA_SHMEM_THP_FORCE,
};

/*
 * Parameters the operations need; all have defaults (vma_params_default).
 * The first group is the machine: kernel settings that change what happens
 * to VMAs, with the upstream defaults; engine/machine.h names them, and a
 * live target's come from probing the running kernel (cli/machine.c).  The
 * second group belongs to one process.
 */
struct vma_params {
	/* ---- the machine (engine/machine.c lists each with its name) ---- */
	uint64_t page_size;		/* 4096 */
	uint64_t mmap_min_addr;		/* vm.mmap_min_addr: 4096 */
	uint64_t lsm_mmap_min_addr;	/* CONFIG_LSM_MMAP_MIN_ADDR where it is larger: 0 */
	uint64_t stack_guard_gap;	/* stack_guard_gap= boot option: 256 pages */
	uint32_t max_map_count;		/* vm.max_map_count: 65530 */
	uint8_t overcommit;		/* vm.overcommit_memory; 2 ignores MAP_NORESERVE */
	uint8_t thp;			/* enum vma_thp_mode */
	uint8_t shmem_thp;		/* enum vma_shmem_thp_mode */
	bool zero_page;			/* read faults map the shared zero page */
	bool anon_name_supported;	/* CONFIG_ANON_VMA_NAME: prctl names VMAs */
	bool mseal_supported;		/* the mseal system call exists (6.10+) */
	bool soft_dirty;		/* CONFIG_MEM_SOFT_DIRTY: new VMAs get sd */
	bool pku;			/* protection keys: pkeys 1..15 accepted */
	bool legacy_layout;		/* bottom-up mmap: vm.legacy_va_layout, ADDR_COMPAT_LAYOUT */
	/* ---- the process ---- */
	bool cap_sys_rawio;		/* MAP_FIXED below mmap_min_addr allowed */
	uint64_t task_size;		/* 0x7ffffffff000 */
	uint64_t mmap_base;		/* top of the top-down mmap area (bottom of a legacy one) */
	uint64_t start_brk, brk;	/* 0 = unknown */
	uint64_t start_stack;		/* mm->start_stack, 0 = unknown */
};

struct vma_intern;	/* engine/intern.c */
struct vma_smaps_store;	/* engine/smaps_store.c */
struct vma_pool;	/* engine/vma_tree.c: slab of struct vma */
struct vma_find_index;	/* engine/vma_index.c: sorted ends for vma_find */

/* A range of addresses [start, end), page aligned. */
struct vma_range {
	uint64_t start, end;
};

/* The size of a shmem object (shared anonymous memory), by open-file identity. */
struct vma_objsize {
	uint32_t file;
	uint64_t pages;
};

struct vma_model {
	struct rb_root root;
	struct vma *first, *last;
	size_t count;
	uint64_t seq;			/* bumped on every change */
	struct vma_cache cache;
	struct vma_params p;
	vmf_t def_flags;		/* mlockall(MCL_FUTURE) */
	uint32_t next_file_id;
	uint32_t next_anon_vma_id;
	struct vma_intern *names;
	struct vma_smaps_store *smaps;
	struct vma_pool *pool;
	struct vma_find_index *index;	/* engine/vma_index.c: read-mostly lookups */
	/*
	 * Page-level state /proc does not show (engine/vma_pages.c): pages
	 * made guard pages by MADV_GUARD_INSTALL (sorted, disjoint, merged),
	 * and the sizes of shmem objects, which pages past cannot be faulted
	 * (sorted by file).  Population over either fails.
	 */
	struct vma_range *guards;
	size_t nguards, capguards;
	struct vma_objsize *objsizes;
	size_t nobjsizes, capobjsizes;
};

/* ---- lifecycle ---------------------------------------------------------- */
void vma_params_default(struct vma_params *p);
int vma_model_init(struct vma_model *m, const struct vma_params *p);
void vma_model_release(struct vma_model *m);
void vma_model_clear(struct vma_model *m);	/* remove every VMA */
/* Deep copy (names, smaps, identities) into an uninitialised dst. */
int vma_model_copy(struct vma_model *dst, const struct vma_model *src);
/*
 * The same into an initialised dst, whose memory for VMAs is used again
 * (no new pages); -ENOMEM leaves dst as it was, or (rarely) empty but valid.
 */
int vma_model_assign(struct vma_model *dst, const struct vma_model *src);

/* ---- names -------------------------------------------------------------- */
/* Intern len bytes (need not be NUL-terminated); 0 for len 0. */
uint32_t vma_intern(struct vma_model *m, const char *s, size_t len);
/* The same, reporting -ENOMEM (vma_intern gives 0 then). */
int vma_intern_checked(struct vma_model *m, const char *s, size_t len, uint32_t *id);
/* Valid (and unmoved) until vma_model_release; NUL-terminated. */
const char *vma_name(const struct vma_model *m, uint32_t id);	/* "" for 0 */
size_t vma_name_len(const struct vma_model *m, uint32_t id);

/* ---- the tree ----------------------------------------------------------- */
struct vma *vma_alloc(struct vma_model *m);	/* zeroed, smaps = none */
void vma_free(struct vma_model *m, struct vma *v);	/* not in the tree */
/* Link v into the tree; -EEXIST if it overlaps a VMA (nothing changed). */
int vma_insert(struct vma_model *m, struct vma *v);
/*
 * The same without a search, when the caller knows prev, the last VMA below
 * v (NULL: v goes first); -EEXIST if v overlaps prev or prev's next.
 */
int vma_insert_after(struct vma_model *m, struct vma *prev, struct vma *v);
void vma_erase(struct vma_model *m, struct vma *v);	/* unlink, not free */
/*
 * Change v's bounds; the caller guarantees no overlap.  If v now lies past a
 * neighbour it is relinked in its new place.
 */
void vma_set_bounds(struct vma_model *m, struct vma *v, uint64_t start, uint64_t end);
/* Recompute the gap augmentation after v's VMF(GROWSDOWN) flag changed. */
void vma_gap_update(struct vma_model *m, struct vma *v);
/* Recompute every cached gap, after VmFlags of linked VMAs were set directly. */
void vma_gap_update_all(struct vma_model *m);
/* Change m->p.stack_guard_gap (every cached gap depends on it): never assign it. */
void vma_set_guard_gap(struct vma_model *m, uint64_t gap);
/* Bytes of memory the model uses (VMAs, names, smaps values, tables). */
size_t vma_model_bytes(const struct vma_model *m);
struct vma_model_mem {
	size_t vmas;		/* the model and the VMA slabs */
	size_t names;		/* the name table */
	size_t smaps;		/* the smaps key table and values */
};
void vma_model_mem(const struct vma_model *m, struct vma_model_mem *mem);

/*
 * First VMA with end > addr (the kernel's find_vma), or NULL.  Tries the
 * 4-slot cache first (m->cache counts hits and misses); on a miss, a model
 * that has not changed for a while answers from a compact sorted index
 * (engine/vma_index.c), else the tree walk does.
 */
struct vma *vma_find(struct vma_model *m, uint64_t addr);
struct vma *vma_lookup(struct vma_model *m, uint64_t addr);	/* containing addr */
struct vma *vma_find_intersection(struct vma_model *m, uint64_t start, uint64_t end);
/* Last VMA with start < addr... precisely: the VMA before vma_find(addr). */
struct vma *vma_find_prev(struct vma_model *m, uint64_t addr);
/* Tree walk without the cache (for benchmarks and tests). */
struct vma *vma_find_nocache(const struct vma_model *m, uint64_t addr);

/*
 * Gaps, in O(log n) through the augmentation.  Find a free range of len bytes
 * inside [low, high) whose start is aligned to align (a power of two; 0 or
 * anything below the page size means page alignment; else -EINVAL).
 * highest: the highest such start; lowest: the lowest.
 * Returns 0 and *out, or -ENOMEM.  The space below a VMA with VMF(GROWSDOWN)
 * is free only down to m->p.stack_guard_gap below its start; the space above
 * the last VMA (up to high) and below the first (from low) counts.  The
 * answer is exact: any aligned fit counts.  (The kernel's vm_unmapped_area
 * instead wants a gap of len + align - page and then aligns: ask for that
 * length with align 0 and align the result yourself.)
 */
int vma_gap_highest(struct vma_model *m, uint64_t len, uint64_t align,
		    uint64_t low, uint64_t high, uint64_t *out);
int vma_gap_lowest(struct vma_model *m, uint64_t len, uint64_t align,
		   uint64_t low, uint64_t high, uint64_t *out);

/* Check every invariant; on failure returns -EFAULT and writes why to err. */
int vma_validate(const struct vma_model *m, char *err, size_t errlen);

/* ---- smaps values ------------------------------------------------------- */
const struct smaps_keyinfo *vma_smaps_key(const struct vma_model *m, unsigned key);
unsigned vma_smaps_nkeys(const struct vma_model *m);
/* Key id for a name ("Rss"), adding it (with its print shape) if new; <0 on error. */
int vma_smaps_key_add(struct vma_model *m, const char *name, size_t len,
		      unsigned label_width, bool kb);
/* Append a field to v's record (in order); allocates the record on first use. */
int vma_smaps_append(struct vma_model *m, struct vma *v, unsigned key, uint64_t value);
/* n fields at once, as n vma_smaps_append calls would add them (all or, on error, none). */
int vma_smaps_append_many(struct vma_model *m, struct vma *v, const uint8_t *keys,
			  const uint64_t *values, size_t n);
/* Fields of v in their order; returns the count, 0 if v has no smaps. */
size_t vma_smaps_count(const struct vma_model *m, const struct vma *v);
void vma_smaps_field(const struct vma_model *m, const struct vma *v, size_t i,
		     unsigned *key, uint64_t *value);
/* Value of key for v; false if absent.  kB keys are returned in kB. */
/*
 * The first max fields of v in their order, decoded in one pass into keys[]
 * and values[]; returns v's field count (0 if no smaps), which may be > max.
 */
size_t vma_smaps_fields(const struct vma_model *m, const struct vma *v, unsigned *keys,
			uint64_t *values, size_t max);
bool vma_smaps_get(const struct vma_model *m, const struct vma *v, unsigned key,
		   uint64_t *value);
void vma_smaps_drop(struct vma_model *m, struct vma *v);
void vma_smaps_clear(struct vma_model *m);	/* every VMA's, and the store's memory */
/*
 * Memory use of v in bytes, from one pass over its smaps record (0 where a
 * field is absent): what show, diff and the view layer add up.
 */
struct vma_usage {
	uint64_t rss, pss, dirty, swap;		/* dirty: shared + private dirty */
};
void vma_usage(const struct vma_model *m, const struct vma *v, struct vma_usage *u);

/* ---- classification ------------------------------------------------------ */
/* Set v->kind and the name-derived bits; needs v->prev linked for bss. */
void vma_classify(struct vma_model *m, struct vma *v);
/*
 * Every VMA, once the model is built; also brings the cached gaps up to date
 * (loaders set VmFlags, grows-down among them, after linking the VMAs).
 */
void vma_classify_all(struct vma_model *m);

/* ---- operation effects -------------------------------------------------- */
enum vma_event_kind {
	VMA_EV_CREATE,		/* a new VMA [start,end) */
	VMA_EV_REMOVE,		/* [start,end) unmapped */
	VMA_EV_SPLIT,		/* [old_start,old_end) split at 'at' */
	VMA_EV_MERGE,		/* [old_start,old_end) merged into [start,end) */
	VMA_EV_EXPAND,		/* [old_start,old_end) grew to [start,end) */
	VMA_EV_SHRINK,		/* [old_start,old_end) shrank to [start,end) */
	VMA_EV_MOVE,		/* [old_start,old_end) moved to [start,end) */
	VMA_EV_FLAGS,		/* [start,end) flags old_flags -> new_flags */
	VMA_EV_NOMERGE,		/* [start,end) did not merge with [other_*) */
	VMA_EV_LIMIT,		/* would exceed max_map_count */
	VMA_EV_ANON_VMA,	/* [start,end) got (or reused) an anon_vma */
};

enum vma_nomerge {
	VMA_MERGE_OK = 0,
	VMA_NOMERGE_NOT_ADJACENT,
	VMA_NOMERGE_FLAGS,		/* flags differ (other than sticky) */
	VMA_NOMERGE_FILE,		/* different files, or file vs anon */
	VMA_NOMERGE_OPEN,		/* same file, different opens */
	VMA_NOMERGE_PGOFF,		/* page offsets not continuous */
	VMA_NOMERGE_ANON_VMA,		/* both have different anon_vmas */
	VMA_NOMERGE_SPECIAL,		/* VM_IO/PFNMAP/MIXEDMAP/DONTEXPAND or [vdso] etc. */
	VMA_NOMERGE_NAME,		/* anonymous names differ */
	VMA_NOMERGE_SHMEM,		/* shared anonymous: one shmem file each */
	VMA_NOMERGE_HIDDEN,		/* inferred from a snapshot: differ in unseen state */
	VMA_NOMERGE_RANGE,		/* operation range does not touch that side */
	VMA_NOMERGE_CLOSE,		/* vm_ops->close VMA would be removed */
};
const char *vma_nomerge_str(enum vma_nomerge why);	/* "flags differ" ... */

struct vma_event {
	enum vma_event_kind kind;
	uint64_t start, end;
	uint64_t old_start, old_end;
	uint64_t at;
	uint64_t other_start, other_end;
	vmf_t old_flags, new_flags;
	enum vma_nomerge why;
};

/* An optional list the operations append to; pass NULL for none. */
struct vma_effects {
	struct vma_event *ev;
	size_t n, cap;
	bool oom;		/* an event could not be recorded */
};
void vma_effects_init(struct vma_effects *fx);
void vma_effects_clear(struct vma_effects *fx);
void vma_effects_release(struct vma_effects *fx);
int vma_effects_add(struct vma_effects *fx, const struct vma_event *ev);

/* Why a and b (neighbours, a below b) are separate VMAs; VMA_MERGE_OK if they could merge. */
enum vma_nomerge vma_explain_no_merge(const struct vma_model *m,
				      const struct vma *a, const struct vma *b);

/* ---- operations (Linux x86_64 ABI values, see abi.h) -------------------- */
/* A new open of a file: returns its identity for vma_mmap; never 0. */
uint32_t vma_file_open(struct vma_model *m);

struct vma_mapfile {
	uint32_t file;		/* from vma_file_open, or a snapshot mapping's */
	uint32_t name;		/* interned path as /proc prints it */
	uint32_t dev;
	uint64_t inode;
	bool shmem;		/* memfd, /dev/shm, SysV: THP/merge rules of shmem */
	bool thp_align;		/* fs aligns to 2 MiB (ext4, xfs, btrfs get_unmapped_area) */
	bool readonly;		/* opened O_RDONLY: MAP_SHARED may not write */
	bool writeonly;		/* opened O_WRONLY: every mmap fails EACCES */
};
/*
 * Whether files of the filesystem with this statfs f_type magic are placed
 * at 2 MiB boundaries (their get_unmapped_area is thp_get_unmapped_area in
 * Linux 6.18: ext2/3/4, xfs, btrfs, erofs).  For vma_mapfile.thp_align.
 */
bool vma_fs_thp_aligned(uint64_t fs_magic);

int vma_mmap(struct vma_model *m, uint64_t addr, uint64_t len, int prot, int flags,
	     const struct vma_mapfile *file, uint64_t offset, uint64_t *result,
	     struct vma_effects *fx);
int vma_munmap(struct vma_model *m, uint64_t addr, uint64_t len, struct vma_effects *fx);
int vma_mprotect(struct vma_model *m, uint64_t addr, uint64_t len, int prot, int pkey,
		 struct vma_effects *fx);
int vma_mremap(struct vma_model *m, uint64_t old_addr, uint64_t old_len, uint64_t new_len,
	       int flags, uint64_t new_addr, uint64_t *result, struct vma_effects *fx);
/* brk never fails: *result is the new break, or the old one when refused. */
int vma_brk(struct vma_model *m, uint64_t newbrk, uint64_t *result, struct vma_effects *fx);
int vma_madvise(struct vma_model *m, uint64_t addr, uint64_t len, int advice,
		struct vma_effects *fx);
int vma_mlock(struct vma_model *m, uint64_t addr, uint64_t len, unsigned flags,
	      struct vma_effects *fx);
int vma_munlock(struct vma_model *m, uint64_t addr, uint64_t len, struct vma_effects *fx);
int vma_mlockall(struct vma_model *m, int flags, struct vma_effects *fx);
int vma_munlockall(struct vma_model *m, struct vma_effects *fx);
int vma_mseal(struct vma_model *m, uint64_t addr, uint64_t len, unsigned long flags,
	      struct vma_effects *fx);
/* prctl(PR_SET_VMA, PR_SET_VMA_ANON_NAME, ...); name NULL clears. */
int vma_set_anon_name(struct vma_model *m, uint64_t addr, uint64_t len, const char *name,
		      struct vma_effects *fx);
/* The program read (write false) or wrote [addr, addr+len): its faults. */
int vma_fault(struct vma_model *m, uint64_t addr, uint64_t len, bool write,
	      struct vma_effects *fx);
/* The program wrote to [addr, addr+len): write faults allocate anon_vmas. */
int vma_touch(struct vma_model *m, uint64_t addr, uint64_t len, struct vma_effects *fx);

/*
 * After building a model from a snapshot: give unseen state (anon_vma, open
 * file, pgoff) values that explain why neighbours that look mergeable are
 * separate, so that later operations do not merge them wrongly.
 */
void vma_infer_hidden(struct vma_model *m);
/*
 * Process parameters a snapshot implies: start_brk and brk from [heap] when
 * unknown, mmap_base just below the stack's lower neighbour.
 */
void vma_infer_params(struct vma_model *m);

#endif
