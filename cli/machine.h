/*
 * machine.h - the machine description of the running kernel, probed without
 * root: the zero page by a read fault on a page of vmatool's own and
 * /proc/self/pagemap, the rest from /proc/sys, /sys/kernel/mm, /proc/cmdline
 * and a few harmless system calls.  The machine is probed once per run, and
 * only when a command needs it; the process part (the legacy layout of a
 * personality) per target.  The settings are engine/machine.h's.
 */
#ifndef VMATOOL_CLI_MACHINE_H
#define VMATOOL_CLI_MACHINE_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "engine/vma.h"

/*
 * The running machine's settings into the machine fields of *p (the others
 * are left alone).  Returns a mask of the setting indexes (1 << i) that could
 * not be probed and keep the upstream default.  Probes on the first call only.
 */
uint32_t machine_probe(struct vma_params *p);
/*
 * What of process pid's own changes its model's machine: the personality
 * ADDR_COMPAT_LAYOUT gives it the legacy layout; THP disabled by prctl
 * (THP_enabled: 0 in its status) makes thp never; CAP_SYS_RAWIO in the
 * initial user namespace gives cap_sys_rawio.  Unreadable: left alone.
 */
void machine_probe_process(struct vma_params *p, pid_t pid);

/* ---- the parsers of the probe, for the tests ---- */
/*
 * p->thp from the line of transparent_hugepage/enabled and that of the PMD
 * size's own hugepages-NkB/enabled (NULL where there is none): the latter's
 * mode unless it is "inherit".  Unreadable: thp is left alone.
 */
void machine_set_thp(struct vma_params *p, const char *enabled, const char *pmd_enabled);
/*
 * thp and shmem_thp from SYS_MM/transparent_hugepage (SYS_MM is
 * /sys/kernel/mm): absent where SYS_MM has no such directory, or where there
 * is no SYS_MM (no sysfs here) and MEMINFO has no AnonHugePages line.  false
 * when the mode cannot be told (no sysfs, THP built in): p is left alone.
 */
bool machine_probe_thp(struct vma_params *p, const char *sys_mm, const char *meminfo);
/*
 * The stack_guard_gap= of a kernel command line as the kernel takes it: the
 * last one with a decimal value (the others are ignored), before any "--",
 * quotes dropped, '-' and '_' alike in the name.  false if none.
 */
bool machine_cmdline_guard_gap(const char *cmdline, unsigned long long *pages);
/*
 * From the text of /proc/PID/status and /proc/PID/uid_map: does the process
 * hold CAP_SYS_RAWIO (CapEff bit 17) in the initial user namespace (the one
 * whose uid_map is "0 0 4294967295")?  NULL texts: false.
 */
bool machine_cap_sys_rawio(const char *status, const char *uid_map);
/*
 * lsm_mmap_min_addr from where a mmap hint of one page went (hinted), given
 * p's page size and mmap_min_addr: 0 where the sysctl's value explains it.
 */
void machine_set_lsm_min_addr(struct vma_params *p, uint64_t hinted);
/*
 * An int sysctl that is a flag (vm.legacy_va_layout: mmap_is_legacy takes any
 * value but 0): false if text is no decimal number.
 */
bool machine_sysctl_flag(const char *text, bool *on);

#endif
