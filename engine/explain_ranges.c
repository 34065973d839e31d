/*
 * explain_ranges.c - the last phases of --explain (see explain.c): where the
 * work model and B differ in permissions (mprotect), VmFlags that advice
 * sets (madvise), locking (mlock, mlock2, munlock) or sealing (mseal), one
 * call per run of touching ranges that need the same call.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "explain_int.h"

/*
 * want() says which call (a string like "mprotect(%#llx, %llu, PROT_READ)")
 * a work VMA v needs to look like y, or NULL.  Ranges needing the same call
 * that touch are written as one call.
 */
typedef const char *(*want_fn)(const struct vma *v, const struct vma *y, char *buf, size_t len);

struct range {
	uint64_t lo, hi;
	char call[96];
};

static void flush_range(struct explainer *x, struct range *rg)
{
	if (rg->hi > rg->lo)
		explain_emit(x, rg->call, (ull)rg->lo, (ull)(rg->hi - rg->lo));
	rg->lo = rg->hi = 0;
}

static void phase_ranges(struct explainer *x, want_fn want)
{
	struct range rg = { 0, 0, "" };
	struct { uint64_t lo, hi; char call[96]; } *todo = NULL;
	size_t n = 0, cap = 0, i;
	const struct vma *y;
	char buf[96];

	/* collect first: applying calls changes the work model under the walk */
	for (y = x->b->first; y && !x->failed; y = y->next) {
		struct vma *v;

		for (v = vma_find(&x->w, y->start); v && v->start < y->end; v = v->next) {
			const char *call = want(v, y, buf, sizeof(buf));
			uint64_t lo = v->start > y->start ? v->start : y->start;
			uint64_t hi = v->end < y->end ? v->end : y->end;

			if (!call)
				continue;
			if (n && todo[n - 1].hi == lo && !strcmp(todo[n - 1].call, call)) {
				todo[n - 1].hi = hi;
				continue;
			}
			if (n == cap) {
				void *t = realloc(todo, (cap = cap ? 2 * cap : 32) * sizeof(*todo));

				if (!t) {
					free(todo);
					return explain_fail(x, "out of memory");
				}
				todo = t;
			}
			todo[n].lo = lo;
			todo[n].hi = hi;
			snprintf(todo[n].call, sizeof(todo[n].call), "%s", call);
			n++;
		}
	}
	for (i = 0; i < n && !x->failed; i++) {
		rg.lo = todo[i].lo;
		rg.hi = todo[i].hi;
		snprintf(rg.call, sizeof(rg.call), "%s", todo[i].call);
		flush_range(x, &rg);
	}
	free(todo);
}

static const char *want_prot(const struct vma *v, const struct vma *y, char *buf, size_t len)
{
	char prot[64];

	if ((v->flags & VMF_ACCESS) == (y->flags & VMF_ACCESS))
		return NULL;
	snprintf(buf, len, "mprotect(%%#llx, %%llu, %s) = 0", explain_prot_text(y->flags, prot, sizeof(prot)));
	return buf;
}

static bool real_flags(const struct vma *v, const struct vma *y)
{
	return !(v->bits & VMA_B_FLAGS_INFERRED) && !(y->bits & VMA_B_FLAGS_INFERRED);
}

static const char *want_lock(const struct vma *v, const struct vma *y, char *buf, size_t len)
{
	vmf_t have = v->flags & VMF_LOCKED_MASK, want = y->flags & VMF_LOCKED_MASK;

	if (!real_flags(v, y) || have == want)
		return NULL;
	if (!want)
		return "munlock(%#llx, %llu) = 0";
	if (want & VMF(LOCKONFAULT))
		return "mlock2(%#llx, %llu, MLOCK_ONFAULT) = 0";
	return "mlock(%#llx, %llu) = 0";
}

/* madvise pairs: flag set by the first advice, cleared by the second. */
static const struct {
	vmf_t flag;
	const char *set, *clear;
} advice_flags[] = {
	{ VMF(DONTCOPY), "MADV_DONTFORK", "MADV_DOFORK" },
	{ VMF(WIPEONFORK), "MADV_WIPEONFORK", "MADV_KEEPONFORK" },
	{ VMF(DONTDUMP), "MADV_DONTDUMP", "MADV_DODUMP" },
	{ VMF(MERGEABLE), "MADV_MERGEABLE", "MADV_UNMERGEABLE" },
	{ VMF(HUGEPAGE), "MADV_HUGEPAGE", NULL },
	{ VMF(NOHUGEPAGE), "MADV_NOHUGEPAGE", NULL },
	{ VMF(SEQ_READ), "MADV_SEQUENTIAL", "MADV_NORMAL" },
	{ VMF(RAND_READ), "MADV_RANDOM", "MADV_NORMAL" },
	{ VMF(MAYBE_GUARD), "MADV_GUARD_INSTALL", NULL },
};

static const char *want_advice(const struct vma *v, const struct vma *y, char *buf, size_t len)
{
	size_t i;

	if (!real_flags(v, y))
		return NULL;
	for (i = 0; i < sizeof(advice_flags) / sizeof(advice_flags[0]); i++) {
		vmf_t f = advice_flags[i].flag;
		const char *adv;

		if ((v->flags & f) == (y->flags & f))
			continue;
		adv = y->flags & f ? advice_flags[i].set : advice_flags[i].clear;
		if (!adv)
			continue;
		snprintf(buf, len, "madvise(%%#llx, %%llu, %s) = 0", adv);
		return buf;
	}
	return NULL;
}

static const char *want_seal(const struct vma *v, const struct vma *y, char *buf, size_t len)
{
	if (!real_flags(v, y) || (v->flags & VMF(SEALED)) || !(y->flags & VMF(SEALED)))
		return NULL;
	return "mseal(%#llx, %llu, 0) = 0";
}

/* Advice is applied one flag family per pass, until nothing changes. */
void explain_phase_advice(struct explainer *x)
{
	size_t before, pass;

	for (pass = 0; pass < sizeof(advice_flags) / sizeof(advice_flags[0]) && !x->failed; pass++) {
		before = x->ncalls;
		phase_ranges(x, want_advice);
		if (x->ncalls == before)
			break;
	}
}

void explain_phase_protect(struct explainer *x)
{
	phase_ranges(x, want_prot);
}

void explain_phase_lock(struct explainer *x)
{
	phase_ranges(x, want_lock);
}

void explain_phase_seal(struct explainer *x)
{
	phase_ranges(x, want_seal);
}
