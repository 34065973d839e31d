/*
 * calls_parse.c - reading one line of strace output (or a what-if call
 * written the same way) into a struct call.
 *
 * A line is: decorations (PID, [pid N], timestamps, [instruction pointer]),
 * then either a call `name(args) = result`, the first half of a call that
 * ends in `<unfinished ...>`, its second half `<... name resumed>...`, a
 * signal line `--- SIG... ---` or an exit line `+++ exited ... +++`.  The
 * two halves of a call are joined into one text; error columns still point
 * into the line where the faulty character was.
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "abi.h"
#include "calls.h"
#include "calls_int.h"

struct calls_pending {
	long pid;
	size_t lineno;
	size_t col0;		/* 0-based column of text[0] in its line */
	char *text;		/* from the call name to before "<unfinished ...>" */
	size_t len;
};

/* A cursor over the text of one call, which may be two lines joined. */
struct lex {
	struct calls_parser *p;
	const char *s;
	size_t len, pos;
	size_t cut;		/* s[0..cut) comes from line_a, the rest from line_b */
	size_t line_a, col_a;	/* line and 0-based column of s[0] */
	size_t line_b, col_b;	/* line and 0-based column of s[cut] */
};

static int lex_error(struct lex *lx, size_t at, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int lex_error(struct lex *lx, size_t at, const char *fmt, ...)
{
	struct calls_parser *p = lx->p;
	size_t line = at < lx->cut ? lx->line_a : lx->line_b;
	size_t col = at < lx->cut ? lx->col_a + at : lx->col_b + (at - lx->cut);
	va_list ap;
	int n;

	p->errline = line;
	p->errcol = (unsigned)(col + 1);
	n = snprintf(p->errmsg, sizeof(p->errmsg), "line %zu, column %u: ", line, p->errcol);
	va_start(ap, fmt);
	vsnprintf(p->errmsg + n, sizeof(p->errmsg) - (size_t)n, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

static int peek(const struct lex *lx)
{
	return lx->pos < lx->len ? (unsigned char)lx->s[lx->pos] : -1;
}

static bool at_word(const struct lex *lx, const char *w)
{
	size_t n = strlen(w);
	return lx->len - lx->pos >= n && memcmp(lx->s + lx->pos, w, n) == 0;
}

/* Skip spaces and C comments (strace writes `0x66 /\* MADV_??? *\/`). */
static void skip_ws(struct lex *lx)
{
	for (;;) {
		while (lx->pos < lx->len && isspace((unsigned char)lx->s[lx->pos]))
			lx->pos++;
		if (!at_word(lx, "/*"))
			return;
		const char *end = memmem(lx->s + lx->pos + 2, lx->len - lx->pos - 2, "*/", 2);
		if (!end)
			return;	/* an unclosed comment is reported where it stands */
		lx->pos = (size_t)(end - lx->s) + 2;
	}
}

/* A readable name for the character at pos, for messages. */
static const char *found(const struct lex *lx, char buf[16])
{
	int c = peek(lx);
	if (c < 0)
		return "end of line";
	if (isprint(c))
		snprintf(buf, 16, "'%c'", c);
	else
		snprintf(buf, 16, "byte 0x%02x", c);
	return buf;
}

/* ---- numbers and strings ------------------------------------------------- */

/* Parse an unsigned number (hex 0x.., octal 0.., decimal) at pos. */
static int lex_unsigned(struct lex *lx, uint64_t *out)
{
	size_t start = lx->pos;
	unsigned base = 10;
	uint64_t v = 0;
	bool any = false;

	if (at_word(lx, "0x") || at_word(lx, "0X")) {
		base = 16;
		lx->pos += 2;
	} else if (peek(lx) == '0') {
		base = 8;
	}
	for (;;) {
		int c = peek(lx), d;
		if (c >= '0' && c <= '9')
			d = c - '0';
		else if (base == 16 && isxdigit(c))
			d = tolower(c) - 'a' + 10;
		else
			break;
		if (d >= (int)base)
			return lex_error(lx, lx->pos, "digit '%c' in an octal number", c);
		if (v > (UINT64_MAX - (uint64_t)d) / base)
			return lex_error(lx, start, "number too large");
		v = v * base + (uint64_t)d;
		any = true;
		lx->pos++;
	}
	if (!any) {
		char b[16];
		lx->pos = start;
		return lex_error(lx, start, "expected a number, found %s", found(lx, b));
	}
	if (isalnum(peek(lx)) || peek(lx) == '_') {
		char b[16];
		return lex_error(lx, lx->pos, "unexpected %s in a number", found(lx, b));
	}
	*out = v;
	return 0;
}

static int lex_signed(struct lex *lx, uint64_t *out)
{
	bool neg = false;
	int r;

	if (peek(lx) == '-') {
		neg = true;
		lx->pos++;
	}
	r = lex_unsigned(lx, out);
	if (r == 0 && neg)
		*out = 0 - *out;	/* two's complement, also for -9223372036854775808 */
	return r;
}

/* A "quoted string" at pos (optionally followed by strace's "..."). */
static int lex_string(struct lex *lx, char **out)
{
	size_t start = lx->pos + 1, i;

	for (i = start; i < lx->len && lx->s[i] != '"'; i++)
		if (lx->s[i] == '\\')
			i++;
	if (i >= lx->len)
		return lex_error(lx, lx->pos, "string not closed by '\"'");
	*out = calls_unescape(lx->s + start, i - start);
	if (!*out)
		return -ENOMEM;
	lx->pos = i + 1;
	if (at_word(lx, "..."))
		lx->pos += 3;
	return 0;
}

/*
 * Where the argument starting at pos ends: the first ',' or ')' outside
 * quotes, brackets and fd paths.  Returns len if the list is not closed.
 */
static size_t arg_end(const struct lex *lx, size_t pos)
{
	int depth = 0;
	for (size_t i = pos; i < lx->len; i++) {
		char c = lx->s[i];
		if (c == '"') {
			for (i++; i < lx->len && lx->s[i] != '"'; i++)
				if (lx->s[i] == '\\')
					i++;
		} else if (c == '<' && i > pos && isdigit((unsigned char)lx->s[i - 1])) {
			i = calls_fd_deco_end(lx->s, i, lx->len);
		} else if (c == '/' && i + 1 < lx->len && lx->s[i + 1] == '*') {
			const char *e = memmem(lx->s + i + 2, lx->len - i - 2, "*/", 2);
			if (!e)
				return lx->len;
			i = (size_t)(e - lx->s) + 1;
		} else if (c == '(' || c == '[' || c == '{') {
			depth++;
		} else if ((c == ']' || c == '}') && depth > 0) {
			depth--;
		} else if (c == ')') {
			if (depth == 0)
				return i;
			depth--;
		} else if (c == ',' && depth == 0) {
			return i;
		}
	}
	return lx->len;
}

/* ---- arguments ------------------------------------------------------------- */

/* Is s[a..b) entirely one number?  Then *v is it. */
static bool whole_number(struct lex *lx, size_t a, size_t b, uint64_t *v)
{
	struct lex sub = *lx;
	struct calls_parser scratch = *lx->p;

	sub.p = &scratch;	/* errors of a trial parse are not reported */
	sub.len = b;
	sub.pos = a;
	if (a >= b || !isdigit((unsigned char)lx->s[a]))
		return false;
	return lex_unsigned(&sub, v) == 0 && sub.pos == b;
}

/* An address: NULL, a number, or NAME, NAME+OFF, NAME-OFF. */
static int lex_addr(struct lex *lx, struct call_arg *a)
{
	size_t start = lx->pos, end = arg_end(lx, start), k;

	while (end > start && isspace((unsigned char)lx->s[end - 1]))
		end--;
	if (end - start == 4 && at_word(lx, "NULL")) {
		lx->pos = end;
		a->value = 0;
		return 0;
	}
	if (start < end && isdigit((unsigned char)lx->s[start]))
		return lex_unsigned(lx, &a->value);
	if (start == end) {
		char b[16];
		return lex_error(lx, start, "expected an address, found %s", found(lx, b));
	}
	for (k = end; k > start + 1; k--) {
		char c = lx->s[k - 1];
		if ((c == '+' || c == '-') && whole_number(lx, k, end, &a->value)) {
			a->negative = c == '-';
			break;
		}
	}
	if (k <= start + 1) {	/* no offset: the start of that mapping */
		k = end + 1;
		a->value = 0;
	}
	size_t blen = k - 1 - start;
	while (blen && isspace((unsigned char)lx->s[start + blen - 1]))
		blen--;
	a->base = strndup(lx->s + start, blen);
	if (!a->base)
		return -ENOMEM;
	lx->pos = end;
	return 0;
}

/* A symbol [A-Za-z_][A-Za-z0-9_]* at pos; returns its length (0 if none). */
static size_t symbol_len(const struct lex *lx)
{
	size_t i = lx->pos;
	if (i >= lx->len || !(isalpha((unsigned char)lx->s[i]) || lx->s[i] == '_'))
		return 0;
	while (i < lx->len && (isalnum((unsigned char)lx->s[i]) || lx->s[i] == '_'))
		i++;
	return i - lx->pos;
}

/* One term of a flag expression: NAME, number, or A<<B. */
static int lex_flag_term(struct lex *lx, enum calls_family fam, uint64_t *out)
{
	size_t n = symbol_len(lx);
	int r;

	if (n) {
		const struct calls_sym *y = calls_sym_lookup(lx->s + lx->pos, n);
		if (!y)
			return lex_error(lx, lx->pos, "unknown flag '%.*s'", (int)n, lx->s + lx->pos);
		if (y->family != fam)
			return lex_error(lx, lx->pos, "'%s' is not one of the %s flags", y->name,
					 calls_family_name[fam]);
		*out = y->value;
		lx->pos += n;
	} else if ((r = lex_unsigned(lx, out)) < 0) {
		return r;
	}
	skip_ws(lx);
	if (at_word(lx, "<<")) {
		uint64_t shift;
		lx->pos += 2;
		skip_ws(lx);
		size_t at = lx->pos;
		if ((r = lex_flag_term(lx, fam, &shift)) < 0)
			return r;
		if (shift >= 64)
			return lex_error(lx, at, "shift by %llu is too large", (unsigned long long)shift);
		*out <<= shift;
	}
	return 0;
}

static int lex_flags(struct lex *lx, enum calls_family fam, uint64_t *out)
{
	uint64_t v = 0, t;
	int r;

	for (;;) {
		if ((r = lex_flag_term(lx, fam, &t)) < 0)
			return r;
		v |= t;
		skip_ws(lx);
		if (peek(lx) != '|')
			break;
		lx->pos++;
		skip_ws(lx);
	}
	*out = v;
	return 0;
}

/* A descriptor: -1, N, N</path>, N</path>(deleted) as strace -y and -yy write it. */
static int lex_fd(struct lex *lx, struct call *c, uint64_t *out)
{
	bool deleted;
	int r = lex_signed(lx, out);
	if (r < 0)
		return r;
	if ((int64_t)*out < -1 || (int64_t)*out > INT32_MAX)
		return lex_error(lx, lx->pos, "descriptor out of range");
	c->fd = (int)(int64_t)*out;
	if (peek(lx) != '<')
		return 0;
	size_t start = lx->pos + 1, end = calls_fd_deco_end(lx->s, lx->pos, lx->len);
	if (end >= lx->len)
		return lex_error(lx, lx->pos, "file name not closed by '>'");
	free(c->path);
	lx->pos = calls_deleted_suffix(lx->s, end + 1, lx->len, &deleted);
	c->path = calls_fd_path(lx->s + start, end - start, deleted);
	return c->path ? 0 : -ENOMEM;
}

static int lex_arg(struct lex *lx, struct call *c, const struct calls_sig *g, unsigned i)
{
	struct call_arg *a = &c->arg[i];
	char b[16];

	a->column = (unsigned)(lx->pos < lx->cut ? lx->col_a + lx->pos
				 : lx->col_b + lx->pos - lx->cut) + 1;
	switch (g->type[i]) {
	case ARG_ADDR:
		return lex_addr(lx, a);
	case ARG_NUM:
	case ARG_HEX:
		if (at_word(lx, "NULL")) {
			lx->pos += 4;
			a->value = 0;
			return 0;
		}
		return lex_unsigned(lx, &a->value);
	case ARG_SIGNED:
		return lex_signed(lx, &a->value);
	case ARG_FD:
		return lex_fd(lx, c, &a->value);
	case ARG_STR:
		if (at_word(lx, "NULL")) {
			lx->pos += 4;
			return 0;
		}
		if (peek(lx) != '"')
			return lex_error(lx, lx->pos, "expected a \"string\" or NULL, found %s",
					 found(lx, b));
		return lex_string(lx, &c->str);
	case ARG_FLAGS:
		return lex_flags(lx, g->family[i], &a->value);
	default:
		return lex_error(lx, lx->pos, "unexpected argument");
	}
}

/* The argument list after '(' up to and including ')'. */
static int lex_args(struct lex *lx, struct call *c, const struct calls_sig *g)
{
	unsigned n = 0;
	char b[16];
	int r;

	skip_ws(lx);
	if (peek(lx) == ')') {
		lx->pos++;
	} else {
		for (;;) {
			if (n >= g->max)
				return lex_error(lx, lx->pos, "too many arguments: %s takes %u",
						 g->name, g->max);
			if ((r = lex_arg(lx, c, g, n)) < 0)
				return r;
			n++;
			skip_ws(lx);
			if (peek(lx) == ')') {
				lx->pos++;
				break;
			}
			if (peek(lx) != ',')
				return lex_error(lx, lx->pos, "expected ',' or ')' after %s, found %s",
						 g->argname[n - 1], found(lx, b));
			lx->pos++;
			skip_ws(lx);
		}
	}
	if (n < g->min)
		return lex_error(lx, lx->pos - 1, "%s takes %s%u argument%s, found %u", g->name,
				 g->min == g->max ? "" : "at least ", g->min,
				 g->min == 1 ? "" : "s", n);
	c->nargs = n < g->keep ? n : g->keep;
	return 0;
}

/* Skip the arguments of a call we do not model, up to and including ')'. */
static int skip_args(struct lex *lx)
{
	size_t open = lx->pos - 1;
	for (;;) {
		size_t e = arg_end(lx, lx->pos);
		if (e >= lx->len)
			return lex_error(lx, open, "'(' not closed by ')'");
		lx->pos = e + 1;
		if (lx->s[e] == ')')
			return 0;
	}
}

/* ---- the result ------------------------------------------------------------ */

/* ` = VALUE[<path>] [ERRNO (message)] [<duration>]`, or ` = ? ...`. */
static int lex_result(struct lex *lx, struct call *c, bool strict)
{
	char b[16];
	int r;

	skip_ws(lx);
	if (peek(lx) < 0)
		return 0;
	if (peek(lx) != '=')
		return lex_error(lx, lx->pos, "expected '=' or end of line after ')', found %s",
				 found(lx, b));
	lx->pos++;
	skip_ws(lx);
	c->has_result = true;
	if (peek(lx) == '?') {
		c->result_unknown = true;
		return 0;	/* `= ? <unavailable>`, `= ? ERESTARTSYS ...` */
	}
	uint64_t v;
	if ((r = lex_signed(lx, &v)) < 0)
		return r;
	c->result = (int64_t)v;
	if (peek(lx) == '<') {	/* `= 3</etc/passwd>`: a new descriptor */
		size_t start = lx->pos + 1, end = calls_fd_deco_end(lx->s, lx->pos, lx->len);
		bool deleted;
		if (end >= lx->len)
			return lex_error(lx, lx->pos, "file name not closed by '>'");
		c->result_fd = (int)c->result;
		lx->pos = calls_deleted_suffix(lx->s, end + 1, lx->len, &deleted);
		c->result_path = calls_fd_path(lx->s + start, end - start, deleted);
		if (!c->result_path)
			return -ENOMEM;
	}
	skip_ws(lx);
	size_t n = symbol_len(lx);
	if (n && lx->s[lx->pos] == 'E') {
		c->result_errno = call_errno_parse(lx->s + lx->pos, n);
		if (!c->result_errno && strict)
			return lex_error(lx, lx->pos, "unknown errno '%.*s'", (int)n, lx->s + lx->pos);
		lx->pos += n;
		skip_ws(lx);
		if (peek(lx) == '(') {	/* (Cannot allocate memory) */
			while (lx->pos < lx->len && lx->s[lx->pos] != ')')
				lx->pos++;
			if (lx->pos >= lx->len)
				return lex_error(lx, lx->pos, "errno message not closed by ')'");
			lx->pos++;
			skip_ws(lx);
		}
	}
	if (peek(lx) == '<' && lx->len && lx->s[lx->len - 1] == '>')	/* -T */
		lx->pos = lx->len;
	if (peek(lx) >= 0 && strict)
		return lex_error(lx, lx->pos, "unexpected %s after the result", found(lx, b));
	return 0;
}

/* ---- one call ---------------------------------------------------------------- */

/* PR_SET_VMA calls are memory calls; every other prctl is not. */
static bool is_set_vma(struct lex *lx)
{
	size_t e = arg_end(lx, lx->pos), s = lx->pos;
	uint64_t v;

	while (e > s && isspace((unsigned char)lx->s[e - 1]))
		e--;
	if (e - s == 10 && memcmp(lx->s + s, "PR_SET_VMA", 10) == 0)
		return true;
	return whole_number(lx, s, e, &v) && v == VMA_PR_SET_VMA;
}

static int lex_call(struct lex *lx, struct call *c)
{
	size_t start = lx->pos, n = 0;
	const struct calls_sig *g;
	char b[16];
	int r;

	while (lx->pos + n < lx->len && (isalnum((unsigned char)lx->s[lx->pos + n]) ||
					 lx->s[lx->pos + n] == '_'))
		n++;
	if (!n)
		return lex_error(lx, lx->pos, "expected a call, found %s", found(lx, b));
	snprintf(c->name, sizeof(c->name), "%.*s", (int)n, lx->s + lx->pos);
	lx->pos += n;
	if (peek(lx) != '(')
		return lex_error(lx, lx->pos, "expected '(' after '%.*s', found %s", (int)n,
				 lx->s + start, found(lx, b));
	lx->pos++;
	g = calls_sig_lookup(lx->s + start, n);
	if (g && g->kind == CALL_PRCTL_ANON_NAME) {
		skip_ws(lx);
		if (!is_set_vma(lx))
			g = NULL;
	}
	if (g) {
		c->kind = g->kind;
		r = lex_args(lx, c, g);
	} else {
		c->kind = CALL_OTHER;
		r = skip_args(lx);
	}
	if (r < 0)
		return r;
	c->text = strndup(lx->s + start, lx->pos - start);
	if (!c->text)
		return -ENOMEM;
	if (g && g->kind == CALL_PRCTL_ANON_NAME && c->arg[1].value != VMA_PR_SET_VMA_ANON_NAME)
		return lex_error(lx, start, "prctl(PR_SET_VMA) with an option other than "
				 "PR_SET_VMA_ANON_NAME");
	if (g && g->kind == CALL_TOUCH)
		c->nargs = 2;
	return lex_result(lx, c, g != NULL);
}

/* ---- decorations and line kinds -------------------------------------------- */

void calls_parser_init(struct calls_parser *p)
{
	memset(p, 0, sizeof(*p));
}

static void pending_drop(struct calls_parser *p, size_t i)
{
	free(p->pending[i].text);
	p->pending[i] = p->pending[--p->npending];
}

void calls_parser_release(struct calls_parser *p)
{
	while (p->npending)
		pending_drop(p, 0);
	free(p->pending);
	p->pending = NULL;
	p->cappending = 0;
}

int calls_parser_finish(struct calls_parser *p)
{
	p->n_dropped += p->npending;
	while (p->npending)
		pending_drop(p, 0);
	return 0;
}

/* The n decimal digits at s as a PID (strace's prefix), LONG_MAX if too large. */
static long decimal_prefix(const char *s, size_t n)
{
	long v = 0;

	for (size_t i = 0; i < n; i++) {
		if (v > (LONG_MAX - 9) / 10)
			return LONG_MAX;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

/* Skip the PID, [pid N], timestamps and [instruction pointer] before a call. */
static int skip_decorations(struct lex *lx, long *pid)
{
	bool stamp = false;

	for (;;) {
		skip_ws(lx);
		if (at_word(lx, "[pid")) {
			uint64_t v;
			int r;
			lx->pos += 4;
			skip_ws(lx);
			if ((r = lex_unsigned(lx, &v)) < 0)
				return r;
			if (peek(lx) != ']')
				return lex_error(lx, lx->pos, "expected ']' after the pid");
			lx->pos++;
			*pid = (long)v;
			continue;
		}
		if (at_word(lx, "(+")) {	/* -r with -t, -tt or -ttt: (+     0.000052) */
			const char *e = memchr(lx->s + lx->pos, ')', lx->len - lx->pos);
			if (!e)
				return 0;
			lx->pos = (size_t)(e - lx->s) + 1;
			stamp = true;
			continue;
		}
		if (peek(lx) == '[') {
			/* -i: [00007f0456351ca3], [????????????????]; -n: [  12] */
			size_t i = lx->pos + 1;
			while (i < lx->len && lx->s[i] == ' ')
				i++;
			if (i == lx->len || !(isxdigit((unsigned char)lx->s[i]) || lx->s[i] == '?'))
				return 0;
			while (i < lx->len && (isxdigit((unsigned char)lx->s[i]) || lx->s[i] == '?'))
				i++;
			if (i < lx->len && lx->s[i] == ']') {
				lx->pos = i + 1;
				continue;
			}
			return 0;
		}
		if (!isdigit(peek(lx)))
			return 0;
		size_t i = lx->pos;
		bool dot = false;
		while (i < lx->len && (isdigit((unsigned char)lx->s[i]) || lx->s[i] == '.' ||
				       lx->s[i] == ':')) {
			dot |= lx->s[i] == '.' || lx->s[i] == ':';
			i++;
		}
		if (i < lx->len && !isspace((unsigned char)lx->s[i]))
			return 0;	/* not a decoration: let the call parser complain */
		if (!dot && !stamp && *pid == 0)
			*pid = decimal_prefix(lx->s + lx->pos, i - lx->pos);
		else
			stamp = true;
		lx->pos = i;
	}
}

static int pending_add(struct calls_parser *p, long pid, size_t lineno, size_t col0,
		       const char *text, size_t len)
{
	if (p->npending == p->cappending) {
		size_t cap = p->cappending ? 2 * p->cappending : 4;
		struct calls_pending *n = realloc(p->pending, cap * sizeof(*n));
		if (!n)
			return -ENOMEM;
		p->pending = n;
		p->cappending = cap;
	}
	char *t = malloc(len + 1);	/* every byte: a NUL inside must not cut it */
	if (!t)
		return -ENOMEM;
	memcpy(t, text, len);
	t[len] = '\0';
	p->pending[p->npending++] = (struct calls_pending){ pid, lineno, col0, t, len };
	return 0;
}

static bool ends_with(const char *s, size_t len, const char *w, size_t *at)
{
	size_t n = strlen(w);
	while (len && isspace((unsigned char)s[len - 1]))
		len--;
	if (len < n || memcmp(s + len - n, w, n) != 0)
		return false;
	*at = len - n;
	return true;
}

/* `<... mmap resumed>REST`: join REST to the unfinished first half. */
static int resume(struct lex *lx, long pid, struct call *out)
{
	struct calls_parser *p = lx->p;
	size_t name = lx->pos + 5, n = 0, i;
	char b[16];

	while (name + n < lx->len && (isalnum((unsigned char)lx->s[name + n]) || lx->s[name + n] == '_'))
		n++;
	if (!at_word(lx, "<... ") || !n || lx->len - name - n < 9 ||
	    memcmp(lx->s + name + n, " resumed>", 9) != 0)
		return lex_error(lx, lx->pos, "expected '<... NAME resumed>', found %s", found(lx, b));
	for (i = 0; i < p->npending; i++)
		if (p->pending[i].pid == pid && p->pending[i].len > n &&
		    memcmp(p->pending[i].text, lx->s + name, n) == 0 && p->pending[i].text[n] == '(')
			break;
	if (i == p->npending && !calls_sig_lookup(lx->s + name, n)) {
		/* the first half is before the log's start: nothing to apply */
		out->kind = CALL_OTHER;
		snprintf(out->name, sizeof(out->name), "%.*s", (int)n, lx->s + name);
		return 0;
	}
	if (i == p->npending)
		return lex_error(lx, lx->pos, "'%.*s' resumed but never started (no <unfinished ...> "
				 "line for this pid)", (int)n, lx->s + name);

	struct calls_pending pd = p->pending[i];
	size_t rest = name + n + 9, rlen = lx->len - rest;
	char *joined = malloc(pd.len + rlen + 1);
	if (!joined)
		return -ENOMEM;
	memcpy(joined, pd.text, pd.len);
	memcpy(joined + pd.len, lx->s + rest, rlen);
	joined[pd.len + rlen] = '\0';

	struct lex j = { p, joined, pd.len + rlen, 0, pd.len, pd.lineno, pd.col0, lx->line_b, rest };
	int r = lex_call(&j, out);
	out->lineno = pd.lineno;
	free(joined);
	pending_drop(p, i);
	return r;
}

int calls_parse_line(struct calls_parser *p, const char *line, size_t len, struct call *out)
{
	struct lex lx = { p, line, len, 0, 0, 0, 0, 0, 0 };
	long pid = 0;
	size_t at;
	int r;

	call_init(out);
	p->lineno++;
	lx.line_a = lx.line_b = p->lineno;
	while (lx.len && (line[lx.len - 1] == '\n' || line[lx.len - 1] == '\r'))
		lx.len--;
	out->lineno = p->lineno;
	if ((r = skip_decorations(&lx, &pid)) < 0)
		return r;
	out->pid = pid;
	if (lx.pos == lx.len || peek(&lx) == '#' || peek(&lx) == '>' || at_word(&lx, "strace: ")) {
		p->n_blank++;	/* blank, comment, -k stack trace, strace's own notes */
		return 1;
	}
	if (at_word(&lx, "+++")) {
		p->n_exit++;
		for (size_t i = p->npending; i-- > 0;)
			if (p->pending[i].pid == pid) {
				pending_drop(p, i);
				p->n_dropped++;
			}
		return 1;
	}
	if (at_word(&lx, "---")) {
		p->n_signal++;
		return 1;
	}
	if (at_word(&lx, "<..."))
		r = resume(&lx, pid, out);
	else if (ends_with(line, lx.len, "<unfinished ...>", &at)) {
		if (at > lx.pos && line[at - 1] == ' ')	/* strace writes "0, " " <unfinished" */
			at--;
		p->n_unfinished++;
		r = pending_add(p, pid, p->lineno, lx.pos, line + lx.pos, at - lx.pos);
		return r < 0 ? r : 1;
	} else {
		r = lex_call(&lx, out);
	}
	if (r < 0)
		return r;
	out->pid = pid;
	if (out->kind == CALL_OTHER) {
		p->n_other++;
		return 1;
	}
	return 0;
}
