/*
 * calls_apply.c - running a parsed call on the engine: resolving address
 * expressions, keeping track of which open file each descriptor stands
 * for, predicting the result, and bringing the model in line with the
 * recorded result when the log says the kernel did something else.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "abi.h"
#include "calls.h"
#include "calls_int.h"
#include "maps.h"

void calls_ctx_init(struct calls_ctx *ctx)
{
	memset(ctx, 0, sizeof(*ctx));
	ctx->follow_recorded = true;
}

void calls_ctx_release(struct calls_ctx *ctx)
{
	fdtab_put(ctx->fds);
	ctx->fds = NULL;
	if (ctx->have_shadow)
		vma_model_release(&ctx->shadow);
	ctx->have_shadow = false;
}

static int ctx_error(struct calls_ctx *ctx, const struct call *c, unsigned col, int err,
		     const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static int ctx_error(struct calls_ctx *ctx, const struct call *c, unsigned col, int err,
		     const char *fmt, ...)
{
	va_list ap;
	int n;

	ctx->errcol = col;
	n = snprintf(ctx->errmsg, sizeof(ctx->errmsg), "line %zu, column %u: ", c->lineno, col);
	va_start(ap, fmt);
	vsnprintf(ctx->errmsg + n, sizeof(ctx->errmsg) - (size_t)n, fmt, ap);
	va_end(ap);
	return err;
}

/* ---- descriptors ---------------------------------------------------------- */

static struct calls_fd *fd_find(struct calls_ctx *ctx, int fd)
{
	return ctx->fds ? fdtab_find(ctx->fds, fd) : NULL;
}

static void fd_close(struct calls_ctx *ctx, int fd)
{
	if (ctx->fds)
		fdtab_remove(ctx->fds, fd);
}

static bool starts_with(const char *s, const char *w)
{
	return strncmp(s, w, strlen(w)) == 0;
}

/* The name of f's file in m (interned there now: each model has its own names). */
static int fd_name(struct vma_model *m, const struct calls_fd *f, uint32_t *id)
{
	return vma_intern_checked(m, f->esc, strlen(f->esc), id);
}

/* Is v a mapping of f's file (by name: nothing is interned for opens never mapped)? */
static bool maps_file(const struct vma_model *m, const struct vma *v, const struct calls_fd *f)
{
	size_t n = strlen(f->esc);

	return v->name && vma_name_len(m, v->name) == n && !memcmp(vma_name(m, v->name), f->esc, n);
}

/* Device and inode of path: from a snapshot mapping of it, else stat(). */
static void file_identity(struct calls_ctx *ctx, struct vma_model *m, struct calls_fd *f)
{
	struct vma_mapfile *mf = &f->file;

	for (struct vma *v = m->first; v; v = v->next)
		if (maps_file(m, v, f) && (v->inode || v->dev)) {
			mf->dev = v->dev;
			mf->inode = v->inode;
			return;
		}
	if (ctx->stat && ctx->stat(ctx->stat_arg, f->path, &mf->dev, &mf->inode) < 0) {
		mf->dev = 0;
		mf->inode = 0;
		f->stat_failed = true;
	}
}

/* A new open of path as descriptor fd (replacing what fd was). */
static struct calls_fd *fd_open(struct calls_ctx *ctx, struct vma_model *m, int fd,
				const char *path)
{
	char *copy = strdup(path ? path : "");
	char *esc = malloc(4 * (copy ? strlen(copy) : 0) + 1);
	struct calls_fd *f;

	if (!copy || !esc || (!ctx->fds && !(ctx->fds = fdtab_new())) ||
	    !(f = fdtab_add(ctx->fds, fd))) {
		free(copy);
		free(esc);
		return NULL;
	}
	f->path = copy;
	f->esc = esc;
	esc[maps_escape_name(copy, strlen(copy), esc)] = '\0';
	f->file.file = vma_file_open(m);
	if (ctx->have_shadow && m != &ctx->shadow)
		vma_file_open(&ctx->shadow);	/* keep the shadow's counter in step */
	f->file.shmem = starts_with(copy, "/memfd:") || starts_with(copy, "/dev/shm/") ||
			starts_with(copy, "/SYSV");
	if (*copy)
		file_identity(ctx, m, f);
	if (*copy && ctx->thp_file && !f->file.shmem)
		f->file.thp_align = ctx->thp_file(ctx->stat_arg, copy);
	return f;
}

/* ---- open modes ------------------------------------------------------------- */

/* How a descriptor was opened (the O_ACCMODE bits, and O_PATH). */
enum open_mode { OPEN_RDONLY, OPEN_WRONLY, OPEN_RDWR, OPEN_PATH, OPEN_UNKNOWN };

#define LINUX_O_ACCMODE	03
#define LINUX_O_PATH	010000000

/*
 * Argument i of a call's text ("openat(AT_FDCWD, \"/a,b\", O_RDONLY)"):
 * commas inside strings, braces, brackets and parentheses do not count.
 */
static bool text_arg(const char *t, unsigned i, const char **arg, size_t *len)
{
	const char *p = strchr(t, '(');
	int depth = 0;
	bool quoted = false;

	if (!p)
		return false;
	for (*arg = ++p; *p; p++) {
		if (quoted) {
			if (*p == '\\' && p[1])
				p++;
			else if (*p == '"')
				quoted = false;
		} else if (*p == '"') {
			quoted = true;
		} else if (*p == '(' || *p == '{' || *p == '[') {
			depth++;
		} else if ((*p == ')' || *p == '}' || *p == ']') && depth > 0) {
			depth--;
		} else if ((*p == ',' && depth == 0) || *p == ')') {
			if (i == 0) {
				while (**arg == ' ')
					(*arg)++;
				*len = (size_t)(p - *arg);
				return true;
			}
			if (*p == ')')
				return false;
			i--;
			*arg = p + 1;
		}
	}
	return false;
}

/* The mode in open flags as strace writes them: O_RDWR|O_CLOEXEC, 0x2, 02. */
static enum open_mode flags_mode(const char *s, size_t len)
{
	uint64_t acc = 0;
	bool path = false, any = false;

	while (len) {
		size_t n = 0;

		while (n < len && s[n] != '|')
			n++;
		if (n == 8 && !memcmp(s, "O_RDONLY", 8))
			any = true;
		else if (n == 8 && !memcmp(s, "O_WRONLY", 8))
			acc = 1, any = true;
		else if (n == 6 && !memcmp(s, "O_RDWR", 6))
			acc = 2, any = true;
		else if (n == 6 && !memcmp(s, "O_PATH", 6))
			path = true;
		else if (n && s[0] >= '0' && s[0] <= '9') {
			uint64_t v = strtoull(s, NULL, 0);

			acc = v & LINUX_O_ACCMODE;
			path |= (v & LINUX_O_PATH) != 0;
			any = true;
		}
		s += n;
		len -= n;
		if (len)
			s++, len--;
	}
	if (path)
		return OPEN_PATH;
	return any && acc < 3 ? (enum open_mode)acc : OPEN_UNKNOWN;
}

/* The mode of an open-like call (open, openat, openat2, creat, memfd_create...). */
static enum open_mode open_mode_of(const struct call *c)
{
	const char *a;
	size_t len;

	if (!c->text)
		return OPEN_UNKNOWN;
	if (!strcmp(c->name, "creat"))
		return OPEN_WRONLY;
	if (!strcmp(c->name, "memfd_create") || !strcmp(c->name, "memfd_secret"))
		return OPEN_RDWR;
	if (!strcmp(c->name, "open") && text_arg(c->text, 1, &a, &len))
		return flags_mode(a, len);
	if (!strcmp(c->name, "openat") && text_arg(c->text, 2, &a, &len))
		return flags_mode(a, len);
	if (!strcmp(c->name, "openat2") && text_arg(c->text, 2, &a, &len)) {
		const char *f = memmem(a, len, "flags=", 6);	/* {flags=O_RDONLY, mode=0...} */
		size_t n = 0;

		if (!f)
			return OPEN_UNKNOWN;
		f += 6;
		while (f + n < a + len && f[n] != ',' && f[n] != '}')
			n++;
		return flags_mode(f, n);
	}
	return OPEN_UNKNOWN;
}

/* Is the new descriptor closed by execve (O_CLOEXEC, MFD_CLOEXEC, F_DUPFD_CLOEXEC)? */
static bool open_cloexec(const struct call *c)
{
	const char *a;
	size_t len;

	if (!c->text || !(a = strchr(c->text, '(')))
		return false;
	if (strstr(a, "O_CLOEXEC") || strstr(a, "MFD_CLOEXEC") || strstr(a, "F_DUPFD_CLOEXEC"))
		return true;
	if (!strcmp(c->name, "openat") && text_arg(c->text, 2, &a, &len) && a[0] >= '0' &&
	    a[0] <= '9')
		return (strtoull(a, NULL, 0) & 02000000) != 0;
	return false;
}

static void fd_set_mode(struct calls_fd *f, enum open_mode mode)
{
	f->mode_assumed = mode == OPEN_UNKNOWN;
	f->file.readonly = mode == OPEN_RDONLY;
	f->file.writeonly = mode == OPEN_WRONLY;
	f->path_only = mode == OPEN_PATH;
}

/*
 * A descriptor no open in the log explains (strace -e trace=memory shows
 * none) is taken as O_RDWR, the mode under which every mapping succeeds as
 * asked, unless the snapshot maps the same file shared without VM_MAYWRITE:
 * only a read-only open gives that, and a program that maps a file again
 * usually maps it through the same descriptor.
 */
static void fd_assume_mode(struct vma_model *m, struct calls_fd *f)
{
	fd_set_mode(f, OPEN_UNKNOWN);
	for (struct vma *v = m->first; v; v = v->next)
		if (maps_file(m, v, f) && (v->flags & VMF(MAYSHARE)) &&
		    !(v->flags & VMF(MAYWRITE)) && !(v->bits & VMA_B_FLAGS_INFERRED)) {
			f->file.readonly = true;
			return;
		}
}

/*
 * The open file behind a call's descriptor: the same descriptor number with
 * the same path (or no path given) is the same open; a different path on
 * that number means the log closed and reopened it unseen.
 */
static struct calls_fd *fd_get(struct calls_ctx *ctx, struct vma_model *m, int fd,
			       const char *path)
{
	struct calls_fd *f = fd_find(ctx, fd);
	size_t n = f ? strlen(f->path) : 0;

	if (f && (!path || strcmp(path, f->path) == 0))
		return f;
	if (f && !strncmp(path, f->path, n) && !strcmp(path + n, " (deleted)")) {
		char *p = strdup(path), *e = malloc(4 * strlen(path) + 1);	/* unlinked since */
		if (!p || !e) {
			free(p);
			free(e);
			return NULL;
		}
		e[maps_escape_name(p, strlen(p), e)] = '\0';
		free(f->path);
		free(f->esc);
		f->path = p;
		f->esc = e;
		return f;
	}
	if ((f = fd_open(ctx, m, fd, path)))
		fd_assume_mode(m, f);
	return f;
}

/* dup(3) = 4, dup2(3, 4) = 4, fcntl(3, F_DUPFD...) = 4: the old descriptor, else -1. */
static int dup_source(const struct call *c)
{
	const char *a;
	size_t len;

	if (!c->text || !text_arg(c->text, 0, &a, &len) || len == 0 || a[0] < '0' || a[0] > '9')
		return -1;
	if (!strcmp(c->name, "fcntl") || !strcmp(c->name, "fcntl64")) {
		const char *b;
		size_t blen;

		if (!text_arg(c->text, 1, &b, &blen) || blen < 7 || memcmp(b, "F_DUPFD", 7))
			return -1;
	} else if (strcmp(c->name, "dup") && strcmp(c->name, "dup2") && strcmp(c->name, "dup3")) {
		return -1;
	}
	return atoi(a);
}

/* newfd becomes another descriptor of old's open (one struct file: merges). */
static void fd_dup(struct calls_ctx *ctx, int old, int newfd)
{
	struct calls_fd *f, *n;
	char *path, *esc;

	if (old == newfd || !(f = fd_find(ctx, old)))
		return;
	path = strdup(f->path);
	esc = strdup(f->esc);
	fd_close(ctx, newfd);
	if (!path || !esc || !(f = fd_find(ctx, old)) || !(n = fdtab_add(ctx->fds, newfd))) {
		free(path);
		free(esc);
		return;
	}
	f = fd_find(ctx, old);	/* the add may have moved it */
	*n = *f;
	n->fd = newfd;
	n->path = path;
	n->esc = esc;
	n->cloexec = false;
}

/* ---- address expressions ---------------------------------------------------- */

static bool name_matches(const struct vma_model *m, const struct vma *v, const char *base)
{
	const char *n = vma_name(m, v->name);
	size_t nl = vma_name_len(m, v->name), bl = strlen(base);

	if (nl == bl && memcmp(n, base, bl) == 0)
		return true;
	return nl > bl && n[nl - bl - 1] == '/' && memcmp(n + nl - bl, base, bl) == 0;
}

static int resolve(struct calls_ctx *ctx, struct vma_model *m, const struct call *c,
		   unsigned i, uint64_t *out)
{
	const struct call_arg *a = &c->arg[i];
	struct vma *v;

	if (!a->base) {
		*out = a->value;
		return 0;
	}
	for (v = m->first; v; v = v->next)
		if (name_matches(m, v, a->base))
			break;
	if (!v)
		return ctx_error(ctx, c, a->column, -ENOENT, "no mapping named '%s'", a->base);
	*out = a->negative ? v->start - a->value : v->start + a->value;
	return 0;
}

/* ---- running one call ----------------------------------------------------------- */

/* The call itself, on the engine. */
static int run_op(struct calls_ctx *ctx, struct vma_model *m, const struct call *c,
		  const uint64_t *x, uint64_t *res, struct vma_effects *fx, bool *stat_failed)
{
	struct vma_mapfile mf, *file = NULL;

	*res = 0;
	switch (c->kind) {
	case CALL_MMAP:
		if (!(x[3] & VMA_MAP_ANONYMOUS)) {
			struct calls_fd *f;
			/* x86_64 sys_mmap checks the offset, then the descriptor */
			if (x[5] & (m->p.page_size - 1))
				return -EINVAL;
			if (c->fd < 0)
				return -EBADF;
			f = fd_get(ctx, m, c->fd, c->path);
			if (!f)
				return -ENOMEM;
			if (f->path_only)
				return -EBADF;
			mf = f->file;
			*stat_failed = f->stat_failed;
			if (fd_name(m, f, &mf.name) < 0)
				return -ENOMEM;
			file = &mf;
		}
		return vma_mmap(m, x[0], x[1], (int)x[2], (int)x[3], file, x[5], res, fx);
	case CALL_MUNMAP:
		return vma_munmap(m, x[0], x[1], fx);
	case CALL_MPROTECT:
		return vma_mprotect(m, x[0], x[1], (int)x[2], -1, fx);
	case CALL_PKEY_MPROTECT:
		return vma_mprotect(m, x[0], x[1], (int)x[2], (int)(int64_t)x[3], fx);
	case CALL_MREMAP:
		return vma_mremap(m, x[0], x[1], x[2], (int)x[3], c->nargs > 4 ? x[4] : 0, res, fx);
	case CALL_BRK:
		return vma_brk(m, x[0], res, fx);
	case CALL_MADVISE:
		return vma_madvise(m, x[0], x[1], (int)x[2], fx);
	case CALL_MLOCK:
		return vma_mlock(m, x[0], x[1], 0, fx);
	case CALL_MLOCK2:
		return vma_mlock(m, x[0], x[1], (unsigned)x[2], fx);
	case CALL_MUNLOCK:
		return vma_munlock(m, x[0], x[1], fx);
	case CALL_MLOCKALL:
		return vma_mlockall(m, (int)x[0], fx);
	case CALL_MUNLOCKALL:
		return vma_munlockall(m, fx);
	case CALL_MSEAL:
		return vma_mseal(m, x[0], x[1], (unsigned long)x[2], fx);
	case CALL_PRCTL_ANON_NAME:
		return vma_set_anon_name(m, x[2], x[3], c->str, fx);
	case CALL_TOUCH:	/* a third argument without PROT_WRITE: a read */
		return vma_fault(m, x[0], x[1], c->nargs < 3 || (x[2] & VMA_PROT_WRITE), fx);
	default:
		return 0;
	}
}

/* Run c with resolved arguments x on m; returns 0 or -errno, *res the value. */
static int run_call(struct calls_ctx *ctx, struct vma_model *m, const struct call *c,
		    const uint64_t *x, uint64_t *res, struct vma_effects *fx)
{
	bool unsure = false, stat_failed = false;
	uint64_t old_brk = m->p.brk;
	struct vma_effects local;
	size_t first;
	int r;

	if (!fx) {
		vma_effects_init(&local);
		fx = &local;
	}
	first = fx->n;
	if ((c->kind == CALL_MPROTECT || c->kind == CALL_PKEY_MPROTECT) && !ctx->assume_written)
		unsure = calls_account_unsure(m, x[0], x[1], (int)x[2]);
	r = run_op(ctx, m, c, x, res, fx, &stat_failed);
	if (r == 0)
		calls_unseen(ctx, m, c, x, *res, old_brk, unsure, stat_failed);
	if (r == 0 && !ctx->assume_written)
		calls_unsure_merges(m, c, fx, first);
	if (fx == &local)
		vma_effects_release(&local);
	return r;
}

static bool returns_address(enum call_kind k)
{
	return k == CALL_MMAP || k == CALL_MREMAP || k == CALL_BRK;
}

/* Does the recorded result differ from the prediction? */
static bool disagrees(const struct call *c, const struct call_outcome *o)
{
	int rec_err = c->result == -1 ? (c->result_errno ? c->result_errno : -1) : 0;

	if (!c->has_result || c->result_unknown || c->kind == CALL_TOUCH)
		return false;
	if (c->kind == CALL_BRK)	/* brk returns the break, never an error */
		return o->value != (uint64_t)c->result;
	if (rec_err || o->err)
		return rec_err != o->err;
	return returns_address(c->kind) ? o->value != (uint64_t)c->result : c->result != 0;
}

/*
 * Redo c so that it gives the recorded result: mmap and mremap at the
 * recorded address, brk to the recorded break.  Returns 0 if done.
 */
static int redo_as_recorded(struct calls_ctx *ctx, struct vma_model *m, const struct call *c,
			    const uint64_t *x, struct vma_effects *fx)
{
	uint64_t y[CALL_MAX_ARGS], res, rec = (uint64_t)c->result;
	int r;

	memcpy(y, x, sizeof(y));
	switch (c->kind) {
	case CALL_MMAP:
		y[0] = rec;
		y[3] = (y[3] & ~(uint64_t)VMA_MAP_FIXED_NOREPLACE) | VMA_MAP_FIXED;
		break;
	case CALL_MREMAP:
		if (rec == x[0]) {
			y[3] &= ~(uint64_t)(VMA_MREMAP_MAYMOVE | VMA_MREMAP_FIXED);
		} else {
			y[3] |= VMA_MREMAP_MAYMOVE | VMA_MREMAP_FIXED;
			y[4] = rec;
		}
		break;
	case CALL_BRK:
		y[0] = rec;
		break;
	default:
		return -EINVAL;
	}
	struct call tmp = *c;
	if (c->kind == CALL_MREMAP)
		tmp.nargs = 5;
	r = run_call(ctx, m, &tmp, y, &res, fx);
	if (r == 0 && res != rec)
		r = -EINVAL;
	return r;
}

/* m = a copy of src (both initialised); -ENOMEM leaves m as it was, or empty but valid. */
static int model_assign(struct vma_model *m, const struct vma_model *src)
{
	return vma_model_assign(m, src);
}

/*
 * Bring m (already changed by the prediction) to what the log says
 * happened, starting again from the shadow (m as it was before the call).
 * When the redo works, the shadow takes the same step, as after a call that
 * agreed (one model copy, not two); else it is copied back from m.
 */
static int follow(struct calls_ctx *ctx, struct vma_model *m, const struct call *c,
		  const uint64_t *x, struct call_outcome *out, struct vma_effects *fx)
{
	bool kernel_failed = c->kind != CALL_BRK && c->result == -1;
	struct vma_effects redo;
	int r;

	if ((r = model_assign(m, &ctx->shadow)) < 0)
		return r;
	if (fx)
		vma_effects_clear(fx);
	if (kernel_failed) {	/* the kernel refused: nothing happened */
		out->followed = true;
		return 0;
	}
	vma_effects_init(&redo);
	if (redo_as_recorded(ctx, m, c, x, &redo) == 0) {
		out->followed = true;
		for (size_t i = 0; fx && i < redo.n; i++)
			vma_effects_add(fx, &redo.ev[i]);
		vma_effects_release(&redo);
		if (redo_as_recorded(ctx, &ctx->shadow, c, x, NULL) == 0)
			return 0;
		return model_assign(&ctx->shadow, m);
	} else if ((r = model_assign(m, &ctx->shadow)) < 0) {
		vma_effects_release(&redo);
		return r;
	}
	vma_effects_release(&redo);
	return model_assign(&ctx->shadow, m);
}

static bool hit_limit(const struct vma_effects *fx)
{
	for (size_t i = 0; fx && i < fx->n; i++)
		if (fx->ev[i].kind == VMA_EV_LIMIT)
			return true;
	return false;
}

/*
 * A snapshot without [heap] does not say where the break is; a recorded
 * brk(NULL) does: it returns the current break, which is then also the
 * start of the (empty) heap.
 */
static void learn_break(struct vma_model *m, const struct call *c, const uint64_t *x)
{
	if (c->kind != CALL_BRK || m->p.start_brk || x[0] || !c->has_result ||
	    c->result_unknown || c->result <= 0)
		return;
	m->p.start_brk = m->p.brk = (uint64_t)c->result;
}

static void track_descriptors(struct calls_ctx *ctx, struct vma_model *m, const struct call *c)
{
	struct calls_fd *f;
	int src;

	if (c->kind == CALL_CLOSE && c->fd >= 0) {
		fd_close(ctx, c->fd);
		return;
	}
	if (c->result_fd < 0 || !c->result_path)	/* openat(...) = 3</path> */
		return;
	src = dup_source(c);
	if (src >= 0 && (f = fd_find(ctx, src)) && !strcmp(f->path, c->result_path)) {
		fd_dup(ctx, src, c->result_fd);
		return;
	}
	if ((f = fd_open(ctx, m, c->result_fd, c->result_path))) {
		fd_set_mode(f, open_mode_of(c));
		f->cloexec = open_cloexec(c);
		if (f->mode_assumed)
			fd_assume_mode(m, f);
	}
}

/*
 * A recorded result tells how an unexplained descriptor was opened: a
 * shared writable mapping that worked needs O_RDWR, one refused with
 * EACCES an O_RDONLY open.
 */
static void learn_mode(struct calls_ctx *ctx, const struct call *c, const uint64_t *x)
{
	struct calls_fd *f;

	if (!ctx->follow_recorded || c->kind != CALL_MMAP || !c->has_result ||
	    c->result_unknown || c->fd < 0 ||
	    (x[3] & VMA_MAP_ANONYMOUS) || !(f = fd_find(ctx, c->fd)) || !f->mode_assumed ||
	    (x[3] & VMA_MAP_TYPE) == VMA_MAP_PRIVATE || !(x[2] & VMA_PROT_WRITE))
		return;
	if (c->result == -1 && c->result_errno == EACCES) {
		f->file.readonly = true;
		f->mode_assumed = false;
	} else if (c->result != -1) {
		f->file.readonly = false;
		f->mode_assumed = false;
	}
}

/* Start the shadow: m as it is now, kept in step with every later call. */
static int shadow_start(struct calls_ctx *ctx, const struct vma_model *m)
{
	int r;

	if (ctx->have_shadow)
		return 0;
	if ((r = vma_model_copy(&ctx->shadow, m)) < 0)
		return r;
	ctx->have_shadow = true;
	return 0;
}

static int predict(struct calls_ctx *ctx, struct vma_model *m, const struct call *c,
		   struct call_outcome *out, struct vma_effects *fx)
{
	int r;

	out->applied = true;
	out->has_value = c->kind != CALL_TOUCH;
	r = run_call(ctx, m, c, out->arg, &out->value, fx);
	out->err = r < 0 ? -r : 0;
	if (r < 0 && c->kind != CALL_BRK)
		out->value = 0;
	out->limit = hit_limit(fx);
	out->disagree = disagrees(c, out);
	if (!ctx->have_shadow)
		return 0;
	if (out->disagree)
		return follow(ctx, m, c, out->arg, out, fx);
	uint64_t ignored;	/* agreed: the shadow takes the same step */
	r = run_call(ctx, &ctx->shadow, c, out->arg, &ignored, NULL);
	return r == -ENOMEM && out->err != ENOMEM ? r : 0;
}

int call_apply(struct calls_ctx *ctx, struct vma_model *m, const struct call *c,
	       struct call_outcome *out, struct vma_effects *fx)
{
	struct vma_effects local;
	int r;

	memset(out, 0, sizeof(*out));
	out->vmas_before = out->vmas_after = m->count;
	if (c->kind == CALL_OTHER || c->kind == CALL_CLOSE || c->kind == CALL_FORK ||
	    c->kind == CALL_EXEC || c->kind == CALL_EXIT) {
		track_descriptors(ctx, m, c);
		return 0;
	}
	for (unsigned i = 0; i < c->nargs; i++)
		if ((r = resolve(ctx, m, c, i, &out->arg[i])) < 0)
			return r;
	if (!fx) {
		vma_effects_init(&local);
		fx = &local;
	}
	r = 0;
	if (c->kind == CALL_MMAP && !(out->arg[3] & VMA_MAP_ANONYMOUS) && c->fd >= 0 &&
	    !fd_get(ctx, m, c->fd, c->path))
		r = -ENOMEM;
	if (r == 0)
		learn_mode(ctx, c, out->arg);
	if (r == 0 && ctx->follow_recorded && c->has_result && !c->result_unknown)
		r = shadow_start(ctx, m);
	if (r == 0) {
		learn_break(m, c, out->arg);
		if (ctx->have_shadow)
			learn_break(&ctx->shadow, c, out->arg);
		r = predict(ctx, m, c, out, fx);
	}
	out->vmas_after = m->count;
	if (fx == &local)
		vma_effects_release(&local);
	return r;
}
