/*
 * test-machine.c - the machine description: the engine's table of settings
 * (engine/machine.h: names, values as text both ways, the checks each value
 * must pass, differences from upstream) and the probe of the running kernel
 * (cli/machine.c), checked against a second look at the same fact: the zero
 * page against /proc/self/smaps, the sysctls against their files.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/machine.h"
#include "abi.h"
#include "machine.h"
#include "tap.h"

static int setting(const char *name)
{
	return vma_setting_find(name, strlen(name));
}

/* ---- the table --------------------------------------------------------------- */

static void test_round_trip(void)
{
	struct vma_params p, q;
	char a[32], b[32];

	vma_params_default(&p);
	vma_params_default(&q);
	ok(vma_setting_count() >= 13, "at least 13 settings (%zu)", vma_setting_count());
	for (size_t i = 0; i < vma_setting_count(); i++) {
		const struct vma_setting *st = vma_setting_at(i);

		ok(setting(st->name) == (int)i, "%s is found by its name", st->name);
		ok(st->doc && *st->doc && st->source && *st->source, "%s says what it does and "
		   "where it comes from", st->name);
		vma_setting_format(&p, i, a, sizeof(a));
		ok(vma_setting_parse(&q, i, a, strlen(a)) == 0, "%s takes its own text '%s'",
		   st->name, a);
		vma_setting_format(&q, i, b, sizeof(b));
		ok(!strcmp(a, b), "%s reads back as it was written", st->name);
		ok(vma_setting_is_default(&p, i), "%s: the defaults are upstream's", st->name);
	}
	ok(vma_setting_find("zero_pag", 8) == -ENOENT, "a prefix is not a name");
	ok(vma_setting_at(vma_setting_count()) == NULL, "no setting past the end");
}

struct value_case {
	const char *arg;
	int want;		/* vma_setting_assign's return */
};

static void test_values(void)
{
	static const struct value_case cases[] = {
		{ "zero_page=false", 0 }, { "zero_page=0", 0 }, { "zero_page=true", 0 },
		{ "zero_page=yes", -EINVAL }, { "zero_page=", -EINVAL },
		{ "page_size=16384", 0 }, { "page_size=0", -EINVAL }, { "page_size=3", -EINVAL },
		{ "page_size=2048", -EINVAL }, { "page_size=0x1000", 0 },
		{ "overcommit_memory=2", 0 }, { "overcommit_memory=3", -EINVAL },
		{ "overcommit_memory=-1", -EINVAL }, { "max_map_count=99999999999", -EINVAL },
		{ "max_map_count=1", 0 }, { "mmap_min_addr=18446744073709551616", -EINVAL },
		{ "thp=never", 0 }, { "thp=absent", 0 }, { "thp=sometimes", -EINVAL },
		{ "thp=", -EINVAL }, { "shmem_thp=within_size", 0 }, { "shmem_thp=madvise", -EINVAL },
		{ "stack_guard_gap=65536", 0 }, { "stack_guard_gap=65537", -EINVAL },
		{ "legacy_va_layout=true", 0 }, { "nosuch=1", -ENOENT }, { "zero_page", -EINVAL },
		{ "=1", -ENOENT }, { "page_size=4096 ", -EINVAL }, { "max_map_count= 5", -EINVAL },
	};
	struct vma_params p;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		vma_params_default(&p);
		ok(vma_setting_assign(&p, cases[i].arg) == cases[i].want, "'%s' gives %d",
		   cases[i].arg, cases[i].want);
	}
	vma_params_default(&p);
	vma_setting_assign(&p, "thp=madvise");
	ok(p.thp == VMA_THP_MADVISE, "thp=madvise sets the mode");
	vma_setting_assign(&p, "overcommit_memory=2");
	ok(p.overcommit == 2, "overcommit_memory sets the overcommit field");
	vma_setting_assign(&p, "zero_page=false");
	ok(!p.zero_page, "zero_page=false clears the field");
	vma_setting_assign(&p, "page_size=oops");
	ok(p.page_size == 4096, "a bad value leaves the setting as it was");
}

static void test_differences(void)
{
	struct vma_params p;
	char buf[256];

	vma_params_default(&p);
	ok(vma_machine_differences(&p, buf, sizeof(buf)) == 0 && buf[0] == 0,
	   "upstream differs from nothing");
	vma_setting_assign(&p, "zero_page=false");
	vma_setting_assign(&p, "thp=madvise");
	ok(vma_machine_differences(&p, buf, sizeof(buf)) == 2, "two differences counted");
	ok(!strcmp(buf, "zero_page=false thp=madvise"), "and named in table order: '%s'", buf);
}

static void test_model_setting(void)
{
	struct vma_model m;
	struct vma *v;

	vma_model_init(&m, NULL);
	v = vma_alloc(&m);
	vma_set_bounds(&m, v, 0x100000, 0x101000);
	v->flags = VMF(READ) | VMF(GROWSDOWN);
	vma_insert(&m, v);
	ok(vma_model_set_setting(&m, (size_t)setting("stack_guard_gap"), "8192", 4) == 0,
	   "the guard gap changes on a model with VMAs");
	ok(m.p.stack_guard_gap == 8192, "to the new value");
	ok(vma_validate(&m, NULL, 0) == 0, "and every cached gap follows it");
	ok(vma_model_set_setting(&m, (size_t)setting("page_size"), "16384", 5) == -EINVAL,
	   "the page size of a model with VMAs does not change");
	vma_model_release(&m);
}

/* ---- the probe ------------------------------------------------------------------ */

static long file_number(const char *path)
{
	char buf[64] = "";
	FILE *f = fopen(path, "r");

	if (!f)
		return -1;
	if (!fgets(buf, sizeof(buf), f))
		buf[0] = 0;
	fclose(f);
	return buf[0] ? strtol(buf, NULL, 10) : -1;
}

/* The smaps Anonymous of the VMA at addr, in kB; -1 if not found. */
static long anonymous_kb(void *addr)
{
	char head[32], line[256];
	FILE *f = fopen("/proc/self/smaps", "r");
	long kb = -1;
	int in = 0;

	if (!f)
		return -1;
	snprintf(head, sizeof(head), "%lx-", (unsigned long)addr);
	while (fgets(line, sizeof(line), f)) {
		if (!strncmp(line, head, strlen(head)))
			in = 1;
		else if (in && sscanf(line, "Anonymous: %ld kB", &kb) == 1)
			break;
	}
	fclose(f);
	return kb;
}

static void test_probe(void)
{
	struct vma_params p, again;
	uint32_t unknown;
	volatile char *page;
	long kb, v;

	vma_params_default(&p);
	unknown = machine_probe(&p);
	vma_params_default(&again);
	ok(machine_probe(&again) == unknown && !memcmp(&p, &again, sizeof(p)),
	   "a second probe gives the first one's answers");
	page = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	(void)page[0];
	kb = anonymous_kb((void *)page);
	if (unknown & (1u << setting("zero_page")))	/* no /proc/self/pagemap here */
		skip("the zero page could not be probed (no readable /proc/self/pagemap)");
	else
		ok(kb == (p.zero_page ? 0 : 4), "a read fault of a private page takes %ld kB of its "
		   "own: zero_page is %s", kb, p.zero_page ? "true" : "false");
	munmap((void *)page, 4096);
	ok(p.page_size == (uint64_t)sysconf(_SC_PAGESIZE), "page_size is the system's");
	if ((v = file_number("/proc/sys/vm/max_map_count")) >= 0)
		ok(p.max_map_count == (uint64_t)v, "max_map_count is the sysctl's");
	if ((v = file_number("/proc/sys/vm/overcommit_memory")) >= 0)
		ok(p.overcommit == v, "overcommit_memory is the sysctl's");
	if ((v = file_number("/proc/sys/vm/mmap_min_addr")) >= 0)
		ok(p.mmap_min_addr == (uint64_t)v, "mmap_min_addr is the sysctl's");
	ok(p.stack_guard_gap % p.page_size == 0 && p.stack_guard_gap > 0,
	   "the stack guard gap is whole pages");
}

/* ---- the probe's parsers ------------------------------------------------------- */

static void test_thp_parse(void)
{
	static const struct {
		const char *global, *pmd, *want;
	} cases[] = {
		{ "always [madvise] never", "always [inherit] madvise never", "madvise" },
		{ "always [madvise] never", NULL, "madvise" },	/* before 6.8: no per-size file */
		{ "always madvise [never]", "[always] inherit madvise never", "always" },
		{ "[always] madvise never", "always inherit madvise [never]", "never" },
		{ "always [madvise] never", "always inherit [madvise] never", "madvise" },
		{ "always [madvise] never", "garbled", "madvise" },
	};
	struct vma_params p;
	char got[16];
	int thp = setting("thp");

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		vma_params_default(&p);
		p.thp = VMA_THP_ABSENT;
		machine_set_thp(&p, cases[i].global, cases[i].pmd);
		vma_setting_format(&p, (size_t)thp, got, sizeof(got));
		ok(!strcmp(got, cases[i].want), "thp of '%s' and '%s' is %s (%s)", cases[i].global,
		   cases[i].pmd ? cases[i].pmd : "(none)", cases[i].want, got);
	}
}

static void put_file(const char *dir, const char *name, const char *text)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	if (f) {
		fputs(text, f);
		fclose(f);
	}
}

/* machine_probe_thp on made-up /sys/kernel/mm trees and /proc/meminfo texts. */
static void test_thp_tree(void)
{
	char root[] = "/tmp/vmatool-thp-XXXXXX", mm[600], thp[640], sz[700], gone[600];
	struct vma_params p;

	if (!mkdtemp(root)) {
		skip("no temporary directory");
		return;
	}
	snprintf(mm, sizeof(mm), "%s/mm", root);
	snprintf(thp, sizeof(thp), "%s/transparent_hugepage", mm);
	snprintf(sz, sizeof(sz), "%s/hugepages-2048kB", thp);
	snprintf(gone, sizeof(gone), "%s/no-sysfs", root);
	mkdir(mm, 0700);
	put_file(root, "meminfo-thp", "MemTotal: 1 kB\nAnonHugePages:  0 kB\n");
	put_file(root, "meminfo-none", "MemTotal: 1 kB\n");

	vma_params_default(&p);
	ok(machine_probe_thp(&p, mm, "/nonexistent") && p.thp == VMA_THP_ABSENT &&
	   p.shmem_thp == VMA_SHMEM_THP_NEVER, "sysfs without transparent_hugepage: absent");
	vma_params_default(&p);
	snprintf(sz, sizeof(sz), "%s/meminfo-thp", root);
	ok(!machine_probe_thp(&p, gone, sz) && p.thp == VMA_THP_ALWAYS,
	   "no sysfs, meminfo with AnonHugePages: built in, mode unknown (left alone)");
	snprintf(sz, sizeof(sz), "%s/meminfo-none", root);
	ok(machine_probe_thp(&p, gone, sz) && p.thp == VMA_THP_ABSENT,
	   "no sysfs, meminfo without AnonHugePages: absent");
	vma_params_default(&p);
	ok(!machine_probe_thp(&p, gone, "/nonexistent") && p.thp == VMA_THP_ALWAYS,
	   "no sysfs and no meminfo: unknown");

	snprintf(sz, sizeof(sz), "%s/hugepages-2048kB", thp);
	mkdir(thp, 0700);
	mkdir(sz, 0700);
	put_file(thp, "enabled", "always madvise [never]\n");
	put_file(thp, "shmem_enabled", "always within_size [advise] never deny force\n");
	put_file(thp, "hpage_pmd_size", "2097152\n");
	put_file(sz, "enabled", "always inherit [madvise] never\n");
	vma_params_default(&p);
	ok(machine_probe_thp(&p, mm, "/nonexistent") && p.thp == VMA_THP_MADVISE &&
	   p.shmem_thp == VMA_SHMEM_THP_ADVISE, "the 2 MiB size's own mode over the global one");
	put_file(sz, "enabled", "always [inherit] madvise never\n");
	ok(machine_probe_thp(&p, mm, "/nonexistent") && p.thp == VMA_THP_NEVER,
	   "inherit: the global mode");
	put_file(thp, "hpage_pmd_size", "4096x\n");
	put_file(thp, "enabled", "[always] madvise never\n");
	ok(machine_probe_thp(&p, mm, "/nonexistent") && p.thp == VMA_THP_ALWAYS,
	   "a PMD size that is no number: the global mode");
	{
		char cmd[700];

		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
		if (system(cmd) != 0)
			diag("could not remove %s", root);
	}
}

static void test_guard_gap_parse(void)
{
	static const struct {
		const char *cmdline;
		int found;
		unsigned long long pages;
	} cases[] = {
		{ "console=ttyS0 stack_guard_gap=64 quiet", 1, 64 },
		{ "stack_guard_gap=64", 1, 64 },
		{ "quiet", 0, 0 },
		{ "xstack_guard_gap=64", 0, 0 },
		{ "stack_guard_gap=1 stack_guard_gap=2", 1, 2 },	/* each sets it: the last */
		{ "stack_guard_gap=7 stack_guard_gap=9x", 1, 7 },	/* *endptr: ignored */
		{ "stack_guard_gap=0x10", 0, 0 },	/* decimal only: stops at x */
		{ "stack-guard-gap=32", 1, 32 },	/* parameqn: - and _ alike */
		{ "stack_guard_gap=\"12\"", 1, 12 },	/* next_arg drops quotes */
		{ "\"stack_guard_gap=13\"", 1, 13 },
		{ "a=\"x y stack_guard_gap=5\" b", 0, 0 },	/* inside another's quotes */
		{ "stack_guard_gap=", 1, 0 },	/* simple_strtoul("") is 0, *endptr 0 */
		{ "stack_guard_gap=8 -- stack_guard_gap=99", 1, 8 },	/* after --: init's */
		{ "rdinit=/x -- stack_guard_gap=99", 0, 0 },
		{ "stack_guard_gap= 5", 1, 0 },
		{ "stack_guard_gap=-5", 0, 0 },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		unsigned long long pages = 12345;
		int found = machine_cmdline_guard_gap(cases[i].cmdline, &pages);

		ok(found == cases[i].found && (!found || pages == cases[i].pages),
		   "'%s': %s %llu (got %d, %llu)", cases[i].cmdline,
		   cases[i].found ? "found" : "not found", cases[i].pages, found, pages);
	}
}

static void test_sysctl_flag(void)
{
	bool on = false;

	ok(machine_sysctl_flag("0", &on) && !on, "legacy_va_layout 0: top-down");
	ok(machine_sysctl_flag("1", &on) && on, "1: legacy");
	on = false;
	ok(machine_sysctl_flag("2", &on) && on, "2: legacy too (mmap_is_legacy takes any but 0)");
	ok(!machine_sysctl_flag("", &on) && !machine_sysctl_flag("x", &on) &&
	   !machine_sysctl_flag(NULL, &on), "no number: unknown");
}

static void test_cap_parse(void)
{
	static const char root[] = "Name:\tx\nCapInh:\t0000000000000000\n"
				   "CapEff:\t000001ffffffffff\nCapBnd:\t000001ffffffffff\n";
	static const char norawio[] = "Name:\tx\nCapEff:\t000001fffffdffff\n";
	static const char none[] = "Name:\tx\nCapEff:\t0000000000000000\n";
	static const char init_ns[] = "         0          0 4294967295\n";
	static const char child_ns[] = "         0       1000          1\n";

	ok(machine_cap_sys_rawio(root, init_ns), "root of the initial namespace: may map low");
	ok(!machine_cap_sys_rawio(norawio, init_ns), "every capability but CAP_SYS_RAWIO: may not");
	ok(!machine_cap_sys_rawio(none, init_ns), "no capabilities: may not");
	ok(!machine_cap_sys_rawio(root, child_ns), "root of a user namespace: may not "
	   "(cap_mmap_addr asks the initial one)");
	ok(!machine_cap_sys_rawio(root, "0 0 4294967295\n0 0 1\n"), "a uid_map of two lines: not the initial one");
	ok(!machine_cap_sys_rawio(root, NULL) && !machine_cap_sys_rawio(NULL, init_ns),
	   "unreadable: may not");
}

static void test_lsm_min_addr(void)
{
	struct vma_params p;
	struct vma_model m;
	uint64_t predicted = 0;
	void *got;

	vma_params_default(&p);
	machine_set_lsm_min_addr(&p, 4096);
	ok(p.lsm_mmap_min_addr == 0, "a hint of a page taken as it is: no larger minimum");
	machine_set_lsm_min_addr(&p, 65536);
	ok(p.lsm_mmap_min_addr == 65536, "a hint raised to 64 KiB: CONFIG_LSM_MMAP_MIN_ADDR is");
	p.mmap_min_addr = 65536;
	machine_set_lsm_min_addr(&p, 65536);
	ok(p.lsm_mmap_min_addr == 0, "raised only as far as the sysctl says: 0");

	/* the probed machine predicts where this kernel puts a hint of one page */
	vma_params_default(&p);
	machine_probe(&p);
	got = mmap((void *)(uintptr_t)p.page_size, p.page_size, PROT_NONE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (got == MAP_FAILED || (uintptr_t)got >= (1ULL << 32)) {
		skip("the low hint was not taken here");
	} else {
		vma_model_init(&m, &p);
		vma_mmap(&m, p.page_size, p.page_size, 0,
			 VMA_MAP_PRIVATE | VMA_MAP_ANONYMOUS, NULL, 0, &predicted, NULL);
		ok(predicted == (uint64_t)(uintptr_t)got, "a hint of one page: the kernel gave "
		   "%p, the probed model predicts 0x%llx", got, (unsigned long long)predicted);
		vma_model_release(&m);
	}
	if (got != MAP_FAILED)
		munmap(got, p.page_size);
}

/* A process that disabled THP by prctl: no huge faults, so thp is never for it. */
static void test_process_thp(void)
{
	struct vma_params p;
	int r;

	vma_params_default(&p);
	r = prctl(PR_SET_THP_DISABLE, 1, 0, 0, 0);
	if (r != 0) {
		skip("PR_SET_THP_DISABLE is refused here");
		return;
	}
	p.thp = VMA_THP_ALWAYS;
	machine_probe_process(&p, getpid());
	ok(p.thp == VMA_THP_NEVER, "THP disabled by prctl: thp is never for the process");
	p.thp = VMA_THP_ABSENT;
	machine_probe_process(&p, getpid());
	ok(p.thp == VMA_THP_ABSENT, "absent stays absent (placement is the kernel's)");
	prctl(PR_SET_THP_DISABLE, 0, 0, 0, 0);
	p.thp = VMA_THP_ALWAYS;
	machine_probe_process(&p, getpid());
	ok(p.thp == VMA_THP_ALWAYS, "enabled again: left alone");
}

int main(void)
{
	test_thp_parse();
	test_thp_tree();
	test_guard_gap_parse();
	test_sysctl_flag();
	test_cap_parse();
	test_lsm_min_addr();
	test_process_thp();
	test_round_trip();
	test_values();
	test_differences();
	test_model_setting();
	test_probe();
	return tap_done();
}
