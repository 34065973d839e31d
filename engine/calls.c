/*
 * calls.c - the call language's vocabulary: call kinds, errno names, the
 * symbolic flag tables shared by the parser (calls_parse.c) and the
 * printer (call_format, here), and struct call's lifecycle.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "abi.h"
#include "calls.h"
#include "calls_int.h"

static const char *const kind_names[CALL_KIND_COUNT] = {
	[CALL_MMAP] = "mmap",
	[CALL_MUNMAP] = "munmap",
	[CALL_MPROTECT] = "mprotect",
	[CALL_PKEY_MPROTECT] = "pkey_mprotect",
	[CALL_MREMAP] = "mremap",
	[CALL_BRK] = "brk",
	[CALL_MADVISE] = "madvise",
	[CALL_MLOCK] = "mlock",
	[CALL_MLOCK2] = "mlock2",
	[CALL_MUNLOCK] = "munlock",
	[CALL_MLOCKALL] = "mlockall",
	[CALL_MUNLOCKALL] = "munlockall",
	[CALL_MSEAL] = "mseal",
	[CALL_PRCTL_ANON_NAME] = "prctl",
	[CALL_TOUCH] = "touch",
	[CALL_CLOSE] = "close",
	[CALL_FORK] = "clone",
	[CALL_EXEC] = "execve",
	[CALL_EXIT] = "exit",
	[CALL_OTHER] = "other",
};

const char *call_kind_name(enum call_kind kind)
{
	if ((unsigned)kind >= CALL_KIND_COUNT)
		return "?";
	return kind_names[kind];
}

/* ---- errno names --------------------------------------------------------- */

#define E(x) { x, #x }
static const struct {
	int num;
	const char *name;
} errno_table[] = {
	E(EPERM), E(ENOENT), E(ESRCH), E(EINTR), E(EIO), E(ENXIO), E(E2BIG),
	E(ENOEXEC), E(EBADF), E(ECHILD), E(EAGAIN), E(ENOMEM), E(EACCES),
	E(EFAULT), E(ENOTBLK), E(EBUSY), E(EEXIST), E(EXDEV), E(ENODEV),
	E(ENOTDIR), E(EISDIR), E(EINVAL), E(ENFILE), E(EMFILE), E(ENOTTY),
	E(ETXTBSY), E(EFBIG), E(ENOSPC), E(ESPIPE), E(EROFS), E(EMLINK),
	E(EPIPE), E(EDOM), E(ERANGE), E(EDEADLK), E(ENAMETOOLONG), E(ENOLCK),
	E(ENOSYS), E(ENOTEMPTY), E(ELOOP), E(ENOMSG), E(EIDRM), E(ENODATA),
	E(ETIME), E(EOVERFLOW), E(EILSEQ), E(EOPNOTSUPP), E(ENOTSUP),
	E(ETIMEDOUT), E(ECANCELED), E(EOWNERDEAD), E(EHWPOISON),
	{ 512, "ERESTARTSYS" }, { 513, "ERESTARTNOINTR" },
	{ 514, "ERESTARTNOHAND" }, { 516, "ERESTART_RESTARTBLOCK" },
};
#undef E

const char *call_errno_name(int err)
{
	for (size_t i = 0; i < sizeof(errno_table) / sizeof(errno_table[0]); i++)
		if (errno_table[i].num == err)
			return errno_table[i].name;
	return NULL;
}

int call_errno_parse(const char *s, size_t len)
{
	for (size_t i = 0; i < sizeof(errno_table) / sizeof(errno_table[0]); i++) {
		const char *n = errno_table[i].name;
		if (strlen(n) == len && memcmp(n, s, len) == 0)
			return errno_table[i].num;
	}
	return 0;
}

/* ---- symbolic flags -------------------------------------------------------- */

#define S(fam, x) { fam, #x, VMA_##x }
const struct calls_sym calls_syms[] = {
	S(SYM_PROT, PROT_NONE), S(SYM_PROT, PROT_READ), S(SYM_PROT, PROT_WRITE),
	S(SYM_PROT, PROT_EXEC), S(SYM_PROT, PROT_SEM), S(SYM_PROT, PROT_GROWSDOWN),
	S(SYM_PROT, PROT_GROWSUP),
	S(SYM_MAP, MAP_SHARED), S(SYM_MAP, MAP_PRIVATE), S(SYM_MAP, MAP_SHARED_VALIDATE),
	S(SYM_MAP, MAP_DROPPABLE), S(SYM_MAP, MAP_FIXED), S(SYM_MAP, MAP_ANONYMOUS),
	{ SYM_MAP, "MAP_ANON", VMA_MAP_ANONYMOUS }, { SYM_MAP, "MAP_FILE", 0 },
	S(SYM_MAP, MAP_32BIT), S(SYM_MAP, MAP_GROWSDOWN), S(SYM_MAP, MAP_DENYWRITE),
	S(SYM_MAP, MAP_EXECUTABLE), S(SYM_MAP, MAP_LOCKED), S(SYM_MAP, MAP_NORESERVE),
	S(SYM_MAP, MAP_POPULATE), S(SYM_MAP, MAP_NONBLOCK), S(SYM_MAP, MAP_STACK),
	S(SYM_MAP, MAP_HUGETLB), S(SYM_MAP, MAP_SYNC), S(SYM_MAP, MAP_FIXED_NOREPLACE),
	S(SYM_MAP, MAP_UNINITIALIZED),
	{ SYM_MAP, "MAP_HUGE_SHIFT", 26 },
	{ SYM_MAP, "MAP_HUGE_64KB", 16ull << 26 }, { SYM_MAP, "MAP_HUGE_512KB", 19ull << 26 },
	{ SYM_MAP, "MAP_HUGE_1MB", 20ull << 26 }, { SYM_MAP, "MAP_HUGE_2MB", 21ull << 26 },
	{ SYM_MAP, "MAP_HUGE_8MB", 23ull << 26 }, { SYM_MAP, "MAP_HUGE_16MB", 24ull << 26 },
	{ SYM_MAP, "MAP_HUGE_32MB", 25ull << 26 }, { SYM_MAP, "MAP_HUGE_256MB", 28ull << 26 },
	{ SYM_MAP, "MAP_HUGE_512MB", 29ull << 26 }, { SYM_MAP, "MAP_HUGE_1GB", 30ull << 26 },
	{ SYM_MAP, "MAP_HUGE_2GB", 31ull << 26 }, { SYM_MAP, "MAP_HUGE_16GB", 34ull << 26 },
	S(SYM_MREMAP, MREMAP_MAYMOVE), S(SYM_MREMAP, MREMAP_FIXED),
	S(SYM_MREMAP, MREMAP_DONTUNMAP),
	S(SYM_MADV, MADV_NORMAL), S(SYM_MADV, MADV_RANDOM), S(SYM_MADV, MADV_SEQUENTIAL),
	S(SYM_MADV, MADV_WILLNEED), S(SYM_MADV, MADV_DONTNEED), S(SYM_MADV, MADV_FREE),
	S(SYM_MADV, MADV_REMOVE), S(SYM_MADV, MADV_DONTFORK), S(SYM_MADV, MADV_DOFORK),
	S(SYM_MADV, MADV_MERGEABLE), S(SYM_MADV, MADV_UNMERGEABLE),
	S(SYM_MADV, MADV_HUGEPAGE), S(SYM_MADV, MADV_NOHUGEPAGE),
	S(SYM_MADV, MADV_DONTDUMP), S(SYM_MADV, MADV_DODUMP),
	S(SYM_MADV, MADV_WIPEONFORK), S(SYM_MADV, MADV_KEEPONFORK),
	S(SYM_MADV, MADV_COLD), S(SYM_MADV, MADV_PAGEOUT),
	S(SYM_MADV, MADV_POPULATE_READ), S(SYM_MADV, MADV_POPULATE_WRITE),
	S(SYM_MADV, MADV_DONTNEED_LOCKED), S(SYM_MADV, MADV_COLLAPSE),
	S(SYM_MADV, MADV_HWPOISON), S(SYM_MADV, MADV_SOFT_OFFLINE),
	S(SYM_MADV, MADV_GUARD_INSTALL), S(SYM_MADV, MADV_GUARD_REMOVE),
	S(SYM_MLOCK, MLOCK_ONFAULT),
	S(SYM_MCL, MCL_CURRENT), S(SYM_MCL, MCL_FUTURE), S(SYM_MCL, MCL_ONFAULT),
	S(SYM_PR, PR_SET_VMA), S(SYM_PR_VMA, PR_SET_VMA_ANON_NAME),
	{ 0, NULL, 0 }
};
#undef S

const char *const calls_family_name[SYM_NFAMILY] = {
	[SYM_NONE] = "number",
	[SYM_PROT] = "PROT_*",
	[SYM_MAP] = "MAP_*",
	[SYM_MREMAP] = "MREMAP_*",
	[SYM_MADV] = "MADV_*",
	[SYM_MLOCK] = "MLOCK_*",
	[SYM_MCL] = "MCL_*",
	[SYM_PR] = "PR_*",
	[SYM_PR_VMA] = "PR_SET_VMA_*",
};

/* Does the NUL-terminated name equal s[0..len)?  The first bytes decide most at once. */
static bool name_is(const char *name, const char *s, size_t len)
{
	return len && name[0] == s[0] && (len == 1 || name[1] == s[1]) &&
	       strlen(name) == len && memcmp(name, s, len) == 0;
}

const struct calls_sym *calls_sym_lookup(const char *s, size_t len)
{
	for (const struct calls_sym *y = calls_syms; y->name; y++)
		if (name_is(y->name, s, len))
			return y;
	return NULL;
}

/* ---- call signatures ------------------------------------------------------ */

#define A ARG_ADDR
#define N ARG_NUM
#define F ARG_FLAGS
static const struct calls_sig sigs[] = {
	{ "mmap", CALL_MMAP, 6, 6, 6, { A, N, F, F, ARG_FD, ARG_HEX },
	  { 0, 0, SYM_PROT, SYM_MAP, 0, 0 },
	  { "addr", "length", "prot", "flags", "fd", "offset" } },
	{ "munmap", CALL_MUNMAP, 2, 2, 2, { A, N }, { 0 },
	  { "addr", "length" } },
	{ "mprotect", CALL_MPROTECT, 3, 3, 3, { A, N, F }, { 0, 0, SYM_PROT },
	  { "addr", "length", "prot" } },
	{ "pkey_mprotect", CALL_PKEY_MPROTECT, 4, 4, 4, { A, N, F, ARG_SIGNED },
	  { 0, 0, SYM_PROT },
	  { "addr", "length", "prot", "pkey" } },
	{ "mremap", CALL_MREMAP, 4, 5, 5, { A, N, N, F, A }, { 0, 0, 0, SYM_MREMAP },
	  { "old_address", "old_size", "new_size", "flags", "new_address" } },
	{ "brk", CALL_BRK, 1, 1, 1, { A }, { 0 },
	  { "addr" } },
	{ "madvise", CALL_MADVISE, 3, 3, 3, { A, N, F }, { 0, 0, SYM_MADV },
	  { "addr", "length", "advice" } },
	{ "mlock", CALL_MLOCK, 2, 2, 2, { A, N }, { 0 },
	  { "addr", "length" } },
	{ "mlock2", CALL_MLOCK2, 3, 3, 3, { A, N, F }, { 0, 0, SYM_MLOCK },
	  { "addr", "length", "flags" } },
	{ "munlock", CALL_MUNLOCK, 2, 2, 2, { A, N }, { 0 },
	  { "addr", "length" } },
	{ "mlockall", CALL_MLOCKALL, 1, 1, 1, { F }, { SYM_MCL },
	  { "flags" } },
	{ "munlockall", CALL_MUNLOCKALL, 0, 0, 0, { 0 }, { 0 },
	  { 0 } },
	{ "mseal", CALL_MSEAL, 3, 3, 3, { A, N, ARG_HEX }, { 0 },
	  { "addr", "length", "flags" } },
	/* strace 6.1 does not know mseal (462): it prints six raw arguments */
	{ "syscall_0x1ce", CALL_MSEAL, 3, 6, 3, { A, N, ARG_HEX, ARG_HEX, ARG_HEX, ARG_HEX },
	  { 0 },
	  { "addr", "length", "flags", "arg4", "arg5", "arg6" } },
	{ "prctl", CALL_PRCTL_ANON_NAME, 5, 5, 5, { F, F, A, N, ARG_STR },
	  { SYM_PR, SYM_PR_VMA },
	  { "option", "arg2", "addr", "length", "name" } },
	/* touch(addr, len[, PROT_READ]): written, or with PROT_READ only read */
	{ "touch", CALL_TOUCH, 2, 3, 3, { A, N, F }, { 0, 0, SYM_PROT },
	  { "addr", "length", "access" } },
	{ "close", CALL_CLOSE, 1, 1, 1, { ARG_FD }, { 0 },
	  { "fd" } },
	{ NULL, CALL_OTHER, 0, 0, 0, { 0 }, { 0 }, { 0 } }
};
#undef A
#undef N
#undef F

const struct calls_sig *calls_sig_lookup(const char *name, size_t len)
{
	for (const struct calls_sig *g = sigs; g->name; g++)
		if (name_is(g->name, name, len))
			return g;
	return NULL;
}

static const struct calls_sig *sig_of_kind(enum call_kind kind)
{
	for (const struct calls_sig *g = sigs; g->name; g++)
		if (g->kind == kind)
			return g;
	return NULL;
}

enum calls_argtype calls_argtype(enum call_kind kind, unsigned i)
{
	const struct calls_sig *g = sig_of_kind(kind);
	return g && i < CALL_MAX_ARGS ? g->type[i] : ARG_NONE;
}

enum calls_family calls_argfamily(enum call_kind kind, unsigned i)
{
	const struct calls_sig *g = sig_of_kind(kind);
	return g && i < CALL_MAX_ARGS ? g->family[i] : SYM_NONE;
}

/* ---- struct call ----------------------------------------------------------- */

void call_init(struct call *c)
{
	memset(c, 0, sizeof(*c));
	c->kind = CALL_OTHER;
	c->fd = -1;
	c->result_fd = -1;
}

void call_release(struct call *c)
{
	for (unsigned i = 0; i < CALL_MAX_ARGS; i++) {
		free(c->arg[i].base);
		c->arg[i].base = NULL;
	}
	free(c->path);
	free(c->str);
	free(c->result_path);
	free(c->text);
	c->path = c->str = c->result_path = c->text = NULL;
}

/* ---- printing --------------------------------------------------------------- */

struct outbuf {
	char *buf;
	size_t cap, len;
};

static void out_add(struct outbuf *o, const char *s, size_t n)
{
	if (o->len < o->cap) {
		size_t room = o->cap - o->len;
		memcpy(o->buf + o->len, s, n < room ? n : room);
	}
	o->len += n;
}

static void out_str(struct outbuf *o, const char *s)
{
	out_add(o, s, strlen(s));
}

static void out_fmt(struct outbuf *o, const char *fmt, unsigned long long v)
{
	char tmp[32];
	int n = snprintf(tmp, sizeof(tmp), fmt, v);
	out_add(o, tmp, (size_t)n);
}

static void out_addr(struct outbuf *o, const struct call_arg *a)
{
	if (a->base) {
		out_str(o, a->base);
		if (a->value || a->negative)
			out_fmt(o, a->negative ? "-%#llx" : "+%#llx", a->value);
	} else if (a->value == 0) {
		out_str(o, "NULL");
	} else {
		out_fmt(o, "%#llx", a->value);
	}
}

static void out_signed(struct outbuf *o, uint64_t v)
{
	out_fmt(o, "%lld", (unsigned long long)(long long)v);
}

static bool starts_with(const char *s, const char *w)
{
	return strncmp(s, w, strlen(w)) == 0;
}

/* Flags of a family as strace prints them: names joined by '|', rest in hex. */
static void out_flags(struct outbuf *o, enum calls_family fam, uint64_t v)
{
	bool any = false;
	const struct calls_sym *zero = NULL;
	uint64_t huge = 0;

	if (fam == SYM_MADV || fam == SYM_PR || fam == SYM_PR_VMA) {	/* values, not bits */
		for (const struct calls_sym *y = calls_syms; y->name; y++)
			if (y->family == fam && y->value == v) {
				out_str(o, y->name);
				return;
			}
		out_fmt(o, "%#llx", v);
		return;
	}
	if (fam == SYM_MAP) {	/* the mapping type is a 4-bit value */
		for (const struct calls_sym *y = calls_syms; y->name; y++)
			if (y->family == SYM_MAP && y->value == (v & VMA_MAP_TYPE) && y->value) {
				out_str(o, y->name);
				v &= ~(uint64_t)VMA_MAP_TYPE;
				any = true;
				break;
			}
	}
	if (fam == SYM_MAP && (v & VMA_MAP_HUGETLB) && (v >> 26)) {
		huge = v >> 26;	/* the page size field of MAP_HUGETLB */
		v &= (1ull << 26) - 1;
	}
	for (const struct calls_sym *y = calls_syms; y->name; y++) {
		if (y->family != fam || (fam == SYM_MAP && (y->value & VMA_MAP_TYPE)) ||
		    starts_with(y->name, "MAP_HUGE_"))
			continue;
		if (y->value == 0) {
			zero = zero ? zero : y;
			continue;
		}
		if ((y->value & (y->value - 1)) || (v & y->value) != y->value)
			continue;
		if (any)
			out_str(o, "|");
		out_str(o, y->name);
		v &= ~y->value;
		any = true;
	}
	if (huge) {
		if (any)
			out_str(o, "|");
		out_fmt(o, "%llu<<MAP_HUGE_SHIFT", huge);
		any = true;
	}
	if (v || !any) {
		if (any)
			out_str(o, "|");
		if (!v && zero)
			out_str(o, zero->name);
		else
			out_fmt(o, "%#llx", v);
	}
}

static void out_quoted(struct outbuf *o, const char *s)
{
	out_str(o, "\"");
	for (; *s; s++) {
		unsigned char ch = (unsigned char)*s;
		if (ch == '"' || ch == '\\') {
			char e[2] = { '\\', (char)ch };
			out_add(o, e, 2);
		} else if (ch < 0x20 || ch >= 0x7f) {
			out_fmt(o, "\\x%02llx", ch);
		} else {
			out_add(o, s, 1);
		}
	}
	out_str(o, "\"");
}

/*
 * A descriptor's `<path>`: the bytes the parser would take for the end of
 * the decoration or an escape (< > [ ] \), control bytes and non-ASCII as \xHH,
 * so that any path reads back as itself.
 */
static void out_fd(struct outbuf *o, const struct call *c)
{
	out_signed(o, (uint64_t)(int64_t)c->fd);
	if (!c->path || c->fd < 0)
		return;
	out_str(o, "<");
	for (const char *s = c->path; *s; s++) {
		unsigned char ch = (unsigned char)*s;
		if (ch < 0x20 || ch >= 0x7f || strchr("<>[]\\", ch))
			out_fmt(o, "\\x%02llx", ch);
		else
			out_add(o, s, 1);
	}
	out_str(o, ">");
}

/* Argument i of c as the call language writes it. */
static void out_arg(struct outbuf *o, const struct call *c, unsigned i)
{
	const struct call_arg *a = &c->arg[i];
	enum calls_argtype t = calls_argtype(c->kind, i);

	switch (t) {
	case ARG_ADDR:
		out_addr(o, a);
		break;
	case ARG_FD:
		out_fd(o, c);
		break;
	case ARG_SIGNED:
		out_signed(o, a->value);
		break;
	case ARG_STR:
		if (c->str)
			out_quoted(o, c->str);
		else
			out_str(o, "NULL");
		break;
	case ARG_NUM:
		out_fmt(o, "%llu", a->value);
		break;
	case ARG_HEX:
		out_fmt(o, "%#llx", a->value);
		break;
	default:
		out_flags(o, calls_argfamily(c->kind, i), a->value);
		break;
	}
}

size_t call_format(const struct call *c, char *buf, size_t cap)
{
	struct outbuf o = { buf, cap, 0 };

	if (c->kind == CALL_OTHER && c->text) {
		out_str(&o, c->text);
	} else {
		out_str(&o, c->kind == CALL_OTHER ? c->name : call_kind_name(c->kind));
		out_str(&o, "(");
		for (unsigned i = 0; i < c->nargs; i++) {
			if (i)
				out_str(&o, ", ");
			out_arg(&o, c, i);
		}
		out_str(&o, ")");
	}
	if (cap)
		buf[o.len < cap ? o.len : cap - 1] = '\0';
	return o.len;
}
