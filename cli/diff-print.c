/*
 * diff-print.c - text and JSON rendering of a semantic diff, shared by
 * `vmatool diff` and `vmatool watch` (see diff-print.h).
 *
 * Text: one header line per change, "+" for added, "-" for removed, "~" for
 * the rest, with the parts of splits, merges and reshapes on "-" (before)
 * and "+" (after) lines below, as git diff colours them on a terminal.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "cli/ansi.h"
#include "cli/diff-print.h"
#include "view/view.h"

#define C_RED	ansi_color(VIEW_COLOR_REMOVED)
#define C_GREEN	ansi_color(VIEW_COLOR_ADDED)
#define C_CYAN	ansi_color(VIEW_COLOR_CHANGED)
#define C_BOLD	ansi_color(VIEW_COLOR_HEADER)
#define C_RESET	ANSI_RESET

const char *diff_change_label(const struct diff_change *c)
{
	if (c->kind != DIFF_SAME)
		return diff_kind_name(c->kind);
	if (c->what & DIFF_W_PERMS)
		return "perms";
	if (c->what & DIFF_W_VMFLAGS)
		return "vmflags";
	if (c->what & DIFF_W_DELETED)
		return "deleted";
	if (c->what & DIFF_W_RENAMED)
		return "renamed";
	return "usage";
}

static void put_color(const struct diff_style *st, const char *code)
{
	if (st->color)
		fputs(code, st->out);
}

static void line_start(const struct diff_style *st, const char *color, char sigil)
{
	if (st->prefix)
		fputs(st->prefix, st->out);
	put_color(st, color);
	fputc(sigil, st->out);
}

static void line_end(const struct diff_style *st)
{
	put_color(st, C_RESET);
	fputc('\n', st->out);
}

static void put_name(const struct diff_style *st, const struct view_row *r)
{
	if (r->name_len) {
		fputc(' ', st->out);
		fputs_escaped(r->name, r->name_len, st->out);
	}
}

/* "7f..000-7f..000 rw-p    8.0K NAME" */
static void put_vma(const struct diff_style *st, const struct vma_model *m, const struct vma *v)
{
	struct view_row r;
	char size[32];

	view_row_fill(&r, m, v);
	fprintf(st->out, "%08" PRIx64 "-%08" PRIx64 " %s %7s", r.start, r.end, r.perms,
		fmt_size(r.size, st->exact, size));
	put_name(st, &r);
}

static void put_signed(const struct diff_style *st, int64_t d)
{
	char buf[32];

	fputc(d < 0 ? '-' : '+', st->out);
	fputs(fmt_size(d < 0 ? (uint64_t)-d : (uint64_t)d, st->exact, buf), st->out);
}

static bool shown(int64_t d, uint64_t min_delta)
{
	uint64_t mag = d < 0 ? (uint64_t)-d : (uint64_t)d;

	return mag && mag >= min_delta;
}

static void put_sep(const struct diff_style *st, bool *first)
{
	fputs(*first ? "  " : "; ", st->out);
	*first = false;
}

static void put_ends(const struct diff_style *st, const struct diff_result *r,
		     const struct diff_change *c, bool *first)
{
	const struct vma *x = diff_vma_a(r, c, 0), *y = diff_vma_b(r, c, 0);
	const struct vma *xl = diff_vma_a(r, c, c->na - 1), *yl = diff_vma_b(r, c, c->nb - 1);

	if (c->what & DIFF_W_START) {
		put_sep(st, first);
		fputs("start ", st->out);
		put_signed(st, (int64_t)(y->start - x->start));
	}
	if (c->what & DIFF_W_END) {
		put_sep(st, first);
		fputs("end ", st->out);
		put_signed(st, (int64_t)(yl->end - xl->end));
	}
	if (c->na == 1 && c->nb == 1)
		fprintf(st->out, " (was %08" PRIx64 "-%08" PRIx64 ")", x->start, x->end);
}

static void put_split_points(const struct diff_style *st, const struct diff_result *r,
			     const struct diff_change *c, bool *first)
{
	uint32_t i;

	put_sep(st, first);
	fprintf(st->out, "into %u at", c->nb);
	for (i = 1; i < c->nb; i++)
		fprintf(st->out, "%s %08" PRIx64, i > 1 ? "," : "", diff_vma_b(r, c, i)->start);
	for (i = 1; i < c->nb; i++) {
		const struct vma *p = diff_vma_b(r, c, i - 1), *q = diff_vma_b(r, c, i);

		if (p->end != q->start) {
			put_sep(st, first);
			fprintf(st->out, "%08" PRIx64 "-%08" PRIx64 " unmapped", p->end, q->start);
		}
	}
}

static void put_flags(const struct diff_style *st, vmf_t added, vmf_t removed, bool *first)
{
	unsigned bit;

	put_sep(st, first);
	fputs("vmflags", st->out);
	for (bit = 0; bit < 64; bit++) {
		vmf_t m = (vmf_t)1 << bit;
		const char *name;

		if (!((added | removed) & m))
			continue;
		name = vmf_describe(bit);
		if (!name)
			name = vmf_mnemonic(bit);
		fprintf(st->out, " %c%s", added & m ? '+' : '-', name ? name : "?");
	}
}

static void put_usage(const struct diff_style *st, const struct diff_change *c, bool *first)
{
	static const char *const names[4] = { "rss", "pss", "swap", "dirty" };
	int64_t d[4] = { c->rss, c->pss, c->swap, c->dirty };
	int i;

	bool any = false;

	for (i = 0; i < 4; i++) {
		if (!shown(d[i], st->min_delta))
			continue;
		if (any)
			fputs(", ", st->out);
		else
			put_sep(st, first);
		any = true;
		fprintf(st->out, "%s ", names[i]);
		put_signed(st, d[i]);
	}
}

static void put_details(const struct diff_style *st, const struct diff_result *r,
			const struct diff_change *c)
{
	bool first = true;
	struct view_row r1, r2;

	if (c->kind == DIFF_GROWN || c->kind == DIFF_SHRUNK || c->kind == DIFF_RESIZED)
		put_ends(st, r, c, &first);
	if (c->kind == DIFF_SPLIT)
		put_split_points(st, r, c, &first);
	if (c->kind == DIFF_MERGED || c->kind == DIFF_RESHAPED) {
		put_sep(st, &first);
		fprintf(st->out, "%u into %u", c->na, c->nb);
	}
	if (c->kind == DIFF_MOVED) {
		const struct vma *x = diff_vma_a(r, c, 0);

		put_sep(st, &first);
		fprintf(st->out, "from %08" PRIx64 "-%08" PRIx64, c->from_start, c->from_end);
		if (c->what & DIFF_W_PART)
			fprintf(st->out, " (part of %08" PRIx64 "-%08" PRIx64 ")", x->start, x->end);
		if (c->what & DIFF_W_LIKELY)
			fputs(" (likely)", st->out);
		if (c->what & DIFF_W_SIZE) {
			char s1[32], s2[32];

			put_sep(st, &first);
			fprintf(st->out, "size %s -> %s", fmt_size(c->from_end - c->from_start, st->exact, s1),
				fmt_size(diff_vma_b(r, c, 0)->end - diff_vma_b(r, c, 0)->start,
					 st->exact, s2));
		}
	}
	if ((c->what & DIFF_W_PERMS) && c->na == 1 && c->nb == 1) {
		view_row_fill(&r1, r->a, diff_vma_a(r, c, 0));
		view_row_fill(&r2, r->b, diff_vma_b(r, c, 0));
		put_sep(st, &first);
		fprintf(st->out, "perms %s -> %s", r1.perms, r2.perms);
	}
	if (c->what & DIFF_W_VMFLAGS)
		put_flags(st, c->flags_added, c->flags_removed, &first);
	if (c->what & DIFF_W_DELETED) {
		put_sep(st, &first);
		fputs("file deleted", st->out);
	} else if ((c->what & DIFF_W_RENAMED) && c->na) {
		put_sep(st, &first);
		fputs("was", st->out);
		view_row_fill(&r1, r->a, diff_vma_a(r, c, 0));
		put_name(st, &r1);
	}
	put_usage(st, c, &first);
}

static void put_parts(const struct diff_style *st, const struct diff_result *r,
		      const struct diff_change *c)
{
	uint32_t i;

	for (i = 0; i < c->na; i++) {
		line_start(st, C_RED, '-');
		fputs("           ", st->out);
		put_vma(st, r->a, diff_vma_a(r, c, i));
		line_end(st);
	}
	for (i = 0; i < c->nb; i++) {
		line_start(st, C_GREEN, '+');
		fputs("           ", st->out);
		put_vma(st, r->b, diff_vma_b(r, c, i));
		line_end(st);
	}
}

void diff_print_change(const struct diff_style *st, const struct diff_result *r,
		       const struct diff_change *c)
{
	const char *color = c->kind == DIFF_ADDED ? C_GREEN :
			    c->kind == DIFF_REMOVED ? C_RED : C_CYAN;
	char sigil = c->kind == DIFF_ADDED ? '+' : c->kind == DIFF_REMOVED ? '-' : '~';
	bool after = c->nb > 0;

	line_start(st, color, sigil);
	fprintf(st->out, " %-9s", diff_change_label(c));
	if (c->kind == DIFF_MERGED || c->kind == DIFF_RESHAPED || !after)
		put_vma(st, after ? r->b : r->a, after ? diff_vma_b(r, c, 0) : diff_vma_a(r, c, 0));
	else if (c->kind == DIFF_SPLIT)
		put_vma(st, r->a, diff_vma_a(r, c, 0));
	else
		put_vma(st, r->b, diff_vma_b(r, c, 0));
	put_details(st, r, c);
	line_end(st);
	if (c->kind == DIFF_SPLIT || c->kind == DIFF_MERGED || c->kind == DIFF_RESHAPED)
		put_parts(st, r, c);
}

void diff_print_summary(const struct diff_style *st, const struct diff_result *r,
			long max_map_count)
{
	const struct diff_totals *t = &r->t;

	if (st->prefix)
		fputs(st->prefix, st->out);
	put_color(st, C_BOLD);
	fprintf(st->out, "%zu change%s: %zu VMA%s added, %zu removed, %zu changed; VMAs %zu -> %zu",
		r->n, r->n == 1 ? "" : "s", t->added, t->added == 1 ? "" : "s",
		t->removed, t->changed, t->count_a, t->count_b);
	if (max_map_count > 0)
		fprintf(st->out, " (max_map_count %ld)", max_map_count);
	if (t->usage) {
		fputs("; rss ", st->out);
		put_signed(st, t->rss);
		fputs(", pss ", st->out);
		put_signed(st, t->pss);
		fputs(", swap ", st->out);
		put_signed(st, t->swap);
		fputs(", dirty ", st->out);
		put_signed(st, t->dirty);
	}
	line_end(st);
}

void diff_print_explain(const struct diff_style *st, const struct diff_explain *e,
			const char *unexplainable)
{
	const char *p, *nl;

	put_color(st, C_BOLD);
	if (unexplainable)
		fprintf(st->out, "explain: no sequence of calls explains this: %s", unexplainable);
	else if (!e->found)
		fprintf(st->out, "explain: no sequence of calls found that turns the first into the second (%s)",
			e->why);
	else if (e->ncalls == 0)
		fputs("explain: no memory call is needed", st->out);
	else
		fprintf(st->out, "explain: %zu call%s turn%s the first into the second "
			"(checked: replayed on the engine, maps and VmFlags equal%s)",
			e->ncalls, e->ncalls == 1 ? "" : "s", e->ncalls == 1 ? "s" : "",
			e->names_ignored ? ", names aside" : "");
	line_end(st);
	if (unexplainable)
		return;
	for (p = e->text; p && *p; p = nl + 1) {
		nl = strchr(p, '\n');
		if (!nl)
			break;
		fputs("  ", st->out);
		fwrite(p, 1, (size_t)(nl - p), st->out);
		fputc('\n', st->out);
	}
	for (p = e->notes; p && *p; p = nl + 1) {
		nl = strchr(p, '\n');
		if (!nl)
			break;
		fputs("  # ", st->out);
		fputs_escaped(p, (size_t)(nl - p), st->out);
		fputc('\n', st->out);
	}
}

/* ---- JSON ------------------------------------------------------------------ */

static void json_flag_list(struct json_writer *w, const char *key, vmf_t flags, bool describe)
{
	unsigned bit;

	jw_key(w, key);
	jw_begin_array(w);
	for (bit = 0; bit < 64; bit++) {
		const char *name;

		if (!(flags & ((vmf_t)1 << bit)))
			continue;
		name = describe ? vmf_describe(bit) : vmf_mnemonic(bit);
		jw_string(w, name ? name : vmf_mnemonic(bit));
	}
	jw_end_array(w);
}

static void json_what(struct json_writer *w, unsigned what)
{
	static const char *const names[] = {
		"perms", "vmflags", "renamed", "deleted", "usage", "likely",
		"hole", "start", "end", "size", "part",
	};
	size_t i;

	jw_key(w, "changed");
	jw_begin_array(w);
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (what & (1u << i))
			jw_string(w, names[i]);
	jw_end_array(w);
}

static void json_usage(struct json_writer *w, const struct diff_change *c, uint64_t min_delta)
{
	jw_key(w, "delta");
	jw_begin_object(w);
	if (shown(c->rss, min_delta))
		jw_kv_i64(w, "rss", c->rss);
	if (shown(c->pss, min_delta))
		jw_kv_i64(w, "pss", c->pss);
	if (shown(c->swap, min_delta))
		jw_kv_i64(w, "swap", c->swap);
	if (shown(c->dirty, min_delta))
		jw_kv_i64(w, "dirty", c->dirty);
	jw_end_object(w);
}

void diff_json_change(struct json_writer *w, const struct diff_result *r,
		      const struct diff_change *c, uint64_t min_delta)
{
	uint32_t i;

	jw_begin_object(w);
	jw_kv_string(w, "kind", diff_kind_name(c->kind));
	jw_kv_string(w, "label", diff_change_label(c));
	json_what(w, c->what);
	jw_kv_bool(w, "likely", (c->what & DIFF_W_LIKELY) != 0);
	jw_key(w, "before");
	jw_begin_array(w);
	for (i = 0; i < c->na; i++)
		json_vma(w, r->a, diff_vma_a(r, c, i));
	jw_end_array(w);
	jw_key(w, "after");
	jw_begin_array(w);
	for (i = 0; i < c->nb; i++)
		json_vma(w, r->b, diff_vma_b(r, c, i));
	jw_end_array(w);
	if (c->kind == DIFF_MOVED) {
		jw_kv_hex(w, "from_start", c->from_start);
		jw_kv_hex(w, "from_end", c->from_end);
	}
	if (c->na && c->nb) {
		jw_kv_i64(w, "start_delta",
			    (int64_t)(diff_vma_b(r, c, 0)->start - diff_vma_a(r, c, 0)->start));
		jw_kv_i64(w, "end_delta", (int64_t)(diff_vma_b(r, c, c->nb - 1)->end -
						      diff_vma_a(r, c, c->na - 1)->end));
	}
	json_flag_list(w, "vmflags_added", c->flags_added, false);
	json_flag_list(w, "vmflags_removed", c->flags_removed, false);
	json_flag_list(w, "vmflags_added_names", c->flags_added, true);
	json_flag_list(w, "vmflags_removed_names", c->flags_removed, true);
	if (r->t.usage)
		json_usage(w, c, min_delta);
	jw_end_object(w);
}

void diff_json_summary(struct json_writer *w, const struct diff_result *r, long max_map_count)
{
	const struct diff_totals *t = &r->t;

	jw_begin_object(w);
	jw_kv_u64(w, "changes", r->n);
	jw_kv_u64(w, "added", t->added);
	jw_kv_u64(w, "removed", t->removed);
	jw_kv_u64(w, "changed", t->changed);
	jw_kv_u64(w, "unchanged", t->unchanged);
	jw_kv_u64(w, "vmas_before", t->count_a);
	jw_kv_u64(w, "vmas_after", t->count_b);
	jw_key(w, "max_map_count");
	if (max_map_count > 0)
		jw_i64(w, max_map_count);
	else
		jw_null(w);
	if (t->usage) {
		jw_kv_i64(w, "rss", t->rss);
		jw_kv_i64(w, "pss", t->pss);
		jw_kv_i64(w, "swap", t->swap);
		jw_kv_i64(w, "dirty", t->dirty);
	}
	jw_end_object(w);
}

static void json_lines(struct json_writer *w, const char *key, const char *text)
{
	const char *p, *nl;

	jw_key(w, key);
	jw_begin_array(w);
	for (p = text; p && *p; p = nl + 1) {
		nl = strchr(p, '\n');
		if (!nl)
			break;
		jw_string_len(w, p, (size_t)(nl - p));
	}
	jw_end_array(w);
}

void diff_json_explain(struct json_writer *w, const struct diff_explain *e,
		       const char *unexplainable)
{
	jw_begin_object(w);
	jw_kv_bool(w, "found", !unexplainable && e->found);
	jw_kv_bool(w, "verified", !unexplainable && e->found);
	jw_kv_bool(w, "names_ignored", !unexplainable && e->names_ignored);
	if (unexplainable || !e->found)
		jw_kv_string(w, "why", unexplainable ? unexplainable : e->why);
	else
		jw_kv_string(w, "why", NULL);
	json_lines(w, "calls", unexplainable ? NULL : e->text);
	json_lines(w, "notes", unexplainable ? NULL : e->notes);
	jw_end_object(w);
}
