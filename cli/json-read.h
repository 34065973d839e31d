/*
 * json-read.h - a strict JSON tokenizer over a text in memory, for readers
 * that walk a document once instead of building a tree (cli/json-load.c).
 *
 * It accepts exactly RFC 8259 JSON: numbers without leading zeros or a bare
 * '.', no control characters (NUL included) in strings, UTF-8 text, and it
 * checks everything it skips as closely as what it reads.  The first error
 * is kept with its position (jr_where gives "line L, column C"); every call
 * after an error returns false at once, so a reader may chain calls and look
 * at j->err once.
 *
 * Strings are decoded into j->buf (NUL-terminated, length j->len; valid
 * until the next string) with vmatool's lossless scheme for bytes that are
 * not UTF-8 (man/vmatool.1, JSON schema): the escape \udcXX, XX from 80 to
 * ff, a lone low surrogate that no UTF-8 text can hold, stands for the one
 * byte 0xXX; \u0000 is a NUL byte (j->nul says the string had one).  Other
 * lone surrogates are refused.  The writer side is jw_string_len (json.h).
 *
 * Ownership: the reader borrows the text and owns j->buf (jr_release).
 */
#ifndef VMATOOL_JSON_READ_H
#define VMATOOL_JSON_READ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct jreader {
	const char *start, *p, *end;	/* the text and the read position */
	char *buf;			/* the last string, decoded */
	size_t len, cap;
	bool nul;			/* the last string held a NUL byte */
	int err;			/* 0, -EINVAL (msg, errpos) or -ENOMEM */
	const char *errpos;
	char msg[200];
};

void jr_init(struct jreader *j, const char *text, size_t len);
void jr_release(struct jreader *j);

/* Record an error at position at (NULL: the read position); returns false. */
bool jr_fail_at(struct jreader *j, const char *at, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
#define jr_fail(j, ...) jr_fail_at(j, NULL, __VA_ARGS__)
/* Record running out of memory (-ENOMEM); returns false. */
bool jr_oom(struct jreader *j);
/* "line L, column C" of the error (or of pos when not NULL), into buf. */
void jr_where(const struct jreader *j, const char *pos, char *buf, size_t size);

/* jr_peek's slow path: white space skipped first. */
char jr_peek_ws(struct jreader *j);

/*
 * The next significant byte (white space skipped), 0 at the end or after an
 * error.  Inline: it is called several times for every token.
 */
static inline char jr_peek(struct jreader *j)
{
	if (!j->err && j->p < j->end && (unsigned char)*j->p > ' ')
		return *j->p;
	return jr_peek_ws(j);
}

/* Take the byte c if it comes next; false (no error) if not. */
static inline bool jr_take(struct jreader *j, char c)
{
	if (jr_peek(j) != c || j->p >= j->end)
		return false;
	j->p++;
	return true;
}
/* Take c, or fail with "expected WHAT". */
bool jr_expect(struct jreader *j, char c, const char *what);

/*
 * Walk the members of an object or the elements of an array, after
 * jr_expect(j, '{' or '[', ...):
 *	for (bool first = true; jr_next(j, '}', &first); ) { jr_key(j); value }
 * true when one more member follows, false at the closing byte (taken) or
 * on an error (j->err set).
 */
bool jr_next(struct jreader *j, char close, bool *first);

bool jr_string(struct jreader *j);		/* a string, into j->buf */
bool jr_key(struct jreader *j);		/* a string and its ':' */
bool jr_u64(struct jreader *j, uint64_t *v);	/* a non-negative integer */
bool jr_bool(struct jreader *j, bool *v);
bool jr_null(struct jreader *j);		/* takes null if it comes next; no error */
bool jr_skip(struct jreader *j);		/* any value, checked */
/* The end of the text: only white space may follow. */
bool jr_end(struct jreader *j);

/* Length of the valid UTF-8 sequence at s (1..4, n bytes left), 0 if there is none. */
size_t json_utf8_len(const unsigned char *s, size_t n);

#endif
