/*
 * calls.h - the call language of `vmatool sim`: strace syntax, parsed and
 * applied to the engine.
 *
 * A line such as
 *   7225  12:09:03.226815 mmap(NULL, 8192, PROT_READ|PROT_WRITE,
 *         MAP_PRIVATE|MAP_ANONYMOUS, -1, 0) = 0x7f0a93653000
 * (one line in the file) is parsed into a struct call: the kind, the numeric
 * arguments (symbolic flags resolved to the Linux x86_64 values of abi.h),
 * the file of a `3</path>` descriptor, and the recorded result if any.  What
 * strace adds around calls (PID prefixes, `[pid N]`, -t/-tt/-ttt/-r
 * timestamps, -i instruction pointers, -T durations, `<unfinished ...>` and
 * `<... mmap resumed>` pairs, signal and exit lines) is accepted.  Calls that
 * do not change VMAs are recognised and counted, not applied.
 *
 * call_apply runs one call on a vma_model and says what the kernel would
 * return; it keeps the bookkeeping of descriptors (which open file a
 * mapping comes from, and how it was opened) in a struct calls_ctx.  The
 * access mode comes from the open, openat, openat2 or creat line that made
 * the descriptor (`= 3</path>`; O_RDONLY, O_WRONLY, O_RDWR, O_PATH, symbolic
 * or numeric); dup, dup2, dup3 and fcntl(F_DUPFD) share an open.  A
 * descriptor no line opened (`strace -e trace=memory` shows none) is taken
 * as O_RDWR, the mode in which every mapping does what it asks, unless the
 * snapshot maps that file shared without VM_MAYWRITE (only a read-only open
 * gives that) or, when following the log, a shared writable mmap of it was
 * refused with EACCES.
 *
 * Ownership: a struct call owns its strings (path, str, base names, text);
 * call_release frees them.  The parser and the ctx own their tables;
 * calls_parser_release / calls_ctx_release free them.  No I/O here: the
 * caller reads the lines, and supplies stat() through a callback.
 */
#ifndef VMATOOL_CALLS_H
#define VMATOOL_CALLS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vma.h"

enum call_kind {
	CALL_MMAP,
	CALL_MUNMAP,
	CALL_MPROTECT,
	CALL_PKEY_MPROTECT,
	CALL_MREMAP,
	CALL_BRK,
	CALL_MADVISE,
	CALL_MLOCK,
	CALL_MLOCK2,
	CALL_MUNLOCK,
	CALL_MLOCKALL,
	CALL_MUNLOCKALL,
	CALL_MSEAL,
	CALL_PRCTL_ANON_NAME,	/* prctl(PR_SET_VMA, PR_SET_VMA_ANON_NAME, a, l, "n") */
	CALL_TOUCH,		/* our own event: the program wrote (or, PROT_READ, read) [a, a+l) */
	CALL_CLOSE,		/* close(fd): ends that descriptor's open */
	CALL_FORK,		/* clone, clone3, fork, vfork: clone_flags, result = child */
	CALL_EXEC,		/* execve, execveat: str = the program */
	CALL_EXIT,		/* "+++ exited with 0 +++", "+++ killed by ... +++" */
	CALL_OTHER,		/* any other call: not applied, counted */
	CALL_KIND_COUNT
};

/* "mmap", "pkey_mprotect", "prctl", "touch", "other", ... */
const char *call_kind_name(enum call_kind kind);

#define CALL_MAX_ARGS 6

/*
 * One argument.  Plain numbers have base == NULL.  Address expressions
 * `[heap]+0x1000`, `libc.so.6+0x2000`, `[stack]-0x8000` keep the base name
 * (resolved by call_apply against the model as it is then): the address is
 * the start of the first VMA whose name is base (or whose path ends with
 * "/" base) plus, or minus when negative, value.
 */
struct call_arg {
	uint64_t value;
	char *base;		/* NULL, or the mapping name (owned) */
	bool negative;
	unsigned column;	/* 1-based column of the argument in the line */
};

struct call {
	enum call_kind kind;
	char name[32];		/* the call's name as written ("mmap", "openat") */
	unsigned nargs;
	struct call_arg arg[CALL_MAX_ARGS];
	/*
	 * mmap: arg[0..5] = addr, len, prot, flags, fd, offset
	 * munmap/mlock/munlock/touch: addr, len
	 * mprotect: addr, len, prot;  pkey_mprotect: addr, len, prot, pkey
	 * mremap: old_addr, old_len, new_len, flags[, new_addr]
	 * brk: addr;  madvise: addr, len, advice;  mlock2: addr, len, flags
	 * mlockall: flags;  mseal: addr, len, flags
	 * prctl anon name: arg[0..3] = PR_SET_VMA, PR_SET_VMA_ANON_NAME, addr, len
	 *   and str (NULL for a NULL name: clears)
	 * close: fd
	 */
	int fd;			/* mmap's or close's descriptor, -1 none */
	char *path;		/* the file of `fd</path>` (unescaped), or NULL */
	char *str;		/* prctl's name (unescaped), or NULL */

	/* The recorded result, if the line has ` = ...`. */
	bool has_result;
	bool result_unknown;	/* ` = ?` */
	int64_t result;		/* value (address, 0, -1) */
	int result_errno;	/* positive errno when the result is -1 ERRNO, else 0 */
	int result_fd;		/* `= 3</path>` of an open: the new descriptor, else -1 */
	char *result_path;	/* its path (owned), or NULL */

	/* CALL_FORK: the clone flags (fork: SIGCHLD, vfork: CLONE_VM|CLONE_VFORK|SIGCHLD) */
	uint64_t clone_flags;
	bool unfinished;	/* CALL_FORK: its "<unfinished ...>" half (the child may act first) */

	/* Where it came from. */
	size_t lineno;		/* line of the call (of its first part if resumed) */
	size_t endline;		/* line of its result (its second part if resumed) */
	long pid;		/* strace's PID prefix or [pid N], 0 if none */
	bool has_time;		/* -t, -tt, -ttt, --timestamps: when the call began */
	uint64_t time_ns;	/* of the day (-t, -tt) or since the epoch (-ttt) */
	char *text;		/* the call as written, without decorations (owned) */
};

void call_init(struct call *c);
void call_release(struct call *c);	/* frees the strings; c can be reused after call_init */

/* Errno names and numbers: "ENOMEM" <-> 12; NULL / 0 if unknown. */
const char *call_errno_name(int err);
int call_errno_parse(const char *s, size_t len);

/* ---- parsing ------------------------------------------------------------- */

struct calls_pending;		/* <unfinished ...> lines waiting for resumption */

struct calls_parser {
	size_t lineno;		/* of the last line given */
	/* counts of lines that were not calls to apply (return 1) */
	size_t n_blank;		/* blank lines, # comments, "strace: Process N attached" */
	size_t n_signal;	/* --- SIGxxx ... --- */
	size_t n_exit;		/* +++ exited/killed ... +++ */
	size_t n_unfinished;	/* <unfinished ...> first halves (joined later) */
	size_t n_dropped;	/* unfinished calls never resumed (process exited) */
	size_t n_other;		/* calls that do not change VMAs (CALL_OTHER) */
	struct calls_pending *pending;
	size_t npending, cappending;
	/* set when calls_parse_line returns -EINVAL */
	size_t errline;
	unsigned errcol;
	bool errfatal;		/* the failing line names a memory call */
	char errmsg[200];	/* "line 4, column 17: expected ',' after length" */
};

void calls_parser_init(struct calls_parser *p);
void calls_parser_release(struct calls_parser *p);

/*
 * Parse one line (len bytes, no '\n' needed; a trailing "\n" or "\r\n" is
 * ignored).  Returns 0 and fills *out (caller calls call_release later), or
 * 1 when the line is nothing to apply to a model (blank, comment, signal
 * line, the first half of an unfinished call, a call of kind CALL_OTHER,
 * and the process events CALL_FORK -- also its unfinished first half, with
 * out->unfinished --, CALL_EXEC and CALL_EXIT -- then *out is filled too, so
 * that descriptor and process bookkeeping can use it; the caller must still
 * call_release it), or -EINVAL with p->errmsg, -ENOMEM.  p->errfatal tells
 * whether the line that failed is a memory call (whose loss changes the
 * result) rather than a line sim does not need.
 * The line counter advances on every call.
 */
int calls_parse_line(struct calls_parser *p, const char *line, size_t len, struct call *out);

/*
 * End of input: unfinished calls that were never resumed (strace leaves
 * calls cut by the process's exit that way) are dropped and counted in
 * n_dropped.  Returns 0.
 */
int calls_parser_finish(struct calls_parser *p);

/*
 * Write c back in the call language (canonical symbolic flags, hex
 * addresses, no result).  Returns the length that would be written, as
 * snprintf does.
 */
size_t call_format(const struct call *c, char *buf, size_t cap);

/* ---- applying ------------------------------------------------------------ */

/* Where a descriptor's file is: device and inode; 0 on success or -errno. */
typedef int (*calls_stat_fn)(void *arg, const char *path, uint32_t *dev, uint64_t *inode);

/*
 * Does path's filesystem place mappings at 2 MiB boundaries (its
 * get_unmapped_area is thp_get_unmapped_area: ext2/3/4, xfs, btrfs, erofs)?
 */
typedef bool (*calls_thp_file_fn)(void *arg, const char *path);

struct calls_fdtab;		/* descriptor -> open-file identity (calls_fd.c) */

struct calls_ctx {
	/* Set by the caller before the first call_apply (calls_ctx_init zeroes). */
	calls_stat_fn stat;	/* NULL: files not in the snapshot get dev 0, inode 0 */
	calls_thp_file_fn thp_file;	/* NULL: no file mapping is THP aligned */
	void *stat_arg;		/* for both */
	bool follow_recorded;	/* default true: after a disagreement, follow the log */
	/*
	 * Take private writable memory as written as soon as it is mapped or
	 * made writable (it gets an anon_vma).  Without it, VMAs whose VM_ACCOUNT
	 * depends on such writes get VMA_B_UNSURE_ANON.
	 */
	bool assume_written;

	/* Bookkeeping (private). */
	struct calls_fdtab *fds;	/* NULL until the first descriptor */
	/*
	 * From the first call with a recorded result on (follow_recorded):
	 * the model one call behind, to undo a call the kernel did otherwise.
	 * Every call is applied to it too, so use one ctx with one model.
	 */
	struct vma_model shadow;
	bool have_shadow;

	/* Set when call_apply returns an error (-ENOENT for an unknown base). */
	unsigned errcol;
	char errmsg[200];
};

void calls_ctx_init(struct calls_ctx *ctx);
void calls_ctx_release(struct calls_ctx *ctx);

struct call_outcome {
	bool applied;		/* the call is a memory call that was simulated */
	bool has_value;		/* the call returns a value (touch does not) */
	int err;		/* predicted errno (positive), 0 on success */
	uint64_t value;		/* predicted result when err == 0 (address, 0, break) */
	bool disagree;		/* the recorded result differs from the prediction */
	bool followed;		/* the model was brought in line with the record */
	bool limit;		/* the call failed (or would) for vm.max_map_count */
	size_t vmas_before, vmas_after;
	/* resolved arguments (address expressions turned into numbers) */
	uint64_t arg[CALL_MAX_ARGS];
};

/*
 * Apply c to m.  Fills *out; effects go to fx (may be NULL).  Returns 0 when
 * the call was simulated (whatever its predicted result) or skipped (kind
 * CALL_OTHER, CALL_CLOSE), -ENOENT when an address expression names no
 * mapping (ctx->errmsg, ctx->errcol), -ENOMEM when memory ran out.
 * With ctx->follow_recorded and a recorded result that differs, the model is
 * brought to what the kernel did: an mmap or mremap that the kernel placed
 * elsewhere is redone at the recorded address, a call the kernel failed is
 * undone, a brk is redone to the recorded break; fx then describes what the
 * model finally did.
 */
int call_apply(struct calls_ctx *ctx, struct vma_model *m, const struct call *c,
	       struct call_outcome *out, struct vma_effects *fx);

/* ---- processes (engine/calls_proc.c) -------------------------------------- */

struct calls_mm;		/* one address space, shared by its threads */

/* One task of the log: a process, or a thread (leader != pid). */
struct calls_proc {
	long pid;		/* as the log names it; 0: the first process, unnumbered */
	long parent;		/* the task whose clone made it; -1 if no line says */
	long leader;		/* its thread group's first task (itself for a process) */
	struct calls_mm *mm;
	struct calls_fdtab *fds;
	size_t calls;		/* memory calls applied for it */
	unsigned execs;		/* successful execve calls */
	char *exe;		/* the program of the last execve (or the parent's), or NULL */
	size_t first_line;	/* of its first line */
	bool exited;
	bool guessed;		/* its origin is a guess: no clone line, or two in flight */
	bool was_partial;	/* calls_proc_partial of an exited task whose space is gone */
	bool fork_inflight;	/* its clone/fork is between <unfinished> and resumed */
	uint64_t fork_flags;
	size_t fork_line;
};

/* A model of pid taken at its execve (or the first process's start), or NULL. */
typedef const struct vma_model *(*calls_snapshot_fn)(void *arg, long pid);

struct calls_procs {
	/* Set by the caller before the first call (calls_procs_init: none, follow). */
	calls_stat_fn stat;
	calls_thp_file_fn thp_file;
	void *stat_arg;
	bool follow_recorded;
	bool assume_written;
	long keep_pid;		/* keep this task's space after it exits (and the first's) */
	bool keep_pid_given;
	calls_snapshot_fn snapshot;
	void *snapshot_arg;

	/* The tasks in the order they appeared (private but readable). */
	struct calls_proc *procs;
	size_t nprocs, cap, last;
	size_t nguessed;	/* tasks taken as threads of the first: no clone line */
	/* calls_procs_expect_child: a PID whose clone line comes after its first line */
	long expect_pid, expect_parent;
	uint64_t expect_flags;
	bool expect;
	struct vma_model *first_model;	/* the caller's, borrowed */
	char errmsg[200];	/* set when calls_procs_apply returns -ENOENT */
};

/*
 * Tell ps that task child, which has no line yet, was made by parent's
 * clone with these flags: a line further on says so.  strace -z prints a
 * call only once it returned, so a fork child's first lines can come before
 * its parent's clone line, with no "<unfinished ...>" to tell; the caller,
 * which reads ahead, says who made it.
 */
void calls_procs_expect_child(struct calls_procs *ps, long child, long parent, uint64_t flags);

/* first: the first process's model (borrowed: its changes are made in it). */
void calls_procs_init(struct calls_procs *ps, struct vma_model *first);
void calls_procs_release(struct calls_procs *ps);

/*
 * Apply c to the address space of the task c->pid (made known first if
 * new; see calls_proc.c for how); fork, exec and exit lines change the
 * tasks.  *who is that task (valid until the next call), NULL for the exit
 * of an unknown one.  Returns what call_apply returns (-ENOENT with
 * ps->errmsg), or -ENOMEM.
 */
int calls_procs_apply(struct calls_procs *ps, const struct call *c, struct call_outcome *out,
		      struct vma_effects *fx, struct calls_proc **who);
struct calls_proc *calls_procs_find(struct calls_procs *ps, long pid);
/* NULL once the task exited, unless it is the first or keep_pid. */
struct vma_model *calls_proc_model(const struct calls_proc *p);
/* Made by an execve without a snapshot: the image's own mappings are missing. */
bool calls_proc_partial(const struct calls_proc *p);
bool calls_proc_same_space(const struct calls_proc *a, const struct calls_proc *b);

#endif
