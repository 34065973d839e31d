#!/bin/sh
# tests/real/run.sh - `make check-real`: real programs replayed by `vmatool sim`.
#
# Each program runs under strace -f with tests/real/snap.c as LD_AUDIT, which
# saves every process's smaps at exec (PID.start) and at exit (PID.end), next
# to a marker call.  For each process with an end snapshot, the log is cut:
# the lines of an exec'd process between its last execve and its start marker
# go (the start snapshot already holds what they did), and everything after
# the process's end marker goes.  Then
#     vmatool sim --ops CUT --snapshot Q=Q.start... --pid PID --format smaps
# is compared with PID.end (maps lines and VmFlags).  A process is "exact"
# when they agree, "exact but marked" when they differ only on VMAs sim marked
# uncertain, else "differs".  One table line per program; the status is 1 when
# sim failed (an error, not a difference) or a process of the C control
# program (tests/real/ctl) differs.
#
# Environment: VMATOOL (the binary), SNAP (the audit library), CTL (the
# control program), REAL_DIR (work directory, kept for reading), PROGRAMS
# (names to run, default all that exist here).
: "${VMATOOL:=./vmatool}" "${SNAP:=tests/real/vmatool-snap.so}" "${CTL:=tests/real/ctl}"
: "${REAL_DIR:=tests/real/work}"
command -v strace >/dev/null 2>&1 && strace -o /dev/null true 2>/dev/null ||
	{ echo "check-real: strace cannot run here: skipped"; exit 0; }
rm -rf "$REAL_DIR" && mkdir -p "$REAL_DIR" || exit 1
REAL_DIR=$(cd "$REAL_DIR" && pwd)
status=0

# norm FILE: maps lines and VmFlags; shmem inodes (unknowable) as X
norm() {
	grep -E '^[0-9a-f]+-[0-9a-f]+ |^VmFlags' "$1" |
		sed -E 's#^([0-9a-f]+-[0-9a-f]+ .... [0-9a-f]+ 00:01 )[0-9]+ +#\1X #'
}
# drop_ranges RANGES-FILE: the records of a normalised smaps on stdin that
# overlap none of the START-END ranges
drop_ranges() {
	awk -v rf="$1" '
		function hex(s,   i, v, c) { v = 0; s = tolower(s)
			for (i = 1; i <= length(s); i++) { c = index("0123456789abcdef", substr(s, i, 1)) - 1; v = v * 16 + c }
			return v }
		BEGIN { while ((getline l < rf) > 0) { split(l, r, "-"); n++; lo[n] = hex(r[1]); hi[n] = hex(r[2]) } }
		/^VmFlags/ { if (keep) print; next }
		{ split($1, r, "-"); s = hex(r[1]); e = hex(r[2]); keep = 1
		  for (i = 1; i <= n; i++) if (s < hi[i] && e > lo[i]) keep = 0
		  if (keep) print }'
}
# cut LOG PID STARTED: the log for replaying PID (see the top); STARTED lists
# the PIDs with a start snapshot
cut_log() {
	awk -v pid="$2" -v started=" $3 " '
		# the marker, whole or the first half of a split one
		function marker() { return $0 ~ /madvise\((NULL|0), 0, (MADV_NORMAL|0)(\) += 0| <unfinished)/ }
		NR == FNR { if ($1 == pid && marker()) last = FNR; next }
		last && FNR >= last { exit }
		{ p = $1 }
		resumed[p] && /<\.\.\. madvise resumed>/ { resumed[p] = 0; next }
		/ execve\(.*\) = 0/ || /<\.\.\. execve resumed>.* = 0/ {
			if (index(started, " " p " ")) execd[p] = 1
			print; next }
		execd[p] {	# up to the start marker
			if (marker()) { execd[p] = 0; resumed[p] = /<unfinished/ }
			next }
		{ print }' "$1" "$1"
}

# replay NAME PID: compare; prints exact, marked or differs and returns 0, 1, 2 (3: sim failed)
replay() {
	d=$REAL_DIR/$1 pid=$2
	set --
	started=
	for f in "$d"/snap/*.start; do
		[ -e "$f" ] || continue
		set -- "$@" --snapshot "$(basename "$f" .start)=$f"
		started="$started $(basename "$f" .start)"
	done
	cut_log "$d/log" "$pid" "$started" >"$d/$pid.cut"
	"$VMATOOL" sim --ops "$d/$pid.cut" "$@" --pid "$pid" --format json >"$d/$pid.json" 2>"$d/$pid.err" ||
		return 3
	"$VMATOOL" sim --ops "$d/$pid.cut" "$@" --pid "$pid" --format smaps >"$d/$pid.pred" 2>>"$d/$pid.err" ||
		return 3
	grep -o '"uncertain":\[[^]]*\]' "$d/$pid.json" >/dev/null
	tr '{' '\n' <"$d/$pid.json" | sed -n 's/^"start": *"0x\([0-9a-f]*\)", *"end": *"0x\([0-9a-f]*\)", *"why".*/\1-\2/p' >"$d/$pid.unsure"
	norm "$d/$pid.pred" >"$d/$pid.p"
	norm "$d/snap/$pid.end" >"$d/$pid.a"
	cmp -s "$d/$pid.p" "$d/$pid.a" && return 0
	drop_ranges "$d/$pid.unsure" <"$d/$pid.p" >"$d/$pid.pm"
	drop_ranges "$d/$pid.unsure" <"$d/$pid.a" >"$d/$pid.am"
	cmp -s "$d/$pid.pm" "$d/$pid.am" && return 1
	diff "$d/$pid.p" "$d/$pid.a" >"$d/$pid.diff"
	return 2
}

# program NAME CMD...: run it traced, replay each process, print its table line
program() {
	name=$1
	shift
	d=$REAL_DIR/$name
	mkdir -p "$d/snap"
	(cd "$d" && strace -f -y -qq -o "$d/log" -E "LD_AUDIT=$SNAP" -E "VMATOOL_SNAP_DIR=$d/snap" \
		-e trace=%memory,%process,open,openat,openat2,creat,close,dup,dup2,dup3,fcntl,memfd_create,unlink,unlinkat \
		"$@" >"$d/out" 2>&1)
	n=0 exact=0 marked=0 differs=0 failed=0 tasks=0 vmas=0
	for end in "$d"/snap/*.end; do
		[ -e "$end" ] || continue
		pid=$(basename "$end" .end)
		n=$((n + 1))
		replay "$name" "$pid"
		case $? in
		0) exact=$((exact + 1)) ;;
		1) marked=$((marked + 1)) ;;
		2) differs=$((differs + 1)) ;;
		*) failed=$((failed + 1)); status=1
		   sed "s/^/#   $name $pid: /" "$d/$pid.err" | head -3 ;;
		esac
		v=$(grep -cE '^[0-9a-f]+-' "$end")
		[ "$v" -gt "$vmas" ] && vmas=$v
	done
	tasks=$(awk '{ print $1 }' "$d/log" | sort -u | wc -l)
	printf '%-10s %5d %5d %6d %6d %6d %6d %6d   %.60s\n' "$name" "$tasks" "$vmas" "$n" "$exact" \
		"$marked" "$differs" "$failed" "$(printf '%s ' "$@" | tr '\n' ' ')"
	if [ "$name" = ctl ] && [ "$differs" -gt 0 ]; then
		status=1
	fi
}

want() { [ -z "${PROGRAMS:-}" ] || case " $PROGRAMS " in *" $1 "*) ;; *) return 1 ;; esac; }
has() { command -v "$1" >/dev/null 2>&1; }

printf '%-10s %5s %5s %6s %6s %6s %6s %6s   %s\n' program tasks vmas procs exact marked differs failed command
printf 'hello world\n' >"$REAL_DIR/hello.c.in"
head -c 4000000 /dev/urandom >"$REAL_DIR/random.bin" 2>/dev/null
want ctl && [ -x "$CTL" ] && program ctl "$(cd "$(dirname "$CTL")" && pwd)/$(basename "$CTL")"
want sh && program sh /bin/sh -c 'for i in 1 2 3; do echo $i; done | cat >/dev/null; (exit 0)'
want bash && has bash && program bash bash -c 'x=$(echo a | tr a b); [ "$x" = b ] && exit 0'
want python && has python3 && program python /usr/bin/python3 -c '
import threading, os, mmap
b = [bytearray(100000) for _ in range(50)]
t = [threading.Thread(target=lambda: sum(range(100000))) for _ in range(4)]
[x.start() for x in t]; [x.join() for x in t]
m = mmap.mmap(-1, 1 << 20); m.close()
if os.fork() == 0: os._exit(0)
os.wait()'
want perl && has perl && program perl perl -e 'my @a = map { "x" x 1000 } 1..20000; my $p = fork; exit 0 if !$p; waitpid($p, 0); print scalar(@a), "\n"'
want gcc && has gcc && { printf 'int main(void){return 0;}\n' >"$REAL_DIR/t.c"; program gcc gcc -O2 -o "$REAL_DIR/t" "$REAL_DIR/t.c"; }
want git && has git && program git git -C "$REAL_DIR" init -q "$REAL_DIR/repo"
want git-gc && has git && program git-gc sh -c "cd '$REAL_DIR/repo' &&
	git -c user.name=a -c user.email=a@b commit -q --allow-empty -m x && git gc -q"
want xz && has xz && program xz xz -T2 -k -c "$REAL_DIR/random.bin"
want zstd && has zstd && program zstd zstd -q -T2 -c "$REAL_DIR/random.bin"
want gzip && has gzip && program gzip gzip -c "$REAL_DIR/random.bin"
want sort && has sort && program sort sort --parallel=2 -S 1M "$REAL_DIR/random.bin"
want sqlite && has sqlite3 && program sqlite sqlite3 :memory: 'create table t(x); insert into t select value from generate_series(1,20000); select count(*) from t;'
want tcl && has tclsh && program tcl sh -c 'echo "puts [string repeat x 100000]" | tclsh'
want node && has node && program node node -e 'const a = []; for (let i = 0; i < 1e5; i++) a.push({i}); console.log(a.length)'
want java && has java && program java java -Xmx64m -version
exit $status
