/*
 * json.c - vmatool/1 documents: the rendering of VMAs (from the view
 * layer's rows) and process metadata through the writer (json-write.c), and
 * loading a document back into a source (the only file that includes
 * jansson).  The schema is described in json.h.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

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

static const char deleted_suffix[] = " (deleted)";
#define DELETED_LEN (sizeof(deleted_suffix) - 1)

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

/* The members every VMA object has: where it is and what /proc prints of it. */
static void json_vma_maps_members(struct json_writer *w, const struct view_row *r)
{
	char dev[24];

	snprintf(dev, sizeof(dev), "%02x:%02x", r->dev_major, r->dev_minor);
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

	if (s->kind == SOURCE_JSON_FILE && s->raw) {
		json_t *src = json_object_get((json_t *)s->raw, "source");
		const char *k = json_string_value(json_object_get(src, "kind"));

		if (k)
			kind = k;
	}
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

/* ---- loading -------------------------------------------------------------- */

bool json_sniff(const char *buf, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++) {
		if (buf[i] == ' ' || buf[i] == '\n' || buf[i] == '\t' || buf[i] == '\r')
			continue;
		return buf[i] == '{';
	}
	return false;
}

void json_source_free_raw(struct source *s)
{
	if (s->raw)
		json_decref((json_t *)s->raw);
	s->raw = NULL;
}

struct json_loader {
	struct source *s;
	const char *name;	/* file, for messages */
	json_t *keymap;		/* smaps json name -> key id */
	bool smaps_size;	/* "size" is also the smaps Size field */
	struct maps_parser parser;
};

static int load_error(struct json_loader *l, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int load_error(struct json_loader *l, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return cli_error(EXIT_BADINPUT, "cannot read '%s': %s", l->name, msg);
}

static char *dup_or_null(json_t *v)
{
	const char *s = json_string_value(v);

	return s ? strdup(s) : NULL;
}

static uint64_t int_or_zero(json_t *v)
{
	return json_is_integer(v) && json_integer_value(v) > 0 ? (uint64_t)json_integer_value(v) : 0;
}

static void load_rollup(struct proc_meta *me, json_t *roll)
{
	const char *key;
	json_t *val;
	size_t n = json_object_size(roll);

	if (!n)
		return;
	me->rollup_keys = calloc(n, sizeof(char *));
	me->rollup_vals = calloc(n, sizeof(uint64_t));
	if (!me->rollup_keys || !me->rollup_vals)
		return;
	json_object_foreach(roll, key, val) {
		if (!json_is_integer(val) || !(me->rollup_keys[me->nrollup] = strdup(key)))
			continue;
		me->rollup_vals[me->nrollup++] = int_or_zero(val);
	}
}

static void load_meta(struct json_loader *l, json_t *src)
{
	struct proc_meta *me = &l->s->meta;
	const char *state = json_string_value(json_object_get(src, "state"));
	uint64_t col = int_or_zero(json_object_get(src, "name_column"));

	me->pid = (pid_t)int_or_zero(json_object_get(src, "pid"));
	me->comm = dup_or_null(json_object_get(src, "comm"));
	me->cmdline = dup_or_null(json_object_get(src, "cmdline"));
	me->exe = dup_or_null(json_object_get(src, "exe"));
	me->user = dup_or_null(json_object_get(src, "user"));
	me->state = state ? state[0] : 0;
	me->start_time = (time_t)int_or_zero(json_object_get(src, "start_time"));
	me->kernel = dup_or_null(json_object_get(src, "kernel"));
	me->hostname = dup_or_null(json_object_get(src, "hostname"));
	me->boot_id = dup_or_null(json_object_get(src, "boot_id"));
	me->page_size = (long)int_or_zero(json_object_get(src, "page_size"));
	me->max_map_count = (long)int_or_zero(json_object_get(src, "max_map_count"));
	me->time = (time_t)int_or_zero(json_object_get(src, "time"));
	load_rollup(me, json_object_get(src, "rollup"));
	if (col >= 20 && col <= 200)
		l->s->name_column = (unsigned)col;
}

/*
 * "machine": {"zero_page":false,...}: each member sets the model's machine
 * setting of that name.  Members of a newer vmatool's machine are ignored.
 */
static int load_machine(struct json_loader *l, json_t *src)
{
	json_t *mach = json_object_get(src, "machine"), *val;
	const char *key;
	char text[32];

	if (mach == NULL || json_is_null(mach))
		return EXIT_FINE;
	if (!json_is_object(mach))
		return load_error(l, "source.machine must be an object");
	json_object_foreach(mach, key, val) {
		int i = vma_setting_find(key, strlen(key));

		if (i < 0)
			continue;
		if (json_is_boolean(val))
			snprintf(text, sizeof(text), "%s", json_is_true(val) ? "true" : "false");
		else if (json_is_integer(val) && json_integer_value(val) >= 0)
			snprintf(text, sizeof(text), "%lld", (long long)json_integer_value(val));
		else if (json_is_string(val))
			snprintf(text, sizeof(text), "%s", json_string_value(val));
		else
			text[0] = 0;
		if (vma_model_set_setting(&l->s->model, (size_t)i, text, strlen(text)) < 0)
			return load_error(l, "source.machine.%s: bad value", key);
	}
	if (l->s->meta.page_size > 0 && (uint64_t)l->s->meta.page_size != l->s->model.p.page_size)
		return load_error(l, "source.machine.page_size: %llu, but the snapshot's pages are "
				  "%ld bytes (source.page_size)",
				  (unsigned long long)l->s->model.p.page_size, l->s->meta.page_size);
	l->s->has_machine = true;
	return EXIT_FINE;
}

/* json name -> key id for every smaps key of the model and the document. */
static int load_smaps_keys(struct json_loader *l, json_t *src)
{
	struct vma_model *m = &l->s->model;
	json_t *keys = json_object_get(src, "smaps_keys"), *k;
	unsigned i, n;
	size_t idx;

	json_array_foreach(keys, idx, k) {
		const char *name = json_string_value(json_object_get(k, "name"));
		uint64_t width = int_or_zero(json_object_get(k, "width"));

		if (!name || !*name || width > 64)
			return load_error(l, "source.smaps_keys[%zu]: expected {\"name\":...,"
					  "\"width\":N,\"kb\":B}", idx);
		if (vma_smaps_key_add(m, name, strlen(name), (unsigned)width,
				      json_is_true(json_object_get(k, "kb"))) < 0)
			return load_error(l, "source.smaps_keys[%zu]: bad key '%s'", idx, name);
	}
	l->keymap = json_object();
	n = vma_smaps_nkeys(m);
	for (i = 0; i < n && l->keymap; i++)
		json_object_set_new(l->keymap, vma_smaps_key(m, i)->json, json_integer(i));
	return l->keymap ? EXIT_FINE : cli_error(EXIT_TARGET, "out of memory");
}

bool json_vma_structural_key(const char *k)
{
	static const char *const keys[] = {
		"start", "end", "size", "perms", "offset", "dev", "inode", "name", "path",
		"kind", "deleted", "vmflags", "flags_inferred", NULL
	};
	size_t i;

	for (i = 0; keys[i]; i++)
		if (!strcmp(k, keys[i]))
			return true;
	return false;
}

static int load_hex(struct json_loader *l, json_t *o, size_t i, const char *key, uint64_t *out)
{
	const char *s = json_string_value(json_object_get(o, key));

	if (!s || strncmp(s, "0x", 2) || parse_u64(s, out))
		return load_error(l, "vmas[%zu]: '%s' must be a hex string like \"0x7f00\"", i, key);
	return 0;
}

/* The /proc name of a VMA object: "name", else built from "path". */
static int load_name(struct json_loader *l, json_t *o, size_t i, char *buf, size_t *len)
{
	const char *name = json_string_value(json_object_get(o, "name"));
	const char *path = json_string_value(json_object_get(o, "path"));

	if (name) {
		*len = strlen(name);
		if (*len > 4 * 4096 || memchr(name, '\n', *len))
			return load_error(l, "vmas[%zu]: bad 'name'", i);
		memcpy(buf, name, *len);
		return 0;
	}
	*len = 0;
	if (path) {
		if (strlen(path) > 4096)
			return load_error(l, "vmas[%zu]: 'path' too long", i);
		*len = maps_escape_name(path, strlen(path), buf);
		if (json_is_true(json_object_get(o, "deleted"))) {
			memcpy(buf + *len, deleted_suffix, DELETED_LEN);
			*len += DELETED_LEN;
		}
	}
	return 0;
}

/* Feed the maps line of VMA object i to the parser (bounds, perms, name...). */
static int load_vma_line(struct json_loader *l, json_t *o, size_t i, char *line)
{
	const char *perms = json_string_value(json_object_get(o, "perms"));
	const char *dev = json_string_value(json_object_get(o, "dev"));
	json_t *inode = json_object_get(o, "inode");
	uint64_t start, end, offset;
	unsigned maj, min;
	size_t n, nlen;
	char name[4 * 4096 + 16];
	long used;
	int r;

	if ((r = load_hex(l, o, i, "start", &start)) || (r = load_hex(l, o, i, "end", &end)) ||
	    (r = load_hex(l, o, i, "offset", &offset)))
		return r;
	if (!perms || strlen(perms) != 4 || !strchr("r-", perms[0]) || !strchr("w-", perms[1]) ||
	    !strchr("x-", perms[2]) || !strchr("sp", perms[3]))
		return load_error(l, "vmas[%zu]: 'perms' must be like \"rw-p\"", i);
	if (!dev || sscanf(dev, "%x:%x", &maj, &min) != 2 || maj > 0xfff || min > 0xfffff)
		return load_error(l, "vmas[%zu]: 'dev' must be like \"fe:01\"", i);
	if (!json_is_integer(inode) || json_integer_value(inode) < 0)
		return load_error(l, "vmas[%zu]: 'inode' must be a number", i);
	if ((r = load_name(l, o, i, name, &nlen)))
		return r;
	n = (size_t)sprintf(line, "%08llx-%08llx %s %08llx %02x:%02x %llu",
			    (unsigned long long)start, (unsigned long long)end, perms,
			    (unsigned long long)offset, maj, min,
			    (unsigned long long)json_integer_value(inode));
	if (nlen) {
		unsigned col = l->s->name_column ? l->s->name_column : 73;

		do
			line[n++] = ' ';
		while (n < col);
		memcpy(line + n, name, nlen);
		n += nlen;
	}
	line[n++] = '\n';
	used = maps_parse(&l->parser, line, n, false);
	if (used == -ENOMEM)
		return cli_error(EXIT_TARGET, "out of memory");
	if (used < 0)
		return load_error(l, "vmas[%zu]: %s", i, l->parser.errmsg + l->parser.errprefix);
	return 0;
}

static int load_vmflags(struct json_loader *l, struct vma *v, json_t *flags, size_t i)
{
	json_t *f;
	size_t k;
	vmf_t set = 0;

	if (!flags)
		return 0;	/* keep the flags guessed from perms */
	if (!json_is_array(flags))
		return load_error(l, "vmas[%zu]: 'vmflags' must be a list of mnemonics", i);
	json_array_foreach(flags, k, f) {
		const char *mn = json_string_value(f);
		int bit = mn ? vmf_lookup(mn, strlen(mn)) : -1;

		if (bit < 0)
			return load_error(l, "vmas[%zu]: bad VmFlags mnemonic in 'vmflags'", i);
		set |= (vmf_t)1 << bit;
	}
	if (json_array_size(flags)) {	/* empty (qemu-user): keep the guess */
		v->flags = set;
		v->bits &= (uint16_t)~VMA_B_FLAGS_INFERRED;
	}
	return 0;
}

/* vmflags and smaps fields of VMA object i, on the VMA the parser made. */
static int load_vma_fields(struct json_loader *l, json_t *o, size_t i)
{
	struct vma_model *m = &l->s->model;
	struct vma *v;
	const char *key;
	json_t *val;
	uint64_t start;
	int r;

	load_hex(l, o, i, "start", &start);
	v = vma_lookup(m, start);
	if (!v)
		return load_error(l, "vmas[%zu]: lost", i);
	if (json_is_true(json_object_get(o, "flags_inferred")) == false &&
	    (r = load_vmflags(l, v, json_object_get(o, "vmflags"), i)))
		return r;
	json_object_foreach(o, key, val) {
		json_t *id;
		const struct smaps_keyinfo *ki;
		uint64_t x;

		if (json_vma_structural_key(key) && !(l->smaps_size && !strcmp(key, "size")))
			continue;
		id = json_object_get(l->keymap, key);
		if (!id)
			continue;	/* not an smaps field: ignore */
		if (!json_is_integer(val) || json_integer_value(val) < 0)
			return load_error(l, "vmas[%zu]: '%s' must be a non-negative integer", i, key);
		ki = vma_smaps_key(m, (unsigned)json_integer_value(id));
		x = (uint64_t)json_integer_value(val);
		if (vma_smaps_append(m, v, (unsigned)json_integer_value(id), ki->kb ? x / 1024 : x) < 0)
			return cli_error(EXIT_TARGET, "out of memory");
		l->s->has_smaps = true;
	}
	return 0;
}

static int load_vmas(struct json_loader *l, json_t *vmas)
{
	char *line = malloc(4 * 4096 + 256);
	json_t *o;
	size_t i;
	int r = 0;

	if (!line)
		return cli_error(EXIT_TARGET, "out of memory");
	maps_parser_init(&l->parser, &l->s->model);
	json_array_foreach(vmas, i, o) {
		if (!json_is_object(o)) {
			r = load_error(l, "vmas[%zu]: expected an object", i);
			break;
		}
		if ((r = load_vma_line(l, o, i, line)))
			break;
	}
	free(line);
	if (!r && maps_parser_finish(&l->parser) < 0)	/* one line per VMA */
		r = l->parser.errline ? load_error(l, "vmas[%zu]: %s", l->parser.errline - 1,
						   l->parser.errmsg + l->parser.errprefix)
				      : load_error(l, "%s", l->parser.errmsg);
	for (i = 0; !r && i < json_array_size(vmas); i++)
		r = load_vma_fields(l, json_array_get(vmas, i), i);
	if (!r)
		vma_classify_all(&l->s->model);
	return r;
}

int json_load_source(struct source *s, const char *name, const char *buf, size_t len)
{
	struct json_loader l = { .s = s, .name = name };
	json_error_t e;
	json_t *doc = json_loadb(buf, len, JSON_ALLOW_NUL, &e), *src, *vmas;
	const char *schema;
	int rc;

	if (!doc)
		return load_error(&l, "line %d: %s", e.line, e.text);
	s->raw = doc;
	schema = json_string_value(json_object_get(doc, "schema"));
	if (!schema || strcmp(schema, JSON_SCHEMA))
		return load_error(&l, "not a %s document (\"schema\" is %s%s%s)", JSON_SCHEMA,
				  schema ? "'" : "", schema ? schema : "missing", schema ? "'" : "");
	src = json_object_get(doc, "source");
	vmas = json_object_get(doc, "vmas");
	if (!json_is_array(vmas))
		return load_error(&l, "\"vmas\" must be a list");
	if (src && !json_is_object(src))
		return load_error(&l, "\"source\" must be an object");
	load_meta(&l, src);
	l.smaps_size = json_is_true(json_object_get(src, "has_smaps"));
	rc = load_machine(&l, src);
	if (!rc)
		rc = load_smaps_keys(&l, src);
	if (!rc)
		rc = load_vmas(&l, vmas);
	json_decref(l.keymap);
	return rc;
}
