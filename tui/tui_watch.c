/*
 * tui_watch.c - the keys of `vmatool tui` that read the target again or
 * write it out: r (re-read once), w (watch: re-read every interval, the rows
 * that changed highlighted and the changes logged in the words of `vmatool
 * watch`, from the engine's semantic diff) and S (save a snapshot, the JSON
 * document of `vmatool snapshot`, written atomically).
 *
 * Reading errors come as values from the source layer (cli/source.h) and
 * go to the status line; while curses owns the terminal, what the file layer
 * prints on stderr (write_file_atomic) is caught in a buffer and its first
 * line shown there too.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>

#include "cli/diff-print.h"
#include "engine/diff.h"
#include "tui/tui_int.h"

#define TUI_LOG_MAX 500

/* ---- stderr caught ------------------------------------------------------------ */

struct tui_catch {
	FILE *saved, *mem;
	char *buf;
	size_t len;
};

static void catch_begin(struct tui_catch *c)
{
	memset(c, 0, sizeof(*c));
	c->saved = stderr;
	c->mem = open_memstream(&c->buf, &c->len);
	if (c->mem)
		stderr = c->mem;
}

/* Stop catching; the first line caught (without "vmatool: CMD: ") as t's error message. */
static void catch_end(struct tui *t, struct tui_catch *c, bool report)
{
	const char *p;
	size_t n;

	if (c->mem) {
		fclose(c->mem);
		stderr = c->saved;
	}
	p = c->buf ? c->buf : "";
	if (!strncmp(p, "vmatool: ", 9))
		p += 9;
	if (cli_cmd_name && !strncmp(p, cli_cmd_name, strlen(cli_cmd_name)) &&
	    p[strlen(cli_cmd_name)] == ':')
		p += strlen(cli_cmd_name) + 2;
	n = strcspn(p, "\n");
	if (report && n)
		tui_message(t, true, "%.*s", (int)(n < 200 ? n : 200), p);
	free(c->buf);
}

/* ---- reading again -------------------------------------------------------------- */

/* A new read of the target into s; false (message set, s released) if it failed. */
static bool tui_read(struct tui *t, struct source *s)
{
	struct source_err e = { 0 };
	size_t n;

	if (source_reload(&t->src, s, &e) == EXIT_FINE)
		return true;
	source_release(s);
	n = strcspn(e.msg, "\n");
	tui_message(t, true, "%.*s", (int)(n < 200 ? n : 200), e.msg);
	if (e.code == EXIT_TARGET && (strstr(e.msg, "no such process") || strstr(e.msg, "exited"))) {
		t->exited = true;
		t->watching = false;
	}
	return false;
}

/* Take s as the model drawn (the old one is released). */
static void tui_take(struct tui *t, struct source *s)
{
	if (t->ncalls || t->undo.n || t->redo.n)
		tui_message(t, false, "the what-if calls are dropped: the process as it is");
	tui_whatif_release(t);
	t->machine_set = false;
	source_release(&t->src);
	t->src = *s;
	if (tui_attach(t) < 0)
		tui_message(t, true, "out of memory");
}

void tui_reload(struct tui *t)
{
	struct source s;

	if (!t->live) {
		tui_message(t, false, "a saved file does not change: nothing to re-read");
		return;
	}
	if (!tui_read(t, &s))
		return;
	tui_take(t, &s);
	if (!t->msg[0])
		tui_message(t, false, "re-read: %zu VMAs", t->src.model.count);
}

/* ---- watch ----------------------------------------------------------------------- */

/* Append a line to l, the oldest going first when l holds max lines. */
static int lines_push(struct tui_lines *l, const char *line, size_t len, size_t max)
{
	if (l->n && l->n >= max) {
		free(l->line[0]);
		memmove(l->line, l->line + 1, (l->n - 1) * sizeof(char *));
		l->n--;
	}
	return tui_lines_add(l, line, len);
}

/* The changes of r as watch prints them (each line after prefix) into dst. */
static void lines_of_changes(const struct diff_result *r, const char *prefix,
			     struct tui_lines *dst, size_t max)
{
	struct diff_style st = { .min_delta = UINT64_MAX, .prefix = prefix };
	char *buf = NULL;
	size_t len = 0;

	st.out = open_memstream(&buf, &len);
	if (!st.out)
		return;
	for (size_t i = 0; i < r->n; i++)
		diff_print_change(&st, r, &r->changes[i]);
	fclose(st.out);
	for (char *p = buf, *nl; p && *p; p = nl + 1) {
		nl = strchr(p, '\n');
		if (!nl)
			nl = p + strlen(p) - 1;
		if (lines_push(dst, p, (size_t)(nl - p + (*nl != '\n')), max) < 0)
			break;
	}
	free(buf);
}

/* The changes of r, each line with the time, into the watch log. */
static void log_changes(struct tui *t, const struct diff_result *r)
{
	struct timeval tv;
	struct tm tm;
	char ts[32];

	gettimeofday(&tv, NULL);
	localtime_r(&tv.tv_sec, &tm);
	strftime(ts, sizeof(ts), "%H:%M:%S ", &tm);
	lines_of_changes(r, ts, &t->log, TUI_LOG_MAX);
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* The start of every VMA a change left behind: the rows to highlight. */
static void mark_changes(struct tui *t, const struct diff_result *r)
{
	size_t n = 0;

	for (size_t i = 0; i < r->n; i++)
		n += r->changes[i].nb;
	free(t->changed);
	t->nchanged = 0;
	t->changed = n ? malloc(n * sizeof(*t->changed)) : NULL;
	if (!t->changed)
		return;
	for (size_t i = 0; i < r->n; i++)
		for (size_t j = 0; j < r->changes[i].nb; j++)
			t->changed[t->nchanged++] = diff_vma_b(r, &r->changes[i], j)->start;
	qsort(t->changed, t->nchanged, sizeof(*t->changed), cmp_u64);
}

bool tui_changed(const struct tui *t, uint64_t start)
{
	return t->nchanged && bsearch(&start, t->changed, t->nchanged, sizeof(start), cmp_u64);
}

void tui_watch_tick(struct tui *t)
{
	struct diff_opts o = { .ignore_usage = true };
	struct diff_result r;
	struct source s;

	if (!tui_read(t, &s))
		return;
	diff_result_init(&r);
	if (diff_models(&t->src.model, &s.model, &o, &r) < 0) {
		tui_message(t, true, "out of memory");
	} else if (r.n) {
		log_changes(t, &r);
		mark_changes(t, &r);
	}
	diff_result_release(&r);	/* it borrowed both models: before the old one goes */
	tui_take(t, &s);
}

void tui_watch_toggle(struct tui *t)
{
	if (!t->live || t->exited) {
		tui_message(t, true, "only a running process can be watched");
		return;
	}
	t->watching = !t->watching;
	if (t->watching) {	/* the moment watching began: what d compares with */
		if (t->have_base)
			vma_model_release(&t->base);
		t->have_base = vma_model_copy(&t->base, &t->src.model) == 0;
		tui_message(t, false, "watching every %llu ms: changed rows highlighted (w stops)",
			    (unsigned long long)(t->o.interval_ns / 1000000));
		return;
	}
	free(t->changed);
	t->changed = NULL;
	t->nchanged = 0;
	tui_message(t, false, "watching stopped");
}

/* ---- d: diff against a snapshot, or the moment watching began ------------------------ */

/* The diff of base (before) and the model drawn (after) into the diff pane. */
static void diff_show(struct tui *t, const struct vma_model *base, const char *what)
{
	struct diff_opts o = { .ignore_usage = true };
	struct diff_result r;
	char title[TUI_TEXT_MAX + 64];

	diff_result_init(&r);
	tui_lines_release(&t->diff);
	if (diff_models(base, &t->src.model, &o, &r) < 0) {
		diff_result_release(&r);
		tui_message(t, true, "out of memory");
		return;
	}
	snprintf(title, sizeof(title), "%zu change%s since %s", r.n, r.n == 1 ? "" : "s", what);
	tui_lines_add(&t->diff, title, strlen(title));
	lines_of_changes(&r, "", &t->diff, SIZE_MAX);
	mark_changes(t, &r);
	diff_result_release(&r);
	t->showing_diff = true;
	tui_message(t, false, "%s (d closes it)", title);
}

void tui_diff(struct tui *t)
{
	char path[TUI_TEXT_MAX], *esc;
	struct source_opts so = { .smaps = false };
	struct source_err e = { 0 };
	struct source s;
	int rc;

	if (t->showing_diff) {
		t->showing_diff = false;
		return;
	}
	if (!tui_prompt(t, "diff against (a snapshot or maps file; empty: when w began): ",
			path, sizeof(path)))
		return;
	if (!path[0]) {
		if (!t->have_base)
			tui_message(t, true, "watching has not begun: name a file to compare with");
		else
			diff_show(t, &t->base, "watching began");
		return;
	}
	rc = source_load(&s, path, &so, &e);
	if (rc == EXIT_FINE) {
		esc = str_escaped(path, strlen(path));
		diff_show(t, &s.model, esc ? esc : "the file");
		free(esc);
	} else {
		tui_message(t, true, "%.*s", (int)strcspn(e.msg, "\n"), e.msg);
	}
	source_release(&s);
}

/* ---- snapshot ----------------------------------------------------------------- */

int tui_write_file(struct tui *t, const char *path, const char *data, size_t len)
{
	struct tui_catch c;
	int rc;

	catch_begin(&c);
	rc = write_file_atomic(path, data, len);
	catch_end(t, &c, rc != EXIT_FINE);
	return rc;
}

void tui_save(struct tui *t)
{
	char path[TUI_TEXT_MAX], typed[TUI_TEXT_MAX], label[TUI_TEXT_MAX + 64], *buf = NULL;
	size_t len = 0;
	FILE *mem;
	int rc;

	snprintf(path, sizeof(path), "vmatool-%d-%ld.json", (int)t->src.meta.pid, (long)time(NULL));
	snprintf(label, sizeof(label), "save a snapshot to (empty: %s): ", path);
	if (!tui_prompt(t, label, typed, sizeof(typed)))
		return;
	if (typed[0])
		snprintf(path, sizeof(path), "%s", typed);
	mem = open_memstream(&buf, &len);
	if (!mem || show_json_document(mem, &t->src, NULL, false) || fclose(mem)) {
		free(buf);
		tui_message(t, true, "out of memory");
		return;
	}
	rc = tui_write_file(t, path, buf, len);
	free(buf);
	if (rc == EXIT_FINE) {
		char *esc = str_escaped(path, strlen(path));

		tui_message(t, false, "saved %zu VMAs to %s", t->src.model.count, esc ? esc : "?");
		free(esc);
	}
}
