/*
 * sim-order.c - calls of threads that overlap in time.
 *
 * strace prints a call whole when nothing happened in between; otherwise it
 * splits it into `<unfinished ...>` and `<... resumed>` halves, and sim
 * applies it at its second half.  Two memory calls of tasks that share an
 * address space overlap when one began before the other ended: which one the
 * kernel did first, no log says.  One case can be decided from the results:
 * an mmap whose recorded address lies on memory the model still has mapped,
 * while another task's munmap of that memory was in flight -- the munmap
 * happened first, and is applied first.  The VMAs that other overlapping
 * calls change are marked uncertain (VMA_B_UNSURE_ORDER).
 */
#include <stdlib.h>

#include "cli/sim.h"

#define ORDER_WINDOW 256	/* later steps looked at for one step */

static bool is_memory(const struct sim_step *st)
{
	return st->call.kind < CALL_CLOSE;
}

/* The task of pid, or the one an unknown pid will join (calls_proc.c: no fork in flight). */
static struct calls_proc *task_of(struct sim *s, long pid)
{
	struct calls_proc *p = calls_procs_find(&s->procs, pid);

	if (p || !s->procs.nprocs)
		return p;
	for (size_t i = 0; i < s->procs.nprocs; i++)
		if (s->procs.procs[i].fork_inflight && !s->procs.procs[i].exited)
			return NULL;	/* it may be that fork's child */
	return &s->procs.procs[0];
}

/* Do the tasks of a and b share one address space now? */
static bool same_space(struct sim *s, const struct sim_step *a, const struct sim_step *b)
{
	struct calls_proc *p, *q;

	if (a->call.pid == b->call.pid)
		return false;
	p = task_of(s, a->call.pid);
	q = task_of(s, b->call.pid);
	return p && q && calls_proc_same_space(p, q);
}

/* Did b (later in the steps) begin before a ended? */
static bool overlap(const struct sim_step *a, const struct sim_step *b)
{
	return a->input == b->input && b->call.lineno < a->call.endline && is_memory(a) &&
	       is_memory(b);
}

/* Does munmap step u cover [start, end)? */
static bool unmaps(const struct sim_step *u, uint64_t start, uint64_t end)
{
	const struct call *c = &u->call;

	return c->kind == CALL_MUNMAP && !c->arg[0].base && c->nargs >= 2 &&
	       c->arg[0].value <= start && end <= c->arg[0].value + c->arg[1].value &&
	       c->has_result && c->result == 0;
}

/*
 * Each step's next_other: the first later step whose pid differs (a step of
 * the same pid never overlaps it), so that a log of one task costs no scan.
 */
void sim_order_prepare(struct sim *s)
{
	for (size_t k = s->nsteps; k-- > 0;)
		s->steps[k].next_other = k + 1 == s->nsteps ? s->nsteps :
					 s->steps[k + 1].call.pid != s->steps[k].call.pid ? k + 1 :
					 s->steps[k + 1].next_other;
}

/*
 * Before step i: a munmap in flight that must have come first (see the top),
 * or s->nsteps.  Marks the steps i overlaps with otherwise.
 */
size_t sim_order_before(struct sim *s, size_t i)
{
	struct sim_step *st = &s->steps[i];
	const struct call *c = &st->call;
	size_t end = i + ORDER_WINDOW < s->nsteps ? i + ORDER_WINDOW : s->nsteps;
	struct calls_proc *p = calls_procs_find(&s->procs, c->pid);
	uint64_t start = (uint64_t)c->result;
	bool mapped = false;

	if (s->merged || st->done)
		return s->nsteps;
	if (p && c->kind == CALL_MMAP && c->has_result && c->result != -1 && c->nargs >= 2)
		mapped = vma_find_intersection(calls_proc_model(p), start,
					       start + c->arg[1].value) != NULL;
	for (size_t j = i + 1; j < end; j++) {
		struct sim_step *o = &s->steps[j];
		if (o->call.pid == c->pid) {	/* same task: no overlap (same_space) */
			j = o->next_other - 1;
			continue;
		}
		if (o->done || !overlap(st, o) || !same_space(s, st, o))
			continue;
		if (mapped && unmaps(o, start, start + c->arg[1].value))
			return j;
		st->overlap = o->overlap = true;
	}
	return s->nsteps;
}

/* After step st: an overlapping call's VMAs are uncertain. */
void sim_order_after(struct sim *s, struct sim_step *st)
{
	struct calls_proc *p = calls_procs_find(&s->procs, st->call.pid);
	uint64_t start = st->out.arg[0], len = st->out.arg[1];
	struct vma_model *m;

	if (!st->overlap || !p || !st->out.applied || st->out.err)
		return;
	s->overlapping++;
	if (st->call.kind == CALL_MMAP || st->call.kind == CALL_MREMAP) {
		start = st->out.value;
		len = st->call.kind == CALL_MREMAP ? st->out.arg[2] : st->out.arg[1];
	} else if (st->call.kind == CALL_BRK || st->call.kind == CALL_MLOCKALL ||
		   st->call.kind == CALL_MUNLOCKALL) {
		return;
	}
	m = calls_proc_model(p);
	for (struct vma *v = vma_find(m, start); v && v->start < start + len; v = v->next)
		v->bits |= VMA_B_UNSURE_ORDER;
}
