/*
 * fuzz-maps.c - the maps and smaps parser under a fuzzer (built twice: as
 * fuzz-maps for text that looks like maps, and with FUZZ_SMAPS as
 * fuzz-smaps for text that looks like smaps, each with its own corpus).
 *
 * Checks, for every input:
 *  - parsing the whole text and parsing it in small chunks (sizes taken from
 *    the input) agree: the same error on the same line, or the same model;
 *  - a parsed model passes vma_validate;
 *  - printed back, the text parses without error into a model that prints
 *    the same (with the names at the first column: a printed line may be
 *    wider than the input's, and then no padding tells the column).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"

#define MAX_INPUT (64 * 1024)

static void check_round_trip(const struct maps_parser *p)
{
	struct fuzz_buf once = { 0 }, twice = { 0 };
	struct vma_model m2;
	struct maps_parser p2;
	int r;

	fuzz_print_maps(p, 0, &once);
	/*
	 * A first name that ends in '\r' prints as a line that ends in
	 * "\r\n", which reads as CRLF text: the one text that cannot round
	 * trip (the parser tells CRLF text by its first line).
	 */
	const char *nl = once.s ? memchr(once.s, '\n', once.len) : NULL;
	if (nl && nl > once.s && nl[-1] == '\r') {
		fuzz_buf_release(&once);
		return;
	}
	r = fuzz_parse_maps(&m2, &p2, once.s ? once.s : "", once.len, NULL, 0);
	FUZZ_CHECK(r == 0, "printed text does not parse back (%d): %s\n--- text:\n%.*s", r,
		   p2.errmsg, (int)once.len, once.s ? once.s : "");
	fuzz_validate(&m2, "reparsed");
	FUZZ_CHECK(m2.count == p->m->count, "reparsed %zu VMAs of %zu", m2.count, p->m->count);
	fuzz_print_maps(&p2, p->name_column, &twice);
	FUZZ_CHECK(once.len == twice.len && (once.len == 0 || !memcmp(once.s, twice.s, once.len)),
		   "print, parse, print differs:\n--- first:\n%.*s--- second:\n%.*s",
		   (int)once.len, once.s ? once.s : "", (int)twice.len, twice.s ? twice.s : "");
	vma_model_release(&m2);
	fuzz_buf_release(&once);
	fuzz_buf_release(&twice);
}

static void check_same(const struct maps_parser *a, const struct maps_parser *b)
{
	struct fuzz_buf ta = { 0 }, tb = { 0 };

	FUZZ_CHECK(a->format == b->format, "format %d whole, %d chunked", a->format, b->format);
	FUZZ_CHECK(a->m->count == b->m->count, "%zu VMAs whole, %zu chunked",
		   a->m->count, b->m->count);
	fuzz_print_maps(a, 0, &ta);
	fuzz_print_maps(b, 0, &tb);
	FUZZ_CHECK(ta.len == tb.len && (ta.len == 0 || !memcmp(ta.s, tb.s, ta.len)),
		   "whole and chunked parses print differently");
	fuzz_buf_release(&ta);
	fuzz_buf_release(&tb);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = (const char *)data;
	struct vma_model whole, chunked;
	struct maps_parser pw, pc;
	int rw, rc;

	if (size > MAX_INPUT)
		return 0;
#ifdef FUZZ_SMAPS
	if (maps_sniff(text, size) == MAPS_FORMAT_MAPS)
		return 0;
#else
	if (maps_sniff(text, size) == MAPS_FORMAT_SMAPS)
		return 0;
#endif
	rw = fuzz_parse_maps(&whole, &pw, text, size, NULL, 0);
	/* chunk sizes from the input's last bytes: any input, any split */
	rc = fuzz_parse_maps(&chunked, &pc, text, size, data + size - (size < 16 ? size : 16),
			     size < 16 ? size : 16);
	FUZZ_CHECK(rw == rc, "whole: %d (%s), chunked: %d (%s)", rw, pw.errmsg, rc, pc.errmsg);
	if (rw == -EINVAL) {
		FUZZ_CHECK(!strcmp(pw.errmsg, pc.errmsg), "errors differ: '%s' whole, '%s' chunked",
			   pw.errmsg, pc.errmsg);
		FUZZ_CHECK(pw.errline > 0 || pw.errmsg[0] != 'l',
			   "error without a line: '%s'", pw.errmsg);
		FUZZ_CHECK(!strncmp(pw.errmsg, "line ", 5), "error names no line: '%s'", pw.errmsg);
	} else if (rw == 0) {
		fuzz_validate(&whole, "whole");
		fuzz_validate(&chunked, "chunked");
		check_same(&pw, &pc);
		check_round_trip(&pw);
	}
	vma_model_release(&whole);
	vma_model_release(&chunked);
	return 0;
}
