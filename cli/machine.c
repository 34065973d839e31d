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

/* A THP mode file: the word in brackets, "always [madvise] never". */
static void set_bracketed(struct vma_params *p, const char *name, const char *path)
{
	char buf[256], *s = first_line(path, buf, sizeof(buf)), *open_b, *close_b;

	open_b = s ? strchr(s, '[') : NULL;
	close_b = open_b ? strchr(open_b, ']') : NULL;
	if (close_b == NULL) {
		mark_unknown(name);
		return;
	}
	set_word(p, name, open_b + 1, (size_t)(close_b - open_b - 1));
}

static void probe_thp(struct vma_params *p)
{
	if (access("/sys/kernel/mm/transparent_hugepage", F_OK) != 0) {
		p->thp = VMA_THP_ABSENT;	/* CONFIG_TRANSPARENT_HUGEPAGE=n */
		p->shmem_thp = VMA_SHMEM_THP_NEVER;
		return;
	}
	set_bracketed(p, "thp", "/sys/kernel/mm/transparent_hugepage/enabled");
	set_bracketed(p, "shmem_thp", "/sys/kernel/mm/transparent_hugepage/shmem_enabled");
}

/* stack_guard_gap=N on the kernel command line, in pages. */
static void probe_guard_gap(struct vma_params *p)
{
	char buf[4096], *s = first_line("/proc/cmdline", buf, sizeof(buf)), *g;
	unsigned long long pages;

	p->stack_guard_gap = 256 * p->page_size;
	if (s == NULL) {
		mark_unknown("stack_guard_gap");
		return;
	}
	for (g = strstr(s, "stack_guard_gap="); g; g = strstr(g + 1, "stack_guard_gap="))
		if (g == s || g[-1] == ' ')
			break;
	if (g == NULL)
		return;
	pages = strtoull(g + 16, NULL, 10);	/* the kernel reads it in decimal */
	p->stack_guard_gap = pages * p->page_size;
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
	set_from_file(p, "max_map_count", "/proc/sys/vm/max_map_count");
	set_from_file(p, "overcommit_memory", "/proc/sys/vm/overcommit_memory");
	set_from_file(p, "legacy_va_layout", "/proc/sys/vm/legacy_va_layout");
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

void machine_probe_process(struct vma_params *p, pid_t pid)
{
	char path[64], buf[64], *s;

	snprintf(path, sizeof(path), "/proc/%d/personality", (int)pid);
	s = first_line(path, buf, sizeof(buf));
	if (s && (strtoul(s, NULL, 16) & PERSONALITY_ADDR_COMPAT_LAYOUT))
		p->legacy_layout = true;
}
