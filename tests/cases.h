/*
 * cases.h - one grammar and one runner for the table-driven cases of the
 * engine (tests/test-cases.c, after jq's tests/jq.test).  Each file
 * tests/cases/KIND-NAME.test holds cases of one kind (parse, ops or diff):
 *
 *   # a comment (outside a case, or after its expectation)
 *   %%TEST what the case is about
 *   %%MACHINE NAME=VALUE ...  (ops, diff: the machine, engine/machine.h)
 *   %%PARAMS brk=0x... follow=1  (ops, diff: the process's break; follow
 *                             recorded results as sim does)
 *   %%NOEOL                   (parse: the last input line has no '\n')
 *   %%NOROUNDTRIP why         (parse: the text is not the kernel's form)
 *   <the input: maps or smaps text byte for byte (parse), or calls in the
 *    sim call language, one a line, with their recorded results (ops, diff)>
 *   %%THEN                    (diff: the calls that turn A into B follow)
 *   %%EXPECT                  (or %%FAIL: the input must be refused)
 *   <the expected output of the case's kind>
 *
 * What a kind checks and prints is in tests/cases-parse.c and
 * tests/cases-ops.c.  GENERATE=1 rewrites every expectation from what the
 * engine does now (review the diff!).
 */
#ifndef VMATOOL_TEST_CASES_H
#define VMATOOL_TEST_CASES_H

#include <stdbool.h>
#include <stddef.h>

/* A growing string (NUL-terminated once anything was added). */
struct str {
	char *s;
	size_t len, cap;
};

void str_addn(struct str *b, const char *s, size_t n);
void str_add(struct str *b, const char *s);
void str_addf(struct str *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void str_free(struct str *b);

struct test_case {
	char name[300];
	const char *file;
	struct str input, then, expect, trailer;	/* trailer: blank lines, comments */
	struct str machine, params;	/* the words of %%MACHINE and %%PARAMS lines */
	bool fail, noeol, noroundtrip, has_then;
};

/*
 * A kind's check of one case: the TAP assertions of the case, and into
 * *actual the output the expectation is compared with (for GENERATE=1).
 */
void cases_check_parse(const struct test_case *tc, struct str *actual);
void cases_check_ops(const struct test_case *tc, struct str *actual);
void cases_check_diff(const struct test_case *tc, struct str *actual);

#endif
