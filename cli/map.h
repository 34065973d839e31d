/*
 * map.h - the formatters of `vmatool map`: a picture of an address space as
 * text (cli/cmd-map.c) or SVG (cli/map-svg.c), both drawn from the view
 * layer's strip layout (view/view_strip.h) and kinds; they compute nothing of
 * their own.  Each writes the whole picture to a FILE (a memory stream, so
 * that -o writes the file at once, atomically).  Nothing is owned: the source
 * is borrowed.
 */
#ifndef VMATOOL_MAP_H
#define VMATOOL_MAP_H

#include <stdint.h>
#include <stdio.h>

#include "cli/cli.h"

/* The SVG document of s, width pixels wide; 0 or -ENOMEM. */
int map_write_svg(FILE *out, const struct source *s, unsigned width);

#endif
