/*
 * calls_text.c - the text pieces of strace lines that need no cursor: C
 * string escapes, and the `<path>` decoration strace -y and -yy put after a
 * descriptor (nested device suffixes, sockets, unlinked files).
 */
#include <ctype.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "calls_int.h"

static int hexval(int c)
{
	return isdigit(c) ? c - '0' : tolower(c) - 'a' + 10;
}

/*
 * Undo C escapes (\n \t \\ \" \xHH \ooo) of s[0..len) into a new string.
 * Returns NULL when out of memory.
 */
char *calls_unescape(const char *s, size_t len)
{
	char *out = malloc(len + 1), *o = out;
	if (!out)
		return NULL;
	for (size_t i = 0; i < len; i++) {
		if (s[i] != '\\' || i + 1 == len) {
			*o++ = s[i];
			continue;
		}
		char c = s[++i];
		const char *simple = strchr("n\nt\tr\rv\vf\fa\ab\b", c);
		if (simple && c && ((simple - "n\nt\tr\rv\vf\fa\ab\b") % 2) == 0) {
			*o++ = simple[1];
		} else if (c == 'x' && i + 1 < len && isxdigit((unsigned char)s[i + 1])) {
			int v = 0;
			for (int k = 0; k < 2 && i + 1 < len && isxdigit((unsigned char)s[i + 1]); k++)
				v = v * 16 + hexval((unsigned char)s[++i]);
			*o++ = (char)v;
		} else if (c >= '0' && c <= '7') {
			int v = c - '0';
			for (int k = 0; k < 2 && i + 1 < len && s[i + 1] >= '0' && s[i + 1] <= '7'; k++)
				v = v * 8 + (s[++i] - '0');
			*o++ = (char)v;
		} else {
			*o++ = c;
		}
	}
	*o = '\0';
	return out;
}

/*
 * The end of a descriptor's `<...>` decoration opened at s[open]: the
 * matching '>' (strace -yy nests `</dev/null<char 1:3>>`, and a socket's
 * `<UNIX:[12->34]>` has '>' inside brackets).  Returns len if not closed.
 */
size_t calls_fd_deco_end(const char *s, size_t open, size_t len)
{
	int depth = 0;

	for (size_t i = open; i < len; i++) {
		if (s[i] == '[' && i > open && s[i - 1] == ':') {	/* TCP:[..], UNIX:[..] */
			while (i < len && s[i] != ']')
				i++;
			if (i == len)
				return len;
		} else if (s[i] == '<') {
			depth++;
		} else if (s[i] == '>' && --depth == 0) {
			return i;
		}
	}
	return len;
}

/* Where a `(deleted)` strace 6.1 writes after an fd decoration ends, else at. */
size_t calls_deleted_suffix(const char *s, size_t at, size_t len, bool *deleted)
{
	static const char w[] = "(deleted)";

	*deleted = len - at >= sizeof(w) - 1 && memcmp(s + at, w, sizeof(w) - 1) == 0;
	return *deleted ? at + sizeof(w) - 1 : at;
}

/*
 * The path of an fd decoration s[0..n) without strace -yy's device suffix
 * (`/dev/null<char 1:3>`), unescaped, with " (deleted)" appended as /proc
 * names a mapping of an unlinked file.
 */
char *calls_fd_path(const char *s, size_t n, bool deleted)
{
	if (n && s[n - 1] == '>') {
		for (size_t i = n - 1; i-- > 0;)
			if (s[i] == '<') {
				if ((n - i > 6 && !memcmp(s + i, "<char ", 6)) ||
				    (n - i > 7 && !memcmp(s + i, "<block ", 7)))
					n = i;
				break;
			}
	}
	if (n > 10 && !memcmp(s + n - 10, " (deleted)", 10)) {
		n -= 10;	/* strace 6.x writes it inside the brackets */
		deleted = true;
	}
	char *path = calls_unescape(s, n);
	if (path && deleted) {
		char *d = realloc(path, strlen(path) + 11);
		if (!d)
			free(path);
		else
			strcat(d, " (deleted)");
		path = d;
	}
	return path;
}


/* ---- process calls ------------------------------------------------------------- */

/* Is name a call that makes a task (clone, clone3, fork, vfork)? */
bool calls_is_fork(const char *name, size_t n)
{
	return (n == 5 && !memcmp(name, "clone", 5)) || (n == 6 && !memcmp(name, "clone3", 6)) ||
	       (n == 4 && !memcmp(name, "fork", 4)) || (n == 5 && !memcmp(name, "vfork", 5));
}

bool calls_is_exec(const char *name, size_t n)
{
	return (n == 6 && !memcmp(name, "execve", 6)) || (n == 8 && !memcmp(name, "execveat", 8));
}

/* The CLONE_* flags of one '|'-joined list at s (names or a number). */
static uint64_t clone_flag_list(const char *s, const char *end)
{
	static const struct { const char *name; uint64_t v; } names[] = {
		{ "CLONE_VM", CALLS_CLONE_VM }, { "CLONE_FILES", CALLS_CLONE_FILES },
		{ "CLONE_VFORK", CALLS_CLONE_VFORK }, { "CLONE_THREAD", CALLS_CLONE_THREAD },
	};
	uint64_t v = 0;

	if (s < end && *s >= '0' && *s <= '9')	/* -X raw, -X verbose: 0x3d0f00 */
		return strtoull(s, NULL, 0);
	while (s < end && (isalnum((unsigned char)*s) || *s == '_' || *s == '|')) {
		size_t n = 0;
		while (s + n < end && (isalnum((unsigned char)s[n]) || s[n] == '_'))
			n++;
		for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
			if (strlen(names[i].name) == n && !memcmp(s, names[i].name, n))
				v |= names[i].v;
		s += n;
		if (s < end && *s == '|')
			s++;
	}
	return v;
}

/*
 * The clone flags of a fork-family call from its text (the first half of
 * an unfinished one will do: the flags come first): `flags=CLONE_VM|...` of
 * clone and clone3, a raw first argument (-X raw), fork's and vfork's own.
 */
uint64_t calls_clone_flags(const char *name, size_t n, const char *text, size_t len)
{
	const char *end = text + len, *f;

	if (n == 4 && !memcmp(name, "fork", 4))
		return 0;
	if (n == 5 && !memcmp(name, "vfork", 5))
		return CALLS_CLONE_VM | CALLS_CLONE_VFORK;
	f = memmem(text, len, "flags=", 6);
	if (f)
		return clone_flag_list(f + 6, end);
	f = memchr(text, '(', len);
	return f ? clone_flag_list(f + 1, end) : 0;
}

/* The program of execve("/bin/ls", ...) or execveat(fd, "/bin/ls", ...); NULL if none. */
char *calls_exec_path(const char *text)
{
	const char *q = strchr(text, '"'), *e;

	if (!q)
		return NULL;
	for (e = q + 1; *e && *e != '"'; e++)
		if (*e == '\\' && e[1])
			e++;
	return *e ? calls_unescape(q + 1, (size_t)(e - q - 1)) : NULL;
}
