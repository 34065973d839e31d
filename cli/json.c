/*
 * json.c - vmatool/1 documents: the rendering of VMAs (from the view
 * layer's rows) and process metadata through the writer (json-write.c).
 * The schema is described in json.h; reading a document back is
 * json-load.c.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "cli/json.h"
#include "engine/machine.h"
#include "engine/maps.h"

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

/*
 * The "path" value of r: its path unescaped, through the heap when it is
 * long (a name from a call log has no bound); out of memory fails the document.
 */
static void json_vma_path(struct json_writer *w, const struct view_row *r)
{
	char small[4096], *path = r->path_len > sizeof(small) ? malloc(r->path_len) : small;

	if (!r->path_len) {
		jw_null(w);
	} else if (!path) {
		w->failed = true;
		jw_null(w);
	} else {
		jw_string_len(w, path, view_row_path(r, path));
	}
	if (path != small)
		free(path);
}

/* "%02x:%02x" of major and minor into dev (24 bytes), without printf (once a VMA). */
static void json_dev(char *dev, unsigned major, unsigned minor)
{
	static const char hex[] = "0123456789abcdef";
	char *p = dev;

	if (major > 0xff || minor > 0xff) {
		snprintf(dev, 24, "%02x:%02x", major, minor);
		return;
	}
	*p++ = hex[major >> 4];
	*p++ = hex[major & 15];
	*p++ = ':';
	*p++ = hex[minor >> 4];
	*p++ = hex[minor & 15];
	*p = 0;
}

/* The members every VMA object has: where it is and what /proc prints of it. */
static void json_vma_maps_members(struct json_writer *w, const struct view_row *r)
{
	char dev[24];

	json_dev(dev, r->dev_major, r->dev_minor);
	jw_kv_hex(w, "start", r->start);
	jw_kv_hex(w, "end", r->end);
	jw_kv_u64(w, "size", r->size);
	jw_kv_string(w, "perms", r->perms);
	jw_kv_hex(w, "offset", r->offset);
	jw_kv_string(w, "dev", dev);
	jw_kv_u64(w, "inode", r->inode);
	jw_key(w, "name");
	jw_string_len(w, r->name, r->name_len);
	jw_key(w, "path");
	json_vma_path(w, r);
}

void json_vma_brief(struct json_writer *w, const struct view_row *r)
{
	jw_begin_object(w);
	json_vma_maps_members(w, r);
	jw_end_object(w);
}

void json_vma_row(struct json_writer *w, const struct vma_model *m, const struct view_row *r)
{
	jw_begin_object(w);
	json_vma_maps_members(w, r);
	jw_kv_string(w, "kind", view_kind(r->kind)->name);
	jw_kv_bool(w, "deleted", r->deleted);
	jw_key(w, "vmflags");
	json_vmflags(w, r->flags);
	jw_kv_bool(w, "flags_inferred", r->flags_inferred);
	json_vma_smaps(w, m, r->v);
	jw_end_object(w);
}

void json_vma(struct json_writer *w, const struct vma_model *m, const struct vma *v)
{
	struct view_row r;

	view_row_fill(&r, m, v);
	json_vma_row(w, m, &r);
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
