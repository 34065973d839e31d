/*
 * replay.c - run a fuzz harness over files without libFuzzer, so that any
 * compiler (and the --enable-sanitizers build) can replay the corpora.
 *
 *   fuzz/replay-maps [FILE|DIR...]
 *
 * Every regular file given, or found directly in a directory given, is one
 * input.  With no argument, the harness's seed corpus is replayed:
 * $top_srcdir/fuzz/corpus/NAME (top_srcdir from the environment, as
 * `make check` sets it, else ".").  Prints TAP: one "ok" per input (a failed check aborts the program,
 * which the TAP driver reports as an error).
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fuzz.h"

static unsigned ninputs;

static void run_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	uint8_t *data = NULL;
	size_t len = 0, cap = 0, n;

	if (!f) {
		printf("not ok %u - cannot open '%s'\n", ++ninputs, path);
		return;
	}
	do {
		if (len == cap) {
			cap = cap ? 2 * cap : 4096;
			data = realloc(data, cap);
			if (!data)
				abort();
		}
		n = fread(data + len, 1, cap - len, f);
		len += n;
	} while (n > 0);
	fclose(f);
	fflush(stdout);
	LLVMFuzzerTestOneInput(data, len);
	free(data);
	printf("ok %u - %s\n", ++ninputs, path);
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void run_dir(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char **names = NULL;
	size_t n = 0;

	if (!d) {
		printf("not ok %u - cannot open '%s'\n", ++ninputs, dir);
		return;
	}
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		names = realloc(names, (n + 1) * sizeof(*names));
		if (!names || asprintf(&names[n], "%s/%s", dir, e->d_name) < 0)
			abort();
		n++;
	}
	closedir(d);
	qsort(names, n, sizeof(*names), by_name);
	for (size_t i = 0; i < n; i++) {
		run_file(names[i]);
		free(names[i]);
	}
	free(names);
}

int main(int argc, char **argv)
{
	struct stat st;
	const char *top = getenv("top_srcdir");
	char *corpus;

	if (argc < 2) {
		if (asprintf(&corpus, "%s/fuzz/corpus/%s", top ? top : ".", FUZZ_NAME) < 0)
			abort();
		run_dir(corpus);
		free(corpus);
	}
	for (int i = 1; i < argc; i++) {
		if (stat(argv[i], &st) == 0 && S_ISDIR(st.st_mode))
			run_dir(argv[i]);
		else
			run_file(argv[i]);
	}
	printf("1..%u\n", ninputs);
	return 0;
}
