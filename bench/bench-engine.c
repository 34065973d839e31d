/*
 * bench/bench-engine.c - how fast and how small the VMA engine is, with
 * 65,000 VMAs (the size of the largest real processes: vm.max_map_count is
 * 65,530).  Run by `make bench` (bench/bench.sh), never by `make check`.
 *
 * Prints one table: lookups through the tree with its 4-slot cache, the bare
 * tree walk, a sorted array with binary search on the same addresses (side by
 * side), cache hits against tree walks, bytes per VMA, then random
 * mprotect / munmap / mmap operations through the ops API.  Times are
 * this thread's CPU time (CLOCK_THREAD_CPUTIME_ID).
 *
 * usage: bench-engine [-n VMAS] [-l LOOKUPS] [-o OPS]
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "abi.h"
#include "vma.h"

#define PAGE	4096ULL
#define BASE	0x100000000ULL

struct span {
	uint64_t start, end;
};

static uint64_t rng = 0x9e3779b97f4a7c15ULL;

static uint64_t rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

/*
 * CPU time of this thread: on a busy machine, wall time would count the
 * time other processes had the CPU.
 */
static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void die(const char *what, int err)
{
	fprintf(stderr, "bench-engine: %s: %s\n", what, strerror(-err));
	exit(1);
}

/* n VMAs of 1-16 pages with 0-3 free pages between; names like a real process. */
static void build(struct vma_model *m, size_t n, bool smaps)
{
	uint64_t at = BASE;
	char name[80];

	for (size_t i = 0; i < n; i++) {
		struct vma *v = vma_alloc(m);
		int err;

		if (v == NULL)
			die("vma_alloc", -ENOMEM);
		at += (rnd() % 4) * PAGE;
		v->start = at;
		v->end = at + (1 + rnd() % 16) * PAGE;
		at = v->end;
		v->flags = VMF(READ) | VMF(MAYREAD) | VMF(MAYWRITE) | VMF(MAYEXEC);
		if (i % 3 != 0) {
			snprintf(name, sizeof(name), "/usr/lib/x86_64-linux-gnu/libbench-%zu.so.1",
				 i % 2000);
			v->name = vma_intern(m, name, strlen(name));
		}
		err = vma_insert(m, v);
		if (err < 0)
			die("vma_insert", err);
		for (unsigned k = 0; smaps && k < SMAPS_NKNOWN; k++)
			vma_smaps_append(m, v, k, k < 3 ? 4 : rnd() % 64);
	}
}

static const struct span *array_find(const struct span *a, size_t n, uint64_t addr)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (a[mid].end > addr)
			hi = mid;
		else
			lo = mid + 1;
	}
	return lo < n ? &a[lo] : NULL;
}

struct rate {
	double per_sec;
	double ns;
};

static struct rate rate_of(size_t count, double seconds)
{
	return (struct rate){ count / seconds, seconds * 1e9 / count };
}

static void row(const char *what, struct rate r, const char *goal)
{
	printf("  %-44s %12.1f M/s %8.1f ns  %s\n", what, r.per_sec / 1e6, r.ns, goal);
}

/*
 * What one timed loop does: n lookups of addr[i & mask].  A lookup yields a
 * pointer (to the VMA, or into the array); BY_FIND_READ also reads the VMA,
 * as a caller would.
 */
enum how { BY_FIND, BY_FIND_READ, BY_WALK, BY_ARRAY };

struct lookups {
	struct vma_model *m;
	const struct span *arr;
	const uint64_t *addr;
	size_t n, mask;
	uint64_t sum;		/* keeps the compiler from skipping the work */
};

static void run(struct lookups *l, enum how how)
{
	struct vma_model *m = l->m;
	size_t count = m->count;

	for (size_t i = 0; i < l->n; i++) {
		uint64_t a = l->addr[i & l->mask];

		if (how == BY_FIND)
			l->sum += (uintptr_t)vma_find(m, a);
		else if (how == BY_FIND_READ)
			l->sum += vma_find(m, a)->start;
		else if (how == BY_WALK)
			l->sum += (uintptr_t)vma_find_nocache(m, a);
		else
			l->sum += (uintptr_t)array_find(l->arr, count, a);
	}
}

/* The best of three runs: the machine's other work only ever slows a run. */
static struct rate best_of(struct lookups *l, enum how how)
{
	double best = 1e30;

	for (int r = 0; r < 3; r++) {
		double t = now();

		run(l, how);
		t = now() - t;
		if (t < best)
			best = t;
	}
	return rate_of(l->n, best);
}

/* The lookups: random addresses, and a hot set that stays in the cache. */
static void bench_lookups(struct vma_model *m, size_t nlookups)
{
	uint64_t lo = m->first->start, hi = m->last->end, hot[4];
	uint64_t *addr = malloc(nlookups * sizeof(*addr));
	struct span *arr = malloc(m->count * sizeof(*arr));
	struct rate find, find_read, walk, array, hit, hot_walk, hot_array;
	struct lookups l = { m, arr, addr, nlookups, SIZE_MAX, 0 };
	uint64_t hits0, hits;
	size_t i = 0;

	if (addr == NULL || arr == NULL)
		die("malloc", -ENOMEM);
	for (const struct vma *v = m->first; v; v = v->next, i++)
		arr[i] = (struct span){ v->start, v->end };
	for (i = 0; i < nlookups; i++)
		addr[i] = lo + rnd() % (hi - lo);
	/* Four addresses in four VMAs, one per cache slot. */
	for (unsigned k = 0; k < 4; k++) {
		const struct vma *v = vma_find_nocache(m, lo + (hi - lo) / 5 * (k + 1));
		uint64_t a;

		while (v->next && v->end - v->start < 4 * PAGE)
			v = v->next;
		for (a = v->start; ((a / PAGE) & 3) != k && a + PAGE < v->end; a += PAGE)
			;
		hot[k] = a;
	}

	find = best_of(&l, BY_FIND);
	find_read = best_of(&l, BY_FIND_READ);
	walk = best_of(&l, BY_WALK);
	array = best_of(&l, BY_ARRAY);
	l.addr = hot;
	l.mask = 3;
	hits0 = m->cache.hits;
	hit = best_of(&l, BY_FIND);
	hits = m->cache.hits - hits0;
	hot_walk = best_of(&l, BY_WALK);
	hot_array = best_of(&l, BY_ARRAY);

	printf("lookups (%zu each, best of 3 runs, %zu VMAs):\n", nlookups, m->count);
	row("vma_find, random (cache, then find index)", find,
	    find.per_sec >= 10e6 ? "goal >= 10 M/s: ok" : "goal >= 10 M/s: MISSED");
	row("vma_find, random, then reading the VMA", find_read, "");
	row("tree walk (vma_find_nocache), random", walk, "");
	row("sorted array + binary search, random", array, "");
	row("vma_find, cache hits (4 hot addresses)", hit, "");
	row("tree walk, the same 4 hot addresses", hot_walk, "");
	row("sorted array, the same 4 hot addresses", hot_array, "");
	printf("  cache hits in the hot loops: %" PRIu64 " of %zu\n", hits, 3 * nlookups);
	printf("  cache hit vs random tree walk: %.1fx faster (goal >= 5x: %s)\n",
	       walk.ns / hit.ns, walk.ns / hit.ns >= 5 ? "ok" : "MISSED");
	printf("  cache hit vs hot tree walk:    %.1fx faster\n", hot_walk.ns / hit.ns);
	printf("  random: tree walk takes %.2fx the sorted array's time, vma_find %.2fx\n",
	       walk.ns / array.ns, find.ns / array.ns);
	printf("  (checksum %" PRIx64 ")\n", l.sum);
	free(addr);
	free(arr);
}

/* n names as a parse meets them: a few thousand distinct, most repeated. */
static void bench_intern(struct vma_model *m, size_t n)
{
	char (*names)[80] = malloc(n * sizeof(*names));
	size_t *lens = malloc(n * sizeof(*lens));
	uint64_t sum = 0;
	double t;

	if (names == NULL || lens == NULL)
		die("malloc", -ENOMEM);
	for (size_t i = 0; i < n; i++)
		lens[i] = (size_t)snprintf(names[i], sizeof(names[i]),
					   "/usr/lib/x86_64-linux-gnu/libbench-%u.so.1",
					   (unsigned)(rnd() % 2000));
	t = now();
	for (size_t i = 0; i < n; i++)
		sum += vma_intern(m, names[i], lens[i]);
	row("vma_intern, names of a parse (2,000 distinct)", rate_of(n, now() - t), "");
	printf("  (checksum %" PRIx64 ")\n", sum);
	free(names);
	free(lens);
}

static void bench_memory(size_t n)
{
	struct vma_model m;
	struct vma_model_mem mem;
	int err = vma_model_init(&m, NULL);

	if (err < 0)
		die("vma_model_init", err);
	build(&m, n, false);
	vma_model_mem(&m, &mem);
	printf("memory (%zu VMAs, %u distinct names):\n", n, 2000);
	printf("  %-44s %12.1f bytes/VMA  goal < 160: %s\n", "VMAs and tree (sizeof(struct vma) = 112)",
	       (double)mem.vmas / n, mem.vmas / n < 160 ? "ok" : "MISSED");
	printf("  %-44s %12.1f bytes/VMA\n", "names", (double)mem.names / n);
	for (size_t i = 0; i < n; i++)	/* enough lookups to build the find index */
		vma_find(&m, m.first->start + (rnd() % (m.last->end - m.first->start)));
	vma_model_mem(&m, &mem);
	printf("  %-44s %12.1f bytes/VMA  goal < 160: %s\n", "... with the find index built",
	       (double)mem.vmas / n, mem.vmas / n < 160 ? "ok" : "MISSED");
	vma_model_release(&m);
	vma_model_init(&m, NULL);

	bench_intern(&m, n);
	vma_model_release(&m);

	vma_model_init(&m, NULL);
	build(&m, n, true);
	vma_model_mem(&m, &mem);
	printf("  %-44s %12.1f bytes/VMA (%.1f per field)\n", "smaps values, 24 fields a VMA",
	       (double)mem.smaps / n, (double)mem.smaps / n / SMAPS_NKNOWN);
	printf("  %-44s %12.2f MiB\n", "whole model with smaps",
	       (mem.vmas + mem.names + mem.smaps) / 1048576.0);
	vma_model_release(&m);
}

/*
 * 65,000 one-page VMAs through vma_mmap, then random mprotect / munmap / mmap
 * of one or two pages with one of the eight R/W/X protections, so that
 * neighbours rarely match; mmap mostly refills what munmap left, so the
 * model stays near 65,000 VMAs.
 */
static void bench_ops(size_t n, size_t nops)
{
	const int anon_fixed = VMA_MAP_PRIVATE | VMA_MAP_ANONYMOUS | VMA_MAP_FIXED;
	struct vma_params p;
	struct vma_model m;
	uint64_t res, finds, hits;
	size_t counts[3] = { 0 }, enomem = 0, other = 0, nholes = 0;
	struct span holes[64];
	char errbuf[200];
	struct rate r;
	double t;
	int err;

	vma_params_default(&p);
	p.max_map_count = 1u << 20;	/* measure the operations, not the limit */
	if ((err = vma_model_init(&m, &p)) < 0)
		die("vma_model_init", err);
	t = now();
	for (size_t i = 0; i < n; i++) {
		err = vma_mmap(&m, BASE + i * PAGE, PAGE, (int)(i & 1) + 1, anon_fixed, NULL, 0,
			       &res, NULL);
		if (err < 0)
			die("vma_mmap", err);
	}
	printf("operations (ops API, %zu random ones):\n", nops);
	row("vma_mmap MAP_FIXED, building the model", rate_of(n, now() - t), "");
	printf("  model: %zu VMAs\n", m.count);
	finds = m.cache.hits + m.cache.misses;
	hits = m.cache.hits;
	t = now();
	for (size_t i = 0; i < nops; i++) {
		uint64_t page = rnd() % n, len = (1 + (page + 1 < n ? rnd() % 2 : 0)) * PAGE;
		uint64_t addr = BASE + page * PAGE;
		unsigned op = rnd() % 4;
		int prot = (int)(rnd() % 8);

		if (op < 2) {
			err = vma_mprotect(&m, addr, len, prot, -1, NULL);
		} else if (op == 2) {
			err = vma_munmap(&m, addr, len, NULL);
			holes[nholes++ % 64] = (struct span){ addr, addr + len };
		} else {
			if (nholes > 0) {	/* mostly refill a recent hole */
				struct span h = holes[--nholes % 64];

				addr = h.start;
				len = h.end - h.start;
			}
			err = vma_mmap(&m, addr, len, prot, anon_fixed, NULL, 0, &res, NULL);
		}
		counts[op < 2 ? 0 : op - 1]++;
		enomem += err == -ENOMEM;
		other += err < 0 && err != -ENOMEM;
	}
	r = rate_of(nops, now() - t);
	finds = m.cache.hits + m.cache.misses - finds;
	row("random mprotect/munmap/mmap (2:1:1)", r,
	    r.per_sec >= 1e6 ? "goal >= 1 M/s: ok" : "goal >= 1 M/s: MISSED");
	printf("  %zu mprotect, %zu munmap, %zu mmap; %zu ENOMEM (mprotect over a hole),"
	       " %zu other errors; model ends with %zu VMAs\n", counts[0], counts[1], counts[2],
	       enomem, other, m.count);
	printf("  vma_find calls: %.2f an operation, %.0f%% cache hits\n", (double)finds / nops,
	       finds ? 100.0 * (m.cache.hits - hits) / finds : 0.0);
	if (vma_validate(&m, errbuf, sizeof(errbuf)) < 0)
		printf("  validate after the run FAILED: %s\n", errbuf);
	else
		printf("  vma_validate after the run: ok\n");
	vma_model_release(&m);
}

int main(int argc, char **argv)
{
	size_t n = 65000, nlookups = 2000000, nops = 1000000;
	struct vma_model m;
	int c, err;

	while ((c = getopt(argc, argv, "n:l:o:")) != -1) {
		switch (c) {
		case 'n': n = strtoul(optarg, NULL, 10); break;
		case 'l': nlookups = strtoul(optarg, NULL, 10); break;
		case 'o': nops = strtoul(optarg, NULL, 10); break;
		default:
			fputs("usage: bench-engine [-n VMAS] [-l LOOKUPS] [-o OPS]\n", stderr);
			return 2;
		}
	}
	if (n < 16 || nlookups == 0) {
		fputs("bench-engine: need at least 16 VMAs and one lookup\n", stderr);
		return 2;
	}
	if ((err = vma_model_init(&m, NULL)) < 0)
		die("vma_model_init", err);
	build(&m, n, false);
	bench_lookups(&m, nlookups);
	vma_model_release(&m);
	bench_memory(n);
	if (nops)
		bench_ops(n, nops);
	return 0;
}
