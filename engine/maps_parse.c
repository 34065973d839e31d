/*
 * maps_parse.c - the incremental parser of /proc/PID/maps and smaps text.
 *
 * The caller feeds whole lines in chunks of any size; each line is scanned
 * once, by hand (no sscanf, no allocation per line): a VMA header
 *
 *   START-END PERMS OFFSET MAJOR:MINOR INODE   [padding] NAME
 *
 * or, in smaps text, a "Key:   value [kB]" field or the VmFlags line of the
 * VMA above.  Names are kept raw, as the kernel printed them ("\012",
 * " (deleted)"); the column where names start is remembered so the printer
 * can put them back there.  Errors name the line and what was expected.
 *
 * This file reads any line carefully (maps_parse_line); maps_parse() itself,
 * in maps_scan.c, reads the common lines fast and hands it the others.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "maps.h"
#include "maps_scan.h"
#include "vma_internal.h"

#define NAME_COLUMN_64BIT 73	/* 25 + 6 * sizeof(void *) - 1, then a space */

static __attribute__((format(printf, 2, 3)))
int parse_error(struct maps_parser *p, const char *fmt, ...)
{
	va_list ap;
	int n;

	p->errline = p->lineno;
	n = snprintf(p->errmsg, sizeof(p->errmsg), "line %zu: ", p->lineno);
	if (n < 0 || (size_t)n >= sizeof(p->errmsg))
		n = 0;
	p->errprefix = (size_t)n;
	va_start(ap, fmt);
	vsnprintf(p->errmsg + n, sizeof(p->errmsg) - (size_t)n, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

void maps_parser_init(struct maps_parser *p, struct vma_model *m)
{
	uint64_t page = m->p.page_size ? m->p.page_size : 4096;

	memset(p, 0, sizeof(*p));
	p->m = m;
	p->format = MAPS_FORMAT_UNKNOWN;
	p->name_column = NAME_COLUMN_64BIT;
	p->records_vmflags = -1;
	while (((uint64_t)1 << p->page_shift) < page)
		p->page_shift++;
}

/* ---- scanning helpers ----------------------------------------------------- */

static int expect_char(struct maps_parser *p, const char **pos, const char *end,
		       char c, const char *after)
{
	if (*pos < end && **pos == c) {
		(*pos)++;
		return 0;
	}
	if (c == ' ')
		return parse_error(p, "expected a space after %s", after);
	return parse_error(p, "expected '%c' after %s", c, after);
}

static int hex_field(struct maps_parser *p, const char **pos, const char *end,
		     uint64_t *out, const char *what)
{
	int r = maps_scan_hex(pos, end, out);

	if (r == -1)
		return parse_error(p, "expected %s (hex digits)", what);
	if (r == -2)
		return parse_error(p, "%s has more than 16 hex digits", what);
	return 0;
}

/* ---- VMA header lines ----------------------------------------------------- */

static int scan_perms(struct maps_parser *p, const char **pos, const char *end,
		      char perms[4])
{
	static const char want[4][2] = { { 'r', '-' }, { 'w', '-' }, { 'x', '-' }, { 's', 'p' } };
	const char *s = *pos;

	for (int i = 0; i < 4; i++) {
		if (s + i >= end || (s[i] != want[i][0] && s[i] != want[i][1]))
			return parse_error(p, "expected '%c' or '%c' at position %d of the permissions",
					   want[i][0], want[i][1], i + 1);
		perms[i] = s[i];
	}
	*pos = s + 4;
	return 0;
}

static int scan_device(struct maps_parser *p, const char **pos, const char *end,
		       struct maps_header *h)
{
	int r;

	if ((r = hex_field(p, pos, end, &h->major, "device major")) ||
	    (r = expect_char(p, pos, end, ':', "device major")) ||
	    (r = hex_field(p, pos, end, &h->minor, "device minor")))
		return r;
	if (h->major > 0xfff)
		return parse_error(p, "device major 0x%llx is out of range",
				   (unsigned long long)h->major);
	if (h->minor > 0xfffff)
		return parse_error(p, "device minor 0x%llx is out of range",
				   (unsigned long long)h->minor);
	return 0;
}

static int scan_inode_and_name(struct maps_parser *p, const char **pos, const char *line,
			       const char *end, struct maps_header *h)
{
	switch (maps_inode_and_name(pos, line, end, h)) {
	case INODE_NONE:
		return parse_error(p, "expected inode (decimal digits)");
	case INODE_TOO_LARGE:
		return parse_error(p, "inode is too large");
	case INODE_NO_SPACE:
		return parse_error(p, "expected a space after inode");
	case INODE_NAME_TOO_LONG:
		return parse_error(p, "name is longer than %d bytes", MAPS_NAME_MAX);
	default:
		return 0;
	}
}

static int scan_header(struct maps_parser *p, const char *line, const char *end,
		       struct maps_header *h)
{
	const char *s = line;
	int r;

	if ((r = hex_field(p, &s, end, &h->start, "start address")) ||
	    (r = expect_char(p, &s, end, '-', "start address")) ||
	    (r = hex_field(p, &s, end, &h->end, "end address")) ||
	    (r = expect_char(p, &s, end, ' ', "end address")) ||
	    (r = scan_perms(p, &s, end, h->perms)) ||
	    (r = expect_char(p, &s, end, ' ', "permissions")) ||
	    (r = hex_field(p, &s, end, &h->offset, "offset")) ||
	    (r = expect_char(p, &s, end, ' ', "offset")) ||
	    (r = scan_device(p, &s, end, h)) ||
	    (r = expect_char(p, &s, end, ' ', "device")))
		return r;
	return scan_inode_and_name(p, &s, line, end, h);
}

static bool name_is(const char *s, size_t len, const char *want)
{
	return len == strlen(want) && memcmp(s, want, len) == 0;
}

static bool name_has_prefix(const char *s, size_t len, const char *prefix)
{
	size_t n = strlen(prefix);

	return len >= n && memcmp(s, prefix, n) == 0;
}

/* Flags of the special mappings, as Linux 6.18 installs them. */
static bool special_flags(const struct maps_header *h, vmf_t *flags)
{
	if (name_is(h->name, h->name_len, "[vvar]") ||
	    name_is(h->name, h->name_len, "[vvar_vclock]"))
		*flags = VMF(READ) | VMF(MAYREAD) | VMF(PFNMAP) | VMF(IO) |
			 VMF(DONTEXPAND) | VMF(DONTDUMP);
	else if (name_is(h->name, h->name_len, "[vdso]"))
		*flags = VMF(READ) | VMF(EXEC) | VMF(MAYREAD) | VMF(MAYWRITE) |
			 VMF(MAYEXEC) | VMF(DONTEXPAND);
	else if (name_is(h->name, h->name_len, "[vsyscall]"))
		*flags = VMF(EXEC);
	else if (name_is(h->name, h->name_len, "[uprobes]"))
		*flags = VMF(EXEC) | VMF(MAYEXEC) | VMF(IO) | VMF(DONTCOPY);
	else
		return false;
	return true;
}

/* Shared mappings whose file is shmem, always opened read-write. */
static bool shmem_name(const struct maps_header *h)
{
	return name_has_prefix(h->name, h->name_len, "/dev/zero ") ||
	       name_has_prefix(h->name, h->name_len, "[anon_shmem:") ||
	       name_has_prefix(h->name, h->name_len, "/SYSV") ||
	       name_has_prefix(h->name, h->name_len, "/memfd:") ||
	       name_has_prefix(h->name, h->name_len, "/anon_hugepage ");
}

/*
 * VmFlags for a maps line, where the kernel does not print them: the
 * usual outcome of mmap for these permissions (private mappings may write,
 * shared ones only if the file was opened for writing, which shmem always
 * is; private writable memory is accounted; the stack grows down).
 */
static vmf_t infer_flags(const struct maps_header *h)
{
	vmf_t f = 0, special;

	if (h->perms[0] == 'r')
		f |= VMF(READ);
	if (h->perms[1] == 'w')
		f |= VMF(WRITE);
	if (h->perms[2] == 'x')
		f |= VMF(EXEC);
	if (h->name && special_flags(h, &special)) {	/* what is printed wins */
		special &= ~(VMF_ACCESS | VMF(MAYSHARE));
		return f | special | (h->perms[3] == 's' ? VMF(MAYSHARE) : 0);
	}
	f |= VMF(MAYREAD) | VMF(MAYEXEC);
	if (h->perms[3] == 's') {
		f |= VMF(MAYSHARE);
		if (h->perms[1] == 'w' || (h->name && shmem_name(h)))
			f |= VMF(SHARED) | VMF(MAYWRITE);
	} else {
		f |= VMF(MAYWRITE);
		if (h->perms[1] == 'w')
			f |= VMF(ACCOUNT);
	}
	if (h->name && name_is(h->name, h->name_len, "[stack]"))	/* not [stack:TID] */
		f |= VMF(GROWSDOWN);
	return f;
}

static void note_name_column(struct maps_parser *p, const struct maps_header *h)
{
	if (p->column_known || !h->name)
		return;
	/* The kernel padded (so the column is exact) to a plausible width. */
	if (h->name_off > h->prefix_len + 1 && h->name_off <= MAPS_NAME_COLUMN_MAX) {
		p->name_column = (unsigned)h->name_off;
		p->column_known = true;
	}
}

static int check_order(struct maps_parser *p, const struct maps_header *h)
{
	const struct vma *last = p->cur;	/* the previous line's VMA */

	if (h->end <= h->start)
		return parse_error(p, "VMA end 0x%llx is not above its start 0x%llx",
				   (unsigned long long)h->end, (unsigned long long)h->start);
	if (((h->start | h->end) & ((UINT64_C(1) << p->page_shift) - 1)) != 0)
		return parse_error(p, "VMA 0x%llx-0x%llx is not page-aligned",
				   (unsigned long long)h->start, (unsigned long long)h->end);
	if (last && h->start < last->end) {
		if (h->end > last->start)
			return parse_error(p, "VMA 0x%llx-0x%llx overlaps the previous one",
					   (unsigned long long)h->start, (unsigned long long)h->end);
		return parse_error(p, "VMA 0x%llx-0x%llx comes before the previous one (not sorted)",
				   (unsigned long long)h->start, (unsigned long long)h->end);
	}
	return 0;
}

static int fill_vma(struct maps_parser *p, struct vma *v, const struct maps_header *h)
{
	bool has_file = h->major || h->minor || h->inode;
	uint64_t page_mask = (UINT64_C(1) << p->page_shift) - 1;

	v->start = h->start;
	v->end = h->end;
	v->dev = VMA_DEV(h->major, h->minor);
	v->inode = h->inode;
	v->pkey = -1;
	v->flags = infer_flags(h);
	v->bits = VMA_B_FLAGS_INFERRED;
	if (has_file && (h->offset & page_mask))
		return parse_error(p, "offset 0x%llx is not a multiple of the page size",
				   (unsigned long long)h->offset);
	if (has_file || h->offset) {
		v->pgoff = h->offset >> p->page_shift;
	} else {
		v->pgoff = h->start >> p->page_shift;
		v->bits |= VMA_B_PGOFF_INFERRED;
	}
	if (h->name && vma_intern_checked(p->m, h->name, h->name_len, &v->name) < 0)
		return -ENOMEM;
	return 0;
}

static int vmflags_missing(struct maps_parser *p);

/* The header line at [line, end); h is its scan when fast_header made it, else NULL. */
static int parse_header_line(struct maps_parser *p, const char *line, const char *end,
			     const struct maps_header *scanned)
{
	struct maps_header h;
	struct vma *v;
	int r;

	if (scanned)
		h = *scanned;
	else if ((r = scan_header(p, line, end, &h)))
		return r;
	if ((r = check_order(p, &h)))
		return r;
	if (p->cur && (r = vmflags_missing(p)))
		return r;
	note_name_column(p, &h);
	v = vma_alloc(p->m);
	if (!v)
		return -ENOMEM;
	r = fill_vma(p, v, &h);
	if (r == 0) {
		/* Lines come sorted: appending after the last VMA needs no search. */
		if (!p->m->last || p->m->last->end <= v->start)
			r = vma_insert_after(p->m, p->m->last, v);
		else
			r = vma_insert(p->m, v);
		if (r == -EEXIST)
			r = parse_error(p, "VMA 0x%llx-0x%llx overlaps another VMA",
					(unsigned long long)h.start, (unsigned long long)h.end);
	}
	if (r) {
		vma_free(p->m, v);
		return r;
	}
	p->cur = v;
	p->cur_field = 0;
	p->cur_vmflags = false;
	p->cur_irregular = false;
	p->header_line = p->lineno;
	return 0;
}

int maps_parse_fields(struct maps_parser *p, const struct maps_fields *f)
{
	struct maps_header h;
	int i;

	p->lineno++;
	memset(&h, 0, sizeof(h));
	for (i = 0; i < 4; i++)
		if (f->perms[i] != "rwxp"[i] && f->perms[i] != (i < 3 ? '-' : 's'))
			return parse_error(p, "expected permissions like rw-p");
	if (f->major > 0xfff || f->minor > 0xfffff)
		return parse_error(p, "device %x:%x is out of range", f->major, f->minor);
	if (f->name_len > MAPS_NAME_MAX)
		return parse_error(p, "name is longer than %d bytes", MAPS_NAME_MAX);
	if (f->name_len && memchr(f->name, '\n', f->name_len))
		return parse_error(p, "a name holds a newline");
	h.start = f->start;
	h.end = f->end;
	h.offset = f->offset;
	h.major = f->major;
	h.minor = f->minor;
	h.inode = f->inode;
	memcpy(h.perms, f->perms, 4);
	h.name = f->name_len ? f->name : NULL;
	h.name_len = f->name_len;
	if (p->format == MAPS_FORMAT_UNKNOWN && p->cur)
		p->format = MAPS_FORMAT_MAPS;
	return parse_header_line(p, NULL, NULL, &h);
}

/* ---- smaps fields --------------------------------------------------------- */

/* A record that ends (next header, or end of input) must have had VmFlags if the first did. */
static int vmflags_missing(struct maps_parser *p)
{
	if (p->format != MAPS_FORMAT_SMAPS)
		return 0;
	if (p->records_vmflags < 0)
		p->records_vmflags = p->cur_vmflags;
	if (p->records_vmflags && !p->cur_vmflags)
		return parse_error(p, "expected a VmFlags line to end the smaps record of VMA "
				   "0x%llx-0x%llx (line %zu)", (unsigned long long)p->cur->start,
				   (unsigned long long)p->cur->end, p->header_line);
	return 0;
}

/* The first of rd wr ex ms on which the VmFlags and the permissions differ. */
static int perms_disagree(struct maps_parser *p, vmf_t flags, vmf_t from_perms)
{
	static const unsigned bits[] = {
		VMF_READ_BIT, VMF_WRITE_BIT, VMF_EXEC_BIT, VMF_MAYSHARE_BIT,
	};
	char perms[5];

	vmf_perms(from_perms, perms);
	for (unsigned i = 0; i < 4; i++) {
		vmf_t bit = (vmf_t)1 << bits[i];
		if ((flags & bit) == (from_perms & bit))
			continue;
		if (from_perms & bit)
			return parse_error(p, "expected '%s' in VmFlags for permissions '%s'",
					   vmf_mnemonic(bits[i]), perms);
		return parse_error(p, "VmFlags have '%s' but the permissions are '%s'",
				   vmf_mnemonic(bits[i]), perms);
	}
	return 0;
}

static int parse_vmflags(struct maps_parser *p, const char *s, const char *end)
{
	struct vma *v = p->cur;
	vmf_t inferred = v->flags, flags = 0;
	bool any = false;

	while (s < end) {
		if (*s == ' ') {
			s++;
			continue;
		}
		const char *w = s;
		while (s < end && *s != ' ')
			s++;
		int bit = vmf_lookup(w, (size_t)(s - w));
		if (bit < 0) {
			if (s - w != 2)
				return parse_error(p, "expected two-letter flags in VmFlags, got '%.*s'",
						   (int)(s - w > 16 ? 16 : s - w), w);
			return parse_error(p, "too many unknown flags in VmFlags ('%.2s')", w);
		}
		flags |= (vmf_t)1 << bit;
		any = true;
	}
	p->cur_vmflags = true;
	if (!any) {		/* qemu-user prints an empty line: keep the guess */
		v->bits |= VMA_B_VMFLAGS_EMPTY;
		return 0;
	}
	v->flags = flags;
	v->bits &= (uint16_t)~(VMA_B_FLAGS_INFERRED | VMA_B_VMFLAGS_EMPTY);
	/* v is linked: its gap below depends on grows-down (the guard gap) */
	if ((flags ^ inferred) & VMF(GROWSDOWN))
		vma_gap_update(p->m, v);
	return perms_disagree(p, flags, inferred);
}

/* Label width for a key met in the text, from where its value ends (see vma.h). */
static unsigned learn_label_width(size_t name_len, size_t value_start, size_t value_end)
{
	size_t lw;

	if (value_end == SMAPS_LINE_WIDTH) {
		lw = name_len + 2 > 16 ? name_len + 2 : 16;
		if (lw > value_start)
			lw = value_start;
	} else {
		lw = value_start;
	}
	return lw > 255 ? 255 : (unsigned)lw;
}

/* "Name:" of template slot i as words for fast_field (names over 15 bytes: none). */
static void template_words(struct maps_parser *p, unsigned i, const char *name, size_t len)
{
	unsigned char bytes[16] = { 0 }, mask[16] = { 0 };

	memset(p->template_mask[i], 0, sizeof(p->template_mask[i]));
	memset(p->template_padded[i], 0, sizeof(p->template_padded[i]));
	if (len + 1 > sizeof(bytes))
		return;
	memcpy(bytes, name, len);
	bytes[len] = ':';
	memset(mask, 0xff, len + 1);
	memcpy(p->template_word[i], bytes, sizeof(bytes));
	memcpy(p->template_mask[i], mask, sizeof(mask));
	memset(bytes + len + 1, ' ', sizeof(bytes) - len - 1);
	memcpy(p->template_padded[i], bytes, sizeof(bytes));
}

/* Key id for the field name at [line, line+len), with the shape its line shows. */
static int field_key(struct maps_parser *p, const char *line, size_t len,
		     size_t value_start, size_t value_end, bool kb)
{
	int key = vma_smaps_key_add(p->m, line, len,
				    learn_label_width(len, value_start, value_end), kb);
	if (key < 0)
		return key;
	if (p->records_vmflags < 0 && p->cur_field == p->ntemplate && len < 256 &&
	    p->ntemplate < sizeof(p->template_key) / sizeof(p->template_key[0])) {
		p->template_key[p->ntemplate] = (uint16_t)key;
		p->template_len[p->ntemplate] = (uint8_t)len;
		p->template_name[p->ntemplate] = vma_smaps_key(p->m, (unsigned)key)->name;
		p->template_kb[p->ntemplate] = vma_smaps_key(p->m, (unsigned)key)->kb;
		template_words(p, p->ntemplate, line, len);
		p->ntemplate++;
	}
	return key;
}

/*
 * A key may appear once in a record (else JSON would get it twice).  Fields
 * in the first record's order cannot repeat one; any other field is looked
 * for among the record's fields, and then the record is read without the
 * fast path (which trusts that order) to its end.
 */
static int check_duplicate(struct maps_parser *p, unsigned key, const char *line,
			   size_t name_len)
{
	uint64_t old;

	if (p->records_vmflags >= 0 && !p->cur_irregular && p->cur_field < p->ntemplate &&
	    p->template_key[p->cur_field] == key)
		return 0;
	if (p->records_vmflags >= 0)
		p->cur_irregular = true;
	if (vma_smaps_get(p->m, p->cur, key, &old))
		return parse_error(p, "smaps field '%.*s' appears twice in the record of VMA "
				   "0x%llx-0x%llx (line %zu)", (int)name_len, line,
				   (unsigned long long)p->cur->start,
				   (unsigned long long)p->cur->end, p->header_line);
	return 0;
}

/*
 * The value of a "Key:   value [kB]" line whose name is name_len bytes; key
 * is its id when the caller already knows it (the usual order), else -1.
 */
static int parse_field_value(struct maps_parser *p, const char *line, size_t name_len,
			     const char *end, int key)
{
	const char *s = line + name_len + 1;
	uint64_t value;
	bool kb = false;
	int r;

	s = skip_spaces(s, end);
	while (s < end && (*s == ' ' || *s == '\t'))	/* Linux 5.x: "THPeligible:\t\t0" */
		s++;
	size_t value_start = (size_t)(s - line);
	r = maps_scan_dec(&s, end, &value);
	if (r == -1)
		return parse_error(p, "expected a number after '%.*s:'", (int)name_len, line);
	if (r == -2)
		return parse_error(p, "value of '%.*s' is too large", (int)name_len, line);
	size_t value_end = (size_t)(s - line);
	if (end - s == 3 && memcmp(s, " kB", 3) == 0) {
		kb = true;
		s += 3;
	}
	if (s != end)
		return parse_error(p, "expected ' kB' or the end of the line after the value of '%.*s'",
				   (int)name_len, line);
	if (key < 0)
		key = field_key(p, line, name_len, value_start, value_end, kb);
	if (key < 0)
		return key == -ENOMEM ? -ENOMEM : parse_error(p, "cannot add smaps key '%.*s'%s",
				(int)name_len, line, key == -ENOSPC ? " (too many keys)" : "");
	if ((r = check_duplicate(p, (unsigned)key, line, name_len)))
		return r;
	if (vma_smaps_key(p->m, (unsigned)key)->kb != kb)
		return parse_error(p, kb ? "expected no unit after the value of '%.*s'"
					 : "expected ' kB' after the value of '%.*s'", (int)name_len, line);
	if (key == SMAPS_PROTECTION_KEY)
		p->cur->pkey = value > 127 ? -1 : (int8_t)value;
	r = vma_smaps_append(p->m, p->cur, (unsigned)key, value);
	if (r)
		return r;
	p->cur_field++;
	return 0;
}

static bool is_key_char(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	       (c >= '0' && c <= '9') || c == '_';
}

/* Length of "Key" in a "Key:" line, 0 if the line is not a field. */
static size_t field_name_len(const char *line, const char *end)
{
	const char *s = line;

	if (s >= end || !((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z')))
		return 0;
	while (s < end && is_key_char(*s))
		s++;
	return s < end && *s == ':' ? (size_t)(s - line) : 0;
}

static int parse_field_line(struct maps_parser *p, const char *line, size_t name_len,
			    const char *end)
{
	if (!p->cur)
		return parse_error(p, "expected a VMA line (START-END ...) before smaps fields");
	if (p->format == MAPS_FORMAT_MAPS)
		return parse_error(p, "expected a maps line (START-END ...), not a smaps field");
	p->format = MAPS_FORMAT_SMAPS;
	if (p->cur_vmflags)
		return parse_error(p, "expected a VMA line after VmFlags");
	if (name_len == 7 && memcmp(line, "VmFlags", 7) == 0)
		return parse_vmflags(p, line + 8, end);
	return parse_field_value(p, line, name_len, end, -1);
}

/* ---- lines ---------------------------------------------------------------- */

static bool looks_like_header(const char *line, const char *end)
{
	const char *s = line;

	while (s < end && maps_hexval1[(unsigned char)*s])
		s++;
	return s > line && s < end && *s == '-';
}

int maps_parse_line(struct maps_parser *p, const char *line, const char *end,
		    const char *limit)
{
	struct maps_header h;

	/* Fast path: in smaps, most lines are the field the first record had here. */
	if (p->format == MAPS_FORMAT_SMAPS && p->cur_field < p->ntemplate && !p->cur_vmflags &&
	    !p->cur_irregular) {
		size_t n = p->template_len[p->cur_field];
		if ((size_t)(end - line) > n && line[n] == ':' &&
		    memcmp(line, p->template_name[p->cur_field], n) == 0)
			return parse_field_value(p, line, n, end, p->template_key[p->cur_field]);
	}
	if (p->format == MAPS_FORMAT_SMAPS && *line >= 'A' && *line <= 'Z') {
		size_t n = field_name_len(line, end);
		if (n)
			return parse_field_line(p, line, n, end);
	}
	if (maps_same_layout_header(line, end, limit, p->layout, &h) ||
	    maps_fast_header(line, end, limit, &h, p->layout)) {
		if (p->format == MAPS_FORMAT_UNKNOWN && p->cur)
			p->format = MAPS_FORMAT_MAPS;
		return parse_header_line(p, line, end, &h);
	}
	if (looks_like_header(line, end)) {
		if (p->format == MAPS_FORMAT_UNKNOWN && p->cur)
			p->format = MAPS_FORMAT_MAPS;
		return parse_header_line(p, line, end, NULL);
	}
	size_t n = field_name_len(line, end);
	if (n)
		return parse_field_line(p, line, n, end);
	if (line == end)
		return parse_error(p, "expected a VMA line, found an empty line");
	return hex_field(p, &line, end, &(uint64_t){ 0 }, "start address") ?:
	       parse_error(p, "expected '-' after start address");
}

/* ---- end of input --------------------------------------------------------- */

static bool needs_file(const struct vma *v)
{
	return !v->file && (v->dev || v->inode);
}

static size_t file_hash(const struct vma *v, size_t mask)
{
	uint64_t h = v->inode * UINT64_C(0x9e3779b97f4a7c15);

	h ^= ((uint64_t)v->dev << 32 | v->name) * UINT64_C(0xc2b2ae3d27d4eb4f);
	return (size_t)(h >> 17) & mask;
}

static bool same_file(const struct vma *a, const struct vma *b)
{
	return a->inode == b->inode && a->dev == b->dev && a->name == b->name;
}

/*
 * Files seen so far: the first VMA of each (its file id is the file's), in a
 * table that grows with the files, not the VMAs (a process maps a few
 * hundred files over thousands of VMAs), so it stays small and in cache.
 */
struct file_table {
	struct vma **slot;
	size_t mask, used;
};

static int file_table_grow(struct file_table *t)
{
	size_t cap = t->slot ? 2 * (t->mask + 1) : 256;
	struct vma **slot = calloc(cap, sizeof(*slot));

	if (!slot)
		return -ENOMEM;
	for (size_t i = 0; t->slot && i <= t->mask; i++) {
		size_t j;

		if (!t->slot[i])
			continue;
		for (j = file_hash(t->slot[i], cap - 1); slot[j]; j = (j + 1) & (cap - 1))
			;
		slot[j] = t->slot[i];
	}
	free(t->slot);
	t->slot = slot;
	t->mask = cap - 1;
	return 0;
}

/* The snapshot's mappings of one file (device, inode, path) share one open. */
static int assign_file(struct maps_parser *p, struct file_table *t, struct vma *v)
{
	size_t i;

	if (2 * (t->used + 1) > t->mask + 1 && file_table_grow(t) < 0)
		return -ENOMEM;
	for (i = file_hash(v, t->mask); t->slot[i] && !same_file(t->slot[i], v);
	     i = (i + 1) & t->mask)
		;
	if (!t->slot[i]) {
		v->file = vma_file_open(p->m);
		t->slot[i] = v;
		t->used++;
	}
	v->file = t->slot[i]->file;
	return 0;
}

/* File identities and kinds, in one walk (a kind looks at the VMA below). */
static int assign_files_and_kinds(struct maps_parser *p)
{
	struct file_table t = { NULL, 0, 0 };
	size_t nnames = (size_t)intern_count(p->m->names) + 1;
	uint8_t *kinds = malloc(nnames);	/* what each name says, for vma_classify */
	int r = 0;

	if (kinds)
		memset(kinds, 0xff, nnames);
	for (struct vma *v = p->m->first; v; v = v->next) {
		if (needs_file(v) && (r = assign_file(p, &t, v)) < 0)
			break;
		vma_classify_cached(p->m, v, kinds, kinds ? nnames : 0);
	}
	free(kinds);
	free(t.slot);
	return r;
}

int maps_parser_finish(struct maps_parser *p)
{
	int r;

	if (p->cur && (r = vmflags_missing(p)))
		return r;
	if (p->format == MAPS_FORMAT_UNKNOWN && p->cur)
		p->format = MAPS_FORMAT_MAPS;	/* one VMA line and nothing else */
	return assign_files_and_kinds(p);
}

/*
 * Does the text start with a smaps field ("Size:   4 kB", "VmFlags: rd")?
 * Then it is smaps cut above its first header: the parser says so, with the
 * line, rather than the caller calling it no maps text at all.
 */
static bool smaps_field_first(const char *line, const char *end)
{
	size_t n = field_name_len(line, end);
	const char *s = line + n + 1;

	if (n == 0)
		return false;
	if (n == 7 && !memcmp(line, "VmFlags", 7))
		return true;
	while (s < end && (*s == ' ' || *s == '\t'))
		s++;
	return s < end && *s >= '0' && *s <= '9';
}

enum maps_format maps_sniff(const char *buf, size_t len)
{
	if (len == 0)		/* buf may be NULL then: no memchr on it */
		return MAPS_FORMAT_UNKNOWN;

	const char *end = buf + len;
	const char *nl = memchr(buf, '\n', len);

	if (!looks_like_header(buf, nl ? nl : end))
		return smaps_field_first(buf, nl ? nl : end) ? MAPS_FORMAT_SMAPS
							     : MAPS_FORMAT_UNKNOWN;
	if (!nl)
		return MAPS_FORMAT_MAPS;
	const char *next = nl + 1;
	const char *nl2 = memchr(next, '\n', (size_t)(end - next));
	if (next == end)
		return MAPS_FORMAT_MAPS;
	if (field_name_len(next, nl2 ? nl2 : end))
		return MAPS_FORMAT_SMAPS;
	return MAPS_FORMAT_MAPS;
}
