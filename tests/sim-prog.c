/*
 * sim-prog.c - a program for tests/cli-sim.sh to run under strace: it saves
 * its own smaps, makes a known sequence of memory calls, and saves its
 * smaps again, so that the strace log of the calls can be replayed with
 * `vmatool sim --snapshot BEFORE` and the prediction compared with AFTER.
 *
 *   sim-prog SCENARIO BEFORE AFTER [SEED] [FILE]
 *
 * Scenarios: anon, file, mremap, lock, seal, brk, errors, thread, written
 * (memory written, which strace does not show, then made PROT_NONE), fork
 * (the child saves its own smaps as AFTER.child before it exits),
 * random (seeded random calls in a private window, no writes to memory),
 * random-touch (the same with writes, which strace does not see).
 * FILE is a file of at least 64 KiB for the file mappings.
 *
 * The calls of interest are framed by two markers that strace shows as
 * `madvise(NULL, 0, MADV_NORMAL) = 0`; the smaps files are written with
 * plain system calls into a static buffer so that reading them allocates
 * nothing and maps nothing.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#define PAGE 4096ul
#define WINDOW_PAGES 64

static char smaps_buf[4 << 20];
static const char *file_path;
static uint64_t rng_state;

static void die(const char *what)
{
	perror(what);
	exit(1);
}

static void save_smaps(const char *path)
{
	int in = open("/proc/self/smaps", O_RDONLY), out;
	size_t n = 0;
	ssize_t r;

	if (in < 0)
		die("open smaps");
	while ((r = read(in, smaps_buf + n, sizeof(smaps_buf) - n)) > 0)
		n += (size_t)r;
	close(in);
	out = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (out < 0 || write(out, smaps_buf, n) != (ssize_t)n || close(out) < 0)
		die(path);
}

static void marker(void)
{
	syscall(SYS_madvise, 0, 0, MADV_NORMAL);
}

static uint64_t rnd(uint64_t n)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state % n;
}

static int open_file(void)
{
	int fd = open(file_path, O_RDWR);
	if (fd < 0)
		die(file_path);
	return fd;
}

/* A free window of n pages: mapped and unmapped again. */
static char *window(size_t pages)
{
	char *w = mmap(NULL, pages * PAGE, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (w == MAP_FAILED)
		die("mmap window");
	munmap(w, pages * PAGE);
	return w;
}

static void *anon_at(char *at, size_t pages, int prot)
{
	return mmap(at, pages * PAGE, prot, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
}

static void scenario_anon(void)
{
	char *w = window(32);
	char *p = mmap(NULL, 16 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	mprotect(p + 4 * PAGE, 4 * PAGE, PROT_READ);
	mprotect(p + 4 * PAGE, 4 * PAGE, PROT_READ | PROT_WRITE);	/* merges back */
	munmap(p + 8 * PAGE, 2 * PAGE);
	anon_at(w, 4, PROT_READ);
	anon_at(w + 4 * PAGE, 4, PROT_READ);			/* merges with the one below */
	anon_at(w + 12 * PAGE, 4, PROT_READ | PROT_WRITE);
	mprotect(w + 12 * PAGE, 2 * PAGE, PROT_NONE);
	mmap(w + 8 * PAGE, 4 * PAGE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE,
	     -1, 0);
	mmap(w + 8 * PAGE, 4 * PAGE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE,
	     -1, 0);	/* EEXIST */
	mmap(w + 20 * PAGE, 4 * PAGE, PROT_READ, MAP_SHARED | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	mmap(NULL, 2 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
	     -1, 0);
}

static void scenario_file(void)
{
	int fd = open_file(), fd2;
	char *w = window(32);

	mmap(w, 4 * PAGE, PROT_READ, MAP_PRIVATE | MAP_FIXED, fd, 0);
	mmap(w + 4 * PAGE, 4 * PAGE, PROT_READ, MAP_PRIVATE | MAP_FIXED, fd, 4 * PAGE);	/* merges */
	mmap(w + 8 * PAGE, 4 * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED, fd, 8 * PAGE);
	mprotect(w + 2 * PAGE, PAGE, PROT_READ | PROT_WRITE);
	close(fd);
	fd2 = open_file();
	mmap(w + 12 * PAGE, 4 * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED, fd2,
	     12 * PAGE);	/* same file, another open: no merge */
	mmap(NULL, 4 * PAGE, PROT_READ, MAP_PRIVATE, fd2, 0);
	mmap(w + 20 * PAGE, 2 * PAGE, PROT_READ, MAP_PRIVATE | MAP_FIXED, fd2, 3);	/* EINVAL */
	close(fd2);
}

static void scenario_mremap(void)
{
	char *w = window(64), *p;

	p = anon_at(w, 4, PROT_READ | PROT_WRITE);
	mremap(p, 4 * PAGE, 8 * PAGE, 0);				/* grow in place */
	mremap(p, 8 * PAGE, 2 * PAGE, 0);				/* shrink */
	anon_at(w + 3 * PAGE, 1, PROT_READ);
	mremap(p, 2 * PAGE, 6 * PAGE, 0);				/* ENOMEM: blocked */
	p = mremap(p, 2 * PAGE, 6 * PAGE, MREMAP_MAYMOVE);		/* moves */
	mremap(p, 6 * PAGE, 6 * PAGE, MREMAP_MAYMOVE | MREMAP_FIXED, w + 40 * PAGE);
	mremap(w + 40 * PAGE, 2 * PAGE, 2 * PAGE, MREMAP_MAYMOVE | MREMAP_FIXED | MREMAP_DONTUNMAP,
	       w + 50 * PAGE);
	mremap(w + 60 * PAGE, PAGE, PAGE, MREMAP_MAYMOVE);		/* EFAULT: nothing there */
}

static void scenario_lock(void)
{
	char *w = window(32);

	anon_at(w, 16, PROT_READ | PROT_WRITE);
	mlock(w, 4 * PAGE);
	syscall(SYS_mlock2, w + 8 * PAGE, 2 * PAGE, MLOCK_ONFAULT);
	munlock(w + PAGE, PAGE);
	madvise(w + 4 * PAGE, 2 * PAGE, MADV_DONTFORK);
	madvise(w + 6 * PAGE, PAGE, MADV_DONTDUMP);
	madvise(w + 12 * PAGE, 2 * PAGE, MADV_HUGEPAGE);
	madvise(w + 12 * PAGE, PAGE, MADV_NOHUGEPAGE);
	madvise(w + 14 * PAGE, PAGE, MADV_WIPEONFORK);
	madvise(w + 15 * PAGE, PAGE, MADV_RANDOM);
	madvise(w + 4 * PAGE, 2 * PAGE, MADV_DOFORK);
	madvise(w + 10 * PAGE, PAGE, MADV_DONTNEED);
	syscall(SYS_pkey_mprotect, w + 10 * PAGE, PAGE, PROT_READ, -1);
	mlockall(MCL_FUTURE);
	anon_at(w + 20 * PAGE, 2, PROT_READ);
	munlockall();
}

static void scenario_seal(void)
{
	char *w = window(32);

	anon_at(w, 8, PROT_READ);
	syscall(462, w + 2 * PAGE, 2 * PAGE, 0);			/* mseal */
	munmap(w, 4 * PAGE);						/* EPERM */
	mprotect(w + 2 * PAGE, PAGE, PROT_READ | PROT_WRITE);		/* EPERM */
	munmap(w + 6 * PAGE, PAGE);
	syscall(462, w + 6 * PAGE, PAGE, 0);				/* ENOMEM: unmapped */
}

static void scenario_brk(void)
{
	char *b = (char *)syscall(SYS_brk, 0);

	syscall(SYS_brk, b + 8 * PAGE);
	syscall(SYS_brk, b + 16 * PAGE);
	syscall(SYS_brk, b + 4 * PAGE);
	mprotect(b, PAGE, PROT_READ);
}

static void scenario_errors(void)
{
	char *w = window(16);

	anon_at(w, 2, PROT_READ);
	anon_at(w + 4 * PAGE, 2, PROT_READ);
	munmap(w + 1, PAGE);						/* EINVAL */
	mprotect(w, 6 * PAGE, PROT_READ | PROT_WRITE);			/* ENOMEM: hole */
	mmap(NULL, 0, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);	/* EINVAL */
	madvise(w + 2 * PAGE, PAGE, MADV_DONTFORK);			/* ENOMEM */
	mlock(w + 2 * PAGE, PAGE);					/* ENOMEM */
	mremap(w, PAGE, 0, 0);						/* EINVAL */
	mprotect(w + 1, PAGE, PROT_READ);				/* EINVAL */
	mmap(w, PAGE, PROT_READ, MAP_PRIVATE, -1, 0);			/* EBADF */
}

static void *thread_main(void *arg)
{
	(void)arg;
	return mmap(NULL, 4 * PAGE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
}

static void scenario_thread(void)
{
	pthread_t t;
	void *r;

	if (pthread_create(&t, NULL, thread_main, NULL) || pthread_join(t, &r))
		die("thread");
}

/* A write strace cannot see keeps VM_ACCOUNT through mprotect(PROT_NONE). */
static void scenario_written(void)
{
	char *p = anon_at(window(16) + 4 * PAGE, 8, PROT_READ | PROT_WRITE);	/* no neighbours */

	p[0] = 1;
	mprotect(p, 8 * PAGE, PROT_NONE);
}

static const char *after_path;

/* fork: what the child inherits (dup_mmap), then calls on each side. */
static void scenario_fork(void)
{
	char *p = mmap(NULL, 16 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	char *q = mmap(NULL, 4 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	char child_after[4096];
	pid_t pid;

	madvise(p, 16 * PAGE, MADV_POPULATE_WRITE);	/* an anon_vma the log shows */
	madvise(p, 2 * PAGE, MADV_DONTFORK);
	madvise(p + 4 * PAGE, 2 * PAGE, MADV_WIPEONFORK);
	mlock(p + 8 * PAGE, 2 * PAGE);
	pid = fork();
	if (pid < 0)
		die("fork");
	if (pid == 0) {
		mprotect(p + 12 * PAGE, PAGE, PROT_READ);
		mprotect(p + 12 * PAGE, PAGE, PROT_READ | PROT_WRITE);	/* no merge back: a fork child's */
		mprotect(q, PAGE, PROT_READ);
		mmap(NULL, 2 * PAGE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		snprintf(child_after, sizeof(child_after), "%s.child", after_path);
		save_smaps(child_after);
		_exit(0);
	}
	if (waitpid(pid, NULL, 0) != pid)
		die("waitpid");
	munmap(p + 14 * PAGE, PAGE);
	mprotect(p + 12 * PAGE, PAGE, PROT_READ);
	mprotect(p + 12 * PAGE, PAGE, PROT_READ | PROT_WRITE);	/* merges back in the parent */
}

/* One random call inside the window. */
static void random_call(char *w, int fd, int touch)
{
	static const int prots[] = { PROT_NONE, PROT_READ, PROT_READ | PROT_WRITE,
				     PROT_READ | PROT_EXEC };
	static const int advice[] = { MADV_DONTFORK, MADV_DOFORK, MADV_DONTDUMP, MADV_DODUMP,
				      MADV_HUGEPAGE, MADV_NOHUGEPAGE, MADV_RANDOM,
				      MADV_SEQUENTIAL, MADV_NORMAL, MADV_WIPEONFORK };
	size_t at = rnd(WINDOW_PAGES - 1), len = 1 + rnd(WINDOW_PAGES / 4);
	char *p = w + at * PAGE;

	if (at + len > WINDOW_PAGES)
		len = WINDOW_PAGES - at;
	switch (rnd(8)) {
	case 0:
		anon_at(p, len, prots[rnd(4)]);
		break;
	case 1:
		mmap(p, len * PAGE, prots[rnd(3)], MAP_PRIVATE | MAP_FIXED, fd, (at % 16) * PAGE);
		break;
	case 2:
		munmap(p, len * PAGE);
		break;
	case 3:
	case 4:
		mprotect(p, len * PAGE, prots[rnd(4)]);
		break;
	case 5:
		madvise(p, len * PAGE, advice[rnd(10)]);
		break;
	case 6:
		if (rnd(2))
			mlock(p, len * PAGE);
		else
			munlock(p, len * PAGE);
		break;
	default:
		if (touch) {	/* write where it is writable: strace does not see this */
			for (size_t i = 0; i < len; i++)
				if (mprotect(p + i * PAGE, PAGE, PROT_READ | PROT_WRITE) == 0)
					p[i * PAGE] = 1;
		} else {
			mremap(p, len * PAGE, (1 + rnd(4)) * PAGE, 0);
		}
		break;
	}
}

static void scenario_random(int touch)
{
	int fd = open_file();
	char *w = window(WINDOW_PAGES);

	for (int i = 0; i < 24; i++)
		random_call(w, fd, touch);
	close(fd);
}

static const struct {
	const char *name;
	void (*run)(void);
} scenarios[] = {
	{ "anon", scenario_anon }, { "file", scenario_file }, { "mremap", scenario_mremap },
	{ "lock", scenario_lock }, { "seal", scenario_seal }, { "brk", scenario_brk },
	{ "errors", scenario_errors }, { "thread", scenario_thread }, { "fork", scenario_fork },
	{ "written", scenario_written },
};

int main(int argc, char **argv)
{
	char stack[64 * 1024];

	if (argc < 4) {
		fprintf(stderr, "usage: sim-prog SCENARIO BEFORE AFTER [SEED] [FILE]\n");
		return 2;
	}
	rng_state = argc > 4 ? strtoull(argv[4], NULL, 0) * 2654435761u + 1 : 1;
	file_path = argc > 5 ? argv[5] : "/proc/self/exe";
	after_path = argv[3];
	memset(stack, 1, sizeof(stack));	/* grow the stack before the snapshot */
	memset(smaps_buf, 0, sizeof(smaps_buf));
	save_smaps(argv[2]);
	marker();
	if (!strcmp(argv[1], "random") || !strcmp(argv[1], "random-touch")) {
		scenario_random(!strcmp(argv[1], "random-touch"));
	} else {
		size_t i;
		for (i = 0; i < sizeof(scenarios) / sizeof(scenarios[0]); i++)
			if (!strcmp(argv[1], scenarios[i].name))
				break;
		if (i == sizeof(scenarios) / sizeof(scenarios[0])) {
			fprintf(stderr, "sim-prog: unknown scenario '%s'\n", argv[1]);
			return 2;
		}
		scenarios[i].run();
	}
	marker();
	save_smaps(argv[3]);
	return stack[100] == 1 ? 0 : 1;
}
