/*
 * json-load.h - the one reader of vmatool/1 documents (snapshot, show
 * --format json): it walks the text once with the strict tokenizer of
 * json-read.h and builds the model as it goes, each VMA handed to the maps
 * parser as fields (maps_parse_fields), not as a line of text.
 *
 * Members may come in any order; a key given twice in one object is refused
 * (man/vmatool.1 says so); members it does not know are checked as JSON and
 * skipped.  Errors give the line and column ("line 3, column 7: vmas[1]:
 * 'perms' must be like \"rw-p\"").  Documents written by earlier versions
 * (bytes that are not UTF-8 written as \u00XX, no "name", no "source") load
 * as they always did.
 */
#ifndef VMATOOL_JSON_LOAD_H
#define VMATOOL_JSON_LOAD_H

#include <stdbool.h>
#include <stddef.h>

#include "cli/source.h"

/*
 * Load buf (len bytes, the whole document) into s: s->model initialised by
 * the caller and empty; sets s->meta, s->has_smaps, s->name_column
 * and s->kind.  name is the file for messages.  EXIT_FINE, or the exit code
 * with e filled ("cannot read 'NAME': line L, column C: ...").
 */
int json_load(struct source *s, const char *name, const char *buf, size_t len,
	      struct source_err *e);
/*
 * json_load of the regular file open on fd, size bytes from its start, read
 * through a mapping whose pages are given back behind the read position
 * (the text of a 65,000-VMA snapshot is 40 MB, the model a fraction of
 * that).  -1 (nothing done, nothing set) when it cannot be mapped: then
 * read it into memory and call json_load.
 */
int json_load_mapped(struct source *s, const char *name, int fd, size_t size,
		     struct source_err *e);
/* True if buf looks like a JSON document (first non-space byte is '{'). */
bool json_sniff(const char *buf, size_t len);

#endif
