/*
 * recorder.c - records what the live kernel does to a process's VMAs.
 *
 * The kernel-differential test (tests/test-kernel.c) needs ground truth: a
 * real process, a sequence of memory calls, their real results, and the
 * VMAs before, after and between the calls.  This program makes it.  Each
 * sequence runs in a freshly exec'd copy of this program (so nothing is a
 * fork child and sealed VMAs die with it), which does seeded random memory
 * calls on itself inside a private window (plus some placements left to the
 * kernel) and writes:
 *
 *   == seed 42 family empty                one header per sequence
 *   == window 0x7e0000000000 0x7e0000800000
 *   == file 3 /tmp/vmatool-rec.1234.a       the files the calls map, by fd
 *   == setup                               family "layout" only: the calls
 *   mmap(...) = 0x7e0000002000             that built the hidden layout
 *   ...
 *   == brk 0x555555869000 0x555555869000    start of the heap, current break
 *   == before                              /proc/self/smaps, whole, raw
 *   ...
 *   == calls
 *   openat(AT_FDCWD, "/tmp/...", O_RDWR) = 3</tmp/...>   (no state: no memory call)
 *   brk(NULL) = 0x555555869000             the first call: the break
 *   mmap(0x7e0000000000, 16384, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS|MAP_FIXED, -1, 0) = 0x7e0000000000
 *   == state                               after the call above: every VMA's
 *   7e0000000000-7e0000004000 rw-p ...     maps line and VmFlags line
 *   VmFlags: rd wr mr mw me ac
 *   touch(0x7e0000001000, 4096)            our own event: we wrote those pages
 *   touch(0x7e0000003000, 4096, PROT_READ) or read them
 *   == state
 *   ...
 *   == after                               /proc/self/smaps, whole, raw
 *   ...
 *   == end              (or, from the driver, "== crash seed 42 signal N")
 *
 * Calls are written as strace -y writes them (file descriptors as
 * "3</path>", results as "= 0x..." or "= -1 EINVAL (Invalid argument)").
 * Family "empty" starts from an empty window, so nothing the kernel keeps
 * hidden (anon_vma identity, anon page offsets, opens) is unknown to a model
 * built from "before"; family "layout" first builds a random layout with
 * touches, several opens and moves, then snapshots it.  Family "populate" is
 * "empty" with a mix heavy in MAP_POPULATE, MADV_POPULATE_READ/WRITE and
 * read touches, whose outcome depends on the zero page.
 *
 * Between "before" and "after" the process allocates nothing: output goes
 * through static buffers and raw write(2), /proc is read with read(2) into
 * a static buffer, the calls are raw syscalls, and the stack is grown in
 * advance, so that only the recorded calls change the address space.
 *
 * Usage: recorder [--family empty|layout|populate] [--calls MIN-MAX] [--file PATH]...
 *                 [--aslr] FIRST-SEED [COUNT]
 * Without --file it creates two temporary files and removes them at the end.
 * ASLR is off by default, so that a seed always records the same sequence.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/personality.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "abi.h"
#include "recorder.h"

#if defined(__SANITIZE_ADDRESS__)
#define RECORDER_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define RECORDER_ASAN 1
#endif
#endif
#ifndef RECORDER_ASAN
#define RECORDER_ASAN 0
#endif

/* ---- randomness ----------------------------------------------------------- */

static uint64_t rng_state;
static bool populate_mix;	/* family "populate": populating calls and reads */

static uint64_t rnd64(void)
{
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static unsigned rnd(unsigned n)
{
	return n ? (unsigned)(rnd64() % n) : 0;
}

static bool chance(unsigned percent)
{
	return rnd(100) < percent;
}

/* ---- choosing what to operate on -------------------------------------- */

/* Our part of rv[i] (a VMA that merged with a foreign one is only partly ours). */
static bool our_part(int i, uint64_t *s, uint64_t *e)
{
	int k;

	*s = rv[i].start;
	*e = rv[i].end;
	if (in_ours(*s, *e))
		return true;
	for (k = 0; k < nours; k++) {
		uint64_t a = ours[k].start > *s ? ours[k].start : *s;
		uint64_t b = ours[k].end < *e ? ours[k].end : *e;

		if (a < b) {
			*s = a;
			*e = b;
			return true;
		}
	}
	return false;
}

static int count_ours(void)
{
	uint64_t a, b;
	int i, n = 0;

	for (i = 0; i < nrv; i++)
		n += our_part(i, &a, &b);
	return n;
}

/* A random VMA that is (partly) ours; false if none. */
static bool pick_vma(uint64_t *s, uint64_t *e, int *idx, bool writable)
{
	int cand[MAX_VMAS], n = 0, i;

	for (i = 0; i < nrv; i++) {
		uint64_t a, b;

		if (our_part(i, &a, &b) && (!writable || rv[i].perms[1] == 'w'))
			cand[n++] = i;
	}
	if (!n)
		return false;
	i = cand[rnd(n)];
	our_part(i, s, e);
	if (idx)
		*idx = i;
	return true;
}

static uint64_t win_page(void)
{
	return WIN + rnd(WIN_PAGES) * PG;
}

/* A range to operate on: a whole VMA, part of one, across two, or random. */
static void pick_range(uint64_t *addr, uint64_t *len)
{
	uint64_t s, e, np;
	unsigned how = rnd(100);

	if (how < 75 && pick_vma(&s, &e, NULL, false)) {
		np = (e - s) / PG;
		if (how < 30) {
			*addr = s;
			*len = e - s;
		} else if (how < 55) {
			uint64_t k = rnd(np);

			*addr = s + k * PG;
			*len = (1 + rnd(np - k)) * PG;
		} else {
			*addr = s + rnd(np) * PG;
			*len = (1 + rnd(8)) * PG;
			if (!in_ours(*addr, *addr + *len))
				*len = e - *addr;
		}
		return;
	}
	*addr = win_page();
	*len = (1 + rnd(8)) * PG;
}

static int prot_pick(void)
{
	static const int p[] = {
		VMA_PROT_READ | VMA_PROT_WRITE, VMA_PROT_READ | VMA_PROT_WRITE,
		VMA_PROT_READ | VMA_PROT_WRITE, VMA_PROT_READ, VMA_PROT_READ,
		VMA_PROT_NONE, VMA_PROT_NONE, VMA_PROT_READ | VMA_PROT_EXEC,
		VMA_PROT_READ | VMA_PROT_WRITE | VMA_PROT_EXEC, VMA_PROT_WRITE,
	};

	return p[rnd(sizeof(p) / sizeof(p[0]))];
}

/* ---- the random sequence ------------------------------------------------------ */

static void gen_mmap(void)
{
	unsigned kind = rnd(100), place = rnd(100);
	const struct rfile *f = &files[rnd(NFILES)];
	uint64_t addr = win_page(), len = (1 + rnd(8)) * PG, off = 0;
	int flags = VMA_MAP_PRIVATE | VMA_MAP_ANONYMOUS, fd = -1, prot = prot_pick();

	if (kind >= 50 && kind < 62) {
		flags = VMA_MAP_SHARED | VMA_MAP_ANONYMOUS;
	} else if (kind >= 62) {
		flags = kind < 82 ? VMA_MAP_PRIVATE : VMA_MAP_SHARED;
		fd = f->fd;
		off = chance(70) ? ((addr - WIN) / PG % 32) * PG : rnd(64) * PG;
	} else if (chance(3)) {
		flags = VMA_MAP_DROPPABLE | VMA_MAP_ANONYMOUS;
	}
	if (chance(10))
		flags |= VMA_MAP_NORESERVE;
	if (chance(populate_mix ? 40 : 6))
		flags |= VMA_MAP_POPULATE;
	if (chance(3))
		flags |= VMA_MAP_LOCKED;
	if (chance(3))
		flags |= VMA_MAP_STACK;
	if (fd < 0 && chance(2))
		flags |= VMA_MAP_GROWSDOWN;
	if (chance(4)) {
		addr = WIN_THP;
		len = 0x200000;
	}
	if (setup_phase)
		place = rnd(75);
	if (place < 55) {
		flags |= VMA_MAP_FIXED;
	} else if (place < 75) {
		flags |= VMA_MAP_FIXED_NOREPLACE;
	} else if (place >= 88) {
		addr = 0;
		if (fd < 0 && chance(15))
			len = 0x200000;
	}
	do_mmap(addr, len, prot, flags, fd, off);
}

static void gen_mremap(void)
{
	uint64_t s, e, old, old_len, new_len, to = 0;
	unsigned how = rnd(100);
	int flags = 0;

	if (!pick_vma(&s, &e, NULL, false)) {
		s = win_page();
		e = s + PG;
	}
	old = s + rnd((e - s) / PG) * PG;
	old_len = e - old;
	new_len = old_len;
	if (how < 20) {				/* shrink */
		new_len = old_len > PG ? (1 + rnd(old_len / PG - 1)) * PG : old_len;
		flags = chance(30) ? VMA_MREMAP_MAYMOVE : 0;
	} else if (how < 45) {			/* grow in place, or move */
		new_len = old_len + (1 + rnd(4)) * PG;
		flags = chance(50) ? VMA_MREMAP_MAYMOVE : 0;
	} else if (how < 55 && !setup_phase) {	/* move where the kernel likes */
		new_len = old_len + rnd(3) * PG;
		flags = VMA_MREMAP_MAYMOVE;
	} else if (how < 64) {			/* several VMAs (and gaps), same size */
		pick_range(&old, &old_len);
		new_len = old_len;
		flags = VMA_MREMAP_MAYMOVE | VMA_MREMAP_FIXED;
		to = win_page();
	} else if (how < 80) {			/* move to a fixed place */
		new_len = old_len + rnd(2) * PG;
		if (old_len > PG && chance(30))
			new_len = old_len - PG;
		flags = VMA_MREMAP_MAYMOVE | VMA_MREMAP_FIXED;
		to = win_page();
	} else if (how < 92) {			/* keep the source */
		flags = VMA_MREMAP_MAYMOVE | VMA_MREMAP_DONTUNMAP;
		if (setup_phase || chance(50)) {
			flags |= VMA_MREMAP_FIXED;
			to = win_page();
		}
	} else if (how < 96) {			/* same size, no flags */
		flags = 0;
	} else {				/* part of a VMA, old_len 0 */
		old_len = chance(50) ? 0 : PG;
		flags = VMA_MREMAP_MAYMOVE | (setup_phase ? VMA_MREMAP_FIXED : 0);
		to = win_page();
	}
	do_mremap(old, old_len, new_len, flags, to);
}

static void gen_madvise(void)
{
	static const int adv[] = {
		VMA_MADV_DONTFORK, VMA_MADV_DOFORK, VMA_MADV_DONTDUMP, VMA_MADV_DODUMP,
		VMA_MADV_HUGEPAGE, VMA_MADV_NOHUGEPAGE, VMA_MADV_WIPEONFORK,
		VMA_MADV_KEEPONFORK, VMA_MADV_MERGEABLE, VMA_MADV_UNMERGEABLE,
		VMA_MADV_SEQUENTIAL, VMA_MADV_RANDOM, VMA_MADV_NORMAL,
		VMA_MADV_GUARD_INSTALL, VMA_MADV_GUARD_REMOVE, VMA_MADV_DONTNEED,
		VMA_MADV_FREE, VMA_MADV_WILLNEED, VMA_MADV_COLD, VMA_MADV_PAGEOUT,
		VMA_MADV_POPULATE_READ, VMA_MADV_POPULATE_WRITE, VMA_MADV_REMOVE,
		VMA_MADV_DONTFORK, VMA_MADV_HUGEPAGE, VMA_MADV_DONTDUMP, VMA_MADV_DONTNEED_LOCKED,
		VMA_MADV_WIPEONFORK, VMA_MADV_GUARD_INSTALL,
	};
	uint64_t addr, len;

	pick_range(&addr, &len);
	if (populate_mix && chance(60))
		do_madvise(addr, len, chance(60) ? VMA_MADV_POPULATE_READ : VMA_MADV_POPULATE_WRITE);
	else
		do_madvise(addr, len, adv[rnd(sizeof(adv) / sizeof(adv[0]))]);
}

static void gen_mlock(void)
{
	uint64_t addr, len;
	unsigned how = rnd(100);

	pick_range(&addr, &len);
	if (how < 35)
		do_range_call("mlock", SYS_mlock, addr, len);
	else if (how < 60)
		do_mlock2(addr, len, VMA_MLOCK_ONFAULT);
	else if (how < 70)
		do_mlock2(addr, len, 0);
	else
		do_range_call("munlock", SYS_munlock, addr, len);
}

/* Calls that must fail, or touch nothing, on purpose. */
static void gen_error(void)
{
	uint64_t addr, len;

	pick_range(&addr, &len);
	switch (rnd(14)) {
	case 0: do_range_call("munmap", SYS_munmap, addr + 100, len); break;
	case 1: do_range_call("munmap", SYS_munmap, addr, 0); break;
	case 2: do_mprotect(addr + 8, len, VMA_PROT_READ, false); break;
	case 3: do_mprotect(addr, len, VMA_PROT_READ | 0x10, false); break;
	case 4: do_mprotect(addr, len, VMA_PROT_READ | VMA_PROT_GROWSDOWN, false); break;
	case 5: do_mmap(addr, len, VMA_PROT_READ, VMA_MAP_ANONYMOUS | VMA_MAP_FIXED, -1, 0); break;
	case 6: do_mmap(addr, 0, VMA_PROT_READ, VMA_MAP_PRIVATE | VMA_MAP_ANONYMOUS, -1, 0); break;
	case 7: do_mmap(addr, len, VMA_PROT_READ, VMA_MAP_PRIVATE | VMA_MAP_FIXED, 3, 100); break;
	case 8: do_mremap(addr, len, len + PG, VMA_MREMAP_FIXED, WIN); break;
	case 9: do_mremap(addr, len, 0, VMA_MREMAP_MAYMOVE, 0); break;
	case 10: do_madvise(addr + 1, len, VMA_MADV_DONTFORK); break;
	case 11: do_madvise(addr, len, 999); break;
	case 12: do_mlock2(addr, len, 2); break;
	default: do_mseal(addr, len, 1); break;
	}
}

static void gen_touch(void)
{
	uint64_t s, e, k;

	if (!pick_vma(&s, &e, NULL, !chance(10)))
		return;
	k = rnd((e - s) / PG);
	do_touch(s + k * PG, (1 + rnd((e - s) / PG - k)) * PG, !chance(populate_mix ? 60 : 25));
}

/* Move the break: grow, shrink, unaligned, or below its start (refused). */
static void gen_brk(void)
{
	uint64_t cur = brk_now, to;
	unsigned how = rnd(100);

	if (how < 60)
		to = cur + (1 + rnd(8)) * PG;
	else if (how < 85 && cur > brk_start)
		to = cur - (1 + rnd((cur - brk_start + PG - 1) / PG)) * PG;
	else if (how < 95)
		to = cur + 1 + rnd(3 * PG);
	else
		to = brk_start - PG;
	if (to < brk_start && how < 85)
		to = brk_start;
	do_brk(to);
}

/* Call kinds and their weights (in percent); the layout family's setup
 * builds with more touches and without placements left to the kernel. */
enum gen_kind { G_MMAP, G_MUNMAP, G_MPROTECT, G_MREMAP, G_MADVISE, G_TOUCH, G_MLOCK,
		G_MSEAL, G_REOPEN, G_ERROR, G_NAME, G_BRK, G_MLOCKALL, G_NKINDS };
static const unsigned gen_weight[2][G_NKINDS] = {
	{ 22, 9, 12, 10, 13, 10, 6, 2, 1, 9, 2, 3, 1 },	/* the recorded calls */
	{ 35, 5, 12, 10, 8, 17, 4, 2, 0, 4, 0, 3, 0 },	/* the layout's setup */
	{ 22, 6, 12, 8, 18, 20, 6, 1, 1, 3, 0, 2, 1 },	/* the populate mix */
};

static void gen_call(void)
{
	const unsigned *wt = gen_weight[setup_phase ? 1 : populate_mix ? 2 : 0];
	unsigned w = rnd(100), k = 0;
	uint64_t addr, len;

	while (k < G_NKINDS - 1 && w >= wt[k])
		w -= wt[k++];
	if (count_ours() < 3 && chance(50))
		k = G_MMAP;		/* little to work on yet: map something */
	switch (k) {
	case G_MMAP: gen_mmap(); break;
	case G_MUNMAP:
		pick_range(&addr, &len);
		do_range_call("munmap", SYS_munmap, addr, len);
		break;
	case G_MPROTECT:
		pick_range(&addr, &len);
		do_mprotect(addr, len, prot_pick() | (chance(3) ? VMA_PROT_GROWSDOWN : 0), chance(8));
		break;
	case G_MREMAP: gen_mremap(); break;
	case G_MADVISE: gen_madvise(); break;
	case G_TOUCH: gen_touch(); break;
	case G_MLOCK: gen_mlock(); break;
	case G_MSEAL:
		pick_range(&addr, &len);
		do_mseal(addr, len, 0);
		break;
	case G_REOPEN: do_reopen(&files[rnd(NFILES)]); break;
	case G_ERROR: gen_error(); break;
	case G_BRK: gen_brk(); break;
	case G_NAME:
		pick_range(&addr, &len);
		do_anon_name(addr, len);
		break;
	default: {
		static const int mcl[] = { VMA_MCL_FUTURE, VMA_MCL_FUTURE | VMA_MCL_ONFAULT, 0,
			VMA_MCL_CURRENT, VMA_MCL_CURRENT | VMA_MCL_ONFAULT, 0 };

		/*
		 * MCL_CURRENT populates every mapping: with AddressSanitizer's
		 * terabytes of shadow that would eat the machine's memory.
		 */
		do_mlockall(mcl[rnd(RECORDER_ASAN ? 3 : 6)]);
	}
	}
}

/* ---- one sequence, in a fresh process ----------------------------------------- */

static __attribute__((noinline)) void grow_stack(void)
{
	volatile char pad[256 * 1024];

	memset((char *)pad, 0, sizeof(pad));
}

static void header(uint64_t seed, const char *family)
{
	int i;

	out_str("== seed ");
	out_dec(seed);
	out_str(" family ");
	out_str(family);
	out_str("\n== window ");
	out_u64(WIN, 16);
	out_str(" ");
	out_u64(WIN_END, 16);
	out_str("\n");
	for (i = 0; i < NFILES; i++) {
		out_str("== file ");
		out_dec(files[i].fd);
		out_str(" ");
		out_str(file_path[files[i].path]);
		out_str("\n");
	}
}

static int run_one(uint64_t seed, const char *family, unsigned ncalls)
{
	unsigned i;

	recorder_prepare();
	grow_stack();
	brk_start = brk_now = (uint64_t)syscall(SYS_brk, 0);
	rng_state = seed * 0x2545f4914f6cdd1dULL + (family[0] == 'l') + 2 * (family[0] == 'p');
	populate_mix = !strcmp(family, "populate");
	header(seed, family);
	open_files(false);
	if (!strcmp(family, "layout")) {
		unsigned n = 8 + rnd(15);

		setup_phase = true;
		out_str("== setup\n");
		read_smaps();
		scan_smaps(false);
		for (i = 0; i < n; i++)
			gen_call();
		for (i = 0; i < (unsigned)NFILES; i++)
			close(files[i].fd);
		open_files(false);
		setup_phase = false;
	}
	out_str("== brk ");
	out_u64(brk_start, 16);
	out_str(" ");
	out_u64(brk_now, 16);
	out_str("\n");
	out_flush();
	dump_smaps("== before\n");
	out_str("== calls\n");
	for (i = 0; i < (unsigned)NFILES; i++)
		out_open(&files[i]);
	do_brk(0);			/* as every program's strace starts */
	for (i = 0; i < ncalls; i++)
		gen_call();
	dump_smaps("== after\n");
	out_str("== end\n");
	out_flush();
	return 0;
}

/* ---- the driver: one exec'd child per sequence ------------------------------- */

/* A sparse file longer than any mapping of it, so that no page is beyond EOF. */
static int make_file(const char *path)
{
	int fd = open(path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);

	if (fd < 0)
		return -1;
	if (ftruncate(fd, FILE_PAGES * PG) < 0)
		return close(fd), -1;
	return close(fd);
}

static void fmt_dec(char *b, uint64_t v)
{
	char t[24];
	int i = 0, j = 0;

	do
		t[i++] = '0' + v % 10;
	while ((v /= 10));
	while (i)
		b[j++] = t[--i];
	b[j] = 0;
}

static int usage(void)
{
	static const char u[] = "usage: recorder [--family empty|layout|populate] [--calls MIN-MAX] "
		"[--file PATH]... [--aslr] FIRST-SEED [COUNT]\n";

	(void)!write(2, u, sizeof(u) - 1);
	return 2;
}

static int run_child(const char *self, uint64_t seed, const char *family,
		     unsigned ncalls)
{
	char s[24], n[24];
	pid_t pid;
	int status;

	fmt_dec(s, seed);
	fmt_dec(n, ncalls);
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		execl(self, "recorder", "--one", s, family, n, file_path[0],
		      file_path[1], (char *)NULL);
		_exit(127);
	}
	if (waitpid(pid, &status, 0) < 0)
		return -1;
	if (WIFSIGNALED(status) || WEXITSTATUS(status)) {
		out_str("\n== crash seed ");
		out_dec(seed);
		out_str(WIFSIGNALED(status) ? " signal " : " status ");
		out_dec(WIFSIGNALED(status) ? WTERMSIG(status) : WEXITSTATUS(status));
		out_str("\n");
		out_flush();
	}
	return 0;
}

int main(int argc, char **argv)
{
	const char *family = "empty";
	unsigned cmin = 10, cmax = 30, nfile = 0;
	uint64_t first, count = 1, i;
	char tmp[2][64], self[4096];
	bool aslr = false, made = false;
	ssize_t n;

	if (argc == 7 && !strcmp(argv[1], "--one")) {
		file_path[0] = argv[5];
		file_path[1] = argv[6];
		return run_one(strtoull(argv[2], NULL, 10), argv[3],
			       (unsigned)strtoul(argv[4], NULL, 10));
	}
	for (argv++; *argv && argv[0][0] == '-' && argv[0][1] == '-'; argv++) {
		if (!strcmp(*argv, "--family") && argv[1])
			family = *++argv;
		else if (!strcmp(*argv, "--calls") && argv[1])
			cmin = strtoul(*++argv, NULL, 10), cmax = strtoul(strchr(*argv, '-') ?
				strchr(*argv, '-') + 1 : *argv, NULL, 10);
		else if (!strcmp(*argv, "--file") && argv[1] && nfile < 2)
			file_path[nfile++] = *++argv;
		else if (!strcmp(*argv, "--aslr"))
			aslr = true;
		else
			return usage();
	}
	if (!*argv || (strcmp(family, "empty") && strcmp(family, "layout") &&
		       strcmp(family, "populate")) ||
	    cmin > cmax || nfile == 1)
		return usage();
	first = strtoull(argv[0], NULL, 10);
	if (argv[1])
		count = strtoull(argv[1], NULL, 10);
	if (!nfile) {
		for (i = 0; i < 2; i++) {
			memcpy(tmp[i], "/tmp/vmatool-rec.", 18);
			fmt_dec(tmp[i] + 17, (uint64_t)getpid());
			strcat(tmp[i], i ? ".b" : ".a");
			file_path[i] = tmp[i];
		}
		made = true;
	}
	for (i = 0; i < 2; i++)
		if ((made || access(file_path[i], F_OK)) && make_file(file_path[i]))
			return 3;
	n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n < 0)
		return 3;
	self[n] = 0;
	if (!aslr)
		personality(ADDR_NO_RANDOMIZE);
	for (i = first; i < first + count; i++) {
		rng_state = i;
		if (run_child(self, i, family, cmin + rnd(cmax - cmin + 1)))
			return 3;
	}
	if (made)
		unlink(file_path[0]), unlink(file_path[1]);
	return 0;
}
