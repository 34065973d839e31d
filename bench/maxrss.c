/*
 * bench/maxrss.c - run one command and report what it cost: peak memory,
 * CPU time, page faults, bytes read and bytes written.
 *
 * usage: maxrss [-t MS] COMMAND [ARG...]
 * Runs COMMAND with its standard output into a pipe, counts the bytes that
 * come out, waits for it and prints one line:
 *
 *   MAXRSS_KIB OUTPUT_BYTES STATUS USER_US SYS_US MINFLT RCHAR WALL_US
 *
 * (the first three fields are what this program printed first; scripts that
 * read only those keep working).  USER_US and SYS_US are the child's CPU
 * time from wait4, MINFLT its minor page faults, RCHAR the bytes it read
 * (/proc/PID/io of the exited child, read before it is reaped; -1 where that
 * cannot be read), WALL_US the time from fork to exit.
 *
 * -t MS sends SIGTERM to the command MS milliseconds after it started (for
 * `vmatool watch`, which runs until told to stop).
 *
 * The benchmarks (bench/bench.sh) run a vmatool command and its reference
 * one after the other with it, pair after pair.  A small program of its own:
 * a child forked from a big one, such as a Python interpreter, would count
 * the parent's memory as its own.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static long long maxrss_now_us(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (long long)t.tv_sec * 1000000 + t.tv_nsec / 1000;
}

static pid_t maxrss_spawn(char **argv, int *out)
{
	int fds[2];
	pid_t pid;

	if (pipe(fds) < 0) {
		perror("maxrss: pipe");
		exit(1);
	}
	pid = fork();
	if (pid < 0) {
		perror("maxrss: fork");
		exit(1);
	}
	if (pid == 0) {
		dup2(fds[1], 1);
		close(fds[0]);
		close(fds[1]);
		execvp(argv[0], argv);
		fprintf(stderr, "maxrss: cannot run '%s': %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	close(fds[1]);
	*out = fds[0];
	return pid;
}

/* Read the child's output to its end; SIGTERM it at the deadline (0: none). */
static unsigned long long maxrss_drain(int fd, pid_t pid, long long deadline_us)
{
	static char buf[1 << 16];
	unsigned long long bytes = 0;
	struct pollfd p = { .fd = fd, .events = POLLIN };
	ssize_t n;

	for (;;) {
		int wait_ms = -1;

		if (deadline_us) {
			long long left = deadline_us - maxrss_now_us();
			if (left <= 0) {
				kill(pid, SIGTERM);
				deadline_us = 0;
				continue;
			}
			wait_ms = (int)((left + 999) / 1000);
		}
		if (poll(&p, 1, wait_ms) <= 0)
			continue;
		n = read(fd, buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		bytes += (unsigned long long)n;
	}
	close(fd);
	return bytes;
}

/* rchar of an exited, not yet reaped child; -1 where unknown. */
static long long maxrss_rchar(pid_t pid)
{
	char path[64], buf[512], *s;
	siginfo_t si;
	ssize_t n;
	int fd;

	if (waitid(P_PID, (id_t)pid, &si, WEXITED | WNOWAIT) < 0)
		return -1;
	snprintf(path, sizeof(path), "/proc/%d/io", (int)pid);
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	s = strstr(buf, "rchar:");
	return s ? strtoll(s + 6, NULL, 10) : -1;
}

int main(int argc, char **argv)
{
	long long t0, deadline = 0, rchar;
	unsigned long long bytes;
	struct rusage ru;
	int c, fd, status;
	pid_t pid;

	while ((c = getopt(argc, argv, "+t:")) != -1) {
		if (c != 't')
			goto usage;
		deadline = atoll(optarg) * 1000;
	}
	if (optind >= argc)
		goto usage;
	t0 = maxrss_now_us();
	if (deadline)
		deadline += t0;
	pid = maxrss_spawn(argv + optind, &fd);
	bytes = maxrss_drain(fd, pid, deadline);
	rchar = maxrss_rchar(pid);
	if (wait4(pid, &status, 0, &ru) < 0) {
		perror("maxrss: wait4");
		return 1;
	}
	printf("%ld %llu %d %lld %lld %ld %lld %lld\n", ru.ru_maxrss, bytes,
	       WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status),
	       (long long)ru.ru_utime.tv_sec * 1000000 + ru.ru_utime.tv_usec,
	       (long long)ru.ru_stime.tv_sec * 1000000 + ru.ru_stime.tv_usec,
	       ru.ru_minflt, rchar, maxrss_now_us() - t0);
	return 0;
usage:
	fputs("usage: maxrss [-t MS] COMMAND [ARG...]\n", stderr);
	return 2;
}
