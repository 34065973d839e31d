#!/bin/sh
# tests/cli-find.sh - `vmatool find` on saved files: addresses in hex,
# decimal and NAME+OFFSET, hits and gaps with their neighbours, JSON, and
# errors.  (tests/live-show.sh covers live processes and PROCMAP_QUERY.)
. "${top_srcdir:-.}/tests/lib.sh"

cd "$top_srcdir/tests/golden" || exit 1
V=$VMATOOL

run $V find show-in.smaps 0x55f691ec7010 0x1000 '[heap]+0x10' libc.so.6+0x1000 \
	ld-linux-x86-64.so.2 0x7f604c240000 0xffffffffff600123 0xfffffffffffff000 \
	'[stack]-0x1000' 94517498507280
is "$RC" 0 "find: exit 0"
printf '%s\n' "$OUT" > "$TMPD/f"
golden find-text.out "$TMPD/f"
$V find show-in.smaps --format json 0x55f691ec7010 0x7f604c240000 0x1000 0xfffffffffffff000 \
	'/tmp/gen/file with  spaces+0x3000' > "$TMPD/j"
golden find-json.out "$TMPD/j"

run $V find show-in.smaps 0x55f691ec7010
is "$OUT" "0x55f691ec7010: 55f691ec7000-55f691ec8000 r-xp 00001000 fe:00 10953451 /tmp/gen/gen +0x10" \
	"a hit is one line: the VMA and the offset into it"
run $V find show-in.smaps 94517498507280
like "$OUT" '^0x55f691ec7010: 55f691ec7000-' "decimal addresses"
run $V find show-in.smaps 55f691ec7010
like "$OUT" '^0x55f691ec7010: 55f691ec7000-' "bare hex addresses (with a-f digits)"
run $V find show-in.smaps '[heap]+0x10'
like "$OUT" '^0x55f6b17f3010: 55f6b17f3000-55f6b1814000 .*\[heap\] \+0x10$' "[heap]+0x10"
run $V find show-in.smaps libc.so.6+0x1000
like "$OUT" '^0x7f604c05f000: 7f604c05e000-7f604c084000 r--p .*libc.so.6 \+0x1000$' \
	"NAME+OFFSET counts from the first VMA whose basename is NAME"
run $V find show-in.smaps '/memfd:blob+0x10'
like "$OUT" '^0x7f604c242010: 7f604c242000-' "a deleted mapping is found by its name without ' (deleted)'"
run $V find show-in.smaps 0x7f604c241000
like "$OUT" 'not mapped: in the 8.0K gap 7f604c240000-7f604c242000' "a gap: its extent"
like "$OUT" '4.0K after the end of 7f604c233000-7f604c240000' "a gap: the VMA below and the distance"
like "$OUT" '4.0K before the start of 7f604c242000-7f604c244000 .*/memfd:blob \(deleted\)' \
	"a gap: the VMA above and the distance"
run $V find show-in.smaps --bytes 0x7f604c241000
like "$OUT" '4096 after the end of' "--bytes gives exact distances"
run $V find show-in.smaps 0x1000
like "$OUT" 'no VMA below' "below the first VMA"
run $V find show-in.smaps 0x7f604c244000
like "$OUT" "evil\\\\x1b\\[31mred" "names from the process are escaped"
run $V find show-in.smaps --format json 0x7f604c241000
python3 -c '
import json, sys
r = json.loads(sys.argv[1])["results"][0]
assert r["vma"] is None and r["after_prev"] == 4096 and r["before_next"] == 4096
assert r["next"]["path"] == "/memfd:blob" and r["prev"]["path"] is None' "$OUT" 2>/dev/null
ok $? "JSON: a gap has prev, next and both distances"

err() { # RC REGEX NAME ARGS
	want=$1 re=$2 name=$3
	shift 3
	run $V "$@"
	is "$RC" "$want" "$name: exit $want"
	like "$ERR" "$re" "$name: message"
	is "$OUT" "" "$name: no partial output"
}
err 2 "no VMA named 'nosuchlib.so'" "unknown NAME" find show-in.smaps 0x1000 nosuchlib.so+0x10
err 2 "wrong number of operands \\(got 1\\)" "no address" find show-in.smaps
err 2 "bad value 'xml' for --format: expected text or json" "bad format" find --format xml show-in.smaps 0x1000
err 3 "cannot read '\./nope.maps'" "missing file" find ./nope.maps 0x1000
err 2 "out of range" "NAME-OFFSET below zero" find show-in.smaps '/tmp/gen/gen-0xffffffffffffff'


# review: messages and options that would do nothing
err 2 "address '0x10000000000000000' is out of range" "an address above 64 bits" \
	find show-in.smaps 0x10000000000000000
err 2 "address 'libc.so.6\+0x10000000000000000' is out of range" "an offset above 64 bits" \
	find show-in.smaps libc.so.6+0x10000000000000000
err 2 "--bytes applies to --format text only" "--bytes with --format json" \
	find show-in.smaps --format json --bytes 0x1000
err 2 "option '--format' needs a value" "a long option without its value" find show-in.smaps 0x1000 --format
run $V find show-in.smaps 0x1000
like "$OUT" '^  86T before the start of 55f691ec6000-' "one space between the distance text and the VMA"

done_testing
