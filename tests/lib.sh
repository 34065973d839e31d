# tests/lib.sh - TAP helpers for the shell tests.  Source it, call the
# checks, end with `done_testing`.  $VMATOOL is the binary under test.
: "${VMATOOL:=./vmatool}"
: "${top_srcdir:=.}"
: "${top_builddir:=.}"
tap_n=0
tap_failed=0
TMPD=$(mktemp -d "${TMPDIR:-/tmp}/vmatool-test.XXXXXX")
# KILL, not TERM: the live tests stop their children, and a stopped
# process never acts on TERM
cleanup() {
	rm -rf "$TMPD"
	[ -n "${CHILD_PID:-}" ] && kill -KILL "$CHILD_PID" 2>/dev/null
	true
}
trap cleanup EXIT

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
done_testing() { echo "1..$tap_n"; [ "$tap_failed" -eq 0 ]; }
