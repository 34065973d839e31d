/*
 * tui.h - `vmatool tui`: the interactive screen over one target (a running
 * process or a saved file).  This header is what cli/ sees of it: no curses
 * here: only the files of tui/ include curses, through tui/tui_int.h.
 */
#ifndef VMATOOL_TUI_H
#define VMATOOL_TUI_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

struct tui_opts {
	const char *target;	/* PID, 'self', name or file */
	bool no_smaps;		/* read maps only */
	bool no_mouse;		/* leave the mouse to the terminal (its own selection) */
	int color;		/* enum color_mode */
	uint64_t interval_ns;	/* w: time between two reads */
};

/* Open the target, run the screen until q; an exit code (cli/cli.h). */
int tui_run(const struct tui_opts *o);
/*
 * The process picker (no target given): *pid is the process chosen, or 0
 * if the user quit; an exit code.
 */
int tui_pick(pid_t *pid, const struct tui_opts *o);

#endif
