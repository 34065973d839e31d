/*
 * classify.c - what a VMA is for a person: text, data, bss, heap, stack,
 * file, shared memory, special, deleted or anonymous, judged from its maps
 * line (name, permissions, device and inode) and its lower neighbour.
 *
 * Also sets the name-derived bits of vma->bits (deleted, special name,
 * anonymous name, shmem) so that the merge rules can use them.
 */
#include <stdlib.h>
#include <string.h>

#include "vma.h"
#include "vma_internal.h"

static const char *const vma_kind_names[VMA_KIND_COUNT] = {
	[VMA_KIND_ANON]		= "anon",
	[VMA_KIND_TEXT]		= "text",
	[VMA_KIND_DATA]		= "data",
	[VMA_KIND_BSS]		= "bss",
	[VMA_KIND_HEAP]		= "heap",
	[VMA_KIND_STACK]	= "stack",
	[VMA_KIND_FILE]		= "file",
	[VMA_KIND_SHM]		= "shm",
	[VMA_KIND_SPECIAL]	= "special",
	[VMA_KIND_DELETED]	= "deleted",
};

const char *vma_kind_name(enum vma_kind kind)
{
	if ((unsigned)kind >= VMA_KIND_COUNT)
		return "unknown";
	return vma_kind_names[kind];
}

int vma_kind_parse(const char *s)
{
	for (int k = 0; k < VMA_KIND_COUNT; k++)
		if (strcmp(s, vma_kind_names[k]) == 0)
			return k;
	return -1;
}

#define DELETED_SUFFIX " (deleted)"

static bool has_prefix(const char *s, size_t len, const char *prefix)
{
	size_t plen = strlen(prefix);

	return len >= plen && memcmp(s, prefix, plen) == 0;
}

static bool has_suffix(const char *s, size_t len, const char *suffix)
{
	size_t slen = strlen(suffix);

	return len >= slen && memcmp(s + len - slen, suffix, slen) == 0;
}

static bool name_is(const char *s, size_t len, const char *want)
{
	return len == strlen(want) && memcmp(s, want, len) == 0;
}

static bool is_special_name(const char *s, size_t len)
{
	return name_is(s, len, "[vdso]") || name_is(s, len, "[vvar]") ||
	       name_is(s, len, "[vvar_vclock]") || name_is(s, len, "[vsyscall]") ||
	       name_is(s, len, "[uprobes]");
}

/* [stack] and the [stack:TID] of kernels before 4.5. */
static bool is_stack_name(const char *s, size_t len)
{
	if (name_is(s, len, "[stack]"))
		return true;
	if (!has_prefix(s, len, "[stack:") || s[len - 1] != ']' || len < 9)
		return false;
	for (size_t i = 7; i < len - 1; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return true;
}

/* Shared memory by name: shmem-backed files and shared anonymous memory. */
static bool is_shm_name(const char *s, size_t len)
{
	return has_prefix(s, len, "/SYSV") || has_prefix(s, len, "/memfd:") ||
	       has_prefix(s, len, "/dev/shm/") || has_prefix(s, len, "[anon_shmem:") ||
	       name_is(s, len, "/dev/zero" DELETED_SUFFIX) ||
	       name_is(s, len, "/anon_hugepage" DELETED_SUFFIX);
}

static bool vma_has_file(const struct vma *v)
{
	return v->file != 0 || v->inode != 0 || v->dev != 0;
}

static bool is_private_writable_file(const struct vma *v)
{
	return vma_has_file(v) && (v->flags & VMF(WRITE)) && !(v->flags & VMF(MAYSHARE));
}

/* bss: unnamed anonymous rw-p directly after a file's writable private data. */
static bool is_bss(const struct vma *v)
{
	const struct vma *prev = v->prev;

	if (v->name != 0 || vma_has_file(v) || !prev || prev->end != v->start)
		return false;
	if ((v->flags & (VMF(READ) | VMF(WRITE) | VMF(MAYSHARE))) != (VMF(READ) | VMF(WRITE)))
		return false;
	return is_private_writable_file(prev);
}

/* A file mapping whose name is not " (deleted)". */
static enum vma_kind file_kind(const struct vma *v)
{
	if (v->flags & VMF(EXEC))
		return VMA_KIND_TEXT;
	if (is_private_writable_file(v))
		return VMA_KIND_DATA;
	return VMA_KIND_FILE;
}

/* What a name alone says of a VMA. */
enum name_class {
	NAME_OTHER, NAME_SPECIAL, NAME_HEAP, NAME_STACK, NAME_SHM, NAME_ANON,
};
#define NAME_DELETED	0x10	/* ... with " (deleted)" at the end */
#define NAME_UNKNOWN	0xff	/* a cache slot not filled yet */

static uint8_t name_class(const char *s, size_t len)
{
	uint8_t c;

	if (is_special_name(s, len))
		c = NAME_SPECIAL;
	else if (name_is(s, len, "[heap]"))
		c = NAME_HEAP;
	else if (is_stack_name(s, len))
		c = NAME_STACK;
	else if (is_shm_name(s, len))
		c = NAME_SHM;
	else if (has_prefix(s, len, "[anon:"))
		c = NAME_ANON;
	else
		c = NAME_OTHER;
	return has_suffix(s, len, DELETED_SUFFIX) ? c | NAME_DELETED : c;
}

static void classify_as(struct vma *v, uint8_t nc)
{
	uint16_t bits = v->bits & ~(VMA_B_DELETED | VMA_B_SPECIAL_NAME |
				    VMA_B_ANON_NAME | VMA_B_SHMEM);
	enum vma_kind kind;

	if (nc & NAME_DELETED)
		bits |= VMA_B_DELETED;
	switch (nc & ~NAME_DELETED) {
	case NAME_SPECIAL:
		kind = VMA_KIND_SPECIAL;
		bits |= VMA_B_SPECIAL_NAME;
		break;
	case NAME_HEAP:
		kind = VMA_KIND_HEAP;
		break;
	case NAME_STACK:
		kind = VMA_KIND_STACK;
		break;
	case NAME_SHM:
		kind = VMA_KIND_SHM;
		bits |= VMA_B_SHMEM;
		break;
	case NAME_ANON:
		kind = VMA_KIND_ANON;
		bits |= VMA_B_ANON_NAME;
		break;
	default:
		if (vma_has_file(v))
			kind = nc & NAME_DELETED ? VMA_KIND_DELETED : file_kind(v);
		else if (is_bss(v))
			kind = VMA_KIND_BSS;
		else
			kind = VMA_KIND_ANON;
		break;
	}
	v->kind = (uint8_t)kind;
	v->bits = bits;
}

void vma_classify(struct vma_model *m, struct vma *v)
{
	size_t len;
	const char *s = intern_str(m->names, v->name, &len);

	classify_as(v, name_class(s, len));
}

/* vma_classify with what each name says kept in cache[name id] (ncache slots). */
void vma_classify_cached(struct vma_model *m, struct vma *v, uint8_t *cache, size_t ncache)
{
	size_t len;
	const char *s;

	if (v->name < ncache && cache[v->name] != NAME_UNKNOWN) {
		classify_as(v, cache[v->name]);
		return;
	}
	s = intern_str(m->names, v->name, &len);
	if (v->name < ncache)
		cache[v->name] = name_class(s, len);
	classify_as(v, name_class(s, len));
}

void vma_classify_all(struct vma_model *m)
{
	size_t n = (size_t)intern_count(m->names) + 1;
	uint8_t *cache = malloc(n);

	if (cache)
		memset(cache, NAME_UNKNOWN, n);
	for (struct vma *v = m->first; v; v = v->next)
		vma_classify_cached(m, v, cache, cache ? n : 0);
	free(cache);
	vma_gap_update_all(m);
}
