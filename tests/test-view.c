/*
 * test-view.c - the view layer (view/view.h) on a small address space read
 * from smaps text: kinds and colours, the row of one VMA, filters, totals
 * that add up over a filtered range, gap iteration, the sorted list with its
 * selection and window, and where an address falls (in a VMA, in a gap,
 * before the first, after the last).  Table-driven: each table row is one
 * case with its expected answer.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tap.h"
#include "engine/maps.h"
#include "view/view.h"

/* Eight VMAs; gaps between 3 and 4, 4 and 5, 6 and 7, 7 and 8 (clipped at the top of user space). */
#define REC(hdr, rss, pss, sd, pd, swap, fl) \
	hdr "\nSize: 4 kB\nRss: " #rss " kB\nPss: " #pss " kB\nShared_Dirty: " #sd \
	" kB\nPrivate_Dirty: " #pd " kB\nSwap: " #swap " kB\nVmFlags: " fl "\n"
static const char smaps_text[] =
	REC("00400000-00401000 r-xp 00000000 08:01 100 /usr/bin/prog", 4, 4, 0, 0, 0, "rd ex mr mw me")
	REC("00401000-00403000 rw-p 00001000 08:01 100 /usr/bin/prog", 8, 8, 0, 8, 0, "rd wr mr mw me ac")
	REC("00403000-00405000 rw-p 00000000 00:00 0 ", 4, 4, 0, 4, 0, "rd wr mr mw me ac")
	REC("01000000-01021000 rw-p 00000000 00:00 0 [heap]", 100, 100, 0, 100, 20, "rd wr mr mw me ac")
	REC("7f0000000000-7f0000010000 r--s 00000000 00:01 7 /memfd:x (deleted)", 16, 8, 16, 0, 0,
	    "rd sh mr me ms")
	REC("7f0000010000-7f0000020000 r--p 00000000 08:01 200 /lib/libc.so.6", 32, 2, 0, 0, 0,
	    "rd mr mw me lo")
	REC("7ffd00000000-7ffd00021000 rw-p 00000000 00:00 0 [stack]", 12, 12, 0, 12, 4,
	    "rd wr mr mw me gd ac")
	REC("ffffffffff600000-ffffffffff601000 --xp 00000000 00:00 0 [vsyscall]", 0, 0, 0, 0, 0, "ex");

#define K 1024
#define TOP UINT64_C(0x7ffffffff000)

static int load(struct vma_model *m)
{
	struct maps_parser p;
	long n;

	if (vma_model_init(m, NULL) < 0)
		return -1;
	maps_parser_init(&p, m);
	n = maps_parse(&p, smaps_text, sizeof(smaps_text) - 1, true);
	if (n < 0) {
		diag("parse: %s", p.errmsg);
		return -1;
	}
	return maps_parser_finish(&p);
}

static const struct vma *vma_at(struct vma_model *m, uint64_t addr)
{
	return vma_lookup(m, addr);
}

/* ---- kinds ------------------------------------------------------------------ */

static void test_kinds(struct vma_model *m)
{
	static const struct { uint64_t addr; enum vma_kind kind; enum view_color color; } cases[] = {
		{ 0x400000, VMA_KIND_TEXT, VIEW_COLOR_CODE },
		{ 0x401000, VMA_KIND_DATA, VIEW_COLOR_DATA },
		{ 0x403000, VMA_KIND_BSS, VIEW_COLOR_DATA },
		{ 0x1000000, VMA_KIND_HEAP, VIEW_COLOR_GROWS },
		{ 0x7f0000010000, VMA_KIND_FILE, VIEW_COLOR_FILE },
		{ 0x7ffd00000000, VMA_KIND_STACK, VIEW_COLOR_GROWS },
		{ 0xffffffffff600000, VMA_KIND_SPECIAL, VIEW_COLOR_SPECIAL },
	};
	struct view_row r;

	for (int k = 0; k < VMA_KIND_COUNT; k++) {
		is_str(view_kind(k)->name, vma_kind_name(k), "kind %d: the table's name is the engine's", k);
		ok(view_kind(k)->what && *view_kind(k)->what, "kind %s: has a description",
		   vma_kind_name(k));
	}
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		view_row_fill(&r, m, vma_at(m, cases[i].addr));
		is_u64(r.kind, cases[i].kind, "row at %#" PRIx64 ": kind %s", cases[i].addr,
		       vma_kind_name(cases[i].kind));
		is_u64(r.color, cases[i].color, "row at %#" PRIx64 ": colour of its kind", cases[i].addr);
	}
	view_row_gap(&r, 0x405000, 0x1000000);
	is_u64(r.color, VIEW_COLOR_GAP, "a gap row has the gap colour");
	is_str(r.perms, "----", "a gap row's perms");
}

/* ---- rows -------------------------------------------------------------------- */

static void test_rows(struct vma_model *m)
{
	static const struct {
		uint64_t addr;
		const char *perms, *name, *path, *key_flags;
		uint64_t offset, rss, pss, dirty, swap;
		bool deleted;
	} cases[] = {
		{ 0x400000, "r-xp", "/usr/bin/prog", "/usr/bin/prog", "", 0, 4 * K, 4 * K, 0, 0, false },
		{ 0x401000, "rw-p", "/usr/bin/prog", "/usr/bin/prog", "", 0x1000, 8 * K, 8 * K, 8 * K, 0,
		  false },
		{ 0x403000, "rw-p", "", "", "", 0, 4 * K, 4 * K, 4 * K, 0, false },
		{ 0x1000000, "rw-p", "[heap]", "", "", 0, 100 * K, 100 * K, 100 * K, 20 * K, false },
		{ 0x7f0000000000, "r--s", "/memfd:x (deleted)", "/memfd:x", "", 0, 16 * K, 8 * K,
		  16 * K, 0, true },
		{ 0x7f0000010000, "r--p", "/lib/libc.so.6", "/lib/libc.so.6", "lo", 0, 32 * K, 2 * K,
		  0, 0, false },
		{ 0x7ffd00000000, "rw-p", "[stack]", "", "gd", 0, 12 * K, 12 * K, 12 * K, 4 * K, false },
	};
	struct view_row r;
	char path[64];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *what = cases[i].name[0] ? cases[i].name : "(anonymous)";

		view_row_fill(&r, m, vma_at(m, cases[i].addr));
		is_str(r.perms, cases[i].perms, "%s: perms", what);
		is_str(r.name, cases[i].name, "%s: name", what);
		path[view_row_path(&r, path)] = 0;
		is_str(path, cases[i].path, "%s: path", what);
		is_str(r.key_flags, cases[i].key_flags, "%s: key flags", what);
		is_u64(r.key_flags_len, strlen(cases[i].key_flags), "%s: key flags length", what);
		is_u64(r.offset, cases[i].offset, "%s: offset", what);
		ok(r.deleted == cases[i].deleted, "%s: deleted flag", what);
		ok(r.has_usage, "%s: has smaps values", what);
		is_u64(r.usage.rss, cases[i].rss, "%s: rss", what);
		is_u64(r.usage.pss, cases[i].pss, "%s: pss", what);
		is_u64(r.usage.dirty, cases[i].dirty, "%s: dirty (shared + private)", what);
		is_u64(r.usage.swap, cases[i].swap, "%s: swap", what);
		is_u64(r.size, r.end - r.start, "%s: size", what);
	}
	{
		char all[VIEW_KEY_FLAGS_MAX], one[VIEW_KEY_FLAGS_MAX], joined[VIEW_KEY_FLAGS_MAX] = "";
		unsigned n = 0;

		view_key_flags(~(vmf_t)0, all);
		for (unsigned bit = 0; bit < 64; bit++)
			if (view_key_flags((vmf_t)1 << bit, one)) {
				strcat(strcat(joined, n++ ? "," : ""), one);
			}
		is_str(all, "gd,lo,lf,io,pf,mm,dc,wf,dd,ht,hg,nh,mg,um,uw,ui,ss,dp,sl,gu",
		       "key flags: all of them, in the table's order");
		is_u64(n, 20, "key flags: each of the twenty alone shows");
		is_u64(strlen(joined), strlen(all), "key flags: one bit at a time, the same set");
	}
	is_u64(view_addr_width(m), 12, "address width: the highest user-space address, not [vsyscall]");
}

/* ---- filters ------------------------------------------------------------------- */

static void test_filters(struct vma_model *m)
{
	static const struct {
		const char *what;
		struct view_filter f;
		uint64_t starts[8];	/* the VMAs that pass, 0-terminated */
	} cases[] = {
		{ "no filter", { 0 }, { 0x400000, 0x401000, 0x403000, 0x1000000, 0x7f0000000000,
			0x7f0000010000, 0x7ffd00000000, 0xffffffffff600000 } },
		{ "range [0x402000, 0x1000001)", { .has_range = true, .lo = 0x402000, .hi = 0x1000001 },
		  { 0x401000, 0x403000, 0x1000000 } },
		{ "range ends where a VMA starts", { .has_range = true, .lo = 0, .hi = 0x401000 },
		  { 0x400000 } },
		{ "path glob on the basename", { .path_glob = "libc*" }, { 0x7f0000010000 } },
		{ "path glob on the whole name", { .path_glob = "/usr/bin/*" }, { 0x400000, 0x401000 } },
		{ "perms r and x", { .perms = VIEW_PERM_R | VIEW_PERM_X }, { 0x400000 } },
		{ "perms shared", { .perms = VIEW_PERM_S }, { 0x7f0000000000 } },
		{ "perms r, w clear, private", { .perms = VIEW_PERM_R | VIEW_PERM_P,
			.perms_absent = VIEW_PERM_W }, { 0x400000, 0x7f0000010000 } },
		{ "kinds heap and stack", { .kinds = 1u << VMA_KIND_HEAP | 1u << VMA_KIND_STACK },
		  { 0x1000000, 0x7ffd00000000 } },
		{ "kind and range", { .kinds = 1u << VMA_KIND_DATA | 1u << VMA_KIND_HEAP,
			.has_range = true, .lo = 0x1000000, .hi = 0x2000000 }, { 0x1000000 } },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct view_iter it;
		struct view_row r;
		size_t n = 0;
		bool same = true;

		view_iter_init(&it, m, &cases[i].f, false);
		while (view_iter_next(&it, &r)) {
			same &= r.v != NULL && n < 8 && cases[i].starts[n] == r.start;
			n++;
		}
		while (n < 8 && cases[i].starts[n])
			n++, same = false;
		ok(same, "filter %s: the VMAs that pass", cases[i].what);
		ok(view_filter_empty(&cases[i].f) == (i == 0), "filter %s: empty or not", cases[i].what);
	}
}

/* ---- gaps and totals ------------------------------------------------------------ */

static void test_gaps(struct vma_model *m)
{
	static const struct {
		const char *what;
		struct view_filter f;
		uint64_t gaps[5][2];	/* {0, 0}-terminated */
	} cases[] = {
		{ "all", { 0 }, { { 0x405000, 0x1000000 }, { 0x1021000, 0x7f0000000000 },
			{ 0x7f0000020000, 0x7ffd00000000 }, { 0x7ffd00021000, TOP } } },
		{ "clipped to a range", { .has_range = true, .lo = 0x800000, .hi = 0x1100000 },
		  { { 0x800000, 0x1000000 }, { 0x1021000, 0x1100000 } } },
		{ "kinds do not hide gaps", { .kinds = 1u << VMA_KIND_STACK },
		  { { 0x405000, 0x1000000 }, { 0x1021000, 0x7f0000000000 },
		    { 0x7f0000020000, 0x7ffd00000000 }, { 0x7ffd00021000, TOP } } },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct view_iter it;
		struct view_row r;
		size_t n = 0, rows = 0;
		bool same = true;

		view_iter_init(&it, m, &cases[i].f, true);
		while (view_iter_next(&it, &r)) {
			rows++;
			if (r.v)
				continue;
			same &= n < 5 && cases[i].gaps[n][0] == r.start && cases[i].gaps[n][1] == r.end;
			n++;
		}
		ok(same && (n == 5 || !cases[i].gaps[n][1]), "gaps, %s: the gap rows", cases[i].what);
	}
}

static void test_totals(struct vma_model *m)
{
	struct view_filter f = { .has_range = true, .lo = 0x400000, .hi = 0x1000000 };
	struct view_totals t, sum;
	struct view_iter it;
	struct view_row r;

	view_totals_compute(&t, m, &f);
	is_u64(t.count, 3, "totals over [0x400000, 0x1000000): three VMAs");
	is_u64(t.size, 0x5000, "... their size");
	is_u64(t.rss, 16 * K, "... rss 4 + 8 + 4 KiB");
	is_u64(t.dirty, 12 * K, "... dirty");
	is_u64(t.kind_count[VMA_KIND_TEXT] + t.kind_count[VMA_KIND_DATA] + t.kind_count[VMA_KIND_BSS],
	       3, "... one text, data and bss each");
	is_u64(t.gaps, 1, "... one gap, clipped to the range");
	is_u64(t.gap_bytes, 0x1000000 - 0x405000, "... its size");
	is_u64(t.largest_gap_start, 0x405000, "... the largest gap's start");

	/* the totals are the sum of the rows an output prints */
	view_totals_init(&sum);
	view_iter_init(&it, m, NULL, true);
	while (view_iter_next(&it, &r))
		view_totals_add(&sum, &r);
	view_totals_compute(&t, m, NULL);
	ok(!memcmp(&t, &sum, sizeof(t)), "totals: the same as adding up every row");
	is_u64(t.count, m->count, "totals, no filter: every VMA");
	is_u64(t.rss, (4 + 8 + 4 + 100 + 16 + 32 + 12) * K, "totals, no filter: rss");
	is_u64(t.swap, 24 * K, "totals, no filter: swap");
	is_u64(t.largest_gap, 0x7f0000000000 - 0x1021000, "totals, no filter: the largest gap");
	is_u64(t.kind_rss[VMA_KIND_HEAP], 100 * K, "totals by kind: rss of the heap");
}

/* ---- the list ---------------------------------------------------------------------- */

static void test_list(struct vma_model *m)
{
	static const struct {
		enum view_sort sort;
		bool reverse;
		uint64_t first, last;	/* starts of the first and last item */
	} sorts[] = {
		{ VIEW_SORT_ADDR, false, 0x400000, 0xffffffffff600000 },
		{ VIEW_SORT_ADDR, true, 0xffffffffff600000, 0x400000 },
		{ VIEW_SORT_RSS, true, 0x1000000, 0xffffffffff600000 },
		{ VIEW_SORT_SIZE, true, 0x1000000, 0xffffffffff600000 },	/* ties: address order */
		{ VIEW_SORT_SWAP, true, 0x1000000, 0xffffffffff600000 },
		{ VIEW_SORT_NAME, false, 0x403000, 0xffffffffff600000 },
		{ VIEW_SORT_KIND, false, 0x400000, 0xffffffffff600000 },
	};
	struct view vw;
	struct vma_model m2;
	size_t first;

	view_init(&vw, m);
	ok(view_refresh(&vw) == 0, "list: refresh");
	is_u64(vw.n, 8, "list: eight items");
	is_u64(vw.totals.count, 8, "list: its totals");
	for (size_t i = 0; i < sizeof(sorts) / sizeof(sorts[0]); i++) {
		view_set_sort(&vw, sorts[i].sort, sorts[i].reverse);
		is_u64(view_item(&vw, 0)->start, sorts[i].first, "sort %s%s: first", view_sort_name(sorts[i].sort),
		       sorts[i].reverse ? " reversed" : "");
		is_u64(view_item(&vw, vw.n - 1)->start, sorts[i].last, "sort %s%s: last",
		       view_sort_name(sorts[i].sort), sorts[i].reverse ? " reversed" : "");
	}
	is_u64(view_sort_parse("rss"), VIEW_SORT_RSS, "sort names parse");
	view_set_sort(&vw, VIEW_SORT_ADDR, false);

	/* window of 3 rows following the selection */
	view_set_height(&vw, 3);
	is_u64(view_window(&vw, &first), 3, "window: three rows");
	is_u64(first, 0, "window: starts at the top");
	view_move(&vw, 4);
	is_u64(vw.sel, 4, "window: selection moved down 4");
	view_window(&vw, &first);
	is_u64(first, 2, "window: scrolled so the selection is its last row");
	view_move(&vw, 100);
	is_u64(vw.sel, 7, "window: moving past the end stops at the last item");
	is_u64(view_window(&vw, &first), 3, "window: still three rows at the end");
	is_u64(first, 5, "window: the last three items");
	view_move(&vw, -100);
	is_u64(vw.sel, 0, "window: moving past the top stops at the first item");
	ok(view_select_addr(&vw, 0x7f0000010010), "select by address: found");
	is_u64(view_item(&vw, vw.sel)->start, 0x7f0000010000, "select by address: the VMA holding it");

	/* with gaps and a filter; a new model keeps the selection on its address */
	vw.gaps = true;
	vw.filter.kinds = 1u << VMA_KIND_HEAP | 1u << VMA_KIND_STACK;
	view_refresh(&vw);
	is_u64(vw.n, 6, "list with gaps, heap and stack: 2 VMAs and 4 gaps");
	is_u64(view_item(&vw, vw.sel)->start, 0x7f0000020000, "refresh: selection on the item at its address");
	ok(vma_model_copy(&m2, m) == 0, "copy the model");
	ok(view_set_model(&vw, &m2) == 0, "view over the new model");
	is_u64(view_item(&vw, vw.sel)->start, 0x7f0000020000, "new model: the selection stays");
	ok(view_item(&vw, 1)->v != NULL && view_item(&vw, 1)->v == vma_lookup(&m2, 0x1000000),
	   "new model: items point into the new model");
	ok(view_select_addr(&vw, 0x7ffd00000000), "select the stack");
	ok(vma_munmap(&m2, 0x7ffd00000000, 0x21000, NULL) == 0, "unmap the stack in the new model");
	view_refresh(&vw);
	is_u64(vw.n, 4, "refresh: the heap and three gaps");
	is_u64(view_item(&vw, vw.sel)->start, 0x7f0000020000, "refresh: the selection goes to the gap now there");
	is_u64(view_item(&vw, vw.sel)->end, TOP, "refresh: ... which reaches the top of user space");
	is_u64(vw.totals.count, 1, "refresh: the totals follow the model");
	view_release(&vw);
	vma_model_release(&m2);
}

/* ---- where an address falls --------------------------------------------------------- */

static void test_where(struct vma_model *m)
{
	static const struct {
		const char *what;
		uint64_t addr;
		uint64_t vma, offset;		/* start of the VMA holding it, or 0 */
		uint64_t prev, next;		/* starts of the neighbours, or 0 */
		uint64_t after_prev, before_next, gap_start, gap_end;
	} cases[] = {
		{ "in a VMA", 0x1000010, 0x1000000, 0x10, 0, 0, 0, 0, 0, 0 },
		{ "at a VMA's start", 0x401000, 0x401000, 0, 0, 0, 0, 0, 0, 0 },
		{ "in a gap", 0x800000, 0, 0, 0x403000, 0x1000000, 0x800000 - 0x405000,
		  0x1000000 - 0x800000, 0x405000, 0x1000000 },
		{ "at a VMA's end", 0x405000, 0, 0, 0x403000, 0x1000000, 0, 0x1000000 - 0x405000,
		  0x405000, 0x1000000 },
		{ "before the first", 0x1000, 0, 0, 0, 0x400000, 0, 0x400000 - 0x1000, 0, 0 },
		{ "after the last", 0xfffffffffffff000, 0, 0, 0xffffffffff600000, 0,
		  0xfffffffffffff000 - 0xffffffffff601000, 0, 0, 0 },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct view_where w;
		const char *n = cases[i].what;

		view_where(m, cases[i].addr, &w);
		is_u64(w.addr, cases[i].addr, "where %s: the address", n);
		is_u64(w.vma ? w.vma->start : 0, cases[i].vma, "where %s: the VMA holding it", n);
		is_u64(w.offset, cases[i].offset, "where %s: offset in the VMA", n);
		is_u64(w.prev ? w.prev->start : 0, cases[i].prev, "where %s: the VMA below", n);
		is_u64(w.next ? w.next->start : 0, cases[i].next, "where %s: the VMA above", n);
		is_u64(w.after_prev, cases[i].after_prev, "where %s: distance after the one below", n);
		is_u64(w.before_next, cases[i].before_next, "where %s: distance to the one above", n);
		is_u64(w.gap_start, cases[i].gap_start, "where %s: gap start", n);
		is_u64(w.gap_end, cases[i].gap_end, "where %s: gap end", n);
	}
}

static void test_names(struct vma_model *m)
{
	static const struct { const char *want; uint64_t start; } cases[] = {
		{ "libc.so.6", 0x7f0000010000 },
		{ "/lib/libc.so.6", 0x7f0000010000 },
		{ "prog", 0x400000 },
		{ "/memfd:x (deleted)", 0x7f0000000000 },
		{ "/memfd:x", 0x7f0000000000 },
		{ "memfd:x", 0x7f0000000000 },
		{ "[heap]", 0x1000000 },
		{ "libc", 0 },
		{ "x (deleted)", 0 },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct vma *v = view_find_named(m, cases[i].want);

		is_u64(v ? v->start : 0, cases[i].start, "named '%s'", cases[i].want);
	}
}

/* ---- processes (vmatool ps, the TUI's picker) ------------------------------ */
static const char procs_maps[] =
	"00400000-00401000 r-xp 00000000 fe:00 1 /bin/x\n"
	"00401000-00402000 ---p 00000000 00:00 0 \n"
	"00402000-00403000 rw-p 00000000 00:00 0 \n"
	"00500000-00600000 ---s 00000000 00:00 0 \n"	/* gap 0xfd000 before it */
	"7f0000000000-7f0000001000 rw-p 00000000 00:00 0 [stack]\n"	/* the largest gap */
	"garbage line\n"
	"ffffffffff600000-ffffffffff601000 --xp 00000000 00:00 0 [vsyscall]";	/* no newline */

static void test_procs_scan(void)
{
	static const char rollup[] =
		"00400000-7fff0000 ---p 00000000 00:00 0 [rollup]\n"
		"Rss:                 100 kB\nPss:                  50 kB\n"
		"Pss_Anon:             7 kB\nSwap:                 3 kB\nSwapPss: 9 kB\n";
	struct view_proc p = { .pid = 1 };

	view_proc_scan_maps(&p, procs_maps, strlen(procs_maps));
	is_u64(p.vmas, 5, "procs: five VMAs ([vsyscall] and a bad line left out)");
	is_u64(p.guards, 2, "procs: two PROT_NONE regions (private and shared)");
	is_u64(p.largest_gap, 0x7f0000000000 - 0x600000, "procs: the largest gap between VMAs");
	ok(!p.has_usage, "procs: no usage before smaps_rollup");
	ok(view_proc_scan_rollup(&p, rollup, strlen(rollup)), "procs: smaps_rollup read");
	is_u64(p.rss, 100 * 1024, "procs: Rss in bytes");
	is_u64(p.pss, 50 * 1024, "procs: Pss, not Pss_Anon");
	is_u64(p.swap, 3 * 1024, "procs: Swap, not SwapPss");
	ok(view_proc_share_color(view_proc_share(&p, 10)) == VIEW_COLOR_WARN, "procs: 5/10: warn");
	ok(view_proc_share_color(view_proc_share(&p, 6)) == VIEW_COLOR_ALERT, "procs: 5/6: alert");
	ok(view_proc_share_color(view_proc_share(&p, 11)) == VIEW_COLOR_NONE, "procs: 5/11: plain");
	ok(view_proc_share(&p, 0) == 0.0, "procs: no limit, no share");
}

static void procs_add(struct view_procs *vp, int pid, const char *user, unsigned uid,
		      const char *comm, uint64_t vmas, uint64_t rss)
{
	struct view_proc p = { .pid = pid, .user = user, .uid = uid, .vmas = vmas, .rss = rss };

	strcpy(p.comm, comm);
	view_procs_add(vp, &p);
}

/* The PIDs of the shown rows, "3 1 2". */
static const char *procs_order(const struct view_procs *vp)
{
	static char buf[128];
	size_t n = 0;

	buf[0] = 0;
	for (size_t i = 0; i < vp->n; i++)
		n += (size_t)snprintf(buf + n, sizeof(buf) - n, "%s%d", i ? " " : "",
				      view_procs_row(vp, i)->pid);
	return buf;
}

static void test_procs_list(void)
{
	struct view_procs vp;

	view_procs_init(&vp, 65530);
	procs_add(&vp, 10, "root", 0, "java", 500, 1);
	procs_add(&vp, 3, "pg", 105, "postgres", 900, 3);
	procs_add(&vp, 7, "pg", 105, "postmaster", 500, 2);
	procs_add(&vp, 2, "root", 0, "init", 40, 9);
	is_u64(vp.total_vmas, 1940, "procs list: total VMAs");
	ok(view_procs_refresh(&vp) == 0, "procs list: refresh");
	is_str(procs_order(&vp), "3 7 10 2", "procs list: most VMAs first, ties by PID");
	vp.reverse = true;
	view_procs_refresh(&vp);
	is_str(procs_order(&vp), "2 7 10 3", "procs list: reversed");
	vp.reverse = false;
	vp.sort = VIEW_PROC_SORT_COMMAND;
	view_procs_refresh(&vp);
	is_str(procs_order(&vp), "2 10 3 7", "procs list: by command, A-Z");
	vp.sort = VIEW_PROC_SORT_RSS;
	vp.top = 2;
	view_procs_refresh(&vp);
	is_str(procs_order(&vp), "2 3", "procs list: by rss, top 2");
	is_u64(vp.matched, 4, "procs list: four matched before the top");
	vp.top = 0;
	vp.sort = VIEW_PROC_SORT_VMAS;
	vp.filter.user = "pg";
	view_procs_refresh(&vp);
	is_str(procs_order(&vp), "3 7", "procs list: user by name");
	vp.filter.user = "0";
	view_procs_refresh(&vp);
	is_str(procs_order(&vp), "10 2", "procs list: user by uid");
	vp.filter.user = NULL;
	vp.filter.name_glob = "post*";
	vp.filter.min_vmas = 600;
	view_procs_refresh(&vp);
	is_str(procs_order(&vp), "3", "procs list: name glob and --min-vmas");
	for (int s = 0; s < VIEW_PROC_SORT_COUNT; s++)
		is_u64((uint64_t)view_proc_sort_parse(view_proc_sort_name(s)), (uint64_t)s,
		       "procs: sort name '%s' parses back", view_proc_sort_name(s));
	ok(view_proc_sort_parse("nope") == -1, "procs: unknown sort name");
	view_procs_release(&vp);
}

/* ---- sorting a large list --------------------------------------------------------- */

/* The value a sort orders item row r by (what view.h promises, computed here again). */
static uint64_t sort_value(enum view_sort s, const struct view_row *r)
{
	switch (s) {
	case VIEW_SORT_ADDR: return r->start;
	case VIEW_SORT_RSS: return r->usage.rss;
	case VIEW_SORT_PSS: return r->usage.pss;
	case VIEW_SORT_SWAP: return r->usage.swap;
	case VIEW_SORT_KIND: return r->v ? (uint64_t)r->kind : VMA_KIND_COUNT;
	default: return r->size;
	}
}

/* Whether the list is in s's order: by value (largest first if reverse), ties by address. */
static bool list_ordered(const struct view *vw, enum view_sort s, bool reverse)
{
	struct view_row a, b;

	for (size_t i = 0; i + 1 < vw->n; i++) {
		uint64_t ka, kb;

		view_item_row(vw, i, &a);
		view_item_row(vw, i + 1, &b);
		ka = sort_value(s, &a);
		kb = sort_value(s, &b);
		if (reverse ? ka < kb : ka > kb)
			return false;
		if (ka == kb && s != VIEW_SORT_ADDR && a.start >= b.start)
			return false;
	}
	return true;
}

/*
 * 3,000 VMAs of pseudo-random sizes and memory use (many ties, values from
 * a few KiB to terabytes, so that every byte of a key varies somewhere) and
 * the gaps between them: every numeric sort, both ways, is in order and
 * keeps every item.
 */
static void test_sort_large(void)
{
	static const enum view_sort sorts[] = {
		VIEW_SORT_ADDR, VIEW_SORT_SIZE, VIEW_SORT_RSS, VIEW_SORT_PSS, VIEW_SORT_SWAP, VIEW_SORT_KIND,
	};
	size_t cap = 3000 * 200, len = 0, n = 0;
	char *text = malloc(cap);
	uint64_t at = 0x10000000, rnd = 12345, sum = 0, sum2 = 0;
	struct maps_parser p;
	struct vma_model m;
	struct view vw;
	bool ok_all = true;

	for (int i = 0; text && i < 3000; i++) {
		uint64_t pages = 1 + (rnd >> 33) % (i % 7 ? 4 : 1u << 20);

		rnd = rnd * 6364136223846793005ull + 1442695040888963407ull;
		len += (size_t)snprintf(text + len, cap - len,
			"%llx-%llx %s 00000000 00:00 0 \nRss: %llu kB\nPss: %llu kB\nSwap: %llu kB\n",
			(unsigned long long)at, (unsigned long long)(at + pages * 4096),
			i % 3 ? "rw-p" : "r--p", (unsigned long long)((rnd >> 40) % 5) * 4,
			(unsigned long long)((rnd >> 20) % (1u << 30)), (unsigned long long)(rnd >> 50) * 4);
		at += pages * 4096 + (i % 2 ? 4096 : 0);
	}
	if (!ok(text && vma_model_init(&m, NULL) == 0, "large: a model"))
		return;
	maps_parser_init(&p, &m);
	ok(maps_parse(&p, text, len, true) >= 0 && maps_parser_finish(&p) == 0, "large: 3,000 VMAs parse");
	view_init(&vw, &m);
	vw.gaps = true;
	ok(view_refresh(&vw) == 0, "large: the list with its gaps");
	n = vw.n;
	for (size_t i = 0; i < n; i++)
		sum += view_item(&vw, i)->start;
	for (size_t i = 0; i < sizeof(sorts) / sizeof(sorts[0]); i++) {
		for (int r = 0; r < 2; r++) {
			view_set_sort(&vw, sorts[i], r);
			sum2 = 0;
			for (size_t j = 0; j < vw.n; j++)
				sum2 += view_item(&vw, j)->start;
			if (!list_ordered(&vw, sorts[i], r) || vw.n != n || sum2 != sum) {
				diag("sort %s%s out of order or items lost", view_sort_name(sorts[i]),
				     r ? " reversed" : "");
				ok_all = false;
			}
		}
	}
	ok(ok_all, "large: every numeric sort both ways is in order, ties by address, no item lost");
	view_release(&vw);
	vma_model_release(&m);
	free(text);
}

int main(void)
{
	struct vma_model m;

	if (!ok(load(&m) == 0, "the address space loads"))
		return tap_done();
	test_kinds(&m);
	test_rows(&m);
	test_filters(&m);
	test_gaps(&m);
	test_totals(&m);
	test_list(&m);
	test_where(&m);
	test_names(&m);
	test_procs_scan();
	test_procs_list();
	test_sort_large();
	vma_model_release(&m);
	return tap_done();
}
