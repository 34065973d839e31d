/*
 * show.c - the formatters of `vmatool show`: the text/ANSI table and summary
 * and the vmatool/1 JSON document, over the view layer's rows, totals and
 * gaps (view/view.h).
 *
 * Rows are put together by hand into one buffer (no printf in the loop that
 * runs 65,000 times), so that `show` keeps pace with the kernel's smaps.
 */
#include <string.h>

#include "cli/ansi.h"
#include "cli/show.h"

/* ---- text rows ------------------------------------------------------------ */

/* Wide enough for user-space addresses; [vsyscall]'s row pushes on. */
void show_style_fit(struct show_style *st, const struct vma_model *m)
{
	st->addr_width = view_addr_width(m);
}

/* Writers into the row buffer: each returns the new end. */
static char *put_str(char *p, const char *s, size_t n)
{
	memcpy(p, s, n);
	return p + n;
}

static char *put_pad(char *p, size_t n)
{
	memset(p, ' ', n);
	return p + n;
}

static char *put_hex(char *p, uint64_t v, unsigned width)
{
	static const char hex[] = "0123456789abcdef";
	unsigned n = v ? (64 - (unsigned)__builtin_clzll(v) + 3) / 4 : 1;

	if (n < width)
		n = width < 16 ? width : 16;
	for (unsigned i = n; i-- > 0; v >>= 4)
		p[i] = hex[v & 15];
	return p + n;
}

/*
 * A name as escape_into writes it; most names need no escaping at all
 * (printable ASCII only), and are copied as they are.
 */
static char *put_name(char *p, const char *name, size_t len)
{
	const unsigned char *u = (const unsigned char *)name;

	for (size_t i = 0; i < len; i++)
		if (u[i] < 0x20 || u[i] >= 0x7f)
			return p + escape_into(name, len, p);
	return put_str(p, name, len);
}

/* Right-aligned in width columns (wider values push on). */
static char *put_right(char *p, const char *s, size_t n, size_t width)
{
	if (n < width)
		p = put_pad(p, width - n);
	return put_str(p, s, n);
}

static char *put_dec_right(char *p, uint64_t v, size_t width)
{
	char tmp[24];
	size_t n = 0;

	do {
		tmp[sizeof(tmp) - 1 - n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	return put_right(p, tmp + sizeof(tmp) - n, n, width);
}

#define COL_SIZE 6
#define COL_EXACT 12

static char *put_size(char *p, const struct show_style *st, uint64_t bytes)
{
	char buf[32];

	if (st->exact)
		return put_dec_right(p, bytes, COL_EXACT);
	if (bytes < 1024)
		return put_dec_right(p, bytes, COL_SIZE);
	if (!(bytes & 1023) && bytes < 10 * 1024) {	/* "4.0K": the common case */
		p = put_pad(p, COL_SIZE - 4);
		*p++ = (char)('0' + (bytes >> 10));
		memcpy(p, ".0K", 3);
		return p + 3;
	}
	fmt_size(bytes, false, buf);
	return put_right(p, buf, strlen(buf), COL_SIZE);
}

#define FLAGS_WIDTH 8

void show_print_header(const struct show_style *st, FILE *out)
{
	unsigned aw = st->addr_width;
	size_t sw = st->exact ? COL_EXACT : COL_SIZE;

	if (st->color)
		fputs(ansi_color(VIEW_COLOR_HEADER), out);
	fprintf(out, "%-*s %*s %-4s ", (int)(2 * aw + 1), "START-END", (int)sw, "SIZE", "PERM");
	if (!st->no_file_columns)
		fprintf(out, "%-8s %-5s %8s ", "OFFSET", "DEV", "INODE");
	if (st->smaps)
		fprintf(out, "%*s %*s %*s %*s ", (int)sw, "RSS", (int)sw, "PSS", (int)sw, "DIRTY",
			(int)sw, "SWAP");
	fprintf(out, "%-*s %s", FLAGS_WIDTH, "FLAGS", "NAME");
	if (st->color)
		fputs(ANSI_RESET, out);
	fputc('\n', out);
}

/* "START-END SIZE PERM": the columns a gap row has too. */
static char *put_range(char *p, const struct show_style *st, const struct view_row *r)
{
	p = put_hex(p, r->start, st->addr_width);
	*p++ = '-';
	p = put_hex(p, r->end, st->addr_width);
	*p++ = ' ';
	p = put_size(p, st, r->size);
	*p++ = ' ';
	return put_str(p, r->perms, 4);
}

/* " OFFSET MM:mm    INODE " */
static char *put_file(char *p, const struct view_row *r)
{
	char *d;

	*p++ = ' ';
	p = put_hex(p, r->offset, 8);
	*p++ = ' ';
	d = p;
	p = put_hex(p, r->dev_major, 2);
	*p++ = ':';
	p = put_hex(p, r->dev_minor, 2);
	if (p - d < 5)
		p = put_pad(p, 5 - (p - d));
	*p++ = ' ';
	p = put_dec_right(p, r->inode, 8);
	*p++ = ' ';
	return p;
}

static char *put_usage(char *p, const struct show_style *st, const struct view_row *r)
{
	const uint64_t val[4] = { r->usage.rss, r->usage.pss, r->usage.dirty, r->usage.swap };

	for (int i = 0; i < 4; i++) {
		p = put_size(p, st, val[i]);
		*p++ = ' ';
	}
	return p;
}

size_t show_format_row(const struct show_style *st, const struct view_row *r, char *buf)
{
	char *p = buf;
	const char *col = st->color ? ansi_color(r->color) : "";

	p = put_str(p, col, strlen(col));
	p = put_range(p, st, r);
	if (!r->v) {
		p = put_str(p, " (gap)", 6);
	} else {
		if (st->no_file_columns)
			*p++ = ' ';
		else
			p = put_file(p, r);
		if (st->smaps)
			p = put_usage(p, st, r);
		p = put_str(p, r->key_flags, r->key_flags_len);
		if (r->name_len) {
			size_t fl = r->key_flags_len;

			p = put_pad(p, fl < FLAGS_WIDTH ? FLAGS_WIDTH - fl : 0);
			*p++ = ' ';
			p = put_name(p, r->name, r->name_len);
		} else if (!r->key_flags_len) {
			p--;	/* no trailing space */
		}
	}
	if (*col)
		p = put_str(p, ANSI_RESET, sizeof(ANSI_RESET) - 1);
	*p++ = '\n';
	return p - buf;
}

/* ---- summary -------------------------------------------------------------- */

static const char *sz(const struct show_style *st, uint64_t v, char buf[32])
{
	return fmt_size(v, st->exact, buf);
}

/* "process: 1234 comm (cmdline), user root": names escaped. */
static void show_print_process(const struct source *s, FILE *out)
{
	const struct proc_meta *me = &s->meta;

	fputc('\n', out);
	if (me->pid <= 0 && !me->comm)
		return;
	fputs("process: ", out);
	if (me->pid > 0)
		fprintf(out, "%d ", (int)me->pid);
	if (me->comm)
		fputs_escaped(me->comm, strlen(me->comm), out);
	if (me->cmdline) {
		fputs(" (", out);
		fputs_escaped(me->cmdline, strlen(me->cmdline), out);
		fputc(')', out);
	}
	if (me->user) {
		fputs(", user ", out);
		fputs_escaped(me->user, strlen(me->user), out);
	}
	if (me->kernel)
		fprintf(out, ", kernel %s", me->kernel);
	fputc('\n', out);
}

void show_print_summary(const struct show_style *st, const struct source *s,
			const struct view_totals *t, FILE *out)
{
	char a[32], b[32], c[32], d[32], e[32];
	long mmc = s->meta.max_map_count;
	unsigned k;
	const char *sep = "";

	show_print_process(s, out);
	fprintf(out, "vmas:  %llu", (unsigned long long)t->count);
	if (t->count != s->model.count)
		fprintf(out, " shown of %zu", s->model.count);
	if (mmc > 0)
		fprintf(out, " (vm.max_map_count %ld: %.1f%% used)", mmc,
			100.0 * (double)s->model.count / (double)mmc);
	else
		fputs(" (vm.max_map_count unknown)", out);
	fprintf(out, "\ntotal: size %s", sz(st, t->size, a));
	if (s->has_smaps)
		fprintf(out, ", rss %s, pss %s, dirty %s, swap %s", sz(st, t->rss, b),
			sz(st, t->pss, c), sz(st, t->dirty, d), sz(st, t->swap, e));
	fputs("\nkinds: ", out);
	for (k = 0; k < VMA_KIND_COUNT; k++) {
		if (!t->kind_count[k])
			continue;
		fprintf(out, "%s%s %llu (%s", sep, view_kind(k)->name,
			(unsigned long long)t->kind_count[k], sz(st, t->kind_size[k], a));
		if (s->has_smaps)
			fprintf(out, ", rss %s", sz(st, t->kind_rss[k], b));
		fputc(')', out);
		sep = ", ";
	}
	if (!*sep)
		fputs("none", out);
	fprintf(out, "\ngaps:  %llu", (unsigned long long)t->gaps);
	if (t->gaps)
		fprintf(out, ", total %s, largest %s at %llx-%llx", sz(st, t->gap_bytes, a),
			sz(st, t->largest_gap, b), (unsigned long long)t->largest_gap_start,
			(unsigned long long)(t->largest_gap_start + t->largest_gap));
	fputc('\n', out);
}

void json_summary(struct json_writer *w, const struct source *s, const struct view_totals *t)
{
	unsigned k;

	jw_begin_object(w);
	jw_kv_u64(w, "vmas", t->count);
	jw_kv_u64(w, "vmas_total", s->model.count);
	jw_key(w, "max_map_count");
	if (s->meta.max_map_count > 0)
		jw_u64(w, (uint64_t)s->meta.max_map_count);
	else
		jw_null(w);
	jw_kv_u64(w, "size", t->size);
	if (s->has_smaps) {
		jw_kv_u64(w, "rss", t->rss);
		jw_kv_u64(w, "pss", t->pss);
		jw_kv_u64(w, "dirty", t->dirty);
		jw_kv_u64(w, "swap", t->swap);
	}
	jw_key(w, "kinds");
	jw_begin_object(w);
	for (k = 0; k < VMA_KIND_COUNT; k++) {
		if (!t->kind_count[k])
			continue;
		jw_key(w, view_kind(k)->name);
		jw_begin_object(w);
		jw_kv_u64(w, "count", t->kind_count[k]);
		jw_kv_u64(w, "size", t->kind_size[k]);
		if (s->has_smaps)
			jw_kv_u64(w, "rss", t->kind_rss[k]);
		jw_end_object(w);
	}
	jw_end_object(w);
	jw_kv_u64(w, "gaps", t->gaps);
	jw_kv_u64(w, "gap_bytes", t->gap_bytes);
	jw_key(w, "largest_gap");
	if (t->gaps) {
		jw_begin_object(w);
		jw_kv_hex(w, "start", t->largest_gap_start);
		jw_kv_hex(w, "end", t->largest_gap_start + t->largest_gap);
		jw_kv_u64(w, "size", t->largest_gap);
		jw_end_object(w);
	} else {
		jw_null(w);
	}
	jw_end_object(w);
}

/* The gaps between all VMAs, clipped to the range of f. */
/* The gaps between all VMAs, clipped to the range of f. */
static void json_gaps(struct json_writer *w, const struct vma_model *m, const struct view_filter *f)
{
	const struct vma *v;

	jw_key(w, "gaps");
	jw_begin_array(w);
	for (v = m->first; v; v = v->next) {
		uint64_t lo, hi;

		if (!view_gap_after(m, v, f, &lo, &hi))
			continue;
		jw_begin_object(w);
		jw_kv_hex(w, "start", lo);
		jw_kv_hex(w, "end", hi);
		jw_kv_u64(w, "size", hi - lo);
		jw_end_object(w);
	}
	jw_end_array(w);
}

int show_json_document(FILE *out, const struct source *s, const struct view_filter *f, bool gaps)
{
	struct json_writer w;
	struct view_totals t;
	struct view_iter it;
	struct view_row row;

	view_totals_init(&t);
	jw_init(&w, out, true);
	jw_begin_object(&w);
	jw_kv_string(&w, "schema", JSON_SCHEMA);
	jw_key(&w, "source");
	json_source_meta(&w, s);
	jw_key(&w, "vmas");
	jw_begin_array(&w);
	view_iter_init(&it, &s->model, f, true);	/* gap rows count in the summary */
	while (view_iter_next(&it, &row)) {
		if (row.v)
			json_vma_row(&w, &s->model, &row);
		view_totals_add(&t, &row);
	}
	jw_end_array(&w);
	if (gaps)
		json_gaps(&w, &s->model, f);
	jw_key(&w, "summary");
	json_summary(&w, s, &t);
	jw_end_object(&w);
	return jw_finish(&w);
}

int show_write_json(const struct source *s, const struct view_filter *f, bool gaps, FILE *out)
{
	if (show_json_document(out, s, f, gaps))
		return cli_error(EXIT_TARGET, "cannot write the output");
	return EXIT_FINE;
}
