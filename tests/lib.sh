# tests/lib.sh - TAP helpers for the shell tests.  Source it, call the
# checks, end with `done_testing`.  $VMATOOL is the binary under test.
: "${VMATOOL:=./vmatool}"
: "${top_srcdir:=.}"
: "${top_builddir:=.}"
tap_n=0
tap_failed=0
TMPD=$(mktemp -d "${TMPDIR:-/tmp}/vmatool-test.XXXXXX")
# Processes a test starts: $CHILD_PID and the PIDs listed in $KILL_PIDS are
# killed on exit.  KILL, not TERM: the live tests stop their children, and a
# stopped process never acts on TERM
cleanup() {
	for cl_pid in ${CHILD_PID:-} ${KILL_PIDS:-}; do
		kill -KILL "$cl_pid" 2>/dev/null
	done
	rm -rf "$TMPD"
	true
}
# forget_pid PID: PID has been waited for (its number may be reused): not ours
forget_pid() {
	fp_keep=
	for fp_pid in ${KILL_PIDS:-}; do
		[ "$fp_pid" = "$1" ] || fp_keep="$fp_keep $fp_pid"
	done
	KILL_PIDS=$fp_keep
}
trap cleanup EXIT
trap 'exit 129' HUP
trap 'exit 130' INT
trap 'exit 143' TERM

ok() { # ok COND-STATUS NAME
	tap_n=$((tap_n + 1))
	if [ "$1" -eq 0 ]; then echo "ok $tap_n - $2"; else echo "not ok $tap_n - $2"; tap_failed=$((tap_failed + 1)); fi
}
diag() { printf '# %s\n' "$@"; }
# run CMD...: runs it, keeps stdout in $OUT, stderr in $ERR, status in $RC
run() {
	"$@" >"$TMPD/out" 2>"$TMPD/err"
	RC=$?
	OUT=$(cat "$TMPD/out")
	ERR=$(cat "$TMPD/err")
}
is() { # is GOT WANT NAME
	if [ "$1" = "$2" ]; then ok 0 "$3"; else ok 1 "$3"; diag "got:  $1" "want: $2"; fi
}
like() { # like GOT REGEX NAME (grep -E)
	if printf '%s\n' "$1" | grep -Eq -- "$2"; then ok 0 "$3"; else ok 1 "$3"; diag "got: $1" "want match: $2"; fi
}
unlike() {
	if printf '%s\n' "$1" | grep -Eq -- "$2"; then ok 1 "$3"; diag "got: $1" "must not match: $2"; else ok 0 "$3"; fi
}
# golden NAME FILE: compare FILE with tests/golden/NAME; GENERATE=1 rewrites it
golden() {
	g="$top_srcdir/tests/golden/$1"
	if [ -n "${GENERATE:-}" ]; then cp "$2" "$g"; ok 0 "golden $1 (regenerated)"; return; fi
	if cmp -s "$g" "$2"; then ok 0 "golden $1"; else ok 1 "golden $1"; diff -u "$g" "$2" | sed 's/^/# /' | head -40; fi
}
skip_all() { echo "1..0 # SKIP $1"; exit 0; }
skip_test() { # skip_test REASON NAME: one check that cannot be made here
	tap_n=$((tap_n + 1))
	echo "ok $tap_n - $2 # SKIP $1"
}
# The TAP stream, also reachable from inside $(...) (fd 9)
exec 9>&1
# wait_until WHAT CMD...: runs CMD until it succeeds.  Synchronisation is on
# the state CMD looks at, never on time; the bound (far above any real wait)
# only turns a broken test into a failure ("Bail out!") instead of a hang.
wait_until() {
	wu_what=$1 wu_n=0
	shift
	until "$@"; do
		wu_n=$((wu_n + 1))
		if [ "$wu_n" -ge "${WAIT_TRIES:-100000}" ]; then
			echo "Bail out! gave up waiting for $wu_what" >&9
			exit 1
		fi
	done
}
done_testing() { echo "1..$tap_n"; [ "$tap_failed" -eq 0 ]; }
