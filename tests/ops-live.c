/*
 * ops-live.c - the live side of test-ops: scripted sequences of memory calls
 * run on this machine's kernel and on the engine, compared call by call.
 *
 * Each scenario runs in a forked child (so mseal and mlockall stay there).
 * The child frees a 2 MiB-aligned window of its address space, builds a
 * model from its own /proc/self/smaps, then for each step makes the real
 * system call and the engine call, and compares the returned value or errno
 * and, for every VMA that meets the window (or a range a call returned
 * outside it), start, end, permissions and VmFlags.  Calls that choose an
 * address (mmap without MAP_FIXED, mremap moves) are also predicted by a
 * model built from the smaps read just before the real call, because the
 * test's own allocations may change the layout outside the window; the
 * running model then follows the kernel's choice.
 *
 * The child reports through a pipe: one line per check, "1 text" or "0 text".
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/sysmacros.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/vfs.h>
#include <sys/wait.h>
#include <unistd.h>

#include "abi.h"
#include "maps.h"
#include "cli/machine.h"
#include "ops-live.h"
#include "vma.h"

#define WIN_PAGES	81920ULL		/* 320 MiB */
#define SMAPS_CAP	(64u << 20)

static char smaps_buf[SMAPS_CAP];
/* Files: 1 and 2 are two opens of one file, 3 a dup of 1, 4 a read-only open. */
#define NFILES		5
static int fds[NFILES];
static struct vma_mapfile mapfiles[NFILES];
static size_t smaps_len;
static uint64_t base;
static int report_fd;
static int failures;

static void say(int good, const char *fmt, ...)
{
	char line[1024];
	va_list ap;
	int n;

	line[0] = good ? '1' : '0';
	line[1] = ' ';
	va_start(ap, fmt);
	n = vsnprintf(line + 2, sizeof(line) - 3, fmt, ap);
	va_end(ap);
	if (n < 0)
		n = 0;
	if ((size_t)n > sizeof(line) - 4)
		n = (int)sizeof(line) - 4;
	for (int i = 2; i < n + 2; i++)
		if (line[i] == '\n')
			line[i] = '|';
	line[n + 2] = '\n';
	if (write(report_fd, line, (size_t)n + 3) < 0)
		_exit(3);
	if (!good)
		failures++;
}

static int read_smaps(void)
{
	int fd = open("/proc/self/smaps", O_RDONLY);
	ssize_t r;

	if (fd < 0)
		return -1;
	smaps_len = 0;
	while ((r = read(fd, smaps_buf + smaps_len, SMAPS_CAP - 1 - smaps_len)) > 0)
		smaps_len += (size_t)r;
	close(fd);
	smaps_buf[smaps_len] = 0;
	return r < 0 ? -1 : 0;
}

/* mmap_base: the kernel maps ld.so first, just below it. */
static uint64_t guess_mmap_base(const struct vma_model *m)
{
	uint64_t best = 0;

	for (const struct vma *v = m->first; v; v = v->next)
		if (strstr(vma_name(m, v->name), "/ld-linux") && v->end > best)
			best = v->end;
	return best;
}

/* start_stack (field 28) and start_brk (field 47) of /proc/self/stat. */
static void read_stat(struct vma_params *p)
{
	static char buf[4096];
	int fd = open("/proc/self/stat", O_RDONLY), field = 2;
	ssize_t n = fd < 0 ? -1 : read(fd, buf, sizeof(buf) - 1);
	char *s;

	if (fd >= 0)
		close(fd);
	if (n <= 0)
		return;
	buf[n] = 0;
	s = strrchr(buf, ')');
	for (; s && *s; s++) {
		if (*s != ' ')
			continue;
		field++;
		if (field == 28)
			p->start_stack = strtoull(s + 1, NULL, 10);
		if (field == 47)
			p->start_brk = strtoull(s + 1, NULL, 10);
	}
	p->brk = (uint64_t)syscall(SYS_brk, 0);
}

static int model_from_buf(struct vma_model *m)
{
	struct maps_parser p;
	struct vma_params prm;

	vma_params_default(&prm);
	machine_probe(&prm);	/* probed by the parent before the window was made */
	if (vma_model_init(m, &prm) < 0)
		return -1;
	maps_parser_init(&p, m);
	if (maps_parse(&p, smaps_buf, smaps_len, true) < 0 || maps_parser_finish(&p) < 0) {
		vma_model_release(m);
		return -1;
	}
	vma_infer_hidden(m);
	/* This is a forked child: anon_vmas from before the fork are shared. */
	for (struct vma *v = m->first; v; v = v->next)
		if (v->anon_vma)
			v->bits |= VMA_B_FORK_CHILD;
	read_stat(&m->p);
	m->p.mmap_base = guess_mmap_base(m);
	return m->p.mmap_base ? 0 : -1;
}

/* ---- what to compare ------------------------------------------------------- */

struct range { uint64_t s, e; };
static struct range ranges[64];
static int nranges;

static void add_range(uint64_t s, uint64_t e)
{
	if (nranges < 64 && (s < base || e > base + WIN_PAGES * PG))
		ranges[nranges++] = (struct range){ s, e };
}

static uint64_t fill_lo, fill_hi;	/* L_FILL's VMAs: not compared one by one */

static bool interesting(uint64_t s, uint64_t e)
{
	if (s >= fill_lo && e <= fill_hi)
		return false;
	for (int i = 0; i < nranges; i++)
		if (s < ranges[i].e && e > ranges[i].s)
			return true;
	return false;
}

static void addr_text(char *buf, size_t len, uint64_t a)
{
	if (a >= base)
		snprintf(buf, len, "+%llx", (unsigned long long)((a - base) / PG));
	else
		snprintf(buf, len, "-%llx", (unsigned long long)((base - a) / PG));
}

/* One line per VMA: "+pages-+pages rw-p rd wr mr mw me ac" */
static size_t layout_line(char *out, size_t cap, uint64_t s, uint64_t e, const char *perms,
			  const char *flags)
{
	char a[32], b[32];

	addr_text(a, sizeof(a), s);
	addr_text(b, sizeof(b), e);
	return (size_t)snprintf(out, cap, "%s..%s %s %s;", a, b, perms, flags);
}

static void live_layout(char *out, size_t cap)
{
	char *line = smaps_buf, *nl;
	uint64_t s = 0, e = 0;
	char perms[8] = "";
	bool want = false;
	size_t n = 0;

	out[0] = 0;
	for (; *line; line = nl + 1) {
		unsigned long long a, b;
		char p[8];

		nl = strchr(line, '\n');
		if (nl == NULL)
			break;
		*nl = 0;
		if (sscanf(line, "%llx-%llx %7s", &a, &b, p) == 3 && strchr(line, ' ') &&
		    strchr(line, '-') < strchr(line, ' ')) {
			s = a;
			e = b;
			strcpy(perms, p);
			want = interesting(s, e);
		} else if (want && strncmp(line, "VmFlags:", 8) == 0) {
			char *f = line + 8;
			size_t l;

			while (*f == ' ')
				f++;
			l = strlen(f);
			while (l && f[l - 1] == ' ')
				f[--l] = 0;
			if (n < cap)
				n += layout_line(out + n, cap - n, s, e, perms, f);
		}
		*nl = '\n';
	}
}

static void model_layout(const struct vma_model *m, char *out, size_t cap)
{
	size_t n = 0;

	out[0] = 0;
	for (const struct vma *v = m->first; v && n < cap; v = v->next) {
		char perms[5], flags[200];
		size_t l;

		if (!interesting(v->start, v->end))
			continue;
		perms[0] = v->flags & VMF(READ) ? 'r' : '-';
		perms[1] = v->flags & VMF(WRITE) ? 'w' : '-';
		perms[2] = v->flags & VMF(EXEC) ? 'x' : '-';
		perms[3] = v->flags & VMF(MAYSHARE) ? 's' : 'p';
		perms[4] = 0;
		l = vmf_format(v->flags, flags, sizeof(flags));
		while (l && flags[l - 1] == ' ')
			flags[--l] = 0;
		n += layout_line(out + n, cap - n, v->start, v->end, perms, flags);
	}
}

/* ---- the calls ------------------------------------------------------------------ */

static uint64_t A(int64_t pages)
{
	return base + (uint64_t)pages * PG;
}

static long sys_result(long r)
{
	return r == -1 ? -errno : r;
}

static long count_maps(void)
{
	static char buf[1 << 16];
	int fd = open("/proc/self/maps", O_RDONLY);
	long lines = 0;
	ssize_t r;

	while (fd >= 0 && (r = read(fd, buf, sizeof(buf))) > 0)
		for (ssize_t i = 0; i < r; i++)
			lines += buf[i] == '\n';
	if (fd >= 0)
		close(fd);
	return lines - 1;	/* [vsyscall] is not in the mm */
}

static long max_map_count(void)
{
	char buf[32] = "";
	int fd = open("/proc/sys/vm/max_map_count", O_RDONLY);

	if (fd >= 0) {
		if (read(fd, buf, sizeof(buf) - 1) < 0)
			buf[0] = 0;
		close(fd);
	}
	return atol(buf);
}

/* One-page VMAs of alternating permissions from page a until the map count is max - c. */
static long fill_pages;

static long live_fill(const struct lstep *s)
{
	long k = max_map_count() - s->c - count_maps();

	fill_pages = k;
	fill_lo = A(s->a);
	fill_hi = A(s->a + k);
	for (long i = 0; i < k; i++)
		if (mmap((void *)A(s->a + i), PG, i & 1 ? PROT_READ : PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) == MAP_FAILED)
			return -errno;
	return 0;
}

static long live_call(const struct lstep *s, uint64_t *brk_now)
{
	switch (s->op) {
	case L_MMAP:
		return sys_result((long)syscall(SYS_mmap, s->a < 0 ? 0 : A(s->a), s->b * PG,
						s->c, s->d, s->e & 0xff ? fds[s->e & 0xff] : -1,
						(s->e >> 8) * PG));
	case L_MUNMAP:
		return sys_result(syscall(SYS_munmap, A(s->a), s->b * PG));
	case L_MPROTECT:
		return sys_result(syscall(SYS_mprotect, A(s->a), s->b * PG, s->c));
	case L_PKEY_MPROTECT:
		return sys_result(syscall(SYS_pkey_mprotect, A(s->a), s->b * PG, s->c, s->d));
	case L_MADVISE:
		return sys_result(syscall(SYS_madvise, A(s->a), s->b * PG, s->c));
	case L_MLOCK2:
		return sys_result(syscall(SYS_mlock2, A(s->a), s->b * PG, s->c));
	case L_MUNLOCK:
		return sys_result(syscall(SYS_munlock, A(s->a), s->b * PG));
	case L_MLOCKALL:
		return sys_result(syscall(SYS_mlockall, s->c));
	case L_MUNLOCKALL:
		return sys_result(syscall(SYS_munlockall));
	case L_MREMAP:
		return sys_result(syscall(SYS_mremap, A(s->a), s->b * PG, s->c * PG, s->d, A(s->e)));
	case L_MSEAL:
		return sys_result(syscall(462, A(s->a), s->b * PG, s->c));
	case L_TOUCH:
		for (int64_t i = 0; i < s->b; i++)
			*(volatile char *)A(s->a + i) = 1;
		return 0;
	case L_FILL:
		return live_fill(s);
	case L_BRK:
		*brk_now = (uint64_t)syscall(SYS_brk, 0);
		return syscall(SYS_brk, *brk_now + (uint64_t)(s->a * (int64_t)PG));
	case L_END:
		break;
	}
	return -ENOSYS;
}

static long model_call(struct vma_model *m, const struct lstep *s, int64_t fixed_at)
{
	uint64_t res = 0;
	int r = -ENOSYS;

	switch (s->op) {
	case L_MMAP: {
		const struct vma_mapfile *f = s->e & 0xff ? &mapfiles[s->e & 0xff] : NULL;
		uint64_t off = (uint64_t)(s->e >> 8) * PG;

		if (fixed_at >= 0)
			r = vma_mmap(m, (uint64_t)fixed_at, s->b * PG, (int)s->c,
				     (int)s->d | VMA_MAP_FIXED, f, off, &res, NULL);
		else
			r = vma_mmap(m, s->a < 0 ? 0 : A(s->a), s->b * PG, (int)s->c, (int)s->d,
				     f, off, &res, NULL);
		break;
	}
	case L_MUNMAP:
		return vma_munmap(m, A(s->a), s->b * PG, NULL);
	case L_MPROTECT:
		return vma_mprotect(m, A(s->a), s->b * PG, (int)s->c, -1, NULL);
	case L_PKEY_MPROTECT:
		return vma_mprotect(m, A(s->a), s->b * PG, (int)s->c, (int)s->d, NULL);
	case L_MADVISE:
		return vma_madvise(m, A(s->a), s->b * PG, (int)s->c, NULL);
	case L_MLOCK2:
		return vma_mlock(m, A(s->a), s->b * PG, (unsigned)s->c, NULL);
	case L_MUNLOCK:
		return vma_munlock(m, A(s->a), s->b * PG, NULL);
	case L_MLOCKALL:
		return vma_mlockall(m, (int)s->c, NULL);
	case L_MUNLOCKALL:
		return vma_munlockall(m, NULL);
	case L_MREMAP:
		if (fixed_at >= 0)
			r = vma_mremap(m, A(s->a), s->b * PG, s->c * PG,
				       (int)s->d | VMA_MREMAP_FIXED | VMA_MREMAP_MAYMOVE,
				       (uint64_t)fixed_at, &res, NULL);
		else
			r = vma_mremap(m, A(s->a), s->b * PG, s->c * PG, (int)s->d, A(s->e), &res, NULL);
		break;
	case L_MSEAL:
		return vma_mseal(m, A(s->a), s->b * PG, (unsigned long)s->c, NULL);
	case L_TOUCH:
		return vma_touch(m, A(s->a), s->b * PG, NULL);
	case L_BRK:
		r = vma_brk(m, m->p.brk + (uint64_t)(s->a * (int64_t)PG), &res, NULL);
		break;
	case L_FILL:
		m->p.max_map_count = (uint32_t)max_map_count();
		for (long i = 0; i < fill_pages; i++) {
			r = vma_mmap(m, A(s->a + i), PG, i & 1 ? RO : RW, PAF, NULL, 0,
				     &res, NULL);
			if (r < 0)
				return r;
		}
		/*
		 * The model's own allocations may have mapped memory: give back
		 * as many fill pages, and lower the model's limit by what it
		 * does not see.
		 */
		for (long extra = count_maps() - (max_map_count() - s->c); extra > 0; extra--) {
			fill_pages--;
			munmap((void *)A(s->a + fill_pages), PG);
			vma_munmap(m, A(s->a + fill_pages), PG, NULL);
		}
		m->p.max_map_count -= (uint32_t)(count_maps() - (long)m->count);
		return 0;
	case L_END:
		break;
	}
	return r < 0 ? r : (long)res;
}

/*
 * Let the model take the memory for n more VMAs now: once the process is at
 * its map count limit, the allocator's mmaps (the engine's slabs) would fail.
 */
static void model_reserve(struct vma_model *m, long n)
{
	struct vma **v = n > 0 ? calloc((size_t)n, sizeof(*v)) : NULL;
	long i;

	if (v == NULL)
		return;
	for (i = 0; i < n && (v[i] = vma_alloc(m)) != NULL; i++)
		;
	while (i-- > 0)
		vma_free(m, v[i]);
	free(v);
}

/* Does the kernel choose the address here? */
static bool places(const struct lstep *s)
{
	if (s->op == L_MMAP)
		return !(s->d & (VMA_MAP_FIXED | VMA_MAP_FIXED_NOREPLACE));
	if (s->op == L_MREMAP)
		return (s->d & VMA_MREMAP_MAYMOVE) && !(s->d & VMA_MREMAP_FIXED);
	return false;
}

static void check_step(struct vma_model *m, const struct lstep *s, int i, const char *name)
{
	static char want[1 << 18], got[1 << 18];
	uint64_t brk_now = 0;
	long live, model, predicted = 0;
	bool placed = places(s);
	struct vma_model snap;
	char err[256];

	if (placed && read_smaps() < 0)
		placed = false;
	if (s->op == L_BRK)
		m->p.brk = (uint64_t)syscall(SYS_brk, 0);
	if (s->op == L_FILL)
		model_reserve(m, max_map_count() - s->c - count_maps());
	live = live_call(s, &brk_now);
	if (placed && model_from_buf(&snap) == 0) {
		predicted = model_call(&snap, s, -1);
		vma_model_release(&snap);
		say(predicted == live, "%s: step %d places like the kernel (model %lx, kernel %lx)",
		    name, i, predicted, live);
	}
	if (s->op == L_MREMAP && live == (long)A(s->a))
		placed = false;		/* grew in place */
	model = model_call(m, s, placed && live > 0 && (live & (PG - 1)) == 0 ? live : -1);
	say(model == live, "%s: step %d returns %ld (model %ld)", name, i, live, model);
	if (live > 0 && (s->op == L_MMAP || s->op == L_MREMAP))
		add_range((uint64_t)live, (uint64_t)live + (s->op == L_MMAP ? s->b : s->c) * PG);
	say(vma_validate(m, err, sizeof(err)) == 0, "%s: step %d model valid %s", name, i, err);
	if (read_smaps() < 0) {
		say(0, "%s: cannot read smaps", name);
		return;
	}
	live_layout(want, sizeof(want));
	model_layout(m, got, sizeof(got));
	say(strcmp(want, got) == 0, "%s: step %d layout|kernel: %s|model:  %s", name, i, want, got);
}

/* Two 4 MiB files on /tmp, opened as the scenarios' descriptors 1 to 4. */
static int open_files(void)
{
	char p1[] = "/tmp/vmatool-ops-XXXXXX", p2[] = "/tmp/vmatool-ops-XXXXXX";
	int a = mkstemp(p1), b = mkstemp(p2);

	if (a < 0 || b < 0 || ftruncate(a, 1024 * PG) < 0 || ftruncate(b, 1024 * PG) < 0)
		return -1;
	fds[1] = a;
	fds[2] = open(p1, O_RDWR);
	fds[3] = dup(a);
	fds[4] = open(p2, O_RDONLY);
	unlink(p1);
	unlink(p2);
	close(b);
	return fds[2] < 0 || fds[3] < 0 || fds[4] < 0 ? -1 : 0;
}

static void describe_files(struct vma_model *m)
{
	for (int k = 1; k < NFILES; k++) {
		struct statfs sf;
		struct stat st;

		if (fstat(fds[k], &st) < 0 || fstatfs(fds[k], &sf) < 0)
			continue;
		mapfiles[k] = (struct vma_mapfile){
			.file = k == 3 ? mapfiles[1].file : vma_file_open(m),
			.name = vma_intern(m, "/tmp/f (deleted)", 16),
			.dev = VMA_DEV(major(st.st_dev), minor(st.st_dev)),
			.inode = st.st_ino,
			.thp_align = sf.f_type == 0xEF53 || sf.f_type == 0x58465342 ||
				     sf.f_type == (typeof(sf.f_type))0x9123683E,
			.readonly = k == 4,
		};
	}
}

static void child(const char *name, const struct lstep *steps)
{
	struct vma_model m;
	void *p;

	if (open_files() < 0) {
		say(0, "%s: cannot create the test files", name);
		_exit(1);
	}

	/* Room above the window for what the test's own allocations map. */
	p = mmap(NULL, (WIN_PAGES + 32768) * PG, PROT_NONE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (p == MAP_FAILED)
		_exit(2);
	base = ((uint64_t)p + (2u << 20) - 1) & ~((2ULL << 20) - 1);
	munmap(p, (WIN_PAGES + 32768) * PG);
	nranges = 0;
	fill_lo = fill_hi = 0;
	ranges[nranges++] = (struct range){ base, base + WIN_PAGES * PG };
	if (read_smaps() < 0 || model_from_buf(&m) < 0) {
		say(0, "%s: cannot build the model from smaps", name);
		_exit(1);
	}
	describe_files(&m);
	for (int i = 0; steps[i].op != L_END; i++)
		check_step(&m, &steps[i], i, name);
	vma_model_release(&m);
	_exit(failures ? 1 : 0);
}

int live_scenario(const char *name, const struct lstep *steps, live_report_fn report)
{
	static char buf[1 << 20];
	int pfd[2], status, bad = 0;
	size_t len = 0;
	ssize_t r;
	pid_t pid;

	if (pipe(pfd) < 0)
		return -1;
	fflush(stdout);
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		close(pfd[0]);
		report_fd = pfd[1];
		child(name, steps);
	}
	close(pfd[1]);
	while ((r = read(pfd[0], buf + len, sizeof(buf) - 1 - len)) > 0)
		len += (size_t)r;
	close(pfd[0]);
	buf[len] = 0;
	waitpid(pid, &status, 0);
	for (char *line = buf, *nl; (nl = strchr(line, '\n')) != NULL; line = nl + 1) {
		*nl = 0;
		report(line[0] == '1', line + 2);
		bad += line[0] != '1';
	}
	if (len == 0 || WIFSIGNALED(status)) {
		char msg[160];

		snprintf(msg, sizeof(msg), "%s: the scenario ran to its end (status %#x)", name, status);
		report(0, msg);
		bad++;
	}
	return bad;
}
