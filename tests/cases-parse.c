/*
 * cases-parse.c - the parse kind of tests/cases (tests/cases.h): the input
 * is raw maps or smaps text, byte for byte (trailing spaces count), and the
 * output is the model the parser built:
 *
 *   format smaps column 73
 *   START-END PERMS PGOFF DEV INODE KIND flags=.. bits=.. file=.. name="raw name"
 *     smaps Key=value ...
 *
 * or, for %%FAIL, the error message.  Each case also checks that feeding the
 * text in 1-byte, 7-byte and random-size chunks gives the same result, that
 * maps_sniff agrees, that the model is valid, and (unless %%NOROUNDTRIP)
 * that printing the model gives back the input byte for byte.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cases.h"
#include "maps-feed.h"
#include "maps.h"
#include "tap.h"
#include "vma.h"

static const char *const bit_names[] = {
	"deleted", "special", "anon-name", "flags-inferred", "pgoff-inferred",
	"fork-child", "has-close", "shmem", "hidden", "thp-file", "unsure-anon",
	"unsure-file", "unsure-order", "vmflags-empty",
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

struct chunker {
	enum chunking how;
	unsigned seed;
};

static size_t chunk_size(void *ctx)
{
	struct chunker *c = ctx;

	switch (c->how) {
	case ONE_BYTE:
		return 1;
	case SEVEN_BYTES:
		return 7;
	case RANDOM_SIZES:
		c->seed = c->seed * 1103515245u + 12345u;
		return 1 + (c->seed >> 16) % 200;
	default:
		return SIZE_MAX;
	}
}

/* Parse text into m and describe the outcome: the dump, or the error message. */
static int parse_text(struct vma_model *m, struct maps_parser *p, const char *text,
		      size_t len, enum chunking how, struct str *out)
{
	struct chunker c = { how, 12345 };
	int r;

	vma_model_init(m, NULL);
	maps_parser_init(p, m);
	r = maps_feed(p, text, len, chunk_size, &c);
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

void cases_check_parse(const struct test_case *tc, struct str *actual_out)
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

