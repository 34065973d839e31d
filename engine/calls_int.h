/*
 * calls_int.h - private to engine/calls*.c: the symbolic flag table and the
 * argument signature of each call kind, shared by the parser and printer.
 */
#ifndef VMATOOL_CALLS_INT_H
#define VMATOOL_CALLS_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "calls.h"

/* Which flag names an argument takes. */
enum calls_family {
	SYM_NONE, SYM_PROT, SYM_MAP, SYM_MREMAP, SYM_MADV, SYM_MLOCK, SYM_MCL,
	SYM_PR, SYM_PR_VMA, SYM_NFAMILY
};

struct calls_sym {
	enum calls_family family;
	const char *name;
	uint64_t value;
};

extern const struct calls_sym calls_syms[];	/* ends with name NULL */
extern const char *const calls_family_name[SYM_NFAMILY];
const struct calls_sym *calls_sym_lookup(const char *s, size_t len);

enum calls_argtype {
	ARG_NONE,
	ARG_ADDR,	/* NULL, number or address expression */
	ARG_NUM,	/* unsigned number, printed in decimal */
	ARG_HEX,	/* unsigned number, printed in hex (offsets) */
	ARG_SIGNED,	/* number that may be -1 (pkey) */
	ARG_FD,		/* -1, N or N</path> */
	ARG_STR,	/* "string" or NULL */
	ARG_FLAGS,	/* symbolic flags of a family, '|'-joined, or numbers */
};

/* The arguments of a call name. */
struct calls_sig {
	const char *name;
	enum call_kind kind;
	unsigned min, max;		/* argument count */
	unsigned keep;			/* arguments kept in struct call */
	enum calls_argtype type[CALL_MAX_ARGS];
	enum calls_family family[CALL_MAX_ARGS];
	const char *argname[CALL_MAX_ARGS];	/* for messages: "length" */
};

const struct calls_sig *calls_sig_lookup(const char *name, size_t len);

/* A cursor over the text of one call, which may be two lines joined. */
struct calls_lex {
	struct calls_parser *p;
	const char *s;
	size_t len, pos;
	size_t cut;		/* s[0..cut) comes from line_a, the rest from line_b */
	size_t line_a, col_a;	/* line and 0-based column of s[0] */
	size_t line_b, col_b;	/* line and 0-based column of s[cut] */
};

/* engine/calls_parse.c: the cursor's primitives, and one call at the cursor */
int calls_lex_error(struct calls_lex *lx, size_t at, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
int calls_lex_peek(const struct calls_lex *lx);
bool calls_lex_at(const struct calls_lex *lx, const char *w);
void calls_lex_skip_ws(struct calls_lex *lx);
const char *calls_lex_found(const struct calls_lex *lx, char buf[16]);
int calls_lex_unsigned(struct calls_lex *lx, uint64_t *out);
int calls_lex_call(struct calls_lex *lx, struct call *c);

/* engine/calls_text.c */
/* Undo C escapes (\n \t \\ \" \xHH \ooo) of s[0..len) into a new string; NULL if no memory. */
char *calls_unescape(const char *s, size_t len);
/* The '>' closing the fd decoration opened by the '<' at s[open], or len. */
size_t calls_fd_deco_end(const char *s, size_t open, size_t len);
/* Past a "(deleted)" at s[at] (strace 6.1), setting *deleted; else at. */
size_t calls_deleted_suffix(const char *s, size_t at, size_t len, bool *deleted);
/* The file name of a decoration's inside s[0..n): unescaped, device suffix gone. */
char *calls_fd_path(const char *s, size_t n, bool deleted);

/* The clone flags the process layer needs (Linux values). */
#define CALLS_CLONE_VM		0x100ull
#define CALLS_CLONE_FILES	0x400ull
#define CALLS_CLONE_VFORK	0x4000ull
#define CALLS_CLONE_THREAD	0x10000ull
bool calls_is_fork(const char *name, size_t n);
bool calls_is_exec(const char *name, size_t n);
uint64_t calls_clone_flags(const char *name, size_t n, const char *text, size_t len);
char *calls_exec_path(const char *text);

/* engine/calls_unseen.c: what no log shows (see there) */
bool calls_account_unsure(struct vma_model *m, uint64_t start, uint64_t len, int prot);
void calls_unsure_merges(struct vma_model *m, const struct call *c, const struct vma_effects *fx,
			 size_t first);
void calls_unseen(struct calls_ctx *ctx, struct vma_model *m, const struct call *c,
		  const uint64_t *x, uint64_t res, uint64_t old_brk, bool unsure, bool stat_failed);

char *calls_unlinked_path(const struct call *c);
int calls_rename_deleted(struct vma_model *m, const char *esc, const char *desc);

/* A descriptor of the calls: one open of one file (engine/calls_fd.c). */
struct calls_fd {
	int fd;
	bool in_use;		/* the table's slot is taken */
	char *path;		/* as the log wrote it */
	char *esc;		/* as /proc prints it: the name the mappings get */
	struct vma_mapfile file;	/* .name is not kept: interned per model at use */
	bool path_only;		/* O_PATH: mmap gives EBADF */
	bool mode_assumed;	/* no open seen: taken as O_RDWR until the log says more */
	bool cloexec;		/* O_CLOEXEC: closed by execve */
	bool stat_failed;	/* not in the snapshot and stat() failed: dev, inode unknown */
};

struct calls_fdtab *fdtab_new(void);
struct calls_fdtab *fdtab_get(struct calls_fdtab *t);	/* one more reference */
void fdtab_put(struct calls_fdtab *t);			/* one less; frees at 0 */
bool fdtab_shared(const struct calls_fdtab *t);		/* more than one reference */
struct calls_fdtab *fdtab_copy(const struct calls_fdtab *src);
struct calls_fd *fdtab_find(struct calls_fdtab *t, int fd);
struct calls_fd *fdtab_add(struct calls_fdtab *t, int fd);
void fdtab_remove(struct calls_fdtab *t, int fd);
void fdtab_exec(struct calls_fdtab *t);
/* Descriptors of path (as the log wrote it) now name path " (deleted)"; -ENOMEM. */
int fdtab_unlinked(struct calls_fdtab *t, const char *path);
enum calls_argtype calls_argtype(enum call_kind kind, unsigned i);
enum calls_family calls_argfamily(enum call_kind kind, unsigned i);

#endif
