/*
 * vmflags.c - names of the VMA flags: the kernel's two-letter mnemonics in
 * print order, longer descriptions for people, and the VmFlags line format.
 *
 * Mnemonics this table does not know (a newer kernel) get bits from
 * VMF_NKNOWN up, assigned on first sight and shared by the whole program, so
 * that a VmFlags line is never silently shortened.  The table of such extra
 * mnemonics is process-wide state; the engine is single-threaded.
 */
#include <string.h>

#include "vmflags.h"

struct vmf_name {
	char mnemonic[3];
	const char *describe;
};

/* Indexed by enum vmf_bit: the order in which the kernel prints them. */
static const struct vmf_name vmf_known[VMF_NKNOWN] = {
	[VMF_READ_BIT]		= { "rd", "readable" },
	[VMF_WRITE_BIT]		= { "wr", "writable" },
	[VMF_EXEC_BIT]		= { "ex", "executable" },
	[VMF_SHARED_BIT]	= { "sh", "shared" },
	[VMF_MAYREAD_BIT]	= { "mr", "may-read" },
	[VMF_MAYWRITE_BIT]	= { "mw", "may-write" },
	[VMF_MAYEXEC_BIT]	= { "me", "may-exec" },
	[VMF_MAYSHARE_BIT]	= { "ms", "may-share" },
	[VMF_GROWSDOWN_BIT]	= { "gd", "grows-down" },
	[VMF_PFNMAP_BIT]	= { "pf", "pfn-map" },
	[VMF_MAYBE_GUARD_BIT]	= { "gu", "maybe-guard" },
	[VMF_LOCKED_BIT]	= { "lo", "locked" },
	[VMF_IO_BIT]		= { "io", "io" },
	[VMF_SEQ_READ_BIT]	= { "sr", "sequential-read" },
	[VMF_RAND_READ_BIT]	= { "rr", "random-read" },
	[VMF_DONTCOPY_BIT]	= { "dc", "dontfork" },
	[VMF_DONTEXPAND_BIT]	= { "de", "dontexpand" },
	[VMF_LOCKONFAULT_BIT]	= { "lf", "lock-on-fault" },
	[VMF_ACCOUNT_BIT]	= { "ac", "accounted" },
	[VMF_NORESERVE_BIT]	= { "nr", "no-reserve" },
	[VMF_HUGETLB_BIT]	= { "ht", "hugetlb" },
	[VMF_SYNC_BIT]		= { "sf", "sync-fault" },
	[VMF_ARCH_1_BIT]	= { "ar", "arch-specific" },
	[VMF_WIPEONFORK_BIT]	= { "wf", "wipe-on-fork" },
	[VMF_DONTDUMP_BIT]	= { "dd", "no-dump" },
	[VMF_BTI_BIT]		= { "bt", "bti-guarded" },
	[VMF_SOFTDIRTY_BIT]	= { "sd", "soft-dirty" },
	[VMF_MIXEDMAP_BIT]	= { "mm", "mixed-map" },
	[VMF_HUGEPAGE_BIT]	= { "hg", "hugepage" },
	[VMF_NOHUGEPAGE_BIT]	= { "nh", "no-hugepage" },
	[VMF_MERGEABLE_BIT]	= { "mg", "mergeable (KSM)" },
	[VMF_UFFD_MISSING_BIT]	= { "um", "userfaultfd-missing" },
	[VMF_UFFD_WP_BIT]	= { "uw", "userfaultfd-wp" },
	[VMF_MTE_BIT]		= { "mt", "memory-tagging" },
	[VMF_UFFD_MINOR_BIT]	= { "ui", "userfaultfd-minor" },
	[VMF_SHADOW_STACK_BIT]	= { "ss", "shadow-stack" },
	[VMF_DROPPABLE_BIT]	= { "dp", "droppable" },
	[VMF_SEALED_BIT]	= { "sl", "sealed" },
};

/* Mnemonics met at run time that the table above lacks, by bit. */
static char vmf_extra[64][3];
static unsigned vmf_next_extra = VMF_NKNOWN;

/* Fast lookup of lowercase mnemonics: 26 * 26 slots, bit + 1 (0 = none). */
static unsigned char vmf_index[26 * 26];
static int vmf_index_ready;

const char *vmf_mnemonic(unsigned bit)
{
	if (bit < VMF_NKNOWN)
		return vmf_known[bit].mnemonic;
	if (bit < vmf_next_extra && bit < 64)
		return vmf_extra[bit];
	return NULL;
}

const char *vmf_describe(unsigned bit)
{
	if (bit < VMF_NKNOWN)
		return vmf_known[bit].describe;
	if (bit < vmf_next_extra && bit < 64)
		return "unknown";
	return NULL;
}

static int vmf_slot(const char *s)
{
	if (s[0] < 'a' || s[0] > 'z' || s[1] < 'a' || s[1] > 'z')
		return -1;
	return (s[0] - 'a') * 26 + (s[1] - 'a');
}

static void vmf_index_build(void)
{
	for (unsigned bit = 0; bit < VMF_NKNOWN; bit++)
		vmf_index[vmf_slot(vmf_known[bit].mnemonic)] = (unsigned char)(bit + 1);
	vmf_index_ready = 1;
}

static int vmf_add_extra(const char *s)
{
	unsigned bit = vmf_next_extra;

	if (bit >= 64)
		return -1;
	vmf_extra[bit][0] = s[0];
	vmf_extra[bit][1] = s[1];
	vmf_extra[bit][2] = '\0';
	vmf_next_extra++;
	int slot = vmf_slot(s);
	if (slot >= 0)
		vmf_index[slot] = (unsigned char)(bit + 1);
	return (int)bit;
}

int vmf_lookup(const char *s, size_t len)
{
	if (len != 2 || s[0] <= ' ' || s[0] > '~' || s[1] <= ' ' || s[1] > '~')
		return -1;
	if (!vmf_index_ready)
		vmf_index_build();
	int slot = vmf_slot(s);
	if (slot >= 0) {
		if (vmf_index[slot])
			return vmf_index[slot] - 1;
		return vmf_add_extra(s);
	}
	for (unsigned bit = VMF_NKNOWN; bit < vmf_next_extra; bit++)
		if (vmf_extra[bit][0] == s[0] && vmf_extra[bit][1] == s[1])
			return (int)bit;
	return vmf_add_extra(s);
}

size_t vmf_format(vmf_t flags, char *buf, size_t cap)
{
	size_t n = 0;

	for (unsigned bit = 0; bit < 64 && flags; bit++) {
		if (!(flags & ((vmf_t)1 << bit)))
			continue;
		flags &= ~((vmf_t)1 << bit);
		const char *mn = vmf_mnemonic(bit);
		if (!mn || n + 4 > cap)
			continue;
		buf[n++] = mn[0];
		buf[n++] = mn[1];
		buf[n++] = ' ';
	}
	if (cap)
		buf[n < cap ? n : cap - 1] = '\0';
	return n;
}

size_t vmf_perms(vmf_t flags, char buf[5])
{
	buf[0] = flags & VMF(READ) ? 'r' : '-';
	buf[1] = flags & VMF(WRITE) ? 'w' : '-';
	buf[2] = flags & VMF(EXEC) ? 'x' : '-';
	buf[3] = flags & VMF(MAYSHARE) ? 's' : 'p';
	buf[4] = 0;
	return 4;
}
