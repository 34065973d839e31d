/*
 * json.h - vmatool's JSON: a streaming writer for documents of schema
 * vmatool/1 (show --format json, snapshot, diff, sim, watch's jsonl), the
 * rendering of VMAs, process metadata and summaries.  The reader that turns
 * a vmatool/1 document back into a source is json-load.h.
 *
 * The writer streams to a FILE (stdout, or the temporary file of
 * write_file_atomic_stream): nothing is built in memory, so output of 65,000 VMAs
 * costs no more memory than one.  It tracks commas and nesting itself:
 *
 *	struct json_writer w;
 *	jw_init(&w, stdout, true);
 *	jw_begin_object(&w);
 *	jw_key(&w, "schema"); jw_string(&w, JSON_SCHEMA);
 *	jw_key(&w, "vmas"); jw_begin_array(&w);
 *	for (v = ...) json_vma(&w, s, v);
 *	jw_end_array(&w);
 *	jw_end_object(&w);
 *	if (jw_finish(&w)) ... write error ...
 *
 * Strings of any bytes are written losslessly: bytes that are not UTF-8 as
 * \udcXX (json-read.h, man/vmatool.1).
 *
 * Document schema vmatool/1 (documented in man/vmatool.1):
 *   {"schema":"vmatool/1",
 *    "source":{"pid":N|null,"comm":S|null,"cmdline":S|null,"exe":S|null,
 *              "user":S|null,"state":"S"|null,"start_time":N|null,
 *              "kernel":S|null,"hostname":S|null,"boot_id":S|null,
 *              "page_size":N,"max_map_count":N|null,"time":N|null,
 *              "target":S,"kind":"live"|"maps"|"smaps"|"json",
 *              "has_smaps":B,"name_column":N (where /proc starts names: 73),
 *              "rollup":{"rss":N,...}   (smaps_rollup, only when read),
 *              "smaps_keys":[{"name":"Rss","json":"rss","width":16,"kb":true},...]
 *                           (only with smaps: how each field prints back),
 *              "machine":{"zero_page":B,"page_size":N,"thp":"madvise",...}
 *                           (the kernel settings the model follows, engine/machine.h;
 *                           absent for saved text, which records none)},
 *    "vmas":[{"start":"0x..","end":"0x..","size":N,"perms":"rw-p",
 *             "offset":"0x..","dev":"fe:00","inode":N,
 *             "name":S    (the name column exactly as /proc prints it, "" if none),
 *             "path":S|null (file path, '\n' unescaped, without " (deleted)"),
 *             "kind":"text"|...,"deleted":B,"vmflags":["rd","wr",...],
 *             "flags_inferred":B (true when VmFlags were not read),
 *             "rss":N,"pss":N,...   every smaps field, snake_case, bytes
 *                                   for kB fields, plain numbers otherwise
 *                                   (smaps "Size" is the "size" above)}],
 *    "gaps":[{"start","end","size"}]   (show --gaps only),
 *    "summary":{"vmas","vmas_total","max_map_count","size","rss","pss","dirty",
 *               "swap","kinds":{"text":{"count","size","rss"},...},"gaps",
 *               "gap_bytes","largest_gap":{"start","end","size"}|null}}
 */
#ifndef VMATOOL_JSON_H
#define VMATOOL_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "cli/cli.h"
#include "view/view.h"

#define JSON_SCHEMA "vmatool/1"
#define JSON_MAX_DEPTH 32
#define JSON_WRITER_BUF 16384

/*
 * The writer keeps its own buffer (a fixed 16 KiB) and hands it to the FILE
 * in large writes: the many small pieces of 65,000 VMA objects cost a
 * memcpy each instead of a locked stdio call.  Nothing may write to out
 * between jw_init and jw_finish other than the writer.
 */
struct json_writer {
	FILE *out;
	bool pretty;		/* newlines and two-space indent */
	bool after_key;		/* next value follows "key": */
	bool failed;		/* a write to out failed */
	int depth;
	bool nonempty[JSON_MAX_DEPTH];	/* a member was written at this depth */
	size_t len;		/* bytes in buf */
	char buf[JSON_WRITER_BUF];
};

void jw_init(struct json_writer *w, FILE *out, bool pretty);
/* Ends the document with a newline and flushes (buffer and out); -EIO on a write error. */
int jw_finish(struct json_writer *w);

void jw_begin_object(struct json_writer *w);
void jw_end_object(struct json_writer *w);
void jw_begin_array(struct json_writer *w);
void jw_end_array(struct json_writer *w);
void jw_key(struct json_writer *w, const char *key);
void jw_string(struct json_writer *w, const char *s);		/* NULL -> null */
void jw_string_len(struct json_writer *w, const char *s, size_t len);
void jw_u64(struct json_writer *w, uint64_t v);
void jw_i64(struct json_writer *w, int64_t v);
void jw_hex(struct json_writer *w, uint64_t v);		/* "0x7f..." */
void jw_fixed(struct json_writer *w, double v);		/* 12.345: three decimals */
void jw_bool(struct json_writer *w, bool v);
void jw_null(struct json_writer *w);

/* key + value in one call */
void jw_kv_string(struct json_writer *w, const char *key, const char *s);
void jw_kv_u64(struct json_writer *w, const char *key, uint64_t v);
void jw_kv_i64(struct json_writer *w, const char *key, int64_t v);
void jw_kv_hex(struct json_writer *w, const char *key, uint64_t v);
void jw_kv_bool(struct json_writer *w, const char *key, bool v);
/* A ratio (0 to 1e12) with six decimals: "0.012345" (the C locale's point). */
void jw_kv_ratio(struct json_writer *w, const char *key, double v);

/* ---- vmatool/1 pieces ---------------------------------------------------- */
/* One VMA object (see the schema above); m is the model v belongs to. */
void json_vma(struct json_writer *w, const struct vma_model *m, const struct vma *v);
/* The same from the row of v (view/view.h), filled already. */
void json_vma_row(struct json_writer *w, const struct vma_model *m, const struct view_row *r);
/* The members up to "path" only, as `find` gives them. */
void json_vma_brief(struct json_writer *w, const struct view_row *r);
/* The "vmflags" array value of a flag set. */
void json_vmflags(struct json_writer *w, vmf_t flags);
/* The "machine" member: every machine setting of p (engine/machine.h). */
void json_machine(struct json_writer *w, const struct vma_params *p);
/* The "source" object value: metadata of s (live or loaded). */
void json_source_meta(struct json_writer *w, const struct source *s);

#endif
