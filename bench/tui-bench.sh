#!/bin/sh
# bench/tui-bench.sh - vmatool tui on a process with many VMAs, driven through
# a private tmux server: the time to the first screen against `vmatool show`
# on the same process (goal: at most 1.5 times), and for each kind of key
# the time from the key's arrival to its screen (goal: under 50 ms), as the
# TUI itself measures them (VMATOOL_TUI_TIMES).  Each key is sent once the
# frame of the last one is written: no sleeps.
#
# usage: bench/tui-bench.sh VMATOOL PID     (bench/bench.sh runs it)
# Prints one line, "FIRST_US SHOW_US SLOWEST_KEY_US": the first screen, the
# wall time of `show` (the median of 3), the slowest key; nothing when tmux is
# not installed.  With VERBOSE=1, each kind of key's times on standard error.
set -eu

VMATOOL=$1
pid=$2
command -v tmux >/dev/null 2>&1 || { echo "tui: tmux not installed, not measured" >&2; exit 0; }
tmp=$(mktemp -d "${TMPDIR:-/tmp}/vmatool-tui-bench.XXXXXX")
T="tmux -L vmatool-tui-bench-$$ -f /dev/null"
trap '$T kill-server 2>/dev/null || true
	rm -f "${TMUX_TMPDIR:-/tmp}/tmux-$(id -u)/vmatool-tui-bench-$$"; rm -rf "$tmp"' EXIT

ms() { date +%s%N; }
# frames N: wait until the times file has N lines (at most 60 s: a TUI that
# died must not hang the benchmark)
frames() {
	give_up=$(($(date +%s) + 60))
	until [ "$(wc -l <"$tmp/times" 2>/dev/null || echo 0)" -ge "$1" ]; do
		[ "$(date +%s)" -lt "$give_up" ] || { echo "tui: no frame $1 in 60 s" >&2; exit 1; }
	done
}

for _ in 1 2 3; do
	t0=$(ms)
	"$VMATOOL" show "$pid" >/dev/null
	t1=$(ms)
	echo $(((t1 - t0) / 1000))
done >"$tmp/show"
show_us=$(sort -n "$tmp/show" | sed -n 2p)

: >"$tmp/times"
$T new-session -d -s t -x 120 -y 40 "VMATOOL_TUI_TIMES='$tmp/times' '$VMATOOL' tui '$pid'"
n=1
frames $n
for k in j j j j j j j j j j NPage NPage NPage NPage NPage End Home s s s s s z z Z Z; do
	$T send-keys -t t "$k"
	n=$((n + 1))
	frames $n
done
$T send-keys -t t q

awk -v show="$show_us" -v verbose="${VERBOSE:-}" '
	$1 == "start" { first = $2; next }
	{ n[$1]++; sum[$1] += $2; if ($2 > max[$1]) max[$1] = $2; if ($2 > all) all = $2 }
	END {
		if (verbose)
			for (k in n)
				printf "tui: key %-10s x%-2d mean %6.2f ms, max %6.2f ms\n", k, n[k],
				       sum[k] / n[k] / 1000, max[k] / 1000 >"/dev/stderr"
		print first, show, all + 0
	}' "$tmp/times"
