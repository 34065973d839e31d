/*
 * smaps_store.c - the smaps values of a model's VMAs, kept compactly and in
 * the order they were read, so that a record prints back byte for byte.
 *
 * Keys: a per-model table that starts with the keys the kernel prints
 * (enum smaps_key, in its order, with each line's shape); unknown keys from a
 * newer kernel are added by name.  A small hash table finds a key by name.
 *
 * Values: one byte arena; a field is its key id (one byte) then its value
 * as a varint (seven bits a byte, low bits first, high bit = more follow),
 * so the usual smaps field (a small count of kB) takes 2 or 3 bytes instead
 * of 9.  A VMA's record (v->smaps) is an offset, a byte length and a field
 * count (8 bytes).  Appending to a record that is not at the arena's end
 * moves it there; dropping one leaves garbage that is compacted when it
 * reaches half of the arena.
 *
 * Reading field i decodes from the record's start, so vma_smaps_field()
 * remembers where the last call stopped: reading a record in order (as the
 * printers do) costs one decode per field.  That cursor is why two threads
 * must not read one model's smaps at once.
 */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "vma.h"
#include "vma_internal.h"

#define MAX_KEYS	255		/* key ids fit a u8 */
#define KEY_HASH_SIZE	512		/* > 2 * MAX_KEYS, power of two */
#define MAX_FIELDS	4096		/* per record: at most 11 bytes each fits len */
#define FIELD_MAX_BYTES	11		/* key + a 64-bit varint */
#define REC_FREE	0xffff		/* count of a free record */

struct smaps_rec {
	uint32_t off;		/* first byte; for a free record the next free one */
	uint16_t len;		/* bytes */
	uint16_t n;		/* fields, REC_FREE if the record is free */
};

/* Where the last vma_smaps_field() call stopped. */
struct smaps_cursor {
	uint32_t rec;		/* record id, UINT32_MAX = none */
	uint32_t i;		/* the next field's index ... */
	size_t at;		/* ... and its byte offset in the arena */
	uint64_t gen;		/* the store's gen when set */
};

struct vma_smaps_store {
	struct smaps_keyinfo *keys;
	unsigned nkeys;
	uint16_t key_hash[KEY_HASH_SIZE];	/* key id + 1, 0 = empty */

	struct smaps_rec *rec;
	uint32_t nrec, rec_cap;
	uint32_t free_rec;			/* UINT32_MAX = none */

	uint8_t *buf;				/* the fields of every record */
	size_t used, cap, garbage;		/* bytes */
	uint64_t gen;				/* bumped when bytes move */
	struct smaps_cursor cur;
};

static const struct smaps_keyinfo known_keys[SMAPS_NKNOWN] = {
	[SMAPS_SIZE]		 = { "Size", "size", 16, true },
	[SMAPS_KERNEL_PAGE_SIZE] = { "KernelPageSize", "kernel_page_size", 16, true },
	[SMAPS_MMU_PAGE_SIZE]	 = { "MMUPageSize", "mmu_page_size", 16, true },
	[SMAPS_RSS]		 = { "Rss", "rss", 16, true },
	[SMAPS_PSS]		 = { "Pss", "pss", 16, true },
	[SMAPS_PSS_DIRTY]	 = { "Pss_Dirty", "pss_dirty", 16, true },
	[SMAPS_SHARED_CLEAN]	 = { "Shared_Clean", "shared_clean", 16, true },
	[SMAPS_SHARED_DIRTY]	 = { "Shared_Dirty", "shared_dirty", 16, true },
	[SMAPS_PRIVATE_CLEAN]	 = { "Private_Clean", "private_clean", 16, true },
	[SMAPS_PRIVATE_DIRTY]	 = { "Private_Dirty", "private_dirty", 16, true },
	[SMAPS_REFERENCED]	 = { "Referenced", "referenced", 16, true },
	[SMAPS_ANONYMOUS]	 = { "Anonymous", "anonymous", 16, true },
	[SMAPS_KSM]		 = { "KSM", "ksm", 16, true },
	[SMAPS_LAZYFREE]	 = { "LazyFree", "lazyfree", 16, true },
	[SMAPS_ANON_HUGE_PAGES]	 = { "AnonHugePages", "anon_huge_pages", 16, true },
	[SMAPS_SHMEM_PMD_MAPPED] = { "ShmemPmdMapped", "shmem_pmd_mapped", 16, true },
	[SMAPS_FILE_PMD_MAPPED]	 = { "FilePmdMapped", "file_pmd_mapped", 16, true },
	[SMAPS_SHARED_HUGETLB]	 = { "Shared_Hugetlb", "shared_hugetlb", 16, true },
	/* The kernel prints "Private_Hugetlb: " and the value in 7 columns. */
	[SMAPS_PRIVATE_HUGETLB]	 = { "Private_Hugetlb", "private_hugetlb", 17, true },
	[SMAPS_SWAP]		 = { "Swap", "swap", 16, true },
	[SMAPS_SWAP_PSS]	 = { "SwapPss", "swap_pss", 16, true },
	[SMAPS_LOCKED]		 = { "Locked", "locked", 16, true },
	[SMAPS_THP_ELIGIBLE]	 = { "THPeligible", "thp_eligible", 16, false },
	[SMAPS_PROTECTION_KEY]	 = { "ProtectionKey", "protection_key", 16, false },
};

/* ---- keys --------------------------------------------------------------- */

static unsigned key_hash(const char *s, size_t len)
{
	uint32_t h = 2166136261u;

	for (size_t i = 0; i < len; i++)
		h = (h ^ (unsigned char)s[i]) * 16777619u;
	return (h ^ (h >> 16)) & (KEY_HASH_SIZE - 1);
}

static int key_find(const struct vma_smaps_store *st, const char *name, size_t len)
{
	for (unsigned i = key_hash(name, len);; i = (i + 1) & (KEY_HASH_SIZE - 1)) {
		unsigned id = st->key_hash[i];
		const char *k;

		if (id == 0)
			return -1;
		k = st->keys[id - 1].name;
		if (strncmp(k, name, len) == 0 && k[len] == '\0')
			return (int)id - 1;
	}
}

static void key_hash_add(struct vma_smaps_store *st, unsigned id)
{
	const char *name = st->keys[id].name;
	unsigned i = key_hash(name, strlen(name));

	while (st->key_hash[i] != 0)
		i = (i + 1) & (KEY_HASH_SIZE - 1);
	st->key_hash[i] = (uint16_t)(id + 1);
}

/*
 * The JSON name of an unknown key: words of a CamelCase name joined by '_',
 * lower case ("AnonHugePages" -> "anon_huge_pages", "MMUPageSize" ->
 * "mmu_page_size"); anything but letters and digits becomes '_'.
 */
static char *smaps_json_name(const char *name, size_t len)
{
	char *out = malloc(2 * len + 1), *o = out;

	if (out == NULL)
		return NULL;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)name[i];
		unsigned char before = i > 0 ? (unsigned char)name[i - 1] : 0;
		unsigned char after = i + 1 < len ? (unsigned char)name[i + 1] : 0;

		if (!isalnum(c)) {
			if (o > out && o[-1] != '_')
				*o++ = '_';
			continue;
		}
		if (isupper(c) && o > out && o[-1] != '_' &&
		    (islower(before) || isdigit(before) || (isupper(before) && islower(after))))
			*o++ = '_';
		*o++ = (char)tolower(c);
	}
	while (o > out && o[-1] == '_')
		o--;
	*o = '\0';
	return out;
}

static bool valid_key_name(const char *name, size_t len)
{
	if (len == 0 || len > 64)
		return false;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)name[i];

		if (!isgraph(c) || c == ':')
			return false;
	}
	return true;
}

int vma_smaps_key_add(struct vma_model *m, const char *name, size_t len,
		      unsigned label_width, bool kb)
{
	struct vma_smaps_store *st = m->smaps;
	struct smaps_keyinfo *k;
	char *copy, *json;
	int id = valid_key_name(name, len) ? key_find(st, name, len) : -1;

	if (id >= 0)
		return id;
	if (!valid_key_name(name, len) || label_width > SMAPS_LINE_WIDTH + 40)
		return -EINVAL;
	if (st->nkeys >= MAX_KEYS)
		return -ENOSPC;
	copy = malloc(len + 1);
	json = smaps_json_name(name, len);
	if (copy == NULL || json == NULL) {
		free(copy);
		free(json);
		return -ENOMEM;
	}
	memcpy(copy, name, len);
	copy[len] = '\0';
	k = &st->keys[st->nkeys];
	*k = (struct smaps_keyinfo){ copy, json, (uint8_t)label_width, kb };
	key_hash_add(st, st->nkeys);
	return (int)st->nkeys++;
}

const struct smaps_keyinfo *vma_smaps_key(const struct vma_model *m, unsigned key)
{
	return key < m->smaps->nkeys ? &m->smaps->keys[key] : NULL;
}

unsigned vma_smaps_nkeys(const struct vma_model *m)
{
	return m->smaps->nkeys;
}

/* ---- lifecycle ---------------------------------------------------------- */

struct vma_smaps_store *smaps_store_new(void)
{
	struct vma_smaps_store *st = calloc(1, sizeof(*st));

	if (st == NULL)
		return NULL;
	st->keys = calloc(MAX_KEYS, sizeof(*st->keys));
	if (st->keys == NULL) {
		free(st);
		return NULL;
	}
	memcpy(st->keys, known_keys, sizeof(known_keys));
	st->nkeys = SMAPS_NKNOWN;
	for (unsigned i = 0; i < SMAPS_NKNOWN; i++)
		key_hash_add(st, i);
	st->free_rec = UINT32_MAX;
	st->cur.rec = UINT32_MAX;
	return st;
}

void smaps_store_free(struct vma_smaps_store *st)
{
	if (st == NULL)
		return;
	for (unsigned i = SMAPS_NKNOWN; i < st->nkeys; i++) {
		free((char *)st->keys[i].name);
		free((char *)st->keys[i].json);
	}
	free(st->keys);
	free(st->rec);
	free(st->buf);
	free(st);
}

void smaps_store_clear(struct vma_smaps_store *st)
{
	st->nrec = 0;
	st->free_rec = UINT32_MAX;
	st->used = st->garbage = 0;
	st->gen++;
}

static void *dup_array(const void *src, size_t n, size_t size)
{
	void *p = malloc(n ? n * size : 1);

	if (p != NULL && n)
		memcpy(p, src, n * size);
	return p;
}

struct vma_smaps_store *smaps_store_copy(const struct vma_smaps_store *src)
{
	struct vma_smaps_store *st = smaps_store_new();

	if (st == NULL)
		return NULL;
	for (unsigned i = SMAPS_NKNOWN; i < src->nkeys; i++) {
		const struct smaps_keyinfo *k = &src->keys[i];
		char *name = strdup(k->name), *json = strdup(k->json);

		if (name == NULL || json == NULL) {
			free(name);
			free(json);
			smaps_store_free(st);
			return NULL;
		}
		st->keys[i] = (struct smaps_keyinfo){ name, json, k->label_width, k->kb };
		key_hash_add(st, i);
		st->nkeys = i + 1;
	}
	st->rec = dup_array(src->rec, src->nrec, sizeof(*src->rec));
	st->buf = dup_array(src->buf, src->used, 1);
	if (st->rec == NULL || st->buf == NULL) {
		smaps_store_free(st);
		return NULL;
	}
	st->nrec = st->rec_cap = src->nrec;
	st->free_rec = src->free_rec;
	st->used = st->cap = src->used;
	st->garbage = src->garbage;
	return st;
}

size_t smaps_store_bytes(const struct vma_smaps_store *st)
{
	return sizeof(*st) + MAX_KEYS * sizeof(*st->keys) +
	       st->rec_cap * sizeof(*st->rec) + st->cap;
}

/* ---- records ------------------------------------------------------------ */

static size_t put_varint(uint8_t *p, uint64_t v)
{
	size_t n = 0;

	while (v >= 0x80) {
		p[n++] = (uint8_t)(v | 0x80);
		v >>= 7;
	}
	p[n++] = (uint8_t)v;
	return n;
}

/* Decode the field at *at (key, value) and move *at past it. */
static void get_field(const uint8_t *buf, size_t *at, unsigned *key, uint64_t *value)
{
	const uint8_t *p = buf + *at;
	uint64_t v = 0;
	unsigned shift = 0;

	*key = *p++;
	do {
		v |= (uint64_t)(*p & 0x7f) << shift;
		shift += 7;
	} while (*p++ & 0x80);
	*value = v;
	*at = (size_t)(p - buf);
}

/* Move every live record to the front of a fresh arena of cap bytes. */
static int compact(struct vma_smaps_store *st, size_t cap)
{
	uint8_t *buf = malloc(cap);
	size_t used = 0;

	if (buf == NULL)
		return -ENOMEM;
	for (uint32_t i = 0; i < st->nrec; i++) {
		struct smaps_rec *r = &st->rec[i];

		if (r->n == REC_FREE)
			continue;
		memcpy(buf + used, st->buf + r->off, r->len);
		r->off = (uint32_t)used;
		used += r->len;
	}
	free(st->buf);
	st->buf = buf;
	st->used = used;
	st->cap = cap;
	st->garbage = 0;
	st->gen++;
	return 0;
}

/*
 * Make room for need more bytes at the arena's end: compact when half of it
 * is garbage, else grow by an eighth (realloc of a large block moves no
 * bytes), so that little capacity sits unused.
 */
static int reserve(struct vma_smaps_store *st, size_t need)
{
	size_t live = st->used - st->garbage, cap;
	uint8_t *buf;

	if (st->cap - st->used >= need)
		return 0;
	if (st->garbage > st->used / 2) {
		cap = live + need + live / 8 + 4096;
		return cap > UINT32_MAX ? -ENOMEM : compact(st, cap);
	}
	cap = st->used + need + st->cap / 8 + 4096;
	if (cap > UINT32_MAX)
		return -ENOMEM;
	buf = realloc(st->buf, cap);
	if (buf == NULL)
		return -ENOMEM;
	st->buf = buf;
	st->cap = cap;
	st->gen++;
	return 0;
}

static int new_record(struct vma_smaps_store *st, uint32_t *id)
{
	if (st->free_rec != UINT32_MAX) {
		*id = st->free_rec;
		st->free_rec = st->rec[*id].off;
	} else {
		if (st->nrec == UINT32_MAX - 1)
			return -ENOMEM;
		if (st->nrec == st->rec_cap) {
			uint32_t cap = st->rec_cap ? st->rec_cap + st->rec_cap / 2 : 256;
			struct smaps_rec *rec = realloc(st->rec, cap * sizeof(*rec));

			if (rec == NULL)
				return -ENOMEM;
			st->rec = rec;
			st->rec_cap = cap;
		}
		*id = st->nrec++;
	}
	st->rec[*id] = (struct smaps_rec){ (uint32_t)st->used, 0, 0 };
	return 0;
}

static bool at_tail(const struct vma_smaps_store *st, const struct smaps_rec *r)
{
	return r->off + (size_t)r->len == st->used;
}

int vma_smaps_append_many(struct vma_model *m, struct vma *v, const uint8_t *keys,
			  const uint64_t *values, size_t n)
{
	struct vma_smaps_store *st = m->smaps;
	struct smaps_rec *r;
	int err;

	for (size_t i = 0; i < n; i++)
		if (keys[i] >= st->nkeys)
			return -EINVAL;
	if (n == 0)
		return 0;
	if (v->smaps == VMA_NO_SMAPS) {
		err = reserve(st, FIELD_MAX_BYTES);
		if (err == 0)
			err = new_record(st, &v->smaps);
		if (err < 0)
			return err;
	}
	r = &st->rec[v->smaps];
	if (n > MAX_FIELDS || r->n > MAX_FIELDS - n)
		return -ENOSPC;
	/* Room to move the record and add the fields; compaction may move it. */
	if ((err = reserve(st, r->len + n * FIELD_MAX_BYTES)) < 0)
		return err;
	if (!at_tail(st, r)) {
		memcpy(st->buf + st->used, st->buf + r->off, r->len);
		r->off = (uint32_t)st->used;
		st->used += r->len;
		st->garbage += r->len;
		st->gen++;
	}
	for (size_t i = 0; i < n; i++) {
		st->buf[st->used] = keys[i];
		st->used += 1 + put_varint(st->buf + st->used + 1, values[i]);
	}
	r->len = (uint16_t)(st->used - r->off);
	r->n = (uint16_t)(r->n + n);
	return 0;
}

int vma_smaps_append(struct vma_model *m, struct vma *v, unsigned key, uint64_t value)
{
	uint8_t k = (uint8_t)key;

	if (key >= m->smaps->nkeys)
		return -EINVAL;
	return vma_smaps_append_many(m, v, &k, &value, 1);
}

static const struct smaps_rec *record_of(const struct vma_model *m, const struct vma *v)
{
	const struct vma_smaps_store *st = m->smaps;

	if (v->smaps == VMA_NO_SMAPS || v->smaps >= st->nrec || st->rec[v->smaps].n == REC_FREE)
		return NULL;
	return &st->rec[v->smaps];
}

size_t vma_smaps_count(const struct vma_model *m, const struct vma *v)
{
	const struct smaps_rec *r = record_of(m, v);

	return r ? r->n : 0;
}

void vma_smaps_field(const struct vma_model *m, const struct vma *v, size_t i,
		     unsigned *key, uint64_t *value)
{
	struct vma_smaps_store *st = m->smaps;
	const struct smaps_rec *r = record_of(m, v);
	struct smaps_cursor *c = &st->cur;
	size_t at, k;

	if (r == NULL || i >= r->n) {
		*key = 0;
		*value = 0;
		return;
	}
	if (c->rec == v->smaps && c->gen == st->gen && c->i <= i) {
		at = c->at;
		k = c->i;
	} else {
		at = r->off;
		k = 0;
	}
	for (;;) {
		get_field(st->buf, &at, key, value);
		if (k++ == i)
			break;
	}
	*c = (struct smaps_cursor){ v->smaps, (uint32_t)k, at, st->gen };
}

size_t vma_smaps_fields(const struct vma_model *m, const struct vma *v, unsigned *keys,
			uint64_t *values, size_t max)
{
	const struct vma_smaps_store *st = m->smaps;
	const struct smaps_rec *r = record_of(m, v);
	size_t at = r ? r->off : 0, n = r ? r->n : 0;

	for (size_t i = 0; i < n && i < max; i++)
		get_field(st->buf, &at, &keys[i], &values[i]);
	return n;
}

void vma_usage(const struct vma_model *m, const struct vma *v, struct vma_usage *u)
{
	const struct vma_smaps_store *st = m->smaps;
	const struct smaps_rec *r = record_of(m, v);
	size_t at = r ? r->off : 0;

	*u = (struct vma_usage){ 0 };
	for (unsigned i = 0; r != NULL && i < r->n; i++) {
		unsigned k;
		uint64_t val;

		get_field(st->buf, &at, &k, &val);
		switch (k) {
		case SMAPS_RSS: u->rss = val * 1024; break;
		case SMAPS_PSS: u->pss = val * 1024; break;
		case SMAPS_SHARED_DIRTY: case SMAPS_PRIVATE_DIRTY: u->dirty += val * 1024; break;
		case SMAPS_SWAP: u->swap = val * 1024; return;	/* the last one needed */
		default: break;
		}
	}
}

bool vma_smaps_get(const struct vma_model *m, const struct vma *v, unsigned key,
		   uint64_t *value)
{
	const struct vma_smaps_store *st = m->smaps;
	const struct smaps_rec *r = record_of(m, v);
	size_t at = r ? r->off : 0;

	for (unsigned i = 0; r != NULL && i < r->n; i++) {
		unsigned k;
		uint64_t val;

		get_field(st->buf, &at, &k, &val);
		if (k == key) {
			*value = val;
			return true;
		}
	}
	return false;
}

void vma_smaps_drop(struct vma_model *m, struct vma *v)
{
	struct vma_smaps_store *st = m->smaps;
	struct smaps_rec *r;

	if (v->smaps == VMA_NO_SMAPS)
		return;
	if (v->smaps < st->nrec && st->rec[v->smaps].n != REC_FREE) {
		r = &st->rec[v->smaps];
		if (at_tail(st, r))
			st->used -= r->len;	/* last in the arena: take it back */
		else
			st->garbage += r->len;
		r->n = REC_FREE;
		r->off = st->free_rec;
		st->free_rec = v->smaps;
		st->gen++;
	}
	v->smaps = VMA_NO_SMAPS;
}
