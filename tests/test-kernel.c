/*
 * test-kernel.c - the kernel-differential test: the engine against Linux.
 *
 * tests/recorder runs seeded random sequences of memory calls on itself and
 * records the live kernel's answers (its format is described at its top).
 * For every sequence this test builds a model from the recorded "before"
 * smaps (maps_parse, then vma_infer_hidden), applies the calls through the
 * call language (calls_parse_line, call_apply) without their recorded
 * results, and after each call compares the predicted result with the
 * kernel's and the model's VMAs (maps line and VmFlags) with the kernel's.
 *
 * Family "empty" starts from an empty window: nothing is hidden, so every
 * such sequence is an assertion.  So is every one of family "populate", an
 * empty window with a mix heavy in MAP_POPULATE, MADV_POPULATE_READ/WRITE
 * and read touches: what the zero page decides (engine/machine.h).  Family "layout" starts from a random
 * layout whose hidden state must be inferred: its agreement rate is printed
 * and must stay above a measured floor.  A failure prints a minimal
 * reproduction (the kernel's state before the fewest calls that still
 * diverge, and those calls) ready for `vmatool sim --snapshot S --ops O`.
 * One sequence in CLI_EVERY also goes through `$VMATOOL sim --snapshot
 * --ops --format smaps`, which must predict the engine's final VMAs.
 *
 * Two worker processes share the sequences; each writes records to a file
 * that the parent turns into TAP (the judging itself is kernel-judge.c).
 * Environment: VMATOOL_KERNEL_EMPTY and VMATOOL_KERNEL_LAYOUT (sequence
 * counts), VMATOOL_KERNEL_POPULATE (likewise), VMATOOL_KERNEL_SEED (first seed), VMATOOL_KERNEL_REPROS (how many
 * failure categories to show in full), VMATOOL_KERNEL_KEEP (keep the files),
 * VMATOOL_KERNEL_ASLR (record with address randomisation: other layouts,
 * but a seed no longer gives the same sequence).
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli/machine.h"
#include "kernel-judge.h"
#include "machine.h"
#include "tap.h"

#define EMPTY_SEQS	1400
#define LAYOUT_SEQS	600
/*
 * Percent of random-layout sequences that must agree.  Measured 98.7% on
 * 2026-11-21 (Linux 6.18.44, 592 of 600); the rest is state no snapshot
 * shows: an anon_vma on a VMA without pages (mprotect then keeps `ac`),
 * guard pages, a shared anonymous VMA grown past its object before the
 * snapshot.  Raise it as the engine improves.
 */
#define LAYOUT_FLOOR	97.0
#define CLI_EVERY	60	/* one sequence in CLI_EVERY also runs through vmatool sim */
#define WORKERS		2
#define WORKER_SECONDS	600

#define POPULATE_SEQS	400
#define NFAM		3

/* empty and populate sequences must all agree; layout ones above the floor */
static const char *families[NFAM] = { "empty", "layout", "populate" };
static char tmpdir[1024];
static char recorder[PATH_MAX];

/* ---- workers ------------------------------------------------------------------------- */

static FILE *start_recorder(const char *family, unsigned long long first, unsigned long long count,
			    pid_t *pid)
{
	char a[PATH_MAX], b[PATH_MAX], f[32], c[32];
	int p[2];

	snprintf(a, sizeof(a), "%s/a", tmpdir);
	snprintf(b, sizeof(b), "%s/b", tmpdir);
	snprintf(f, sizeof(f), "%llu", first);
	snprintf(c, sizeof(c), "%llu", count);
	if (pipe(p) < 0 || (*pid = fork()) < 0)
		return NULL;
	if (*pid == 0) {
		dup2(p[1], 1);
		close(p[0]);
		close(p[1]);
		if (getenv("VMATOOL_KERNEL_ASLR"))	/* exploration: not reproducible by seed */
			execl(recorder, "recorder", "--aslr", "--family", family, "--file", a,
			      "--file", b, f, c, (char *)NULL);
		else
			execl(recorder, "recorder", "--family", family, "--file", a, "--file", b,
			      f, c, (char *)NULL);
		_exit(127);
	}
	close(p[1]);
	return fdopen(p[0], "r");
}

/* Keep the files of one sequence for the CLI pass. */
static void save_for_cli(const struct seq *s, int fam)
{
	char path[PATH_MAX];
	FILE *f;
	size_t i;

	snprintf(path, sizeof(path), "%s/cli-%d-%llu.snap", tmpdir, fam, s->seed);
	if ((f = fopen(path, "w"))) {
		fwrite(s->text.p + s->before, 1, s->before_len, f);
		fclose(f);
	}
	snprintf(path, sizeof(path), "%s/cli-%d-%llu.ops", tmpdir, fam, s->seed);
	if ((f = fopen(path, "w"))) {
		for (i = 0; i < s->n; i++)
			fprintf(f, "%.*s\n", (int)call_without_result(s->text.p + s->e[i].line,
				s->e[i].line_len), s->text.p + s->e[i].line);
		fclose(f);
	}
	snprintf(path, sizeof(path), "%s/cli-%d-%llu.after", tmpdir, fam, s->seed);
	if ((f = fopen(path, "w"))) {
		fwrite(s->text.p + s->after, 1, s->after_len, f);
		fclose(f);
	}
	snprintf(path, sizeof(path), "%s/cli-%d-%llu.engine", tmpdir, fam, s->seed);
	if ((f = fopen(path, "w"))) {
		struct sbuf engine = { 0 };

		judge_final(s, &engine);
		fwrite(engine.p, 1, engine.n, f);
		fclose(f);
		free(engine.p);
	}
}

static void worker_family(FILE *out, int fam, unsigned long long first, unsigned long long count)
{
	struct seq s = { 0 };
	struct run r = { 0 };
	char shown[64][160];
	int nshown = 0, j;
	pid_t pid;
	FILE *in = start_recorder(families[fam], first, count, &pid);

	if (!in) {
		fprintf(out, "X cannot start %s\n", recorder);
		return;
	}
	while (seq_read(in, &s)) {
		if (!s.complete) {
			fprintf(out, "X %s seed %llu: recorder %s\n", families[fam], s.seed,
				s.crash[0] ? s.crash : "output cut short");
			continue;
		}
		fprintf(out, "P %d %llu\n", fam, s.seed);	/* if the engine crashes here */
		fflush(out);
		judge_seq(&s, &r);
		fprintf(out, "R %d %llu %d %zu %s\n", fam, s.seed, r.what == AGREE, s.n,
			r.what == AGREE ? "-" : r.category);
		if (s.seed % CLI_EVERY == 1) {
			save_for_cli(&s, fam);
			fprintf(out, "C %d %llu %d\n", fam, s.seed, r.what == AGREE);
		}
		if (r.what == AGREE)
			continue;
		for (j = 0; j < nshown && strcmp(shown[j], r.category); j++)
			;
		report(out, &s, &r, j == nshown && nshown < 64);
		if (j == nshown && nshown < 64)
			snprintf(shown[nshown++], sizeof(shown[0]), "%s", r.category);
		fflush(out);
	}
	fclose(in);
	waitpid(pid, NULL, 0);
	seq_free(&s);
	free(r.msg.p);
}

/* ---- the parent: TAP from the workers' records ------------------------------------------ */

struct category {
	char name[160];
	unsigned count[NFAM];
	unsigned long long first_seed;
	int first_fam;
	struct sbuf block;	/* the first reproduction printed for it */
};

static struct category cats[512];
static unsigned ncats;

static struct category *category_get(const char *name)
{
	unsigned i;

	for (i = 0; i < ncats; i++)
		if (!strcmp(cats[i].name, name))
			return &cats[i];
	if (ncats == sizeof(cats) / sizeof(cats[0]))
		return &cats[ncats - 1];
	snprintf(cats[ncats].name, sizeof(cats[0].name), "%s", name);
	return &cats[ncats++];
}

static int by_count(const void *a, const void *b)
{
	const struct category *x = a, *y = b;

	return (int)(y->count[0] + y->count[1] + y->count[2]) -
	       (int)(x->count[0] + x->count[1] + x->count[2]);
}

struct cli_case {
	int fam, engine_agrees;
	unsigned long long seed;
};

static struct cli_case clis[256];
static unsigned nclis, crashes, total[NFAM], agree[NFAM];
static unsigned long long ncalls[NFAM];
static int progress_fam;		/* the last sequence a worker started */
static unsigned long long progress_seed;

static void read_records(const char *path)
{
	FILE *f = fopen(path, "r");
	char *line = NULL;
	size_t cap = 0;
	struct category *block = NULL;
	ssize_t len;

	if (!f) {
		ok(0, "worker records in %s", path);
		return;
	}
	while ((len = getline(&line, &cap, f)) > 0) {
		char cat[160] = "";
		unsigned long long seed;
		int fam, pass;
		size_t n;

		line[len - 1] = 0;
		if (line[0] == 'D' && block) {
			sb_printf(&block->block, "%s\n", line + 2);
			continue;
		}
		block = NULL;
		if (sscanf(line, "P %d %llu", &fam, &seed) == 2 && fam >= 0 && fam < NFAM) {
			progress_fam = fam;
			progress_seed = seed;
		} else if (sscanf(line, "R %d %llu %d %zu %159[^\n]", &fam, &seed, &pass, &n, cat) == 5 &&
		    fam >= 0 && fam < NFAM) {
			total[fam]++;
			agree[fam] += pass;
			ncalls[fam] += n;
			if (!pass) {
				struct category *c = category_get(cat);

				if (!c->count[0] && !c->count[1] && !c->count[2])
					c->first_seed = seed, c->first_fam = fam;
				c->count[fam]++;
			}
			if (fam != 1)
				ok(pass, "%s seed %llu (%zu calls)%s%s", families[fam], seed, n,
				   pass ? "" : ": ", pass ? "" : cat);
		} else if (line[0] == 'F') {
			block = category_get(line + 2);
			if (block->block.n)
				block = NULL;
		} else if (sscanf(line, "C %d %llu %d", &fam, &seed, &pass) == 3 &&
			   nclis < sizeof(clis) / sizeof(clis[0])) {
			clis[nclis++] = (struct cli_case){ fam, pass, seed };
		} else if (line[0] == 'X') {
			crashes++;
			diag("%s", line + 2);
		}
	}
	free(line);
	fclose(f);
}

static int read_file(const char *path, struct sbuf *b)
{
	char buf[65536];
	int fd = open(path, O_RDONLY);
	ssize_t r;

	b->n = 0;
	sb_add(b, "", 0);
	if (fd < 0)
		return -1;
	while ((r = read(fd, buf, sizeof(buf))) > 0)
		sb_add(b, buf, r);
	close(fd);
	return r < 0 ? -1 : 0;
}

/*
 * Run `$VMATOOL sim` on one saved sequence: 1 if its final VMAs are the
 * engine's (*kernel: and the kernel's), 0 if not, with why in err.
 */
static int cli_agrees(const char *vmatool, const struct cli_case *c, int *kernel,
		      struct sbuf *err)
{
	char base[1100], snap[1200], ops[1200], res[1200], errp[1200], after[1200], eng[1200];
	struct sbuf got = { 0 }, want = { 0 }, rg = { 0 }, rw = { 0 }, re = { 0 };
	int status = -1, same;
	pid_t pid;

	snprintf(base, sizeof(base), "%s/cli-%d-%llu", tmpdir, c->fam, c->seed);
	snprintf(snap, sizeof(snap), "%s.snap", base);
	snprintf(ops, sizeof(ops), "%s.ops", base);
	snprintf(res, sizeof(res), "%s.out", base);
	snprintf(errp, sizeof(errp), "%s.err", base);
	snprintf(after, sizeof(after), "%s.after", base);
	snprintf(eng, sizeof(eng), "%s.engine", base);
	if ((pid = fork()) == 0) {
		int o = open(res, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		int e = open(errp, O_WRONLY | O_CREAT | O_TRUNC, 0600);

		dup2(o, 1);
		dup2(e, 2);
		execl(vmatool, "vmatool", "sim", "--snapshot", snap, "--ops", ops, "--format",
		      "smaps", (char *)NULL);
		_exit(127);
	}
	if (pid > 0)
		waitpid(pid, &status, 0);
	read_file(res, &got);
	read_file(after, &want);
	read_file(eng, &re);
	read_file(errp, err);
	records_from_text(got.p, got.n, &rg);
	records_from_text(want.p, want.n, &rw);
	*kernel = !strcmp(rg.p, rw.p);
	same = WIFEXITED(status) && WEXITSTATUS(status) == 0 && !strcmp(rg.p, re.p);
	if (!(WIFEXITED(status) && WEXITSTATUS(status) == 0))
		sb_printf(err, "(exit status %d)", WIFEXITED(status) ? WEXITSTATUS(status) : -1);
	else if (!same)
		sb_printf(err, "final VMAs differ from the engine's (see %s.out and .engine)", base);
	free(got.p);
	free(want.p);
	free(rg.p);
	free(rw.p);
	free(re.p);
	return same;
}

static void cli_pass(void)
{
	const char *vmatool = getenv("VMATOOL");
	struct sbuf err = { 0 };
	unsigned i, kernel_agrees = 0;

	if (!vmatool || access(vmatool, X_OK)) {
		diag("VMATOOL not set or not executable: vmatool sim not compared");
		return;
	}
	for (i = 0; i < nclis; i++) {
		const struct cli_case *c = &clis[i];
		int kernel, same = cli_agrees(vmatool, c, &kernel, &err);

		kernel_agrees += kernel;
		if (!ok(same, "vmatool sim predicts the engine's final VMAs on %s seed %llu",
			families[c->fam], c->seed))
			diag("  vmatool sim: %s", err.p);
	}
	diag("vmatool sim: final VMAs equal the kernel's on %u of %u sampled sequences",
	     kernel_agrees, nclis);
	free(err.p);
}

static void summary(unsigned repros)
{
	double rate = total[1] ? 100.0 * agree[1] / total[1] : 100.0;
	unsigned i;

	diag("empty window: %u of %u sequences (%llu calls) agree with the kernel", agree[0],
	     total[0], ncalls[0]);
	diag("populate mix: %u of %u sequences (%llu calls) agree with the kernel", agree[2],
	     total[2], ncalls[2]);
	diag("random layout: %u of %u sequences (%llu calls) agree with the kernel (%.1f%%)",
	     agree[1], total[1], ncalls[1], rate);
	ok(total[1] == 0 || rate >= LAYOUT_FLOOR, "random-layout agreement %.1f%% >= %.1f%%", rate,
	   LAYOUT_FLOOR);
	ok(crashes == 0, "the recorder recorded every sequence (%u crashed)", crashes);
	qsort(cats, ncats, sizeof(cats[0]), by_count);
	for (i = 0; i < ncats; i++)
		diag("%5u empty %5u layout %5u populate  %s (first: %s seed %llu)",
		     cats[i].count[0], cats[i].count[1], cats[i].count[2], cats[i].name,
		     families[cats[i].first_fam], cats[i].first_seed);
	for (i = 0; i < ncats && i < repros; i++) {
		const char *l;

		diag("---- %s", cats[i].name);
		for (l = cats[i].block.p; l && *l; l = strchr(l, '\n') + 1)
			diag("%.*s", (int)strcspn(l, "\n"), l);
	}
	for (i = 0; i < ncats; i++)
		free(cats[i].block.p);
}

static unsigned long long env_num(const char *name, unsigned long long dflt)
{
	const char *v = getenv(name);

	return v && *v ? strtoull(v, NULL, 10) : dflt;
}

static int find_recorder(void)
{
	const char *top = getenv("top_builddir");
	char self[PATH_MAX];
	ssize_t n;

	if (top) {
		snprintf(recorder, sizeof(recorder), "%.4000s/tests/recorder", top);
		if (!access(recorder, X_OK))
			return 0;
	}
	n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n < 0)
		return -1;
	self[n] = 0;
	*strrchr(self, '/') = 0;
	snprintf(recorder, sizeof(recorder), "%.4000s/recorder", self);
	return access(recorder, X_OK);
}

/* The engine models Linux 6.18: older kernels lack mseal, guard regions... */
static int kernel_is_modelled(void)
{
	struct utsname u;
	unsigned major = 0, minor = 0;

	if (uname(&u) < 0 || sscanf(u.release, "%u.%u", &major, &minor) != 2)
		return 0;
	return major > 6 || (major == 6 && minor >= 18);
}

/* The machine the judge models, once in the log, so a failure elsewhere shows it. */
static void show_machine(void)
{
	struct vma_params p;
	uint32_t unknown;
	char val[32];

	vma_params_default(&p);
	unknown = machine_probe(&p);
	for (size_t i = 0; i < vma_setting_count(); i++) {
		vma_setting_format(&p, i, val, sizeof(val));
		diag("machine: %-17s %-8s%s", vma_setting_at(i)->name, val,
		     unknown & (1u << i) ? " (not probed: the upstream default)" :
		     vma_setting_is_default(&p, i) ? "" : " (differs from upstream)");
	}
}

static void remove_tmpdir(void)
{
	char cmd[PATH_MAX + 16];

	if (getenv("VMATOOL_KERNEL_KEEP")) {
		diag("files kept in %s", tmpdir);
		return;
	}
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	if (system(cmd))
		diag("cannot remove %s", tmpdir);
}

int main(void)
{
	unsigned long long count[NFAM], first = env_num("VMATOOL_KERNEL_SEED", 1);
	pid_t pids[WORKERS];
	int w, fam;

	count[0] = env_num("VMATOOL_KERNEL_EMPTY", EMPTY_SEQS);
	count[1] = env_num("VMATOOL_KERNEL_LAYOUT", LAYOUT_SEQS);
	count[2] = env_num("VMATOOL_KERNEL_POPULATE", POPULATE_SEQS);
	if (find_recorder())
		return tap_skip_all("tests/recorder not found");
	if (!kernel_is_modelled())
		return tap_skip_all("the engine models Linux 6.18 and later; this kernel is older");
	show_machine();
	snprintf(tmpdir, sizeof(tmpdir), "%s/vmatool-kernel.XXXXXX",
		 getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	if (!mkdtemp(tmpdir))
		return tap_skip_all("cannot create a temporary directory");
	fflush(stdout);
	for (w = 0; w < WORKERS; w++) {
		if ((pids[w] = fork()) == 0) {
			char path[PATH_MAX + 16];
			FILE *out;

			snprintf(path, sizeof(path), "%s/worker-%d", tmpdir, w);
			if (!(out = fopen(path, "w")))
				_exit(3);
			alarm(WORKER_SECONDS);	/* an engine that loops must not hang make check */
			for (fam = 0; fam < NFAM; fam++) {
				unsigned long long lo = count[fam] * w / WORKERS;
				unsigned long long hi = count[fam] * (w + 1) / WORKERS;

				if (hi > lo)
					worker_family(out, fam, first + lo, hi - lo);
			}
			fclose(out);
			_exit(0);
		}
	}
	for (w = 0; w < WORKERS; w++) {
		char path[PATH_MAX + 16];

		int status = 0;

		waitpid(pids[w], &status, 0);
		snprintf(path, sizeof(path), "%s/worker-%d", tmpdir, w);
		read_records(path);
		if (!ok(WIFEXITED(status) && WEXITSTATUS(status) == 0, "worker %d finished", w)) {
			diag("  worker %d %s %d, judging %s seed %llu", w,
			     WIFSIGNALED(status) ? "killed by signal" : "exited with status",
			     WIFSIGNALED(status) ? WTERMSIG(status) : WEXITSTATUS(status),
			     families[progress_fam], progress_seed);
		}
	}
	for (fam = 0; fam < NFAM; fam++)
		ok(total[fam] == count[fam], "%llu %s sequences judged (%u)", count[fam],
		   families[fam], total[fam]);
	summary((unsigned)env_num("VMATOOL_KERNEL_REPROS", 12));
	cli_pass();
	remove_tmpdir();
	return tap_done();
}
