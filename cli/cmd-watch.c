/*
 * cmd-watch.c - `vmatool watch TARGET`: re-read a running process every
 * interval and print what changed in its address space, as the semantic diff
 * of `vmatool diff`, each line with a timestamp; or one JSON object per line
 * (jsonl) for log pipelines.
 *
 * The first line says watching has started (after the first read, so a test
 * that reads it knows any later change will be seen).  Watching ends cleanly,
 * exit 0 with a last line saying why, when the process exits, on Ctrl-C or
 * SIGTERM (the handler only sets a flag: no line is ever cut), or after
 * --count rounds that found changes.
 */
#include <errno.h>
#include <signal.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/diff-print.h"
#include "cli/json.h"
#include "engine/diff.h"

extern const struct cmd_entry cmd_watch_entry;

struct watch_cmd {
	uint64_t interval_ns;
	uint64_t count;			/* 0: no limit */
	int format;			/* 0 text, 1 jsonl */
	int color;			/* enum color_mode */
	bool jsonl, exact, smaps, no_smaps;
	uint64_t min_delta;
	const char *target;
};

#define O(field) offsetof(struct watch_cmd, field)
static const struct cmd_option watch_options[] = {
	{ "interval", 'i', CMD_DURATION, "DURATION", "time between reads: 500ms, 2s, 1m (default 1s)",
	  .offset = O(interval_ns) },
	{ "count", 'n', CMD_COUNT, "N", "stop after N rounds that found changes",
	  .offset = O(count),
	  .max = UINT64_MAX },
	{ "format", 'f', CMD_ENUM, "FMT", "output format: text (default) or jsonl",
	  .offset = O(format),
	  .values = (const char *const[]){ "text", "jsonl", NULL } },
	{ "color", 0, CMD_ENUM, "WHEN", "colour the text: auto (default), always, never",
	  .offset = O(color),
	  .values = cmd_color_values },
	{ "min-delta", 0, CMD_SIZE, "SIZE", "hide RSS/PSS/swap/dirty changes smaller than SIZE",
	  .offset = O(min_delta) },
	{ "bytes", 'b', CMD_FLAG, NULL, "print sizes in bytes", .offset = O(exact) },
	{ "no-smaps", 0, CMD_FLAG, NULL, "read only maps (no usage changes; faster)",
	  .offset = O(no_smaps) },
	{ .name = NULL },
};
#undef O

static void watch_opts_init(void *opts)
{
	((struct watch_cmd *)opts)->interval_ns = 1000000000ull;
}

static int watch_check(struct cmd_call *call)
{
	struct watch_cmd *wc = call->opts;

	wc->jsonl = wc->format == 1;
	wc->smaps = !wc->no_smaps;
	wc->target = call->operands[0];
	if (wc->jsonl && (wc->exact || cmd_given(call, "color")))
		return cli_usage_error("--%s applies to --format text only", wc->exact ? "bytes" : "color");
	if (!wc->smaps && cmd_given(call, "min-delta"))
		return cli_usage_error("--min-delta needs the memory use that --no-smaps leaves out");
	return EXIT_FINE;
}

static volatile sig_atomic_t watch_stop;

static void watch_on_signal(int sig)
{
	(void)sig;
	watch_stop = 1;
}

/* ---- time and process state ------------------------------------------------------- */

/* "12:04:05.123 " (local time) for text, "2026-11-21T12:04:05.123Z" for jsonl. */
static void timestamp(bool iso, char *buf, size_t len)
{
	struct timeval tv;
	struct tm tm;
	size_t n;

	gettimeofday(&tv, NULL);
	if (iso) {
		gmtime_r(&tv.tv_sec, &tm);
		n = strftime(buf, len, "%Y-%m-%dT%H:%M:%S", &tm);
		snprintf(buf + n, len - n, ".%03dZ", (int)(tv.tv_usec / 1000));
	} else {
		localtime_r(&tv.tv_sec, &tm);
		n = strftime(buf, len, "%H:%M:%S", &tm);
		snprintf(buf + n, len - n, ".%03d ", (int)(tv.tv_usec / 1000));
	}
}

#define PF_EXITING_FLAG 0x4	/* the kernel's PF_EXITING in /proc/PID/stat's flags */

/* Gone, a zombie, or on its way out: it has (or soon has) no address space. */
static bool process_gone(pid_t pid)
{
	char path[64], buf[1024], *p;
	unsigned long flags = 0;
	FILE *f;
	size_t n;
	int i;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	f = fopen(path, "re");
	if (!f)
		return true;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = 0;
	p = strrchr(buf, ')');
	if (!p || p[1] != ' ' || p[2] == 'Z' || p[2] == 'X')
		return true;
	for (i = 0; p && i < 7; i++)	/* state ppid pgrp session tty tpgid flags */
		p = strchr(p + 1, ' ');
	if (p)
		flags = strtoul(p + 1, NULL, 10);
	return (flags & PF_EXITING_FLAG) != 0;
}

/* Sleep the interval; false if a stop was asked for. */
static bool watch_sleep(uint64_t ns)
{
	struct timespec t = { (time_t)(ns / 1000000000ull), (long)(ns % 1000000000ull) };

	while (!watch_stop && nanosleep(&t, &t) != 0)
		if (errno != EINTR)
			break;
	return !watch_stop;
}

/* ---- output ------------------------------------------------------------------------ */

static void event_line(const struct watch_cmd *wc, const char *event, pid_t pid,
		       const char *text, size_t nvmas)
{
	char ts[64];

	timestamp(wc->jsonl, ts, sizeof(ts));
	if (wc->jsonl) {
		struct json_writer w;

		jw_init(&w, stdout, false);
		jw_begin_object(&w);
		jw_kv_string(&w, "time", ts);
		jw_kv_string(&w, "event", event);
		jw_kv_i64(&w, "pid", pid);
		if (nvmas)
			jw_kv_u64(&w, "vmas", nvmas);
		jw_kv_string(&w, "message", text);
		jw_end_object(&w);
		jw_finish(&w);
	} else {
		printf("%s%s\n", ts, text);
	}
	fflush(stdout);
}

static void print_round(const struct watch_cmd *wc, const struct source *s,
			const struct diff_result *r)
{
	char ts[64];
	size_t i;

	timestamp(wc->jsonl, ts, sizeof(ts));
	if (wc->jsonl) {
		for (i = 0; i < r->n; i++) {
			struct json_writer w;

			jw_init(&w, stdout, false);
			jw_begin_object(&w);
			jw_kv_string(&w, "time", ts);
			jw_kv_string(&w, "event", "change");
			jw_kv_i64(&w, "pid", s->meta.pid);
			jw_key(&w, "change");
			diff_json_change(&w, r, &r->changes[i], wc->min_delta);
			jw_end_object(&w);
			jw_finish(&w);
		}
	} else {
		struct diff_style st = {
			.out = stdout, .exact = wc->exact, .min_delta = wc->min_delta,
			.color = color_enabled(wc->color, STDOUT_FILENO), .prefix = ts,
		};

		for (i = 0; i < r->n; i++)
			diff_print_change(&st, r, &r->changes[i]);
		diff_print_summary(&st, r, s->meta.max_map_count);
	}
	fflush(stdout);
}

/* ---- the loop ---------------------------------------------------------------------- */

/*
 * Read the process again, into a whole new source.  The error is kept as a
 * value: when the read failed because the process exited meanwhile, that is
 * the normal end of watching, not an error to print.  A round reads the VMAs
 * and vm.max_map_count (the summary's limit, read with the VMAs) and none of
 * the metadata the first read printed (libproc2, uname, boot id: seven more
 * files a round).
 */
static int watch_read(struct source *old, pid_t pid, struct source *fresh)
{
	struct source_err e;
	int rc;

	old->opts.no_meta = true;
	rc = source_reload(old, fresh, &e);
	if (rc == EXIT_FINE)
		fresh->meta.max_map_count = (long)fresh->model.p.max_map_count;	/* read */
	if (rc != EXIT_FINE && !process_gone(pid))
		source_err_print(&e);
	return rc;
}

static void install_handlers(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = watch_on_signal;	/* no SA_RESTART: wake the sleep */
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
}

static int watch_exited(const struct watch_cmd *wc, pid_t pid)
{
	char msg[96];

	snprintf(msg, sizeof(msg), "process %d exited: watching ended", (int)pid);
	event_line(wc, "exited", pid, msg, 0);
	return EXIT_FINE;
}

/* Returns the exit code; src[*cur] holds the latest read. */
static int watch_loop(const struct watch_cmd *wc, pid_t pid, struct source *src, int *cur)
{
	struct diff_opts o = { .min_delta = wc->min_delta };
	unsigned long rounds = 0;
	char msg[96];
	int rc;

	for (;;) {
		struct diff_result r;
		int next = !*cur;
		bool changed;

		if (!watch_sleep(wc->interval_ns)) {
			event_line(wc, "interrupted", pid, "interrupted: watching ended", 0);
			return EXIT_FINE;
		}
		if (process_gone(pid))
			return watch_exited(wc, pid);
		rc = watch_read(&src[*cur], pid, &src[next]);
		if (rc != EXIT_FINE) {
			source_release(&src[next]);
			return process_gone(pid) ? watch_exited(wc, pid) : rc;
		}
		diff_result_init(&r);
		if (diff_models(&src[*cur].model, &src[next].model, &o, &r)) {
			diff_result_release(&r);
			source_release(&src[next]);
			return cli_error(EXIT_TARGET, "out of memory");
		}
		changed = r.n > 0;
		if (changed)
			print_round(wc, &src[next], &r);
		diff_result_release(&r);
		source_release(&src[*cur]);
		*cur = next;
		if (changed && wc->count && ++rounds >= wc->count) {
			snprintf(msg, sizeof(msg), "stopped after %lu round%s with changes (--count)",
				 rounds, rounds == 1 ? "" : "s");
			event_line(wc, "count", pid, msg, 0);
			return EXIT_FINE;
		}
	}
}

static int watch_exec(struct cmd_call *call)
{
	struct source_opts so = { .smaps = true };
	struct source src[2];
	struct watch_cmd wc = *(struct watch_cmd *)call->opts;
	char msg[160], *comm;
	int rc, cur = 0;
	pid_t pid;

	so.smaps = wc.smaps;
	source_heap_reserve(false);	/* a round reuses the heap; two models stay < 32 MiB */
	install_handlers();
	rc = source_open(&src[0], wc.target, &so);
	if (rc == EXIT_FINE && src[0].kind != SOURCE_LIVE)
		rc = cli_error(EXIT_BADINPUT, "'%s' is a file: watch needs a running process",
			       wc.target);
	if (rc != EXIT_FINE) {
		source_release(&src[0]);
		return rc;
	}
	pid = source_pid(&src[0]);
	comm = str_escaped(src[0].meta.comm ? src[0].meta.comm : "?",
			   src[0].meta.comm ? strlen(src[0].meta.comm) : 1);
	snprintf(msg, sizeof(msg), "watching process %d (%s): %zu VMAs, every %g s",
		 (int)pid, comm ? comm : "?", src[0].model.count, (double)wc.interval_ns / 1e9);
	free(comm);
	event_line(&wc, "start", pid, msg, src[0].model.count);
	rc = watch_loop(&wc, pid, src, &cur);
	source_release(&src[cur]);
	return rc;
}

const struct cmd_entry cmd_watch_entry = {
	.name = "watch",
	.summary = "print each change to a running process's mappings as it happens",
	.options = watch_options,
	.opts_size = sizeof(struct watch_cmd),
	.opts_init = watch_opts_init,
	/* a file is refused before it is read */
	.operands = (const struct cmd_operand[]){ { "TARGET", CMD_PROCESS }, { NULL, 0 } },
	.min_operands = 1,
	.max_operands = 1,
	.check = watch_check,
	.exec = watch_exec,
};
