/*
 * cmd-find.c - `vmatool find TARGET ADDR...`: the VMA that holds each
 * address, or the neighbours on both sides of the gap it falls in.
 *
 * On a live process the kernel is asked directly with the PROCMAP_QUERY
 * ioctl (no need to read the whole maps text); where the kernel lacks it,
 * for [vsyscall] (which the ioctl never reports), for files and with
 * --no-query, the maps text is read into the engine and searched there.
 */
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/json.h"
#include "cli/procmap.h"
#include "engine/maps.h"

extern const struct cmd_entry cmd_find_entry;

/* Where the VMAs come from: the ioctl on a live process, or a model. */
struct finder {
	int fd;			/* /proc/PID/maps for PROCMAP_QUERY, or -1 */
	pid_t pid;
	bool loaded;		/* src holds the VMAs */
	struct source src;
	const char *target;
};

/* One answer. */
struct find_result {
	const char *query;	/* as the user wrote it */
	uint64_t addr;
	bool hit;
	struct procmap_vma vma;		/* hit */
	bool has_prev, has_next;	/* gap */
	struct procmap_vma prev, next;
};

/* ---- model VMAs as procmap_vma -------------------------------------------- */

static void vma_to_pm(const struct vma_model *m, const struct vma *v, struct procmap_vma *o)
{
	size_t n = vma_name_len(m, v->name);

	o->start = v->start;
	o->end = v->end;
	o->offset = v->bits & VMA_B_PGOFF_INFERRED ? 0 : v->pgoff * m->p.page_size;
	o->inode = v->inode;
	o->major = VMA_DEV_MAJOR(v->dev);
	o->minor = VMA_DEV_MINOR(v->dev);
	o->r = v->flags & VMF(READ);
	o->w = v->flags & VMF(WRITE);
	o->x = v->flags & VMF(EXEC);
	o->shared = v->flags & VMF(MAYSHARE);
	if (n >= sizeof(o->name))
		n = sizeof(o->name) - 1;
	memcpy(o->name, vma_name(m, v->name), n);
	o->name[n] = 0;
}

/* The ioctl gives paths raw; /proc/PID/maps prints '\n' as "\012". */
static void pm_escape_name(struct procmap_vma *o)
{
	char tmp[sizeof(o->name)];
	size_t n = strlen(o->name);

	if (!memchr(o->name, '\n', n) || 4 * n >= sizeof(tmp))
		return;
	n = maps_escape_name(o->name, n, tmp);
	memcpy(o->name, tmp, n);
	o->name[n] = 0;
}

/* ---- loading -------------------------------------------------------------- */

static int finder_load(struct finder *f)
{
	struct source_opts so = { .smaps = false, .no_meta = true };
	char pidstr[32];

	if (f->loaded)
		return EXIT_FINE;
	snprintf(pidstr, sizeof(pidstr), "%d", (int)f->pid);
	f->loaded = true;
	return source_open(&f->src, f->pid > 0 ? pidstr : f->target, &so);
}

static void model_lookup(struct finder *f, struct find_result *r)
{
	struct vma_model *m = &f->src.model;
	struct vma *v = vma_find(m, r->addr);

	if (v && v->start <= r->addr) {
		r->hit = true;
		vma_to_pm(m, v, &r->vma);
		return;
	}
	if (v) {
		r->has_next = true;
		vma_to_pm(m, v, &r->next);
	}
	v = v ? v->prev : m->last;
	if (v) {
		r->has_prev = true;
		vma_to_pm(m, v, &r->prev);
	}
}

/* EXIT_FINE; -1 to fall back to the text; else an exit code. */
static int query_lookup(struct finder *f, struct find_result *r)
{
	int err = procmap_query(f->fd, r->addr, true, &r->vma);

	/* no ioctl; nothing above ([vsyscall] may be); no mm: the text tells */
	if (err == -ENOTTY || err == -EINVAL || err == -ENOENT || err == -ESRCH)
		return -1;
	if (err)
		return cli_error(EXIT_TARGET, "cannot query '/proc/%d/maps': %s", (int)f->pid,
				 strerror(-err));
	if (r->vma.start <= r->addr) {
		r->hit = true;
		pm_escape_name(&r->vma);
		return EXIT_FINE;
	}
	r->next = r->vma;
	r->has_next = true;
	pm_escape_name(&r->next);
	err = procmap_query_prev(f->fd, r->addr, &r->prev);
	if (err && err != -ENOENT)
		return cli_error(EXIT_TARGET, "cannot query '/proc/%d/maps': %s", (int)f->pid,
				 strerror(-err));
	r->has_prev = !err;
	if (r->has_prev)
		pm_escape_name(&r->prev);
	return EXIT_FINE;
}

static int lookup(struct finder *f, struct find_result *r)
{
	int rc;

	if (f->fd >= 0 && !f->loaded) {
		rc = query_lookup(f, r);
		if (rc >= 0)
			return rc;
		memset(&r->vma, 0, sizeof(r->vma));
	}
	rc = finder_load(f);
	if (rc)
		return rc;
	model_lookup(f, r);
	return EXIT_FINE;
}

/* ---- addresses: hex, decimal, NAME+OFFSET ---------------------------------- */

static bool name_is(const char *want, const char *name)
{
	const char *base = strrchr(name, '/');
	size_t n = strlen(name), dl = strlen(" (deleted)");

	if (!strcmp(want, name) || (base && !strcmp(want, base + 1)))
		return true;
	if (n > dl && !strcmp(name + n - dl, " (deleted)")) {
		size_t wl = strlen(want);

		if (wl == n - dl && !strncmp(want, name, wl))
			return true;
		if (base && wl == (size_t)(name + n - dl - base - 1) && !strncmp(want, base + 1, wl))
			return true;
	}
	return false;
}

/* Start of the first VMA named name (through the ioctl, else the model). */
static int name_start(struct finder *f, const char *name, uint64_t *start)
{
	struct procmap_vma pm;
	uint64_t addr = 0;
	const struct vma *v;
	int rc;

	while (f->fd >= 0 && !f->loaded && procmap_query(f->fd, addr, true, &pm) == 0) {
		pm_escape_name(&pm);
		if (name_is(name, pm.name)) {
			*start = pm.start;
			return EXIT_FINE;
		}
		addr = pm.end;
	}
	rc = finder_load(f);
	if (rc)
		return rc;
	for (v = f->src.model.first; v; v = v->next)
		if (name_is(name, vma_name(&f->src.model, v->name))) {
			*start = v->start;
			return EXIT_FINE;
		}
	{
		char *esc = str_escaped(name, strlen(name));

		rc = cli_error(EXIT_BADINPUT, "no VMA named '%s'", esc ? esc : "?");
		free(esc);
	}
	return rc;
}

static int parse_addr(struct finder *f, const char *s, uint64_t *addr)
{
	const char *op = NULL, *p;
	uint64_t off = 0, base = 0;
	char *name;
	int rc;

	rc = parse_u64(s, addr);
	if (rc == 0)
		return EXIT_FINE;
	if (rc == -ERANGE)
		return cli_error(EXIT_BADINPUT, "address '%s' is out of range", s);
	for (p = s; *p; p++) {	/* the last + or - followed by a number */
		if ((*p != '+' && *p != '-') || p == s)
			continue;
		rc = parse_u64(p + 1, &off);
		if (rc == 0)
			op = p;
		else if (rc == -ERANGE && !strchr(p + 1, '+') && !strchr(p + 1, '-'))
			return cli_error(EXIT_BADINPUT, "address '%s' is out of range", s);
	}
	if (op)
		parse_u64(op + 1, &off);
	name = strndup(s, op ? (size_t)(op - s) : strlen(s));
	if (!name)
		return cli_error(EXIT_TARGET, "out of memory");
	rc = name_start(f, name, &base);
	free(name);
	if (rc)
		return rc;
	if (op && *op == '-' ? off > base : off > UINT64_MAX - base)
		return cli_error(EXIT_BADINPUT, "address '%s' is out of range", s);
	*addr = op && *op == '-' ? base - off : base + off;
	return EXIT_FINE;
}

/* ---- output --------------------------------------------------------------- */

static void print_pm(const struct procmap_vma *v, FILE *out)
{
	fprintf(out, "%08llx-%08llx %c%c%c%c %08llx %02x:%02x %llu", (unsigned long long)v->start,
		(unsigned long long)v->end, v->r ? 'r' : '-', v->w ? 'w' : '-', v->x ? 'x' : '-',
		v->shared ? 's' : 'p', (unsigned long long)v->offset, v->major, v->minor,
		(unsigned long long)v->inode);
	if (v->name[0]) {
		fputc(' ', out);
		fputs_escaped(v->name, strlen(v->name), out);
	}
}

static void print_text(const struct find_result *r, bool exact, FILE *out)
{
	char a[32];

	fprintf(out, "0x%llx: ", (unsigned long long)r->addr);
	if (r->hit) {
		print_pm(&r->vma, out);
		fprintf(out, " +0x%llx\n", (unsigned long long)(r->addr - r->vma.start));
		return;
	}
	{
		uint64_t lo = r->has_prev ? r->prev.end : 0;
		uint64_t hi = r->has_next ? r->next.start : 0;

		if (r->has_prev && r->has_next)
			fprintf(out, "not mapped: in the %s gap %llx-%llx\n", fmt_size(hi - lo, exact, a),
				(unsigned long long)lo, (unsigned long long)hi);
		else
			fputs("not mapped\n", out);
	}
	if (r->has_prev) {
		fprintf(out, "  %s after the end of ", fmt_size(r->addr - r->prev.end, exact, a));
		print_pm(&r->prev, out);
		fputc('\n', out);
	} else {
		fputs("  no VMA below\n", out);
	}
	if (r->has_next) {
		fprintf(out, "  %s before the start of ", fmt_size(r->next.start - r->addr, exact, a));
		print_pm(&r->next, out);
		fputc('\n', out);
	} else {
		fputs("  no VMA above\n", out);
	}
}

static void json_pm(struct json_writer *w, const struct procmap_vma *v)
{
	char perms[5] = { v->r ? 'r' : '-', v->w ? 'w' : '-', v->x ? 'x' : '-',
			  v->shared ? 's' : 'p', 0 };
	char dev[24], path[sizeof(v->name)];
	size_t n = strlen(v->name), dl = strlen(" (deleted)");

	snprintf(dev, sizeof(dev), "%02x:%02x", v->major, v->minor);
	jw_begin_object(w);
	jw_kv_hex(w, "start", v->start);
	jw_kv_hex(w, "end", v->end);
	jw_kv_u64(w, "size", v->end - v->start);
	jw_kv_string(w, "perms", perms);
	jw_kv_hex(w, "offset", v->offset);
	jw_kv_string(w, "dev", dev);
	jw_kv_u64(w, "inode", v->inode);
	jw_kv_string(w, "name", v->name);
	jw_key(w, "path");
	if (v->name[0] == '/') {
		if (n > dl && !strcmp(v->name + n - dl, " (deleted)"))
			n -= dl;
		n = maps_unescape_name(v->name, n, path);
		jw_string_len(w, path, n);
	} else {
		jw_null(w);
	}
	jw_end_object(w);
}

static void json_result(struct json_writer *w, const struct find_result *r)
{
	jw_begin_object(w);
	jw_kv_string(w, "query", r->query);
	jw_kv_hex(w, "address", r->addr);
	jw_key(w, "vma");
	if (r->hit) {
		json_pm(w, &r->vma);
		jw_kv_hex(w, "offset_in_vma", r->addr - r->vma.start);
	} else {
		jw_null(w);
		jw_key(w, "prev");
		if (r->has_prev)
			json_pm(w, &r->prev);
		else
			jw_null(w);
		jw_key(w, "next");
		if (r->has_next)
			json_pm(w, &r->next);
		else
			jw_null(w);
		if (r->has_prev)
			jw_kv_u64(w, "after_prev", r->addr - r->prev.end);
		if (r->has_next)
			jw_kv_u64(w, "before_next", r->next.start - r->addr);
	}
	jw_end_object(w);
}

/* ---- the command ------------------------------------------------------------ */

struct find_args {
	int format;		/* 0 text, 1 json */
	bool json, exact, no_query;
};

#define O(field) offsetof(struct find_args, field)
static const struct cmd_option find_options[] = {
	{ "format", 'f', CMD_ENUM, "FMT", "output: text (default) or json", .offset = O(format),
	  .values = (const char *const[]){ "text", "json", NULL } },
	{ "bytes", 'b', CMD_FLAG, NULL, "exact distances in bytes instead of 4.0K, 1.5M",
	  .offset = O(exact) },
	{ "no-query", 0, CMD_FLAG, NULL, "read the maps text instead of using the PROCMAP_QUERY ioctl",
	  .offset = O(no_query) },
	{ .name = NULL },
};
#undef O

static int find_check(struct cmd_call *call)
{
	struct find_args *a = call->opts;

	a->json = a->format == 1;
	if (a->json && a->exact)
		return cli_usage_error("--bytes applies to --format text only");
	return EXIT_FINE;
}

/* Open the target: a live pid gets the ioctl fd, anything else is loaded. */
static int finder_open(struct finder *f, const char *target, bool no_query)
{
	int rc;

	memset(f, 0, sizeof(*f));
	f->fd = -1;
	f->target = target;
	if (target_is_file(target) || no_query) {
		f->loaded = true;
		rc = source_open(&f->src, target, &(struct source_opts){ .no_meta = true });
		f->pid = source_pid(&f->src);
		return rc;
	}
	rc = target_pid(target, &f->pid);
	if (rc)
		return rc;
	rc = procmap_open(f->pid);
	if (rc < 0) {
		char path[64];

		snprintf(path, sizeof(path), "/proc/%d/maps", (int)f->pid);
		return source_open_failed(f->pid, path, -rc);
	}
	f->fd = rc;
	return EXIT_FINE;
}

static int find_exec(struct cmd_call *call)
{
	const struct find_args a = *(const struct find_args *)call->opts;
	struct finder f;
	struct find_result *res;
	int i, n, rc;

	rc = finder_open(&f, call->operands[0], a.no_query);
	n = call->noperands - 1;
	res = calloc((size_t)n, sizeof(*res));
	if (!res && !rc)
		rc = cli_error(EXIT_TARGET, "out of memory");
	for (i = 0; !rc && i < n; i++) {
		res[i].query = call->operands[1 + i];
		rc = parse_addr(&f, res[i].query, &res[i].addr);
		if (!rc)
			rc = lookup(&f, &res[i]);
	}
	if (!rc && a.json) {
		struct json_writer w;

		jw_init(&w, stdout, true);
		jw_begin_object(&w);
		jw_kv_string(&w, "schema", JSON_SCHEMA);
		jw_key(&w, "results");
		jw_begin_array(&w);
		for (i = 0; i < n; i++)
			json_result(&w, &res[i]);
		jw_end_array(&w);
		jw_end_object(&w);
		if (jw_finish(&w))
			rc = cli_error(EXIT_TARGET, "cannot write the output");
	} else if (!rc) {
		for (i = 0; i < n; i++)
			print_text(&res[i], a.exact, stdout);
		if (fflush(stdout) == EOF)
			rc = cli_error(EXIT_TARGET, "cannot write the output");
	}
	free(res);
	if (f.fd >= 0)
		close(f.fd);
	if (f.loaded)
		source_release(&f.src);
	return rc;
}

const struct cmd_entry cmd_find_entry = {
	.name = "find",
	.summary = "show the VMA holding each address, or the gap it falls in",
	.options = find_options,
	.opts_size = sizeof(struct find_args),
	.operands = (const struct cmd_operand[]){
		{ "TARGET", CMD_TARGET }, { "ADDR", CMD_ADDRESS }, { NULL, 0 } },
	.min_operands = 2,
	.max_operands = -1,
	.check = find_check,
	.exec = find_exec,
};
