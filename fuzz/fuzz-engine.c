/*
 * fuzz-engine.c - the engine's operations under a fuzzer, against a
 * reference model that keeps one entry per page.
 *
 * The input is read as a sequence of operations (5 bytes each: operation,
 * page, page count, and two bytes of flags or a second page) on an address
 * space of NPAGES pages (task_size and mmap_base at its top, so every
 * placement falls inside).  The reference knows, per page, whether it is
 * mapped, its protection, shared or private, and sealed.  After every
 * operation:
 *  - vma_validate passes;
 *  - every page agrees with the reference: mapped or not, rwx, shared;
 *  - a successful mmap without MAP_FIXED took pages that were free;
 *  - nothing that touches a sealed page succeeds, and no sealed page
 *    changes, whatever the operation returned;
 *  - operations that do not change the layout (madvise, mlock, munlock,
 *    touch, anon names) change no page.
 * A failed mprotect may have changed part of its range (the kernel walks
 * the VMAs and stops at the first hole or sealed one), and a failed
 * mremap with MREMAP_FIXED may have unmapped its destination and the tail
 * of a shrink, or moved the first VMAs of a move of several (Linux 6.17
 * remap_move, each VMA on its own); the reference takes the model's pages
 * inside those ranges then (sealed ones must not have changed), and checks
 * the rest.  Each of these rules was checked on Linux 6.18 when the fuzzer
 * first broke it (fuzz/corpus/engine/mremap-*).  FUZZ_TRACE=1 prints the
 * operations and VMAs.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "abi.h"
#include "fuzz.h"

#define PAGE 4096ULL
#define NPAGES 128
#define MAX_OPS 200

struct ref_page {
	bool mapped, shared, sealed;
	unsigned prot;		/* VMA_PROT_READ | WRITE | EXEC */
};

struct ref {
	struct ref_page pg[NPAGES];
};

static unsigned vma_prot(const struct vma *v)
{
	return (v->flags & VMF(READ) ? VMA_PROT_READ : 0) |
	       (v->flags & VMF(WRITE) ? VMA_PROT_WRITE : 0) |
	       (v->flags & VMF(EXEC) ? VMA_PROT_EXEC : 0);
}

static struct ref_page page_of(struct vma_model *m, unsigned i)
{
	struct ref_page p = { 0 };
	struct vma *v = vma_lookup(m, i * PAGE);

	if (v) {
		p.mapped = true;
		p.prot = vma_prot(v);
		p.shared = (v->flags & VMF(MAYSHARE)) != 0;
		p.sealed = (v->flags & VMF(SEALED)) != 0;
	}
	return p;
}

static void compare(struct vma_model *m, const struct ref *r, const char *op)
{
	fuzz_validate(m, op);
	FUZZ_CHECK(m->last == NULL || m->last->end <= NPAGES * PAGE, "%s: VMA past the window", op);
	for (unsigned i = 0; i < NPAGES; i++) {
		struct ref_page got = page_of(m, i);
		const struct ref_page *want = &r->pg[i];
		FUZZ_CHECK(got.mapped == want->mapped, "%s: page %u %s, reference says %s", op, i,
			   got.mapped ? "mapped" : "free", want->mapped ? "mapped" : "free");
		if (!got.mapped)
			continue;
		FUZZ_CHECK(got.prot == want->prot && got.shared == want->shared &&
			   got.sealed == want->sealed,
			   "%s: page %u prot %u shared %d sealed %d, reference %u %d %d", op, i,
			   got.prot, got.shared, got.sealed, want->prot, want->shared, want->sealed);
	}
}

static bool any_sealed(const struct ref *r, uint64_t p0, uint64_t n)
{
	for (uint64_t i = p0; i < p0 + n && i < NPAGES; i++)
		if (r->pg[i].mapped && r->pg[i].sealed)
			return true;
	return false;
}

static void set_pages(struct ref *r, uint64_t p0, uint64_t n, const struct ref_page *p)
{
	for (uint64_t i = p0; i < p0 + n && i < NPAGES; i++)
		r->pg[i] = *p;
}

static bool same_page(const struct ref_page *a, const struct ref_page *b)
{
	return a->mapped == b->mapped && a->shared == b->shared && a->sealed == b->sealed &&
	       a->prot == b->prot;
}

/* After a failure that may have changed part of [p0, p0+n): take the model's. */
static void resync(struct vma_model *m, struct ref *r, uint64_t p0, uint64_t n)
{
	for (uint64_t i = p0; i < p0 + n && i < NPAGES; i++) {
		struct ref_page got = page_of(m, (unsigned)i);
		FUZZ_CHECK(!r->pg[i].sealed || same_page(&got, &r->pg[i]),
			   "a failed call changed sealed page %llu: mapped %d prot %u shared %d "
			   "sealed %d", (unsigned long long)i, got.mapped, got.prot, got.shared,
			   got.sealed);
		r->pg[i] = got;
	}
}

static void op_mmap(struct vma_model *m, struct ref *r, uint64_t p0, uint64_t n,
		    uint8_t a, uint8_t b)
{
	static const int how[4] = { 0, VMA_MAP_FIXED, VMA_MAP_FIXED_NOREPLACE, 0 };
	int prot = a & 7, flags = how[(a >> 3) & 3] | VMA_MAP_ANONYMOUS |
		   (a & 0x20 ? VMA_MAP_SHARED : VMA_MAP_PRIVATE);
	uint64_t addr = (a >> 3 & 3) == 3 ? 0 : p0 * PAGE, res = 0;
	struct ref_page pg = { true, (a & 0x20) != 0, false, (unsigned)prot };
	int err = vma_mmap(m, addr, n * PAGE, prot, flags | (b & 1 ? VMA_MAP_NORESERVE : 0), NULL,
			   0, &res, NULL);

	if (err)
		return;
	FUZZ_CHECK(res % PAGE == 0 && res + n * PAGE <= NPAGES * PAGE && res >= PAGE,
		   "mmap placed %llx", (unsigned long long)res);
	FUZZ_CHECK(!(flags & VMA_MAP_FIXED) || res == addr, "MAP_FIXED moved");
	FUZZ_CHECK(!any_sealed(r, res / PAGE, n), "mmap over a sealed page");
	for (uint64_t i = res / PAGE; !(flags & VMA_MAP_FIXED) && i < res / PAGE + n; i++)
		FUZZ_CHECK(!r->pg[i].mapped, "mmap without MAP_FIXED took mapped page %llu",
			   (unsigned long long)i);
	set_pages(r, res / PAGE, n, &pg);
}

static void op_munmap(struct vma_model *m, struct ref *r, uint64_t p0, uint64_t n)
{
	struct ref_page none = { 0 };

	if (vma_munmap(m, p0 * PAGE, n * PAGE, NULL) != 0)
		return;
	FUZZ_CHECK(!any_sealed(r, p0, n), "munmap of a sealed page");
	set_pages(r, p0, n, &none);
}

static void op_mprotect(struct vma_model *m, struct ref *r, uint64_t p0, uint64_t n, uint8_t a)
{
	int prot = a & 7;

	if (vma_mprotect(m, p0 * PAGE, n * PAGE, prot, -1, NULL) != 0) {
		resync(m, r, p0, n);
		return;
	}
	FUZZ_CHECK(!any_sealed(r, p0, n), "mprotect of a sealed page");
	for (uint64_t i = p0; i < p0 + n && i < NPAGES; i++) {
		FUZZ_CHECK(r->pg[i].mapped, "mprotect over a hole succeeded");
		r->pg[i].prot = (unsigned)prot;
	}
}

/* Page k of r; pages past the window are never mapped. */
static struct ref_page ref_at(const struct ref *r, uint64_t k)
{
	struct ref_page none = { 0 };

	return k < NPAGES ? r->pg[k] : none;
}

static void op_mremap(struct vma_model *m, struct ref *r, uint64_t p0, uint64_t n,
		      uint8_t a, uint8_t b)
{
	uint64_t nn = 1 + (a & 15), np = b % (NPAGES + 2), res = 0;
	int flags = (a >> 4) & 7, err;	/* MAYMOVE, FIXED, DONTUNMAP */
	struct ref old[1];
	struct ref_page none = { 0 };

	old[0] = *r;
	err = vma_mremap(m, p0 * PAGE, n * PAGE, nn * PAGE, flags, np * PAGE, &res, NULL);
	if (getenv("FUZZ_TRACE"))
		fprintf(stderr, "  mremap(page %llu, %llu, %llu, %d, page %llu) = %d\n",
			(unsigned long long)p0, (unsigned long long)n, (unsigned long long)nn,
			flags, (unsigned long long)np, err);
	if (err) {
		/*
		 * MREMAP_FIXED unmaps the destination, then a shrink its tail,
		 * before placing the move: a later error keeps both
		 */
		if ((flags & VMA_MREMAP_FIXED) && (flags & VMA_MREMAP_MAYMOVE)) {
			resync(m, r, np, nn);
			if (nn < n)
				resync(m, r, p0 + nn, n - nn);
			if (nn == n)	/* several VMAs: those before the error moved */
				resync(m, r, p0, n);
		}
		return;
	}
	if (res == p0 * PAGE && nn == n)
		return;		/* same size in place: nothing checked, nothing done */
	FUZZ_CHECK(res % PAGE == 0 && res + nn * PAGE <= NPAGES * PAGE, "mremap to %llx",
		   (unsigned long long)res);
	/* sealed: the VMA at the start, a tail unmapped, any page moved */
	FUZZ_CHECK(!ref_at(r, p0).sealed, "mremap of a sealed VMA");
	FUZZ_CHECK(nn >= n || !any_sealed(r, p0 + nn, n - nn), "mremap unmapped a sealed page");
	for (uint64_t i = 0; res != p0 * PAGE && i < n && i < nn; i++)
		FUZZ_CHECK(!ref_at(r, p0 + i).mapped || (!ref_at(r, p0 + i).sealed &&
			   !ref_at(r, res / PAGE + i).sealed), "mremap moved a sealed page or over one");
	if (res == p0 * PAGE) {			/* in place */
		if (nn < n)
			set_pages(r, p0 + nn, n - nn, &none);
		for (uint64_t i = p0 + n; i < p0 + nn; i++) {
			FUZZ_CHECK(!old[0].pg[i].mapped, "mremap grew over mapped page %llu",
				   (unsigned long long)i);
			r->pg[i] = ref_at(&old[0], p0 + n - 1);
		}
		return;
	}
	if (!(flags & VMA_MREMAP_DONTUNMAP))
		set_pages(r, p0, n, &none);
	/*
	 * Moved: page for page.  MREMAP_FIXED without a change of size moves
	 * every VMA of the range on its own (Linux 6.17 remap_move): the gaps
	 * between them, and their destinations, are left as they were.
	 */
	for (uint64_t i = 0; i < nn; i++) {
		struct ref_page src = ref_at(&old[0], p0 + (i < n ? i : n - 1));
		if (src.mapped || !((flags & VMA_MREMAP_FIXED) && nn == n))
			r->pg[res / PAGE + i] = src;
	}
}

static void op_mseal(struct vma_model *m, struct ref *r, uint64_t p0, uint64_t n)
{
	if (vma_mseal(m, p0 * PAGE, n * PAGE, 0, NULL) != 0)
		return;
	for (uint64_t i = p0; i < p0 + n && i < NPAGES; i++) {
		FUZZ_CHECK(r->pg[i].mapped, "mseal over a hole succeeded");
		r->pg[i].sealed = true;
	}
}

/* Operations that change no page's mapping or protection. */
static void op_other(struct vma_model *m, uint64_t p0, uint64_t n, uint8_t op, uint8_t a)
{
	static const int advice[] = {
		VMA_MADV_NORMAL, VMA_MADV_DONTNEED, VMA_MADV_FREE, VMA_MADV_DONTFORK,
		VMA_MADV_WIPEONFORK, VMA_MADV_MERGEABLE, VMA_MADV_HUGEPAGE, VMA_MADV_NOHUGEPAGE,
		VMA_MADV_DONTDUMP, VMA_MADV_DODUMP, VMA_MADV_GUARD_INSTALL, VMA_MADV_GUARD_REMOVE,
		VMA_MADV_POPULATE_WRITE, VMA_MADV_COLLAPSE, VMA_MADV_KEEPONFORK, VMA_MADV_REMOVE,
	};
	static const char *const names[] = { "a", "b", NULL };

	switch (op) {
	case 5:
		vma_madvise(m, p0 * PAGE, n * PAGE, advice[a % 16], NULL);
		break;
	case 6:
		vma_mlock(m, p0 * PAGE, n * PAGE, a & 1, NULL);
		break;
	case 7:
		vma_munlock(m, p0 * PAGE, n * PAGE, NULL);
		break;
	case 8:
		vma_touch(m, p0 * PAGE, n * PAGE, NULL);
		break;
	default:
		vma_set_anon_name(m, p0 * PAGE, n * PAGE, names[a % 3], NULL);
		break;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vma_params p;
	struct vma_model m;
	struct ref r;
	char what[64];

	vma_params_default(&p);
	p.task_size = NPAGES * PAGE;
	p.mmap_base = NPAGES * PAGE;
	p.anon_name_supported = true;
	FUZZ_CHECK(vma_model_init(&m, &p) == 0, "vma_model_init");
	memset(&r, 0, sizeof(r));
	for (size_t k = 0; k + 5 <= size && k / 5 < MAX_OPS; k += 5) {
		uint8_t op = data[k] % 10, a = data[k + 3], b = data[k + 4];
		uint64_t p0 = data[k + 1] % (NPAGES + 2), n = 1 + data[k + 2] % 24;
		struct ref before = r;

		if (getenv("FUZZ_TRACE")) {	/* to read a crash: the operations, the VMAs */
			fprintf(stderr, "op %zu: %u page %llu n %llu a %#x b %u; before:", k / 5, op,
				(unsigned long long)p0, (unsigned long long)n, a, b);
			for (const struct vma *v = m.first; v; v = v->next)
				fprintf(stderr, " %llu-%llu%s%s", (unsigned long long)(v->start / PAGE),
					(unsigned long long)(v->end / PAGE),
					v->flags & VMF(MAYSHARE) ? "s" : "", v->anon_vma ? "a" : "");
			fputc('\n', stderr);
		}

		switch (op) {
		case 0: case 1:
			op_mmap(&m, &r, p0, n, a, b);
			break;
		case 2:
			op_munmap(&m, &r, p0, n);
			break;
		case 3:
			op_mprotect(&m, &r, p0, n, a);
			break;
		case 4:
			op_mremap(&m, &r, p0, n, a, b);
			break;
		case 9:
			op_mseal(&m, &r, p0, n);
			break;
		default:
			op_other(&m, p0, n, op, a);
			r = before;
			break;
		}
		snprintf(what, sizeof(what), "op %zu (%u at page %llu, %llu pages)", k / 5, op,
			 (unsigned long long)p0, (unsigned long long)n);
		compare(&m, &r, what);
	}
	vma_model_release(&m);
	return 0;
}
