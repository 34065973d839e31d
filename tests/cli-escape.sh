#!/bin/sh
# tests/cli-escape.sh - names that a process chooses (paths, command names)
# never reach the terminal raw: C0 controls (ESC, CR), DEL and C1 controls
# (UTF-8 c2 80 .. c2 9f, e.g. c2 9b, the one-byte CSI) are printed escaped by
# every text output: show, find, diff, and the error messages.
. "${top_srcdir:-.}/tests/lib.sh"

V=$VMATOOL
M="$TMPD/odd.maps"
printf '00400000-00401000 r--p 00000000 08:01 12 /tmp/a\302\233b\033c\n' >"$M"
printf '00402000-00403000 rw-p 00000000 00:00 0 \n' >>"$M"
printf '00402000-00403000 rw-p 00000000 00:00 0 \n' >"$TMPD/plain.maps"
ESCAPED='/tmp/a\\xc2\\x9bb\\x1bc'
raw_c1=$(printf '\302\233')
raw_esc=$(printf '\033')

# check WHAT TEXT: the escaped form is there and no raw control byte is
check() {
	like "$2" "$ESCAPED" "$1: the name is printed escaped"
	case $2 in
	*"$raw_c1"* | *"$raw_esc"*) ok 1 "$1: no raw C0/C1 control byte" ;;
	*) ok 0 "$1: no raw C0/C1 control byte" ;;
	esac
}

run $V show "$M"
is "$RC" 0 "show: exit 0"
check "show" "$OUT"
run $V show "$M" --format maps
# --format maps is the data itself (byte for byte /proc/PID/maps): kept as is
case $OUT in *"/tmp/a${raw_c1}b${raw_esc}c"*) ok 0 "show --format maps keeps the name's bytes" ;;
*) ok 1 "show --format maps keeps the name's bytes" ;; esac
run $V find "$M" 0x400010
is "$RC" 0 "find: exit 0"
check "find" "$OUT"
run $V find "$M" 0x401800
check "find, the VMA next to a gap" "$OUT"
run $V diff "$M" "$TMPD/plain.maps"
is "$RC" 1 "diff: exit 1 (a VMA removed)"
check "diff" "$OUT"
run $V "$(printf 'x\302\233y\033z')"
is "$RC" 2 "an unknown command: exit 2"
check2() {
	like "$2" "$3" "$1: the name is printed escaped"
	case $2 in
	*"$raw_c1"* | *"$raw_esc"*) ok 1 "$1: no raw C0/C1 control byte" ;;
	*) ok 0 "$1: no raw C0/C1 control byte" ;;
	esac
}
check2 "unknown command" "$ERR" 'x\\xc2\\x9by\\x1bz'

# DEL and carriage return are controls too (a CR would let a name overwrite
# the start of its line)
printf '00400000-00401000 r--p 00000000 08:01 12 /tmp/d\177e\rf\n' >"$TMPD/del.maps"
run $V find "$TMPD/del.maps" 0x400000
like "$OUT" '/tmp/d\\x7fe\\rf' "find: DEL and CR are printed escaped"
case $OUT in
*"$(printf '\177')"* | *"$(printf '\r')"*) ok 1 "find: no raw DEL or CR" ;;
*) ok 0 "find: no raw DEL or CR" ;;
esac

done_testing
