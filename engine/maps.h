/*
 * maps.h - reading and writing /proc/PID/maps and /proc/PID/smaps text.
 *
 * The parser takes text, never a file descriptor: the caller reads (in as
 * few read() calls as it likes) and feeds whole lines; the parser says how
 * many bytes it consumed and keeps no pointer into the caller's buffer.  It
 * detects maps against smaps from the text itself.  A malformed line is an
 * error that names the line and what was expected.
 *
 * The printer writes what the kernel would print for a VMA, byte for byte
 * (name column, trailing space of unnamed lines, smaps field widths).
 */
#ifndef VMATOOL_MAPS_H
#define VMATOOL_MAPS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vma.h"

enum maps_format {
	MAPS_FORMAT_UNKNOWN,	/* nothing seen yet */
	MAPS_FORMAT_MAPS,
	MAPS_FORMAT_SMAPS,
};

struct maps_parser {
	struct vma_model *m;
	enum maps_format format;
	size_t lineno;			/* of the last line consumed */
	struct vma *cur;		/* smaps: VMA whose fields are being read */
	unsigned name_column;		/* column where names start (73 on 64-bit) */
	char errmsg[160];		/* set on -EINVAL: "line 3: expected ..." */
	size_t errline;			/* the line of the error (3) */
	size_t errprefix;		/* length of "line 3: ": errmsg + errprefix is the rest */

	/* private to maps_parse.c */
	bool column_known;		/* name_column seen in the text */
	int8_t records_vmflags;		/* smaps records end in VmFlags: -1 unknown */
	bool cur_vmflags;		/* cur's record had its VmFlags line */
	bool cur_irregular;		/* cur's record left the template: no fast path */
	bool crlf;			/* the first line ended in "\r\n": every line does */
	unsigned page_shift;
	size_t cur_field;		/* index of the next field in cur's record */
	size_t header_line;		/* line of cur's header */
	unsigned ntemplate;		/* keys of the first smaps record, in order */
	uint16_t template_key[48];
	uint8_t template_len[48];
	const char *template_name[48];
	bool template_kb[48];		/* the key's value has " kB" */
	uint64_t template_word[48][2];	/* "Name:" as two words, zero padded ... */
	uint64_t template_mask[48][2];	/* ... and which of their bytes count */
	uint64_t template_padded[48][2]; /* "Name:" and spaces to column 16 (0: none) */
	uint8_t layout[5];		/* digits of start, end, offset, major, minor of the
					   last header read fast (0: none yet) */
};

/* Parse into m (which may already hold VMAs from nothing else). */
void maps_parser_init(struct maps_parser *p, struct vma_model *m);
/*
 * Parse the complete lines in buf[0..len).  With eof false, a last line
 * without '\n' is left unconsumed; with eof true it is parsed too.  Returns
 * the number of bytes consumed (>= 0), or -EINVAL (p->errmsg, p->errline)
 * or -ENOMEM.
 */
long maps_parse(struct maps_parser *p, const char *buf, size_t len, bool eof);
/*
 * One VMA's header fields, for readers of other formats (a vmatool/1
 * document): what a maps line holds, without the text.  name (name_len
 * bytes, may be NULL when 0) is the name column exactly as /proc prints it
 * and may hold any byte but '\n'.
 */
struct maps_fields {
	uint64_t start, end, offset, inode;
	unsigned major, minor;
	char perms[4];		/* "rw-p", not NUL-terminated */
	const char *name;
	size_t name_len;
};
/*
 * Add the VMA f describes as the next line would (same checks: order,
 * alignment, overlap, perms, device and name limits; each call counts as
 * one line in errline).  0, -EINVAL (p->errmsg) or -ENOMEM.
 */
int maps_parse_fields(struct maps_parser *p, const struct maps_fields *f);
/* End of input: checks the last smaps record is whole, classifies every VMA. */
int maps_parser_finish(struct maps_parser *p);
/* Guess the format of a file's first bytes (maps, smaps, or unknown). */
enum maps_format maps_sniff(const char *buf, size_t len);

/* Widest name column the parser takes from the text (the kernel's: 49, 73). */
#define MAPS_NAME_COLUMN_MAX 120

/* Longest name the parser takes (a 4096-byte path, every byte escaped). */
#define MAPS_NAME_MAX (4 * 4096)
/* Longest line maps_format_line may write (names are at most 4096 + escapes). */
#define MAPS_LINE_MAX (128 + MAPS_NAME_MAX)

/* The offset /proc prints for v: the file offset in bytes, 0 for anonymous memory. */
uint64_t maps_offset(const struct vma_model *m, const struct vma *v);

/* One maps line for v, with '\n'; returns its length.  buf holds MAPS_LINE_MAX. */
size_t maps_format_line(const struct vma_model *m, const struct vma *v,
			unsigned name_column, char *buf);
/*
 * The smaps record of v (header line, fields, VmFlags line).  A VMA without
 * smaps values gets Size, KernelPageSize, MMUPageSize and VmFlags only.
 * Returns the length; *buf grows (realloc) as needed, or -ENOMEM.
 */
long maps_format_smaps(const struct vma_model *m, const struct vma *v,
		       unsigned name_column, char **buf, size_t *cap);

/*
 * Names as /proc prints them keep '\n' escaped as "\012"; these turn a printed
 * name into the real path and back.  Return the length written; dst needs
 * len bytes (unescape) or 4 * len (escape).
 */
size_t maps_unescape_name(const char *src, size_t len, char *dst);
size_t maps_escape_name(const char *src, size_t len, char *dst);

#endif
