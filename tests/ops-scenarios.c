/*
 * ops-scenarios.c - the live scenarios of test-ops: scripted sequences of
 * memory calls for each area of the engine (merges, anon_vma, holes, errno,
 * mremap, flags, locks, seals, placement, brk, stack growth, files,
 * populate, the map count limit) and seeded random sequences, each run on
 * the kernel and on the engine by ops-live.c.
 */
#include <stdio.h>
#include <stdlib.h>

#include "abi.h"
#include "cli/machine.h"
#include "ops-live.h"

#define MM(a, b, prot, fl)	{ L_MMAP, a, b, prot, fl, 0 }
#define UN(a, b)		{ L_MUNMAP, a, b, 0, 0, 0 }
#define MP(a, b, prot)		{ L_MPROTECT, a, b, prot, 0, 0 }
#define MA(a, b, adv)		{ L_MADVISE, a, b, adv, 0, 0 }
#define ML(a, b, fl)		{ L_MLOCK2, a, b, fl, 0, 0 }
#define MU(a, b)		{ L_MUNLOCK, a, b, 0, 0, 0 }
#define MR(a, o, n, fl, na)	{ L_MREMAP, a, o, n, fl, na }
#define MS(a, b)		{ L_MSEAL, a, b, 0, 0, 0 }
#define TO(a, b)		{ L_TOUCH, a, b, 0, 0, 0 }
#define END			{ L_END, 0, 0, 0, 0, 0 }

/* ---- live scenarios ----------------------------------------------------------- */

static const struct lstep live_merge_new[] = {
	MM(0, 4, RW, PAF), MM(8, 4, RW, PAF), MM(4, 4, RW, PAF),	/* case 1 */
	MM(20, 4, RW, PAF), MM(24, 4, RW, PAF),			/* case 2 */
	MM(34, 4, RW, PAF), MM(30, 4, RW, PAF),			/* case 3 */
	MM(40, 4, RO, PAF), MM(44, 4, RW, PAF), MM(48, 4, RO, PAF),	/* no merge */
	END
};

static const struct lstep live_merge_modify[] = {
	MM(0, 12, RW, PAF),
	MP(0, 4, RO), MP(8, 4, RO), MP(4, 4, RO),		/* split, split, case 6 */
	MP(0, 2, RW), MP(2, 2, RW),				/* split, case 4 */
	MP(10, 2, RW),						/* split */
	MP(8, 2, RW),						/* case 5 */
	MP(4, 4, RW),						/* case 6 back to one */
	MP(4, 2, VMA_PROT_NONE), MP(4, 2, RW),			/* split three, case 6 */
	MM(20, 4, RW, PAF), MM(24, 4, RO, PAF), MP(24, 4, RW),	/* case 7/8 */
	END
};

static const struct lstep live_anon_vma[] = {
	MM(0, 4, RW, PAF), TO(0, 1), MM(4, 4, RW, PAF),		/* faulted prev takes new */
	MM(20, 4, RW, PAF), MM(26, 2, RW, PAF), TO(20, 1), TO(26, 1),
	MM(24, 2, RW, PAF),					/* P and N anon_vmas differ */
	MM(40, 4, RW, PAF), TO(40, 1), MM(44, 4, RW | VMA_PROT_EXEC, PAF),
	TO(44, 1), MP(44, 4, RW),				/* reuse, then merge */
	MM(60, 4, RW, PAF), MM(64, 4, RO, PAF), TO(60, 1),
	MP(60, 4, RO), MP(64, 4, RW),				/* ac and anon_vma rules */
	END
};

static const struct lstep live_holes[] = {
	MM(0, 4, RW, PAF), MM(8, 4, RW, PAF),
	MP(0, 12, RO),						/* ENOMEM, first changed */
	MA(0, 12, VMA_MADV_DONTFORK),				/* ENOMEM after both */
	ML(0, 12, 0),						/* ENOMEM, first locked */
	MU(0, 12),
	UN(2, 8),						/* across the hole */
	MP(100, 4, RO), UN(100, 4),				/* nothing there */
	END
};

static const struct lstep live_errno[] = {
	MM(0, 4, RW, PAF),
	{ L_MPROTECT, 1, 0, RW, 0, 0 },				/* len 0 */
	{ L_MPROTECT, 0, 4, 0x10, 0, 0 },			/* bad prot */
	{ L_MPROTECT, 0, 4, RW | VMA_PROT_GROWSDOWN, 0, 0 },	/* not growsdown */
	{ L_PKEY_MPROTECT, 0, 4, RO, 3, 0 },			/* no such pkey */
	{ L_PKEY_MPROTECT, 0, 4, RO, 0, 0 },
	MA(0, 4, 77), MA(0, 4, VMA_MADV_WIPEONFORK), MA(0, 4, VMA_MADV_KEEPONFORK),
	ML(0, 4, 8),						/* bad mlock2 flag */
	{ L_MUNMAP, 0, 0, 0, 0, 0 },				/* len 0 */
	MR(0, 4, 0, 0, 0),					/* new_len 0 */
	MR(0, 4, 8, VMA_MREMAP_FIXED, 100),			/* FIXED without MAYMOVE */
	MR(0, 4, 8, VMA_MREMAP_DONTUNMAP | VMA_MREMAP_MAYMOVE, 100),
	MR(0, 4, 4, VMA_MREMAP_MAYMOVE | VMA_MREMAP_FIXED, 2),	/* overlap */
	MR(0, 0, 4, VMA_MREMAP_MAYMOVE, 0),			/* duplicate private */
	MR(50, 4, 8, VMA_MREMAP_MAYMOVE, 0),			/* no VMA */
	MR(2, 4, 8, VMA_MREMAP_MAYMOVE, 0),			/* crosses the end */
	MM(8, 4, RW, PA | VMA_MAP_FIXED_NOREPLACE), MM(2, 4, RW, PA | VMA_MAP_FIXED_NOREPLACE),
	MM(0, 4, RW, 0x20 | 0x0f), MM(0, 4, RW, VMA_MAP_SHARED_VALIDATE | VMA_MAP_ANONYMOUS),
	MM(0, 4, RW, PA | VMA_MAP_GROWSDOWN | VMA_MAP_SHARED),
	{ L_MSEAL, 0, 4, 1, 0, 0 },
	MM(512, 512, RW, PAF | VMA_MAP_HUGETLB), MM(512, 512, RW, SAF | VMA_MAP_HUGETLB),
	MM(512, 512, RW, PAF | VMA_MAP_HUGETLB | VMA_MAP_NORESERVE),
	MM(1024, 512, RW, SAF | VMA_MAP_HUGETLB | VMA_MAP_NORESERVE),
	MM(1536, 512, RO, PAF | VMA_MAP_HUGETLB | VMA_MAP_NORESERVE),
	MM(2049, 512, RW, PAF | VMA_MAP_HUGETLB | VMA_MAP_NORESERVE),
	MM(-1, 100, RW, PA | VMA_MAP_HUGETLB | VMA_MAP_NORESERVE),
	END
};

static const struct lstep live_mremap[] = {
	MM(0, 8, RW, PAF), MR(0, 8, 4, 0, 0),			/* shrink */
	MR(0, 4, 6, 0, 0),					/* grow in place */
	MM(8, 4, RW, PAF), MR(0, 6, 8, 0, 0),			/* grow, absorbs next */
	MM(20, 2, RW, PAF), MR(20, 2, 4, 0, 0),			/* fine: nothing above */
	MM(30, 2, RW, PAF), MM(32, 2, RO, PAF), MR(30, 2, 4, 0, 0),	/* ENOMEM */
	MR(30, 2, 4, VMA_MREMAP_MAYMOVE, 0),			/* moves */
	MM(40, 4, RW, PAF), MR(40, 4, 4, VMA_MREMAP_MAYMOVE | VMA_MREMAP_FIXED, 50),
	MM(60, 4, RW, PAF), TO(60, 1), MR(60, 4, 4, VMA_MREMAP_MAYMOVE | VMA_MREMAP_FIXED, 70),
	MM(74, 4, RW, PAF), MR(70, 4, 4, VMA_MREMAP_MAYMOVE | VMA_MREMAP_FIXED, 60),
	MM(80, 4, RW, PAF), MM(86, 2, RW, PAF), ML(80, 4, 0),
	MR(80, 8, 8, VMA_MREMAP_MAYMOVE | VMA_MREMAP_FIXED, 100),	/* two VMAs */
	MM(120, 4, RW, PAF), ML(120, 4, 0),
	MR(120, 4, 4, VMA_MREMAP_MAYMOVE | VMA_MREMAP_DONTUNMAP | VMA_MREMAP_FIXED, 130),
	MM(140, 8, RW, PAF), MR(142, 2, 2, VMA_MREMAP_MAYMOVE | VMA_MREMAP_FIXED, 160),
	MR(140, 2, 1, 0, 0),
	END
};

static const struct lstep live_flags[] = {
	MM(0, 4, RW, PAF | VMA_MAP_STACK), MM(4, 4, RW, PAF | VMA_MAP_NORESERVE),
	MM(8, 4, RW, VMA_MAP_DROPPABLE | VMA_MAP_ANONYMOUS | VMA_MAP_FIXED),
	MM(12, 4, RW, SAF), MM(16, 4, RW, SAF),			/* shmem never merges */
	MM(20, 4, RW, PAF | VMA_MAP_LOCKED), MM(24, 4, RW, PAF | VMA_MAP_POPULATE),
	MM(28, 4, RW, PAF), MP(28, 4, RO), MP(28, 4, RW),
	MM(40, 4, RW, PAF | VMA_MAP_GROWSDOWN),
	{ L_MPROTECT, 42, 2, RO | VMA_PROT_GROWSDOWN, 0, 0 },
	MM(50, 8, RW, PAF),
	MA(50, 2, VMA_MADV_DONTFORK), MA(52, 2, VMA_MADV_WIPEONFORK),
	MA(54, 2, VMA_MADV_DONTDUMP), MA(56, 2, VMA_MADV_HUGEPAGE), MA(56, 2, VMA_MADV_NOHUGEPAGE),
	MA(50, 8, VMA_MADV_SEQUENTIAL), MA(50, 8, VMA_MADV_RANDOM), MA(50, 8, VMA_MADV_NORMAL),
	MA(50, 8, VMA_MADV_MERGEABLE), MA(50, 8, VMA_MADV_UNMERGEABLE),
	MA(50, 8, VMA_MADV_DOFORK), MA(50, 8, VMA_MADV_KEEPONFORK), MA(50, 8, VMA_MADV_DODUMP),
	MA(8, 4, VMA_MADV_KEEPONFORK), MA(8, 4, VMA_MADV_DODUMP),
	MA(12, 4, VMA_MADV_WIPEONFORK), MA(12, 4, VMA_MADV_MERGEABLE),
	MA(60, 4, VMA_MADV_WILLNEED), MM(70, 4, RW, PAF), MA(70, 2, VMA_MADV_GUARD_INSTALL),
	MA(20, 4, VMA_MADV_DONTNEED), MA(20, 4, VMA_MADV_GUARD_INSTALL),
	MA(20, 4, VMA_MADV_DONTNEED_LOCKED), MA(0, 4, VMA_MADV_REMOVE), MA(12, 4, VMA_MADV_REMOVE),
	MA(50, 4, VMA_MADV_FREE), MA(20, 4, VMA_MADV_COLD),
	MM(80, 4, RO, PAF), MA(80, 4, VMA_MADV_POPULATE_WRITE), MA(80, 4, VMA_MADV_POPULATE_READ),
	MA(50, 4, VMA_MADV_POPULATE_WRITE),
	END
};

static const struct lstep live_lock[] = {
	MM(0, 8, RW, PAF), ML(2, 2, 0), ML(4, 2, VMA_MLOCK_ONFAULT), MU(0, 8),
	ML(0, 8, 0), MU(2, 4), ML(0, 8, VMA_MLOCK_ONFAULT),
	{ L_MLOCKALL, 0, 0, VMA_MCL_FUTURE, 0, 0 }, MM(20, 4, RW, PAF),
	{ L_MUNLOCKALL, 0, 0, 0, 0, 0 }, MM(30, 4, RW, PAF),
	{ L_MLOCKALL, 0, 0, 0, 0, 0 }, { L_MLOCKALL, 0, 0, VMA_MCL_ONFAULT, 0, 0 },
	END
};

static const struct lstep live_seal[] = {
	MM(0, 8, RW, PAF), MS(2, 2), MP(0, 8, RO), MP(2, 2, RW),
	UN(0, 3), UN(3, 4), MR(2, 2, 4, VMA_MREMAP_MAYMOVE, 0),
	MA(2, 2, VMA_MADV_DONTNEED), MA(2, 2, VMA_MADV_HUGEPAGE),
	MM(2, 2, RW, PAF), MS(0, 20), MM(20, 4, RW, PAF), MS(20, 4), ML(20, 4, 0),
	MP(20, 4, RO), MA(20, 4, VMA_MADV_DONTNEED), MP(20, 4, RO),
	END
};

static const struct lstep live_place[] = {
	MM(-1, 4, RW, PA), MM(-1, 512, RW, PA), MM(-1, 1024, RW, PA), MM(-1, 513, RW, PA),
	MM(-1, 512, RW, VMA_MAP_SHARED | VMA_MAP_ANONYMOUS), MM(-1, 512, RW, PA | VMA_MAP_STACK),
	MM(200, 4, RW, PA), MM(201, 4, RW, PA),			/* hint free, hint taken */
	MM(400, 4, RW, PAF | VMA_MAP_GROWSDOWN), MM(398, 2, RW, PA),	/* hint in guard gap */
	MM(600, 512, RW, PAF), MR(600, 512, 1024, VMA_MREMAP_MAYMOVE, 0),
	END
};

static const struct lstep live_stack[] = {
	MM(40, 4, RW, PAF | VMA_MAP_GROWSDOWN), TO(38, 1), TO(30, 1),
	MM(10, 2, RW, PAF), MM(300, 2, RW, PAF | VMA_MAP_GROWSDOWN), TO(290, 1),
	MM(400, 2, RO, PAF), MM(700, 2, RW, PAF | VMA_MAP_GROWSDOWN), TO(660, 1),
	END
};

static const struct lstep live_brk[] = {
	{ L_BRK, 4, 0, 0, 0, 0 }, { L_BRK, 8, 0, 0, 0, 0 }, { L_BRK, -2, 0, 0, 0, 0 },
	{ L_BRK, -6, 0, 0, 0, 0 },
	END
};

#define FL(a, b, prot, fl, k, off)	{ L_MMAP, a, b, prot, fl, (k) + 256 * (off) }
#define PF	(VMA_MAP_PRIVATE | VMA_MAP_FIXED)
#define SF	(VMA_MAP_SHARED | VMA_MAP_FIXED)

static const struct lstep live_files[] = {
	FL(0, 4, RO, PF, 1, 0), FL(4, 4, RO, PF, 1, 4),		/* one open: merged */
	FL(8, 4, RO, PF, 2, 8),					/* another open: not */
	FL(12, 4, RO, PF, 3, 12),				/* a dup: merged with 1? */
	FL(20, 4, RW, PF, 1, 20), FL(24, 4, RW, PF, 1, 30),	/* offsets apart */
	FL(30, 4, RW, SF, 1, 0), FL(34, 4, RW, SF, 1, 4),	/* shared file */
	TO(30, 1), TO(20, 1), MP(20, 4, RO), MP(20, 4, RW),
	FL(40, 4, RO, PF, 1, 40), MP(40, 4, RW), MP(40, 4, RO),	/* ac stays */
	MA(40, 4, VMA_MADV_WIPEONFORK), MA(30, 4, VMA_MADV_REMOVE), MA(40, 4, VMA_MADV_REMOVE),
	MA(40, 4, VMA_MADV_FREE), MA(40, 4, VMA_MADV_GUARD_INSTALL),
	FL(50, 4, RW, SF, 4, 0), FL(50, 4, RO, SF, 4, 0), MP(50, 4, RW),
	FL(60, 4, RO, PF, 4, 0), MP(60, 4, RW),
	MR(30, 4, 8, VMA_MREMAP_MAYMOVE, 0), MR(0, 0, 4, VMA_MREMAP_MAYMOVE, 0),
	FL(-1, 512, RO, VMA_MAP_PRIVATE, 1, 0), FL(-1, 600, RO, VMA_MAP_PRIVATE, 1, 0),
	FL(-1, 512, RO, VMA_MAP_PRIVATE, 1, 1), FL(-1, 100, RO, VMA_MAP_PRIVATE, 1, 0),
	FL(-1, 1024, RO, VMA_MAP_SHARED, 1, 0),
	FL(100, 600, RO, PF, 1, 0), MR(100, 600, 700, VMA_MREMAP_MAYMOVE, 0),
	FL(0, 4, RW, VMA_MAP_SHARED_VALIDATE | VMA_MAP_FIXED, 1, 0),
	FL(0, 4, RW, VMA_MAP_SHARED_VALIDATE | VMA_MAP_FIXED | 0x400000, 1, 0),
	FL(0, 4, RW, VMA_MAP_SHARED_VALIDATE | VMA_MAP_FIXED_NOREPLACE, 1, 0),
	FL(0, 4, RW, VMA_MAP_SHARED | VMA_MAP_FIXED | 0x400000, 1, 0),
	END
};

static const struct lstep live_collapse[] = {
	MM(0, 1024, RW, PAF), MA(0, 1024, VMA_MADV_COLLAPSE), TO(0, 4), MA(0, 1024, VMA_MADV_COLLAPSE),
	MM(2048, 8, RW, PAF), MA(2048, 8, VMA_MADV_COLLAPSE), TO(2048, 8),
	MA(2048, 8, VMA_MADV_COLLAPSE), MM(3072, 512, RO, PAF), MA(3072, 512, VMA_MADV_COLLAPSE),
	MM(4096, 1024, RW, PAF), MA(4096, 1024, VMA_MADV_HUGEPAGE), MA(4096, 1024, VMA_MADV_COLLAPSE),
	TO(4096, 4), MA(4096, 1024, VMA_MADV_COLLAPSE), MA(4096, 8, VMA_MADV_COLLAPSE),
	MM(6144, 8, RW, PAF), MA(6144, 8, VMA_MADV_HUGEPAGE), MA(6144, 8, VMA_MADV_COLLAPSE),
	END
};

static const struct lstep live_populate[] = {
	MM(0, 1024, RO, PAF), MA(0, 1024, VMA_MADV_HUGEPAGE), MA(0, 1024, VMA_MADV_POPULATE_READ),
	MM(1024, 1024, RO, PAF), MA(1024, 1024, VMA_MADV_HUGEPAGE),
	MM(2100, 16, RO, PAF | VMA_MAP_POPULATE), MM(2116, 16, RO, PAF),
	MM(2200, 16, RW, PAF | VMA_MAP_POPULATE), MM(2216, 16, RW, PAF),
	MM(2300, 16, RW, PAF), MA(2300, 4, VMA_MADV_POPULATE_READ), MM(2316, 16, RW, PAF),
	END
};

#ifndef __SANITIZE_ADDRESS__
static const struct lstep live_limit[] = {
	{ L_FILL, 2000, 0, 2, 0, 0 },
	MM(0, 12, RW, PAF), MP(2, 2, RO),			/* second split refused */
	UN(5, 1), UN(10, 2), MA(6, 1, VMA_MADV_DONTFORK),
	MR(0, 2, 2, VMA_MREMAP_MAYMOVE | VMA_MREMAP_FIXED, 100),
	MM(100, 1, RW, PAF), MM(102, 1, RW, PAF), MM(102, 1, RW, PAF),
	UN(100, 1), UN(102, 1), MM(20, 2, RW, PAF), ML(20, 1, 0),
	END
};
#endif

/* ---- random live sequences ------------------------------------------------- */

static uint64_t seed;

static uint64_t rnd(void)
{
	seed ^= seed << 13;
	seed ^= seed >> 7;
	seed ^= seed << 17;
	return seed;
}

static int64_t pick(int64_t n)
{
	return (int64_t)(rnd() % (uint64_t)n);
}

static int random_prot(void)
{
	static const int prots[] = { RW, RW, RO, VMA_PROT_NONE, RW | VMA_PROT_EXEC };

	return prots[pick(5)];
}

static const int random_advice[] = {
	VMA_MADV_DONTFORK, VMA_MADV_DOFORK, VMA_MADV_WIPEONFORK, VMA_MADV_KEEPONFORK,
	VMA_MADV_DONTDUMP, VMA_MADV_DODUMP, VMA_MADV_HUGEPAGE, VMA_MADV_NOHUGEPAGE,
	VMA_MADV_SEQUENTIAL, VMA_MADV_RANDOM, VMA_MADV_NORMAL, VMA_MADV_MERGEABLE,
	VMA_MADV_UNMERGEABLE, VMA_MADV_POPULATE_WRITE, VMA_MADV_DONTNEED, VMA_MADV_FREE,
	VMA_MADV_COLD, VMA_MADV_WILLNEED, VMA_MADV_POPULATE_READ, VMA_MADV_COLLAPSE,
	VMA_MADV_PAGEOUT, VMA_MADV_REMOVE,
	/* not MADV_GUARD_INSTALL: where guard pages are is not modelled */
};

/* One random step inside a 64-page area (mremap destinations up to 128). */
static struct lstep random_step(void)
{
	int64_t a = pick(64), b = 1 + pick(8), k = pick(100);
	static const int mflags[] = {
		0, VMA_MREMAP_MAYMOVE, VMA_MREMAP_MAYMOVE | VMA_MREMAP_FIXED,
		VMA_MREMAP_MAYMOVE | VMA_MREMAP_FIXED | VMA_MREMAP_DONTUNMAP,
	};

	static const int extra[] = {
		VMA_MAP_NORESERVE, VMA_MAP_STACK, VMA_MAP_POPULATE, VMA_MAP_LOCKED,
		VMA_MAP_GROWSDOWN, VMA_MAP_FIXED_NOREPLACE, 0,
	};

	if (k < 18)
		return (struct lstep)MM(a, b, random_prot(), PAF);
	if (k < 22)
		return (struct lstep)MM(a, b, random_prot(), PAF | extra[pick(7)]);
	if (k < 24)
		return (struct lstep)MM(a, b, random_prot(), pick(2) ? SAF :
					VMA_MAP_DROPPABLE | VMA_MAP_ANONYMOUS | VMA_MAP_FIXED);
	if (k < 25)
		return (struct lstep)MM(pick(2) ? a : -1, b, random_prot(), PA);
	if (k < 30)
		return (struct lstep)FL(a, b, random_prot(), pick(2) ? PF : SF, 1 + pick(3), pick(16));
	if (k < 40)
		return (struct lstep)UN(a, b);
	if (k < 60)
		return (struct lstep)MP(a, b, random_prot());
	if (k < 72)
		return (struct lstep)MA(a, b, random_advice[pick(22)]);
	if (k < 78)
		return (struct lstep)ML(a, b, pick(2));
	if (k < 82)
		return (struct lstep)MU(a, b);
	if (k < 94) {
		int fl = mflags[pick(4)];
		int64_t nl = fl & VMA_MREMAP_DONTUNMAP ? b : 1 + pick(8);

		return (struct lstep)MR(a, b, nl, fl, 64 + pick(60));
	}
	if (k < 96)
		return (struct lstep)MA(a, b, VMA_MADV_POPULATE_WRITE);
#ifndef __SANITIZE_ADDRESS__
	/* Not under the sanitizer: it would lock and fault in its shadow memory. */
	if (k < 97)
		return (struct lstep){ L_MLOCKALL, 0, 0, 1 + pick(7), 0, 0 };
	if (k < 98)
		return (struct lstep){ L_MUNLOCKALL, 0, 0, 0, 0, 0 };
#endif
	if (k < 99)
		return (struct lstep){ L_PKEY_MPROTECT, a, b, random_prot(), pick(2) - 1, 0 };
	return (struct lstep)MS(a, b);
}

static void live_random(int sequences, int steps, live_report_fn live_report)
{
	struct lstep seq[64];
	char name[64];

	for (int n = 0; n < sequences; n++) {
		seed = 0x9e3779b97f4a7c15ULL * (uint64_t)(n + 1);
		for (int i = 0; i < steps && i < 63; i++)
			seq[i] = random_step();
		seq[steps < 63 ? steps : 63] = (struct lstep)END;
		snprintf(name, sizeof(name), "random %d", n);
		if (live_scenario(name, seq, live_report) > 0)
			for (int i = 0; seq[i].op != L_END; i++)
				printf("#   step %d: op %d %lld %lld %lld %#llx %lld\n", i, seq[i].op,
				     (long long)seq[i].a, (long long)seq[i].b, (long long)seq[i].c,
				     (long long)seq[i].d, (long long)seq[i].e);
	}
}

void ops_live_tests(live_report_fn live_report)
{
	struct vma_params machine;

	/* Probe the kernel here, before any scenario's window: the probe maps a page. */
	vma_params_default(&machine);
	machine_probe(&machine);
	live_scenario("merge new", live_merge_new, live_report);
	live_scenario("merge modify", live_merge_modify, live_report);
	live_scenario("anon_vma", live_anon_vma, live_report);
	live_scenario("holes", live_holes, live_report);
	live_scenario("errno", live_errno, live_report);
	live_scenario("mremap", live_mremap, live_report);
	live_scenario("flags", live_flags, live_report);
	live_scenario("lock", live_lock, live_report);
	live_scenario("seal", live_seal, live_report);
	live_scenario("place", live_place, live_report);
	live_scenario("brk", live_brk, live_report);
	live_scenario("stack", live_stack, live_report);
	live_scenario("files", live_files, live_report);
	live_scenario("populate", live_populate, live_report);
	live_scenario("collapse", live_collapse, live_report);
	/* VMATOOL_OPS_RANDOM=N runs more sequences (N of them). */
	live_random(getenv("VMATOOL_OPS_RANDOM") ? atoi(getenv("VMATOOL_OPS_RANDOM")) : 40, 30,
		    live_report);
#ifndef __SANITIZE_ADDRESS__
	/* The sanitizer's allocator cannot work at the map count limit. */
	live_scenario("max_map_count", live_limit, live_report);
#endif
}

