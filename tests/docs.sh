#!/bin/sh
# tests/docs.sh - the documentation stays true to the program: the man page
# is clean for `mandoc -Tlint`; every command and every option that
# `vmatool CMD --help` prints is documented in that command's part of the
# man page and completed in that command's part of each completion file
# (bash, zsh, fish); every completion value of the option tables in
# cli/cmd-*.c is offered by each completion file and named in the man page;
# every JSON key that cli/*.c writes is documented; the completion files
# parse, and bash, zsh (driven on a pseudo-terminal) and fish complete
# commands, options, values and targets; the README opens with exactly the
# two commands of the quick start.
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

# section FILE CMD: the lines between "# cmd: CMD" and the next "# cmd:" or
# "# end commands" marker of a completion file (the part for one command).
section() {
	awk -v want="$2" '
		/^[ \t]*# (cmd:|end commands)/ {
			on = ($0 ~ ("# cmd: " want "$"))
			next
		}
		on' "$1"
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

# ---- commands and options from the program itself -------------------------------
run "$VMATOOL" --help
is "$RC" 0 "vmatool --help exits 0"
cmds=$(printf '%s\n' "$OUT" | awk '/^commands:/ { on = 1; next } on && /^  [a-z]/ { print $1 } /^$/ { on = 0 }')
like "$cmds" "show" "vmatool --help lists commands"

for cmd in $cmds; do
	run "$VMATOOL" "$cmd" --help
	is "$RC" 0 "vmatool $cmd --help exits 0"
	opts=$(printf '%s\n' "$OUT" | awk '/^options:/ { on = 1; next } on' |
		grep -Eo -- '(^|[ ,])--?[A-Za-z0-9][-A-Za-z0-9]*' | sed 's/^[ ,]//' | sort -u)
	mansec=$(man_section "$cmd")
	if [ -n "$mantext" ]; then
		[ -n "$mansec" ]; ok $? "man page has a subsection 'vmatool $cmd'"
	fi
	bsec=$(section "$bashc" "$cmd")
	zsec=$(section "$zshc" "$cmd")
	fsec=$(section "$fishc" "$cmd")
	has "$(section "$bashc" commands)" "$cmd"; ok $? "bash completion offers command $cmd"
	has "$(section "$zshc" commands)" "$cmd"; ok $? "zsh completion offers command $cmd"
	has "$(section "$fishc" commands)" "$cmd"; ok $? "fish completion offers command $cmd"
	for o in $opts; do
		if [ -n "$mantext" ]; then
			has "$mansec" "$o"; ok $? "man page documents $cmd $o"
		fi
		has "$bsec" "$o"; ok $? "bash completion knows $cmd $o"
		has "$zsec" "$o"; ok $? "zsh completion knows $cmd $o"
		case $o in
		--*) has "$fsec" "-l ${o#--}"; ok $? "fish completion knows $cmd $o" ;;
		*) has "$fsec" "-s ${o#-}"; ok $? "fish completion knows $cmd $o" ;;
		esac
	done
done

# ---- option values from the option tables (cli/cmd-*.c) ----------------------------
# Each entry is { "name", 'c' or 0, "ARG" or NULL, "help", "values" or NULL }:
# print "cmd option value..." for entries with values.
values=$(for f in "$top_srcdir"/cli/cmd-*.c; do
	c=$(basename "$f" .c); c=${c#cmd-}
	awk '/struct cmd_option [a-z_]+\[\] *=/, /^};/' "$f" | tr '\n' ' ' |
		grep -Eo '\{ *"[a-z][-a-z0-9]*" *,[^{}]*\}' |
		sed -n "s/^{[[:space:]]*\"\([-a-z0-9]*\)\".*,[[:space:]]*\"\([^\"]*\)\"[[:space:]]*}\$/$c \1 \2/p"
done)
n_values=0
while read -r cmd opt words; do
	[ -n "$cmd" ] || continue
	n_values=$((n_values + 1))
	for w in $words; do
		for f in "$bashc" "$zshc" "$fishc"; do
			has "$(section "$f" "$cmd")" "$w"
			ok $? "$(basename "$f") offers '$w' for $cmd --$opt"
		done
		has "$(man_section "$cmd")" "$w"; ok $? "man page names '$w' for $cmd --$opt"
	done
done <<EOF
$values
EOF
[ "$n_values" -gt 0 ]; ok $? "option tables with completion values found ($n_values)"

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

# ---- the completion files parse ----------------------------------------------------
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

# ---- and complete what they should --------------------------------------------------
# bash_complete WORDS...: the words the bash completion offers for the last one
bash_complete() {
	bash -c '. "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1))
		COMP_LINE="$*"; COMP_POINT=${#COMP_LINE}
		_vmatool_complete vmatool "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"
		printf "%s\n" "${COMPREPLY[@]}"' bash "$bashc" "$@"
}
is "$(bash_complete vmatool sn)" "snapshot" "bash: vmatool sn<TAB> -> snapshot"
is "$(bash_complete vmatool show --form)" "--format" "bash: show --form<TAB> -> --format"
is "$(bash_complete vmatool show --format '' | sort | tr '\n' ' ')" "json maps smaps text " \
	"bash: show --format <TAB> -> the four formats"
like "$(bash_complete vmatool show '')" "^$$\$" "bash: show <TAB> offers this shell's PID"
# zsh: a real interactive zsh on a pseudo-terminal (zpty) types and presses
# TAB; each read waits for the expected text, so a broken completion hangs
# and is stopped by the timeout (no sleeps).
if command -v zsh >/dev/null 2>&1 &&
	zsh -fc 'zmodload zsh/zpty && zpty t true && zpty -d t' >/dev/null 2>&1; then
	cat >"$TMPD/complete.zsh" <<'ZSH'
zmodload zsh/zpty || exit 1
zpty z 'zsh -f -i'
zpty -w z "PS1='%% '; fpath=($1 \$fpath); autoload -Uz compinit; compinit -u -D; vmatool() { :; }; print RE\"\"ADY"
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
zpty -d z
ZSH
	zout=$(cd "$TMPD" && timeout 60 zsh -f "$TMPD/complete.zsh" "$top_srcdir/completions" 2>&1)
	for c in command option values kinds target explain; do
		printf '%s\n' "$zout" | grep -qx "pass $c"; ok $? "zsh completes: $c"
	done
else
	skip "zsh, or a pseudo-terminal for its zpty module, missing" \
		"zsh completes commands, options, values, targets"
fi
if command -v fish >/dev/null 2>&1; then
	fc() { fish --no-config -c "source '$fishc'; complete -C '$1'" | cut -f1; }
	is "$(fc 'vmatool sn')" "snapshot" "fish: vmatool sn<TAB> -> snapshot"
	is "$(fc 'vmatool diff --format ' | sort | tr '\n' ' ')" "json text " \
		"fish: diff --format <TAB> -> text json"
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
