/*
 * sim-line.h - a line buffer for the text output of `vmatool sim`: the
 * numbers and words of one call's lines are put together here and written
 * with one fwrite, instead of a fprintf for each piece (sim-print.c).  The
 * text is byte for byte what the printf formats named beside each helper
 * write.
 */
#ifndef VMATOOL_SIM_LINE_H
#define VMATOOL_SIM_LINE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define SIM_LINE_CAP 4096

struct sim_line {
	FILE *out;
	size_t n;
	char buf[SIM_LINE_CAP];
};

void sim_line_init(struct sim_line *l, FILE *out);
void sim_line_flush(struct sim_line *l);
void sim_line_mem(struct sim_line *l, const char *s, size_t len);
void sim_line_str(struct sim_line *l, const char *s);
void sim_line_char(struct sim_line *l, char c);
void sim_line_pad(struct sim_line *l, const char *s, size_t width);	/* "%-Ns" */
void sim_line_dec(struct sim_line *l, uint64_t v);	/* "%" PRIu64, "%zu" */
void sim_line_sdec(struct sim_line *l, int64_t v);	/* "%" PRId64, "%ld" */
void sim_line_hex(struct sim_line *l, uint64_t v);	/* "%" PRIx64 */
void sim_line_hex0x(struct sim_line *l, uint64_t v);	/* "%#" PRIx64: "0" for 0 */
void sim_line_escaped(struct sim_line *l, const char *s, size_t len);	/* fputs_escaped */

#endif
