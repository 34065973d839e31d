/*
 * kernel-judge.h - the judge of tests/test-kernel.c: reads the sequences
 * tests/recorder writes, replays each on the engine and says where the
 * model and the kernel first part ways, with a minimal reproduction.
 */
#ifndef VMATOOL_KERNEL_JUDGE_H
#define VMATOOL_KERNEL_JUDGE_H

#include <stddef.h>
#include <stdio.h>

/* A growing text buffer, always NUL-terminated once used. */
struct sbuf {
	char *p;
	size_t n, cap;
};
void sb_add(struct sbuf *b, const char *s, size_t n);
void sb_printf(struct sbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* One recorded sequence; offsets are into text. */
struct entry {
	size_t line, line_len;		/* the call, in seq.text */
	size_t state, state_len;	/* the kernel's VMAs after it */
	int has_state;
};

struct seq {
	struct sbuf text;
	unsigned long long seed;
	char family[16];
	size_t before, before_len, after, after_len;
	unsigned long long start_brk, brk;	/* "== brk": the heap's start, the break */
	struct entry *e;
	size_t n, cap;
	int complete;
	char crash[64];
};
/* Read the next sequence (reusing s's buffers); 0 at the end of the stream. */
int seq_read(FILE *f, struct seq *s);
void seq_free(struct seq *s);

enum outcome {
	AGREE, WRONG_RESULT, WRONG_VMAS, WRONG_AFTER, BAD_PARSE, BAD_APPLY, BAD_SNAPSHOT,
	BAD_MODEL	/* vma_validate failed after a call */
};

/* Where and how a replay parted from the kernel. */
struct run {
	enum outcome what;
	size_t at;			/* entry where it diverged */
	int kernel_err, model_err;	/* errno, 0 for success */
	long long kernel_val;
	unsigned long long model_val;
	char category[160];
	struct sbuf msg;		/* parse errors, VMA differences */
};
/* Replay s from its "before" snapshot; fills *r (caller frees r->msg.p). */
void judge_seq(const struct seq *s, struct run *r);
/* The model's final VMAs (as records_from_text) after all the calls, divergences or not. */
void judge_final(const struct seq *s, struct sbuf *out);
/* Report r on out as "F category" and "D text" lines; full: with a minimal reproduction. */
void report(FILE *out, const struct seq *s, const struct run *r, int full);

/* A maps or VmFlags line of the recorder's state blocks? */
int is_state_line(const char *l);
/* One "maps line [vmflags]" record per VMA, whitespace normalised. */
void records_from_text(const char *t, size_t n, struct sbuf *out);
/* Length of a recorded call line without " = RESULT" (kept for openat, close, brk(NULL)). */
size_t call_without_result(const char *l, size_t n);

#endif
