#!/bin/sh
# tests/cli-watch.sh - vmatool watch on a child process that changes its
# mappings on command.  No sleeps: watch's first line is printed after its
# first read, and the test reads watch's output line by line through a fifo,
# so each change is made only once watch is known to be looking.
. "$top_srcdir/tests/lib.sh"

CHILD="$top_builddir/tests/child"
[ -x "$CHILD" ] || skip_all "no $CHILD"

mkfifo "$TMPD/child.in" "$TMPD/child.out"
"$CHILD" <"$TMPD/child.in" >"$TMPD/child.out" &
CHILD_PID=$!
exec 3>"$TMPD/child.in" 4<"$TMPD/child.out"
send() { echo "$*" >&3; read -r REPLY <&4; }
hexadd() { printf '%x' $(($1 + $2)); }
TS='[0-9][0-9]:[0-9][0-9]:[0-9][0-9]\.[0-9][0-9][0-9]'

# Every step waits for watch's own output.  A watch that missed a change
# would keep the test reading: the harness's time limit (TEST_TIMEOUT in
# Makefile.am) ends it, and so fails the test.  The watch is started
# directly, so that $WATCH_PID is vmatool itself and the signals the test
# sends reach it (through timeout(1) in between, a SIGINT was seen lost).
# start_watch ARGS...: watch in the background, its output on fd 5; waits for the first line
start_watch() {
	rm -f "$TMPD/watch.fifo"
	mkfifo "$TMPD/watch.fifo"
	"$VMATOOL" watch "$@" >"$TMPD/watch.fifo" 2>"$TMPD/watch.err" &
	WATCH_PID=$!
	KILL_PIDS="$KILL_PIDS $WATCH_PID"
	exec 5<"$TMPD/watch.fifo"
	read -r FIRST <&5
}
# finish_watch: the rest of its output in $REST, its exit status in $WRC
finish_watch() {
	REST=$(cat <&5)
	exec 5<&-
	wait "$WATCH_PID"
	WRC=$?
	forget_pid "$WATCH_PID"
	LAST=$(printf '%s\n' "$REST" | tail -n 1)
}

send map a 16k rw
A=${REPLY#0x}

# one change, then --count 1 ends it
start_watch --interval 20ms --count 1 --min-delta 1G --color=never "$CHILD_PID"
like "$FIRST" "^$TS watching process $CHILD_PID \\(child\\): [0-9]+ VMAs, every 0.02 s\$" "first line: watching"
send protect a 4k 4k r
finish_watch
is "$WRC" 0 "--count 1: exit 0"
like "$REST" "^$TS ~ split +$A-$(hexadd 0x$A 16*1024) rw-p +16K +into 3 at $(hexadd 0x$A 4096), $(hexadd 0x$A 8192)" \
	"the split is printed with a timestamp"
like "$REST" "^$TS \\+ +$(hexadd 0x$A 4096)-$(hexadd 0x$A 8192) r--p" "the split's parts are printed"
like "$LAST" "^$TS stopped after 1 round with changes \\(--count\\)\$" "last line says why it stopped"
is "$(cat "$TMPD/watch.err")" "" "nothing on stderr"

# jsonl: one object per change
start_watch --interval 20ms --count 1 --no-smaps --format jsonl "$CHILD_PID"
like "$FIRST" '^\{"time":"[0-9-]+T[0-9:.]+Z","event":"start","pid":'"$CHILD_PID" "jsonl: a start object"
send protect a 4k 4k rw
finish_watch
is "$WRC" 0 "jsonl: exit 0"
like "$REST" '^\{"time":"[^"]+","event":"change","pid":[0-9]+,"change":\{"kind":"merged"' "jsonl: the merge as one object"
is "$(printf '%s\n' "$REST" | grep -vc '^{.*}$')" 0 "jsonl: every line is one JSON object"
unlike "$REST" '"delta"' "--no-smaps: no usage deltas"
like "$LAST" '"event":"count"' "jsonl: the last object says why it stopped"

# several changes while watching, then the process exits
start_watch --interval 20ms --min-delta 1G --bytes --color=never "$CHILD_PID"
SEEN=
# wait_for TEXT: read watch's lines (into $SEEN) until one contains TEXT
wait_for() {
	while read -r line <&5; do
		SEEN="$SEEN$line
"
		case $line in *"$1"*) return 0 ;; esac
	done
	return 1
}
send unmap a 4k 4k
wait_for unmapped
send lock a 8k 8k
wait_for "vmflags +locked"
like "$SEEN" "^$TS ~ split +$A-$(hexadd 0x$A 16*1024) rw-p .*$(hexadd 0x$A 4096)-$(hexadd 0x$A 8192) unmapped" \
	"munmap of a middle part while watching"
like "$SEEN" "^$TS ~ vmflags +$(hexadd 0x$A 8192)-$(hexadd 0x$A 16384) rw-p +8192 +vmflags \\+locked" \
	"mlock while watching (--bytes: sizes in bytes)"
echo exit >&3
wait "$CHILD_PID"
CHILD_PID_DONE=$CHILD_PID
CHILD_PID=
finish_watch
is "$WRC" 0 "process exit: exit 0"
like "$LAST" "^$TS process $CHILD_PID_DONE exited: watching ended\$" "process exit: the last line says so"
is "$(cat "$TMPD/watch.err")" "" "process exit: nothing on stderr"

# Ctrl-C
start_watch --interval 20ms --min-delta 1G self
kill -INT "$WATCH_PID"
finish_watch
is "$WRC" 0 "SIGINT: exit 0"
like "$LAST" "^$TS interrupted: watching ended\$" "SIGINT: the last line says so"

# bad input
run "$VMATOOL" watch "$top_srcdir/tests/diff/steps-0.smaps"
is "$RC" 2 "a file: exit 2"
like "$ERR" "watch needs a running process" "a file: says why"
run "$VMATOOL" watch --interval soon self
is "$RC" 2 "bad --interval: exit 2"
like "$ERR" "bad value 'soon' for --interval: expected a duration" "bad --interval: names it"
run "$VMATOOL" watch --interval 0s self
is "$RC" 2 "zero interval: exit 2"
run "$VMATOOL" watch --count 0 self
is "$RC" 2 "--count 0: exit 2"
run "$VMATOOL" watch --format xml self
is "$RC" 2 "bad --format: exit 2"
run "$VMATOOL" watch 999999999
is "$RC" 3 "no such process: exit 3"
is "$OUT" "" "no such process: no output"


# review: options that would do nothing are refused
run "$VMATOOL" watch --format jsonl --bytes self
is "$RC:$OUT" "2:" "watch --format jsonl --bytes: exit 2, no output"
like "$ERR" "^vmatool: watch: --bytes applies to --format text only" "watch --format jsonl --bytes: message"
run "$VMATOOL" watch --format jsonl --color=never self
is "$RC" 2 "watch --format jsonl --color: exit 2"
run "$VMATOOL" watch --no-smaps --min-delta 4k self
is "$RC" 2 "watch --no-smaps --min-delta: exit 2"
like "$ERR" "min-delta" "watch --no-smaps --min-delta: message names --min-delta"

printf 'not maps\n' > "$TMPD/junk.txt"
run "$VMATOOL" watch "$TMPD/junk.txt"
is "$RC:$OUT" "2:" "watch FILE (even a bad one): exit 2, no output"
like "$ERR" "is a file: watch needs a running process" "watch FILE: says a running process is needed"

done_testing
