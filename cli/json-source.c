/*
 * json-source.c - the "source" object of a vmatool/1 document, for the
 * reader of json-load.c: the process's metadata, smaps_rollup, the smaps
 * keys, and a place (source_other) for members with readers of their own.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/json-load-int.h"
#include "engine/machine.h"

/* ---- members ------------------------------------------------------------------------- */

/* A string or null into *out (replacing it); strings of the process hold no NUL. */
static bool opt_string(struct loader *l, const char *key, char **out)
{
	const char *at = jl_here(l);

	if (jr_null(&l->j))
		return true;
	if (!jr_string(&l->j))
		return false;
	if (l->j.nul)
		return jl_bad(l, at, "source.%s: holds a NUL byte (\\u0000)", key);
	free(*out);
	if (!(*out = strdup(l->j.buf)))
		return jr_oom(&l->j);
	return true;
}

static bool opt_u64(struct loader *l, const char *key, uint64_t *v)
{
	const char *at = jl_here(l);
	char what[128];

	*v = 0;
	if (jr_null(&l->j))
		return true;
	if (jr_u64(&l->j, v))
		return true;
	snprintf(what, sizeof(what), "source.%s must be a non-negative integer or null", key);
	return jl_typed(l, false, at, what);
}

/* source.rollup: {"rss": N, ...} */
static bool rollup(struct loader *l)
{
	struct proc_meta *me = &l->s->meta;
	struct jreader *j = &l->j;
	bool first = true;

	if (!jr_expect(j, '{', "'{' (source.rollup is an object)"))
		return false;
	while (jr_next(j, '}', &first)) {
		const char *at = jl_here(l);
		char **k;
		uint64_t *vals, v;
		size_t i;

		if (!jr_key(j))
			return false;
		for (i = 0; i < me->nrollup; i++)
			if (!strcmp(me->rollup_keys[i], j->buf))
				return jl_bad(l, at, "duplicate key '%s' in source.rollup", j->buf);
		k = realloc(me->rollup_keys, (me->nrollup + 1) * sizeof(*k));
		if (k)
			me->rollup_keys = k;
		vals = realloc(me->rollup_vals, (me->nrollup + 1) * sizeof(*vals));
		if (vals)
			me->rollup_vals = vals;
		if (!k || !vals || !(k[me->nrollup] = strdup(j->buf)))
			return jr_oom(&l->j);
		if (!jr_u64(j, &v)) {
			free(k[me->nrollup]);
			return false;
		}
		vals[me->nrollup++] = v;
	}
	return !j->err;
}

/* One {"name":..,"json":..,"width":N,"kb":B} of source.smaps_keys. */
static bool smaps_key(struct loader *l, size_t idx)
{
	struct jreader *j = &l->j;
	const char *obj = jl_here(l);
	char *name = NULL;
	struct jl_keys others = { 0 };
	uint64_t width = 0;
	unsigned seen = 0;
	bool kb = false, first = true, ok = jr_expect(j, '{', "'{'");

	while (ok && jr_next(j, '}', &first)) {
		const char *at = jl_here(l);

		if (!jr_key(j))
			break;
		if (!strcmp(j->buf, "name"))
			ok = jl_once(l, &seen, 1, at) && opt_string(l, "smaps_keys[].name", &name);
		else if (!strcmp(j->buf, "width"))
			ok = jl_once(l, &seen, 2, at) && jr_u64(j, &width);
		else if (!strcmp(j->buf, "kb"))
			ok = jl_once(l, &seen, 4, at) && jr_bool(j, &kb);
		else if (!strcmp(j->buf, "json"))
			ok = jl_once(l, &seen, 8, at) && jr_skip(j);	/* it follows from "name" */
		else
			ok = jl_skip_other(l, &others, at);
	}
	jl_keys_release(&others);
	ok = ok && !j->err;
	if (ok && (!name || !*name || width > 64))
		ok = jl_bad(l, obj, "source.smaps_keys[%zu]: expected {\"name\":...,\"width\":N,"
			 "\"kb\":B}", idx);
	if (ok && vma_smaps_key_add(&l->s->model, name, strlen(name), (unsigned)width, kb) < 0)
		ok = jl_bad(l, obj, "source.smaps_keys[%zu]: bad key '%s'", idx, name);
	free(name);
	return ok;
}

static bool smaps_keys(struct loader *l)
{
	struct jreader *j = &l->j;
	bool first = true;
	size_t i = 0;

	if (!jr_expect(j, '[', "'[' (source.smaps_keys is a list)"))
		return false;
	while (jr_next(j, ']', &first))
		if (!smaps_key(l, i++))
			return false;
	return !j->err;
}

/* The value of machine setting i at the read position, as vma_setting_parse takes it. */
static bool machine_value(struct loader *l, size_t i, char *text, size_t cap)
{
	const struct vma_setting *st = vma_setting_at(i);
	const char *at = jl_here(l);
	char what[96];
	uint64_t v;
	bool b, ok;

	if (st->kind == VMA_SETTING_BOOL)
		ok = jr_bool(&l->j, &b) && snprintf(text, cap, "%s", b ? "true" : "false") > 0;
	else if (st->kind == VMA_SETTING_UINT)
		ok = jr_u64(&l->j, &v) && snprintf(text, cap, "%llu", (unsigned long long)v) > 0;
	else
		ok = jr_string(&l->j) && snprintf(text, cap, "%s", l->j.buf) > 0;
	snprintf(what, sizeof(what), "source.machine.%s: bad value", st->name);
	return jl_typed(l, ok, at, what);
}

/* Known setting i of "machine": the model's setting of that name. */
static bool machine_member(struct loader *l, size_t i, uint64_t *seen, char *text, size_t cap)
{
	const char *at = jl_here(l);

	*seen |= (uint64_t)1 << i;
	if (!machine_value(l, i, text, cap))
		return false;
	if (vma_model_set_setting(&l->s->model, i, text, strlen(text)) < 0)
		return jl_bad(l, at, "source.machine.%s: bad value", vma_setting_at(i)->name);
	return true;
}

/*
 * "machine": {"zero_page":false,...} (or null): each member sets the model's
 * machine setting of that name (engine/machine.h); members of a newer
 * vmatool's machine are checked and skipped.
 */
static bool machine_object(struct loader *l)
{
	struct jreader *j = &l->j;
	const char *at = jl_here(l);
	struct jl_keys others = { 0 };
	uint64_t seen = 0;
	bool first = true, ok = true;
	char text[32];

	if (jr_null(j))
		return true;
	if (jr_peek(j) != '{')
		return jl_typed(l, false, at, "source.machine must be an object");
	l->machine_at = j->p++;
	l->s->has_machine = true;
	while (ok && jr_next(j, '}', &first)) {
		const char *key_at = jl_here(l);
		int i;

		if (!jr_key(j))
			ok = false;
		else if ((i = vma_setting_find(j->buf, j->len)) < 0 || i >= 64)
			ok = jl_skip_other(l, &others, key_at);
		else if (seen & ((uint64_t)1 << i))
			ok = jl_bad(l, key_at, "duplicate key '%s' in source.machine", j->buf);
		else
			ok = machine_member(l, (size_t)i, &seen, text, sizeof(text));
	}
	jl_keys_release(&others);
	return ok && !j->err;
}

/*
 * Members of "source" this reader does not know: checked and skipped.
 * A member with a reader of its own (a machine description, say) gets a
 * line in source_member() before this is reached.
 */
static bool source_other(struct loader *l, const char *key, const char *at,
			 struct jl_keys *others)
{
	(void)key;
	return jl_skip_other(l, others, at);
}

static const char *const source_strings[] = {
	"comm", "cmdline", "exe", "user", "kernel", "hostname", "boot_id", NULL
};
static const char *const source_numbers[] = {
	"pid", "start_time", "page_size", "max_map_count", "time", "name_column", NULL
};

static char **source_string_field(struct loader *l, unsigned i)
{
	struct proc_meta *me = &l->s->meta;
	char **fields[] = { &me->comm, &me->cmdline, &me->exe, &me->user, &me->kernel,
			    &me->hostname, &me->boot_id };

	return fields[i];
}

static void source_number_set(struct loader *l, unsigned i, uint64_t v)
{
	struct proc_meta *me = &l->s->meta;

	switch (i) {
	case 0: me->pid = v <= 0x7fffffff ? (pid_t)v : 0; break;
	case 1: me->start_time = (time_t)v; break;
	case 2: me->page_size = (long)v; break;
	case 3: me->max_map_count = (long)v; break;
	case 4: me->time = (time_t)v; break;
	default: l->s->name_column = v >= 20 && v <= 200 ? (unsigned)v : 0; break;
	}
}

/* Member key of "source"; bit i of *seen stands for the i-th known member. */
static bool source_member(struct loader *l, const char *key, const char *at, unsigned *seen,
			  struct jl_keys *others)
{
	char *state = NULL;
	uint64_t v;
	unsigned i;
	bool ok;

	for (i = 0; source_strings[i]; i++)
		if (!strcmp(key, source_strings[i]))
			return jl_once(l, seen, 1u << i, at) &&
			       opt_string(l, key, source_string_field(l, i));
	for (i = 0; source_numbers[i]; i++)
		if (!strcmp(key, source_numbers[i])) {
			if (!jl_once(l, seen, 1u << (i + 8), at) || !opt_u64(l, key, &v))
				return false;
			source_number_set(l, i, v);
			return true;
		}
	if (!strcmp(key, "state")) {
		ok = jl_once(l, seen, 1u << 16, at) && opt_string(l, key, &state);
		l->s->meta.state = state ? state[0] : 0;
		free(state);
		return ok;
	}
	if (!strcmp(key, "has_smaps"))
		return jl_once(l, seen, 1u << 17, at) &&
		       jl_typed(l, jr_bool(&l->j, &l->doc_has_smaps), jl_here(l),
			     "source.has_smaps must be true or false");
	if (!strcmp(key, "rollup"))
		return jl_once(l, seen, 1u << 18, at) && rollup(l);
	if (!strcmp(key, "smaps_keys"))
		return jl_once(l, seen, 1u << 19, at) && smaps_keys(l);
	if (!strcmp(key, "machine"))
		return jl_once(l, seen, 1u << 22, at) && machine_object(l);
	if (!strcmp(key, "target") || !strcmp(key, "kind"))	/* this read's own, when written */
		return jl_once(l, seen, !strcmp(key, "kind") ? 1u << 21 : 1u << 20, at) &&
		       jr_skip(&l->j);
	return source_other(l, key, at, others);
}

/*
 * A recorded machine of other pages than the snapshot's own would run the
 * model over VMAs it cannot have: refused, once both members are read.
 */
static bool machine_pages(struct loader *l)
{
	const struct source *s = l->s;

	if (!s->has_machine || s->meta.page_size <= 0 ||
	    (uint64_t)s->meta.page_size == s->model.p.page_size)
		return true;
	return jl_bad(l, l->machine_at, "source.machine.page_size: %llu, but the snapshot's pages "
		      "are %ld bytes (source.page_size)", (unsigned long long)s->model.p.page_size,
		      s->meta.page_size);
}

bool jl_source_object(struct loader *l)
{
	struct jreader *j = &l->j;
	struct jl_keys others = { 0 };
	unsigned seen = 0;
	bool first = true, ok = true;
	char key[32];

	if (!jr_expect(j, '{', "'{' (\"source\" is an object)"))
		return false;
	while (ok && jr_next(j, '}', &first)) {
		const char *at = jl_here(l);

		ok = jr_key(j);
		snprintf(key, sizeof(key), "%s", ok ? j->buf : "");
		ok = ok && source_member(l, key, at, &seen, &others);
	}
	jl_keys_release(&others);
	return ok && !j->err && machine_pages(l);
}
