/*
 * machine.c - the table of machine settings (engine/machine.h): each names
 * a field of struct vma_params, the kind of its value, where a live machine's
 * value is found, and what it changes in the model, with the kernel source
 * that decides it.  Reading and writing values as text is done here once, for
 * JSON snapshots, `--machine NAME=VALUE` and the test case files.
 */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "machine.h"

static const char *const thp_words[] = { "always", "madvise", "never", "absent", NULL };
static const char *const shmem_words[] = {
	"never", "always", "within_size", "advise", "deny", "force", NULL
};

struct setting_field {
	struct vma_setting s;
	size_t offset, size;		/* the field in struct vma_params */
	unsigned long long max;		/* the largest value a UINT or ENUM takes */
};

#define FIELD(f) offsetof(struct vma_params, f), sizeof(((struct vma_params *)0)->f)

static const struct setting_field settings[] = {
	{ { "zero_page", VMA_SETTING_BOOL, NULL,
	    "a read fault on a private page of vmatool's own, then /proc/self/pagemap",
	    "a read fault on private anonymous memory maps the shared zero page, with no "
	    "anon_vma (mm/memory.c do_anonymous_page, mm_forbids_zeropage)" },
	  FIELD(zero_page), 1 },
	{ { "page_size", VMA_SETTING_UINT, NULL, "sysconf(_SC_PAGESIZE)",
	    "the base page size" },
	  FIELD(page_size), 1ULL << 30 },
	{ { "mmap_min_addr", VMA_SETTING_UINT, NULL, "/proc/sys/vm/mmap_min_addr",
	    "the lowest address mmap gives without CAP_SYS_RAWIO (mm/mmap.c)" },
	  FIELD(mmap_min_addr), ~0ULL },
	{ { "lsm_mmap_min_addr", VMA_SETTING_UINT, NULL,
	    "a mmap hint of one page of vmatool's own: round_hint_to_min raises it to the "
	    "kernel's mmap_min_addr; 0 where that is the sysctl's",
	    "CONFIG_LSM_MMAP_MIN_ADDR where larger than vm.mmap_min_addr: hints below it are "
	    "raised to it and searches stop at it (security/min_addr.c); MAP_FIXED there is "
	    "still allowed" },
	  FIELD(lsm_mmap_min_addr), ~0ULL },
	{ { "max_map_count", VMA_SETTING_UINT, NULL, "/proc/sys/vm/max_map_count",
	    "how many VMAs a process may have (mm/vma.c)" },
	  FIELD(max_map_count), 0x7fffffff },
	{ { "overcommit_memory", VMA_SETTING_UINT, NULL, "/proc/sys/vm/overcommit_memory",
	    "2 ignores MAP_NORESERVE: no nr, and the mapping is accounted (mm/mmap.c do_mmap)" },
	  FIELD(overcommit), 2 },
	{ { "thp", VMA_SETTING_ENUM, thp_words,
	    "/sys/kernel/mm/transparent_hugepage/enabled, or hugepages-2048kB/enabled where "
	    "not inherit; never where the process's status says THP_enabled: 0",
	    "which read faults map a huge zero page, which needs an anon_vma "
	    "(mm/huge_memory.c do_huge_pmd_anonymous_page); absent: no 2 MiB placement of "
	    "large anonymous mappings (mm/mmap.c __get_unmapped_area)" },
	  FIELD(thp), VMA_THP_ABSENT },
	{ { "shmem_thp", VMA_SETTING_ENUM, shmem_words,
	    "/sys/kernel/mm/transparent_hugepage/shmem_enabled",
	    "2 MiB placement of shared anonymous mappings and memfds of 2 MiB and more "
	    "(mm/shmem.c shmem_get_unmapped_area)" },
	  FIELD(shmem_thp), VMA_SHMEM_THP_FORCE },
	{ { "anon_vma_name", VMA_SETTING_BOOL, NULL,
	    "prctl(PR_SET_VMA_ANON_NAME) on a page of vmatool's own",
	    "CONFIG_ANON_VMA_NAME: the prctl names anonymous VMAs; without it, EINVAL" },
	  FIELD(anon_name_supported), 1 },
	{ { "mseal", VMA_SETTING_BOOL, NULL, "mseal(0, 0, 0): ENOSYS without it",
	    "the mseal system call exists (Linux 6.10 and later); without it, ENOSYS" },
	  FIELD(mseal_supported), 1 },
	{ { "soft_dirty", VMA_SETTING_BOOL, NULL, "the VmFlags of a mapping of vmatool's own",
	    "CONFIG_MEM_SOFT_DIRTY: new VMAs get sd" },
	  FIELD(soft_dirty), 1 },
	{ { "pku", VMA_SETTING_BOOL, NULL, "pkey_alloc(0, 0)",
	    "protection keys: pkey_mprotect takes keys 1 to 15" },
	  FIELD(pku), 1 },
	{ { "stack_guard_gap", VMA_SETTING_UINT, NULL,
	    "the last decimal stack_guard_gap= before any -- in /proc/cmdline (pages), "
	    "else 256 pages",
	    "the gap kept below a stack that grows down, in bytes (mm/mmap.c)" },
	  FIELD(stack_guard_gap), 1ULL << 40 },
	{ { "legacy_va_layout", VMA_SETTING_BOOL, NULL,
	    "/proc/sys/vm/legacy_va_layout (not 0), or the ADDR_COMPAT_LAYOUT personality of "
	    "the process",
	    "mmap places bottom-up from a third of the address space "
	    "(arch/x86/mm/mmap.c arch_pick_mmap_layout)" },
	  FIELD(legacy_layout), 1 },
	{ { "cap_sys_rawio", VMA_SETTING_BOOL, NULL,
	    "CapEff of /proc/PID/status (bit 17), for a process of the initial user namespace "
	    "(/proc/PID/uid_map 0 0 4294967295)",
	    "the process may map below mmap_min_addr (security/commoncap.c cap_mmap_addr: "
	    "CAP_SYS_RAWIO in the initial user namespace); without it, EPERM" },
	  FIELD(cap_sys_rawio), 1 },
};

#define NSETTINGS (sizeof(settings) / sizeof(settings[0]))

size_t vma_setting_count(void)
{
	return NSETTINGS;
}

const struct vma_setting *vma_setting_at(size_t i)
{
	return i < NSETTINGS ? &settings[i].s : NULL;
}

int vma_setting_find(const char *name, size_t len)
{
	for (size_t i = 0; i < NSETTINGS; i++)
		if (strlen(settings[i].s.name) == len && memcmp(settings[i].s.name, name, len) == 0)
			return (int)i;
	return -ENOENT;
}

static unsigned long long field_get(const struct vma_params *p, size_t i)
{
	const unsigned char *f = (const unsigned char *)p + settings[i].offset;

	switch (settings[i].size) {
	case 1: return *f;
	case 4: { uint32_t v; memcpy(&v, f, 4); return v; }
	default: { uint64_t v; memcpy(&v, f, 8); return v; }
	}
}

static void field_put(struct vma_params *p, size_t i, unsigned long long val)
{
	unsigned char *f = (unsigned char *)p + settings[i].offset;

	switch (settings[i].size) {
	case 1: *f = (unsigned char)val; break;
	case 4: { uint32_t v = (uint32_t)val; memcpy(f, &v, 4); break; }
	default: { uint64_t v = val; memcpy(f, &v, 8); break; }
	}
}

unsigned long long vma_setting_value(const struct vma_params *p, size_t i)
{
	return i < NSETTINGS ? field_get(p, i) : 0;
}

static bool word_is(const char *s, size_t len, const char *w)
{
	return strlen(w) == len && memcmp(s, w, len) == 0;
}

static int parse_uint(const char *s, size_t len, unsigned long long *out)
{
	char buf[32], *end;

	if (len == 0 || len >= sizeof(buf) || s[0] == '-' || s[0] == '+' || s[0] == ' ')
		return -EINVAL;
	memcpy(buf, s, len);
	buf[len] = 0;
	errno = 0;
	*out = strtoull(buf, &end, 0);
	return errno || *end ? -EINVAL : 0;
}

/* The checks a value must pass beyond its kind's. */
static bool value_fits(const struct vma_params *p, size_t i, unsigned long long v)
{
	size_t page = settings[i].offset == offsetof(struct vma_params, page_size);
	size_t gap = settings[i].offset == offsetof(struct vma_params, stack_guard_gap);

	if (v > settings[i].max)
		return false;
	if (page)
		return v >= 4096 && (v & (v - 1)) == 0;
	if (gap)
		return v % p->page_size == 0;
	return true;
}

int vma_setting_parse(struct vma_params *p, size_t i, const char *value, size_t len)
{
	unsigned long long v = 0;

	if (i >= NSETTINGS)
		return -ENOENT;
	switch (settings[i].s.kind) {
	case VMA_SETTING_BOOL:
		if (word_is(value, len, "true") || word_is(value, len, "1"))
			v = 1;
		else if (!word_is(value, len, "false") && !word_is(value, len, "0"))
			return -EINVAL;
		break;
	case VMA_SETTING_UINT:
		if (parse_uint(value, len, &v) < 0)
			return -EINVAL;
		break;
	case VMA_SETTING_ENUM:
		for (v = 0; settings[i].s.words[v] != NULL; v++)
			if (word_is(value, len, settings[i].s.words[v]))
				break;
		if (settings[i].s.words[v] == NULL)
			return -EINVAL;
		break;
	}
	if (!value_fits(p, i, v))
		return -EINVAL;
	field_put(p, i, v);
	return 0;
}

int vma_setting_assign(struct vma_params *p, const char *arg)
{
	const char *eq = strchr(arg, '=');
	int i;

	if (eq == NULL)
		return -EINVAL;
	i = vma_setting_find(arg, (size_t)(eq - arg));
	if (i < 0)
		return i;
	return vma_setting_parse(p, (size_t)i, eq + 1, strlen(eq + 1));
}

void vma_setting_format(const struct vma_params *p, size_t i, char *buf, size_t cap)
{
	unsigned long long v;

	if (cap == 0)
		return;
	buf[0] = 0;
	if (i >= NSETTINGS)
		return;
	v = field_get(p, i);
	switch (settings[i].s.kind) {
	case VMA_SETTING_BOOL:
		snprintf(buf, cap, "%s", v ? "true" : "false");
		break;
	case VMA_SETTING_UINT:
		snprintf(buf, cap, "%llu", v);
		break;
	case VMA_SETTING_ENUM:
		snprintf(buf, cap, "%s", v <= settings[i].max ? settings[i].s.words[v] : "?");
		break;
	}
}

bool vma_setting_is_default(const struct vma_params *p, size_t i)
{
	struct vma_params d;

	vma_params_default(&d);
	return i >= NSETTINGS || field_get(p, i) == field_get(&d, i);
}

size_t vma_machine_differences(const struct vma_params *p, char *buf, size_t cap)
{
	size_t n = 0, used = 0;
	char val[32];

	if (cap)
		buf[0] = 0;
	for (size_t i = 0; i < NSETTINGS; i++) {
		if (vma_setting_is_default(p, i))
			continue;
		vma_setting_format(p, i, val, sizeof(val));
		if (used < cap)
			used += (size_t)snprintf(buf + used, cap - used, "%s%s=%s", n ? " " : "",
						 settings[i].s.name, val);
		n++;
	}
	return n;
}

void vma_machine_copy(struct vma_params *dst, const struct vma_params *src)
{
	for (size_t i = 0; i < NSETTINGS; i++)
		field_put(dst, i, field_get(src, i));
}

int vma_model_set_setting(struct vma_model *m, size_t i, const char *value, size_t len)
{
	struct vma_params p = m->p;
	int r = vma_setting_parse(&p, i, value, len);

	if (r < 0)
		return r;
	if (p.page_size != m->p.page_size && m->count != 0)
		return -EINVAL;		/* the VMAs were read with the old page size */
	if (p.stack_guard_gap != m->p.stack_guard_gap)
		vma_set_guard_gap(m, p.stack_guard_gap);
	p.stack_guard_gap = m->p.stack_guard_gap;
	m->p = p;
	return 0;
}
