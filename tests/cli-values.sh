#!/bin/sh
# tests/cli-values.sh - exact values the other CLI tests leave loose: find's
# distance to the VMA above a gap, diff --min-delta units, show --perms with absent permissions, the
# share of vm.max_map_count in the summary, the stack guard gap in sim's
# placement of hints, and watch --min-delta hiding and showing usage changes
# (text and jsonl).  Each check fails if the value printed is off.
. "${top_srcdir:-.}/tests/lib.sh"

V=$VMATOOL
G="$top_srcdir/tests/golden/show-in.smaps"

# ---- find: both distances, exactly ------------------------------------------
run $V find "$G" --bytes 0x7f604c241800
like "$OUT" '^  6144 after the end of 7f604c233000-7f604c240000 ' "find: distance after the VMA below"
like "$OUT" '^  2048 before the start of 7f604c242000-7f604c244000 ' "find: distance before the VMA above"

# ---- diff --min-delta: sizes with a unit are powers of 1024 ------------------------
sed '5s/^Rss: .*/Rss:                  12 kB/' "$G" >"$TMPD/more-rss.smaps"
run $V diff --min-delta 8k "$G" "$TMPD/more-rss.smaps"
is "$RC" 1 "diff --min-delta 8k: an RSS change of 8 KiB is a difference"
like "$OUT" '^~ usage .* rss \+8\.0K$' "diff --min-delta 8k: the change is printed"
run $V diff --min-delta 9k "$G" "$TMPD/more-rss.smaps"
is "$RC:$OUT" "0:" "diff --min-delta 9k: an RSS change of 8 KiB is hidden"

# ---- show --perms: a '-' means the permission must be absent --------------------
run $V show "$G" --perms=r-- --format maps
is "$RC" 0 "show --perms=r--: exit 0"
is "$(printf '%s\n' "$OUT" | awk '$2 !~ /^r--/' | wc -l)" 0 "--perms=r--: no VMA that is writable or executable"
[ "$(printf '%s\n' "$OUT" | grep -c .)" -gt 0 ]; ok $? "--perms=r--: some VMAs shown"
run $V show "$G" --perms=r-x --format maps
is "$(printf '%s\n' "$OUT" | awk '$2 !~ /^r-x/' | wc -l)" 0 "--perms=r-x: only r-x VMAs"

# ---- show: the share of vm.max_map_count -------------------------------------------
run $V show self
line=$(printf '%s\n' "$OUT" | grep '^vmas:')
want=$(printf '%s\n' "$line" | awk '{ n = $2; m = $4; sub(/:$/, "", m)
	printf "vm.max_map_count %s: %.1f%% used", m, 100 * n / m }')
like "$line" "\\($want\\)\$" "show: the share of vm.max_map_count is VMAs / limit"

# ---- sim: a hint inside the stack guard gap is not taken ------------------------
# (as the kernel does: a MAP_GROWSDOWN VMA at 0x200000000 keeps 1 MiB free
# below it; a hint whose end reaches into that MiB is moved, one that ends
# exactly at its edge is taken)
grows='mmap(0x200000000, 65536, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS|MAP_FIXED|MAP_GROWSDOWN, -1, 0)'
run $V sim --format maps -e "$grows" -e 'mmap(0x1fff00000, 4096, PROT_READ, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0)'
is "$RC" 0 "sim: mmap next to a stack: exit 0"
unlike "$OUT" '^1fff00000-' "sim: a hint inside the stack guard gap is moved"
run $V sim --format maps -e "$grows" -e 'mmap(0x1ffeff000, 4096, PROT_READ, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0)'
like "$OUT" '^1ffeff000-1fff00000 r--p' "sim: a hint that ends at the guard gap is taken"

# ---- watch --min-delta: usage changes hidden below it, shown above ---------------
CHILD="$top_builddir/tests/child"
if [ -x "$CHILD" ]; then
	mkfifo "$TMPD/child.in" "$TMPD/child.out"
	"$CHILD" <"$TMPD/child.in" >"$TMPD/child.out" &
	CHILD_PID=$!
	exec 3>"$TMPD/child.in" 4<"$TMPD/child.out"
	send() { echo "$*" >&3; read -r REPLY <&4; }
	GUARD=
	command -v timeout >/dev/null 2>&1 && GUARD="timeout 300"
	# watch_change ARGS...: watch until one round with changes; once watch
	# is looking, the child does each command of $CMDS (';' between them)
	watch_change() {
		rm -f "$TMPD/w.fifo"
		mkfifo "$TMPD/w.fifo"
		$GUARD "$V" watch --interval 20ms --count 1 "$@" >"$TMPD/w.fifo" 2>&1 &
		WATCH_PID=$!
		KILL_PIDS="$KILL_PIDS $WATCH_PID"
		exec 5<"$TMPD/w.fifo"
		read -r first <&5
		old_ifs=$IFS IFS=';'
		for c in $CMDS; do IFS=$old_ifs; send $c; done
		IFS=$old_ifs
		WOUT=$(cat <&5)
		exec 5<&-
		wait "$WATCH_PID"
		forget_pid "$WATCH_PID"
	}
	send map a 256k rw
	# usage alone changes: printed when above --min-delta (4k: a read in
	# the middle of the touch sees at least one page, or no change at all)
	CMDS="touch a 0 256k"; watch_change --min-delta 4k --color=never "$CHILD_PID"
	like "$WOUT" 'usage .*rss \+' "watch: an RSS change above --min-delta is printed"
	send advise a 0 256k dontneed
	CMDS="touch a 0 256k"; watch_change --min-delta 4k --format jsonl "$CHILD_PID"
	like "$WOUT" '"label":"usage".*"delta":\{"rss":' "watch jsonl: an RSS change above --min-delta is an object with its delta"
	# below --min-delta: no usage change, and the change of structure that
	# ends the round carries no deltas
	send advise a 0 256k dontneed
	CMDS="touch a 0 256k;protect a 0 4k r"; watch_change --min-delta 1G --color=never "$CHILD_PID"
	like "$WOUT" '~ split' "watch: the change of structure is printed"
	unlike "$WOUT" '~ usage' "watch: usage changes below --min-delta are not printed"
	unlike "$(printf '%s\n' "$WOUT" | grep '~ split')" 'rss' "watch: the split carries no delta below --min-delta"
	send advise a 0 256k dontneed
	CMDS="touch a 4k 252k;protect a 0 4k rw"; watch_change --min-delta 1G --format jsonl "$CHILD_PID"
	like "$WOUT" '"merged"' "watch jsonl: the change of structure is printed"
	unlike "$WOUT" '"label":"usage"' "watch jsonl: usage changes below --min-delta are not printed"
	unlike "$WOUT" '"delta":\{"' "watch jsonl: the merge carries no delta below --min-delta"
	echo exit >&3
	wait "$CHILD_PID"
	CHILD_PID=
fi

done_testing
