/*
 * cmd-sim.c - `vmatool sim`: what-if simulation and strace replay on the
 * engine.  The address space comes from a live process (read, never
 * changed), a snapshot, or nothing (empty); the calls from --ops files and
 * -e, in strace syntax (engine/calls.h).  Every input is parsed before
 * anything is applied, and everything is applied before anything is
 * printed, so that bad input gives one message and no partial output.
 * Each process of the log has its own address space (engine/calls_proc.c);
 * --pid chooses the one printed, --snapshot PID=FILE gives one after execve.
 * Printing is in cli/sim-print.c.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/sim.h"
#include "engine/calls.h"

extern const struct cmd_entry cmd_sim_entry;

static const struct cmd_option sim_options[] = {
	{ "snapshot", 's', "[PID=]FILE", "start from a saved maps, smaps or JSON snapshot; "
	  "PID=FILE: process PID's space after its execve (repeatable)", NULL },
	{ "ops", 'o', "FILE", "read calls from FILE, '-' for standard input (repeatable)", NULL },
	{ "expr", 'e', "CALL", "a call to simulate, e.g. 'munmap([heap], 4096)' (repeatable)", NULL },
	{ "format", 'f', "FMT", "output: text (default), json, maps or smaps",
	  "text json maps smaps" },
	{ "strict", 0, NULL, "exit 1 if a prediction disagrees with a recorded result; "
	  "a log line sim does not understand is an error, not skipped", NULL },
	{ "pid", 0, "PID", "print the address space of process PID of the log (default: the first)",
	  NULL },
	{ "assume-written", 0, NULL, "take private writable memory as written as soon as it is "
	  "mapped (strace shows no page faults)", NULL },
	{ "max-map-count", 0, "N", "the vm.max_map_count to simulate", NULL },
	{ NULL, 0, NULL, NULL, NULL },
};

/* ---- options ---------------------------------------------------------------- */

static int add_ptr(const char ***list, size_t *n, const char *p)
{
	const char **l = realloc(*list, (*n + 1) * sizeof(*l));
	if (!l)
		return cli_error(EXIT_TARGET, "out of memory");
	l[(*n)++] = p;
	*list = l;
	return EXIT_FINE;
}

static int parse_format(struct sim *s, const char *arg)
{
	static const char *const names[] = { "text", "json", "maps", "smaps" };
	for (unsigned i = 0; i < 4; i++)
		if (!strcmp(arg, names[i])) {
			s->format = (enum sim_format)i;
			return EXIT_FINE;
		}
	return cli_usage_error("unknown format '%s' (text, json, maps or smaps)", arg);
}

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

static int add_snap(struct sim *s, long pid, const char *path)
{
	struct sim_snap *n;

	for (size_t i = 0; i < s->nsnaps; i++)
		if (s->snaps[i].pid == pid)
			return cli_usage_error("--snapshot %ld= given twice", pid);
	if (!(n = realloc(s->snaps, (s->nsnaps + 1) * sizeof(*n))))
		return cli_error(EXIT_TARGET, "out of memory");
	s->snaps = n;
	memset(&n[s->nsnaps], 0, sizeof(*n));
	n[s->nsnaps].pid = pid;
	n[s->nsnaps++].path = path;
	return EXIT_FINE;
}

static int parse_option(struct sim *s, const char *name, const char *arg)
{
	uint64_t n;

	if (!strcmp(name, "snapshot") && pid_prefix(arg, &n)) {
		return add_snap(s, (long)n, strchr(arg, '=') + 1);
	} else if (!strcmp(name, "pid")) {
		if (parse_u64(arg, &n) || n > INT32_MAX)
			return cli_usage_error("bad process id '%s' for --pid", arg);
		s->pid = (long)n;
		s->pid_given = true;
	} else if (!strcmp(name, "snapshot")) {
		if (s->snapshot)
			return cli_usage_error("--snapshot given twice");
		s->target = arg;
		s->snapshot = true;
	} else if (!strcmp(name, "ops")) {
		return add_ptr(&s->ops, &s->nops, arg);
	} else if (!strcmp(name, "expr")) {
		return add_ptr(&s->exprs, &s->nexprs, arg);
	} else if (!strcmp(name, "format")) {
		return parse_format(s, arg);
	} else if (!strcmp(name, "strict")) {
		s->strict = true;
	} else if (!strcmp(name, "assume-written")) {
		s->assume_written = true;
	} else if (!strcmp(name, "max-map-count")) {
		if (parse_u64(arg, &n) || n == 0 || n > UINT32_MAX)
			return cli_usage_error("bad count '%s' for --max-map-count", arg);
		s->max_map_count_opt = n;
	}
	return EXIT_FINE;
}

/* Returns an exit code, or -1 after --help. */
static int sim_parse_args(struct sim *s, int argc, char **argv)
{
	struct cmd_args a;
	int i, rc = EXIT_FINE;
	size_t stdin_users = 0;

	cmd_args_init(&a, &cmd_sim_entry, argc, argv);
	while (rc == EXIT_FINE && (i = cmd_args_next(&a)) >= 0)
		rc = parse_option(s, sim_options[i].name, a.arg);
	if (rc == EXIT_FINE && i == CMD_ARGS_HELP)
		rc = -1;
	else if (rc == EXIT_FINE && i == CMD_ARGS_BAD)
		rc = EXIT_BADINPUT;
	else if (rc == EXIT_FINE && argc - a.optind > 1)
		rc = cli_usage_error("expected at most one TARGET");
	else if (rc == EXIT_FINE && argc - a.optind == 1 && s->snapshot)
		rc = cli_usage_error("give either TARGET or --snapshot, not both");
	else if (rc == EXIT_FINE && argc - a.optind == 1)
		s->target = argv[a.optind];
	for (size_t k = 0; k < s->nops; k++)
		stdin_users += !strcmp(s->ops[k], "-");
	if (rc == EXIT_FINE && s->target && !strcmp(s->target, "-"))
		stdin_users++;
	for (size_t k = 0; k < s->nsnaps; k++)
		stdin_users += !strcmp(s->snaps[k].path, "-");
	if (rc == EXIT_FINE && stdin_users > 1)
		rc = cli_usage_error("standard input can be read only once");
	else if (rc == EXIT_FINE && !s->nops && !s->nexprs)
		rc = cli_usage_error("no calls to simulate: give --ops FILE or -e CALL");
	cmd_args_release(&a);
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
		vma_infer_hidden(&n->src.model);
	}
	return EXIT_FINE;
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
		vma_infer_hidden(s->m);
	} else {
		vma_params_default(&p);
		if (vma_model_init(&s->own, &p) < 0)
			return cli_error(EXIT_TARGET, "out of memory");
		s->have_own = true;
		s->m = &s->own;
	}
	if (!s->name_column)
		s->name_column = 73;
	return load_snaps(s, &o);
}

/* vm.max_map_count: --max-map-count, else the snapshot's, else this kernel's. */
static void choose_max_map_count(struct sim *s)
{
	long k;

	if (s->max_map_count_opt) {
		s->max_map_count = (uint32_t)s->max_map_count_opt;
		s->max_map_count_from = "--max-map-count";
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

/* ---- reading the calls ---------------------------------------------------------- */

static int read_all(const char *name, char **buf, size_t *len)
{
	FILE *f = strcmp(name, "-") ? fopen(name, "r") : stdin;
	size_t cap = 1 << 16, n = 0;
	char *b = NULL;

	if (!f)
		return cli_error(EXIT_TARGET, "cannot read '%s': %s", name, strerror(errno));
	errno = 0;
	for (;;) {
		char *nb = realloc(b, cap + 1);
		if (!nb) {
			free(b);
			if (f != stdin)
				fclose(f);
			return cli_error(EXIT_TARGET, "out of memory");
		}
		b = nb;
		n += fread(b + n, 1, cap - n, f);
		if (n < cap)
			break;
		cap *= 2;
	}
	int bad = ferror(f) ? (errno ? errno : EIO) : 0;	/* "Is a directory", ... */
	if (f != stdin)
		fclose(f);
	if (bad) {
		free(b);
		return cli_error(EXIT_TARGET, "cannot read '%s': %s",
				 strcmp(name, "-") ? name : "standard input", strerror(bad));
	}
	b[n] = '\0';
	*buf = b;
	*len = n;
	return EXIT_FINE;
}

static int add_step(struct sim *s, struct call *c, size_t input)
{
	if (s->nsteps == s->capsteps) {
		size_t cap = s->capsteps ? 2 * s->capsteps : 64;
		struct sim_step *n = realloc(s->steps, cap * sizeof(*n));
		if (!n)
			return cli_error(EXIT_TARGET, "out of memory");
		s->steps = n;
		s->capsteps = cap;
	}
	struct sim_step *st = &s->steps[s->nsteps++];
	memset(st, 0, sizeof(*st));
	st->call = *c;		/* the step takes over c's strings */
	st->input = input;
	return EXIT_FINE;
}

/* Files are quoted in messages: "'log.txt': line 3, ...", "-e: line 1, ...". */
static const char *input_for_message(struct sim *s, size_t input)
{
	static char buf[4200];

	if (input >= s->nops || !strcmp(s->ops[input], "-"))
		return s->inputs[input];
	snprintf(buf, sizeof(buf), "'%.4096s'", s->inputs[input]);
	return buf;
}

static void count_lines(struct sim *s, const struct calls_parser *p)
{
	s->n_blank += p->n_blank;
	s->n_signal += p->n_signal;
	s->n_exit += p->n_exit;
	s->n_unfinished += p->n_unfinished;
	s->n_dropped += p->n_dropped;
	s->n_other += p->n_other;
}

/* Lines that are not memory calls but matter: descriptors and processes. */
static bool keep_step(const struct call *c)
{
	return c->result_fd >= 0 || c->kind == CALL_CLOSE || c->kind == CALL_FORK ||
	       c->kind == CALL_EXEC || c->kind == CALL_EXIT;
}

static void skip_line(struct sim *s, size_t input, size_t line)
{
	if (s->nlines_skipped++ == 0) {
		s->first_skipped = line;
		s->first_skipped_input = input;
	}
}

/* Parse one input's text; calls (and closes and opens, for descriptors) become steps. */
static int parse_text(struct sim *s, size_t input, const char *text, size_t len)
{
	struct calls_parser p;
	const char *line = text, *end = text + len;
	int rc = EXIT_FINE, r;

	calls_parser_init(&p);
	while (rc == EXIT_FINE && line < end) {
		const char *nl = memchr(line, '\n', (size_t)(end - line));
		size_t n = nl ? (size_t)(nl - line) : (size_t)(end - line);
		struct call c;

		r = calls_parse_line(&p, line, n, &c);
		if (r == -EINVAL && !p.errfatal && !s->strict && input < s->nops)
			skip_line(s, input, p.errline);	/* not a memory call: not needed */
		else if (r == -EINVAL)
			rc = cli_error(EXIT_BADINPUT, "%s: %s", input_for_message(s, input), p.errmsg);
		else if (r < 0)
			rc = cli_error(EXIT_TARGET, "out of memory");
		else if (r == 0 || keep_step(&c))
			rc = add_step(s, &c, input);
		if (rc != EXIT_FINE || r < 0 || (r != 0 && !keep_step(&c)))
			call_release(&c);
		line += n + 1;
	}
	calls_parser_finish(&p);
	count_lines(s, &p);
	calls_parser_release(&p);
	return rc;
}

static int add_input(struct sim *s, const char *fmt, const char *arg, size_t k)
{
	char name[64], **l = realloc(s->inputs, (s->ninputs + 1) * sizeof(*l));
	char *esc;

	if (!l)
		return cli_error(EXIT_TARGET, "out of memory");
	s->inputs = l;
	if (fmt) {
		snprintf(name, sizeof(name), fmt, k);
		esc = strdup(name);
	} else if (!strcmp(arg, "-")) {
		esc = strdup("standard input");
	} else {
		esc = str_escaped(arg, strlen(arg));
	}
	if (!esc)
		return cli_error(EXIT_TARGET, "out of memory");
	s->inputs[s->ninputs++] = esc;
	return EXIT_FINE;
}

/*
 * strace -ff -o PREFIX writes one file per task, PREFIX.PID, whose lines
 * carry no PID: they get the one of the file's name.
 */
static void file_pid(struct sim *s, size_t first, const char *name)
{
	const char *dot = strrchr(name, '.');
	uint64_t pid;

	if (!dot || !dot[1] || strspn(dot + 1, "0123456789") != strlen(dot + 1) ||
	    parse_u64(dot + 1, &pid) || pid == 0 || pid > INT32_MAX)
		return;
	for (size_t i = first; i < s->nsteps; i++)
		if (s->steps[i].call.pid == 0)
			s->steps[i].call.pid = (long)pid;
}

static int step_order(const void *a, const void *b)
{
	const struct sim_step *x = a, *y = b;

	if (x->call.time_ns != y->call.time_ns)
		return x->call.time_ns < y->call.time_ns ? -1 : 1;
	if (x->input != y->input)	/* equal times: the files' order */
		return x->input < y->input ? -1 : 1;
	return x->call.lineno < y->call.lineno ? -1 : x->call.lineno > y->call.lineno;
}

/*
 * Several --ops files (strace -ff) are one log when their calls carry times
 * (-t, -tt, -ttt): merge them by time, so that threads and vfork children,
 * which share a space, act in the order they did.  Without times, each file
 * is applied whole, in the order given.
 */
static int merge_files(struct sim *s)
{
	for (size_t i = 0; i < s->nsteps; i++)
		if (!s->steps[i].call.has_time)
			return EXIT_FINE;
	qsort(s->steps, s->nsteps, sizeof(*s->steps), step_order);
	s->merged = true;
	return EXIT_FINE;
}

static int read_calls(struct sim *s)
{
	int rc = EXIT_FINE;

	for (size_t i = 0; rc == EXIT_FINE && i < s->nops; i++) {
		char *buf = NULL;
		size_t len = 0, first = s->nsteps;
		if ((rc = add_input(s, NULL, s->ops[i], 0)) != EXIT_FINE ||
		    (rc = read_all(s->ops[i], &buf, &len)) != EXIT_FINE)
			break;
		rc = parse_text(s, s->ninputs - 1, buf, len);
		free(buf);
		file_pid(s, first, s->ops[i]);
	}
	if (rc == EXIT_FINE && s->nops > 1)
		rc = merge_files(s);
	for (size_t i = 0; rc == EXIT_FINE && i < s->nexprs; i++) {
		if ((rc = add_input(s, s->nexprs > 1 ? "-e #%zu" : "-e", NULL, i + 1)) != EXIT_FINE)
			break;
		rc = parse_text(s, s->ninputs - 1, s->exprs[i], strlen(s->exprs[i]));
	}
	return rc;
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
		return cli_error(EXIT_BADINPUT, "%s: %s", input_for_message(s, st->input),
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
	if (s->shown)
		s->m = calls_proc_model(s->shown);
	return EXIT_FINE;
}

static int apply_all(struct sim *s)
{
	int rc = EXIT_FINE;

	calls_procs_init(&s->procs, s->m);
	s->procs.stat = stat_path;
	s->procs.thp_file = thp_file_path;
	s->procs.snapshot = snapshot_of;
	s->procs.snapshot_arg = s;
	s->procs.assume_written = s->assume_written;
	s->vmas_before = s->m->count;
	for (struct vma *v = s->m->first; v; v = v->next)
		s->uncounted += v->start >= s->m->p.task_size;
	for (size_t i = 0; rc == EXIT_FINE && i < s->nsteps; i++) {
		size_t first = sim_order_before(s, i);
		if (first < s->nsteps) {	/* a munmap that the results say came first */
			rc = apply_step(s, &s->steps[first]);
			s->steps[first].done = true;
			s->reordered++;
		}
		if (rc == EXIT_FINE && !s->steps[i].done)
			rc = apply_step(s, &s->steps[i]);
	}
	if (rc == EXIT_FINE)
		rc = choose_shown(s);
	/* smaps values of the start are not predictions: print none */
	for (struct vma *v = s->m->first; v; v = v->next)
		vma_smaps_drop(s->m, v);
	return rc;
}

/* ---- the command ------------------------------------------------------------------ */

static void sim_release(struct sim *s)
{
	for (size_t i = 0; i < s->nsteps; i++) {
		call_release(&s->steps[i].call);
		free(s->steps[i].ev);
	}
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
	if (s->have_src)
		source_release(&s->src);
	else if (s->have_own)
		vma_model_release(&s->own);
}

static int sim_print(const struct sim *s)
{
	switch (s->format) {
	case SIM_JSON:
		return sim_print_json(s, stdout);
	case SIM_MAPS:
		return sim_print_maps(s, stdout, false);
	case SIM_SMAPS:
		return sim_print_maps(s, stdout, true);
	default:
		return sim_print_text(s, stdout);
	}
}

static int sim_exec(int argc, char **argv)
{
	struct sim s;
	int rc;

	memset(&s, 0, sizeof(s));
	rc = sim_parse_args(&s, argc, argv);
	if (rc == EXIT_FINE)
		rc = read_calls(&s);
	if (rc == EXIT_FINE)
		rc = load_space(&s);
	if (rc == EXIT_FINE) {
		choose_max_map_count(&s);
		rc = apply_all(&s);
	}
	if (rc == EXIT_FINE)
		rc = sim_print(&s);
	if (rc == EXIT_FINE && s.strict && s.disagreements)
		rc = EXIT_DIFFER;
	sim_release(&s);
	return rc < 0 ? EXIT_FINE : rc;
}

const struct cmd_entry cmd_sim_entry = {
	.name = "sim",
	.usage = "[TARGET | --snapshot FILE] [--ops FILE|-]... [-e CALL]... [options]",
	.summary = "simulate memory calls (strace syntax) on an address space",
	.options = sim_options,
	.exec = sim_exec,
};
