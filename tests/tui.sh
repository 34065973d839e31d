#!/bin/sh
# tests/tui.sh - vmatool tui driven through a private tmux server (send-keys,
# capture-pane -p) against a child process the test starts (tests/child).
# No sleeps: every step waits, with wait_until, for the screen to show what
# the step must produce; the bound on the waits only turns a broken TUI into
# a failure.  Addresses differ from run to run: the checks look for the
# words and for addresses the child reports.
. "$top_srcdir/tests/lib.sh"

CHILD="$top_builddir/tests/child"
[ -x "$CHILD" ] || skip_all "no $CHILD"
command -v tmux >/dev/null 2>&1 || skip_all "tmux not installed"

mkfifo "$TMPD/child.in" "$TMPD/child.out"
"$CHILD" <"$TMPD/child.in" >"$TMPD/child.out" &
CHILD_PID=$!
exec 3>"$TMPD/child.in" 4<"$TMPD/child.out"
send() { echo "$*" >&3; read -r REPLY <&4; }

# one tmux server a start, on a socket of its own: a new one never races
# the shutdown of the last
NSRV=0
T=true
# tmux leaves a server's socket behind after kill-server: remove ours
cleanup_tmux() {
	$T kill-server 2>/dev/null
	rm -f "${TMUX_TMPDIR:-/tmp}/tmux-$(id -u)/vmatool-tui-test-$$-"*
	cleanup
}
trap cleanup_tmux EXIT

# start_tui W H [ENV...]: vmatool tui on the child in a W x H pane; the pane
# stays after the program ends and then shows "tui-exit=STATUS"
start_tui() {
	w=$1 h=$2
	shift 2
	$T kill-server 2>/dev/null
	NSRV=$((NSRV + 1))
	T="tmux -L vmatool-tui-test-$$-$NSRV -f /dev/null"
	$T new-session -d -s t -x "$w" -y "$h" \
		"env $* '$VMATOOL' tui --interval 20ms $CHILD_PID; echo tui-exit=\$?; exec cat"
	wait_until "the first screen" has "PID $CHILD_PID child"
}
screen() { $T capture-pane -p -t t 2>/dev/null; }
has() { screen | grep -Fq -- "$1"; }
hasre() { screen | grep -Eq "$@"; }
keys() { $T send-keys -t t "$@"; }
# the mouse: tmux passes what send-keys -l writes to the program as the
# terminal's own report.  x10 COL ROW [BUTTON]: a press and its release in
# the X10 encoding (what ncurses asks for under TERM=screen, tmux's own);
# sgr COL ROW: a click in the SGR encoding (TERM=xterm-256color).  COL and
# ROW count from 0; BUTTON 0 is the left one, 65 the wheel down (no release).
x10() {
	x10_at="$(printf '%b%b' "\\$(printf %03o $((33 + $1)))" "\\$(printf %03o $((33 + $2)))")"
	$T send-keys -t t -l "$(printf '\033[M%b' "\\$(printf %03o $((32 + ${3:-0})))")$x10_at"
	[ "${3:-0}" -ge 64 ] || $T send-keys -t t -l "$(printf '\033[M#')$x10_at"
}
sgr() {
	$T send-keys -t t -l "$(printf '\033[<0;%d;%dM' $(($1 + 1)) $(($2 + 1)))"
	$T send-keys -t t -l "$(printf '\033[<0;%d;%dm' $(($1 + 1)) $(($2 + 1)))"
}
# whether row ROW (from 0) is drawn in reverse video (the selection)
reverse_row() {
	$T capture-pane -e -p -t t | sed -n "$(($1 + 1))p" | grep -Eq "$(printf '\033')\\[([0-9]+;)*7[;m]"
}
# the row (from 0) of the first line of the screen matching the pattern
row_of() { screen | grep -nE -- "$1" | head -n 1 | cut -d: -f1 | awk '{ print $1 - 1 }'; }

# a named file mapping to search for, with an escape sequence in another name
printf 'x%.0s' $(seq 1 8192) >"$TMPD/tui-marker-file"
ESCNAME=$(printf 'esc\033[7mX')
cp "$TMPD/tui-marker-file" "$TMPD/$ESCNAME"
send mapfile marker "$TMPD/tui-marker-file" 8k r
send mapfile esc "$TMPD/$ESCNAME" 4k r
send map holed 64k rw
HOLED=${REPLY#0x}
send unmap holed 16k 16k
GAPADDR=$(printf '%x' $((0x$HOLED + 0x5000)))

start_tui 80 24
S=$(screen)
like "$S" "VMAs [0-9]+ of vm.max_map_count [0-9]+" "header: VMAs N of vm.max_map_count M"
like "$S" "RSS [0-9.]+[KMG]? +PSS [0-9.]+[KMG]? +swap [0-9]+" "header: RSS, PSS, swap"
like "$S" "kernel $(uname -r)" "header: the kernel"
like "$S" "^[|>][a-zA-Z.#~0-9]+[|<]\$" "the strip is drawn"
like "$S" "~[0-9.]+[KMGTPE]~" "a huge gap is collapsed with its size written in"
like "$S" "^START-END +SIZE PERM +RSS +PSS +DIRTY +SWAP FLAGS +NAME" \
	"the list has show's columns (at 80 columns without OFFSET, DEV, INODE)"
like "$S" "^[0-9a-f]+-[0-9a-f]+ +[0-9.]+[KMG]? r-xp .* /" "at 80 columns the names are on the screen"
like "$S" "^-- detail" "the detail pane"
like "$S" "kind [a-z]+ \\(" "the detail pane names the kind"

# scrolling to the end: the last VMA is selected
NV=$(printf '%s\n' "$S" | sed -n 's/.*VMAs \([0-9]*\) of.*/\1/p')
keys End
wait_until "End" has "-- $NV of $NV rows"
ok 0 "End selects the last of $NV rows"
keys Home
wait_until "Home" has "-- 1 of $NV rows"
ok 0 "Home selects the first row"
keys j j
wait_until "j" has "-- 3 of $NV rows"
ok 0 "j moves down"

# search by name
keys / tui-marker Enter
wait_until "search" has "name: $TMPD/tui-marker-file"
ok 0 "/ finds the VMA by a part of its name"
like "$(screen)" "above: |below: " "the detail pane shows the neighbours"
keys Tab
wait_until "Tab" has "(Tab: back to the list)"
ok 0 "Tab moves to the detail pane"
keys Tab

# every VmFlags spelled out, and the merge verdicts
like "$(screen)" "VmFlags: rd " "VmFlags in the detail pane"

# go to an address in a gap
keys g "0x$GAPADDR" Enter
wait_until "goto" has "in a gap of 16K"
S=$(screen)
like "$S" "$GAPADDR: in a gap of 16K, 4.0K above the VMA below, 12K below the one above" \
	"g: the gap and the distances to both neighbours"
like "$S" "gap $(printf '%x' $((0x$HOLED + 0x4000)))-$(printf '%x' $((0x$HOLED + 0x8000))) +16K unmapped" \
	"g: the gap row is selected"
keys g tui-marker-file+0x1000 Enter
wait_until "goto name" has "at offset 0x1000"
ok 0 "g NAME+OFFSET selects the VMA"

# filter and sort
keys f tui-marker Enter
wait_until "filter" has "1 VMAs pass the filter"
ok 0 "f: a name filter keeps one row"
keys f "rw-p anon" Enter
wait_until "perms and kind filter" has "VMAs pass the filter"
unlike "$(screen | sed -n '/^START-END/,/^-- detail/p' | sed '1d;$d')" " (r--p|r-xp|---p|rw-s) " \
	"f rw-p anon: only private read-write rows"
keys f "tui-marker extra" Enter
wait_until "two names" has "one name pattern at most: 'tui-marker extra'"
ok 0 "f: two name words are refused, the filter stays"
keys f Enter
wait_until "no filter" has "$NV VMAs pass the filter"
keys s
wait_until "sort" has "sorted by size, largest first"
like "$(screen)" "sort size" "s: the header says the sort"
keys s s s s
wait_until "sort addr" has "sorted by addr"

# zoom
keys z
wait_until "zoom in" has "zoom 1 (z in, Z out)"
ok 0 "z zooms the strip in"
keys Z
wait_until "zoom out" has "whole address space"
ok 0 "Z zooms back out"

# the mouse: a click on a row of the list selects it; the wheel scrolls
keys Home
wait_until "Home before the mouse" hasre -- "-- 1 of [0-9]+ rows"
LY=$(($(row_of '^START-END') + 1))
x10 5 $((LY + 2))
wait_until "a click on the third row" hasre -- "-- 3 of [0-9]+ rows"
ok 0 "mouse: a click on the third row of the list selects it"
x10 5 $((LY + 2)) 65
wait_until "the wheel" hasre -- "-- 6 of [0-9]+ rows"
ok 0 "mouse: the wheel down moves the selection by three rows"
# a click on a cell of the strip that shows program text selects a text VMA
# (the last row, selected before, is not one)
keys End
wait_until "End before the strip click" hasre -- "-- ([0-9]+) of \\1 rows"
unlike "$(screen)" "kind text \\(" "(the last row is no text VMA)"
SROW=$(row_of '^[|>][a-zA-Z.#~0-9]*t')
SCOL=$(screen | sed -n "$((SROW + 1))p" | awk '{ print index($0, "t") - 1 }')
x10 "$SCOL" "$SROW"
wait_until "a click on the strip" has "kind text ("
ok 0 "mouse: a click on a strip cell showing text selects a text VMA"
DY=$(row_of '^-- detail')
x10 5 $((DY + 1))
wait_until "a click on the detail pane" has "(Tab: back to the list)"
ok 0 "mouse: a click on the detail pane moves there"
x10 5 "$LY"
wait_until "a click back on the list" has "(Tab: scroll it)"

# names are escaped
keys / '[7mX' Enter
wait_until "escaped name" has 'esc\x1b[7mX'
ok 0 "a control character in a name is shown escaped"

# help
keys ?
wait_until "help" has "vmatool tui: keys (Down, PgDn scroll"
S=$(screen)
keys PgDn
wait_until "help scrolled" has "  q                  quit"
S="$S
$(screen)"
for k in "Up Down j k" "PgUp PgDn" "Home End" "Tab" "/ " "g " "f " "s " "a " "z Z" "r " "w " "S " ": " \
	"p " "u U" "W " "mouse " "q "; do
	like "$S" "^  $k " "? lists the key '$k'"
done
keys x
wait_until "help closed" has "-- detail"

# r re-reads: the child's new mapping shows
send map fresh 8k rw
FRESH=${REPLY#0x}
keys r
wait_until "re-read" hasre -- "re-read: [0-9]+ VMAs"
NV2=$(screen | sed -n 's/^re-read: \([0-9]*\) VMAs.*/\1/p')
is "$NV2" "$(grep -c . "/proc/$CHILD_PID/maps")" "r re-reads the process: the new count"
ok "$([ "$NV2" -gt "$NV" ]; echo $?)" "r: the child's new mapping counts"

# watch: a change the child makes shows in the log, in watch's words
keys w
wait_until "watching" has "-- changes: watching every 20 ms (w stops)"
ok 0 "w starts watching: the change log replaces the details"
send protect fresh 4k 4k r
wait_until "the split logged" hasre -- "^[0-9]{2}:[0-9]{2}:[0-9]{2} ~ split +[0-9a-f]+-[0-9a-f]+ rw-p +8.0K +into 2"
ok 0 "watch logs the split the child made"
like "$(screen)" "[0-9]{2}:[0-9]{2}:[0-9]{2} \\+ +[0-9a-f]+-[0-9a-f]+ r--p" "watch logs the new part"
# the first part of the split, not selected, is drawn bold
keys g "0x$FRESH" Enter
wait_until "goto fresh" has "$FRESH: in $FRESH-"
keys j
wait_until "the key reminder" has "q quit  ? keys"
ROW=$($T capture-pane -e -p -t t | grep "$FRESH-" | head -n 1)
like "$ROW" "$(printf '\033')\\[([0-9]+;)*1[;m]" "a changed row is drawn bold"
unlike "$ROW" "$(printf '\033')\\[([0-9]+;)*7[;m]" "(and it is not the selection)"
keys w
wait_until "watch stopped" has "watching stopped"
ok 0 "w again stops watching"

# S saves a snapshot that reads back
keys S "$TMPD/snap.json" Enter
wait_until "saved" has "to $TMPD/snap.json"
run "$VMATOOL" show --format json "$TMPD/snap.json"
is "$RC" 0 "S: the snapshot reads back"
like "$OUT" '"schema": *"vmatool/1"' "S: the snapshot is a vmatool document"

# d: the changes since the snapshot S saved (the mapping made since, added)
send map since 8k rw
SINCE=${REPLY#0x}
keys r
wait_until "re-read for d" hasre -- "re-read: [0-9]+ VMAs"
keys d "$TMPD/snap.json" Enter
wait_until "diff shown" has "-- diff (d closes it)"
S=$(screen)
like "$S" "^[0-9]+ changes? since $TMPD/snap.json" "d: the count of changes since the snapshot"
like "$S" "^\\+ added +$SINCE-$(printf '%x' $((0x$SINCE + 8192))) rw-p" "d: the mapping made since is added"
keys d
wait_until "diff closed" has "-- detail"
ok 0 "d again closes the diff"
keys d Enter
wait_until "diff since w" hasre -- "^[0-9]+ changes? since watching began"
ok 0 "d with no file: the changes since watching began"
keys d
wait_until "diff since w closed" has "-- detail"

# what-if: a call previewed, applied, undone, redone
send map wi 16k rw
WI=${REPLY#0x}
keys r
wait_until "re-read for what-if" hasre -- "re-read: [0-9]+ VMAs"
NW=$(screen | sed -n 's/^re-read: \([0-9]*\) VMAs.*/\1/p')
keys : "mprotect(0x$WI, 4096, PROT_READ)" Enter
wait_until "preview" has "Enter applies it to the model"
S=$(screen)
like "$S" "^mprotect\\(0x$WI, 4096, PROT_READ\\) = 0\$" "what-if: the preview shows the call and its result"
like "$S" "^VMAs $NW -> $((NW + 1)) of vm.max_map_count [0-9]+" "what-if: the VMA count before and after"
like "$S" "^ +split +$WI-[0-9a-f]+ at $(printf '%x' $((0x$WI + 4096)))" "what-if: the split predicted"
keys Enter
wait_until "applied" has "applied: $((NW + 1)) VMAs"
like "$(screen)" "what-if: 1 call \\(u, U\\)" "what-if: Enter applies; the header says so"
like "$(screen)" "VMAs $((NW + 1)) of vm.max_map_count" "what-if: the model shown has the new VMA"
keys u
wait_until "undone" has "undone: $NW VMAs"
ok 0 "u undoes the call"
keys U
wait_until "redone" has "redone: $((NW + 1)) VMAs"
ok 0 "U redoes it"
keys W "$TMPD/calls.sim" Enter
wait_until "calls written" has "wrote 1 call to $TMPD/calls.sim"
is "$(grep -v '^#' "$TMPD/calls.sim")" "mprotect(0x$WI, 4096, PROT_READ)" "W writes the calls as a sim script"
run "$VMATOOL" sim --ops "$TMPD/calls.sim" "$CHILD_PID"
like "$OUT" "mprotect\\(0x$WI, 4096, PROT_READ\\) = 0 +\\[VMAs $NW -> $((NW + 1))\\]" \
	"the script runs in vmatool sim, with the same prediction"
keys g "0x$WI" Enter
wait_until "goto wi" has "$WI: in $WI-"
keys p
wait_until "the call menu" has "1 mprotect 2 munmap 3 madvise 4 mlock 5 mseal 6 mremap"
keys 2
wait_until "prefilled" has "call (sim language): munmap(0x$WI, 0x1000)"
ok 0 "p: the menu fills in a call for the selection"
keys Enter
wait_until "menu preview" has "munmap(0x$WI, 0x1000) = 0"
keys x
wait_until "menu dropped" has "dropped: the model is unchanged"
keys : "munmap(0x1001, 4096)" Enter
wait_until "EINVAL preview" has "munmap(0x1001, 4096) = -1 EINVAL"
keys x
wait_until "dropped" has "dropped: the model is unchanged"
ok 0 "what-if: a failing call shows its errno; another key drops it"
keys : "mprotect(nosuchmapping+0x10, 4096, PROT_READ)" Enter
wait_until "unknown base" hasre -- "nosuchmapping"
like "$(screen | tail -n 1)" "nosuchmapping" "what-if: an address of no mapping is an error on the status line"
keys r
wait_until "what-if dropped" has "the what-if calls are dropped"
ok 0 "r drops the what-if calls"

# resize
$T resize-window -t t -x 100 -y 30
wait_until "resize up" hasre -- "^[|>][a-zA-Z.#~0-9]{98}[|<]\$"
$T resize-window -t t -x 160 -y 30
wait_until "resize to 160 columns" hasre -- "^[|>][a-zA-Z.#~0-9]{158}[|<]\$"
like "$(screen)" "^START-END +SIZE PERM OFFSET +DEV +INODE +RSS" "at 160 columns the file columns are back"
$T resize-window -t t -x 80 -y 24
wait_until "resize down" hasre -- "^[|>][a-zA-Z.#~0-9]{78}[|<]\$"
like "$(screen)" "PID $CHILD_PID child" "the screen follows a resize to 80x24"

# the process exits while open
echo exit >&3
wait "$CHILD_PID"
keys r
wait_until "exit banner" has "process $CHILD_PID has exited"
ok 0 "the process exiting: a banner, the last state stays"
keys End
wait_until "still browsable" hasre -- "-- ([0-9]+) of \\1 rows"
ok 0 "the last state stays browsable"

# quit
keys q
wait_until "quit" has "tui-exit=0"
ok 0 "q quits with status 0"

# monochrome: a vt100 without colours, NO_COLOR
exec 3>&- 4<&-
mkfifo "$TMPD/child2.in" "$TMPD/child2.out"
"$CHILD" <"$TMPD/child2.in" >"$TMPD/child2.out" &
CHILD_PID=$!
exec 3>"$TMPD/child2.in" 4<"$TMPD/child2.out"
send pid
start_tui 80 24 TERM=vt100 NO_COLOR=1
like "$(screen)" "START-END +SIZE" "TERM=vt100 NO_COLOR: the screen is drawn"
keys q
wait_until "quit vt100" has "tui-exit=0"
ok 0 "quits on vt100"

# a saved file opens the same way, and stays as it is
cat "/proc/$CHILD_PID/maps" >"$TMPD/saved.maps"
NF=$(grep -c . "$TMPD/saved.maps")
NSRV=$((NSRV + 1))
$T kill-server 2>/dev/null
T="tmux -L vmatool-tui-test-$$-$NSRV -f /dev/null"
$T new-session -d -s t -x 80 -y 24 \
	"TERM=xterm-256color '$VMATOOL' tui '$TMPD/saved.maps'; echo tui-exit=\$?; exec cat"
wait_until "a saved file" has "saved.maps  VMAs $NF of vm.max_map_count"
ok 0 "a saved maps file opens: its name and VMA count in the header"
LY=$(($(row_of '^START-END') + 1))
sgr 5 $((LY + 3))
wait_until "an SGR click" has "-- 4 of $NF rows"
ok 0 "mouse: a click in the SGR encoding (TERM=xterm-256color) selects the fourth row"
keys r
wait_until "no re-read" has "a saved file does not change: nothing to re-read"
ok 0 "r on a saved file says there is nothing to re-read"
keys w
wait_until "no watch" has "only a running process can be watched"
ok 0 "w on a saved file is refused"
keys d Enter
wait_until "no base" has "watching has not begun: name a file to compare with"
ok 0 "d with no file before w: a clear message"
keys q
wait_until "quit saved" has "tui-exit=0"

# no target: the process picker, filtered as you type, Enter opens one
NSRV=$((NSRV + 1))
$T kill-server 2>/dev/null
T="tmux -L vmatool-tui-test-$$-$NSRV -f /dev/null"
$T new-session -d -s t -x 80 -y 24 "'$VMATOOL' tui; echo tui-exit=\$?; exec cat"
wait_until "the picker" has "vmatool tui: pick a process"
S=$(screen)
like "$S" "^ +PID USER +VMAS +%MAX +RSS +PSS +COMMAND" "picker: the columns"
V1=$(printf '%s\n' "$S" | sed -n '3p' | awk '{ print $3 }')
V2=$(printf '%s\n' "$S" | sed -n '4p' | awk '{ print $3 }')
ok "$([ "${V1:-0}" -ge "${V2:-0}" ]; echo $?)" "picker: the most VMAs on top ($V1, then $V2)"
keys "$CHILD_PID"
wait_until "picker filter" has "filter: ${CHILD_PID}_"
like "$(screen | sed -n '3p')" "^ *$CHILD_PID [^ ]+ +[0-9]+ +[0-9.]+% .* child\$" "picker: the filter keeps the child"
is "$(screen | grep -Ec '^ *[0-9]+ ')" 1 "picker: and only the child"
keys Tab
wait_until "picker sort" has "sort rss"
keys Enter
wait_until "picker opens" has "PID $CHILD_PID child"
ok 0 "picker: Enter opens the process"
keys q
wait_until "quit after picker" has "tui-exit=0"
NSRV=$((NSRV + 1))
$T kill-server 2>/dev/null
T="tmux -L vmatool-tui-test-$$-$NSRV -f /dev/null"
$T new-session -d -s t -x 80 -y 24 "'$VMATOOL' tui; echo tui-exit=\$?; exec cat"
wait_until "the picker again" has "vmatool tui: pick a process"
keys x Escape
wait_until "filter cleared" has "filter: _"
keys Escape
wait_until "picker quit" has "tui-exit=0"
ok 0 "picker: Escape clears the filter, then quits with status 0"
NSRV=$((NSRV + 1))
$T kill-server 2>/dev/null
T="tmux -L vmatool-tui-test-$$-$NSRV -f /dev/null"
$T new-session -d -s t -x 80 -y 24 "'$VMATOOL' tui; echo tui-exit=\$?; exec cat"
wait_until "the picker for the mouse" has "vmatool tui: pick a process"
x10 10 3
wait_until "picker: a click on the second row" reverse_row 3
ok 0 "picker: a click on the second row selects it"
keys "$CHILD_PID"
wait_until "picker filter for the mouse" has "filter: ${CHILD_PID}_"
x10 10 2
wait_until "picker: a click on the selected row opens it" has "PID $CHILD_PID child"
ok 0 "picker: a click on the selected row opens the process"
keys q
wait_until "quit after the picker's click" has "tui-exit=0"

# no terminal: a clear error
run "$VMATOOL" tui "$CHILD_PID" </dev/null
is "$RC" 2 "no terminal: exit 2"
is "$ERR" "vmatool: tui: needs a terminal on standard input and output" "no terminal: the message"
run "$VMATOOL" tui 999999999
is "$RC" 3 "no such process: exit 3 before the screen starts"
done_testing
