/*
 * maps_print.c - print VMAs as /proc/PID/maps and /proc/PID/smaps do, byte
 * for byte (Linux fs/proc/task_mmu.c): hex addresses of at least 8 digits,
 * the offset of anonymous mappings as 0, the name padded to its column, the
 * trailing space of an unnamed line, smaps fields in the widths the kernel
 * uses, and the VmFlags line with a space after every mnemonic.
 *
 * Also the escaping of names: /proc prints '\n' in a path as "\012".
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "maps.h"

static const char hexdigits[] = "0123456789abcdef";

/* v in hex, at least min digits (zero-padded); returns the length. */
static size_t put_hex(char *buf, uint64_t v, unsigned min)
{
	char tmp[16];
	unsigned n = 0;

	do {
		tmp[n++] = hexdigits[v & 15];
		v >>= 4;
	} while (v);
	while (n < min)
		tmp[n++] = '0';
	for (unsigned i = 0; i < n; i++)
		buf[i] = tmp[n - 1 - i];
	return n;
}

/* v in decimal, right-aligned in width columns; returns the length. */
static size_t put_dec(char *buf, uint64_t v, unsigned width)
{
	char tmp[20];
	unsigned n = 0;

	do {
		tmp[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	size_t len = 0;
	while (n + len < width)
		buf[len++] = ' ';
	for (unsigned i = 0; i < n; i++)
		buf[len++] = tmp[n - 1 - i];
	return len;
}

static unsigned page_shift(const struct vma_model *m)
{
	uint64_t page = m->p.page_size ? m->p.page_size : 4096;
	unsigned shift = 0;

	while (((uint64_t)1 << shift) < page)
		shift++;
	return shift;
}

static bool vma_is_file(const struct vma *v)
{
	return v->file != 0 || v->inode != 0 || v->dev != 0;
}

uint64_t maps_offset(const struct vma_model *m, const struct vma *v)
{
	return vma_is_file(v) ? v->pgoff << page_shift(m) : 0;
}

/* "START-END PERMS OFFSET MM:mm INODE " as show_vma_header_prefix prints it. */
static size_t format_prefix(const struct vma_model *m, const struct vma *v, char *buf)
{
	uint64_t offset = maps_offset(m, v);
	size_t n = 0;

	n += put_hex(buf + n, v->start, 8);
	buf[n++] = '-';
	n += put_hex(buf + n, v->end, 8);
	buf[n++] = ' ';
	n += vmf_perms(v->flags, buf + n);
	buf[n++] = ' ';
	n += put_hex(buf + n, offset, 8);
	buf[n++] = ' ';
	n += put_hex(buf + n, VMA_DEV_MAJOR(v->dev), 2);
	buf[n++] = ':';
	n += put_hex(buf + n, VMA_DEV_MINOR(v->dev), 2);
	buf[n++] = ' ';
	n += put_dec(buf + n, v->inode, 0);
	buf[n++] = ' ';
	return n;
}

size_t maps_format_line(const struct vma_model *m, const struct vma *v,
			unsigned name_column, char *buf)
{
	size_t n = format_prefix(m, v, buf);
	size_t len = vma_name_len(m, v->name);

	if (len) {
		if (name_column > MAPS_NAME_COLUMN_MAX)
			name_column = MAPS_NAME_COLUMN_MAX;
		while (n + 1 < name_column)
			buf[n++] = ' ';
		buf[n++] = ' ';
		if (len > MAPS_LINE_MAX - 1 - n)
			len = MAPS_LINE_MAX - 1 - n;
		memcpy(buf + n, vma_name(m, v->name), len);
		n += len;
	}
	buf[n++] = '\n';
	return n;
}

/*
 * "Name:" padded to its label width, the value right-aligned, " kB".  Most
 * smaps text is these lines, so the usual one (at most 24 spaces) is made
 * with copies of fixed size, which the compiler inlines: 24 spaces after
 * the colon, then the last 24 columns (spaces, digits) at once, then the
 * name over whatever of that reached back into it.  The line always ends at
 * column 24 or later (the label is at least as wide as its name, and the
 * value fills SMAPS_LINE_WIDTH - label_width), so nothing lands before buf.
 */
static size_t format_field(const struct smaps_keyinfo *ki, uint64_t value, char *buf)
{
	static const char spaces[SMAPS_LINE_WIDTH] = "                        ";
	size_t len = strlen(ki->name), n = len + 1, end, nd;
	unsigned width = ki->label_width < SMAPS_LINE_WIDTH ? SMAPS_LINE_WIDTH - ki->label_width : 0;
	char cols[SMAPS_LINE_WIDTH], *d = cols + sizeof(cols);

	memcpy(cols, spaces, sizeof(cols));
	do {
		*--d = (char)('0' + value % 10);
		value /= 10;
	} while (value);
	nd = (size_t)(cols + sizeof(cols) - d);
	if (n < ki->label_width)
		n = ki->label_width;
	end = n + (nd > width ? nd : width);
	if (end - nd - (len + 1) <= sizeof(spaces) && end >= sizeof(cols)) {
		memcpy(buf + len + 1, spaces, sizeof(spaces));
		memcpy(buf + end - sizeof(cols), cols, sizeof(cols));
	} else {
		memset(buf + len + 1, ' ', end - nd - (len + 1));
		memcpy(buf + end - nd, d, nd);
	}
	memcpy(buf, ki->name, len);
	buf[len] = ':';
	n = end;
	if (ki->kb) {
		memcpy(buf + n, " kB", 3);
		n += 3;
	}
	buf[n++] = '\n';
	return n;
}

static size_t format_known(const struct vma_model *m, unsigned key, uint64_t value, char *buf)
{
	const struct smaps_keyinfo *ki = vma_smaps_key(m, key);

	return ki ? format_field(ki, value, buf) : 0;
}

/* The VmFlags line; an empty one (as read from qemu-user) stays empty. */
static size_t format_vmflags(const struct vma *v, char *buf)
{
	memcpy(buf, "VmFlags: ", 9);
	size_t n = 9;
	if (!(v->bits & VMA_B_VMFLAGS_EMPTY))
		n += vmf_format(v->flags, buf + 9, 3 * 64 + 1);
	buf[n++] = '\n';
	return n;
}

static int grow(char **buf, size_t *cap, size_t need)
{
	if (*cap >= need)
		return 0;
	size_t ncap = *cap ? *cap : 4096;
	while (ncap < need)
		ncap *= 2;
	char *nbuf = realloc(*buf, ncap);
	if (!nbuf)
		return -ENOMEM;
	*buf = nbuf;
	*cap = ncap;
	return 0;
}

#define SMAPS_BATCH	64	/* fields decoded at once (a kernel's record has ~30) */

long maps_format_smaps(const struct vma_model *m, const struct vma *v,
		       unsigned name_column, char **buf, size_t *cap)
{
	size_t count = vma_smaps_count(m, v);
	/*
	 * A field: "Name:" (key names are at most 64 bytes) padded to its label
	 * width (a u8), a value of at most 20 digits, " kB\n".  VmFlags: 9 + 3 * 64 + 1.
	 */
	size_t need = MAPS_LINE_MAX + (count + 3) * (255 + 24) + 9 + 3 * 64 + 2;

	if (grow(buf, cap, need))
		return -ENOMEM;
	char *out = *buf;
	size_t n = maps_format_line(m, v, name_column, out);

	if (count == 0) {
		uint64_t page_kb = (m->p.page_size ? m->p.page_size : 4096) >> 10;
		n += format_known(m, SMAPS_SIZE, (v->end - v->start) >> 10, out + n);
		n += format_known(m, SMAPS_KERNEL_PAGE_SIZE, page_kb, out + n);
		n += format_known(m, SMAPS_MMU_PAGE_SIZE, page_kb, out + n);
		n += format_vmflags(v, out + n);
		return (long)n;
	}
	if (count <= SMAPS_BATCH) {	/* all of a kernel's record, decoded in one go */
		unsigned keys[SMAPS_BATCH];
		uint64_t values[SMAPS_BATCH];

		count = vma_smaps_fields(m, v, keys, values, SMAPS_BATCH);
		for (size_t i = 0; i < count; i++)
			n += format_known(m, keys[i], values[i], out + n);
	} else {
		for (size_t i = 0; i < count; i++) {
			unsigned key;
			uint64_t value;
			vma_smaps_field(m, v, i, &key, &value);
			n += format_known(m, key, value, out + n);
		}
	}
	/* A record read without a VmFlags line (WSL1) is printed without one. */
	if (!(v->bits & VMA_B_FLAGS_INFERRED) || (v->bits & VMA_B_VMFLAGS_EMPTY))
		n += format_vmflags(v, out + n);
	return (long)n;
}

size_t maps_unescape_name(const char *src, size_t len, char *dst)
{
	size_t n = 0;

	for (size_t i = 0; i < len; i++) {
		if (src[i] == '\\' && len - i >= 4 && memcmp(src + i + 1, "012", 3) == 0) {
			dst[n++] = '\n';
			i += 3;
		} else {
			dst[n++] = src[i];
		}
	}
	return n;
}

size_t maps_escape_name(const char *src, size_t len, char *dst)
{
	size_t n = 0;

	for (size_t i = 0; i < len; i++) {
		if (src[i] == '\n') {
			memcpy(dst + n, "\\012", 4);
			n += 4;
		} else {
			dst[n++] = src[i];
		}
	}
	return n;
}
