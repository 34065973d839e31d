/*
 * bench/mkvmas.c - a process with many VMAs, for the benchmarks.
 *
 * Builds an address space of N VMAs in all (default 65,000: vm.max_map_count
 * is 65,530) with the variety a real process has: private file mappings of
 * a temporary file (whose name has spaces), mappings of a second file that
 * is deleted (" (deleted)"), shared file mappings, private anonymous memory,
 * shared anonymous memory, PROT_NONE guard pages and named anonymous memory
 * ([anon:...], where the kernel has it).  Pages are touched so that smaps
 * has RSS, PSS and dirty pages to report.
 *
 * Every VMA is one page inside one reserved window, neighbours always differ
 * (protection, file, sharing), so nothing merges and the count is exact.
 *
 * Then it prints "PID VMAS\n" on standard output and waits for a line on
 * standard input.  On that line it changes its mappings the way programs do
 * (mprotect, munmap, mremap of some pages), prints "PID VMAS\n" again and
 * waits again, so that two states can be captured and diffed.  On the next
 * line, or at the end of input, it removes its temporary file and exits.
 * (Lines, not signals: whoever drives it knows exactly when it is ready.)
 *
 * usage: mkvmas [-n N] [-d DIR]
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <unistd.h>

#ifndef PR_SET_VMA
#define PR_SET_VMA 0x53564d41
#define PR_SET_VMA_ANON_NAME 0
#endif

#define FILE_PAGES 64		/* size of each temporary file, in pages */

struct layout {
	long npages;		/* pages in the window = VMAs added */
	char *base;		/* the window */
	long page;
	int kept_fd, deleted_fd;
	char kept_path[4096];
};

static void die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fputs("mkvmas: ", stderr);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, ": %s\n", strerror(errno));
	exit(1);
}

static long count_vmas(void)
{
	FILE *f = fopen("/proc/self/maps", "r");
	long n = 0;
	int c;

	if (!f)
		die("cannot open '/proc/self/maps'");
	while ((c = getc(f)) != EOF)
		n += c == '\n';
	fclose(f);
	return n;
}

static int make_file(const char *path, long page)
{
	int fd = open(path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	char *buf;

	if (fd < 0)
		die("cannot create '%s'", path);
	buf = malloc(page);
	if (!buf)
		die("out of memory");
	for (long i = 0; i < FILE_PAGES; i++) {
		memset(buf, 'a' + i % 26, page);
		if (write(fd, buf, page) != page)
			die("cannot write '%s'", path);
	}
	free(buf);
	return fd;
}

/* What page i of the window becomes; neighbours never look alike. */
static void map_page(struct layout *l, long i)
{
	char *p = l->base + i * l->page;
	int fixed = MAP_FIXED;
	long off = (i % FILE_PAGES) * l->page;
	int prot, r = i % 12;
	void *got;

	/* The first and last pages are file pages: nothing outside merges in. */
	if (i == 0 || i == l->npages - 1)
		r = 0;
	switch (r) {
	case 0: case 4:		/* private file, read-only, read */
		got = mmap(p, l->page, PROT_READ, MAP_PRIVATE | fixed, l->kept_fd, off);
		prot = PROT_READ;
		break;
	case 1: case 3: case 7: case 9:	/* private anonymous, written */
		got = mmap(p, l->page, PROT_READ | PROT_WRITE,
			   MAP_PRIVATE | MAP_ANONYMOUS | fixed, -1, 0);
		prot = PROT_READ | PROT_WRITE;
		break;
	case 2: case 8:		/* guard page */
		got = mmap(p, l->page, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | fixed, -1, 0);
		prot = PROT_NONE;
		break;
	case 5:			/* private file written (copy on write) */
		got = mmap(p, l->page, PROT_READ | PROT_WRITE, MAP_PRIVATE | fixed,
			   l->deleted_fd, off);
		prot = PROT_READ | PROT_WRITE;
		break;
	case 6:			/* shared anonymous memory */
		got = mmap(p, l->page, PROT_READ | PROT_WRITE,
			   MAP_SHARED | MAP_ANONYMOUS | fixed, -1, 0);
		prot = PROT_READ | PROT_WRITE;
		break;
	case 10:		/* shared file mapping, read */
		got = mmap(p, l->page, PROT_READ, MAP_SHARED | fixed, l->kept_fd, off);
		prot = PROT_READ;
		break;
	default:		/* private anonymous, read-only, never touched */
		got = mmap(p, l->page, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | fixed, -1, 0);
		prot = PROT_READ;
		break;
	}
	if (got == MAP_FAILED)
		die("mmap of page %ld", i);
	if (prot & PROT_WRITE)
		p[0] = (char)i;
	else if (prot & PROT_READ && r != 11)
		(void)*(volatile char *)p;
	/* Every 24th written anonymous page gets a name (kernel permitting). */
	if (r == 3 && i % 24 == 3)
		prctl(PR_SET_VMA, PR_SET_VMA_ANON_NAME, (unsigned long)p, l->page,
		      (unsigned long)"mkvmas arena");
}

static void build(struct layout *l)
{
	l->base = mmap(NULL, l->npages * l->page, PROT_NONE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (l->base == MAP_FAILED)
		die("cannot reserve %ld pages", l->npages);
	for (long i = 0; i < l->npages; i++)
		map_page(l, i);
}

/*
 * The second state: what a running program does between two snapshots.
 * Pages are chosen among the private anonymous ones (i % 12 in 1, 3, 7, 9).
 */
static void change(struct layout *l)
{
	for (long i = 0; i + 12 < l->npages; i += 12 * 50) {
		char *p = l->base + i * l->page;

		/* 7: read-write to read-only; 9: unmapped (a hole) */
		if (mprotect(p + 7 * l->page, l->page, PROT_READ))
			die("mprotect");
		if (munmap(p + 9 * l->page, l->page))
			die("munmap");
		/* 3 into the hole at 9 */
		if (mremap(p + 3 * l->page, l->page, l->page, MREMAP_MAYMOVE | MREMAP_FIXED,
			   p + 9 * l->page) == MAP_FAILED)
			die("mremap");
	}
}

/* Say how many VMAs there are; false when standard input has ended. */
static bool ready(void)
{
	char line[64];

	printf("%ld %ld\n", (long)getpid(), count_vmas());
	fflush(stdout);
	return fgets(line, sizeof(line), stdin) != NULL;
}

static void usage(void)
{
	fputs("usage: mkvmas [-n VMAS] [-d DIR]\n"
	      "Creates VMAS mappings in all (default 65000), prints \"PID VMAS\" and waits\n"
	      "for a line on stdin; then changes some, prints again and waits; then exits.\n",
	      stderr);
	exit(2);
}

int main(int argc, char **argv)
{
	struct layout l = { .page = sysconf(_SC_PAGESIZE) };
	const char *dir = getenv("TMPDIR");
	char deleted_path[4096];
	long want = 65000, have;
	int c;

	while ((c = getopt(argc, argv, "n:d:h")) != -1) {
		switch (c) {
		case 'n': want = strtol(optarg, NULL, 10); break;
		case 'd': dir = optarg; break;
		default: usage();
		}
	}
	if (optind != argc || want <= 0)
		usage();
	if (!dir || !*dir)
		dir = "/tmp";
	snprintf(l.kept_path, sizeof(l.kept_path), "%s/mkvmas %ld data file", dir, (long)getpid());
	snprintf(deleted_path, sizeof(deleted_path), "%s/mkvmas %ld deleted", dir, (long)getpid());
	l.kept_fd = make_file(l.kept_path, l.page);
	l.deleted_fd = make_file(deleted_path, l.page);
	unlink(deleted_path);

	have = count_vmas() + 1;	/* + the window's own line while it is reserved */
	if (want < have + 2) {
		errno = EINVAL;
		die("%ld VMAs asked, the process already has %ld", want, have);
	}
	l.npages = want - (have - 1);
	build(&l);
	if (ready()) {
		change(&l);
		ready();
	}
	unlink(l.kept_path);
	return 0;
}
