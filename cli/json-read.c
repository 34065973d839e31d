/*
 * json-read.c - the strict JSON tokenizer of json-read.h, with the reading
 * half of vmatool's lossless scheme for strings (the writing half is
 * jw_string_len in json.c).
 *
 * Why not jansson per VMA object (a scanner finding each object's bounds,
 * json_loadb decoding it): measured on a 65,000-VMA snapshot with smaps
 * (40 MB), json_loadb + json_decref of the 65,000 objects alone took
 * 0.64-0.71 s (41 MB peak), three times the whole load with this reader
 * (0.20 s CPU, 54 MB, for reading, checking and building the model; see
 * json-load.c); the whole document through jansson took 2.5 s and 433 MB.
 * So the reader is our own, for speed.  jansson also refuses
 * the \udcXX escapes that carry bytes that are not UTF-8, so names could not
 * round-trip through it.  jansson stays the oracle of the reader's unit test
 * (tests/test-json.c: both must accept and refuse the same documents).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "cli/json-read.h"

#define JR_MAX_DEPTH 64

void jr_init(struct jreader *j, const char *text, size_t len)
{
	memset(j, 0, sizeof(*j));
	j->start = j->p = text;
	j->end = text + len;
}

void jr_release(struct jreader *j)
{
	free(j->buf);
	j->buf = NULL;
	j->cap = j->len = 0;
}

bool jr_fail_at(struct jreader *j, const char *at, const char *fmt, ...)
{
	va_list ap;

	if (j->err)
		return false;
	j->err = -EINVAL;
	j->errpos = at ? at : j->p;
	va_start(ap, fmt);
	vsnprintf(j->msg, sizeof(j->msg), fmt, ap);
	va_end(ap);
	return false;
}

bool jr_oom(struct jreader *j)
{
	if (!j->err) {
		j->err = -ENOMEM;
		j->errpos = j->p;
		snprintf(j->msg, sizeof(j->msg), "out of memory");
	}
	return false;
}

void jr_where(const struct jreader *j, const char *pos, char *buf, size_t size)
{
	const char *at = pos ? pos : j->errpos ? j->errpos : j->p, *s, *bol = j->start;
	size_t line = 1;

	for (s = j->start; s < at; s++)
		if (*s == '\n') {
			line++;
			bol = s + 1;
		}
	snprintf(buf, size, "line %zu, column %zu", line, (size_t)(at - bol) + 1);
}

static void jr_ws(struct jreader *j)
{
	while (j->p < j->end && (*j->p == ' ' || *j->p == '\n' || *j->p == '\t' || *j->p == '\r'))
		j->p++;
}

char jr_peek_ws(struct jreader *j)
{
	if (j->err)
		return 0;
	jr_ws(j);
	return j->p < j->end ? *j->p : 0;
}

/* What comes next, for messages: "'x'", "the end of the text". */
static const char *found(struct jreader *j, char *buf)
{
	unsigned char c;

	if (j->p >= j->end)
		return "the end of the text";
	c = (unsigned char)*j->p;
	if (c >= 0x20 && c < 0x7f)
		snprintf(buf, 8, "'%c'", c);
	else
		snprintf(buf, 8, "byte %02x", c);
	return buf;
}

bool jr_expect(struct jreader *j, char c, const char *what)
{
	char b[8];

	if (jr_take(j, c))
		return true;
	return jr_fail(j, "expected %s, found %s", what, found(j, b));
}

bool jr_next(struct jreader *j, char close, bool *first)
{
	char b[8];

	if (jr_take(j, close))
		return false;	/* (after a ',' the member's reader failed already) */
	if (j->err)
		return false;
	if (*first) {
		*first = false;
		return true;
	}
	if (jr_take(j, ','))
		return true;
	return jr_fail(j, "expected ',' or '%c', found %s", close, found(j, b));
}

/* ---- strings -------------------------------------------------------------- */

static bool jr_put(struct jreader *j, const char *s, size_t n)
{
	if (j->len + n + 1 > j->cap) {
		size_t cap = (j->cap ? j->cap * 2 : 256) + n;
		char *b = realloc(j->buf, cap);

		if (!b)
			return jr_oom(j);
		j->buf = b;
		j->cap = cap;
	}
	memcpy(j->buf + j->len, s, n);
	j->len += n;
	j->buf[j->len] = 0;
	return true;
}

size_t json_utf8_len(const unsigned char *s, size_t n)
{
	size_t len, i;
	uint32_t c;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		len = 2, c = s[0] & 0x1f;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		len = 3, c = s[0] & 0x0f;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		len = 4, c = s[0] & 0x07;
	else
		return 0;
	if (len > n)
		return 0;
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = c << 6 | (s[i] & 0x3f);
	}
	if ((len == 3 && (c < 0x800 || (c >= 0xd800 && c <= 0xdfff))) ||
	    (len == 4 && (c < 0x10000 || c > 0x10ffff)))
		return 0;
	return len;
}

static int hexval(char c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 :
	       c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

/* The four hex digits after "\u" at j->p. */
static bool jr_u4(struct jreader *j, unsigned *cp)
{
	int i, h;

	for (*cp = 0, i = 0; i < 4; i++) {
		if (j->p + i >= j->end || (h = hexval(j->p[i])) < 0)
			return jr_fail_at(j, j->p - 2, "expected four hex digits after \\u");
		*cp = *cp << 4 | (unsigned)h;
	}
	j->p += 4;
	return true;
}

static bool jr_put_cp(struct jreader *j, unsigned cp)
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
	return jr_put(j, b, n);
}

/* \uXXXX (j->p after the 'u'): a code point, a surrogate pair or a raw byte. */
static bool jr_unicode(struct jreader *j)
{
	const char *at = j->p - 2;
	unsigned cp, lo;

	if (!jr_u4(j, &cp))
		return false;
	if (cp >= 0xdc80 && cp <= 0xdcff) {	/* one byte that is not UTF-8 */
		char byte = (char)(cp & 0xff);

		return jr_put(j, &byte, 1);
	}
	if (cp >= 0xd800 && cp <= 0xdbff && j->end - j->p >= 2 && j->p[0] == '\\' && j->p[1] == 'u') {
		j->p += 2;
		if (!jr_u4(j, &lo))
			return false;
		if (lo >= 0xdc00 && lo <= 0xdfff)
			return jr_put_cp(j, 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00));
	} else if (cp < 0xd800 || cp > 0xdfff) {
		if (cp == 0)
			j->nul = true;
		return jr_put_cp(j, cp);
	}
	return jr_fail_at(j, at, "lone surrogate in \\u escape (only \\udc80 to \\udcff stand "
			  "for bytes)");
}

static bool jr_escape(struct jreader *j)
{
	static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
	const char *e;

	if (j->p >= j->end)
		return jr_fail(j, "unterminated string");
	if (*j->p == 'u') {
		j->p++;
		return jr_unicode(j);
	}
	if (!(e = memchr(from, *j->p, sizeof(from) - 1)) || !*j->p)
		return jr_fail_at(j, j->p - 1, "unknown escape in a string");
	j->p++;
	return jr_put(j, &to[e - from], 1);
}

/* Bytes a string may hold as they are: ASCII but '"', '\\' and controls. */
static const unsigned char plain[256] = {
#define R16(v) v, v, v, v, v, v, v, v, v, v, v, v, v, v, v, v
	R16(0), R16(0),
	1, 1, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,		/* '"' */
	R16(1), R16(1),
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 1, 1, 1,		/* '\\' */
	R16(1), R16(1),
	R16(0), R16(0), R16(0), R16(0), R16(0), R16(0), R16(0), R16(0),
#undef R16
};

/* The run of plain bytes and valid UTF-8 at j->p; stops before anything else. */
static void jr_run(struct jreader *j)
{
	const unsigned char *u;
	size_t n;

	for (;;) {
		while (j->p < j->end && plain[(unsigned char)*j->p])
			j->p++;
		if (j->p >= j->end || (unsigned char)*j->p < 0x80)
			return;
		u = (const unsigned char *)j->p;
		if (!(n = json_utf8_len(u, (size_t)(j->end - j->p))))
			return;
		j->p += n;
	}
}

/* A string; decoded into j->buf when keep is set. */
static bool jr_str(struct jreader *j, bool keep)
{
	const char *run;

	if (!jr_expect(j, '"', "a string"))
		return false;
	j->len = 0;
	j->nul = false;
	/* the common string: plain bytes to the closing quote, copied once */
	for (run = j->p; j->p < j->end && plain[(unsigned char)*j->p]; j->p++)
		;
	if (j->p < j->end && *j->p == '"') {
		if (keep && !jr_put(j, run, (size_t)(j->p - run)))
			return false;
		j->p++;
		return true;
	}
	j->p = run;
	if (keep && !jr_put(j, "", 0))
		return false;
	for (;;) {
		run = j->p;
		jr_run(j);
		if (keep && j->p > run && !jr_put(j, run, (size_t)(j->p - run)))
			return false;
		if (j->p >= j->end)
			return jr_fail(j, "unterminated string");
		if (*j->p == '"') {
			j->p++;
			return true;
		}
		if (*j->p == '\\') {
			j->p++;
			if (!jr_escape(j))
				return false;
			continue;
		}
		if ((unsigned char)*j->p < 0x20)
			return jr_fail(j, "control character (byte %02x) in a string: it must be "
				       "escaped", (unsigned char)*j->p);
		return jr_fail(j, "invalid UTF-8 in a string");
	}
}

bool jr_string(struct jreader *j)
{
	return jr_str(j, true);
}

bool jr_key(struct jreader *j)
{
	return jr_str(j, true) && jr_expect(j, ':', "':' after a key");
}

/* ---- numbers and words ---------------------------------------------------- */

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* A JSON number at j->p; *integer says whether it had no fraction or exponent. */
static bool jr_number(struct jreader *j, bool *integer)
{
	const char *s = j->p;

	if (s < j->end && *s == '-')
		s++;
	if (s >= j->end || !is_digit(*s))
		return jr_fail(j, "expected a number");
	if (*s == '0' && s + 1 < j->end && is_digit(s[1]))
		return jr_fail(j, "a number with a leading zero");
	while (s < j->end && is_digit(*s))
		s++;
	*integer = j->p[0] != '-';
	if (s < j->end && *s == '.') {
		*integer = false;
		if (++s >= j->end || !is_digit(*s))
			return jr_fail_at(j, s, "expected a digit after '.'");
		while (s < j->end && is_digit(*s))
			s++;
	}
	if (s < j->end && (*s == 'e' || *s == 'E')) {
		*integer = false;
		if (++s < j->end && (*s == '+' || *s == '-'))
			s++;
		if (s >= j->end || !is_digit(*s))
			return jr_fail_at(j, s, "expected a digit in the exponent");
		while (s < j->end && is_digit(*s))
			s++;
	}
	j->p = s;
	return true;
}

/*
 * The common number: 1 to 19 digits, no leading zero, followed by neither a
 * fraction nor an exponent nor another digit; taken into *v in one walk.
 * false (nothing taken) for anything else, which jr_u64 reads the long way.
 */
static bool jr_u64_fast(struct jreader *j, uint64_t *v)
{
	const char *s = j->p, *e = j->end - s > 19 ? s + 19 : j->end;
	uint64_t x = 0;

	if (s >= e || !is_digit(*s) || (*s == '0' && s + 1 < j->end && is_digit(s[1])))
		return false;
	for (; s < e && is_digit(*s); s++)
		x = x * 10 + (uint64_t)(*s - '0');
	if (s < j->end && (is_digit(*s) || *s == '.' || *s == 'e' || *s == 'E'))
		return false;
	j->p = s;
	*v = x;
	return true;
}

bool jr_u64(struct jreader *j, uint64_t *v)
{
	const char *s;
	uint64_t x = 0;
	bool integer;
	char c = jr_peek(j);

	if (c != '-' && !is_digit(c))
		return jr_fail(j, "expected a non-negative integer");
	if (jr_u64_fast(j, v))
		return true;
	s = j->p;
	if (!jr_number(j, &integer))
		return false;
	if (!integer)
		return jr_fail_at(j, s, "expected a non-negative integer");
	for (; s < j->p; s++) {
		unsigned d = (unsigned)(*s - '0');

		if (x > UINT64_MAX / 10 || (x == UINT64_MAX / 10 && d > UINT64_MAX % 10))
			return jr_fail_at(j, s, "number too large");
		x = x * 10 + d;
	}
	*v = x;
	return true;
}

static bool jr_word(struct jreader *j, const char *w)
{
	size_t n = strlen(w);

	if (jr_peek(j) != w[0] || (size_t)(j->end - j->p) < n || memcmp(j->p, w, n))
		return false;
	j->p += n;
	return true;
}

bool jr_bool(struct jreader *j, bool *v)
{
	if (jr_word(j, "true"))
		return *v = true;
	if (jr_word(j, "false"))
		return !(*v = false);
	return jr_fail(j, "expected true or false");
}

bool jr_null(struct jreader *j)
{
	return jr_word(j, "null");
}

/* ---- skipping ------------------------------------------------------------- */

static bool jr_skip_depth(struct jreader *j, unsigned depth);

static bool jr_skip_container(struct jreader *j, char close, unsigned depth)
{
	bool first = true;

	if (depth > JR_MAX_DEPTH)
		return jr_fail(j, "nested more than %d deep", JR_MAX_DEPTH);
	j->p++;
	while (jr_next(j, close, &first))
		if ((close == '}' && !jr_str(j, false)) ||
		    (close == '}' && !jr_expect(j, ':', "':' after a key")) ||
		    !jr_skip_depth(j, depth + 1))
			return false;
	return !j->err;
}

static bool jr_skip_depth(struct jreader *j, unsigned depth)
{
	bool integer;
	char b[8];

	switch (jr_peek(j)) {
	case '"':
		return jr_str(j, false);
	case '{':
		return jr_skip_container(j, '}', depth);
	case '[':
		return jr_skip_container(j, ']', depth);
	case 't':
	case 'f':
	case 'n':
		if (jr_word(j, "true") || jr_word(j, "false") || jr_word(j, "null"))
			return true;
		break;
	default:
		if (j->p < j->end && (*j->p == '-' || is_digit(*j->p)))
			return jr_number(j, &integer);
	}
	if (j->err)
		return false;
	return jr_fail(j, "expected a value, found %s", found(j, b));
}

bool jr_skip(struct jreader *j)
{
	return jr_skip_depth(j, 0);
}

bool jr_end(struct jreader *j)
{
	char b[8];

	if (j->err)
		return false;
	jr_ws(j);
	if (j->p < j->end)
		return jr_fail(j, "expected the end of the text, found %s", found(j, b));
	return true;
}
