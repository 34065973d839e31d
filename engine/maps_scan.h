/*
 * maps_scan.h - what the two halves of the maps/smaps parser share, private
 * to them: maps_parse.c reads any line carefully and words what is wrong;
 * maps_scan.c reads the lines most text is made of, fast.
 */
#ifndef VMATOOL_MAPS_SCAN_H
#define VMATOOL_MAPS_SCAN_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "maps.h"

#define BYTES(b) (UINT64_C(0x0101010101010101) * (b))

/* Hex digit values plus one; 0 for a character that is not a hex digit. */
extern const unsigned char maps_hexval1[256];

/* A VMA header line, scanned. */
struct maps_header {
	uint64_t start, end, offset, major, minor, inode;
	char perms[4];
	const char *name;
	size_t name_len;
	size_t prefix_len;	/* through the space after the inode */
	size_t name_off;
};

static inline bool is_digit(char c)
{
	return (unsigned char)(c - '0') < 10;
}

/*
 * Past the spaces at s (not beyond end), eight bytes at a time: the kernel
 * pads smaps values with up to 16 of them.
 */
static inline const char *skip_spaces(const char *s, const char *end)
{
	const uint64_t spaces = UINT64_C(0x2020202020202020);

	while (end - s >= 8) {
		uint64_t w;

		memcpy(&w, s, 8);
		w ^= spaces;
		if (w)
			return s + __builtin_ctzll(w) / 8;	/* little-endian: first byte low */
		s += 8;
	}
	while (s < end && *s == ' ')
		s++;
	return s;
}

/* Hex number of 1..16 digits at *pos; -1 none, -2 too long. */
int maps_scan_hex(const char **pos, const char *end, uint64_t *out);
/* Decimal number at *pos; -1 none, -2 too large for 64 bits. */
int maps_scan_dec(const char **pos, const char *end, uint64_t *out);

enum inode_scan { INODE_OK, INODE_NONE, INODE_TOO_LARGE, INODE_NO_SPACE, INODE_NAME_TOO_LONG };
/* The inode and the name after it, or which of the errors it has. */
enum inode_scan maps_inode_and_name(const char **pos, const char *line, const char *end,
				    struct maps_header *h);

/*
 * A header line as the kernel prints it, scanned without error wording: true
 * with *h as the careful scan would fill it (and the field widths in layout),
 * false for anything else.  Words are loaded only below limit.
 */
bool maps_fast_header(const char *line, const char *end, const char *limit,
		      struct maps_header *h, uint8_t layout[5]);
/* The same for a header with the field widths of layout (the one before). */
bool maps_same_layout_header(const char *line, const char *end, const char *limit,
			     const uint8_t layout[5], struct maps_header *h);

/*
 * One line [line, end) ('\n' not included; limit is the end of the buffer),
 * read carefully: every line the fast path of maps_parse() does not take.
 * The caller has counted it in p->lineno.
 */
int maps_parse_line(struct maps_parser *p, const char *line, const char *end,
		    const char *limit);

#endif
