#!/bin/sh
# tests/live-show.sh - `vmatool show` and `find` on live processes the test
# starts and stops: maps/smaps byte for byte against /proc, the JSON holds
# the same VMAs, find through PROCMAP_QUERY agrees with the text fallback,
# process names (unique, ambiguous, none) and the errors of live targets.
. "${top_srcdir:-.}/tests/lib.sh"

V=$VMATOOL
[ -r /proc/self/maps ] || skip_all "no /proc"

# start a copy of sleep under a name of our own, stopped (synchronised on
# its state, not on time)
NAME="vtu-$$"
cp "$(command -v sleep)" "$TMPD/$NAME" || skip_all "cannot copy sleep"
# has_comm PID NAME, in_state PID LETTER: what /proc/PID says now
has_comm() { [ "$(cat "/proc/$1/comm" 2>/dev/null)" = "$2" ]; }
in_state() { grep -q "^State:.*$2" "/proc/$1/status" 2>/dev/null; }
asleep_as() { has_comm "$1" "$2" && in_state "$1" S; }
start_stopped() {
	"$TMPD/$NAME" 1000 > /dev/null 2>&1 &
	p=$!
	# exec'd and asleep in nanosleep (its libraries mapped), then stopped
	wait_until "process $p to sleep as $NAME" asleep_as "$p" "$NAME"
	kill -STOP "$p"
	wait_until "process $p to stop" in_state "$p" T
	echo "$p"
}
CHILD_PID=$(start_stopped)
P=$CHILD_PID
KILL_PIDS=
[ -n "$P" ] || exit 1

# ---- show: byte for byte ---------------------------------------------------
$V show "$P" --format maps > "$TMPD/m1"; rc=$?
cat "/proc/$P/maps" > "$TMPD/m2"
is "$rc" 0 "show PID --format maps: exit 0"
cmp -s "$TMPD/m1" "$TMPD/m2"; ok $? "show --format maps equals /proc/PID/maps byte for byte"
$V show "$P" --format maps --range 0-0xffffffffffffffff > "$TMPD/m4"
cmp -s "$TMPD/m4" "$TMPD/m2"; ok $? "through the engine (a filter that keeps all): the same bytes"
$V show "$P" --format smaps > "$TMPD/s1"
cat "/proc/$P/smaps" > "$TMPD/s2"
# page sharing with other processes can change between two reads: leave out
# the fields that depend on them, compare everything else exactly
stable() { grep -Ev '^(Pss|Pss_Dirty|Shared_Clean|Shared_Dirty|Private_Clean|Private_Dirty|Referenced|SwapPss):' "$1"; }
stable "$TMPD/s1" > "$TMPD/s1f"; stable "$TMPD/s2" > "$TMPD/s2f"
cmp -s "$TMPD/s1f" "$TMPD/s2f"; ok $? "show --format smaps equals /proc/PID/smaps"
is "$(wc -l < "$TMPD/s1")" "$(wc -l < "$TMPD/s2")" "smaps: same number of lines"

$V show "$P" --format json > "$TMPD/j"
python3 - "$TMPD/j" "$TMPD/m2" <<'PY' 2>/dev/null
import json, sys
d = json.load(open(sys.argv[1]))
want = [l.split()[0] for l in open(sys.argv[2])]
got = ["%s-%s" % (v["start"][2:].zfill(8), v["end"][2:].zfill(8)) for v in d["vmas"]]
assert got == want, (got, want)
assert all("rss" in v and "vmflags" in v for v in d["vmas"])
assert d["source"]["pid"] == int(open(sys.argv[1]).name and d["source"]["pid"])
PY
ok $? "the JSON holds the same VMAs as /proc/PID/maps, each with smaps and VmFlags"
$V show "$TMPD/j" --format maps > "$TMPD/m3"
cmp -s "$TMPD/m3" "$TMPD/m2"; ok $? "JSON snapshot -> --format maps equals /proc/PID/maps"
like "$(grep '"comm"' "$TMPD/j")" "\"$NAME\"" "JSON source has the command name"
like "$(grep '"max_map_count"' "$TMPD/j" | head -1)" "$(cat /proc/sys/vm/max_map_count)" \
	"JSON source has vm.max_map_count"
like "$(grep '"kernel"' "$TMPD/j")" "\"$(uname -r)\"" "JSON source has the kernel release"

run $V show "$P"
is "$RC" 0 "show PID: exit 0"
like "$OUT" "vm.max_map_count $(cat /proc/sys/vm/max_map_count)" "the summary names vm.max_map_count"
like "$OUT" "^START-END .* RSS +PSS +DIRTY +SWAP" "smaps columns"
run $V show "$P" --no-smaps
unlike "$OUT" "RSS" "--no-smaps: no RSS column"
run $V show self --format maps
is "$RC" 0 "show self: exit 0"
like "$OUT" "$(basename "$V")\$" "show self reads vmatool's own maps"

# a process that names itself with an escape sequence cannot reach the terminal
EVIL=$(printf 'e\033[2Jv')
cp "$TMPD/$NAME" "$TMPD/$EVIL"
"$TMPD/$EVIL" 1000 > /dev/null 2>&1 &
EP=$!
KILL_PIDS="$KILL_PIDS $EP"
wait_until "process $EP to sleep under its odd name" asleep_as "$EP" "$EVIL"
run $V show "$EP"
like "$OUT" "^process: $EP e\\\\x1b\\[2Jv " "the command name is printed escaped"
unlike "$OUT" "$(printf '\033')" "no raw escape byte reaches the output"
run $V find "$EP" "$EVIL+0"
like "$OUT" "e\\\\x1b\\[2Jv" "find escapes the path too"
kill -9 "$EP"; wait "$EP" 2>/dev/null; forget_pid "$EP"

# ---- find: PROCMAP_QUERY and the text agree ---------------------------------
addrs=$(awk 'NR <= 12 { split($1, r, "-"); printf "0x%s ", r[1] }' "$TMPD/m2")
heapend=$(awk '/\[heap\]/ { split($1, r, "-"); print "0x" r[2] }' "$TMPD/m2")
addrs="$addrs 0x1000 0xffffffffff600010 0x7fffffffe000 $heapend [stack]+0x10 libc.so.6+0x100"
run $V find "$P" $addrs
is "$RC" 0 "find on a live process: exit 0"
printf '%s\n' "$OUT" > "$TMPD/q"
$V find --no-query "$P" $addrs > "$TMPD/t"
cmp -s "$TMPD/q" "$TMPD/t"; ok $? "find: PROCMAP_QUERY answers equal the maps text answers"
like "$OUT" '^0xffffffffff600010: ffffffffff600000-ffffffffff601000 .*\[vsyscall\]' \
	"[vsyscall] is found (the ioctl never reports it)"
$V find "$P" --format json $addrs > "$TMPD/qj"
$V find --no-query "$P" --format json $addrs > "$TMPD/tj"
cmp -s "$TMPD/qj" "$TMPD/tj"; ok $? "find --format json: both ways agree"
if command -v strace > /dev/null && strace -o /dev/null true 2>/dev/null; then
	# strace shows it as PROCMAP_QUERY, 0xc0686611 or _IOC(..., 0x66, 0x11, 0x68)
	q='0xc0686611|PROCMAP_QUERY|0x66, 0x11, 0x68'
	strace -f -e trace=ioctl -o "$TMPD/st" $V find "$P" 0x1000 > /dev/null 2>&1
	if grep -Ei "$q" "$TMPD/st" | grep -q 'ENOTTY\|EINVAL'; then
		ok 0 "# SKIP the kernel has no PROCMAP_QUERY"
	else
		grep -Eqi "$q" "$TMPD/st"; ok $? "find uses the PROCMAP_QUERY ioctl"
	fi
	strace -f -e trace=ioctl -o "$TMPD/st2" $V find --no-query "$P" 0x1000 > /dev/null 2>&1
	! grep -Eqi "$q" "$TMPD/st2"; ok $? "find --no-query does not"
else
	diag "strace cannot run here (missing, or no ptrace permission): PROCMAP_QUERY use not checked"
fi

# ---- process names ---------------------------------------------------------
run $V show "$NAME" --format maps
is "$RC" 0 "a unique process name: exit 0"
printf '%s\n' "$OUT" > "$TMPD/n1"
cmp -s "$TMPD/n1" "$TMPD/m2"; ok $? "a unique process name reads that process"
P2=$(start_stopped)
KILL_PIDS="$KILL_PIDS $P2"
run $V show "$NAME"
is "$RC" 2 "an ambiguous name: exit 2"
like "$ERR" "'$NAME' matches 2 processes" "an ambiguous name: message"
like "$ERR" "^ +$P +.*$NAME 1000" "the list names the first process with its command line"
like "$ERR" "^ +$P2 " "the list names the second process"
is "$OUT" "" "an ambiguous name: no output"
kill -9 "$P2"; wait "$P2" 2>/dev/null; forget_pid "$P2"
run $V show "no-such-proc-$$"
is "$RC" 3 "no such process name: exit 3"
like "$ERR" "no process or file named 'no-such-proc-$$'" "no such process name: message"

# ---- errors of live targets ------------------------------------------------
big=$(( $(cat /proc/sys/kernel/pid_max) + 1 ))
run $V show "$big"
is "$RC" 3 "a PID that does not exist: exit 3"
like "$ERR" "no such process" "a PID that does not exist: message"
is "$OUT" "" "a PID that does not exist: no output"
run $V find "$big" 0x1000
is "$RC" 3 "find: a PID that does not exist: exit 3"
if [ "$(cat /proc/2/comm 2>/dev/null)" = kthreadd ]; then
	run $V show 2
	is "$RC" 3 "a kernel thread: exit 3"
	like "$ERR" "process 2 is a kernel thread: it has no address space" "a kernel thread: message"
	is "$OUT" "" "a kernel thread: no output"
	run $V show 2 --format maps
	is "$RC" 3 "a kernel thread, --format maps: exit 3"
	like "$ERR" "process 2 is a kernel thread" "a kernel thread, --format maps: message"
fi
# a zombie: a child of a process that never waits for it.  The child exits
# only once its parent shell has exec'd into the copy of sleep (its comm says
# so), so the shell never has a dead child it could reap first.
sh -c 'parent=$$
	(until [ "$(cat /proc/$parent/comm 2>/dev/null)" = "$1" ]; do :; done) &
	echo $! > "$2"
	exec "$3" 1000' sh "$NAME" "$TMPD/zpid" "$TMPD/$NAME" > /dev/null 2>&1 &
ZP=$!
KILL_PIDS="$KILL_PIDS $ZP"
wait_until "the zombie's PID" test -s "$TMPD/zpid"
zombie=$(cat "$TMPD/zpid")
wait_until "process $zombie to become a zombie" in_state "$zombie" Z
run $V show "$zombie"
is "$RC" 3 "a zombie: exit 3"
like "$ERR" "process $zombie has exited" "a zombie: message"
kill -9 "$ZP"; wait "$ZP" 2>/dev/null; forget_pid "$ZP"
if [ "$(id -u)" = 0 ] && command -v setpriv > /dev/null; then
	run setpriv --reuid=65534 --regid=65534 --clear-groups $V show "$P"
	is "$RC" 3 "permission denied: exit 3"
	like "$ERR" "permission denied: .*ptrace read access" "permission denied names the ptrace access rule"
	like "$ERR" "CAP_SYS_PTRACE" "permission denied says how to get access"
	is "$OUT" "" "permission denied: no output"
	run setpriv --reuid=65534 --regid=65534 --clear-groups $V show "$P" --format maps
	is "$RC" 3 "permission denied, --format maps: exit 3"
	like "$ERR" "ptrace read access" "permission denied, --format maps: message"
	run setpriv --reuid=65534 --regid=65534 --clear-groups $V find "$P" 0x1000
	is "$RC" 3 "find: permission denied: exit 3"
	like "$ERR" "ptrace read access" "find: permission denied message"
elif [ "$(id -u)" != 0 ]; then
	run $V show 1
	is "$RC" 3 "permission denied on init: exit 3"
	like "$ERR" "ptrace read access" "permission denied names the ptrace access rule"
fi

done_testing
