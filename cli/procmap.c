/*
 * procmap.c - lookups through the PROCMAP_QUERY ioctl (see procmap.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "cli/procmap.h"
#include "engine/abi.h"

/* struct procmap_query of include/uapi/linux/fs.h, Linux 6.11 */
struct procmap_query_abi {
	uint64_t size;
	uint64_t query_flags;
	uint64_t query_addr;
	uint64_t vma_start;
	uint64_t vma_end;
	uint64_t vma_flags;
	uint64_t vma_page_size;
	uint64_t vma_offset;
	uint64_t inode;
	uint32_t dev_major;
	uint32_t dev_minor;
	uint32_t vma_name_size;
	uint32_t build_id_size;
	uint64_t vma_name_addr;
	uint64_t build_id_addr;
};

_Static_assert(sizeof(struct procmap_query_abi) == 104, "PROCMAP_QUERY ABI is 104 bytes");

int procmap_open(pid_t pid)
{
	char path[64];
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/maps", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	return fd < 0 ? -errno : fd;
}

int procmap_query(int fd, uint64_t addr, bool or_next, struct procmap_vma *out)
{
	struct procmap_query_abi q;

	memset(&q, 0, sizeof(q));
	q.size = sizeof(q);
	q.query_addr = addr;
	q.query_flags = or_next ? VMA_PROCMAP_QUERY_COVERING_OR_NEXT_VMA : 0;
	q.vma_name_addr = (uint64_t)(uintptr_t)out->name;
	q.vma_name_size = sizeof(out->name);
	/* defined before the kernel writes it: memcheck knows no PROCMAP_QUERY */
	memset(out->name, 0, sizeof(out->name));
	if (ioctl(fd, VMA_PROCMAP_QUERY, &q) < 0)
		return -errno;
	out->start = q.vma_start;
	out->end = q.vma_end;
	out->offset = q.vma_offset;
	out->inode = q.inode;
	out->major = q.dev_major;
	out->minor = q.dev_minor;
	out->r = q.vma_flags & VMA_PROCMAP_QUERY_VMA_READABLE;
	out->w = q.vma_flags & VMA_PROCMAP_QUERY_VMA_WRITABLE;
	out->x = q.vma_flags & VMA_PROCMAP_QUERY_VMA_EXECUTABLE;
	out->shared = q.vma_flags & VMA_PROCMAP_QUERY_VMA_SHARED;
	if (!q.vma_name_size)
		out->name[0] = 0;
	return 0;
}

int procmap_query_prev(int fd, uint64_t addr, struct procmap_vma *out)
{
	struct procmap_vma r;
	uint64_t lo = 0, hi = addr;
	bool found = false;

	/* invariant: the answer, if any, ends in (lo, hi] or is *out already */
	while (lo < hi) {
		uint64_t mid = lo + (hi - lo) / 2;
		int err = procmap_query(fd, mid, true, &r);

		if (err && err != -ENOENT)
			return err;
		if (!err && r.start < addr) {
			*out = r;
			found = true;
			lo = r.end;
		} else {
			hi = mid;
		}
	}
	return found ? 0 : -ENOENT;
}
