/*
 * diff-print.h - how `vmatool diff` and `vmatool watch` print a semantic diff
 * (engine/diff.h): text rows coloured like git diff, and JSON objects.
 *
 * Borrows the diff result and its models; owns nothing.
 */
#ifndef VMATOOL_DIFF_PRINT_H
#define VMATOOL_DIFF_PRINT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "cli/cli.h"
#include "cli/json.h"
#include "engine/diff.h"

struct diff_style {
	FILE *out;
	bool color;
	bool exact;		/* --bytes: sizes in bytes */
	uint64_t min_delta;	/* usage deltas below are not printed */
	const char *prefix;	/* printed before every line (watch's timestamp), or NULL */
};

/* One change: a header line, and for splits, merges and reshapes the parts. */
void diff_print_change(const struct diff_style *st, const struct diff_result *r,
		       const struct diff_change *c);
/* "N changes: ...; VMAs 120 -> 118 of 65530; rss +8.0K ..." */
void diff_print_summary(const struct diff_style *st, const struct diff_result *r,
			long max_map_count);
/* The explanation block of --explain (found or not). */
void diff_print_explain(const struct diff_style *st, const struct diff_explain *e,
			const char *unexplainable);

/* One change as a JSON object value. */
void diff_json_change(struct json_writer *w, const struct diff_result *r,
		      const struct diff_change *c, uint64_t min_delta);
/* The "summary" object value. */
void diff_json_summary(struct json_writer *w, const struct diff_result *r, long max_map_count);
/* The "explain" object value. */
void diff_json_explain(struct json_writer *w, const struct diff_explain *e,
		       const char *unexplainable);

/* Short word for a change: the kind, or for "same" the main attribute ("perms"). */
const char *diff_change_label(const struct diff_change *c);

#endif
