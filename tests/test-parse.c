/*
 * test-parse.c - the maps/smaps parser and printer, driven by data files.
 *
 * Each tests/parse/NAME.test file holds cases in the shape of jq's tests:
 *
 *   # a comment (outside a case)
 *   %%TEST what the case is about
 *   <raw maps or smaps text, byte for byte, trailing spaces kept>
 *   %%NOEOL                   (optional: the last input line has no '\n')
 *   %%NOROUNDTRIP why         (optional: the text is not the kernel's form)
 *   %%EXPECT
 *   format smaps column 73
 *   START-END PERMS PGOFF DEV INODE KIND flags=.. bits=.. file=.. name="raw name"
 *     smaps Key=value ...
 *
 * or, instead of %%EXPECT, "%%FAIL" and the expected error message.  The
 * input is taken byte for byte: its trailing spaces are significant.
 *
 * For every case the runner checks the parse against the expectation, that
 * feeding the text in 1-byte, 7-byte and random-size chunks gives the same
 * result, that maps_sniff agrees, and (unless %%NOROUNDTRIP) that printing
 * the model gives back the input byte for byte.  GENERATE=1 rewrites the
 * expectations from the parser's output (review the diff!).  The data is
 * found through $top_srcdir (default ".").
 */
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "maps.h"
#include "tap.h"
#include "vma.h"

/* ---- a growing string ----------------------------------------------------- */

struct str {
	char *s;
	size_t len, cap;
};

static void str_addn(struct str *b, const char *s, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		b->cap = (b->len + n + 1) * 2;
		b->s = realloc(b->s, b->cap);
		if (!b->s) {
			perror("realloc");
			exit(99);
		}
	}
	memcpy(b->s + b->len, s, n);
	b->len += n;
	b->s[b->len] = '\0';
}

static void str_add(struct str *b, const char *s)
{
	str_addn(b, s, strlen(s));
}

static __attribute__((format(printf, 2, 3))) void str_addf(struct str *b, const char *fmt, ...)
{
	char tmp[512];
	va_list ap;

	va_start(ap, fmt);
	int n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	str_addn(b, tmp, n < (int)sizeof(tmp) ? (size_t)n : sizeof(tmp) - 1);
}

static void str_free(struct str *b)
{
	free(b->s);
	*b = (struct str){ 0 };
}

/* ---- the dump of a parsed model -------------------------------------------- */

static const char *const bit_names[] = {
	"deleted", "special", "anon-name", "flags-inferred", "pgoff-inferred",
	"fork-child", "has-close", "shmem", "hidden", "thp-file", "vmflags-empty",
};

static void dump_flags(struct str *out, vmf_t flags)
{
	bool first = true;

	str_add(out, " flags=");
	for (unsigned bit = 0; bit < 64; bit++) {
		if (!(flags & ((vmf_t)1 << bit)))
			continue;
		const char *mn = vmf_mnemonic(bit);
		str_add(out, first ? "" : ",");
		str_add(out, mn ? mn : "??");
		first = false;
	}
	if (first)
		str_add(out, "-");
}

static void dump_bits(struct str *out, unsigned bits)
{
	bool first = true;

	str_add(out, " bits=");
	for (unsigned i = 0; i < sizeof(bit_names) / sizeof(bit_names[0]); i++) {
		if (bits & (1u << i)) {
			str_add(out, first ? "" : ",");
			str_add(out, bit_names[i]);
			first = false;
		}
	}
	if (first)
		str_add(out, "-");
}

/* File identities are shown renumbered in order of appearance (f1, f2...). */
static unsigned file_number(uint32_t *seen, unsigned *nseen, uint32_t file)
{
	for (unsigned i = 0; i < *nseen; i++)
		if (seen[i] == file)
			return i + 1;
	seen[*nseen] = file;
	return ++*nseen;
}

static void dump_smaps(struct str *out, const struct vma_model *m, const struct vma *v)
{
	size_t n = vma_smaps_count(m, v);

	if (n == 0)
		return;
	str_add(out, "  smaps");
	for (size_t i = 0; i < n; i++) {
		unsigned key;
		uint64_t value;
		vma_smaps_field(m, v, i, &key, &value);
		const struct smaps_keyinfo *ki = vma_smaps_key(m, key);
		str_addf(out, " %s=%llu", ki ? ki->name : "?", (unsigned long long)value);
	}
	str_add(out, "\n");
}

static void dump_vma(struct str *out, const struct vma_model *m, const struct vma *v,
		     uint32_t *seen, unsigned *nseen)
{
	str_addf(out, "%llx-%llx %c%c%c%c 0x%llx %02x:%02x %llu %s",
		 (unsigned long long)v->start, (unsigned long long)v->end,
		 v->flags & VMF(READ) ? 'r' : '-', v->flags & VMF(WRITE) ? 'w' : '-',
		 v->flags & VMF(EXEC) ? 'x' : '-', v->flags & VMF(MAYSHARE) ? 's' : 'p',
		 (unsigned long long)v->pgoff, VMA_DEV_MAJOR(v->dev), VMA_DEV_MINOR(v->dev),
		 (unsigned long long)v->inode, vma_kind_name(v->kind));
	dump_flags(out, v->flags);
	dump_bits(out, v->bits);
	if (v->file)
		str_addf(out, " file=f%u", file_number(seen, nseen, v->file));
	if (v->pkey >= 0)
		str_addf(out, " pkey=%d", v->pkey);
	if (v->name) {
		str_add(out, " name=\"");
		str_addn(out, vma_name(m, v->name), vma_name_len(m, v->name));
		str_add(out, "\"\n");
	} else {
		str_add(out, " name=-\n");
	}
	dump_smaps(out, m, v);
}

static void dump_model(struct str *out, const struct maps_parser *p)
{
	static const char *const formats[] = { "unknown", "maps", "smaps" };
	uint32_t *seen = calloc(p->m->count + 1, sizeof(*seen));
	unsigned nseen = 0;

	str_addf(out, "format %s column %u\n", formats[p->format], p->name_column);
	for (const struct vma *v = p->m->first; v; v = v->next)
		dump_vma(out, p->m, v, seen, &nseen);
	free(seen);
}

/* ---- running the parser ---------------------------------------------------- */

enum chunking { WHOLE, ONE_BYTE, SEVEN_BYTES, RANDOM_SIZES };

static size_t chunk_size(enum chunking how, unsigned *seed)
{
	switch (how) {
	case ONE_BYTE:
		return 1;
	case SEVEN_BYTES:
		return 7;
	case RANDOM_SIZES:
		*seed = *seed * 1103515245u + 12345u;
		return 1 + (*seed >> 16) % 200;
	default:
		return SIZE_MAX;
	}
}

/* Feed text as a reader would: chunks appended to a buffer, the rest kept. */
static int feed(struct maps_parser *p, const char *text, size_t len, enum chunking how)
{
	char *pending = malloc(len + 1);
	size_t have = 0, pos = 0;
	unsigned seed = 12345;
	long r = 0;

	while (pos < len || have) {
		size_t n = chunk_size(how, &seed);
		if (n > len - pos)
			n = len - pos;
		memcpy(pending + have, text + pos, n);
		have += n;
		pos += n;
		r = maps_parse(p, pending, have, pos == len);
		if (r < 0)
			break;
		memmove(pending, pending + r, have - (size_t)r);
		have -= (size_t)r;
		if (pos == len && have) {
			r = -EIO;	/* eof: everything must be consumed */
			break;
		}
	}
	free(pending);
	if (r < 0)
		return (int)r;
	return maps_parser_finish(p);
}

/* Parse text into m and describe the outcome: the dump, or the error message. */
static int parse_text(struct vma_model *m, struct maps_parser *p, const char *text,
		      size_t len, enum chunking how, struct str *out)
{
	int r;

	vma_model_init(m, NULL);
	maps_parser_init(p, m);
	r = feed(p, text, len, how);
	if (r == -EINVAL) {
		str_addf(out, "%s\n", p->errmsg);
		if (p->errline != p->lineno)
			str_addf(out, "(errline %zu, lineno %zu)\n", p->errline, p->lineno);
	} else if (r) {
		str_addf(out, "unexpected error %d\n", r);
	} else {
		dump_model(out, p);
	}
	return r;
}

/* Print the parsed model back in the format it was read in. */
static void print_model(const struct maps_parser *p, struct str *out)
{
	char *line = malloc(MAPS_LINE_MAX);
	char *buf = NULL;
	size_t cap = 0;

	for (const struct vma *v = p->m->first; v; v = v->next) {
		if (p->format == MAPS_FORMAT_SMAPS) {
			long n = maps_format_smaps(p->m, v, p->name_column, &buf, &cap);
			if (n > 0)
				str_addn(out, buf, (size_t)n);
		} else {
			str_addn(out, line, maps_format_line(p->m, v, p->name_column, line));
		}
	}
	free(line);
	free(buf);
}

/* ---- the data files ---------------------------------------------------------- */

struct test_case {
	char name[200];
	const char *file;
	struct str input, expect, trailer;	/* trailer: blank lines, comments */
	bool fail, noeol, noroundtrip;
};

static bool starts_with(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

static void check_case(struct test_case *tc, struct str *actual_out)
{
	const char *text = tc->input.s ? tc->input.s : "";
	size_t len = tc->input.len;
	struct vma_model m;
	struct maps_parser p;
	struct str got = { 0 };
	int r;

	if (tc->noeol && len && text[len - 1] == '\n')
		len--;
	r = parse_text(&m, &p, text, len, WHOLE, &got);
	str_add(actual_out, got.s);
	if (r && r != -EINVAL)
		ok(0, "%s: %s: parses without a system error", tc->file, tc->name);
	if (tc->fail)
		ok(r == -EINVAL, "%s: %s: fails", tc->file, tc->name);
	else
		ok(r == 0, "%s: %s: parses", tc->file, tc->name);
	is_str(got.s, tc->expect.s ? tc->expect.s : "", "%s: %s: result as expected",
	       tc->file, tc->name);

	if (r == 0) {
		char why[256];
		ok(vma_validate(&m, why, sizeof(why)) == 0, "%s: %s: the model is valid", tc->file,
		   tc->name) || (diag("%s", why), 0);
	}
	if (r == 0 && !tc->noroundtrip) {
		struct str printed = { 0 };
		print_model(&p, &printed);
		str_addn(&printed, "", 0);
		ok(printed.len == tc->input.len &&
		   (printed.len == 0 || memcmp(printed.s, tc->input.s, printed.len) == 0),
		   "%s: %s: prints back byte for byte", tc->file, tc->name) ||
			(diag("printed:\n%s", printed.s), 0);
		str_free(&printed);
	}
	if (r == 0 && len) {
		enum maps_format sniffed = maps_sniff(text, len);
		ok(sniffed == p.format || (p.format == MAPS_FORMAT_UNKNOWN &&
					   sniffed == MAPS_FORMAT_MAPS),
		   "%s: %s: maps_sniff agrees (%d)", tc->file, tc->name, (int)sniffed);
	}
	vma_model_release(&m);

	static const char *const how_names[] = { "", "1-byte", "7-byte", "random-size" };
	for (enum chunking how = ONE_BYTE; how <= RANDOM_SIZES; how++) {
		struct str again = { 0 };
		parse_text(&m, &p, text, len, how, &again);
		is_str(again.s, got.s, "%s: %s: same result in %s chunks", tc->file, tc->name,
		       how_names[how]);
		vma_model_release(&m);
		str_free(&again);
	}
	str_free(&got);
}

/* Reads the cases of one file; with regenerate, rewrites its expectations. */
static void run_file(const char *path, const char *shortname, bool regenerate)
{
	FILE *f = fopen(path, "r");
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	struct test_case tc = { 0 };
	enum { OUTSIDE, INPUT, EXPECT } state = OUTSIDE;
	struct str rewritten = { 0 };

	if (!f) {
		ok(0, "open %s: %s", path, strerror(errno));
		return;
	}
	tc.file = shortname;
	for (;;) {
		n = getline(&line, &cap, f);
		bool directive = n >= 0 && starts_with(line, "%%");
		if (n < 0 || (directive && starts_with(line, "%%TEST"))) {
			if (state != OUTSIDE) {
				struct str actual = { 0 };
				check_case(&tc, &actual);
				str_add(&rewritten, actual.s);
				str_add(&rewritten, tc.trailer.s ? tc.trailer.s : "");
				str_free(&actual);
			}
			str_free(&tc.input);
			str_free(&tc.expect);
			str_free(&tc.trailer);
			tc = (struct test_case){ .file = shortname };
			if (n < 0)
				break;
			snprintf(tc.name, sizeof(tc.name), "%.*s", (int)strcspn(line + 6, "\n") - 1,
				 line + 7);
			state = INPUT;
			str_add(&rewritten, line);
			continue;
		}
		if (state == EXPECT && (line[0] == '\n' || line[0] == '#')) {
			str_add(&tc.trailer, line);
			continue;
		}
		if (directive && starts_with(line, "%%NOEOL")) {
			tc.noeol = true;
		} else if (directive && starts_with(line, "%%NOROUNDTRIP")) {
			tc.noroundtrip = true;
		} else if (directive && starts_with(line, "%%EXPECT")) {
			state = EXPECT;
		} else if (directive && starts_with(line, "%%FAIL")) {
			state = EXPECT;
			tc.fail = true;
		} else if (state == INPUT) {
			str_addn(&tc.input, line, (size_t)n);
			str_addn(&rewritten, line, (size_t)n);
			continue;
		} else if (state == EXPECT) {
			str_addn(&tc.expect, line, (size_t)n);
			continue;
		} else {
			str_addn(&rewritten, line, (size_t)n);	/* comments before the first case */
			continue;
		}
		str_add(&rewritten, line);
	}
	free(line);
	fclose(f);
	if (regenerate) {
		f = fopen(path, "w");
		if (f) {
			fwrite(rewritten.s, 1, rewritten.len, f);
			fclose(f);
		}
	}
	str_free(&rewritten);
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void run_data_files(void)
{
	const char *top = getenv("top_srcdir");
	const char *gen = getenv("GENERATE");
	char dir[4096], path[8192];
	char *names[256];
	size_t count = 0;
	DIR *d;
	struct dirent *de;

	snprintf(dir, sizeof(dir), "%s/tests/parse", top && *top ? top : ".");
	d = opendir(dir);
	if (!d) {
		ok(0, "open %s: %s", dir, strerror(errno));
		return;
	}
	while ((de = readdir(d)) && count < 256) {
		size_t len = strlen(de->d_name);
		if (len > 5 && strcmp(de->d_name + len - 5, ".test") == 0)
			names[count++] = strdup(de->d_name);
	}
	closedir(d);
	qsort(names, count, sizeof(names[0]), cmp_names);
	ok(count >= 1, "found %zu data files in %s", count, dir);
	for (size_t i = 0; i < count; i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		run_file(path, names[i], gen && *gen == '1');
		free(names[i]);
	}
}

/* ---- unit checks of the small functions ------------------------------------ */

static void check_vmflags(void)
{
	static const char order[] =
		"rd wr ex sh mr mw me ms gd pf gu lo io sr rr dc de lf ac nr ht sf ar wf dd "
		"bt sd mm hg nh mg um uw mt ui ss dp sl ";
	char buf[3 * 64 + 1];
	struct str all = { 0 };

	for (unsigned bit = 0; bit < VMF_NKNOWN; bit++) {
		str_add(&all, vmf_mnemonic(bit));
		str_add(&all, " ");
	}
	is_str(all.s, order, "mnemonics in kernel print order");
	str_free(&all);
	is_u64(vmf_lookup("dc", 2), VMF_DONTCOPY_BIT, "lookup dc");
	is_u64(vmf_lookup("sl", 2), VMF_SEALED_BIT, "lookup sl");
	is_str(vmf_describe(VMF_DONTCOPY_BIT), "dontfork", "dc is described as dontfork");
	is_str(vmf_describe(VMF_MERGEABLE_BIT), "mergeable (KSM)", "mg described");
	is_str(vmf_describe(VMF_MAYBE_GUARD_BIT), "maybe-guard", "gu described");
	ok(vmf_lookup("r", 1) == -1 && vmf_lookup("rdx", 3) == -1 && vmf_lookup("r\n", 2) == -1,
	   "lookup refuses what is not two printable characters");
	int zz = vmf_lookup("zz", 2), qq = vmf_lookup("Q9", 2);
	ok(zz >= VMF_NKNOWN && qq == zz + 1, "unknown mnemonics get bits from VMF_NKNOWN on");
	is_u64(vmf_lookup("zz", 2), zz, "an unknown mnemonic keeps its bit");
	is_str(vmf_mnemonic((unsigned)qq), "Q9", "and its name");
	vmf_format(VMF(READ) | VMF(WRITE) | VMF(MAYREAD) | VMF(ACCOUNT) | ((vmf_t)1 << zz),
		   buf, sizeof(buf));
	is_str(buf, "rd wr mr ac zz ", "vmf_format: kernel order, a space after each");
	vmf_format(0, buf, sizeof(buf));
	is_str(buf, "", "vmf_format of nothing");
}

static void check_names(void)
{
	char out[64];
	size_t n = maps_unescape_name("/a\\012b\\011", 12, out);

	out[n] = '\0';
	is_str(out, "/a\nb\\011", "unescape turns \\012 into a newline, nothing else");
	n = maps_escape_name("/a\nb\n", 5, out);
	out[n] = '\0';
	is_str(out, "/a\\012b\\012", "escape turns a newline into \\012");
	n = maps_unescape_name("/x\\01", 5, out);
	out[n] = '\0';
	is_str(out, "/x\\01", "a cut-short escape stays as it is");
	for (int k = 0; k < VMA_KIND_COUNT; k++)
		is_u64(vma_kind_parse(vma_kind_name(k)), k, "kind %s parses back", vma_kind_name(k));
	ok(vma_kind_parse("nonsense") == -1, "unknown kind name");
}

static void check_sniff(void)
{
	static const char maps[] = "00400000-00401000 r-xp 00000000 08:01 12 /bin/x\n"
				   "00401000-00402000 rw-p 00000000 00:00 0 \n";
	static const char smaps[] = "00400000-00401000 r-xp 00000000 08:01 12 /bin/x\n"
				    "Size:                  4 kB\n";
	const char *volatile no_text = NULL;	/* an empty file read into no buffer */

	ok(maps_sniff(maps, sizeof(maps) - 1) == MAPS_FORMAT_MAPS, "sniff maps");
	ok(maps_sniff(smaps, sizeof(smaps) - 1) == MAPS_FORMAT_SMAPS, "sniff smaps");
	ok(maps_sniff("{\"schema\":", 10) == MAPS_FORMAT_UNKNOWN, "sniff json is unknown");
	ok(maps_sniff("", 0) == MAPS_FORMAT_UNKNOWN, "sniff empty is unknown");
	ok(maps_sniff(no_text, 0) == MAPS_FORMAT_UNKNOWN, "sniff no buffer at all is unknown");
}

/* A VMA made by the engine (no smaps values) prints Size, page sizes, VmFlags. */
static void check_print_without_smaps(void)
{
	struct vma_model m;
	char *buf = NULL;
	size_t cap = 0;

	vma_model_init(&m, NULL);
	struct vma *v = vma_alloc(&m);
	v->start = 0x7f0000000000;
	v->end = 0x7f0000003000;
	v->flags = VMF(READ) | VMF(WRITE) | VMF(MAYREAD) | VMF(MAYWRITE) | VMF(MAYEXEC) | VMF(ACCOUNT);
	v->pgoff = v->start >> 12;
	ok(vma_insert(&m, v) == 0, "insert an engine VMA");
	long n = maps_format_smaps(&m, v, 73, &buf, &cap);
	ok(n > 0, "format smaps");
	if (n > 0)
		buf[n] = '\0';
	is_str(n > 0 ? buf : "",
	       "7f0000000000-7f0000003000 rw-p 00000000 00:00 0 \n"
	       "Size:                 12 kB\n"
	       "KernelPageSize:        4 kB\n"
	       "MMUPageSize:           4 kB\n"
	       "VmFlags: rd wr mr mw me ac \n", "smaps of a VMA without values");
	free(buf);
	vma_model_release(&m);
}

/* Incomplete last lines wait for more; a VMA already in the model is respected. */
static void check_incremental(void)
{
	static const char text[] = "00400000-00401000 r-xp 00000000 08:01 12 /bin/x\n"
				   "00500000-00501000 rw-p 00000000 00:00 0 ";
	size_t first = (size_t)(strchr(text, '\n') + 1 - text);
	struct vma_model m;
	struct maps_parser p;

	vma_model_init(&m, NULL);
	maps_parser_init(&p, &m);
	is_u64(maps_parse(&p, text, sizeof(text) - 1, false), first, "only the whole line is consumed");
	is_u64(m.count, 1, "one VMA so far");
	is_u64(maps_parse(&p, text + first, sizeof(text) - 1 - first, false), 0, "a part line waits");
	is_u64(maps_parse(&p, text + first, sizeof(text) - 1 - first, true), sizeof(text) - 1 - first,
	       "at the end it is taken");
	ok(maps_parser_finish(&p) == 0 && m.count == 2, "two VMAs");
	vma_model_release(&m);

	vma_model_init(&m, NULL);
	struct vma *v = vma_alloc(&m);
	v->start = 0x500000;
	v->end = 0x502000;
	vma_insert(&m, v);
	maps_parser_init(&p, &m);
	ok(maps_parse(&p, text, sizeof(text) - 1, true) == -EINVAL, "overlap with a VMA in the model");
	is_str(p.errmsg, "line 2: VMA 0x500000-0x501000 overlaps another VMA", "message");
	is_u64(p.errline, 2, "errline");
	is_str(p.errmsg + p.errprefix, "VMA 0x500000-0x501000 overlaps another VMA",
	       "the message without its line prefix");
	vma_model_release(&m);
}

int main(void)
{
	check_incremental();
	check_vmflags();
	check_names();
	check_sniff();
	check_print_without_smaps();
	run_data_files();
	return tap_done();
}
