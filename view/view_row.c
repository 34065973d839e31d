/*
 * view_row.c - the display values of one VMA (struct view_row), the table
 * of kinds with their abstract colours, and the filter (see view.h).
 *
 * A row is filled once per VMA and read by every formatter: the perms
 * string, the offset /proc prints, the name and its path, the deleted flag,
 * the key flags and the memory use all come from here and nowhere else.
 */
#include <fnmatch.h>
#include <string.h>

#include "view/view.h"
#include "engine/maps.h"

/* ---- kinds ------------------------------------------------------------------ */

static const struct view_kind_info kinds[VMA_KIND_COUNT] = {
	[VMA_KIND_ANON] = { "anon", "anonymous private memory", VIEW_COLOR_NONE },
	[VMA_KIND_TEXT] = { "text", "executable file mapping", VIEW_COLOR_CODE },
	[VMA_KIND_DATA] = { "data", "writable private file mapping", VIEW_COLOR_DATA },
	[VMA_KIND_BSS] = { "bss", "anonymous memory after a file's data", VIEW_COLOR_DATA },
	[VMA_KIND_HEAP] = { "heap", "the brk heap", VIEW_COLOR_GROWS },
	[VMA_KIND_STACK] = { "stack", "a stack", VIEW_COLOR_GROWS },
	[VMA_KIND_FILE] = { "file", "other file mapping", VIEW_COLOR_FILE },
	[VMA_KIND_SHM] = { "shm", "shared memory", VIEW_COLOR_SHARED },
	[VMA_KIND_SPECIAL] = { "special", "kernel-provided mapping", VIEW_COLOR_SPECIAL },
	[VMA_KIND_DELETED] = { "deleted", "mapping of a deleted file", VIEW_COLOR_DELETED },
};

const struct view_kind_info *view_kind(enum vma_kind k)
{
	return &kinds[(unsigned)k < VMA_KIND_COUNT ? k : VMA_KIND_ANON];
}

/* ---- filter ----------------------------------------------------------------- */

void view_filter_init(struct view_filter *f)
{
	memset(f, 0, sizeof(*f));
}

bool view_filter_empty(const struct view_filter *f)
{
	return !f->has_range && !f->path_glob && !f->perms && !f->perms_absent && !f->kinds;
}

unsigned view_perm_bits(vmf_t flags)
{
	unsigned b = 0;

	if (flags & VMF(READ))
		b |= VIEW_PERM_R;
	if (flags & VMF(WRITE))
		b |= VIEW_PERM_W;
	if (flags & VMF(EXEC))
		b |= VIEW_PERM_X;
	b |= flags & VMF(MAYSHARE) ? VIEW_PERM_S : VIEW_PERM_P;
	return b;
}

static bool path_matches(const char *glob, const char *name)
{
	const char *base = strrchr(name, '/');

	if (!strcmp(glob, name) || fnmatch(glob, name, 0) == 0)
		return true;
	return base && (!strcmp(glob, base + 1) || fnmatch(glob, base + 1, 0) == 0);
}

bool view_filter_match(const struct view_filter *f, const struct vma_model *m,
		       const struct vma *v)
{
	unsigned perms;

	if (!f)
		return true;
	if (f->has_range && (v->end <= f->lo || v->start >= f->hi))
		return false;
	if (f->kinds && !(f->kinds & (1u << v->kind)))
		return false;
	perms = view_perm_bits(v->flags);
	if ((perms & f->perms) != f->perms || (perms & f->perms_absent))
		return false;
	if (f->path_glob && !path_matches(f->path_glob, vma_name(m, v->name)))
		return false;
	return true;
}

/* ---- names ------------------------------------------------------------------ */

static const char deleted_suffix[] = " (deleted)";
#define DELETED_LEN (sizeof(deleted_suffix) - 1)

static bool has_deleted_suffix(const char *name, size_t len)
{
	return len > DELETED_LEN && !memcmp(name + len - DELETED_LEN, deleted_suffix, DELETED_LEN);
}

/* The path part of a name: without " (deleted)" when the VMA is deleted; 0 if no path. */
static size_t path_len_of(const char *name, size_t len, bool deleted)
{
	if (!len || name[0] != '/')
		return 0;
	if (deleted && has_deleted_suffix(name, len))
		len -= DELETED_LEN;
	return len;
}

size_t view_row_path(const struct view_row *r, char *buf)
{
	return maps_unescape_name(r->name, r->path_len, buf);
}

static bool same(const char *want, size_t wl, const char *s, size_t n)
{
	return wl == n && !memcmp(want, s, n);
}

bool view_name_is(const char *want, const char *name, size_t len)
{
	const char *base = memrchr(name, '/', len);
	size_t wl = strlen(want), blen = base ? (size_t)(name + len - base - 1) : 0;

	if (same(want, wl, name, len) || (base && same(want, wl, base + 1, blen)))
		return true;
	if (!has_deleted_suffix(name, len))
		return false;
	len -= DELETED_LEN;
	return same(want, wl, name, len) ||
	       (base && base < name + len && same(want, wl, base + 1, blen - DELETED_LEN));
}

/* ---- key flags -------------------------------------------------------------- */

static const struct { unsigned bit; const char *mn; } key_flags[] = {
	{ VMF_GROWSDOWN_BIT, "gd" }, { VMF_LOCKED_BIT, "lo" }, { VMF_LOCKONFAULT_BIT, "lf" },
	{ VMF_IO_BIT, "io" }, { VMF_PFNMAP_BIT, "pf" }, { VMF_MIXEDMAP_BIT, "mm" },
	{ VMF_DONTCOPY_BIT, "dc" }, { VMF_WIPEONFORK_BIT, "wf" }, { VMF_DONTDUMP_BIT, "dd" },
	{ VMF_HUGETLB_BIT, "ht" }, { VMF_HUGEPAGE_BIT, "hg" }, { VMF_NOHUGEPAGE_BIT, "nh" },
	{ VMF_MERGEABLE_BIT, "mg" }, { VMF_UFFD_MISSING_BIT, "um" }, { VMF_UFFD_WP_BIT, "uw" },
	{ VMF_UFFD_MINOR_BIT, "ui" }, { VMF_SHADOW_STACK_BIT, "ss" },
	{ VMF_DROPPABLE_BIT, "dp" }, { VMF_SEALED_BIT, "sl" }, { VMF_MAYBE_GUARD_BIT, "gu" },
};

/* Any of the key flags (the table's bits): most VMAs have none, and need no loop. */
#define KEY_FLAGS_MASK (VMF(GROWSDOWN) | VMF(LOCKED) | VMF(LOCKONFAULT) | VMF(IO) | \
	VMF(PFNMAP) | VMF(MIXEDMAP) | VMF(DONTCOPY) | VMF(WIPEONFORK) | VMF(DONTDUMP) | \
	VMF(HUGETLB) | VMF(HUGEPAGE) | VMF(NOHUGEPAGE) | VMF(MERGEABLE) | VMF(UFFD_MISSING) | \
	VMF(UFFD_WP) | VMF(UFFD_MINOR) | VMF(SHADOW_STACK) | VMF(DROPPABLE) | VMF(SEALED) | \
	VMF(MAYBE_GUARD))

size_t view_key_flags(vmf_t flags, char *buf)
{
	size_t i, n = 0;

	if (!(flags & KEY_FLAGS_MASK)) {
		buf[0] = 0;
		return 0;
	}
	for (i = 0; i < sizeof(key_flags) / sizeof(key_flags[0]); i++) {
		if (!(flags & ((vmf_t)1 << key_flags[i].bit)))
			continue;
		if (n)
			buf[n++] = ',';
		memcpy(buf + n, key_flags[i].mn, 2);
		n += 2;
	}
	buf[n] = 0;
	return n;
}

/* ---- rows ------------------------------------------------------------------- */

void view_row_fill(struct view_row *r, const struct vma_model *m, const struct vma *v)
{
	r->v = v;
	r->start = v->start;
	r->end = v->end;
	r->size = v->end - v->start;
	vmf_perms(v->flags, r->perms);
	r->offset = maps_offset(m, v);
	r->dev_major = VMA_DEV_MAJOR(v->dev);
	r->dev_minor = VMA_DEV_MINOR(v->dev);
	r->inode = v->inode;
	r->name = vma_name(m, v->name);
	r->name_len = vma_name_len(m, v->name);
	r->deleted = v->bits & VMA_B_DELETED;
	r->path_len = path_len_of(r->name, r->name_len, r->deleted);
	r->kind = (enum vma_kind)v->kind;
	r->color = view_kind(r->kind)->color;
	r->flags = v->flags;
	r->flags_inferred = v->bits & VMA_B_FLAGS_INFERRED;
	r->key_flags_len = view_key_flags(v->flags, r->key_flags);
	r->has_usage = v->smaps != VMA_NO_SMAPS;
	vma_usage(m, v, &r->usage);
}

void view_row_gap(struct view_row *r, uint64_t start, uint64_t end)
{
	memset(r, 0, sizeof(*r));
	r->start = start;
	r->end = end;
	r->size = end - start;
	memcpy(r->perms, "----", 5);
	r->name = "";
	r->kind = VMA_KIND_ANON;
	r->color = VIEW_COLOR_GAP;
}
