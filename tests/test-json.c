/*
 * test-json.c - the vmatool/1 reader (cli/json-read.c, cli/json-load.c),
 * table-driven: what the tokenizer accepts and refuses, with the line and
 * column of each error, checked against jansson (the project's JSON
 * library: both must accept and refuse the same texts, except for the
 * \udcXX escapes of the lossless scheme, which jansson refuses); documents
 * in any key order, duplicate keys, documents of earlier versions, and the
 * round trip of names of any bytes through the writer (cli/json.c).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "cli/cli.h"
#include "cli/json-load.h"
#include "cli/json-read.h"
#include "cli/json.h"
#include "engine/maps.h"
#include "tap.h"

/* ---- the tokenizer -------------------------------------------------------- */

struct syntax_case {
	const char *text;
	size_t len;		/* 0: strlen(text) */
	bool valid;
	const char *where;	/* "line L, column C" of the error */
	const char *msg;	/* part of the message */
	bool jansson_differs;	/* the lossless escapes, nesting depth */
};

static const struct syntax_case syntax_cases[] = {
	{ "{\"a\":1}", 0, true, NULL, NULL, false },
	{ "{\"a\":[1,2.5,-3e+2,0,-0,\"x\\u00e9\\ud83d\\ude00\\n\",true,false,null,{}]}", 0, true,
	  NULL, NULL, false },
	{ " [ ] ", 0, true, NULL, NULL, false },
	{ "{\"a\":\"\\u0000\"}", 0, true, NULL, NULL, false },
	{ "{\"a\":\"\\udcff\\udc80\"}", 0, true, NULL, NULL, true },
	{ "{\"a\":08}", 0, false, "line 1, column 6", "leading zero", false },
	{ "{\"a\":8192.}", 0, false, "line 1, column 11", "digit after '.'", false },
	{ "{\"a\":1e}", 0, false, "line 1, column 8", "exponent", false },
	{ "{\"a\":-}", 0, false, "line 1, column 6", "expected a number", false },
	{ "{\"a\":\"x\0y\"}", 11, false, "line 1, column 8", "control character", false },
	{ "{\"a\":1}\0", 8, false, "line 1, column 8", "end of the text", false },
	{ "{\"a\":1}\n\n  x", 0, false, "line 3, column 3", "end of the text", false },
	{ "{\"a\":1,}", 0, false, "line 1, column 8", "expected a string", false },
	{ "{\"a\" 1}", 0, false, "line 1, column 6", "':'", false },
	{ "[1 2]", 0, false, "line 1, column 4", "expected ',' or ']'", false },
	{ "[1,\n]", 0, false, "line 2, column 1", "expected a value", false },
	{ "{\"a\":\"\\x\"}", 0, false, "line 1, column 7", "unknown escape", false },
	{ "\"\xff\"", 0, false, "line 1, column 2", "invalid UTF-8", false },
	{ "\"\xc3\"", 0, false, "line 1, column 2", "invalid UTF-8", false },
	{ "\"\\ud800\"", 0, false, "line 1, column 2", "lone surrogate", false },
	{ "\"\\udc00\"", 0, false, "line 1, column 2", "lone surrogate", false },
	{ "\"\\u12\"", 0, false, "line 1, column 2", "four hex digits", false },
	{ "\"abc", 0, false, "line 1, column 5", "unterminated", false },
	{ "tru", 0, false, "line 1, column 1", "expected a value", false },
	{ "", 0, false, "line 1, column 1", "expected a value", false },
	{ "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]"
	  "]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]", 0, false, "line 1, column 66",
	  "nested", true },
};

static void test_syntax(void)
{
	size_t i;

	for (i = 0; i < sizeof(syntax_cases) / sizeof(syntax_cases[0]); i++) {
		const struct syntax_case *c = &syntax_cases[i];
		size_t len = c->len ? c->len : strlen(c->text);
		struct jreader j;
		json_error_t je;
		json_t *doc;
		char where[64];
		bool got;

		jr_init(&j, c->text, len);
		got = jr_skip(&j) && jr_end(&j);
		ok(got == c->valid, "syntax %zu: %s", i, c->valid ? "accepted" : "refused");
		if (!c->valid && !got) {
			jr_where(&j, NULL, where, sizeof(where));
			is_str(where, c->where, "syntax %zu: the error is at %s", i, c->where);
			ok(strstr(j.msg, c->msg) != NULL, "syntax %zu: the message says '%s' (%s)", i,
			   c->msg, j.msg);
		}
		jr_release(&j);
		doc = json_loadb(c->text, len, JSON_DECODE_ANY | JSON_ALLOW_NUL, &je);
		if (!c->jansson_differs)
			ok((doc != NULL) == c->valid, "syntax %zu: jansson agrees", i);
		else
			ok((doc != NULL) != c->valid, "syntax %zu: jansson differs, as it is known to", i);
		json_decref(doc);
	}
}

/* ---- the engine's entry point: one VMA's fields -------------------------- */

static void test_parse_fields(void)
{
	struct vma_model m;
	struct vma_params params;
	struct maps_parser p;
	struct maps_fields f = { .start = 0x1000, .end = 0x3000, .offset = 0x2000, .inode = 7,
				 .major = 8, .minor = 1, .perms = { 'r', '-', 'x', 'p' },
				 .name = "/a\0b", .name_len = 4 };
	char line[MAPS_LINE_MAX];
	size_t n;

	vma_params_default(&params);
	vma_model_init(&m, &params);
	maps_parser_init(&p, &m);
	is_u64(maps_parse_fields(&p, &f), 0, "maps_parse_fields: a VMA");
	n = m.first ? maps_format_line(&m, m.first, 73, line) : 0;
	ok(n == 78 && !memcmp(line, "00001000-00003000 r-xp 00002000 08:01 7", 39) &&
	   !memcmp(line + 73, "/a\0b\n", 5), "its maps line, the name with its NUL byte");
	f.start = 0x2000;
	f.end = 0x4000;
	ok(maps_parse_fields(&p, &f) == -EINVAL && p.errline == 2 && strstr(p.errmsg, "overlaps"),
	   "an overlap is refused as line 2 (%s)", p.errmsg);
	f.start = 0x5000;
	f.end = 0x6000;
	f.perms[3] = 'q';
	ok(maps_parse_fields(&p, &f) == -EINVAL && strstr(p.errmsg, "permissions"),
	   "bad permissions are refused (%s)", p.errmsg);
	f.perms[3] = 's';
	f.minor = 0x100000;
	ok(maps_parse_fields(&p, &f) == -EINVAL && strstr(p.errmsg, "out of range"),
	   "a device out of range is refused (%s)", p.errmsg);
	f.minor = 1;
	f.name = "a\nb";
	f.name_len = 3;
	ok(maps_parse_fields(&p, &f) == -EINVAL && strstr(p.errmsg, "newline"),
	   "a name with a newline is refused (%s)", p.errmsg);
	f.name_len = 0;
	is_u64(maps_parse_fields(&p, &f), 0, "an unnamed shared VMA after them");
	ok(maps_parser_finish(&p) == 0 && m.count == 2 && !vma_validate(&m, line, sizeof(line)),
	   "the model is valid");
	vma_model_release(&m);
}

/* ---- the lossless scheme -------------------------------------------------- */

/* bytes through the writer (jw_string_len) and jr_string; true if they come back. */
static bool round_trip(const char *bytes, size_t len)
{
	struct json_writer w;
	char *text = NULL;
	size_t tlen = 0;
	FILE *f = open_memstream(&text, &tlen);
	struct jreader j;
	bool same;

	jw_init(&w, f, false);
	jw_string_len(&w, bytes, len);
	jw_finish(&w);
	fclose(f);
	jr_init(&j, text, tlen);
	same = jr_string(&j) && jr_end(&j) && j.len == len && !memcmp(j.buf, bytes, len);
	jr_release(&j);
	free(text);
	return same;
}

static void test_lossless(void)
{
	static const char *const fixed[] = {
		"/tmp/a\xff\x01" "b\\012c", "\xc3\xbf", "\xc3", "\xed\xa0\x80", "\xf4\x90\x80\x80",
		"\xe2\x82", "plain", "\x7f\x1b[31m", "\xef\xbf\xbd", "\xf0\x9f\x98\x80",
	};
	char buf[64];
	unsigned seed = 12345;
	size_t i, k, bad = 0;

	for (i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++)
		ok(round_trip(fixed[i], strlen(fixed[i])), "bytes %zu round-trip", i);
	ok(round_trip("a\0b", 3), "a NUL byte round-trips (\\u0000)");
	for (i = 0; i < 5000; i++) {	/* fixed seed: the same strings each run */
		size_t len = (seed = seed * 1103515245u + 12345u) % sizeof(buf);

		for (k = 0; k < len; k++) {
			seed = seed * 1103515245u + 12345u;
			buf[k] = (char)(seed >> 16);
		}
		bad += !round_trip(buf, len);
	}
	ok(bad == 0, "5000 strings of random bytes round-trip (%zu did not)", bad);
}

/* ---- documents ------------------------------------------------------------ */

struct loaded {
	struct source s;
	struct source_err e;
	int rc;
	char maps[4096];	/* the model as maps text */
};

static void load(struct loaded *l, const char *doc)
{
	struct vma_params params;
	size_t n = 0;
	struct vma *v;

	memset(l, 0, sizeof(*l));
	vma_params_default(&params);
	vma_model_init(&l->s.model, &params);
	l->rc = json_load(&l->s, "t.json", doc, strlen(doc), &l->e);
	if (l->rc)
		return;
	for (v = l->s.model.first; v && n + MAPS_LINE_MAX < sizeof(l->maps) + MAPS_LINE_MAX; v = v->next) {
		char line[MAPS_LINE_MAX];
		size_t len = maps_format_line(&l->s.model, v, l->s.name_column ? l->s.name_column : 73,
					      line);

		if (n + len >= sizeof(l->maps))
			break;
		memcpy(l->maps + n, line, len);
		n += len;
	}
	l->maps[n] = 0;
}

static void unload(struct loaded *l)
{
	struct proc_meta *me = &l->s.meta;
	size_t i;

	vma_model_release(&l->s.model);
	free(me->comm);
	free(me->cmdline);
	free(me->exe);
	free(me->user);
	free(me->kernel);
	free(me->hostname);
	free(me->boot_id);
	for (i = 0; i < me->nrollup; i++)
		free(me->rollup_keys[i]);
	free(me->rollup_keys);
	free(me->rollup_vals);
}

#define SRC "\"source\":{\"kind\":\"live\",\"pid\":42,\"comm\":\"a\\udcffb\",\"page_size\":4096," \
	    "\"has_smaps\":true,\"name_column\":73,\"rollup\":{\"rss\":8192}," \
	    "\"smaps_keys\":[{\"name\":\"Size\",\"json\":\"size\",\"width\":16,\"kb\":true}," \
	    "{\"name\":\"Rss\",\"json\":\"rss\",\"width\":16,\"kb\":true}]}"
#define VMA1 "{\"start\":\"0x400000\",\"end\":\"0x401000\",\"size\":4096,\"perms\":\"r-xp\"," \
	     "\"offset\":\"0x0\",\"dev\":\"fe:01\",\"inode\":12,\"name\":\"/a\\udcff\\u0001b\\\\012c\"," \
	     "\"path\":\"/a\\udcff\\u0001b\\nc\",\"kind\":\"text\",\"deleted\":false," \
	     "\"vmflags\":[\"rd\",\"ex\",\"mr\",\"mw\",\"me\",\"sd\"],\"flags_inferred\":false," \
	     "\"rss\":4096}"
#define VMA1_REVERSED "{\"rss\":4096,\"flags_inferred\":false," \
	     "\"vmflags\":[\"rd\",\"ex\",\"mr\",\"mw\",\"me\",\"sd\"],\"deleted\":false," \
	     "\"kind\":\"text\",\"path\":\"/a\\udcff\\u0001b\\nc\"," \
	     "\"name\":\"/a\\udcff\\u0001b\\\\012c\",\"inode\":12,\"dev\":\"fe:01\",\"offset\":\"0x0\"," \
	     "\"perms\":\"r-xp\",\"size\":4096,\"end\":\"0x401000\",\"start\":\"0x400000\"}"
#define VMA2 "{\"start\":\"0x7f0000000000\",\"end\":\"0x7f0000002000\",\"perms\":\"rw-p\"," \
	     "\"offset\":\"0x0\",\"dev\":\"00:00\",\"inode\":0,\"name\":\"\"}"
#define MAPS1 "00400000-00401000 r-xp 00000000 fe:01 12                                 " \
	      "/a\xff\x01" "b\\012c\n"
#define MAPS2 "7f0000000000-7f0000002000 rw-p 00000000 00:00 0 \n"

static void test_machine(void)
{
	struct loaded l;

	load(&l, "{\"schema\":\"vmatool/1\",\"vmas\":[],\"source\":{\"machine\":{\"zero_page\":false,"
	     "\"thp\":\"never\",\"max_map_count\":1000,\"from_a_newer_vmatool\":[1,{}]}}}");
	is_u64(l.rc, EXIT_FINE, "a snapshot with a machine loads");
	ok(l.s.has_machine && !l.s.model.p.zero_page && l.s.model.p.thp == VMA_THP_NEVER &&
	   l.s.model.p.max_map_count == 1000, "its settings are the model's; an unknown one is skipped");
	unload(&l);
	load(&l, "{\"schema\":\"vmatool/1\",\"vmas\":[],\"source\":{\"machine\":null}}");
	ok(l.rc == EXIT_FINE && !l.s.has_machine, "\"machine\":null is no machine");
	unload(&l);
}

static void test_documents(void)
{
	struct loaded a, b;
	uint64_t rss;

	load(&a, "{\"schema\":\"vmatool/1\"," SRC ",\"vmas\":[" VMA1 "," VMA2 "]}");
	is_u64(a.rc, EXIT_FINE, "a snapshot loads");
	is_str(a.maps, MAPS1 MAPS2, "its maps text, with the bytes that are not UTF-8");
	is_u64(a.s.meta.pid, 42, "the pid is read");
	is_str(a.s.meta.comm ? a.s.meta.comm : "", "a\xff" "b", "comm keeps its byte ff");
	ok(a.s.has_smaps && vma_smaps_get(&a.s.model, a.s.model.first, SMAPS_RSS, &rss) && rss == 4,
	   "rss is read (4 kB)");
	ok(!(a.s.model.first->bits & VMA_B_FLAGS_INFERRED) && (a.s.model.first->flags & VMF(MAYWRITE)),
	   "vmflags are read");
	ok(a.s.meta.nrollup == 1 && a.s.meta.rollup_vals[0] == 8192, "rollup is read");

	load(&b, "{\"vmas\":[" VMA1_REVERSED "," VMA2 "]," SRC ",\"schema\":\"vmatool/1\"}");
	is_u64(b.rc, EXIT_FINE, "the same snapshot with its keys in reverse order loads");
	is_str(b.maps, a.maps, "... to the same maps text");
	ok(b.s.meta.pid == 42 && b.s.meta.comm && !strcmp(b.s.meta.comm, a.s.meta.comm) &&
	   b.s.name_column == 73, "... and the same source");
	ok(b.s.has_smaps && vma_smaps_get(&b.s.model, b.s.model.first, SMAPS_RSS, &rss) && rss == 4,
	   "... and the same rss");
	ok(b.s.model.first->flags == a.s.model.first->flags, "... and the same flags");
	unload(&a);
	unload(&b);
}

/*
 * A file cut short while it is read through its mapping: mapped longer than
 * it is (as when another program truncates it after its size was taken),
 * the read faults past its end; the reader says so and frees what it had.
 */
static void test_cut_short(void)
{
	static const char head[] = "{\"schema\":\"vmatool/1\"," SRC ",\"vmas\":[" VMA1 ",";
	char path[] = "/tmp/vmatool-test-json.XXXXXX", *text;
	size_t size = 8192;
	struct loaded l;
	struct vma_params params;
	int fd = mkstemp(path);

	text = malloc(size);
	if (fd < 0 || !text) {
		ok(0, "a file cut short: cannot make '%s'", path);
		free(text);
		return;
	}
	memset(text, ' ', size);
	memcpy(text, head, sizeof(head) - 1);
	ok(write(fd, text, size) == (ssize_t)size, "a file cut short: written");
	memset(&l, 0, sizeof(l));
	vma_params_default(&params);
	vma_model_init(&l.s.model, &params);
	l.rc = json_load_mapped(&l.s, "cut.json", fd, size + 2 * 4096, &l.e);
	is_u64(l.rc, EXIT_TARGET, "a file cut short while mapped: exit 3, not SIGBUS");
	ok(strstr(l.e.msg, "cannot read 'cut.json': the file was cut short while being read") != NULL,
	   "... and it says so: %s", l.e.msg);
	unload(&l);
	close(fd);
	unlink(path);
	free(text);
}

struct doc_case {
	const char *doc;
	const char *want;	/* maps text, or "!" and part of the message */
};

static const struct doc_case doc_cases[] = {
	/* documents of earlier versions: \u00XX for bytes, no "name", no "source" */
	{ "{\"schema\":\"vmatool/1\",\"vmas\":[{\"start\":\"0x1000\",\"end\":\"0x2000\",\"perms\":\"r--p\","
	  "\"offset\":\"0x0\",\"dev\":\"08:01\",\"inode\":5,\"name\":\"/x\\u00ff\"}]}",
	  "00001000-00002000 r--p 00000000 08:01 5                                  /x\xc3\xbf\n" },
	{ "{\"schema\":\"vmatool/1\",\"vmas\":[{\"start\":\"0x1000\",\"end\":\"0x2000\",\"perms\":\"r--p\","
	  "\"offset\":\"0x0\",\"dev\":\"08:01\",\"inode\":5,\"path\":\"/p\\nq\",\"deleted\":true}]}",
	  "00001000-00002000 r--p 00000000 08:01 5                                  /p\\012q (deleted)\n" },
	{ "{\"schema\":\"vmatool/1\",\"vmas\":[]}", "" },
	/* duplicates are refused, wherever they are */
	{ "{\"schema\":\"vmatool/1\",\"vmas\":[{\"start\":\"0x1000\",\"end\":\"0x2000\",\"perms\":\"r--p\","
	  "\"perms\":\"r--p\",\"offset\":\"0x0\",\"dev\":\"08:01\",\"inode\":5}]}",
	  "!line 1, column 79: duplicate key 'perms' in vmas[0]" },
	{ "{\"schema\":\"vmatool/1\",\"vmas\":[{\"start\":\"0x1000\",\"end\":\"0x2000\",\"perms\":\"r--p\","
	  "\"offset\":\"0x0\",\"dev\":\"08:01\",\"inode\":5,\"rss\":0,\"rss\":4096}]}",
	  "!duplicate key 'rss' in vmas[0]" },
	{ "{\"schema\":\"vmatool/1\",\"source\":{\"pid\":1,\"pid\":2},\"vmas\":[]}",
	  "!line 1, column 41: duplicate key 'pid'" },
	{ "{\"schema\":\"vmatool/1\",\"vmas\":[],\"vmas\":[]}", "!duplicate key 'vmas'" },
	{ "{\"schema\":\"vmatool/1\",\"x\":1,\"vmas\":[],\"x\":2}", "!line 1, column 39: duplicate key 'x'" },
	{ "{\"schema\":\"vmatool/1\",\"source\":{\"x\":1,\"y\":2,\"x\":[]},\"vmas\":[]}",
	  "!line 1, column 45: duplicate key 'x'" },
	{ "{\"schema\":\"vmatool/1\",\"source\":{\"machine\":{\"new\":1,\"new\":1}},\"vmas\":[]}",
	  "!duplicate key 'new'" },
	{ "{\"schema\":\"vmatool/1\",\"vmas\":[{\"start\":\"0x1000\",\"end\":\"0x2000\",\"perms\":\"r--p\","
	  "\"offset\":\"0x0\",\"dev\":\"08:01\",\"inode\":5,\"note\":1},{\"start\":\"0x2000\","
	  "\"end\":\"0x3000\",\"perms\":\"r--p\",\"offset\":\"0x0\",\"dev\":\"08:01\",\"inode\":5,"
	  "\"note\":1,\"note\":2}]}", "!duplicate key 'note'" },
	{ "{\"schema\":\"vmatool/1\",\"vmas\":[{\"start\":\"0x1000\",\"end\":\"0x2000\",\"perms\":\"r--p\","
	  "\"offset\":\"0x0\",\"dev\":\"08:01\",\"inode\":5,\"note\":1},{\"start\":\"0x2000\","
	  "\"end\":\"0x3000\",\"perms\":\"r--p\",\"offset\":\"0x0\",\"dev\":\"08:01\",\"inode\":5,"
	  "\"note\":1}]}", "00001000-00002000 r--p 00000000 08:01 5 \n00002000-00003000 r--p 00000000 08:01 5 \n" },
	/* what is not JSON is refused in the parts that are skipped too */
	{ "{\"schema\":\"vmatool/1\",\"extra\":[08],\"vmas\":[]}", "!line 1, column 32: a number with a "
	  "leading zero" },
	{ "{\"schema\":\"vmatool/1\",\"vmas\":[{\"start\":\"0x1000\",\"end\":\"0x2000\",\"perms\":\"r--p\","
	  "\"offset\":\"0x0\",\"dev\":\"08:01\",\"inode\":5,\"note\":8192.}]}",
	  "!digit after '.'" },
	/* the schema's own errors */
	{ "{\"schema\":\"vmatool/1\",\n\"vmas\":[{\"start\":\"0x1000\"}]}",
	  "!line 2, column 9: vmas[0]: 'end' is missing" },
	{ "{\"schema\":\"other/2\",\"vmas\":[]}", "!not a vmatool/1 document" },
	{ "{\"vmas\":[]}", "!\"schema\" is missing" },
	{ "{\"schema\":\"vmatool/1\",\"vmas\":[{\"start\":\"0x1000\",\"end\":\"0x3000\",\"perms\":\"r--p\","
	  "\"offset\":\"0x0\",\"dev\":\"00:00\",\"inode\":0},{\"start\":\"0x2000\",\"end\":\"0x4000\","
	  "\"perms\":\"r--p\",\"offset\":\"0x0\",\"dev\":\"00:00\",\"inode\":0}]}",
	  "!vmas[1]: VMA 0x2000-0x4000 overlaps" },
	{ "{\"schema\":\"vmatool/1\",\"vmas\":[{\"start\":\"0x1000\",\"end\":\"0x2000\",\"perms\":\"r--p\","
	  "\"offset\":\"0x0\",\"dev\":\"00:00\",\"inode\":0,\"rss\":-4096}]}",
	  "!vmas[0]: 'rss' must be a non-negative integer" },
	{ "{\"schema\":\"vmatool/1\",\"vmas\":[{\"start\":\"0x1000\",\"end\":\"0x2000\",\"perms\":\"rwxq\","
	  "\"offset\":\"0x0\",\"dev\":\"00:00\",\"inode\":0}]}",
	  "!vmas[0]: 'perms' must be like \"rw-p\"" },
	/* values of the wrong type get the schema's words; values that are not JSON do not */
	{ "{\"schema\":\"vmatool/1\",\"source\":{\"pid\":\"12\"},\"vmas\":[]}",
	  "!line 1, column 39: source.pid must be a non-negative integer or null" },
	{ "{\"schema\":\"vmatool/1\",\"source\":{},\"vmas\":[{\"start\":\"0x1000\",\"end\":\"0x2000\","
	  "\"perms\":\"r--p\",\"offset\":\"0x0\",\"dev\":\"00:00\",\"inode\":0,\"rss\":1.5}]}",
	  "!line 1, column 136: vmas[0]: 'rss' must be a non-negative integer" },
	{ "{\"schema\":\"vmatool/1\",\"source\":{},\"vmas\":[{\"start\":\"0x1000\",\"end\":\"0x2000\","
	  "\"perms\":\"r--p\",\"offset\":\"0x0\",\"dev\":\"00:00\",\"inode\":0,\"rss\":01}]}",
	  "!line 1, column 136: a number with a leading zero" },
	{ "{\"schema\":\"vmatool/1\",\"vmas\":[{\"start\":\"0x1000\",\"end\":\"0x2000\",\"perms\":\"r--p\","
	  "\"offset\":\"0x0\",\"dev\":\"00:00\",\"inode\":0,\"deleted\":1}]}",
	  "!vmas[0]: 'deleted' must be true or false" },
	/* source.machine (engine/machine.h): its members checked like the rest */
	{ "{\"schema\":\"vmatool/1\",\"source\":{\"machine\":5},\"vmas\":[]}",
	  "!line 1, column 43: source.machine must be an object" },
	{ "{\"schema\":\"vmatool/1\",\"source\":{\"machine\":{\"thp\":\"sometimes\"}},\"vmas\":[]}",
	  "!line 1, column 50: source.machine.thp: bad value" },
	{ "{\"schema\":\"vmatool/1\",\"source\":{\"machine\":{\"zero_page\":1}},\"vmas\":[]}",
	  "!source.machine.zero_page: bad value" },
	{ "{\"schema\":\"vmatool/1\",\"source\":{\"page_size\":4096,\"machine\":{\"page_size\":16384}},"
	  "\"vmas\":[]}", "!line 1, column 60: source.machine.page_size: 16384, but the snapshot's "
	  "pages are 4096 bytes (source.page_size)" },
	{ "{\"schema\":\"vmatool/1\",\"source\":{\"machine\":{\"page_size\":16384},\"page_size\":4096},"
	  "\"vmas\":[]}", "!source.machine.page_size: 16384, but the snapshot's pages are 4096" },
	{ "{\"schema\":\"vmatool/1\",\"source\":{\"machine\":{\"pku\":true,\"pku\":false}},"
	  "\"vmas\":[]}", "!duplicate key 'pku' in source.machine" },
	{ "{\"schema\":\"vmatool/1\",\"source\":{\"comm\":\"a\\u0000b\"},\"vmas\":[]}",
	  "!source.comm: holds a NUL byte" },
	{ "{\"schema\":\"vmatool/1\",\"vmas\":[{\"start\":\"0x1000\",\"end\":\"0x2000\",\"perms\":\"r--p\","
	  "\"offset\":\"0x0\",\"dev\":\"00:00\",\"inode\":0,\"name\":\"a\\nb\"}]}",
	  "!vmas[0]: bad 'name'" },
};

static void test_doc_cases(void)
{
	size_t i;

	for (i = 0; i < sizeof(doc_cases) / sizeof(doc_cases[0]); i++) {
		const struct doc_case *c = &doc_cases[i];
		struct loaded l;

		load(&l, c->doc);
		if (c->want[0] == '!') {
			if (!ok(l.rc == EXIT_BADINPUT && strstr(l.e.msg, c->want + 1),
				"document %zu refused: %s", i, c->want + 1))
				diag("  got %d '%s'", l.rc, l.e.msg);
		} else {
			if (!is_u64(l.rc, EXIT_FINE, "document %zu loads", i))
				diag("  %s", l.e.msg);
			is_str(l.maps, c->want, "document %zu: its maps text", i);
		}
		unload(&l);
	}
}

/*
 * Single-byte mutations of a valid document: whatever jansson refuses as
 * JSON, the reader refuses too, and nothing crashes (fixed seed).
 */
static void test_mutations(void)
{
	/* (no \udcXX escape in it: jansson refuses those) */
	static const char doc[] = "{\"schema\":\"vmatool/1\",\"source\":{\"pid\":42,\"comm\":\"x\","
		"\"has_smaps\":true,\"smaps_keys\":[{\"name\":\"Rss\",\"json\":\"rss\",\"width\":16,"
		"\"kb\":true}]},\"vmas\":[{\"start\":\"0x400000\",\"end\":\"0x401000\",\"perms\":"
		"\"r-xp\",\"offset\":\"0x0\",\"dev\":\"fe:01\",\"inode\":12,\"name\":\"/bin/x\","
		"\"vmflags\":[\"rd\",\"ex\"],\"rss\":4096,\"note\":[1.5e3,null,false]}," VMA2 "]}";
	static const char bytes[] = "{}[]\":,\\ 0123456789.-+eEtrufalsn\x01\x80\xff\xc3";
	char text[sizeof(doc)];
	unsigned seed = 777;
	size_t i, disagree = 0, accepted = 0;

	for (i = 0; i < 3000; i++) {
		struct loaded l;
		json_error_t je;
		json_t *d;
		size_t at;

		memcpy(text, doc, sizeof(doc));
		seed = seed * 1103515245u + 12345u;
		at = (seed >> 8) % (sizeof(doc) - 1);
		seed = seed * 1103515245u + 12345u;
		text[at] = bytes[(seed >> 8) % (sizeof(bytes) - 1)];
		d = json_loadb(text, strlen(text), 0, &je);
		load(&l, text);
		accepted += l.rc == EXIT_FINE;
		if (!d && l.rc == EXIT_FINE && !strstr(text, "\\udc"))
			disagree++, diag("  accepted what jansson refuses: %s", text);
		json_decref(d);
		unload(&l);
	}
	ok(disagree == 0, "3000 mutated documents: nothing jansson refuses is accepted (%zu "
	   "accepted)", accepted);
}

int main(void)
{
	test_syntax();
	test_parse_fields();
	test_lossless();
	test_documents();
	test_cut_short();
	test_machine();
	test_doc_cases();
	test_mutations();
	return tap_done();
}
