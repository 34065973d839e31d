/*
 * vma_internal.h - what the engine's own files share and callers never see:
 * the name table, the smaps value store and their lifecycle (used by
 * vma_tree.c for vma_model_init / release / clear / copy), the tree's gap
 * arithmetic (vma_tree.c, vma_validate.c) and the find index (vma_index.c).
 *
 * Ownership: the model owns one of each; these functions are called only
 * from the model's lifecycle functions.
 */
#ifndef VMATOOL_VMA_INTERNAL_H
#define VMATOOL_VMA_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vma.h"

struct vma_intern;
struct vma_smaps_store;

/* ---- intern.c: names ------------------------------------------------------ */
struct vma_intern *intern_new(void);
void intern_free(struct vma_intern *in);
struct vma_intern *intern_copy(const struct vma_intern *src);	/* same ids */
/* *id = 0 for len 0; 0 or -ENOMEM/-EINVAL. */
int intern_add(struct vma_intern *in, const char *s, size_t len, uint32_t *id);
const char *intern_str(const struct vma_intern *in, uint32_t id, size_t *len);
uint32_t intern_count(const struct vma_intern *in);	/* names, not counting 0 */
/*
 * vma_classify, remembering what each name says in cache[name id] (ncache
 * bytes set to 0xff first; ids from ncache up are not remembered).
 */
void vma_classify_cached(struct vma_model *m, struct vma *v, uint8_t *cache, size_t ncache);
size_t intern_bytes(const struct vma_intern *in);	/* memory in use */

/* ---- smaps_store.c: smaps values ------------------------------------------- */
struct vma_smaps_store *smaps_store_new(void);
void smaps_store_free(struct vma_smaps_store *st);
struct vma_smaps_store *smaps_store_copy(const struct vma_smaps_store *src);	/* same record ids */
void smaps_store_clear(struct vma_smaps_store *st);	/* forget every record, keep keys */
size_t smaps_store_bytes(const struct vma_smaps_store *st);

/* ---- vma_tree.c, vma_validate.c: the tree's arithmetic ---------------------- */
static inline struct vma *vt_node(const struct rb_node *n)
{
	return n ? rb_entry(n, struct vma, rb) : NULL;
}

static inline uint64_t vt_prev_end(const struct vma *v)
{
	return v->prev ? v->prev->end : 0;
}

/* Where the free space below v ends: v->start, less the guard gap below a stack. */
static inline uint64_t vt_start_gap(const struct vma *v, uint64_t guard)
{
	if (!(v->flags & VMF(GROWSDOWN)))
		return v->start;
	return v->start > guard ? v->start - guard : 0;
}

static inline uint64_t vt_own_gap(const struct vma *v, uint64_t guard)
{
	uint64_t end = vt_start_gap(v, guard), start = vt_prev_end(v);

	return end > start ? end - start : 0;
}

static inline uint64_t vt_max(uint64_t a, uint64_t b)
{
	return a > b ? a : b;
}

static inline uint64_t vt_subtree_gap(const struct vma *v, uint64_t guard)
{
	uint64_t gap = vt_own_gap(v, guard);

	if (v->rb.left)
		gap = vt_max(gap, vt_node(v->rb.left)->subtree_gap);
	if (v->rb.right)
		gap = vt_max(gap, vt_node(v->rb.right)->subtree_gap);
	return gap;
}


static inline unsigned vt_cache_index(const struct vma_model *m, uint64_t addr)
{
	return (unsigned)(addr >> __builtin_ctzll(m->p.page_size)) & 3;
}

/* ---- vma_index.c: the read-mostly find index ------------------------------- */
/*
 * vma_find's answer when the cache missed: the index if built, else the
 * tree; bounds[0..1] get the answer's start and end (0, 0 for none).
 */
struct vma *index_find(struct vma_model *m, uint64_t addr, uint64_t bounds[2]);
bool index_is_built(const struct vma_model *m);
size_t index_bytes(const struct vma_model *m);
int index_check(const struct vma_model *m, char *err, size_t errlen);
void index_free(struct vma_find_index *ix);

#endif
