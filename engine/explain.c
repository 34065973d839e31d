/*
 * explain.c - `diff --explain`: find calls that turn model A into model B,
 * written in the sim call language and checked by replaying them.
 *
 * The search works on a copy of A (the work model) in phases, each reading
 * the work model as the previous phases left it:
 *
 *   1. moves     mremap(MAYMOVE|FIXED) of every VMA the diff found moved
 *   2. heap      brk() when [heap] changed its end
 *   3. unmap     munmap of what lies in B's gaps (one call per gap)
 *   4. map       mmap(MAP_FIXED) of what B has and the work model lacks,
 *                or has with another backing
 *   5. protect   mprotect where permissions differ
 *   6. flags     madvise / mlock / munlock / prctl names where VmFlags differ
 *   7. seal      mseal
 *   (phases 5-7 are in explain_ranges.c)
 *
 * Every call is formatted as text, parsed back with calls.h and applied with
 * call_apply, so the model sees exactly what is printed.  Three ways are
 * tried (coalesced mmaps, one mmap per VMA, replacing every VMA that still
 * differs); the shortest one whose text, replayed afresh on a copy of A,
 * gives B exactly is kept.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "abi.h"
#include "explain_int.h"
#include "maps.h"

static void sb_vprintf(struct strbuf *b, const char *fmt, va_list ap)
{
	va_list ap2;
	int n;

	va_copy(ap2, ap);
	n = vsnprintf(b->s ? b->s + b->len : NULL, b->s ? b->cap - b->len : 0, fmt, ap2);
	va_end(ap2);
	if (n < 0) {
		b->oom = true;
		return;
	}
	if (!b->s || b->len + (size_t)n + 1 > b->cap) {
		size_t cap = (b->cap ? b->cap * 2 : 256) + (size_t)n + 1;
		char *s = realloc(b->s, cap);

		if (!s) {
			b->oom = true;
			return;
		}
		b->s = s;
		b->cap = cap;
		vsnprintf(b->s + b->len, b->cap - b->len, fmt, ap);
	}
	b->len += (size_t)n;
}

static void sb_printf(struct strbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void sb_printf(struct strbuf *b, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	sb_vprintf(b, fmt, ap);
	va_end(ap);
}

/* ---- emitting and applying one call -------------------------------------------- */

void explain_fail(struct explainer *x, const char *fmt, ...)
{
	va_list ap;

	if (x->failed)
		return;
	x->failed = true;
	va_start(ap, fmt);
	vsnprintf(x->why, sizeof(x->why), fmt, ap);
	va_end(ap);
}

/* Parse line and apply it to m; 0, or a message in why. */
static int replay_line(struct calls_parser *p, struct calls_ctx *ctx, struct vma_model *m,
		       const char *line, size_t len, char *why, size_t whylen)
{
	struct call c;
	struct call_outcome out;
	int rc;

	call_init(&c);
	rc = calls_parse_line(p, line, len, &c);
	if (rc < 0) {
		snprintf(why, whylen, "cannot parse '%.*s': %s", (int)len, line, p->errmsg);
		call_release(&c);
		return rc;
	}
	memset(&out, 0, sizeof(out));
	rc = call_apply(ctx, m, &c, &out, NULL);
	if (rc == 0 && (out.err || out.disagree)) {
		snprintf(why, whylen, "'%.*s' gives %s in the model", (int)len, line,
			 out.err ? call_errno_name(out.err) : "another result");
		rc = -EINVAL;
	} else if (rc < 0) {
		snprintf(why, whylen, "'%.*s': %s", (int)len, line, ctx->errmsg);
	}
	call_release(&c);
	return rc;
}

void explain_emit(struct explainer *x, const char *fmt, ...)
{
	char line[8192], why[256];
	va_list ap;
	int n;

	if (x->failed)
		return;
	va_start(ap, fmt);
	n = vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(line))
		return explain_fail(x, "a call is too long to write");
	if (replay_line(&x->parser, &x->ctx, &x->w, line, (size_t)n, why, sizeof(why)))
		return explain_fail(x, "%s", why);
	sb_printf(&x->text, "%s\n", line);
	x->ncalls++;
}

/* ---- writing arguments ------------------------------------------------------------ */

const char *explain_prot_text(vmf_t f, char *buf, size_t len)
{
	if (!(f & VMF_ACCESS)) {
		snprintf(buf, len, "PROT_NONE");
		return buf;
	}
	snprintf(buf, len, "%s%s%s%s%s",
		 f & VMF(READ) ? "PROT_READ" : "",
		 (f & VMF(READ)) && (f & (VMF(WRITE) | VMF(EXEC))) ? "|" : "",
		 f & VMF(WRITE) ? "PROT_WRITE" : "",
		 (f & VMF(WRITE)) && (f & VMF(EXEC)) ? "|" : "",
		 f & VMF(EXEC) ? "PROT_EXEC" : "");
	return buf;
}

static bool is_file(const struct vma *v)
{
	return v->inode != 0;
}

static bool is_shared(const struct vma *v)
{
	return (v->flags & VMF(MAYSHARE)) != 0;
}

/* Mappings no call creates: [vdso], [stack], [vsyscall] ... and [heap] (brk). */
static bool not_mappable(const struct vma_model *m, const struct vma *v)
{
	const char *name = vma_name(m, v->name);

	return !is_file(v) && name[0] == '[' && strncmp(name, "[anon:", 6) != 0 &&
	       strncmp(name, "[anon_shmem:", 12) != 0;
}

/* The path of a file mapping as strace -y writes it: '\n' back, other bytes as \xHH. */
static void path_text(const struct vma_model *m, const struct vma *v, char *out, size_t cap)
{
	const char *name = vma_name(m, v->name);
	size_t len = vma_name_len(m, v->name), i, k = 0;
	char *raw = malloc(len + 1);

	out[0] = 0;
	if (!raw)
		return;
	len = maps_unescape_name(name, len, raw);
	for (i = 0; i < len && k + 5 < cap; i++) {
		unsigned char ch = (unsigned char)raw[i];

		if (ch < 0x20 || ch >= 0x7f || ch == '>' || ch == '\\')
			k += (size_t)snprintf(out + k, cap - k, "\\x%02x", ch);
		else
			out[k++] = (char)ch;
	}
	out[k] = 0;
	free(raw);
}

static int fd_for(struct explainer *x, const char *path)
{
	size_t i;
	char **p;

	for (i = 0; i < x->npaths; i++)
		if (!strcmp(x->paths[i], path))
			return 3 + (int)i;
	p = realloc(x->paths, (x->npaths + 1) * sizeof(*p));
	if (!p || !(p[x->npaths] = strdup(path))) {
		if (p)
			x->paths = p;
		explain_fail(x, "out of memory");
		return -1;
	}
	x->paths = p;
	return 3 + (int)x->npaths++;
}

/* ---- phase 1: moves ---------------------------------------------------------------- */

static void phase_moves(struct explainer *x)
{
	const struct diff_result *r = x->r;
	size_t i;

	for (i = 0; i < r->n; i++) {
		const struct diff_change *c = &r->changes[i];
		const struct vma *a, *b;

		if (c->kind != DIFF_MOVED)
			continue;
		a = diff_vma_a(r, c, 0);
		b = diff_vma_b(r, c, 0);
		(void)a;
		explain_emit(x, "mremap(%#llx, %llu, %llu, MREMAP_MAYMOVE|MREMAP_FIXED, %#llx) = %#llx",
		     (ull)c->from_start, (ull)(c->from_end - c->from_start),
		     (ull)(b->end - b->start), (ull)b->start, (ull)b->start);
	}
}

/* ---- phase 2: the heap --------------------------------------------------------------- */

static const struct vma *find_named(const struct vma_model *m, const char *name)
{
	const struct vma *v;

	for (v = m->first; v; v = v->next)
		if (!strcmp(vma_name(m, v->name), name))
			return v;
	return NULL;
}

static void phase_heap(struct explainer *x)
{
	const struct vma *hb = find_named(x->b, "[heap]");
	const struct vma *hw = find_named(&x->w, "[heap]");

	if (hb && hw && hb->start == hw->start && hb->end != hw->end)
		explain_emit(x, "brk(%#llx) = %#llx", (ull)hb->end, (ull)hb->end);
}

/* ---- phase 3: unmap what lies in B's gaps ------------------------------------------- */

static void unmap_gap(struct explainer *x, uint64_t lo, uint64_t hi)
{
	struct vma *v = vma_find(&x->w, lo), *last = NULL;
	uint64_t from, to;

	for (; v && v->start < hi; v = v->next)
		last = v;
	if (!last)
		return;
	v = vma_find(&x->w, lo);
	from = v->start > lo ? v->start : lo;
	to = last->end < hi ? last->end : hi;
	explain_emit(x, "munmap(%#llx, %llu) = 0", (ull)from, (ull)(to - from));
}

static void phase_unmap(struct explainer *x)
{
	const struct vma *y;
	uint64_t lo = 0;

	for (y = x->b->first; y && !x->failed; y = y->next) {
		if (y->start > lo)
			unmap_gap(x, lo, y->start);
		lo = y->end;
	}
	if (!x->failed)
		unmap_gap(x, lo, UINT64_MAX);
}

/* ---- phase 4: map what is missing --------------------------------------------------- */

struct piece {
	uint64_t lo, hi;
	const struct vma *y;	/* the B VMA it belongs to */
};

struct pieces {
	struct piece *v;
	size_t n, cap;
};

static void pieces_add(struct explainer *x, struct pieces *ps, uint64_t lo, uint64_t hi,
		       const struct vma *y)
{
	if (lo >= hi)
		return;
	if (ps->n == ps->cap) {
		size_t cap = ps->cap ? 2 * ps->cap : 32;
		struct piece *v = realloc(ps->v, cap * sizeof(*v));

		if (!v)
			return explain_fail(x, "out of memory");
		ps->v = v;
		ps->cap = cap;
	}
	ps->v[ps->n++] = (struct piece){ lo, hi, y };
}

/* Same file (or anonymous kind) at a consistent offset: no new mapping needed. */
static bool backing_ok(const struct explainer *x, const struct vma *v, const struct vma *y)
{
	if (is_file(v) != is_file(y) || is_shared(v) != is_shared(y))
		return false;
	if (is_file(y))
		return v->dev == y->dev && v->inode == y->inode &&
		       v->pgoff - v->start / x->w.p.page_size == y->pgoff - y->start / x->b->p.page_size;
	return not_mappable(&x->w, v) == not_mappable(x->b, y);
}

/* The parts of y the work model lacks. */
static void missing_parts(struct explainer *x, const struct vma *y, struct pieces *ps)
{
	struct vma *v = vma_find(&x->w, y->start);
	uint64_t p = y->start;

	if (x->strategy == REPLACE && !(v && v->start == y->start && v->end == y->end &&
					backing_ok(x, v, y) && v->flags == y->flags)) {
		pieces_add(x, ps, y->start, y->end, y);
		return;
	}
	for (; v && v->start < y->end; v = v->next) {
		if (v->start > p)
			pieces_add(x, ps, p, v->start, y);
		if (!backing_ok(x, v, y))
			pieces_add(x, ps, v->start > p ? v->start : p, v->end < y->end ? v->end : y->end, y);
		p = v->end;
	}
	if (p < y->end)
		pieces_add(x, ps, p, y->end, y);
}

/* Flags only mmap can give. */
#define CREATE_FLAGS (VMF(NORESERVE) | VMF(GROWSDOWN) | VMF(DROPPABLE) | VMF(MAYSHARE))

/* Whether piece q can be mapped by the same mmap as the run ending with p. */
static bool same_mmap(const struct explainer *x, const struct piece *p, const struct piece *q)
{
	const struct vma *a = p->y, *b = q->y;
	const struct vma_model *m = x->b;

	if (p->hi != q->lo || x->strategy != COALESCE)
		return false;
	if (a == b)
		return true;
	if ((a->flags & CREATE_FLAGS) != (b->flags & CREATE_FLAGS) || is_file(a) != is_file(b))
		return false;
	if (is_file(a))
		return a->dev == b->dev && a->inode == b->inode && a->name == b->name &&
		       a->pgoff - a->start / m->p.page_size == b->pgoff - b->start / m->p.page_size;
	return a->name == 0 && b->name == 0;
}

/*
 * A piece right after a work VMA of the same backing, permissions and flags
 * that starts inside y: the VMA grew in place, mremap(old, len, new_len, 0)
 * (a file mapping must: a new mmap would be another open, never merged).
 */
static bool grow_in_place(struct explainer *x, const struct piece *p, uint64_t hi)
{
	const struct vma *y = p->y;
	struct vma *v = p->lo ? vma_lookup(&x->w, p->lo - 1) : NULL;

	if (!v || v->end != p->lo || v->start < y->start || !backing_ok(x, v, y) ||
	    (v->flags & (VMF_ACCESS | CREATE_FLAGS)) != (y->flags & (VMF_ACCESS | CREATE_FLAGS)))
		return false;
	explain_emit(x, "mremap(%#llx, %llu, %llu, 0) = %#llx", (ull)v->start, (ull)(v->end - v->start),
	     (ull)(hi - v->start), (ull)v->start);
	return true;
}

/*
 * Private anonymous memory keeps VM_ACCOUNT when it loses write permission
 * only if it was written to (has an anon_vma): a fresh mmap without
 * PROT_WRITE never shows "ac".
 */
static bool written_then_protected(const struct vma *y)
{
	return !is_shared(y) && !(y->bits & VMA_B_FLAGS_INFERRED) &&
	       (y->flags & VMF(ACCOUNT)) && !(y->flags & VMF(WRITE));
}

static void map_run(struct explainer *x, const struct piece *p, uint64_t hi)
{
	const struct vma *y = p->y;
	char prot[64], path[4 * 4096 + 64];
	const char *shared = is_shared(y) ? "MAP_SHARED" : "MAP_PRIVATE";
	const char *nores = y->flags & VMF(NORESERVE) ? "|MAP_NORESERVE" : "";
	const char *gd = y->flags & VMF(GROWSDOWN) ? "|MAP_GROWSDOWN" : "";
	int fd;

	if (not_mappable(x->b, y))
		return explain_fail(x, "no call creates '%s' at %llx-%llx", vma_name(x->b, y->name),
			    (ull)y->start, (ull)y->end);
	if (grow_in_place(x, p, hi))
		return;
	if (!is_file(y) && written_then_protected(y)) {
		/* accounted but not writable: it was written, then protected */
		explain_prot_text(y->flags | VMF(WRITE), prot, sizeof(prot));
		explain_emit(x, "mmap(%#llx, %llu, %s, MAP_PRIVATE|MAP_FIXED|MAP_ANONYMOUS%s%s, -1, 0) = %#llx",
		     (ull)p->lo, (ull)(hi - p->lo), prot, nores, gd, (ull)p->lo);
		explain_emit(x, "touch(%#llx, %llu)", (ull)p->lo, (ull)(hi - p->lo));
		return;	/* the protect phase takes the write permission away */
	}
	explain_prot_text(y->flags, prot, sizeof(prot));
	if (!is_file(y)) {
		explain_emit(x, "mmap(%#llx, %llu, %s, %s|MAP_FIXED|MAP_ANONYMOUS%s%s, -1, 0) = %#llx",
		     (ull)p->lo, (ull)(hi - p->lo), prot, shared, nores, gd, (ull)p->lo);
		return;
	}
	path_text(x->b, y, path, sizeof(path));
	fd = fd_for(x, path);
	if (fd < 0)
		return;
	explain_emit(x, "mmap(%#llx, %llu, %s, %s|MAP_FIXED%s%s, %d<%s>, %#llx) = %#llx",
	     (ull)p->lo, (ull)(hi - p->lo), prot, shared, nores, gd, fd, path,
	     (ull)(y->pgoff * x->b->p.page_size + (p->lo - y->start)), (ull)p->lo);
}

static void phase_map(struct explainer *x)
{
	struct pieces ps = { 0 };
	const struct vma *y;
	size_t i, j;

	for (y = x->b->first; y && !x->failed; y = y->next)
		missing_parts(x, y, &ps);
	for (i = 0; i < ps.n && !x->failed; i = j) {
		for (j = i + 1; j < ps.n && same_mmap(x, &ps.v[j - 1], &ps.v[j]); j++)
			;
		map_run(x, &ps.v[i], ps.v[j - 1].hi);
	}
	free(ps.v);
}

/* ---- names no call changes ------------------------------------------------------------- */

static void collect_notes(const struct diff_result *r, struct diff_explain *e, struct strbuf *sb)
{
	size_t i;

	for (i = 0; i < r->n; i++) {
		const struct diff_change *c = &r->changes[i];
		const struct vma *a, *b;

		if (!(c->what & (DIFF_W_DELETED | DIFF_W_RENAMED)) || !c->na || !c->nb)
			continue;
		a = diff_vma_a(r, c, 0);
		b = diff_vma_b(r, c, 0);
		if (!is_file(a))
			continue;
		sb_printf(sb, "'%s' %s under %llx-%llx: not a memory call\n", vma_name(r->a, a->name),
			  c->what & DIFF_W_DELETED ? "was deleted" : "was renamed",
			  (ull)b->start, (ull)b->end);
		e->nnotes++;
	}
}

/* ---- running one strategy, checking it ---------------------------------------------- */

static int lookup_stat(void *arg, const char *path, uint32_t *dev, uint64_t *inode)
{
	const struct vma_model *b = arg;
	size_t len = strlen(path);
	char *esc = malloc(4 * len + 1);
	const struct vma *v;
	size_t elen;

	if (!esc)
		return -ENOMEM;
	elen = maps_escape_name(path, len, esc);
	for (v = b->first; v; v = v->next)
		if (is_file(v) && vma_name_len(b, v->name) == elen &&
		    !memcmp(vma_name(b, v->name), esc, elen)) {
			*dev = v->dev;
			*inode = v->inode;
			free(esc);
			return 0;
		}
	free(esc);
	return -ENOENT;
}

static int replay_setup(struct calls_ctx *ctx, struct calls_parser *p, struct vma_model *w,
			const struct diff_result *r)
{
	calls_ctx_init(ctx);
	ctx->follow_recorded = false;
	ctx->stat = lookup_stat;
	ctx->stat_arg = (void *)r->b;
	calls_parser_init(p);
	if (vma_model_copy(w, r->a))
		return -ENOMEM;
	vma_infer_hidden(w);	/* anon_vmas, opens, offsets the text does not show */
	return 0;
}

static void replay_teardown(struct calls_ctx *ctx, struct calls_parser *p, struct vma_model *w)
{
	calls_ctx_release(ctx);
	calls_parser_release(p);
	vma_model_release(w);
}

/* Replay the text afresh on a copy of A and compare with B. */
static bool check(const struct diff_result *r, const char *text, bool ignore_names,
		  char *why, size_t whylen)
{
	struct calls_ctx ctx;
	struct calls_parser p;
	struct vma_model w;
	const char *s, *nl;
	bool ok = true;

	if (replay_setup(&ctx, &p, &w, r)) {
		snprintf(why, whylen, "out of memory");
		calls_ctx_release(&ctx);
		calls_parser_release(&p);
		return false;
	}
	for (s = text; ok && s && *s; s = nl + 1) {
		nl = strchr(s, '\n');
		if (!nl)
			break;
		ok = replay_line(&p, &ctx, &w, s, (size_t)(nl - s), why, whylen) == 0;
	}
	if (ok)
		ok = diff_models_equal(&w, r->b, ignore_names, why, whylen);
	replay_teardown(&ctx, &p, &w);
	return ok;
}

static void run_strategy(struct explainer *x)
{
	phase_moves(x);
	phase_heap(x);
	if (!x->failed)
		phase_unmap(x);
	if (!x->failed)
		phase_map(x);
	if (!x->failed)
		explain_phase_protect(x);
	if (!x->failed)
		explain_phase_advice(x);
	if (!x->failed)
		explain_phase_lock(x);
	if (!x->failed)
		explain_phase_seal(x);
}

static void explainer_release(struct explainer *x)
{
	size_t i;

	replay_teardown(&x->ctx, &x->parser, &x->w);
	for (i = 0; i < x->npaths; i++)
		free(x->paths[i]);
	free(x->paths);
	free(x->text.s);
}

/* Try one strategy; keep it in e if it checks out and is shorter. */
static int try_strategy(const struct diff_result *r, enum strategy s, bool ignore_names,
			struct diff_explain *e, char *why, size_t whylen)
{
	struct explainer x;

	memset(&x, 0, sizeof(x));
	x.r = r;
	x.b = r->b;
	x.strategy = s;
	if (replay_setup(&x.ctx, &x.parser, &x.w, r)) {
		explainer_release(&x);
		return -ENOMEM;
	}
	run_strategy(&x);
	if (x.text.oom) {
		explainer_release(&x);
		return -ENOMEM;
	}
	if (!x.failed && !diff_models_equal(&x.w, r->b, ignore_names, x.why, sizeof(x.why)))
		x.failed = true;
	if (!x.failed && !check(r, x.text.s ? x.text.s : "", ignore_names, x.why, sizeof(x.why)))
		x.failed = true;
	if (x.failed && !why[0])
		snprintf(why, whylen, "%s", x.why);
	if (!x.failed && (!e->found || x.ncalls < e->ncalls)) {
		free(e->text);
		e->text = x.text.s ? x.text.s : strdup("");
		e->len = x.text.len;
		x.text.s = NULL;
		e->ncalls = x.ncalls;
		e->found = true;
	}
	explainer_release(&x);
	return e->found && !e->text ? -ENOMEM : 0;
}

void diff_explain_init(struct diff_explain *e)
{
	memset(e, 0, sizeof(*e));
}

void diff_explain_release(struct diff_explain *e)
{
	free(e->text);
	free(e->notes);
	diff_explain_init(e);
}

int diff_explain(const struct diff_result *r, struct diff_explain *e)
{
	struct strbuf notes = { 0 };
	char why[256] = "";
	int s, rc = 0;

	diff_explain_release(e);
	collect_notes(r, e, &notes);
	if (notes.oom)
		return -ENOMEM;
	e->notes = notes.s;
	e->names_ignored = e->nnotes > 0;
	for (s = 0; s < NSTRATEGIES && rc == 0; s++) {
		rc = try_strategy(r, (enum strategy)s, e->names_ignored, e, why, sizeof(why));
		e->tried++;
	}
	if (!e->found)
		snprintf(e->why, sizeof(e->why), "%s", why);
	return rc;
}
