/*
 * test-oom.c - the engine when memory runs out.  Linked with
 * -Wl,--wrap=malloc,--wrap=calloc,--wrap=realloc, so every allocation the
 * engine makes goes through the counters below; each scenario is run once
 * with the n-th allocation failing, for every n until one run needs no
 * failure.  Each time the operation must return 0 or -ENOMEM, leave a model
 * that validates, and (when it succeeded) have done all of its work: a name
 * that could not be stored is an -ENOMEM, not a VMA without its name.
 * Leaks on the error paths show up under the sanitizers or valgrind.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "abi.h"
#include "maps.h"
#include "tap.h"
#include "vma.h"

void *__real_malloc(size_t n);
void *__real_calloc(size_t n, size_t size);
void *__real_realloc(void *p, size_t n);
void *__wrap_malloc(size_t n);
void *__wrap_calloc(size_t n, size_t size);
void *__wrap_realloc(void *p, size_t n);

static long countdown = -1;	/* allocations left before the one that fails; -1 none */
static bool failed;

static bool fail_now(void)
{
	if (countdown < 0)
		return false;
	if (countdown-- == 0) {
		failed = true;
		return true;
	}
	return false;
}

void *__wrap_malloc(size_t n)
{
	return fail_now() ? NULL : __real_malloc(n);
}

void *__wrap_calloc(size_t n, size_t size)
{
	return fail_now() ? NULL : __real_calloc(n, size);
}

void *__wrap_realloc(void *p, size_t n)
{
	return fail_now() ? NULL : __real_realloc(p, n);
}

#define PG	4096ULL
#define BASE	0x100000000ULL
#define RW	(VMA_PROT_READ | VMA_PROT_WRITE)
#define PA	(VMA_MAP_PRIVATE | VMA_MAP_ANONYMOUS | VMA_MAP_FIXED)

static const char snapshot[] =
	"100000000-100004000 rw-p 00000000 00:00 0 \n"
	"100004000-100008000 r--p 00000000 fe:00 1234                       /usr/lib/x\n"
	"100008000-10000c000 rw-p 00000000 00:00 0                          [anon:old]\n";

/* A model holding the snapshot, made without failures. */
static void model_from_snapshot(struct vma_model *m)
{
	struct vma_params p;
	struct maps_parser mp;

	vma_params_default(&p);
	p.anon_name_supported = true;
	vma_model_init(m, &p);
	maps_parser_init(&mp, m);
	if (maps_parse(&mp, snapshot, sizeof(snapshot) - 1, true) < 0 || maps_parser_finish(&mp) < 0) {
		diag("snapshot does not parse: %s", mp.errmsg);
		exit(1);
	}
}

static const char *name_at(struct vma_model *m, uint64_t addr)
{
	struct vma *v = vma_lookup(m, addr);

	return v ? vma_name(m, v->name) : "(unmapped)";
}

/* What one scenario does; returns the operation's result and says whether it did all. */
typedef int (*scenario_fn)(struct vma_model *m, bool *complete);

static int set_name(struct vma_model *m, bool *complete)
{
	int r = vma_set_anon_name(m, BASE + 0x8000, 4 * PG, "new", NULL);

	*complete = strcmp(name_at(m, BASE + 0x8000), "[anon:new]") == 0;
	return r;
}

static int shared_anon(struct vma_model *m, bool *complete)
{
	uint64_t at = 0;
	int r = vma_mmap(m, BASE + 0x20000, 4 * PG, RW,
			 VMA_MAP_SHARED | VMA_MAP_ANONYMOUS | VMA_MAP_FIXED, NULL, 0, &at, NULL);

	*complete = strcmp(name_at(m, BASE + 0x20000), "/dev/zero (deleted)") == 0;
	return r;
}

static int hugetlb(struct vma_model *m, bool *complete)
{
	uint64_t at = 0;
	int r = vma_mmap(m, BASE + 0x200000, 2 << 20, RW,
			 PA | VMA_MAP_HUGETLB | VMA_MAP_NORESERVE, NULL, 0, &at, NULL);

	*complete = strcmp(name_at(m, BASE + 0x200000), "/anon_hugepage (deleted)") == 0;
	return r;
}

static int split_and_guard(struct vma_model *m, bool *complete)
{
	int r = vma_mprotect(m, BASE + PG, PG, VMA_PROT_READ, -1, NULL);

	if (r == 0)
		r = vma_madvise(m, BASE + 2 * PG, PG, VMA_MADV_GUARD_INSTALL, NULL);
	*complete = r == 0 && m->nguards == 1;
	return r;
}

/*
 * Names to fill the model's name table so that the (k+1)-th new name of the
 * scenario is the one that must grow it (64 entries at first, name 0 included).
 */
static void fill_names(struct vma_model *m, unsigned k)
{
	char pad[32];
	uint32_t id = 0;

	for (unsigned i = 0; id < 63 - k; i++) {
		snprintf(pad, sizeof(pad), "pad %u", i);
		id = vma_intern(m, pad, strlen(pad));
	}
}

static void run(const char *what, scenario_fn fn, unsigned names)
{
	bool all_ok = true;
	long n, runs = 0;

	for (unsigned k = 0; k < names; k++) {
		for (n = 0; n < 10000; n++, runs++) {
			struct vma_model m;
			char err[256];
			bool complete = false;
			int r;

			model_from_snapshot(&m);
			fill_names(&m, k);
			failed = false;
			countdown = n;
			r = fn(&m, &complete);
			countdown = -1;
			if ((r != 0 && r != -ENOMEM) || (r == 0 && !complete) ||
			    vma_validate(&m, err, sizeof(err)) != 0) {
				diag("%s: name table %u short, allocation %ld fails: result %d, %s",
				     what, k, n, r, r == 0 && !complete ? "work left undone"
									: "invalid model");
				all_ok = false;
			}
			vma_model_release(&m);
			if (!failed)
				break;
		}
	}
	ok(all_ok, "%s: 0 or -ENOMEM and a valid model, in %ld runs with an allocation failing",
	   what, runs);
}

int main(void)
{
	run("anon name", set_name, 3);
	run("shared anonymous mmap", shared_anon, 1);
	run("MAP_HUGETLB mmap", hugetlb, 1);
	run("split and guard pages", split_and_guard, 1);
	return tap_done();
}
