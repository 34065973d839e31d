#!/bin/sh
# tests/cli-show.sh - `vmatool show` on saved files: golden outputs, the
# maps/smaps/JSON round trips, filters whose totals add up, colour, escaping,
# the command table and every error with its exit code (and no partial
# output).  The inputs are in tests/golden/show-in.* (a real 6.18 smaps of a
# small program with a path with spaces, a deleted file, memfd, shared anon,
# a name with an escape sequence; and a 32-bit maps with [anon:...]).
. "${top_srcdir:-.}/tests/lib.sh"

cd "$top_srcdir/tests/golden" || exit 1
V=$VMATOOL
export NO_COLOR=
unset NO_COLOR

# ---- golden outputs --------------------------------------------------------
for args in "show-in.smaps" "show-in.smaps --bytes" "show-in.smaps --gaps" \
	"show-in.maps" "show-in32.maps --gaps" "show-in.smaps --no-smaps"; do
	name=$(echo "$args" | sed 's/ --*/_/g')
	run $V show $args
	is "$RC" 0 "show $args: exit 0"
	printf '%s\n' "$OUT" > "$TMPD/g"
	golden "$name.out" "$TMPD/g"
done
$V show show-in.smaps --format json > "$TMPD/j" 2>&1
golden show-in.json "$TMPD/j"
$V show show-in32.maps --format json > "$TMPD/j32" 2>&1
golden show-in32.json "$TMPD/j32"

# ---- byte-identical maps and smaps, and the JSON round trip -----------------
for f in show-in.smaps show-in.maps show-in32.maps; do
	$V show "$f" --format maps > "$TMPD/m"
	grep -v '^[A-Z][A-Za-z_]*:' "$f" > "$TMPD/want"
	cmp -s "$TMPD/m" "$TMPD/want"; ok $? "$f --format maps is the kernel's maps text"
done
$V show show-in.smaps --format smaps > "$TMPD/s"
cmp -s "$TMPD/s" show-in.smaps; ok $? "show-in.smaps --format smaps is byte-identical"
$V show "$TMPD/j" --format smaps > "$TMPD/s2"
cmp -s "$TMPD/s2" show-in.smaps; ok $? "JSON -> smaps round trip is byte-identical"
$V show "$TMPD/j32" --format maps > "$TMPD/m2"
cmp -s "$TMPD/m2" show-in32.maps; ok $? "32-bit maps -> JSON -> maps round trip"
$V show "$TMPD/j" > "$TMPD/t1"; $V show show-in.smaps > "$TMPD/t2"
cmp -s "$TMPD/t1" "$TMPD/t2"; ok $? "JSON source shows the same rows and summary as the smaps"
cat show-in.smaps | $V show - --format smaps > "$TMPD/s3"
cmp -s "$TMPD/s3" show-in.smaps; ok $? "standard input ('-') is read like a file"
cp show-in.smaps "$TMPD/no-extension"
$V show "$TMPD/no-extension" --format json > "$TMPD/j2"
like "$(grep -c '"perms"' "$TMPD/j2")" '^33$' "the kind of a file is detected from its contents"
# a vmatool/1 document written by hand (pretty-printed differently, no "name")
python3 - "$TMPD/hand.json" <<'EOF' 2>/dev/null
import json, sys
doc = {"schema": "vmatool/1", "vmas": [
  {"start": "0x400000", "end": "0x401000", "perms": "r-xp", "offset": "0x0",
   "dev": "fe:01", "inode": 12, "path": "/bin/x", "vmflags": ["rd", "ex", "mr", "me"], "rss": 4096},
  {"start": "0x7f0000000000", "end": "0x7f0000002000", "perms": "rw-p", "offset": "0x0",
   "dev": "00:00", "inode": 0, "path": None}]}
json.dump(doc, open(sys.argv[1], "w"), indent=3)
EOF
if [ -s "$TMPD/hand.json" ]; then
	run $V show "$TMPD/hand.json" --format maps
	is "$RC" 0 "a hand-written vmatool/1 document is read"
	like "$OUT" '^00400000-00401000 r-xp 00000000 fe:01 12 +/bin/x' "its VMAs are rebuilt from 'path'"
fi

# ---- filters: totals add up to exactly the rows shown -----------------------
sum_rows() { # json file -> "count size rss" of the vmas, and the summary's
	python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
v = d["vmas"]; s = d["summary"]
print(len(v), sum(x["size"] for x in v), sum(x.get("rss", 0) for x in v),
      "|", s["vmas"], s["size"], s.get("rss", 0))' "$1"
}
for filt in "--kind text" "--kind heap,stack" "--path libc.so.6" "--path *gen*" \
	"--perms rw" "--perms r-x" "--perms s" "--range 0x7f604c05e000-0x7f604c233000" \
	"--kind file --perms r"; do
	$V show show-in.smaps $filt --format json > "$TMPD/f.json"
	r=$(sum_rows "$TMPD/f.json")
	is "${r% | *}" "${r#* | }" "show $filt: JSON summary adds up to the VMAs listed"
done
run $V show show-in.smaps --kind text --bytes
rows=$(printf '%s\n' "$OUT" | grep -c ' r-xp ')
like "$OUT" "vmas:  $rows shown of 33" "--kind text: the summary counts the $rows rows shown"
total=$(printf '%s\n' "$OUT" | awk '/ r-xp /{s += $2} END {print s}')
like "$OUT" "total: size $total," "--kind text --bytes: total size is the sum of the rows"
run $V show show-in.smaps --range 0x7f604c05e000-0x7f604c233000 --format maps
is "$(printf '%s\n' "$OUT" | wc -l | tr -d ' ')" 5 "--range keeps the 5 VMAs that intersect it"
run $V show show-in.smaps --path libc.so.6 --format maps
is "$(printf '%s\n' "$OUT" | grep -c libc.so.6)" 5 "--path matches the basename"
run $V show show-in.smaps --path '[heap]' --format maps
like "$OUT" '\[heap\]$' "--path '[heap]' matches the name literally"
run $V show show-in.smaps --perms r-x --format maps
unlike "$OUT" ' (r--|rw-|---)' "--perms r-x: positional pattern excludes w"
run $V show show-in.smaps --gaps --range 0x7f604c233000-0x7f604c247000
like "$OUT" '7f604c240000-7f604c242000 +8.0K ---- \(gap\)' "--gaps shows a gap row inside the range"

# ---- colour and escaping ---------------------------------------------------
esc=$(printf '\033')
run $V show show-in.smaps
unlike "$OUT" "$esc" "no colour and no raw escape byte when not a terminal"
like "$OUT" 'evil\\x1b\[31mred' "a control character in a name is printed escaped"
# the longest name the parser takes, every byte a control character: escaped
# it is four times as long, and still one whole row
{ printf '00400000-00401000 r--p 00000000 08:01 12 /'
  head -c 16383 /dev/zero | tr '\0' '\001'; echo; } >"$TMPD/longname.maps"
run $V show "$TMPD/longname.maps"
is "$RC" 0 "a 16 KiB name of control characters: exit 0"
is "$(printf '%s\n' "$OUT" | sed -n 2p | grep -o '\\x01' | wc -l)" 16383 \
	"... every byte printed escaped on its row"
run $V show show-in.smaps --color=always
like "$OUT" "$esc\[32m" "--color=always colours text mappings"
run env NO_COLOR=1 $V show show-in.smaps --color=auto
unlike "$OUT" "$esc" "NO_COLOR with --color=auto: no colour"
run $V show show-in.smaps --format maps
like "$OUT" "evil${esc}\[31mred" "--format maps stays raw, as the kernel prints it"

# ---- the command table -----------------------------------------------------
run $V --help
is "$RC" 0 "vmatool --help exits 0"
like "$OUT" '^  show ' "--help lists show"
like "$OUT" '^  find ' "--help lists find"
run $V --version
like "$OUT" '^vmatool [0-9]' "--version"
run $V show --help
is "$RC" 0 "show --help exits 0"
like "$OUT" '--format=FMT' "show --help lists --format from the option table"
like "$OUT" '--no-smaps' "show --help lists --no-smaps"
run $V sh show-in.maps --format maps
is "$RC" 0 "a unique prefix ('sh') runs show"
run $V s show-in.maps
is "$RC" 2 "an ambiguous prefix exits 2"
like "$ERR" "^vmatool: ambiguous command 's', could be: show, sim, snapshot\$" "ambiguous command message"
run $V frobnicate
is "$RC" 2 "unknown command exits 2"
like "$ERR" "unknown command 'frobnicate'" "unknown command message"
run $V
is "$RC" 2 "no command exits 2"

# ---- errors: message, exit code, nothing on standard output -----------------
err_case() { # RC ERR-REGEX NAME ARGS...
	want=$1 re=$2 name=$3
	shift 3
	run $V "$@"
	is "$RC" "$want" "$name: exit $want"
	like "$ERR" "$re" "$name: message"
	is "$OUT" "" "$name: no partial output"
}
err_case 3 "^vmatool: show: cannot read '\\./nonexistent.maps': No such file" "missing file" \
	show ./nonexistent.maps
err_case 3 "^vmatool: show: no process or file named 'nonexistent.maps'" "neither process nor file" \
	show nonexistent.maps
printf 'hello world\n' > "$TMPD/junk"
err_case 2 "not a maps, smaps or vmatool JSON file" "junk file" show "$TMPD/junk"
: > "$TMPD/empty"
err_case 2 "the file is empty" "empty file" show "$TMPD/empty"
{ head -n 2 show-in.maps; echo '55f691ec9000-55f691eca000 r--p 00002000 fe:00'; tail -n 3 show-in.maps; } > "$TMPD/bad.maps"
err_case 2 "cannot read '.*bad.maps': line 3: " "malformed line names file and line" \
	show "$TMPD/bad.maps"
{ cat show-in.smaps; echo '7f0000000000-7f0000001000 rw-p 00000000 00:00 0'; echo 'Size: 4 kB'; } > "$TMPD/trunc.smaps"
err_case 2 "cannot read '.*trunc.smaps'" "a truncated smaps record" show "$TMPD/trunc.smaps"
printf '{"schema":"vmatool/1","vmas":[{"start":"0x1000"}]}\n' > "$TMPD/bad.json"
err_case 2 "cannot read '.*bad.json': line 1, column 31: vmas\[0\]: 'end' is missing" "a JSON VMA without end" show "$TMPD/bad.json"
printf '{"schema":"other/2","vmas":[]}\n' > "$TMPD/other.json"
err_case 2 "not a vmatool/1 document" "another schema" show "$TMPD/other.json"
printf '{"schema":"vmatool/1",\n"vmas":[}\n' > "$TMPD/broken.json"
err_case 2 "cannot read '.*broken.json': line 2, column 9: expected a value, found '}'" "broken JSON names the line" show "$TMPD/broken.json"
err_case 2 "^vmatool: show: bad value 'xml' for --format: expected text, json, maps or smaps" "bad --format" show show-in.maps --format xml
err_case 2 "bad value 'text,bogus' for --kind: expected text, data, .* or deleted" "bad --kind" show show-in.maps --kind text,bogus
err_case 2 "bad value '5-3' for --range: the end must be above the start" "bad --range" show show-in.maps --range 5-3
err_case 2 "bad value 'q' for --perms: expected letters of rwxsp" "bad --perms" show show-in.maps --perms q
err_case 2 "bad value 'sometimes' for --color: expected auto, always or never" "bad --color" show show-in.maps --color=sometimes
err_case 2 "unknown option '--frob'" "unknown option" show show-in.maps --frob
err_case 2 "^vmatool: show: wrong number of operands \\(got 0\\)$" "no target" show
err_case 2 "exclude each other" "--no-smaps with --format smaps" show show-in.smaps --no-smaps --format smaps
err_case 2 "needs a value" "option without its value" show show-in.maps --format


# ---- review: messages, options that would do nothing, writing, odd names ----
err_case 2 "^vmatool: show: option '--format' needs a value" "a long option without its value is named as written" \
	show show-in.maps --format
err_case 2 "^vmatool: show: option '-f' needs a value" "a short option without its value" show show-in.maps -f
err_case 2 "--bytes applies to --format text only" "--bytes with --format json" show show-in.maps -f json --bytes
err_case 2 "--color applies to --format text only" "--color with --format maps" \
	show show-in.maps --format maps --color=always
err_case 2 "--gaps applies to --format text and json only" "--gaps with --format smaps" \
	show show-in.smaps --format smaps --gaps
{ head -n 1 show-in.maps; head -n 1 show-in.maps; } > "$TMPD/twice.maps"
err_case 2 "cannot read '.*twice.maps': line 2: VMA 0x55f691ec6000-0x55f691ec7000 overlaps" \
	"an overlapping line: its number said once" show "$TMPD/twice.maps"
unlike "$ERR" "line 2: line 2" "an overlapping line: no doubled 'line 2:'"
printf '{"schema":"vmatool/1","vmas":[{"start":"0x1000","end":"0x3000","perms":"r--p","offset":"0x0","dev":"00:00","inode":0,"name":""},{"start":"0x2000","end":"0x4000","perms":"r--p","offset":"0x0","dev":"00:00","inode":0,"name":""}]}\n' > "$TMPD/ovl.json"
err_case 2 "cannot read '.*ovl.json': line 1, column 129: vmas\[1\]: VMA 0x2000-0x4000 overlaps" \
	"overlapping JSON VMAs: named by index, not by an internal line" show "$TMPD/ovl.json"
printf '{"schema":"vmatool/1","vmas":[{"start":"0x1000","end":"0x2000","perms":"r--p","offset":"0x0","dev":"00:00","inode":0,"name":"","rss":-4096}]}\n' > "$TMPD/neg.json"
err_case 2 "vmas\[0\]: 'rss' must be a non-negative integer" "a negative size in JSON" show "$TMPD/neg.json"
err_case 3 "cannot read '/nonexistent/\\\\x1b\[31mx'" "a control character in a file name is escaped in messages" \
	show "/nonexistent/${esc}[31mx"
unlike "$ERR" "$esc" "no raw escape byte in the message"
run $V show --no-smaps show-in.json
$V show show-in.maps > "$TMPD/maps.txt"
printf '%s\n' "$OUT" | cmp -s - "$TMPD/maps.txt"
ok $? "--no-smaps on a JSON snapshot shows what its maps text would"
run $V show --no-smaps --format json show-in.smaps
like "$OUT" '"has_smaps":false' "--no-smaps on an smaps file: no smaps values in the JSON"
unlike "$OUT" '"rss":' "--no-smaps on an smaps file: no rss"
if [ -c /dev/full ]; then
	$V show show-in.maps > /dev/full 2> "$TMPD/e"
	is "$?" 3 "output that cannot be written: exit 3"
	$V show --help > /dev/full 2> "$TMPD/e"
	is "$?" 3 "--help that cannot be written: exit 3"
	like "$(cat "$TMPD/e")" "cannot write the output" "--help that cannot be written: message"
fi
err_case 2 "bad value '0-0x10000000000000000' for --range: an address above 64 bits" "--range above 64 bits" \
	show show-in.maps --range 0-0x10000000000000000
mkdir "$TMPD/adir"
run sh -c "cd '$TMPD' && exec '$V' show adir"
is "$RC:$OUT" "3:" "a directory as TARGET: exit 3, no output"
like "$ERR" "^vmatool: show: cannot read 'adir': Is a directory\$" "a directory as TARGET: said so"
# a process whose name is an escape sequence: found by that name, printed escaped
ename="${esc}[31mx$$"	# unique: comm holds 15 bytes
evil="$TMPD/$ename"
cp "$(command -v sleep)" "$evil"
"$evil" 1000 &
EVIL_PID=$!
CHILD_PID=$EVIL_PID
i=0
while [ "$(cat /proc/$EVIL_PID/comm 2>/dev/null)" != "$ename" ] && [ $i -lt 500 ]; do i=$((i + 1)); done
run $V show "$ename"
is "$RC" 0 "a process named with control characters is found by that name"
like "$OUT" "process: $EVIL_PID \\\\x1b\[31mx$$ " "its name is printed escaped in the summary"
unlike "$OUT" "$esc" "no raw escape byte in show's text"
run $V find "$ename" "$ename+0x10"
like "$OUT" "/\\\\x1b\[31mx$$ \+0x10\$" "find: NAME+OFFSET with that name, printed escaped"
unlike "$OUT" "$esc" "no raw escape byte in find's text"
kill -KILL $EVIL_PID 2>/dev/null
wait $EVIL_PID 2>/dev/null
CHILD_PID=

done_testing
