/*
 * test-tree.c - unit tests of the VMA tree (vma_tree.c, rbtree.c), the name
 * table (intern.c) and the smaps store (smaps_store.c).
 *
 * The tree is driven by seeded random insert / erase / set_bounds / flag
 * sequences and compared after every step with a plain model: an array that
 * says which VMA owns each page.  vma_validate() runs after every step too.
 * Lookups and gap searches are compared with brute force over the same small
 * address space.  Names, smaps values and model copies: tests/test-store.c.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tap.h"
#include "vma.h"

#define PAGE		4096ULL
#define NPAGES		256		/* the address space under test: [0, NPAGES pages) */

static uint64_t rng_state;

static uint64_t rnd(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

static uint64_t rnd_below(uint64_t n)
{
	return n ? rnd() % n : 0;
}

/* ---- the plain model ------------------------------------------------------ */

struct plain {
	struct vma *owner[NPAGES];	/* VMA holding each page, NULL = free */
};

static bool plain_free(const struct plain *pl, uint64_t s, uint64_t e)
{
	for (uint64_t p = s; p < e; p++)
		if (pl->owner[p] != NULL)
			return false;
	return true;
}

static void plain_set(struct plain *pl, uint64_t s, uint64_t e, struct vma *v)
{
	for (uint64_t p = s; p < e; p++)
		pl->owner[p] = v;
}

/* Does the tree hold exactly the runs of the page array?  Writes why not. */
static bool plain_matches(const struct vma_model *m, const struct plain *pl, char *why,
			  size_t len)
{
	const struct vma *v = m->first;
	uint64_t p = 0;
	size_t n = 0;

	while (p < NPAGES) {
		uint64_t s;

		if (pl->owner[p] == NULL) {
			p++;
			continue;
		}
		s = p;
		while (p < NPAGES && pl->owner[p] == pl->owner[s])
			p++;
		if (v != pl->owner[s] || v->start != s * PAGE || v->end != p * PAGE) {
			snprintf(why, len, "run %#llx-%#llx not the tree's vma #%zu",
				 (unsigned long long)(s * PAGE), (unsigned long long)(p * PAGE), n);
			return false;
		}
		v = v->next;
		n++;
	}
	if (v != NULL || n != m->count) {
		snprintf(why, len, "tree holds more vmas than the page array");
		return false;
	}
	return true;
}

/* ---- brute-force answers ---------------------------------------------------- */

static struct vma *brute_find(const struct vma_model *m, uint64_t addr)
{
	for (struct vma *v = m->first; v != NULL; v = v->next)
		if (v->end > addr)
			return v;
	return NULL;
}

static uint64_t brute_start_gap(const struct vma_model *m, const struct vma *v)
{
	if (!(v->flags & VMF(GROWSDOWN)))
		return v->start;
	return v->start > m->p.stack_guard_gap ? v->start - m->p.stack_guard_gap : 0;
}

/* Is [s, s + len) clear of every VMA and of every guard gap below a stack? */
static bool brute_fits(const struct vma_model *m, uint64_t s, uint64_t len)
{
	for (const struct vma *v = m->first; v != NULL; v = v->next) {
		uint64_t lo = brute_start_gap(m, v);

		if (v->prev != NULL && lo < v->prev->end)
			lo = v->prev->end;
		if (s < v->end && s + len > lo)
			return false;
	}
	return true;
}

static int brute_gap(const struct vma_model *m, bool highest, uint64_t len, uint64_t align,
		     uint64_t low, uint64_t high, uint64_t *out)
{
	uint64_t a = align ? align : 1;

	if (high - low < len)
		return -ENOMEM;
	if (highest) {
		for (uint64_t s = high - len; s + len <= high && s >= low; s -= PAGE) {
			if (s % a == 0 && brute_fits(m, s, len)) {
				*out = s;
				return 0;
			}
			if (s < PAGE)
				break;
		}
	} else {
		for (uint64_t s = low; s + len <= high; s += PAGE) {
			if (s % a == 0 && brute_fits(m, s, len)) {
				*out = s;
				return 0;
			}
		}
	}
	return -ENOMEM;
}

/* An address worth asking about: often a VMA's first or last byte, or just outside. */
static uint64_t probe_addr(const struct vma_model *m, uint64_t limit)
{
	const struct vma *v = m->first;
	uint64_t pick = rnd_below(6);

	for (uint64_t i = rnd_below(m->count); i > 0 && v; i--)
		v = v->next;
	if (v == NULL || pick == 0)
		return rnd_below(limit);
	switch (pick) {
	case 1: return v->start;
	case 2: return v->start - 1;
	case 3: return v->end;
	case 4: return v->end - 1;
	default: return v->start + rnd_below(v->end - v->start);
	}
}

/* ---- random tree steps --------------------------------------------------- */

struct tally {
	unsigned steps, failures;
	char first[256];
};

static void fail(struct tally *t, const char *fmt, const char *why)
{
	if (t->failures++ == 0)
		snprintf(t->first, sizeof(t->first), fmt, why);
}

static void step_insert(struct vma_model *m, struct plain *pl, struct tally *t)
{
	uint64_t s = rnd_below(NPAGES - 1), e = s + 1 + rnd_below(rnd() % 4 ? 6 : 40);
	struct vma *v = vma_alloc(m);
	bool free_range;
	int r;

	if (e > NPAGES)
		e = NPAGES;
	free_range = plain_free(pl, s, e);
	v->start = s * PAGE;
	v->end = e * PAGE;
	v->flags = rnd() % 5 == 0 ? VMF(GROWSDOWN) : 0;
	if (rnd() % 2) {
		r = vma_insert(m, v);
	} else {
		struct vma *prev = NULL;	/* the last vma ending at or below s */

		for (struct vma *w = m->first; w && w->end <= v->start; w = w->next)
			prev = w;
		r = vma_insert_after(m, prev, v);
	}
	if (r != (free_range ? 0 : -EEXIST))
		fail(t, "insert: %s", free_range ? "refused a free range" : "accepted an overlap");
	if (r == 0)
		plain_set(pl, s, e, v);
	else
		vma_free(m, v);
}

static struct vma *random_vma(struct vma_model *m)
{
	struct vma *v = m->first;

	for (uint64_t i = rnd_below(m->count); i > 0 && v; i--)
		v = v->next;
	return v;
}

static void step_erase(struct vma_model *m, struct plain *pl)
{
	struct vma *v = random_vma(m);

	if (v == NULL)
		return;
	plain_set(pl, v->start / PAGE, v->end / PAGE, NULL);
	vma_erase(m, v);
	vma_free(m, v);
}

/* Grow or shrink within the neighbours, or move to a free place elsewhere. */
static void step_bounds(struct vma_model *m, struct plain *pl)
{
	struct vma *v = random_vma(m);
	uint64_t lo, hi, s, e;

	if (v == NULL)
		return;
	plain_set(pl, v->start / PAGE, v->end / PAGE, NULL);
	if (rnd() % 4 == 0) {
		s = rnd_below(NPAGES - 1);
		e = s + 1 + rnd_below(8);
		if (e > NPAGES || !plain_free(pl, s, e)) {
			s = v->start / PAGE;
			e = v->end / PAGE;
		}
	} else {
		lo = v->prev ? v->prev->end / PAGE : 0;
		hi = v->next ? v->next->start / PAGE : NPAGES;
		s = lo + rnd_below(hi - lo);
		e = s + 1 + rnd_below(hi - s);
	}
	vma_set_bounds(m, v, s * PAGE, e * PAGE);
	plain_set(pl, s, e, v);
}

static void step_flags(struct vma_model *m)
{
	struct vma *v = random_vma(m);

	if (v == NULL)
		return;
	v->flags ^= VMF(GROWSDOWN);
	vma_gap_update(m, v);
}

static void check_lookups(struct vma_model *m, struct tally *t)
{
	for (int i = 0; i < 8; i++) {
		uint64_t a = probe_addr(m, (NPAGES + 2) * PAGE), b = a + rnd_below(8 * PAGE) + 1;
		struct vma *want = brute_find(m, a), *prev;

		if (vma_find(m, a) != want || vma_find_nocache(m, a) != want)
			fail(t, "%s", "find differs from brute force");
		if (vma_lookup(m, a) != (want && want->start <= a ? want : NULL))
			fail(t, "%s", "lookup differs from brute force");
		if (vma_find_intersection(m, a, b) != (want && want->start < b ? want : NULL))
			fail(t, "%s", "find_intersection differs from brute force");
		prev = NULL;
		for (struct vma *v = m->first; v && v->start < a && v != want; v = v->next)
			prev = v;
		if (want == NULL)
			prev = m->last;
		if (vma_find_prev(m, a) != prev)
			fail(t, "%s", "find_prev differs from brute force");
	}
}

static void check_gaps(struct vma_model *m, struct tally *t)
{
	static const uint64_t aligns[] = { 0, PAGE, 2 * PAGE, 4 * PAGE, 16 * PAGE };

	for (int i = 0; i < 4; i++) {
		uint64_t len = (1 + rnd_below(rnd() % 2 ? 4 : 32)) * PAGE;
		uint64_t align = aligns[rnd_below(5)];
		uint64_t low = rnd_below(NPAGES / 2) * PAGE;
		uint64_t high = low + (1 + rnd_below(NPAGES + 16 - low / PAGE)) * PAGE;
		uint64_t got = 1, want = 2;
		int r, w;

		for (int dir = 0; dir < 2; dir++) {
			char why[160];

			r = (dir ? vma_gap_lowest : vma_gap_highest)(m, len, align, low, high, &got);
			w = brute_gap(m, !dir, len, align, low, high, &want);
			if (r == w && (r != 0 || got == want))
				continue;
			snprintf(why, sizeof(why), "gap_%s(len %#llx, align %#llx, [%#llx, %#llx)): "
				 "%d %#llx, brute force %d %#llx", dir ? "lowest" : "highest",
				 (unsigned long long)len, (unsigned long long)align,
				 (unsigned long long)low, (unsigned long long)high, r,
				 (unsigned long long)got, w, (unsigned long long)want);
			fail(t, "%s", why);
		}
	}
}

static void random_sequence(uint64_t seed, unsigned steps, uint64_t guard)
{
	struct vma_params p;
	struct vma_model m;
	struct plain pl = { { NULL } };
	struct tally t = { 0 };
	char err[200], why[200];

	vma_params_default(&p);
	p.stack_guard_gap = guard;
	ok(vma_model_init(&m, &p) == 0, "seed %llu: init", (unsigned long long)seed);
	rng_state = seed;
	for (t.steps = 0; t.steps < steps; t.steps++) {
		unsigned op = rnd_below(10);

		if (op < 4)
			step_insert(&m, &pl, &t);
		else if (op < 6)
			step_erase(&m, &pl);
		else if (op < 9)
			step_bounds(&m, &pl);
		else
			step_flags(&m);
		if (vma_validate(&m, err, sizeof(err)) < 0)
			fail(&t, "validate: %s", err);
		if (!plain_matches(&m, &pl, why, sizeof(why)))
			fail(&t, "page array: %s", why);
		check_lookups(&m, &t);
		if (vma_validate(&m, err, sizeof(err)) < 0)
			fail(&t, "validate after lookups: %s", err);
		check_gaps(&m, &t);
	}
	ok(t.failures == 0, "seed %llu: %u random steps agree with the page array, validate and "
	   "brute force", (unsigned long long)seed, steps);
	if (t.failures)
		diag("%u failures, first: %s", t.failures, t.first);
	ok(m.count > 0, "seed %llu: sequence ends with %zu vmas", (unsigned long long)seed, m.count);
	vma_model_clear(&m);
	ok(m.count == 0 && m.first == NULL && vma_validate(&m, err, sizeof(err)) == 0,
	   "seed %llu: clear empties the model", (unsigned long long)seed);
	vma_model_release(&m);
}

/* ---- focused cases --------------------------------------------------------- */

static struct vma *add(struct vma_model *m, uint64_t s, uint64_t e, vmf_t flags)
{
	struct vma *v = vma_alloc(m);

	v->start = s;
	v->end = e;
	v->flags = flags;
	if (vma_insert(m, v) < 0) {
		vma_free(m, v);
		return NULL;
	}
	return v;
}

/*
 * A bigger, deeper tree with gaps of very different sizes, so that erasing a
 * node whose gap is its subtree's largest happens often: vma_validate checks
 * every node's subtree_gap after every step.
 */
static void augment_stress(uint64_t seed, unsigned steps)
{
	struct vma_model m;
	struct vma *slots[1024] = { NULL };
	unsigned bad = 0;
	char err[200], first[240] = "";

	vma_model_init(&m, NULL);
	m.p.stack_guard_gap = 2 * PAGE;
	rng_state = seed;
	for (unsigned step = 0; step < steps; step++) {
		unsigned i = (unsigned)rnd_below(1024);
		struct vma *v = slots[i];
		/* Slot i owns [i * 64 pages, (i + 1) * 64 pages). */
		uint64_t base = (uint64_t)i * 64 * PAGE;
		uint64_t s = base + rnd_below(rnd() % 2 ? 4 : 60) * PAGE;
		uint64_t e = s + (1 + rnd_below(base + 64 * PAGE - s > PAGE ?
						  (base + 64 * PAGE - s) / PAGE - 1 : 1)) * PAGE;

		if (e > base + 64 * PAGE)
			e = base + 64 * PAGE;
		if (v == NULL) {
			slots[i] = add(&m, s, e, rnd() % 4 == 0 ? VMF(GROWSDOWN) : 0);
		} else if (rnd() % 3 == 0) {
			vma_set_bounds(&m, v, s, e);
		} else {
			vma_erase(&m, v);
			vma_free(&m, v);
			slots[i] = NULL;
		}
		if (vma_validate(&m, err, sizeof(err)) < 0 && bad++ == 0)
			snprintf(first, sizeof(first), "step %u: %s", step, err);
	}
	ok(bad == 0, "seed %llu: %u steps on up to 1024 vmas keep every subtree_gap exact",
	   (unsigned long long)seed, steps);
	if (bad)
		diag("%u failures, first: %s", bad, first);
	vma_model_release(&m);
}

static void test_alloc_and_insert(void)
{
	struct vma_params p;
	struct vma_model m;
	struct vma *a, *b, *v;
	char err[200];

	vma_params_default(&p);
	p.page_size = 3000;
	is_u64(vma_model_init(&m, &p), -EINVAL, "init refuses a page size not a power of two");
	vma_model_init(&m, NULL);
	v = vma_alloc(&m);
	ok(v && v->smaps == VMA_NO_SMAPS && v->pkey == -1 && v->start == 0 && v->name == 0,
	   "vma_alloc: zeroed, smaps none, pkey -1");
	vma_free(&m, v);
	is_u64(m.p.page_size, 4096, "default page size");
	is_u64(m.p.task_size, 0x7ffffffff000ULL, "default task size");
	is_u64(m.p.stack_guard_gap, 256 * 4096, "default stack guard gap");
	is_u64(m.p.max_map_count, 65530, "default max_map_count");
	a = add(&m, 0x10000, 0x20000, 0);
	b = add(&m, 0x30000, 0x40000, 0);
	ok(a && b && a->next == b && b->prev == a && m.first == a && m.last == b,
	   "insert links prev/next and first/last");
	ok(add(&m, 0x1f000, 0x21000, 0) == NULL, "insert overlapping the end: refused");
	ok(add(&m, 0x8000, 0x40000, 0) == NULL, "insert covering two vmas: refused");
	ok(add(&m, 0x38000, 0x39000, 0) == NULL, "insert inside a vma: refused");
	v = vma_alloc(&m);
	v->start = 0x20000;
	v->end = 0x21000;
	is_u64(vma_insert(&m, v), 0, "insert touching a vma's end: accepted");
	v = vma_alloc(&m);
	v->start = 0x25000;
	v->end = 0x25000;
	is_u64(vma_insert(&m, v), -EINVAL, "insert of an empty range: -EINVAL");
	vma_free(&m, v);
	is_u64(m.count, 3, "count is 3");
	is_u64(vma_validate(&m, err, sizeof(err)), 0, "validate accepts the tree");
	a->end = 0x31000;	/* corrupt: overlap */
	ok(vma_validate(&m, err, sizeof(err)) == -EFAULT && strstr(err, "overlap") != NULL,
	   "validate reports an overlap: %s", err);
	a->end = 0x20000;
	a->subtree_gap += PAGE;	/* corrupt the augmentation */
	ok(vma_validate(&m, err, sizeof(err)) == -EFAULT && strstr(err, "subtree_gap"),
	   "validate reports a wrong subtree_gap: %s", err);
	vma_gap_update(&m, a);
	ok(vma_validate(&m, err, sizeof(err)) == 0, "vma_gap_update repairs it");
	a->start += 1;
	ok(vma_validate(&m, err, sizeof(err)) == -EFAULT && strstr(err, "aligned"),
	   "validate reports an unaligned vma: %s", err);
	a->start -= 1;
	m.count++;
	ok(vma_validate(&m, err, sizeof(err)) == -EFAULT && strstr(err, "count"),
	   "validate reports a wrong count: %s", err);
	m.count--;
	vma_model_release(&m);
}

static void test_cache(void)
{
	struct vma_model m;
	struct vma *a, *b;
	uint64_t finds = 0;
	char err[200];

	vma_model_init(&m, NULL);
	a = add(&m, 0x100000, 0x200000, 0);
	b = add(&m, 0x300000, 0x301000, 0);
	ok(vma_find(&m, 0x100000) == a, "find a");
	finds++;
	is_u64(m.cache.misses, 1, "first find misses");
	ok(vma_find(&m, 0x100010) == a, "find a again");
	finds++;
	is_u64(m.cache.hits, 1, "second find of the same page hits");
	ok(vma_find(&m, 0x1ff000) == a, "find a's last page");
	finds++;
	is_u64(m.cache.hits, 2, "another page of a cached vma hits (every slot is checked)");
	ok(vma_find(&m, 0x250000) == b, "find in a gap gives the next vma");
	ok(vma_find(&m, 0x250000) == b, "find in a gap again");
	finds += 2;
	is_u64(m.cache.misses, 3, "finds in a gap always miss (not cached)");
	ok(vma_validate(&m, err, sizeof(err)) == 0, "cache slots are coherent: %s", err);
	ok(m.cache.slot[(0x100000 >> 12) & 3] == a, "a cached in the slot of its page's hash");
	vma_erase(&m, a);
	ok(vma_find(&m, 0x100010) == b, "after erase the cached vma is not returned");
	finds++;
	is_u64(m.cache.misses, 4, "the first find after a change misses");
	is_u64(m.cache.hits + m.cache.misses, finds, "every find counted once");
	vma_free(&m, a);
	ok(vma_find(&m, 0x300000) == b && vma_find(&m, 0x300fff) == b, "find b twice");
	vma_set_bounds(&m, b, 0x300000, 0x302000);
	ok(m.cache.seq != m.seq, "set_bounds invalidates the cache");
	ok(vma_find(&m, 0x301000) == b, "find the grown part");
	ok(vma_validate(&m, err, sizeof(err)) == 0, "cache coherent after set_bounds: %s", err);
	memset(&m.cache.slot, 0, sizeof(m.cache.slot));
	memset(&m.cache.start, 0, sizeof(m.cache.start));
	memset(&m.cache.end, 0, sizeof(m.cache.end));
	m.cache.slot[2] = b;	/* b holds pages 0x300 and 0x301: hashes 0 and 1 */
	m.cache.start[2] = b->start;
	m.cache.end[2] = b->end;
	ok(vma_validate(&m, err, sizeof(err)) == -EFAULT && strstr(err, "holds no page"),
	   "validate reports a slot that holds no page of its hash: %s", err);
	m.cache.slot[2] = NULL;
	m.cache.slot[1] = b;
	m.cache.start[1] = b->start;
	m.cache.end[1] = b->end - PAGE;
	ok(vma_validate(&m, err, sizeof(err)) == -EFAULT && strstr(err, "bounds"),
	   "validate reports a slot whose bounds are not its vma's: %s", err);
	vma_model_release(&m);
}

static void test_gaps(void)
{
	struct vma_model m;
	struct vma_params p;
	uint64_t at = 0;
	struct vma *stack;

	vma_params_default(&p);
	vma_model_init(&m, &p);
	is_u64(vma_gap_highest(&m, UINT64_MAX, 0, 0, UINT64_MAX, &at), 0,
	       "a length of 2^64 - 1 fits the empty space");
	is_u64(at, 0, "from 0");
	is_u64(vma_gap_highest(&m, UINT64_MAX, 0, 1, UINT64_MAX, &at), -ENOMEM,
	       "but not from 1");
	is_u64(vma_gap_highest(&m, PAGE, 0, 0, UINT64_MAX, &at), 0, "the whole space: a gap");
	is_u64(at, UINT64_MAX - 2 * PAGE + 1, "highest page start below 2^64 - 1");
	is_u64(vma_gap_lowest(&m, PAGE, 1ULL << 63, 1, UINT64_MAX, &at), 0, "align 2^63 from 1");
	is_u64(at, 1ULL << 63, "the lowest start aligned to 2^63");
	is_u64(vma_gap_lowest(&m, PAGE, 3 * PAGE, 0, UINT64_MAX, &at), -EINVAL,
	       "an alignment that is not a power of two: -EINVAL");
	is_u64(vma_gap_lowest(&m, 2 * PAGE, 0, UINT64_MAX - PAGE, UINT64_MAX, &at), -ENOMEM,
	       "no room between low and high");
	is_u64(vma_gap_highest(&m, PAGE, 0, PAGE, 0x10000, &at), 0, "empty model: a gap");
	is_u64(at, 0xf000, "empty model: highest start is high - len");
	add(&m, 0x10000000, 0x10001000, 0);
	stack = add(&m, 0x20000000, 0x20100000, VMF(GROWSDOWN));
	is_u64(stack->subtree_gap >= 0x20000000 - 0x10001000 - p.stack_guard_gap ? 1 : 0, 1,
	       "guard gap is taken from a stack's gap");
	is_u64(vma_gap_highest(&m, 0x1000, 0, 0x10000000, 0x20000000, &at), 0,
	       "a page fits below the stack");
	is_u64(at, 0x20000000 - p.stack_guard_gap - 0x1000, "it ends at the guard gap");
	is_u64(vma_gap_highest(&m, 0x200000, 0x200000, 0x10000000, 0x20000000, &at), 0,
	       "a 2 MiB aligned range fits");
	is_u64(at, 0x1fc00000, "highest 2 MiB aligned start below the guard gap");
	is_u64(vma_gap_lowest(&m, 0x200000, 0x200000, 0, 0x20000000, &at), 0, "lowest 2 MiB");
	is_u64(at, 0, "lowest 2 MiB aligned start is 0");
	is_u64(vma_gap_lowest(&m, 0x200000, 0x200000, 0x10000000, 0x20000000, &at), 0,
	       "lowest 2 MiB above the first vma");
	is_u64(at, 0x10200000, "aligned above 0x10001000");
	is_u64(vma_gap_highest(&m, 0x1000, 0, 0x20000000, 0x20100000, &at), -ENOMEM,
	       "no room inside the stack");
	is_u64(vma_gap_lowest(&m, 0x3000, 0, 0x20000000, 0x20102000, &at), -ENOMEM,
	       "a range above the stack but too small: -ENOMEM");
	is_u64(vma_gap_lowest(&m, 0x3000, 0, 0x20000000, 0x20103000, &at), 0,
	       "room above the last vma up to high");
	is_u64(at, 0x20100000, "found right above the stack");
	vma_set_guard_gap(&m, 0x2000);
	is_u64(vma_validate(&m, NULL, 0), 0, "set_guard_gap recomputes every gap");
	is_u64(vma_gap_highest(&m, 0x1000, 0, 0x10000000, 0x20000000, &at), 0,
	       "with a guard gap of two pages");
	is_u64(at, 0x1fffd000, "the page ends two pages below the stack");
	vma_set_guard_gap(&m, p.stack_guard_gap);
	stack->flags = 0;
	vma_gap_update(&m, stack);
	is_u64(vma_gap_highest(&m, 0x1000, 0, 0x10000000, 0x20000000, &at), 0,
	       "after clearing GROWSDOWN");
	is_u64(at, 0x1ffff000, "the page fits right below the former stack");
	vma_model_release(&m);
}

/*
 * Many lookups on a model that does not change build the find index
 * (vma_index.c); answers must stay those of brute force before, while and
 * after it is built, and after the tree changes again.
 */
static void test_find_index(void)
{
	struct vma_model m;
	struct vma_model_mem before, after;
	unsigned wrong = 0;
	char err[200];

	vma_model_init(&m, NULL);
	rng_state = 5;
	for (uint64_t i = 0, at = PAGE; i < 3000; i++) {
		at += rnd_below(3) * PAGE;
		add(&m, at, at + (1 + rnd_below(5)) * PAGE, 0);
		at = m.last->end;
	}
	vma_model_mem(&m, &before);
	for (int round = 0; round < 3; round++) {
		for (int i = 0; i < 5000; i++) {
			uint64_t a = probe_addr(&m, m.last->end + 4 * PAGE);

			wrong += vma_find(&m, a) != brute_find(&m, a);
		}
		if (vma_validate(&m, err, sizeof(err)) < 0)
			wrong++, diag("%s", err);
		if (round == 0)
			vma_model_mem(&m, &after);
		/* Change the tree: the index is stale until rebuilt. */
		vma_erase(&m, m.first->next);
		add(&m, m.last->end + PAGE, m.last->end + 3 * PAGE, 0);
	}
	ok(after.vmas >= before.vmas + 16 * m.count, "5000 lookups built the find index "
	   "(%zu -> %zu bytes)", before.vmas, after.vmas);
	ok(wrong == 0, "15000 finds through cache, tree and index agree with brute force "
	   "across changes (%u wrong)", wrong);
	ok(vma_find(&m, 0) == m.first && vma_find(&m, m.last->end) == NULL,
	   "find below the first and above the last");
	vma_model_release(&m);
}

int main(void)
{
	static const uint64_t seeds[] = { 1, 2, 3, 42, 1234, 99991, 0xdeadbeef, 7777777 };

	test_alloc_and_insert();
	test_cache();
	test_gaps();
	test_find_index();
	for (size_t i = 0; i < sizeof(seeds) / sizeof(seeds[0]); i++)
		random_sequence(seeds[i], 1500, i % 2 ? 3 * PAGE : 256 * PAGE);
	augment_stress(11, 6000);
	augment_stress(12, 6000);
	return tap_done();
}
