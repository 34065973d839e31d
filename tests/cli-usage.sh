#!/bin/sh
# tests/cli-usage.sh - every command reads its command line from its table
# entry, and words each kind of usage mistake one way: a table of bad usages
# (unknown option, bad values of every type, missing and extra operands,
# options given twice, ambiguous prefixes) with the exit status 2, the one
# message shape and its second line; then every option of every command
# that takes a checked value, found through `vmatool --list-options`, is
# given a bad value and must answer in that shape.
. "${top_srcdir:-.}/tests/lib.sh"

cd "$top_srcdir/tests/golden" || exit 1
M=show-in.maps

# bad RC FIRST-LINE-REGEX SECOND-LINE-REGEX ARGS...: vmatool ARGS fails with
# status RC, nothing on stdout, and those two lines on stderr
bad() {
	want=$1 l1=$2 l2=$3
	shift 3
	run "$VMATOOL" "$@"
	is "$RC" "$want" "$*: exit $want"
	is "$OUT" "" "$*: nothing on standard output"
	like "$(printf '%s\n' "$ERR" | sed -n 1p)" "$l1" "$*: message"
	like "$(printf '%s\n' "$ERR" | sed -n 2p)" "$l2" "$*: second line"
	is "$(printf '%s\n' "$ERR" | wc -l)" 2 "$*: two lines"
}
try() { printf "^Try 'vmatool %s --help'\\.\$" "$1"; }
usage() { printf '^usage: vmatool %s$' "$1"; }

# ---- values: one shape ------------------------------------------------------------
bad 2 "^vmatool: show: bad value 'xml' for --format: expected text, json, maps or smaps\$" \
	"$(try show)" show --format xml $M
bad 2 "^vmatool: find: bad value 'xml' for --format: expected text or json\$" \
	"$(try find)" find -f xml $M 0x1000
bad 2 "^vmatool: diff: bad value 'xml' for --format: expected text or json\$" \
	"$(try diff)" diff --format=xml $M $M
bad 2 "^vmatool: watch: bad value 'json' for --format: expected text or jsonl\$" \
	"$(try watch)" watch -f json self
bad 2 "^vmatool: sim: bad value 'yaml' for --format: expected text, json, maps or smaps\$" \
	"$(try sim)" sim -f yaml -e 'brk(NULL)'
bad 2 "^vmatool: show: bad value 'sometimes' for --color: expected auto, always or never\$" \
	"$(try show)" show --color=sometimes $M
bad 2 "^vmatool: diff: bad value 'sometimes' for --color: expected auto, always or never\$" \
	"$(try diff)" diff --color sometimes $M $M
bad 2 "^vmatool: show: bad value 'text,,heap' for --kind: expected text, data, bss, heap, stack, file, anon, shm, special or deleted\$" \
	"$(try show)" show -k text,,heap $M
bad 2 "^vmatool: show: bad value '0x2000-0x1000' for --range: the end must be above the start\$" \
	"$(try show)" show -r 0x2000-0x1000 $M
bad 2 "^vmatool: show: bad value 'lo-hi' for --range: expected LO-HI" "$(try show)" show -r lo-hi $M
bad 2 "^vmatool: show: bad value 'rz' for --perms: expected letters of rwxsp" "$(try show)" \
	show --perms rz $M
bad 2 "^vmatool: diff: bad value 'lots' for --min-delta: expected a size: 4096, 4k, 1M or 0x1000\$" \
	"$(try diff)" diff --min-delta lots $M $M
bad 2 "^vmatool: watch: bad value '99999999999999999999' for --min-delta: a size above 64 bits\$" \
	"$(try watch)" watch --min-delta 99999999999999999999 self
bad 2 "^vmatool: watch: bad value 'soon' for --interval: expected a duration: 500ms, 2s, 1m\$" \
	"$(try watch)" watch -i soon self
bad 2 "^vmatool: watch: bad value '25h' for --interval: expected 1ms to 1 day\$" \
	"$(try watch)" watch --interval 25h self
bad 2 "^vmatool: watch: bad value '-3' for --count: expected a whole number above 0\$" \
	"$(try watch)" watch -n -3 self
bad 2 "^vmatool: sim: bad value '4294967296' for --max-map-count: expected a whole number from 1 to 4294967295\$" \
	"$(try sim)" sim --max-map-count 4294967296 -e 'brk(NULL)'
bad 2 "^vmatool: snapshot: bad value '' for --output: expected a file name\$" \
	"$(try snapshot)" snapshot --output= $M
bad 2 "^vmatool: sim: bad value '' for --ops: expected a file name\$" "$(try sim)" sim -o '' $M
bad 2 "^vmatool: diff: bad value 'thp' for --machine: expected NAME=VALUE or upstream\$" \
	"$(try diff)" diff -e --machine thp $M $M
bad 2 "^vmatool: sim: bad value 'pku=2' for --machine: pku takes true or false\$" \
	"$(try sim)" sim -m pku=2 -e 'brk(NULL)'
bad 2 "^vmatool: diff: --machine applies to --explain only\$" "$(try diff)" diff -m pku=true $M $M

# ---- options ------------------------------------------------------------------------
bad 2 "^vmatool: show: unknown option '--frob'\$" "$(try show)" show --frob $M
bad 2 "^vmatool: find: unknown option '-z'\$" "$(try find)" find -z $M 0x1000
bad 2 "^vmatool: diff: option '--min-delta' needs a value\$" "$(try diff)" diff $M $M --min-delta
bad 2 "^vmatool: sim: option '-e' needs a value\$" "$(try sim)" sim -e
bad 2 "^vmatool: watch: option '--bytes' takes no value\$" "$(try watch)" watch --bytes=yes self
bad 2 "^vmatool: find: option '--no-query' takes no value\$" "$(try find)" find --no-q=1 $M 0x1000
bad 2 "^vmatool: snapshot: option '--output' given twice\$" "$(try snapshot)" \
	snapshot -o a.json --output b.json $M
bad 2 "^vmatool: sim: option '--snapshot' given twice\$" "$(try sim)" sim -s $M -s $M -e 'brk(NULL)'
bad 2 "^vmatool: help: unknown option '--all'\$" "$(try help)" help --all
bad 2 "^vmatool: show: ambiguous option '--p', could be: --path, --perms\$" "$(try show)" show --p x $M
bad 2 "^vmatool: sim: ambiguous option '--ma', could be: --max-map-count, --machine\$" "$(try sim)" \
	sim --ma=3 -e 'brk(NULL)'
run "$VMATOOL" show --by --form=json $M
is "$RC" 2 "a unique prefix of a long option is the option (--by --form=json: exclude each other)"
like "$ERR" "^vmatool: show: --bytes applies to --format text only" "a unique prefix: named in full after"

# ---- operands: one wording, and the usage line -------------------------------------
bad 2 "^vmatool: show: wrong number of operands \\(got 0\\)\$" "$(usage 'show \[options\] TARGET')" show
bad 2 "^vmatool: show: wrong number of operands \\(got 2\\)\$" "$(usage 'show \[options\] TARGET')" \
	show -f json $M $M
bad 2 "^vmatool: find: wrong number of operands \\(got 1\\)\$" \
	"$(usage 'find \[options\] TARGET ADDR\.\.\.')" find $M
bad 2 "^vmatool: snapshot: wrong number of operands \\(got 0\\)\$" \
	"$(usage 'snapshot \[options\] TARGET')" snapshot -o x.json
bad 2 "^vmatool: diff: wrong number of operands \\(got 3\\)\$" "$(usage 'diff \[options\] A B')" \
	diff $M $M $M
bad 2 "^vmatool: watch: wrong number of operands \\(got 0\\)\$" "$(usage 'watch \[options\] TARGET')" watch
bad 2 "^vmatool: sim: wrong number of operands \\(got 2\\)\$" "$(usage 'sim \[options\] \[TARGET\]')" \
	sim $M $M -e 'brk(NULL)'
bad 2 "^vmatool: help: wrong number of operands \\(got 2\\)\$" "$(usage 'help \[COMMAND\]')" help show find
# "--" ends the options: what follows is an operand
bad 2 "^vmatool: show: wrong number of operands \\(got 2\\)\$" "$(usage 'show \[options\] TARGET')" \
	show $M -- --bytes

# ---- commands --------------------------------------------------------------------------
run "$VMATOOL" s $M
is "$RC:$OUT" "2:" "an ambiguous prefix: exit 2, nothing on standard output"
is "$ERR" "vmatool: ambiguous command 's', could be: show, sim, snapshot" "an ambiguous prefix: the candidates"
run "$VMATOOL" frob
is "$RC" 2 "an unknown command: exit 2"
like "$ERR" "^vmatool: unknown command 'frob'" "an unknown command: named"
run "$VMATOOL" --frob
is "$RC" 2 "an unknown global option: exit 2"
run "$VMATOOL" --list-options show find
is "$RC" 2 "--list-options with two commands: exit 2"
run "$VMATOOL" he sn
is "$RC" 0 "help takes a unique prefix, and so does its operand"
like "$OUT" "^usage: vmatool snapshot \\[options\\] TARGET" "vmatool he sn: the help of snapshot"
run "$VMATOOL" help
is "$RC:$ERR" "0:" "vmatool help: exit 0"
like "$OUT" "^usage: vmatool COMMAND" "vmatool help: the general help"
run "$VMATOOL" help frob
is "$RC" 2 "vmatool help of an unknown command: exit 2"
run "$VMATOOL" show --help --frob
is "$RC:$ERR" "0:" "--help first: the help, whatever follows"
like "$OUT" "^usage: vmatool show" "--help first: the command's help"
run "$VMATOOL" show $M --format=json --format text
is "$RC" 0 "an option given twice: the last wins"
like "$OUT" "^START-END" "an option given twice: the last value (text) is used"
run "$VMATOOL" show -k heap -k stack -f maps "$top_srcdir/tests/golden/show-in.smaps"
is "$RC" 0 "--kind given twice"
is "$(printf '%s\n' "$OUT" | grep -c -e '\[heap\]' -e '\[stack\]')" 2 "--kind given twice: both kinds kept"
is "$(printf '%s\n' "$OUT" | wc -l)" 2 "--kind given twice: only those kinds"

# every kind that --list-options offers for show --kind is one show takes
for k in $("$VMATOOL" --list-options show | awk -F '\t' '$2 == "--kind" { print $6 }'); do
	run "$VMATOOL" show -k "$k" -f maps "$top_srcdir/tests/golden/show-in.smaps"
	is "$RC:$ERR" "0:" "show --kind $k: taken"
done
run "$VMATOOL" show -k heap -f maps "$top_srcdir/tests/golden/show-in.smaps"
is "$OUT" "$(grep -a '\[heap\]' "$top_srcdir/tests/golden/show-in.smaps")" "show --kind heap: the heap alone"

# ---- every checked option of every command, from the table --------------------------
n_checked=0
for cmd in $("$VMATOOL" --list-options | cut -f1); do
	"$VMATOOL" --list-options "$cmd" | awk -F '\t' '$1 == "option" { print $2, $4 }' >"$TMPD/opts"
	while read -r opt type; do
		case $type in
		enum | enum-list) v=no-such-value ;;
		size) v=lots ;;
		duration) v=soon ;;
		range) v=9-1 ;;
		count) v=0 ;;
		file) v= ;;
		setting) v=no_such_setting=1 ;;
		*) continue ;;
		esac
		n_checked=$((n_checked + 1))
		run "$VMATOOL" "$cmd" "$opt=$v" x y
		is "$RC:$OUT" "2:" "$cmd $opt='$v': exit 2, nothing on standard output"
		like "$ERR" "^vmatool: $cmd: bad value '$v' for $opt: [a-z]" "$cmd $opt='$v': the one shape"
	done <"$TMPD/opts"
done
[ "$n_checked" -ge 15 ]; ok $? "checked options found in the table ($n_checked)"

done_testing
