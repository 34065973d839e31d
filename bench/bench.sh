#!/bin/sh
# bench/bench.sh - vmatool against the tools people use today, measured side
# by side in the same run on a process with 65,000 VMAs (bench/mkvmas).
#
# usage: bench/bench.sh BUILDDIR      (`make bench` passes the build tree)
# Environment: VMAS (default 65000), RUNS (default 10), NO_HYPERFINE=1 to
# time with a plain loop even when hyperfine is installed, SLOW (default 10):
# a command slower than that many seconds is timed once only.
#
# Prints a table of mean times and ratios (vmatool / reference) with the goal
# each ratio has, then the output of bench/bench-engine.  Never part of
# `make check`: the figures depend on the machine.
set -eu

B=${1:?usage: bench/bench.sh BUILDDIR}
B=$(cd "$B" && pwd)
VMATOOL=$B/vmatool
VMAS=${VMAS:-65000}
RUNS=${RUNS:-10}
for f in "$VMATOOL" "$B/bench/mkvmas" "$B/bench/bench-engine" "$B/bench/maxrss"; do
	[ -x "$f" ] || { echo "bench: '$f' is not built (run 'make bench')" >&2; exit 2; }
done

tmp=$(mktemp -d "${TMPDIR:-/tmp}/vmatool-bench.XXXXXX")
mk_pid=""
cleanup() {
	if [ -n "$mk_pid" ]; then
		kill -KILL "$mk_pid" 2>/dev/null || true
		wait "$mk_pid" 2>/dev/null || true
	fi
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

use_hyperfine=no
if [ -z "${NO_HYPERFINE:-}" ] && command -v hyperfine >/dev/null 2>&1; then
	use_hyperfine=yes
fi

# ---- the process under test -------------------------------------------------
# mkvmas writes "PID VMAS" (fd 3 here) and waits for a line (fd 4 here); then
# it changes some of its mappings, writes the line again and waits again; at
# the end of its input it exits.
mkfifo "$tmp/ready" "$tmp/go"
"$B/bench/mkvmas" -n "$VMAS" -d "$tmp" <"$tmp/go" >"$tmp/ready" &
mk_pid=$!
exec 4>"$tmp/go" 3<"$tmp/ready"
read -r pid count <&3 || { echo "bench: mkvmas failed" >&2; exit 1; }

cat "/proc/$pid/maps" >"$tmp/a.maps"
"$VMATOOL" snapshot "$pid" -o "$tmp/a.json"
echo >&4
read -r pid count_b <&3 || { echo "bench: mkvmas failed" >&2; exit 1; }
cat "/proc/$pid/maps" >"$tmp/b.maps"
"$VMATOOL" snapshot "$pid" -o "$tmp/b.json"

# ---- timing -----------------------------------------------------------------
# time_cmds NAME CMD...: mean seconds of each command into $tmp/NAME.times,
# one line per command, in order.
# A command that takes longer than SLOW seconds once is timed once, not RUNS
# times (a slow case must not make the benchmark run for an hour).
time_cmds() {
	name=$1; shift
	slow=no
	for c in "$@"; do
		t0=$(date +%s%N)
		sh -c "$c" >/dev/null 2>&1 || true
		t1=$(date +%s%N)
		if [ $(((t1 - t0) / 1000000000)) -ge "${SLOW:-10}" ]; then
			slow=yes
			echo "bench: '$c' took $(((t1 - t0) / 1000000)) ms: timed once" >&2
		fi
	done
	if [ "$slow" = yes ]; then
		: >"$tmp/$name.times"
		for c in "$@"; do
			t0=$(date +%s%N)
			sh -c "$c" >/dev/null 2>&1 || true
			t1=$(date +%s%N)
			echo "$t0 $t1" | awk '{ printf "%.6f\n", ($2 - $1) / 1e9 }' >>"$tmp/$name.times"
		done
	elif [ "$use_hyperfine" = yes ]; then
		hyperfine -N -i --warmup 2 --runs "$RUNS" --style none \
			--export-csv "$tmp/$name.csv" -- "$@" >"$tmp/$name.log" 2>&1 ||
			{ cat "$tmp/$name.log" >&2; exit 1; }
		# command,mean,stddev,median,user,system,min,max
		awk -F, 'NR > 1 { print $2 }' "$tmp/$name.csv" >"$tmp/$name.times"
	else
		: >"$tmp/$name.times"
		for c in "$@"; do
			sh -c "$c" >/dev/null 2>&1 || true	# warm up
			t0=$(date +%s%N)
			i=0
			while [ "$i" -lt "$RUNS" ]; do
				sh -c "$c" >/dev/null 2>&1 || true
				i=$((i + 1))
			done
			t1=$(date +%s%N)
			echo "$t0 $t1 $RUNS" | awk '{ printf "%.6f\n", ($2 - $1) / 1e9 / $3 }' \
				>>"$tmp/$name.times"
		done
	fi
}

# row LABEL REFLABEL GOAL NAME REFINDEX INDEX: one table line from NAME.times
row() {
	awk -v label="$1" -v ref="$2" -v goal="$3" -v r="$5" -v i="$6" '
		{ t[NR] = $1 }
		END {
			ratio = t[i] / t[r]
			verdict = ""
			if (goal != "-") {
				g = substr(goal, 3) + 0
				verdict = (ratio <= g) ? "ok" : "MISSED"
			}
			printf "%-30s %-22s %9.2f %9.2f %7.2f  %-7s %s\n", label, ref,
				t[r] * 1000, t[i] * 1000, ratio, goal, verdict
		}' "$tmp/$4.times"
}

V="'$VMATOOL'"
time_cmds maps "cat /proc/$pid/maps" "$V show --format maps $pid"
time_cmds smaps "cat /proc/$pid/smaps" "$V show $pid" "$V show --format smaps $pid" \
	"$V show --format json $pid" "pmap -x $pid" "pmap -X $pid"
# ps reads every process's maps (this machine's, with the 65,000-VMA one among them)
time_cmds ps "sh -c 'cat /proc/[0-9]*/maps'" "$V ps" "$V ps --format prometheus" "$V ps --memory"
time_cmds diffmaps "diff '$tmp/a.maps' '$tmp/b.maps'" "$V diff '$tmp/a.maps' '$tmp/b.maps'"
time_cmds diffjson "diff '$tmp/a.json' '$tmp/b.json'" "$V diff '$tmp/a.json' '$tmp/b.json'" \
	"$V diff --format json '$tmp/a.json' '$tmp/b.json'"

echo "vmatool benchmarks: $(uname -sr), $count VMAs (then $count_b), $RUNS runs each," \
	"timer: $([ "$use_hyperfine" = yes ] && hyperfine --version || echo 'date +%s%N loop')"
echo "mean times in ms; ratio = vmatool / reference (smaller is better)"
echo
printf "%-30s %-22s %9s %9s %7s  %-7s %s\n" "vmatool command" "reference" "ref ms" \
	"ms" "ratio" "goal" ""
row "show --format maps" "cat /proc/PID/maps" "<=1.3" maps 1 2
row "show" "cat /proc/PID/smaps" "<=1.3" smaps 1 2
row "show --format smaps" "cat /proc/PID/smaps" "-" smaps 1 3
row "show --format json" "cat /proc/PID/smaps" "-" smaps 1 4
row "pmap -x (for scale)" "cat /proc/PID/smaps" "-" smaps 1 5
row "pmap -X (for scale)" "cat /proc/PID/smaps" "-" smaps 1 6
row "show (vs pmap -X)" "pmap -X PID" "<=1" smaps 6 2
row "ps (every process)" "cat /proc/*/maps" "<=2" ps 1 2
row "ps --format prometheus" "cat /proc/*/maps" "<=2" ps 1 3
row "ps --memory (smaps_rollup)" "cat /proc/*/maps" "-" ps 1 4
row "diff A.maps B.maps" "GNU diff A.maps B.maps" "<=1" diffmaps 1 2
row "diff A.json B.json" "GNU diff A.json B.json" "-" diffjson 1 2
row "diff --format json A B (json)" "GNU diff A.json B.json" "-" diffjson 1 3
awk -v n="$count" '{ t[NR] = $1 } END {
	printf "\ndiff of two %d-VMA JSON snapshots with smaps: %.0f ms (goal: under 1000 ms): %s\n",
		n, t[2] * 1000, t[2] < 1 ? "ok" : "MISSED" }' "$tmp/diffjson.times"

# Peak memory (max RSS) of a command, and the size of what it writes: the
# memory vmatool uses must not grow with its output.
echo
echo "peak memory (max RSS) and the size of the output:"
for c in "cat /proc/$pid/smaps" "$VMATOOL show --format maps $pid" "$VMATOOL show $pid" \
	"$VMATOOL show --format smaps $pid" "$VMATOOL show --format json $pid" \
	"$VMATOOL snapshot $pid" "pmap -X $pid"; do
	# shellcheck disable=SC2086 # the words of the command
	"$B/bench/maxrss" $c | awk -v c="$(echo "$c" | sed -e "s|$VMATOOL|vmatool|" -e "s|$pid|PID|")" \
		'{ printf "  %-34s %8.1f MiB max RSS %8.1f MiB output\n", c, $1 / 1024, $2 / 1048576 }'
done

# the TUI: first screen and key-to-screen times (bench/tui-bench.sh)
echo
sh "$(dirname "$0")/tui-bench.sh" "$VMATOOL" "$pid"
# the map: the SVG of every VMA, its size
t0=$(date +%s%N)
"$VMATOOL" map --format svg -o "$tmp/map.svg" "$pid"
t1=$(date +%s%N)
echo "map --format svg: $(((t1 - t0) / 1000000)) ms, $(($(wc -c <"$tmp/map.svg") / 1024)) KiB"

echo
echo "bench/bench-engine:"
"$B/bench/bench-engine"

exec 4>&-
wait "$mk_pid" 2>/dev/null || true
mk_pid=""
