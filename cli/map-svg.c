/*
 * map-svg.c - the SVG picture of `vmatool map --format svg`: the address
 * space as a vertical bar, high addresses at the top as in the usual
 * drawings of a process's memory, laid out by the view layer's strip
 * (view/view_strip.h): every VMA is a rectangle coloured by its kind with a
 * <title> a browser shows on hover (range, size, perms, name, RSS); gaps are
 * drawn to scale, and the huge ones as a fixed band with a break mark and
 * their size.  The first VMA of each name is labelled (as space allows), and
 * a legend names the colours.
 *
 * Names come from the process: they are escaped (control characters as in
 * show, bytes that are not UTF-8 as \xNN) and then XML-escaped, so the
 * document is always well-formed.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/map.h"
#include "view/view_strip.h"

#define SVG_BAR_X 40
#define SVG_BAR_W 220
#define SVG_LABEL_GAP 13	/* least pixels between two labels */

static const char *const svg_fill[VIEW_COLOR_COUNT] = {
	[VIEW_COLOR_NONE] = "#8fa3b8", [VIEW_COLOR_CODE] = "#4caf50",
	[VIEW_COLOR_DATA] = "#e6c229", [VIEW_COLOR_GROWS] = "#c04cc0",
	[VIEW_COLOR_FILE] = "#4a7fd6", [VIEW_COLOR_SHARED] = "#27b6c9",
	[VIEW_COLOR_SPECIAL] = "#9e9e9e", [VIEW_COLOR_DELETED] = "#d9534f",
	[VIEW_COLOR_GAP] = "#f4f4f4",
};

/* Length of the valid UTF-8 sequence at s (at most n bytes), 0 if none. */
static size_t utf8_len(const unsigned char *s, size_t n)
{
	size_t len = s[0] >= 0xf0 && s[0] <= 0xf4 ? 4 : s[0] >= 0xe0 ? 3 : s[0] >= 0xc2 ? 2 : 0;

	if (s[0] < 0x80)
		return 1;
	if (!len || len > n)
		return 0;
	for (size_t i = 1; i < len; i++)
		if ((s[i] & 0xc0) != 0x80)
			return 0;
	return len;
}

/* s (len bytes) as XML text: control characters escaped as show does, bad UTF-8 as \xNN. */
static void svg_text(FILE *out, const char *s, size_t len)
{
	char *esc = str_escaped(s, len);
	const unsigned char *u = (const unsigned char *)(esc ? esc : "?");
	size_t n = strlen((const char *)u);

	for (size_t i = 0; i < n;) {
		size_t k = utf8_len(u + i, n - i);

		if (!k) {
			fprintf(out, "\\x%02x", u[i++]);
			continue;
		}
		switch (u[i]) {
		case '&': fputs("&amp;", out); break;
		case '<': fputs("&lt;", out); break;
		case '>': fputs("&gt;", out); break;
		case '"': fputs("&quot;", out); break;
		default: fwrite(u + i, 1, k, out); break;
		}
		i += k;
	}
	free(esc);
}

static const char *base_name(const char *name, size_t len, size_t *blen)
{
	const char *slash = memrchr(name, '/', len);
	const char *b = slash && name[0] == '/' ? slash + 1 : name;

	*blen = len - (size_t)(b - name);
	return b;
}

/* Where the bar begins: below the title and the legend's rows (set once a picture). */
static double svg_top;

/* The bar runs from y = svg_top (highest address) down to svg_top + units. */
static double svg_y(const struct view_strip_piece *p, double units)
{
	return svg_top + units - (p->x + p->w);
}

static void svg_vma(FILE *out, const struct source *s, const struct view_strip_piece *p,
		    double units)
{
	struct view_row r;
	char a[32], b[32];
	enum view_color c;

	view_row_fill(&r, &s->model, p->v);
	c = r.color;
	fprintf(out, "<rect class=\"vma\" x=\"%d\" y=\"%.3f\" width=\"%d\" height=\"%.3f\" fill=\"%s\"%s>",
		SVG_BAR_X, svg_y(p, units), SVG_BAR_W, p->w, p->guard ? "#333333" : svg_fill[c],
		p->guard ? " fill-opacity=\"0.6\"" : "");
	fprintf(out, "<title>%llx-%llx %s %s %s", (unsigned long long)r.start,
		(unsigned long long)r.end, fmt_size(r.size, false, a), r.perms, view_kind(r.kind)->name);
	if (p->start != r.start || p->end != r.end)
		fprintf(out, " (this part: %llx-%llx%s)", (unsigned long long)p->start,
			(unsigned long long)p->end, p->guard ? ", guard pages" : "");
	if (r.name_len) {
		fputc(' ', out);
		svg_text(out, r.name, r.name_len);
	}
	if (r.has_usage)
		fprintf(out, ", RSS %s", fmt_size(r.usage.rss, false, b));
	fputs("</title></rect>\n", out);
}

static void svg_gap(FILE *out, const struct view_strip_piece *p, double units)
{
	double y = svg_y(p, units);
	char a[32], lab[48];

	fmt_size(p->end - p->start, false, a);
	snprintf(lab, sizeof(lab), p->kernel ? "above user space" : "%s unmapped", a);
	if (!p->collapsed) {
		fprintf(out, "<rect class=\"gap\" x=\"%d\" y=\"%.3f\" width=\"%d\" height=\"%.3f\" "
			"fill=\"%s\"><title>gap %llx-%llx %s</title></rect>\n", SVG_BAR_X, y, SVG_BAR_W,
			p->w, svg_fill[VIEW_COLOR_GAP], (unsigned long long)p->start,
			(unsigned long long)p->end, a);
		return;
	}
	/* a break mark: the band with two zigzag edges and the size in the middle */
	fprintf(out, "<g class=\"collapsed\"><title>gap %llx-%llx %s, not to scale</title>"
		"<rect x=\"%d\" y=\"%.3f\" width=\"%d\" height=\"%.3f\" fill=\"#ffffff\"/>",
		(unsigned long long)p->start, (unsigned long long)p->end, a, SVG_BAR_X, y, SVG_BAR_W,
		p->w);
	for (int e = 0; e < 2; e++) {
		double ey = y + (e ? p->w - 4 : 4);

		fprintf(out, "<polyline fill=\"none\" stroke=\"#777\" points=\"");
		for (int i = 0; i <= 22; i++)
			fprintf(out, "%d,%.2f ", SVG_BAR_X + i * SVG_BAR_W / 22, ey + (i % 2 ? -3 : 3));
		fputs("\"/>", out);
	}
	fprintf(out, "<text x=\"%d\" y=\"%.2f\" text-anchor=\"middle\" class=\"gaplabel\">%s"
		"</text></g>\n", SVG_BAR_X + SVG_BAR_W / 2, y + p->w / 2 + 4, lab);
}

/* A label to the right of the bar for the first VMA of each name, where there is room. */
static void svg_labels(FILE *out, const struct source *s, const struct view_strip *st)
{
	double last = -1e18;
	const struct vma *prev = NULL;

	for (size_t i = st->n; i-- > 0;) {	/* top down: highest address first */
		const struct view_strip_piece *p = &st->p[i];
		const char *name, *b;
		size_t len, blen;
		double y;

		if (!p->v || p->v == prev)
			continue;
		prev = p->v;
		len = vma_name_len(&s->model, p->v->name);
		name = vma_name(&s->model, p->v->name);
		if (!len || (p->v->prev && p->v->prev->name == p->v->name))
			continue;	/* the lowest VMA of a run of one name carries it */
		y = svg_y(p, st->units) + p->w / 2;
		if (y < last + SVG_LABEL_GAP)
			continue;	/* too close to the label above it */
		last = y;
		b = base_name(name, len, &blen);
		fprintf(out, "<line x1=\"%d\" y1=\"%.2f\" x2=\"%d\" y2=\"%.2f\" stroke=\"#999\"/>"
			"<text x=\"%d\" y=\"%.2f\" class=\"label\">", SVG_BAR_X + SVG_BAR_W, y,
			SVG_BAR_X + SVG_BAR_W + 14, y, SVG_BAR_X + SVG_BAR_W + 18, y + 4);
		svg_text(out, b, blen);
		fprintf(out, " <tspan class=\"addr\">%llx</tspan></text>\n",
			(unsigned long long)p->v->start);
	}
}

#define SVG_LEGEND_ITEMS (VMA_KIND_COUNT + 1)	/* the kinds and the guards */
#define SVG_LEGEND_STEP 90

/* The y below a legend of width pixels (its rows from y = 46 on). */
static int svg_legend_bottom(unsigned width)
{
	int per_row = ((int)width - SVG_BAR_X) / SVG_LEGEND_STEP;

	if (per_row < 1)
		per_row = 1;
	return 46 + 16 * ((SVG_LEGEND_ITEMS + per_row - 1) / per_row - 1) + 36;
}

static void svg_legend(FILE *out, unsigned width)
{
	int x = SVG_BAR_X, y = 46;

	for (int k = 0; k < SVG_LEGEND_ITEMS; k++) {
		const struct view_kind_info *ki = k < VMA_KIND_COUNT ? view_kind((enum vma_kind)k) : NULL;

		if (x + SVG_LEGEND_STEP > (int)width && x > SVG_BAR_X) {
			x = SVG_BAR_X;
			y += 16;
		}
		fprintf(out, "<rect x=\"%d\" y=\"%d\" width=\"12\" height=\"12\" fill=\"%s\"%s>"
			"<title>%s</title></rect><text x=\"%d\" y=\"%d\" class=\"legend\">%s</text>\n",
			x, y - 10, ki ? svg_fill[ki->color] : "#333333", ki ? "" : " fill-opacity=\"0.6\"",
			ki ? ki->what : "PROT_NONE or guard pages", x + 16, y, ki ? ki->name : "guard");
		x += SVG_LEGEND_STEP;
	}
}

static void svg_head(FILE *out, const struct source *s, unsigned width, double height)
{
	fprintf(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%u\" height=\"%.0f\" "
		"viewBox=\"0 0 %u %.0f\" font-family=\"monospace\" font-size=\"12\">\n"
		"<style>.label{fill:#222}.addr{fill:#777}.legend{fill:#222}"
		".gaplabel{fill:#555;font-style:italic}.title{font-size:15px;font-weight:bold}</style>\n"
		"<rect width=\"100%%\" height=\"100%%\" fill=\"#ffffff\"/>\n"
		"<text x=\"%d\" y=\"22\" class=\"title\">", width, height, width, height, SVG_BAR_X);
	if (s->meta.pid) {
		fprintf(out, "process %d (", (int)s->meta.pid);
		svg_text(out, s->meta.comm ? s->meta.comm : "", s->meta.comm ? strlen(s->meta.comm) : 0);
		fputc(')', out);
	} else {
		svg_text(out, s->target, strlen(s->target));
	}
	fprintf(out, ": %zu VMAs</text>\n", s->model.count);
}

int map_write_svg(FILE *out, const struct source *s, unsigned width)
{
	struct view_strip_opts so = { .gap_units = 36, .min_units = 3 };
	struct view_strip st;
	size_t n = s->model.count;
	int err;

	/*
	 * 900 pixels up to 150 VMAs, then 6 a VMA so that small ones stay
	 * visible, up to 30,000 (renderers stop at 32,767: librsvg does)
	 */
	so.units = n <= 150 ? 900 : n <= 5000 ? (double)n * 6 : 30000;
	view_strip_init(&st);
	err = view_strip_layout(&st, &s->model, 0, 0, &so);
	if (err)
		return err;
	svg_top = svg_legend_bottom(width);
	svg_head(out, s, width, svg_top + st.units + 30);
	svg_legend(out, width);
	for (size_t i = 0; i < st.n; i++) {
		if (st.p[i].v)
			svg_vma(out, s, &st.p[i], st.units);
		else
			svg_gap(out, &st.p[i], st.units);
	}
	svg_labels(out, s, &st);
	fprintf(out, "<text x=\"%d\" y=\"%.0f\" class=\"addr\">%llx</text>\n", SVG_BAR_X,
		svg_top + st.units + 18, (unsigned long long)st.lo);
	fprintf(out, "<text x=\"%d\" y=\"%.0f\" class=\"addr\">%llx</text>\n", SVG_BAR_X,
		svg_top - 6, (unsigned long long)st.hi);
	fputs("</svg>\n", out);
	view_strip_release(&st);
	return ferror(out) ? -ENOMEM : 0;
}
