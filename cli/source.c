/*
 * source.c - the one way to open a target (source.h): a live process (PID,
 * "self", a name) or a saved file (maps text, smaps text, vmatool JSON,
 * told apart once, by the first bytes), read once into an engine model.
 *
 * /proc files are read in large read() calls into one buffer that grows only
 * when a single line does not fit; the complete lines are handed to the
 * parser as they arrive, so the memory used does not grow with the text
 * (a 70 MB smaps is never held whole).  A JSON document is read whole, in
 * one buffer of the file's size, and walked once (json-load.c).  Failures
 * are values (struct source_err) with an exit code; nothing is printed here
 * but by the printing wrappers the commands call.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <malloc.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/json-load.h"
#include "cli/machine.h"
#include "engine/machine.h"
#include "engine/maps.h"

#define READ_CHUNK	(1u << 20)	/* first buffer; the kernel fills it whole */
#define READ_CHUNK_FILE	(1u << 17)	/* saved files: fewer fresh pages to fault in */
#define PF_KTHREAD	0x00200000u	/* task flag in /proc/PID/stat field 9 */

/* ---- errors as values ------------------------------------------------------ */

int source_err_set(struct source_err *e, int code, const char *fmt, ...)
{
	va_list ap;

	e->code = code;
	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	va_end(ap);
	return code;
}

int source_err_print(const struct source_err *e)
{
	const char *nl = strchr(e->msg, '\n');

	if (!nl)
		return cli_error(e->code, "%s", e->msg);
	cli_error(e->code, "%.*s", (int)(nl - e->msg), e->msg);
	fputs(nl + 1, stderr);	/* detail lines, escaped when made */
	fputc('\n', stderr);
	return e->code;
}

/* ---- targets ---------------------------------------------------------------- */

static bool all_digits(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (*s < '0' || *s > '9')
			return false;
	return true;
}

static bool pid_exists(pid_t pid)
{
	char path[64];

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	return access(path, F_OK) == 0;
}

static int target_pid_e(const char *target, pid_t *pid, struct source_err *e)
{
	if (!strcmp(target, "self")) {
		*pid = getpid();
		return EXIT_FINE;
	}
	if (all_digits(target)) {
		long v = strlen(target) > 10 ? -1 : strtol(target, NULL, 10);

		if (v <= 0 || v > INT_MAX || !pid_exists((pid_t)v))
			return source_err_set(e, EXIT_TARGET, "no such process '%s'", target);
		*pid = (pid_t)v;
		return EXIT_FINE;
	}
	return proc_find_by_name(target, pid, e);
}

int target_pid(const char *target, pid_t *pid)
{
	struct source_err e;

	return target_pid_e(target, pid, &e) ? source_err_print(&e) : EXIT_FINE;
}

pid_t source_pid(const struct source *s)
{
	return s->kind == SOURCE_LIVE ? s->meta.pid : -1;
}

/* A target names a file when it has a '/', is "-", or is an existing file. */
bool target_is_file(const char *target)
{
	struct stat st;

	if (!strcmp(target, "-") || strchr(target, '/'))
		return true;
	if (!strcmp(target, "self") || all_digits(target))
		return false;
	return stat(target, &st) == 0 && !S_ISDIR(st.st_mode);
}

/* ---- reading text into the parser ----------------------------------------- */

struct text_reader {
	int fd;
	char *buf;
	size_t len, cap;
	int read_errno;		/* errno of a failed read(), 0 if none */
};

/* Grow r's buffer to cap bytes; false (read_errno ENOMEM) if it cannot. */
static bool reader_grow(struct text_reader *r, size_t cap)
{
	char *nb = realloc(r->buf, cap);

	if (!nb) {
		r->read_errno = ENOMEM;
		return false;
	}
	r->buf = nb;
	r->cap = cap;
	return true;
}

/* One read() into the free part of r's buffer (not full): bytes read, 0, or -1 (read_errno). */
static ssize_t reader_read(struct text_reader *r)
{
	ssize_t n;

	do
		n = read(r->fd, r->buf + r->len, r->cap - r->len);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		r->read_errno = errno;
	else
		r->len += (size_t)n;
	return n;
}

/* One read() into the free part of the buffer; grows it when it is full. */
static ssize_t reader_fill(struct text_reader *r)
{
	if (r->len == r->cap && !reader_grow(r, r->cap * 2))
		return -1;
	return reader_read(r);
}

/*
 * Feed everything from r to the parser: returns 0, -EINVAL or -ENOMEM from
 * the parser, or -EIO with r->read_errno set for a failed read().
 */
static int reader_parse(struct text_reader *r, struct maps_parser *p)
{
	for (;;) {
		ssize_t n = reader_fill(r);
		long used;

		if (n < 0)
			return r->read_errno == ENOMEM ? -ENOMEM : -EIO;
		used = maps_parse(p, r->buf, r->len, n == 0);
		if (used < 0)
			return (int)used;
		memmove(r->buf, r->buf + used, r->len - used);
		r->len -= used;
		if (n == 0)
			return maps_parser_finish(p);
	}
}

static int parse_failed(struct maps_parser *p, int err, const char *name, struct source_err *e)
{
	if (err == -ENOMEM)
		return source_err_set(e, EXIT_TARGET, "out of memory reading '%s'", name);
	if (p->errline)
		return source_err_set(e, EXIT_BADINPUT, "cannot read '%s': line %zu: %s", name,
				      p->errline, p->errmsg + p->errprefix);
	return source_err_set(e, EXIT_BADINPUT, "cannot read '%s': %s", name, p->errmsg);
}

/* ---- live processes ------------------------------------------------------- */

/*
 * Has pid's address space gone (do_exit's exit_mm), after a read of its
 * maps?  The mm is let go before the VMAs are torn down and long before the
 * task is a zombie, so a read that ended early shows here: statm of a task
 * without an mm is all zeros.  While it is still there, it was there for the
 * whole read (an mm never comes back), and the read was whole.
 */
static bool mm_gone(pid_t pid)
{
	char path[64], *text;
	bool gone;

	snprintf(path, sizeof(path), "/proc/%d/statm", (int)pid);
	text = proc_read_small(path, NULL);
	gone = text == NULL || strtoull(text, NULL, 10) == 0;
	free(text);
	return gone;
}

/*
 * Why a live process gave no VMAs, or exited while being read, from its stat
 * read after the maps (st; state 'X' when it could not be read) and from
 * whether its address space is still there.
 */
static int live_vanished(const struct proc_stat *st, pid_t pid, bool empty,
			 struct source_err *e)
{
	if (st->state == 'X' || st->state == 'Z' || (!empty && mm_gone(pid))) {
		if (empty && st->state == 'Z')
			return source_err_set(e, EXIT_TARGET, "process %d has exited (zombie): "
					      "it has no address space", (int)pid);
		return source_err_set(e, EXIT_TARGET, "process %d exited while being read", (int)pid);
	}
	if (empty && (st->flags & PF_KTHREAD))
		return source_err_set(e, EXIT_TARGET, "process %d is a kernel thread: it has no "
				      "address space", (int)pid);
	if (empty && st->state != 'X' && mm_gone(pid))	/* exit_mm ran before the read */
		return source_err_set(e, EXIT_TARGET, "process %d exited while being read", (int)pid);
	if (empty)
		return source_err_set(e, EXIT_TARGET, "process %d has no address space", (int)pid);
	return EXIT_FINE;
}

/* The process's state after a read: vanished or not, as above. */
static int live_check(pid_t pid, bool empty, struct source_err *e)
{
	struct proc_stat st;
	int rc;

	proc_stat_read(pid, &st);
	rc = live_vanished(&st, pid, empty, e);
	proc_stat_release(&st);
	return rc;
}

static int open_failed(pid_t pid, const char *path, int err, struct source_err *e)
{
	if (err == ENOENT || err == ESRCH)
		return source_err_set(e, EXIT_TARGET, "no such process '%d'", (int)pid);
	if (err == EACCES || err == EPERM)
		return source_err_set(e, EXIT_TARGET,
				      "cannot read '%s': permission denied: reading another "
				      "process's maps needs ptrace read access (run as the "
				      "process's user, if it is dumpable, or as root / with "
				      "CAP_SYS_PTRACE)", path);
	return source_err_set(e, EXIT_TARGET, "cannot read '%s': %s", path, strerror(err));
}

int source_open_failed(pid_t pid, const char *path, int err)
{
	struct source_err e;

	open_failed(pid, path, err, &e);
	return source_err_print(&e);
}

static void params_live(struct source *s, const struct proc_stat *st)
{
	long mmc = s->meta.max_map_count;

	s->model.p.page_size = (uint64_t)sysconf(_SC_PAGESIZE);
	if (mmc <= 0)
		mmc = sysctl_max_map_count();
	if (mmc > 0)
		s->model.p.max_map_count = (uint32_t)mmc;
	if (st->start_brk) {	/* 0 unless we may read the process */
		struct vma *heap = vma_lookup(&s->model, st->start_brk);

		s->model.p.start_brk = st->start_brk;
		s->model.p.brk = heap ? heap->end : st->start_brk;
	}
}

/* smaps_rollup as (json key, value in bytes) pairs in meta. */
static void read_rollup(struct source *s, pid_t pid)
{
	char path[64], *text, *line, *save = NULL;
	struct proc_meta *meta = &s->meta;

	snprintf(path, sizeof(path), "/proc/%d/smaps_rollup", (int)pid);
	text = proc_read_small(path, NULL);
	if (!text)
		return;
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *colon = strchr(line, ':');
		const struct smaps_keyinfo *ki;
		unsigned long long val;
		char **nk;
		uint64_t *nv;
		int key;

		if (!colon || strchr(line, ' ') < colon)
			continue;	/* the header line */
		key = vma_smaps_key_add(&s->model, line, colon - line, 0, strstr(colon, " kB"));
		if (key < 0 || !(ki = vma_smaps_key(&s->model, key)))
			continue;
		val = strtoull(colon + 1, NULL, 10);
		nk = realloc(meta->rollup_keys, (meta->nrollup + 1) * sizeof(*nk));
		if (nk)
			meta->rollup_keys = nk;
		nv = realloc(meta->rollup_vals, (meta->nrollup + 1) * sizeof(*nv));
		if (nv)
			meta->rollup_vals = nv;
		if (!nk || !nv)
			break;
		nk[meta->nrollup] = strdup(ki->json);
		nv[meta->nrollup] = ki->kb ? (uint64_t)val * 1024 : val;
		if (nk[meta->nrollup])
			meta->nrollup++;
	}
	free(text);
}

/* The maps or smaps text of pid into s->model; an exit code. */
static int read_live_vmas(struct source *s, pid_t pid, struct source_err *e)
{
	struct text_reader r = { .fd = -1 };
	struct maps_parser p;
	int err;

	r.fd = open(s->path, O_RDONLY | O_CLOEXEC);
	if (r.fd < 0)
		return open_failed(pid, s->path, errno, e);
	r.cap = READ_CHUNK;
	if (!(r.buf = malloc(r.cap))) {
		close(r.fd);
		return source_err_set(e, EXIT_TARGET, "out of memory");
	}
	maps_parser_init(&p, &s->model);
	err = reader_parse(&r, &p);
	close(r.fd);
	free(r.buf);
	if (err == -EIO)
		return r.read_errno == ESRCH ? live_check(pid, false, e)
					     : open_failed(pid, s->path, r.read_errno, e);
	if (err)
		return parse_failed(&p, err, s->path, e);
	s->name_column = p.name_column;
	return EXIT_FINE;
}

/* The VMAs, then /proc/PID/stat once (did it exit meanwhile? its start_brk). */
static int read_live(struct source *s, pid_t pid, const struct source_opts *o,
		     struct source_err *e)
{
	struct proc_stat st;
	time_t when = time(NULL);
	char path[64];
	int rc;

	snprintf(path, sizeof(path), "/proc/%d/%s", (int)pid, o->smaps ? "smaps" : "maps");
	s->kind = SOURCE_LIVE;
	if (!(s->path = strdup(path)))
		return source_err_set(e, EXIT_TARGET, "out of memory");
	rc = read_live_vmas(s, pid, e);
	if (rc)
		return rc;
	proc_stat_read(pid, &st);
	rc = live_vanished(&st, pid, s->model.count == 0, e);
	if (!rc) {
		if (o->no_meta)
			s->meta.page_size = sysconf(_SC_PAGESIZE);
		else
			proc_meta_read(pid, &st, &s->meta);
		s->meta.pid = pid;
		s->meta.time = when;
		s->has_smaps = o->smaps;
		vma_infer_params(&s->model);
		params_live(s, &st);
		if (o->rollup)
			read_rollup(s, pid);
	}
	proc_stat_release(&st);
	return rc;
}

/*
 * The maps text of a live target exactly as the kernel gave it, for
 * `show --format maps` with nothing to filter: no model is built.  The whole
 * text is kept (it is smaller than the model would be) so that nothing is
 * printed when the process turns out to have exited during the read.
 *
 * It is kept in a mapping of its own, 2 MiB aligned and marked for
 * transparent huge pages: 5 MB of text for 65,000 VMAs is then three page
 * faults instead of 1,300, and those faults, taken inside read() as the
 * kernel copies out, cost a third more than the kernel's making of the text
 * (issue 12).  Where huge pages are off it is an ordinary mapping.  The
 * mapping's size is kept in its first bytes, before the text.
 */
#define RAW_ALIGN	((size_t)2 << 20)	/* a huge page */
#define RAW_RESERVE	((size_t)64 << 20)	/* address space, not memory */
#define RAW_HEAD	((size_t)64)		/* the size, then the text */

/* size bytes of fresh address space, RAW_ALIGN-aligned; NULL if none. */
static char *raw_map(size_t size)
{
	size_t span = size + RAW_ALIGN;
	char *p = mmap(NULL, span, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	char *a;

	if (p == MAP_FAILED)
		return NULL;
	a = (char *)(((uintptr_t)p + RAW_ALIGN - 1) & ~(uintptr_t)(RAW_ALIGN - 1));
	if (a > p)
		munmap(p, (size_t)(a - p));
	munmap(a + size, (size_t)(p + span - (a + size)));
	(void)madvise(a, size, MADV_HUGEPAGE);	/* a hint: fine without */
	*(size_t *)a = size;
	return a;
}

/* Make r (a raw_map'd buffer) twice as large; false (ENOMEM) if it cannot. */
static bool raw_grow(struct text_reader *r)
{
	char *base = r->buf - RAW_HEAD, *nb;
	size_t size = *(size_t *)base;

	nb = mremap(base, size, size * 2, MREMAP_MAYMOVE);
	if (nb == MAP_FAILED) {
		r->read_errno = ENOMEM;
		return false;
	}
	*(size_t *)nb = size * 2;
	r->buf = nb + RAW_HEAD;
	r->cap = size * 2 - RAW_HEAD;
	return true;
}

/* Everything from r->fd into r's raw_map'd buffer: 0 at the end, -1 on error. */
static int raw_read_all(struct text_reader *r)
{
	ssize_t n;

	do {
		if (r->len == r->cap && !raw_grow(r))
			return -1;
		n = reader_read(r);
	} while (n > 0);
	return n < 0 ? -1 : 0;
}

void source_raw_maps_free(char *text)
{
	char *base = text ? text - RAW_HEAD : NULL;

	if (base)
		munmap(base, *(size_t *)base);
}

static int read_raw_maps(const char *target, char **text, size_t *len, struct source_err *e)
{
	struct text_reader r = { .fd = -1 };
	char path[64], *base = NULL;
	size_t size;
	pid_t pid;
	int rc;

	if ((rc = target_pid_e(target, &pid, e)))
		return rc;
	snprintf(path, sizeof(path), "/proc/%d/maps", (int)pid);
	r.fd = open(path, O_RDONLY | O_CLOEXEC);
	if (r.fd < 0)
		return open_failed(pid, path, errno, e);
	for (size = RAW_RESERVE; !base && size >= READ_CHUNK; size /= 8)
		base = raw_map(size);
	if (!base) {
		close(r.fd);
		return source_err_set(e, EXIT_TARGET, "out of memory");
	}
	r.buf = base + RAW_HEAD;
	r.cap = *(size_t *)base - RAW_HEAD;
	if (raw_read_all(&r) < 0)
		rc = r.read_errno == ESRCH ? live_check(pid, false, e)
					   : open_failed(pid, path, r.read_errno, e);
	close(r.fd);
	if (!rc)
		rc = live_check(pid, r.len == 0, e);
	if (rc) {
		source_raw_maps_free(r.buf);
		return rc;
	}
	*text = r.buf;
	*len = r.len;
	return EXIT_FINE;
}

int source_read_raw_maps(const char *target, char **text, size_t *len)
{
	struct source_err e;

	*text = NULL;
	*len = 0;
	return read_raw_maps(target, text, len, &e) ? source_err_print(&e) : EXIT_FINE;
}

/* ---- the heap a model is built in ------------------------------------------- */

/*
 * A 65,000-VMA model is 10 to 15 MB of small and growing blocks; in 4 KiB
 * pages that is 3,000 page faults, each dearer than the kernel's making of
 * the smaps text it comes from (on a paravirtualised machine, about 10 us).
 * So: blocks up to 32 MiB come from the heap (not one mapping each, made
 * and unmade), the heap is not given back while the command runs, and it is
 * grown once, by HEAP_RESERVE, in a range marked for transparent huge pages:
 * a few dozen faults.  Address space only: what is never touched is never
 * memory, but what is touched is in 2 MiB steps (show: 16.7 -> 18.5 MiB
 * peak); watch, which holds two models, keeps 4 KiB pages and only the
 * rest (so that a round reuses the last round's pages): it stays under
 * 32 MiB.  Every step is a hint; failing, malloc works as before.
 */
#define HEAP_RESERVE	((size_t)30 << 20)	/* under M_MMAP_THRESHOLD */

static void *heap_below_huge;	/* never used, never freed */

void source_heap_reserve(bool huge_pages)
{
	static bool done;
	uintptr_t lo, hi;
	char *start;
	void *p;

	if (done)
		return;
	done = true;
	(void)mallopt(M_MMAP_THRESHOLD, 32 << 20);
	(void)mallopt(M_TRIM_THRESHOLD, INT_MAX);
	(void)mallopt(M_TOP_PAD, 1 << 20);
	if (!huge_pages)
		return;
	start = sbrk(0);
	p = malloc(HEAP_RESERVE);	/* moves the break; touches one page */
	free(p);
	if (start == (void *)-1 || !p)
		return;
	lo = ((uintptr_t)start + RAW_ALIGN - 1) & ~(uintptr_t)(RAW_ALIGN - 1);
	hi = (uintptr_t)sbrk(0) & ~(uintptr_t)(RAW_ALIGN - 1);
	if (hi <= lo || madvise((void *)lo, hi - lo, MADV_HUGEPAGE) < 0)
		return;
	/* the heap below lo cannot have huge pages: fill it, untouched, for good */
	p = malloc(1);
	if (p && (uintptr_t)p + 4096 < lo)
		heap_below_huge = malloc(lo - (uintptr_t)p - 4096);
	free(p);
}

/* ---- saved files ---------------------------------------------------------- */

/* Read until at least want bytes (or end of file) are in r; -1 on error. */
static int reader_fill_to(struct text_reader *r, size_t want)
{
	while (r->len < want) {
		ssize_t n = reader_fill(r);

		if (n < 0)
			return -1;
		if (n == 0)
			break;
	}
	return 0;
}

/* The rest of a JSON document, into one buffer of the file's size when known. */
static int read_json_file(struct source *s, struct text_reader *r, const char *name,
			  struct source_err *e)
{
	struct stat st;
	bool regular = fstat(r->fd, &st) == 0 && S_ISREG(st.st_mode);
	ssize_t n;
	int rc;

	/* a whole regular file: read through a mapping (json_load_mapped) */
	if (regular && lseek(r->fd, 0, SEEK_CUR) == (off_t)r->len &&
	    (rc = json_load_mapped(s, name, r->fd, (size_t)st.st_size, e)) >= 0)
		return rc;
	if (regular && (size_t)st.st_size + 1 > r->cap && !reader_grow(r, (size_t)st.st_size + 1))
		return source_err_set(e, EXIT_TARGET, "out of memory reading '%s'", name);
	while ((n = reader_fill(r)) > 0)
		;
	if (n < 0)
		return r->read_errno == ENOMEM
			? source_err_set(e, EXIT_TARGET, "out of memory reading '%s'", name)
			: source_err_set(e, EXIT_TARGET, "cannot read '%s': %s", name,
					 strerror(r->read_errno));
	return json_load(s, name, r->buf, r->len, e);
}

static int read_text_file(struct source *s, struct text_reader *r, const char *name,
			  enum maps_format fmt, struct source_err *e)
{
	struct maps_parser p;
	int err;

	s->kind = fmt == MAPS_FORMAT_SMAPS ? SOURCE_SMAPS_FILE : SOURCE_MAPS_FILE;
	maps_parser_init(&p, &s->model);
	err = reader_parse(r, &p);
	if (err == -EIO)
		return source_err_set(e, EXIT_TARGET, "cannot read '%s': %s", name,
				      strerror(r->read_errno));
	if (err)
		return parse_failed(&p, err, name, e);
	s->name_column = p.name_column;
	s->has_smaps = p.format == MAPS_FORMAT_SMAPS;
	s->meta.page_size = sysconf(_SC_PAGESIZE);
	return EXIT_FINE;
}

/* Which kind of file it is, from its first bytes, and the reader for it. */
static int read_file_kind(struct source *s, struct text_reader *r, const char *name,
			  struct source_err *e)
{
	enum maps_format fmt;

	if (reader_fill_to(r, 4096) < 0)
		return source_err_set(e, EXIT_TARGET, "cannot read '%s': %s", name,
				      strerror(r->read_errno));
	if (r->len == 0)
		return source_err_set(e, EXIT_BADINPUT, "cannot read '%s': the file is empty", name);
	if (json_sniff(r->buf, r->len))
		return read_json_file(s, r, name, e);
	if ((fmt = maps_sniff(r->buf, r->len)) != MAPS_FORMAT_UNKNOWN)
		return read_text_file(s, r, name, fmt, e);
	return source_err_set(e, EXIT_BADINPUT, "cannot read '%s': not a maps, smaps or vmatool "
			      "JSON file", name);
}

static int read_file(struct source *s, const char *path, struct source_err *e)
{
	struct text_reader r = { .fd = -1 };
	const char *name = strcmp(path, "-") ? path : "standard input";
	int rc;

	if (!(s->path = strdup(path)))
		return source_err_set(e, EXIT_TARGET, "out of memory");
	r.fd = strcmp(path, "-") ? open(path, O_RDONLY | O_CLOEXEC) : STDIN_FILENO;
	if (r.fd < 0)
		return source_err_set(e, EXIT_TARGET, "cannot read '%s': %s", path, strerror(errno));
	r.cap = READ_CHUNK_FILE;
	r.buf = malloc(r.cap);
	rc = r.buf ? read_file_kind(s, &r, name, e) : source_err_set(e, EXIT_TARGET, "out of memory");
	if (r.fd != STDIN_FILENO)
		close(r.fd);
	free(r.buf);
	if (rc == EXIT_FINE) {
		vma_infer_params(&s->model);
		if (s->meta.max_map_count > 0)
			s->model.p.max_map_count = (uint32_t)s->meta.max_map_count;
	}
	return rc;
}

/* ---- the interface -------------------------------------------------------- */

/* Read target (pid: a process already resolved, or 0) into s. */
static int load(struct source *s, const char *target, pid_t pid, const struct source_opts *o,
		struct source_err *e)
{
	struct vma_params params;
	int rc;

	memset(s, 0, sizeof(*s));
	e->code = EXIT_FINE;
	e->msg[0] = 0;
	s->opts = *o;
	s->target = strdup(target);
	vma_params_default(&params);
	if (vma_model_init(&s->model, &params) < 0 || !s->target)
		return source_err_set(e, EXIT_TARGET, "out of memory");
	if (!pid && target_is_file(target))
		return read_file(s, target, e);
	if (!pid && (rc = target_pid_e(target, &pid, e)))
		return rc;
	return read_live(s, pid, o, e);
}

int source_load(struct source *s, const char *target, const struct source_opts *o,
		struct source_err *e)
{
	return load(s, target, 0, o, e);
}

int source_open(struct source *s, const char *target, const struct source_opts *o)
{
	struct source_err e;

	return source_load(s, target, o, &e) ? source_err_print(&e) : EXIT_FINE;
}

int source_reload(const struct source *old, struct source *fresh, struct source_err *e)
{
	return load(fresh, old->target, old->kind == SOURCE_LIVE ? old->meta.pid : 0, &old->opts, e);
}

void source_machine(const struct source *s, struct vma_params *p)
{
	*p = s->model.p;
	if (s->has_machine)
		return;
	machine_probe(p);
	if (s->kind == SOURCE_LIVE)
		machine_probe_process(p, s->meta.pid);
	if (s->meta.max_map_count > 0)	/* the target's own limit, as read */
		p->max_map_count = (uint32_t)s->meta.max_map_count;
}

void source_use_machine(struct source *s)
{
	struct vma_params p;

	if (s->has_machine)
		return;
	source_machine(s, &p);
	for (size_t i = 0; i < vma_setting_count(); i++) {
		char val[32];

		vma_setting_format(&p, i, val, sizeof(val));
		/* refused only for the page size of a model read with another one */
		(void)vma_model_set_setting(&s->model, i, val, strlen(val));
	}
	s->has_machine = s->kind == SOURCE_LIVE;	/* now the target's own */
	if (s->model.p.legacy_layout)
		vma_infer_params(&s->model);
}

/* Every machine setting to upstream Linux's default (the page size stays). */
static void machine_set_upstream(struct vma_model *m)
{
	struct vma_params d;
	char val[32];

	vma_params_default(&d);
	for (size_t i = 0; i < vma_setting_count(); i++) {
		vma_setting_format(&d, i, val, sizeof(val));
		(void)vma_model_set_setting(m, i, val, strlen(val));
	}
	vma_infer_params(m);
}

int source_set_machine(struct vma_model *m, const char *const *settings, size_t n)
{
	for (size_t k = 0; k < n; k++) {
		const char *arg = settings[k], *eq = strchr(arg, '=');
		int i = eq ? vma_setting_find(arg, (size_t)(eq - arg)) : -ENOENT;

		if (!strcmp(arg, "upstream")) {
			machine_set_upstream(m);
			continue;
		}
		/*
		 * The command line checked names and values (cmd.c, CMD_SETTING):
		 * only a page size other than the one the VMAs were read with fails.
		 */
		if (i < 0 || vma_model_set_setting(m, (size_t)i, eq + 1, strlen(eq + 1)) < 0)
			return cli_usage_error("bad value '%s' for --machine: the address space "
					       "was read with pages of %llu bytes", arg,
					       (unsigned long long)m->p.page_size);
		if (!strcmp(vma_setting_at((size_t)i)->name, "legacy_va_layout"))
			vma_infer_params(m);
	}
	return EXIT_FINE;
}

void source_release(struct source *s)
{
	vma_model_release(&s->model);
	proc_meta_release(&s->meta);
	free(s->target);
	free(s->path);
	memset(s, 0, sizeof(*s));
}
