/*
 * view_procs.c - the machine's processes as rows (see view.h): what one
 * process's maps and smaps_rollup text say (count, PROT_NONE guards, the
 * largest gap; RSS, PSS, swap), its share of vm.max_map_count and the colour
 * of that share, and the list that `vmatool ps` prints and the TUI's process
 * picker shows: filtered, sorted, cut to the top N.
 *
 * The maps scan reads only the start, end and permissions of each line: it
 * runs over every process of the machine, so it parses no more than the
 * columns need (README.md, Benchmarks: `ps` against cat of every maps file).
 */
#include <errno.h>
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>

#include "view/view.h"

/* ---- scanning the text of /proc files ---------------------------------------- */

static int hex_val(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* A hex number at *pp, up to a byte that is not a digit; false if none. */
static bool scan_hex(const char **pp, const char *end, uint64_t *out)
{
	const char *p = *pp;
	uint64_t v = 0;
	int d;

	while (p < end && (d = hex_val((unsigned char)*p)) >= 0) {
		v = v << 4 | (uint64_t)d;
		p++;
	}
	if (p == *pp)
		return false;
	*pp = p;
	*out = v;
	return true;
}

/* One line "start-end perms ...": false if it is not one (it is skipped). */
static bool scan_line(const char *p, const char *eol, uint64_t *start, uint64_t *end,
		      bool *prot_none)
{
	if (!scan_hex(&p, eol, start) || p == eol || *p++ != '-' || !scan_hex(&p, eol, end) ||
	    eol - p < 5 || *p != ' ')
		return false;
	*prot_none = p[1] == '-' && p[2] == '-' && p[3] == '-';
	return true;
}

void view_proc_scan_maps(struct view_proc *p, const char *text, size_t len)
{
	const char *s = text, *end = text + len;
	uint64_t prev_end = 0;
	bool have_prev = false;

	while (s < end) {
		const char *eol = memchr(s, '\n', (size_t)(end - s));
		uint64_t lo, hi;
		bool none;

		if (!eol)
			eol = end;
		if (scan_line(s, eol, &lo, &hi, &none) && !(lo >> 63)) {
			p->vmas++;
			p->guards += none;
			if (have_prev && lo > prev_end && lo - prev_end > p->largest_gap)
				p->largest_gap = lo - prev_end;
			prev_end = hi;
			have_prev = true;
		}
		s = eol + 1;
	}
}

/* The value in kB of the line "Key:   123 kB" starting at p, in bytes. */
static uint64_t rollup_value(const char *p, const char *eol)
{
	uint64_t v = 0;

	while (p < eol && *p == ' ')
		p++;
	while (p < eol && *p >= '0' && *p <= '9')
		v = v * 10 + (uint64_t)(*p++ - '0');
	return v * 1024;
}

bool view_proc_scan_rollup(struct view_proc *p, const char *text, size_t len)
{
	static const struct { const char *key; size_t off; } keys[] = {
		{ "Rss:", offsetof(struct view_proc, rss) },
		{ "Pss:", offsetof(struct view_proc, pss) },
		{ "Swap:", offsetof(struct view_proc, swap) },
	};
	const char *s = text, *end = text + len;
	unsigned found = 0;

	while (s < end) {
		const char *eol = memchr(s, '\n', (size_t)(end - s));

		if (!eol)
			eol = end;
		for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
			size_t n = strlen(keys[i].key);

			if ((size_t)(eol - s) > n && !memcmp(s, keys[i].key, n)) {
				*(uint64_t *)((char *)p + keys[i].off) = rollup_value(s + n, eol);
				found |= 1u << i;
			}
		}
		s = eol + 1;
	}
	p->has_usage = found != 0;
	return p->has_usage;
}

/* ---- share of the limit ---------------------------------------------------------- */

double view_proc_share(const struct view_proc *p, uint64_t limit)
{
	return limit ? (double)p->vmas / (double)limit : 0.0;
}

enum view_color view_proc_share_color(double share)
{
	if (share >= VIEW_PROC_ALERT_SHARE)
		return VIEW_COLOR_ALERT;
	if (share >= VIEW_PROC_WARN_SHARE)
		return VIEW_COLOR_WARN;
	return VIEW_COLOR_NONE;
}

/* ---- sort keys ---------------------------------------------------------------------- */

static const char *const sort_names[VIEW_PROC_SORT_COUNT] = {
	[VIEW_PROC_SORT_VMAS] = "vmas",
	[VIEW_PROC_SORT_PID] = "pid",
	[VIEW_PROC_SORT_USER] = "user",
	[VIEW_PROC_SORT_COMMAND] = "command",
	[VIEW_PROC_SORT_RSS] = "rss",
	[VIEW_PROC_SORT_PSS] = "pss",
	[VIEW_PROC_SORT_SWAP] = "swap",
	[VIEW_PROC_SORT_GAP] = "gap",
	[VIEW_PROC_SORT_GUARDS] = "guards",
};

const char *view_proc_sort_name(enum view_proc_sort s)
{
	return (unsigned)s < VIEW_PROC_SORT_COUNT ? sort_names[s] : "?";
}

int view_proc_sort_parse(const char *s)
{
	for (int i = 0; i < VIEW_PROC_SORT_COUNT; i++)
		if (!strcmp(sort_names[i], s))
			return i;
	return -1;
}

bool view_proc_sort_needs_usage(enum view_proc_sort s)
{
	return s == VIEW_PROC_SORT_RSS || s == VIEW_PROC_SORT_PSS || s == VIEW_PROC_SORT_SWAP;
}

/* ---- the list ------------------------------------------------------------------------- */

void view_procs_init(struct view_procs *vp, uint64_t limit)
{
	memset(vp, 0, sizeof(*vp));
	vp->limit = limit;
}

void view_procs_release(struct view_procs *vp)
{
	free(vp->all);
	free(vp->shown);
	view_procs_init(vp, vp->limit);
}

int view_procs_add(struct view_procs *vp, const struct view_proc *p)
{
	if (vp->nall == vp->cap) {
		size_t cap = vp->cap ? vp->cap * 2 : 256;
		struct view_proc *a = realloc(vp->all, cap * sizeof(*a));

		if (!a)
			return -ENOMEM;
		vp->all = a;
		vp->cap = cap;
	}
	vp->all[vp->nall++] = *p;
	vp->total_vmas += p->vmas;
	return 0;
}

/* Whether want (a name, or digits: a uid) names p's user. */
static bool user_match(const char *want, const struct view_proc *p)
{
	char *end;
	unsigned long uid;

	if (p->user && !strcmp(want, p->user))
		return true;
	if (*want < '0' || *want > '9')
		return false;
	uid = strtoul(want, &end, 10);
	return !*end && uid == p->uid;
}

bool view_procs_match(const struct view_procs_filter *f, const struct view_proc *p)
{
	if (p->vmas < f->min_vmas)
		return false;
	if (f->user && !user_match(f->user, p))
		return false;
	return !f->name_glob || !strcmp(f->name_glob, p->comm) ||
	       fnmatch(f->name_glob, p->comm, 0) == 0;
}

static int cmp_u64(uint64_t a, uint64_t b)
{
	return (a > b) - (a < b);
}

static int cmp_str(const char *a, const char *b)
{
	return strcmp(a ? a : "", b ? b : "");
}

/* Ascending order of key s (numbers then turn round for largest first). */
static int proc_key_cmp(enum view_proc_sort s, const struct view_proc *a, const struct view_proc *b)
{
	switch (s) {
	case VIEW_PROC_SORT_PID: return (a->pid > b->pid) - (a->pid < b->pid);
	case VIEW_PROC_SORT_USER: return cmp_str(a->user, b->user);
	case VIEW_PROC_SORT_COMMAND: return strcmp(a->comm, b->comm);
	case VIEW_PROC_SORT_RSS: return cmp_u64(a->rss, b->rss);
	case VIEW_PROC_SORT_PSS: return cmp_u64(a->pss, b->pss);
	case VIEW_PROC_SORT_SWAP: return cmp_u64(a->swap, b->swap);
	case VIEW_PROC_SORT_GAP: return cmp_u64(a->largest_gap, b->largest_gap);
	case VIEW_PROC_SORT_GUARDS: return cmp_u64(a->guards, b->guards);
	default: return cmp_u64(a->vmas, b->vmas);
	}
}

static bool sort_is_text(enum view_proc_sort s)
{
	return s == VIEW_PROC_SORT_PID || s == VIEW_PROC_SORT_USER || s == VIEW_PROC_SORT_COMMAND;
}

/* qsort_r's comparison: the list gives the key and the direction. */
static int shown_cmp(const void *x, const void *y, void *ctx)
{
	const struct view_procs *vp = ctx;
	const struct view_proc *a = &vp->all[*(const size_t *)x], *b = &vp->all[*(const size_t *)y];
	int c = proc_key_cmp(vp->sort, a, b);

	if (!sort_is_text(vp->sort))
		c = -c;
	if (vp->reverse)
		c = -c;
	return c ? c : (a->pid > b->pid) - (a->pid < b->pid);
}

int view_procs_refresh(struct view_procs *vp)
{
	size_t *s = realloc(vp->shown, (vp->nall ? vp->nall : 1) * sizeof(*s));

	if (!s)
		return -ENOMEM;
	vp->shown = s;
	vp->n = 0;
	for (size_t i = 0; i < vp->nall; i++)
		if (view_procs_match(&vp->filter, &vp->all[i]))
			s[vp->n++] = i;
	vp->matched = vp->n;
	qsort_r(s, vp->n, sizeof(*s), shown_cmp, vp);
	if (vp->top && vp->n > vp->top)
		vp->n = vp->top;
	return 0;
}

const struct view_proc *view_procs_row(const struct view_procs *vp, size_t i)
{
	return &vp->all[vp->shown[i]];
}
