/*
 * cmd-sim.c - `vmatool sim`: what-if simulation and strace replay on the
 * engine.  The address space comes from a live process (read, never
 * changed), a snapshot, or nothing (empty); the calls from --ops files and
 * -e, in strace syntax (engine/calls.h).  Every input is parsed before
 * anything is applied, and everything is applied before anything is
 * printed, so that bad input gives one message and no partial output.
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
	const char *snapshot;
	struct cmd_list ops, exprs, machine;
	int format;			/* enum sim_format */
	bool strict;
	uint64_t max_map_count;
};

#define O(field) offsetof(struct sim_args, field)
static const struct cmd_option sim_options[] = {
	{ "snapshot", 's', CMD_FILE, "FILE", "start from a saved maps, smaps or JSON snapshot",
	  .offset = O(snapshot), .flags = CMD_ONCE },
	{ "ops", 'o', CMD_FILE, "FILE", "read calls from FILE, '-' for standard input (repeatable)",
	  .offset = O(ops), .flags = CMD_REPEAT },
	{ "expr", 'e', CMD_STRING, "CALL", "a call to simulate, e.g. 'munmap([heap], 4096)' (repeatable)",
	  .offset = O(exprs), .flags = CMD_REPEAT },
	{ "format", 'f', CMD_ENUM, "FMT", "output: text (default), json, maps or smaps",
	  .offset = O(format),
	  .values = (const char *const[]){ "text", "json", "maps", "smaps", NULL } },
	{ "strict", 0, CMD_FLAG, NULL, "exit 1 if a prediction disagrees with a recorded result",
	  .offset = O(strict) },
	{ "max-map-count", 0, CMD_COUNT, "N", "the vm.max_map_count to simulate",
	  .offset = O(max_map_count),
	  .max = UINT32_MAX },
	{ "machine", 'm', CMD_SETTING, "NAME=VALUE", "a kernel setting to simulate, e.g. "
	  "zero_page=false (repeatable; see MACHINE SETTINGS in vmatool(1))",
	  .offset = O(machine), .flags = CMD_REPEAT },
	{ .name = NULL },
};
#undef O

static int sim_check(struct cmd_call *call)
{
	const struct sim_args *a = call->opts;
	size_t stdin_users = 0;

	if (call->noperands && a->snapshot)
		return cli_usage_error("give either TARGET or --snapshot, not both");
	for (size_t k = 0; k < a->ops.n; k++)
		stdin_users += !strcmp(a->ops.v[k], "-");
	if (call->noperands && !strcmp(call->operands[0], "-"))
		stdin_users++;
	if (a->snapshot && !strcmp(a->snapshot, "-"))
		stdin_users++;
	if (stdin_users > 1)
		return cli_usage_error("standard input can be read only once");
	if (!a->ops.n && !a->exprs.n)
		return cli_usage_error("no calls to simulate: give --ops FILE or -e CALL");
	return EXIT_FINE;
}

/* The options into s, which takes the lists over. */
static void sim_take_options(struct sim *s, struct cmd_call *call)
{
	struct sim_args *a = call->opts;

	s->format = (enum sim_format)a->format;
	s->strict = a->strict;
	s->max_map_count_opt = a->max_map_count;
	s->snapshot = a->snapshot != NULL;
	s->target = a->snapshot ? a->snapshot : call->noperands ? call->operands[0] : NULL;
	s->ops = a->ops.v;
	s->nops = a->ops.n;
	s->exprs = a->exprs.v;
	s->nexprs = a->exprs.n;
	s->machine = a->machine.v;
	s->nmachine = a->machine.n;
	a->ops.v = NULL;
	a->exprs.v = NULL;
	a->machine.v = NULL;
}

/* ---- the address space -------------------------------------------------------- */

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
	return EXIT_FINE;
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
		if (r == -EINVAL)
			rc = cli_error(EXIT_BADINPUT, "%s: %s", input_for_message(s, input), p.errmsg);
		else if (r < 0)
			rc = cli_error(EXIT_TARGET, "out of memory");
		else if (r == 0 || c.result_fd >= 0 || c.kind == CALL_CLOSE)
			rc = add_step(s, &c, input);
		if (rc != EXIT_FINE || (r != 0 && c.result_fd < 0 && c.kind != CALL_CLOSE))
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

static int read_calls(struct sim *s)
{
	int rc = EXIT_FINE;

	for (size_t i = 0; rc == EXIT_FINE && i < s->nops; i++) {
		char *buf = NULL;
		size_t len = 0;
		if ((rc = add_input(s, NULL, s->ops[i], 0)) != EXIT_FINE ||
		    (rc = read_all(s->ops[i], &buf, &len)) != EXIT_FINE)
			break;
		rc = parse_text(s, s->ninputs - 1, buf, len);
		free(buf);
	}
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

static int apply_step(struct sim *s, struct calls_ctx *ctx, struct sim_step *st)
{
	struct vma_effects fx;
	int r;

	vma_effects_init(&fx);
	r = call_apply(ctx, s->m, &st->call, &st->out, &fx);
	if (r == 0) {
		st->ev = fx.ev;	/* the step takes the events */
		st->nev = fx.n;
		fx.ev = NULL;
	}
	vma_effects_release(&fx);
	if (r == -ENOENT)
		return cli_error(EXIT_BADINPUT, "%s: %s", input_for_message(s, st->input), ctx->errmsg);
	if (r < 0)
		return cli_error(EXIT_TARGET, "out of memory");
	count_effects(s, st);
	return EXIT_FINE;
}

static int apply_all(struct sim *s)
{
	struct calls_ctx ctx;
	int rc = EXIT_FINE;

	calls_ctx_init(&ctx);
	ctx.stat = stat_path;
	ctx.thp_file = thp_file_path;
	s->vmas_before = s->m->count;
	for (struct vma *v = s->m->first; v; v = v->next)
		s->uncounted += v->start >= s->m->p.task_size;
	for (size_t i = 0; rc == EXIT_FINE && i < s->nsteps; i++)
		rc = apply_step(s, &ctx, &s->steps[i]);
	calls_ctx_release(&ctx);
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
	free(s->machine);
	if (s->have_src)
		source_release(&s->src);
	else if (s->m == &s->own)
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

static int sim_exec(struct cmd_call *call)
{
	struct sim s;
	int rc;

	memset(&s, 0, sizeof(s));
	sim_take_options(&s, call);
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
