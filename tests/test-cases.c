/*
 * test-cases.c - the runner of the case files tests/cases/KIND-NAME.test:
 * reads each file's cases in the grammar of tests/cases.h, hands each to the
 * checker of the file's kind (the name's prefix: parse-, ops-, diff-), and
 * with GENERATE=1 rewrites the expectations from what the engine did.  The
 * data is found through $top_srcdir (default ".").
 */
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cases.h"
#include "tap.h"

int tap_n, tap_failed;	/* TAP_EXTERN: the checkers count in the same stream */

/* ---- a growing string ------------------------------------------------------------ */

void str_addn(struct str *b, const char *s, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 256;
		char *p;

		while (cap < b->len + n + 1)
			cap *= 2;
		p = realloc(b->s, cap);
		if (!p) {
			printf("Bail out! out of memory\n");
			exit(1);
		}
		b->s = p;
		b->cap = cap;
	}
	memcpy(b->s + b->len, s, n);
	b->len += n;
	b->s[b->len] = 0;
}

void str_add(struct str *b, const char *s)
{
	str_addn(b, s, strlen(s));
}

void str_addf(struct str *b, const char *fmt, ...)
{
	char buf[4096];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	str_addn(b, buf, n < 0 ? 0 : (size_t)n < sizeof(buf) ? (size_t)n : sizeof(buf) - 1);
}

void str_free(struct str *b)
{
	free(b->s);
	*b = (struct str){ 0 };
}

/* ---- reading a file ----------------------------------------------------------------- */

typedef void (*check_fn)(const struct test_case *tc, struct str *actual);

static bool starts_with(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

enum state { OUTSIDE, INPUT, THEN, EXPECT };

struct reader {
	struct test_case tc;
	enum state state;
	struct str rewritten;	/* the file with the expectations the engine gave */
	check_fn check;
	bool calls;		/* ops/diff: blank and '#' lines of the input are not calls */
};

static void case_end(struct reader *r)
{
	struct str actual = { 0 };

	if (r->state != OUTSIDE) {
		r->check(&r->tc, &actual);
		str_add(&r->rewritten, actual.s ? actual.s : "");
		str_add(&r->rewritten, r->tc.trailer.s ? r->tc.trailer.s : "");
	}
	str_free(&actual);
	str_free(&r->tc.input);
	str_free(&r->tc.then);
	str_free(&r->tc.expect);
	str_free(&r->tc.trailer);
	str_free(&r->tc.machine);
	str_free(&r->tc.params);
	r->tc = (struct test_case){ .file = r->tc.file };
	r->state = OUTSIDE;
}

/* A %% line other than %%TEST; false if it is not one the grammar has. */
static bool directive(struct reader *r, const char *line)
{
	struct test_case *tc = &r->tc;
	size_t n = strcspn(line, "\n");

	if (starts_with(line, "%%NOEOL")) {
		tc->noeol = true;
	} else if (starts_with(line, "%%NOROUNDTRIP")) {
		tc->noroundtrip = true;
	} else if (starts_with(line, "%%MACHINE ")) {
		str_addn(&tc->machine, line + 10, n - 10);
		str_add(&tc->machine, " ");
	} else if (starts_with(line, "%%PARAMS ")) {
		str_addn(&tc->params, line + 9, n - 9);
		str_add(&tc->params, " ");
	} else if (starts_with(line, "%%THEN")) {
		tc->has_then = true;
		r->state = THEN;
	} else if (starts_with(line, "%%EXPECT")) {
		r->state = EXPECT;
	} else if (starts_with(line, "%%FAIL")) {
		tc->fail = true;
		r->state = EXPECT;
	} else {
		return false;
	}
	return true;
}

static void take_line(struct reader *r, const char *line, size_t n)
{
	struct test_case *tc = &r->tc;
	bool skip = r->calls && (line[0] == '\n' || line[0] == '#');

	if (r->state == EXPECT && (line[0] == '\n' || line[0] == '#')) {
		str_addn(&tc->trailer, line, n);
		return;
	}
	if (r->state == EXPECT)
		str_addn(&tc->expect, line, n);
	else if (r->state == THEN && !skip)
		str_addn(&tc->then, line, n);
	else if (r->state == INPUT && !skip)
		str_addn(&tc->input, line, n);
	if (r->state != EXPECT)
		str_addn(&r->rewritten, line, n);
}

static void run_file(const char *path, const char *shortname, check_fn check, bool calls,
		     bool regenerate)
{
	struct reader r = { .tc = { .file = shortname }, .check = check, .calls = calls };
	FILE *f = fopen(path, "r");
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;

	if (!f) {
		ok(0, "open %s: %s", path, strerror(errno));
		return;
	}
	while ((n = getline(&line, &cap, f)) >= 0) {
		if (starts_with(line, "%%TEST ")) {
			case_end(&r);
			snprintf(r.tc.name, sizeof(r.tc.name), "%.*s", (int)strcspn(line + 7, "\n"),
				 line + 7);
			r.state = INPUT;
			str_add(&r.rewritten, line);
		} else if (r.state != OUTSIDE && starts_with(line, "%%")) {
			if (!directive(&r, line))
				ok(0, "%s: %s: unknown directive %.*s", shortname, r.tc.name,
				   (int)strcspn(line, "\n"), line);
			str_add(&r.rewritten, line);
		} else if (r.state == OUTSIDE) {
			str_addn(&r.rewritten, line, (size_t)n);	/* comments before the first case */
		} else {
			take_line(&r, line, (size_t)n);
		}
	}
	case_end(&r);
	free(line);
	fclose(f);
	if (regenerate && (f = fopen(path, "w"))) {
		fwrite(r.rewritten.s, 1, r.rewritten.len, f);
		fclose(f);
	}
	str_free(&r.rewritten);
}

/* ---- the files ------------------------------------------------------------------------- */

static const struct kind {
	const char *prefix;
	check_fn check;
	bool calls;
} kinds[] = {
	{ "parse-", cases_check_parse, false },
	{ "ops-", cases_check_ops, true },
	{ "diff-", cases_check_diff, true },
};

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int main(void)
{
	const char *top = getenv("top_srcdir"), *gen = getenv("GENERATE");
	char dir[4096], path[8192], *names[512];
	size_t count = 0, k;
	struct dirent *de;
	DIR *d;

	snprintf(dir, sizeof(dir), "%s/tests/cases", top && *top ? top : ".");
	if (!(d = opendir(dir))) {
		ok(0, "open %s: %s", dir, strerror(errno));
		return tap_done();
	}
	while ((de = readdir(d)) && count < 512) {
		size_t len = strlen(de->d_name);

		if (len > 5 && strcmp(de->d_name + len - 5, ".test") == 0)
			names[count++] = strdup(de->d_name);
	}
	closedir(d);
	qsort(names, count, sizeof(names[0]), cmp_names);
	ok(count >= 3, "found %zu case files in %s", count, dir);
	for (size_t i = 0; i < count; i++) {
		for (k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++)
			if (starts_with(names[i], kinds[k].prefix))
				break;
		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		if (k == sizeof(kinds) / sizeof(kinds[0]))
			ok(0, "%s: the name starts with parse-, ops- or diff-", names[i]);
		else
			run_file(path, names[i], kinds[k].check, kinds[k].calls, gen && *gen == '1');
		free(names[i]);
	}
	return tap_done();
}
