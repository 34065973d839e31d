/*
 * proc.c - what vmatool learns about a live process and its system besides
 * the VMAs: command name and line, executable, user, state and start time
 * through libproc2; kernel release, hostname, boot id, page size and
 * vm.max_map_count from the system; and finding a process by name.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <libproc2/pids.h>

#include "cli/cli.h"

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

/* /proc/PID/cmdline with its NULs as spaces; NULL if empty. */
static char *proc_raw_cmdline(pid_t pid)
{
	char path[64], *s;
	size_t n, i;

	snprintf(path, sizeof(path), "/proc/%d/cmdline", (int)pid);
	s = proc_read_small(path, &n);
	if (!s)
		return NULL;
	while (n && s[n - 1] == 0)
		n--;
	for (i = 0; i < n; i++)
		if (!s[i])
			s[i] = ' ';
	s[n] = 0;
	if (!n) {
		free(s);
		return NULL;
	}
	return s;
}

static enum pids_item meta_items[] = {
	PIDS_CMD, PIDS_CMDLINE, PIDS_EXE, PIDS_ID_EUSER, PIDS_STATE, PIDS_TIME_START,
};
enum { MI_CMD, MI_CMDLINE, MI_EXE, MI_USER, MI_STATE, MI_START };

int proc_meta_read(pid_t pid, struct proc_meta *meta)
{
	struct pids_info *info = NULL;
	struct pids_fetch *f;
	unsigned one = (unsigned)pid;
	int err = 0;

	memset(meta, 0, sizeof(*meta));
	meta->pid = pid;
	meta->time = time(NULL);
	proc_meta_system(meta);
	if (procps_pids_new(&info, meta_items, sizeof(meta_items) / sizeof(meta_items[0])) < 0)
		return -ENOMEM;
	f = procps_pids_select(info, &one, 1, PIDS_SELECT_PID);
	if (f && f->counts->total == 1) {
		struct pids_stack *st = f->stacks[0];
		const char *cl = PIDS_VAL(MI_CMDLINE, str, st, info);
		const char *exe = PIDS_VAL(MI_EXE, str, st, info);

		/* libproc2 turns control characters into '.': take the raw bytes */
		meta->comm = proc_raw_comm(pid);
		if (!meta->comm)
			meta->comm = strdup(PIDS_VAL(MI_CMD, str, st, info));
		meta->cmdline = proc_raw_cmdline(pid);
		/* libproc2 shows "-" or "[comm]" for an empty command line */
		if (!meta->cmdline && cl && *cl && cl[0] != '[' && strcmp(cl, "-"))
			meta->cmdline = strdup(cl);
		meta->exe = exe && *exe && strcmp(exe, "-") ? strdup(exe) : NULL;
		meta->user = strdup(PIDS_VAL(MI_USER, str, st, info));
		meta->state = PIDS_VAL(MI_STATE, s_ch, st, info);
		meta->start_time = boot_time() + (time_t)PIDS_VAL(MI_START, real, st, info);
	} else {
		err = -ESRCH;
	}
	procps_pids_unref(&info);
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

static void print_candidate(pid_t pid, const char *cmdline)
{
	fprintf(stderr, "  %7d  ", (int)pid);
	fputs_escaped(cmdline, strlen(cmdline), stderr);
	fputc('\n', stderr);
}

int proc_find_by_name(const char *name, pid_t *pid)
{
	struct pids_info *info = NULL;
	struct pids_fetch *f;
	pid_t self = getpid();
	int i, n = 0, total;
	struct stat sb;
	char *esc;

	if (procps_pids_new(&info, find_items, sizeof(find_items) / sizeof(find_items[0])) < 0)
		return cli_error(EXIT_TARGET, "cannot list processes");
	f = procps_pids_reap(info, PIDS_FETCH_TASKS_ONLY);
	total = f ? f->counts->total : 0;
	for (i = 0; i < total; i++) {
		struct pids_stack *st = f->stacks[i];
		pid_t p = PIDS_VAL(FI_PID, s_int, st, info);

		if (p != self && task_matches(name, p, PIDS_VAL(FI_CMD, str, st, info),
					      PIDS_VAL(FI_ARGV, strv, st, info))) {
			*pid = p;
			n++;
		}
	}
	esc = str_escaped(name, strlen(name));
	if (n == 0 && stat(name, &sb) == 0 && S_ISDIR(sb.st_mode)) {
		cli_error(EXIT_TARGET, "cannot read '%s': %s", esc ? esc : "?", strerror(EISDIR));
	} else if (n == 0) {
		cli_error(EXIT_TARGET, "no process or file named '%s'", esc ? esc : "?");
	} else if (n > 1) {
		cli_error(EXIT_BADINPUT, "'%s' matches %d processes; give a PID:", esc ? esc : "?", n);
		for (i = 0; i < total; i++) {
			struct pids_stack *st = f->stacks[i];
			pid_t p = PIDS_VAL(FI_PID, s_int, st, info);

			if (p != self && task_matches(name, p, PIDS_VAL(FI_CMD, str, st, info),
						      PIDS_VAL(FI_ARGV, strv, st, info)))
				print_candidate(p, PIDS_VAL(FI_CMDLINE, str, st, info));
		}
	}
	free(esc);
	procps_pids_unref(&info);
	return n == 1 ? EXIT_FINE : n == 0 ? EXIT_TARGET : EXIT_BADINPUT;
}
