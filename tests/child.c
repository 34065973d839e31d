/*
 * child.c - a process whose mappings the tests change on command.
 *
 * It reads one command per line on standard input and answers each with one
 * line on standard output (flushed), so that a test knows the change has
 * happened before it looks at /proc/PID/maps -- no sleeps.  Regions are
 * named by the test; offsets and lengths are bytes (decimal or 0x hex, or
 * with a k/m suffix), PROT is a string of r, w, x (or "-" for none).
 * Every region is placed between two PROT_NONE guard pages, so regions never
 * merge with each other and a test knows exactly which VMAs a change touches.
 *
 *   pid                              -> PID
 *   map NAME LEN PROT [shared]       -> address of a new anonymous mapping
 *   mapfile NAME PATH LEN PROT [OFF] [shared] -> address of a file mapping
 *   protect NAME OFF LEN PROT        -> ok
 *   unmap NAME OFF LEN               -> ok
 *   grow NAME NEWLEN                 -> address (mremap in place; after an
 *                                       unmap of the region's tail, from there)
 *   move NAME NEWLEN                 -> new address (mremap to a fresh guarded place)
 *   lock NAME OFF LEN | unlock NAME OFF LEN -> ok
 *   advise NAME OFF LEN ADVICE       -> ok (dontfork dofork dontdump dodump
 *        hugepage nohugepage wipeonfork keeponfork random sequential normal
 *        mergeable unmergeable dontneed)
 *   touch NAME OFF LEN               -> ok (writes every page)
 *   seal NAME OFF LEN                -> ok (mseal)
 *   addr NAME                        -> address of the region
 *   rmfile PATH                      -> ok (unlink)
 *   exit                             -> (exits with status 0, says nothing)
 * A failing call answers "err ENAME" (e.g. "err ENOMEM"); a malformed
 * command answers "bad ..." .  End of input exits.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef MREMAP_FIXED
#define MREMAP_FIXED 2
#endif
#ifndef SYS_mseal
#define SYS_mseal 462
#endif

#define MAX_REGIONS 2048
#define MAX_ARGS 8

struct region {
	char name[32];
	char *addr;
	size_t len;
};

static struct region regions[MAX_REGIONS];

static struct region *region_find(const char *name, int create)
{
	int i;

	for (i = 0; i < MAX_REGIONS; i++)
		if (regions[i].name[0] && strcmp(regions[i].name, name) == 0)
			return &regions[i];
	if (!create)
		return NULL;
	for (i = 0; i < MAX_REGIONS; i++)
		if (!regions[i].name[0]) {
			snprintf(regions[i].name, sizeof(regions[i].name), "%s", name);
			return &regions[i];
		}
	return NULL;
}

static int parse_num(const char *s, size_t *out)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || end == s)
		return -1;
	if (*end == 'k' || *end == 'K')
		v <<= 10, end++;
	else if (*end == 'm' || *end == 'M')
		v <<= 20, end++;
	if (*end)
		return -1;
	*out = (size_t)v;
	return 0;
}

static int parse_prot(const char *s)
{
	int prot = PROT_NONE;

	for (; *s; s++) {
		if (*s == 'r')
			prot |= PROT_READ;
		else if (*s == 'w')
			prot |= PROT_WRITE;
		else if (*s == 'x')
			prot |= PROT_EXEC;
		else if (*s != '-')
			return -1;
	}
	return prot;
}

static const struct {
	const char *name;
	int advice;
} advices[] = {
	{ "dontfork", MADV_DONTFORK }, { "dofork", MADV_DOFORK },
	{ "dontdump", MADV_DONTDUMP }, { "dodump", MADV_DODUMP },
	{ "hugepage", MADV_HUGEPAGE }, { "nohugepage", MADV_NOHUGEPAGE },
	{ "wipeonfork", MADV_WIPEONFORK }, { "keeponfork", MADV_KEEPONFORK },
	{ "random", MADV_RANDOM }, { "sequential", MADV_SEQUENTIAL },
	{ "normal", MADV_NORMAL }, { "mergeable", MADV_MERGEABLE },
	{ "unmergeable", MADV_UNMERGEABLE }, { "dontneed", MADV_DONTNEED },
};

static void answer_errno(void)
{
	const char *name = strerrorname_np(errno);

	printf("err %s\n", name ? name : "unknown");
}

static void answer_addr(const void *p)
{
	printf("%#llx\n", (unsigned long long)(uintptr_t)p);
}

/* Argument checks shared by the NAME OFF LEN commands. */
static struct region *range_args(char **arg, int n, int want, size_t *off, size_t *len)
{
	struct region *r;

	if (n != want || !(r = region_find(arg[1], 0)) ||
	    parse_num(arg[2], off) || parse_num(arg[3], len)) {
		printf("bad arguments to %s\n", arg[0]);
		return NULL;
	}
	return r;
}

/* A reservation of len bytes plus a PROT_NONE guard page on each side. */
static char *reserve(size_t len)
{
	char *p = mmap(NULL, len + 2 * 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	return p == MAP_FAILED ? NULL : p + 4096;
}

static void *guarded_mmap(size_t len, int prot, int flags, int fd, off_t off)
{
	char *at = reserve(len);
	void *p;

	if (!at)
		return MAP_FAILED;
	p = mmap(at, len, prot, flags | MAP_FIXED, fd, off);
	if (p == MAP_FAILED)
		munmap(at - 4096, len + 2 * 4096);
	return p;
}

static void cmd_map(char **arg, int n)
{
	struct region *r;
	size_t len;
	int prot, flags = MAP_PRIVATE | MAP_ANONYMOUS;
	void *p;

	if (n < 4 || n > 5 || parse_num(arg[2], &len) || (prot = parse_prot(arg[3])) < 0 ||
	    (n == 5 && strcmp(arg[4], "shared") != 0) || !(r = region_find(arg[1], 1))) {
		puts("bad arguments to map");
		return;
	}
	if (n == 5)
		flags = MAP_SHARED | MAP_ANONYMOUS;
	p = guarded_mmap(len, prot, flags, -1, 0);
	if (p == MAP_FAILED)
		return answer_errno();
	r->addr = p;
	r->len = len;
	answer_addr(p);
}

static void cmd_mapfile(char **arg, int n)
{
	struct region *r;
	size_t len, off = 0;
	int prot, fd, flags = MAP_PRIVATE, shared = n > 5 && strcmp(arg[n - 1], "shared") == 0;
	void *p;

	if (shared)
		n--, flags = MAP_SHARED;
	if (n < 5 || n > 6 || parse_num(arg[3], &len) || (prot = parse_prot(arg[4])) < 0 ||
	    (n == 6 && parse_num(arg[5], &off)) || !(r = region_find(arg[1], 1))) {
		puts("bad arguments to mapfile");
		return;
	}
	fd = open(arg[2], (prot & PROT_WRITE) && shared ? O_RDWR : O_RDONLY);
	if (fd < 0)
		return answer_errno();
	p = guarded_mmap(len, prot, flags, fd, (off_t)off);
	close(fd);
	if (p == MAP_FAILED)
		return answer_errno();
	r->addr = p;
	r->len = len;
	answer_addr(p);
}

static void cmd_range(char **arg, int n)
{
	struct region *r;
	size_t off, len;
	int rc = -1, prot;
	unsigned i;

	if (strcmp(arg[0], "protect") == 0) {
		if (!(r = range_args(arg, n, 5, &off, &len)))
			return;
		if ((prot = parse_prot(arg[4])) < 0)
			return (void)puts("bad protection");
		rc = mprotect(r->addr + off, len, prot);
	} else if (strcmp(arg[0], "advise") == 0) {
		if (!(r = range_args(arg, n, 5, &off, &len)))
			return;
		for (i = 0; i < sizeof(advices) / sizeof(advices[0]); i++)
			if (strcmp(advices[i].name, arg[4]) == 0)
				break;
		if (i == sizeof(advices) / sizeof(advices[0]))
			return (void)puts("bad advice");
		rc = madvise(r->addr + off, len, advices[i].advice);
	} else {
		if (!(r = range_args(arg, n, 4, &off, &len)))
			return;
		if (strcmp(arg[0], "unmap") == 0) {
			rc = munmap(r->addr + off, len);
			if (rc == 0 && off < r->len && off + len >= r->len)
				r->len = off;	/* the tail went: grow starts from here */
		}
		else if (strcmp(arg[0], "lock") == 0)	/* syscall: ASan makes mlock() a no-op */
			rc = (int)syscall(SYS_mlock, r->addr + off, len);
		else if (strcmp(arg[0], "unlock") == 0)
			rc = (int)syscall(SYS_munlock, r->addr + off, len);
		else if (strcmp(arg[0], "seal") == 0)
			rc = (int)syscall(SYS_mseal, r->addr + off, len, 0UL);
		else {	/* touch */
			for (i = 0; (size_t)i * 4096 < len; i++)
				r->addr[off + (size_t)i * 4096] = 1;
			rc = 0;
		}
	}
	if (rc)
		return answer_errno();
	puts("ok");
}

static void cmd_remap(char **arg, int n)
{
	struct region *r;
	size_t newlen;
	void *p;
	char *dest;

	if (n != 3 || !(r = region_find(arg[1], 0)) || parse_num(arg[2], &newlen)) {
		printf("bad arguments to %s\n", arg[0]);
		return;
	}
	if (strcmp(arg[0], "grow") == 0) {
		p = mremap(r->addr, r->len, newlen, 0);
	} else {
		/* a fresh place: reserve it, then move over the reservation */
		dest = reserve(newlen);
		if (!dest)
			return answer_errno();
		p = mremap(r->addr, r->len, newlen, MREMAP_MAYMOVE | MREMAP_FIXED, dest);
	}
	if (p == MAP_FAILED)
		return answer_errno();
	r->addr = p;
	r->len = newlen;
	answer_addr(p);
}

static void run(char **arg, int n)
{
	struct region *r;

	if (strcmp(arg[0], "pid") == 0)
		printf("%d\n", (int)getpid());
	else if (strcmp(arg[0], "map") == 0)
		cmd_map(arg, n);
	else if (strcmp(arg[0], "mapfile") == 0)
		cmd_mapfile(arg, n);
	else if (strcmp(arg[0], "grow") == 0 || strcmp(arg[0], "move") == 0)
		cmd_remap(arg, n);
	else if (strcmp(arg[0], "addr") == 0 && n == 2 && (r = region_find(arg[1], 0)))
		answer_addr(r->addr);
	else if (strcmp(arg[0], "rmfile") == 0 && n == 2)
		unlink(arg[1]) ? answer_errno() : (void)puts("ok");
	else if (strcmp(arg[0], "exit") == 0)
		exit(0);
	else if (!strcmp(arg[0], "protect") || !strcmp(arg[0], "advise") ||
		 !strcmp(arg[0], "unmap") || !strcmp(arg[0], "lock") ||
		 !strcmp(arg[0], "unlock") || !strcmp(arg[0], "seal") ||
		 !strcmp(arg[0], "touch"))
		cmd_range(arg, n);
	else
		printf("bad command %s\n", arg[0]);
}

int main(void)
{
	char line[4096];

	while (fgets(line, sizeof(line), stdin)) {
		char *arg[MAX_ARGS + 1], *save = NULL, *tok;
		int n = 0;

		for (tok = strtok_r(line, " \t\n", &save); tok && n <= MAX_ARGS;
		     tok = strtok_r(NULL, " \t\n", &save))
			arg[n++] = tok;
		if (n == 0)
			continue;
		if (n > MAX_ARGS)
			puts("bad: too many arguments");
		else
			run(arg, n);
		fflush(stdout);
	}
	return 0;
}
