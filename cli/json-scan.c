/*
 * json-scan.c - the JSON tokenizer of json-scan.h.
 */
#include <stdlib.h>
#include <string.h>

#include "cli/json-scan.h"

void js_ws(struct jr *j)
{
	while (j->p < j->end && (*j->p == ' ' || *j->p == '\n' || *j->p == '\t' || *j->p == '\r'))
		j->p++;
}

bool js_take(struct jr *j, char c)
{
	js_ws(j);
	if (j->p < j->end && *j->p == c) {
		j->p++;
		return true;
	}
	return false;
}

static bool js_put(struct jr *j, const char *s, size_t n)
{
	if (j->len + n + 1 > j->cap) {
		size_t cap = (j->cap ? j->cap * 2 : 256) + n;
		char *b = realloc(j->buf, cap);

		if (!b) {
			j->oom = true;
			return false;
		}
		j->buf = b;
		j->cap = cap;
	}
	memcpy(j->buf + j->len, s, n);
	j->len += n;
	j->buf[j->len] = 0;
	return true;
}

static int js_hexval(char c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 :
	       c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

static bool js_u4(struct jr *j, unsigned *cp)
{
	int i, h;

	if (j->end - j->p < 4)
		return false;
	for (*cp = 0, i = 0; i < 4; i++) {
		if ((h = js_hexval(j->p[i])) < 0)
			return false;
		*cp = *cp << 4 | (unsigned)h;
	}
	j->p += 4;
	return true;
}

static bool js_put_utf8(struct jr *j, unsigned cp)
{
	char b[4];
	size_t n;

	if (cp < 0x80) {
		b[0] = (char)cp;
		n = 1;
	} else if (cp < 0x800) {
		b[0] = (char)(0xc0 | cp >> 6);
		b[1] = (char)(0x80 | (cp & 0x3f));
		n = 2;
	} else if (cp < 0x10000) {
		b[0] = (char)(0xe0 | cp >> 12);
		b[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		b[2] = (char)(0x80 | (cp & 0x3f));
		n = 3;
	} else {
		b[0] = (char)(0xf0 | cp >> 18);
		b[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
		b[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
		b[3] = (char)(0x80 | (cp & 0x3f));
		n = 4;
	}
	return js_put(j, b, n);
}

static bool js_escape(struct jr *j)
{
	static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
	const char *e;
	unsigned cp, lo;

	if (j->p >= j->end)
		return false;
	if (*j->p != 'u') {
		if (!(e = memchr(from, *j->p, sizeof(from) - 1)))
			return false;
		j->p++;
		return js_put(j, &to[e - from], 1);
	}
	j->p++;
	if (!js_u4(j, &cp) || cp == 0)
		return false;	/* NUL in a name: let the full reader decide */
	if (cp >= 0xd800 && cp < 0xdc00) {
		if (j->end - j->p < 2 || j->p[0] != '\\' || j->p[1] != 'u')
			return false;
		j->p += 2;
		if (!js_u4(j, &lo) || lo < 0xdc00 || lo >= 0xe000)
			return false;
		cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
	}
	return js_put_utf8(j, cp);
}

/* A string into j->buf. */
bool js_str(struct jr *j)
{
	const char *run;

	if (!js_take(j, '"'))
		return false;
	j->len = 0;
	if (!js_put(j, "", 0))
		return false;
	for (;;) {
		run = j->p;
		while (j->p < j->end && *j->p != '"' && *j->p != '\\' && (unsigned char)*j->p >= 0x20)
			j->p++;
		if (j->p > run && !js_put(j, run, (size_t)(j->p - run)))
			return false;
		if (j->p >= j->end || (unsigned char)*j->p < 0x20)
			return false;
		if (*j->p++ == '"')
			return true;
		if (!js_escape(j))
			return false;
	}
}

bool js_key(struct jr *j)
{
	return js_str(j) && js_take(j, ':');
}

bool js_word(struct jr *j, const char *w)
{
	size_t n = strlen(w);

	js_ws(j);
	if ((size_t)(j->end - j->p) < n || memcmp(j->p, w, n))
		return false;
	j->p += n;
	return true;
}

/* A non-negative integer. */
bool js_u64(struct jr *j, uint64_t *v)
{
	uint64_t x = 0;
	const char *start;

	js_ws(j);
	start = j->p;
	while (j->p < j->end && *j->p >= '0' && *j->p <= '9') {
		if (x > (UINT64_MAX - 9) / 10)
			return false;
		x = x * 10 + (uint64_t)(*j->p++ - '0');
	}
	if (j->p == start || (j->p < j->end && strchr(".eE", *j->p)))
		return false;
	*v = x;
	return true;
}

static bool js_skip_container(struct jr *j, char close)
{
	if (js_take(j, close))
		return true;
	do {
		if (close == '}' && !js_key(j))
			return false;
		if (!js_skip(j))
			return false;
	} while (js_take(j, ','));
	return js_take(j, close);
}

bool js_skip(struct jr *j)
{
	js_ws(j);
	if (j->p >= j->end)
		return false;
	switch (*j->p) {
	case '"':
		return js_str(j);
	case '{':
		j->p++;
		return js_skip_container(j, '}');
	case '[':
		j->p++;
		return js_skip_container(j, ']');
	case 't':
		return js_word(j, "true");
	case 'f':
		return js_word(j, "false");
	case 'n':
		return js_word(j, "null");
	default:
		if (*j->p == '-')
			j->p++;
		while (j->p < j->end && strchr("0123456789.eE+-", *j->p))
			j->p++;
		return true;
	}
}

bool js_boolean(struct jr *j, bool *v)
{
	if (js_word(j, "true"))
		return *v = true;
	*v = false;
	return js_word(j, "false");
}

/* A string (strdup'd into *out) or null. */
bool js_opt_str(struct jr *j, char **out)
{
	if (js_word(j, "null"))
		return true;
	if (!js_str(j))
		return false;
	free(*out);
	*out = strdup(j->buf);
	if (!*out)
		j->oom = true;
	return *out != NULL;
}

bool js_opt_u64(struct jr *j, uint64_t *v)
{
	return js_word(j, "null") || js_u64(j, v);
}

