#!/bin/sh
# tests/cli-ps.sh - `vmatool ps` on a child with a known address space: its
# row in text, JSON, OpenMetrics and Prometheus text agrees with what
# /proc/PID/maps says (count without [vsyscall], PROT_NONE regions, largest
# gap) and with smaps_rollup; the metrics pass promtool and
# python3-prometheus-client where installed and a strict check of our own
# always; label values are escaped; filters, sort, --top; a zombie has no
# row; processes exiting during scans; processes it may not read (as an
# unprivileged user); usage errors; --output is atomic; the systemd units
# pass systemd-analyze verify.
. "${top_srcdir:-.}/tests/lib.sh"

V=$VMATOOL
CHILD="$top_builddir/tests/child"
[ -r /proc/self/maps ] || skip_all "no /proc"
[ -x "$CHILD" ] || skip_all "no $CHILD"
skip() { tap_n=$((tap_n + 1)); echo "ok $tap_n - $2 # SKIP $1"; }

mkfifo "$TMPD/child.in" "$TMPD/child.out"
"$CHILD" <"$TMPD/child.in" >"$TMPD/child.out" &
CHILD_PID=$!
exec 3>"$TMPD/child.in" 4<"$TMPD/child.out"
send() { echo "$*" >&3; read -r REPLY <&4; }
send pid
is "$REPLY" "$CHILD_PID" "the child answers"
# 40 regions, each between PROT_NONE guard pages: a known, large address space
i=0
while [ $i -lt 40 ]; do send "map r$i 8k rw"; i=$((i + 1)); done
send "protect r3 0 4k -"

# the kernel's own figures for the child: VMAs (not [vsyscall]), PROT_NONE, largest gap
python3 - "/proc/$CHILD_PID/maps" >"$TMPD/want" <<'PY'
import sys
vmas = guards = gap = 0
prev = None
for line in open(sys.argv[1]):
    f = line.split()
    lo, hi = (int(x, 16) for x in f[0].split('-'))
    if lo >> 63:
        continue
    vmas += 1
    guards += f[1].startswith('---')
    if prev is not None and lo - prev > gap:
        gap = lo - prev
    prev = hi
print(vmas, guards, gap)
PY
read -r W_VMAS W_GUARDS W_GAP <"$TMPD/want"
[ "$W_VMAS" -gt 80 ]; ok $? "the child has over 80 VMAs ($W_VMAS)"
LIMIT=$(cat /proc/sys/vm/max_map_count)

# ---- text ----------------------------------------------------------------------
run "$V" ps --name=child --color=never --bytes
is "$RC" 0 "ps --name=child: exit 0"
row=$(printf '%s\n' "$OUT" | awk -v p="$CHILD_PID" '$1 == p')
is "$(printf '%s\n' "$row" | awk '{ print $3, $4, $6, $7 }')" "child $W_VMAS $W_GAP $W_GUARDS" \
	"text row: command, VMAs, largest gap (bytes) and guards as /proc/PID/maps says"
share=$(awk -v v="$W_VMAS" -v l="$LIMIT" 'BEGIN { printf "%.1f%%", 100 * v / l }')
is "$(printf '%s\n' "$row" | awk '{ print $5 }')" "$share" "text row: the share of vm.max_map_count"
is "$(printf '%s\n' "$OUT" | head -n 1 | awk '{ print $1, $2, $3, $4, $5 }')" "PID USER COMMAND VMAS LIMIT" \
	"text: the header"
like "$(printf '%s\n' "$OUT" | tail -n 1)" "^[0-9]+ process(es)? \\([0-9]+ shown\\), [0-9]+ VMAs in all; vm.max_map_count $LIMIT per process" \
	"text: the summary names the processes, the total and the limit"
run "$V" ps --name=child --color=always --min-vmas=80
like "$OUT" "^ *$CHILD_PID .*child" "--min-vmas=80 keeps the child"
like "$OUT" "$(printf '\033')\\[1m +PID" "--color=always: a bold header"
run "$V" ps --min-vmas="$((W_VMAS + 1))" --name=child
unlike "$OUT" "^ *$CHILD_PID " "--min-vmas above its count: no child row"
run "$V" ps --name='no-such-process-*'
is "$(printf '%s\n' "$OUT" | wc -l)" 2 "a filter that keeps nothing: header and summary only"
run "$V" ps --user="$(id -u)" --name=child
like "$OUT" "^ *$CHILD_PID " "--user by uid keeps the child"
run "$V" ps --user=no-such-user-xyz --name=child
unlike "$OUT" "^ *$CHILD_PID " "--user of another user drops it"

# sort and top
run "$V" ps --sort=pid -n 5 --color=never
pids=$(printf '%s\n' "$OUT" | sed '1d;$d' | awk '{ print $1 }')
is "$(printf '%s\n' "$pids" | wc -l)" 5 "-n 5: five rows"
is "$pids" "$(printf '%s\n' "$pids" | sort -n)" "--sort=pid: ascending"
run "$V" ps --sort=pid --reverse -n 5 --color=never
pids=$(printf '%s\n' "$OUT" | sed '1d;$d' | awk '{ print $1 }')
is "$pids" "$(printf '%s\n' "$pids" | sort -rn)" "--sort=pid --reverse: descending"
run "$V" ps --format=json
v=$(printf '%s\n' "$OUT" | python3 -c 'import json,sys; print("\n".join(str(p["vmas"]) for p in json.load(sys.stdin)["processes"]))')
is "$v" "$(printf '%s\n' "$v" | sort -rn)" "by default: most VMAs first"
run "$V" ps --sort=rss --color=never -n 3
like "$(printf '%s\n' "$OUT" | head -n 1)" "RSS +PSS +SWAP" "--sort=rss shows the memory columns"

# ---- JSON ----------------------------------------------------------------------------
run "$V" ps --format=json --memory --name=child
is "$RC" 0 "ps --format=json --memory: exit 0"
printf '%s\n' "$OUT" >"$TMPD/ps.json"
python3 - "$TMPD/ps.json" "$CHILD_PID" "$W_VMAS" "$W_GUARDS" "$W_GAP" "$LIMIT" \
	"/proc/$CHILD_PID/smaps_rollup" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
pid, vmas, guards, gap, limit = (int(x) for x in sys.argv[2:7])
assert d["schema"] == "vmatool/1"
assert d["machine"]["max_map_count"] == limit
assert d["machine"]["page_size"] > 0 and d["machine"]["kernel"]
rows = [p for p in d["processes"] if p["pid"] == pid]
assert len(rows) == 1, rows
r = rows[0]
assert r["comm"] == "child" and r["vmas"] == vmas and r["guard_regions"] == guards, r
assert r["largest_gap"] == gap, r
assert abs(r["vma_limit_ratio"] - vmas / limit) < 1e-6, r
roll = {l.split(":")[0]: int(l.split()[1]) * 1024 for l in open(sys.argv[7]) if l.endswith("kB\n")}
assert r["rss"] == roll["Rss"] and r["swap"] == roll["Swap"], (r, roll)
s = d["summary"]
assert s["processes"] >= len(d["processes"]) and s["shown"] == len(d["processes"])
assert s["vmas_total"] >= vmas and isinstance(s["unreadable"], list)
PY
ok $? "JSON: the child's row as /proc says, machine and summary"
run "$V" ps --format=json -n 1
python3 -c 'import json,sys; d=json.load(sys.stdin); assert len(d["processes"]) == 1; assert "rss" not in d["processes"][0]' <"$TMPD/out"
ok $? "JSON -n 1: one process, no memory fields without --memory"

# ---- metrics -------------------------------------------------------------------------------
# strict_metrics FILE OM: our own check of the exposition format: metadata
# before samples, one family at a time, names and label sets as documented,
# values numbers, and (OpenMetrics) UNIT matching the name and a final # EOF
strict_metrics() {
	awk -v om="$2" '
	function fail(m) { print "line " NR ": " m ": " $0; bad = 1 }
	/^# HELP / { fam = $3; if (seen[fam]++) fail("family twice"); help[fam] = 1; next }
	/^# TYPE / { if ($3 != fam || $4 != "gauge") fail("TYPE"); type[fam] = 1; next }
	/^# UNIT / { if (!om || $3 != fam || fam !~ ("_" $4 "$")) fail("UNIT"); next }
	/^# EOF$/ { if (!om) fail("EOF in prometheus"); eof = NR; next }
	/^#/ { fail("comment"); next }
	{
		if (eof) fail("after EOF")
		name = $0; sub(/[{ ].*/, "", name)
		if (name != fam || !help[fam] || !type[fam]) fail("sample outside its family")
		if (name !~ /^vmatool_[a-z_]+$/) fail("name")
		if (name ~ /^vmatool_process_/ && $0 !~ /^[a-z_]+\{pid="[0-9]+",comm="([^"\\]|\\[\\"n])*",user="([^"\\]|\\[\\"n])*"\} /) fail("labels")
		if ($NF !~ /^[0-9]+(\.[0-9]+)?$/) fail("value")
		if (name ~ /_bytes$/ && om && !unit[name]) {}
	}
	END { if (om && eof != NR) fail("no final # EOF"); exit bad }' "$1"
}
for fmt in openmetrics prometheus; do
	"$V" ps --format=$fmt --memory >"$TMPD/$fmt.txt"
	ok $? "ps --format=$fmt: exit 0"
	strict_metrics "$TMPD/$fmt.txt" "$([ $fmt = openmetrics ] && echo 1)"
	ok $? "$fmt: the strict format check"
	line=$(grep "^vmatool_process_vmas{pid=\"$CHILD_PID\"," "$TMPD/$fmt.txt")
	is "$line" "vmatool_process_vmas{pid=\"$CHILD_PID\",comm=\"child\",user=\"$(id -un)\"} $W_VMAS" \
		"$fmt: the child's vmatool_process_vmas"
	like "$(grep "^vmatool_process_largest_gap_bytes{pid=\"$CHILD_PID\"," "$TMPD/$fmt.txt")" " $W_GAP\$" \
		"$fmt: the child's largest gap"
	like "$(grep "^vmatool_process_guard_regions{pid=\"$CHILD_PID\"," "$TMPD/$fmt.txt")" " $W_GUARDS\$" \
		"$fmt: the child's guard regions"
	is "$(grep '^vmatool_vma_limit ' "$TMPD/$fmt.txt")" "vmatool_vma_limit $LIMIT" "$fmt: the limit"
	grep -q '^vmatool_process_rss_bytes{' "$TMPD/$fmt.txt"; ok $? "$fmt --memory: RSS"
done
grep -q '^# UNIT vmatool_process_largest_gap_bytes bytes$' "$TMPD/openmetrics.txt"
ok $? "openmetrics: units"
"$V" ps --format=prometheus -n 3 >"$TMPD/top3.txt"
is "$(grep -c '^vmatool_process_vmas{' "$TMPD/top3.txt")" 3 "-n 3 bounds the series of a family"
unlike "$(cat "$TMPD/top3.txt")" "_rss_bytes" "no memory metrics without --memory"

# label values: a comm with a quote, a backslash, an escape and a byte not UTF-8
# (a copy of sleep by that name: a process may set only its own comm)
ESC_NAME=$(printf 'q"b\\c\033\377')
cp "$(command -v sleep)" "$TMPD/$ESC_NAME"
"$TMPD/$ESC_NAME" 1000 &
EP=$!
KILL_PIDS="$EP"
is_named() { [ "$(od -An -c "/proc/$EP/comm" | tr -d ' \n')" = 'q"b\c033377\n' ]; }
wait_until "the process named with escapes" is_named
for fmt in openmetrics prometheus; do
	"$V" ps --format=$fmt --name='q*' >"$TMPD/esc.txt"
	is "$(grep "^vmatool_process_vmas{pid=\"$EP\"," "$TMPD/esc.txt" | sed 's/.*comm="\(.*\)",user.*/\1/')" \
		'q\"b\\c\\x1b\\xff' "$fmt: the label value escaped (quote, backslash, control, not UTF-8)"
	strict_metrics "$TMPD/esc.txt" "$([ $fmt = openmetrics ] && echo 1)"
	ok $? "$fmt: an escaped comm passes the strict check"
	cp "$TMPD/esc.txt" "$TMPD/esc-$fmt.txt"
done
run "$V" ps --name='q*' --format=json
printf '%s\n' "$OUT" | python3 -c 'import json,sys; d=json.load(sys.stdin); assert d["processes"][0]["comm"].startswith("q\"b\\c\x1b")'
ok $? "JSON: the escaped comm is valid JSON and reads back"
run "$V" ps --name='q*' --color=never
printf '%s\n' "$OUT" | LC_ALL=C grep -Eq "^ *$EP root +q\"b\\\\c\\\\x1b"
ok $? "text: the comm's control character escaped for the terminal"
kill "$EP"; wait "$EP" 2>/dev/null; forget_pid "$EP"

if command -v promtool >/dev/null 2>&1; then
	for f in openmetrics prometheus esc-openmetrics esc-prometheus; do
		run promtool check metrics <"$TMPD/$f.txt"
		is "$RC$OUT$ERR" "0" "promtool check metrics: $f"
	done
else
	skip "promtool not installed (Debian: prometheus)" "promtool check metrics"
fi
PYP=""
for p in /usr/bin/python3 python3; do
	if "$p" -c 'import prometheus_client' 2>/dev/null; then PYP=$p; break; fi
done
if [ -n "$PYP" ]; then
	for f in openmetrics prometheus; do
		"$PYP" - "$f" "$TMPD/$f.txt" "$CHILD_PID" "$W_VMAS" <<'PY'
import sys
from prometheus_client.parser import text_string_to_metric_families as prom
from prometheus_client.openmetrics.parser import text_string_to_metric_families as om
fmt, path, pid, vmas = sys.argv[1], sys.argv[2], sys.argv[3], float(sys.argv[4])
fams = {f.name: f for f in (om if fmt == "openmetrics" else prom)(open(path).read())}
s = [x for x in fams["vmatool_process_vmas"].samples if x.labels["pid"] == pid]
assert len(s) == 1 and s[0].value == vmas and s[0].labels["comm"] == "child", s
assert fams["vmatool_process_vmas"].type == "gauge"
if fmt == "openmetrics":
    assert fams["vmatool_process_largest_gap_bytes"].unit == "bytes"
PY
		ok $? "python3-prometheus-client parses the $f text: the child's sample"
	done
	"$PYP" -c '
import sys
from prometheus_client.openmetrics.parser import text_string_to_metric_families as om
s = [x for f in om(open(sys.argv[1]).read()) for x in f.samples if x.labels.get("pid") == sys.argv[2]]
assert s[0].labels["comm"] == "q\"b\\c\\x1b\\xff", s[0].labels' "$TMPD/esc-openmetrics.txt" "$EP"
	ok $? "python3-prometheus-client reads the escaped comm back"
else
	skip "python3-prometheus-client not installed" "python3-prometheus-client parses the metrics"
fi

# ---- --output: whole or untouched ------------------------------------------------------------
mkdir "$TMPD/tf"
run "$V" ps --format=prometheus --output="$TMPD/tf/vmatool.prom"
is "$RC$OUT" "0" "--output: exit 0, nothing on stdout"
strict_metrics "$TMPD/tf/vmatool.prom" ""; ok $? "--output: the file is whole"
is "$(ls -A "$TMPD/tf")" "vmatool.prom" "--output: no temporary file left"
run "$V" ps --format=prometheus --output="$TMPD/no-such-dir/x.prom"
is "$RC" 3 "--output into a missing directory: exit 3"
like "$ERR" "^vmatool: ps: cannot write '.*x.prom'" "--output: the message names the file"

# ---- a zombie has no row; processes exiting during the scan ---------------------------------
sh -c 'true & exec sleep 1000' &
ZP=$!
KILL_PIDS="$KILL_PIDS $ZP"
zombie_of() { for z in $(cat "/proc/$ZP/task/$ZP/children" 2>/dev/null); do grep -q '^State:.*Z' "/proc/$z/status" && echo "$z"; done; }
has_zombie() { [ -n "$(zombie_of)" ]; }
wait_until "a zombie child of $ZP" has_zombie
Z=$(zombie_of)
run "$V" ps --sort=pid --color=never
is "$RC" 0 "with a zombie present: exit 0"
unlike "$OUT" "^ *$Z " "the zombie (no address space) has no row"
like "$OUT" "^ *$ZP .*sleep" "its parent has one"
# churn: processes start and exit while ps reads /proc; every run must end well
( while :; do /bin/true; done ) &
CHURN=$!
KILL_PIDS="$KILL_PIDS $CHURN"
fails=0 n=0
while [ $n -lt 15 ]; do
	"$V" ps --format=json --memory >"$TMPD/churn.json" 2>"$TMPD/churn.err" || fails=$((fails + 1))
	python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$TMPD/churn.json" 2>/dev/null ||
		fails=$((fails + 1))
	grep -v 'not readable (permission denied)' "$TMPD/churn.err" | grep -q . && fails=$((fails + 1))
	n=$((n + 1))
done
kill "$CHURN" 2>/dev/null; wait "$CHURN" 2>/dev/null
is "$fails" 0 "15 scans while processes start and exit: exit 0, whole JSON, no error"

# ---- processes it may not read --------------------------------------------------------------------
if [ "$(id -u)" != 0 ]; then
	skip "not root: cannot run a check as another user" "unreadable processes"
elif ! command -v setpriv >/dev/null 2>&1; then
	skip "setpriv not installed" "unreadable processes"
elif ! setpriv --reuid=65534 --regid=65534 --clear-groups "$V" --help >/dev/null 2>&1; then
	skip "nobody cannot run $V (its directory is not searchable)" "unreadable processes"
else
	run setpriv --reuid=65534 --regid=65534 --clear-groups "$V" ps --color=never
	is "$RC" 0 "as nobody: exit 0"
	is "$(printf '%s\n' "$ERR" | wc -l)" 1 "as nobody: one line on stderr"
	like "$ERR" "^vmatool: ps: [0-9]+ process(es)? not readable \\(permission denied\\): .*" \
		"as nobody: the line counts the unreadable processes"
	n=$(printf '%s\n' "$ERR" | LC_ALL=C awk '{ print $3 }')
	[ "$n" -gt 0 ]; ok $? "as nobody: root's processes are counted ($n)"
	unlike "$OUT" "^ *$CHILD_PID " "as nobody: no row for root's child"
	like "$OUT" "^ *[0-9]+ +nobody +vmatool " "as nobody: its own process has a row"
fi

# ---- usage errors ------------------------------------------------------------------------------
run "$V" ps 1234
is "$RC" 2 "ps with an operand: exit 2"
like "$ERR" "wrong number of operands" "ps with an operand: the message"
run "$V" ps --sort=size
is "$RC" 2 "--sort=size: exit 2"
like "$ERR" "^vmatool: ps: bad value 'size' for --sort: expected vmas, pid, user, command, rss, pss, swap, gap or guards" \
	"--sort: the values it takes"
run "$V" ps -n 0
is "$RC" 2 "-n 0: exit 2"
run "$V" ps --format=json --bytes
is "$RC" 2 "--bytes with json: exit 2"
like "$ERR" "applies to --format text only" "--bytes with json: why"
run "$V" ps --format=prometheus --color=always
is "$RC" 2 "--color with metrics: exit 2"
run "$V" ps --format=yaml
is "$RC" 2 "--format=yaml: exit 2"

# ---- the systemd units -------------------------------------------------------------------------------
if command -v systemd-analyze >/dev/null 2>&1; then
	sed -e "s|@bindir@|$(dirname "$V")|" -e "s|@textfiledir@|$TMPD/tf|" \
		"$top_srcdir/systemd/vmatool-textfile.service.in" >"$TMPD/vmatool-textfile.service"
	cp "$top_srcdir/systemd/vmatool-textfile.timer" "$TMPD/"
	run systemd-analyze verify --man=no "$TMPD/vmatool-textfile.service" "$TMPD/vmatool-textfile.timer"
	is "$RC$OUT$ERR" "0" "systemd-analyze verify: the service and the timer"
	grep -q "^ExecStart=$(dirname "$V")/vmatool ps --format=prometheus .*--output=$TMPD/tf/vmatool.prom\$" \
		"$TMPD/vmatool-textfile.service"
	ok $? "the service writes the metrics into the textfile directory"
else
	skip "systemd-analyze not installed" "systemd-analyze verify"
fi
done_testing
