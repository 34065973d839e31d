/*
 * ops-live.h - run a scripted sequence of memory calls both on the live
 * kernel (in a forked child, inside a private window of its address space)
 * and on a model built from the child's own smaps, and compare the results
 * and every VMA's bounds, permissions and VmFlags after each call.
 */
#ifndef VMATOOL_OPS_LIVE_H
#define VMATOOL_OPS_LIVE_H

#include <stdint.h>

#include "abi.h"

#define PG	4096ULL
#define RW	(VMA_PROT_READ | VMA_PROT_WRITE)
#define RO	VMA_PROT_READ
#define PA	(VMA_MAP_PRIVATE | VMA_MAP_ANONYMOUS)
#define PAF	(PA | VMA_MAP_FIXED)
#define SAF	(VMA_MAP_SHARED | VMA_MAP_ANONYMOUS | VMA_MAP_FIXED)

enum live_op {
	L_END, L_MMAP, L_MUNMAP, L_MPROTECT, L_PKEY_MPROTECT, L_MADVISE, L_MLOCK2,
	L_MUNLOCK, L_MLOCKALL, L_MUNLOCKALL, L_MREMAP, L_MSEAL, L_TOUCH, L_BRK, L_FILL,
};

/*
 * Addresses are in pages from the window's base (which is 2 MiB aligned);
 * L_MMAP with a < 0 passes NULL; lengths are in pages unless bytes is set.
 *   L_MMAP      a=addr b=len c=prot d=flags e=file + 256 * offset in pages
 *               (file 0: anonymous; 1 and 2: two opens of one file; 3: a dup
 *               of 1; 4: a read-only open of another file; files are 4 MiB)
 *   L_MREMAP    a=addr b=old_len c=new_len d=flags e=new_addr
 *   L_MPROTECT  a b c=prot          L_PKEY_MPROTECT a b c=prot d=pkey
 *   L_MADVISE   a b c=advice        L_MLOCK2 a b c=flags    L_MUNLOCK a b
 *   L_MLOCKALL  c=flags             L_MSEAL a b c=flags     L_TOUCH a b
 *   L_BRK       a=pages above the current break (may be negative)
 *   L_FILL      a=addr c=margin: one-page VMAs until the map count is
 *               vm.max_map_count - margin (they are not compared one by one)
 */
struct lstep {
	enum live_op op;
	int64_t a, b, c, d, e;
};

/* Called for each check with its outcome and a description. */
typedef void (*live_report_fn)(int ok, const char *msg);

/* Run one scenario; returns the number of failed checks (-1: could not run). */
int live_scenario(const char *name, const struct lstep *steps, live_report_fn report);

/* Every scripted scenario and the random sequences (ops-scenarios.c). */
void ops_live_tests(live_report_fn report);

#endif
