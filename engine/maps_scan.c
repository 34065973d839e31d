/*
 * maps_scan.c - the fast half of the maps/smaps parser.  maps_parse() reads
 * the lines most text is made of by itself: smaps fields as the kernel
 * prints them (a name, a value right-aligned to column 24, " kB": eight
 * bytes at a time, the line's length known before its digits are read) and
 * VMA headers laid out like the one before (each field read where it must
 * be, independently).  Every other line goes to maps_parse_line() in
 * maps_parse.c, which reads it carefully and words what is wrong.  A fast
 * path takes a line only when the careful one would take it the same way.
 */
#include <stddef.h>
#include <string.h>

#include "maps_scan.h"

const unsigned char maps_hexval1[256] = {
	['0'] = 1, ['1'] = 2, ['2'] = 3, ['3'] = 4, ['4'] = 5,
	['5'] = 6, ['6'] = 7, ['7'] = 8, ['8'] = 9, ['9'] = 10,
	['a'] = 11, ['b'] = 12, ['c'] = 13, ['d'] = 14, ['e'] = 15, ['f'] = 16,
	['A'] = 11, ['B'] = 12, ['C'] = 13, ['D'] = 14, ['E'] = 15, ['F'] = 16,
};

/* ---- numbers ---------------------------------------------------------------- */

/*
 * How many of the 8 bytes of w (in memory order) are hex digits before the
 * first one that is not, and their value; eight at a time, no table.
 * Bytes of 0x80 and up are not digits; their carries reach only the bytes
 * after them, which then do not count.
 */
static inline __attribute__((always_inline)) unsigned hex8(uint64_t w, uint64_t *value)
{
	uint64_t high = w & BYTES(0x80);
	uint64_t digit = (w + BYTES(0x80 - '0')) & ~(w + BYTES(0x80 - '9' - 1));
	uint64_t lower = w | BYTES(0x20);
	uint64_t alpha = (lower + BYTES(0x80 - 'a')) & ~(lower + BYTES(0x80 - 'f' - 1));
	uint64_t bad = (~(digit | alpha) | high) & BYTES(0x80);
	unsigned n = bad ? (unsigned)__builtin_ctzll(bad) / 8 : 8;
	uint64_t x;

	if (n == 0)
		return 0;
	/* nibble values: '0'-'9' are their low four bits, letters those plus 9 */
	x = (w & BYTES(0x0f)) + ((w >> 6) & BYTES(0x01)) * 9;
	x <<= 8 * (8 - n);			/* the n digits at the top ... */
	x = __builtin_bswap64(x);		/* ... the last one in the low byte */
	x = (x | (x >> 4)) & UINT64_C(0x00ff00ff00ff00ff);
	x = (x | (x >> 8)) & UINT64_C(0x0000ffff0000ffff);
	x = (x | (x >> 16)) & UINT64_C(0x00000000ffffffff);
	*value = x;
	return n;
}

/* Hex number of 1..16 digits at *pos; -1 none, -2 too long. */
int maps_scan_hex(const char **pos, const char *end, uint64_t *out)
{
	const char *s = *pos;
	uint64_t v = 0;
	unsigned n = 0;

	while (s < end && maps_hexval1[(unsigned char)*s]) {
		v = (v << 4) | (uint64_t)(maps_hexval1[(unsigned char)*s] - 1);
		s++;
		n++;
	}
	if (n == 0)
		return -1;
	if (n > 16) {
		while (n > 16 && **pos == '0') {	/* leading zeros are harmless */
			(*pos)++;
			n--;
		}
		if (n > 16)
			return -2;
	}
	*pos = s;
	*out = v;
	return 0;
}

/* Decimal number at *pos; -1 none, -2 too large for 64 bits. */
int maps_scan_dec(const char **pos, const char *end, uint64_t *out)
{
	const char *s = *pos;
	uint64_t v = 0;

	if (s >= end || *s < '0' || *s > '9')
		return -1;
	/* 19 digits cannot overflow: check only the ones after them */
	for (const char *safe = end - s > 19 ? s + 19 : end; s < safe && is_digit(*s); s++)
		v = v * 10 + (unsigned)(*s - '0');
	while (s < end && is_digit(*s)) {
		unsigned d = (unsigned)(*s - '0');
		if (v > (UINT64_MAX - d) / 10)
			return -2;
		v = v * 10 + d;
		s++;
	}
	*pos = s;
	*out = v;
	return 0;
}

/* ---- VMA header lines ------------------------------------------------------- */

/* The inode and the name after it, or which of the errors it has. */
enum inode_scan maps_inode_and_name(const char **pos, const char *line, const char *end,
				      struct maps_header *h)
{
	int r = maps_scan_dec(pos, end, &h->inode);
	const char *s;

	if (r < 0)
		return r == -1 ? INODE_NONE : INODE_TOO_LARGE;
	s = *pos;
	h->name = NULL;
	h->name_len = 0;
	h->prefix_len = (size_t)(s - line);
	if (s == end)		/* unnamed line without the kernel's trailing space */
		return INODE_OK;
	if (*s != ' ')
		return INODE_NO_SPACE;
	s++;
	h->prefix_len++;
	s = skip_spaces(s, end);
	if (s < end) {
		if (end - s > MAPS_NAME_MAX)
			return INODE_NAME_TOO_LONG;
		h->name = s;
		h->name_len = (size_t)(end - s);
		h->name_off = (size_t)(s - line);
	}
	return INODE_OK;
}

/*
 * Hex number at *pos of 1..15 digits, eight at a time: words are loaded
 * only below limit (the end of the caller's buffer); the digits stop before
 * the line's end by themselves ('\n' is none).  False if not so (the
 * careful path decides).
 */
static inline bool fast_hex(const char **pos, const char *limit, uint64_t *out)
{
	const char *s = *pos;
	uint64_t w, v, lo = 0;
	unsigned n, k;

	if (limit - s < 16)
		return false;
	memcpy(&w, s, 8);
	n = hex8(w, &v);
	if (n == 8) {
		memcpy(&w, s + 8, 8);
		k = hex8(w, &lo);
		if (k == 8)
			return false;
		v = k ? (v << (4 * k)) | lo : v;
		n += k;
	}
	if (n == 0)
		return false;
	*pos = s + n;
	*out = v;
	return true;
}

/* Hex number of 1..5 digits at *pos, before end; false if none or longer. */
static inline bool fast_hex_short(const char **pos, const char *end, uint64_t *out)
{
	const char *s = *pos;
	uint64_t v = 0;
	unsigned d;

	while (s < end && s - *pos < 6 && (d = maps_hexval1[(unsigned char)*s]) != 0) {
		v = (v << 4) | (d - 1);
		s++;
	}
	if (s == *pos || s - *pos > 5)
		return false;
	*pos = s;
	*out = v;
	return true;
}

/*
 * A header line as the kernel prints it, scanned without error wording:
 * true with *h as scan_header would fill it, false for anything else (then
 * scan_header reads the line again and says what is wrong).
 */
bool maps_fast_header(const char *line, const char *end, const char *limit,
			struct maps_header *h, uint8_t layout[5])
{
	const char *s = line, *at[5];

	if (!fast_hex(&s, limit, &h->start) || s >= end || (at[0] = s, *s++ != '-') ||
	    !fast_hex(&s, limit, &h->end) || s >= end || (at[1] = s, *s++ != ' ') || end - s < 5)
		return false;
	for (int i = 0; i < 4; i++) {
		static const char want[4][2] = { { 'r', '-' }, { 'w', '-' }, { 'x', '-' }, { 's', 'p' } };

		if (s[i] != want[i][0] && s[i] != want[i][1])
			return false;
		h->perms[i] = s[i];
	}
	s += 4;
	if (*s++ != ' ' || !fast_hex(&s, limit, &h->offset) || s >= end ||
	    (at[2] = s, *s++ != ' ') ||
	    !fast_hex_short(&s, end, &h->major) || s >= end || (at[3] = s, *s++ != ':') ||
	    !fast_hex_short(&s, end, &h->minor) || s >= end || (at[4] = s, *s++ != ' ') ||
	    h->major > 0xfff || h->minor > 0xfffff)
		return false;
	if (maps_inode_and_name(&s, line, end, h) != INODE_OK)
		return false;
	layout[0] = (uint8_t)(at[0] - line);
	layout[1] = (uint8_t)(at[1] - at[0] - 1);
	layout[2] = (uint8_t)(at[2] - at[1] - 6);	/* past " rw-p " */
	layout[3] = (uint8_t)(at[3] - at[2] - 1);
	layout[4] = (uint8_t)(at[4] - at[3] - 1);
	return true;
}

/*
 * n (1..15) hex digits at s, 8 or 16 bytes loaded from there: exactly n for
 * n < 8 and the word after; for n == 8 the byte after is the caller's to check.
 */
static inline __attribute__((always_inline)) bool hex_n(const char *s, unsigned n, uint64_t *out)
{
	uint64_t w, v = 0, lo = 0;

	if (n <= 3) {	/* device numbers: a table look-up a digit is less work */
		for (unsigned i = 0; i < n; i++) {
			unsigned d = maps_hexval1[(unsigned char)s[i]];

			if (!d)
				return false;
			v = (v << 4) | (d - 1);
		}
		if (maps_hexval1[(unsigned char)s[n]])
			return false;
		*out = v;
		return true;
	}
	memcpy(&w, s, 8);
	if (n < 8) {
		if (hex8(w, &v) != n)
			return false;
		*out = v;
		return true;
	}
	if (hex8(w, &v) != 8)
		return false;
	if (n > 8) {
		memcpy(&w, s + 8, 8);
		if (hex8(w, &lo) != n - 8)
			return false;
		v = v << (4 * (n - 8)) | lo;
	}
	*out = v;
	return true;
}

/*
 * A header with the field widths of the one before (the common case: one
 * process's lines look alike), so each field is read where it must be, the
 * fields independently of each other (no chain of "where does the next one
 * start").  False if the line is not so; fast_header then reads it.
 */
bool maps_same_layout_header(const char *line, const char *end, const char *limit,
			       const uint8_t layout[5], struct maps_header *h)
{
	size_t e = layout[0] + 1u, perms = e + layout[1] + 1u, off = perms + 5u;
	size_t maj = off + layout[2] + 1u, min = maj + layout[3] + 1u;
	size_t inode = min + layout[4] + 1u;
	static const char want[4][2] = { { 'r', '-' }, { 'w', '-' }, { 'x', '-' }, { 's', 'p' } };
	const char *s = line + inode;

	if (!layout[0] || (size_t)(end - line) <= inode || (size_t)(limit - line) < off + 16 ||
	    (size_t)(limit - line) < min + 8)
		return false;
	if (line[layout[0]] != '-' || line[perms - 1] != ' ' || line[off - 1] != ' ' ||
	    line[maj - 1] != ' ' || line[min - 1] != ':' || line[inode - 1] != ' ')
		return false;
	for (int i = 0; i < 4; i++) {
		char c = line[perms + i];

		if (c != want[i][0] && c != want[i][1])
			return false;
		h->perms[i] = c;
	}
	if (!hex_n(line, layout[0], &h->start) || !hex_n(line + e, layout[1], &h->end) ||
	    !hex_n(line + off, layout[2], &h->offset) || !hex_n(line + maj, layout[3], &h->major) ||
	    !hex_n(line + min, layout[4], &h->minor) || h->major > 0xfff || h->minor > 0xfffff)
		return false;
	return maps_inode_and_name(&s, line, end, h) == INODE_OK;
}

/* ---- smaps fields ----------------------------------------------------------- */

/*
 * The value field of a kernel smaps line, bytes 16..23: spaces, then 1..8
 * digits to the end (right-aligned).  True with its value; no loop.
 */
static inline bool value_column(uint64_t w, uint64_t *value)
{
	uint64_t nonspace = w ^ BYTES(' '), lead, x;

	if (!nonspace)
		return false;
	/* the leading spaces (bytes below the first other one) become '0' */
	lead = (UINT64_C(1) << (__builtin_ctzll(nonspace) & ~7u)) - 1;
	x = w | (lead & BYTES(0x10));
	/* every byte '0'..'9': none below '0', none above '9' (nor 0x80 up) */
	if (((x - BYTES('0')) & ~x & BYTES(0x80)) || ((x + BYTES(0x7f - '9')) | x) & BYTES(0x80))
		return false;
	x -= BYTES('0');	/* eight digits, the first in the low byte */
	x = (x * 10 + (x >> 8)) & UINT64_C(0x00ff00ff00ff00ff);
	x = (x * 100 + (x >> 16)) & UINT64_C(0x0000ffff0000ffff);
	x = (x * 10000 + (x >> 32)) & UINT64_C(0x00000000ffffffff);
	*value = x;
	return true;
}

struct field_batch {
	unsigned n;
	uint8_t key[64];
	uint64_t value[64];
};

/* The batched fields into the current VMA's record. */
static int flush_fields(struct maps_parser *p, struct field_batch *b)
{
	int r = b->n ? vma_smaps_append_many(p->m, p->cur, b->key, b->value, b->n) : 0;

	b->n = 0;
	return r;
}

static void batch_field(struct maps_parser *p, struct field_batch *b, unsigned key,
			uint64_t value);

/*
 * The line exactly as the kernel prints it: "Name:" padded to 16, the value
 * right-aligned to column 24, " kB\n" (or "\n"), 28 (25) bytes in all.  Its
 * length is known before its digits are read, so the next line's work need
 * not wait for them.  Returns the bytes taken or 0 (not of that shape).
 */
static long fixed_field(struct maps_parser *p, const char *line, const char *end,
			struct field_batch *b)
{
	const uint64_t *pad = p->template_padded[p->cur_field];
	bool kb = p->template_kb[p->cur_field];
	long len = kb ? 28 : 25;
	uint64_t w[3], value;

	if (end - line < len || !pad[0])
		return 0;
	memcpy(w, line, sizeof(w));
	if (w[0] != pad[0] || w[1] != pad[1] ||
	    (kb ? memcmp(line + 24, " kB\n", 4) != 0 : line[24] != '\n') ||
	    !value_column(w[2], &value))
		return 0;
	p->lineno++;
	batch_field(p, b, p->template_key[p->cur_field], value);
	return len;
}

/*
 * The usual smaps line, "Key:    N kB\n" with the key the first record had
 * here, parsed without looking for the line's end first.  Returns the bytes
 * it took ('\n' included), 0 when the line is not of that shape (the general
 * path then reads it and words any error).  It takes only what parse_line
 * would take, and the same way.
 */
static long fast_field(struct maps_parser *p, const char *line, const char *end,
		       struct field_batch *b)
{
	size_t n = p->template_len[p->cur_field];
	const char *s = line + n + 1;
	uint64_t value = 0;
	bool kb = p->template_kb[p->cur_field];
	unsigned key = p->template_key[p->cur_field];

	if (end - line >= 16 && p->template_mask[p->cur_field][0]) {
		/* "Name:" compared as two words: no call, no loop */
		const uint64_t *want = p->template_word[p->cur_field];
		const uint64_t *mask = p->template_mask[p->cur_field];
		uint64_t w[2];

		memcpy(w, line, sizeof(w));
		if (((w[0] ^ want[0]) & mask[0]) | ((w[1] ^ want[1]) & mask[1]))
			return 0;
	} else if (end - line <= (ptrdiff_t)n || line[n] != ':' ||
		   memcmp(line, p->template_name[p->cur_field], n) != 0) {
		return 0;
	}
	s = skip_spaces(s, end);
	if (s == end || !is_digit(*s))
		return 0;
	for (const char *safe = end - s > 19 ? s + 19 : end; s < safe && is_digit(*s); s++)
		value = value * 10 + (unsigned)(*s - '0');
	if (kb) {
		if (end - s < 4 || memcmp(s, " kB\n", 4) != 0)
			return 0;
		s += 4;
	} else {
		if (s == end || *s != '\n')
			return 0;
		s++;
	}
	p->lineno++;
	batch_field(p, b, key, value);
	return (long)(s - line);
}

/* The field into the batch (which has room) as the next of the record. */
static void batch_field(struct maps_parser *p, struct field_batch *b, unsigned key,
			uint64_t value)
{
	if (key == SMAPS_PROTECTION_KEY)
		p->cur->pkey = value > 127 ? -1 : (int8_t)value;
	b->key[b->n] = (uint8_t)key;
	b->value[b->n++] = value;
	p->cur_field++;
}

/* ---- lines ------------------------------------------------------------------ */

long maps_parse(struct maps_parser *p, const char *buf, size_t len, bool eof)
{
	const char *s = buf, *end = buf + len;
	struct field_batch b;	/* fast_field's values, stored before anything else reads */
	int r;

	b.n = 0;
	while (s < end) {
		if (p->format == MAPS_FORMAT_SMAPS && p->cur_field < p->ntemplate &&
		    !p->cur_vmflags && !p->cur_irregular) {
			long n;

			if (b.n == sizeof(b.key) && (r = flush_fields(p, &b)) < 0)
				return r;
			n = fixed_field(p, s, end, &b);
			if (n == 0)
				n = fast_field(p, s, end, &b);
			if (n > 0) {
				s += n;
				continue;
			}
		}
		if ((r = flush_fields(p, &b)) < 0)
			return r;
		const char *nl = memchr(s, '\n', (size_t)(end - s));
		const char *eol = nl ? nl : end;
		if (!nl && !eof)
			break;
		/*
		 * CRLF text (a copy that went through Windows), told by its first
		 * line: the '\r' is no part of a name.  The kernel's text has
		 * none, so that a name of its own that ends in '\r' stays whole.
		 */
		if (p->lineno == 0)
			p->crlf = eol > s && eol[-1] == '\r';
		if (p->crlf && eol > s && eol[-1] == '\r')
			eol--;
		p->lineno++;
		r = maps_parse_line(p, s, eol, end);
		if (r)
			return r;
		s = nl ? nl + 1 : end;
	}
	if ((r = flush_fields(p, &b)) < 0)
		return r;
	return (long)(s - buf);
}
