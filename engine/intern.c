/*
 * intern.c - interned VMA names: each distinct name is stored once and
 * VMAs refer to it by a 32-bit id (0 = no name, printed as "").
 *
 * The bytes live in large chunks that never move, so a pointer returned by
 * vma_name() stays valid until the model is released; each name is
 * NUL-terminated.  An open-addressing hash table (power-of-two size, linear
 * probing, at most half full) maps bytes to ids; each id's entry keeps its
 * hash so that probing compares 32-bit hashes before bytes.  Cost per name:
 * 16 bytes of entry, 8 of table, the bytes and a NUL.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "vma_internal.h"
#include "vma.h"

#define CHUNK_SIZE	(64 * 1024)

struct intern_entry {
	const char *s;
	uint32_t len;
	uint32_t hash;
};

struct intern_chunk {
	struct intern_chunk *next;
	size_t used, size;
	char bytes[];
};

struct vma_intern {
	struct intern_entry *ent;	/* by id; ent[0] is the empty name */
	uint32_t n, cap;		/* entries used (including 0), allocated */
	uint32_t *table;		/* ids; 0 = empty slot */
	uint32_t mask;			/* table size - 1 */
	struct intern_chunk *chunks;	/* newest first */
	size_t bytes;			/* total chunk bytes allocated */
};

/*
 * Eight bytes at a time (paths are long), each word mixed in by a multiply;
 * then a final mix so that low bits (the table index) spread.
 */
static uint32_t name_hash(const char *s, size_t len)
{
	const uint64_t k = UINT64_C(0x9e3779b97f4a7c15);
	uint64_t h = (uint64_t)len * k, w;
	size_t i = 0;

	for (; i + 8 <= len; i += 8) {
		memcpy(&w, s + i, 8);
		h = (h ^ w) * k;
		h ^= h >> 29;
	}
	if (i < len) {
		w = 0;
		if (len >= 8) {
			memcpy(&w, s + len - 8, 8);	/* the tail, overlapping */
		} else {
			for (; i < len; i++)
				w = w << 8 | (unsigned char)s[i];
		}
		h = (h ^ w) * k;
		h ^= h >> 29;
	}
	h *= UINT64_C(0xbf58476d1ce4e5b9);
	h ^= h >> 32;
	return (uint32_t)h;
}

struct vma_intern *intern_new(void)
{
	struct vma_intern *in = calloc(1, sizeof(*in));

	if (in == NULL)
		return NULL;
	in->cap = 64;
	in->ent = calloc(in->cap, sizeof(*in->ent));
	in->mask = 127;
	in->table = calloc(in->mask + 1, sizeof(*in->table));
	if (in->ent == NULL || in->table == NULL) {
		intern_free(in);
		return NULL;
	}
	in->ent[0].s = "";
	in->n = 1;
	return in;
}

void intern_free(struct vma_intern *in)
{
	struct intern_chunk *c, *next;

	if (in == NULL)
		return;
	for (c = in->chunks; c != NULL; c = next) {
		next = c->next;
		free(c);
	}
	free(in->ent);
	free(in->table);
	free(in);
}

/* Copy len bytes plus a NUL into chunk storage that never moves. */
static char *store_bytes(struct vma_intern *in, const char *s, size_t len)
{
	struct intern_chunk *c = in->chunks;
	char *dst;

	if (c == NULL || c->size - c->used < len + 1) {
		size_t size = len + 1 > CHUNK_SIZE / 4 ? len + 1 : CHUNK_SIZE;

		c = malloc(sizeof(*c) + size);
		if (c == NULL)
			return NULL;
		c->size = size;
		c->used = 0;
		in->bytes += sizeof(*c) + size;
		if (size == CHUNK_SIZE || in->chunks == NULL) {
			c->next = in->chunks;
			in->chunks = c;
		} else {
			/* A big name gets its own chunk behind the current one. */
			c->next = in->chunks->next;
			in->chunks->next = c;
		}
	}
	dst = c->bytes + c->used;
	memcpy(dst, s, len);
	dst[len] = '\0';
	c->used += len + 1;
	return dst;
}

static int grow_table(struct vma_intern *in)
{
	uint32_t size = (in->mask + 1) * 2, mask = size - 1;
	uint32_t *table = calloc(size, sizeof(*table));

	if (table == NULL)
		return -ENOMEM;
	for (uint32_t id = 1; id < in->n; id++) {
		uint32_t i = in->ent[id].hash & mask;

		while (table[i] != 0)
			i = (i + 1) & mask;
		table[i] = id;
	}
	free(in->table);
	in->table = table;
	in->mask = mask;
	return 0;
}

static int grow_entries(struct vma_intern *in)
{
	uint32_t cap = in->cap * 2;
	struct intern_entry *ent = realloc(in->ent, cap * sizeof(*ent));

	if (ent == NULL)
		return -ENOMEM;
	in->ent = ent;
	in->cap = cap;
	return 0;
}

int intern_add(struct vma_intern *in, const char *s, size_t len, uint32_t *id)
{
	uint32_t h, i;
	char *copy;

	*id = 0;
	if (len == 0)
		return 0;
	if (len > UINT32_MAX - 1)
		return -EINVAL;
	h = name_hash(s, len);
	for (i = h & in->mask; in->table[i] != 0; i = (i + 1) & in->mask) {
		const struct intern_entry *e = &in->ent[in->table[i]];

		if (e->hash == h && e->len == len && memcmp(e->s, s, len) == 0) {
			*id = in->table[i];
			return 0;
		}
	}
	if (in->n == UINT32_MAX)
		return -ENOMEM;
	if (in->n == in->cap && grow_entries(in) < 0)
		return -ENOMEM;
	if ((in->n + 1) * 2 > in->mask + 1) {
		if (grow_table(in) < 0)
			return -ENOMEM;
		for (i = h & in->mask; in->table[i] != 0; i = (i + 1) & in->mask)
			;
	}
	copy = store_bytes(in, s, len);
	if (copy == NULL)
		return -ENOMEM;
	in->ent[in->n] = (struct intern_entry){ copy, (uint32_t)len, h };
	in->table[i] = in->n;
	*id = in->n++;
	return 0;
}

const char *intern_str(const struct vma_intern *in, uint32_t id, size_t *len)
{
	if (in == NULL || id >= in->n) {
		if (len)
			*len = 0;
		return "";
	}
	if (len)
		*len = in->ent[id].len;
	return in->ent[id].s;
}

uint32_t intern_count(const struct vma_intern *in)
{
	return in ? in->n - 1 : 0;
}

size_t intern_bytes(const struct vma_intern *in)
{
	if (in == NULL)
		return 0;
	return sizeof(*in) + (size_t)in->cap * sizeof(*in->ent) +
	       ((size_t)in->mask + 1) * sizeof(*in->table) + in->bytes;
}

/* A copy with the same ids (entries are added in id order). */
struct vma_intern *intern_copy(const struct vma_intern *src)
{
	struct vma_intern *dst = intern_new();

	if (dst == NULL)
		return NULL;
	for (uint32_t id = 1; id < src->n; id++) {
		uint32_t got;

		if (intern_add(dst, src->ent[id].s, src->ent[id].len, &got) < 0 || got != id) {
			intern_free(dst);
			return NULL;
		}
	}
	return dst;
}

/* ---- the model's interface (vma.h) --------------------------------------- */

uint32_t vma_intern(struct vma_model *m, const char *s, size_t len)
{
	uint32_t id;

	if (intern_add(m->names, s, len, &id) < 0)
		return 0;
	return id;
}

int vma_intern_checked(struct vma_model *m, const char *s, size_t len, uint32_t *id)
{
	return intern_add(m->names, s, len, id);
}

const char *vma_name(const struct vma_model *m, uint32_t id)
{
	return intern_str(m->names, id, NULL);
}

size_t vma_name_len(const struct vma_model *m, uint32_t id)
{
	size_t len;

	intern_str(m->names, id, &len);
	return len;
}
