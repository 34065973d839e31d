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
#include <unistd.h>

#include "cli/machine.h"
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

int main(void)
{
	test_round_trip();
	test_values();
	test_differences();
	test_model_setting();
	test_probe();
	return tap_done();
}
