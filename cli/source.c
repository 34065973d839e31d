/*
 * source.c - targets: a live process (PID, "self", a name) or a saved file
 * (maps text, smaps text, vmatool JSON, told apart by their contents), read
 * into an engine model.
 *
 * /proc files are read in large read() calls into one buffer that grows only
 * when a single line does not fit; the complete lines are handed to the
 * parser as they arrive, so the memory used does not grow with the text
 * (a 70 MB smaps is never held whole).  Every failure prints one message and
 * returns an exit code before anything is written to standard output.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/machine.h"
#include "engine/machine.h"
#include "cli/json-fast.h"
#include "cli/json.h"
#include "engine/maps.h"

#define READ_CHUNK	(1u << 20)	/* first buffer; the kernel fills it whole */
#define READ_CHUNK_FILE	(1u << 17)	/* saved files: fewer fresh pages to fault in */
#define PF_KTHREAD	0x00200000u	/* task flag in /proc/PID/stat field 9 */

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

int target_pid(const char *target, pid_t *pid)
{
	if (!strcmp(target, "self")) {
		*pid = getpid();
		return EXIT_FINE;
	}
	if (all_digits(target)) {
		long v = strlen(target) > 10 ? -1 : strtol(target, NULL, 10);

		if (v <= 0 || v > INT_MAX || !pid_exists((pid_t)v))
			return cli_error(EXIT_TARGET, "no such process '%s'", target);
		*pid = (pid_t)v;
		return EXIT_FINE;
	}
	return proc_find_by_name(target, pid);
}

pid_t source_pid(const struct source *s)
{
	return s->kind == SOURCE_LIVE ? s->meta.pid : -1;
}

/* ---- reading text into the parser ----------------------------------------- */

struct text_reader {
	int fd;
	char *buf;
	size_t len, cap;
	int read_errno;		/* errno of a failed read(), 0 if none */
};

/* Open /proc/PID/FILE for reading in READ_CHUNK pieces; an exit code. */
static int reader_open_proc(struct text_reader *r, pid_t pid, const char *path)
{
	r->fd = open(path, O_RDONLY | O_CLOEXEC);
	if (r->fd < 0)
		return source_open_failed(pid, path, errno);
	r->cap = READ_CHUNK;
	r->buf = malloc(r->cap);
	if (!r->buf) {
		close(r->fd);
		return cli_error(EXIT_TARGET, "out of memory");
	}
	return EXIT_FINE;
}

/* One read() into the free part of the buffer; grows it when it is full. */
static ssize_t reader_fill(struct text_reader *r)
{
	ssize_t n;

	if (r->len == r->cap) {
		char *nb = realloc(r->buf, r->cap * 2);

		if (!nb) {
			r->read_errno = ENOMEM;
			return -1;
		}
		r->buf = nb;
		r->cap *= 2;
	}
	do
		n = read(r->fd, r->buf + r->len, r->cap - r->len);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		r->read_errno = errno;
	else
		r->len += n;
	return n;
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

static int parse_failed(struct source *s, struct maps_parser *p, int err, const char *name)
{
	if (err == -ENOMEM)
		return cli_error(EXIT_TARGET, "out of memory reading '%s'", name);
	if (p->errline)
		return cli_error(EXIT_BADINPUT, "cannot read '%s': line %zu: %s", name, p->errline,
				 p->errmsg + p->errprefix);
	return cli_error(EXIT_BADINPUT, "cannot read '%s': %s", name, p->errmsg);
}

/* ---- live processes ------------------------------------------------------- */

/* Fields of /proc/PID/stat after the command name; NULL if unreadable. */
static char *stat_fields(pid_t pid, char **after_comm)
{
	char path[64], *s, *p;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	s = proc_read_small(path, NULL);
	if (!s)
		return NULL;
	p = strrchr(s, ')');
	if (!p || p[1] != ' ') {
		free(s);
		return NULL;
	}
	*after_comm = p + 2;	/* field 3, the state */
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

/* Why a live process gave no VMAs, or exited while being read. */
static int live_vanished(struct source *s, pid_t pid, bool empty)
{
	char *after, *st = stat_fields(pid, &after);
	char state = st ? after[0] : 'X';
	unsigned long long flags = st ? stat_field(after, 9) : 0;

	free(st);
	if (state == 'X' || state == 'Z') {
		if (empty && state == 'Z')
			return cli_error(EXIT_TARGET, "process %d has exited (zombie): "
					 "it has no address space", (int)pid);
		return cli_error(EXIT_TARGET, "process %d exited while being read", (int)pid);
	}
	if (empty && (flags & PF_KTHREAD))
		return cli_error(EXIT_TARGET, "process %d is a kernel thread: it has no address space",
				 (int)pid);
	if (empty)
		return cli_error(EXIT_TARGET, "process %d has no address space", (int)pid);
	return EXIT_FINE;
}

int source_open_failed(pid_t pid, const char *path, int err)
{
	if (err == ENOENT || err == ESRCH)
		return cli_error(EXIT_TARGET, "no such process '%d'", (int)pid);
	if (err == EACCES || err == EPERM)
		return cli_error(EXIT_TARGET,
				 "cannot read '%s': permission denied: reading another process's "
				 "maps needs ptrace read access (run as the process's user, if it "
				 "is dumpable, or as root / with CAP_SYS_PTRACE)", path);
	return cli_error(EXIT_TARGET, "cannot read '%s': %s", path, strerror(err));
}

static void params_live(struct source *s, pid_t pid)
{
	char *after, *st = stat_fields(pid, &after);
	long mmc = s->meta.max_map_count;

	s->model.p.page_size = (uint64_t)sysconf(_SC_PAGESIZE);
	if (mmc <= 0)
		mmc = sysctl_max_map_count();
	if (mmc > 0)
		s->model.p.max_map_count = (uint32_t)mmc;
	if (st) {
		/* field 47 start_brk: 0 unless we may read the process */
		uint64_t start_brk = stat_field(after, 47);

		if (start_brk) {
			struct vma *heap = vma_lookup(&s->model, start_brk);

			s->model.p.start_brk = start_brk;
			s->model.p.brk = heap ? heap->end : start_brk;
		}
		free(st);
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

static int read_live(struct source *s, pid_t pid, const struct source_opts *o)
{
	struct text_reader r = { .fd = -1 };
	struct maps_parser p;
	char path[64];
	int err, rc;

	snprintf(path, sizeof(path), "/proc/%d/%s", (int)pid, o->smaps ? "smaps" : "maps");
	s->kind = SOURCE_LIVE;
	s->path = strdup(path);
	if (o->no_meta)
		s->meta.page_size = sysconf(_SC_PAGESIZE);
	else
		proc_meta_read(pid, &s->meta);
	s->meta.pid = pid;
	if ((rc = reader_open_proc(&r, pid, path)) != EXIT_FINE)
		return rc;
	s->meta.time = time(NULL);
	maps_parser_init(&p, &s->model);
	err = reader_parse(&r, &p);
	close(r.fd);
	free(r.buf);
	if (err == -EIO)
		return r.read_errno == ESRCH ? live_vanished(s, pid, false)
					     : source_open_failed(pid, path, r.read_errno);
	if (err)
		return parse_failed(s, &p, err, path);
	rc = live_vanished(s, pid, s->model.count == 0);
	if (rc)
		return rc;
	s->name_column = p.name_column;
	s->has_smaps = o->smaps;
	vma_infer_params(&s->model);
	params_live(s, pid);
	if (o->rollup)
		read_rollup(s, pid);
	return EXIT_FINE;
}

/*
 * The maps text of a live target exactly as the kernel gave it, for
 * `show --format maps` with nothing to filter: no model is built.  The whole
 * text is kept (it is smaller than the model would be) so that nothing is
 * printed when the process turns out to have exited during the read.
 */
int source_read_raw_maps(const char *target, char **text, size_t *len)
{
	struct text_reader r = { .fd = -1 };
	char path[64];
	pid_t pid;
	ssize_t n;
	int rc;

	*text = NULL;
	*len = 0;
	rc = target_pid(target, &pid);
	if (rc)
		return rc;
	snprintf(path, sizeof(path), "/proc/%d/maps", (int)pid);
	if ((rc = reader_open_proc(&r, pid, path)) != EXIT_FINE)
		return rc;
	while ((n = reader_fill(&r)) > 0)
		;
	close(r.fd);
	if (n < 0)
		rc = r.read_errno == ESRCH ? live_vanished(NULL, pid, false)
					   : source_open_failed(pid, path, r.read_errno);
	if (!rc)
		rc = live_vanished(NULL, pid, r.len == 0);
	if (rc) {
		free(r.buf);
		return rc;
	}
	*text = r.buf;
	*len = r.len;
	return EXIT_FINE;
}

/* ---- saved files ---------------------------------------------------------- */

/* Read until at least want bytes (or end of file) are in r; -1 on error. */
static int reader_fill_to(struct text_reader *r, size_t want, bool *eof)
{
	*eof = false;
	while (r->len < want) {
		ssize_t n = reader_fill(r);

		if (n < 0)
			return -1;
		if (n == 0) {
			*eof = true;
			break;
		}
	}
	return 0;
}

static int read_json_file(struct source *s, struct text_reader *r, const char *name)
{
	struct vma_params params;
	ssize_t n;
	int rc;

	while ((n = reader_fill(r)) > 0)
		;	/* the whole document: jansson parses it in one piece */
	if (n < 0)
		return cli_error(EXIT_TARGET, "cannot read '%s': %s", name, strerror(r->read_errno));
	s->kind = SOURCE_JSON_FILE;
	rc = json_load_fast(s, r->buf, r->len);
	if (rc != JSON_FAST_FALLBACK)
		return rc;
	/* not in the shape vmatool writes: the full parser reads it and words errors */
	vma_model_release(&s->model);
	proc_meta_release(&s->meta);
	vma_params_default(&params);
	if (vma_model_init(&s->model, &params) < 0)
		return cli_error(EXIT_TARGET, "out of memory");
	s->kind = SOURCE_JSON_FILE;
	s->has_smaps = false;
	s->name_column = 0;
	return json_load_source(s, name, r->buf, r->len);
}

static int read_text_file(struct source *s, struct text_reader *r, const char *name,
			  enum maps_format fmt)
{
	struct maps_parser p;
	int err;

	s->kind = fmt == MAPS_FORMAT_SMAPS ? SOURCE_SMAPS_FILE : SOURCE_MAPS_FILE;
	maps_parser_init(&p, &s->model);
	err = reader_parse(r, &p);
	if (err == -EIO)
		return cli_error(EXIT_TARGET, "cannot read '%s': %s", name, strerror(r->read_errno));
	if (err)
		return parse_failed(s, &p, err, name);
	s->name_column = p.name_column;
	s->has_smaps = p.format == MAPS_FORMAT_SMAPS;
	vma_infer_params(&s->model);
	return EXIT_FINE;
}

static int read_file(struct source *s, const char *path)
{
	struct text_reader r = { .fd = -1 };
	const char *name = strcmp(path, "-") ? path : "standard input";
	enum maps_format fmt;
	bool eof;
	int rc;

	s->path = strdup(path);
	r.fd = strcmp(path, "-") ? open(path, O_RDONLY | O_CLOEXEC) : STDIN_FILENO;
	if (r.fd < 0)
		return cli_error(EXIT_TARGET, "cannot read '%s': %s", path, strerror(errno));
	r.cap = READ_CHUNK_FILE;
	r.buf = malloc(r.cap);
	if (!r.buf)
		rc = cli_error(EXIT_TARGET, "out of memory");
	else if (reader_fill_to(&r, 4096, &eof) < 0)
		rc = cli_error(EXIT_TARGET, "cannot read '%s': %s", name, strerror(r.read_errno));
	else if (r.len == 0)
		rc = cli_error(EXIT_BADINPUT, "cannot read '%s': the file is empty", name);
	else if (json_sniff(r.buf, r.len))
		rc = read_json_file(s, &r, name);
	else if ((fmt = maps_sniff(r.buf, r.len)) != MAPS_FORMAT_UNKNOWN)
		rc = read_text_file(s, &r, name, fmt);
	else
		rc = cli_error(EXIT_BADINPUT, "cannot read '%s': not a maps, smaps or vmatool "
			       "JSON file", name);
	if (r.fd != STDIN_FILENO)
		close(r.fd);
	free(r.buf);
	if (rc == EXIT_FINE && s->kind != SOURCE_JSON_FILE)
		s->meta.page_size = sysconf(_SC_PAGESIZE);
	if (rc == EXIT_FINE && s->kind == SOURCE_JSON_FILE) {
		vma_infer_params(&s->model);
		if (s->meta.max_map_count > 0)
			s->model.p.max_map_count = (uint32_t)s->meta.max_map_count;
	}
	return rc;
}

/* ---- the interface -------------------------------------------------------- */

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

int source_open(struct source *s, const char *target, const struct source_opts *o)
{
	struct vma_params params;
	pid_t pid;
	int rc;

	memset(s, 0, sizeof(*s));
	s->target = strdup(target);
	vma_params_default(&params);
	if (vma_model_init(&s->model, &params) < 0 || !s->target)
		return cli_error(EXIT_TARGET, "out of memory");
	if (target_is_file(target))
		return read_file(s, target);
	rc = target_pid(target, &pid);
	if (rc)
		return rc;
	return read_live(s, pid, o);
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
	json_source_free_raw(s);
	free(s->target);
	free(s->path);
	memset(s, 0, sizeof(*s));
}
