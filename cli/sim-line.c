/*
 * sim-line.c - the line buffer of sim's text output (sim-line.h): decimal
 * and hexadecimal numbers written by hand, text copied as it is when it
 * needs no escape, everything reaching the FILE in large writes.
 */
#include <string.h>

#include "cli/cli.h"
#include "cli/sim-line.h"

void sim_line_init(struct sim_line *l, FILE *out)
{
	l->out = out;
	l->n = 0;
}

void sim_line_flush(struct sim_line *l)
{
	if (l->n)
		fwrite(l->buf, 1, l->n, l->out);
	l->n = 0;
}

void sim_line_mem(struct sim_line *l, const char *s, size_t len)
{
	if (len > SIM_LINE_CAP - l->n) {
		sim_line_flush(l);
		if (len > SIM_LINE_CAP) {
			fwrite(s, 1, len, l->out);
			return;
		}
	}
	memcpy(l->buf + l->n, s, len);
	l->n += len;
}

void sim_line_str(struct sim_line *l, const char *s)
{
	sim_line_mem(l, s, strlen(s));
}

void sim_line_char(struct sim_line *l, char c)
{
	if (l->n == SIM_LINE_CAP)
		sim_line_flush(l);
	l->buf[l->n++] = c;
}

void sim_line_pad(struct sim_line *l, const char *s, size_t width)
{
	size_t len = strlen(s);

	sim_line_mem(l, s, len);
	for (; len < width; len++)
		sim_line_char(l, ' ');
}

void sim_line_dec(struct sim_line *l, uint64_t v)
{
	char d[20];
	size_t i = sizeof(d);

	do {
		d[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	sim_line_mem(l, d + i, sizeof(d) - i);
}

void sim_line_sdec(struct sim_line *l, int64_t v)
{
	if (v < 0) {
		sim_line_char(l, '-');
		sim_line_dec(l, 0 - (uint64_t)v);
	} else {
		sim_line_dec(l, (uint64_t)v);
	}
}

void sim_line_hex(struct sim_line *l, uint64_t v)
{
	static const char hex[] = "0123456789abcdef";
	char d[16];
	size_t i = sizeof(d);

	do {
		d[--i] = hex[v & 15];
		v >>= 4;
	} while (v);
	sim_line_mem(l, d + i, sizeof(d) - i);
}

void sim_line_hex0x(struct sim_line *l, uint64_t v)
{
	if (v)
		sim_line_mem(l, "0x", 2);
	sim_line_hex(l, v);
}

/* Bytes 0x20..0x7e need no escape (util.c's escape_at); anything else goes there. */
void sim_line_escaped(struct sim_line *l, const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)s[i] < 0x20 || (unsigned char)s[i] > 0x7e) {
			sim_line_flush(l);
			fputs_escaped(s, len, l->out);
			return;
		}
	sim_line_mem(l, s, len);
}
