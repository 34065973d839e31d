/*
 * json-fast.c - a streaming reader for vmatool/1 documents in the shape
 * vmatool writes them (see json-fast.h).  Two passes over the text: the
 * first feeds each VMA's maps line to the maps parser, the second sets
 * VmFlags and smaps fields on the VMAs the parser made, as json_load_source
 * does, without building a document tree.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/json-fast.h"
#include "cli/json-scan.h"
#include "cli/json.h"
#include "engine/machine.h"
#include "engine/maps.h"

#define FALLBACK JSON_FAST_FALLBACK
#define KEYMAP_SLOTS 512	/* power of two, > 2 * smaps keys */

struct keyslot {
	const char *json;	/* NULL: empty */
	unsigned id;
};

struct fast {
	struct source *s;
	struct jr j;
	struct keyslot keymap[KEYMAP_SLOTS];
	bool doc_has_smaps;
	struct maps_parser parser;
	char *line;
};

/* ---- source ------------------------------------------------------------------------ */

static uint32_t hash(const char *s)
{
	uint32_t h = 2166136261u;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h;
}

static void keymap_build(struct fast *f)
{
	struct vma_model *m = &f->s->model;
	unsigned i, n = vma_smaps_nkeys(m);

	for (i = 0; i < n && i < KEYMAP_SLOTS / 2; i++) {
		const char *name = vma_smaps_key(m, i)->json;
		uint32_t h = hash(name) & (KEYMAP_SLOTS - 1);

		while (f->keymap[h].json && strcmp(f->keymap[h].json, name))
			h = (h + 1) & (KEYMAP_SLOTS - 1);
		f->keymap[h].json = name;
		f->keymap[h].id = i;
	}
}

static int keymap_get(const struct fast *f, const char *name)
{
	uint32_t h = hash(name) & (KEYMAP_SLOTS - 1);

	while (f->keymap[h].json) {
		if (!strcmp(f->keymap[h].json, name))
			return (int)f->keymap[h].id;
		h = (h + 1) & (KEYMAP_SLOTS - 1);
	}
	return -1;
}

static bool rollup(struct fast *f)
{
	struct proc_meta *me = &f->s->meta;
	struct jr *j = &f->j;
	uint64_t v;

	if (!js_take(j, '{'))
		return false;
	if (js_take(j, '}'))
		return true;
	do {
		char **k;
		uint64_t *vals;

		if (!js_key(j) || !js_u64(j, &v))
			return false;
		k = realloc(me->rollup_keys, (me->nrollup + 1) * sizeof(*k));
		if (k)
			me->rollup_keys = k;
		vals = realloc(me->rollup_vals, (me->nrollup + 1) * sizeof(*vals));
		if (vals)
			me->rollup_vals = vals;
		if (!k || !vals || !(k[me->nrollup] = strdup(j->buf)))
			return !(j->oom = true);
		vals[me->nrollup++] = v;
	} while (js_take(j, ','));
	return js_take(j, '}');
}

/* One {"name":..,"json":..,"width":N,"kb":B} of source.smaps_keys. */
static bool smaps_key(struct fast *f)
{
	struct jr *j = &f->j;
	char *name = NULL;
	uint64_t width = 0;
	bool kb = false, ok = js_take(j, '{');

	while (ok) {
		if (!js_key(j))
			ok = false;
		else if (!strcmp(j->buf, "name"))
			ok = js_opt_str(j, &name);
		else if (!strcmp(j->buf, "width"))
			ok = js_u64(j, &width);
		else if (!strcmp(j->buf, "kb"))
			ok = js_boolean(j, &kb);
		else
			ok = js_skip(j);
		if (!ok || !js_take(j, ','))
			break;
	}
	ok = ok && js_take(j, '}') && name && *name && width <= 64 &&
	     vma_smaps_key_add(&f->s->model, name, strlen(name), (unsigned)width, kb) >= 0;
	free(name);
	return ok;
}

static bool smaps_keys(struct fast *f)
{
	struct jr *j = &f->j;

	if (!js_take(j, '['))
		return false;
	if (js_take(j, ']'))
		return true;
	do
		if (!smaps_key(f))
			return false;
	while (js_take(j, ','));
	return js_take(j, ']');
}

/* One member of "machine": the model's setting of that name (unknown: skipped). */
static bool machine_member(struct fast *f, const char *k)
{
	struct jr *j = &f->j;
	int i = vma_setting_find(k, strlen(k));
	char text[32];
	uint64_t v;
	bool b;

	if (i < 0)
		return js_skip(j);
	switch (vma_setting_at((size_t)i)->kind) {
	case VMA_SETTING_BOOL:
		if (!js_boolean(j, &b))
			return false;
		snprintf(text, sizeof(text), "%s", b ? "true" : "false");
		break;
	case VMA_SETTING_UINT:
		if (!js_u64(j, &v))
			return false;
		snprintf(text, sizeof(text), "%llu", (unsigned long long)v);
		break;
	default:
		if (!js_str(j) || j->len >= sizeof(text))
			return false;
		memcpy(text, j->buf, j->len + 1);
		break;
	}
	return vma_model_set_setting(&f->s->model, (size_t)i, text, strlen(text)) == 0;
}

/* "machine": {...}; anything odd falls back to the full loader, which words it. */
static bool machine_object(struct fast *f)
{
	struct jr *j = &f->j;
	char k[32];

	if (js_word(j, "null"))
		return true;
	if (!js_take(j, '{'))
		return false;
	f->s->has_machine = true;
	if (js_take(j, '}'))
		return true;
	do {
		if (!js_key(j) || j->len >= sizeof(k))
			return false;
		memcpy(k, j->buf, j->len + 1);
		if (!machine_member(f, k))
			return false;
	} while (js_take(j, ','));
	return js_take(j, '}');
}

static bool source_member(struct fast *f, const char *k)
{
	struct proc_meta *me = &f->s->meta;
	struct jr *j = &f->j;
	char *state = NULL;
	uint64_t v = 0;
	bool ok;

	if (!strcmp(k, "comm"))
		return js_opt_str(j, &me->comm);
	if (!strcmp(k, "cmdline"))
		return js_opt_str(j, &me->cmdline);
	if (!strcmp(k, "exe"))
		return js_opt_str(j, &me->exe);
	if (!strcmp(k, "user"))
		return js_opt_str(j, &me->user);
	if (!strcmp(k, "kernel"))
		return js_opt_str(j, &me->kernel);
	if (!strcmp(k, "hostname"))
		return js_opt_str(j, &me->hostname);
	if (!strcmp(k, "boot_id"))
		return js_opt_str(j, &me->boot_id);
	if (!strcmp(k, "state")) {
		ok = js_opt_str(j, &state);
		me->state = state ? state[0] : 0;
		free(state);
		return ok;
	}
	if (!strcmp(k, "has_smaps"))
		return js_boolean(j, &f->doc_has_smaps);
	if (!strcmp(k, "rollup"))
		return rollup(f);
	if (!strcmp(k, "smaps_keys"))
		return smaps_keys(f);
	if (!strcmp(k, "machine"))
		return machine_object(f);
	if (strcmp(k, "pid") && strcmp(k, "start_time") && strcmp(k, "page_size") &&
	    strcmp(k, "max_map_count") && strcmp(k, "time") && strcmp(k, "name_column"))
		return js_skip(j);
	if (!js_opt_u64(j, &v))
		return false;
	if (!strcmp(k, "pid"))
		me->pid = (pid_t)v;
	else if (!strcmp(k, "start_time"))
		me->start_time = (time_t)v;
	else if (!strcmp(k, "page_size"))
		me->page_size = (long)v;
	else if (!strcmp(k, "max_map_count"))
		me->max_map_count = (long)v;
	else if (!strcmp(k, "time"))
		me->time = (time_t)v;
	else if (v >= 20 && v <= 200)
		f->s->name_column = (unsigned)v;
	return true;
}

static bool source_object(struct fast *f)
{
	struct jr *j = &f->j;
	char k[32];

	if (!js_take(j, '{'))
		return false;
	if (js_take(j, '}'))
		return true;
	do {
		if (!js_key(j) || j->len >= sizeof(k))
			return false;
		memcpy(k, j->buf, j->len + 1);
		if (!source_member(f, k))
			return false;
	} while (js_take(j, ','));
	/* a machine of other pages than the snapshot's: the full loader words it */
	if (f->s->has_machine && f->s->meta.page_size > 0 &&
	    (uint64_t)f->s->meta.page_size != f->s->model.p.page_size)
		return false;
	return js_take(j, '}');
}

/* ---- pass 1: the maps line of each VMA --------------------------------------------- */

struct vma_text {
	uint64_t start, end, offset, inode;
	char perms[5];
	unsigned maj, min;
	bool has[7];		/* start end offset perms dev inode name */
	char *name;		/* as /proc prints it (owned) */
	size_t name_len;
};

static bool hex_str(struct jr *j, uint64_t *v)
{
	return js_str(j) && !strncmp(j->buf, "0x", 2) && j->buf[2] && parse_u64(j->buf, v) == 0;
}

static bool vma_member(struct fast *f, struct vma_text *t)
{
	struct jr *j = &f->j;
	const char *k = j->buf;

	switch (k[0]) {
	case 's':
		if (!strcmp(k, "start"))
			return (t->has[0] = hex_str(j, &t->start));
		break;
	case 'e':
		if (!strcmp(k, "end"))
			return (t->has[1] = hex_str(j, &t->end));
		break;
	case 'o':
		if (!strcmp(k, "offset"))
			return (t->has[2] = hex_str(j, &t->offset));
		break;
	case 'p':
		if (!strcmp(k, "perms")) {
			if (!js_str(j) || j->len != 4 || !strchr("r-", j->buf[0]) || !strchr("w-", j->buf[1]) ||
			    !strchr("x-", j->buf[2]) || !strchr("sp", j->buf[3]))
				return false;
			memcpy(t->perms, j->buf, 5);
			return (t->has[3] = true);
		}
		break;
	case 'd':
		if (!strcmp(k, "dev"))
			return js_str(j) && sscanf(j->buf, "%x:%x", &t->maj, &t->min) == 2 &&
			       t->maj <= 0xfff && t->min <= 0xfffff && (t->has[4] = true);
		break;
	case 'i':
		if (!strcmp(k, "inode"))
			return (t->has[5] = js_u64(j, &t->inode));
		break;
	case 'n':
		if (!strcmp(k, "name")) {
			if (!js_str(j) || j->len > 4 * 4096 || memchr(j->buf, '\n', j->len))
				return false;
			free(t->name);
			t->name = malloc(j->len + 1);
			if (!t->name)
				return !(j->oom = true);
			memcpy(t->name, j->buf, j->len + 1);
			t->name_len = j->len;
			return (t->has[6] = true);
		}
		break;
	}
	return js_skip(j);
}

static int feed_line(struct fast *f, const struct vma_text *t)
{
	unsigned col = f->s->name_column ? f->s->name_column : 73;
	size_t n;
	long used;

	n = (size_t)sprintf(f->line, "%08llx-%08llx %s %08llx %02x:%02x %llu",
			    (unsigned long long)t->start, (unsigned long long)t->end, t->perms,
			    (unsigned long long)t->offset, t->maj, t->min, (unsigned long long)t->inode);
	if (t->name_len) {
		do
			f->line[n++] = ' ';
		while (n < col);
		memcpy(f->line + n, t->name, t->name_len);
		n += t->name_len;
	}
	f->line[n++] = '\n';
	used = maps_parse(&f->parser, f->line, n, false);
	if (used == -ENOMEM)
		return cli_error(EXIT_TARGET, "out of memory");
	return used == (long)n ? EXIT_FINE : FALLBACK;
}

static int vma_line(struct fast *f)
{
	struct jr *j = &f->j;
	struct vma_text t;
	int rc = FALLBACK, i;
	bool ok;

	memset(&t, 0, sizeof(t));
	ok = js_take(j, '{');
	while (ok && !js_take(j, '}'))
		ok = js_key(j) && vma_member(f, &t) && (js_take(j, ',') || (js_ws(j), j->p < j->end && *j->p == '}'));
	for (i = 0; ok && i < 7; i++)
		ok = t.has[i];
	if (ok)
		rc = feed_line(f, &t);
	free(t.name);
	return j->oom ? cli_error(EXIT_TARGET, "out of memory") : rc;
}

/* Each element of the "vmas" array through one pass's per-VMA reader. */
static int each_vma(struct fast *f, int (*read_vma)(struct fast *f))
{
	struct jr *j = &f->j;
	int rc;

	if (!js_take(j, '['))
		return FALLBACK;
	if (js_take(j, ']'))
		return EXIT_FINE;
	do
		if ((rc = read_vma(f)) != EXIT_FINE)
			return rc;
	while (js_take(j, ','));
	return js_take(j, ']') ? EXIT_FINE : FALLBACK;
}

/* ---- pass 2: VmFlags and smaps fields ------------------------------------------------ */

static bool vmflags_list(struct jr *j, vmf_t *set, size_t *n)
{
	int bit;

	*set = 0;
	*n = 0;
	if (!js_take(j, '['))
		return false;
	if (js_take(j, ']'))
		return true;
	do {
		if (!js_str(j) || (bit = vmf_lookup(j->buf, j->len)) < 0)
			return false;
		*set |= (vmf_t)1 << bit;
		(*n)++;
	} while (js_take(j, ','));
	return js_take(j, ']');
}

/* One smaps field or other member of VMA v. */
static int vma_field(struct fast *f, struct vma *v, vmf_t *flags, size_t *nflags,
		     bool *has_flags, bool *inferred)
{
	struct vma_model *m = &f->s->model;
	struct jr *j = &f->j;
	uint64_t x;
	int id;

	id = keymap_get(f, j->buf);	/* no smaps name is structural, but "size" */
	if (id < 0 || (!f->doc_has_smaps && json_vma_structural_key(j->buf))) {
		if (!strcmp(j->buf, "vmflags"))
			return (*has_flags = vmflags_list(j, flags, nflags)) ? EXIT_FINE : FALLBACK;
		if (!strcmp(j->buf, "flags_inferred"))
			return js_boolean(j, inferred) ? EXIT_FINE : FALLBACK;
		return js_skip(j) ? EXIT_FINE : FALLBACK;
	}
	if (!js_u64(j, &x))
		return FALLBACK;
	if (vma_smaps_append(m, v, (unsigned)id, vma_smaps_key(m, (unsigned)id)->kb ? x / 1024 : x) < 0)
		return cli_error(EXIT_TARGET, "out of memory");
	f->s->has_smaps = true;
	return EXIT_FINE;
}

static int vma_fields(struct fast *f)
{
	struct jr *j = &f->j;
	struct vma *v;
	uint64_t start;
	vmf_t flags = 0;
	size_t nflags = 0;
	bool has_flags = false, inferred = false;
	int rc = EXIT_FINE;

	/* "start" comes first in what vmatool writes */
	if (!js_take(j, '{') || !js_key(j) || strcmp(j->buf, "start") || !hex_str(j, &start) ||
	    !(v = vma_lookup(&f->s->model, start)))
		return FALLBACK;
	while (rc == EXIT_FINE && js_take(j, ','))
		rc = js_key(j) ? vma_field(f, v, &flags, &nflags, &has_flags, &inferred) : FALLBACK;
	if (rc == EXIT_FINE && !js_take(j, '}'))
		rc = FALLBACK;
	if (rc == EXIT_FINE && has_flags && !inferred && nflags) {
		v->flags = flags;
		v->bits &= (uint16_t)~VMA_B_FLAGS_INFERRED;
	}
	return rc;
}

/* ---- the document ------------------------------------------------------------------- */

/* Pass 1 over the top level; *vmas is where the "vmas" array starts. */
static int top_level(struct fast *f, const char **vmas)
{
	struct jr *j = &f->j;
	bool schema = false, source = false;
	int rc;

	if (!js_take(j, '{'))
		return FALLBACK;
	do {
		if (!js_key(j))
			return FALLBACK;
		if (!strcmp(j->buf, "schema")) {
			if (!js_str(j) || strcmp(j->buf, JSON_SCHEMA))
				return FALLBACK;
			schema = true;
		} else if (!strcmp(j->buf, "source") && !source) {
			if (!source_object(f))
				return j->oom ? cli_error(EXIT_TARGET, "out of memory") : FALLBACK;
			source = true;
			keymap_build(f);
		} else if (!strcmp(j->buf, "vmas") && source && !*vmas) {
			js_ws(j);
			*vmas = j->p;
			if ((rc = each_vma(f, vma_line)) != EXIT_FINE)
				return rc;
		} else if (!js_skip(j)) {
			return FALLBACK;
		}
	} while (js_take(j, ','));
	if (!js_take(j, '}') || !schema || !*vmas)
		return FALLBACK;
	js_ws(j);
	return j->p == j->end ? EXIT_FINE : FALLBACK;
}

int json_load_fast(struct source *s, const char *buf, size_t len)
{
	struct fast *f = calloc(1, sizeof(*f));
	const char *vmas = NULL;
	int rc;

	if (!f)
		return cli_error(EXIT_TARGET, "out of memory");
	f->s = s;
	f->j.p = buf;
	f->j.end = buf + len;
	f->line = malloc(4 * 4096 + 256);
	maps_parser_init(&f->parser, &s->model);
	rc = f->line ? top_level(f, &vmas) : cli_error(EXIT_TARGET, "out of memory");
	if (rc == EXIT_FINE && maps_parser_finish(&f->parser) < 0)
		rc = FALLBACK;
	if (rc == EXIT_FINE) {
		f->j.p = vmas;
		rc = each_vma(f, vma_fields);
	}
	if (rc == EXIT_FINE) {
		vma_classify_all(&s->model);
		s->kind = SOURCE_JSON_FILE;
	}
	free(f->j.buf);
	free(f->line);
	free(f);
	return rc;
}

/* ---- opening a target ----------------------------------------------------------------- */

static bool looks_like_process(const char *t)
{
	if (!strcmp(t, "self"))
		return true;
	for (; *t; t++)
		if (*t < '0' || *t > '9')
			return false;
	return true;
}

/* The whole regular file at path, or NULL (then the caller uses source_open). */
static char *slurp(const char *path, size_t *len)
{
	struct stat st;
	char *buf = NULL;
	size_t got = 0;
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return NULL;
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0 &&
	    (buf = malloc((size_t)st.st_size + 1))) {
		while (got < (size_t)st.st_size &&
		       ((n = read(fd, buf + got, (size_t)st.st_size - got)) > 0 ||
			(n < 0 && errno == EINTR)))
			got += n > 0 ? (size_t)n : 0;
		if (got != (size_t)st.st_size) {
			free(buf);
			buf = NULL;
		}
	}
	close(fd);
	*len = got;
	return buf;
}

int source_open_fast(struct source *s, const char *target, const struct source_opts *o)
{
	struct vma_params params;
	size_t len = 0;
	char *buf;
	int rc;

	if (!strcmp(target, "-") || (looks_like_process(target) && !strchr(target, '/')) ||
	    !(buf = slurp(target, &len)))
		return source_open(s, target, o);
	if (!json_sniff(buf, len)) {
		free(buf);
		return source_open(s, target, o);
	}
	memset(s, 0, sizeof(*s));
	s->target = strdup(target);
	s->path = strdup(target);
	vma_params_default(&params);
	if (!s->target || !s->path || vma_model_init(&s->model, &params) < 0) {
		free(buf);
		return cli_error(EXIT_TARGET, "out of memory");
	}
	rc = json_load_fast(s, buf, len);
	free(buf);
	if (rc == JSON_FAST_FALLBACK) {
		source_release(s);
		rc = source_open(s, target, o);
	}
	return rc;
}
