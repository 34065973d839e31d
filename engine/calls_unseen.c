/*
 * calls_unseen.c - what no strace log shows, for call_apply: the VMAs whose
 * state depends on it get VMA_B_UNSURE_* marks (page faults that would have
 * given memory an anon_vma, files that cannot be stat'ed), or, with
 * ctx->assume_written, private writable memory is taken as written.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <stdint.h>

#include "abi.h"
#include "calls.h"
#include "calls_int.h"

static void mark_range(struct vma_model *m, uint64_t start, uint64_t len, uint16_t bit)
{
	for (struct vma *v = vma_find(m, start); v && v->start < start + len; v = v->next)
		v->bits |= bit;
}

/* Would mprotect(start, len, prot) drop VM_ACCOUNT because no write was seen? */
bool calls_account_unsure(struct vma_model *m, uint64_t start, uint64_t len, int prot)
{
	if (prot & VMA_PROT_WRITE)
		return false;
	for (struct vma *v = vma_find(m, start); v && v->start < start + len; v = v->next)
		if ((v->flags & VMF(ACCOUNT)) && !v->anon_vma && !v->file)
			return true;
	return false;
}

/* --assume-written: every private writable page of [start, start+len) is written. */
static void assume_written(struct vma_model *m, uint64_t start, uint64_t len)
{
	for (struct vma *v = vma_find(m, start); v && v->start < start + len; v = v->next)
		if ((v->flags & VMF(WRITE)) && !(v->flags & VMF(SHARED)) && !v->anon_vma) {
			uint64_t a = v->start > start ? v->start : start;
			uint64_t e = v->end < start + len ? v->end : start + len;
			vma_touch(m, a, e - a, NULL);
			v = vma_find(m, a);	/* the touch may have merged v away */
			if (!v)
				break;
		}
}

/*
 * A merge of two VMAs of private writable anonymous memory that existed
 * before the call (mprotect, madvise... back to equal flags, or a new
 * mapping that joins both its neighbours): had they been written apart, no
 * log shows it, with separate anon_vmas, they would have stayed apart.  A
 * new mapping joining one neighbour merges either way.
 */
void calls_unsure_merges(struct vma_model *m, const struct call *c, const struct vma_effects *fx,
			  size_t first)
{
	bool fresh = c->kind == CALL_MMAP || c->kind == CALL_BRK || c->kind == CALL_MREMAP;

	for (size_t i = first; i < fx->n; i++) {
		const struct vma_event *e = &fx->ev[i];
		bool both = e->start < e->old_start && e->end > e->old_end;
		struct vma *v;

		if ((e->kind != VMA_EV_MERGE && e->kind != VMA_EV_EXPAND) || (fresh && !both))
			continue;
		v = vma_lookup(m, e->start);
		if (v && !v->file && (v->flags & VMF(MAYWRITE)) && !(v->flags & VMF(SHARED)))
			v->bits |= VMA_B_UNSURE_ANON;
	}
}

/* What a call did that the log cannot show: marks, or the --assume-written writes. */
void calls_unseen(struct calls_ctx *ctx, struct vma_model *m, const struct call *c,
		   const uint64_t *x, uint64_t res, uint64_t old_brk, bool unsure, bool stat_failed)
{
	switch (c->kind) {
	case CALL_MMAP:
		if (stat_failed)
			mark_range(m, res, x[1], VMA_B_UNSURE_FILE);
		if (ctx->assume_written)
			assume_written(m, res, x[1]);
		break;
	case CALL_MREMAP:
		if (ctx->assume_written)
			assume_written(m, res, x[2]);
		break;
	case CALL_BRK:
		if (ctx->assume_written && res > old_brk)
			assume_written(m, old_brk, res - old_brk);
		break;
	case CALL_MPROTECT:
	case CALL_PKEY_MPROTECT:
		if (unsure)
			mark_range(m, x[0], x[1], VMA_B_UNSURE_ANON);
		else if (ctx->assume_written)
			assume_written(m, x[0], x[1]);
		break;
	default:
		break;
	}
}


/* ---- unlinked files ------------------------------------------------------------ */

/*
 * The file unlink("/tmp/x") or unlinkat(AT_FDCWD</dir>, "x", 0) removed
 * (not AT_REMOVEDIR), as an absolute path in a new string; NULL otherwise
 * (a relative name whose directory the log does not show).
 */
char *calls_unlinked_path(const struct call *c)
{
	bool at = !strcmp(c->name, "unlinkat");
	const char *t = c->text, *args, *comma = NULL, *lt = NULL;
	char *rel, *dir, *abs;
	size_t end;

	if ((!at && strcmp(c->name, "unlink")) || !t || !c->has_result || c->result_unknown ||
	    c->result != 0 || (at && strstr(t, "AT_REMOVEDIR")) || !(args = strchr(t, '(')))
		return NULL;
	if (at && !(comma = strchr(args, ',')))
		return NULL;
	rel = calls_exec_path(at ? comma : args);	/* the first quoted string */
	if (!rel || rel[0] == '/')
		return rel;
	if (at)
		lt = memchr(args, '<', (size_t)(comma - args));
	end = lt ? calls_fd_deco_end(lt, 0, (size_t)(comma - lt)) : 0;
	if (!lt || end >= (size_t)(comma - lt) || !(dir = calls_fd_path(lt + 1, end - 1, false))) {
		free(rel);
		return NULL;
	}
	abs = malloc(strlen(dir) + strlen(rel) + 2);
	if (abs)
		strcat(strcat(strcpy(abs, dir), "/"), rel);
	free(dir);
	free(rel);
	return abs;
}

/* Mappings of the file named esc (as /proc prints it) now show desc, "esc (deleted)". */
int calls_rename_deleted(struct vma_model *m, const char *esc, const char *desc)
{
	size_t n = strlen(esc);
	uint32_t id = 0;

	for (struct vma *v = m->first; v; v = v->next) {
		if (!v->file || vma_name_len(m, v->name) != n || memcmp(vma_name(m, v->name), esc, n))
			continue;
		if (!id && vma_intern_checked(m, desc, strlen(desc), &id) < 0)
			return -ENOMEM;
		v->name = id;
		vma_classify(m, v);
	}
	return 0;
}
