/*
 * diff_int.h - what engine/diff.c and engine/diff_moves.c share: the work
 * state of one diff_models() call and the small predicates on VMAs.
 * Internal to the engine's diff; not for cli/.
 */
#ifndef VMATOOL_DIFF_INT_H
#define VMATOOL_DIFF_INT_H

#include "diff.h"

#define DIFF_NONE UINT32_MAX

struct uf {
	uint32_t *parent;
};

struct diff_work {
	struct diff_result *r;
	const struct diff_opts *o;
	const struct vma_model *a, *b;
	const struct vma **va, **vb;	/* address order */
	size_t na, nb;
	struct uf uf;			/* indices: A 0..na-1, B na..na+nb-1 */
	uint32_t *next;			/* next member of the same component */
	uint32_t *tail;			/* per root: last member so far */
	uint32_t *cand_a, *cand_b;	/* left-over single VMAs */
	size_t ncand_a, ncand_b;
};

bool diff_name_eq(const struct vma_model *ma, const struct vma *x,
		  const struct vma_model *mb, const struct vma *y);
bool diff_is_file(const struct vma *v);
bool diff_is_special(const struct vma *v);	/* [vdso] and friends, stacks */
bool diff_is_shared(const struct vma *v);
vmf_t diff_compared_flags(const struct vma *v);	/* VmFlags but rd/wr/ex */
struct diff_change *diff_change_new(struct diff_result *r);
void diff_change_usage(struct diff_work *w, struct diff_change *c);

/* diff_moves.c: pair left-over removed and added VMAs (set them to DIFF_NONE). */
int diff_match_moves(struct diff_work *w, bool by_size);
int diff_match_part_moves(struct diff_work *w);

#endif
