/*
 * calls_parse.c - reading one call of strace output (or a what-if call
 * written the same way) into a struct call; calls_line.c reads the line
 * around it.
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

int calls_lex_error(struct calls_lex *lx, size_t at, const char *fmt, ...)
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

int calls_lex_peek(const struct calls_lex *lx)
{
	return lx->pos < lx->len ? (unsigned char)lx->s[lx->pos] : -1;
}

bool calls_lex_at(const struct calls_lex *lx, const char *w)
{
	size_t n = strlen(w);
	return lx->len - lx->pos >= n && memcmp(lx->s + lx->pos, w, n) == 0;
}

/* Skip spaces and C comments (strace writes `0x66 /\* MADV_??? *\/`). */
void calls_lex_skip_ws(struct calls_lex *lx)
{
	for (;;) {
		while (lx->pos < lx->len && isspace((unsigned char)lx->s[lx->pos]))
			lx->pos++;
		if (!calls_lex_at(lx, "/*"))
			return;
		const char *end = memmem(lx->s + lx->pos + 2, lx->len - lx->pos - 2, "*/", 2);
		if (!end)
			return;	/* an unclosed comment is reported where it stands */
		lx->pos = (size_t)(end - lx->s) + 2;
	}
}

/* A readable name for the character at pos, for messages. */
const char *calls_lex_found(const struct calls_lex *lx, char buf[16])
{
	int c = calls_lex_peek(lx);
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
int calls_lex_unsigned(struct calls_lex *lx, uint64_t *out)
{
	size_t start = lx->pos;
	unsigned base = 10;
	uint64_t v = 0;
	bool any = false;

	if (calls_lex_at(lx, "0x") || calls_lex_at(lx, "0X")) {
		base = 16;
		lx->pos += 2;
	} else if (calls_lex_peek(lx) == '0') {
		base = 8;
	}
	for (;;) {
		int c = calls_lex_peek(lx), d;
		if (c >= '0' && c <= '9')
			d = c - '0';
		else if (base == 16 && isxdigit(c))
			d = tolower(c) - 'a' + 10;
		else
			break;
		if (d >= (int)base)
			return calls_lex_error(lx, lx->pos, "digit '%c' in an octal number", c);
		if (v > (UINT64_MAX - (uint64_t)d) / base)
			return calls_lex_error(lx, start, "number too large");
		v = v * base + (uint64_t)d;
		any = true;
		lx->pos++;
	}
	if (!any) {
		char b[16];
		lx->pos = start;
		return calls_lex_error(lx, start, "expected a number, found %s", calls_lex_found(lx, b));
	}
	if (isalnum(calls_lex_peek(lx)) || calls_lex_peek(lx) == '_') {
		char b[16];
		return calls_lex_error(lx, lx->pos, "unexpected %s in a number", calls_lex_found(lx, b));
	}
	*out = v;
	return 0;
}

static int lex_signed(struct calls_lex *lx, uint64_t *out)
{
	bool neg = false;
	int r;

	if (calls_lex_peek(lx) == '-') {
		neg = true;
		lx->pos++;
	}
	r = calls_lex_unsigned(lx, out);
	if (r == 0 && neg)
		*out = 0 - *out;	/* two's complement, also for -9223372036854775808 */
	return r;
}

/* A "quoted string" at pos (optionally followed by strace's "..."). */
static int lex_string(struct calls_lex *lx, char **out)
{
	size_t start = lx->pos + 1, i;

	for (i = start; i < lx->len && lx->s[i] != '"'; i++)
		if (lx->s[i] == '\\')
			i++;
	if (i >= lx->len)
		return calls_lex_error(lx, lx->pos, "string not closed by '\"'");
	*out = calls_unescape(lx->s + start, i - start);
	if (!*out)
		return -ENOMEM;
	lx->pos = i + 1;
	if (calls_lex_at(lx, "..."))
		lx->pos += 3;
	return 0;
}

/*
 * Where the argument starting at pos ends: the first ',' or ')' outside
 * quotes, brackets and fd paths.  Returns len if the list is not closed.
 */
static size_t arg_end(const struct calls_lex *lx, size_t pos)
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
static bool whole_number(struct calls_lex *lx, size_t a, size_t b, uint64_t *v)
{
	struct calls_lex sub = *lx;
	struct calls_parser scratch = *lx->p;

	sub.p = &scratch;	/* errors of a trial parse are not reported */
	sub.len = b;
	sub.pos = a;
	if (a >= b || !isdigit((unsigned char)lx->s[a]))
		return false;
	return calls_lex_unsigned(&sub, v) == 0 && sub.pos == b;
}

/* An address: NULL, a number, or NAME, NAME+OFF, NAME-OFF. */
static int lex_addr(struct calls_lex *lx, struct call_arg *a)
{
	size_t start = lx->pos, end = arg_end(lx, start), k;

	while (end > start && isspace((unsigned char)lx->s[end - 1]))
		end--;
	if (end - start == 4 && calls_lex_at(lx, "NULL")) {
		lx->pos = end;
		a->value = 0;
		return 0;
	}
	if (start < end && isdigit((unsigned char)lx->s[start]))
		return calls_lex_unsigned(lx, &a->value);
	if (start == end) {
		char b[16];
		return calls_lex_error(lx, start, "expected an address, found %s", calls_lex_found(lx, b));
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
	if (memchr(lx->s + start, '\0', blen))	/* no mapping's name holds one */
		return calls_lex_error(lx, start + (size_t)((const char *)memchr(lx->s + start,
				       '\0', blen) - (lx->s + start)), "a NUL byte in a mapping name");
	a->base = strndup(lx->s + start, blen);
	if (!a->base)
		return -ENOMEM;
	lx->pos = end;
	return 0;
}

/* A symbol [A-Za-z_][A-Za-z0-9_]* at pos; returns its length (0 if none). */
static size_t symbol_len(const struct calls_lex *lx)
{
	size_t i = lx->pos;
	if (i >= lx->len || !(isalpha((unsigned char)lx->s[i]) || lx->s[i] == '_'))
		return 0;
	while (i < lx->len && (isalnum((unsigned char)lx->s[i]) || lx->s[i] == '_'))
		i++;
	return i - lx->pos;
}

/* One term of a flag expression: NAME, number, or A<<B. */
static int lex_flag_term(struct calls_lex *lx, enum calls_family fam, uint64_t *out)
{
	size_t n = symbol_len(lx);
	int r;

	if (n) {
		const struct calls_sym *y = calls_sym_lookup(lx->s + lx->pos, n);
		if (!y)
			return calls_lex_error(lx, lx->pos, "unknown flag '%.*s'", (int)n, lx->s + lx->pos);
		if (y->family != fam)
			return calls_lex_error(lx, lx->pos, "'%s' is not one of the %s flags", y->name,
					 calls_family_name[fam]);
		*out = y->value;
		lx->pos += n;
	} else if ((r = calls_lex_unsigned(lx, out)) < 0) {
		return r;
	}
	calls_lex_skip_ws(lx);
	if (calls_lex_at(lx, "<<")) {
		uint64_t shift;
		lx->pos += 2;
		calls_lex_skip_ws(lx);
		size_t at = lx->pos;
		if ((r = lex_flag_term(lx, fam, &shift)) < 0)
			return r;
		if (shift >= 64)
			return calls_lex_error(lx, at, "shift by %llu is too large", (unsigned long long)shift);
		*out <<= shift;
	}
	return 0;
}

static int lex_flags(struct calls_lex *lx, enum calls_family fam, uint64_t *out)
{
	uint64_t v = 0, t;
	int r;

	for (;;) {
		if ((r = lex_flag_term(lx, fam, &t)) < 0)
			return r;
		v |= t;
		calls_lex_skip_ws(lx);
		if (calls_lex_peek(lx) != '|')
			break;
		lx->pos++;
		calls_lex_skip_ws(lx);
	}
	*out = v;
	return 0;
}

/* A descriptor: -1, N, N</path>, N</path>(deleted) as strace -y and -yy write it. */
static int lex_fd(struct calls_lex *lx, struct call *c, uint64_t *out)
{
	bool deleted;
	int r = lex_signed(lx, out);
	if (r < 0)
		return r;
	if (*out > INT32_MAX && *out <= UINT32_MAX)	/* -e raw=all: 0xffffffff is -1 */
		*out = (uint64_t)(int64_t)(int32_t)(uint32_t)*out;
	if ((int64_t)*out < -1 || (int64_t)*out > INT32_MAX)
		return calls_lex_error(lx, lx->pos, "descriptor out of range");
	c->fd = (int)(int64_t)*out;
	if (calls_lex_peek(lx) != '<')
		return 0;
	size_t start = lx->pos + 1, end = calls_fd_deco_end(lx->s, lx->pos, lx->len);
	if (end >= lx->len)
		return calls_lex_error(lx, lx->pos, "file name not closed by '>'");
	free(c->path);
	lx->pos = calls_deleted_suffix(lx->s, end + 1, lx->len, &deleted);
	c->path = calls_fd_path(lx->s + start, end - start, deleted);
	return c->path ? 0 : -ENOMEM;
}

static int lex_arg(struct calls_lex *lx, struct call *c, const struct calls_sig *g, unsigned i)
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
		if (calls_lex_at(lx, "NULL")) {
			lx->pos += 4;
			a->value = 0;
			return 0;
		}
		return calls_lex_unsigned(lx, &a->value);
	case ARG_SIGNED:
		return lex_signed(lx, &a->value);
	case ARG_FD:
		return lex_fd(lx, c, &a->value);
	case ARG_STR:
		if (calls_lex_at(lx, "NULL")) {
			lx->pos += 4;
			return 0;
		}
		if (calls_lex_peek(lx) != '"')
			return calls_lex_error(lx, lx->pos, "expected a \"string\" or NULL, found %s",
					 calls_lex_found(lx, b));
		return lex_string(lx, &c->str);
	case ARG_FLAGS:
		return lex_flags(lx, g->family[i], &a->value);
	default:
		return calls_lex_error(lx, lx->pos, "unexpected argument");
	}
}

/* The argument list after '(' up to and including ')'. */
static int lex_args(struct calls_lex *lx, struct call *c, const struct calls_sig *g)
{
	unsigned n = 0;
	char b[16];
	int r;

	calls_lex_skip_ws(lx);
	if (calls_lex_peek(lx) == ')') {
		lx->pos++;
	} else {
		for (;;) {
			if (n >= g->max)
				return calls_lex_error(lx, lx->pos, "too many arguments: %s takes %u",
						 g->name, g->max);
			if ((r = lex_arg(lx, c, g, n)) < 0)
				return r;
			n++;
			calls_lex_skip_ws(lx);
			if (calls_lex_peek(lx) == ')') {
				lx->pos++;
				break;
			}
			if (calls_lex_peek(lx) != ',')
				return calls_lex_error(lx, lx->pos, "expected ',' or ')' after %s, found %s",
						 g->argname[n - 1], calls_lex_found(lx, b));
			lx->pos++;
			calls_lex_skip_ws(lx);
		}
	}
	if (n < g->min)
		return calls_lex_error(lx, lx->pos - 1, "%s takes %s%u argument%s, found %u", g->name,
				 g->min == g->max ? "" : "at least ", g->min,
				 g->min == 1 ? "" : "s", n);
	c->nargs = n < g->keep ? n : g->keep;
	return 0;
}

/* Skip the arguments of a call we do not model, up to and including ')'. */
static int skip_args(struct calls_lex *lx)
{
	size_t open = lx->pos - 1;
	for (;;) {
		size_t e = arg_end(lx, lx->pos);
		if (e >= lx->len)
			return calls_lex_error(lx, open, "'(' not closed by ')'");
		lx->pos = e + 1;
		if (lx->s[e] == ')')
			return 0;
	}
}

/* ---- the result ------------------------------------------------------------ */

/* ` = VALUE[<path>] [ERRNO (message)] [<duration>]`, or ` = ? ...`. */
static int lex_result(struct calls_lex *lx, struct call *c, bool strict)
{
	char b[16];
	int r;

	calls_lex_skip_ws(lx);
	if (calls_lex_peek(lx) < 0)
		return 0;
	if (calls_lex_peek(lx) != '=')
		return calls_lex_error(lx, lx->pos, "expected '=' or end of line after ')', found %s",
				 calls_lex_found(lx, b));
	lx->pos++;
	calls_lex_skip_ws(lx);
	c->has_result = true;
	if (calls_lex_peek(lx) == '?') {
		c->result_unknown = true;
		return 0;	/* `= ? <unavailable>`, `= ? ERESTARTSYS ...` */
	}
	uint64_t v;
	if ((r = lex_signed(lx, &v)) < 0)
		return r;
	c->result = (int64_t)v;
	if (calls_lex_peek(lx) == '<') {	/* `= 3</etc/passwd>`: a new descriptor */
		size_t start = lx->pos + 1, end = calls_fd_deco_end(lx->s, lx->pos, lx->len);
		bool deleted;
		if (end >= lx->len)
			return calls_lex_error(lx, lx->pos, "file name not closed by '>'");
		c->result_fd = (int)c->result;
		lx->pos = calls_deleted_suffix(lx->s, end + 1, lx->len, &deleted);
		c->result_path = calls_fd_path(lx->s + start, end - start, deleted);
		if (!c->result_path)
			return -ENOMEM;
	}
	calls_lex_skip_ws(lx);
	size_t n = symbol_len(lx);
	if (n && lx->s[lx->pos] == 'E') {
		c->result_errno = call_errno_parse(lx->s + lx->pos, n);
		if (!c->result_errno && strict)
			return calls_lex_error(lx, lx->pos, "unknown errno '%.*s'", (int)n, lx->s + lx->pos);
		lx->pos += n;
		calls_lex_skip_ws(lx);
		if (calls_lex_peek(lx) == '(') {	/* (Cannot allocate memory) */
			while (lx->pos < lx->len && lx->s[lx->pos] != ')')
				lx->pos++;
			if (lx->pos >= lx->len)
				return calls_lex_error(lx, lx->pos, "errno message not closed by ')'");
			lx->pos++;
			calls_lex_skip_ws(lx);
		}
	}
	if (calls_lex_peek(lx) == '<' && lx->len && lx->s[lx->len - 1] == '>')	/* -T */
		lx->pos = lx->len;
	if (calls_lex_peek(lx) >= 0 && strict)
		return calls_lex_error(lx, lx->pos, "unexpected %s after the result", calls_lex_found(lx, b));
	return 0;
}

/* ---- one call ---------------------------------------------------------------- */

/* PR_SET_VMA calls are memory calls; every other prctl is not. */
static bool is_set_vma(struct calls_lex *lx)
{
	size_t e = arg_end(lx, lx->pos), s = lx->pos;
	uint64_t v;

	while (e > s && isspace((unsigned char)lx->s[e - 1]))
		e--;
	if (e - s == 10 && memcmp(lx->s + s, "PR_SET_VMA", 10) == 0)
		return true;
	return whole_number(lx, s, e, &v) && v == VMA_PR_SET_VMA;
}

int calls_lex_call(struct calls_lex *lx, struct call *c)
{
	size_t start = lx->pos, n = 0;
	const struct calls_sig *g;
	char b[16];
	int r;

	while (lx->pos + n < lx->len && (isalnum((unsigned char)lx->s[lx->pos + n]) ||
					 lx->s[lx->pos + n] == '_'))
		n++;
	if (!n)
		return calls_lex_error(lx, lx->pos, "expected a call, found %s", calls_lex_found(lx, b));
	memcpy(c->name, lx->s + lx->pos, n < sizeof(c->name) ? n : sizeof(c->name) - 1);
	c->name[n < sizeof(c->name) ? n : sizeof(c->name) - 1] = '\0';	/* as "%.*s" cut it */
	lx->pos += n;
	if (calls_lex_peek(lx) != '(')
		return calls_lex_error(lx, lx->pos, "expected '(' after '%.*s', found %s", (int)n,
				 lx->s + start, calls_lex_found(lx, b));
	lx->pos++;
	g = calls_sig_lookup(lx->s + start, n);
	if (g && g->kind == CALL_PRCTL_ANON_NAME) {
		calls_lex_skip_ws(lx);
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
		return calls_lex_error(lx, start, "prctl(PR_SET_VMA) with an option other than "
				 "PR_SET_VMA_ANON_NAME");
	if (!g && calls_is_fork(lx->s + start, n)) {
		c->kind = CALL_FORK;
		c->clone_flags = calls_clone_flags(lx->s + start, n, c->text, strlen(c->text));
	} else if (!g && calls_is_exec(lx->s + start, n)) {
		c->kind = CALL_EXEC;
		c->str = calls_exec_path(c->text);
	}
	return lex_result(lx, c, g != NULL);
}

