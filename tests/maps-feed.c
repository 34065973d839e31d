/*
 * maps-feed.c - the maps parser fed in chunks (see maps-feed.h).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "maps-feed.h"

int maps_feed(struct maps_parser *p, const char *text, size_t len, maps_feed_next next,
	      void *ctx)
{
	char *pending = malloc(len + 1);
	size_t have = 0, pos = 0;
	long r = 0;

	if (!pending)
		return -ENOMEM;
	while (pos < len || have) {
		size_t n = next(ctx);
		if (n > len - pos)
			n = len - pos;
		memcpy(pending + have, text + pos, n);
		have += n;
		pos += n;
		r = maps_parse(p, pending, have, pos == len);
		if (r < 0)
			break;
		if ((size_t)r > have || (pos == len && (size_t)r < have)) {
			r = -EPROTO;	/* more than it had, or bytes left at eof */
			break;
		}
		memmove(pending, pending + r, have - (size_t)r);
		have -= (size_t)r;
	}
	free(pending);
	return r < 0 ? (int)r : maps_parser_finish(p);
}
