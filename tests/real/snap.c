/*
 * snap.c - the snapshotter of `make check-real`: an LD_AUDIT library that
 * saves /proc/self/smaps of every process it is loaded into, at exec (from
 * la_version, before the program's libraries are loaded) and at exit (a
 * destructor), each right next to a marker call strace shows as
 * `madvise(NULL, 0, MADV_NORMAL) = 0`:
 *
 *     exec:  smaps -> DIR/PID.start, then the marker
 *     exit:  the marker, then smaps -> DIR/PID.end
 *
 * so that the strace log of the process between its two markers replays
 * from PID.start to PID.end.  Only raw system calls and static buffers are
 * used: nothing here maps, unmaps or allocates, so the snapshots record the
 * address space as the program made it.  DIR is $VMATOOL_SNAP_DIR.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <link.h>
#include <stddef.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

static char buf[16 << 20];	/* the smaps text: in .bss, mapped from the start */
static char path[4096];
static int started;

static long raw(long n, long a, long b, long c)
{
	return syscall(n, a, b, c);
}

static size_t cat(size_t at, const char *s)
{
	while (*s && at + 1 < sizeof(path))
		path[at++] = *s++;
	path[at] = '\0';
	return at;
}

/* DIR/PID.SUFFIX in path; 0 if VMATOOL_SNAP_DIR is not set. */
static int make_path(const char *suffix)
{
	extern char **environ;
	char num[24];
	long pid = raw(SYS_getpid, 0, 0, 0);
	size_t at = 0, n = 0;

	for (char **e = environ; e && *e; e++) {
		const char *k = "VMATOOL_SNAP_DIR=", *v = *e;
		while (*k && *v == *k)
			k++, v++;
		if (!*k) {
			at = cat(0, v);
			break;
		}
	}
	if (!at)
		return 0;
	do
		num[n++] = (char)('0' + pid % 10);
	while ((pid /= 10) > 0);
	at = cat(at, "/");
	while (n)
		path[at++] = num[--n];
	path[at] = '\0';
	cat(at, suffix);
	return 1;
}

static void save(const char *suffix)
{
	long in, out, r;
	size_t n = 0;

	if (!make_path(suffix))
		return;
	in = raw(SYS_open, (long)"/proc/self/smaps", O_RDONLY, 0);
	if (in < 0)
		return;
	while (n < sizeof(buf) && (r = raw(SYS_read, in, (long)(buf + n), (long)(sizeof(buf) - n))) > 0)
		n += (size_t)r;
	raw(SYS_close, in, 0, 0);
	out = raw(SYS_open, (long)path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (out < 0)
		return;
	for (size_t w = 0; w < n && (r = raw(SYS_write, out, (long)(buf + w), (long)(n - w))) > 0;)
		w += (size_t)r;
	raw(SYS_close, out, 0, 0);
}

static void marker(void)
{
	raw(SYS_madvise, 0, 0, MADV_NORMAL);
}

unsigned int la_version(unsigned int version)
{
	save(".start");
	marker();
	started = 1;
	return version;
}

__attribute__((destructor)) static void at_exit(void)
{
	if (!started)
		return;
	marker();
	save(".end");
}
