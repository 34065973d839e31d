/*
 * test-source.c - the source dispatcher (cli/source.c): errors come back as
 * values and nothing is printed; a saved smaps file and the JSON document
 * written from it give the same model with the same parameters; a reload
 * hands over a whole new source; a live process is read with its metadata.
 * Run from the build tree with TOP_SRCDIR pointing at tests/golden.
 */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli.h"
#include "engine/maps.h"
#include "tap.h"

#ifndef TOP_SRCDIR
#define TOP_SRCDIR "."
#endif

static int saved_stderr = -1;
static char err_path[64];

/* Send stderr to a file, to see that nothing is printed. */
static void stderr_to_file(void)
{
	int fd;

	snprintf(err_path, sizeof(err_path), "/tmp/vmatool-test-source.XXXXXX");
	fd = mkstemp(err_path);

	fflush(stderr);
	saved_stderr = dup(2);
	dup2(fd, 2);
	close(fd);
}

/* Put stderr back; the number of bytes written meanwhile. */
static long stderr_back(void)
{
	struct stat st;

	fflush(stderr);
	dup2(saved_stderr, 2);
	close(saved_stderr);
	if (stat(err_path, &st) != 0)
		return -1;
	unlink(err_path);
	return (long)st.st_size;
}

/* The model as maps text, in buf. */
static void maps_text(const struct source *s, char *buf, size_t size)
{
	const struct vma *v;
	size_t n = 0;

	for (v = s->model.first; v; v = v->next) {
		char line[MAPS_LINE_MAX];
		size_t len = maps_format_line(&s->model, v, s->name_column ? s->name_column : 73, line);

		if (n + len >= size)
			break;
		memcpy(buf + n, line, len);
		n += len;
	}
	buf[n] = 0;
}

static void test_errors(void)
{
	struct source s;
	struct source_err e;
	int rc;

	stderr_to_file();
	rc = source_load(&s, "./no/such/file.json", &(struct source_opts){ .smaps = true }, &e);
	source_release(&s);
	is_u64(stderr_back(), 0, "a missing file: nothing printed");
	is_u64(rc, EXIT_TARGET, "a missing file: exit code 3");
	is_u64(e.code, EXIT_TARGET, "... the code is in the value");
	ok(strstr(e.msg, "cannot read './no/such/file.json': No such file") == e.msg,
	   "... and the message: %s", e.msg);

	stderr_to_file();
	rc = source_load(&s, "2147483647", &(struct source_opts){ .smaps = true }, &e);
	source_release(&s);
	is_u64(stderr_back(), 0, "no such process: nothing printed");
	is_u64(rc, EXIT_TARGET, "no such process: exit code 3");
	is_str(e.msg, "no such process '2147483647'", "... and its message");

	stderr_to_file();
	rc = source_load(&s, TOP_SRCDIR "/tests/golden/show-in.maps.out", &(struct source_opts){ 0 },
			 &e);
	source_release(&s);
	is_u64(stderr_back(), 0, "a file of another kind: nothing printed");
	is_u64(rc, EXIT_BADINPUT, "a file of another kind: exit code 2");
	ok(strstr(e.msg, "not a maps, smaps or vmatool JSON file") != NULL, "... and its message");
}

static void test_same_model(void)
{
	static char text_a[1 << 16], text_b[1 << 16];
	struct source a, b, c;
	struct source_err e;
	struct source_opts o = { .smaps = true };

	is_u64(source_load(&a, TOP_SRCDIR "/tests/golden/show-in.smaps", &o, &e), EXIT_FINE,
	       "an smaps file loads");
	is_u64(source_load(&b, TOP_SRCDIR "/tests/golden/show-in.json", &o, &e), EXIT_FINE,
	       "the JSON written from it loads");
	ok(a.kind == SOURCE_SMAPS_FILE && b.kind == SOURCE_JSON_FILE, "each of its kind");
	ok(!memcmp(&a.model.p, &b.model.p, sizeof(a.model.p)),
	   "both leave the model with the same parameters");
	maps_text(&a, text_a, sizeof(text_a));
	maps_text(&b, text_b, sizeof(text_b));
	ok(a.model.count == 33 && !strcmp(text_a, text_b), "and the same VMAs (%zu)", a.model.count);
	ok(a.has_smaps && b.has_smaps && a.name_column == b.name_column, "both have smaps, one name column");

	is_u64(source_reload(&b, &c, &e), EXIT_FINE, "a reload reads the file again");
	ok(c.model.first != b.model.first && c.model.count == b.model.count &&
	   !memcmp(&c.model.p, &b.model.p, sizeof(c.model.p)), "into a whole new model, the same");
	source_release(&a);
	source_release(&b);
	source_release(&c);
}

static void test_live(void)
{
	struct source s, t;
	struct source_err e;
	struct source_opts o = { .smaps = false };
	char pid[32];

	snprintf(pid, sizeof(pid), "%d", (int)getpid());
	is_u64(source_load(&s, "self", &o, &e), EXIT_FINE, "self is read live");
	ok(s.kind == SOURCE_LIVE && s.meta.pid == getpid() && s.model.count > 0,
	   "its pid and VMAs");
	ok(s.meta.comm && !strcmp(s.meta.comm, "test-source"), "its comm, from its stat");
	ok(s.meta.cmdline && strstr(s.meta.cmdline, "test-source"), "its command line");
	ok(s.meta.state == 'R' && s.meta.start_time > 0, "its state and start time");
	is_u64(source_reload(&s, &t, &e), EXIT_FINE, "a reload reads it again");
	ok(t.kind == SOURCE_LIVE && t.meta.pid == s.meta.pid && t.model.first != s.model.first,
	   "the same process, a new model");
	source_release(&s);
	source_release(&t);
}

int main(void)
{
	test_errors();
	test_same_model();
	test_live();
	return tap_done();
}
