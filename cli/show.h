/*
 * show.h - the rows and summary of `vmatool show`, shared with the commands
 * that print VMAs the same way (diff, sim, watch): filters, the text row of
 * one VMA, the gap row, totals and the breakdown by kind.
 *
 * Nothing here owns the model: every function borrows the source or model
 * it is given.  Rows are formatted into a caller's buffer (no allocation per
 * row) so that 65,000 rows print as fast as the kernel makes them.
 */
#ifndef VMATOOL_SHOW_H
#define VMATOOL_SHOW_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "cli/cli.h"
#include "cli/json.h"

/* ---- filters -------------------------------------------------------------- */
#define SHOW_PERM_R	0x1
#define SHOW_PERM_W	0x2
#define SHOW_PERM_X	0x4
#define SHOW_PERM_S	0x8	/* shared */
#define SHOW_PERM_P	0x10	/* private */

struct show_filter {
	bool has_range;
	uint64_t lo, hi;	/* VMAs intersecting [lo, hi) */
	const char *path_glob;	/* fnmatch(3) against the name and its basename */
	unsigned perms;		/* SHOW_PERM_*: every bit given must be set */
	unsigned perms_absent;	/* SHOW_PERM_*: every bit given must be clear */
	unsigned kinds;		/* 1 << enum vma_kind for each kind wanted; 0: any */
};

void show_filter_init(struct show_filter *f);
bool show_filter_match(const struct show_filter *f, const struct vma_model *m,
		       const struct vma *v);
/* True if no filter is set. */
bool show_filter_empty(const struct show_filter *f);

/* ---- totals --------------------------------------------------------------- */
struct show_totals {
	uint64_t count;
	uint64_t size, rss, pss, dirty, swap;	/* bytes */
	uint64_t kind_count[VMA_KIND_COUNT];
	uint64_t kind_size[VMA_KIND_COUNT];
	uint64_t kind_rss[VMA_KIND_COUNT];
	uint64_t gaps, gap_bytes, largest_gap, largest_gap_start;	/* see show_totals_gaps */
};

void show_totals_init(struct show_totals *t);
void show_totals_add(struct show_totals *t, const struct vma_model *m, const struct vma *v);
/*
 * The gap after v (up to v->next, clipped to user space and to f's range,
 * f may be NULL): false if there is none.
 */
bool show_gap_clip(const struct vma_model *m, const struct vma *v, const struct show_filter *f,
		   uint64_t *lo, uint64_t *hi);
/* The unmapped gaps between consecutive VMAs of m, clipped as show_gap_clip. */
void show_totals_gaps(struct show_totals *t, const struct vma_model *m, const struct show_filter *f);
/* Per-VMA smaps values in bytes (0 when absent). */
uint64_t show_rss(const struct vma_model *m, const struct vma *v);
uint64_t show_pss(const struct vma_model *m, const struct vma *v);
uint64_t show_dirty(const struct vma_model *m, const struct vma *v);	/* shared + private dirty */
uint64_t show_swap(const struct vma_model *m, const struct vma *v);

/* ---- text rows ------------------------------------------------------------ */
struct show_style {
	bool exact;		/* --bytes */
	bool color;
	bool smaps;		/* print the RSS/PSS/DIRTY/SWAP columns */
	unsigned addr_width;	/* hex digits of addresses (12, or 16 with vsyscall) */
};

/* Fill style->addr_width for the model's highest address. */
void show_style_fit(struct show_style *st, const struct vma_model *m);
void show_print_header(const struct show_style *st, FILE *out);
/*
 * One row for v, newline included, into buf (SHOW_ROW_MAX bytes); names are
 * escaped (control characters never reach the terminal).  Returns the length.
 */
#define SHOW_ROW_MAX (512 + 4 * 4096)
size_t show_format_row(const struct show_style *st, const struct vma_model *m,
		       const struct vma *v, char *buf);
/* The row for the unmapped gap [start, end). */
size_t show_format_gap(const struct show_style *st, uint64_t start, uint64_t end, char *buf);
/* "lo,dc,sl": the flags worth a glance; "" if none.  buf >= 64 bytes. */
size_t show_key_flags(vmf_t flags, char *buf);

/* Summary lines (count vs max_map_count, totals, kinds, largest gap). */
void show_print_summary(const struct show_style *st, const struct source *s,
			const struct show_totals *t, FILE *out);
/* The "summary" object value of the JSON document. */
void json_summary(struct json_writer *w, const struct source *s, const struct show_totals *t);

/*
 * The whole vmatool/1 document of s: schema, source, the VMAs that pass f
 * (NULL: all), "gaps" when gaps is set, summary.  This is what `show
 * --format json` and `snapshot` print.  show_json_document returns nonzero
 * if writing failed; show_write_json says so and returns EXIT_TARGET.
 */
int show_json_document(FILE *out, const struct source *s, const struct show_filter *f, bool gaps);
int show_write_json(const struct source *s, const struct show_filter *f, bool gaps, FILE *out);

#endif
