/*
 * recorder-calls.c - the recorder's hands: each memory call made as a raw
 * system call, written in strace syntax with its result, followed by the
 * VMAs /proc/self/smaps shows after it.  Nothing here allocates: output
 * goes through a static buffer and write(2), smaps is read with read(2).
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "abi.h"
#include "recorder.h"

#ifndef SYS_mseal
#define SYS_mseal 462
#endif

/* ---- output: a static buffer and write(2) -------------------------------- */

static char out[1 << 21];
static size_t outn;

void out_flush(void)
{
	size_t done = 0;

	while (done < outn) {
		ssize_t r = write(1, out + done, outn - done);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			_exit(3);
		done += r;
	}
	outn = 0;
}

void out_mem(const char *s, size_t n)
{
	if (outn + n > sizeof(out))
		out_flush();
	if (n > sizeof(out))
		_exit(3);
	memcpy(out + outn, s, n);
	outn += n;
}

void out_str(const char *s)
{
	out_mem(s, strlen(s));
}

void out_u64(uint64_t v, unsigned base)
{
	char b[24];
	int i = sizeof(b);

	do {
		b[--i] = "0123456789abcdef"[v % base];
		v /= base;
	} while (v);
	if (base == 16)
		out_str("0x");
	out_mem(b + i, sizeof(b) - i);
}

void out_dec(int64_t v)
{
	if (v < 0) {
		out_str("-");
		v = -v;
	}
	out_u64((uint64_t)v, 10);
}

/* strace prints addresses in hex, NULL for 0 */
static void out_addr(uint64_t a)
{
	if (a)
		out_u64(a, 16);
	else
		out_str("NULL");
}

struct sym {
	uint64_t val;
	const char *name;
};

/* Flag words: known bits by name joined with '|', the rest as hex. */
static void out_flags(uint64_t v, const struct sym *t, const char *zero)
{
	bool first = true;

	for (; t->name; t++) {
		if (t->val && (v & t->val) == t->val) {
			if (!first)
				out_str("|");
			out_str(t->name);
			v &= ~t->val;
			first = false;
		}
	}
	if (v || first) {
		if (!first)
			out_str("|");
		if (v || !zero)
			out_u64(v, 16);
		else
			out_str(zero);
	}
}

static const struct sym prot_syms[] = {
	{ VMA_PROT_READ, "PROT_READ" }, { VMA_PROT_WRITE, "PROT_WRITE" },
	{ VMA_PROT_EXEC, "PROT_EXEC" }, { VMA_PROT_GROWSDOWN, "PROT_GROWSDOWN" },
	{ 0, NULL }
};

static const struct sym map_syms[] = {
	{ VMA_MAP_SHARED_VALIDATE, "MAP_SHARED_VALIDATE" },
	{ VMA_MAP_SHARED, "MAP_SHARED" }, { VMA_MAP_PRIVATE, "MAP_PRIVATE" },
	{ VMA_MAP_DROPPABLE, "MAP_DROPPABLE" },
	{ VMA_MAP_FIXED, "MAP_FIXED" }, { VMA_MAP_ANONYMOUS, "MAP_ANONYMOUS" },
	{ VMA_MAP_GROWSDOWN, "MAP_GROWSDOWN" }, { VMA_MAP_LOCKED, "MAP_LOCKED" },
	{ VMA_MAP_NORESERVE, "MAP_NORESERVE" }, { VMA_MAP_POPULATE, "MAP_POPULATE" },
	{ VMA_MAP_STACK, "MAP_STACK" },
	{ VMA_MAP_FIXED_NOREPLACE, "MAP_FIXED_NOREPLACE" },
	{ 0, NULL }
};

static const struct sym mremap_syms[] = {
	{ VMA_MREMAP_MAYMOVE, "MREMAP_MAYMOVE" }, { VMA_MREMAP_FIXED, "MREMAP_FIXED" },
	{ VMA_MREMAP_DONTUNMAP, "MREMAP_DONTUNMAP" }, { 0, NULL }
};

static const struct sym mcl_syms[] = {
	{ VMA_MCL_CURRENT, "MCL_CURRENT" }, { VMA_MCL_FUTURE, "MCL_FUTURE" },
	{ VMA_MCL_ONFAULT, "MCL_ONFAULT" }, { 0, NULL }
};

static const struct sym madv_syms[] = {
	{ VMA_MADV_NORMAL, "MADV_NORMAL" }, { VMA_MADV_RANDOM, "MADV_RANDOM" },
	{ VMA_MADV_SEQUENTIAL, "MADV_SEQUENTIAL" }, { VMA_MADV_WILLNEED, "MADV_WILLNEED" },
	{ VMA_MADV_DONTNEED, "MADV_DONTNEED" }, { VMA_MADV_FREE, "MADV_FREE" },
	{ VMA_MADV_REMOVE, "MADV_REMOVE" }, { VMA_MADV_DONTFORK, "MADV_DONTFORK" },
	{ VMA_MADV_DOFORK, "MADV_DOFORK" }, { VMA_MADV_MERGEABLE, "MADV_MERGEABLE" },
	{ VMA_MADV_UNMERGEABLE, "MADV_UNMERGEABLE" }, { VMA_MADV_HUGEPAGE, "MADV_HUGEPAGE" },
	{ VMA_MADV_NOHUGEPAGE, "MADV_NOHUGEPAGE" }, { VMA_MADV_DONTDUMP, "MADV_DONTDUMP" },
	{ VMA_MADV_DODUMP, "MADV_DODUMP" }, { VMA_MADV_WIPEONFORK, "MADV_WIPEONFORK" },
	{ VMA_MADV_KEEPONFORK, "MADV_KEEPONFORK" }, { VMA_MADV_COLD, "MADV_COLD" },
	{ VMA_MADV_PAGEOUT, "MADV_PAGEOUT" }, { VMA_MADV_POPULATE_READ, "MADV_POPULATE_READ" },
	{ VMA_MADV_POPULATE_WRITE, "MADV_POPULATE_WRITE" },
	{ VMA_MADV_GUARD_INSTALL, "MADV_GUARD_INSTALL" },
	{ VMA_MADV_GUARD_REMOVE, "MADV_GUARD_REMOVE" },
	{ VMA_MADV_DONTNEED_LOCKED, "MADV_DONTNEED_LOCKED" },
	{ 999, NULL }
};

static void out_advice(int adv)
{
	const struct sym *t;

	for (t = madv_syms; t->name; t++)
		if (t->val == (uint64_t)adv) {
			out_str(t->name);
			return;
		}
	out_dec(adv);
}

static const struct { int e; const char *name, *text; } errnos[] = {
	{ EINVAL, "EINVAL", "Invalid argument" },
	{ ENOMEM, "ENOMEM", "Cannot allocate memory" },
	{ EACCES, "EACCES", "Permission denied" },
	{ EPERM, "EPERM", "Operation not permitted" },
	{ EEXIST, "EEXIST", "File exists" },
	{ EFAULT, "EFAULT", "Bad address" },
	{ EAGAIN, "EAGAIN", "Resource temporarily unavailable" },
	{ EBADF, "EBADF", "Bad file descriptor" },
	{ ENODEV, "ENODEV", "No such device" },
	{ EOVERFLOW, "EOVERFLOW", "Value too large for defined data type" },
	{ EBUSY, "EBUSY", "Device or resource busy" },
	{ ENOSYS, "ENOSYS", "Function not implemented" },
	{ EOPNOTSUPP, "EOPNOTSUPP", "Operation not supported" },
	{ EIO, "EIO", "Input/output error" },
	{ 0, NULL, NULL }
};

/* " = RESULT\n" from a raw syscall's return; hex for addresses. */
static void out_result(long r, int err, bool addr)
{
	int i;

	out_str(" = ");
	if (r != -1 || !err) {
		if (addr)
			out_u64((uint64_t)r, 16);
		else
			out_dec(r);
		out_str("\n");
		return;
	}
	out_str("-1 ");
	for (i = 0; errnos[i].name; i++)
		if (errnos[i].e == err)
			break;
	if (errnos[i].name) {
		out_str(errnos[i].name);
		out_str(" (");
		out_str(errnos[i].text);
		out_str(")\n");
	} else {
		out_str("E");
		out_dec(err);
		out_str("\n");
	}
}

/* ---- the process's own VMAs, read from /proc/self/smaps ------------------ */

static char smaps[1 << 20];
static size_t smapsn;

struct rvma rv[MAX_VMAS];
int nrv;

void read_smaps(void)
{
	int fd = open("/proc/self/smaps", O_RDONLY | O_CLOEXEC);
	ssize_t r;

	smapsn = 0;
	if (fd < 0)
		_exit(3);
	while ((r = read(fd, smaps + smapsn, sizeof(smaps) - 1 - smapsn)) > 0)
		smapsn += r;
	close(fd);
	if (r < 0 || smapsn >= sizeof(smaps) - 1)
		_exit(3);
	smaps[smapsn] = 0;
}

static uint64_t hex(const char **p)
{
	uint64_t v = 0;

	for (;; (*p)++) {
		char c = **p;

		if (c >= '0' && c <= '9')
			v = v * 16 + (c - '0');
		else if (c >= 'a' && c <= 'f')
			v = v * 16 + (c - 'a' + 10);
		else
			return v;
	}
}

static bool is_header(const char *l)
{
	return (*l >= '0' && *l <= '9') || (*l >= 'a' && *l <= 'f');
}

/* Parse smaps[] into rv[]; with emit, write each maps line and VmFlags line. */
void scan_smaps(bool emit)
{
	const char *l = smaps, *end = smaps + smapsn;

	nrv = 0;
	while (l < end) {
		const char *nl = memchr(l, '\n', end - l);
		const char *p = l;

		if (!nl)
			nl = end;
		if (is_header(l) && nrv < MAX_VMAS) {
			struct rvma *v = &rv[nrv++];

			memset(v, 0, sizeof(*v));
			v->start = hex(&p);
			p++;
			v->end = hex(&p);
			p++;
			memcpy(v->perms, p, 4);
			p += 5;
			v->off = hex(&p);
			p++;
			hex(&p);
			p++;
			hex(&p);
			p++;
			while (*p >= '0' && *p <= '9')
				v->ino = v->ino * 10 + (*p++ - '0');
		} else if (!strncmp(l, "VmFlags:", 8) && nrv) {
			rv[nrv - 1].sealed = memmem(l, nl - l, " sl", 3) != NULL;
			rv[nrv - 1].locked = memmem(l, nl - l, " lo", 3) != NULL;
		}
		if (emit && (is_header(l) || !strncmp(l, "VmFlags:", 8))) {
			out_mem(l, nl - l);
			out_str("\n");
		}
		l = nl + 1;
	}
}

static void dump_state(void)
{
	read_smaps();
	out_str("== state\n");
	scan_smaps(true);
}

void dump_smaps(const char *section)
{
	read_smaps();
	out_str(section);
	out_mem(smaps, smapsn);
	scan_smaps(false);
}

/* ---- what is ours: the window and what the kernel placed for us ---------- */

uint64_t brk_start, brk_now;
struct range ours[MAX_OURS];
int nours;
bool setup_phase;

void add_ours(uint64_t start, uint64_t len)
{
	if (start >= WIN && start + len <= WIN_END)
		return;
	if (nours < MAX_OURS)
		ours[nours++] = (struct range){ start, start + len };
}

bool in_ours(uint64_t s, uint64_t e)
{
	int i;

	if (s >= WIN && e <= WIN_END)
		return true;
	for (i = 0; i < nours; i++)
		if (s >= ours[i].start && e <= ours[i].end)
			return true;
	return false;
}

/* ---- files ----------------------------------------------------------------- */

const char *file_path[2];
struct rfile files[NFILES] = {
	{ 3, 0, O_RDWR }, { 4, 0, O_RDWR }, { 5, 1, O_RDWR }, { 6, 0, O_RDONLY },
};

void out_open(const struct rfile *f)
{
	out_str("openat(AT_FDCWD, \"");
	out_str(file_path[f->path]);
	out_str(f->mode == O_RDONLY ? "\", O_RDONLY) = " : "\", O_RDWR) = ");
	out_dec(f->fd);
	out_str("<");
	out_str(file_path[f->path]);
	out_str(">\n");
}

void open_files(bool record)
{
	int i;

	for (i = 0; i < NFILES; i++) {
		int fd = open(file_path[files[i].path], files[i].mode);

		if (fd < 0 || (fd != files[i].fd && dup2(fd, files[i].fd) < 0))
			_exit(3);
		if (fd != files[i].fd)
			close(fd);
		if (record)
			out_open(&files[i]);
	}
}

static void out_fd(int fd)
{
	int i;

	out_dec(fd);
	for (i = 0; i < NFILES; i++)
		if (files[i].fd == fd) {
			out_str("<");
			out_str(file_path[files[i].path]);
			out_str(">");
		}
}

/* ---- the calls --------------------------------------------------------------- */

static long sys_ret(long r, int *err)
{
	*err = r == -1 ? errno : 0;
	return r;
}

static void after_call(void)
{
	if (setup_phase)
		read_smaps(), scan_smaps(false);
	else
		dump_state();
}

void do_mmap(uint64_t addr, uint64_t len, int prot, int flags, int fd, uint64_t off)
{
	int err;
	long r = sys_ret(syscall(SYS_mmap, addr, len, prot, flags, fd, off), &err);

	out_str("mmap(");
	out_addr(addr);
	out_str(", ");
	out_dec(len);
	out_str(", ");
	out_flags(prot, prot_syms, "PROT_NONE");
	out_str(", ");
	out_flags(flags, map_syms, "0");
	out_str(", ");
	out_fd(fd);
	out_str(", ");
	if (off)
		out_u64(off, 16);
	else
		out_str("0");
	out_str(")");
	out_result(r, err, true);
	if (r != -1)
		add_ours((uint64_t)r, (len + PG - 1) & ~(PG - 1));
	after_call();
}

void do_range_call(const char *name, long nr, uint64_t addr, uint64_t len)
{
	int err;
	long r = sys_ret(syscall(nr, addr, len), &err);

	out_str(name);
	out_str("(");
	out_addr(addr);
	out_str(", ");
	out_dec(len);
	out_str(")");
	out_result(r, err, false);
	after_call();
}

void do_mprotect(uint64_t addr, uint64_t len, int prot, bool pkey)
{
	int err;
	long r = pkey ? syscall(SYS_pkey_mprotect, addr, len, prot, -1)
		      : syscall(SYS_mprotect, addr, len, prot);

	sys_ret(r, &err);
	out_str(pkey ? "pkey_mprotect(" : "mprotect(");
	out_addr(addr);
	out_str(", ");
	out_dec(len);
	out_str(", ");
	out_flags(prot, prot_syms, "PROT_NONE");
	out_str(pkey ? ", -1)" : ")");
	out_result(r, err, false);
	after_call();
}

void do_mremap(uint64_t old, uint64_t old_len, uint64_t new_len, int flags,
		      uint64_t new_addr)
{
	int err;
	long r = sys_ret(syscall(SYS_mremap, old, old_len, new_len, flags, new_addr), &err);

	out_str("mremap(");
	out_addr(old);
	out_str(", ");
	out_dec(old_len);
	out_str(", ");
	out_dec(new_len);
	out_str(", ");
	out_flags(flags, mremap_syms, "0");
	if (flags & VMA_MREMAP_FIXED) {
		out_str(", ");
		out_addr(new_addr);
	}
	out_str(")");
	out_result(r, err, true);
	if (r != -1)
		add_ours((uint64_t)r, (new_len + PG - 1) & ~(PG - 1));
	after_call();
}

void do_brk(uint64_t to)
{
	long r = syscall(SYS_brk, to);

	out_str("brk(");
	out_addr(to);
	out_str(")");
	out_result(r, 0, true);
	brk_now = (uint64_t)r;
	after_call();
}

void do_madvise(uint64_t addr, uint64_t len, int adv)
{
	int err;
	long r = sys_ret(syscall(SYS_madvise, addr, len, adv), &err);

	out_str("madvise(");
	out_addr(addr);
	out_str(", ");
	out_dec(len);
	out_str(", ");
	out_advice(adv);
	out_str(")");
	out_result(r, err, false);
	after_call();
}

void do_mlock2(uint64_t addr, uint64_t len, unsigned flags)
{
	int err;
	long r = sys_ret(syscall(SYS_mlock2, addr, len, flags), &err);

	out_str("mlock2(");
	out_addr(addr);
	out_str(", ");
	out_dec(len);
	out_str(flags == VMA_MLOCK_ONFAULT ? ", MLOCK_ONFAULT)" : ", ");
	if (flags != VMA_MLOCK_ONFAULT) {
		out_u64(flags, flags ? 16 : 10);
		out_str(")");
	}
	out_result(r, err, false);
	after_call();
}

void do_mseal(uint64_t addr, uint64_t len, unsigned long flags)
{
	int err;
	long r = sys_ret(syscall(SYS_mseal, addr, len, flags), &err);

	out_str("mseal(");
	out_addr(addr);
	out_str(", ");
	out_dec(len);
	out_str(", ");
	out_u64(flags, flags ? 16 : 10);
	out_str(")");
	out_result(r, err, false);
	after_call();
}

void do_mlockall(int flags)
{
	int err;
	long r = sys_ret(flags ? syscall(SYS_mlockall, flags) : syscall(SYS_munlockall), &err);

	if (flags) {
		out_str("mlockall(");
		out_flags(flags, mcl_syms, "0");
		out_str(")");
	} else {
		out_str("munlockall()");
	}
	out_result(r, err, false);
	after_call();
}

void do_anon_name(uint64_t addr, uint64_t len)
{
	int err;
	long r = sys_ret(syscall(SYS_prctl, VMA_PR_SET_VMA, VMA_PR_SET_VMA_ANON_NAME,
				 addr, len, "rec"), &err);

	out_str("prctl(PR_SET_VMA, PR_SET_VMA_ANON_NAME, ");
	out_addr(addr);
	out_str(", ");
	out_dec(len);
	out_str(", \"rec\")");
	out_result(r, err, false);
	after_call();
}

static sigjmp_buf touch_env;

static void on_fault(int sig)
{
	(void)sig;
	siglongjmp(touch_env, 1);
}

/* Write (or read) one byte per page; record the pages that were reached. */
void do_touch(uint64_t addr, uint64_t len, bool write)
{
	static volatile uint64_t done;
	static volatile char sink;

	done = 0;
	if (!sigsetjmp(touch_env, 1)) {
		for (; done < len; done += PG) {
			if (write)
				*(volatile char *)(uintptr_t)(addr + done) = 1;
			else
				sink = *(volatile char *)(uintptr_t)(addr + done);
		}
	}
	if (!done)
		return;
	out_str("touch(");
	out_addr(addr);
	out_str(", ");
	out_dec(done);
	out_str(write ? ")\n" : ", PROT_READ)\n");
	after_call();
}

void do_reopen(struct rfile *f)
{
	int fd;

	close(f->fd);
	out_str("close(");
	out_dec(f->fd);
	out_str(") = 0\n");
	fd = open(file_path[f->path], f->mode);
	if (fd < 0 || (fd != f->fd && dup2(fd, f->fd) < 0))
		_exit(3);
	if (fd != f->fd)
		close(fd);
	out_open(f);
}


/* Before anything is recorded: fault handlers for touch, buffers faulted in. */
void recorder_prepare(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_fault;
	sa.sa_flags = SA_NODEFER;
	sigaction(SIGSEGV, &sa, NULL);
	sigaction(SIGBUS, &sa, NULL);
	memset(out, 0, sizeof(out));
	memset(smaps, 0, sizeof(smaps));
}
