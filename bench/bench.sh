#!/bin/sh
# shellcheck disable=SC2086 # commands are strings split on spaces (see pairs)
# bench/bench.sh - vmatool against the kernel's own output, measured side by
# side in the same run on processes with 1,000 to 65,000 VMAs (bench/mkvmas),
# written as a Markdown table to bench/RESULTS.md (issue 12).
#
# usage: bench/bench.sh BUILDDIR      (`make bench` passes the build tree)
#
# Each row runs a vmatool command and its reference (`cat /proc/PID/smaps`,
# ...) as interleaved pairs, through bench/maxrss, which reports the CPU time
# (user + sys) of the child from wait4, its peak RSS, faults, bytes read and
# written.  A row's figure is the median over the pairs of vmatool's CPU time
# divided by the reference's; its peak RSS is the largest of its runs.
# Environment:
#   RUNS      pairs per row and size (default 5)
#   SERIES    the VMA counts (default "1000 10000 30000 65000"; the last one
#             is the one the peak RSS and verdict columns are about)
#   CALLS     calls in the sim log (default 1000000; bench/mkcalls)
#   SIM_RUNS  runs of sim per size (default 1)
#   WATCH_MS  how much longer the long watch run is than the short one, in
#             ms (default 1500; see watch_pairs)
#   ENGINE    0: leave out bench/bench-engine (default 1)
#   RESULTS   where to write the table (default bench/RESULTS.md in the source
#             tree; written to a temporary file first, then renamed)
#   NOTE      a line to add under the machine description
# Never part of `make check`: the figures depend on the machine.
set -eu

B=${1:?usage: bench/bench.sh BUILDDIR}
B=$(cd "$B" && pwd)
S=$(cd "$(dirname "$0")" && pwd)
VMATOOL=$B/vmatool
RUNS=${RUNS:-5}
SERIES=${SERIES:-1000 10000 30000 65000}
CALLS=${CALLS:-1000000}
SIM_RUNS=${SIM_RUNS:-1}
WATCH_MS=${WATCH_MS:-1500}
RESULTS=${RESULTS:-$S/RESULTS.md}
M=$B/bench/maxrss
for f in "$VMATOOL" "$B/bench/mkvmas" "$B/bench/bench-engine" "$M" "$B/bench/mkcalls"; do
	[ -x "$f" ] || { echo "bench: '$f' is not built (run 'make bench')" >&2; exit 2; }
done

tmp=$(mktemp -d "${TMPDIR:-/tmp}/vmatool-bench.XXXXXX")
case "$tmp$B" in
*[[:space:]]*) echo "bench: '$tmp' or '$B' has a space: the commands are split on spaces" >&2
	exit 2 ;;
esac
mk_pid=""
stop_mkvmas() {
	if [ -n "$mk_pid" ]; then
		exec 4>&- 3<&-
		kill -KILL "$mk_pid" 2>/dev/null || true
		wait "$mk_pid" 2>/dev/null || true
		mk_pid=""
	fi
}
trap 'stop_mkvmas; rm -rf "$tmp"' EXIT
trap 'exit 130' INT TERM
DATA=$tmp/data
: >"$DATA"

say() { echo "bench: $*" >&2; }

# ---- measuring ---------------------------------------------------------------
# The commands are strings split on spaces (no path here has one: checked
# above, and the file-wide shellcheck directive at the top says so), so that
# a row is one line.
# A line of $DATA: ROW SIZE, then bench/maxrss's 8 fields for the reference
# ($3..$10: rss_kib out_bytes status user_us sys_us minflt rchar wall_us),
# then for the vmatool command ($11..$18), then for a third command ($19..).

# pairs ROW SIZE REF CMD: RUNS interleaved pairs, the order swapped every
# other pair (neither always runs on the other's warm caches).
pairs() {
	row=$1 size=$2 ref=$3 cmd=$4
	$M $ref >/dev/null; $M $cmd >/dev/null	# warm up
	i=0
	while [ "$i" -lt "$RUNS" ]; do
		if [ $((i % 2)) -eq 0 ]; then
			r=$($M $ref); c=$($M $cmd)
		else
			c=$($M $cmd); r=$($M $ref)
		fi
		echo "$row $size $r $c" >>"$DATA"
		i=$((i + 1))
	done
}

# watch_pairs ROW SIZE REF WATCH: the reference, then `watch -i 1ms` stopped
# (SIGTERM) after 300 ms and after 300 + WATCH_MS ms.  The rounds a run did
# are its bytes read over the reference's output (the file a round reads);
# one round costs the difference of the two runs' CPU time over the
# difference of their rounds (start-up cancels out), and so do its faults.
watch_pairs() {
	row=$1 size=$2 ref=$3 cmd=$4
	i=0
	while [ "$i" -lt "$RUNS" ]; do
		r=$($M $ref)
		a=$($M -t 300 $cmd)
		b=$($M -t $((300 + WATCH_MS)) $cmd)
		echo "$row $size $r $a $b" >>"$DATA"
		i=$((i + 1))
	done
}

# ---- one process of SIZE VMAs --------------------------------------------------
start_mkvmas() {
	mkfifo "$tmp/ready" "$tmp/go"
	"$B/bench/mkvmas" -n "$1" -d "$tmp" <"$tmp/go" >"$tmp/ready" &
	mk_pid=$!
	exec 4>"$tmp/go" 3<"$tmp/ready"
	rm -f "$tmp/ready" "$tmp/go"
	read -r pid count <&3 || { echo "bench: mkvmas failed" >&2; exit 1; }
}

# A snapshot before and after mkvmas changes its mappings; the second state
# stays live for the rows on the process.
two_states() {
	cat "/proc/$pid/maps" >"$tmp/a.maps"
	"$VMATOOL" snapshot "$pid" -o "$tmp/a.json"
	echo >&4
	read -r pid count_b <&3 || { echo "bench: mkvmas failed" >&2; exit 1; }
	"$VMATOOL" snapshot "$pid" -o "$tmp/b.json"
}

measure_show() {
	n=$1 V=$VMATOOL
	pairs maps "$n" "cat /proc/$pid/maps" "$V show --format maps $pid"
	pairs text "$n" "cat /proc/$pid/smaps" "$V show $pid"
	pairs smaps "$n" "cat /proc/$pid/smaps" "$V show --format smaps $pid"
	pairs json "$n" "cat /proc/$pid/smaps" "$V show --format json $pid"
	pairs snap "$n" "cat /proc/$pid/smaps" "$V snapshot $pid -o $tmp/s.json"
	# an address in the middle of the list: a VMA of mkvmas's window
	addr=$(awk -v n="$count_b" 'NR == int(n / 2) { split($1, a, "-"); print "0x" a[1] }' \
		"/proc/$pid/maps")
	pairs find "$n" "cat /proc/$pid/maps" "$V find $pid $addr"
	pairs diff "$n" "diff $tmp/a.json $tmp/b.json" "$V diff $tmp/a.json $tmp/b.json"
	pairs pmap "$n" "cat /proc/$pid/smaps" "pmap -X $pid"
	printf '#!/bin/sh\nexec cat /proc/[0-9]*/maps 2>/dev/null\n' >"$tmp/catall"
	chmod +x "$tmp/catall"
	pairs ps "$n" "$tmp/catall" "$V ps" 2>/dev/null	# processes that come and go
}

measure_watch() {
	n=$1
	watch_pairs watch "$n" "cat /proc/$pid/smaps" "$VMATOOL watch -i 1ms -f jsonl $pid"
	watch_pairs watchns "$n" "cat /proc/$pid/maps" \
		"$VMATOOL watch --no-smaps -i 1ms -f jsonl $pid"
}

# sim of CALLS calls on the first snapshot, and of a tenth of them (its peak
# RSS must be the same: memory flat).  A line: sim SIZE CALLS 8 fields.
measure_sim() {
	n=$1
	# under vm.max_map_count (65,530) with the VMAs the log adds
	room=$((65520 - count))
	"$B/bench/mkcalls" -n "$CALLS" -p "$pid" -m $((room > 400 ? 400 : room)) \
		"$tmp/a.maps" >"$tmp/calls.log"
	head -n $((CALLS / 10)) "$tmp/calls.log" >"$tmp/calls10.log"
	i=0
	while [ "$i" -lt "$SIM_RUNS" ]; do
		echo "sim $n $CALLS $($M "$VMATOOL" sim -s "$tmp/a.json" -o "$tmp/calls.log")" >>"$DATA"
		i=$((i + 1))
	done
	echo "sim10 $n $((CALLS / 10)) $($M "$VMATOOL" sim -s "$tmp/a.json" -o "$tmp/calls10.log")" \
		>>"$DATA"
	rm -f "$tmp/calls.log" "$tmp/calls10.log"
}

measure_tui() {
	echo "tui $1 $(sh "$S/tui-bench.sh" "$VMATOOL" "$pid")" >>"$DATA"
}

load0=$(cut -d' ' -f1-3 /proc/loadavg)
t_start=$(date +%s)
for n in $SERIES; do
	say "$n VMAs"
	start_mkvmas "$n"
	two_states
	measure_show "$n"
	measure_watch "$n"
	measure_sim "$n"
	measure_tui "$n"
	stop_mkvmas
done
load1=$(cut -d' ' -f1-3 /proc/loadavg)

# ---- the table -------------------------------------------------------------------
out=$RESULTS.tmp.$$
{
	echo "# vmatool benchmarks (make bench)"
	echo
	echo "Written by \`make bench\` (bench/bench.sh) on $(date -u '+%Y-%m-%d %H:%M UTC'), in $(($(date +%s) - t_start)) s."
	echo
	echo "- vmatool: $(git -C "$S/.." describe --always --dirty 2>/dev/null || "$VMATOOL" --version)"
	echo "- kernel: $(uname -r); CPU: $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1), $(getconf _NPROCESSORS_ONLN) cores"
	zp=$(tr ' ' '\n' </proc/cmdline | grep zero_page | tr '\n' ' ')
	echo "- zero page on the kernel command line: ${zp:-(no setting)}; vmatool's probe: $("$VMATOOL" sim -e 'madvise(NULL, 0, MADV_NORMAL)' | sed -n 's/^ *machine: //p')"
	echo "- load average: $load0 before, $load1 after; $RUNS A/B pairs a row and size; sim: $CALLS calls (bench/mkcalls), $SIM_RUNS run(s)"
	[ -z "${NOTE:-}" ] || echo "- $NOTE"
	echo "$load0 $load1 $(getconf _NPROCESSORS_ONLN)" | awk '$1 > $7 || $4 > $7 {
		print "- The machine was busy (a load average above its cores): shared with other " \
			"work while this ran, so the figures are noisy; the ratios of each pair are " \
			"less so than the times." }'

	echo
	awk -f "$S/results.awk" -v series="$SERIES" "$DATA"
} >"$out"
if [ "${ENGINE:-1}" != 0 ]; then
	say "bench/bench-engine"
	{ echo; echo "## The engine alone (bench/bench-engine)"; echo; echo '```'
	  "$B/bench/bench-engine"; echo '```'; } >>"$out"
fi
mv "$out" "$RESULTS"
cat "$RESULTS"
