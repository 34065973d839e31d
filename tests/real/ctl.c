/*
 * ctl.c - the control program of `make check-real`: plain memory calls from
 * two threads and a forked child, every one visible to strace, so that each
 * of its processes must replay exactly.  Both processes leave by exit(),
 * which runs the snapshotter's destructor.
 */
#include <pthread.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#define PAGE 4096ul

static void *worker(void *arg)
{
	char *p = mmap(NULL, 64 * PAGE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	(void)arg;
	mprotect(p + 8 * PAGE, 8 * PAGE, PROT_NONE);
	munmap(p + 32 * PAGE, 4 * PAGE);
	return NULL;
}

int main(void)
{
	pthread_t t;
	char *q = mmap(NULL, 32 * PAGE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	pid_t pid;

	if (pthread_create(&t, NULL, worker, NULL) || pthread_join(t, NULL))
		return 1;
	madvise(q, 4 * PAGE, MADV_DONTFORK);
	mlock(q + 8 * PAGE, PAGE);
	pid = fork();
	if (pid == 0) {
		mprotect(q + 16 * PAGE, PAGE, PROT_NONE);
		mmap(NULL, 4 * PAGE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		exit(0);
	}
	if (pid < 0 || waitpid(pid, NULL, 0) != pid)
		return 1;
	munmap(q + 20 * PAGE, 2 * PAGE);
	return 0;
}
