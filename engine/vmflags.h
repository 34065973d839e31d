/*
 * vmflags.h - VMA flags as vmatool's engine stores them.
 *
 * The kernel's VM_* bit numbers are private to a kernel build; what user space
 * sees is the two-letter mnemonics in the VmFlags line of smaps, printed in
 * kernel bit order.  vmatool numbers its flags in that same print order (Linux
 * 6.18, x86_64 and the other architectures' extras), so printing the set bits
 * from low to high reproduces the kernel's line.  Bits from VMF_NKNOWN up are
 * given at run time to mnemonics this table does not know (a newer kernel),
 * so that they are kept, not dropped.
 */
#ifndef VMATOOL_VMFLAGS_H
#define VMATOOL_VMFLAGS_H

#include <stddef.h>
#include <stdint.h>

typedef uint64_t vmf_t;

enum vmf_bit {
	VMF_READ_BIT,		/* rd */
	VMF_WRITE_BIT,		/* wr */
	VMF_EXEC_BIT,		/* ex */
	VMF_SHARED_BIT,		/* sh */
	VMF_MAYREAD_BIT,	/* mr */
	VMF_MAYWRITE_BIT,	/* mw */
	VMF_MAYEXEC_BIT,	/* me */
	VMF_MAYSHARE_BIT,	/* ms */
	VMF_GROWSDOWN_BIT,	/* gd */
	VMF_PFNMAP_BIT,		/* pf */
	VMF_MAYBE_GUARD_BIT,	/* gu (sticky) */
	VMF_LOCKED_BIT,		/* lo */
	VMF_IO_BIT,		/* io */
	VMF_SEQ_READ_BIT,	/* sr */
	VMF_RAND_READ_BIT,	/* rr */
	VMF_DONTCOPY_BIT,	/* dc */
	VMF_DONTEXPAND_BIT,	/* de */
	VMF_LOCKONFAULT_BIT,	/* lf */
	VMF_ACCOUNT_BIT,	/* ac */
	VMF_NORESERVE_BIT,	/* nr */
	VMF_HUGETLB_BIT,	/* ht */
	VMF_SYNC_BIT,		/* sf */
	VMF_ARCH_1_BIT,		/* ar */
	VMF_WIPEONFORK_BIT,	/* wf */
	VMF_DONTDUMP_BIT,	/* dd */
	VMF_BTI_BIT,		/* bt (arm64) */
	VMF_SOFTDIRTY_BIT,	/* sd (sticky) */
	VMF_MIXEDMAP_BIT,	/* mm */
	VMF_HUGEPAGE_BIT,	/* hg */
	VMF_NOHUGEPAGE_BIT,	/* nh */
	VMF_MERGEABLE_BIT,	/* mg */
	VMF_UFFD_MISSING_BIT,	/* um */
	VMF_UFFD_WP_BIT,	/* uw */
	VMF_MTE_BIT,		/* mt (arm64) */
	VMF_UFFD_MINOR_BIT,	/* ui */
	VMF_SHADOW_STACK_BIT,	/* ss */
	VMF_DROPPABLE_BIT,	/* dp */
	VMF_SEALED_BIT,		/* sl */
	VMF_NKNOWN
};

#define VMF(name) ((vmf_t)1 << VMF_##name##_BIT)

#define VMF_ACCESS	(VMF(READ) | VMF(WRITE) | VMF(EXEC))
#define VMF_STICKY	(VMF(SOFTDIRTY) | VMF(MAYBE_GUARD))
#define VMF_SPECIAL	(VMF(IO) | VMF(DONTEXPAND) | VMF(PFNMAP) | VMF(MIXEDMAP))
#define VMF_LOCKED_MASK	(VMF(LOCKED) | VMF(LOCKONFAULT))
#define VMF_UFFD_MASK	(VMF(UFFD_MISSING) | VMF(UFFD_WP) | VMF(UFFD_MINOR))

/* The two-letter mnemonic of a bit ("rd"), or NULL for an unused bit. */
const char *vmf_mnemonic(unsigned bit);
/* A longer name a person can read ("readable", "locked", "dontfork"). */
const char *vmf_describe(unsigned bit);
/*
 * Bit for a mnemonic of len bytes; an unknown mnemonic is given the next free
 * bit from VMF_NKNOWN on (shared by the whole program).  Returns -1 if none is
 * left or the text is not two printable characters.
 */
int vmf_lookup(const char *s, size_t len);

/*
 * Format the set bits as the smaps VmFlags value, each mnemonic followed by a
 * space ("rd wr mr mw me ac "), NUL-terminated.  Returns the length written
 * (needs at most 3 * 64 + 1 bytes).
 */
size_t vmf_format(vmf_t flags, char *buf, size_t cap);
/* "rw-p" as /proc prints the permissions of flags, NUL-terminated; returns 4. */
size_t vmf_perms(vmf_t flags, char buf[5]);

#endif
