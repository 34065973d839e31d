/*
 * diff.h - the semantic diff of two address spaces, and --explain: the calls
 * that turn one into the other.
 *
 * diff_models() pairs the two models' VMAs by walking both lists together in
 * address order (linear in the number of VMAs).  VMAs that overlap and have
 * the same backing (the same file at a consistent offset, anonymous memory of
 * the same kind, or the same special mapping) are joined into clusters (a
 * union-find over the overlapping pairs).  A cluster of one VMA before and
 * one after is unchanged, changed in place, grown or shrunk; one before and
 * several after is a split; several before and one after a merge; several and
 * several a reshape (boundaries moved).  What is left over on each side is
 * removed or added, except that a removed and an added VMA of the same file
 * and offset are a move (mremap), and anonymous ones of the same size, flags
 * and name, unique on both sides, a likely move; an added anonymous VMA the
 * size of the one piece a shrunk or split VMA lost, with its flags and name,
 * is a likely move of that part.
 *
 *   before: [ A0 rw- ][ A1 r-- ]      [ A2 ]      [ A3 anon 8K ]
 *   after:  [ B0 rw-           ] [B1] [ A2 grown ]               [ B3 anon 8K ]
 *           A0+A1 -> B0 merged;  B1 added;  A2 grown at end;  A3 -> B3 moved (likely)
 *
 * Usage (RSS, PSS, swap, dirty) is compared when both models have smaps
 * values; a change that is only usage is reported when one of its deltas is
 * at least min_delta.
 *
 * Ownership: a struct diff_result borrows both models (they must outlive it)
 * and owns its arrays: diff_result_release.  No I/O; -ENOMEM is returned.
 */
#ifndef VMATOOL_DIFF_H
#define VMATOOL_DIFF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vma.h"

/* The shape of a change. */
enum diff_kind {
	DIFF_SAME,		/* same range; attributes or usage changed */
	DIFF_GROWN,		/* one VMA, larger, covering the old range */
	DIFF_SHRUNK,		/* one VMA, smaller, inside the old range */
	DIFF_RESIZED,		/* one VMA: one end grew, the other shrank */
	DIFF_SPLIT,		/* one VMA became several */
	DIFF_MERGED,		/* several VMAs became one */
	DIFF_RESHAPED,		/* several became several: boundaries moved */
	DIFF_MOVED,		/* mremap: same file and offset (or likely anon) elsewhere */
	DIFF_ADDED,
	DIFF_REMOVED,
	DIFF_KIND_COUNT
};

/* What changed besides the shape (struct diff_change.what). */
#define DIFF_W_PERMS	0x001	/* permissions of some part differ */
#define DIFF_W_VMFLAGS	0x002	/* VmFlags other than rd/wr/ex differ */
#define DIFF_W_RENAMED	0x004	/* the name changed */
#define DIFF_W_DELETED	0x008	/* the backing file was deleted */
#define DIFF_W_USAGE	0x010	/* a usage delta is at least min_delta */
#define DIFF_W_LIKELY	0x020	/* moved: an anonymous match, likely, not certain */
#define DIFF_W_HOLE	0x040	/* part of the range was unmapped (split) or filled (merge) */
#define DIFF_W_START	0x080	/* the lowest address moved */
#define DIFF_W_END	0x100	/* the highest address moved */
#define DIFF_W_SIZE	0x200	/* moved: the size changed too */
#define DIFF_W_PART	0x400	/* moved: only part of the before VMA (from_start..from_end) */

struct diff_change {
	enum diff_kind kind;
	unsigned what;			/* DIFF_W_* */
	uint32_t a_first, na;		/* before: r->refs_a[a_first .. a_first+na) */
	uint32_t b_first, nb;		/* after:  r->refs_b[b_first .. b_first+nb) */
	vmf_t flags_added;		/* VmFlags set after, not before (not rd/wr/ex) */
	vmf_t flags_removed;
	int64_t rss, pss, swap, dirty;	/* bytes, after - before */
	uint64_t from_start, from_end;	/* moved: the range that moved */
};

struct diff_totals {
	size_t count_a, count_b;	/* VMAs */
	size_t added, removed;		/* VMAs in added/removed changes */
	size_t changed;			/* other changes */
	size_t unchanged;		/* VMAs with nothing to report */
	bool usage;			/* both sides have smaps: the deltas mean something */
	int64_t rss, pss, swap, dirty;	/* bytes, over everything */
};

struct diff_opts {
	uint64_t min_delta;		/* bytes; usage-only changes below are not reported */
	bool ignore_usage;		/* compare structure only */
};

struct diff_result {
	const struct vma_model *a, *b;
	struct diff_change *changes;	/* in address order */
	size_t n, cap;
	const struct vma **refs_a, **refs_b;	/* the VMAs of the changes, grouped */
	size_t nrefs_a, nrefs_b;
	struct diff_totals t;
};

void diff_result_init(struct diff_result *r);
void diff_result_release(struct diff_result *r);

/* Compare a (before) with b (after).  0, or -ENOMEM. */
int diff_models(const struct vma_model *a, const struct vma_model *b,
		const struct diff_opts *o, struct diff_result *r);

/* "same", "grown", "shrunk", "resized", "split", "merged", "reshaped", "moved", "added", "removed" */
const char *diff_kind_name(enum diff_kind kind);

/* The i-th VMA of a change before (i < na) and after (i < nb). */
static inline const struct vma *diff_vma_a(const struct diff_result *r,
					   const struct diff_change *c, size_t i)
{
	return r->refs_a[c->a_first + i];
}
static inline const struct vma *diff_vma_b(const struct diff_result *r,
					   const struct diff_change *c, size_t i)
{
	return r->refs_b[c->b_first + i];
}

/*
 * Compare two models as /proc shows them: ranges, permissions, offsets of
 * file mappings, device, inode, names and VmFlags.  With ignore_names, names
 * are not compared.  Returns true if equal; otherwise writes the first
 * difference to why.
 */
bool diff_models_equal(const struct vma_model *a, const struct vma_model *b,
		       bool ignore_names, char *why, size_t whylen);

/* ---- --explain (engine/explain.c) ------------------------------------------ */

/*
 * A sequence of calls that turns a into b, in the `sim` call language (one
 * call per line, strace syntax), found by working through the differences
 * (unmap, move, map, protect, advise, lock, seal) and checked by replaying
 * the text through the call parser (calls.h) on a copy of a: the result must
 * equal b in every VMA's range, permissions, offset, device, inode, name and
 * VmFlags.  Several ways of writing the calls are tried; the shortest that
 * checks out is kept.
 *
 * When nothing checks out, found is false and why says what could not be
 * explained.  Name changes no call makes (a file deleted or renamed under its
 * mapping) are listed in notes, and then names are left out of the check,
 * which the caller must say.
 */
struct diff_explain {
	bool found;		/* calls verified: replaying them on a gives b */
	bool names_ignored;	/* names were left out of the check (see notes) */
	size_t ncalls;
	char *text;		/* the calls, one per line; owned */
	size_t len;
	size_t nnotes;
	char *notes;		/* one per line; owned */
	size_t tried;		/* ways tried */
	char why[256];		/* when !found */
};

void diff_explain_init(struct diff_explain *e);
void diff_explain_release(struct diff_explain *e);
/* 0 (see e->found), or -ENOMEM. */
int diff_explain(const struct diff_result *r, struct diff_explain *e);

#endif
