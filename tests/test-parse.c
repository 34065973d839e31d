/*
 * test-parse.c - unit checks of the parser's small functions: VmFlags
 * mnemonics, name escaping, format sniffing, printing a VMA without smaps
 * values, incremental parsing.  The parser's table-driven cases are in
 * tests/cases/parse-*.test, run by tests/test-cases.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "maps.h"
#include "tap.h"
#include "vma.h"

/* ---- unit checks of the small functions ------------------------------------ */

static void check_vmflags(void)
{
	static const char order[] =
		"rd wr ex sh mr mw me ms gd pf gu lo io sr rr dc de lf ac nr ht sf ar wf dd "
		"bt sd mm hg nh mg um uw mt ui ss dp sl ";
	char buf[3 * 64 + 1], all[3 * 64 + 1] = "";

	for (unsigned bit = 0; bit < VMF_NKNOWN; bit++) {
		strcat(all, vmf_mnemonic(bit));
		strcat(all, " ");
	}
	is_str(all, order, "mnemonics in kernel print order");
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
	return tap_done();
}
