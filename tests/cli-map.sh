#!/bin/sh
# tests/cli-map.sh - vmatool map on a child process the test starts: the text
# column (a line per region or run, both directions, --lines), the --strip,
# and the SVG (--svg FILE and --format svg): well-formed (xmllint, else python3's XML parser), a
# rectangle with a <title> for every VMA, names with markup and control
# characters kept well-formed, rendered by rsvg-convert when it is installed;
# -o writes atomically; bad options are usage errors.
. "$top_srcdir/tests/lib.sh"

CHILD="$top_builddir/tests/child"
[ -x "$CHILD" ] || skip_all "no $CHILD"

mkfifo "$TMPD/child.in" "$TMPD/child.out"
"$CHILD" <"$TMPD/child.in" >"$TMPD/child.out" &
CHILD_PID=$!
exec 3>"$TMPD/child.in" 4<"$TMPD/child.out"
send() { echo "$*" >&3; read -r REPLY <&4; }

# a name with markup, a control character and a byte that is not UTF-8
BADNAME=$(printf 'a<b>&c\033[1m\377')
printf 'x%.0s' $(seq 1 4096) >"$TMPD/$BADNAME"
send mapfile bad "$TMPD/$BADNAME" 4k r
send map locked 64k rw
send protect locked 16k 16k -
send map reserve 256m -

# ---- text: the column --------------------------------------------------------------
run "$VMATOOL" map --color=never --lines 1000 "$CHILD_PID"
is "$RC" 0 "text: exit 0"
NV=$(grep -c . "/proc/$CHILD_PID/maps")
like "$(printf '%s\n' "$OUT" | head -n 1)" "^process $CHILD_PID \\(child\\): $NV VMAs, [0-9a-f]+-[0-9a-f]+\$" \
	"text: the title line"
like "$(printf '%s\n' "$OUT" | sed -n 2p)" "^high addresses first; a line per region\$" \
	"text: high addresses first, a line per region (within --lines 1000)"
LINES_=$(printf '%s\n' "$OUT" | grep -aE '^ *[0-9a-f]+-[0-9a-f]+ ')
# every VMA on a line of its own, from the highest down (of a copy of the
# maps, which the child's own threads of libc may change meanwhile)
cat "/proc/$CHILD_PID/maps" >"$TMPD/col.maps"
NC=$(grep -c . "$TMPD/col.maps")
run "$VMATOOL" map --color=never --lines 1000 "$TMPD/col.maps"
LINES_=$(printf '%s\n' "$OUT" | grep -aE '^ *[0-9a-f]+-[0-9a-f]+ ')
awk '{ print $1 }' "$TMPD/col.maps" | sed 's/^0*//; s/-0*/-/' >"$TMPD/ranges"
printf '%s\n' "$LINES_" | awk '{ print $1 }' | sed 's/^ *//' >"$TMPD/lines"
missing=0
while read -r range; do
	grep -qx -- "$range" "$TMPD/lines" || { missing=$((missing + 1)); diag "no line for $range"; }
done <"$TMPD/ranges"
is "$missing" 0 "text: a line for each of the $NC VMAs"
is "$(printf '%s\n' "$LINES_" | awk '{ split($1, r, "-"); print r[1] }' | while read -r a; do printf '%d\n' "0x$a"; done | sort -nrc 2>&1; echo $?)" 0 \
	"text: the lines go from the highest address down"
like "$LINES_" " SSS+ +\\[stack\\]\$" "text: the stack's bar in its letter"
like "$LINES_" " gap [0-9.]+[KMGTPE], collapsed\$" "text: a huge gap is collapsed, with its size"
like "$LINES_" " ---p #+ +\\(guard\\)\$" "text: a PROT_NONE region is a guard"
like "$LINES_" "above user space \\(the kernel's\\), collapsed" "text: the kernel's part of the address space, collapsed"
like "$OUT" "H heap  S stack" "text: the legend"
run "$VMATOOL" map --color=never --from low --lines 1000 "$CHILD_PID"
is "$(printf '%s\n' "$OUT" | grep -aE '^ *[0-9a-f]+-[0-9a-f]+ ' | awk '{ split($1, r, "-"); print r[1] }' | while read -r a; do printf '%d\n' "0x$a"; done | sort -nc 2>&1; echo $?)" 0 \
	"text: --from low goes from the lowest address up"
like "$(printf '%s\n' "$OUT" | sed -n 2p)" "^low addresses first" "text: --from low says so"
run "$VMATOOL" map --color=never --lines 12 "$TMPD/col.maps"
N12=$(printf '%s\n' "$OUT" | grep -aEc '^ *[0-9a-f]+-[0-9a-f]+ ')
ok "$([ "$N12" -le 12 ] && [ "$N12" -ge 8 ]; echo $?)" "text: --lines 12: at most twelve lines ($N12)"
like "$(printf '%s\n' "$OUT" | sed -n 2p)" "neighbours under [0-9.]+[KMGTPE] share a line" \
	"text: --lines 12 says how small a region must be to share a line"
like "$OUT" " [0-9]+ VMAs, ([0-9]+ gaps?, )?mostly [a-z]+: " "text: a run of small regions: its counts, main kind, names"
TOT=$(printf '%s\n' "$OUT" | grep -aE '^ *[0-9a-f]+-[0-9a-f]+ ' | awk '
	/ [0-9]+ VMAs, / { for (i = 1; i <= NF; i++) if ($(i + 1) ~ /^VMAs,?$/) { n += $i; break }; next }
	/ gap [0-9.]+|above user space/ { next }
	{ n++ } END { print n }')
is "$TOT" "$NC" "text: --lines 12: the lines still count every VMA"
run "$VMATOOL" map --color=always "$CHILD_PID"
like "$OUT" "$(printf '\033')\\[" "text: --color=always colours the bars by kind"

# ---- text: the strip ------------------------------------------------------------------
run "$VMATOOL" map --strip --color=never "$CHILD_PID"
is "$RC" 0 "strip: exit 0"
is "$(printf '%s\n' "$OUT" | grep -Ec '^ *[0-9a-f]+ \|[a-zA-Z.#~0-9]+\|$')" 8 "strip: eight strip rows"
is "$(printf '%s\n' "$OUT" | grep -E '^ *[0-9a-f]+ \|' | awk '{ print length($0) }' | sort -u)" 80 \
	"strip: 80 columns by default"
like "$OUT" "H heap  S stack" "strip: the legend"
like "$(printf '%s\n' "$OUT" | grep -E '^ *[0-9a-f]+ \|')" "#" "strip: a large PROT_NONE reservation shows as a guard"
like "$OUT" "~[0-9.]+[KMGTPE]~" "strip: a huge gap is collapsed with its size"
like "$OUT" "huge gaps, collapsed:" "strip: the collapsed gaps are listed"
run "$VMATOOL" map --strip --color=never --width 120 "$CHILD_PID"
is "$(printf '%s\n' "$OUT" | grep -E '^ *[0-9a-f]+ \|' | awk '{ print length($0) }' | sort -u)" 120 \
	"strip: --width 120"
run "$VMATOOL" map --strip --color=always "$CHILD_PID"
like "$OUT" "$(printf '\033')\\[" "strip: --color=always colours the kinds"

# ---- svg -----------------------------------------------------------------------
run "$VMATOOL" map --format svg -o "$TMPD/map.svg" "$CHILD_PID"
is "$RC" 0 "svg: exit 0"
is "$OUT$ERR" "" "svg -o: nothing on the terminal"
ls -a "$TMPD" >"$TMPD/ls"
unlike "$(cat "$TMPD/ls")" '^\.(vmatool|tmp)|\.tmp' "svg -o: no temporary file left behind"
wellformed() {
	if command -v xmllint >/dev/null 2>&1; then
		xmllint --noout "$1" 2>&1
	else
		python3 -c 'import sys, xml.dom.minidom; xml.dom.minidom.parse(sys.argv[1])' "$1" 2>&1
	fi
}
is "$(wellformed "$TMPD/map.svg")" "" "svg: the document is well-formed"
# every VMA of the process a rectangle with a title
missing=0
while read -r range rest; do
	grep -q "<rect class=\"vma\"[^>]*><title>$range " "$TMPD/map.svg" || { missing=$((missing + 1)); diag "no rect for $range"; }
done <"/proc/$CHILD_PID/maps"
is "$missing" 0 "svg: a rectangle with a title for each of the $NV VMAs"
like "$(cat "$TMPD/map.svg")" 'a&lt;b&gt;&amp;c\\x1b\[1m\\xff' "svg: the name escaped (markup, control, bad UTF-8)"
like "$(cat "$TMPD/map.svg")" 'class="collapsed"' "svg: collapsed gaps are drawn"
like "$(cat "$TMPD/map.svg")" '>\[stack\] <tspan' "svg: the stack is labelled"
like "$(cat "$TMPD/map.svg")" 'guard pages|fill="#333333"' "svg: the guards are drawn as such"
if command -v rsvg-convert >/dev/null 2>&1; then
	rsvg-convert -o "$TMPD/map.png" "$TMPD/map.svg"
	ok $? "svg: rsvg-convert renders it"
else
	echo "ok $((tap_n += 1)) - svg: rsvg-convert renders it # SKIP rsvg-convert not installed"
fi
run "$VMATOOL" map -f svg "$CHILD_PID"
like "$(printf '%s\n' "$OUT" | head -n 1)" '^<\?xml version="1.0"' "svg: to standard output without -o"
run "$VMATOOL" map --svg "$TMPD/map2.svg" "$CHILD_PID"
is "$RC$OUT$ERR" "0" "--svg FILE: exit 0, nothing on the terminal"
is "$(wellformed "$TMPD/map2.svg")" "" "--svg FILE: the document is well-formed"
is "$(grep -c '<rect class="vma"' "$TMPD/map2.svg")" "$(grep -c '<rect class="vma"' "$TMPD/map.svg")" \
	"--svg FILE: the same picture as --format svg -o FILE"
ls -a "$TMPD" >"$TMPD/ls"
unlike "$(cat "$TMPD/ls")" '^\.(vmatool|tmp)|\.tmp' "--svg: no temporary file left behind"

# ---- json: the layout --------------------------------------------------------------
run "$VMATOOL" map --format json --width 500 "$CHILD_PID"
is "$RC" 0 "json: exit 0"
printf '%s\n' "$OUT" >"$TMPD/map.json"
run python3 - "$TMPD/map.json" "/proc/$CHILD_PID/maps" <<'EOF'
import json, sys
d = json.load(open(sys.argv[1]))
p = d["pieces"]
assert d["schema"] == "vmatool-map/1", d["schema"]
assert d["units"] == 500, d["units"]
x = 0.0
for a, b in zip(p, p[1:]):
    assert a["end"] == b["start"], (a, b)          # address order, no hole
for q in p:
    assert abs(q["x"] - x) < 0.01, (q, x)          # the pieces tile the line
    x += q["w"]
assert abs(x - 500) < 0.1, x
starts = {q["start"] for q in p if q["vma"]}
for line in open(sys.argv[2], encoding="latin-1"):
    s = "0x" + line.split("-")[0].lstrip("0")
    assert s in starts, s                         # every VMA has a piece
assert any(q.get("collapsed") for q in p)
assert any(q.get("guard") for q in p)
print("ok", len(p))
EOF
like "$OUT$ERR" "^ok [0-9]+\$" "json: pieces in address order tile the line; every VMA has one; guards, collapsed gaps"

# a saved file draws the same way
cat "/proc/$CHILD_PID/maps" >"$TMPD/saved.maps"
run "$VMATOOL" map --color=never "$TMPD/saved.maps"
is "$RC" 0 "a saved maps file: exit 0"
like "$(printf '%s\n' "$OUT" | head -n 1)" "saved.maps: $NV VMAs" "a saved maps file: its title"

# ---- errors --------------------------------------------------------------------
run "$VMATOOL" map -f svg -o "$TMPD/no/such/dir/map.svg" "$CHILD_PID"
is "$RC" 3 "-o into a missing directory: exit 3"
ok "$([ ! -e "$TMPD/no" ]; echo $?)" "-o into a missing directory: nothing written"
run "$VMATOOL" map -f svg --color=always "$CHILD_PID"
is "$RC" 2 "--color with svg: a usage error"
like "$ERR" "^vmatool: map: --color applies to --format text only" "--color with svg: the message"
run "$VMATOOL" map --width 20 "$CHILD_PID"
is "$RC" 2 "--width too narrow: a usage error"
like "$ERR" "^vmatool: map: --width 20 is too narrow: at least 40 columns" "--width too narrow: the message"
run "$VMATOOL" map --svg "$TMPD/x.svg" -o "$TMPD/y.svg" "$CHILD_PID"
is "$RC" 2 "--svg with -o: a usage error"
like "$ERR" "^vmatool: map: --svg FILE names the file: no -o with it" "--svg with -o: the message"
run "$VMATOOL" map --svg "$TMPD/x.svg" -f json "$CHILD_PID"
is "$RC" 2 "--svg with --format json: a usage error"
run "$VMATOOL" map --strip --from low "$CHILD_PID"
is "$RC" 2 "--strip with --from: a usage error"
like "$ERR" "^vmatool: map: --from applies to the column, not to --strip" "--strip with --from: the message"
run "$VMATOOL" map -f svg --lines 10 "$CHILD_PID"
is "$RC" 2 "--lines with svg: a usage error"
like "$ERR" "^vmatool: map: --lines applies to the text only" "--lines with svg: the message"
ok "$([ ! -e "$TMPD/x.svg" ]; echo $?)" "a usage error writes no file"
run "$VMATOOL" map --no-smaps "$CHILD_PID"
is "$RC" 2 "--no-smaps with text: a usage error (the text reads only maps)"
run "$VMATOOL" map -f svg --no-smaps "$CHILD_PID"
unlike "$OUT" "RSS" "svg --no-smaps: no RSS in the titles"
run "$VMATOOL" map 999999999
is "$RC" 3 "no such process: exit 3"
done_testing
