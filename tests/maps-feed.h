/*
 * maps-feed.h - the maps parser fed in chunks, as a reader of a pipe or of
 * /proc feeds it: shared by the parse cases (tests/cases-parse.c) and the
 * fuzz harnesses (fuzz/fuzz-util.c), which differ only in the chunk sizes.
 */
#ifndef VMATOOL_TESTS_MAPS_FEED_H
#define VMATOOL_TESTS_MAPS_FEED_H

#include <stddef.h>

#include "maps.h"

/* The size of the next chunk (any size; more than is left means the rest). */
typedef size_t (*maps_feed_next)(void *ctx);

/*
 * Hand text[0..len) to maps_parse in chunks of next(ctx) bytes appended to
 * what it left, then maps_parser_finish.  Returns 0, maps_parse's error
 * (-EINVAL with p->errmsg, -ENOMEM), or -EPROTO when the parser broke its
 * contract: consumed more than it had, or left bytes at the end of input.
 */
int maps_feed(struct maps_parser *p, const char *text, size_t len, maps_feed_next next,
	      void *ctx);

#endif
