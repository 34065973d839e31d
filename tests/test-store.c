/*
 * test-store.c - unit tests of what a model keeps besides its tree: interned
 * names (intern.c), smaps values and their keys (smaps_store.c), checked
 * against this kernel's /proc/self/smaps, and deep copies of whole models
 * (vma_model_copy).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tap.h"
#include "vma.h"

#define PAGE		4096ULL

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

/* ---- names --------------------------------------------------------------- */

static void test_intern(void)
{
	struct vma_model m;
	char buf[64];
	uint32_t id_a, id_b, *ids;
	const char *pa;
	bool same = true, distinct = true;
	enum { N = 70000 };

	vma_model_init(&m, NULL);
	is_u64(vma_intern(&m, "", 0), 0, "the empty name is id 0");
	is_str(vma_name(&m, 0), "", "id 0 prints as empty");
	id_a = vma_intern(&m, "/usr/lib/libc.so.6", 18);
	id_b = vma_intern(&m, "/usr/lib/libc.so.6 (deleted)", 18);
	ok(id_a != 0 && id_a == id_b, "interning is by the given length, not the NUL");
	pa = vma_name(&m, id_a);
	is_str(pa, "/usr/lib/libc.so.6", "name comes back NUL-terminated");
	is_u64(vma_name_len(&m, id_a), 18, "name length");
	ids = malloc(N * sizeof(*ids));
	for (int i = 0; i < N; i++) {
		int len = snprintf(buf, sizeof(buf), "/tmp/name-%d", i);

		ids[i] = vma_intern(&m, buf, (size_t)len);
		if (ids[i] == 0 || (i > 0 && ids[i] == ids[i - 1]))
			distinct = false;
	}
	ok(distinct, "%d distinct names get distinct ids", N);
	for (int i = 0; i < N; i += 7) {
		int len = snprintf(buf, sizeof(buf), "/tmp/name-%d", i);

		if (vma_intern(&m, buf, (size_t)len) != ids[i] || strcmp(vma_name(&m, ids[i]), buf))
			same = false;
	}
	ok(same, "interning again gives the same ids and bytes");
	ok(vma_name(&m, id_a) == pa, "name pointers do not move as the table grows");
	is_str(vma_name(&m, 123456789), "", "an unknown id prints as empty");
	free(ids);
	vma_model_release(&m);
}

/* ---- smaps --------------------------------------------------------------- */

/* Format one field the way the printer must; compare with the kernel's line. */
static void format_field(const struct smaps_keyinfo *k, uint64_t value, char *buf, size_t len)
{
	char label[80];

	snprintf(label, sizeof(label), "%s:", k->name);
	snprintf(buf, len, "%-*s%*llu%s", k->label_width, label,
		 SMAPS_LINE_WIDTH - k->label_width, (unsigned long long)value,
		 k->kb ? " kB" : "");
}

static void test_smaps_shapes(struct vma_model *m)
{
	FILE *f = fopen("/proc/self/smaps", "r");
	char line[512], mine[512], name[64];
	unsigned checked = 0, bad = 0, unknown = 0;
	unsigned long long value;

	if (f == NULL) {
		ok(1, "no /proc/self/smaps: key shapes not checked against the kernel");
		return;
	}
	while (fgets(line, sizeof(line), f)) {
		int key;

		line[strcspn(line, "\n")] = '\0';
		if (sscanf(line, "%63[^:]: %llu", name, &value) != 2 || strchr(name, ' '))
			continue;
		key = vma_smaps_key_add(m, name, strlen(name), 16, true);
		if (key < 0 || key >= SMAPS_NKNOWN) {
			if (unknown++ == 0)	/* a newer kernel: kept, not checked */
				diag("kernel key '%s' is not a known key", name);
			continue;
		}
		format_field(vma_smaps_key(m, (unsigned)key), value, mine, sizeof(mine));
		if (strcmp(mine, line) != 0 && bad++ < 3)
			diag("kernel '%s', ours '%s'", line, mine);
		checked++;
	}
	fclose(f);
	ok(checked > 20 && bad == 0, "%u smaps lines of this kernel print the same with our key "
	   "shapes", checked);
}

static void test_smaps(void)
{
	struct vma_model m, c;
	struct vma *a, *b;
	const struct smaps_keyinfo *k;
	unsigned key;
	uint64_t val;
	int foo, foo2;
	bool order = true;

	vma_model_init(&m, NULL);
	is_u64(vma_smaps_nkeys(&m), SMAPS_NKNOWN, "the known keys are there");
	k = vma_smaps_key(&m, SMAPS_PRIVATE_HUGETLB);
	ok(k && !strcmp(k->name, "Private_Hugetlb") && k->label_width == 17 && k->kb,
	   "Private_Hugetlb: label of 17");
	k = vma_smaps_key(&m, SMAPS_THP_ELIGIBLE);
	ok(k && !strcmp(k->json, "thp_eligible") && !k->kb, "THPeligible: no kB, thp_eligible");
	k = vma_smaps_key(&m, SMAPS_ANON_HUGE_PAGES);
	is_str(k->json, "anon_huge_pages", "json name of AnonHugePages");
	is_u64(vma_smaps_key_add(&m, "Rss", 3, 16, true), SMAPS_RSS, "Rss is found by name");
	foo = vma_smaps_key_add(&m, "NewThingHere", 12, 16, true);
	ok(foo == SMAPS_NKNOWN, "an unknown key is added after the known ones");
	is_str(vma_smaps_key(&m, (unsigned)foo)->json, "new_thing_here", "its derived json name");
	foo2 = vma_smaps_key_add(&m, "MMUFooSize:", 10, 16, true);
	is_str(vma_smaps_key(&m, (unsigned)foo2)->json, "mmu_foo_size", "acronyms split right");
	ok(vma_smaps_key_add(&m, "bad key", 7, 16, true) < 0, "a key with a space is refused");
	test_smaps_shapes(&m);

	a = add(&m, 0x1000, 0x2000, 0);
	b = add(&m, 0x3000, 0x4000, 0);
	is_u64(vma_smaps_count(&m, a), 0, "no smaps record yet");
	ok(!vma_smaps_get(&m, a, SMAPS_RSS, &val), "get on no record: absent");
	/* Interleave the two records to force moves. */
	for (unsigned i = 0; i < SMAPS_NKNOWN; i++) {
		vma_smaps_append(&m, a, i, i * 10);
		vma_smaps_append(&m, b, SMAPS_NKNOWN - 1 - i, i + 1000);
	}
	vma_smaps_append(&m, a, (unsigned)foo, 77);
	is_u64(vma_smaps_count(&m, a), SMAPS_NKNOWN + 1, "a has every field appended");
	for (unsigned i = 0; i < SMAPS_NKNOWN; i++) {
		vma_smaps_field(&m, b, i, &key, &val);
		if (key != SMAPS_NKNOWN - 1 - i || val != i + 1000)
			order = false;
	}
	ok(order, "b's fields come back in the order appended");
	ok(vma_smaps_get(&m, a, SMAPS_SWAP, &val) && val == SMAPS_SWAP * 10, "get Swap of a");
	ok(vma_smaps_get(&m, a, (unsigned)foo, &val) && val == 77, "get the unknown key of a");
	is_u64(vma_smaps_append(&m, a, 250, 1), -EINVAL, "append of a key id not in the table");
	vma_model_copy(&c, &m);
	vma_smaps_drop(&m, a);
	is_u64(vma_smaps_count(&m, a), 0, "drop forgets a's record");
	ok(vma_smaps_get(&m, b, SMAPS_RSS, &val) && val == (SMAPS_NKNOWN - 1 - SMAPS_RSS) + 1000,
	   "b is untouched by a's drop");
	ok(vma_smaps_get(&c, c.first, (unsigned)foo, &val) && val == 77,
	   "the copy kept a's record and the unknown key");
	is_str(vma_smaps_key(&c, (unsigned)foo)->name, "NewThingHere", "the copy's key table");
	vma_model_release(&c);
	vma_model_release(&m);
}

/* A value of random magnitude: varints of 1 to 10 bytes. */
static uint64_t random_value(void)
{
	switch (rnd_below(6)) {
	case 0: return 0;
	case 1: return rnd_below(128);
	case 2: return 128 + rnd_below(16384);
	case 3: return rnd() >> rnd_below(64);
	case 4: return UINT64_MAX;
	default: return 4;
	}
}

enum { CHURN_VMAS = 300, CHURN_MAX = 40 };

struct expect {
	unsigned n;
	unsigned key[CHURN_MAX];
	uint64_t val[CHURN_MAX];
};

/* Does every record read back as expected: in order, backwards, and by key? */
static bool records_match(const struct vma_model *m, struct vma **vmas, const struct expect *ex)
{
	for (unsigned i = 0; i < CHURN_VMAS; i++) {
		const struct vma *v = vmas[i];
		unsigned key;
		uint64_t val;

		if (vma_smaps_count(m, v) != ex[i].n)
			return false;
		for (unsigned f = 0; f < ex[i].n; f++) {
			vma_smaps_field(m, v, f, &key, &val);
			if (key != ex[i].key[f] || val != ex[i].val[f])
				return false;
		}
		for (unsigned f = ex[i].n; f-- > 0;) {
			vma_smaps_field(m, v, f, &key, &val);
			if (key != ex[i].key[f] || val != ex[i].val[f])
				return false;
		}
		for (unsigned f = 0; f < ex[i].n; f++) {
			unsigned first = 0;	/* get() answers the first field of a key */

			while (ex[i].key[first] != ex[i].key[f])
				first++;
			if (!vma_smaps_get(m, v, ex[i].key[f], &val) || val != ex[i].val[first])
				return false;
		}
	}
	return true;
}

/*
 * Random appends (interleaved between records, so records move) and drops,
 * against a plain copy of what was appended; the arena must stay bounded.
 */
static void test_smaps_churn(void)
{
	static struct expect ex[CHURN_VMAS];
	struct vma *vmas[CHURN_VMAS];
	struct vma_model m, c;
	size_t peak = 0, live_bytes;
	bool good = true, copy_good;

	vma_model_init(&m, NULL);
	rng_state = 31337;
	memset(ex, 0, sizeof(ex));
	for (unsigned i = 0; i < CHURN_VMAS; i++)
		vmas[i] = add(&m, (2 * i + 1) * PAGE, (2 * i + 2) * PAGE, 0);
	for (unsigned step = 0, i = 0; step < 60000; step++) {
		/* Runs of appends to one record (at the arena's end) between moves. */
		if (rnd_below(3) == 0)
			i = (unsigned)rnd_below(CHURN_VMAS);

		if (ex[i].n == CHURN_MAX || rnd_below(30) == 0) {
			vma_smaps_drop(&m, vmas[i]);
			ex[i].n = 0;
		} else {
			unsigned key = (unsigned)rnd_below(SMAPS_NKNOWN);
			uint64_t val = random_value();

			if (vma_smaps_append(&m, vmas[i], key, val) < 0)
				good = false;
			ex[i].key[ex[i].n] = key;
			ex[i].val[ex[i].n++] = val;
		}
		if (step % 5000 == 0 && !records_match(&m, vmas, ex))
			good = false;
		if (vma_model_bytes(&m) > peak)
			peak = vma_model_bytes(&m);
	}
	ok(good && records_match(&m, vmas, ex), "60000 random appends and drops over %d records "
	   "read back in order, backwards and by key", CHURN_VMAS);
	live_bytes = 0;
	for (unsigned i = 0; i < CHURN_VMAS; i++)
		live_bytes += ex[i].n * 11;
	ok(peak < vma_model_bytes(&m) + 4 * live_bytes + 65536,
	   "compaction keeps the arena bounded (peak %zu bytes)", peak);
	is_u64(vma_model_copy(&c, &m), 0, "copy of the churned model");
	{
		struct vma *cv[CHURN_VMAS];
		unsigned i = 0;

		for (struct vma *v = c.first; v && i < CHURN_VMAS; v = v->next)
			cv[i++] = v;
		copy_good = i == CHURN_VMAS && records_match(&c, cv, ex);
	}
	ok(copy_good, "the copy reads back the same records");
	vma_model_release(&c);
	vma_model_release(&m);
}

/* 65,000 VMAs with the 24 usual fields: a few bytes a field. */
static void test_smaps_size(void)
{
	struct vma_model m;
	struct vma_model_mem mem;
	enum { N = 65000 };

	vma_model_init(&m, NULL);
	rng_state = 8;
	for (uint64_t i = 0; i < N; i++) {
		struct vma *v = add(&m, (2 * i + 1) * PAGE, (2 * i + 2) * PAGE, 0);

		for (unsigned k = 0; k < SMAPS_NKNOWN; k++)
			vma_smaps_append(&m, v, k, k < 3 ? 4 : rnd_below(k < 12 ? 2000 : 2));
	}
	vma_model_mem(&m, &mem);
	ok((double)mem.smaps / N / SMAPS_NKNOWN <= 4.0,
	   "smaps of %d VMAs: %.2f bytes a field (at most 4)", N, (double)mem.smaps / N / SMAPS_NKNOWN);
	vma_model_release(&m);
}

/* ---- copy ---------------------------------------------------------------- */

static bool same_vma(const struct vma_model *a, const struct vma *x,
		     const struct vma_model *b, const struct vma *y)
{
	size_t n = vma_smaps_count(a, x);

	if (x->start != y->start || x->end != y->end || x->flags != y->flags ||
	    x->pgoff != y->pgoff || x->inode != y->inode || x->dev != y->dev ||
	    x->name != y->name || x->file != y->file || x->anon_vma != y->anon_vma ||
	    x->kind != y->kind || x->pkey != y->pkey || x->bits != y->bits ||
	    strcmp(vma_name(a, x->name), vma_name(b, y->name)) || n != vma_smaps_count(b, y))
		return false;
	for (size_t i = 0; i < n; i++) {
		unsigned k1, k2;
		uint64_t v1, v2;

		vma_smaps_field(a, x, i, &k1, &v1);
		vma_smaps_field(b, y, i, &k2, &v2);
		if (k1 != k2 || v1 != v2)
			return false;
	}
	return true;
}

static void test_copy(void)
{
	struct vma_model m, c;
	char err[200], name[32];
	bool same = true;
	const struct vma *x, *y;

	vma_model_init(&m, NULL);
	rng_state = 99;
	for (int i = 0; i < 3000; i++) {
		struct vma *v = vma_alloc(&m);
		uint64_t s = rnd_below(1 << 20);

		v->start = s * PAGE;
		v->end = (s + 1 + rnd_below(4)) * PAGE;
		v->flags = rnd() & (VMF(READ) | VMF(WRITE) | VMF(GROWSDOWN));
		v->pgoff = rnd();
		v->anon_vma = (uint32_t)rnd_below(50);
		v->file = (uint32_t)rnd_below(50);
		v->pkey = (int8_t)rnd_below(16);
		snprintf(name, sizeof(name), "/lib/%d.so", (int)rnd_below(100));
		v->name = vma_intern(&m, name, strlen(name));
		if (vma_insert(&m, v) < 0) {
			vma_free(&m, v);
			continue;
		}
		if (i % 3 == 0)
			for (unsigned k = 0; k < 5; k++)
				vma_smaps_append(&m, v, k, rnd_below(1000));
	}
	m.next_file_id = 51;
	m.next_anon_vma_id = 52;
	is_u64(vma_model_copy(&c, &m), 0, "copy of %zu vmas", m.count);
	ok(vma_validate(&c, err, sizeof(err)) == 0, "the copy validates: %s", err);
	is_u64(c.count, m.count, "same count");
	for (x = m.first, y = c.first; x && y; x = x->next, y = y->next)
		if (x == y || !same_vma(&m, x, &c, y))
			same = false;
	ok(same && x == NULL && y == NULL, "every vma equal: fields, names, smaps (not shared)");
	ok(c.next_file_id == 51 && c.next_anon_vma_id == 52, "identity counters copied");
	vma_erase(&c, c.first);
	ok(m.first->start != c.first->start && vma_validate(&m, err, sizeof(err)) == 0,
	   "changing the copy leaves the original alone");
	vma_model_release(&c);
	vma_model_release(&m);
}

int main(void)
{
	test_intern();
	test_smaps();
	test_smaps_churn();
	test_smaps_size();
	test_copy();
	return tap_done();
}
