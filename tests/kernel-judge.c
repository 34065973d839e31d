/*
 * kernel-judge.c - replaying recorded sequences on the engine (see
 * kernel-judge.h): the model is built from the kernel's smaps with
 * maps_parse and vma_infer_hidden, each call goes through the call language
 * (calls_parse_line, call_apply) without its recorded result, and after
 * each call the predicted result and the model's VMAs (maps line and
 * VmFlags) are compared with the kernel's.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "abi.h"
#include "calls.h"
#include "kernel-judge.h"
#include "maps.h"
#include "cli/machine.h"

#define NAME_COLUMN	73

/* ---- a growing text buffer --------------------------------------------------- */


void sb_add(struct sbuf *b, const char *s, size_t n)
{
	if (b->n + n + 1 > b->cap) {
		b->cap = (b->n + n + 1) * 2;
		b->p = realloc(b->p, b->cap);
		if (!b->p)
			abort();
	}
	memcpy(b->p + b->n, s, n);
	b->n += n;
	b->p[b->n] = 0;
}

void sb_printf(struct sbuf *b, const char *fmt, ...)
{
	char tmp[1024];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	sb_add(b, tmp, n < (int)sizeof(tmp) ? (size_t)n : sizeof(tmp) - 1);
}

/* ---- one recorded sequence ---------------------------------------------------- */



static void seq_clear(struct seq *s)
{
	s->text.n = 0;
	s->n = 0;
	s->complete = 0;
	s->crash[0] = 0;
	s->before_len = s->after_len = 0;
	s->start_brk = s->brk = 0;
}

int is_state_line(const char *l)
{
	const char *p = l;

	if (!strncmp(l, "VmFlags:", 8))
		return 1;
	while ((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f'))
		p++;
	return p > l && *p == '-';
}

/* Read one sequence; 0 at the end of the stream. */
int seq_read(FILE *f, struct seq *s)
{
	enum { SKIP, BEFORE, CALLS, STATE, AFTER } mode = SKIP;
	static char *line;
	static size_t cap;
	ssize_t len;
	size_t *open_len = NULL, open_at = 0;

	seq_clear(s);
	while ((len = getline(&line, &cap, f)) > 0) {
		if (open_len)
			*open_len = s->text.n - open_at;
		open_len = NULL;
		if (!strncmp(line, "== ", 3)) {
			if (sscanf(line, "== seed %llu family %15s", &s->seed, s->family) == 2)
				mode = SKIP;
			else if (sscanf(line, "== brk %llx %llx", &s->start_brk, &s->brk) == 2)
				mode = SKIP;
			else if (!strcmp(line, "== before\n"))
				mode = BEFORE, s->before = s->text.n;
			else if (!strcmp(line, "== calls\n"))
				mode = CALLS;
			else if (!strcmp(line, "== state\n") && s->n) {
				mode = STATE;
				s->e[s->n - 1].has_state = 1;
				s->e[s->n - 1].state = s->text.n;
			} else if (!strcmp(line, "== after\n"))
				mode = AFTER, s->after = s->text.n;
			else if (!strcmp(line, "== end\n"))
				return s->complete = 1;
			else if (!strncmp(line, "== crash", 8)) {
				if (sscanf(line, "== crash seed %llu", &s->seed) != 1)
					s->seed = 0;
				snprintf(s->crash, sizeof(s->crash), "%.*s", (int)len - 4, line + 3);
				return 1;
			} else if (strncmp(line, "== window", 9) && strncmp(line, "== file", 7) &&
				   strncmp(line, "== setup", 8))
				mode = SKIP;
			continue;
		}
		if (mode == STATE && !is_state_line(line))
			mode = CALLS;
		if (mode == CALLS) {
			if (s->n == s->cap) {
				s->cap = s->cap ? 2 * s->cap : 64;
				s->e = realloc(s->e, s->cap * sizeof(*s->e));
				if (!s->e)
					abort();
			}
			memset(&s->e[s->n], 0, sizeof(s->e[0]));
			s->e[s->n].line = s->text.n;
			s->e[s->n++].line_len = len - 1;
		}
		if (mode == BEFORE)
			open_len = &s->before_len, open_at = s->before;
		else if (mode == AFTER)
			open_len = &s->after_len, open_at = s->after;
		else if (mode == STATE)
			open_len = &s->e[s->n - 1].state_len, open_at = s->e[s->n - 1].state;
		if (mode != SKIP)
			sb_add(&s->text, line, len);
		if (open_len)
			*open_len = s->text.n - open_at;
	}
	return s->n || s->before_len ? 1 : 0;
}

/* ---- the model --------------------------------------------------------------- */

static int stat_file(void *arg, const char *path, uint32_t *dev, uint64_t *inode)
{
	struct stat st;

	(void)arg;
	if (stat(path, &st) < 0)
		return -errno;
	*dev = VMA_DEV(major(st.st_dev), minor(st.st_dev));
	*inode = st.st_ino;
	return 0;
}

/* Whether path's filesystem places file mappings at 2 MiB boundaries. */
static bool thp_file(void *arg, const char *path)
{
	struct statfs sf;

	(void)arg;
	return statfs(path, &sf) == 0 && vma_fs_thp_aligned((uint64_t)sf.f_type);
}

/* The break before entry k: the last brk result before it, else the recorded one. */
static unsigned long long brk_before(const struct seq *s, size_t k)
{
	while (k--) {
		const char *l = s->text.p + s->e[k].line, *eq;

		if (!strncmp(l, "brk(", 4) && (eq = memmem(l, s->e[k].line_len, ") = ", 4)))
			return strtoull(eq + 4, NULL, 16);
	}
	return s->brk;
}

static int model_from(struct vma_model *m, const char *t, size_t n, const struct seq *s,
		      size_t k, struct sbuf *why)
{
	struct vma_params p;
	struct maps_parser mp;
	long r;

	vma_params_default(&p);
	machine_probe(&p);	/* the kernel that recorded: this machine */
	if (vma_model_init(m, &p) < 0)
		abort();
	maps_parser_init(&mp, m);
	r = maps_parse(&mp, t, n, true);
	if (r >= 0)
		r = maps_parser_finish(&mp);
	if (r < 0) {
		sb_printf(why, "snapshot does not parse: %s", mp.errmsg);
		return -1;
	}
	vma_infer_params(m);
	if (s->start_brk) {	/* known to the recorder, as /proc/PID/stat tells the CLI */
		m->p.start_brk = s->start_brk;
		m->p.brk = brk_before(s, k);
	}
	vma_infer_hidden(m);
	return 0;
}

/* ---- comparing VMAs ------------------------------------------------------------- */

/* Whitespace runs to one space, none at the ends. */
static size_t norm(const char *s, size_t n, char *out)
{
	size_t o = 0, i;

	for (i = 0; i < n; i++) {
		if (s[i] == ' ' || s[i] == '\t' || s[i] == '\n') {
			if (o && out[o - 1] != ' ')
				out[o++] = ' ';
		} else {
			out[o++] = s[i];
		}
	}
	while (o && out[o - 1] == ' ')
		o--;
	out[o] = 0;
	return o;
}

/*
 * A normalised maps line; shared anonymous memory ("/dev/zero (deleted)",
 * its own shmem file) gets '*' for device and inode: the kernel numbers
 * them, no model can know them.
 */
static size_t norm_header(const char *s, size_t n, char *out)
{
	static const char shanon[] = " /dev/zero (deleted)";
	size_t o = norm(s, n, out), tail;
	char *dev = out;

	if (o < sizeof(shanon) - 1 || strcmp(out + o - (sizeof(shanon) - 1), shanon))
		return o;
	for (int i = 0; dev && i < 3; i++)
		dev = strchr(dev + 1, ' ');
	if (!dev)
		return o;
	tail = strlen(shanon);
	memmove(dev + 4, out + o - tail, tail + 1);	/* " * *" then the name */
	memcpy(dev, " * *", 4);
	return strlen(out);
}

/* VMA records "maps line [vmflags]", one per line, from kernel text. */
void records_from_text(const char *t, size_t n, struct sbuf *out)
{
	const char *l = t, *end = t + n;
	char buf[MAPS_LINE_MAX];
	int open = 0;

	out->n = 0;
	sb_add(out, "", 0);
	while (l < end) {
		const char *nl = memchr(l, '\n', end - l);
		size_t len = (nl ? nl : end) - l;

		if (len < sizeof(buf) && is_state_line(l)) {
			if (!strncmp(l, "VmFlags:", 8)) {
				sb_add(out, " [", 2);
				sb_add(out, buf, norm(l + 8, len - 8, buf));
				sb_add(out, "]\n", 2);
				open = 0;
			} else {
				if (open)
					sb_add(out, " []\n", 4);
				sb_add(out, buf, norm_header(l, len, buf));
				open = 1;
			}
		}
		l += len + 1;
	}
	if (open)
		sb_add(out, " []\n", 4);
}

static void records_from_model(const struct vma_model *m, struct sbuf *out)
{
	static char line[MAPS_LINE_MAX], nl[MAPS_LINE_MAX];
	char fl[3 * 64 + 1];
	const struct vma *v;

	out->n = 0;
	sb_add(out, "", 0);
	for (v = m->first; v; v = v->next) {
		size_t n = maps_format_line(m, v, NAME_COLUMN, line);

		sb_add(out, nl, norm_header(line, n, nl));
		sb_add(out, " [", 2);
		n = vmf_format(v->flags, fl, sizeof(fl));
		sb_add(out, nl, norm(fl, n, nl));
		sb_add(out, "]\n", 2);
	}
}

/* Lines of a that are not in b, prefixed with mark. */
static void lines_missing(const struct sbuf *a, const struct sbuf *b, char mark, struct sbuf *out)
{
	const char *l = a->p, *end = a->p + a->n;

	while (l < end) {
		const char *nl = strchr(l, '\n');
		size_t len = nl - l;
		const char *f = b->p;
		int found = 0;

		while ((f = memmem(f, b->p + b->n - f, l, len + 1)))
			if (f == b->p || f[-1] == '\n') {
				found = 1;
				break;
			} else {
				f++;
			}
		if (!found)
			sb_printf(out, "%c %.*s\n", mark, (int)len, l);
		l = nl + 1;
	}
}

/* ---- running a sequence on the engine ----------------------------------------------- */

static const char *const outcome_str[] = {
	"agree", "wrong result", "wrong VMAs", "wrong final VMAs", "call does not parse",
	"call_apply failed", "snapshot does not parse", "model invalid after the call"
};


static void flag_names(struct sbuf *b, uint64_t v, const char *const *names, const uint64_t *vals)
{
	int first = 1;

	for (; *names; names++, vals++)
		if (v & *vals) {
			sb_printf(b, "%s%s", first ? "" : "|", *names);
			first = 0;
		}
}

/* What kind of call diverged, for grouping failures. */
/*
 * Why population (mlock, MADV_POPULATE_*) may fail where the model saw no
 * reason: guard pages, or a shared anonymous mapping grown past its object.
 */
static const char *populate_hint(struct vma_model *m, const struct call *c,
				 const struct call_outcome *o)
{
	uint64_t start = o->arg[0], end = o->arg[0] + o->arg[1];
	const char *hint = "";

	if (c->kind != CALL_MLOCK && c->kind != CALL_MLOCK2 && c->kind != CALL_MADVISE)
		return "";
	for (struct vma *v = vma_find(m, start); v && v->start < end; v = v->next) {
		if (v->flags & VMF(MAYBE_GUARD))
			return " (range has guard pages)";
		if (v->bits & VMA_B_SHMEM)
			hint = " (range has shared anon)";
	}
	return hint;
}

static void categorize(struct run *r, const struct call *c, const struct call_outcome *o,
		       unsigned rdonly, struct vma_model *m)
{
	static const char *const mremap_n[] = { "MAYMOVE", "FIXED", "DONTUNMAP", NULL };
	static const uint64_t mremap_v[] = { 1, 2, 4 };
	struct sbuf b = { 0 };
	const char *t = c->text ? c->text : "";

	sb_printf(&b, "%s", call_kind_name(c->kind));
	if (c->kind == CALL_MMAP) {
		uint64_t fl = o->arg[3], type = fl & VMA_MAP_TYPE;

		sb_printf(&b, " %s %s%s", (fl & (VMA_MAP_FIXED | VMA_MAP_FIXED_NOREPLACE)) ?
			  "fixed" : "placed", type == VMA_MAP_SHARED ? "shared " :
			  type == VMA_MAP_DROPPABLE ? "droppable " : "",
			  fl & VMA_MAP_ANONYMOUS ? "anon" :
			  c->fd >= 0 && c->fd < 32 && (rdonly >> c->fd & 1) ? "file(O_RDONLY)" :
			  "file");
		if (fl & VMA_MAP_GROWSDOWN)
			sb_printf(&b, " GROWSDOWN");
	} else if (c->kind == CALL_MREMAP) {
		sb_printf(&b, " %s ", o->arg[2] < o->arg[1] ? "shrink" :
			  o->arg[2] > o->arg[1] ? "grow" : "same");
		flag_names(&b, o->arg[3], mremap_n, mremap_v);
	} else if (c->kind == CALL_MADVISE || c->kind == CALL_MLOCK2) {
		const char *a = strrchr(t, ',');

		if (a)
			sb_printf(&b, "%.*s", (int)strcspn(a + 1, ")"), a + 1);
	}
	while (b.n && b.p[b.n - 1] == ' ')
		b.p[--b.n] = 0;
	if (r->kernel_err && !o->err)
		sb_printf(&b, "%s", populate_hint(m, c, o));
	snprintf(r->category, sizeof(r->category), "%s%s%s: %s", b.p,
		 r->kernel_err ? " -> " : "", r->kernel_err ? call_errno_name(r->kernel_err) : "",
		 outcome_str[r->what]);
	free(b.p);
}

/*
 * Apply entries from..stop (stop = s->n for all) to a model built from snap;
 * stops at the first divergence.  *m is left as the model was then.
 */
static void run_from(const struct seq *s, size_t from, size_t stop, const char *snap,
		     size_t snap_len, struct vma_model *m, struct run *r)
{
	struct calls_parser cp;
	struct calls_ctx ctx;
	struct sbuf want = { 0 }, got = { 0 };
	unsigned rdonly = 0;	/* descriptors opened O_RDONLY, for categories */
	size_t i;

	r->what = AGREE;
	r->msg.n = 0;
	r->category[0] = 0;
	if (model_from(m, snap, snap_len, s, from, &r->msg) < 0) {
		r->what = BAD_SNAPSHOT;
		snprintf(r->category, sizeof(r->category), "%s", outcome_str[r->what]);
		return;
	}
	calls_parser_init(&cp);
	calls_ctx_init(&ctx);
	ctx.stat = stat_file;
	ctx.thp_file = thp_file;
	ctx.follow_recorded = false;
	for (i = from; i < stop && i < s->n && r->what == AGREE; i++) {
		const struct entry *e = &s->e[i];
		struct call c;
		struct call_outcome o;
		char why[256];
		int rc;

		r->at = i;
		call_init(&c);
		rc = calls_parse_line(&cp, s->text.p + e->line, e->line_len, &c);
		if (rc < 0) {
			r->what = BAD_PARSE;
			sb_printf(&r->msg, "%s", cp.errmsg);
			snprintf(r->category, sizeof(r->category), "%s", outcome_str[r->what]);
			call_release(&c);
			break;
		}
		if (c.kind == CALL_OTHER && c.result_fd >= 0 && c.result_fd < 32)
			rdonly = (rdonly & ~(1u << c.result_fd)) |
				 (unsigned)!!memmem(c.text ? c.text : "", c.text ? strlen(c.text) : 0,
						    "O_RDONLY", 8) << c.result_fd;
		r->kernel_err = c.has_result && c.result == -1 ? c.result_errno : 0;
		r->kernel_val = c.result;
		if (c.kind != CALL_OTHER && c.kind != CALL_CLOSE)
			c.has_result = false;	/* predict, do not follow */
		rc = call_apply(&ctx, m, &c, &o, NULL);
		r->model_err = o.err;
		r->model_val = o.value;
		if (rc < 0) {
			r->what = BAD_APPLY;
			sb_printf(&r->msg, "call_apply: %s (%s)", strerror(-rc), ctx.errmsg);
		} else if (vma_validate(m, why, sizeof(why)) != 0) {
			r->what = BAD_MODEL;
			sb_printf(&r->msg, "vma_validate: %s", why);
		} else if (o.applied && o.has_value && e->has_state &&
			   (r->kernel_err != o.err ||
			    (!o.err && (c.kind == CALL_MMAP || c.kind == CALL_MREMAP) &&
			     o.value != (uint64_t)c.result))) {
			r->what = WRONG_RESULT;
		} else if (e->has_state) {
			records_from_text(s->text.p + e->state, e->state_len, &want);
			records_from_model(m, &got);
			if (strcmp(want.p, got.p))
				r->what = WRONG_VMAS;
		}
		if (r->what != AGREE)
			categorize(r, &c, &o, rdonly, m);
		call_release(&c);
	}
	if (r->what == AGREE && stop >= s->n) {
		records_from_text(s->text.p + s->after, s->after_len, &want);
		records_from_model(m, &got);
		if (strcmp(want.p, got.p)) {
			r->what = WRONG_AFTER;
			snprintf(r->category, sizeof(r->category), "%s", outcome_str[r->what]);
		}
	}
	if (r->what == WRONG_VMAS || r->what == WRONG_AFTER) {
		lines_missing(&want, &got, '-', &r->msg);
		lines_missing(&got, &want, '+', &r->msg);
	}
	calls_ctx_release(&ctx);
	calls_parser_release(&cp);
	free(want.p);
	free(got.p);
}

/* The kernel's state before entry k: the last state recorded before it. */
static void state_before(const struct seq *s, size_t k, const char **t, size_t *n)
{
	*t = s->text.p + s->before;
	*n = s->before_len;
	while (k--)
		if (s->e[k].has_state) {
			*t = s->text.p + s->e[k].state;
			*n = s->e[k].state_len;
			return;
		}
}

/* The latest start from which the same divergence still happens. */
static size_t minimize(const struct seq *s, const struct run *full)
{
	struct run r = { 0 };
	size_t k;

	for (k = full->at; k > 0; k--) {
		struct vma_model m;
		const char *t;
		size_t n;

		state_before(s, k, &t, &n);
		run_from(s, k, full->at + 1, t, n, &m, &r);
		vma_model_release(&m);
		if (r.what == full->what && r.at == full->at)
			break;
	}
	free(r.msg.p);
	return k;
}

static void result_text(char *b, size_t n, int err, unsigned long long val, int has_val)
{
	if (err)
		snprintf(b, n, "-1 %s", call_errno_name(err) ? call_errno_name(err) : "E?");
	else if (has_val)
		snprintf(b, n, "0x%llx", val);
	else
		snprintf(b, n, "0");
}

/* Without " = RESULT" (memory calls only: an openat's result names its fd). */
size_t call_without_result(const char *l, size_t n)
{
	const char *eq = NULL, *p;

	if (!strncmp(l, "openat(", 7) || !strncmp(l, "close(", 6) || !strncmp(l, "brk(NULL)", 9))
		return n;
	for (p = l; (p = memmem(p, l + n - p, ") = ", 4)); p++)
		eq = p;
	return eq ? (size_t)(eq - l + 1) : n;
}

void report(FILE *out, const struct seq *s, const struct run *r, int full)
{
	const struct entry *e = &s->e[r->at < s->n ? r->at : s->n - 1];
	size_t k = full ? minimize(s, r) : r->at, i, n;
	char kb[64], mb[64], tag[32];
	const char *t, *l, *end;
	int addr = !strncmp(s->text.p + e->line, "mmap(", 5) ||
		   !strncmp(s->text.p + e->line, "mremap(", 7);

	fprintf(out, "F %s\n", r->category);
	fprintf(out, "D %s seed %llu, call %zu of %zu: %s\n", s->family, s->seed, r->at + 1, s->n,
		r->category);
	fprintf(out, "D   call: %.*s\n", (int)e->line_len, s->text.p + e->line);
	result_text(kb, sizeof(kb), r->kernel_err, (unsigned long long)r->kernel_val, addr);
	result_text(mb, sizeof(mb), r->model_err, r->model_val, addr);
	if (r->what == WRONG_RESULT)
		fprintf(out, "D   kernel: = %s   model: = %s\n", kb, mb);
	for (l = r->msg.p; r->msg.n && l < r->msg.p + r->msg.n; l = strchr(l, '\n') + 1)
		fprintf(out, "D   %.*s\n", (int)strcspn(l, "\n"), l);
	if (!full)
		return;
	state_before(s, k, &t, &n);
	snprintf(tag, sizeof(tag), "%c%llu", s->family[0], s->seed);
	fprintf(out, "D   reproduce (from the kernel's state before call %zu): "
		"sed -n 's/^#   S%s| //p' tests/test-kernel.log > S; "
		"sed -n 's/^#   O%s| //p' tests/test-kernel.log > O; "
		"vmatool sim --snapshot S --ops O --format smaps\n", k + 1, tag, tag);
	for (l = t, end = t + n; l < end; l = strchr(l, '\n') + 1)
		if (is_state_line(l))
			fprintf(out, "D   S%s| %.*s\n", tag, (int)strcspn(l, "\n"), l);
	for (i = k; i <= r->at && i < s->n; i++)
		fprintf(out, "D   O%s| %.*s\n", tag, (int)call_without_result(s->text.p +
			s->e[i].line, s->e[i].line_len), s->text.p + s->e[i].line);
}

void seq_free(struct seq *s)
{
	free(s->text.p);
	free(s->e);
	memset(s, 0, sizeof(*s));
}

void judge_seq(const struct seq *s, struct run *r)
{
	struct vma_model m;

	run_from(s, 0, s->n, s->text.p + s->before, s->before_len, &m, r);
	vma_model_release(&m);
}

/* The model's final VMAs after every call of s, whatever the divergences. */
void judge_final(const struct seq *s, struct sbuf *out)
{
	struct vma_model m;
	struct calls_parser cp;
	struct calls_ctx ctx;
	struct sbuf why = { 0 };
	size_t i;

	out->n = 0;
	sb_add(out, "", 0);
	if (model_from(&m, s->text.p + s->before, s->before_len, s, 0, &why) < 0) {
		sb_printf(out, "%s\n", why.p);
		free(why.p);
		vma_model_release(&m);
		return;
	}
	calls_parser_init(&cp);
	calls_ctx_init(&ctx);
	ctx.stat = stat_file;
	ctx.thp_file = thp_file;
	ctx.follow_recorded = false;
	for (i = 0; i < s->n; i++) {
		struct call c;
		struct call_outcome o;

		call_init(&c);
		if (calls_parse_line(&cp, s->text.p + s->e[i].line, s->e[i].line_len, &c) >= 0) {
			if (c.kind != CALL_OTHER && c.kind != CALL_CLOSE)
				c.has_result = false;
			call_apply(&ctx, &m, &c, &o, NULL);
		}
		call_release(&c);
	}
	records_from_model(&m, out);
	calls_ctx_release(&ctx);
	calls_parser_release(&cp);
	vma_model_release(&m);
}
