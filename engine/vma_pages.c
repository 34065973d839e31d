/*
 * vma_pages.c - the page-level state the model keeps beside its VMAs,
 * because it decides what later calls return although /proc never shows it:
 *
 *  - guard pages (MADV_GUARD_INSTALL): markers in the page tables.  Live on
 *    Linux 6.18 they survive MADV_DONTNEED, MADV_FREE, mprotect and
 *    mlockall, move with the pages on mremap (MREMAP_DONTUNMAP too), and
 *    go with munmap, MAP_FIXED over them, mremap shrink and
 *    MADV_GUARD_REMOVE.  Faulting one in fails: mlock says ENOMEM,
 *    MADV_POPULATE_* EFAULT.
 *  - the size of each shmem object of shared anonymous memory: the length
 *    of its mmap.  mremap can grow the VMA, not the object; pages past its
 *    end cannot be faulted in (SIGBUS), with the same errors.
 *
 * Both are rare, so they are small sorted arrays in the model.
 */
#include <stdlib.h>
#include <string.h>

#include "vma_ops.h"

/* ---- lifecycle ------------------------------------------------------------ */

void pages_release(struct vma_model *m)
{
	free(m->guards);
	free(m->objsizes);
	m->guards = NULL;
	m->objsizes = NULL;
	m->nguards = m->capguards = m->nobjsizes = m->capobjsizes = 0;
}

void pages_clear(struct vma_model *m)
{
	m->nguards = 0;
	m->nobjsizes = 0;
}

static void *dup_array(const void *src, size_t n, size_t size)
{
	void *p;

	if (n == 0)
		return NULL;
	p = malloc(n * size);
	if (p != NULL)
		memcpy(p, src, n * size);
	return p;
}

int pages_copy(struct vma_model *dst, const struct vma_model *src)
{
	dst->guards = dup_array(src->guards, src->nguards, sizeof(*src->guards));
	dst->objsizes = dup_array(src->objsizes, src->nobjsizes, sizeof(*src->objsizes));
	if ((src->nguards && dst->guards == NULL) || (src->nobjsizes && dst->objsizes == NULL)) {
		pages_release(dst);
		return -ENOMEM;
	}
	dst->nguards = dst->capguards = src->nguards;
	dst->nobjsizes = dst->capobjsizes = src->nobjsizes;
	return 0;
}

/* ---- guard pages ------------------------------------------------------------- */

static int guards_reserve(struct vma_model *m, size_t more)
{
	size_t cap = m->capguards ? m->capguards : 4;
	struct vma_range *g;

	if (m->nguards + more <= m->capguards)
		return 0;
	while (cap < m->nguards + more)
		cap *= 2;
	g = realloc(m->guards, cap * sizeof(*g));
	if (g == NULL)
		return -ENOMEM;
	m->guards = g;
	m->capguards = cap;
	return 0;
}

/* Index of the first guard range ending after addr. */
static size_t guard_index(const struct vma_model *m, uint64_t addr)
{
	size_t lo = 0, hi = m->nguards;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (m->guards[mid].end <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

void ops_guard_clear(struct vma_model *m, uint64_t start, uint64_t end)
{
	size_t i = guard_index(m, start), j = i;
	struct vma_range head = { 0, 0 }, tail = { 0, 0 };

	if (i == m->nguards || m->guards[i].start >= end)
		return;
	if (m->guards[i].start < start)
		head = (struct vma_range){ m->guards[i].start, start };
	while (j < m->nguards && m->guards[j].start < end)
		j++;
	if (m->guards[j - 1].end > end)
		tail = (struct vma_range){ end, m->guards[j - 1].end };
	/* Ranges i..j-1 become head and tail (either may be empty). */
	size_t keep = (head.end > head.start) + (tail.end > tail.start);

	if (keep > j - i && guards_reserve(m, keep - (j - i)) < 0)
		keep = 0;	/* no memory: forget the cut ranges' remains */
	memmove(m->guards + i + keep, m->guards + j, (m->nguards - j) * sizeof(*m->guards));
	m->nguards = m->nguards - (j - i) + keep;
	if (head.end > head.start && keep)
		m->guards[i++] = head, keep--;
	if (tail.end > tail.start && keep)
		m->guards[i] = tail;
}

int ops_guard_add(struct vma_model *m, uint64_t start, uint64_t end)
{
	size_t i;

	if (start >= end)
		return 0;
	ops_guard_clear(m, start, end);
	if (guards_reserve(m, 1) < 0)
		return -ENOMEM;
	i = guard_index(m, start);
	memmove(m->guards + i + 1, m->guards + i, (m->nguards - i) * sizeof(*m->guards));
	m->guards[i] = (struct vma_range){ start, end };
	m->nguards++;
	if (i + 1 < m->nguards && m->guards[i + 1].start == end) {	/* join the next */
		m->guards[i].end = m->guards[i + 1].end;
		memmove(m->guards + i + 1, m->guards + i + 2,
			(m->nguards - i - 2) * sizeof(*m->guards));
		m->nguards--;
	}
	if (i > 0 && m->guards[i - 1].end == start) {	/* join the previous */
		m->guards[i - 1].end = m->guards[i].end;
		memmove(m->guards + i, m->guards + i + 1, (m->nguards - i - 1) * sizeof(*m->guards));
		m->nguards--;
	}
	return 0;
}

int ops_guard_move(struct vma_model *m, uint64_t from, uint64_t len, uint64_t to)
{
	size_t i = guard_index(m, from), n = 0, k;
	struct vma_range *moved;
	int err = 0;

	while (i + n < m->nguards && m->guards[i + n].start < from + len)
		n++;
	if (n == 0)
		return 0;
	moved = malloc(n * sizeof(*moved));
	if (moved == NULL)
		return -ENOMEM;
	for (k = 0; k < n; k++) {
		struct vma_range r = m->guards[i + k];

		moved[k].start = (r.start > from ? r.start : from) - from + to;
		moved[k].end = (r.end < from + len ? r.end : from + len) - from + to;
	}
	ops_guard_clear(m, from, from + len);
	for (k = 0; k < n && err == 0; k++)
		err = ops_guard_add(m, moved[k].start, moved[k].end);
	free(moved);
	return err;
}

/* ---- shmem object sizes ---------------------------------------------------------- */

static size_t objsize_index(const struct vma_model *m, uint32_t file)
{
	size_t lo = 0, hi = m->nobjsizes;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (m->objsizes[mid].file < file)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

int ops_objsize_set(struct vma_model *m, uint32_t file, uint64_t pages)
{
	size_t i = objsize_index(m, file);

	if (i < m->nobjsizes && m->objsizes[i].file == file) {
		m->objsizes[i].pages = pages;
		return 0;
	}
	if (m->nobjsizes == m->capobjsizes) {
		size_t cap = m->capobjsizes ? 2 * m->capobjsizes : 4;
		struct vma_objsize *o = realloc(m->objsizes, cap * sizeof(*o));

		if (o == NULL)
			return -ENOMEM;
		m->objsizes = o;
		m->capobjsizes = cap;
	}
	memmove(m->objsizes + i + 1, m->objsizes + i, (m->nobjsizes - i) * sizeof(*m->objsizes));
	m->objsizes[i] = (struct vma_objsize){ file, pages };
	m->nobjsizes++;
	return 0;
}

uint64_t ops_objsize_get(const struct vma_model *m, uint32_t file)
{
	size_t i = objsize_index(m, file);

	return i < m->nobjsizes && m->objsizes[i].file == file ? m->objsizes[i].pages : 0;
}

/* ---- what can be faulted in ------------------------------------------------------- */

uint64_t ops_fault_limit(const struct vma_model *m, const struct vma *v, uint64_t start,
			 uint64_t end)
{
	size_t i = guard_index(m, start);

	if (i < m->nguards && m->guards[i].start < end)
		end = m->guards[i].start > start ? m->guards[i].start : start;
	if (v != NULL && v->file != 0 && (v->bits & VMA_B_SHMEM)) {
		uint64_t pages = ops_objsize_get(m, v->file), limit;

		if (pages != 0) {
			limit = pages > v->pgoff ? v->start + ((pages - v->pgoff) << ops_shift(m))
						 : v->start;
			if (limit < end)
				end = limit > start ? limit : start;
		}
	}
	return end;
}
