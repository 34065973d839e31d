/*
 * test-ps-scan.c - the reading of `vmatool ps` (cli/ps-scan.c) over a
 * /proc-like directory built here, so that every case is certain: a process
 * with maps, comm and smaps_rollup; one gone before its maps were opened;
 * one gone between its maps and its comm; a kernel thread (empty maps); a
 * maps that cannot be read as a file; entries that are not processes; and,
 * when not run as root, a maps it may not open (counted and named).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tap.h"
#include "cli/ps.h"

/* cli/proc.c (and libproc2) are not linked: ps_scan_dir takes the limit */
long sysctl_max_map_count(void)
{
	return 65530;
}

static char root[] = "/tmp/vmatool-ps-scan.XXXXXX";

static void put(const char *rel, const char *text, mode_t mode)
{
	char path[256];
	int fd;

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, mode);
	if (fd < 0 || write(fd, text, strlen(text)) != (ssize_t)strlen(text)) {
		perror(path);
		exit(1);
	}
	close(fd);
}

static void dir(const char *rel)
{
	char path[256];

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	if (mkdir(path, 0755) < 0) {
		perror(path);
		exit(1);
	}
}

static void build(bool denied)
{
	if (!mkdtemp(root))
		exit(1);
	dir("100");
	put("100/maps", "00400000-00401000 r-xp 00000000 fe:00 1 /bin/a\n"
	    "00401000-00402000 ---p 00000000 00:00 0 \n"
	    "00500000-00501000 rw-p 00000000 00:00 0 [heap]\n", 0644);
	put("100/comm", "alpha\n", 0644);
	put("100/smaps_rollup", "Rss: 12 kB\nPss: 6 kB\nSwap: 4 kB\n", 0644);
	dir("101");				/* gone: no maps */
	dir("102");
	put("102/maps", "", 0644);		/* a kernel thread */
	put("102/comm", "kthreadd\n", 0644);
	dir("103");				/* gone between maps and comm */
	put("103/maps", "00400000-00401000 r-xp 00000000 fe:00 1 /bin/b\n", 0644);
	dir("104");
	dir("104/maps");			/* EISDIR: not readable as a file */
	dir("self");
	put("uptime", "1.0 1.0\n", 0644);
	if (denied) {
		dir("105");
		put("105/maps", "00400000-00401000 r-xp 00000000 fe:00 1 /bin/c\n", 0);
		put("105/comm", "secret\n", 0644);
	}
}

static void cleanup(void)
{
	char cmd[300];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
	if (system(cmd) != 0)
		diag("cannot remove %s", root);
}

int main(void)
{
	bool denied = geteuid() != 0;	/* root opens a mode-0 file anyway */
	struct ps_scan ps;
	const struct view_proc *p;

	build(denied);
	is_u64(ps_scan_dir(&ps, root, 1000, true), EXIT_FINE, "scan: exit fine");
	is_u64(ps.procs.nall, 1, "scan: one process with an address space");
	p = &ps.procs.all[0];
	is_u64(p->pid, 100, "scan: its pid");
	is_str(p->comm, "alpha", "scan: its comm, without the newline");
	is_u64(p->vmas, 3, "scan: its VMAs");
	is_u64(p->guards, 1, "scan: its PROT_NONE region");
	is_u64(p->largest_gap, 0x500000 - 0x402000, "scan: its largest gap");
	ok(p->has_usage && p->rss == 12 * 1024 && p->pss == 6 * 1024 && p->swap == 4 * 1024,
	   "scan: smaps_rollup read with usage");
	ok(p->user != NULL, "scan: a user name (or the uid) for its owner");
	is_u64(ps.vanished, 3, "scan: three gone (no maps, no comm, maps not a file)");
	is_u64(ps.procs.limit, 1000, "scan: the limit given");
	is_u64(ps.procs.total_vmas, 3, "scan: the kernel thread adds nothing");
	if (denied) {
		is_u64(ps.ndenied, 1, "scan: one it may not read");
		ok(ps.ndenied == 1 && ps.denied[0].pid == 105 && !strcmp(ps.denied[0].comm, "secret"),
		   "scan: named by pid and comm");
	} else {
		is_u64(ps.ndenied, 0, "scan: root reads every maps");
	}
	ps_scan_release(&ps);
	is_u64(ps_scan_dir(&ps, root, 1000, false), EXIT_FINE, "scan without usage: exit fine");
	ok(ps.procs.nall == 1 && !ps.procs.all[0].has_usage, "scan without usage: no smaps_rollup");
	ps_scan_release(&ps);
	cleanup();
	fprintf(stderr, "(the message below is expected)\n");
	is_u64(ps_scan_dir(&ps, "/nonexistent/proc", 1, false), EXIT_TARGET,
	       "scan of a directory that is not there: exit 3");
	ps_scan_release(&ps);
	return tap_done();
}
