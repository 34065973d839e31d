/*
 * tui_detail.c - the detail pane of `vmatool tui`: everything known of the
 * selected VMA (range, kind, file, every smaps field, VmFlags spelled out)
 * and, for each neighbour, whether the two could merge and if not the
 * engine's reason (vma_explain_no_merge).  For a gap row: its size and the
 * distances to both neighbours.  Names are escaped: no control character
 * reaches the terminal.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tui/tui_int.h"

void tui_lines_release(struct tui_lines *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->line[i]);
	free(l->line);
	memset(l, 0, sizeof(*l));
}

int tui_lines_add(struct tui_lines *l, const char *s, size_t len)
{
	char *d = strndup(s, len);

	if (!d)
		return -ENOMEM;
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 32;
		char **nl = realloc(l->line, cap * sizeof(*nl));

		if (!nl) {
			free(d);
			return -ENOMEM;
		}
		l->line = nl;
		l->cap = cap;
	}
	l->line[l->n++] = d;
	return 0;
}

static int add(struct tui_lines *l, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int add(struct tui_lines *l, const char *fmt, ...)
{
	va_list ap;
	char *s;
	int n;

	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 32;
		char **nl = realloc(l->line, cap * sizeof(*nl));

		if (!nl)
			return -ENOMEM;
		l->line = nl;
		l->cap = cap;
	}
	va_start(ap, fmt);
	n = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (n < 0)
		return -ENOMEM;
	l->line[l->n++] = s;
	return 0;
}

/* The escaped name of v, or "(anonymous)". */
static char *name_of(const struct vma_model *m, const struct vma *v)
{
	size_t len = vma_name_len(m, v->name);

	return len ? str_escaped(vma_name(m, v->name), len) : strdup("(anonymous)");
}

static int detail_neighbour(struct tui_lines *l, const struct vma_model *m, const struct vma *v,
			    const struct vma *o, bool below)
{
	char sz[32], *name;
	enum vma_nomerge why;
	int err;

	if (!o)
		return add(l, "%s: none", below ? "below" : "above");
	name = name_of(m, o);
	why = below ? vma_explain_no_merge(m, o, v) : vma_explain_no_merge(m, v, o);
	err = add(l, "%s: %llx-%llx %s %s", below ? "below" : "above", (unsigned long long)o->start,
		  (unsigned long long)o->end, fmt_size(o->end - o->start, false, sz), name ? name : "?");
	free(name);
	if (!err && why == VMA_NOMERGE_NOT_ADJACENT)
		err = add(l, "  not adjacent: a gap of %s between",
			  fmt_size(below ? v->start - o->end : o->start - v->end, false, sz));
	else if (!err)
		err = add(l, "  %s", why == VMA_MERGE_OK ? "could merge" :
			  "cannot merge: ");
	if (!err && why != VMA_MERGE_OK && why != VMA_NOMERGE_NOT_ADJACENT) {
		char *last = l->line[l->n - 1];

		l->n--;
		err = add(l, "%s%s", last, vma_nomerge_str(why));
		free(last);
	}
	return err;
}

/* The VmFlags line, or (spelled) each flag with what it means. */
static int detail_flags(struct tui_lines *l, const struct view_row *r, bool spelled)
{
	char buf[3 * 64 + 1];
	int err = 0;

	vmf_format(r->flags, buf, sizeof(buf));
	if (!spelled)
		return add(l, "VmFlags: %s%s", buf, r->flags_inferred ? "(inferred from the perms)" : "");
	for (unsigned b = 0; !err && b < 64; b++) {
		const char *mn = vmf_mnemonic(b);

		if ((r->flags >> b & 1) && mn)
			err = add(l, "  %s  %s", mn, vmf_describe(b) ? vmf_describe(b) : "");
	}
	return err;
}

static int detail_smaps(struct tui_lines *l, const struct vma_model *m, const struct vma *v)
{
	unsigned keys[64];
	uint64_t vals[64];
	size_t n = vma_smaps_fields(m, v, keys, vals, 64);
	int err = 0;

	if (!n)
		return add(l, "smaps: not read");
	for (size_t i = 0; !err && i < n && i < 64; i++) {
		const struct smaps_keyinfo *k = vma_smaps_key(m, keys[i]);

		err = add(l, "%-16s %10llu%s", k ? k->name : "?", (unsigned long long)vals[i],
			  k && k->kb ? " kB" : "");
	}
	return err;
}

static int detail_vma(const struct tui *t, struct tui_lines *l, const struct view_row *r)
{
	const struct vma_model *m = &t->src.model;
	const struct view_kind_info *k = view_kind(r->kind);
	char sz[32], *name = name_of(m, r->v);
	int err;

	err = add(l, "%llx-%llx  %s  %s  kind %s (%s)", (unsigned long long)r->start,
		  (unsigned long long)r->end, fmt_size(r->size, false, sz), r->perms, k->name, k->what);
	if (!err)
		err = add(l, "name: %s", name ? name : "?");
	free(name);
	if (!err && r->v->file)
		err = add(l, "file: offset 0x%llx, device %02x:%02x, inode %llu%s",
			  (unsigned long long)r->offset, r->dev_major, r->dev_minor,
			  (unsigned long long)r->inode, r->deleted ? ", deleted" : "");
	if (!err)
		err = detail_flags(l, r, false);
	if (!err)
		err = detail_neighbour(l, m, r->v, r->v->prev, true);
	if (!err)
		err = detail_neighbour(l, m, r->v, r->v->next, false);
	if (!err)
		err = detail_flags(l, r, true);
	if (!err)
		err = detail_smaps(l, m, r->v);
	return err;
}

static int detail_gap(const struct tui *t, struct tui_lines *l, const struct view_row *r)
{
	struct view_where w;
	char sz[32];
	int err;

	view_where((struct vma_model *)&t->src.model, r->start, &w);
	err = add(l, "gap %llx-%llx  %s unmapped", (unsigned long long)r->start,
		  (unsigned long long)r->end, fmt_size(r->size, false, sz));
	for (int i = 0; !err && i < 2; i++) {
		const struct vma *o = i ? w.next : w.prev;
		char *n = o ? name_of(&t->src.model, o) : NULL;

		if (o)
			err = add(l, "%s: %llx-%llx %s", i ? "above" : "below",
				  (unsigned long long)o->start, (unsigned long long)o->end, n ? n : "?");
		free(n);
	}
	return err;
}

int tui_detail_lines(const struct tui *t, struct tui_lines *l)
{
	struct view_row r;

	if (!t->vw.n)
		return add(l, "nothing selected");
	view_item_row(&t->vw, t->vw.sel, &r);
	return r.v ? detail_vma(t, l, &r) : detail_gap(t, l, &r);
}
