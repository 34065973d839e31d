/*
 * procmap.h - the PROCMAP_QUERY ioctl on /proc/PID/maps (Linux 6.11+): ask
 * the kernel for the VMA that covers an address (or the next one above it)
 * without reading the whole maps text.  Debian 12's headers lack it, so the
 * 104-byte structure is defined in procmap.c.  The kernel never reports
 * [vsyscall] through it.
 */
#ifndef VMATOOL_PROCMAP_H
#define VMATOOL_PROCMAP_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

/* One VMA as the ioctl gives it (find puts it into a model at once). */
struct procmap_vma {
	uint64_t start, end;
	uint64_t offset;	/* file offset in bytes (0 for anonymous) */
	uint64_t inode;
	uint32_t major, minor;
	bool r, w, x, shared;
	char name[4096 + 64];	/* as /proc/PID/maps prints it; "" if none */
};

/* Open /proc/PID/maps for queries; the fd, or a negative errno. */
int procmap_open(pid_t pid);
/*
 * The VMA covering addr; with or_next, the first VMA above addr when none
 * covers it.  0 and *out; -ENOENT if there is none; -ENOTTY or -EINVAL when
 * the kernel has no PROCMAP_QUERY; another negative errno on failure.
 */
int procmap_query(int fd, uint64_t addr, bool or_next, struct procmap_vma *out);
/*
 * The last VMA that ends at or below addr (addr must be in no VMA), found
 * by bisection over queries; 0, -ENOENT if none, or a negative errno.
 */
int procmap_query_prev(int fd, uint64_t addr, struct procmap_vma *out);

#endif
