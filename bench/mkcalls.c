/*
 * bench/mkcalls.c - a long log of memory calls, as `strace -f` writes them,
 * for timing `vmatool sim` (bench/bench.sh).
 *
 * usage: mkcalls [-a] [-n CALLS] [-p PID] [-m EXTRA] [-s SEED] MAPSFILE
 * Reads the maps of the process the log is to run on (the snapshot sim
 * starts from) and writes CALLS lines (default 1,000,000) of what a JIT or
 * an allocator with its own heap does: one PROT_NONE reservation in the
 * largest gap of that address space, then mappings committed into slots of
 * it, changed and given back:
 *
 *   PID mmap(NULL, 268435456, PROT_NONE, MAP_PRIVATE|MAP_ANONYMOUS|MAP_NORESERVE, -1, 0) = 0x7f...
 *   PID mmap(0x7f..., 69632, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_FIXED|MAP_ANONYMOUS, -1, 0) = 0x7f...
 *   PID mprotect(0x7f..., 8192, PROT_READ)  = 0
 *   PID madvise(0x7f..., 16384, MADV_DONTNEED) = 0
 *   PID munmap(0x7f..., 69632)              = 0
 *
 * Every call is one the kernel would have allowed with the result written
 * (only the reservation's address is the kernel's choice, which sim may
 * predict elsewhere: one disagreement, followed); munmap, mprotect and
 * madvise act on live slots only, and the VMAs added stay under EXTRA
 * (default 400) so that a 65,000-VMA process stays under vm.max_map_count.
 * The mix and the sizes come from a fixed seed: the same log every run.
 *
 * -a writes the commits as mmap(NULL, ...) with the slot's address as the
 * result, as logs of malloc's mmaps are: addresses sim predicts elsewhere
 * and follows, call after call (its slow path).
 */
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define PAGE ((uint64_t)4096)
#define SLOT_PAGES ((uint64_t)64)	/* the largest mapping of the log, in pages */
#define NSLOTS 1024

struct slot {
	uint64_t pages;		/* 0: free */
	unsigned pieces;	/* VMAs it may have become (upper bound) */
	bool reserved;		/* PROT_NONE reservation */
};

struct gen {
	struct slot slot[NSLOTS];
	uint64_t base;		/* start of slot 0 */
	uint64_t rng;
	long pid;
	bool any_addr;		/* -a: commits as mmap(NULL) */
	unsigned nslots;	/* slots in use: (EXTRA - 1) / 8 */
};

static uint64_t gen_rand(struct gen *g)
{
	g->rng ^= g->rng << 13;
	g->rng ^= g->rng >> 7;
	g->rng ^= g->rng << 17;
	return g->rng;
}

/* The largest gap between two maps lines below the stack's region. */
static uint64_t gen_find_base(const char *path)
{
	uint64_t prev_end = 0x10000, best = 0, best_len = 0, lo, hi;
	uint64_t want = NSLOTS * SLOT_PAGES * PAGE;
	char line[8192];
	FILE *f = fopen(path, "r");

	if (!f) {
		perror("mkcalls: cannot open the maps file");
		exit(1);
	}
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%" SCNx64 "-%" SCNx64, &lo, &hi) != 2)
			continue;
		if (lo > prev_end && lo - prev_end > best_len && lo < (uint64_t)0x7ff000000000) {
			best_len = lo - prev_end;
			best = prev_end;
		}
		if (hi > prev_end)
			prev_end = hi;
	}
	fclose(f);
	if (best_len < want) {
		fprintf(stderr, "mkcalls: no gap of %" PRIu64 " bytes in '%s'\n", want, path);
		exit(1);
	}
	/* top-down, as the kernel places them: at the gap's end */
	return best + best_len - want;
}

/* "PID call" padded the way strace pads, then " = result". */
static void gen_line(const struct gen *g, const char *call, const char *result)
{
	int n = printf("%ld %s", g->pid, call);

	printf("%*s= %s\n", n < 40 ? 40 - n : 1, "", result);
}

static uint64_t gen_pages(struct gen *g)
{
	uint64_t r = gen_rand(g) % 100;

	if (r < 50)
		return 1 + gen_rand(g) % 4;
	if (r < 85)
		return 4 + gen_rand(g) % 16;
	return 16 + gen_rand(g) % (SLOT_PAGES - 16 + 1);
}

static void gen_mmap(struct gen *g, unsigned i)
{
	struct slot *s = &g->slot[i];
	uint64_t addr = g->base + i * SLOT_PAGES * PAGE;
	char call[160], res[32];

	s->pages = gen_pages(g);
	s->pieces = 2;		/* itself, and the piece of reservation it cut off */
	s->reserved = gen_rand(g) % 4 == 0;
	if (g->any_addr)
		snprintf(call, sizeof(call),
			 "mmap(NULL, %" PRIu64 ", %s, MAP_PRIVATE|MAP_ANONYMOUS%s, -1, 0)",
			 s->pages * PAGE, s->reserved ? "PROT_NONE" : "PROT_READ|PROT_WRITE",
			 s->reserved ? "|MAP_NORESERVE" : "");
	else
		snprintf(call, sizeof(call),
			 "mmap(0x%" PRIx64 ", %" PRIu64 ", %s, MAP_PRIVATE|MAP_FIXED|MAP_ANONYMOUS%s, -1, 0)",
			 addr, s->pages * PAGE, s->reserved ? "PROT_NONE" : "PROT_READ|PROT_WRITE",
			 s->reserved ? "|MAP_NORESERVE" : "");
	snprintf(res, sizeof(res), "0x%" PRIx64, addr);
	gen_line(g, call, res);
}

/* The first call: the reservation the slots are in (a JIT's code cache, a heap). */
static void gen_reserve(struct gen *g)
{
	char call[160], res[32];

	snprintf(call, sizeof(call),
		 "mmap(NULL, %" PRIu64 ", PROT_NONE, MAP_PRIVATE|MAP_ANONYMOUS|MAP_NORESERVE, -1, 0)",
		 NSLOTS * SLOT_PAGES * PAGE);
	snprintf(res, sizeof(res), "0x%" PRIx64, g->base);
	gen_line(g, call, res);
}

static void gen_munmap(struct gen *g, unsigned i)
{
	struct slot *s = &g->slot[i];
	char call[96];

	snprintf(call, sizeof(call), "munmap(0x%" PRIx64 ", %" PRIu64 ")",
		 g->base + i * SLOT_PAGES * PAGE, s->pages * PAGE);
	gen_line(g, call, "0");
	s->pieces = 1;		/* the hole may split the reservation */
	s->pages = 0;
}

/* mprotect or madvise of some pages of slot i. */
static void gen_change(struct gen *g, unsigned i, bool protect)
{
	static const char *const prot[] = { "PROT_READ|PROT_WRITE", "PROT_READ", "PROT_NONE" };
	static const char *const advice[] = { "MADV_DONTNEED", "MADV_FREE", "MADV_WILLNEED" };
	struct slot *s = &g->slot[i];
	uint64_t first = gen_rand(g) % s->pages;
	uint64_t n = 1 + gen_rand(g) % (s->pages - first);
	uint64_t addr = g->base + (i * SLOT_PAGES + first) * PAGE;
	char call[128];

	if (protect)
		snprintf(call, sizeof(call), "mprotect(0x%" PRIx64 ", %" PRIu64 ", %s)", addr,
			 n * PAGE, prot[s->reserved ? 0 : gen_rand(g) % 3]);
	else
		snprintf(call, sizeof(call), "madvise(0x%" PRIx64 ", %" PRIu64 ", %s)", addr,
			 n * PAGE, advice[gen_rand(g) % 3]);
	gen_line(g, call, "0");
	if (protect)
		s->pieces += 2;
}

/*
 * A slot is at most 8 VMAs (itself and a cut reservation, 2 more for each
 * of 3 mprotects), so nslots = (EXTRA - 1) / 8 keeps the VMAs added under EXTRA.
 */
static void gen_step(struct gen *g)
{
	unsigned i = (unsigned)(gen_rand(g) % g->nslots);
	struct slot *s = &g->slot[i];
	uint64_t r = gen_rand(g) % 100;

	if (!s->pages)
		gen_mmap(g, i);
	else if (r < 30 || (r < 60 && s->pieces > 6))
		gen_munmap(g, i);
	else
		gen_change(g, i, r < 60);
}

int main(int argc, char **argv)
{
	static struct gen g = { .rng = 0x9e3779b97f4a7c15ull, .pid = 4242, .nslots = 50 };
	unsigned extra = 400;

	long calls = 1000000;
	int c;

	while ((c = getopt(argc, argv, "an:p:m:s:h")) != -1) {
		switch (c) {
		case 'a': g.any_addr = true; break;
		case 'n': calls = atol(optarg); break;
		case 'p': g.pid = atol(optarg); break;
		case 'm': extra = (unsigned)atoi(optarg); break;
		case 's': g.rng = strtoull(optarg, NULL, 0) | 1; break;
		default:
			fputs("usage: mkcalls [-a] [-n CALLS] [-p PID] [-m EXTRA] [-s SEED] MAPSFILE\n",
			      stderr);
			return 2;
		}
	}
	g.nslots = (extra - 1) / 8 < NSLOTS ? (extra - 1) / 8 : NSLOTS;
	if (optind + 1 != argc || g.nslots < 1) {
		fputs("usage: mkcalls [-a] [-n CALLS] [-p PID] [-m EXTRA] [-s SEED] MAPSFILE\n", stderr);
		return 2;
	}
	g.base = gen_find_base(argv[optind]);
	gen_reserve(&g);
	for (long k = 1; k < calls; k++)
		gen_step(&g);
	return fflush(stdout) ? 1 : 0;
}
