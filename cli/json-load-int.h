/*
 * json-load-int.h - what the two halves of the vmatool/1 reader share,
 * private to them: json-load.c reads the document and its VMAs,
 * json-source.c its "source" object.
 */
#ifndef VMATOOL_JSON_LOAD_INT_H
#define VMATOOL_JSON_LOAD_INT_H

#include <stdbool.h>
#include <stdint.h>

#include "cli/json-load.h"
#include "cli/json-read.h"
#include "engine/maps.h"

#define SCHEMA "vmatool/1"
#define KEYMAP_SLOTS 512	/* power of two, > 2 * 255 smaps keys */
#define MAX_SMAPS_KEYS 255
#define JL_KNOWN 64		/* members of a VMA object whose keys are remembered */

/* Keys of one object that the reader skips, kept to refuse one given twice. */
struct jl_keys {
	char *buf;		/* (size_t length, bytes) after each other */
	size_t len, cap;
};

struct loader {
	struct source *s;
	struct jreader j;
	struct maps_parser parser;
	const char *vmas_at;	/* where the "vmas" array starts */
	const char *machine_at;	/* where source.machine starts, if it is an object */
	const char *dropped;	/* a mapped file: pages before this are given back */
	bool doc_has_smaps;	/* "size" is also the smaps Size field */
	size_t index;		/* of the VMA being read, for messages */
	const char *keymap_json[KEYMAP_SLOTS];	/* smaps json name -> key id */
	uint8_t keymap_id[KEYMAP_SLOTS];
	/* the VMA being read */
	struct maps_fields f;
	char *name, *path;	/* copies; path NULL for null */
	size_t name_len, path_len, name_cap, path_cap;
	unsigned seen;		/* VM_* bits of the members read */
	struct jl_keys others;	/* its members skipped */
	unsigned member;	/* index of the member being read in its object */
	/*
	 * The key of each member of the VMA read before, with what it was: the
	 * next VMA most often has the same keys in the same order, so a key
	 * equal to the one at its place last time needs no look-up.
	 */
	struct jl_known {
		char key[23];
		uint8_t len;	/* 0: nothing known */
		unsigned bit;
		int id;
	} known[JL_KNOWN];
	bool deleted, inferred, has_flags, path_null;
	bool has_size;		/* the VMA object gave "size": checked against end - start */
	uint64_t size;
	vmf_t flags;
	size_t nflags, nsmaps;
	uint8_t smaps_key[MAX_SMAPS_KEYS];
	uint64_t smaps_val[MAX_SMAPS_KEYS];
	int16_t smaps_pos[MAX_SMAPS_KEYS + 1];	/* key id -> index in smaps_key, -1 */
};

enum {
	VM_START = 1, VM_END = 2, VM_OFFSET = 4, VM_PERMS = 8, VM_DEV = 16, VM_INODE = 32,
	VM_NAME = 64, VM_PATH = 128, VM_DELETED = 256, VM_VMFLAGS = 512, VM_INFERRED = 1024,
	VM_SIZE = 2048, VM_KIND = 4096,
	VM_NEEDED = VM_START | VM_END | VM_OFFSET | VM_PERMS | VM_DEV | VM_INODE,
};

/* A value that does not fit the schema, at pos; returns false. */
bool jl_bad(struct loader *l, const char *pos, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* The position of the next value, for messages. */
const char *jl_here(struct loader *l);
/* Refuse a key (in l->j.buf) seen before in this object (bit in *seen). */
bool jl_once(struct loader *l, unsigned *seen, unsigned bit, const char *key_at);
/*
 * ok, or for a value at at that is JSON of the wrong type, the schema's
 * words for it (a value that is not JSON keeps the syntax error).
 */
bool jl_typed(struct loader *l, bool ok, const char *at, const char *what);
/*
 * Skip the value of a member this reader does not read (its key in l->j.buf),
 * refusing a key seen before in the same object (k, released by the caller).
 */
bool jl_skip_other(struct loader *l, struct jl_keys *k, const char *key_at);
void jl_keys_release(struct jl_keys *k);
/* The "source" object at the read position, into l->s (json-source.c). */
bool jl_source_object(struct loader *l);

#endif
