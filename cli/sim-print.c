/*
 * sim-print.c - the output of `vmatool sim`: each call with its predicted
 * result and effects and a summary (text), one vmatool/1 document (json),
 * or the final address space as /proc/PID/maps or smaps would print it.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/json.h"
#include "cli/sim.h"
#include "cli/sim-line.h"
#include "engine/machine.h"
#include "engine/maps.h"

const char *sim_call_name(const struct call *c)
{
	return c->kind == CALL_OTHER ? c->name : call_kind_name(c->kind);
}

static bool returns_address(enum call_kind k)
{
	return k == CALL_MMAP || k == CALL_MREMAP || k == CALL_BRK;
}

static int finish(FILE *out)
{
	if (fflush(out) || ferror(out))
		return cli_error(EXIT_TARGET, "cannot write the output: %s", strerror(errno));
	return EXIT_FINE;
}

/* ---- effects as words ------------------------------------------------------ */

static const char *const event_names[] = {
	[VMA_EV_CREATE] = "create", [VMA_EV_REMOVE] = "remove", [VMA_EV_SPLIT] = "split",
	[VMA_EV_MERGE] = "merge", [VMA_EV_EXPAND] = "expand", [VMA_EV_SHRINK] = "shrink",
	[VMA_EV_MOVE] = "move", [VMA_EV_FLAGS] = "flags", [VMA_EV_NOMERGE] = "no-merge",
	[VMA_EV_LIMIT] = "limit", [VMA_EV_ANON_VMA] = "anon_vma",
};

static const char *event_name(enum vma_event_kind k)
{
	return (unsigned)k < sizeof(event_names) / sizeof(event_names[0]) && event_names[k]
		? event_names[k] : "event";
}

/* "+lo +lf -wr": the flags an event turned on and off (at most cap - 1 bytes). */
static void flag_changes(vmf_t old, vmf_t new, char *buf, size_t cap)
{
	size_t n = 0;

	buf[0] = '\0';
	for (unsigned b = 0; b < 64 && n + 5 < cap; b++) {
		vmf_t bit = (vmf_t)1 << b;
		const char *mn = vmf_mnemonic(b);
		size_t len;
		if (!mn || !((old ^ new) & bit))
			continue;
		len = strlen(mn);
		if (n + (n != 0) + 1 + len >= cap) {	/* does not fit: as snprintf cuts it */
			n += (size_t)snprintf(buf + n, cap - n, "%s%c%s", n ? " " : "",
					      (new & bit) ? '+' : '-', mn);
			continue;
		}
		if (n)
			buf[n++] = ' ';
		buf[n++] = (new & bit) ? '+' : '-';
		memcpy(buf + n, mn, len + 1);
		n += len;
	}
}

/* "START-END" in hex, as "%" PRIx64 "-%" PRIx64. */
static void line_range(struct sim_line *l, uint64_t start, uint64_t end)
{
	sim_line_hex(l, start);
	sim_line_char(l, '-');
	sim_line_hex(l, end);
}

static void line_event(struct sim_line *l, const struct vma_event *e)
{
	char fl[256];

	sim_line_str(l, "    ");
	sim_line_pad(l, event_name(e->kind), 8);
	sim_line_char(l, ' ');
	switch (e->kind) {
	case VMA_EV_SPLIT:
		line_range(l, e->old_start, e->old_end);
		sim_line_str(l, " at ");
		sim_line_hex(l, e->at);
		break;
	case VMA_EV_MERGE:
	case VMA_EV_EXPAND:
	case VMA_EV_SHRINK:
	case VMA_EV_MOVE:
		line_range(l, e->old_start, e->old_end);
		sim_line_str(l, e->kind == VMA_EV_MERGE ? " into " : " to ");
		line_range(l, e->start, e->end);
		break;
	case VMA_EV_FLAGS:
		flag_changes(e->old_flags, e->new_flags, fl, sizeof(fl));
		line_range(l, e->start, e->end);
		sim_line_char(l, ' ');
		sim_line_str(l, fl);
		break;
	case VMA_EV_NOMERGE:
		line_range(l, e->start, e->end);
		sim_line_str(l, " with ");
		line_range(l, e->other_start, e->other_end);
		sim_line_str(l, ": ");
		sim_line_str(l, vma_nomerge_str(e->why));
		break;
	case VMA_EV_LIMIT:
		sim_line_str(l, "vm.max_map_count would be exceeded");
		break;
	default:
		line_range(l, e->start, e->end);
		break;
	}
	sim_line_char(l, '\n');
}

void sim_print_event(FILE *out, const struct vma_event *e)
{
	struct sim_line l;

	sim_line_init(&l, out);
	line_event(&l, e);
	sim_line_flush(&l);
}

/* ---- text ---------------------------------------------------------------------- */

/* " = 0x7f..", " = 0", " = -1 ENOMEM" for a prediction. */
static void line_predicted(struct sim_line *l, const struct sim_step *st)
{
	const struct call_outcome *o = &st->out;

	if (!o->has_value)
		return;
	sim_line_str(l, " = ");
	if (o->err) {
		const char *n = call_errno_name(o->err);
		sim_line_str(l, "-1 ");
		if (n) {
			sim_line_str(l, n);
		} else {
			sim_line_str(l, "errno ");
			sim_line_sdec(l, o->err);
		}
	} else if (returns_address(st->call.kind)) {
		sim_line_hex0x(l, o->value);
	} else {
		sim_line_dec(l, o->value);
	}
}

static void line_recorded(struct sim_line *l, const struct call *c)
{
	if (c->result_unknown) {
		sim_line_char(l, '?');
	} else if (c->result == -1 && c->result_errno && call_errno_name(c->result_errno)) {
		sim_line_str(l, "-1 ");
		sim_line_str(l, call_errno_name(c->result_errno));
	} else if (returns_address(c->kind)) {
		sim_line_hex0x(l, (uint64_t)c->result);
	} else {
		sim_line_sdec(l, c->result);
	}
}

/* "    where [heap]+0x1000 = 0x55555555a000" for each address expression. */
static void line_resolved(struct sim_line *l, const struct sim_step *st)
{
	for (unsigned i = 0; i < st->call.nargs; i++) {
		const struct call_arg *a = &st->call.arg[i];
		if (!a->base)
			continue;
		sim_line_str(l, "    where    ");
		sim_line_escaped(l, a->base, strlen(a->base));
		if (a->value || a->negative) {
			sim_line_char(l, a->negative ? '-' : '+');
			sim_line_hex0x(l, a->value);
		}
		sim_line_str(l, " = ");
		sim_line_hex0x(l, st->out.arg[i]);
		sim_line_char(l, '\n');
	}
}

static void line_warnings(const struct sim *s, const struct sim_step *st, struct sim_line *l)
{
	const struct call_outcome *o = &st->out;

	if (o->disagree) {
		sim_line_str(l, "    recorded = ");
		line_recorded(l, &st->call);
		sim_line_str(l, o->followed ? ": disagrees; the simulation follows the log\n"
					    : ": disagrees; the log could not be followed\n");
	}
	if (o->limit) {
		sim_line_str(l, "    warning: this call fails for vm.max_map_count (");
		sim_line_dec(l, s->max_map_count);
		sim_line_str(l, ")\n");
	} else if (o->vmas_after - s->uncounted > s->max_map_count) {
		sim_line_str(l, "    warning: ");
		sim_line_dec(l, o->vmas_after - s->uncounted);
		sim_line_str(l, " VMAs exceed vm.max_map_count (");
		sim_line_dec(l, s->max_map_count);
		sim_line_str(l, ")\n");
	}
}

static void print_step(const struct sim *s, const struct sim_step *st, FILE *out)
{
	const struct call *c = &st->call;
	const struct call_outcome *o = &st->out;
	struct sim_line l;

	sim_line_init(&l, out);
	sim_line_str(&l, s->inputs[st->input]);
	sim_line_char(&l, ':');
	sim_line_dec(&l, c->lineno);
	sim_line_str(&l, ": ");
	if (st->task) {
		sim_line_str(&l, "[pid ");
		sim_line_sdec(&l, st->task);
		sim_line_str(&l, "] ");
	}
	sim_line_escaped(&l, c->text, strlen(c->text));
	line_predicted(&l, st);
	sim_line_str(&l, "  [VMAs ");
	if (o->vmas_after != o->vmas_before) {
		sim_line_dec(&l, o->vmas_before);
		sim_line_str(&l, " -> ");
	}
	sim_line_dec(&l, o->vmas_after);
	sim_line_str(&l, "]\n");
	line_resolved(&l, st);
	if (st->before_line) {
		sim_line_str(&l, "    applied before line ");
		sim_line_dec(&l, st->before_line);
		sim_line_str(&l, ": that mmap's recorded address lies on memory this call unmaps\n");
	}
	for (size_t i = 0; i < st->nev; i++)
		line_event(&l, &st->ev[i]);
	line_warnings(s, st, &l);
	sim_line_flush(&l);
}

/* One task of the log: "    1234: child of 1233 (a copy), 1 execve (/bin/ls), 12 calls". */
static void print_task(const struct sim *s, const struct calls_proc *p, FILE *out)
{
	if (p->pid)
		fprintf(out, "    %ld: ", p->pid);
	else
		fputs("    (no pid): ", out);	/* strace -f prints none for the first process */
	if (p->leader != p->pid && p->leader)
		fprintf(out, "thread of %ld", p->leader);
	else if (p->leader != p->pid)
		fputs("thread of the first process", out);
	else if (p->parent >= 0)
		fprintf(out, "child of %ld", p->parent);
	else
		fputs(p == &s->procs.procs[0] ? "first process" : "process", out);
	if (p->guessed)
		fputs(" (guessed: no clone line says)", out);
	if (p->execs) {
		fprintf(out, ", %u execve", p->execs);
		if (p->exe) {
			fputs(" (", out);
			fputs_escaped(p->exe, strlen(p->exe), out);
			fputs(")", out);
		}
	}
	fprintf(out, ", %zu memory calls%s%s%s\n", p->calls,
		calls_proc_partial(p) ? ", partial" : "", p->exited ? ", exited" : "",
		p == s->shown ? ", shown" : "");
}

static void print_processes(const struct sim *s, FILE *out)
{
	const struct calls_procs *ps = &s->procs;

	if (s->merged)
		fprintf(out, "  inputs: %zu files merged by time (strace -ff)\n", s->nops);
	if (ps->nprocs > 1) {
		fprintf(out, "  tasks: %zu\n", ps->nprocs);
		for (size_t i = 0; i < ps->nprocs; i++)
			print_task(s, &ps->procs[i], out);
	}
	if (ps->nguessed)
		fprintf(out, "  %zu tasks appear with no clone line: taken as threads of the first "
			"(strace -e trace=%%memory,%%process shows how they began)\n", ps->nguessed);
	if (s->shown && calls_proc_partial(s->shown))
		fprintf(out, "  partial: %ld's address space was made by execve and no snapshot of it "
			"was given (--snapshot %ld=FILE): the new image's own mappings are missing\n",
			s->shown->pid, s->shown->pid);
}

/* ---- what no log shows ---------------------------------------------------------- */

enum { UNSURE_ANON, UNSURE_STACK, UNSURE_FILE, UNSURE_ORDER, UNSURE_N };
static const char *const unsure_why[UNSURE_N] = {
	[UNSURE_ANON] = "whether it was written (no log shows writes) decides its VM_ACCOUNT "
			"or merges",
	[UNSURE_STACK] = "grows down by page faults no log shows",
	[UNSURE_FILE] = "its file could not be stat'ed: device and inode unknown",
	[UNSURE_ORDER] = "changed by calls of threads that overlapped in time",
};
static const char *const unsure_key[UNSURE_N] = { "anon_vma", "stack", "file", "order" };

/* The reasons v of the shown space is uncertain, as a bit set; 0 if none. */
static unsigned unsure(const struct sim *s, const struct vma *v)
{
	unsigned u = 0;

	u |= (v->bits & VMA_B_UNSURE_ANON) ? 1u << UNSURE_ANON : 0;
	u |= (v->bits & VMA_B_UNSURE_FILE) ? 1u << UNSURE_FILE : 0;
	u |= (v->bits & VMA_B_UNSURE_ORDER) ? 1u << UNSURE_ORDER : 0;
	if ((v->flags & VMF(GROWSDOWN)) && s->shown && s->shown->calls)
		u |= 1u << UNSURE_STACK;
	return u;
}

static size_t count_unsure(const struct sim *s)
{
	size_t n = 0;

	for (const struct vma *v = s->m->first; v; v = v->next)
		n += unsure(s, v) != 0;
	return n;
}

static void print_unsure(const struct sim *s, FILE *out)
{
	size_t n = count_unsure(s);

	if (s->assume_written)
		fputs("  assumed: private writable memory is written as soon as it is mapped "
		      "(--assume-written)\n", out);
	if (s->reordered)
		fprintf(out, "  order: %zu munmap calls of one thread applied before another's "
			"overlapping mmap, as its recorded address requires\n", s->reordered);
	if (s->overlapping)
		fprintf(out, "  order: %zu calls overlapped another thread's in time\n",
			s->overlapping);
	if (!n)
		return;
	fprintf(out, "  uncertain: %zu VMAs depend on what no log shows\n", n);
	for (const struct vma *v = s->m->first; v; v = v->next) {
		unsigned u = unsure(s, v);
		const char *name = vma_name(s->m, v->name);
		if (!u)
			continue;
		fprintf(out, "    %" PRIx64 "-%" PRIx64 "%s", v->start, v->end, *name ? " " : "");
		fputs_escaped(name, strlen(name), out);
		for (unsigned k = 0, first = 1; k < UNSURE_N; k++)
			if (u & (1u << k)) {
				fprintf(out, "%s%s", first ? ": " : "; ", unsure_why[k]);
				first = 0;
			}
		fputc('\n', out);
	}
}

static void json_unsure(struct json_writer *w, const struct sim *s)
{
	jw_kv_u64(w, "uncertain_vmas", count_unsure(s));
	jw_kv_bool(w, "assume_written", s->assume_written);
	jw_kv_u64(w, "overlapping_calls", s->overlapping);
	jw_kv_u64(w, "reordered_calls", s->reordered);
	jw_key(w, "uncertain");
	jw_begin_array(w);
	for (const struct vma *v = s->m->first; v; v = v->next) {
		unsigned u = unsure(s, v);
		if (!u)
			continue;
		jw_begin_object(w);
		jw_kv_hex(w, "start", v->start);
		jw_kv_hex(w, "end", v->end);
		jw_key(w, "why");
		jw_begin_array(w);
		for (unsigned k = 0; k < UNSURE_N; k++)
			if (u & (1u << k))
				jw_string(w, unsure_key[k]);
		jw_end_array(w);
		jw_end_object(w);
	}
	jw_end_array(w);
}

/* The machine simulated, when it is not upstream Linux's defaults. */
static void print_machine(const struct sim *s, FILE *out)
{
	struct vma_params p = s->m->p, d;
	char diff[1024];

	vma_params_default(&d);
	p.max_map_count = d.max_map_count;	/* the VMAs line says it, and whence */
	if (vma_machine_differences(&p, diff, sizeof(diff)) == 0)
		return;
	fprintf(out, "  machine: %s (from %s; the rest as upstream Linux)\n", diff,
		s->machine_from ? s->machine_from : "the defaults");
}

static void print_summary(const struct sim *s, FILE *out)
{
	size_t ncalls = 0;

	for (unsigned k = 0; k < CALL_KIND_COUNT; k++)
		ncalls += s->by_kind[k];
	fprintf(out, "summary:\n");
	fprintf(out, "  VMAs: %zu before, %zu after (vm.max_map_count %" PRIu32 ", from %s)\n",
		s->vmas_before, s->m->count, s->max_map_count, s->max_map_count_from);
	print_machine(s, out);
	fprintf(out, "  calls: %zu", ncalls);
	for (unsigned k = 0, first = 1; k < CALL_KIND_COUNT; k++)
		if (s->by_kind[k]) {
			fprintf(out, "%s%s %zu", first ? " (" : ", ", call_kind_name(k), s->by_kind[k]);
			first = 0;
		}
	fprintf(out, "%s\n", ncalls ? ")" : "");
	fprintf(out, "  effects: %zu splits, %zu merges, %zu created, %zu removed, %zu moved, "
		"%zu flag changes\n", s->splits, s->merges, s->created, s->removed, s->moved,
		s->flag_changes);
	fprintf(out, "  predicted errors: %zu\n", s->errors);
	fprintf(out, "  disagreements with the log: %zu (%zu followed)\n", s->disagreements,
		s->followed);
	if (s->limits)
		fprintf(out, "  calls failing for vm.max_map_count: %zu\n", s->limits);
	fprintf(out, "  skipped: %zu non-memory calls, %zu signal lines, %zu exit lines, "
		"%zu unfinished calls never resumed\n", s->n_other, s->n_signal, s->n_exit,
		s->n_dropped);
	if (s->nlines_skipped)
		fprintf(out, "  lines not understood, skipped (not memory calls): %zu, the first %s:%zu\n",
			s->nlines_skipped, s->inputs[s->first_skipped_input], s->first_skipped);
	print_processes(s, out);
	print_unsure(s, out);
}

static int print_text_end(const struct sim *s, FILE *out)
{
	print_summary(s, out);
	return finish(out);
}

/* ---- json --------------------------------------------------------------------- */

static void json_event(struct json_writer *w, const struct vma_event *e)
{
	jw_begin_object(w);
	jw_kv_string(w, "event", event_name(e->kind));
	jw_kv_hex(w, "start", e->start);
	jw_kv_hex(w, "end", e->end);
	switch (e->kind) {
	case VMA_EV_SPLIT:
		jw_kv_hex(w, "old_start", e->old_start);
		jw_kv_hex(w, "old_end", e->old_end);
		jw_kv_hex(w, "at", e->at);
		break;
	case VMA_EV_MERGE:
	case VMA_EV_EXPAND:
	case VMA_EV_SHRINK:
	case VMA_EV_MOVE:
		jw_kv_hex(w, "old_start", e->old_start);
		jw_kv_hex(w, "old_end", e->old_end);
		break;
	case VMA_EV_FLAGS:
		jw_key(w, "old_vmflags");
		json_vmflags(w, e->old_flags);
		jw_key(w, "new_vmflags");
		json_vmflags(w, e->new_flags);
		break;
	case VMA_EV_NOMERGE:
		jw_kv_hex(w, "other_start", e->other_start);
		jw_kv_hex(w, "other_end", e->other_end);
		jw_kv_string(w, "why", vma_nomerge_str(e->why));
		break;
	default:
		break;
	}
	jw_end_object(w);
}

static void json_result(struct json_writer *w, enum call_kind k, bool ok, uint64_t v)
{
	if (ok && returns_address(k))
		jw_hex(w, v);
	else
		jw_i64(w, ok ? (int64_t)v : -1);
}

static void json_recorded(struct json_writer *w, const struct call *c)
{
	if (!c->has_result) {
		jw_null(w);
		return;
	}
	jw_begin_object(w);
	jw_key(w, "result");
	if (c->result_unknown)
		jw_null(w);
	else
		json_result(w, c->kind, c->result != -1 || c->kind == CALL_BRK, (uint64_t)c->result);
	jw_kv_string(w, "errno", c->result_errno ? call_errno_name(c->result_errno) : NULL);
	jw_end_object(w);
}

static void json_step(struct json_writer *w, const struct sim *s, const struct sim_step *st)
{
	const struct call *c = &st->call;
	const struct call_outcome *o = &st->out;

	jw_begin_object(w);
	jw_kv_string(w, "input", s->inputs[st->input]);
	jw_kv_u64(w, "line", c->lineno);
	jw_kv_string(w, "call", sim_call_name(c));
	jw_kv_string(w, "text", c->text);
	jw_key(w, "args");	/* numbers, address expressions resolved */
	jw_begin_array(w);
	for (unsigned i = 0; i < c->nargs; i++)
		jw_hex(w, o->arg[i]);
	jw_end_array(w);
	if (c->pid)
		jw_kv_i64(w, "pid", c->pid);
	jw_key(w, "result");
	if (o->has_value)
		json_result(w, c->kind, !o->err, o->value);
	else
		jw_null(w);
	jw_kv_string(w, "errno", o->err ? call_errno_name(o->err) : NULL);
	jw_key(w, "recorded");
	json_recorded(w, c);
	jw_kv_bool(w, "disagree", o->disagree);
	jw_kv_bool(w, "followed", o->followed);
	jw_kv_u64(w, "vmas_before", o->vmas_before);
	jw_kv_u64(w, "vmas_after", o->vmas_after);
	jw_kv_bool(w, "limit", o->limit || o->vmas_after - s->uncounted > s->max_map_count);
	jw_key(w, "effects");
	jw_begin_array(w);
	for (size_t i = 0; i < st->nev; i++)
		json_event(w, &st->ev[i]);
	jw_end_array(w);
	jw_end_object(w);
}

static void json_task(struct json_writer *w, const struct calls_proc *p)
{
	jw_begin_object(w);
	jw_kv_i64(w, "pid", p->pid);
	jw_key(w, "parent");
	if (p->parent >= 0)
		jw_i64(w, p->parent);
	else
		jw_null(w);
	jw_kv_i64(w, "leader", p->leader);
	jw_kv_u64(w, "execs", p->execs);
	jw_kv_string(w, "exe", p->exe);
	jw_kv_u64(w, "calls", p->calls);
	jw_kv_bool(w, "partial", calls_proc_partial(p));
	jw_kv_bool(w, "guessed", p->guessed);
	jw_kv_bool(w, "exited", p->exited);
	jw_end_object(w);
}

static void json_summary(struct json_writer *w, const struct sim *s)
{
	jw_begin_object(w);
	jw_kv_u64(w, "vmas_before", s->vmas_before);
	jw_kv_u64(w, "vmas_after", s->m->count);
	jw_kv_u64(w, "max_map_count", s->max_map_count);
	jw_kv_string(w, "max_map_count_from", s->max_map_count_from);
	json_machine(w, &s->m->p);
	jw_kv_string(w, "machine_from", s->machine_from);
	jw_key(w, "calls");
	jw_begin_object(w);
	for (unsigned k = 0; k < CALL_KIND_COUNT; k++)
		if (s->by_kind[k])
			jw_kv_u64(w, call_kind_name(k), s->by_kind[k]);
	jw_end_object(w);
	jw_kv_u64(w, "splits", s->splits);
	jw_kv_u64(w, "merges", s->merges);
	jw_kv_u64(w, "created", s->created);
	jw_kv_u64(w, "removed", s->removed);
	jw_kv_u64(w, "moved", s->moved);
	jw_kv_u64(w, "flag_changes", s->flag_changes);
	jw_kv_u64(w, "errors", s->errors);
	jw_kv_u64(w, "disagreements", s->disagreements);
	jw_kv_u64(w, "followed", s->followed);
	jw_kv_u64(w, "limit_failures", s->limits);
	jw_kv_u64(w, "skipped_calls", s->n_other);
	jw_kv_u64(w, "signal_lines", s->n_signal);
	jw_kv_u64(w, "exit_lines", s->n_exit);
	jw_kv_u64(w, "unfinished_dropped", s->n_dropped);
	jw_kv_u64(w, "lines_skipped", s->nlines_skipped);
	jw_key(w, "shown_pid");
	if (s->shown)
		jw_i64(w, s->shown->pid);
	else
		jw_null(w);
	jw_kv_bool(w, "partial", s->shown && calls_proc_partial(s->shown));
	json_unsure(w, s);
	jw_key(w, "tasks");
	jw_begin_array(w);
	for (size_t i = 0; i < s->procs.nprocs; i++)
		json_task(w, &s->procs.procs[i]);
	jw_end_array(w);
	jw_end_object(w);
}

static void json_begin(struct sim *s, FILE *out)
{
	struct json_writer *w = &s->jw;

	jw_init(w, out, true);
	jw_begin_object(w);
	jw_kv_string(w, "schema", JSON_SCHEMA);
	jw_key(w, "source");
	if (s->have_src)
		json_source_meta(w, &s->src);
	else
		jw_null(w);
	jw_key(w, "calls");
	jw_begin_array(w);
}

static int json_end(struct sim *s)
{
	struct json_writer *w = &s->jw;

	jw_end_array(w);
	jw_key(w, "summary");
	json_summary(w, s);
	jw_key(w, "vmas");
	jw_begin_array(w);
	for (const struct vma *v = s->m->first; v; v = v->next)
		json_vma(w, s->m, v);
	jw_end_array(w);
	jw_end_object(w);
	if (jw_finish(w) < 0)
		return cli_error(EXIT_TARGET, "cannot write the output: %s", strerror(EIO));
	return EXIT_FINE;
}

/* ---- maps and smaps ------------------------------------------------------------ */

static int print_maps(const struct sim *s, FILE *out, bool smaps)
{
	char *buf = NULL;
	size_t cap = 0;
	int rc = EXIT_FINE;

	if (!smaps && !(buf = malloc(MAPS_LINE_MAX)))
		return cli_error(EXIT_TARGET, "out of memory");
	for (const struct vma *v = s->m->first; v; v = v->next) {
		long n;
		if (smaps)
			n = maps_format_smaps(s->m, v, s->name_column, &buf, &cap);
		else
			n = (long)maps_format_line(s->m, v, s->name_column, buf);
		if (n < 0) {
			rc = cli_error(EXIT_TARGET, "out of memory");
			break;
		}
		fwrite(buf, 1, (size_t)n, out);
	}
	free(buf);
	return rc == EXIT_FINE ? finish(out) : rc;
}

/* ---- streaming: the steps as they are applied, then the end ---------------------- */

void sim_print_begin(struct sim *s, FILE *out)
{
	s->out = out;
	if (s->format == SIM_JSON)
		json_begin(s, out);
}

void sim_print_step(struct sim *s, const struct sim_step *st)
{
	if (!st->out.applied)
		return;
	if (s->format == SIM_TEXT)
		print_step(s, st, s->out);
	else if (s->format == SIM_JSON)
		json_step(&s->jw, s, st);
}

int sim_print_end(struct sim *s)
{
	switch (s->format) {
	case SIM_JSON:
		return json_end(s);
	case SIM_MAPS:
		return print_maps(s, s->out, false);
	case SIM_SMAPS:
		return print_maps(s, s->out, true);
	default:
		return print_text_end(s, s->out);
	}
}
