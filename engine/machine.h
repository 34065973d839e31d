/*
 * machine.h - the machine description: the kernel settings that change what
 * happens to VMAs (whether read faults map the zero page, vm.overcommit_memory,
 * the THP modes, ...), each with a name, its upstream default and a reading
 * and writing of its value as text.  The values live in struct vma_params
 * (engine/vma.h); this is the table that names them, for the man page, the
 * JSON "machine" object of a snapshot, `sim --machine NAME=VALUE` and the
 * test case files.  No I/O: probing the running kernel is cli/machine.c's.
 */
#ifndef VMATOOL_MACHINE_H
#define VMATOOL_MACHINE_H

#include <stdbool.h>
#include <stddef.h>

#include "vma.h"

enum vma_setting_kind {
	VMA_SETTING_BOOL,	/* true or false (JSON booleans) */
	VMA_SETTING_UINT,	/* a decimal or 0x number (JSON numbers) */
	VMA_SETTING_ENUM,	/* one word of a list (JSON strings) */
};

struct vma_setting {
	const char *name;	/* as in JSON, --machine and the case files */
	enum vma_setting_kind kind;
	const char *const *words;	/* VMA_SETTING_ENUM: the values, NULL-ended */
	const char *source;	/* where a live machine's value comes from */
	const char *doc;	/* what it changes, one line */
};

/* The settings, in a stable order; vma_setting_at(i) for i < vma_setting_count(). */
size_t vma_setting_count(void);
const struct vma_setting *vma_setting_at(size_t i);
/* The index of a setting by name, or -ENOENT. */
int vma_setting_find(const char *name, size_t len);

/*
 * Set setting i of p from its text.  -EINVAL when the value is not one the
 * setting takes (page_size a power of two from 4096, stack_guard_gap whole
 * pages, overcommit_memory 0 to 2, ...).  Booleans take true/false (1/0).
 */
int vma_setting_parse(struct vma_params *p, size_t i, const char *value, size_t len);
/* "NAME=VALUE": -ENOENT for an unknown name, -EINVAL for a bad value or form. */
int vma_setting_assign(struct vma_params *p, const char *arg);
/* The value of setting i as text (the form vma_setting_parse takes). */
void vma_setting_format(const struct vma_params *p, size_t i, char *buf, size_t cap);
/* The setting's value as a number: booleans 0/1, enums their index. */
unsigned long long vma_setting_value(const struct vma_params *p, size_t i);
/* Does p hold the upstream default for setting i? */
bool vma_setting_is_default(const struct vma_params *p, size_t i);
/*
 * The settings of p that differ from upstream, as "name=value name=value",
 * into buf; returns how many differ.
 */
size_t vma_machine_differences(const struct vma_params *p, char *buf, size_t cap);
/* Copy the machine settings (not the process's) from src into dst. */
void vma_machine_copy(struct vma_params *dst, const struct vma_params *src);
/*
 * Set a machine setting on a model that may hold VMAs already: the stack
 * guard gap is changed through vma_set_guard_gap, which every cached gap
 * needs.  Returns as vma_setting_parse.
 */
int vma_model_set_setting(struct vma_model *m, size_t i, const char *value, size_t len);

#endif
