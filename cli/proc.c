/*
 * proc.c - what vmatool learns about a live process and its system besides
 * the VMAs: command name and line, executable, user, state and start time
 * through libproc2; kernel release, hostname, boot id, page size and
 * vm.max_map_count from the system; and finding a process by name.
 *
 * libproc2 is loaded on first use (dlopen), not linked: linked, it and what
 * it links (libsystemd, libgcrypt, liblzma, libzstd, liblz4, libcap,
 * libgpg-error) cost every command about 5 ms of loading and relocation
 * before main(), while only the commands that print a process's metadata
 * or find a process by name use it (`find`, `show --format maps` do not).
 */
#include <dlfcn.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <libproc2/pids.h>

#include "cli/cli.h"

/* ---- libproc2, loaded on first use ------------------------------------------ */

#define PROC2_SONAME	"libproc2.so.0"	/* procps-ng 4's library */

static struct {
	bool tried, ok;
	__typeof__(&procps_pids_new) pids_new;
	__typeof__(&procps_pids_select) pids_select;
	__typeof__(&procps_pids_reap) pids_reap;
	__typeof__(&procps_pids_unref) pids_unref;
} proc2;

/* Whether libproc2 is loaded with the four functions vmatool calls. */
static bool proc2_load(void)
{
	void *h;

	if (proc2.tried)
		return proc2.ok;
	proc2.tried = true;
	h = dlopen(PROC2_SONAME, RTLD_NOW | RTLD_LOCAL);
	if (!h)
		return false;
	*(void **)&proc2.pids_new = dlsym(h, "procps_pids_new");
	*(void **)&proc2.pids_select = dlsym(h, "procps_pids_select");
	*(void **)&proc2.pids_reap = dlsym(h, "procps_pids_reap");
	*(void **)&proc2.pids_unref = dlsym(h, "procps_pids_unref");
	proc2.ok = proc2.pids_new && proc2.pids_select && proc2.pids_reap && proc2.pids_unref;
	return proc2.ok;	/* the library stays loaded until exit */
}

/* procps_pids_new, or -ENOSYS when libproc2 cannot be loaded. */
static int proc2_pids_new(struct pids_info **info, enum pids_item *items, int n)
{
	return proc2_load() ? proc2.pids_new(info, items, n) : -ENOSYS;
}

char *proc_read_small(const char *path, size_t *lenp)
{
	FILE *f = fopen(path, "re");
	size_t len = 0, cap = 4096;
	char *buf;

	if (!f)
		return NULL;
	buf = malloc(cap);
	while (buf) {
		size_t n = fread(buf + len, 1, cap - len - 1, f);

		len += n;
		if (len < cap - 1) {
			if (ferror(f)) {
				free(buf);
				buf = NULL;
			}
			break;
		}
		cap *= 2;
		char *nb = realloc(buf, cap);

		if (!nb)
			free(buf);
		buf = nb;
	}
	fclose(f);
	if (buf) {
		buf[len] = 0;
		if (lenp)
			*lenp = len;
	}
	return buf;
}

static long read_long_file(const char *path)
{
	char *s = proc_read_small(path, NULL);
	long v = 0;

	if (s) {
		v = strtol(s, NULL, 10);
		free(s);
	}
	return v;
}

long sysctl_max_map_count(void)
{
	return read_long_file("/proc/sys/vm/max_map_count");
}

static char *strdup_trim(const char *s)
{
	char *d = s ? strdup(s) : NULL;
	size_t n;

	if (!d)
		return NULL;
	n = strlen(d);
	while (n && (d[n - 1] == '\n' || d[n - 1] == ' '))
		d[--n] = 0;
	return d;
}

static time_t boot_time(void)
{
	char *s = proc_read_small("/proc/stat", NULL), *p;
	time_t t = 0;

	if (s && (p = strstr(s, "\nbtime ")))
		t = (time_t)strtoll(p + 7, NULL, 10);
	free(s);
	return t;
}

/* The system part of meta: kernel, hostname, boot id, page size, limit. */
static void proc_meta_system(struct proc_meta *meta)
{
	struct utsname u;

	if (uname(&u) == 0) {
		meta->kernel = strdup(u.release);
		meta->hostname = strdup(u.nodename);
	}
	{
		char *b = proc_read_small("/proc/sys/kernel/random/boot_id", NULL);

		meta->boot_id = strdup_trim(b);
		free(b);
	}
	meta->page_size = sysconf(_SC_PAGESIZE);
	meta->max_map_count = sysctl_max_map_count();
}

/* /proc/PID/comm without its newline, raw. */
static char *proc_raw_comm(pid_t pid)
{
	char path[64], *s;
	size_t n;

	snprintf(path, sizeof(path), "/proc/%d/comm", (int)pid);
	s = proc_read_small(path, &n);
	if (s && n && s[n - 1] == '\n')
		s[n - 1] = 0;
	return s;
}

/* Field n (1-based, n >= 3) of /proc/PID/stat as a number; 0 if unknown. */
static unsigned long long stat_field(const char *after_comm, int n)
{
	const char *p = after_comm;
	int i;

	for (i = 3; i < n && p; i++) {
		p = strchr(p, ' ');
		if (p)
			p++;
	}
	return p ? strtoull(p, NULL, 10) : 0;
}

int proc_stat_read(pid_t pid, struct proc_stat *st)
{
	char path[64], *s, *open, *close;
	int err;

	memset(st, 0, sizeof(*st));
	st->state = 'X';
	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	s = proc_read_small(path, NULL);
	if (!s)
		return (err = errno) ? -err : -ENOENT;
	open = strchr(s, '(');
	close = strrchr(s, ')');
	if (!open || !close || close < open || close[1] != ' ' || !close[2]) {
		free(s);
		return -EINVAL;
	}
	st->comm = strndup(open + 1, (size_t)(close - open - 1));
	st->state = close[2];
	st->flags = (unsigned long)stat_field(close + 2, 9);
	st->start_ticks = stat_field(close + 2, 22);
	st->start_brk = stat_field(close + 2, 47);
	free(s);
	return 0;
}

void proc_stat_release(struct proc_stat *st)
{
	free(st->comm);
	memset(st, 0, sizeof(*st));
}

/* argv joined by spaces; NULL if empty. */
static char *join_argv(char **argv)
{
	size_t n = 0, i;
	char *s, *p;

	for (i = 0; argv && argv[i]; i++)
		n += strlen(argv[i]) + 1;
	if (!n || !(s = malloc(n)))
		return NULL;
	for (p = s, i = 0; argv[i]; i++) {
		size_t k = strlen(argv[i]);

		memcpy(p, argv[i], k);
		p += k;
		*p++ = ' ';
	}
	p[-1] = 0;
	if (!*s) {
		free(s);
		return NULL;
	}
	return s;
}

/*
 * libproc2 gives the user (status), the executable (a link) and the raw
 * arguments (cmdline, read once); state, start time and comm come from the
 * stat the caller read (libproc2 would read it a second time).
 */
static enum pids_item meta_items[] = { PIDS_ID_EUSER, PIDS_EXE, PIDS_CMDLINE_V };
enum { MI_USER, MI_EXE, MI_ARGV };

int proc_meta_read(pid_t pid, const struct proc_stat *st, struct proc_meta *meta)
{
	struct pids_info *info = NULL;
	struct pids_fetch *f;
	unsigned one = (unsigned)pid;
	long hz = sysconf(_SC_CLK_TCK);
	int err = 0;

	memset(meta, 0, sizeof(*meta));
	meta->pid = pid;
	meta->time = time(NULL);
	proc_meta_system(meta);
	meta->comm = st->comm ? strdup(st->comm) : NULL;
	meta->state = st->state != 'X' || st->comm ? st->state : 0;
	if (st->comm && hz > 0)
		meta->start_time = boot_time() + (time_t)(st->start_ticks / (unsigned long long)hz);
	if (proc2_pids_new(&info, meta_items, sizeof(meta_items) / sizeof(meta_items[0])) < 0)
		return -ENOMEM;
	f = proc2.pids_select(info, &one, 1, PIDS_SELECT_PID);
	if (f && f->counts->total == 1) {
		struct pids_stack *stk = f->stacks[0];
		const char *exe = PIDS_VAL(MI_EXE, str, stk, info);

		meta->cmdline = join_argv(PIDS_VAL(MI_ARGV, strv, stk, info));
		meta->exe = exe && *exe && strcmp(exe, "-") ? strdup(exe) : NULL;
		meta->user = strdup(PIDS_VAL(MI_USER, str, stk, info));
	} else {
		err = -ESRCH;
	}
	proc2.pids_unref(&info);
	return err;
}

void proc_meta_release(struct proc_meta *meta)
{
	size_t i;

	free(meta->comm);
	free(meta->cmdline);
	free(meta->exe);
	free(meta->user);
	free(meta->kernel);
	free(meta->hostname);
	free(meta->boot_id);
	for (i = 0; i < meta->nrollup; i++)
		free(meta->rollup_keys[i]);
	free(meta->rollup_keys);
	free(meta->rollup_vals);
	memset(meta, 0, sizeof(*meta));
}

/* ---- finding a process by name ------------------------------------------- */

static enum pids_item find_items[] = { PIDS_ID_PID, PIDS_CMD, PIDS_CMDLINE_V, PIDS_CMDLINE };
enum { FI_PID, FI_CMD, FI_ARGV, FI_CMDLINE };

/* comm is cut to 15 bytes: a longer name matches on argv[0]'s basename. */
static bool name_matches(const char *name, const char *comm, char **argv)
{
	const char *a0, *slash;

	if (!strcmp(comm, name))
		return true;
	if (strlen(name) <= 15 || strncmp(comm, name, 15) || strlen(comm) != 15)
		return false;
	if (!argv || !argv[0])
		return false;
	a0 = argv[0];
	slash = strrchr(a0, '/');
	return !strcmp(slash ? slash + 1 : a0, name);
}

/* libproc2 turns control (and some other) bytes of a comm into '?' or '.'. */
static bool name_needs_raw_comm(const char *name)
{
	for (; *name; name++)
		if ((unsigned char)*name < 0x20 || (unsigned char)*name >= 0x7f)
			return true;
	return false;
}

/* Whether task p (libproc2 comm and argv) is the process called name. */
static bool task_matches(const char *name, pid_t p, const char *comm, char **argv)
{
	char *raw;
	bool match;

	if (!name_needs_raw_comm(name))
		return name_matches(name, comm, argv);
	raw = proc_raw_comm(p);
	match = raw && name_matches(name, raw, argv);
	free(raw);
	return match;
}

/* "\n  PID  cmdline" of a candidate, appended to e->msg while it fits. */
static void add_candidate(struct source_err *e, pid_t pid, const char *cmdline)
{
	size_t used = strlen(e->msg);
	char *esc = str_escaped(cmdline, strlen(cmdline));

	if (used + 32 < sizeof(e->msg))
		snprintf(e->msg + used, sizeof(e->msg) - used, "\n  %7d  %s", (int)pid,
			 esc ? esc : "?");
	free(esc);
}

/* The processes called name: how many, and the last one in *pid. */
static int count_matches(struct pids_info *info, struct pids_fetch *f, const char *name,
			 pid_t *pid, struct source_err *list)
{
	pid_t self = getpid();
	int i, n = 0, total = f ? f->counts->total : 0;

	for (i = 0; i < total; i++) {
		struct pids_stack *st = f->stacks[i];
		pid_t p = PIDS_VAL(FI_PID, s_int, st, info);

		if (p == self || !task_matches(name, p, PIDS_VAL(FI_CMD, str, st, info),
					       PIDS_VAL(FI_ARGV, strv, st, info)))
			continue;
		*pid = p;
		n++;
		if (list)
			add_candidate(list, p, PIDS_VAL(FI_CMDLINE, str, st, info));
	}
	return n;
}

int proc_find_by_name(const char *name, pid_t *pid, struct source_err *e)
{
	struct pids_info *info = NULL;
	struct pids_fetch *f;
	struct stat sb;
	char *esc;
	int n;

	n = proc2_pids_new(&info, find_items, sizeof(find_items) / sizeof(find_items[0]));
	if (n == -ENOSYS)
		return source_err_set(e, EXIT_TARGET, "cannot list processes: cannot load '%s'",
				      PROC2_SONAME);
	if (n < 0)
		return source_err_set(e, EXIT_TARGET, "cannot list processes");
	f = proc2.pids_reap(info, PIDS_FETCH_TASKS_ONLY);
	n = count_matches(info, f, name, pid, NULL);
	esc = str_escaped(name, strlen(name));
	if (n == 0 && stat(name, &sb) == 0 && S_ISDIR(sb.st_mode)) {
		source_err_set(e, EXIT_TARGET, "cannot read '%s': %s", esc ? esc : "?",
			       strerror(EISDIR));
	} else if (n == 0) {
		source_err_set(e, EXIT_TARGET, "no process or file named '%s'", esc ? esc : "?");
	} else if (n > 1) {
		source_err_set(e, EXIT_BADINPUT, "'%s' matches %d processes; give a PID:",
			       esc ? esc : "?", n);
		count_matches(info, f, name, pid, e);
	}
	free(esc);
	proc2.pids_unref(&info);
	return n == 1 ? EXIT_FINE : e->code;
}
