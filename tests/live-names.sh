#!/bin/sh
# tests/live-names.sh - names that are not UTF-8 round-trip: a live child
# maps a file whose name holds the bytes ff and 01 and a newline; its maps
# text read live, from a snapshot of it, and from the kernel are the same
# bytes, and diff finds nothing between the process and its snapshot.
. "${top_srcdir:-.}/tests/lib.sh"

V=$VMATOOL
CHILD="$top_builddir/tests/child"
[ -r /proc/self/maps ] || skip_all "no /proc"
[ -x "$CHILD" ] || skip_all "no $CHILD"

mkfifo "$TMPD/child.in" "$TMPD/child.out"
"$CHILD" <"$TMPD/child.in" >"$TMPD/child.out" &
CHILD_PID=$!

exec 3>"$TMPD/child.in" 4<"$TMPD/child.out"
send() { echo "$*" >&3; read -r REPLY <&4; }

# map the file under a plain name, then rename it: /proc shows the new name
dd if=/dev/zero of="$TMPD/plain" bs=4096 count=2 2>/dev/null
send mapfile f "$TMPD/plain" 8k r
like "$REPLY" '^0x' "the child maps the file"
weird="$TMPD/n$(printf '\377\001')x
y"
mv "$TMPD/plain" "$weird"

cat "/proc/$CHILD_PID/maps" > "$TMPD/kernel.maps"
grep -q "$(printf 'n\377\001x\\\\012y')" "$TMPD/kernel.maps"
ok $? "the kernel prints the name with bytes ff, 01 and \\012"

"$V" show "$CHILD_PID" --format maps > "$TMPD/live.maps"; rc=$?
is "$rc" 0 "show PID --format maps: exit 0"
cmp -s "$TMPD/live.maps" "$TMPD/kernel.maps"
ok $? "show PID --format maps is the kernel's maps"
"$V" show "$CHILD_PID" --format maps --range 0-0xffffffffffffffff > "$TMPD/engine.maps"
cmp -s "$TMPD/engine.maps" "$TMPD/kernel.maps"
ok $? "... through the model too"

"$V" snapshot "$CHILD_PID" -o "$TMPD/snap.json"; rc=$?
is "$rc" 0 "snapshot: exit 0"
grep -q 'n\\udcff\\u0001x\\\\012y' "$TMPD/snap.json"
ok $? "the snapshot holds the name as n\\udcff\\u0001x\\\\012y"
"$V" show "$TMPD/snap.json" --format maps > "$TMPD/snap.maps"; rc=$?
is "$rc" 0 "show SNAP --format maps: exit 0"
cmp -s "$TMPD/snap.maps" "$TMPD/kernel.maps"
ok $? "show SNAP --format maps is the kernel's maps, byte for byte"
"$V" show "$TMPD/snap.json" --format json > "$TMPD/again.json"
"$V" show "$TMPD/again.json" --format maps > "$TMPD/again.maps"
cmp -s "$TMPD/again.maps" "$TMPD/kernel.maps"
ok $? "a snapshot of the snapshot too"
grep -q '"comm":"child"' "$TMPD/snap.json"
ok $? "the snapshot has the process's comm"

run "$V" diff --min-delta 1G "$CHILD_PID" "$TMPD/snap.json"
is "$RC" 0 "diff PID SNAP: exit 0, no differences"
unlike "$OUT" "renamed" "diff PID SNAP: no VMA renamed"
run "$V" diff --min-delta 1G "$TMPD/snap.json" "$TMPD/again.json"
is "$RC" 0 "diff SNAP SNAP2: exit 0"

send exit
done_testing
