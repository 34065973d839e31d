#!/bin/sh
# tests/cli-diff.sh - vmatool snapshot and vmatool diff.
#
# Saved data (tests/diff/steps-N.smaps, recorded from tests/child): each
# consecutive pair is one known change, checked against golden output.
# Live: tests/child changes its own mappings on command between two
# snapshots; the diff must name each change exactly, and --explain must find
# calls that the engine replays to the second snapshot.
. "$top_srcdir/tests/lib.sh"

D="$top_srcdir/tests/diff"
CHILD="$top_builddir/tests/child"

# ---- saved data: one golden per step ---------------------------------------------
for i in 0 1 2 3 4 5; do
	j=$((i + 1))
	run "$VMATOOL" diff --explain --color=never "$D/steps-$i.smaps" "$D/steps-$j.smaps"
	is "$RC" 1 "steps $i -> $j: exit 1 (differences)"
	golden "diff-steps-$i-$j.txt" "$TMPD/out"
done

run "$VMATOOL" diff "$D/steps-0.smaps" "$D/steps-1.smaps"
like "$OUT" '^~ split +7f5b179bc000-7f5b179cf000 rw-p +76K +into 3 at 7f5b179c4000, 7f5b179c6000$' \
	"mprotect of a middle part: one VMA split into 3, where"
like "$OUT" '^\+ +7f5b179c4000-7f5b179c6000 r--p +8\.0K$' "split: the middle part is r--p"
run "$VMATOOL" diff "$D/steps-1.smaps" "$D/steps-2.smaps"
like "$OUT" '^~ merged +7f5b179bc000-7f5b179cf000 rw-p +76K +3 into 1$' "mprotect back: 3 VMAs merged into 1"
run "$VMATOOL" diff "$D/steps-2.smaps" "$D/steps-3.smaps"
like "$OUT" 'into 2 at 7f5b179c4000; 7f5b179c2000-7f5b179c4000 unmapped; rss -8\.0K' \
	"munmap of a middle part: split with the hole named, RSS delta"
run "$VMATOOL" diff "$D/steps-3.smaps" "$D/steps-4.smaps"
like "$OUT" '^~ vmflags +7f5b17bb2000-7f5b17bb4000 rw-p +8\.0K +vmflags \+locked' "mlock: +locked"
like "$OUT" '^~ vmflags +7f5b17bb8000-7f5b17bbc000 r--p +16K +vmflags \+dontfork$' "madvise: +dontfork"
like "$OUT" '^~ moved +7f5b179b8000-7f5b179bc000 rw-p +16K +from 7f5b179bc000-7f5b179c0000 \(part of 7f5b179bc000-7f5b179c2000\) \(likely\)$' \
	"mremap of part of a VMA: a likely move of that part"
run "$VMATOOL" diff --explain "$D/steps-3.smaps" "$D/steps-4.smaps"
like "$OUT" '^  mremap\(0x7f5b179bc000, 16384, 16384, MREMAP_MAYMOVE\|MREMAP_FIXED, 0x7f5b179b8000\) = 0x7f5b179b8000$' \
	"explain: the part moved with mremap"
run "$VMATOOL" diff "$D/steps-4.smaps" "$D/steps-5.smaps"
like "$OUT" '^~ moved +7f5b179b0000-7f5b179b8000 r--p +32K /tmp/dd/big.bin +from 7f5b17bb4000-7f5b17bb8000; size 16K -> 32K$' \
	"mremap move and grow of a file mapping: moved, not likely, new size"
run "$VMATOOL" diff "$D/steps-5.smaps" "$D/steps-6.smaps"
like "$OUT" '^~ deleted +7f5b179b0000-7f5b179b8000 .*big.bin \(deleted\) +file deleted$' "file deleted under its mapping"
run "$VMATOOL" diff --explain "$D/steps-5.smaps" "$D/steps-6.smaps"
like "$OUT" "^  # '/tmp/dd/big.bin' was deleted" "explain: a deletion is not a memory call, and says so"

# maps text (no smaps): structure only, no usage, VmFlags not compared
run "$VMATOOL" diff --explain "$D/steps-0.maps" "$D/steps-1.maps"
is "$RC" 1 "maps files: exit 1"
like "$OUT" '^~ split +7f5b179bc000-7f5b179cf000 rw-p' "maps files: the split is found"
unlike "$OUT" 'rss' "maps files: no usage deltas without smaps"
like "$OUT" 'explain: 1 call turns .*checked' "maps files: explained and checked"

# two anonymous VMAs of one size and flags moved: told apart by their neighbourhoods
run "$VMATOOL" diff --explain "$D/neighbours-a.maps" "$D/neighbours-b.maps"
like "$OUT" '^~ moved +00300000-00302000 rw-p +8\.0K +from 00101000-00103000 \(likely\)$' "neighbourhood: first move"
like "$OUT" '^~ moved +00401000-00403000 rw-p +8\.0K +from 00201000-00203000 \(likely\)$' "neighbourhood: second move"
like "$OUT" '^\+ added +002ff000-00300000 r--p +4\.0K /lib/a\.so$' "a new mapping: added"
like "$OUT" '^6 changes: 4 VMAs added, 0 removed, 2 changed; VMAs 6 -> 10$' "summary line"
like "$OUT" '^  mmap\(0x2ff000, 4096, PROT_READ, MAP_PRIVATE\|MAP_FIXED, 3</lib/a\.so>, 0\) = 0x2ff000$' \
	"explain: a file mapping in strace -y syntax"
like "$OUT" 'explain: 6 calls turn .*checked' "explain: checked"
run "$VMATOOL" diff --explain "$D/neighbours-b.maps" "$D/neighbours-a.maps"
like "$OUT" '^- removed +002ff000-00300000 r--p +4\.0K /lib/a\.so$' "a mapping gone: removed"
like "$OUT" '^  munmap\(0x2ff000, 1069056\) = 0$' "explain: one munmap over the gap, holes and all"

# a file diffed with itself: exit 0, nothing printed
run "$VMATOOL" diff "$D/steps-0.smaps" "$D/steps-0.smaps"
is "$RC:$OUT" "0:" "a file diffed with itself: exit 0, no output"

# JSON
run "$VMATOOL" diff --format json --explain "$D/steps-0.smaps" "$D/steps-1.smaps"
is "$RC" 1 "json: exit 1"
like "$OUT" '"schema":"vmatool/1"' "json: schema"
like "$OUT" '"kind":"split"' "json: the change kind"
like "$OUT" '"verified":true' "json: explain verified"
like "$OUT" '"calls":\["mprotect\(0x7f5b179c4000, 8192, PROT_READ\) = 0"\]' "json: the call"
run "$VMATOOL" diff --format json "$D/steps-3.smaps" "$D/steps-4.smaps"
like "$OUT" '"vmflags_added":\["lo"\]' "json: vmflags_added"
like "$OUT" '"vmflags_added_names":\["locked"\]' "json: decoded names"

# --min-delta hides usage-only changes below it
run "$VMATOOL" diff "$D/steps-2.smaps" "$D/steps-3.smaps"
like "$OUT" 'dirty -8\.0K' "usage deltas shown by default"
run "$VMATOOL" diff --min-delta 1M "$D/steps-2.smaps" "$D/steps-3.smaps"
unlike "$OUT" 'unmapped; rss' "--min-delta 1M hides an 8K change"
like "$OUT" '^~ split' "--min-delta keeps the structural change"

# --bytes
run "$VMATOOL" diff --bytes "$D/steps-0.smaps" "$D/steps-1.smaps"
like "$OUT" '^\+ +7f5b179c4000-7f5b179c6000 r--p +8192$' "--bytes: sizes in bytes"

# colour like git diff when asked
run "$VMATOOL" diff --color=always "$D/steps-0.smaps" "$D/steps-1.smaps"
like "$OUT" "$(printf '\033')\\[32m\\+" "--color=always: added parts green"

# ---- bad input ----------------------------------------------------------------------
printf 'this is not a maps file\n' >"$TMPD/bad.maps"
run "$VMATOOL" diff "$TMPD/bad.maps" "$D/steps-0.smaps"
is "$RC" 2 "bad input: exit 2"
like "$ERR" "^vmatool: diff: cannot read '.*bad.maps'" "bad input: the file is named"
run "$VMATOOL" diff "$D/steps-0.smaps"
is "$RC" 2 "one operand: exit 2"
like "$ERR" 'usage: vmatool diff \[options\] A B' "one operand: says what is expected"
run "$VMATOOL" diff --min-delta lots "$D/steps-0.smaps" "$D/steps-1.smaps"
is "$RC" 2 "bad --min-delta: exit 2"
run "$VMATOOL" diff --format yaml "$D/steps-0.smaps" "$D/steps-1.smaps"
is "$RC" 2 "bad --format: exit 2"
head -c 300 "$D/steps-0.smaps" >"$TMPD/cut.smaps"
run "$VMATOOL" diff "$TMPD/cut.smaps" "$D/steps-0.smaps"
is "$RC" 2 "a truncated smaps file: exit 2"
is "$OUT" "" "a truncated smaps file: no partial output"
run "$VMATOOL" snapshot
is "$RC" 2 "snapshot without a target: exit 2"

# ---- live: a child changes its own mappings --------------------------------------------
[ -x "$CHILD" ] || { diag "no $CHILD"; done_testing; exit; }
mkfifo "$TMPD/child.in" "$TMPD/child.out"
"$CHILD" <"$TMPD/child.in" >"$TMPD/child.out" &
CHILD_PID=$!
exec 3>"$TMPD/child.in" 4<"$TMPD/child.out"
send() { echo "$*" >&3; read -r REPLY <&4; }
hexadd() { printf '%x' $(($1 + $2)); }
snap() { "$VMATOOL" snapshot "$CHILD_PID" -o "$TMPD/$1.json"; }
# check_diff NAME A B REGEX...: diff names the change; --explain is checked.
# (Usage is left out: page cache writeback may change the child's dirty pages.)
check_diff() {
	name=$1 a=$2 b=$3
	shift 3
	run "$VMATOOL" diff --min-delta 1G --explain "$TMPD/$a.json" "$TMPD/$b.json"
	is "$RC" 1 "$name: exit 1"
	for re in "$@"; do
		like "$OUT" "$re" "$name: $re"
	done
	like "$OUT" '^explain: [0-9]+ calls? turns? .*\(checked: replayed on the engine' "$name: explained and checked"
}

dd if=/dev/zero of="$TMPD/file.bin" bs=4096 count=16 2>/dev/null
send map a 48k rw; A=${REPLY#0x}
send touch a 0 48k
send map m 16k rw; M=${REPLY#0x}
send touch m 0 16k
send map l 8k rw; L=${REPLY#0x}
send mapfile g "$TMPD/file.bin" 16k r 16k; G=${REPLY#0x}
send map b 8k rw; B=${REPLY#0x}
send unmap b 4k 4k
snap s0

send protect a 16k 8k r
snap s1
check_diff "live split" s0 s1 \
	"^~ split +$A-$(hexadd 0x$A 48*1024) rw-p +48K +into 3 at $(hexadd 0x$A 16*1024), $(hexadd 0x$A 24*1024)\$" \
	"^\\+ +$(hexadd 0x$A 16*1024)-$(hexadd 0x$A 24*1024) r--p" \
	"^  mprotect\\(0x$(hexadd 0x$A 16*1024), 8192, PROT_READ\\) = 0\$"

send protect a 16k 8k rw
snap s2
check_diff "live merge" s1 s2 "^~ merged +$A-$(hexadd 0x$A 48*1024) rw-p +48K +3 into 1\$" \
	"^  mprotect\\(0x$(hexadd 0x$A 16*1024), 8192, PROT_READ\\|PROT_WRITE\\) = 0\$"

send unmap a 8k 8k
snap s3
check_diff "live munmap middle" s2 s3 \
	"^~ split +$A-$(hexadd 0x$A 48*1024) rw-p +48K +into 2 at $(hexadd 0x$A 16*1024); $(hexadd 0x$A 8*1024)-$(hexadd 0x$A 16*1024) unmapped" \
	"^  munmap\\(0x$(hexadd 0x$A 8*1024), 8192\\) = 0\$"

send move m 16k; M2=${REPLY#0x}
snap s4
check_diff "live mremap move" s3 s4 \
	"^~ moved +$M2-$(hexadd 0x$M2 16*1024) rw-p +16K +from $M-$(hexadd 0x$M 16*1024) \\(likely\\)\$" \
	"^  mremap\\(0x$M, 16384, 16384, MREMAP_MAYMOVE\\|MREMAP_FIXED, 0x$M2\\) = 0x$M2\$"

send move g 32k; G2=${REPLY#0x}
snap s5
check_diff "live mremap move and grow" s4 s5 \
	"^~ moved +$G2-$(hexadd 0x$G2 32*1024) r--p +32K .*file.bin +from $G-$(hexadd 0x$G 16*1024); size 16K -> 32K\$" \
	"^  mremap\\(0x$G, 16384, 32768, MREMAP_MAYMOVE\\|MREMAP_FIXED, 0x$G2\\) = 0x$G2\$"

send grow b 8k
snap s6
check_diff "live mremap grow in place" s5 s6 \
	"^~ grown +$B-$(hexadd 0x$B 8*1024) rw-p +8\\.0K +end \\+4\\.0K \\(was $B-$(hexadd 0x$B 4*1024)\\)\$"

send lock l 0 8k
send advise a 0 8k dontfork
snap s7
check_diff "live mlock and madvise" s6 s7 \
	"^~ vmflags +$L-$(hexadd 0x$L 8*1024) rw-p +8\\.0K +vmflags \\+locked" \
	"^~ vmflags +$A-$(hexadd 0x$A 8*1024) rw-p +8\\.0K +vmflags \\+dontfork\$" \
	"^  mlock\\(0x$L, 8192\\) = 0\$" \
	"^  madvise\\(0x$A, 8192, MADV_DONTFORK\\) = 0\$"

send rmfile "$TMPD/file.bin"
sync
snap s8
run "$VMATOOL" diff --min-delta 1G --explain "$TMPD/s7.json" "$TMPD/s8.json"
like "$OUT" "^~ deleted +$G2-$(hexadd 0x$G2 32*1024) r--p .*file.bin \\(deleted\\) +file deleted\$" \
	"live: a file deleted under its mapping"
like "$OUT" "^explain: no memory call is needed" "live: deletion needs no call"

# a snapshot diffed with itself; snapshot -> show gives the rows of live show
run "$VMATOOL" diff "$TMPD/s8.json" "$TMPD/s8.json"
is "$RC:$OUT" "0:" "a snapshot diffed with itself: exit 0, no output"
"$VMATOOL" show --format maps "$CHILD_PID" >"$TMPD/live.maps"
"$VMATOOL" show --format maps "$TMPD/s8.json" >"$TMPD/snap.maps"
run cmp "$TMPD/live.maps" "$TMPD/snap.maps"
is "$RC" 0 "snapshot -> show --format maps equals live"
# (usage columns left out: PSS moves whenever another process maps a library,
# RSS of file pages when the kernel reclaims them; the rest must be equal)
"$VMATOOL" show "$CHILD_PID" | grep -E '^[0-9a-f]+-' | awk '{$7 = $8 = $9 = $10 = ""; print}' >"$TMPD/live.rows"
"$VMATOOL" show "$TMPD/s8.json" | grep -E '^[0-9a-f]+-' | awk '{$7 = $8 = $9 = $10 = ""; print}' >"$TMPD/snap.rows"
run diff "$TMPD/live.rows" "$TMPD/snap.rows"
is "$RC:$OUT" "0:" "snapshot -> show gives the same rows as live show (but usage)"
ok "$([ -s "$TMPD/live.rows" ]; echo $?)" "live show printed rows"
run "$VMATOOL" diff --min-delta 1G "$CHILD_PID" "$TMPD/s8.json"
is "$RC:$OUT" "0:" "live process against its latest snapshot: exit 0, no output"

# the JSON reader and the smaps text reader build the same model
"$VMATOOL" show --format smaps "$TMPD/s8.json" >"$TMPD/s8.smaps"
run "$VMATOOL" diff "$TMPD/s8.json" "$TMPD/s8.smaps"
is "$RC:$OUT" "0:" "snapshot against its own smaps text: no difference"
# a valid document in another order ("vmas" before "source") is read all the same
{ printf '{"vmas":'; sed -n '/^  "vmas":\[/,$p' "$TMPD/s8.json" | sed '1s/^  "vmas"://' | sed '$d' | sed '$s/,$//'
  printf ',"schema":"vmatool/1","source":'; sed -n '/^  "source":{/,/^  },/p' "$TMPD/s8.json" | sed '1s/^  "source"://' | sed '$s/,$//'
  printf '}\n'; } >"$TMPD/reordered.json"
run "$VMATOOL" diff "$TMPD/reordered.json" "$TMPD/s8.json"
is "$RC:$OUT" "0:" "a reordered document: read all the same"

# --no-smaps: live targets read from maps only; structure is still compared
run "$VMATOOL" diff --no-smaps "$TMPD/s8.json" "$CHILD_PID"
is "$RC:$OUT" "0:" "--no-smaps: snapshot against the live maps: no difference"
send protect a 0 4k r
run "$VMATOOL" diff --no-smaps "$TMPD/s8.json" "$CHILD_PID"
like "$OUT" "^~ split +$A-" "--no-smaps: a change is still found"
unlike "$OUT" 'rss' "--no-smaps: no usage"
send protect a 0 4k rw

# snapshot content: metadata and smaps_rollup
S8=$(cat "$TMPD/s8.json")
for key in pid comm cmdline exe user start_time kernel page_size max_map_count boot_id hostname time rollup; do
	like "$S8" "\"$key\":" "snapshot has $key"
done
like "$S8" '"vmflags":\[' "snapshot has VmFlags"
like "$S8" '"swap_pss":' "snapshot has every smaps field"

# atomic write: a failed write leaves the old file, and no temporary behind
cp "$TMPD/s8.json" "$TMPD/keep.json"
run "$VMATOOL" snapshot 999999999 -o "$TMPD/keep.json"
is "$RC" 3 "snapshot of a missing process: exit 3"
run cmp "$TMPD/keep.json" "$TMPD/s8.json"
is "$RC" 0 "failed snapshot: the old file is unchanged"
is "$(ls "$TMPD" | grep -c 'keep.json.')" 0 "failed snapshot: no temporary file left"

run "$VMATOOL" snapshot "$CHILD_PID" -o "$TMPD/no-such-dir/x.json"
is "$RC" 3 "snapshot into a missing directory: exit 3"
is "$(ls "$TMPD" | grep -c '^no-such-dir')" 0 "snapshot into a missing directory: nothing created"
run "$VMATOOL" snapshot "$CHILD_PID"
like "$OUT" '^\{' "snapshot without -o: the document on standard output"
run "$VMATOOL" snapshot -o - "$CHILD_PID"
like "$OUT" '"schema":"vmatool/1"' "snapshot -o -: the document on standard output"

# --explain on snapshots of two processes says so plainly
"$VMATOOL" snapshot self -o "$TMPD/other.json"
run "$VMATOOL" diff --explain "$TMPD/s8.json" "$TMPD/other.json"
like "$OUT" '^explain: no sequence of calls explains this: they are different processes' \
	"different processes: said plainly"

echo exit >&3
wait "$CHILD_PID"
CHILD_PID=

# ---- review: options that would do nothing; -o onto a FIFO or a link --------------
run "$VMATOOL" diff --format json --bytes "$D/steps-0.smaps" "$D/steps-1.smaps"
is "$RC:$OUT" "2:" "diff --format json --bytes: exit 2, no output"
like "$ERR" "^vmatool: diff: --bytes applies to --format text only" "diff --format json --bytes: message"
run "$VMATOOL" diff --format json --color=always "$D/steps-0.smaps" "$D/steps-1.smaps"
is "$RC:$OUT" "2:" "diff --format json --color: exit 2, no output"
mkfifo "$TMPD/pipe"
cat "$TMPD/pipe" > "$TMPD/from-pipe" &
READER=$!
"$VMATOOL" snapshot -o "$TMPD/pipe" "$D/steps-0.smaps"
is "$?" 0 "snapshot -o FIFO: exit 0"
wait "$READER"
[ -p "$TMPD/pipe" ]
ok $? "snapshot -o FIFO: the FIFO is written, not replaced by a file"
like "$(head -c 100 "$TMPD/from-pipe")" '"schema":"vmatool/1"' "snapshot -o FIFO: the reader gets the document"
echo old > "$TMPD/target.json"
ln -s target.json "$TMPD/link.json"
"$VMATOOL" snapshot -o "$TMPD/link.json" "$D/steps-0.smaps"
[ -L "$TMPD/link.json" ]
ok $? "snapshot -o through a symbolic link keeps the link"
like "$(head -c 100 "$TMPD/target.json")" '"schema":"vmatool/1"' "snapshot -o through a link writes the file it names"
is "$(ls -a "$TMPD" | grep -c '^\.target\.json\.')" 0 "snapshot -o through a link: no temporary file left"

run "$VMATOOL" snapshot -o "$TMPD/one.json" -o "$TMPD/two.json" "$D/steps-0.smaps"
is "$RC" 2 "snapshot -o twice: exit 2"
[ ! -e "$TMPD/one.json" ] && [ ! -e "$TMPD/two.json" ]
ok $? "snapshot -o twice: nothing written"
run "$VMATOOL" snapshot -o "" "$D/steps-0.smaps"
is "$RC:$OUT" "2:" "snapshot -o '': exit 2, no output"

done_testing
