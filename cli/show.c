/*
 * show.c - rows, filters and totals of `vmatool show`, and its JSON
 * document, shared with the commands that print VMAs the same way.
 *
 * Rows are put together by hand into one buffer (no printf in the loop that
 * runs 65,000 times), so that `show` keeps pace with the kernel's smaps.
 */
#include <errno.h>
#include <fnmatch.h>
#include <string.h>

#include "cli/show.h"
#include "engine/maps.h"

/* ---- filters -------------------------------------------------------------- */

void show_filter_init(struct show_filter *f)
{
	memset(f, 0, sizeof(*f));
}

bool show_filter_empty(const struct show_filter *f)
{
	return !f->has_range && !f->path_glob && !f->perms && !f->perms_absent && !f->kinds;
}

static unsigned vma_perm_bits(const struct vma *v)
{
	unsigned b = 0;

	if (v->flags & VMF(READ))
		b |= SHOW_PERM_R;
	if (v->flags & VMF(WRITE))
		b |= SHOW_PERM_W;
	if (v->flags & VMF(EXEC))
		b |= SHOW_PERM_X;
	b |= v->flags & VMF(MAYSHARE) ? SHOW_PERM_S : SHOW_PERM_P;
	return b;
}

static bool path_matches(const char *glob, const char *name)
{
	const char *base = strrchr(name, '/');

	if (!strcmp(glob, name) || fnmatch(glob, name, 0) == 0)
		return true;
	return base && (!strcmp(glob, base + 1) || fnmatch(glob, base + 1, 0) == 0);
}

bool show_filter_match(const struct show_filter *f, const struct vma_model *m,
		       const struct vma *v)
{
	unsigned perms;

	if (f->has_range && (v->end <= f->lo || v->start >= f->hi))
		return false;
	if (f->kinds && !(f->kinds & (1u << v->kind)))
		return false;
	perms = vma_perm_bits(v);
	if ((perms & f->perms) != f->perms || (perms & f->perms_absent))
		return false;
	if (f->path_glob && !path_matches(f->path_glob, vma_name(m, v->name)))
		return false;
	return true;
}

/* ---- totals --------------------------------------------------------------- */

void show_totals_init(struct show_totals *t)
{
	memset(t, 0, sizeof(*t));
}

static uint64_t smaps_kb(const struct vma_model *m, const struct vma *v, unsigned key)
{
	uint64_t val;

	return vma_smaps_get(m, v, key, &val) ? val * 1024 : 0;
}

uint64_t show_rss(const struct vma_model *m, const struct vma *v)
{
	return smaps_kb(m, v, SMAPS_RSS);
}

uint64_t show_pss(const struct vma_model *m, const struct vma *v)
{
	return smaps_kb(m, v, SMAPS_PSS);
}

uint64_t show_dirty(const struct vma_model *m, const struct vma *v)
{
	return smaps_kb(m, v, SMAPS_SHARED_DIRTY) + smaps_kb(m, v, SMAPS_PRIVATE_DIRTY);
}

uint64_t show_swap(const struct vma_model *m, const struct vma *v)
{
	return smaps_kb(m, v, SMAPS_SWAP);
}

/* RSS, PSS, dirty and swap of v in bytes, in one pass over its fields. */
static void show_values(const struct vma_model *m, const struct vma *v, uint64_t out[4])
{
	/* Swap, the last value needed, is field 20 of the kernel's records */
	enum { FIRST = SMAPS_SWAP + 1 };
	unsigned keys[FIRST];
	uint64_t vals[FIRST];
	size_t i, n = vma_smaps_fields(m, v, keys, vals, FIRST);

	out[0] = out[1] = out[2] = out[3] = 0;
	for (i = 0; i < n; i++) {
		unsigned key;
		uint64_t val;

		if (i < FIRST) {
			key = keys[i];
			val = vals[i];
		} else {
			vma_smaps_field(m, v, i, &key, &val);
		}
		switch (key) {
		case SMAPS_RSS: out[0] = val * 1024; break;
		case SMAPS_PSS: out[1] = val * 1024; break;
		case SMAPS_SHARED_DIRTY: case SMAPS_PRIVATE_DIRTY: out[2] += val * 1024; break;
		case SMAPS_SWAP: out[3] = val * 1024; return;	/* the last one needed */
		default: break;
		}
	}
}

/* The values of the VMA formatted last, so that its totals need no second pass. */
static struct {
	const struct vma *v;
	uint64_t seq;
	uint64_t val[4];
} last_values;

static void show_values_cached(const struct vma_model *m, const struct vma *v, uint64_t out[4])
{
	if (last_values.v != v || last_values.seq != m->seq) {
		show_values(m, v, last_values.val);
		last_values.v = v;
		last_values.seq = m->seq;
	}
	memcpy(out, last_values.val, sizeof(last_values.val));
}

void show_totals_add(struct show_totals *t, const struct vma_model *m, const struct vma *v)
{
	uint64_t size = v->end - v->start, val[4], rss;

	show_values_cached(m, v, val);
	rss = val[0];
	t->count++;
	t->size += size;
	t->rss += rss;
	t->pss += val[1];
	t->dirty += val[2];
	t->swap += val[3];
	t->kind_count[v->kind]++;
	t->kind_size[v->kind] += size;
	t->kind_rss[v->kind] += rss;
}

bool show_gap_clip(const struct vma_model *m, const struct vma *v, const struct show_filter *f,
		   uint64_t *lo, uint64_t *hi)
{
	uint64_t task_size = m->p.task_size ? m->p.task_size : UINT64_C(0x7ffffffff000);

	if (!v->next)
		return false;
	*lo = v->end;
	*hi = v->next->start < task_size ? v->next->start : task_size;
	if (f && f->has_range) {
		*lo = *lo > f->lo ? *lo : f->lo;
		*hi = *hi < f->hi ? *hi : f->hi;
	}
	return *lo < *hi;
}

void show_totals_gaps(struct show_totals *t, const struct vma_model *m, const struct show_filter *f)
{
	const struct vma *v;

	for (v = m->first; v && v->next; v = v->next) {
		uint64_t lo, hi;

		if (!show_gap_clip(m, v, f, &lo, &hi))
			continue;
		t->gaps++;
		t->gap_bytes += hi - lo;
		if (hi - lo > t->largest_gap) {
			t->largest_gap = hi - lo;
			t->largest_gap_start = lo;
		}
	}
}

/* ---- text rows ------------------------------------------------------------ */

#define C_RESET "\033[0m"
#define C_BOLD "\033[1m"
#define C_DIM "\033[2m"

static const char *kind_color(enum vma_kind k)
{
	switch (k) {
	case VMA_KIND_TEXT: return "\033[32m";		/* green */
	case VMA_KIND_DATA: case VMA_KIND_BSS: return "\033[33m";	/* yellow */
	case VMA_KIND_HEAP: case VMA_KIND_STACK: return "\033[35m";	/* magenta */
	case VMA_KIND_FILE: return "\033[34m";		/* blue */
	case VMA_KIND_SHM: return "\033[36m";		/* cyan */
	case VMA_KIND_SPECIAL: return "\033[2m";
	case VMA_KIND_DELETED: return "\033[31m";	/* red */
	default: return "";
	}
}

/* Wide enough for user-space addresses; [vsyscall]'s row pushes on. */
void show_style_fit(struct show_style *st, const struct vma_model *m)
{
	const struct vma *v = m->last;
	uint64_t top;
	unsigned w = 1;

	while (v && v->prev && v->start >= UINT64_C(0x800000000000))
		v = v->prev;
	top = v ? v->end - 1 : 0;
	while (w < 16 && (top >> (4 * w)))
		w++;
	st->addr_width = w < 8 ? 8 : w;
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
 * A name as escape_into writes it; most names need no escaping at all (no
 * control character, DEL or C1 lead byte 0xc2), and are copied as they are.
 */
static char *put_name(char *p, const char *name, size_t len)
{
	const unsigned char *u = (const unsigned char *)name;

	for (size_t i = 0; i < len; i++)
		if (u[i] < 0x20 || u[i] == 0x7f || u[i] == 0xc2)
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

static const struct { unsigned bit; const char *mn; } key_flags[] = {
	{ VMF_GROWSDOWN_BIT, "gd" }, { VMF_LOCKED_BIT, "lo" }, { VMF_LOCKONFAULT_BIT, "lf" },
	{ VMF_IO_BIT, "io" }, { VMF_PFNMAP_BIT, "pf" }, { VMF_MIXEDMAP_BIT, "mm" },
	{ VMF_DONTCOPY_BIT, "dc" }, { VMF_WIPEONFORK_BIT, "wf" }, { VMF_DONTDUMP_BIT, "dd" },
	{ VMF_HUGETLB_BIT, "ht" }, { VMF_HUGEPAGE_BIT, "hg" }, { VMF_NOHUGEPAGE_BIT, "nh" },
	{ VMF_MERGEABLE_BIT, "mg" }, { VMF_UFFD_MISSING_BIT, "um" }, { VMF_UFFD_WP_BIT, "uw" },
	{ VMF_UFFD_MINOR_BIT, "ui" }, { VMF_SHADOW_STACK_BIT, "ss" },
	{ VMF_DROPPABLE_BIT, "dp" }, { VMF_SEALED_BIT, "sl" }, { VMF_MAYBE_GUARD_BIT, "gu" },
};

size_t show_key_flags(vmf_t flags, char *buf)
{
	size_t i, n = 0;

	for (i = 0; i < sizeof(key_flags) / sizeof(key_flags[0]); i++) {
		if (!(flags & ((vmf_t)1 << key_flags[i].bit)))
			continue;
		if (n)
			buf[n++] = ',';
		memcpy(buf + n, key_flags[i].mn, 2);
		n += 2;
	}
	buf[n] = 0;
	return n;
}

#define FLAGS_WIDTH 8

void show_print_header(const struct show_style *st, FILE *out)
{
	unsigned aw = st->addr_width;
	size_t sw = st->exact ? COL_EXACT : COL_SIZE;

	if (st->color)
		fputs(C_BOLD, out);
	fprintf(out, "%-*s %*s %-4s %-8s %-5s %8s ", (int)(2 * aw + 1), "START-END", (int)sw, "SIZE",
		"PERM", "OFFSET", "DEV", "INODE");
	if (st->smaps)
		fprintf(out, "%*s %*s %*s %*s ", (int)sw, "RSS", (int)sw, "PSS", (int)sw, "DIRTY",
			(int)sw, "SWAP");
	fprintf(out, "%-*s %s", FLAGS_WIDTH, "FLAGS", "NAME");
	if (st->color)
		fputs(C_RESET, out);
	fputc('\n', out);
}

size_t show_format_row(const struct show_style *st, const struct vma_model *m,
		       const struct vma *v, char *buf)
{
	char *p = buf, flags[64];
	const char *name = vma_name(m, v->name), *col = st->color ? kind_color(v->kind) : "";
	size_t nlen = vma_name_len(m, v->name), fl;
	uint64_t off = v->bits & VMA_B_PGOFF_INFERRED ? 0 : v->pgoff * m->p.page_size;

	p = put_str(p, col, strlen(col));
	p = put_hex(p, v->start, st->addr_width);
	*p++ = '-';
	p = put_hex(p, v->end, st->addr_width);
	*p++ = ' ';
	p = put_size(p, st, v->end - v->start);
	*p++ = ' ';
	*p++ = v->flags & VMF(READ) ? 'r' : '-';
	*p++ = v->flags & VMF(WRITE) ? 'w' : '-';
	*p++ = v->flags & VMF(EXEC) ? 'x' : '-';
	*p++ = v->flags & VMF(MAYSHARE) ? 's' : 'p';
	*p++ = ' ';
	p = put_hex(p, off, 8);
	*p++ = ' ';
	{
		char *d = p;

		p = put_hex(p, VMA_DEV_MAJOR(v->dev), 2);
		*p++ = ':';
		p = put_hex(p, VMA_DEV_MINOR(v->dev), 2);
		if (p - d < 5)
			p = put_pad(p, 5 - (p - d));
	}
	*p++ = ' ';
	p = put_dec_right(p, v->inode, 8);
	*p++ = ' ';
	if (st->smaps) {
		uint64_t val[4];
		int i;

		show_values_cached(m, v, val);
		for (i = 0; i < 4; i++) {
			p = put_size(p, st, val[i]);
			*p++ = ' ';
		}
	}
	fl = show_key_flags(v->flags, flags);
	p = put_str(p, flags, fl);
	if (nlen) {
		p = put_pad(p, fl < FLAGS_WIDTH ? FLAGS_WIDTH - fl : 0);
		*p++ = ' ';
		p = put_name(p, name, nlen);
	} else if (!fl) {
		p--;	/* no trailing space */
	}
	if (*col)
		p = put_str(p, C_RESET, sizeof(C_RESET) - 1);
	*p++ = '\n';
	return p - buf;
}

size_t show_format_gap(const struct show_style *st, uint64_t start, uint64_t end, char *buf)
{
	char *p = buf;
	size_t w = 2 * st->addr_width + 1 + 1 + (st->exact ? COL_EXACT : COL_SIZE);

	if (st->color)
		p = put_str(p, C_DIM, sizeof(C_DIM) - 1);
	p = put_hex(p, start, st->addr_width);
	*p++ = '-';
	p = put_hex(p, end, st->addr_width);
	*p++ = ' ';
	p = put_size(p, st, end - start);
	(void)w;
	p = put_str(p, " ---- (gap)", 11);
	if (st->color)
		p = put_str(p, C_RESET, sizeof(C_RESET) - 1);
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
			const struct show_totals *t, FILE *out)
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
		fprintf(out, "%s%s %llu (%s", sep, vma_kind_name(k),
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

void json_summary(struct json_writer *w, const struct source *s, const struct show_totals *t)
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
		jw_key(w, vma_kind_name(k));
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
static void json_gaps(struct json_writer *w, const struct vma_model *m, const struct show_filter *f)
{
	const struct vma *v;

	jw_key(w, "gaps");
	jw_begin_array(w);
	for (v = m->first; v && v->next; v = v->next) {
		uint64_t lo, hi;

		if (!show_gap_clip(m, v, f, &lo, &hi))
			continue;
		jw_begin_object(w);
		jw_kv_hex(w, "start", lo);
		jw_kv_hex(w, "end", hi);
		jw_kv_u64(w, "size", hi - lo);
		jw_end_object(w);
	}
	jw_end_array(w);
}

int show_json_document(FILE *out, const struct source *s, const struct show_filter *f, bool gaps)
{
	struct json_writer w;
	struct show_totals t;
	const struct vma *v;

	show_totals_init(&t);
	jw_init(&w, out, true);
	jw_begin_object(&w);
	jw_kv_string(&w, "schema", JSON_SCHEMA);
	jw_key(&w, "source");
	json_source_meta(&w, s);
	jw_key(&w, "vmas");
	jw_begin_array(&w);
	for (v = s->model.first; v; v = v->next) {
		if (f && !show_filter_match(f, &s->model, v))
			continue;
		json_vma(&w, &s->model, v);
		show_totals_add(&t, &s->model, v);
	}
	jw_end_array(&w);
	if (gaps)
		json_gaps(&w, &s->model, f);
	show_totals_gaps(&t, &s->model, f);
	jw_key(&w, "summary");
	json_summary(&w, s, &t);
	jw_end_object(&w);
	return jw_finish(&w);
}

int show_write_json(const struct source *s, const struct show_filter *f, bool gaps, FILE *out)
{
	if (show_json_document(out, s, f, gaps))
		return cli_error(EXIT_TARGET, "cannot write the output");
	return EXIT_FINE;
}
