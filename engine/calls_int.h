/*
 * calls_int.h - private to engine/calls*.c: the symbolic flag table and the
 * argument signature of each call kind, shared by the parser and printer.
 */
#ifndef VMATOOL_CALLS_INT_H
#define VMATOOL_CALLS_INT_H

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
enum calls_argtype calls_argtype(enum call_kind kind, unsigned i);
enum calls_family calls_argfamily(enum call_kind kind, unsigned i);

#endif
