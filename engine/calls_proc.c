/*
 * calls_proc.c - the processes of an strace -f log, each replayed on its
 * own address space.
 *
 * Every call carries the PID strace printed.  A process's first line makes
 * it known: the first one is the log's first process (its model is the
 * caller's); a later one is the child of the fork-family call then in
 * flight (strace prints a child's first lines before its parent's
 * `<... clone resumed>`), or of the clone/fork/vfork whose result names it
 * (strace -z prints that line after the child's first ones: the caller reads
 * ahead and says so, calls_procs_expect_child).
 * Without a clone line (strace -e trace=memory shows none) the PID is taken
 * as a thread of the first process, and marked as a guess.
 *
 *  - clone(CLONE_VM) and vfork share the parent's model (and its shadow).
 *  - fork and clone without CLONE_VM copy it as Linux's dup_mmap does:
 *    VM_DONTCOPY (MADV_DONTFORK) VMAs are left out; VM_WIPEONFORK ones come
 *    without an anon_vma; VM_LOCKED and VM_LOCKONFAULT are cleared (locks
 *    are not inherited, nor is mlockall(MCL_FUTURE): mm_init keeps only
 *    VM_NOHUGEPAGE of def_flags); userfaultfd flags are cleared
 *    (dup_userfaultfd without UFFD_FEATURE_EVENT_FORK); every other VMA
 *    with an anon_vma gets a new one whose parent is the original
 *    (anon_vma_fork), so it is a fork child's: no reuse, no merge with a
 *    VMA without one.  Names, seals, pgoffs, brk and the params are copied.
 *  - CLONE_FILES shares the descriptor table, otherwise it is copied.
 *  - execve (a recorded success) replaces the model: by a copy of the
 *    caller's snapshot of that PID if there is one, else by an empty model
 *    that the following calls fill, marked partial (the new image's own
 *    mappings -- program, interpreter, stack, vdso -- are in no log).
 *    O_CLOEXEC descriptors close.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "calls.h"
#include "calls_int.h"
#include "maps.h"

struct calls_mm {
	struct vma_model own;
	struct vma_model *m;	/* &own, or the caller's model of the first process */
	struct calls_ctx ctx;	/* the shadow of m; ctx.fds is lent per call */
	unsigned users;
	bool partial;
};

static void mm_put(struct calls_mm *mm)
{
	if (!mm || --mm->users)
		return;
	mm->ctx.fds = NULL;
	calls_ctx_release(&mm->ctx);
	if (mm->m == &mm->own)
		vma_model_release(&mm->own);
	free(mm);
}

static struct calls_mm *mm_new(struct calls_procs *ps)
{
	struct calls_mm *mm = calloc(1, sizeof(*mm));

	if (!mm)
		return NULL;
	calls_ctx_init(&mm->ctx);
	mm->ctx.stat = ps->stat;
	mm->ctx.thp_file = ps->thp_file;
	mm->ctx.stat_arg = ps->stat_arg;
	mm->ctx.follow_recorded = ps->follow_recorded;
	mm->ctx.assume_written = ps->assume_written;
	mm->users = 1;
	mm->m = &mm->own;
	return mm;
}

/* What dup_mmap does to each VMA of the child's copy (see the top of the file). */
static void fork_vmas(struct vma_model *m)
{
	struct vma *v = m->first, *next;

	for (; v; v = next) {
		next = v->next;
		if (v->flags & VMF(DONTCOPY)) {
			vma_erase(m, v);
			vma_free(m, v);
			continue;
		}
		v->flags &= ~(VMF_LOCKED_MASK | VMF_UFFD_MASK);
		if (v->flags & VMF(WIPEONFORK)) {
			v->anon_vma = 0;
			v->bits &= ~VMA_B_FORK_CHILD;
		} else if (v->anon_vma) {
			if (m->next_anon_vma_id == 0)
				m->next_anon_vma_id = 1;
			v->anon_vma = m->next_anon_vma_id++;
			v->bits |= VMA_B_FORK_CHILD;
		}
	}
	m->def_flags &= VMF(NOHUGEPAGE);
	m->seq++;
}

static struct calls_mm *mm_fork(struct calls_procs *ps, const struct calls_mm *parent)
{
	struct calls_mm *mm = mm_new(ps);

	if (!mm)
		return NULL;
	if (vma_model_copy(&mm->own, parent->m) < 0) {
		free(mm);
		return NULL;
	}
	fork_vmas(&mm->own);
	mm->partial = parent->partial;
	return mm;
}

/* The model after a successful execve of pid; old gives the params. */
static struct calls_mm *mm_exec(struct calls_procs *ps, const struct calls_mm *old, long pid)
{
	const struct vma_model *snap = ps->snapshot ? ps->snapshot(ps->snapshot_arg, pid) : NULL;
	struct calls_mm *mm = mm_new(ps);
	struct vma_params p = old->m->p;
	int r;

	if (!mm)
		return NULL;
	if (snap) {
		r = vma_model_copy(&mm->own, snap);
	} else {
		p.start_brk = p.brk = 0;	/* the new image's: not in the log */
		p.start_stack = 0;
		r = vma_model_init(&mm->own, &p);
		mm->partial = true;
	}
	if (r < 0) {
		free(mm);
		return NULL;
	}
	return mm;
}

/* ---- the list of processes ------------------------------------------------------ */

void calls_procs_init(struct calls_procs *ps, struct vma_model *first)
{
	memset(ps, 0, sizeof(*ps));
	ps->first_model = first;
	ps->follow_recorded = true;
}

void calls_procs_release(struct calls_procs *ps)
{
	for (size_t i = 0; i < ps->nprocs; i++) {
		mm_put(ps->procs[i].mm);
		fdtab_put(ps->procs[i].fds);
		free(ps->procs[i].exe);
	}
	free(ps->procs);
	memset(ps, 0, sizeof(*ps));
}

/* The live task with this PID (the newest, PIDs are reused), or NULL. */
struct calls_proc *calls_procs_find(struct calls_procs *ps, long pid)
{
	if (pid == 0 && ps->nprocs)	/* lines without a PID: the first process (-e too) */
		return &ps->procs[0];
	if (ps->last < ps->nprocs && ps->procs[ps->last].pid == pid && !ps->procs[ps->last].exited)
		return &ps->procs[ps->last];
	for (size_t i = ps->nprocs; i-- > 0;)
		if (ps->procs[i].pid == pid && !ps->procs[i].exited) {
			ps->last = i;
			return &ps->procs[i];
		}
	return NULL;
}

/* The first process's number, once the log shows it. */
static struct calls_proc *add_proc(struct calls_procs *ps, long pid, size_t line)
{
	if (ps->nprocs == ps->cap) {
		size_t cap = ps->cap ? 2 * ps->cap : 8;
		struct calls_proc *n = realloc(ps->procs, cap * sizeof(*n));
		if (!n)
			return NULL;
		ps->procs = n;
		ps->cap = cap;
	}
	struct calls_proc *p = &ps->procs[ps->nprocs++];
	memset(p, 0, sizeof(*p));
	p->pid = pid;
	p->parent = -1;
	p->leader = pid;
	p->first_line = line;
	return p;
}

/* The first process: the caller's model, or its snapshot of this PID. */
static int first_proc(struct calls_procs *ps, const struct call *c)
{
	const struct vma_model *snap = ps->snapshot ? ps->snapshot(ps->snapshot_arg, c->pid) : NULL;
	struct calls_proc *p = add_proc(ps, c->pid, c->lineno);
	struct calls_mm *mm = mm_new(ps);

	if (!p || !mm || !(p->fds = fdtab_new()))
		goto oom;
	if (snap && snap != ps->first_model) {
		if (vma_model_copy(&mm->own, snap) < 0)
			goto oom;
	} else {
		mm->m = ps->first_model;
	}
	p->mm = mm;
	return 0;
oom:
	free(mm);
	return -ENOMEM;
}

/* A new task pid made by parent's clone with these flags. */
static int child_proc(struct calls_procs *ps, size_t parent, long pid, uint64_t flags, size_t line)
{
	struct calls_proc *p = add_proc(ps, pid, line), *pp;

	if (!p)
		return -ENOMEM;
	pp = &ps->procs[parent];	/* add_proc may have moved it */
	p->parent = pp->pid;
	p->exe = pp->exe ? strdup(pp->exe) : NULL;
	if (flags & CALLS_CLONE_THREAD)
		p->leader = pp->leader;
	if (flags & CALLS_CLONE_VM) {
		p->mm = pp->mm;
		p->mm->users++;
	} else {
		p->mm = mm_fork(ps, pp->mm);
	}
	p->fds = (flags & CALLS_CLONE_FILES) ? fdtab_get(pp->fds) : fdtab_copy(pp->fds);
	if (!p->mm || !p->fds || (pp->exe && !p->exe)) {
		ps->nprocs--;
		mm_put(p->mm);
		fdtab_put(p->fds);
		free(p->exe);
		return -ENOMEM;
	}
	return 0;
}

void calls_procs_expect_child(struct calls_procs *ps, long child, long parent, uint64_t flags)
{
	ps->expect = true;
	ps->expect_pid = child;
	ps->expect_parent = parent;
	ps->expect_flags = flags;
}

/* The child a later clone line names (calls_procs_expect_child): made now. */
static int appear_expected(struct calls_procs *ps, const struct call *c)
{
	struct calls_proc *pp = calls_procs_find(ps, ps->expect_parent);

	ps->expect = false;
	if (pp == NULL)
		return 1;
	return child_proc(ps, (size_t)(pp - ps->procs), c->pid, ps->expect_flags, c->lineno);
}

/* A PID no line introduced: the child of the fork in flight, or a guess. */
static int appear(struct calls_procs *ps, const struct call *c)
{
	size_t inflight = ps->nprocs, n = 0;
	int r;

	if (ps->nprocs == 0)
		return first_proc(ps, c);
	if (ps->expect && ps->expect_pid == c->pid && (r = appear_expected(ps, c)) <= 0)
		return r;
	for (size_t i = 0; i < ps->nprocs; i++)
		if (ps->procs[i].fork_inflight && !ps->procs[i].exited) {
			if (n == 0 || ps->procs[i].fork_line > ps->procs[inflight].fork_line)
				inflight = i;
			n++;
		}
	if (n) {
		r = child_proc(ps, inflight, c->pid, ps->procs[inflight].fork_flags, c->lineno);
		if (r == 0 && n > 1)
			ps->procs[ps->nprocs - 1].guessed = true;	/* two forks in flight */
		return r;
	}
	/* no clone line: a thread of the first process (or the first process by number) */
	r = child_proc(ps, 0, c->pid, CALLS_CLONE_VM | CALLS_CLONE_FILES | CALLS_CLONE_THREAD,
		       c->lineno);
	if (r == 0) {
		ps->procs[ps->nprocs - 1].guessed = true;
		ps->procs[ps->nprocs - 1].parent = -1;
		ps->nguessed++;
	}
	return r;
}

/*
 * Was task child made by p's fork in flight, and has it exited already?  A
 * child can act and exit before its parent's `<... clone resumed>` line:
 * calls_procs_find no longer sees it, but it must not be made a second time.
 */
static bool made_during_fork(const struct calls_procs *ps, const struct calls_proc *p, long child)
{
	for (size_t i = ps->nprocs; i-- > 0;)
		if (ps->procs[i].pid == child)
			return ps->procs[i].exited && ps->procs[i].parent == p->pid &&
			       ps->procs[i].first_line >= p->fork_line;
	return false;
}

static int do_fork(struct calls_procs *ps, struct calls_proc *p, const struct call *c)
{
	size_t i = (size_t)(p - ps->procs);
	long child = (long)c->result;

	if (c->unfinished) {
		p->fork_inflight = true;
		p->fork_flags = c->clone_flags;
		p->fork_line = c->lineno;
		return 0;
	}
	p->fork_inflight = false;
	if (!c->has_result || c->result_unknown || c->result <= 0)
		return 0;
	struct calls_proc *k = calls_procs_find(ps, child);
	if (k && k->parent == p->pid)
		return 0;	/* it acted before this line: made then */
	if (!k && made_during_fork(ps, p, child))
		return 0;	/* ... and has even exited before this line */
	if (k)
		k->exited = true;	/* a guess of ours, or an exit strace did not print */
	return child_proc(ps, i, child, c->clone_flags, c->lineno);
}

/*
 * A task exited: its space is dropped when no other task uses it and it is
 * not the one to print (the first process, or ps->keep_pid), so that a log
 * of many short processes takes memory for the live ones only.
 */
static void task_exit(struct calls_procs *ps, struct calls_proc *p)
{
	p->exited = true;
	if (p == &ps->procs[0] || (ps->keep_pid_given && p->pid == ps->keep_pid))
		return;
	p->was_partial = p->mm->partial;
	mm_put(p->mm);
	p->mm = NULL;
	fdtab_put(p->fds);
	p->fds = NULL;
}

static int do_exec(struct calls_procs *ps, struct calls_proc *p, const struct call *c)
{
	struct calls_mm *mm;

	if (!c->has_result || c->result_unknown || c->result != 0)
		return 0;	/* a failed execve changes nothing */
	if (!(mm = mm_exec(ps, p->mm, p->pid)))
		return -ENOMEM;
	if (fdtab_shared(p->fds)) {
		struct calls_fdtab *t = fdtab_copy(p->fds);
		if (!t) {
			mm_put(mm);
			return -ENOMEM;
		}
		fdtab_put(p->fds);
		p->fds = t;
	}
	fdtab_exec(p->fds);
	for (size_t i = 0; i < ps->nprocs; i++)	/* the other threads die */
		if (&ps->procs[i] != p && ps->procs[i].leader == p->leader &&
		    !ps->procs[i].exited && ps->procs[i].mm == p->mm)
			task_exit(ps, &ps->procs[i]);
	mm_put(p->mm);
	p->mm = mm;
	p->leader = p->pid;
	p->execs++;
	free(p->exe);
	p->exe = c->str ? strdup(c->str) : NULL;
	return 0;
}

/*
 * unlink() of a file: every live space's mappings of it, and every
 * descriptor of it, now name it "PATH (deleted)", as /proc does.
 */
static int unlinked(struct calls_procs *ps, const struct call *c)
{
	char *path = calls_unlinked_path(c), *esc = NULL, *desc = NULL;
	int r = 0;

	if (!path)
		return 0;
	esc = malloc(4 * strlen(path) + 1);
	desc = malloc(4 * strlen(path) + 11);
	if (!esc || !desc) {
		r = -ENOMEM;
		goto out;
	}
	esc[maps_escape_name(path, strlen(path), esc)] = '\0';
	strcat(strcpy(desc, esc), " (deleted)");
	for (size_t i = 0; r == 0 && i < ps->nprocs; i++) {
		struct calls_proc *p = &ps->procs[i];
		if (!p->mm)
			continue;
		r = calls_rename_deleted(p->mm->m, esc, desc);	/* shared spaces: once is enough */
		if (r == 0 && p->mm->ctx.have_shadow)
			r = calls_rename_deleted(&p->mm->ctx.shadow, esc, desc);
		if (r == 0 && p->fds)
			r = fdtab_unlinked(p->fds, path);
	}
out:
	free(path);
	free(esc);
	free(desc);
	return r;
}

int calls_procs_apply(struct calls_procs *ps, const struct call *c, struct call_outcome *out,
		      struct vma_effects *fx, struct calls_proc **who)
{
	struct calls_proc *p = calls_procs_find(ps, c->pid);
	int r;

	memset(out, 0, sizeof(*out));
	*who = NULL;
	if (!p && c->kind == CALL_EXIT)
		return 0;
	if (!p && ((r = appear(ps, c)) < 0 || !(p = calls_procs_find(ps, c->pid))))
		return r < 0 ? r : -ENOMEM;
	*who = p;
	switch (c->kind) {
	case CALL_FORK:
		r = do_fork(ps, p, c);
		*who = calls_procs_find(ps, c->pid);	/* the array may have moved */
		return r;
	case CALL_EXEC:
		return do_exec(ps, p, c);
	case CALL_EXIT:
		task_exit(ps, p);
		return 0;
	default:
		break;
	}
	struct calls_ctx *ctx = &p->mm->ctx;
	ctx->fds = p->fds;
	r = call_apply(ctx, p->mm->m, c, out, fx);
	p->fds = ctx->fds;
	ctx->fds = NULL;
	if (r < 0)
		snprintf(ps->errmsg, sizeof(ps->errmsg), "%s", ctx->errmsg);
	p->calls += out->applied;
	if (r == 0 && c->kind == CALL_OTHER)
		r = unlinked(ps, c);
	return r;
}

struct vma_model *calls_proc_model(const struct calls_proc *p)
{
	return p->mm ? p->mm->m : NULL;
}

bool calls_proc_partial(const struct calls_proc *p)
{
	return p->mm ? p->mm->partial : p->was_partial;
}

/* Do a and b share one address space? */
bool calls_proc_same_space(const struct calls_proc *a, const struct calls_proc *b)
{
	return a->mm && a->mm == b->mm;
}
