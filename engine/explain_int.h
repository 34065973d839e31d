/*
 * explain_int.h - what engine/explain.c and engine/explain_ranges.c share:
 * the state of one search for calls, and how a call is emitted (formatted,
 * parsed back with calls.h, applied to the work model).  Internal to
 * --explain; not for cli/.
 */
#ifndef VMATOOL_EXPLAIN_INT_H
#define VMATOOL_EXPLAIN_INT_H

#include "calls.h"
#include "diff.h"

enum strategy { COALESCE, EXACT, REPLACE, NSTRATEGIES };

struct strbuf {
	char *s;
	size_t len, cap;
	bool oom;
};

struct explainer {
	const struct diff_result *r;
	const struct vma_model *b;
	struct vma_model w;		/* the work model */
	struct calls_ctx ctx;
	struct calls_parser parser;
	enum strategy strategy;
	struct strbuf text;
	size_t ncalls;
	bool failed;
	char why[256];
	/* descriptors: paths[i] is fd 3 + i */
	char **paths;
	size_t npaths;
};

typedef unsigned long long ull;

/* Record the first failure (and stop emitting). */
void explain_fail(struct explainer *x, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Format one call, parse it, apply it to x->w, append it to x->text. */
void explain_emit(struct explainer *x, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* "PROT_READ|PROT_WRITE" or "PROT_NONE" into buf. */
const char *explain_prot_text(vmf_t f, char *buf, size_t len);

/* explain_ranges.c: phases 5-7, where permissions, VmFlags or seals differ. */
void explain_phase_protect(struct explainer *x);
void explain_phase_advice(struct explainer *x);
void explain_phase_lock(struct explainer *x);
void explain_phase_seal(struct explainer *x);

#endif
