/*
 * ansi.h - the terminal formatters' palette: the view layer's abstract
 * colours (view/view.h) as ANSI escape sequences.  The only place where a
 * colour becomes bytes for a terminal; a curses TUI maps the same ids to
 * colour pairs of its own.
 */
#ifndef VMATOOL_ANSI_H
#define VMATOOL_ANSI_H

#include "view/view.h"

#define ANSI_RESET "\033[0m"

static inline const char *ansi_color(enum view_color c)
{
	static const char *const seq[VIEW_COLOR_COUNT] = {
		[VIEW_COLOR_NONE] = "",
		[VIEW_COLOR_CODE] = "\033[32m",		/* green */
		[VIEW_COLOR_DATA] = "\033[33m",		/* yellow */
		[VIEW_COLOR_GROWS] = "\033[35m",	/* magenta */
		[VIEW_COLOR_FILE] = "\033[34m",		/* blue */
		[VIEW_COLOR_SHARED] = "\033[36m",	/* cyan */
		[VIEW_COLOR_SPECIAL] = "\033[2m",	/* dim */
		[VIEW_COLOR_DELETED] = "\033[31m",	/* red */
		[VIEW_COLOR_GAP] = "\033[2m",		/* dim */
		[VIEW_COLOR_HEADER] = "\033[1m",	/* bold */
		[VIEW_COLOR_ADDED] = "\033[32m",	/* green, as git diff */
		[VIEW_COLOR_REMOVED] = "\033[31m",	/* red */
		[VIEW_COLOR_CHANGED] = "\033[36m",	/* cyan */
		[VIEW_COLOR_WARN] = "\033[33m",	/* yellow */
		[VIEW_COLOR_ALERT] = "\033[1;31m",	/* bold red */
	};

	return (unsigned)c < VIEW_COLOR_COUNT && seq[c] ? seq[c] : "";
}

#endif
