#!/bin/sh
# tests/docs.sh - the documentation stays true to the program: the man page
# is clean for `mandoc -Tlint`; `vmatool --help`, `vmatool CMD --help` and
# `vmatool --list-options [CMD]` (the command table, as the completions read
# it) agree on the commands, usage lines, options and enum values, and the
# man page documents each of them in the command's subsection; every JSON
# key that cli/*.c writes is documented; the completion files parse, keep no
# list of their own, and bash, zsh (driven on a pseudo-terminal) and fish
# complete commands, options, values and operands by asking the program (and
# targets when there is no program to ask); the README opens with exactly
# the two commands of the quick start.
. "${top_srcdir:-.}/tests/lib.sh"

man="$top_srcdir/man/vmatool.1"
bashc="$top_srcdir/completions/vmatool"
zshc="$top_srcdir/completions/_vmatool"
fishc="$top_srcdir/completions/vmatool.fish"
readme="$top_srcdir/README.md"

skip() { # skip REASON NAME: a TAP "ok # SKIP" line
	tap_n=$((tap_n + 1))
	echo "ok $tap_n - $2 # SKIP $1"
}

# has TEXT WORD: TEXT contains WORD not inside a longer option name
has() {
	printf '%s\n' "$1" | grep -Eq -- "(^|[^-a-z0-9])$2([^-a-z0-9]|\$)"
}

# ---- the man page --------------------------------------------------------------
if command -v mandoc >/dev/null 2>&1; then
	run mandoc -Tlint "$man"
	is "$OUT$ERR" "" "mandoc -Tlint man/vmatool.1 finds nothing"
	# the page as a reader sees it, overstrike removed
	mantext=$(mandoc -Tascii -Owidth=200 "$man" | sed 's/.\x08//g')
else
	skip "mandoc not installed" "mandoc -Tlint man/vmatool.1"
	mantext=""
fi

# man_section CMD: the rendered subsection "vmatool CMD" of COMMANDS
man_section() {
	printf '%s\n' "$mantext" | awk -v want="vmatool $1" '
		/^   [^ ]/ { on = (index($0, want) == 4) ; next }
		/^[^ ]/ { on = 0 }
		on'
}

# ---- commands and options: --help, --list-options and the man page agree ---------
# The program's own table is the one list: `vmatool --list-options` gives the
# commands, `vmatool --list-options CMD` each command's usage, operands and
# options with their types and values (format: cli/cmd-help.c, man page).
run "$VMATOOL" --help
is "$RC" 0 "vmatool --help exits 0"
cmds=$(printf '%s\n' "$OUT" | awk '/^commands:/ { on = 1; next } on && /^  [a-z]/ { print $1 } /^$/ { on = 0 }')
like "$cmds" "show" "vmatool --help lists commands"
run "$VMATOOL" --list-options
is "$RC" 0 "vmatool --list-options exits 0"
is "$(printf '%s\n' "$OUT" | cut -f1)" "$cmds" "--list-options lists the commands of --help, in order"
bad=$(printf '%s\n' "$OUT" | grep -Evc "^[a-z]+	[^	]+\$")
is "$bad" 0 "--list-options: every line is NAME<TAB>SUMMARY"
run "$VMATOOL" --list-options nosuchcommand
is "$RC" 2 "--list-options of an unknown command: exit 2"
run "$VMATOOL" --list-options sh
is "$(printf '%s\n' "$OUT" | head -n 1)" "usage	vmatool show [options] TARGET" "--list-options takes a unique prefix"
is "$(printf '%s\n' "$("$VMATOOL" --help)" | grep -c -- '--list-options')" 1 "vmatool --help names --list-options"
if [ -n "$mantext" ]; then
	has "$mantext" "--list-options"; ok $? "the man page documents --list-options"
fi

# the line shapes of --list-options CMD
shape='^(usage	vmatool [a-z]+( \[options\])?( \[?[A-Z]+(\.\.\.)?\]?)*'
shape="$shape|operands	[0-9]+	([0-9]+|many)"
shape="$shape|operand	[A-Z]+	(target|process|address|command)"
shape="$shape|option	--[a-z][-a-z]*	(-[a-zA-Z]|-)	(flag|enum|enum-list|size|duration|range|count|file|string|setting)	(repeat|once|-)	[^	]+	[^	]+)\$"

for cmd in $cmds; do
	run "$VMATOOL" "$cmd" --help
	is "$RC" 0 "vmatool $cmd --help exits 0"
	help=$OUT
	run "$VMATOOL" --list-options "$cmd"
	is "$RC" 0 "vmatool --list-options $cmd exits 0"
	list=$OUT
	is "$(printf '%s\n' "$list" | grep -Evc -- "$shape")" 0 "--list-options $cmd: every line has its shape"
	[ "$(printf '%s\n' "$list" | grep -c '^option')" -le 33 ]
	ok $? "--list-options $cmd: at most 32 options besides --help (cmd_call.given)"
	is "usage: $(printf '%s\n' "$list" | sed -n 's/^usage	//p')" "$(printf '%s\n' "$help" | head -n 1)" \
		"--list-options $cmd: the usage line of --help"
	# every option of --help is listed, with its short form, and no other
	hopts=$(printf '%s\n' "$help" | awk '/^options:/ { on = 1; next } on' |
		grep -Eo -- '(^|[ ,])--?[A-Za-z0-9][-A-Za-z0-9]*' | sed 's/^[ ,]//' | sort -u)
	lopts=$(printf '%s\n' "$list" | awk -F '\t' '$1 == "option" { print $2; if ($3 != "-") print $3 }' | sort -u)
	is "$lopts" "$hopts" "--list-options $cmd: the options of --help"
	mansec=$(man_section "$cmd")
	if [ -n "$mantext" ]; then
		[ -n "$mansec" ]; ok $? "man page has a subsection 'vmatool $cmd'"
		for o in $hopts; do
			has "$mansec" "$o"; ok $? "man page documents $cmd $o"
		done
	fi
	# every value of an enum option is named in its --help line and the man page
	printf '%s\n' "$list" | awk -F '\t' '$1 == "option" && $4 ~ /^enum/ { print $2, $6 }' >"$TMPD/values"
	while read -r opt words; do
		hline=$(printf '%s\n' "$help" | grep -- "$opt=")
		for w in $words; do
			has "$hline" "$w"; ok $? "--help names '$w' for $cmd $opt"
			if [ -n "$mantext" ]; then
				has "$mansec" "$w"; ok $? "man page names '$w' for $cmd $opt"
			fi
		done
	done <"$TMPD/values"
done

# ---- every JSON key the program writes is documented ---------------------------
if [ -n "$mantext" ]; then
	keys=$(cat "$top_srcdir"/cli/*.c |
		grep -o '\(jw\|json\)_\(kv_[a-z0-9]*\|key\)([&a-z>-]*, *"[a-z_0-9]*"' |
		sed 's/.*"\(.*\)"/\1/'
	       grep -o '{ *"[A-Za-z_]*", *"[a-z_]*", *[0-9]' "$top_srcdir/engine/smaps_store.c" |
		sed 's/^{ *"[A-Za-z_]*", *"\([a-z_]*\)".*/\1/')
	n_keys=0
	for k in $(printf '%s\n' "$keys" | sort -u); do
		n_keys=$((n_keys + 1))
		has "$mantext" "$k"; ok $? "man page documents JSON key '$k'"
	done
	[ "$n_keys" -gt 50 ]; ok $? "JSON keys found in the sources ($n_keys)"
fi

# ---- the completion files parse, and ask the program -----------------------------
bash -n "$bashc"; ok $? "bash -n completions/vmatool"
if command -v zsh >/dev/null 2>&1; then
	zsh -n "$zshc"; ok $? "zsh -n completions/_vmatool"
else
	skip "zsh not installed" "zsh -n completions/_vmatool"
fi
if command -v fish >/dev/null 2>&1; then
	fish --no-execute "$fishc"; ok $? "fish --no-execute completions/vmatool.fish"
else
	skip "fish not installed" "fish --no-execute completions/vmatool.fish"
fi
# no list kept by hand: options only the program knows appear in none of them
for f in "$bashc" "$zshc" "$fishc"; do
	! grep -Eq -- '--no-query|--min-delta|max-map-count|jsonl|smaps special' "$f"
	ok $? "$(basename "$f") keeps no option or value list of its own"
done

# the completions run `vmatool` from PATH: this build's, or none
mkdir -p "$TMPD/bin" "$TMPD/nobin"
ln -s "$VMATOOL" "$TMPD/bin/vmatool"
PATH_WITH="$TMPD/bin:$PATH"
# PATH without any vmatool (the directories of this one left out)
PATH_WITHOUT=$(printf '%s\n' "$PATH" | tr ':' '\n' | while read -r d; do
	[ -x "$d/vmatool" ] || printf '%s:' "$d"; done)${TMPD}/nobin

# bash_complete WORDS...: the words the bash completion offers for the last one
bash_complete() {
	bash -c '. "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1))
		COMP_LINE="$*"; COMP_POINT=${#COMP_LINE}
		_vmatool_complete vmatool "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"
		printf "%s\n" "${COMPREPLY[@]}"' bash "$bashc" "$@" | sort | tr '\n' ' '
}
is "$(bash -c '. "$1"; complete -p vmatool' bash "$bashc")" "complete -F _vmatool_complete vmatool" \
	"bash: complete -p vmatool names the function"
export PATH="$PATH_WITH"
is "$(bash_complete vmatool sn)" "snapshot " "bash: vmatool sn<TAB> -> snapshot"
is "$(bash_complete vmatool '')" "$(printf '%s\n' $cmds | sort | tr '\n' ' ')" \
	"bash: vmatool <TAB> -> the commands of --help"
is "$(bash_complete vmatool show --form)" "--format " "bash: show --form<TAB> -> --format"
is "$(bash_complete vmatool show --format '')" "json maps smaps text " \
	"bash: show --format <TAB> -> the four formats"
is "$(bash_complete vmatool show --format = j)" "json " "bash: show --format=j<TAB> -> json"
is "$(bash_complete vmatool sh -k text,s)" "text,shm text,special text,stack " \
	"bash: sh -k text,s<TAB> -> the list's last item (and a command prefix)"
is "$(bash_complete vmatool diff --color '')" "always auto never " "bash: diff --color <TAB>"
is "$(bash_complete vmatool watch -f '')" "jsonl text " "bash: watch -f <TAB> -> its formats"
like "$(bash_complete vmatool show '')" "(^| )$$ " "bash: show <TAB> offers this shell's PID"
is "$(bash_complete vmatool find self '')" " " "bash: find TARGET <TAB>: an address, nothing offered"
is "$(bash_complete vmatool find -f json self '')" " " "bash: an option's value is not an operand"
is "$(bash_complete vmatool watch "$top_srcdir/tests/gol")" " " "bash: watch offers processes, not files"
is "$(bash_complete vmatool show "$top_srcdir/tests/golden/show-in.j")" \
	"$top_srcdir/tests/golden/show-in.json " "bash: show offers files"
is "$(bash_complete vmatool sim -o "$top_srcdir/tests/golden/show-in.j")" \
	"$top_srcdir/tests/golden/show-in.json " "bash: sim -o <TAB> offers files"
is "$(bash_complete vmatool help sn)" "snapshot " "bash: help sn<TAB> -> snapshot"
is "$(bash_complete vmatool --list-options w)" "watch " "bash: --list-options w<TAB> -> watch"
is "$(bash_complete vmatool sim -m zero_p)" "zero_page= " "bash: sim -m zero_p<TAB> -> zero_page="
like "$(bash_complete vmatool diff --machine '')" "(^| )upstream .*zero_page=" \
	"bash: diff --machine <TAB> -> upstream and the settings"
export PATH="$PATH_WITHOUT"
is "$(bash_complete vmatool sel)" "self " "bash, no vmatool to ask: targets still complete"
export PATH="$PATH_WITH"

# zsh: a real interactive zsh on a pseudo-terminal (zpty) types and presses
# TAB; each read waits for the expected text, so a broken completion hangs
# and is stopped by the timeout (no sleeps).
if command -v zsh >/dev/null 2>&1 &&
	zsh -fc 'zmodload zsh/zpty && zpty t true && zpty -d t' >/dev/null 2>&1; then
	cat >"$TMPD/complete.zsh" <<'ZSH'
zmodload zsh/zpty || exit 1
zpty z 'zsh -f -i'
zpty -w z "PS1='%% '; path=($2 \$path); fpath=($1 \$fpath); autoload -Uz compinit; compinit -u -D; print RE\"\"ADY"
zpty -r z out '*READY*' || exit 1
check() { # check NAME TYPED PATTERN: prints "pass NAME" when PATTERN shows
	zpty -w -n z "$2"$'\t'
	zpty -r z out "$3" && print -r -- "pass $1"
	zpty -w -n z $'\x15'
	zpty -w z "print DO\"\"NE"
	zpty -r z out '*DONE*'
}
check command 'vmatool sn' '*vmatool snapshot*'
check option 'vmatool show --fo' '*--format*'
check values 'vmatool show --format ' '*json*maps*smaps*text*'
check kinds 'vmatool show --kind s' '*shm*special*stack*'
check target 'vmatool show sel' '*vmatool show self*'
check explain 'vmatool diff --ex' '*vmatool diff --explain*'
check help 'vmatool help sn' '*vmatool help snapshot*'
check watchfmt 'vmatool watch --format js' '*vmatool watch --format json*'
check setting 'vmatool sim --machine zero_p' '*vmatool sim --machine zero_page=*'
zpty -w z "PATH='$3'; rehash; print GO\"\"NE"
zpty -r z out '*GONE*'
check nobin 'vmatool show sel' '*vmatool show self*'
zpty -d z
ZSH
	zout=$(cd "$TMPD" && timeout 60 zsh -f "$TMPD/complete.zsh" "$top_srcdir/completions" "$TMPD/bin" \
		"$PATH_WITHOUT" 2>&1)
	for c in command option values kinds target explain help watchfmt setting nobin; do
		printf '%s\n' "$zout" | grep -qax "pass $c"; ok $? "zsh completes: $c"
	done
else
	skip "zsh, or a pseudo-terminal for its zpty module, missing" \
		"zsh completes commands, options, values, targets"
fi
if command -v fish >/dev/null 2>&1; then
	fc() { fish --no-config -c "source '$fishc'; complete -C '$1'" | cut -f1 | sort | tr '\n' ' '; }
	is "$(fc 'vmatool sn')" "snapshot " "fish: vmatool sn<TAB> -> snapshot"
	is "$(fc 'vmatool diff --format ')" "json text " "fish: diff --format <TAB> -> text json"
	is "$(fc 'vmatool diff --format=j')" "--format=json " "fish: diff --format=j<TAB> -> --format=json"
	is "$(fc 'vmatool show --kind text,s')" "text,shm text,special text,stack " \
		"fish: show --kind text,s<TAB> -> the list's last item"
	is "$(fc 'vmatool find --no')" "--no-query " "fish: find --no<TAB> -> --no-query"
	is "$(fc 'vmatool help w')" "watch " "fish: help w<TAB> -> watch"
	is "$(fc 'vmatool find self ')" "" "fish: find TARGET <TAB>: an address, nothing offered"
	like "$(fc 'vmatool show sel')" "^self " "fish: show sel<TAB> -> self"
	PATH="$PATH_WITHOUT" fish --no-config -c "source '$fishc'; complete -C 'vmatool sel'" |
		cut -f1 >"$TMPD/fish-nobin"
	is "$(cat "$TMPD/fish-nobin")" "self" "fish, no vmatool to ask: targets still complete"
else
	skip "fish not installed" "fish completes commands and values"
fi

# ---- the README's quick start ------------------------------------------------------------
first=$(awk '/^```/ { if (on) exit; on = 1; next } on' "$readme")
want='scripts/install-deps && autoreconf -fi && ./configure && make && ./vmatool show $$
make check'
is "$first" "$want" "README opens with exactly the two quick-start commands"
first_line=$(grep -v '^[[:space:]]*$' "$readme" | sed -n '2p')
like "$first_line" '^```' "the quick start comes right after the title"

done_testing
