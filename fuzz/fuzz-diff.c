/*
 * fuzz-diff.c - `diff` of two address spaces under a fuzzer: the input is
 * two maps or smaps texts separated by a line "%%" (without one, both sides
 * are the same text), each parsed into a model, then compared
 * (engine/diff.c) and explained as calls (engine/explain.c).
 *
 * Checks:
 *  - diff A A (A against a deep copy of itself) finds no change, and the
 *    models compare equal;
 *  - every change of diff A B has the shape its kind says (a split is one
 *    VMA before and several after, ...) and refers to VMAs of its side;
 *  - a VMA of A that no change mentions is in B with the same range, and
 *    the other way round;
 *  - explain (small inputs) answers without crashing; the calls it finds
 *    are verified by explain itself.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "diff.h"
#include "fuzz.h"

#define MAX_INPUT (32 * 1024)
#define MAX_EXPLAIN_VMAS 24

static void check_empty_self_diff(const struct vma_model *a)
{
	struct vma_model copy;
	struct diff_result r;
	struct diff_opts o = { 0 };
	char why[200];

	FUZZ_CHECK(vma_model_copy(&copy, a) == 0, "vma_model_copy");
	fuzz_validate(&copy, "copy");
	diff_result_init(&r);
	FUZZ_CHECK(diff_models(a, &copy, &o, &r) == 0, "diff_models");
	FUZZ_CHECK(r.n == 0, "diff A A: %zu changes, the first %s", r.n,
		   diff_kind_name(r.changes[0].kind));
	FUZZ_CHECK(diff_models_equal(a, &copy, false, why, sizeof(why)), "A != copy: %s", why);
	diff_result_release(&r);
	vma_model_release(&copy);
}

static void check_shape(const struct diff_change *c)
{
	switch (c->kind) {
	case DIFF_ADDED:
		FUZZ_CHECK(c->na == 0 && c->nb > 0, "added %u/%u", c->na, c->nb);
		break;
	case DIFF_REMOVED:
		FUZZ_CHECK(c->na > 0 && c->nb == 0, "removed %u/%u", c->na, c->nb);
		break;
	case DIFF_SPLIT:
		FUZZ_CHECK(c->na == 1 && c->nb > 1, "split %u/%u", c->na, c->nb);
		break;
	case DIFF_MERGED:
		FUZZ_CHECK(c->na > 1 && c->nb == 1, "merged %u/%u", c->na, c->nb);
		break;
	case DIFF_RESHAPED:
		FUZZ_CHECK(c->na > 0 && c->nb > 0, "reshaped %u/%u", c->na, c->nb);
		break;
	default:
		FUZZ_CHECK(c->na >= 1 && c->nb >= 1, "%s %u/%u", diff_kind_name(c->kind),
			   c->na, c->nb);
		break;
	}
}

/* Is every VMA of side x that no change mentions in y with the same range? */
static void check_unmentioned(const struct vma_model *x, const struct vma_model *y,
			      const struct vma **refs, size_t nrefs, const char *side)
{
	for (const struct vma *v = x->first; v; v = v->next) {
		bool mentioned = false;
		for (size_t i = 0; i < nrefs && !mentioned; i++)
			mentioned = refs[i] == v;
		if (mentioned)
			continue;
		const struct vma *w = vma_find_nocache(y, v->start);
		FUZZ_CHECK(w && w->start == v->start && w->end == v->end,
			   "%s VMA %llx-%llx is in no change but not on the other side", side,
			   (unsigned long long)v->start, (unsigned long long)v->end);
	}
}

static void check_diff(const struct vma_model *a, const struct vma_model *b)
{
	struct diff_result r;
	struct diff_opts o = { 0 };

	diff_result_init(&r);
	FUZZ_CHECK(diff_models(a, b, &o, &r) == 0, "diff_models");
	for (size_t i = 0; i < r.n; i++) {
		const struct diff_change *c = &r.changes[i];
		check_shape(c);
		FUZZ_CHECK(c->a_first + c->na <= r.nrefs_a && c->b_first + c->nb <= r.nrefs_b,
			   "change %zu refers past its arrays", i);
	}
	check_unmentioned(a, b, r.refs_a, r.nrefs_a, "before");
	check_unmentioned(b, a, r.refs_b, r.nrefs_b, "after");
	if (a->count <= MAX_EXPLAIN_VMAS && b->count <= MAX_EXPLAIN_VMAS) {
		struct diff_explain e;
		diff_explain_init(&e);
		FUZZ_CHECK(diff_explain(&r, &e) == 0, "diff_explain");
		FUZZ_CHECK(!e.found || r.n > 0 || e.ncalls == 0, "calls for no change");
		diff_explain_release(&e);
	}
	diff_result_release(&r);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = (const char *)data;
	const char *sep = size > MAX_INPUT ? NULL : memmem(text, size, "\n%%\n", 4);
	size_t alen = sep ? (size_t)(sep - text) + 1 : size;
	const char *btext = sep ? sep + 4 : text;
	size_t blen = sep ? size - alen - 3 : size;
	struct vma_model a, b;
	struct maps_parser pa, pb;

	if (size > MAX_INPUT)
		return 0;
	if (fuzz_parse_maps(&a, &pa, text, alen, NULL, 0) == 0) {
		if (fuzz_parse_maps(&b, &pb, btext, blen, NULL, 0) == 0) {
			check_empty_self_diff(&a);
			check_diff(&a, &b);
		}
		vma_model_release(&b);
	}
	vma_model_release(&a);
	return 0;
}
