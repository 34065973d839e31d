/*
 * show.h - the text/ANSI and JSON formatters of `vmatool show` (and of
 * snapshot's document): they print the view layer's rows, totals and gaps
 * (view/view.h) and compute nothing of their own.
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
#include "engine/maps.h"
#include "view/view.h"

/* ---- text rows ------------------------------------------------------------ */
struct show_style {
	bool exact;		/* --bytes */
	bool color;
	bool smaps;		/* print the RSS/PSS/DIRTY/SWAP columns */
	unsigned addr_width;	/* hex digits of addresses (12, or 16 with vsyscall) */
	bool no_file_columns;	/* leave out OFFSET, DEV and INODE (a narrow screen) */
};

/* Fill style->addr_width for the model's highest address. */
void show_style_fit(struct show_style *st, const struct vma_model *m);
void show_print_header(const struct show_style *st, FILE *out);
/*
 * One row (a VMA's or a gap's), newline included, into buf (SHOW_ROW_MAX
 * bytes); names are escaped (control characters never reach the terminal).
 * Returns the length.
 */
#define SHOW_ROW_MAX (512 + 4 * MAPS_NAME_MAX)	/* every byte of the longest name escaped */
size_t show_format_row(const struct show_style *st, const struct view_row *r, char *buf);

/* Summary lines (count vs max_map_count, totals, kinds, largest gap). */
void show_print_summary(const struct show_style *st, const struct source *s,
			const struct view_totals *t, FILE *out);
/* The "summary" object value of the JSON document. */
void json_summary(struct json_writer *w, const struct source *s, const struct view_totals *t);

/*
 * The whole vmatool/1 document of s: schema, source, the VMAs that pass f
 * (NULL: all), "gaps" when gaps is set, summary.  This is what `show
 * --format json` and `snapshot` print.  show_json_document returns nonzero
 * if writing failed; show_write_json says so and returns EXIT_TARGET.
 */
int show_json_document(FILE *out, const struct source *s, const struct view_filter *f, bool gaps);
int show_write_json(const struct source *s, const struct view_filter *f, bool gaps, FILE *out);

#endif
