/*
 * tui_whatif.c - trying a change before a program makes it: `:` reads a
 * call in the `sim` language (`mprotect([heap]+0x1000, 4096, PROT_READ)`),
 * the engine applies it to a copy of the model (engine/calls.h), and the
 * preview shows the predicted result (errno), the VMA count against
 * vm.max_map_count and every effect (splits, merges, and the merges that did
 * not happen and why) in the words of `vmatool sim`; Enter applies it to the
 * model drawn, u undoes and U redoes.  A re-read (r, w) drops the what-if
 * state: the screen shows the process as it is again.
 *
 * Undo and redo keep whole copies of the model (vma_model_copy), at most
 * TUI_UNDO_MAX of each: a copy of 65,000 VMAs takes a few milliseconds.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/sim.h"
#include "engine/calls.h"
#include "tui/tui_int.h"

/* ---- the undo and redo stacks ---------------------------------------------------- */

static void stack_drop(struct tui_models *st)
{
	for (size_t i = 0; i < st->n; i++)
		vma_model_release(&st->m[i]);
	st->n = 0;
}

/* Push a copy of m (the oldest copy goes when the stack is full). */
static int stack_push(struct tui_models *st, const struct vma_model *m)
{
	if (st->n == TUI_UNDO_MAX) {
		vma_model_release(&st->m[0]);
		memmove(st->m, st->m + 1, (st->n - 1) * sizeof(st->m[0]));
		st->n--;
	}
	if (vma_model_copy(&st->m[st->n], m) < 0)
		return -ENOMEM;
	st->n++;
	return 0;
}

void tui_whatif_release(struct tui *t)
{
	stack_drop(&t->undo);
	stack_drop(&t->redo);
	tui_lines_release(&t->calls);
	t->ncalls = 0;
}

/* The model drawn is now m (taken by value); the view follows. */
static void take_model(struct tui *t, struct vma_model *m)
{
	vma_model_release(&t->src.model);
	t->src.model = *m;
	if (tui_attach(t) < 0)
		tui_message(t, true, "out of memory");
}

/* u and U: step back or forward, the model drawn going on the other stack. */
void tui_undo(struct tui *t, bool redo)
{
	struct tui_models *from = redo ? &t->redo : &t->undo, *to = redo ? &t->undo : &t->redo;

	if (!from->n) {
		tui_message(t, false, "nothing to %s", redo ? "redo" : "undo");
		return;
	}
	if (stack_push(to, &t->src.model) < 0) {
		tui_message(t, true, "out of memory");
		return;
	}
	take_model(t, &from->m[--from->n]);
	t->ncalls += redo ? 1 : -1;
	tui_message(t, false, "%s: %zu VMAs, %d call%s applied", redo ? "redone" : "undone",
		    t->src.model.count, t->ncalls, t->ncalls == 1 ? "" : "s");
}

/* ---- the preview ----------------------------------------------------------------- */

static void preview_result(FILE *out, const struct call *c, const struct call_outcome *o,
			   uint32_t max)
{
	char *esc = str_escaped(c->text, strlen(c->text));

	fprintf(out, "%s", esc ? esc : "?");
	free(esc);
	if (o->has_value && o->err)
		fprintf(out, " = -1 %s", call_errno_name(o->err) ? call_errno_name(o->err) : "?");
	else if (o->has_value)
		fprintf(out, " = %#llx", (unsigned long long)o->value);
	fprintf(out, "\nVMAs %zu -> %zu of vm.max_map_count %u%s\n", o->vmas_before, o->vmas_after,
		max, o->limit ? ": the call fails for the limit" : "");
}

/* The preview's lines into t->preview; false if out of memory. */
static bool preview_lines(struct tui *t, const struct call *c, const struct call_outcome *o,
			  const struct vma_effects *fx)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&buf, &len);

	if (!out)
		return false;
	preview_result(out, c, o, t->src.model.p.max_map_count);
	if (!fx->n)
		fputs("    (no change to the VMAs)\n", out);
	for (size_t i = 0; i < fx->n; i++)
		sim_print_event(out, &fx->ev[i]);
	fclose(out);
	tui_lines_release(&t->preview);
	for (char *p = buf, *nl; p && *p; p = nl + 1) {
		nl = strchr(p, '\n');
		if (tui_lines_add(&t->preview, p, nl ? (size_t)(nl - p) : strlen(p)) < 0)
			break;
		if (!nl)
			break;
	}
	free(buf);
	return true;
}

/* Parse text as one call; false (message set) if it is none. */
static bool parse_call(struct tui *t, const char *text, struct call *c)
{
	struct calls_parser p;
	int rc;

	calls_parser_init(&p);
	call_init(c);
	rc = calls_parse_line(&p, text, strlen(text), c);
	if (rc == -EINVAL)
		tui_message(t, true, "%s", p.errmsg);
	else if (rc == 1 || (rc == 0 && c->kind == CALL_OTHER))
		tui_message(t, true, "not a memory call: mmap, munmap, mprotect, mremap, brk, "
			    "madvise, mlock, munlock, mseal, prctl");
	else if (rc < 0)
		tui_message(t, true, "out of memory");
	calls_parser_release(&p);
	if (rc != 0 || c->kind == CALL_OTHER) {
		call_release(c);
		return false;
	}
	return true;
}

/* Apply c to a copy of the model; the copy in *m for Enter to take. */
static bool try_call(struct tui *t, const struct call *c, struct vma_model *m)
{
	struct calls_ctx ctx;
	struct call_outcome o;
	struct vma_effects fx;
	bool done = false;
	int rc;

	if (vma_model_copy(m, &t->src.model) < 0) {
		tui_message(t, true, "out of memory");
		return false;
	}
	calls_ctx_init(&ctx);
	vma_effects_init(&fx);
	rc = call_apply(&ctx, m, c, &o, &fx);
	if (rc == -ENOENT)
		tui_message(t, true, "%s", ctx.errmsg);
	else if (rc < 0 || !preview_lines(t, c, &o, &fx))
		tui_message(t, true, "out of memory");
	else
		done = true;
	vma_effects_release(&fx);
	calls_ctx_release(&ctx);
	if (!done)
		vma_model_release(m);
	return done;
}

/* Preview the call text; on Enter apply it, the text kept for W. */
static void whatif_text(struct tui *t, const char *text)
{
	struct vma_model m;
	struct call c;
	int ch;

	if (!t->machine_set && t->live)
		source_use_machine(&t->src);	/* the engine models the running kernel */
	t->machine_set = true;
	if (!parse_call(t, text, &c))
		return;
	if (!try_call(t, &c, &m)) {
		call_release(&c);
		return;
	}
	call_release(&c);
	t->previewing = true;
	tui_message(t, false, "Enter applies it to the model; any other key drops it");
	tui_draw(t);
	ch = getch();
	t->previewing = false;
	t->msg[0] = 0;
	if (ch != '\r' && ch != '\n' && ch != KEY_ENTER) {
		vma_model_release(&m);
		tui_message(t, false, "dropped: the model is unchanged");
		return;
	}
	if (stack_push(&t->undo, &t->src.model) < 0) {
		vma_model_release(&m);
		tui_message(t, true, "out of memory");
		return;
	}
	stack_drop(&t->redo);
	take_model(t, &m);
	while (t->calls.n > (size_t)t->ncalls)	/* the undone calls are gone */
		free(t->calls.line[--t->calls.n]);
	if (tui_lines_add(&t->calls, text, strlen(text)) < 0)
		tui_message(t, true, "out of memory");
	t->ncalls++;
	tui_message(t, false, "applied: %zu VMAs; %d what-if call%s (u undoes, r reads the process)",
		    t->src.model.count, t->ncalls, t->ncalls == 1 ? "" : "s");
}

void tui_whatif(struct tui *t)
{
	char text[TUI_TEXT_MAX];

	if (tui_prompt(t, "call (sim language): ", text, sizeof(text)) && text[0])
		whatif_text(t, text);
}

/* ---- p: a call for the selection ---------------------------------------------------- */

static const struct {
	char key;
	const char *fmt;	/* start, length (, length again) */
} menu[] = {
	{ '1', "mprotect(%#llx, %#llx, PROT_READ)" },
	{ '2', "munmap(%#llx, %#llx)" },
	{ '3', "madvise(%#llx, %#llx, MADV_DONTNEED)" },
	{ '4', "mlock(%#llx, %#llx)" },
	{ '5', "mseal(%#llx, %#llx, 0)" },
	{ '6', "mremap(%#llx, %#llx, %#llx, MREMAP_MAYMOVE)" },
};

void tui_whatif_menu(struct tui *t)
{
	char init[TUI_TEXT_MAX], text[TUI_TEXT_MAX];
	struct view_row r;
	size_t i;
	int ch;

	if (!t->vw.n || (view_item_row(&t->vw, t->vw.sel, &r), !r.v)) {
		tui_message(t, true, "select a VMA first");
		return;
	}
	tui_message(t, false, "a call: 1 mprotect 2 munmap 3 madvise 4 mlock 5 mseal 6 mremap");
	tui_draw(t);
	ch = getch();
	t->msg[0] = 0;
	for (i = 0; i < sizeof(menu) / sizeof(menu[0]) && menu[i].key != ch; i++)
		;
	if (i == sizeof(menu) / sizeof(menu[0]))
		return;
	snprintf(init, sizeof(init), menu[i].fmt, (unsigned long long)r.start,
		 (unsigned long long)r.size, (unsigned long long)(2 * r.size));
	if (tui_prompt_init(t, "call (sim language): ", init, text, sizeof(text)) && text[0])
		whatif_text(t, text);
}

/* ---- W: the calls as a sim script ---------------------------------------------------- */

void tui_whatif_save(struct tui *t)
{
	char path[TUI_TEXT_MAX], *buf = NULL;
	size_t len = 0;
	FILE *out;
	int rc;

	if (!t->ncalls) {
		tui_message(t, true, "no what-if call to write: : or p tries one");
		return;
	}
	if (!tui_prompt(t, "write the calls as a sim script to: ", path, sizeof(path)) || !path[0])
		return;
	out = open_memstream(&buf, &len);
	if (!out) {
		tui_message(t, true, "out of memory");
		return;
	}
	fprintf(out, "# what-if calls from vmatool tui: vmatool sim --ops FILE TARGET\n");
	for (int i = 0; i < t->ncalls; i++)
		fprintf(out, "%s\n", t->calls.line[i]);
	fclose(out);
	rc = tui_write_file(t, path, buf, len);
	free(buf);
	if (rc == EXIT_FINE) {
		char *esc = str_escaped(path, strlen(path));

		tui_message(t, false, "wrote %d call%s to %s", t->ncalls, t->ncalls == 1 ? "" : "s",
			    esc ? esc : "?");
		free(esc);
	}
}
