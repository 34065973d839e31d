/*
 * cmd-sim.c - `vmatool sim`: what-if simulation and strace replay on the
 * engine.  The address space comes from a live process (read, never
 * changed), a snapshot, or nothing (empty); the calls from --ops files and
 * -e, in strace syntax (engine/calls.h), read by cli/sim-input.c.  Calls
 * are applied and printed a window at a time (memory flat in the log's
 * length) into a spool that reaches standard output only at the end, so
 * that bad input gives one message and no partial output.
 * Each process of the log has its own address space (engine/calls_proc.c);
 * --pid chooses the one printed, --snapshot PID=FILE gives one after execve.
 * Printing is in cli/sim-print.c.
 */
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/machine.h"
#include "cli/sim.h"
#include "engine/calls.h"

extern const struct cmd_entry cmd_sim_entry;

/* ---- options ---------------------------------------------------------------- */

struct sim_args {
	struct cmd_list snapshots, ops, exprs, machine;
	int format;			/* enum sim_format */
	bool strict, assume_written;
	uint64_t max_map_count, pid;
};

#define O(field) offsetof(struct sim_args, field)
static const struct cmd_option sim_options[] = {
	{ "snapshot", 's', CMD_FILE, "[PID=]FILE", "start from a saved maps, smaps or JSON "
	  "snapshot; PID=FILE: process PID's space after its execve (repeatable)",
	  .offset = O(snapshots), .flags = CMD_REPEAT },
	{ "ops", 'o', CMD_FILE, "FILE", "read calls from FILE, '-' for standard input (repeatable)",
	  .offset = O(ops), .flags = CMD_REPEAT },
	{ "expr", 'e', CMD_STRING, "CALL", "a call to simulate, e.g. 'munmap([heap], 4096)' (repeatable)",
	  .offset = O(exprs), .flags = CMD_REPEAT },
	{ "format", 'f', CMD_ENUM, "FMT", "output: text (default), json, maps or smaps",
	  .offset = O(format),
	  .values = (const char *const[]){ "text", "json", "maps", "smaps", NULL } },
	{ "strict", 0, CMD_FLAG, NULL, "exit 1 if a prediction disagrees with a recorded result; "
	  "a log line sim does not understand is an error, not skipped", .offset = O(strict) },
	{ "pid", 0, CMD_COUNT, "PID", "print the address space of process PID of the log "
	  "(default: the first)", .offset = O(pid), .max = INT32_MAX },
	{ "assume-written", 0, CMD_FLAG, NULL, "take private writable memory as written as soon "
	  "as it is mapped (strace shows no page faults)", .offset = O(assume_written) },
	{ "max-map-count", 0, CMD_COUNT, "N", "the vm.max_map_count to simulate",
	  .offset = O(max_map_count),
	  .max = UINT32_MAX },
	{ "machine", 'm', CMD_SETTING, "NAME=VALUE", "a kernel setting to simulate, e.g. "
	  "zero_page=false (repeatable; see MACHINE SETTINGS in vmatool(1))",
	  .offset = O(machine), .flags = CMD_REPEAT },
	{ .name = NULL },
};
#undef O

/* "1234=FILE": the PID before '='. */
static bool pid_prefix(const char *arg, uint64_t *pid)
{
	const char *eq = strchr(arg, '=');
	char num[24];

	if (!eq || eq == arg || (size_t)(eq - arg) >= sizeof(num) || strspn(arg, "0123456789") !=
	    (size_t)(eq - arg))
		return false;
	memcpy(num, arg, (size_t)(eq - arg));
	num[eq - arg] = '\0';
	return parse_u64(num, pid) == 0 && *pid <= INT32_MAX;
}

/* The --snapshot FILE without PID= (at most one), or NULL; a usage error in *rc. */
static const char *plain_snapshot(const struct sim_args *a, int *rc)
{
	const char *plain = NULL;
	uint64_t pid, other;

	*rc = EXIT_FINE;
	for (size_t i = 0; i < a->snapshots.n; i++) {
		const char *f = a->snapshots.v[i];
		if (!pid_prefix(f, &pid)) {
			if (plain)
				*rc = cli_usage_error("option '--snapshot' given twice");
			plain = f;
			continue;
		}
		for (size_t k = 0; k < i; k++)
			if (pid_prefix(a->snapshots.v[k], &other) && other == pid)
				*rc = cli_usage_error("option '--snapshot' given twice for "
						      "process %llu", (unsigned long long)pid);
	}
	return plain;
}

static int sim_check(struct cmd_call *call)
{
	const struct sim_args *a = call->opts;
	size_t stdin_users = 0;
	int rc;
	const char *snapshot = plain_snapshot(a, &rc);

	if (rc != EXIT_FINE)
		return rc;
	if (call->noperands && snapshot)
		return cli_usage_error("give either TARGET or --snapshot, not both");
	for (size_t k = 0; k < a->snapshots.n; k++)
		stdin_users += a->snapshots.v[k] != snapshot &&
			       !strcmp(strchr(a->snapshots.v[k], '=') + 1, "-");
	for (size_t k = 0; k < a->ops.n; k++)
		stdin_users += !strcmp(a->ops.v[k], "-");
	if (call->noperands && !strcmp(call->operands[0], "-"))
		stdin_users++;
	if (snapshot && !strcmp(snapshot, "-"))
		stdin_users++;
	if (stdin_users > 1)
		return cli_usage_error("standard input can be read only once");
	if (!a->ops.n && !a->exprs.n)
		return cli_usage_error("no calls to simulate: give --ops FILE or -e CALL");
	return EXIT_FINE;
}

/* --snapshot PID=FILE: that process's address space after its execve. */
static int add_snap(struct sim *s, long pid, const char *path)
{
	struct sim_snap *n = realloc(s->snaps, (s->nsnaps + 1) * sizeof(*n));

	if (!n)
		return cli_error(EXIT_TARGET, "out of memory");
	s->snaps = n;
	memset(&n[s->nsnaps], 0, sizeof(*n));
	n[s->nsnaps].pid = pid;
	n[s->nsnaps++].path = path;
	return EXIT_FINE;
}

/* The options into s, which takes the lists over; an exit code. */
static int sim_take_options(struct sim *s, struct cmd_call *call)
{
	struct sim_args *a = call->opts;
	const char *snapshot;
	uint64_t pid;
	int rc;

	s->format = (enum sim_format)a->format;
	s->strict = a->strict;
	s->assume_written = a->assume_written;
	s->pid = (long)a->pid;
	s->pid_given = a->pid != 0;
	s->max_map_count_opt = a->max_map_count;
	snapshot = plain_snapshot(a, &rc);
	for (size_t i = 0; rc == EXIT_FINE && i < a->snapshots.n; i++)
		if (a->snapshots.v[i] != snapshot && pid_prefix(a->snapshots.v[i], &pid))
			rc = add_snap(s, (long)pid, strchr(a->snapshots.v[i], '=') + 1);
	s->snapshot = snapshot != NULL;
	s->target = snapshot ? snapshot : call->noperands ? call->operands[0] : NULL;
	s->ops = a->ops.v;
	s->nops = a->ops.n;
	s->exprs = a->exprs.v;
	s->nexprs = a->exprs.n;
	s->machine = a->machine.v;
	s->nmachine = a->machine.n;
	a->ops.v = NULL;
	a->exprs.v = NULL;
	a->machine.v = NULL;
	return rc;
}

/* ---- the address space -------------------------------------------------------- */

/* The --snapshot PID=FILE spaces. */
static int load_snaps(struct sim *s, const struct source_opts *o)
{
	struct stat st;
	int rc;

	for (size_t i = 0; i < s->nsnaps; i++) {
		struct sim_snap *n = &s->snaps[i];
		if (strcmp(n->path, "-") && stat(n->path, &st) < 0)
			return cli_error(EXIT_TARGET, "cannot read '%s': %s", n->path, strerror(errno));
		if ((rc = source_open(&n->src, n->path, o)) != EXIT_FINE) {
			source_release(&n->src);
			return rc;
		}
		n->loaded = true;
		source_use_machine(&n->src);	/* a snapshot's own machine, as the first's */
		if (s->nmachine &&
		    (rc = source_set_machine(&n->src.model, s->machine, s->nmachine)) != EXIT_FINE)
			return rc;
		vma_infer_hidden(&n->src.model);
	}
	return EXIT_FINE;
}

/* Was --machine NAME=... (or the bare word NAME) given? */
static bool machine_arg_given(const struct sim *s, const char *name)
{
	size_t n = strlen(name);

	for (size_t i = 0; i < s->nmachine; i++)
		if (!strncmp(s->machine[i], name, n) &&
		    (s->machine[i][n] == '=' || s->machine[i][n] == 0))
			return true;
	return false;
}

static int load_space(struct sim *s)
{
	struct source_opts o = { .smaps = true, .rollup = false };
	struct vma_params p;
	struct stat st;
	int rc;

	if (s->snapshot && strcmp(s->target, "-") && stat(s->target, &st) < 0)
		return cli_error(EXIT_TARGET, "cannot read '%s': %s", s->target, strerror(errno));
	if (s->target) {
		if ((rc = source_open(&s->src, s->target, &o)) != EXIT_FINE) {
			source_release(&s->src);
			return rc;
		}
		s->have_src = true;
		s->m = &s->src.model;
		s->name_column = s->src.name_column;
		s->machine_from = s->src.kind == SOURCE_LIVE ? "the running kernel" :
				  s->src.has_machine ? "the snapshot" : "the running kernel";
		source_use_machine(&s->src);
		vma_infer_hidden(s->m);
	} else {
		vma_params_default(&p);
		machine_probe(&p);
		if (vma_model_init(&s->own, &p) < 0)
			return cli_error(EXIT_TARGET, "out of memory");
		s->have_own = true;
		s->m = &s->own;
		s->machine_from = "the running kernel";
	}
	if (s->nmachine) {
		rc = source_set_machine(s->m, s->machine, s->nmachine);
		if (rc != EXIT_FINE)
			return rc;
		s->machine_from = machine_arg_given(s, "upstream") ? "--machine" :
				  !strcmp(s->machine_from, "the snapshot") ?
				  "the snapshot and --machine" : "the running kernel and --machine";
	}
	if (!s->name_column)
		s->name_column = 73;
	return load_snaps(s, &o);
}

/*
 * vm.max_map_count: --max-map-count, else --machine max_map_count=N, else
 * the snapshot's, else this kernel's.
 */
static void choose_max_map_count(struct sim *s)
{
	long k;

	if (s->max_map_count_opt) {
		s->max_map_count = (uint32_t)s->max_map_count_opt;
		s->max_map_count_from = "--max-map-count";
	} else if (machine_arg_given(s, "max_map_count")) {
		s->max_map_count = s->m->p.max_map_count;
		s->max_map_count_from = "--machine";
	} else if (s->have_src && s->src.meta.max_map_count > 0) {
		s->max_map_count = (uint32_t)s->src.meta.max_map_count;
		s->max_map_count_from = s->src.kind == SOURCE_LIVE ? "the running kernel"
								   : "the snapshot";
	} else if ((k = sysctl_max_map_count()) > 0) {
		s->max_map_count = (uint32_t)k;
		s->max_map_count_from = "the running kernel";
	} else {
		s->max_map_count = s->m->p.max_map_count;
		s->max_map_count_from = "the default";
	}
	s->m->p.max_map_count = s->max_map_count;
	for (size_t i = 0; i < s->nsnaps; i++)
		s->snaps[i].src.model.p.max_map_count = s->max_map_count;
}

/* ---- applying -------------------------------------------------------------------- */

static int stat_path(void *arg, const char *path, uint32_t *dev, uint64_t *inode)
{
	struct stat st;

	(void)arg;
	if (stat(path, &st) < 0)
		return -errno;
	*dev = VMA_DEV(major(st.st_dev), minor(st.st_dev));
	*inode = (uint64_t)st.st_ino;
	return 0;
}

/* Whether path's filesystem places file mappings at 2 MiB boundaries. */
static bool thp_file_path(void *arg, const char *path)
{
	struct statfs sf;

	(void)arg;
	return statfs(path, &sf) == 0 && vma_fs_thp_aligned((uint64_t)sf.f_type);
}

static void count_effects(struct sim *s, const struct sim_step *st)
{
	for (size_t i = 0; i < st->nev; i++) {
		switch (st->ev[i].kind) {
		case VMA_EV_SPLIT: s->splits++; break;
		case VMA_EV_MERGE: s->merges++; break;
		case VMA_EV_CREATE: s->created++; break;
		case VMA_EV_REMOVE: s->removed++; break;
		case VMA_EV_MOVE: s->moved++; break;
		case VMA_EV_FLAGS: s->flag_changes++; break;
		default: break;
		}
	}
	if (!st->out.applied)
		return;
	s->by_kind[st->call.kind]++;
	s->errors += st->out.err != 0;
	s->disagreements += st->out.disagree;
	s->followed += st->out.followed;
	s->limits += st->out.limit;
}

static int apply_step(struct sim *s, struct sim_step *st)
{
	struct vma_effects fx;
	struct calls_proc *who;
	int r;

	vma_effects_init(&fx);
	r = calls_procs_apply(&s->procs, &st->call, &st->out, &fx, &who);
	if (r == 0) {
		st->ev = fx.ev;	/* the step takes the events */
		st->nev = fx.n;
		fx.ev = NULL;
	}
	vma_effects_release(&fx);
	st->task = who ? who->pid : st->call.pid;
	if (r == 0)
		sim_order_after(s, st);
	if (r == -ENOENT)
		return cli_error(EXIT_BADINPUT, "%s: %s", sim_input_for_message(s, st->input),
				 s->procs.errmsg);
	if (r < 0)
		return cli_error(EXIT_TARGET, "out of memory");
	count_effects(s, st);
	return EXIT_FINE;
}

static const struct vma_model *snapshot_of(void *arg, long pid)
{
	struct sim *s = arg;

	for (size_t i = 0; i < s->nsnaps; i++)
		if (s->snaps[i].pid == pid && s->snaps[i].loaded)
			return &s->snaps[i].src.model;
	return NULL;
}

/* The address space to print: --pid's (its last task of that number), else the first. */
static int choose_shown(struct sim *s)
{
	const struct calls_procs *ps = &s->procs;

	s->shown = ps->nprocs ? &ps->procs[0] : NULL;
	if (s->pid_given) {
		s->shown = NULL;
		for (size_t i = ps->nprocs; i-- > 0 && !s->shown;)
			if (ps->procs[i].pid == s->pid)
				s->shown = &ps->procs[i];
		if (!s->shown)
			return cli_usage_error("--pid %ld: no such process in the calls", s->pid);
	}
	if (s->shown && calls_proc_model(s->shown))
		s->m = calls_proc_model(s->shown);
	else if (s->shown)	/* not kept: cannot happen (keep_pid), but never print another's */
		return cli_error(EXIT_TARGET, "the address space of %ld was not kept", s->shown->pid);
	return EXIT_FINE;
}

static void start_procs(struct sim *s)
{
	calls_procs_init(&s->procs, s->m);
	s->procs.stat = stat_path;
	s->procs.thp_file = thp_file_path;
	s->procs.snapshot = snapshot_of;
	s->procs.snapshot_arg = s;
	s->procs.assume_written = s->assume_written;
	s->procs.keep_pid = s->pid;
	s->procs.keep_pid_given = s->pid_given;
	s->vmas_before = s->m->count;
	/*
	 * The snapshot's smaps values are no predictions (finish_calls drops
	 * them) and no call reads them: gone now, the model copies that
	 * following the log makes are 64,000 records lighter.
	 */
	vma_smaps_clear(s->m);
	for (struct vma *v = s->m->first; v; v = v->next)
		s->uncounted += v->start >= s->m->p.task_size;
}

static void step_release(struct sim_step *st)
{
	call_release(&st->call);
	free(st->ev);
}

/*
 * A task the engine does not know yet, whose clone line comes further on
 * (strace -z prints a call once it returned, so a fork child's first lines
 * come first): the steps read ahead (at least a window) name its parent.
 */
static void expect_child(struct sim *s, size_t i)
{
	const struct call *c = &s->steps[i].call;

	if (c->pid <= 0 || c->kind == CALL_EXIT || calls_procs_find(&s->procs, c->pid))
		return;
	for (size_t k = i + 1; k < s->nsteps; k++) {
		const struct call *f = &s->steps[k].call;

		if (f->kind == CALL_FORK && !f->unfinished && f->has_result && !f->result_unknown &&
		    f->result == c->pid) {
			calls_procs_expect_child(&s->procs, c->pid, f->pid, f->clone_flags);
			return;
		}
	}
}

int sim_flush(struct sim *s, size_t n)
{
	int rc = EXIT_FINE;
	size_t i;

	sim_order_prepare(s);
	for (i = 0; rc == EXIT_FINE && i < n; i++) {
		size_t first = sim_order_before(s, i);
		if (first < s->nsteps) {	/* a munmap that the results say came first */
			rc = apply_step(s, &s->steps[first]);
			s->steps[first].done = true;
			s->steps[first].before_line = s->steps[i].call.lineno;
			s->reordered++;
		}
		if (rc == EXIT_FINE && !s->steps[i].done) {
			expect_child(s, i);
			rc = apply_step(s, &s->steps[i]);
		}
		s->steps[i].done = false;
	}
	for (i = 0; rc == EXIT_FINE && i < n; i++)
		sim_print_step(s, &s->steps[i]);
	for (i = 0; i < n; i++)
		step_release(&s->steps[i]);
	memmove(s->steps, s->steps + n, (s->nsteps - n) * sizeof(*s->steps));
	s->nsteps -= n;
	return rc;
}

/* After the last call: the space to print; its snapshot smaps values are no predictions. */
static int finish_calls(struct sim *s)
{
	int rc = choose_shown(s);

	for (struct vma *v = s->m->first; v; v = v->next)
		vma_smaps_drop(s->m, v);
	return rc;
}

/* Copy the spool to standard output: the whole output, or nothing before an error. */
static int copy_spool(FILE *spool)
{
	char buf[1 << 16];
	size_t n;

	if (fflush(spool) || fseek(spool, 0, SEEK_SET))
		return cli_error(EXIT_TARGET, "cannot write the output: %s", strerror(errno));
	while ((n = fread(buf, 1, sizeof(buf), spool)) > 0)
		if (fwrite(buf, 1, n, stdout) != n)
			break;
	if (ferror(spool) || fflush(stdout) || ferror(stdout))
		return cli_error(EXIT_TARGET, "cannot write the output: %s", strerror(errno));
	return EXIT_FINE;
}

/* ---- the command ------------------------------------------------------------------ */

static void sim_release(struct sim *s)
{
	for (size_t i = 0; i < s->nsteps; i++)
		step_release(&s->steps[i]);
	free(s->steps);
	for (size_t i = 0; i < s->ninputs; i++)
		free(s->inputs[i]);
	free(s->inputs);
	free(s->ops);
	free(s->exprs);
	calls_procs_release(&s->procs);
	for (size_t i = 0; i < s->nsnaps; i++)
		if (s->snaps[i].loaded)
			source_release(&s->snaps[i].src);
	free(s->snaps);
	free(s->machine);
	if (s->have_src)
		source_release(&s->src);
	else if (s->have_own)
		vma_model_release(&s->own);
}

/*
 * Text and JSON name every call: they go to a temporary spool as the calls
 * are applied (memory stays flat in the log's length) and reach standard
 * output only when everything went well.  maps and smaps print at the end.
 */
static int sim_run(struct sim *s)
{
	bool spool = s->format == SIM_TEXT || s->format == SIM_JSON;
	FILE *out = spool ? tmpfile() : stdout;
	int rc;

	if (!out)
		return cli_error(EXIT_TARGET, "cannot make a temporary file: %s", strerror(errno));
	start_procs(s);
	sim_print_begin(s, out);
	rc = sim_read_calls(s);
	if (rc == EXIT_FINE)
		rc = finish_calls(s);
	if (rc == EXIT_FINE)
		rc = sim_print_end(s);
	if (rc == EXIT_FINE && spool)
		rc = copy_spool(out);
	if (spool)
		fclose(out);
	return rc;
}

static int sim_exec(struct cmd_call *call)
{
	struct sim s;
	int rc;

	memset(&s, 0, sizeof(s));
	rc = sim_take_options(&s, call);
	if (rc == EXIT_FINE)
		rc = load_space(&s);
	if (rc == EXIT_FINE) {
		choose_max_map_count(&s);
		rc = sim_run(&s);
	}
	if (rc == EXIT_FINE && s.strict && s.disagreements)
		rc = EXIT_DIFFER;
	sim_release(&s);
	return rc;
}

const struct cmd_entry cmd_sim_entry = {
	.name = "sim",
	.summary = "simulate memory calls (strace syntax) on an address space",
	.options = sim_options,
	.opts_size = sizeof(struct sim_args),
	.operands = (const struct cmd_operand[]){ { "TARGET", CMD_TARGET }, { NULL, 0 } },
	.min_operands = 0,
	.max_operands = 1,
	.check = sim_check,
	.exec = sim_exec,
};
