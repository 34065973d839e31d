/*
 * sim-input.c - reading the calls of `vmatool sim`: --ops files (or
 * standard input) line by line, then the -e calls, each parsed into a step
 * (engine/calls.h).  Steps are handed on in batches (sim_flush in
 * cmd-sim.c applies, prints and frees them), so that a log of any length
 * takes memory for a window of calls, not for the whole log.  Several --ops
 * files are read whole first: they may be strace -ff files, merged by time.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/sim.h"

int sim_add_step(struct sim *s, struct call *c, size_t input)
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
	if (st->call.pid == 0)
		st->call.pid = s->file_pid;
	if (!s->buffer_all && s->nsteps >= 2 * SIM_WINDOW)
		return sim_flush(s, SIM_WINDOW);
	return EXIT_FINE;
}

/* Files are quoted in messages: "'log.txt': line 3, ...", "-e: line 1, ...". */
const char *sim_input_for_message(const struct sim *s, size_t input)
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

/* Lines that are not memory calls but matter: descriptors, processes, unlinked files. */
static bool keep_step(const struct call *c)
{
	return c->result_fd >= 0 || c->kind == CALL_CLOSE || c->kind == CALL_FORK ||
	       c->kind == CALL_EXEC || c->kind == CALL_EXIT ||
	       (c->kind == CALL_OTHER && (!strcmp(c->name, "unlink") || !strcmp(c->name, "unlinkat")));
}

static void skip_line(struct sim *s, size_t input, size_t line)
{
	if (s->nlines_skipped++ == 0) {
		s->first_skipped = line;
		s->first_skipped_input = input;
	}
}

/* One line of an input: a step, something counted, or an error (an exit code). */
static int parse_line(struct sim *s, struct calls_parser *p, size_t input, const char *line,
		      size_t n)
{
	struct call c;
	int rc = EXIT_FINE, r = calls_parse_line(p, line, n, &c);

	if (r == -EINVAL && !p->errfatal && !s->strict && input < s->nops)
		skip_line(s, input, p->errline);	/* not a memory call: not needed */
	else if (r == -EINVAL)
		rc = cli_error(EXIT_BADINPUT, "%s: %s", sim_input_for_message(s, input), p->errmsg);
	else if (r < 0)
		rc = cli_error(EXIT_TARGET, "out of memory");
	else if (r == 0 || keep_step(&c))
		return sim_add_step(s, &c, input);	/* it owns c now, even on error */
	call_release(&c);
	return rc;
}

static void parser_end(struct sim *s, struct calls_parser *p)
{
	calls_parser_finish(p);
	count_lines(s, p);
	calls_parser_release(p);
}

/* An -e call (which may hold several lines). */
static int parse_text(struct sim *s, size_t input, const char *text, size_t len)
{
	struct calls_parser p;
	const char *line = text, *end = text + len;
	int rc = EXIT_FINE;

	calls_parser_init(&p);
	while (rc == EXIT_FINE && line < end) {
		const char *nl = memchr(line, '\n', (size_t)(end - line));
		size_t n = nl ? (size_t)(nl - line) : (size_t)(end - line);
		rc = parse_line(s, &p, input, line, n);
		line += n + 1;
	}
	parser_end(s, &p);
	return rc;
}

/* An --ops file, line by line. */
static int parse_file(struct sim *s, size_t input, const char *name)
{
	FILE *f = strcmp(name, "-") ? fopen(name, "r") : stdin;
	struct calls_parser p;
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	int rc = EXIT_FINE, bad;

	if (!f)
		return cli_error(EXIT_TARGET, "cannot read '%s': %s", name, strerror(errno));
	calls_parser_init(&p);
	errno = 0;
	while (rc == EXIT_FINE && (n = getline(&line, &cap, f)) >= 0)
		rc = parse_line(s, &p, input, line, (size_t)n);
	bad = ferror(f) ? (errno ? errno : EIO) : 0;	/* "Is a directory", ... */
	free(line);
	if (f != stdin)
		fclose(f);
	parser_end(s, &p);
	if (rc == EXIT_FINE && bad)
		rc = cli_error(EXIT_TARGET, "cannot read '%s': %s",
			       strcmp(name, "-") ? name : "standard input", strerror(bad));
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
static long file_pid(const char *name)
{
	const char *dot = strrchr(name, '.');
	uint64_t pid;

	if (!dot || !dot[1] || strspn(dot + 1, "0123456789") != strlen(dot + 1) ||
	    parse_u64(dot + 1, &pid) || pid == 0 || pid > INT32_MAX)
		return 0;
	return (long)pid;
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
static void merge_files(struct sim *s)
{
	for (size_t i = 0; i < s->nsteps; i++)
		if (!s->steps[i].call.has_time)
			return;
	if (s->nsteps)	/* qsort takes no NULL array, even of none */
		qsort(s->steps, s->nsteps, sizeof(*s->steps), step_order);
	s->merged = true;
}

int sim_read_calls(struct sim *s)
{
	int rc = EXIT_FINE;

	s->buffer_all = s->nops > 1;
	for (size_t i = 0; rc == EXIT_FINE && i < s->nops; i++) {
		s->file_pid = file_pid(s->ops[i]);
		if ((rc = add_input(s, NULL, s->ops[i], 0)) == EXIT_FINE)
			rc = parse_file(s, s->ninputs - 1, s->ops[i]);
	}
	s->file_pid = 0;
	if (rc == EXIT_FINE && s->buffer_all) {
		merge_files(s);
		s->buffer_all = false;
		rc = sim_flush(s, s->nsteps);
	}
	for (size_t i = 0; rc == EXIT_FINE && i < s->nexprs; i++) {
		if ((rc = add_input(s, s->nexprs > 1 ? "-e #%zu" : "-e", NULL, i + 1)) != EXIT_FINE)
			break;
		rc = parse_text(s, s->ninputs - 1, s->exprs[i], strlen(s->exprs[i]));
	}
	return rc == EXIT_FINE ? sim_flush(s, s->nsteps) : rc;
}
