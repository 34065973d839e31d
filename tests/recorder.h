/*
 * recorder.h - what the two halves of tests/recorder share: recorder-calls.c
 * makes the calls and writes them and the VMAs (no allocation, raw
 * syscalls, static buffers); recorder.c chooses the calls and runs the
 * sequences.  The output format is described at the top of recorder.c.
 * Built without sanitizers (see Makefile.am): their runtime's mappings
 * would be part of what is measured.
 */
#ifndef VMATOOL_RECORDER_H
#define VMATOOL_RECORDER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PG		4096ULL
#define WIN		0x7e0000000000ULL	/* the private window */
#define WIN_PAGES	48			/* where most calls land */
#define WIN_THP		(WIN + 0x400000)	/* a 2 MiB-aligned corner */
#define WIN_END		(WIN + 0x800000)
#define FILE_PAGES	1024			/* 4 MiB: offsets stay below 64 pages */
#define MAX_VMAS	1024
#define MAX_OURS	64
#define NFILES		4

/* The process's VMAs as last read from /proc/self/smaps. */
struct rvma {
	uint64_t start, end, off, ino;
	char perms[5];
	bool sealed, locked;
};
extern struct rvma rv[MAX_VMAS];
extern int nrv;

/* Ranges the kernel placed for us outside the window. */
struct range {
	uint64_t start, end;
};
extern struct range ours[MAX_OURS];
extern int nours;
extern bool setup_phase;	/* layout family, before the snapshot: nothing written */
extern uint64_t brk_start, brk_now;	/* the heap's start and the current break */

/* The files the calls map: fd 3 and 4 two opens of one file, 5 another, 6 read-only. */
struct rfile {
	int fd;
	int path;		/* index into file_path */
	int mode;		/* O_RDWR or O_RDONLY */
};
extern const char *file_path[2];
extern struct rfile files[NFILES];

void recorder_prepare(void);	/* signal handlers for touch, buffers faulted in */
void out_flush(void);
void out_mem(const char *s, size_t n);
void out_str(const char *s);
void out_u64(uint64_t v, unsigned base);
void out_dec(int64_t v);

void read_smaps(void);
void scan_smaps(bool emit);		/* fills rv; with emit, writes maps and VmFlags lines */
void dump_smaps(const char *section);	/* section header, then the whole smaps */

void add_ours(uint64_t start, uint64_t len);
bool in_ours(uint64_t s, uint64_t e);
void open_files(bool record);
void out_open(const struct rfile *f);

/* Each makes one call, writes it with its result, then the VMAs (== state). */
void do_mmap(uint64_t addr, uint64_t len, int prot, int flags, int fd, uint64_t off);
void do_range_call(const char *name, long nr, uint64_t addr, uint64_t len);
void do_mprotect(uint64_t addr, uint64_t len, int prot, bool pkey);
void do_mremap(uint64_t old, uint64_t old_len, uint64_t new_len, int flags, uint64_t new_addr);
void do_brk(uint64_t to);		/* brk(to): the kernel never fails it, returns the break */
void do_madvise(uint64_t addr, uint64_t len, int adv);
void do_mlock2(uint64_t addr, uint64_t len, unsigned flags);
void do_mseal(uint64_t addr, uint64_t len, unsigned long flags);
void do_mlockall(int flags);		/* 0: munlockall */
void do_anon_name(uint64_t addr, uint64_t len);
/* our own event: write (or read) one byte of each page */
void do_touch(uint64_t addr, uint64_t len, bool write);
void do_reopen(struct rfile *f);	/* close and open again: a new open */

#endif
