/*
 * cmd-find.c - `vmatool find TARGET ADDR...`: the VMA that holds each
 * address, or the neighbours on both sides of the gap it falls in.
 *
 * On a live process the kernel is asked directly with the PROCMAP_QUERY
 * ioctl (no need to read the whole maps text), and each VMA it reports goes
 * into a small model of its own; where the kernel lacks the ioctl, for
 * [vsyscall] (which the ioctl never reports), for files and with
 * --no-query, the maps text is read into a model.  Either way the answers
 * are the view layer's (view_where, view rows): this file only prints them.
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
#include "view/view.h"

extern const struct cmd_entry cmd_find_entry;

/*
 * Where the VMAs come from: the ioctl on a live process (its answers kept in
 * qm), or a whole model read from the maps text (src).
 */
struct finder {
	int fd;			/* /proc/PID/maps for PROCMAP_QUERY, or -1 */
	pid_t pid;
	bool loaded;		/* src holds the VMAs: it answers from now on */
	struct source src;
	bool has_qm;
	struct vma_model qm;	/* the VMAs the ioctl reported */
	const char *target;
};

/* One query: the address is looked up again in the final model to print. */
struct find_result {
	const char *query;	/* as the user wrote it */
	uint64_t addr;
};

static struct vma_model *finder_model(struct finder *f)
{
	return f->loaded ? &f->src.model : &f->qm;
}

/* ---- the ioctl's answers as model VMAs ---------------------------------------- */

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

/*
 * Put one reported VMA into qm, in place of any it overlaps (the process may
 * have changed between two queries: the latest answer counts).
 */
static int qm_add(struct finder *f, struct procmap_vma *pm)
{
	struct vma_model *m = &f->qm;
	struct vma *v;

	pm_escape_name(pm);
	while ((v = vma_find_intersection(m, pm->start, pm->end)) != NULL) {
		vma_erase(m, v);
		vma_free(m, v);
	}
	v = vma_alloc(m);
	if (!v)
		return -ENOMEM;
	v->start = pm->start;
	v->end = pm->end;
	v->flags = (pm->r ? VMF(READ) : 0) | (pm->w ? VMF(WRITE) : 0) |
		   (pm->x ? VMF(EXEC) : 0) | (pm->shared ? VMF(MAYSHARE) : 0);
	v->bits |= VMA_B_FLAGS_INFERRED;
	v->pgoff = pm->offset / m->p.page_size;
	v->file = pm->offset != 0;	/* a file mapping: /proc prints the offset */
	v->inode = pm->inode;
	v->dev = VMA_DEV(pm->major, pm->minor);
	if (vma_intern_checked(m, pm->name, strlen(pm->name), &v->name) < 0 ||
	    vma_insert(m, v) < 0) {
		vma_free(m, v);
		return -ENOMEM;
	}
	vma_classify(m, v);
	return 0;
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

static int query_failed(struct finder *f, int err)
{
	if (err == -ENOMEM)
		return cli_error(EXIT_TARGET, "out of memory");
	return cli_error(EXIT_TARGET, "cannot query '/proc/%d/maps': %s", (int)f->pid,
			 strerror(-err));
}

/* EXIT_FINE once qm knows where addr falls; -1 to fall back to the text; else an exit code. */
static int query_lookup(struct finder *f, uint64_t addr)
{
	struct procmap_vma pm;
	int err = procmap_query(f->fd, addr, true, &pm);

	/* no ioctl; nothing above ([vsyscall] may be); no mm: the text tells */
	if (err == -ENOTTY || err == -EINVAL || err == -ENOENT || err == -ESRCH)
		return -1;
	if (!err)
		err = qm_add(f, &pm);
	if (err || pm.start <= addr)
		return err ? query_failed(f, err) : EXIT_FINE;
	err = procmap_query_prev(f->fd, addr, &pm);
	if (!err)
		err = qm_add(f, &pm);
	return err && err != -ENOENT ? query_failed(f, err) : EXIT_FINE;
}

static int lookup(struct finder *f, uint64_t addr)
{
	int rc;

	if (f->fd >= 0 && !f->loaded) {
		rc = query_lookup(f, addr);
		if (rc >= 0)
			return rc;
	}
	return finder_load(f);
}

/* ---- addresses: hex, decimal, NAME+OFFSET ---------------------------------- */

/* Start of the first VMA named name (through the ioctl, else the model). */
static int name_start(struct finder *f, const char *name, uint64_t *start)
{
	struct procmap_vma pm;
	uint64_t addr = 0;
	const struct vma *v;
	int rc;

	while (f->fd >= 0 && !f->loaded && procmap_query(f->fd, addr, true, &pm) == 0) {
		pm_escape_name(&pm);
		if (view_name_is(name, pm.name, strlen(pm.name))) {
			*start = pm.start;
			return EXIT_FINE;
		}
		addr = pm.end;
	}
	rc = finder_load(f);
	if (rc)
		return rc;
	v = view_find_named(&f->src.model, name);
	if (v) {
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

static void print_vma(const struct vma_model *m, const struct vma *v, FILE *out)
{
	struct view_row r;

	view_row_fill(&r, m, v);
	fprintf(out, "%08llx-%08llx %s %08llx %02x:%02x %llu", (unsigned long long)r.start,
		(unsigned long long)r.end, r.perms, (unsigned long long)r.offset, r.dev_major,
		r.dev_minor, (unsigned long long)r.inode);
	if (r.name_len) {
		fputc(' ', out);
		fputs_escaped(r.name, r.name_len, out);
	}
}

static void print_text(const struct vma_model *m, const struct view_where *w, bool exact,
		       FILE *out)
{
	char a[32];

	fprintf(out, "0x%llx: ", (unsigned long long)w->addr);
	if (w->vma) {
		print_vma(m, w->vma, out);
		fprintf(out, " +0x%llx\n", (unsigned long long)w->offset);
		return;
	}
	if (w->prev && w->next)
		fprintf(out, "not mapped: in the %s gap %llx-%llx\n",
			fmt_size(w->gap_end - w->gap_start, exact, a),
			(unsigned long long)w->gap_start, (unsigned long long)w->gap_end);
	else
		fputs("not mapped\n", out);
	if (w->prev) {
		fprintf(out, "  %s after the end of ", fmt_size(w->after_prev, exact, a));
		print_vma(m, w->prev, out);
		fputc('\n', out);
	} else {
		fputs("  no VMA below\n", out);
	}
	if (w->next) {
		fprintf(out, "  %s before the start of ", fmt_size(w->before_next, exact, a));
		print_vma(m, w->next, out);
		fputc('\n', out);
	} else {
		fputs("  no VMA above\n", out);
	}
}

/* A VMA object as find gives it (the members up to "path"), or null. */
static void json_neighbour(struct json_writer *w, const struct vma_model *m, const struct vma *v)
{
	struct view_row r;

	if (!v) {
		jw_null(w);
		return;
	}
	view_row_fill(&r, m, v);
	json_vma_brief(w, &r);
}

static void json_result(struct json_writer *w, const struct vma_model *m, const char *query,
			const struct view_where *wh)
{
	jw_begin_object(w);
	jw_kv_string(w, "query", query);
	jw_kv_hex(w, "address", wh->addr);
	jw_key(w, "vma");
	json_neighbour(w, m, wh->vma);
	if (wh->vma) {
		jw_kv_hex(w, "offset_in_vma", wh->offset);
	} else {
		jw_key(w, "prev");
		json_neighbour(w, m, wh->prev);
		jw_key(w, "next");
		json_neighbour(w, m, wh->next);
		if (wh->prev)
			jw_kv_u64(w, "after_prev", wh->after_prev);
		if (wh->next)
			jw_kv_u64(w, "before_next", wh->before_next);
	}
	jw_end_object(w);
}

static int print_json(struct finder *f, const struct find_result *res, int n)
{
	struct vma_model *m = finder_model(f);
	struct json_writer w;
	struct view_where wh;
	int i;

	jw_init(&w, stdout, true);
	jw_begin_object(&w);
	jw_kv_string(&w, "schema", JSON_SCHEMA);
	jw_key(&w, "results");
	jw_begin_array(&w);
	for (i = 0; i < n; i++) {
		view_where(m, res[i].addr, &wh);
		json_result(&w, m, res[i].query, &wh);
	}
	jw_end_array(&w);
	jw_end_object(&w);
	if (jw_finish(&w))
		return cli_error(EXIT_TARGET, "cannot write the output");
	return EXIT_FINE;
}

static int print_all_text(struct finder *f, const struct find_result *res, int n, bool exact)
{
	struct vma_model *m = finder_model(f);
	struct view_where wh;
	int i;

	for (i = 0; i < n; i++) {
		view_where(m, res[i].addr, &wh);
		print_text(m, &wh, exact, stdout);
	}
	if (fflush(stdout) == EOF)
		return cli_error(EXIT_TARGET, "cannot write the output");
	return EXIT_FINE;
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
	if (vma_model_init(&f->qm, NULL) < 0)
		return cli_error(EXIT_TARGET, "out of memory");
	f->has_qm = true;
	return EXIT_FINE;
}

static void finder_close(struct finder *f)
{
	if (f->fd >= 0)
		close(f->fd);
	if (f->has_qm)
		vma_model_release(&f->qm);
	if (f->loaded)
		source_release(&f->src);
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
			rc = lookup(&f, res[i].addr);
	}
	if (!rc)
		rc = a.json ? print_json(&f, res, n) : print_all_text(&f, res, n, a.exact);
	free(res);
	finder_close(&f);
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
