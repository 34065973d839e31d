/*
 * calls_unseen.c - what no strace log shows, for call_apply: the VMAs whose
 * state depends on it get VMA_B_UNSURE_* marks (page faults that would have
 * given memory an anon_vma, files that cannot be stat'ed), or, with
 * ctx->assume_written, private writable memory is taken as written.
 */
#include <stdbool.h>
#include <stdint.h>

#include "abi.h"
#include "calls.h"
#include "calls_int.h"

static void mark_range(struct vma_model *m, uint64_t start, uint64_t len, uint16_t bit)
{
	for (struct vma *v = vma_find(m, start); v && v->start < start + len; v = v->next)
		v->bits |= bit;
}

/* Would mprotect(start, len, prot) drop VM_ACCOUNT because no write was seen? */
bool calls_account_unsure(struct vma_model *m, uint64_t start, uint64_t len, int prot)
{
	if (prot & VMA_PROT_WRITE)
		return false;
	for (struct vma *v = vma_find(m, start); v && v->start < start + len; v = v->next)
		if ((v->flags & VMF(ACCOUNT)) && !v->anon_vma && !v->file)
			return true;
	return false;
}

/* --assume-written: every private writable page of [start, start+len) is written. */
static void assume_written(struct vma_model *m, uint64_t start, uint64_t len)
{
	for (struct vma *v = vma_find(m, start); v && v->start < start + len; v = v->next)
		if ((v->flags & VMF(WRITE)) && !(v->flags & VMF(SHARED)) && !v->anon_vma) {
			uint64_t a = v->start > start ? v->start : start;
			uint64_t e = v->end < start + len ? v->end : start + len;
			vma_touch(m, a, e - a, NULL);
			v = vma_find(m, a);	/* the touch may have merged v away */
			if (!v)
				break;
		}
}

/*
 * A merge of two VMAs of private writable anonymous memory that existed
 * before the call (mprotect, madvise... back to equal flags, or a new
 * mapping that joins both its neighbours): had they been written apart, no
 * log shows it, with separate anon_vmas, they would have stayed apart.  A
 * new mapping joining one neighbour merges either way.
 */
void calls_unsure_merges(struct vma_model *m, const struct call *c, const struct vma_effects *fx,
			  size_t first)
{
	bool fresh = c->kind == CALL_MMAP || c->kind == CALL_BRK || c->kind == CALL_MREMAP;

	for (size_t i = first; i < fx->n; i++) {
		const struct vma_event *e = &fx->ev[i];
		bool both = e->start < e->old_start && e->end > e->old_end;
		struct vma *v;

		if ((e->kind != VMA_EV_MERGE && e->kind != VMA_EV_EXPAND) || (fresh && !both))
			continue;
		v = vma_lookup(m, e->start);
		if (v && !v->file && (v->flags & VMF(MAYWRITE)) && !(v->flags & VMF(SHARED)))
			v->bits |= VMA_B_UNSURE_ANON;
	}
}

/* What a call did that the log cannot show: marks, or the --assume-written writes. */
void calls_unseen(struct calls_ctx *ctx, struct vma_model *m, const struct call *c,
		   const uint64_t *x, uint64_t res, uint64_t old_brk, bool unsure, bool stat_failed)
{
	switch (c->kind) {
	case CALL_MMAP:
		if (stat_failed)
			mark_range(m, res, x[1], VMA_B_UNSURE_FILE);
		if (ctx->assume_written)
			assume_written(m, res, x[1]);
		break;
	case CALL_MREMAP:
		if (ctx->assume_written)
			assume_written(m, res, x[2]);
		break;
	case CALL_BRK:
		if (ctx->assume_written && res > old_brk)
			assume_written(m, old_brk, res - old_brk);
		break;
	case CALL_MPROTECT:
	case CALL_PKEY_MPROTECT:
		if (unsure)
			mark_range(m, x[0], x[1], VMA_B_UNSURE_ANON);
		else if (ctx->assume_written)
			assume_written(m, x[0], x[1]);
		break;
	default:
		break;
	}
}

