/*
 * fuzz.h - what the libFuzzer harnesses in fuzz/ share.
 *
 * Each harness defines LLVMFuzzerTestOneInput.  Built with clang's
 * -fsanitize=fuzzer it is a fuzzer (`make fuzz`); linked with fuzz/replay.c
 * by any compiler it replays a corpus (`make check` runs every corpus in
 * fuzz/corpus/ that way, and the sanitizer build of CI does it under ASan
 * and UBSan).  A broken invariant is a crash: FUZZ_CHECK prints why and
 * aborts, so libFuzzer keeps the input.
 */
#ifndef VMATOOL_FUZZ_H
#define VMATOOL_FUZZ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "maps.h"
#include "vma.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Abort with a message when cond is false. */
#define FUZZ_CHECK(cond, ...) \
	((cond) ? (void)0 : fuzz_fail(__FILE__, __LINE__, __VA_ARGS__))
__attribute__((noreturn, format(printf, 3, 4)))
void fuzz_fail(const char *file, int line, const char *fmt, ...);

/* A growing byte string. */
struct fuzz_buf {
	char *s;
	size_t len, cap;
};
void fuzz_buf_add(struct fuzz_buf *b, const char *s, size_t n);
void fuzz_buf_release(struct fuzz_buf *b);

/*
 * Parse text into a fresh model m, handing maps_parse chunks whose sizes come
 * from sizes[0..nsizes) in turn (nsizes 0: the whole text at once), as a
 * reader with a small buffer would.  Returns 0, -EINVAL (p->errmsg) or -ENOMEM.
 */
int fuzz_parse_maps(struct vma_model *m, struct maps_parser *p, const char *text,
		    size_t len, const uint8_t *sizes, size_t nsizes);
/*
 * The model printed back as the parser's format (maps lines or smaps
 * records), names at column (0: the column the parser found).
 */
void fuzz_print_maps(const struct maps_parser *p, unsigned column, struct fuzz_buf *out);
/* vma_validate, or abort naming what. */
void fuzz_validate(const struct vma_model *m, const char *what);

#endif
