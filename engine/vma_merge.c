/*
 * vma_merge.c - when two neighbouring VMAs may be one, and the primitives
 * every operation is built from: split a VMA, remove one, change the
 * attributes of part of one (merging with a neighbour where Linux 6.18's
 * mm/vma.c would), and place a new range next to its neighbours.  Also the
 * effects list the operations report into, and why-no-merge strings.
 *
 * The merge cases (the eight of the old mm/mmap.c, in Linux 6.18's terms).
 * P is the VMA below the range R, N the VMA above; letters show which VMA
 * owns each page afterwards.
 *
 * A new range R fills a hole (mmap, brk, the destination of an mremap):
 *
 *     PPPP....NNNN        case 1:  PPPPPPPPPPPP   P grows over R and N, N removed
 *         RRRR            case 2:  PPPPPPPPNNNN   P grows over R
 *                         case 3:  PPPPNNNNNNNN   N grows down over R
 *
 * Part or all of an existing VMA M changes (mprotect, madvise, mlock, mseal,
 * anon name):
 *
 *     PPPPMMMMMMMMNNNN    case 4:  PPPPPPPPMMMMNNNN   R at M's start: P grows,
 *         RRRR                                        M shrinks
 *     PPPPMMMMMMMMNNNN    case 5:  PPPPMMMMNNNNNNNN   R at M's end: N grows
 *             RRRR                                    down, M shrinks
 *     PPPPMMMMMMMMNNNN    case 6:  PPPPPPPPPPPPPPPP   R is all of M: P grows,
 *         RRRRRRRR                                    M and N removed
 *                         case 7:  PPPPPPPPPPPPNNNN   P grows, M removed
 *                         case 8:  PPPPNNNNNNNNNNNN   N grows down, M removed
 *
 * Anything else is no merge: a new range gets its own VMA; an existing
 * range is split off M (one split at each end that falls inside M, each
 * refused with ENOMEM when the map count is at vm.max_map_count).  A range
 * strictly inside M never merges.  P and N join only when flags (bar the
 * sticky soft-dirty and maybe-guard bits), open file, page offsets, anon
 * name and anon_vma all agree; in cases 1 and 6 P's and N's anon_vmas must
 * also agree with each other; a VMA with a close hook is never the one
 * removed (cases 1 and 6 then fall back to 2 and 7).
 */
#include <stdlib.h>
#include <string.h>

#include "vma_ops.h"

/* ---- effects ------------------------------------------------------------- */

void vma_effects_init(struct vma_effects *fx)
{
	memset(fx, 0, sizeof(*fx));
}

void vma_effects_clear(struct vma_effects *fx)
{
	fx->n = 0;
	fx->oom = false;
}

void vma_effects_release(struct vma_effects *fx)
{
	free(fx->ev);
	vma_effects_init(fx);
}

int vma_effects_add(struct vma_effects *fx, const struct vma_event *ev)
{
	if (fx->n == fx->cap) {
		size_t cap = fx->cap ? fx->cap * 2 : 16;
		struct vma_event *ev2 = realloc(fx->ev, cap * sizeof(*ev2));

		if (ev2 == NULL) {
			fx->oom = true;
			return -ENOMEM;
		}
		fx->ev = ev2;
		fx->cap = cap;
	}
	fx->ev[fx->n++] = *ev;
	return 0;
}

void ops_ev(struct vma_effects *fx, enum vma_event_kind kind, uint64_t start, uint64_t end,
	    uint64_t old_start, uint64_t old_end)
{
	struct vma_event ev = {
		.kind = kind, .start = start, .end = end,
		.old_start = old_start, .old_end = old_end,
	};

	if (fx != NULL)
		vma_effects_add(fx, &ev);
}

void ops_ev_flags(struct vma_effects *fx, const struct vma *v, vmf_t old_flags)
{
	struct vma_event ev = {
		.kind = VMA_EV_FLAGS, .start = v->start, .end = v->end,
		.old_start = v->start, .old_end = v->end,
		.old_flags = old_flags, .new_flags = v->flags,
	};

	if (fx != NULL && old_flags != v->flags)
		vma_effects_add(fx, &ev);
}

void ops_ev_nomerge(struct vma_effects *fx, uint64_t start, uint64_t end,
		    const struct vma *other, enum vma_nomerge why)
{
	struct vma_event ev = {
		.kind = VMA_EV_NOMERGE, .start = start, .end = end,
		.old_start = start, .old_end = end,
		.other_start = other->start, .other_end = other->end, .why = why,
	};

	if (fx != NULL && why != VMA_MERGE_OK)
		vma_effects_add(fx, &ev);
}

const char *vma_nomerge_str(enum vma_nomerge why)
{
	switch (why) {
	case VMA_MERGE_OK:		return "mergeable";
	case VMA_NOMERGE_NOT_ADJACENT:	return "not adjacent";
	case VMA_NOMERGE_FLAGS:		return "flags differ";
	case VMA_NOMERGE_FILE:		return "different file";
	case VMA_NOMERGE_OPEN:		return "same file, different open";
	case VMA_NOMERGE_PGOFF:		return "page offsets not continuous";
	case VMA_NOMERGE_ANON_VMA:	return "different anon_vma";
	case VMA_NOMERGE_SPECIAL:	return "special mapping";
	case VMA_NOMERGE_NAME:		return "anonymous names differ";
	case VMA_NOMERGE_SHMEM:		return "separate shared memory objects";
	case VMA_NOMERGE_HIDDEN:	return "differ in state /proc does not show";
	case VMA_NOMERGE_RANGE:		return "range does not reach this side";
	case VMA_NOMERGE_CLOSE:		return "mapping with a close hook cannot be removed";
	}
	return "unknown";
}

/* ---- the predicate ---------------------------------------------------------- */

/* What must be equal for a merge: the path of a file, the name of anon memory. */
static uint32_t name_key(const struct vma *v)
{
	return (v->file != 0 || (v->bits & VMA_B_ANON_NAME)) ? v->name : 0;
}

/* anon_vma of a fork child: its chain has more than one entry. */
static bool uncowed_parents(const struct vma *v)
{
	return v != NULL && v->anon_vma != 0 && (v->bits & VMA_B_FORK_CHILD);
}

/* is_mergeable_vma: flags, file, uffd (not modelled), anon name. */
static enum vma_nomerge attrs_differ(const struct vma *tgt, const struct vma *want)
{
	if ((want->flags & VMF_SPECIAL) || ((tgt->bits | want->bits) & VMA_B_SPECIAL_NAME))
		return VMA_NOMERGE_SPECIAL;
	if (tgt->file != want->file) {
		if (tgt->bits & want->bits & VMA_B_SHMEM)
			return VMA_NOMERGE_SHMEM;
		if (tgt->file && want->file && tgt->inode == want->inode && tgt->dev == want->dev)
			return VMA_NOMERGE_OPEN;
		return VMA_NOMERGE_FILE;
	}
	if (((tgt->flags ^ want->flags) & ~VMF_STICKY) || tgt->pkey != want->pkey)
		return VMA_NOMERGE_FLAGS;
	if (name_key(tgt) != name_key(want))
		return VMA_NOMERGE_NAME;
	return VMA_MERGE_OK;
}

/* is_mergeable_anon_vma: want->anon_vma is what the range brings along. */
static enum vma_nomerge anon_differ(const struct vma *tgt, const struct vma *want,
				    const struct vma *src, const struct vma *copied_from)
{
	bool ok;

	if (!tgt->anon_vma && want->anon_vma)
		ok = !uncowed_parents(src) && !uncowed_parents(copied_from);
	else if (tgt->anon_vma && !want->anon_vma)
		ok = !uncowed_parents(tgt);
	else
		ok = tgt->anon_vma == want->anon_vma;
	if (ok)
		return VMA_MERGE_OK;
	if ((tgt->bits | want->bits) & VMA_B_HIDDEN)
		return VMA_NOMERGE_HIDDEN;
	return VMA_NOMERGE_ANON_VMA;
}

enum vma_nomerge ops_can_merge_after(const struct vma_model *m, const struct vma *prev,
				     const struct vma *want, const struct vma *src,
				     const struct vma *copied_from)
{
	enum vma_nomerge why;

	if (prev->end != want->start)
		return VMA_NOMERGE_NOT_ADJACENT;
	why = attrs_differ(prev, want);
	if (why == VMA_MERGE_OK)
		why = anon_differ(prev, want, src, copied_from);
	if (why == VMA_MERGE_OK && prev->pgoff + ops_pages(m, prev->end - prev->start) != want->pgoff)
		why = VMA_NOMERGE_PGOFF;
	return why;
}

enum vma_nomerge ops_can_merge_before(const struct vma_model *m, const struct vma *next,
				      const struct vma *want, const struct vma *src,
				      const struct vma *copied_from)
{
	enum vma_nomerge why;

	if (next->start != want->end)
		return VMA_NOMERGE_NOT_ADJACENT;
	why = attrs_differ(next, want);
	if (why == VMA_MERGE_OK)
		why = anon_differ(next, want, src, copied_from);
	if (why == VMA_MERGE_OK && want->pgoff + ops_pages(m, want->end - want->start) != next->pgoff)
		why = VMA_NOMERGE_PGOFF;
	return why;
}

bool ops_anon_vmas_compatible(const struct vma *a, const struct vma *b)
{
	return !a->anon_vma || !b->anon_vma || a->anon_vma == b->anon_vma;
}

enum vma_nomerge vma_explain_no_merge(const struct vma_model *m,
				      const struct vma *a, const struct vma *b)
{
	enum vma_nomerge why;

	if (a->end != b->start)
		return VMA_NOMERGE_NOT_ADJACENT;
	if (((a->flags | b->flags) & VMF_SPECIAL) || ((a->bits | b->bits) & VMA_B_SPECIAL_NAME))
		return VMA_NOMERGE_SPECIAL;
	/* As if b's attributes were changed in place: the merge-with-prev test. */
	why = ops_can_merge_after(m, a, b, b, NULL);
	if ((b->bits & VMA_B_HIDDEN) && (why == VMA_MERGE_OK || why == VMA_NOMERGE_PGOFF ||
					  why == VMA_NOMERGE_ANON_VMA))
		why = VMA_NOMERGE_HIDDEN;
	if (why == VMA_MERGE_OK && (b->bits & VMA_B_HAS_CLOSE))
		why = VMA_NOMERGE_CLOSE;
	return why;
}

/* ---- primitives ----------------------------------------------------------- */

static bool name_is(const struct vma_model *m, uint32_t id, const char *s)
{
	return id != 0 && strcmp(vma_name(m, id), s) == 0;
}

/*
 * /proc names anonymous memory by position: [heap] over [start_brk, brk),
 * [stack] around start_stack.  Unknown positions keep the name they had.
 */
static void relabel_anon(struct vma_model *m, struct vma *v)
{
	const struct vma_params *p = &m->p;
	bool heap_known = p->start_brk != 0, stack_known = p->start_stack != 0;
	const char *want = NULL;

	if (!heap_known && !stack_known && v->name == 0)
		return;
	if (heap_known && v->start < p->brk && v->end > p->start_brk)
		want = "[heap]";
	else if (stack_known && v->start <= p->start_stack && v->end >= p->start_stack)
		want = "[stack]";
	else if ((!heap_known && name_is(m, v->name, "[heap]")) ||
		 (!stack_known && name_is(m, v->name, "[stack]")))
		return;
	v->name = want ? vma_intern(m, want, strlen(want)) : 0;
}

static void refresh(struct vma_model *m, struct vma *v, bool bounds)
{
	if (bounds)
		vma_smaps_drop(m, v);
	if (v->file == 0 && v->inode == 0 && !(v->bits & (VMA_B_ANON_NAME | VMA_B_SPECIAL_NAME)))
		relabel_anon(m, v);
	vma_classify(m, v);
	if (v->next)
		vma_classify(m, v->next);
}

void ops_refresh(struct vma_model *m, struct vma *v)
{
	refresh(m, v, true);
}

void ops_relabel(struct vma_model *m, struct vma *v)
{
	refresh(m, v, false);
}

static void copy_attrs(struct vma *dst, const struct vma *src)
{
	dst->flags = src->flags;
	dst->pgoff = src->pgoff;
	dst->inode = src->inode;
	dst->dev = src->dev;
	dst->name = src->name;
	dst->file = src->file;
	dst->anon_vma = src->anon_vma;
	dst->kind = src->kind;
	dst->pkey = src->pkey;
	dst->bits = src->bits;
}

int ops_split(struct vma_model *m, struct vma *v, uint64_t at, struct vma **upper,
	      struct vma_effects *fx)
{
	uint64_t old_end = v->end;
	struct vma *u;

	if (v->bits & VMA_B_SPECIAL_NAME)
		return -EINVAL;		/* special_mapping_split */
	u = vma_alloc(m);
	if (u == NULL)
		return -ENOMEM;
	copy_attrs(u, v);
	u->start = at;
	u->end = old_end;
	u->pgoff = ops_pgoff_at(m, v, at);
	vma_set_bounds(m, v, v->start, at);
	if (vma_insert(m, u) < 0) {
		vma_set_bounds(m, v, v->start, old_end);
		vma_free(m, u);
		return -EFAULT;
	}
	/* Without start_stack, the top part keeps the [stack] label. */
	if (m->p.start_stack == 0 && v->file == 0 && name_is(m, v->name, "[stack]"))
		v->name = 0;
	refresh(m, v, true);
	refresh(m, u, true);
	if (fx) {
		struct vma_event ev = {
			.kind = VMA_EV_SPLIT, .start = v->start, .end = old_end,
			.old_start = v->start, .old_end = old_end, .at = at,
		};
		vma_effects_add(fx, &ev);
	}
	*upper = u;
	return 0;
}

void ops_remove(struct vma_model *m, struct vma *v, struct vma_effects *fx)
{
	struct vma *next = v->next;

	ops_ev(fx, VMA_EV_REMOVE, v->start, v->end, v->start, v->end);
	vma_erase(m, v);
	vma_free(m, v);
	if (next)
		vma_classify(m, next);
}

struct vma *ops_insert_new(struct vma_model *m, const struct vma *want, struct vma_effects *fx)
{
	struct vma *v = vma_alloc(m);

	if (v == NULL)
		return NULL;
	copy_attrs(v, want);
	v->start = want->start;
	v->end = want->end;
	if (vma_insert(m, v) < 0) {
		vma_free(m, v);
		return NULL;
	}
	refresh(m, v, true);
	ops_ev(fx, VMA_EV_CREATE, v->start, v->end, v->start, v->end);
	return v;
}

/* dup_anon_vma: dst takes src's anon_vma if it has none. */
static void dup_anon_vma(struct vma *dst, const struct vma *src)
{
	if (src != NULL && src->anon_vma && !dst->anon_vma)
		dst->anon_vma = src->anon_vma;
}

static void merged_event(struct vma_effects *fx, const struct vma *target,
			 uint64_t start, uint64_t end)
{
	ops_ev(fx, VMA_EV_MERGE, target->start, target->end, start, end);
}

/* Cases 4 to 8: part or all of m_vma joins prev and/or next. */
static struct vma *merge_existing(struct vma_model *m, struct vma *v, struct vma *want_rng,
				  bool ml, bool mr, struct vma_effects *fx)
{
	struct vma *prev = v->prev, *next = v->next, *target;
	uint64_t start = want_rng->start, end = want_rng->end;
	bool whole = start == v->start && end == v->end;
	vmf_t sticky = (want_rng->flags | v->flags) & VMF_STICKY, old = v->flags;

	if (ml && mr) {				/* case 6 */
		uint64_t new_end = next->end;

		target = prev;
		dup_anon_vma(prev, next->anon_vma ? next : v);
		sticky |= (prev->flags | next->flags) & VMF_STICKY;
		ops_remove(m, v, NULL);
		ops_remove(m, next, NULL);
		vma_set_bounds(m, prev, prev->start, new_end);
	} else if (ml) {			/* cases 4 and 7 */
		target = prev;
		dup_anon_vma(prev, v);
		sticky |= prev->flags & VMF_STICKY;
		if (whole) {
			ops_remove(m, v, NULL);
		} else {
			v->pgoff = ops_pgoff_at(m, v, end);
			vma_set_bounds(m, v, end, v->end);
			refresh(m, v, true);
		}
		vma_set_bounds(m, prev, prev->start, end);
	} else {				/* cases 5 and 8 */
		target = next;
		dup_anon_vma(next, v);
		sticky |= next->flags & VMF_STICKY;
		if (whole)
			ops_remove(m, v, NULL);
		else
			vma_set_bounds(m, v, v->start, start);
		if (!whole)
			refresh(m, v, true);
		next->pgoff = want_rng->pgoff;
		vma_set_bounds(m, next, start, next->end);
	}
	target->flags = want_rng->flags | sticky;
	refresh(m, target, true);
	merged_event(fx, target, start, end);
	if (fx && old != want_rng->flags) {
		struct vma_event ev = {
			.kind = VMA_EV_FLAGS, .start = start, .end = end,
			.old_start = start, .old_end = end,
			.old_flags = old, .new_flags = target->flags,
		};
		vma_effects_add(fx, &ev);
	}
	return target;
}

static void report_sides(struct vma_effects *fx, const struct vma *v, const struct vma *rng,
			 enum vma_nomerge wl, enum vma_nomerge wr)
{
	if (v->prev && v->prev->end == v->start)
		ops_ev_nomerge(fx, rng->start, rng->end, v->prev, wl);
	if (v->next && v->next->start == v->end)
		ops_ev_nomerge(fx, rng->start, rng->end, v->next, wr);
}

/* The attributes an in-place change may set; flags changed are reported. */
static void apply_attrs(struct vma_model *m, struct vma *v, const struct vma *want,
			struct vma_effects *fx)
{
	vmf_t old = v->flags;

	v->flags = want->flags;
	v->pkey = want->pkey;
	if (v->name != want->name) {
		v->name = want->name;
		v->bits = (v->bits & ~VMA_B_ANON_NAME) | (want->bits & VMA_B_ANON_NAME);
	}
	refresh(m, v, false);
	ops_ev_flags(fx, v, old);
}

struct vma *ops_modify(struct vma_model *m, struct vma *v, uint64_t start, uint64_t end,
		       const struct vma *want, int *err, struct vma_effects *fx)
{
	bool left = start == v->start, right = end == v->end, ml = false, mr = false;
	enum vma_nomerge wl = VMA_NOMERGE_RANGE, wr = VMA_NOMERGE_RANGE;
	struct vma *prev = v->prev, *next = v->next, rng = *want, *part;
	int e;

	rng.start = start;
	rng.end = end;
	rng.pgoff = ops_pgoff_at(m, v, start);
	rng.anon_vma = v->anon_vma;
	if (want->flags & VMF_SPECIAL) {
		wl = wr = VMA_NOMERGE_SPECIAL;
	} else if (left || right) {
		if (left && prev) {
			wl = ops_can_merge_after(m, prev, &rng, v, NULL);
			ml = wl == VMA_MERGE_OK;
		}
		if (right && next) {
			wr = ops_can_merge_before(m, next, &rng, v, NULL);
			mr = wr == VMA_MERGE_OK;
			if (mr && ml && !ops_anon_vmas_compatible(prev, next)) {
				mr = false;
				wr = VMA_NOMERGE_ANON_VMA;
			}
		}
		if ((ml || mr) && left && right && (v->bits & VMA_B_HAS_CLOSE)) {
			ml = mr = false;
			wl = wr = VMA_NOMERGE_CLOSE;
		}
		if (ml && mr && (next->bits & VMA_B_HAS_CLOSE)) {
			mr = false;
			wr = VMA_NOMERGE_CLOSE;
		}
	}
	if (fx)
		report_sides(fx, v, &rng, wl, wr);
	if (ml || mr)
		return merge_existing(m, v, &rng, ml, mr, fx);

	if (v->start < start) {
		if (m->count >= m->p.max_map_count)
			goto limit;
		e = ops_split(m, v, start, &part, fx);
		if (e < 0)
			goto fail;
		v = part;
	}
	if (v->end > end) {
		if (m->count >= m->p.max_map_count)
			goto limit;
		e = ops_split(m, v, end, &part, fx);
		if (e < 0)
			goto fail;
	}
	apply_attrs(m, v, want, fx);
	return v;
limit:
	ops_ev(fx, VMA_EV_LIMIT, start, end, v->start, v->end);
	e = -ENOMEM;
fail:
	*err = e;
	return NULL;
}

struct vma *ops_merge_new(struct vma_model *m, struct vma *prev, struct vma *next,
			  const struct vma *want, const struct vma *copied_from,
			  bool just_expand, struct vma_effects *fx)
{
	enum vma_nomerge wl = VMA_NOMERGE_NOT_ADJACENT, wr = VMA_NOMERGE_NOT_ADJACENT;
	bool ml = false, mr = false;
	struct vma *target;
	vmf_t sticky = want->flags & VMF_STICKY;

	if (prev) {
		wl = ops_can_merge_after(m, prev, want, NULL, copied_from);
		ml = wl == VMA_MERGE_OK;
	}
	if (next && !just_expand) {
		wr = ops_can_merge_before(m, next, want, NULL, copied_from);
		mr = wr == VMA_MERGE_OK;
		if (mr && ml && !ops_anon_vmas_compatible(prev, next)) {
			mr = false;
			wr = VMA_NOMERGE_ANON_VMA;
		}
	}
	if (ml && mr && (next->bits & VMA_B_HAS_CLOSE)) {
		mr = false;
		wr = VMA_NOMERGE_CLOSE;
	}
	if (fx && prev && wl != VMA_NOMERGE_NOT_ADJACENT)
		ops_ev_nomerge(fx, want->start, want->end, prev, wl);
	if (fx && next && !just_expand && wr != VMA_NOMERGE_NOT_ADJACENT)
		ops_ev_nomerge(fx, want->start, want->end, next, wr);
	if (ml) {				/* cases 1 and 2 */
		uint64_t new_end = mr ? next->end : want->end;

		target = prev;
		if (mr) {
			dup_anon_vma(prev, next);
			sticky |= next->flags & VMF_STICKY;
			ops_remove(m, next, NULL);
		}
		vma_set_bounds(m, prev, prev->start, new_end);
	} else if (mr) {			/* case 3 */
		target = next;
		next->pgoff = want->pgoff;
		vma_set_bounds(m, next, want->start, next->end);
	} else {
		return NULL;
	}
	dup_anon_vma(target, copied_from);
	target->flags |= sticky;
	refresh(m, target, true);
	merged_event(fx, target, want->start, want->end);
	return target;
}
