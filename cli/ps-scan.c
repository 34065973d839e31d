/*
 * ps-scan.c - reading the machine's processes for `vmatool ps`: for each
 * numeric entry of /proc, its maps (count, guards, gaps: scanned by the view
 * layer, view_proc_scan_maps), its comm, its owner and, when asked for,
 * smaps_rollup.  Never smaps: a full read would cost the kernel a page-table
 * walk per VMA.  One buffer is reused for every file, read with read(2) in
 * large pieces (no stdio), so the pass costs little more than the kernel's
 * own printing of the maps (README.md, Benchmarks).
 *
 * A process that exits while read is skipped; one it may not read is
 * recorded (PID and comm) for a single closing line; kernel threads and
 * zombies (empty maps) have no address space and no row.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/ps.h"

#define PS_READ_CHUNK (256 * 1024)

/* Read dirfd/path whole into ps->buf: its length, or a negative errno. */
static long ps_read(struct ps_scan *ps, int dirfd, const char *path)
{
	int fd = openat(dirfd, path, O_RDONLY | O_CLOEXEC);
	size_t len = 0;

	if (fd < 0)
		return -errno;
	for (;;) {
		ssize_t n;

		if (ps->buf_cap - len < PS_READ_CHUNK) {
			size_t cap = ps->buf_cap ? ps->buf_cap * 2 : 2 * PS_READ_CHUNK;
			char *b = realloc(ps->buf, cap);

			if (!b) {
				close(fd);
				return -ENOMEM;
			}
			ps->buf = b;
			ps->buf_cap = cap;
		}
		n = read(fd, ps->buf + len, ps->buf_cap - len - 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			int err = n < 0 ? errno : 0;

			close(fd);
			if (err)
				return -err;
			break;
		}
		len += (size_t)n;
	}
	ps->buf[len] = 0;
	return (long)len;
}

/* The user name of uid, looked up once; NULL only when memory runs out. */
static const char *ps_user_name(struct ps_scan *ps, unsigned uid)
{
	struct passwd *pw;
	char digits[16];

	for (size_t i = 0; i < ps->nusers; i++)
		if (ps->users[i].uid == uid)
			return ps->users[i].name;
	if (ps->nusers == ps->users_cap) {
		size_t cap = ps->users_cap ? ps->users_cap * 2 : 16;
		struct ps_user *u = realloc(ps->users, cap * sizeof(*u));

		if (!u)
			return NULL;
		ps->users = u;
		ps->users_cap = cap;
	}
	pw = getpwuid(uid);
	snprintf(digits, sizeof(digits), "%u", uid);
	ps->users[ps->nusers].uid = uid;
	ps->users[ps->nusers].name = strdup(pw ? pw->pw_name : digits);
	return ps->users[ps->nusers].name ? ps->users[ps->nusers++].name : NULL;
}

/* comm of the process at dirfd (without its newline) into p->comm; false if gone. */
static bool ps_read_comm(struct ps_scan *ps, int dirfd, char *comm)
{
	long n = ps_read(ps, dirfd, "comm");

	if (n < 0)
		return false;
	if (n > 0 && ps->buf[n - 1] == '\n')
		n--;
	if (n >= VIEW_PROC_COMM_MAX)
		n = VIEW_PROC_COMM_MAX - 1;
	memcpy(comm, ps->buf, (size_t)n);
	comm[n] = 0;
	return true;
}

static int ps_add_denied(struct ps_scan *ps, int pid, int dirfd)
{
	struct ps_denied *d;

	if (ps->ndenied == ps->denied_cap) {
		size_t cap = ps->denied_cap ? ps->denied_cap * 2 : 32;

		d = realloc(ps->denied, cap * sizeof(*d));
		if (!d)
			return -ENOMEM;
		ps->denied = d;
		ps->denied_cap = cap;
	}
	d = &ps->denied[ps->ndenied];
	d->pid = pid;
	if (!ps_read_comm(ps, dirfd, d->comm)) {
		ps->vanished++;		/* gone before we could name it */
		return 0;
	}
	ps->ndenied++;
	return 0;
}

/* One process: 0 (a row, or nothing for a process gone or without memory) or -ENOMEM. */
static int ps_read_one(struct ps_scan *ps, int pid, int dirfd)
{
	struct view_proc p = { .pid = pid };
	struct stat st;
	long n = ps_read(ps, dirfd, "maps");

	if (n == -ENOMEM)
		return n;
	if (n == -EACCES || n == -EPERM)
		return ps_add_denied(ps, pid, dirfd);
	if (n <= 0) {			/* gone (ENOENT, ESRCH), or no mm */
		ps->vanished += n < 0;
		return 0;
	}
	view_proc_scan_maps(&p, ps->buf, (size_t)n);
	if (ps->usage) {
		n = ps_read(ps, dirfd, "smaps_rollup");
		if (n > 0)
			view_proc_scan_rollup(&p, ps->buf, (size_t)n);
	}
	if (fstat(dirfd, &st) < 0 || !ps_read_comm(ps, dirfd, p.comm)) {
		ps->vanished++;
		return 0;
	}
	p.uid = st.st_uid;
	p.user = ps_user_name(ps, p.uid);
	if (!p.user)
		return -ENOMEM;
	return view_procs_add(&ps->procs, &p);
}

static int ps_pid_of(const char *name)
{
	long v = 0;

	if (!*name)
		return -1;
	for (const char *c = name; *c; c++) {
		if (*c < '0' || *c > '9' || v > 1 << 30)
			return -1;
		v = v * 10 + (*c - '0');
	}
	return (int)v;
}

static int ps_cmp_denied(const void *a, const void *b)
{
	const struct ps_denied *x = a, *y = b;

	return (x->pid > y->pid) - (x->pid < y->pid);
}

int ps_scan_run(struct ps_scan *ps, bool usage)
{
	long limit = sysctl_max_map_count();

	return ps_scan_dir(ps, "/proc", limit > 0 ? (uint64_t)limit : 0, usage);
}

int ps_scan_dir(struct ps_scan *ps, const char *proc, uint64_t limit, bool usage)
{
	DIR *d = opendir(proc);
	struct dirent *e;
	int err = 0;

	memset(ps, 0, sizeof(*ps));
	view_procs_init(&ps->procs, limit);
	ps->usage = usage;
	ps->time = time(NULL);
	if (!d)
		return cli_error(EXIT_TARGET, "cannot read '%s': %s", proc, strerror(errno));
	while (!err && (e = readdir(d))) {
		int pid = ps_pid_of(e->d_name), fd;

		if (pid <= 0)
			continue;
		fd = openat(dirfd(d), e->d_name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (fd < 0) {
			ps->vanished++;
			continue;
		}
		err = ps_read_one(ps, pid, fd);
		close(fd);
	}
	closedir(d);
	if (err)
		return cli_error(EXIT_TARGET, "out of memory");
	if (ps->ndenied)	/* qsort takes no NULL array, even of none */
		qsort(ps->denied, ps->ndenied, sizeof(*ps->denied), ps_cmp_denied);
	return EXIT_FINE;
}

void ps_scan_release(struct ps_scan *ps)
{
	view_procs_release(&ps->procs);
	for (size_t i = 0; i < ps->nusers; i++)
		free(ps->users[i].name);
	free(ps->users);
	free(ps->denied);
	free(ps->buf);
	memset(ps, 0, sizeof(*ps));
}

#define PS_DENIED_NAMED 10	/* named in the line; the rest are counted */

void ps_print_denied(const struct ps_scan *ps, FILE *err)
{
	size_t i;

	if (!ps->ndenied)
		return;
	fprintf(err, "vmatool: ps: %zu process%s not readable (permission denied): ", ps->ndenied,
		ps->ndenied == 1 ? "" : "es");
	for (i = 0; i < ps->ndenied && i < PS_DENIED_NAMED; i++) {
		fprintf(err, "%s%d (", i ? ", " : "", ps->denied[i].pid);
		fputs_escaped(ps->denied[i].comm, strlen(ps->denied[i].comm), err);
		fputc(')', err);
	}
	if (i < ps->ndenied)
		fprintf(err, " and %zu more", ps->ndenied - i);
	fputs("; run as root or with CAP_SYS_PTRACE to read them\n", err);
}
