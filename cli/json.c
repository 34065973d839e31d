/*
 * json.c - vmatool/1 documents: the streaming writer and the rendering of
 * VMAs and process metadata.  The schema is described in json.h; reading a
 * document back is json-load.c.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "cli/json-read.h"
#include "cli/json.h"
#include "engine/machine.h"
#include "engine/maps.h"

/* ---- the writer ----------------------------------------------------------- */

void jw_init(struct json_writer *w, FILE *out, bool pretty)
{
	memset(w, 0, sizeof(*w));
	w->out = out;
	w->pretty = pretty;
}

int jw_finish(struct json_writer *w)
{
	putc('\n', w->out);
	if (fflush(w->out) == EOF || ferror(w->out))
		return -EIO;
	return 0;
}

/* Pretty documents break lines down to depth 2: one VMA per line. */
static void jw_newline(struct json_writer *w)
{
	int i;

	if (!w->pretty || w->depth > 2)
		return;
	putc('\n', w->out);
	for (i = 0; i < w->depth; i++)
		fputs("  ", w->out);
}

/* Before a value or key: the comma and the line break it needs. */
static void jw_sep(struct json_writer *w)
{
	if (w->after_key) {
		w->after_key = false;
		return;
	}
	if (w->depth == 0)
		return;
	if (w->nonempty[w->depth])
		putc(',', w->out);
	w->nonempty[w->depth] = true;
	jw_newline(w);
}

static void jw_open(struct json_writer *w, char c)
{
	jw_sep(w);
	putc(c, w->out);
	if (w->depth + 1 < JSON_MAX_DEPTH)
		w->depth++;
	w->nonempty[w->depth] = false;
}

static void jw_close(struct json_writer *w, char c)
{
	bool had = w->nonempty[w->depth] && w->depth <= 2;

	if (w->depth > 0)
		w->depth--;
	if (had)
		jw_newline(w);
	putc(c, w->out);
}

void jw_begin_object(struct json_writer *w) { jw_open(w, '{'); }
void jw_end_object(struct json_writer *w) { jw_close(w, '}'); }
void jw_begin_array(struct json_writer *w) { jw_open(w, '['); }
void jw_end_array(struct json_writer *w) { jw_close(w, ']'); }

/*
 * A JSON string.  Bytes that are not UTF-8 (a path may hold any byte) are
 * written as \udcXX, which the reader turns back into the same byte
 * (json-read.h, man/vmatool.1): names round-trip byte for byte.
 */
void jw_string_len(struct json_writer *w, const char *s, size_t len)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0, run = 0;
	FILE *out = w->out;

	jw_sep(w);
	putc('"', out);
	while (i < len) {
		unsigned char c = u[i];
		size_t n = c >= 0x20 && c != '"' && c != '\\' && c != 0x7f ?
			   json_utf8_len(u + i, len - i) : 0;

		if (n) {
			i += n;
			continue;
		}
		fwrite(s + run, 1, i - run, out);
		switch (c) {
		case '"': fputs("\\\"", out); break;
		case '\\': fputs("\\\\", out); break;
		case '\n': fputs("\\n", out); break;
		case '\t': fputs("\\t", out); break;
		case '\r': fputs("\\r", out); break;
		default: fprintf(out, c >= 0x80 ? "\\udc%02x" : "\\u%04x", c); break;
		}
		run = ++i;
	}
	fwrite(s + run, 1, len - run, out);
	putc('"', out);
}

void jw_string(struct json_writer *w, const char *s)
{
	if (!s)
		jw_null(w);
	else
		jw_string_len(w, s, strlen(s));
}

void jw_key(struct json_writer *w, const char *key)
{
	jw_string_len(w, key, strlen(key));
	putc(':', w->out);
	w->after_key = true;
}

/* Digits of v, right-aligned at the end of buf; returns the first. */
static char *u64_digits(uint64_t v, char *end, unsigned base)
{
	static const char digits[] = "0123456789abcdef";

	do {
		*--end = digits[v % base];
		v /= base;
	} while (v);
	return end;
}

void jw_u64(struct json_writer *w, uint64_t v)
{
	char buf[24], *p = u64_digits(v, buf + sizeof(buf), 10);

	jw_sep(w);
	fwrite(p, 1, buf + sizeof(buf) - p, w->out);
}

void jw_i64(struct json_writer *w, int64_t v)
{
	if (v >= 0) {
		jw_u64(w, (uint64_t)v);
		return;
	}
	jw_sep(w);
	putc('-', w->out);
	w->after_key = true;	/* no separator before the digits */
	jw_u64(w, -(uint64_t)v);
}

void jw_hex(struct json_writer *w, uint64_t v)
{
	char buf[24], *p = u64_digits(v, buf + sizeof(buf) - 1, 16);

	buf[sizeof(buf) - 1] = '"';
	*--p = 'x';
	*--p = '0';
	*--p = '"';
	jw_sep(w);
	fwrite(p, 1, buf + sizeof(buf) - p, w->out);
}

void jw_bool(struct json_writer *w, bool v)
{
	jw_sep(w);
	fputs(v ? "true" : "false", w->out);
}

void jw_null(struct json_writer *w)
{
	jw_sep(w);
	fputs("null", w->out);
}

void jw_kv_string(struct json_writer *w, const char *key, const char *s)
{
	jw_key(w, key);
	jw_string(w, s);
}

void jw_kv_u64(struct json_writer *w, const char *key, uint64_t v)
{
	jw_key(w, key);
	jw_u64(w, v);
}

void jw_kv_i64(struct json_writer *w, const char *key, int64_t v)
{
	jw_key(w, key);
	jw_i64(w, v);
}

void jw_kv_hex(struct json_writer *w, const char *key, uint64_t v)
{
	jw_key(w, key);
	jw_hex(w, v);
}

void jw_kv_bool(struct json_writer *w, const char *key, bool v)
{
	jw_key(w, key);
	jw_bool(w, v);
}

/* ---- VMAs ----------------------------------------------------------------- */

void json_vmflags(struct json_writer *w, vmf_t flags)
{
	unsigned bit;

	jw_begin_array(w);
	for (bit = 0; bit < 64; bit++) {
		const char *mn;

		if (!(flags & ((vmf_t)1 << bit)) || !(mn = vmf_mnemonic(bit)))
			continue;
		jw_string_len(w, mn, strlen(mn));
	}
	jw_end_array(w);
}

static const char deleted_suffix[] = " (deleted)";
#define DELETED_LEN (sizeof(deleted_suffix) - 1)

/* The file path of a file-backed VMA's name ('\012' unescaped), in buf. */
static bool vma_path(const struct vma_model *m, const struct vma *v, char *buf, size_t *len)
{
	const char *name = vma_name(m, v->name);
	size_t n = vma_name_len(m, v->name);

	if (!n || name[0] != '/')
		return false;
	if ((v->bits & VMA_B_DELETED) && n >= DELETED_LEN &&
	    !memcmp(name + n - DELETED_LEN, deleted_suffix, DELETED_LEN))
		n -= DELETED_LEN;
	*len = maps_unescape_name(name, n, buf);
	return true;
}

static void json_vma_smaps(struct json_writer *w, const struct vma_model *m, const struct vma *v)
{
	size_t i, n = vma_smaps_count(m, v);

	for (i = 0; i < n; i++) {
		const struct smaps_keyinfo *ki;
		unsigned key;
		uint64_t val;

		vma_smaps_field(m, v, i, &key, &val);
		ki = vma_smaps_key(m, key);
		if (!ki || key == SMAPS_SIZE)
			continue;	/* Size is the VMA's "size" */
		jw_kv_u64(w, ki->json, ki->kb ? val * 1024 : val);
	}
}

void json_vma(struct json_writer *w, const struct vma_model *m, const struct vma *v)
{
	char perms[5], dev[24], path[4096 + 64];
	size_t plen;
	bool anon_offset = v->bits & VMA_B_PGOFF_INFERRED;

	perms[0] = v->flags & VMF(READ) ? 'r' : '-';
	perms[1] = v->flags & VMF(WRITE) ? 'w' : '-';
	perms[2] = v->flags & VMF(EXEC) ? 'x' : '-';
	perms[3] = v->flags & VMF(MAYSHARE) ? 's' : 'p';
	perms[4] = 0;
	snprintf(dev, sizeof(dev), "%02x:%02x", VMA_DEV_MAJOR(v->dev), VMA_DEV_MINOR(v->dev));
	jw_begin_object(w);
	jw_kv_hex(w, "start", v->start);
	jw_kv_hex(w, "end", v->end);
	jw_kv_u64(w, "size", v->end - v->start);
	jw_kv_string(w, "perms", perms);
	jw_kv_hex(w, "offset", anon_offset ? 0 : v->pgoff * m->p.page_size);
	jw_kv_string(w, "dev", dev);
	jw_kv_u64(w, "inode", v->inode);
	jw_key(w, "name");
	jw_string_len(w, vma_name(m, v->name), vma_name_len(m, v->name));
	jw_key(w, "path");
	if (vma_name_len(m, v->name) < sizeof(path) - 64 && vma_path(m, v, path, &plen))
		jw_string_len(w, path, plen);
	else
		jw_null(w);
	jw_kv_string(w, "kind", vma_kind_name(v->kind));
	jw_kv_bool(w, "deleted", v->bits & VMA_B_DELETED);
	jw_key(w, "vmflags");
	json_vmflags(w, v->flags);
	jw_kv_bool(w, "flags_inferred", v->bits & VMA_B_FLAGS_INFERRED);
	json_vma_smaps(w, m, v);
	jw_end_object(w);
}

/* ---- source metadata ------------------------------------------------------ */

static const char *source_kind_name(enum source_kind k)
{
	switch (k) {
	case SOURCE_LIVE: return "live";
	case SOURCE_MAPS_FILE: return "maps";
	case SOURCE_SMAPS_FILE: return "smaps";
	case SOURCE_JSON_FILE: return "json";
	}
	return "?";
}

static void jw_opt_string(struct json_writer *w, const char *key, const char *s)
{
	jw_key(w, key);
	jw_string(w, s);
}

static void jw_opt_u64(struct json_writer *w, const char *key, uint64_t v)
{
	jw_key(w, key);
	if (v)
		jw_u64(w, v);
	else
		jw_null(w);
}

/* The smaps keys of the model, so that unknown ones print back the same. */
static void json_smaps_keys(struct json_writer *w, const struct vma_model *m)
{
	unsigned k, n = vma_smaps_nkeys(m);

	jw_key(w, "smaps_keys");
	jw_begin_array(w);
	for (k = 0; k < n; k++) {
		const struct smaps_keyinfo *ki = vma_smaps_key(m, k);

		jw_begin_object(w);
		jw_kv_string(w, "name", ki->name);
		jw_kv_string(w, "json", ki->json);
		jw_kv_u64(w, "width", ki->label_width);
		jw_kv_bool(w, "kb", ki->kb);
		jw_end_object(w);
	}
	jw_end_array(w);
}

void json_machine(struct json_writer *w, const struct vma_params *p)
{
	char val[32];

	jw_key(w, "machine");
	jw_begin_object(w);
	for (size_t i = 0; i < vma_setting_count(); i++) {
		const struct vma_setting *st = vma_setting_at(i);

		jw_key(w, st->name);
		if (st->kind == VMA_SETTING_BOOL) {
			jw_bool(w, vma_setting_value(p, i) != 0);
		} else if (st->kind == VMA_SETTING_UINT) {
			jw_u64(w, vma_setting_value(p, i));
		} else {
			vma_setting_format(p, i, val, sizeof(val));
			jw_string(w, val);
		}
	}
	jw_end_object(w);
}

void json_source_meta(struct json_writer *w, const struct source *s)
{
	const struct proc_meta *me = &s->meta;
	const char *kind = source_kind_name(s->kind);
	char state[2] = { me->state, 0 };
	size_t i;

	jw_begin_object(w);
	jw_kv_string(w, "kind", kind);
	jw_kv_string(w, "target", s->target);
	jw_opt_u64(w, "pid", (uint64_t)(me->pid > 0 ? me->pid : 0));
	jw_opt_string(w, "comm", me->comm);
	jw_opt_string(w, "cmdline", me->cmdline);
	jw_opt_string(w, "exe", me->exe);
	jw_opt_string(w, "user", me->user);
	jw_opt_string(w, "state", me->state ? state : NULL);
	jw_opt_u64(w, "start_time", (uint64_t)me->start_time);
	jw_opt_string(w, "kernel", me->kernel);
	jw_opt_string(w, "hostname", me->hostname);
	jw_opt_string(w, "boot_id", me->boot_id);
	jw_opt_u64(w, "page_size", (uint64_t)me->page_size);
	jw_opt_u64(w, "max_map_count", (uint64_t)me->max_map_count);
	jw_opt_u64(w, "time", (uint64_t)me->time);
	jw_kv_bool(w, "has_smaps", s->has_smaps);
	jw_kv_u64(w, "name_column", s->name_column);
	if (me->nrollup) {
		jw_key(w, "rollup");
		jw_begin_object(w);
		for (i = 0; i < me->nrollup; i++)
			jw_kv_u64(w, me->rollup_keys[i], me->rollup_vals[i]);
		jw_end_object(w);
	}
	if (s->has_smaps)
		json_smaps_keys(w, &s->model);
	if (s->has_machine || s->kind == SOURCE_LIVE) {	/* saved text records none */
		struct vma_params p;

		source_machine(s, &p);
		json_machine(w, &p);
	}
	jw_end_object(w);
}
