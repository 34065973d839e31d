#!/bin/sh
# tests/layers.sh - the layers keep to their rules (view/view.h: engine below
# view below cli): engine/ includes nothing of view/ or cli/, and no JSON or
# terminal library; view/ includes only engine/ and itself, no stdio, no
# curses, no jansson, and writes to no stream.  Read from the sources, so a
# change that breaks a rule fails here.
. "${top_srcdir:-.}/tests/lib.sh"

src=$top_srcdir

# includes DIR...: every #include line of the C files in DIR, "file: line"
includes() {
	for d in "$@"; do
		grep -H '^[[:space:]]*#[[:space:]]*include' "$src/$d"/*.[ch]
	done | sed "s|^$src/||"
}

is "$(includes engine | grep -E '"(view|cli)/' || true)" "" "engine/ includes nothing of view/ or cli/"
is "$(includes engine | grep -E '<(jansson|n?curses|ncursesw/[a-z]+)\.h>' || true)" "" \
	"engine/ includes no JSON or terminal library"
is "$(includes view | grep -Ev '"(engine|view)/[a-z_]+\.h"|<[a-z]+\.h>' || true)" "" \
	"view/ includes only engine/, view/ and the C library"
is "$(includes view | grep -E '<(stdio|jansson|n?curses|term|unistd)\.h>' || true)" "" \
	"view/ includes no stdio, curses, jansson or unistd"
is "$(grep -HnE '\<(FILE|printf|fprintf|fputs|fwrite|puts|putc|exit)\>' "$src"/view/*.[ch] | sed "s|^$src/||" || true)" "" \
	"view/ writes to no stream and never exits"
ok "$([ -n "$(includes view)" ]; echo $?)" "the check sees view/'s includes"
done_testing
