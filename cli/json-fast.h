/*
 * json-fast.h - a fast reader for vmatool/1 documents as vmatool writes
 * them (snapshot, show --format json), for commands that load big snapshots
 * (diff: two 65,000-VMA snapshots with smaps in well under a second).
 *
 * It streams over the text once per pass (no document tree), and builds the
 * same model and metadata as json_load_source (cli/json.h): the VMA lines go
 * through the maps parser, then VmFlags and smaps fields are set.  It accepts
 * only the shape vmatool writes ("source" before "vmas", each VMA with
 * "start", "end", "perms", "offset", "dev", "inode", "name"); anything else
 * makes it return JSON_FAST_FALLBACK, and the caller uses json_load_source,
 * which reads every valid document and words the errors.
 */
#ifndef VMATOOL_JSON_FAST_H
#define VMATOOL_JSON_FAST_H

#include <stddef.h>

#include "cli/cli.h"

#define JSON_FAST_FALLBACK (-1)

/*
 * Load buf (len bytes) into s->model (initialised by the caller, empty) and
 * s->meta; sets s->kind, s->has_smaps, s->name_column.  Returns EXIT_FINE,
 * EXIT_TARGET (out of memory, message printed) or JSON_FAST_FALLBACK
 * (nothing printed; s must be released and read again).
 */
int json_load_fast(struct source *s, const char *buf, size_t len);

/*
 * source_open, with saved vmatool/1 documents read by json_load_fast (and
 * json_load_source when that declines).  Same contract as source_open.
 */
int source_open_fast(struct source *s, const char *target, const struct source_opts *o);

#endif
