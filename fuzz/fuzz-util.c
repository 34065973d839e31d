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
#include "tests/maps-feed.h"

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

struct sizes {
	const uint8_t *sizes;
	size_t n, k;
};

static size_t next_size(void *ctx)
{
	struct sizes *z = ctx;

	return z->n ? 1 + (size_t)z->sizes[z->k++ % z->n] % 64 : SIZE_MAX;
}

int fuzz_parse_maps(struct vma_model *m, struct maps_parser *p, const char *text,
		    size_t len, const uint8_t *sizes, size_t nsizes)
{
	struct sizes z = { sizes, nsizes, 0 };
	int r;

	FUZZ_CHECK(vma_model_init(m, NULL) == 0, "vma_model_init");
	maps_parser_init(p, m);
	r = maps_feed(p, text, len, next_size, &z);
	FUZZ_CHECK(r != -EPROTO, "maps_parse consumed more than it had or left bytes at eof");
	return r;
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
