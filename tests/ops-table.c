/*
 * ops-table.c - table-driven cases of test-ops: files tests/ops/NAME.test, each
 * a list of cases written in the call language of `vmatool sim` (strace
 * syntax), run on a fresh model:
 *
 *   === name of the case
 *   % max_map_count=8 anon_name=1      (optional: model parameters; follow=1
 *                                       lets the calls learn from results)
 *   mmap(0x100000000, 16384, PROT_READ|PROT_WRITE,
 *        MAP_PRIVATE|MAP_ANONYMOUS|MAP_FIXED, -1, 0) = 0x100000000
 *   mprotect(0x100001000, 4096, PROT_READ) = 0
 *   --- expect
 *   100000000-100001000 rw-p rd wr mr mw me ac
 *   ...
 *
 * (one call a line).  Every recorded result must be what the engine
 * predicts, and the VMAs afterwards must be the expected lines (start-end,
 * permissions, VmFlags).  Lines starting with '#' are comments.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "calls.h"
#include "machine.h"
#include "ops-live.h"
#include "vma.h"

struct table_case {
	char name[4200];
	struct vma_model m;
	struct calls_parser parser;
	struct calls_ctx ctx;
	bool expecting;
	char want[8192], got[8192];
	size_t nwant;
	int failed;
};

static void vma_text(const struct vma *v, char *buf, size_t cap)
{
	char flags[200];
	size_t l = vmf_format(v->flags, flags, sizeof(flags));

	while (l && flags[l - 1] == ' ')
		flags[--l] = 0;
	snprintf(buf, cap, "%llx-%llx %c%c%c%c %s\n", (unsigned long long)v->start,
		 (unsigned long long)v->end, v->flags & VMF(READ) ? 'r' : '-',
		 v->flags & VMF(WRITE) ? 'w' : '-', v->flags & VMF(EXEC) ? 'x' : '-',
		 v->flags & VMF(MAYSHARE) ? 's' : 'p', flags);
}

/* "% machine NAME=VALUE ...": the machine the case runs on (engine/machine.h). */
static void case_machine(struct table_case *tc, const char *list, live_report_fn report)
{
	char buf[2048], *save = NULL, msg[2400];

	snprintf(buf, sizeof(buf), "%s", list);
	for (char *w = strtok_r(buf, " ", &save); w; w = strtok_r(NULL, " ", &save)) {
		if (vma_setting_assign(&tc->m.p, w) == 0)
			continue;
		snprintf(msg, sizeof(msg), "%s: machine setting '%s'", tc->name, w);
		report(0, msg);
	}
	vma_set_guard_gap(&tc->m, tc->m.p.stack_guard_gap);
}

static void case_params(struct table_case *tc, const char *line, live_report_fn report)
{
	const char *s;

	if ((s = strstr(line, "max_map_count=")) != NULL)
		tc->m.p.max_map_count = (uint32_t)strtoul(s + 14, NULL, 0);
	if ((s = strstr(line, "anon_name=")) != NULL)
		tc->m.p.anon_name_supported = s[10] == '1';
	if ((s = strstr(line, "brk=")) != NULL)
		tc->m.p.start_brk = tc->m.p.brk = strtoull(s + 4, NULL, 0);
	if ((s = strstr(line, "follow=")) != NULL)	/* results are the log's, as in sim */
		tc->ctx.follow_recorded = s[7] == '1';
	if (strncmp(line, "% machine ", 10) == 0)
		case_machine(tc, line + 10, report);
}

static void case_begin(struct table_case *tc, const char *name)
{
	struct vma_params p;

	vma_params_default(&p);
	p.mmap_base = 0x7f0000000000ULL;
	vma_model_init(&tc->m, &p);
	calls_parser_init(&tc->parser);
	calls_ctx_init(&tc->ctx);
	tc->ctx.follow_recorded = false;
	snprintf(tc->name, sizeof(tc->name), "%s", name);
	tc->expecting = false;
	tc->want[0] = 0;
	tc->nwant = 0;
}

static void case_end(struct table_case *tc, live_report_fn report)
{
	char err[256], line[4400];
	size_t n = 0;

	if (tc->name[0] == 0)
		return;
	tc->got[0] = 0;
	for (const struct vma *v = tc->m.first; v; v = v->next) {
		vma_text(v, line, sizeof(line));
		n += (size_t)snprintf(tc->got + n, sizeof(tc->got) - n, "%s", line);
		if (n >= sizeof(tc->got))
			break;
	}
	snprintf(line, sizeof(line), "%s: VMAs as expected", tc->name);
	report(strcmp(tc->got, tc->want) == 0, line);
	if (strcmp(tc->got, tc->want) != 0)
		printf("# want:\n%s# got:\n%s", tc->want, tc->got);
	snprintf(line, sizeof(line), "%s: model valid", tc->name);
	report(vma_validate(&tc->m, err, sizeof(err)) == 0, line);
	calls_ctx_release(&tc->ctx);
	calls_parser_release(&tc->parser);
	vma_model_release(&tc->m);
	tc->name[0] = 0;
}

static void case_call(struct table_case *tc, const char *line, live_report_fn report)
{
	struct call_outcome out;
	struct call c;
	char msg[8400];
	int r;

	call_init(&c);
	r = calls_parse_line(&tc->parser, line, strlen(line), &c);
	if (r < 0) {
		snprintf(msg, sizeof(msg), "%s: cannot parse '%s': %s", tc->name, line,
			 tc->parser.errmsg);
		report(0, msg);
	} else if (r == 1 && (c.kind == CALL_OTHER || c.kind == CALL_CLOSE)) {
		memset(&out, 0, sizeof(out));	/* opens, dups and closes: descriptors */
		r = call_apply(&tc->ctx, &tc->m, &c, &out, NULL);
		snprintf(msg, sizeof(msg), "%s: %s applies", tc->name, c.text);
		report(r == 0, msg);
	} else if (r == 0) {
		memset(&out, 0, sizeof(out));
		r = call_apply(&tc->ctx, &tc->m, &c, &out, NULL);
		snprintf(msg, sizeof(msg), "%s: %s (predicted %s%llx)", tc->name, c.text,
			 out.err ? call_errno_name(out.err) : "", (unsigned long long)out.value);
		report(r == 0 && (c.has_result || c.kind == CALL_TOUCH) && !out.disagree, msg);
	}
	call_release(&c);
}

static void run_file(const char *path, live_report_fn report)
{
	static struct table_case tc;
	char line[2048], name[4200];
	const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
	FILE *f = fopen(path, "r");

	if (f == NULL) {
		report(0, path);
		return;
	}
	tc.name[0] = 0;
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = 0;
		if (strncmp(line, "=== ", 4) == 0) {
			case_end(&tc, report);
			snprintf(name, sizeof(name), "%.200s: %.300s", base, line + 4);
			case_begin(&tc, name);
		} else if (line[0] == '#' || line[0] == 0 || tc.name[0] == 0) {
			continue;
		} else if (line[0] == '%') {
			case_params(&tc, line, report);
		} else if (strcmp(line, "--- expect") == 0) {
			tc.expecting = true;
		} else if (tc.expecting) {
			tc.nwant += (size_t)snprintf(tc.want + tc.nwant, sizeof(tc.want) - tc.nwant,
						     "%s\n", line);
		} else {
			case_call(&tc, line, report);
		}
	}
	case_end(&tc, report);
	fclose(f);
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

void ops_table_tests(const char *dir, live_report_fn report)
{
	char *names[256], path[8192];
	struct dirent *e;
	size_t n = 0;
	DIR *d = opendir(dir);

	if (d == NULL) {
		report(0, "tests/ops exists");
		return;
	}
	while ((e = readdir(d)) != NULL && n < 256) {
		size_t l = strlen(e->d_name);

		if (l > 5 && strcmp(e->d_name + l - 5, ".test") == 0)
			names[n++] = strdup(e->d_name);
	}
	closedir(d);
	qsort(names, n, sizeof(names[0]), by_name);
	for (size_t i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		run_file(path, report);
		free(names[i]);
	}
}
