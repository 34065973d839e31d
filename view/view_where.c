/*
 * view_where.c - where an address falls (see view.h): the VMA that holds it
 * and the offset inside, or the gap it is in with the distances to the
 * neighbours on both sides; and the VMA called by a name.  This is what
 * `find` prints, and what a TUI or the map will use to jump to an address.
 */
#include <string.h>

#include "view/view.h"

void view_where(struct vma_model *m, uint64_t addr, struct view_where *w)
{
	struct vma *v = vma_find(m, addr);

	memset(w, 0, sizeof(*w));
	w->addr = addr;
	if (v && v->start <= addr) {
		w->vma = v;
		w->offset = addr - v->start;
		return;
	}
	w->next = v;
	w->prev = v ? v->prev : m->last;
	if (w->prev)
		w->after_prev = addr - w->prev->end;
	if (w->next)
		w->before_next = w->next->start - addr;
	if (w->prev && w->next) {
		w->gap_start = w->prev->end;
		w->gap_end = w->next->start;
	}
}

const struct vma *view_find_named(const struct vma_model *m, const char *name)
{
	const struct vma *v;

	for (v = m->first; v; v = v->next)
		if (view_name_is(name, vma_name(m, v->name), vma_name_len(m, v->name)))
			return v;
	return NULL;
}
