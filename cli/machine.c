/*
 * machine.c - probe the running kernel for the settings that change what
 * happens to VMAs (engine/machine.h names them).  Everything here works
 * without root and changes nothing outside vmatool's own address space: one
 * private page is mapped, read, named and unmapped.  The result is kept for
 * the rest of the run: a command that needs the machine twice probes once.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "cli/machine.h"
#include "engine/machine.h"

#ifndef SYS_mseal
#define SYS_mseal 462
#endif
#ifndef PR_SET_VMA
#define PR_SET_VMA 0x53564d41
#define PR_SET_VMA_ANON_NAME 0
#endif
#define PERSONALITY_ADDR_COMPAT_LAYOUT 0x0200000UL
#define PAGEMAP_PRESENT (1ULL << 63)
#define PAGEMAP_EXCLUSIVE (1ULL << 56)

static uint32_t unknown;	/* settings that kept their default */

static void mark_unknown(const char *name)
{
	int i = vma_setting_find(name, strlen(name));

	if (i >= 0)
		unknown |= 1u << i;
}

/* Set a setting from a word; a read or parse failure leaves the default. */
static void set_word(struct vma_params *p, const char *name, const char *word, size_t len)
{
	int i = vma_setting_find(name, strlen(name));

	if (i < 0 || word == NULL || vma_setting_parse(p, (size_t)i, word, len) < 0)
		mark_unknown(name);
}

/* The first line of a small file, without its newline; NULL if unreadable. */
static char *first_line(const char *path, char *buf, size_t cap)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return NULL;
	n = read(fd, buf, cap - 1);
	close(fd);
	if (n <= 0)
		return NULL;
	buf[n] = 0;
	buf[strcspn(buf, "\n")] = 0;
	return buf;
}

static void set_from_file(struct vma_params *p, const char *name, const char *path)
{
	char buf[64], *s = first_line(path, buf, sizeof(buf));

	set_word(p, name, s, s ? strlen(s) : 0);
}

/* The word in brackets of a THP mode line, "always [madvise] never"; 0 if none. */
static size_t bracketed(const char *line, const char **word)
{
	const char *open_b = line ? strchr(line, '[') : NULL;
	const char *close_b = open_b ? strchr(open_b, ']') : NULL;

	if (close_b == NULL)
		return 0;
	*word = open_b + 1;
	return (size_t)(close_b - open_b - 1);
}

void machine_set_thp(struct vma_params *p, const char *enabled, const char *pmd_enabled)
{
	const char *w = NULL;
	size_t n = bracketed(pmd_enabled, &w);

	/* thp_vma_allowable_orders: the PMD size's own mode, unless it inherits */
	if (n == 0 || (n == 7 && memcmp(w, "inherit", 7) == 0))
		n = bracketed(enabled, &w);
	set_word(p, "thp", n ? w : NULL, n);
}

static void set_bracketed(struct vma_params *p, const char *name, const char *path)
{
	char buf[256], *s = first_line(path, buf, sizeof(buf));
	const char *w = NULL;
	size_t n = bracketed(s, &w);

	set_word(p, name, n ? w : NULL, n);
}

/* Does the text of /proc/meminfo have an AnonHugePages line?  -1: unreadable. */
static int meminfo_has_thp(const char *path)
{
	char line[128];
	FILE *f = fopen(path, "re");
	int has = 0;

	if (f == NULL)
		return -1;
	while (!has && fgets(line, sizeof(line), f))
		has = strncmp(line, "AnonHugePages:", 14) == 0;
	fclose(f);
	return has;
}

bool machine_probe_thp(struct vma_params *p, const char *sys_mm, const char *meminfo)
{
	char dir[256], path[320], global[256], pmd[256], size[32], *g, *s, *e = NULL;
	unsigned long long bytes = 0;
	int has;

	snprintf(dir, sizeof(dir), "%s/transparent_hugepage", sys_mm);
	if (access(dir, F_OK) != 0) {
		/*
		 * /sys/kernel/mm is there whenever sysfs is mounted; without it
		 * (a sandbox with no /sys) only /proc/meminfo tells: its
		 * AnonHugePages line is printed under CONFIG_TRANSPARENT_HUGEPAGE.
		 */
		has = access(sys_mm, F_OK) == 0 ? 0 : meminfo_has_thp(meminfo);
		if (has != 0)
			return false;	/* built in, or no telling: the mode is unknown */
		p->thp = VMA_THP_ABSENT;
		p->shmem_thp = VMA_SHMEM_THP_NEVER;
		return true;
	}
	snprintf(path, sizeof(path), "%s/enabled", dir);
	g = first_line(path, global, sizeof(global));
	snprintf(path, sizeof(path), "%s/hpage_pmd_size", dir);
	s = first_line(path, size, sizeof(size));
	if (s)
		bytes = strtoull(s, &e, 10);
	s = NULL;
	if (bytes >= 1024 && e && *e == 0) {	/* per-size modes (mTHP, 6.8 and later) */
		snprintf(path, sizeof(path), "%s/hugepages-%llukB/enabled", dir, bytes / 1024);
		s = first_line(path, pmd, sizeof(pmd));
	}
	machine_set_thp(p, g, s);
	snprintf(path, sizeof(path), "%s/shmem_enabled", dir);
	set_bracketed(p, "shmem_thp", path);
	return true;
}

static void probe_thp(struct vma_params *p)
{
	if (!machine_probe_thp(p, "/sys/kernel/mm", "/proc/meminfo")) {
		mark_unknown("thp");
		mark_unknown("shmem_thp");
	}
}

/*
 * The next word of a kernel command line as parse_args (kernel/params.c
 * next_arg) splits it: at blanks outside double quotes.  *word, *len: the
 * word, quotes included; returns where the rest starts, NULL at the end.
 */
static const char *next_word(const char *s, const char **word, size_t *len)
{
	bool quoted = false;
	size_t i;

	while (*s == ' ' || *s == '\t' || *s == '\n')
		s++;
	if (*s == 0)
		return NULL;
	for (i = 0; s[i] && (quoted || (s[i] != ' ' && s[i] != '\t' && s[i] != '\n')); i++)
		if (s[i] == '"')
			quoted = !quoted;
	*word = s;
	*len = i;
	return s + i;
}

/* parameqn: the first n bytes of a and b equal, '-' and '_' alike. */
static bool param_eq(const char *a, const char *b, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		char x = a[i] == '-' ? '_' : a[i], y = b[i] == '-' ? '_' : b[i];

		if (x != y)
			return false;
	}
	return true;
}

bool machine_cmdline_guard_gap(const char *cmdline, unsigned long long *pages)
{
	static const char key[] = "stack_guard_gap=";
	const size_t klen = sizeof(key) - 1;
	const char *w, *s = cmdline;
	bool found = false;
	size_t len;

	while ((s = next_word(s, &w, &len)) != NULL) {
		char val[32], *end;
		size_t vlen;
		const char *v;
		unsigned long long n;

		if (len && w[0] == '"') {	/* a quoted word loses its quotes */
			w++;
			len -= len > 1 && w[len - 2] == '"' ? 2 : 1;
		}
		if (len == 2 && w[0] == '-' && w[1] == '-')
			break;		/* the rest is init's */
		if (len < klen || !param_eq(w, key, klen))
			continue;
		v = w + klen;
		vlen = len - klen;
		if (vlen && v[0] == '"') {	/* next_arg drops the quotes */
			v++;
			vlen -= vlen > 1 && v[vlen - 2] == '"' ? 2 : 1;
		}
		if (vlen >= sizeof(val) || (vlen && (v[0] < '0' || v[0] > '9')))
			continue;
		memcpy(val, v, vlen);
		val[vlen] = 0;
		errno = 0;
		n = vlen ? strtoull(val, &end, 10) : 0;
		if (vlen && (errno || *end))	/* simple_strtoul, then !*endptr */
			continue;
		*pages = n;	/* each one sets it: the last valid one counts */
		found = true;
	}
	return found;
}

/* stack_guard_gap=N on the kernel command line, in pages (mm/mmap.c). */
static void probe_guard_gap(struct vma_params *p)
{
	char buf[4096], *s = first_line("/proc/cmdline", buf, sizeof(buf));
	unsigned long long pages;
	char val[32];

	p->stack_guard_gap = 256 * p->page_size;
	if (s == NULL) {
		mark_unknown("stack_guard_gap");
		return;
	}
	if (!machine_cmdline_guard_gap(s, &pages))
		return;
	if (pages > (~0ULL) / p->page_size) {
		mark_unknown("stack_guard_gap");
		return;
	}
	snprintf(val, sizeof(val), "%llu", pages * p->page_size);
	set_word(p, "stack_guard_gap", val, strlen(val));
}

bool machine_sysctl_flag(const char *text, bool *on)
{
	char *end;
	long v;

	if (text == NULL)
		return false;
	errno = 0;
	v = strtol(text, &end, 10);
	if (errno || end == text || *end)
		return false;
	*on = v != 0;
	return true;
}

/* vm.legacy_va_layout: an int; any value but 0 gives the legacy layout. */
static void probe_legacy(struct vma_params *p)
{
	char buf[64], *s = first_line("/proc/sys/vm/legacy_va_layout", buf, sizeof(buf));
	bool on;

	if (machine_sysctl_flag(s, &on))
		p->legacy_layout = on;
	else
		mark_unknown("legacy_va_layout");
}

/*
 * Read-fault a private anonymous page: with the zero page it is mapped but
 * never exclusive (pagemap bit 56); without, the page is the process's own.
 */
static void probe_zero_page(struct vma_params *p, volatile unsigned char *page)
{
	uint64_t entry = 0;
	int fd;

	(void)page[0];
	fd = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC);
	if (fd < 0 || pread(fd, &entry, sizeof(entry),
			    (off_t)((uintptr_t)page / p->page_size * sizeof(entry))) != sizeof(entry) ||
	    !(entry & PAGEMAP_PRESENT)) {
		mark_unknown("zero_page");
	} else {
		p->zero_page = !(entry & PAGEMAP_EXCLUSIVE);
	}
	if (fd >= 0)
		close(fd);
}

/* Does the VmFlags line of the VMA at addr in /proc/self/smaps have "sd"? */
static void probe_soft_dirty(struct vma_params *p, uintptr_t addr)
{
	char head[32], line[512];
	FILE *f = fopen("/proc/self/smaps", "re");
	bool in = false, found = false;

	if (f == NULL) {
		mark_unknown("soft_dirty");
		return;
	}
	snprintf(head, sizeof(head), "%lx-", (unsigned long)addr);
	while (fgets(line, sizeof(line), f)) {
		if (strncmp(line, head, strlen(head)) == 0)
			in = true;
		else if (in && strncmp(line, "VmFlags:", 8) == 0) {
			p->soft_dirty = strstr(line, " sd") != NULL;
			found = true;
			break;
		}
	}
	fclose(f);
	if (!found)
		mark_unknown("soft_dirty");
}

void machine_set_lsm_min_addr(struct vma_params *p, uint64_t hinted)
{
	uint64_t dac = (p->mmap_min_addr + p->page_size - 1) & ~(p->page_size - 1);

	if (hinted <= p->page_size || hinted <= dac)
		p->lsm_mmap_min_addr = 0;	/* the sysctl's value is the kernel's */
	else
		p->lsm_mmap_min_addr = hinted;
}

/*
 * The kernel's mmap_min_addr is the larger of the sysctl and
 * CONFIG_LSM_MMAP_MIN_ADDR, which only the build configuration shows; but
 * round_hint_to_min raises a hint of one page to it, and that place is free
 * in vmatool's own address space.  A hint not taken (placed elsewhere) says
 * nothing.
 */
static void probe_min_addr(struct vma_params *p)
{
	size_t len = p->page_size;
	void *hint = (void *)(uintptr_t)p->page_size;
	void *got = mmap(hint, len, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (got == MAP_FAILED) {
		mark_unknown("lsm_mmap_min_addr");
		return;
	}
	if ((uintptr_t)got < (1ULL << 32) && ((uintptr_t)got & (p->page_size - 1)) == 0)
		machine_set_lsm_min_addr(p, (uintptr_t)got);
	else
		mark_unknown("lsm_mmap_min_addr");
	munmap(got, len);
}

/* The probes that need a page of vmatool's own. */
static void probe_with_page(struct vma_params *p)
{
	size_t len = p->page_size;
	void *page = mmap(NULL, len, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (page == MAP_FAILED) {
		mark_unknown("zero_page");
		mark_unknown("anon_vma_name");
		mark_unknown("soft_dirty");
		return;
	}
	probe_zero_page(p, page);
	probe_soft_dirty(p, (uintptr_t)page);
	errno = 0;
	p->anon_name_supported =
		prctl(PR_SET_VMA, PR_SET_VMA_ANON_NAME, (unsigned long)page, len,
		      (unsigned long)"vmatool-probe") == 0;
	munmap(page, len);
}

static void probe_syscalls(struct vma_params *p)
{
	long k;

	p->mseal_supported = !(syscall(SYS_mseal, 0UL, 0UL, 0UL) < 0 && errno == ENOSYS);
	k = syscall(SYS_pkey_alloc, 0UL, 0UL);
	p->pku = k >= 0 || errno == ENOSPC;
	if (k >= 0)
		syscall(SYS_pkey_free, k);
}

static void probe_all(struct vma_params *p)
{
	long ps = sysconf(_SC_PAGESIZE);

	vma_params_default(p);
	if (ps > 0)
		p->page_size = (uint64_t)ps;
	set_from_file(p, "mmap_min_addr", "/proc/sys/vm/mmap_min_addr");
	probe_min_addr(p);
	set_from_file(p, "max_map_count", "/proc/sys/vm/max_map_count");
	set_from_file(p, "overcommit_memory", "/proc/sys/vm/overcommit_memory");
	probe_legacy(p);
	probe_thp(p);
	probe_guard_gap(p);
	probe_with_page(p);
	probe_syscalls(p);
}

uint32_t machine_probe(struct vma_params *p)
{
	static struct vma_params probed;
	static bool done;

	if (!done) {
		probe_all(&probed);
		done = true;
	}
	vma_machine_copy(p, &probed);
	return unknown;
}

#define CAP_SYS_RAWIO_BIT 17

bool machine_cap_sys_rawio(const char *status, const char *uid_map)
{
	const char *c = status ? strstr(status, "\nCapEff:") : NULL;
	unsigned long long caps;
	unsigned long a, b, n;
	char *end;
	int used = 0;

	if (c == NULL || uid_map == NULL)
		return false;
	caps = strtoull(c + 8, &end, 16);
	if (end == c + 8 || !(caps & (1ULL << CAP_SYS_RAWIO_BIT)))
		return false;
	/* cap_capable(.., &init_user_ns, ..): the initial namespace maps every id to itself */
	if (sscanf(uid_map, " %lu %lu %lu %n", &a, &b, &n, &used) != 3)
		return false;
	return a == 0 && b == 0 && n == 4294967295UL && uid_map[used] == 0;
}

/* The text of a small /proc file (up to cap - 1 bytes); NULL if unreadable. */
static char *small_file(const char *path, char *buf, size_t cap)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	size_t len = 0;
	ssize_t n;

	if (fd < 0)
		return NULL;
	while (len < cap - 1 && (n = read(fd, buf + len, cap - 1 - len)) > 0)
		len += (size_t)n;
	close(fd);
	buf[len] = 0;
	return len ? buf : NULL;
}

/* Does a status text say "THP_enabled:\t0" (prctl PR_SET_THP_DISABLE)? */
static bool thp_disabled(const char *status)
{
	const char *t = status ? strstr(status, "\nTHP_enabled:") : NULL;

	return t != NULL && strtol(t + 13, NULL, 10) == 0;
}

void machine_probe_process(struct vma_params *p, pid_t pid)
{
	char path[64], buf[64], status[4096], map[256], *s, *st, *um;

	snprintf(path, sizeof(path), "/proc/%d/personality", (int)pid);
	s = first_line(path, buf, sizeof(buf));
	if (s && (strtoul(s, NULL, 16) & PERSONALITY_ADDR_COMPAT_LAYOUT))
		p->legacy_layout = true;
	/*
	 * MMF_DISABLE_THP_COMPLETELY (inherited by fork, kept by exec):
	 * vma_thp_disabled refuses every huge fault of the process; the 2 MiB
	 * placement of large mappings is the kernel's and stays.
	 */
	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	st = small_file(path, status, sizeof(status));
	if (p->thp != VMA_THP_ABSENT && thp_disabled(st))
		p->thp = VMA_THP_NEVER;
	snprintf(path, sizeof(path), "/proc/%d/uid_map", (int)pid);
	um = small_file(path, map, sizeof(map));
	if (st != NULL)
		p->cap_sys_rawio = machine_cap_sys_rawio(st, um);
}
