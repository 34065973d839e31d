/*
 * tap.h - a small Test Anything Protocol emitter for the C tests.
 *
 * Every check prints "ok N - name" or "not ok N - name" and the automake TAP
 * driver counts each one, so `make check` reports assertions, not programs.
 * Call tap_done() last: it prints the plan and returns the exit status.
 */
#ifndef VMATOOL_TAP_H
#define VMATOOL_TAP_H

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#ifdef TAP_EXTERN	/* a test program of several files: one defines them */
extern int tap_n, tap_failed;
#else
static int tap_n, tap_failed;
#endif

static inline int tap_vok(int cond, const char *fmt, va_list ap)
{
	tap_n++;
	printf("%sok %d - ", cond ? "" : "not ", tap_n);
	vprintf(fmt, ap);
	putchar('\n');
	if (!cond)
		tap_failed++;
	fflush(stdout);
	return cond;
}

static inline __attribute__((format(printf, 2, 3)))
int ok(int cond, const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = tap_vok(cond, fmt, ap);
	va_end(ap);
	return r;
}

/* A diagnostic line, shown in the test log. */
static inline __attribute__((format(printf, 1, 2)))
void diag(const char *fmt, ...)
{
	va_list ap;

	fputs("# ", stdout);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
}

#define is_u64(got, want, ...) \
	(ok((uint64_t)(got) == (uint64_t)(want), __VA_ARGS__) || \
	 (diag("  got 0x%" PRIx64 ", want 0x%" PRIx64, (uint64_t)(got), (uint64_t)(want)), 0))

#define is_str(got, want, ...) \
	(ok(strcmp((got), (want)) == 0, __VA_ARGS__) || \
	 (diag("  got:  '%s'", (got)), diag("  want: '%s'", (want)), 0))

/* One assertion that cannot be made here: "ok N # SKIP why". */
static inline void skip(const char *why)
{
	printf("ok %d # SKIP %s\n", ++tap_n, why);
}

static inline int tap_skip_all(const char *why)
{
	printf("1..0 # SKIP %s\n", why);
	return 0;
}

static inline int tap_done(void)
{
	printf("1..%d\n", tap_n);
	return tap_failed ? 1 : 0;
}

#endif
