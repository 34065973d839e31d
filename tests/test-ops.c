/*
 * test-ops.c - tests of the engine's operations (vma_merge.c, vma_mmap.c,
 * vma_unmap.c, vma_modify.c, vma_mremap.c, vma_infer.c).
 *
 * Two kinds: unit tests on a model built by hand (each of the eight merge
 * cases, each errno path, partial failures, max_map_count, effects,
 * explain_no_merge, inference), with vma_validate() after every operation;
 * and live scenarios (ops-live.c) that run the same calls on this machine's
 * kernel in a private window and compare every result and VMA.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "abi.h"
#include "calls.h"
#include "maps.h"
#include "ops-live.h"
#include "tap.h"
#include "vma.h"

/* ---- unit tests on a hand-built model -------------------------------------- */

#define B	0x100000000ULL		/* base of the test area, 2 MiB aligned */
#define P(n)	(B + (uint64_t)(n) * PG)

static struct vma_model M;
static struct vma_effects FX;

static void reset(void)
{
	struct vma_params p;

	vma_model_release(&M);
	vma_params_default(&p);
	p.mmap_base = 0x7f0000000000ULL;
	vma_model_init(&M, &p);
	vma_effects_clear(&FX);
}

static bool valid(void)
{
	char err[256];

	if (vma_validate(&M, err, sizeof(err)) == 0)
		return true;
	diag("invalid model: %s", err);
	return false;
}

static int mapx(int64_t pg, int64_t n, int prot, int flags, const struct vma_mapfile *f,
		uint64_t off)
{
	uint64_t res;
	int r = vma_mmap(&M, P(pg), (uint64_t)n * PG, prot, flags, f, off, &res, &FX);

	return r < 0 ? r : (res == P(pg) ? 0 : -1000);
}

static int map(int64_t pg, int64_t n, int prot)
{
	return mapx(pg, n, prot, PAF, NULL, 0);
}

/* The VMAs as "start-end perms" in pages from B, ';'-separated. */
static const char *layout(void)
{
	static char buf[4096];
	size_t n = 0;

	buf[0] = 0;
	for (const struct vma *v = M.first; v && n < sizeof(buf) - 64; v = v->next)
		n += (size_t)snprintf(buf + n, sizeof(buf) - n, "%s%lld-%lld %c%c%c%c",
				      n ? ";" : "", (long long)((int64_t)(v->start - B) / (int64_t)PG),
				      (long long)((int64_t)(v->end - B) / (int64_t)PG),
				      v->flags & VMF(READ) ? 'r' : '-', v->flags & VMF(WRITE) ? 'w' : '-',
				      v->flags & VMF(EXEC) ? 'x' : '-',
				      v->flags & VMF(MAYSHARE) ? 's' : 'p');
	return buf;
}

static void expect(const char *want, const char *what)
{
	is_str(layout(), want, "%s", what);
	ok(valid(), "%s: model valid", what);
}

static struct vma *at(int64_t pg)
{
	return vma_lookup(&M, P(pg));
}

static bool has_event(enum vma_event_kind kind, int64_t s, int64_t e)
{
	for (size_t i = 0; i < FX.n; i++)
		if (FX.ev[i].kind == kind && FX.ev[i].start == P(s) && FX.ev[i].end == P(e))
			return true;
	return false;
}

static bool has_nomerge(enum vma_nomerge why)
{
	for (size_t i = 0; i < FX.n; i++)
		if (FX.ev[i].kind == VMA_EV_NOMERGE && FX.ev[i].why == why)
			return true;
	return false;
}

static void test_merge_cases(void)
{
	reset();
	map(0, 4, RW);
	map(8, 4, RW);
	vma_effects_clear(&FX);
	map(4, 4, RW);
	expect("0-12 rw-p", "case 1: new range joins prev and next");
	ok(has_event(VMA_EV_MERGE, 0, 12), "case 1 reports the merge");
	ok(M.count == 1, "case 1 leaves one VMA");

	reset();
	map(0, 4, RW);
	map(8, 4, RO);
	map(4, 4, RW);
	expect("0-8 rw-p;8-12 r--p", "case 2: new range extends prev");
	reset();
	map(0, 4, RO);
	map(8, 4, RW);
	vma_effects_clear(&FX);
	map(4, 4, RW);
	expect("0-4 r--p;4-12 rw-p", "case 3: next grows down");
	ok(has_nomerge(VMA_NOMERGE_FLAGS), "case 3 says why not with prev");
	ok(at(4)->pgoff == P(4) / PG, "case 3: next takes the range's pgoff");

	reset();
	map(0, 4, RO);
	map(4, 8, RW);
	vma_mprotect(&M, P(4), 2 * PG, RO, -1, NULL);
	expect("0-6 r--p;6-12 rw-p", "case 4: start of M joins prev");
	reset();
	map(0, 8, RW);
	map(8, 4, RO);
	vma_mprotect(&M, P(6), 2 * PG, RO, -1, NULL);
	expect("0-6 rw-p;6-12 r--p", "case 5: end of M joins next");
	reset();
	map(0, 4, RO);
	map(4, 4, RW);
	map(8, 4, RO);
	vma_mprotect(&M, P(4), 4 * PG, RO, -1, NULL);
	expect("0-12 r--p", "case 6: all of M joins prev and next");
	reset();
	map(0, 4, RO);
	map(4, 4, RW);
	map(8, 4, VMA_PROT_NONE);
	vma_mprotect(&M, P(4), 4 * PG, RO, -1, NULL);
	expect("0-8 r--p;8-12 ---p", "case 7: all of M joins prev");
	reset();
	map(0, 4, VMA_PROT_NONE);
	map(4, 4, RW);
	map(8, 4, RO);
	vma_mprotect(&M, P(4), 4 * PG, RO, -1, NULL);
	expect("0-4 ---p;4-12 r--p", "case 8: all of M joins next");

	reset();
	map(0, 12, RW);
	vma_effects_clear(&FX);
	vma_mprotect(&M, P(4), 4 * PG, RO, -1, &FX);
	expect("0-4 rw-p;4-8 r--p;8-12 rw-p", "inside M: two splits, no merge");
	ok(has_event(VMA_EV_SPLIT, 0, 12) && has_event(VMA_EV_SPLIT, 4, 12),
	   "both splits reported");
	ok(has_event(VMA_EV_FLAGS, 4, 8), "flag change reported");
	vma_mprotect(&M, P(4), 4 * PG, RW, -1, NULL);
	expect("0-12 rw-p", "and back: case 6");
}

static void test_anon_vma(void)
{
	reset();
	map(0, 4, RW);
	map(6, 2, RW);
	vma_touch(&M, P(0), PG, NULL);
	vma_touch(&M, P(6), PG, NULL);
	ok(at(0)->anon_vma && at(6)->anon_vma && at(0)->anon_vma != at(6)->anon_vma,
	   "separate faults, separate anon_vmas");
	vma_effects_clear(&FX);
	map(4, 2, RW);
	expect("0-6 rw-p;6-8 rw-p", "P and N with different anon_vmas: only P grows");
	ok(has_nomerge(VMA_NOMERGE_ANON_VMA), "the refused side says anon_vma");
	is_u64(vma_explain_no_merge(&M, at(0), at(6)), VMA_NOMERGE_ANON_VMA,
	       "explain_no_merge: different anon_vma");

	reset();
	map(0, 4, RW);
	map(4, 4, RW | VMA_PROT_EXEC);
	vma_touch(&M, P(0), PG, NULL);
	vma_touch(&M, P(4), PG, NULL);
	ok(at(4)->anon_vma == at(0)->anon_vma, "fault reuses the neighbour's anon_vma");
	vma_mprotect(&M, P(4), 4 * PG, RW, -1, NULL);
	expect("0-8 rw-p", "shared anon_vma lets them merge later");

	reset();
	map(10, 2, RW);
	mapx(20, 2, RW, PAF | VMA_MAP_GROWSDOWN, NULL, 0);
	mapx(300, 2, RW, PAF | VMA_MAP_GROWSDOWN, NULL, 0);
	ok(vma_touch(&M, P(14), PG, NULL) == -EFAULT, "stack growth into the guard gap: EFAULT");
	ok(vma_touch(&M, P(290), 11 * PG, &FX) == 0, "a write below a stack VMA");
	expect("10-12 rw-p;20-22 rw-p;290-302 rw-p", "the stack grew down to the fault");
	ok(at(290)->pgoff == P(290) / PG, "its pgoff moved down with it");
	ok(has_event(VMA_EV_EXPAND, 290, 302), "the growth is reported");

	reset();
	map(0, 4, RW);
	ok(vma_touch(&M, P(0), 8 * PG, NULL) == -EFAULT, "touch past the end: EFAULT");
	ok(at(0)->anon_vma != 0, "the part before the hole was faulted");
	map(10, 2, RO);
	ok(vma_touch(&M, P(10), PG, NULL) == -EFAULT, "touch of read-only: EFAULT");
	ok(vma_touch(&M, P(0), 0, NULL) == 0, "touch of nothing: 0");
}

static void test_explain(void)
{
	struct vma_mapfile f1 = { 0 }, f2;
	struct vma *v;

	reset();
	f1.file = vma_file_open(&M);
	f1.name = vma_intern(&M, "/lib/x.so", 9);
	f1.inode = 42;
	f1.dev = VMA_DEV(8, 1);
	f2 = f1;
	f2.file = vma_file_open(&M);
	ok(f1.file != f2.file && f1.file && f2.file, "every open is a new file identity");
	mapx(0, 2, RO, VMA_MAP_PRIVATE | VMA_MAP_FIXED, &f1, 0);
	mapx(2, 2, RO, VMA_MAP_PRIVATE | VMA_MAP_FIXED, &f2, 2 * PG);
	expect("0-2 r--p;2-4 r--p", "two opens of one file do not merge");
	is_u64(vma_explain_no_merge(&M, at(0), at(2)), VMA_NOMERGE_OPEN, "explain: open");
	mapx(4, 2, RO, VMA_MAP_PRIVATE | VMA_MAP_FIXED, &f2, 8 * PG);
	is_u64(vma_explain_no_merge(&M, at(2), at(4)), VMA_NOMERGE_PGOFF, "explain: pgoff");
	mapx(6, 2, RO, VMA_MAP_PRIVATE | VMA_MAP_FIXED, &f2, 10 * PG);
	expect("0-2 r--p;2-4 r--p;4-8 r--p", "same open, continuous offsets: merged");
	map(8, 2, RO);
	is_u64(vma_explain_no_merge(&M, at(4), at(8)), VMA_NOMERGE_FILE, "explain: file");
	map(10, 2, RW);
	is_u64(vma_explain_no_merge(&M, at(8), at(10)), VMA_NOMERGE_FLAGS, "explain: flags");
	map(14, 2, RW);
	is_u64(vma_explain_no_merge(&M, at(10), at(14)), VMA_NOMERGE_NOT_ADJACENT,
	       "explain: not adjacent");
	mapx(20, 2, RW, SAF, NULL, 0);
	mapx(22, 2, RW, SAF, NULL, 0);
	expect("0-2 r--p;2-4 r--p;4-8 r--p;8-10 r--p;10-12 rw-p;14-16 rw-p;20-22 rw-s;22-24 rw-s",
	       "shared anonymous mappings never merge");
	is_u64(vma_explain_no_merge(&M, at(20), at(22)), VMA_NOMERGE_SHMEM, "explain: shmem");
	map(30, 2, RW);
	map(32, 2, RO);
	v = at(32);
	v->flags = at(30)->flags | VMF(IO);
	is_u64(vma_explain_no_merge(&M, at(30), v), VMA_NOMERGE_SPECIAL, "explain: special");
	v->flags &= ~VMF(IO);
	is_u64(vma_explain_no_merge(&M, at(30), v), VMA_MERGE_OK, "explain: mergeable");
	v->bits |= VMA_B_HAS_CLOSE;
	is_u64(vma_explain_no_merge(&M, at(30), v), VMA_NOMERGE_CLOSE, "explain: close hook");
	for (int w = VMA_MERGE_OK; w <= VMA_NOMERGE_CLOSE; w++)
		ok(strlen(vma_nomerge_str(w)) > 3 && strcmp(vma_nomerge_str(w), "unknown"),
		   "nomerge string %d: %s", w, vma_nomerge_str(w));
}

static void test_mmap_errno(void)
{
	struct vma_mapfile f = { 0 };
	uint64_t res;

	reset();
	f.file = vma_file_open(&M);
	f.inode = 7;
	ok(mapx(0, 0, RW, PAF, NULL, 0) == -EINVAL, "mmap len 0: EINVAL");
	ok(vma_mmap(&M, P(0), PG, RW, VMA_MAP_PRIVATE | VMA_MAP_FIXED, NULL, 0, &res, NULL) == -EBADF,
	   "mmap of a file without one: EBADF");
	ok(mapx(0, 1, RW, VMA_MAP_PRIVATE | VMA_MAP_FIXED, &f, 100) == -EINVAL,
	   "mmap unaligned offset: EINVAL");
	ok(vma_mmap(&M, 0, UINT64_MAX - 100, RW, PA, NULL, 0, &res, NULL) == -ENOMEM,
	   "mmap length overflows: ENOMEM");
	ok(vma_mmap(&M, 0, 1ULL << 50, RW, PA, NULL, 0, &res, NULL) == -ENOMEM,
	   "mmap longer than the address space: ENOMEM");
	ok(mapx(0, 1, RW, VMA_MAP_ANONYMOUS | VMA_MAP_FIXED | 0x0f, NULL, 0) == -EINVAL,
	   "mmap bad type: EINVAL");
	ok(mapx(0, 1, RW, VMA_MAP_DROPPABLE | VMA_MAP_FIXED | VMA_MAP_LOCKED | VMA_MAP_ANONYMOUS,
		NULL, 0) == -EINVAL, "droppable and locked: EINVAL");
	ok(mapx(0, 1, RW, VMA_MAP_SHARED | VMA_MAP_FIXED | VMA_MAP_GROWSDOWN | VMA_MAP_ANONYMOUS,
		NULL, 0) == -EINVAL, "shared growsdown: EINVAL");
	ok(vma_mmap(&M, 0x1000 * 0 + 100, PG, RW, PAF, NULL, 0, &res, NULL) == -EINVAL,
	   "MAP_FIXED unaligned: EINVAL");
	ok(vma_mmap(&M, 0, PG, RW, PAF, NULL, 0, &res, NULL) == -EPERM,
	   "MAP_FIXED below mmap_min_addr: EPERM");
	M.p.cap_sys_rawio = true;
	ok(vma_mmap(&M, 0, PG, RW, PAF, NULL, 0, &res, NULL) == 0, "... allowed with CAP_SYS_RAWIO");
	M.p.cap_sys_rawio = false;
	map(0, 4, RW);
	ok(mapx(2, 4, RW, PA | VMA_MAP_FIXED_NOREPLACE, NULL, 0) == -EEXIST,
	   "MAP_FIXED_NOREPLACE over a VMA: EEXIST");
	ok(mapx(4, 4, RW, PA | VMA_MAP_FIXED_NOREPLACE, NULL, 0) == 0, "... next to one: fine");
	ok(vma_mmap(&M, P(2), PG, RW, PA, NULL, 0, &res, NULL) == 0 && res != P(2),
	   "a taken hint is not used");
	ok(vma_mmap(&M, P(100), PG, RW, PA, NULL, 0, &res, NULL) == 0 && res == P(100),
	   "a free hint is used");
	ok(vma_mmap(&M, 0, 512 * PG, RW, PA, NULL, 0, &res, NULL) == 0 && (res & ((2 << 20) - 1)) == 0,
	   "2 MiB anonymous mapping is THP aligned");
	ok(vma_mmap(&M, 0, PG, RW, PA, NULL, 0, &res, NULL) == 0 && res + PG <= M.p.mmap_base,
	   "placement is below mmap_base");
	ok(valid(), "mmap errno: model valid");
}

static void test_limits(void)
{
	uint64_t res;

	reset();
	map(0, 12, RW);
	map(20, 4, RW);
	M.p.max_map_count = 2;
	ok(vma_mprotect(&M, P(2), 2 * PG, RO, -1, NULL) == -ENOMEM, "split at the limit: ENOMEM");
	expect("0-12 rw-p;20-24 rw-p", "nothing changed");
	M.p.max_map_count = 3;
	ok(vma_mprotect(&M, P(2), 2 * PG, RO, -1, &FX) == -ENOMEM, "second split over: ENOMEM");
	expect("0-2 rw-p;2-12 rw-p;20-24 rw-p", "first split stays");
	ok(has_event(VMA_EV_LIMIT, 2, 4), "the limit is reported");
	ok(vma_madvise(&M, P(4), 2 * PG, VMA_MADV_DONTFORK, NULL) == -EAGAIN,
	   "madvise split at the limit: EAGAIN");
	ok(vma_munmap(&M, P(4), 2 * PG, NULL) == -ENOMEM, "munmap cutting both sides: ENOMEM");
	ok(vma_munmap(&M, P(10), 2 * PG, NULL) == 0, "munmap of a tail at the limit: fine");
	ok(vma_mmap(&M, P(30), PG, RW, PAF, NULL, 0, &res, NULL) == 0, "mmap at the limit: fine");
	ok(M.count == 4, "now over the limit");
	vma_effects_clear(&FX);
	ok(vma_mmap(&M, P(40), PG, RW, PAF, NULL, 0, &res, &FX) == -ENOMEM,
	   "mmap over the limit: ENOMEM");
	ok(has_event(VMA_EV_LIMIT, 40, 41), "... reported as the limit");
	ok(vma_mremap(&M, P(20), 4 * PG, 4 * PG, VMA_MREMAP_MAYMOVE | VMA_MREMAP_FIXED, P(50), &res,
		      NULL) == -ENOMEM, "mremap move near the limit: ENOMEM");
	ok(vma_mlock(&M, P(5), PG, 0, NULL) == -ENOMEM, "mlock split at the limit: ENOMEM");
	ok(valid(), "limits: model valid");
}

static void test_partial(void)
{
	reset();
	map(0, 4, RW);
	map(8, 4, RW);
	ok(vma_mprotect(&M, P(0), 12 * PG, RO, -1, NULL) == -ENOMEM, "mprotect over a hole: ENOMEM");
	expect("0-4 r--p;8-12 rw-p", "the VMA before the hole changed");
	ok(vma_mlock(&M, P(0), 12 * PG, 0, NULL) == -ENOMEM, "mlock over a hole: ENOMEM");
	ok((at(0)->flags & VMF(LOCKED)) && !(at(8)->flags & VMF(LOCKED)), "first locked only");
	ok(vma_mlock(&M, P(5), PG, 0, NULL) == -ENOMEM, "mlock starting in a hole: ENOMEM");
	ok(vma_madvise(&M, P(0), 12 * PG, VMA_MADV_DONTDUMP, NULL) == -ENOMEM,
	   "madvise over a hole: ENOMEM");
	ok((at(0)->flags & VMF(DONTDUMP)) && (at(8)->flags & VMF(DONTDUMP)), "both advised");
	ok(vma_mseal(&M, P(0), 12 * PG, 0, NULL) == -ENOMEM, "mseal over a hole: ENOMEM");
	ok(!(at(0)->flags & VMF(SEALED)), "mseal changed nothing");
	ok(vma_munmap(&M, P(2), 10 * PG, NULL) == 0, "munmap across a hole: fine");
	expect("0-2 r--p", "both trimmed");

	reset();
	map(0, 4, RW);
	map(4, 4, RO);
	vma_mseal(&M, P(4), 4 * PG, 0, NULL);
	ok(vma_munmap(&M, P(2), 4 * PG, NULL) == -EPERM, "munmap over a sealed VMA: EPERM");
	expect("0-2 rw-p;2-4 rw-p;4-8 r--p", "the split at the start stays");
	ok(vma_munmap(&M, P(5), PG, NULL) == -EPERM, "munmap inside a sealed VMA: EPERM");
	ok(vma_mprotect(&M, P(0), 8 * PG, RO, -1, NULL) == -EPERM, "mprotect of sealed: EPERM");
	expect("0-4 r--p;4-8 r--p", "the unsealed part changed first");
	ok(vma_madvise(&M, P(4), PG, VMA_MADV_DONTNEED, NULL) == -EPERM,
	   "discard of sealed read-only anon: EPERM");
	ok(vma_madvise(&M, P(4), PG, VMA_MADV_HUGEPAGE, NULL) == 0, "other advice is fine");
	ok(vma_mremap(&M, P(4), PG, 2 * PG, VMA_MREMAP_MAYMOVE, 0, NULL, NULL) == -EPERM,
	   "mremap of sealed: EPERM");
	ok(vma_mseal(&M, P(0), PG, 1, NULL) == -EINVAL, "mseal flags: EINVAL");
}

static void test_errno_misc(void)
{
	uint64_t res;

	reset();
	map(0, 4, RW);
	ok(vma_munmap(&M, P(0) + 1, PG, NULL) == -EINVAL, "munmap unaligned: EINVAL");
	ok(vma_munmap(&M, P(0), 0, NULL) == -EINVAL, "munmap len 0: EINVAL");
	ok(vma_mprotect(&M, P(0) + 8, PG, RO, -1, NULL) == -EINVAL, "mprotect unaligned: EINVAL");
	ok(vma_mprotect(&M, P(0), 0, RO, -1, NULL) == 0, "mprotect len 0: 0");
	ok(vma_mprotect(&M, P(0), PG, 0x40, -1, NULL) == -EINVAL, "mprotect bad prot: EINVAL");
	ok(vma_mprotect(&M, P(50), PG, RO, -1, NULL) == -ENOMEM, "mprotect of nothing: ENOMEM");
	ok(vma_mprotect(&M, P(0), PG, RO, 2, NULL) == -EINVAL, "mprotect unknown pkey: EINVAL");
	ok(vma_mprotect(&M, P(0), PG, RO | VMA_PROT_GROWSDOWN | VMA_PROT_GROWSUP, -1, NULL) ==
	   -EINVAL, "GROWSDOWN|GROWSUP: EINVAL");
	at(0)->flags &= ~VMF(MAYEXEC);
	ok(vma_mprotect(&M, P(0), PG, VMA_PROT_EXEC, -1, NULL) == -EACCES,
	   "exec without VM_MAYEXEC: EACCES");
	ok(vma_madvise(&M, P(0), PG, 999, NULL) == -EINVAL, "unknown advice: EINVAL");
	ok(vma_madvise(&M, P(0), PG, VMA_MADV_FREE, NULL) == 0, "MADV_FREE on anon: 0");
	ok(vma_madvise(&M, P(0), PG, VMA_MADV_REMOVE, NULL) == -EINVAL,
	   "MADV_REMOVE on private anon: EINVAL");
	ok(vma_madvise(&M, P(50), PG, VMA_MADV_WILLNEED, NULL) == -ENOMEM,
	   "madvise of nothing: ENOMEM");
	ok(vma_madvise(&M, P(0), PG, VMA_MADV_POPULATE_WRITE, NULL) == 0 && at(0)->anon_vma,
	   "POPULATE_WRITE faults in an anon_vma");
	ok(vma_mlock(&M, P(0), PG, 2, NULL) == -EINVAL, "mlock2 bad flag: EINVAL");
	ok(vma_mlockall(&M, 0, NULL) == -EINVAL, "mlockall 0: EINVAL");
	ok(vma_mlockall(&M, VMA_MCL_ONFAULT, NULL) == -EINVAL, "mlockall ONFAULT alone: EINVAL");
	ok(vma_mremap(&M, P(0) + 1, PG, PG, 0, 0, &res, NULL) == -EINVAL, "mremap unaligned: EINVAL");
	ok(vma_mremap(&M, P(0), PG, 0, 0, 0, &res, NULL) == -EINVAL, "mremap to 0: EINVAL");
	ok(vma_mremap(&M, P(0), PG, PG, 8, 0, &res, NULL) == -EINVAL, "mremap bad flag: EINVAL");
	ok(vma_mremap(&M, P(50), PG, 2 * PG, 0, 0, &res, NULL) == -EFAULT, "mremap of nothing: EFAULT");
	ok(vma_mremap(&M, P(0), 8 * PG, 9 * PG, 0, 0, &res, NULL) == -EFAULT,
	   "mremap across the VMA's end: EFAULT");
	map(4, 4, RO);
	ok(vma_mremap(&M, P(0), 4 * PG, 6 * PG, 0, 0, &res, NULL) == -ENOMEM,
	   "grow without room or MAYMOVE: ENOMEM");
	ok(vma_mremap(&M, P(0), 4 * PG, 4 * PG, 0, 0, &res, NULL) == 0 && res == P(0),
	   "same size: the address");
	ok(vma_set_anon_name(&M, P(0), PG, "x", NULL) == -EINVAL,
	   "anon name without CONFIG_ANON_VMA_NAME: EINVAL");
	/* the end wraps to just below addr, in addr's page */
	ok(vma_touch(&M, P(0) + 0x800, UINT64_MAX, NULL) == -EINVAL,
	   "touch with a length that wraps: EINVAL");
	ok(valid(), "errno: model valid");
}

static void test_brk(void)
{
	uint64_t res;

	reset();
	M.p.start_brk = M.p.brk = P(0);
	ok(vma_brk(&M, P(4), &res, &FX) == 0 && res == P(4), "brk grows");
	ok(strcmp(vma_name(&M, at(0)->name), "[heap]") == 0, "the new VMA is [heap]");
	ok(vma_brk(&M, P(8) - 100, &res, NULL) == 0 && res == P(8) - 100, "unaligned break");
	expect("0-8 rw-p", "brk extends its VMA");
	ok((at(0)->flags & VMF(ACCOUNT)) != 0, "heap is accounted");
	ok(vma_brk(&M, 0, &res, NULL) == 0 && res == P(8) - 100, "brk(0) says where it is");
	ok(vma_brk(&M, P(2), &res, NULL) == 0 && res == P(2), "brk shrinks");
	expect("0-2 rw-p", "shrink unmaps");
	map(300, 4, RW);
	ok(vma_brk(&M, P(300), &res, NULL) == 0 && res == P(2), "brk into a mapping: refused");
	ok(vma_brk(&M, P(299) + 1, &res, NULL) == 0 && res == P(2), "brk one page short: refused");
	ok(vma_brk(&M, P(299), &res, NULL) == 0 && res == P(299), "a page of room is enough");
	ok(vma_brk(&M, P(100), &res, NULL) == 0 && res == P(100), "shrink again");
	map(50, 2, RO);
	ok(strcmp(vma_name(&M, at(50)->name), "[heap]") == 0,
	   "anonymous memory inside the break is [heap]");
	map(200, 2, RO);
	ok(at(200)->name == 0, "outside the break it is not");
	expect("0-50 rw-p;50-52 r--p;52-100 rw-p;200-202 r--p;300-304 rw-p", "brk layout");
}

static void test_mremap_units(void)
{
	uint64_t res;

	reset();
	map(0, 4, RW);
	map(10, 4, RW);
	ok(vma_mremap(&M, P(10), 4 * PG, 4 * PG, VMA_MREMAP_MAYMOVE | VMA_MREMAP_FIXED, P(4), &res,
		      NULL) == 0 && res == P(4), "move next to a VMA");
	expect("0-8 rw-p", "an unfaulted move merges at its destination");
	reset();
	map(0, 4, RW);
	map(10, 4, RW);
	vma_touch(&M, P(10), PG, NULL);
	vma_mremap(&M, P(10), 4 * PG, 4 * PG, VMA_MREMAP_MAYMOVE | VMA_MREMAP_FIXED, P(4), &res, NULL);
	expect("0-4 rw-p;4-8 rw-p", "a faulted move keeps its pgoff: no merge");
	is_u64(vma_explain_no_merge(&M, at(0), at(4)), VMA_NOMERGE_PGOFF, "explained by pgoff");
	map(8, 2, RW);
	vma_mremap(&M, P(4), 4 * PG, 4 * PG, VMA_MREMAP_MAYMOVE | VMA_MREMAP_FIXED, P(10), &res, NULL);
	expect("0-4 rw-p;8-14 rw-p", "moved home it merges again");
	reset();
	map(0, 4, RW);
	vma_touch(&M, P(0), PG, NULL);
	vma_mlock(&M, P(0), 4 * PG, 0, NULL);
	ok(vma_mremap(&M, P(0), 4 * PG, 4 * PG, VMA_MREMAP_MAYMOVE | VMA_MREMAP_DONTUNMAP, P(20),
		      &res, NULL) == 0, "DONTUNMAP");
	expect("0-4 rw-p;20-24 rw-p", "the source stays");
	ok(!(at(0)->flags & VMF(LOCKED)) && (at(20)->flags & VMF(LOCKED)), "minus its lock");
	ok(at(0)->anon_vma == 0 && at(20)->anon_vma != 0, "and its anon_vma");
	vma_effects_clear(&FX);
	ok(vma_mremap(&M, P(0), 4 * PG, 2 * PG, 0, 0, &res, &FX) == 0, "shrink");
	expect("0-2 rw-p;20-24 rw-p", "shrunk");
	ok(has_event(VMA_EV_SPLIT, 0, 4) && has_event(VMA_EV_REMOVE, 2, 4) &&
	   has_event(VMA_EV_SHRINK, 0, 2), "shrink reports split, removal and shrink");
	vma_effects_clear(&FX);
	vma_mremap(&M, P(20), 4 * PG, 4 * PG, VMA_MREMAP_MAYMOVE | VMA_MREMAP_FIXED, P(30), &res,
		   &FX);
	ok(has_event(VMA_EV_MOVE, 30, 34) && has_event(VMA_EV_CREATE, 30, 34) &&
	   has_event(VMA_EV_REMOVE, 20, 24), "a move reports the copy and the removal");
	ok(valid(), "mremap: model valid");
}

/* Two VMAs [0,4) and [4,8) as a snapshot shows them: separate, look alike. */
static void lookalikes(bool with_smaps)
{
	struct vma *v;

	reset();
	map(0, 8, RW);
	v = at(0);
	vma_set_bounds(&M, v, P(0), P(4));
	v = vma_alloc(&M);
	v->start = P(4);
	v->end = P(8);
	v->flags = at(0)->flags;
	v->pgoff = P(4) / PG;
	v->pkey = -1;
	vma_insert(&M, v);
	vma_classify(&M, v);
	if (with_smaps) {
		vma_smaps_append(&M, at(0), SMAPS_ANONYMOUS, 0);
		vma_smaps_append(&M, at(4), SMAPS_ANONYMOUS, 0);
	}
}

static void test_infer_and_names(void)
{
	lookalikes(false);
	ok(vma_explain_no_merge(&M, at(0), at(4)) == VMA_MERGE_OK, "lookalike neighbours");
	vma_infer_hidden(&M);
	is_u64(vma_explain_no_merge(&M, at(0), at(4)), VMA_NOMERGE_HIDDEN, "inferred: hidden state");
	ok((at(0)->bits & VMA_B_PGOFF_INFERRED) && at(0)->pgoff == P(0) / PG, "pgoff inferred");
	ok(at(0)->anon_vma && at(4)->anon_vma && at(0)->anon_vma != at(4)->anon_vma,
	   "no smaps: written-to VMAs get separate anon_vmas");
	vma_mprotect(&M, P(0), 8 * PG, RO, -1, NULL);
	expect("0-4 r--p;4-8 r--p", "and they stay apart");
	lookalikes(true);
	vma_infer_hidden(&M);
	ok(!at(0)->anon_vma && !at(4)->anon_vma, "no anonymous pages: no anon_vma");
	ok((at(4)->bits & VMA_B_HIDDEN) && at(4)->pgoff != P(4) / PG,
	   "... kept apart by page offsets");
	is_u64(vma_explain_no_merge(&M, at(0), at(4)), VMA_NOMERGE_HIDDEN, "explained as hidden");
	vma_mprotect(&M, P(0), 8 * PG, RO, -1, NULL);
	expect("0-4 r--p;4-8 r--p", "still apart");

	reset();
	M.p.anon_name_supported = true;
	map(0, 8, RW);
	ok(vma_set_anon_name(&M, P(2), 2 * PG, "buf", &FX) == 0, "name a range");
	expect("0-2 rw-p;2-4 rw-p;4-8 rw-p", "naming splits");
	is_str(vma_name(&M, at(2)->name), "[anon:buf]", "the name as /proc shows it");
	is_u64(vma_explain_no_merge(&M, at(0), at(2)), VMA_NOMERGE_NAME, "explain: name");
	vma_set_anon_name(&M, P(4), 4 * PG, "buf", NULL);
	expect("0-2 rw-p;2-8 rw-p", "same name merges");
	ok(vma_set_anon_name(&M, P(0), 8 * PG, NULL, NULL) == 0, "clear");
	expect("0-8 rw-p", "cleared names merge back");
	ok(vma_set_anon_name(&M, P(0), PG, "a[b", NULL) == -EINVAL, "bad character: EINVAL");
	ok(vma_set_anon_name(&M, P(0), 20 * PG, "x", NULL) == -ENOMEM, "over a hole: ENOMEM");
}

/* ---- page-level state and what a snapshot shows of it --------------------- */

static const char pages_snapshot[] =
	"100000000-100004000 r--p 00000000 00:00 0 \n"
	"Anonymous:             0 kB\nVmFlags: rd mr mw me ac \n"
	"100008000-10000c000 rw-p 00000000 00:00 0 \n"
	"Anonymous:             0 kB\nVmFlags: rd wr mr mw me gu ac \n"
	"100010000-100014000 rw-p 00000000 00:00 0 \n"
	"Anonymous:             0 kB\nVmFlags: rd wr mr mw me ac \n"
	"100020000-100022000 rw-s 00000000 00:01 1234                       /dev/zero (deleted)\n"
	"VmFlags: rd wr sh mr mw me ms \n"
	"100030000-100031000 rw-s 00002000 00:01 1234                       /dev/zero (deleted)\n"
	"VmFlags: rd wr sh mr mw me ms \n"
	"100040000-100042000 r--s 00000000 fe:00 99                         /tmp/ro-file\n"
	"VmFlags: rd mr me ms \n";

static void from_snapshot(const char *text)
{
	struct maps_parser mp;

	reset();
	maps_parser_init(&mp, &M);
	ok(maps_parse(&mp, text, strlen(text), true) >= 0 && maps_parser_finish(&mp) >= 0,
	   "snapshot parses");
	vma_infer_hidden(&M);
}

/* mmap through the call language, as vmatool sim does; returns the errno. */
static int call_mmap_line(const char *line)
{
	struct calls_parser cp;
	struct calls_ctx ctx;
	struct call_outcome out;
	struct call c;
	int err = -1;

	calls_parser_init(&cp);
	calls_ctx_init(&ctx);
	if (calls_parse_line(&cp, line, strlen(line), &c) == 0 &&
	    call_apply(&ctx, &M, &c, &out, NULL) == 0)
		err = out.err;
	call_release(&c);
	calls_ctx_release(&ctx);
	calls_parser_release(&cp);
	return err;
}

static void test_pages_inferred(void)
{
	struct vma_model copy;

	from_snapshot(pages_snapshot);
	ok(at(0)->anon_vma != 0, "ac without wr on private anon: an anon_vma");
	ok(at(8)->anon_vma != 0, "gu on anon: an anon_vma");
	ok(at(16)->anon_vma == 0, "rw, ac, no pages: no anon_vma");
	vma_mprotect(&M, P(8), 4 * PG, RO, -1, NULL);
	vma_mprotect(&M, P(16), 4 * PG, RO, -1, NULL);
	ok((at(8)->flags & VMF(ACCOUNT)) && !(at(16)->flags & VMF(ACCOUNT)),
	   "mprotect(PROT_READ) keeps ac only where the anon_vma is");
	/* /dev/zero 1234 reaches page 3 of its object: that is its size */
	is_u64(vma_mlock(&M, P(0x30), PG, 0, NULL), 0, "shared anon: lock inside the object");
	vma_munlock(&M, P(0x30), PG, NULL);
	ok(vma_mremap(&M, P(0x30), PG, 2 * PG, 0, 0, NULL, NULL) == 0, "grow it in place");
	is_u64(-vma_mlock(&M, P(0x31), PG, 0, NULL), ENOMEM, "past the inferred size: ENOMEM");
	is_u64(call_mmap_line("mmap(0x100050000, 4096, PROT_READ|PROT_WRITE, MAP_SHARED|MAP_FIXED, "
			      "5</tmp/ro-file>, 0)"), EACCES,
	       "unknown descriptor of a file the snapshot maps shared without mw: O_RDONLY");
	is_u64(call_mmap_line("mmap(0x100050000, 4096, PROT_READ, MAP_SHARED|MAP_FIXED, "
			      "5</tmp/other>, 0)"), 0, "of another file: O_RDWR");
	ok((at(0x50)->flags & VMF(SHARED)) != 0, "... and shared (sh)");

	reset();
	map(0, 16, RW);
	is_u64(vma_madvise(&M, P(2), 2 * PG, VMA_MADV_GUARD_INSTALL, NULL), 0, "install guards");
	is_u64(vma_madvise(&M, P(4), PG, VMA_MADV_GUARD_INSTALL, NULL), 0, "and next to them");
	is_u64(M.nguards, 1, "adjacent guard ranges join");
	is_u64(vma_madvise(&M, P(3), PG, VMA_MADV_GUARD_REMOVE, NULL), 0, "remove the middle");
	is_u64(M.nguards, 2, "... leaves two ranges");
	ok(vma_model_copy(&copy, &M) == 0, "copy the model");
	is_u64(-vma_madvise(&copy, P(4), PG, VMA_MADV_POPULATE_READ, NULL), EFAULT,
	       "the copy has the guards");
	is_u64(vma_madvise(&copy, P(3), PG, VMA_MADV_POPULATE_WRITE, NULL), 0,
	       "... and not the removed one");
	vma_model_clear(&copy);
	is_u64(copy.nguards, 0, "clear forgets the guards");
	vma_model_release(&copy);
	ok(vma_munmap(&M, P(0), 3 * PG, NULL) == 0 && M.nguards == 1, "munmap takes its guards");
	ok(vma_mremap(&M, P(3), 13 * PG, 13 * PG, VMA_MREMAP_MAYMOVE | VMA_MREMAP_FIXED, P(64),
		      NULL, NULL) == 0 && M.nguards == 1 && M.guards[0].start == P(65),
	   "mremap moves them with the pages");
	expect("64-77 rw-p", "guards do not split VMAs");
}

/*
 * The call parser reads only the len bytes it is given: a line that is all
 * PID prefix ends exactly at the end of its buffer.  Numbers at the edge of
 * 64 bits parse without overflow.
 */
static void test_call_parse_edges(void)
{
	static const char *min64 =
		"munmap(0x100000000, 4096) = -9223372036854775808";
	struct calls_parser cp;
	struct call c;
	char *pid_only = malloc(4);
	int r;

	memcpy(pid_only, "1234", 4);
	calls_parser_init(&cp);
	call_init(&c);
	r = calls_parse_line(&cp, pid_only, 4, &c);
	is_u64((uint64_t)r, 1, "a line of only a PID prefix, at the end of its buffer: nothing to apply");
	call_release(&c);
	call_init(&c);
	r = calls_parse_line(&cp, min64, strlen(min64), &c);
	ok(r == 0 && c.has_result && c.result == INT64_MIN,
	   "a result of -2^63 parses (no signed overflow)");
	call_release(&c);
	calls_parser_release(&cp);
	free(pid_only);
}

static void live_report(int good, const char *msg)
{
	ok(good, "%s", msg);
}

int main(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	test_merge_cases();
	test_anon_vma();
	test_explain();
	test_mmap_errno();
	test_limits();
	test_partial();
	test_errno_misc();
	test_brk();
	test_mremap_units();
	test_infer_and_names();
	test_pages_inferred();
	test_call_parse_edges();
	ops_live_tests(live_report);
	vma_model_release(&M);
	vma_effects_release(&FX);
	return tap_done();
}
