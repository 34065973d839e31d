/*
 * bench/maxrss.c - the peak memory of a command, and how much it writes.
 *
 * usage: maxrss COMMAND [ARG...]
 * Runs COMMAND with its standard output into a pipe, counts the bytes that
 * come out, waits for it and prints "MAXRSS_KIB OUTPUT_BYTES STATUS".  The
 * benchmarks use it to show that vmatool's memory does not grow with its
 * output.  (A small program of its own: a child forked from a big one, such
 * as a Python interpreter, would count the parent's memory as its own.)
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	static char buf[1 << 16];
	unsigned long long bytes = 0;
	struct rusage ru;
	int fds[2], status;
	pid_t pid;
	ssize_t n;

	if (argc < 2) {
		fputs("usage: maxrss COMMAND [ARG...]\n", stderr);
		return 2;
	}
	if (pipe(fds) < 0) {
		perror("maxrss: pipe");
		return 1;
	}
	pid = fork();
	if (pid < 0) {
		perror("maxrss: fork");
		return 1;
	}
	if (pid == 0) {
		dup2(fds[1], 1);
		close(fds[0]);
		close(fds[1]);
		execvp(argv[1], argv + 1);
		fprintf(stderr, "maxrss: cannot run '%s': %s\n", argv[1], strerror(errno));
		_exit(127);
	}
	close(fds[1]);
	while ((n = read(fds[0], buf, sizeof(buf))) > 0)
		bytes += (unsigned long long)n;
	if (wait4(pid, &status, 0, &ru) < 0) {
		perror("maxrss: wait4");
		return 1;
	}
	printf("%ld %llu %d\n", ru.ru_maxrss, bytes,
	       WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
	return 0;
}
