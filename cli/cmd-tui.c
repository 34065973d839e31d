/*
 * cmd-tui.c - `vmatool tui [TARGET]`: the command entry of the interactive
 * screen (without a target, a process picker first); the screen itself is
 * tui/ (the only part that includes curses).
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "cli/cli.h"
#include "tui/tui.h"

extern const struct cmd_entry cmd_tui_entry;

struct tui_args {
	uint64_t interval_ns;
	bool no_smaps;
	bool no_mouse;
	int color;		/* enum color_mode */
};

#define O(field) offsetof(struct tui_args, field)
static const struct cmd_option tui_options[] = {
	{ "color", 0, CMD_ENUM, "WHEN",
	  "colour: auto (default: unless NO_COLOR or the terminal has none), always, never",
	  .offset = O(color), .values = cmd_color_values },
	{ "interval", 'i', CMD_DURATION, "DURATION",
	  "w (watch): time between two reads (default 1s)", .offset = O(interval_ns) },
	{ "no-mouse", 0, CMD_FLAG, NULL,
	  "leave the mouse to the terminal (its own text selection); by default a click selects",
	  .offset = O(no_mouse) },
	{ "no-smaps", 0, CMD_FLAG, NULL, "read only maps (faster; no RSS, PSS, swap or VmFlags)",
	  .offset = O(no_smaps) },
	{ .name = NULL },
};
#undef O

static void tui_init(void *opts)
{
	((struct tui_args *)opts)->interval_ns = 1000000000ull;
}

static int tui_exec(struct cmd_call *call)
{
	const struct tui_args *a = call->opts;
	struct tui_opts o = { .no_smaps = a->no_smaps, .no_mouse = a->no_mouse,
			      .interval_ns = a->interval_ns };
	char pidbuf[24];
	pid_t pid;
	int rc;

	if (call->noperands) {
		o.target = call->operands[0];
	} else {	/* no target: pick a process */
		rc = tui_pick(&pid, &o);
		if (rc != EXIT_FINE || !pid)
			return rc;
		snprintf(pidbuf, sizeof(pidbuf), "%d", (int)pid);
		o.target = pidbuf;
	}

	/* auto: colour unless NO_COLOR; curses knows whether the terminal has any */
	o.color = a->color == COLOR_AUTO && !(getenv("NO_COLOR") && *getenv("NO_COLOR")) ?
		  COLOR_ALWAYS : a->color;
	return tui_run(&o);
}

const struct cmd_entry cmd_tui_entry = {
	.name = "tui",
	.summary = "browse the address space of a process or a saved file on a curses screen",
	.options = tui_options,
	.opts_size = sizeof(struct tui_args),
	.opts_init = tui_init,
	.operands = (const struct cmd_operand[]){ { "TARGET", CMD_TARGET }, { NULL, 0 } },
	.min_operands = 0,
	.max_operands = 1,
	.exec = tui_exec,
};
