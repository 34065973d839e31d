/*
 * cases-ops.c - the ops and diff kinds of tests/cases (tests/cases.h).
 *
 * ops: the input is calls in the call language of `vmatool sim` (strace
 * syntax, one a line, with their recorded results), run on a fresh model
 * (mmap_base 0x7f0000000000, the upstream machine unless %%MACHINE says
 * otherwise).  Every recorded result must be what the engine predicts, the
 * model must be valid after every call, and the output is the VMAs after the
 * last one, "start-end perms VmFlags" a line.
 *
 * diff: the input builds A, the calls after %%THEN turn a copy of it into B,
 * and the output is the semantic diff of A and B, a change a line,
 *
 *   split 100000000-10000c000 -> 100000000-100004000 100004000-10000c000 perms
 *
 * then what --explain found ("explained by N calls:" and the calls, which it
 * has checked by replaying them on A), or why it found nothing.  Each diff
 * case also checks that A against itself has no change and that every VMA of
 * A and B is in exactly one change or unchanged.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "calls.h"
#include "cases.h"
#include "diff.h"
#include "machine.h"
#include "tap.h"
#include "vma.h"

struct run {
	const struct test_case *tc;
	struct vma_model m;
	struct calls_parser parser;
	struct calls_ctx ctx;
	bool setup_ok;
};

/* ---- a model from calls ------------------------------------------------------------ */

static void apply_params(struct run *r)
{
	char buf[2048], *save = NULL;

	snprintf(buf, sizeof(buf), "%s", r->tc->params.s ? r->tc->params.s : "");
	for (char *w = strtok_r(buf, " ", &save); w; w = strtok_r(NULL, " ", &save)) {
		if (!strncmp(w, "brk=", 4))
			r->m.p.start_brk = r->m.p.brk = strtoull(w + 4, NULL, 0);
		else if (!strncmp(w, "follow=", 7))	/* results are the log's, as in sim */
			r->ctx.follow_recorded = w[7] == '1';
		else
			r->setup_ok = ok(0, "%s: %s: %%%%PARAMS %s", r->tc->file, r->tc->name, w);
	}
}

static void apply_machine(struct run *r)
{
	char buf[2048], *save = NULL;

	snprintf(buf, sizeof(buf), "%s", r->tc->machine.s ? r->tc->machine.s : "");
	for (char *w = strtok_r(buf, " ", &save); w; w = strtok_r(NULL, " ", &save))
		if (vma_setting_assign(&r->m.p, w) != 0)
			r->setup_ok = ok(0, "%s: %s: machine setting '%s'", r->tc->file,
					 r->tc->name, w);
	vma_set_guard_gap(&r->m, r->m.p.stack_guard_gap);
}

static void run_begin(struct run *r, const struct test_case *tc)
{
	struct vma_params p;

	r->tc = tc;
	r->setup_ok = true;
	vma_params_default(&p);
	p.mmap_base = 0x7f0000000000ULL;
	vma_model_init(&r->m, &p);
	calls_parser_init(&r->parser);
	calls_ctx_init(&r->ctx);
	r->ctx.follow_recorded = false;
	apply_machine(r);
	apply_params(r);
}

static void run_end(struct run *r)
{
	calls_ctx_release(&r->ctx);
	calls_parser_release(&r->parser);
	vma_model_release(&r->m);
}

/* One call line on m: its prediction must be its recorded result. */
static void run_call(struct run *r, struct vma_model *m, const char *line, size_t len)
{
	const struct test_case *tc = r->tc;
	struct call_outcome out;
	struct call c;
	char why[256];
	int rc;

	call_init(&c);
	rc = calls_parse_line(&r->parser, line, len, &c);
	if (rc < 0) {
		ok(0, "%s: %s: cannot parse '%.*s': %s", tc->file, tc->name, (int)len, line,
		   r->parser.errmsg);
	} else if (rc == 0 || c.kind == CALL_OTHER || c.kind == CALL_CLOSE) {
		memset(&out, 0, sizeof(out));
		rc = call_apply(&r->ctx, m, &c, &out, NULL);
		if (c.kind == CALL_OTHER || c.kind == CALL_CLOSE)	/* opens and closes */
			ok(rc == 0, "%s: %s: %s applies", tc->file, tc->name, c.text);
		else
			ok(rc == 0 && (c.has_result || c.kind == CALL_TOUCH) && !out.disagree,
			   "%s: %s: %s (predicted %s%llx)", tc->file, tc->name, c.text,
			   out.err ? call_errno_name(out.err) : "", (unsigned long long)out.value);
		if (vma_validate(m, why, sizeof(why)) != 0)
			ok(0, "%s: %s: model valid after %s: %s", tc->file, tc->name, c.text, why);
	}
	call_release(&c);
}

static void run_calls(struct run *r, struct vma_model *m, const struct str *calls)
{
	const char *p = calls->s ? calls->s : "";

	while (*p) {
		size_t n = strcspn(p, "\n");

		run_call(r, m, p, n);
		p += n + (p[n] == '\n');
	}
}

static void vmas_text(const struct vma_model *m, struct str *out)
{
	char flags[200];

	for (const struct vma *v = m->first; v; v = v->next) {
		size_t l = vmf_format(v->flags, flags, sizeof(flags));

		while (l && flags[l - 1] == ' ')
			flags[--l] = 0;
		str_addf(out, "%llx-%llx %c%c%c%c %s\n", (unsigned long long)v->start,
			 (unsigned long long)v->end, v->flags & VMF(READ) ? 'r' : '-',
			 v->flags & VMF(WRITE) ? 'w' : '-', v->flags & VMF(EXEC) ? 'x' : '-',
			 v->flags & VMF(MAYSHARE) ? 's' : 'p', flags);
	}
}

static void compare(const struct test_case *tc, const struct str *got)
{
	const char *g = got->s ? got->s : "", *w = tc->expect.s ? tc->expect.s : "";

	if (!ok(!strcmp(g, w), "%s: %s: as expected", tc->file, tc->name))
		printf("# want:\n%s# got:\n%s", w, g);
}

/* ---- ops ------------------------------------------------------------------------------ */

void cases_check_ops(const struct test_case *tc, struct str *actual)
{
	struct run r;

	if (tc->fail || tc->has_then) {
		ok(0, "%s: %s: ops cases take neither %%%%FAIL nor %%%%THEN", tc->file, tc->name);
		return;
	}
	run_begin(&r, tc);
	run_calls(&r, &r.m, &tc->input);
	vmas_text(&r.m, actual);
	compare(tc, actual);
	run_end(&r);
}

/* ---- diff ------------------------------------------------------------------------------ */

static void change_what(unsigned what, struct str *out)
{
	static const char *const names[] = {
		"perms", "vmflags", "renamed", "deleted", "usage", "likely", "hole", "start",
		"end", "size", "part",
	};

	for (unsigned i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (what & (1u << i))
			str_addf(out, " %s", names[i]);
}

static void changes_text(const struct diff_result *d, struct str *out)
{
	for (size_t i = 0; i < d->n; i++) {
		const struct diff_change *c = &d->changes[i];

		str_add(out, diff_kind_name(c->kind));
		for (uint32_t k = 0; k < c->na; k++)
			str_addf(out, " %llx-%llx", (unsigned long long)diff_vma_a(d, c, k)->start,
				 (unsigned long long)diff_vma_a(d, c, k)->end);
		str_add(out, " ->");
		for (uint32_t k = 0; k < c->nb; k++)
			str_addf(out, " %llx-%llx", (unsigned long long)diff_vma_b(d, c, k)->start,
				 (unsigned long long)diff_vma_b(d, c, k)->end);
		change_what(c->what, out);
		str_add(out, "\n");
	}
}

static void explain_text(const struct diff_result *d, struct str *out)
{
	struct diff_explain e;
	const char *p;

	diff_explain_init(&e);
	if (diff_explain(d, &e) != 0) {
		str_add(out, "explain: out of memory\n");
	} else if (!e.found) {
		str_addf(out, "not explained: %s\n", e.why);
	} else {
		str_addf(out, "explained by %zu calls:\n", e.ncalls);
		for (p = e.text; p && *p; p += strcspn(p, "\n") + (p[strcspn(p, "\n")] == '\n'))
			str_addf(out, "  %.*s\n", (int)strcspn(p, "\n"), p);
	}
	diff_explain_release(&e);
}

/* Every VMA of a and b appears in exactly one change or is unchanged. */
static bool accounted(const struct diff_result *d)
{
	size_t na = 0, nb = 0;

	for (size_t i = 0; i < d->n; i++) {
		if (!(d->changes[i].what & DIFF_W_PART))	/* its before VMA is another's */
			na += d->changes[i].na;
		nb += d->changes[i].nb;
	}
	return na + d->t.unchanged == d->t.count_a && nb + d->t.unchanged == d->t.count_b;
}

void cases_check_diff(const struct test_case *tc, struct str *actual)
{
	struct diff_result d;
	struct vma_model b;
	struct run r;

	if (tc->fail || !tc->has_then) {
		ok(0, "%s: %s: diff cases take %%%%THEN, not %%%%FAIL", tc->file, tc->name);
		return;
	}
	run_begin(&r, tc);
	run_calls(&r, &r.m, &tc->input);
	vma_model_copy(&b, &r.m);
	run_calls(&r, &b, &tc->then);
	diff_result_init(&d);
	ok(diff_models(&r.m, &r.m, NULL, &d) == 0 && d.n == 0, "%s: %s: A against itself: no change",
	   tc->file, tc->name);
	ok(diff_models(&r.m, &b, NULL, &d) == 0 && accounted(&d),
	   "%s: %s: every VMA in one change or unchanged", tc->file, tc->name);
	changes_text(&d, actual);
	explain_text(&d, actual);
	compare(tc, actual);
	diff_result_release(&d);
	vma_model_release(&b);
	run_end(&r);
}
