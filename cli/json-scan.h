/*
 * json-scan.h - a small JSON tokenizer over a text in memory, for readers
 * that stream through a document instead of building a tree (json-fast.c).
 * Every function skips white space first and returns false when the text is
 * not what was asked for (or memory ran out: then j->oom is set).
 * Strings are decoded (escapes, \uXXXX with surrogate pairs) into j->buf,
 * NUL-terminated, length j->len; valid until the next string.
 * The scanner owns j->buf: free() it when done.
 */
#ifndef VMATOOL_JSON_SCAN_H
#define VMATOOL_JSON_SCAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct jr {
	const char *p, *end;
	char *buf;		/* the last decoded string, NUL-terminated */
	size_t len, cap;
	bool oom;
};

void js_ws(struct jr *j);
bool js_take(struct jr *j, char c);		/* the character c */
bool js_str(struct jr *j);			/* a string, into j->buf */
bool js_key(struct jr *j);			/* a string and ':' */
bool js_word(struct jr *j, const char *w);	/* true, false, null */
bool js_u64(struct jr *j, uint64_t *v);	/* a non-negative integer */
bool js_skip(struct jr *j);			/* any value */
bool js_boolean(struct jr *j, bool *v);
bool js_opt_str(struct jr *j, char **out);	/* a string (strdup'd, replacing *out) or null */
bool js_opt_u64(struct jr *j, uint64_t *v);	/* an integer or null */

#endif
