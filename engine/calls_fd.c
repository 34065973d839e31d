/*
 * calls_fd.c - the descriptor table of a replayed process: descriptor
 * number -> which open of which file it stands for (struct calls_fd).
 *
 * An open-addressing hash table keyed by the descriptor number (linear
 * probing, at most half full, deletion by backward shift, no tombstones),
 * so that a log with hundreds of thousands of descriptors open at once
 * costs O(1) per open, close and mmap instead of a scan of every open
 * descriptor (a list made 200,000 opens without close take 18-21 s).
 * Tables are reference counted: threads and clone(CLONE_FILES) share one,
 * fork copies it.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "calls_int.h"

struct calls_fdtab {
	struct calls_fd *slot;	/* cap entries; used ones have in_use */
	size_t cap, n;
	unsigned refs;
};

static size_t fd_hash(int fd, size_t cap)
{
	return (size_t)(((uint64_t)(uint32_t)fd * UINT64_C(0x9e3779b97f4a7c15)) >> 32) & (cap - 1);
}

struct calls_fdtab *fdtab_new(void)
{
	struct calls_fdtab *t = calloc(1, sizeof(*t));

	if (!t)
		return NULL;
	t->cap = 16;
	t->slot = calloc(t->cap, sizeof(*t->slot));
	if (!t->slot) {
		free(t);
		return NULL;
	}
	t->refs = 1;
	return t;
}

static void fd_free_strings(struct calls_fd *f)
{
	free(f->path);
	free(f->esc);
}

struct calls_fdtab *fdtab_get(struct calls_fdtab *t)
{
	t->refs++;
	return t;
}

void fdtab_put(struct calls_fdtab *t)
{
	if (!t || --t->refs)
		return;
	for (size_t i = 0; i < t->cap; i++)
		if (t->slot[i].in_use)
			fd_free_strings(&t->slot[i]);
	free(t->slot);
	free(t);
}

struct calls_fd *fdtab_find(struct calls_fdtab *t, int fd)
{
	for (size_t i = fd_hash(fd, t->cap);; i = (i + 1) & (t->cap - 1)) {
		if (!t->slot[i].in_use)
			return NULL;
		if (t->slot[i].fd == fd)
			return &t->slot[i];
	}
}

static int fdtab_grow(struct calls_fdtab *t)
{
	size_t cap = 2 * t->cap;
	struct calls_fd *s = calloc(cap, sizeof(*s));

	if (!s)
		return -ENOMEM;
	for (size_t i = 0; i < t->cap; i++) {
		if (!t->slot[i].in_use)
			continue;
		size_t j = fd_hash(t->slot[i].fd, cap);
		while (s[j].in_use)
			j = (j + 1) & (cap - 1);
		s[j] = t->slot[i];
	}
	free(t->slot);
	t->slot = s;
	t->cap = cap;
	return 0;
}

/* Remove fd (nothing if absent); later entries of its run shift back. */
void fdtab_remove(struct calls_fdtab *t, int fd)
{
	struct calls_fd *f = fdtab_find(t, fd);
	size_t i, j;

	if (!f)
		return;
	fd_free_strings(f);
	i = (size_t)(f - t->slot);
	t->slot[i].in_use = false;
	t->n--;
	for (j = (i + 1) & (t->cap - 1); t->slot[j].in_use; j = (j + 1) & (t->cap - 1)) {
		size_t h = fd_hash(t->slot[j].fd, t->cap);
		/* j's entry may move to i if its home h is not in (i, j] cyclically */
		if ((j > i && (h <= i || h > j)) || (j < i && h <= i && h > j)) {
			t->slot[i] = t->slot[j];
			t->slot[j].in_use = false;
			i = j;
		}
	}
}

/* A new entry for fd, replacing an old one; zeroed but for fd.  NULL if out of memory. */
struct calls_fd *fdtab_add(struct calls_fdtab *t, int fd)
{
	size_t i;

	fdtab_remove(t, fd);
	if (2 * (t->n + 1) > t->cap && fdtab_grow(t) < 0)
		return NULL;
	for (i = fd_hash(fd, t->cap); t->slot[i].in_use; i = (i + 1) & (t->cap - 1))
		;
	memset(&t->slot[i], 0, sizeof(t->slot[i]));
	t->slot[i].in_use = true;
	t->slot[i].fd = fd;
	t->n++;
	return &t->slot[i];
}

/* A copy of every entry (fork without CLONE_FILES); NULL if out of memory. */
struct calls_fdtab *fdtab_copy(const struct calls_fdtab *src)
{
	struct calls_fdtab *t = calloc(1, sizeof(*t));

	if (!t || !(t->slot = calloc(src->cap, sizeof(*t->slot)))) {
		free(t);
		return NULL;
	}
	t->cap = src->cap;
	t->refs = 1;
	for (size_t i = 0; i < src->cap; i++) {
		const struct calls_fd *f = &src->slot[i];
		if (!f->in_use)
			continue;
		t->slot[i] = *f;
		t->slot[i].path = strdup(f->path);
		t->slot[i].esc = strdup(f->esc);
		t->n++;
		if (!t->slot[i].path || !t->slot[i].esc) {
			fdtab_put(t);
			return NULL;
		}
	}
	return t;
}

/* execve: descriptors opened with O_CLOEXEC close. */
void fdtab_exec(struct calls_fdtab *t)
{
	for (size_t i = 0; i < t->cap;) {
		if (t->slot[i].in_use && t->slot[i].cloexec)
			fdtab_remove(t, t->slot[i].fd);	/* may shift an entry into i */
		else
			i++;
	}
}

bool fdtab_shared(const struct calls_fdtab *t)
{
	return t->refs > 1;
}

/* strdup of s with " (deleted)" appended; NULL if out of memory. */
static char *deleted_name(const char *s)
{
	char *d = malloc(strlen(s) + 11);

	return d ? strcat(strcpy(d, s), " (deleted)") : NULL;
}

int fdtab_unlinked(struct calls_fdtab *t, const char *path)
{
	for (size_t i = 0; i < t->cap; i++) {
		struct calls_fd *f = &t->slot[i];
		char *p, *e;

		if (!f->in_use || strcmp(f->path, path))
			continue;
		p = deleted_name(f->path);
		e = deleted_name(f->esc);
		if (!p || !e) {
			free(p);
			free(e);
			return -ENOMEM;
		}
		free(f->path);
		free(f->esc);
		f->path = p;
		f->esc = e;
	}
	return 0;
}
