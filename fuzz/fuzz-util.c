/*
 * fuzz-util.c - helpers of the fuzz harnesses: failing loudly, a byte
 * string, feeding the maps parser in chunks and printing a model back.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"

void fuzz_fail(const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s:%d: fuzz check failed: ", file, line);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	abort();
}

void fuzz_buf_add(struct fuzz_buf *b, const char *s, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 256;
		while (cap < b->len + n + 1)
			cap *= 2;
		b->s = realloc(b->s, cap);
		FUZZ_CHECK(b->s != NULL, "out of memory");
		b->cap = cap;
	}
	memcpy(b->s + b->len, s, n);
	b->len += n;
	b->s[b->len] = '\0';
}

void fuzz_buf_release(struct fuzz_buf *b)
{
	free(b->s);
	memset(b, 0, sizeof(*b));
}

int fuzz_parse_maps(struct vma_model *m, struct maps_parser *p, const char *text,
		    size_t len, const uint8_t *sizes, size_t nsizes)
{
	char *pending = malloc(len + 1);
	size_t have = 0, pos = 0, k = 0;
	long r = 0;

	FUZZ_CHECK(pending != NULL, "out of memory");
	FUZZ_CHECK(vma_model_init(m, NULL) == 0, "vma_model_init");
	maps_parser_init(p, m);
	while (pos < len || have) {
		size_t n = nsizes ? 1 + sizes[k++ % nsizes] % 64 : len - pos;
		if (n > len - pos)
			n = len - pos;
		memcpy(pending + have, text + pos, n);
		have += n;
		pos += n;
		r = maps_parse(p, pending, have, pos == len);
		if (r < 0)
			break;
		FUZZ_CHECK((size_t)r <= have, "maps_parse consumed %ld of %zu bytes", r, have);
		memmove(pending, pending + r, have - (size_t)r);
		have -= (size_t)r;
		FUZZ_CHECK(pos < len || have == 0, "maps_parse left %zu bytes at eof", have);
	}
	free(pending);
	if (r < 0)
		return (int)r;
	return maps_parser_finish(p);
}

void fuzz_print_maps(const struct maps_parser *p, unsigned column, struct fuzz_buf *out)
{
	char *line = malloc(MAPS_LINE_MAX);
	char *buf = NULL;
	size_t cap = 0;

	FUZZ_CHECK(line != NULL, "out of memory");
	if (column == 0)
		column = p->name_column;
	for (const struct vma *v = p->m->first; v; v = v->next) {
		if (p->format == MAPS_FORMAT_SMAPS) {
			long n = maps_format_smaps(p->m, v, column, &buf, &cap);
			FUZZ_CHECK(n > 0, "maps_format_smaps: %ld", n);
			fuzz_buf_add(out, buf, (size_t)n);
		} else {
			fuzz_buf_add(out, line, maps_format_line(p->m, v, column, line));
		}
	}
	free(line);
	free(buf);
}

void fuzz_validate(const struct vma_model *m, const char *what)
{
	char err[256];

	if (vma_validate(m, err, sizeof(err)) != 0)
		fuzz_fail(__FILE__, __LINE__, "%s: vma_validate: %s", what, err);
}
