/*
 * json-load.c - the vmatool/1 reader of json-load.h: one walk over the text,
 * "source" read into the metadata and smaps keys (json-source.c), each
 * element of "vmas" into a struct maps_fields for the maps parser plus its
 * VmFlags and smaps values, set on the VMA the parser made.  When "vmas"
 * comes before "source", its place is kept and it is read after the rest
 * (it needs the smaps keys and the name column that "source" gives).
 *
 * Figures (`show FILE --format maps` of a snapshot of bench/mkvmas, 65,000
 * VMAs with smaps, 40 MB; least CPU time of 5 runs, both builds in turn on
 * a busy 2-core machine): 0.16-0.19 s and 54 MB peak; the former fast
 * reader 0.25-0.30 s and 55 MB, the former jansson reader (for any other key
 * order) 2.5 s and 433 MB, this one 0.21 s and 58 MB for that order ("vmas"
 * first is walked twice).  `diff` of two such snapshots: 0.36 s and 65 MB
 * (before: 0.55 s, 69 MB).
 *
 * A regular file is mapped, not read, and the pages behind the read
 * position are given back every MiB (json_load_mapped): the text is never
 * all in memory.  With that, keys remembered at their place in the VMA
 * before, and strings and numbers taken in one walk, the diff of two
 * snapshots is 2.90 G instructions instead of 4.38 G, 30 MB instead of
 * 66 MB (December 2026, same process).
 */
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/json-load-int.h"
#include "cli/json-read.h"
#include "engine/maps.h"

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

bool jl_bad(struct loader *l, const char *pos, const char *fmt, ...)
{
	char msg[sizeof(l->j.msg)];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return jr_fail_at(&l->j, pos, "%s", msg);
}

/* The position of the next value, for messages. */
const char *jl_here(struct loader *l)
{
	jr_peek(&l->j);
	return l->j.p;
}

/* Refuse a key seen before in this object (bit in *seen). */
bool jl_once(struct loader *l, unsigned *seen, unsigned bit, const char *key_at)
{
	if (*seen & bit)
		return jl_bad(l, key_at, "duplicate key '%s'", l->j.buf);
	*seen |= bit;
	return true;
}

bool jl_skip_other(struct loader *l, struct jl_keys *k, const char *key_at)
{
	const char *key = l->j.buf;
	size_t n = l->j.len, i, m;
	char *b;

	for (i = 0; i < k->len; i += sizeof(m) + m) {
		memcpy(&m, k->buf + i, sizeof(m));
		if (m == n && !memcmp(k->buf + i + sizeof(m), key, n))
			return jl_bad(l, key_at, "duplicate key '%s'", key);
	}
	if (k->len + sizeof(n) + n > k->cap) {
		if (!(b = realloc(k->buf, 2 * (k->len + sizeof(n) + n))))
			return jr_oom(&l->j);
		k->buf = b;
		k->cap = 2 * (k->len + sizeof(n) + n);
	}
	memcpy(k->buf + k->len, &n, sizeof(n));
	memcpy(k->buf + k->len + sizeof(n), key, n);
	k->len += sizeof(n) + n;
	return jr_skip(&l->j);
}

void jl_keys_release(struct jl_keys *k)
{
	free(k->buf);
	memset(k, 0, sizeof(*k));
}

/*
 * ok, or for a value at at that is JSON of the wrong type, the schema's
 * words for it (a value that is not JSON keeps the syntax error).
 */
bool jl_typed(struct loader *l, bool ok, const char *at, const char *what)
{
	if (ok || l->j.err == -ENOMEM)
		return ok;
	l->j.err = 0;
	l->j.p = at;
	if (!jr_skip(&l->j))
		return false;
	return jl_bad(l, at, "%s", what);
}

/* ---- smaps key names --------------------------------------------------------- */

static uint32_t hash(const char *s)
{
	uint32_t h = 2166136261u;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h;
}

static void keymap_build(struct loader *l)
{
	struct vma_model *m = &l->s->model;
	unsigned i, n = vma_smaps_nkeys(m);

	memset(l->keymap_json, 0, sizeof(l->keymap_json));
	for (i = 0; i < n && i < MAX_SMAPS_KEYS; i++) {
		const char *name = vma_smaps_key(m, i)->json;
		uint32_t h = hash(name) & (KEYMAP_SLOTS - 1);

		while (l->keymap_json[h] && strcmp(l->keymap_json[h], name))
			h = (h + 1) & (KEYMAP_SLOTS - 1);
		l->keymap_json[h] = name;
		l->keymap_id[h] = (uint8_t)i;
	}
}

static int keymap_get(const struct loader *l, const char *name)
{
	uint32_t h = hash(name) & (KEYMAP_SLOTS - 1);

	while (l->keymap_json[h]) {
		if (!strcmp(l->keymap_json[h], name))
			return l->keymap_id[h];
		h = (h + 1) & (KEYMAP_SLOTS - 1);
	}
	return -1;
}

/* ---- one VMA ------------------------------------------------------------------------ */

/* A string "0x..." of 1 to 16 hex digits. */
static bool hex_member(struct loader *l, const char *key, uint64_t *v)
{
	const char *at = jl_here(l);
	size_t i;

	if (!jr_string(&l->j))
		return false;
	if (l->j.len < 3 || l->j.len > 18 || l->j.buf[0] != '0' || l->j.buf[1] != 'x')
		return jl_bad(l, at, "vmas[%zu]: '%s' must be a hex string like \"0x7f00\"", l->index, key);
	for (*v = 0, i = 2; i < l->j.len; i++) {
		char c = l->j.buf[i];
		unsigned d = c >= '0' && c <= '9' ? (unsigned)(c - '0') :
			     c >= 'a' && c <= 'f' ? (unsigned)(c - 'a' + 10) :
			     c >= 'A' && c <= 'F' ? (unsigned)(c - 'A' + 10) : 16;

		if (d > 15)
			return jl_bad(l, at, "vmas[%zu]: '%s' must be a hex string like \"0x7f00\"",
				   l->index, key);
		*v = *v << 4 | d;
	}
	return true;
}

static bool perms_member(struct loader *l)
{
	const char *at = jl_here(l), *b;

	if (!jr_string(&l->j))
		return false;
	b = l->j.buf;
	if (l->j.len != 4 || !strchr("r-", b[0]) || !strchr("w-", b[1]) || !strchr("x-", b[2]) ||
	    !strchr("sp", b[3]))
		return jl_bad(l, at, "vmas[%zu]: 'perms' must be like \"rw-p\"", l->index);
	memcpy(l->f.perms, b, 4);
	return true;
}

/* 1 to max hex digits at *p (NUL-terminated text) into *v. */
static bool hex_field(const char **p, unsigned *v, int max)
{
	int n = 0, d;

	for (*v = 0; n < max; n++, (*p)++) {
		char c = **p;

		d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 :
		    c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
		if (d < 0)
			break;
		*v = *v << 4 | (unsigned)d;
	}
	return n > 0;
}

static bool dev_member(struct loader *l)
{
	const char *at = jl_here(l), *p;
	unsigned maj, min;

	if (!jr_string(&l->j))
		return false;
	p = l->j.buf;
	if (!hex_field(&p, &maj, 3) || *p++ != ':' || !hex_field(&p, &min, 5) || *p)
		return jl_bad(l, at, "vmas[%zu]: 'dev' must be like \"fe:01\"", l->index);
	l->f.major = maj;
	l->f.minor = min;
	return true;
}

/* The decoded string into *dst (grown as needed). */
static bool keep_string(struct loader *l, char **dst, size_t *len, size_t *cap)
{
	if (l->j.len + 1 > *cap) {
		char *b = realloc(*dst, l->j.len + 1);

		if (!b)
			return jr_oom(&l->j);
		*dst = b;
		*cap = l->j.len + 1;
	}
	memcpy(*dst, l->j.buf, l->j.len + 1);
	*len = l->j.len;
	return true;
}

static bool name_member(struct loader *l)
{
	const char *at = jl_here(l);

	if (!jr_string(&l->j))
		return false;
	if (l->j.len > MAPS_NAME_MAX || memchr(l->j.buf, '\n', l->j.len))
		return jl_bad(l, at, "vmas[%zu]: bad 'name'", l->index);
	return keep_string(l, &l->name, &l->name_len, &l->name_cap);
}

static bool path_member(struct loader *l)
{
	const char *at = jl_here(l);

	l->path_null = jr_null(&l->j);
	if (l->path_null)
		return true;
	if (!jr_string(&l->j))
		return false;
	if (l->j.len > 4096)
		return jl_bad(l, at, "vmas[%zu]: 'path' too long", l->index);
	return keep_string(l, &l->path, &l->path_len, &l->path_cap);
}

static bool vmflags_member(struct loader *l)
{
	struct jreader *j = &l->j;
	bool first = true;
	int bit;

	l->flags = 0;
	l->nflags = 0;
	if (!jr_expect(j, '[', "'[' ('vmflags' is a list of mnemonics)"))
		return false;
	while (jr_next(j, ']', &first)) {
		const char *at = jl_here(l);

		if (!jr_string(j))
			return false;
		if ((bit = vmf_lookup(j->buf, j->len)) < 0)
			return jl_bad(l, at, "vmas[%zu]: bad VmFlags mnemonic in 'vmflags'", l->index);
		l->flags |= (vmf_t)1 << bit;
		l->nflags++;
	}
	return !j->err;
}

/* An smaps field of the VMA; a key given twice is refused. */
static bool smaps_member(struct loader *l, int id, const char *key_at)
{
	const char *at = jl_here(l);
	uint64_t v;

	if (l->smaps_pos[id] >= 0)
		return jl_bad(l, key_at, "duplicate key '%s' in vmas[%zu]", l->j.buf, l->index);
	char what[128];

	if (jr_peek(&l->j) == '-' || !jr_u64(&l->j, &v)) {	/* (the key is still in buf) */
		snprintf(what, sizeof(what), "vmas[%zu]: '%s' must be a non-negative integer",
			 l->index, l->j.buf);
		return jl_typed(l, false, at, what);
	}
	if (vma_smaps_key(&l->s->model, (unsigned)id)->kb && v % 1024)	/* written kB * 1024 */
		return jl_bad(l, at, "vmas[%zu]: '%s' must be whole kB (a multiple of 1024 bytes)",
			      l->index, l->j.buf);
	if (l->j.len >= 4 && !memcmp(l->j.buf, "size", 5)) {	/* smaps' Size (strcmp's sense) */
		l->has_size = true;
		l->size = v;
	}
	l->smaps_pos[id] = (int16_t)l->nsmaps;
	l->smaps_key[l->nsmaps] = (uint8_t)id;
	l->smaps_val[l->nsmaps++] = vma_smaps_key(&l->s->model, (unsigned)id)->kb ? v / 1024 : v;
	return true;
}

static const struct {
	const char *key;
	size_t len;
	unsigned bit;
} vma_keys[] = {
#define K(s, bit) { s, sizeof(s) - 1, bit }
	K("start", VM_START), K("end", VM_END), K("size", VM_SIZE), K("perms", VM_PERMS),
	K("offset", VM_OFFSET), K("dev", VM_DEV), K("inode", VM_INODE), K("name", VM_NAME),
	K("path", VM_PATH), K("kind", VM_KIND), K("deleted", VM_DELETED),
	K("vmflags", VM_VMFLAGS), K("flags_inferred", VM_INFERRED),
#undef K
};

/* The VM_* bit of a structural member (k, len bytes), 0 for any other. */
static unsigned vma_key_bit(const char *k, size_t len)
{
	size_t i;

	for (i = 0; i < sizeof(vma_keys) / sizeof(vma_keys[0]); i++)
		if (vma_keys[i].len == len && vma_keys[i].key[0] == k[0] &&
		    !memcmp(vma_keys[i].key, k, len))
			return vma_keys[i].bit;
	return 0;
}

/* jl_typed() for a member of the VMA being read. */
static bool vma_typed(struct loader *l, bool ok, const char *at, const char *what)
{
	char msg[128];

	if (ok)
		return true;
	snprintf(msg, sizeof(msg), "vmas[%zu]: %s", l->index, what);
	return jl_typed(l, false, at, msg);
}

/*
 * What the key in l->j.buf is: its VM_* bit (0 for none) and its smaps key
 * id (-1 for none), remembered for the member at the same place in the
 * next VMA object.
 */
static void vma_key_kind(struct loader *l, unsigned *bit, int *id)
{
	struct jl_known *kn = l->member < JL_KNOWN ? &l->known[l->member] : NULL;
	const char *k = l->j.buf;
	size_t len = l->j.len;

	if (kn && kn->len == len && !memcmp(kn->key, k, len)) {
		*bit = kn->bit;
		*id = kn->id;
		return;
	}
	*bit = vma_key_bit(k, len);
	/* a structural member, but "size" is smaps' Size in a document with smaps */
	*id = !*bit || (*bit == VM_SIZE && l->doc_has_smaps) ? keymap_get(l, k) : -1;
	if (kn && len && len <= sizeof(kn->key) && !memchr(k, 0, len)) {
		memcpy(kn->key, k, len);
		kn->len = (uint8_t)len;
		kn->bit = *bit;
		kn->id = *id;
	}
}

static bool vma_member(struct loader *l, const char *key_at)
{
	const char *k = l->j.buf, *at;
	unsigned bit;
	int id;

	vma_key_kind(l, &bit, &id);
	l->member++;
	if (id >= 0)
		return smaps_member(l, id, key_at);
	if (bit && (l->seen & bit))
		return jl_bad(l, key_at, "duplicate key '%s' in vmas[%zu]", k, l->index);
	l->seen |= bit;
	at = jl_here(l);
	switch (bit) {
	case VM_START: return hex_member(l, "start", &l->f.start);
	case VM_END: return hex_member(l, "end", &l->f.end);
	case VM_OFFSET: return hex_member(l, "offset", &l->f.offset);
	case VM_PERMS: return perms_member(l);
	case VM_DEV: return dev_member(l);
	case VM_INODE:
		return vma_typed(l, jr_peek(&l->j) != '-' && jr_u64(&l->j, &l->f.inode), at,
				 "'inode' must be a number");
	case VM_NAME: return name_member(l);
	case VM_PATH: return path_member(l);
	case VM_DELETED:
		return vma_typed(l, jr_bool(&l->j, &l->deleted), at, "'deleted' must be true or false");
	case VM_VMFLAGS: return (l->has_flags = vmflags_member(l));
	case VM_INFERRED:
		return vma_typed(l, jr_bool(&l->j, &l->inferred), at,
				 "'flags_inferred' must be true or false");
	case 0: return jl_skip_other(l, &l->others, key_at);
	case VM_SIZE:
		l->has_size = true;
		return vma_typed(l, jr_peek(&l->j) != '-' && jr_u64(&l->j, &l->size), at,
				 "'size' must be a number");
	default: return jr_skip(&l->j);	/* kind */
	}
}

/* The name /proc would print: "name", else built from "path" and "deleted". */
static bool proc_name(struct loader *l, const char *obj)
{
	static const char deleted[] = " (deleted)";
	size_t n;
	char *b;

	if ((l->seen & VM_NAME) || !(l->seen & VM_PATH) || l->path_null) {
		l->f.name = l->name;
		l->f.name_len = (l->seen & VM_NAME) ? l->name_len : 0;
		return true;
	}
	if (l->name_cap < 4 * l->path_len + sizeof(deleted)) {
		b = realloc(l->name, 4 * l->path_len + sizeof(deleted));
		if (!b)
			return jr_oom(&l->j);
		l->name = b;
		l->name_cap = 4 * l->path_len + sizeof(deleted);
	}
	n = maps_escape_name(l->path, l->path_len, l->name);
	if (l->deleted) {
		memcpy(l->name + n, deleted, sizeof(deleted) - 1);
		n += sizeof(deleted) - 1;
	}
	l->f.name = l->name;
	l->f.name_len = n;
	return true;
}

static const char *const vma_needed_keys[] = { "start", "end", "offset", "perms", "dev", "inode" };

/* The VMA read into l: to the parser, then its VmFlags and smaps values. */
static bool vma_add(struct loader *l, const char *obj)
{
	struct vma *v;
	unsigned i;
	int r;

	for (i = 0; i < 6; i++)
		if (!(l->seen & (1u << i)))
			return jl_bad(l, obj, "vmas[%zu]: '%s' is missing", l->index, vma_needed_keys[i]);
	if (l->has_size && l->f.end > l->f.start && l->size != l->f.end - l->f.start)
		return jl_bad(l, obj, "vmas[%zu]: 'size' is %llu, but end - start is %llu", l->index,
			      (unsigned long long)l->size,
			      (unsigned long long)(l->f.end - l->f.start));
	if (!proc_name(l, obj))
		return false;
	r = maps_parse_fields(&l->parser, &l->f);
	if (r == -ENOMEM)
		return jr_oom(&l->j);
	if (r < 0)
		return jl_bad(l, obj, "vmas[%zu]: %s", l->index, l->parser.errmsg + l->parser.errprefix);
	v = l->parser.cur;
	if (l->has_flags && !l->inferred && l->nflags) {	/* none (qemu-user): keep the guess */
		v->flags = l->flags;
		v->bits &= (uint16_t)~VMA_B_FLAGS_INFERRED;
	}
	if (l->nsmaps) {
		if (vma_smaps_append_many(&l->s->model, v, l->smaps_key, l->smaps_val, l->nsmaps) < 0)
			return jr_oom(&l->j);
		l->s->has_smaps = true;
	}
	return true;
}

static bool vma_object(struct loader *l)
{
	struct jreader *j = &l->j;
	const char *obj = jl_here(l);
	bool first = true;
	size_t i;

	for (i = 0; i < l->nsmaps; i++)
		l->smaps_pos[l->smaps_key[i]] = -1;
	l->nsmaps = l->nflags = 0;
	l->seen = 0;
	l->member = 0;
	l->others.len = 0;
	l->deleted = l->inferred = l->has_flags = l->path_null = l->has_size = false;
	memset(&l->f, 0, sizeof(l->f));
	if (jr_peek(j) != '{')
		return jl_bad(l, obj, "vmas[%zu]: expected an object", l->index);
	j->p++;
	while (jr_next(j, '}', &first)) {
		const char *key_at = jl_here(l);

		if (!jr_key(j) || !vma_member(l, key_at))
			return false;
	}
	return !j->err && vma_add(l, obj);
}

/*
 * A mapped file: give back the pages read so far, every MiB, so that
 * reading a document costs its model, not its text.  They come back from
 * the file if anything looks behind again (an error's line and column,
 * "vmas" read after "source").
 */
static void drop_behind(struct loader *l)
{
	static long page;
	uintptr_t from, to;

	if (!l->dropped || l->j.p - l->dropped < (1 << 20))
		return;
	if (!page)
		page = sysconf(_SC_PAGESIZE);
	from = (uintptr_t)l->dropped & ~(uintptr_t)(page - 1);
	to = (uintptr_t)l->j.p & ~(uintptr_t)(page - 1);
	if (to > from)
		madvise((void *)from, to - from, MADV_DONTNEED);
	l->dropped = (const char *)to;
}

static bool vmas_array(struct loader *l)
{
	struct jreader *j = &l->j;
	bool first = true;

	keymap_build(l);
	memset(l->smaps_pos, -1, sizeof(l->smaps_pos));
	maps_parser_init(&l->parser, &l->s->model);
	if (!jr_expect(j, '[', "'[' (\"vmas\" is a list)"))
		return false;
	for (l->index = 0; jr_next(j, ']', &first); l->index++) {
		if (!vma_object(l))
			return false;
		if (!(l->index & 255))
			drop_behind(l);
	}
	if (j->err)
		return false;
	if (maps_parser_finish(&l->parser) < 0)	/* one line per VMA */
		return l->parser.errline ? jl_bad(l, l->vmas_at, "vmas[%zu]: %s", l->parser.errline - 1,
					       l->parser.errmsg + l->parser.errprefix)
					 : jl_bad(l, l->vmas_at, "%s", l->parser.errmsg);
	return true;
}

/* ---- the document ------------------------------------------------------------------- */

static bool top_member(struct loader *l, const char *key_at, unsigned *seen, bool *source_done,
		       struct jl_keys *others)
{
	struct jreader *j = &l->j;
	const char *at;

	if (!strcmp(j->buf, "schema")) {
		if (!jl_once(l, seen, 1, key_at))
			return false;
		at = jl_here(l);
		if (!jr_string(j))
			return false;
		if (strcmp(j->buf, SCHEMA))
			return jl_bad(l, at, "not a %s document (\"schema\" is '%s')", SCHEMA, j->buf);
		return true;
	}
	if (!strcmp(j->buf, "source")) {
		if (!jl_once(l, seen, 2, key_at) || !jl_source_object(l))
			return false;
		*source_done = true;
		return true;
	}
	if (!strcmp(j->buf, "vmas")) {
		if (!jl_once(l, seen, 4, key_at))
			return false;
		l->vmas_at = jl_here(l);
		if (*source_done)
			return vmas_array(l);
		return jr_skip(j);	/* read once "source" is known */
	}
	return jl_skip_other(l, others, key_at);
}

static bool document(struct loader *l)
{
	struct jreader *j = &l->j;
	struct jl_keys others = { 0 };
	const char *end;
	unsigned seen = 0;
	bool first = true, source_done = false, ok = true;

	if (!jr_expect(j, '{', "'{' at the start of a vmatool/1 document"))
		return false;
	while (ok && jr_next(j, '}', &first)) {
		const char *key_at = jl_here(l);

		ok = jr_key(j) && top_member(l, key_at, &seen, &source_done, &others);
	}
	jl_keys_release(&others);
	if (!ok || !jr_end(j))
		return false;
	if (!(seen & 1))
		return jl_bad(l, j->start, "not a %s document (\"schema\" is missing)", SCHEMA);
	if (!(seen & 4))
		return jl_bad(l, j->start, "\"vmas\" is missing");
	if (l->parser.m)
		return true;	/* read in place, after "source" */
	end = j->p;
	j->p = l->vmas_at;
	if (!vmas_array(l))
		return false;
	j->p = end;
	return true;
}

static struct loader *loader_new(struct source *s, const char *buf, size_t len, bool mapped)
{
	struct loader *l = calloc(1, sizeof(*l));

	if (!l)
		return NULL;
	l->s = s;
	l->dropped = mapped ? buf : NULL;
	jr_init(&l->j, buf, len);
	return l;
}

static void loader_free(struct loader *l)
{
	jr_release(&l->j);
	jl_keys_release(&l->others);
	free(l->name);
	free(l->path);
	free(l);
}

/* The document of l into its source; an exit code, e set when not fine. */
static int load_run(struct loader *l, const char *name, struct source_err *e)
{
	char where[64];

	if (document(l)) {
		l->s->kind = SOURCE_JSON_FILE;
		return EXIT_FINE;
	}
	jr_where(&l->j, NULL, where, sizeof(where));
	if (l->j.err == -ENOMEM)
		return source_err_set(e, EXIT_TARGET, "out of memory reading '%s'", name);
	return source_err_set(e, EXIT_BADINPUT, "cannot read '%s': %s: %s", name, where,
			      l->j.msg);
}

int json_load(struct source *s, const char *name, const char *buf, size_t len,
	      struct source_err *e)
{
	struct loader *l = loader_new(s, buf, len, false);
	int code;

	if (!l)
		return source_err_set(e, EXIT_TARGET, "out of memory");
	code = load_run(l, name, e);
	loader_free(l);
	return code;
}

/*
 * A mapped file that another program cuts short while it is read faults
 * with SIGBUS past its new end.  While json_load_mapped reads, such a fault
 * in its mapping jumps back to it, which says so; any other SIGBUS is left
 * to the default action.
 */
static sigjmp_buf *mapped_jump;
static const char *mapped_lo, *mapped_hi;
static struct sigaction mapped_old;	/* static: it must survive the jump */

static void mapped_sigbus(int sig, siginfo_t *si, void *uc)
{
	const char *at = si->si_addr;

	(void)uc;
	if (mapped_jump && at >= mapped_lo && at < mapped_hi)
		siglongjmp(*mapped_jump, 1);
	signal(sig, SIG_DFL);	/* the fault happens again, and kills as it would have */
}

int json_load_mapped(struct source *s, const char *name, int fd, size_t size,
		     struct source_err *e)
{
	struct sigaction sa = { .sa_sigaction = mapped_sigbus, .sa_flags = SA_SIGINFO };
	struct loader *l;
	sigjmp_buf jump;
	void *map;
	int code;

	if (!size)
		return -1;
	map = mmap(NULL, size, PROT_READ, MAP_PRIVATE, fd, 0);
	if (map == MAP_FAILED)
		return -1;
	madvise(map, size, MADV_SEQUENTIAL);
	l = loader_new(s, map, size, true);
	if (!l) {
		code = source_err_set(e, EXIT_TARGET, "out of memory");
	} else if (sigsetjmp(jump, 1)) {
		code = source_err_set(e, EXIT_TARGET, "cannot read '%s': the file was cut short "
				      "while being read", name);
	} else {
		mapped_lo = map;
		mapped_hi = (const char *)map + size;
		mapped_jump = &jump;
		sigemptyset(&sa.sa_mask);
		sigaction(SIGBUS, &sa, &mapped_old);
		code = load_run(l, name, e);
	}
	if (mapped_jump) {
		mapped_jump = NULL;
		sigaction(SIGBUS, &mapped_old, NULL);
	}
	if (l)
		loader_free(l);
	munmap(map, size);
	return code;
}
