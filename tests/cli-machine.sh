#!/bin/sh
# tests/cli-machine.sh - the machine description through the CLI: a snapshot
# records the machine it was taken on, and sim and diff --explain of it follow
# that machine wherever they run (checked both ways by editing the record, so
# the result does not depend on this machine); saved text takes the running
# machine; --machine sets any setting and refuses unknown names and values.
. "${top_srcdir:-.}/tests/lib.sh"

V=$VMATOOL
[ -r /proc/self/maps ] || skip_all "no /proc"

# read-fault private memory, then drop write access: `ac` stays only when
# the read fault took a page of its own (no zero page)
CALLS="-e mmap(0x100000000,16384,PROT_READ|PROT_WRITE,MAP_PRIVATE|MAP_ANONYMOUS|MAP_FIXED,-1,0)
-e madvise(0x100000000,4096,MADV_POPULATE_READ) -e mprotect(0x100000000,16384,PROT_READ)"
# flags_at FILE: the VmFlags of the VMA at 0x100000000 in sim's smaps output
flags_at() {
	awk '/^100000000-/ { on = 1 } on && /^VmFlags:/ { sub(/^VmFlags: */, ""); sub(/ *$/, ""); print; exit }' "$1"
}

run "$V" snapshot -o "$TMPD/live.json" self
is "$RC" 0 "snapshot of a live process: exit 0"
like "$(cat "$TMPD/live.json")" '"machine":\{"zero_page":(true|false),"page_size":[0-9]+' \
	"the snapshot records the machine"
for name in zero_page page_size mmap_min_addr lsm_mmap_min_addr max_map_count overcommit_memory thp shmem_thp \
	anon_vma_name mseal soft_dirty pku stack_guard_gap legacy_va_layout cap_sys_rawio; do
	like "$(cat "$TMPD/live.json")" "\"$name\":" "the machine record has $name"
	like "$(sed -n '/^\.Sh MACHINE SETTINGS/,/^\.Sh /p' "$top_srcdir/man/vmatool.1")" \
		"^\\.It Li $name " "the man page documents $name"
done

sed 's/"zero_page":[a-z]*/"zero_page":true/' "$TMPD/live.json" > "$TMPD/zp.json"
sed 's/"zero_page":[a-z]*/"zero_page":false/' "$TMPD/live.json" > "$TMPD/nozp.json"
# shellcheck disable=SC2086 # CALLS are words
"$V" sim --snapshot "$TMPD/zp.json" $CALLS --format smaps > "$TMPD/zp.out"
is "$(flags_at "$TMPD/zp.out")" "rd mr mw me" "a snapshot of a zero-page machine: ac dropped"
# shellcheck disable=SC2086
"$V" sim --snapshot "$TMPD/nozp.json" $CALLS --format smaps > "$TMPD/nozp.out"
is "$(flags_at "$TMPD/nozp.out")" "rd mr mw me ac" \
	"a snapshot of a machine without the zero page: ac kept, wherever sim runs"
# shellcheck disable=SC2086
OUT=$("$V" sim --snapshot "$TMPD/nozp.json" $CALLS)
like "$OUT" 'machine: zero_page=false.*\(from the snapshot;' "the summary names the snapshot's machine"
# shellcheck disable=SC2086
"$V" sim --snapshot "$TMPD/nozp.json" --machine zero_page=true $CALLS --format smaps > "$TMPD/o.out"
is "$(flags_at "$TMPD/o.out")" "rd mr mw me" "--machine overrides the snapshot's setting"
# shellcheck disable=SC2086
OUT=$("$V" sim --snapshot "$TMPD/nozp.json" --machine zero_page=true $CALLS --format json)
like "$OUT" '"machine_from":"the snapshot and --machine"' "JSON says whose machine it was"
like "$OUT" '"machine":\{"zero_page":true' "JSON gives the machine simulated"
# shellcheck disable=SC2086
"$V" sim --snapshot "$TMPD/zp.json" --machine upstream --machine zero_page=false $CALLS \
	--format smaps > "$TMPD/u.out"
is "$(flags_at "$TMPD/u.out")" "rd mr mw me ac" "--machine upstream, then a setting on top"

# saved text records no machine: the running one's (probed) is used
"$V" show "$TMPD/live.json" --format smaps > "$TMPD/live.smaps"
like "$("$V" show "$TMPD/live.smaps" --format json)" '^' "saved smaps text loads"
unlike "$("$V" show "$TMPD/live.smaps" --format json)" '"machine"' \
	"JSON of saved text has no machine record"
# shellcheck disable=SC2086
OUT=$("$V" sim --snapshot "$TMPD/live.smaps" $CALLS --format json)
like "$OUT" '"machine_from":"the running kernel"' "saved text: sim takes the running machine"
like "$("$V" show self --format json)" '"machine":\{"zero_page"' "show --format json of a live target has the machine"

# an older snapshot without the record loads; an unknown setting is skipped
python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
del d["source"]["machine"]
json.dump(d, open(sys.argv[2], "w"))' "$TMPD/live.json" "$TMPD/old.json"
# shellcheck disable=SC2086
OUT=$("$V" sim --snapshot "$TMPD/old.json" $CALLS --format json)
like "$OUT" '"machine_from":"the running kernel"' "a snapshot without a machine: the running one"
sed 's/"machine":{/"machine":{"from_the_future":7,/' "$TMPD/live.json" > "$TMPD/new.json"
run "$V" sim --snapshot "$TMPD/new.json" -e 'munmap(0x100000000, 4096)'
is "$RC" 0 "a setting this vmatool does not know is ignored"
sed 's/"zero_page":[a-z]*/"zero_page":"maybe"/' "$TMPD/live.json" > "$TMPD/bad.json"
run "$V" sim --snapshot "$TMPD/bad.json" -e 'munmap(0x100000000, 4096)'
is "$RC" 2 "a bad machine value in a snapshot: exit 2"
like "$ERR" "cannot read '.*bad.json': line [0-9]+, column [0-9]+: source.machine.zero_page: bad value" "and says which"
is "$OUT" "" "and prints nothing"

# a machine of other pages than the snapshot's own would run the model over
# VMAs it cannot have: refused by both loaders
sed 's/"page_size":4096,"mmap_min_addr"/"page_size":16384,"mmap_min_addr"/' "$TMPD/live.json" > "$TMPD/p16.json"
if [ "$(getconf PAGESIZE)" = 4096 ]; then
	run "$V" show "$TMPD/p16.json"
	is "$RC" 2 "a machine page size other than the snapshot's: exit 2"
	like "$ERR" "source.machine.page_size: 16384, but the snapshot's pages are 4096 bytes" \
		"and says which"
	is "$OUT" "" "and prints nothing"
else
	skip_test "pages are not 4096 bytes here" "a machine page size other than the snapshot's"
fi

# ---- a process of the legacy layout (setarch -L): its placement predicted ----------
# The child reserves each region with mmap(NULL, LEN + 2 pages, PROT_NONE) and
# answers the address one page above: sim predicts that reservation.
CHILD="$top_builddir/tests/child"
if command -v setarch >/dev/null 2>&1 && setarch -L true 2>/dev/null && [ -x "$CHILD" ]; then
	mkfifo "$TMPD/cin" "$TMPD/cout"
	setarch -L "$CHILD" <"$TMPD/cin" >"$TMPD/cout" &
	CHILD_PID=$!
	exec 3>"$TMPD/cin" 4<"$TMPD/cout"
	echo pid >&3
	read -r REPLY <&4
	is "$REPLY" "$CHILD_PID" "the child of the legacy layout answers"
	OUT=$("$V" sim "$CHILD_PID" -e 'mmap(NULL, 24576, PROT_NONE, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0)')
	like "$OUT" 'legacy_va_layout=true' "its personality gives it the legacy layout"
	pred=$(printf '%s\n' "$OUT" | sed -n 's/^-e:1: mmap(.*) = \(0x[0-9a-f]*\) .*/\1/p')
	echo "map a 16k rw" >&3
	read -r REPLY <&4
	is "$REPLY" "$(printf '0x%x' $((pred + 4096)))" "sim predicted where the kernel placed it, bottom-up"
	# reservations of 4 MiB are THP-padded; the second starts where the
	# first (2 MiB aligned) ends, and bottom-up the kernel keeps it there
	OUT=$("$V" sim "$CHILD_PID" -e 'mmap(NULL, 4194304, PROT_NONE, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0)' \
		-e 'mmap(NULL, 4194304, PROT_NONE, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0)')
	preds=$(printf '%s\n' "$OUT" | sed -n 's/^-e #[12]:1: mmap(.*) = \(0x[0-9a-f]*\) .*/\1/p' | tr '\n' ' ')
	echo "map b 4186112 rw" >&3
	read -r B <&4
	echo "map c 4186112 rw" >&3
	read -r C <&4
	# shellcheck disable=SC2086 # two words
	set -- $preds
	is "$B $C" "$(printf '0x%x 0x%x' $(($1 + 4096)) $(($2 + 4096)))" \
		"two 4 MiB reservations in the legacy layout: sim predicted both, 2 MiB aligned, bottom-up"
	echo exit >&3
	exec 3>&- 4<&-
	wait "$CHILD_PID"
	CHILD_PID=
else
	skip_test "setarch -L is not available here" "a process of the legacy layout"
fi

# ---- usage errors ----------------------------------------------------------------
run "$V" sim --machine zeropage=false -e 'munmap(0x100000000, 4096)'
is "$RC" 2 "an unknown setting: exit 2"
is "$ERR" "vmatool: sim: bad value 'zeropage=false' for --machine: no machine setting is named 'zeropage'
Try 'vmatool sim --help'." "an unknown setting is named"
run "$V" sim --machine thp=sometimes -e 'munmap(0x100000000, 4096)'
is "$RC" 2 "a bad value: exit 2"
like "$ERR" "bad value 'thp=sometimes' for --machine: thp takes always, madvise, never or absent\$" \
	"a bad value is named with the values the setting takes"
run "$V" sim --machine zero_page -e 'munmap(0x100000000, 4096)'
is "$RC" 2 "a setting without a value: exit 2"
like "$ERR" "bad value 'zero_page' for --machine: expected NAME=VALUE or upstream" "and the form is said"
run "$V" sim --snapshot "$TMPD/zp.json" --machine page_size=16384 -e 'munmap(0x100000000, 4096)'
is "$RC" 2 "a page size other than the snapshot's: exit 2"
like "$ERR" "bad value 'page_size=16384' for --machine: the address space was read with pages of 4096 bytes" \
	"and says which page size it was read with"
run "$V" diff --machine zero_page=false "$TMPD/zp.json" "$TMPD/nozp.json"
is "$RC" 2 "diff --machine without --explain: exit 2"
like "$ERR" "--machine applies to --explain only" "and says why"
run "$V" diff --explain --machine zero_page=false "$TMPD/zp.json" "$TMPD/zp.json"
is "$RC" 0 "diff --explain --machine of a snapshot with itself: no differences"

done_testing
