/*
 * ps-print.c - the outputs of `vmatool ps` over the view layer's process
 * list (view/view.h): the text table (ANSI colours for the share of
 * vm.max_map_count), the vmatool/1 JSON document, and the metrics in
 * OpenMetrics text and in the older Prometheus text format (0.0.4), for
 * node_exporter's textfile collector.
 *
 * Label values: the name as vmatool prints it anywhere (control characters
 * escaped as \n, \x1b ...; bytes that are not UTF-8 as \xNN), then escaped
 * for the format (backslash and double quote), so every value is valid
 * UTF-8 and no control byte reaches a log or a terminal.
 */
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "cli/ansi.h"
#include "cli/json.h"
#include "cli/ps.h"

/* ---- text -------------------------------------------------------------------- */

#define ESC_MAX (4 * VIEW_PROC_COMM_MAX + 1)

/* s escaped for a terminal, left-aligned in width columns (a space after). */
static void put_name_col(const char *s, int width, FILE *out)
{
	char e[4 * 256 + 1];
	size_t n = strlen(s);

	n = escape_into(s, n < 256 ? n : 256, e);
	fprintf(out, "%-*s ", width, e);
	(void)n;
}

static void put_size_col(uint64_t v, const struct ps_style *st, FILE *out)
{
	char buf[32];

	fprintf(out, " %*s", st->exact ? 14 : 8, fmt_size(v, st->exact, buf));
}

static void ps_text_header(const struct ps_style *st, FILE *out)
{
	int sw = st->exact ? 14 : 8;

	if (st->color)
		fputs(ansi_color(VIEW_COLOR_HEADER), out);
	fprintf(out, "%7s %-10s %-16s %7s %7s %*s %6s", "PID", "USER", "COMMAND", "VMAS", "LIMIT",
		sw, "MAXGAP", "GUARDS");
	if (st->usage)
		fprintf(out, " %*s %*s %*s", sw, "RSS", sw, "PSS", sw, "SWAP");
	if (st->color)
		fputs(ANSI_RESET, out);
	fputc('\n', out);
}

static void ps_text_share(const struct view_proc *p, uint64_t limit, const struct ps_style *st,
			  FILE *out)
{
	double share = view_proc_share(p, limit);
	enum view_color c = view_proc_share_color(share);
	char buf[32];

	if (limit)
		snprintf(buf, sizeof(buf), "%.1f%%", 100.0 * share);
	else
		strcpy(buf, "-");
	if (st->color && c != VIEW_COLOR_NONE)
		fprintf(out, " %s%7s%s", ansi_color(c), buf, ANSI_RESET);
	else
		fprintf(out, " %7s", buf);
}

static void ps_text_row(const struct view_proc *p, uint64_t limit, const struct ps_style *st,
			FILE *out)
{
	fprintf(out, "%7d ", p->pid);
	put_name_col(p->user ? p->user : "?", 10, out);
	put_name_col(p->comm, 16, out);
	fprintf(out, "%7llu", (unsigned long long)p->vmas);
	ps_text_share(p, limit, st, out);
	put_size_col(p->largest_gap, st, out);
	fprintf(out, " %6llu", (unsigned long long)p->guards);
	if (st->usage && p->has_usage) {
		put_size_col(p->rss, st, out);
		put_size_col(p->pss, st, out);
		put_size_col(p->swap, st, out);
	} else if (st->usage) {		/* smaps_rollup could not be read (it exited) */
		int w = st->exact ? 14 : 8;

		fprintf(out, " %*s %*s %*s", w, "-", w, "-", w, "-");
	}
	fputc('\n', out);
}

void ps_print_text(const struct ps_scan *ps, const struct ps_style *st, FILE *out)
{
	const struct view_procs *vp = &ps->procs;

	ps_text_header(st, out);
	for (size_t i = 0; i < vp->n; i++)
		ps_text_row(view_procs_row(vp, i), vp->limit, st, out);
	if (st->color)
		fputs(ansi_color(VIEW_COLOR_HEADER), out);
	fprintf(out, "%zu process%s", vp->nall, vp->nall == 1 ? "" : "es");
	if (vp->n < vp->nall)
		fprintf(out, " (%zu shown)", vp->n);
	fprintf(out, ", %llu VMAs in all; vm.max_map_count ", (unsigned long long)vp->total_vmas);
	if (vp->limit)
		fprintf(out, "%llu per process", (unsigned long long)vp->limit);
	else
		fputs("unknown", out);
	if (ps->vanished)
		fprintf(out, "; %zu exited while read", ps->vanished);
	if (st->color)
		fputs(ANSI_RESET, out);
	fputc('\n', out);
}

/* ---- JSON ------------------------------------------------------------------------ */

static void ps_json_machine(const struct ps_scan *ps, struct json_writer *w)
{
	struct utsname u;
	bool have_u = uname(&u) == 0;

	jw_key(w, "machine");
	jw_begin_object(w);
	jw_kv_string(w, "hostname", have_u ? u.nodename : NULL);
	jw_kv_string(w, "kernel", have_u ? u.release : NULL);
	jw_key(w, "max_map_count");
	if (ps->procs.limit)
		jw_u64(w, ps->procs.limit);
	else
		jw_null(w);
	jw_kv_u64(w, "page_size", (uint64_t)sysconf(_SC_PAGESIZE));
	jw_kv_i64(w, "time", (int64_t)ps->time);
	jw_end_object(w);
}

static void ps_json_proc(const struct view_proc *p, uint64_t limit, bool usage,
			 struct json_writer *w)
{
	jw_begin_object(w);
	jw_kv_i64(w, "pid", p->pid);
	jw_kv_string(w, "user", p->user);
	jw_kv_u64(w, "uid", p->uid);
	jw_kv_string(w, "comm", p->comm);
	jw_kv_u64(w, "vmas", p->vmas);
	if (limit) {
		jw_kv_ratio(w, "vma_limit_ratio", view_proc_share(p, limit));
	} else {
		jw_key(w, "vma_limit_ratio");
		jw_null(w);
	}
	jw_kv_u64(w, "largest_gap", p->largest_gap);
	jw_kv_u64(w, "guard_regions", p->guards);
	if (usage && p->has_usage) {
		jw_kv_u64(w, "rss", p->rss);
		jw_kv_u64(w, "pss", p->pss);
		jw_kv_u64(w, "swap", p->swap);
	}
	jw_end_object(w);
}

static void ps_json_summary(const struct ps_scan *ps, struct json_writer *w)
{
	jw_key(w, "summary");
	jw_begin_object(w);
	jw_kv_u64(w, "processes", ps->procs.nall);
	jw_kv_u64(w, "shown", ps->procs.n);
	jw_kv_u64(w, "vmas_total", ps->procs.total_vmas);
	jw_kv_u64(w, "vanished", ps->vanished);
	jw_key(w, "unreadable");
	jw_begin_array(w);
	for (size_t i = 0; i < ps->ndenied; i++) {
		jw_begin_object(w);
		jw_kv_i64(w, "pid", ps->denied[i].pid);
		jw_kv_string(w, "comm", ps->denied[i].comm);
		jw_end_object(w);
	}
	jw_end_array(w);
	jw_end_object(w);
}

int ps_print_json(const struct ps_scan *ps, const struct ps_style *st, FILE *out)
{
	const struct view_procs *vp = &ps->procs;
	struct json_writer w;

	jw_init(&w, out, true);
	jw_begin_object(&w);
	jw_kv_string(&w, "schema", JSON_SCHEMA);
	ps_json_machine(ps, &w);
	jw_key(&w, "processes");
	jw_begin_array(&w);
	for (size_t i = 0; i < vp->n; i++)
		ps_json_proc(view_procs_row(vp, i), vp->limit, st->usage, &w);
	jw_end_array(&w);
	ps_json_summary(ps, &w);
	jw_end_object(&w);
	return jw_finish(&w);
}

/* ---- metrics ------------------------------------------------------------------------ */

/* Length of the valid UTF-8 sequence at s (n bytes left), 0 if it is not one. */
static size_t utf8_seq(const unsigned char *s, size_t n)
{
	unsigned char c = s[0], lo = 0x80, hi = 0xbf;
	size_t len;

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		len = 2;
	else if (c >= 0xe0 && c <= 0xef)
		len = 3;
	else if (c >= 0xf0 && c <= 0xf4)
		len = 4;
	else
		return 0;
	if (c == 0xe0)
		lo = 0xa0;
	else if (c == 0xed)
		hi = 0x9f;
	else if (c == 0xf0)
		lo = 0x90;
	else if (c == 0xf4)
		hi = 0x8f;
	if (n < len || s[1] < lo || s[1] > hi)
		return 0;
	for (size_t i = 2; i < len; i++)
		if (s[i] < 0x80 || s[i] > 0xbf)
			return 0;
	return len;
}

/* A label value: escaped for a terminal, then for the exposition format. */
static void metric_label_value(const char *s, FILE *out)
{
	char e[4 * 256 + 1];
	size_t n = strlen(s), i = 0;

	n = escape_into(s, n < 256 ? n : 256, e);
	while (i < n) {
		const unsigned char *u = (const unsigned char *)e + i;
		size_t k = utf8_seq(u, n - i);

		if (!k)
			fprintf(out, "\\\\x%02x", u[0]);
		else if (*u == '\\' || *u == '"')
			fprintf(out, "\\%c", *u);
		else
			fwrite(u, 1, k, out);
		i += k ? k : 1;
	}
}

enum ps_metric { M_VMAS, M_RATIO, M_GAP, M_GUARDS, M_RSS, M_PSS, M_SWAP, M_COUNT };

static const struct {
	const char *name, *unit, *help;
	bool usage;		/* from smaps_rollup: only with --memory */
} metrics[M_COUNT] = {
	[M_VMAS] = { "vmatool_process_vmas", NULL,
		     "VMAs (memory mappings) of the process, counted against vm.max_map_count" },
	[M_RATIO] = { "vmatool_process_vma_limit_ratio", "ratio",
		      "VMAs of the process divided by vm.max_map_count" },
	[M_GAP] = { "vmatool_process_largest_gap_bytes", "bytes",
		    "Largest unmapped gap between two VMAs of the process" },
	[M_GUARDS] = { "vmatool_process_guard_regions", NULL,
		       "PROT_NONE regions (guard pages and reservations) of the process" },
	[M_RSS] = { "vmatool_process_rss_bytes", "bytes", "Resident memory of the process", true },
	[M_PSS] = { "vmatool_process_pss_bytes", "bytes",
		    "Proportional set size of the process (shared pages divided among their users)",
		    true },
	[M_SWAP] = { "vmatool_process_swap_bytes", "bytes", "Swapped-out memory of the process", true },
};

static void metric_family(const char *name, const char *unit, const char *help, bool om,
			  FILE *out)
{
	fprintf(out, "# HELP %s %s.\n# TYPE %s gauge\n", name, help, name);
	if (om && unit)
		fprintf(out, "# UNIT %s %s\n", name, unit);
}

static void metric_value(enum ps_metric m, const struct view_proc *p, uint64_t limit, FILE *out)
{
	switch (m) {
	case M_VMAS: fprintf(out, "%llu", (unsigned long long)p->vmas); break;
	case M_RATIO: fprintf(out, "%.6f", view_proc_share(p, limit)); break;
	case M_GAP: fprintf(out, "%llu", (unsigned long long)p->largest_gap); break;
	case M_GUARDS: fprintf(out, "%llu", (unsigned long long)p->guards); break;
	case M_RSS: fprintf(out, "%llu", (unsigned long long)p->rss); break;
	case M_PSS: fprintf(out, "%llu", (unsigned long long)p->pss); break;
	default: fprintf(out, "%llu", (unsigned long long)p->swap); break;
	}
}

static void metric_samples(enum ps_metric m, const struct view_procs *vp, FILE *out)
{
	for (size_t i = 0; i < vp->n; i++) {
		const struct view_proc *p = view_procs_row(vp, i);

		if (metrics[m].usage && !p->has_usage)
			continue;
		fprintf(out, "%s{pid=\"%d\",comm=\"", metrics[m].name, p->pid);
		metric_label_value(p->comm, out);
		fputs("\",user=\"", out);
		metric_label_value(p->user ? p->user : "", out);
		fputs("\"} ", out);
		metric_value(m, p, vp->limit, out);
		fputc('\n', out);
	}
}

void ps_print_metrics(const struct ps_scan *ps, const struct ps_style *st, bool om, FILE *out)
{
	const struct view_procs *vp = &ps->procs;

	if (vp->limit) {
		/* not vmatool_max_map_count: a gauge named _count fails promtool's lint */
		metric_family("vmatool_vma_limit", NULL,
			      "The kernel's limit of VMAs per process (vm.max_map_count)", om, out);
		fprintf(out, "vmatool_vma_limit %llu\n", (unsigned long long)vp->limit);
	}
	metric_family("vmatool_processes", NULL, "Processes whose maps vmatool read", om, out);
	fprintf(out, "vmatool_processes %zu\n", vp->nall);
	metric_family("vmatool_processes_unreadable", NULL,
		      "Processes whose maps vmatool was not allowed to read", om, out);
	fprintf(out, "vmatool_processes_unreadable %zu\n", ps->ndenied);
	for (int m = 0; m < M_COUNT; m++) {
		if ((metrics[m].usage && !st->usage) || (m == M_RATIO && !vp->limit))
			continue;
		metric_family(metrics[m].name, metrics[m].unit, metrics[m].help, om, out);
		metric_samples(m, vp, out);
	}
	if (om)
		fputs("# EOF\n", out);
}
