/*
 * calls_line.c - one line of strace output: the decorations strace puts
 * before a call (PID, [pid N], timestamps, -r, -i), the kinds of line
 * (signal, exit, strace's own notes, -k backtraces), and the two halves of
 * an `<unfinished ...>` call joined when `<... NAME resumed>` comes.  The
 * call itself is read by calls_parse.c.
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "calls.h"
#include "calls_int.h"

struct calls_pending {
	long pid;
	size_t lineno;
	uint64_t time_ns;	/* of the first half (has_time) */
	bool has_time;
	size_t col0;		/* 0-based column of text[0] in its line */
	char *text;		/* from the call name to before "<unfinished ...>" */
	size_t len;
};

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

/* Past strace -Y's `<comm>` after a PID at i (the name is escaped: no '>' inside); else i. */
static size_t comm_end(const struct calls_lex *lx, size_t i)
{
	const char *e;

	if (i >= lx->len || lx->s[i] != '<' || !(e = memchr(lx->s + i, '>', lx->len - i)))
		return i;
	return (size_t)(e - lx->s) + 1;
}

static void skip_comm(struct calls_lex *lx, size_t i)
{
	lx->pos = comm_end(lx, i);
}

/* Skip the PID, [pid N], timestamps and [instruction pointer] before a call. */
/*
 * A timestamp s[0..n) as nanoseconds: HH:MM:SS[.frac] (-t, -tt: of the day)
 * or SECONDS.frac (-ttt, --timestamps=ns).  A relative one (-r alone: small
 * seconds) is no time.
 */
static bool parse_stamp(const char *s, size_t n, uint64_t *ns)
{
	uint64_t whole = 0, frac = 0, scale = 1000000000;
	size_t i = 0;

	if (memchr(s, ':', n)) {
		unsigned hh = 0, mm = 0, ss = 0;
		if (sscanf(s, "%2u:%2u:%2u", &hh, &mm, &ss) != 3)
			return false;
		whole = (uint64_t)hh * 3600 + mm * 60 + ss;
		while (i < n && s[i] != '.')
			i++;
	} else {
		for (; i < n && s[i] != '.'; i++) {
			if (whole > UINT64_MAX / 10 / 1000000000)
				return false;
			whole = whole * 10 + (uint64_t)(s[i] - '0');
		}
		if (whole < 100000000)
			return false;	/* -r: seconds since the previous line */
	}
	for (i++; i < n && scale > 1 && s[i] >= '0' && s[i] <= '9'; i++) {
		scale /= 10;
		frac += (uint64_t)(s[i] - '0') * scale;
	}
	*ns = whole * 1000000000 + frac;
	return true;
}

static int skip_decorations(struct calls_lex *lx, long *pid, struct call *out)
{
	bool stamp = false;

	for (;;) {
		calls_lex_skip_ws(lx);
		if (calls_lex_at(lx, "[pid")) {
			uint64_t v;
			int r;
			lx->pos += 4;
			calls_lex_skip_ws(lx);
			if ((r = calls_lex_unsigned(lx, &v)) < 0)
				return r;
			skip_comm(lx, lx->pos);
			if (calls_lex_peek(lx) != ']')
				return calls_lex_error(lx, lx->pos, "expected ']' after the pid");
			lx->pos++;
			*pid = (long)v;
			continue;
		}
		if (calls_lex_at(lx, "(+")) {	/* -r with -t, -tt or -ttt: (+     0.000052) */
			const char *e = memchr(lx->s + lx->pos, ')', lx->len - lx->pos);
			if (!e)
				return 0;
			lx->pos = (size_t)(e - lx->s) + 1;
			stamp = true;
			continue;
		}
		if (calls_lex_peek(lx) == '[') {
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
		if (!isdigit(calls_lex_peek(lx)))
			return 0;
		size_t i = lx->pos;
		bool dot = false;
		while (i < lx->len && (isdigit((unsigned char)lx->s[i]) || lx->s[i] == '.' ||
				       lx->s[i] == ':')) {
			dot |= lx->s[i] == '.' || lx->s[i] == ':';
			i++;
		}
		size_t j = dot ? i : comm_end(lx, i);
		if (j < lx->len && !isspace((unsigned char)lx->s[j]))
			return 0;	/* not a decoration: let the call parser complain */
		if (!dot && !stamp && *pid == 0) {
			*pid = decimal_prefix(lx->s + lx->pos, i - lx->pos);
		} else {
			stamp = true;
			if (dot && !out->has_time)
				out->has_time = parse_stamp(lx->s + lx->pos, i - lx->pos, &out->time_ns);
		}
		lx->pos = j;
	}
}

static int pending_add(struct calls_parser *p, long pid, const struct call *c, size_t col0,
		       const char *text, size_t len)
{
	size_t lineno = c->lineno;
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
	p->pending[p->npending++] = (struct calls_pending){ pid, lineno, c->time_ns, c->has_time,
							   col0, t, len };
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
static int resume(struct calls_lex *lx, long pid, struct call *out)
{
	struct calls_parser *p = lx->p;
	size_t name = lx->pos + 5, n = 0, i;
	char b[16];

	while (name + n < lx->len && (isalnum((unsigned char)lx->s[name + n]) || lx->s[name + n] == '_'))
		n++;
	if (!calls_lex_at(lx, "<... ") || !n || lx->len - name - n < 9 ||
	    memcmp(lx->s + name + n, " resumed>", 9) != 0)
		return calls_lex_error(lx, lx->pos, "expected '<... NAME resumed>', found %s", calls_lex_found(lx, b));
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
		return calls_lex_error(lx, lx->pos, "'%.*s' resumed but never started (no <unfinished ...> "
				 "line for this pid)", (int)n, lx->s + name);

	struct calls_pending pd = p->pending[i];
	size_t rest = name + n + 9, rlen = lx->len - rest;
	char *joined = malloc(pd.len + rlen + 1);
	if (!joined)
		return -ENOMEM;
	memcpy(joined, pd.text, pd.len);
	memcpy(joined + pd.len, lx->s + rest, rlen);
	joined[pd.len + rlen] = '\0';

	struct calls_lex j = { p, joined, pd.len + rlen, 0, pd.len, pd.lineno, pd.col0, lx->line_b, rest };
	int r = calls_lex_call(&j, out);
	out->lineno = pd.lineno;
	out->has_time = pd.has_time;	/* the call began then */
	out->time_ns = pd.time_ns;
	free(joined);
	pending_drop(p, i);
	return r;
}

/* The length of the call name at pos (after "<... " in a resumed line). */
static size_t call_name_at(const struct calls_lex *lx, size_t *pos)
{
	size_t n = 0;

	*pos = lx->pos + (calls_lex_at(lx, "<... ") ? 5 : 0);
	while (*pos + n < lx->len && (isalnum((unsigned char)lx->s[*pos + n]) ||
				      lx->s[*pos + n] == '_'))
		n++;
	return n;
}

/* Does the line at pos name a call that changes VMAs (whose loss would change the result)? */
static bool names_memory_call(const struct calls_lex *lx)
{
	size_t pos, n = call_name_at(lx, &pos);

	return n && calls_sig_lookup(lx->s + pos, n) != NULL;
}

/* The first half of clone, fork or vfork: the child may act before the result line. */
static int unfinished_fork(const struct calls_lex *lx, size_t at, struct call *out)
{
	size_t pos, n = call_name_at(lx, &pos);

	if (!calls_is_fork(lx->s + pos, n))
		return 1;
	out->kind = CALL_FORK;
	out->unfinished = true;
	snprintf(out->name, sizeof(out->name), "%.*s", (int)n, lx->s + pos);
	out->clone_flags = calls_clone_flags(lx->s + pos, n, lx->s + pos, at - pos);
	out->text = strndup(lx->s + pos, at - pos);
	return out->text ? 1 : -ENOMEM;
}

int calls_parse_line(struct calls_parser *p, const char *line, size_t len, struct call *out)
{
	struct calls_lex lx = { p, line, len, 0, 0, 0, 0, 0, 0 };
	long pid = 0;
	size_t at, callpos;
	int r;

	call_init(out);
	p->lineno++;
	p->errfatal = false;
	lx.line_a = lx.line_b = p->lineno;
	while (lx.len && (line[lx.len - 1] == '\n' || line[lx.len - 1] == '\r'))
		lx.len--;
	out->lineno = out->endline = p->lineno;
	if ((r = skip_decorations(&lx, &pid, out)) < 0)
		return r;
	out->pid = pid;
	if (lx.pos == lx.len || calls_lex_peek(&lx) == '#' || calls_lex_peek(&lx) == '>' || calls_lex_at(&lx, "strace: ")) {
		p->n_blank++;	/* blank, comment, -k stack trace, strace's own notes */
		return 1;
	}
	if (calls_lex_at(&lx, "+++")) {
		p->n_exit++;
		out->kind = CALL_EXIT;
		for (size_t i = p->npending; i-- > 0;)
			if (p->pending[i].pid == pid) {
				pending_drop(p, i);
				p->n_dropped++;
			}
		return 1;
	}
	if (calls_lex_at(&lx, "---")) {
		p->n_signal++;
		return 1;
	}
	callpos = lx.pos;
	if (calls_lex_at(&lx, "<..."))
		r = resume(&lx, pid, out);
	else if (ends_with(line, lx.len, "<unfinished ...>", &at)) {
		if (at > lx.pos && line[at - 1] == ' ')	/* strace writes "0, " " <unfinished" */
			at--;
		p->n_unfinished++;
		r = pending_add(p, pid, out, lx.pos, line + lx.pos, at - lx.pos);
		return r < 0 ? r : unfinished_fork(&lx, at, out);
	} else {
		r = calls_lex_call(&lx, out);
	}
	if (r == -EINVAL) {
		lx.pos = callpos;
		p->errfatal = names_memory_call(&lx);
	}
	if (r < 0)
		return r;
	out->pid = pid;
	if (out->kind == CALL_OTHER) {
		p->n_other++;
		return 1;
	}
	return out->kind == CALL_FORK || out->kind == CALL_EXEC ? 1 : 0;
}
