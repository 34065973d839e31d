/*
 * test-diff.c - tests of the semantic diff and --explain (engine/diff.c,
 * engine/diff_moves.c, engine/explain.c) on models built with the engine.
 *
 * Hand-built cases check each kind of change; then seeded random runs
 * take a random layout A, apply random calls to a copy to get B, and check
 * that the diff is consistent (every VMA of A and B accounted for once,
 * nothing reported for A against itself) and that --explain finds calls
 * whose replay gives B exactly.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "abi.h"
#include "diff.h"
#include "tap.h"
#include "vma.h"

#define PG	4096ULL
#define BASE	0x7f0000000000ULL
#define RW	(VMA_PROT_READ | VMA_PROT_WRITE)
#define PAF	(VMA_MAP_PRIVATE | VMA_MAP_ANONYMOUS | VMA_MAP_FIXED)

static void model_new(struct vma_model *m)
{
	struct vma_params p;

	vma_params_default(&p);
	if (vma_model_init(m, &p)) {
		printf("Bail out! out of memory\n");
		exit(1);
	}
}

static void map_anon(struct vma_model *m, uint64_t page, uint64_t pages, int prot)
{
	uint64_t res;

	vma_mmap(m, BASE + page * PG, pages * PG, prot, PAF, NULL, 0, &res, NULL);
}

static void map_file(struct vma_model *m, uint64_t page, uint64_t pages, uint64_t off_pages)
{
	struct vma_mapfile f = { 0 };
	uint64_t res;

	f.file = vma_file_open(m);
	f.name = vma_intern(m, "/lib/x.so", 9);
	f.dev = VMA_DEV(0xfe, 0);
	f.inode = 42;
	vma_mmap(m, BASE + page * PG, pages * PG, VMA_PROT_READ,
		 VMA_MAP_PRIVATE | VMA_MAP_FIXED, &f, off_pages * PG, &res, NULL);
}

/* The one change of a diff, checked: kind, and the counts of VMAs on each side. */
static void one_change(const struct vma_model *a, const struct vma_model *b,
		       enum diff_kind kind, unsigned what, const char *name)
{
	struct diff_result r;
	struct diff_explain e;

	diff_result_init(&r);
	diff_explain_init(&e);
	ok(diff_models(a, b, NULL, &r) == 0 && r.n == 1, "%s: one change", name);
	if (r.n >= 1) {
		is_str(diff_kind_name(r.changes[0].kind), diff_kind_name(kind), "%s: kind", name);
		ok((r.changes[0].what & what) == what, "%s: attributes 0x%x in 0x%x", name,
		   what, r.changes[0].what);
	}
	ok(diff_explain(&r, &e) == 0 && e.found, "%s: explained and checked%s%s", name,
	   e.found ? "" : ": ", e.found ? "" : e.why);
	diff_explain_release(&e);
	diff_result_release(&r);
}

static void hand_cases(void)
{
	struct vma_model a, b;
	uint64_t res;

	model_new(&a);
	map_anon(&a, 0, 12, RW);
	map_anon(&a, 20, 4, VMA_PROT_READ);
	map_file(&a, 40, 4, 8);

	vma_model_copy(&b, &a);
	vma_mprotect(&b, BASE + 4 * PG, 4 * PG, VMA_PROT_READ, -1, NULL);
	one_change(&a, &b, DIFF_SPLIT, DIFF_W_PERMS, "mprotect middle");
	one_change(&b, &a, DIFF_MERGED, DIFF_W_PERMS, "mprotect back");
	vma_model_release(&b);

	vma_model_copy(&b, &a);
	vma_munmap(&b, BASE + 4 * PG, 4 * PG, NULL);
	one_change(&a, &b, DIFF_SPLIT, DIFF_W_HOLE, "munmap middle");
	vma_model_release(&b);

	vma_model_copy(&b, &a);
	vma_munmap(&b, BASE + 8 * PG, 4 * PG, NULL);
	one_change(&a, &b, DIFF_SHRUNK, DIFF_W_END, "munmap tail");
	vma_mremap(&b, BASE, 8 * PG, 10 * PG, 0, 0, &res, NULL);
	one_change(&a, &b, DIFF_SHRUNK, DIFF_W_END, "mremap grow in place, still short of a");
	vma_model_release(&b);

	vma_model_copy(&b, &a);
	vma_mremap(&b, BASE + 40 * PG, 4 * PG, 8 * PG, VMA_MREMAP_MAYMOVE | VMA_MREMAP_FIXED,
		   BASE + 100 * PG, &res, NULL);
	one_change(&a, &b, DIFF_MOVED, DIFF_W_SIZE, "mremap move and grow of a file mapping");
	vma_model_release(&b);

	vma_model_copy(&b, &a);
	vma_mremap(&b, BASE + 20 * PG, 4 * PG, 4 * PG, VMA_MREMAP_MAYMOVE | VMA_MREMAP_FIXED,
		   BASE + 200 * PG, &res, NULL);
	one_change(&a, &b, DIFF_MOVED, DIFF_W_LIKELY, "mremap move of anonymous memory: likely");
	vma_model_release(&b);

	vma_model_copy(&b, &a);
	vma_mlock(&b, BASE + 20 * PG, 4 * PG, 0, NULL);
	one_change(&a, &b, DIFF_SAME, DIFF_W_VMFLAGS, "mlock");
	one_change(&b, &a, DIFF_SAME, DIFF_W_VMFLAGS, "munlock");
	vma_model_release(&b);

	vma_model_copy(&b, &a);
	vma_madvise(&b, BASE + 40 * PG, 4 * PG, VMA_MADV_DONTFORK, NULL);
	one_change(&a, &b, DIFF_SAME, DIFF_W_VMFLAGS, "madvise(DONTFORK)");
	one_change(&b, &a, DIFF_SAME, DIFF_W_VMFLAGS, "madvise(DOFORK)");
	vma_model_release(&b);

	vma_model_copy(&b, &a);
	map_anon(&b, 60, 2, RW);
	one_change(&a, &b, DIFF_ADDED, 0, "mmap");
	one_change(&b, &a, DIFF_REMOVED, 0, "munmap");
	vma_model_release(&b);
	vma_model_release(&a);
}

/* ---- random runs ------------------------------------------------------------------- */

static uint64_t rnd_state;

static uint64_t rnd(uint64_t n)
{
	rnd_state = rnd_state * 6364136223846793005ULL + 1442695040888963407ULL;
	return (rnd_state >> 33) % n;
}

static void random_layout(struct vma_model *m)
{
	int i;

	for (i = 0; i < 12; i++) {
		uint64_t page = rnd(256), pages = 1 + rnd(16);

		if (rnd(5) == 0)
			map_file(m, page, pages, rnd(64));
		else
			map_anon(m, page, pages, (int)(1 + rnd(3)));
	}
}

static void random_call(struct vma_model *m)
{
	static const int advice[] = {
		VMA_MADV_DONTFORK, VMA_MADV_DOFORK, VMA_MADV_DONTDUMP, VMA_MADV_DODUMP,
		VMA_MADV_RANDOM, VMA_MADV_SEQUENTIAL, VMA_MADV_NORMAL,
	};
	uint64_t page = rnd(256), pages = 1 + rnd(12), res;
	uint64_t addr = BASE + page * PG, len = pages * PG;

	switch (rnd(11)) {
	case 0:
		vma_mprotect(m, addr, len, (int)rnd(4), -1, NULL);
		break;
	case 1:
		vma_munmap(m, addr, len, NULL);
		break;
	case 2:
		map_anon(m, page, pages, (int)(1 + rnd(3)));
		break;
	case 3:
		vma_mremap(m, addr, len, (1 + rnd(8)) * PG, VMA_MREMAP_MAYMOVE | VMA_MREMAP_FIXED,
			   BASE + (300 + rnd(200)) * PG, &res, NULL);
		break;
	case 4:
		vma_madvise(m, addr, len, advice[rnd(sizeof(advice) / sizeof(advice[0]))], NULL);
		break;
	case 5:
		vma_mlock(m, addr, len, rnd(2) ? VMA_MLOCK_ONFAULT : 0, NULL);
		break;
	case 6:
		vma_munlock(m, addr, len, NULL);
		break;
	case 7:
		vma_mremap(m, addr, len, (1 + rnd(12)) * PG, 0, 0, &res, NULL);
		break;
	case 8:
		vma_madvise(m, addr, len, rnd(2) ? VMA_MADV_HUGEPAGE : VMA_MADV_NOHUGEPAGE, NULL);
		break;
	case 9:
		vma_mseal(m, addr, len, 0, NULL);
		break;
	default:
		vma_touch(m, addr, len, NULL);
		break;
	}
}

/* Every VMA of a and b appears in exactly one change or is unchanged. */
static bool accounted(const struct diff_result *r)
{
	size_t i, na = 0, nb = 0;

	for (i = 0; i < r->n; i++) {
		const struct diff_change *c = &r->changes[i];

		if (!(c->what & DIFF_W_PART))	/* shares its before VMA with a shrink or split */
			na += c->na;
		nb += c->nb;
	}
	return na + r->t.unchanged == r->t.count_a && nb + r->t.unchanged == r->t.count_b;
}

static void random_runs(unsigned runs)
{
	unsigned run, found = 0, consistent = 0, self_empty = 0, valid = 0, steps = 0;

	for (run = 0; run < runs; run++) {
		struct vma_model a, b;
		struct diff_result r;
		struct diff_explain e;
		int k, ncalls = 1 + (int)(run % 5);

		rnd_state = 1000 + run;
		model_new(&a);
		random_layout(&a);
		vma_model_copy(&b, &a);
		valid += vma_validate(&a, NULL, 0) == 0;
		steps++;
		for (k = 0; k < ncalls; k++) {
			random_call(&b);
			valid += vma_validate(&b, NULL, 0) == 0;	/* after every operation */
			steps++;
		}
		diff_result_init(&r);
		diff_explain_init(&e);
		if (diff_models(&a, &a, NULL, &r) == 0 && r.n == 0)
			self_empty++;
		if (diff_models(&a, &b, NULL, &r) == 0 && accounted(&r))
			consistent++;
		if (diff_explain(&r, &e) == 0 && e.found)
			found++;
		else
			diag("seed %u: not explained: %s", 1000 + run, e.why);
		diff_explain_release(&e);
		diff_result_release(&r);
		vma_model_release(&b);
		vma_model_release(&a);
	}
	is_u64(valid, steps, "random: the model is valid after every operation (%u)", steps);
	is_u64(self_empty, runs, "random: a model against itself has no change (%u runs)", runs);
	is_u64(consistent, runs, "random: every VMA accounted for once (%u runs)", runs);
	ok(found * 100 >= runs * 95, "random: --explain found and checked calls in %u of %u runs",
	   found, runs);
	diag("explained %u of %u random runs", found, runs);
}

int main(void)
{
	hand_cases();
	random_runs(1000);
	return tap_done();
}
