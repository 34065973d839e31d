# fish completion for vmatool
#
# Asks the program what there is to complete: `vmatool --list-options` lists
# the commands, `vmatool --list-options CMD` a command's options with their
# types and values, and its operands (the format is described in
# cli/cmd-help.c and in the man page).  Only TARGETs are found here: PIDs,
# "self", process names and files.  Where the program cannot be run, TARGETs
# are all that is completed.

# PIDs with their command names, "self", and process names
function __vmatool_processes
    echo -e 'self\tthis vmatool process'
    set -l names
    for line in (ps -e -o pid= -o comm= 2>/dev/null)
        set -l f (string trim -- $line | string split -m 1 ' ')
        printf '%s\t%s\n' $f[1] $f[2]
        set -a names $f[2]
    end
    printf '%s\tprocess name\n' (printf '%s\n' $names | sort -u)
end

# __vmatool_targets CUR: processes and files
function __vmatool_targets -a cur
    __vmatool_processes
    __fish_complete_path $cur
end

# __vmatool_value TYPE VALUES CUR: an option's value (CUR may be "--opt=partial")
function __vmatool_value -a type vals cur
    set -l pre ''
    if string match -q -- '--*=*' $cur
        set pre (string replace -r -- '=.*' '=' $cur)
        set cur (string replace -r -- '^[^=]*=' '' $cur)
    end
    switch $type
        case enum setting
            printf "$pre%s\n" (string split ' ' -- $vals)
        case enum-list
            set -l head (string replace -r -- '[^,]*$' '' $cur)
            printf "$pre$head%s\n" (string split ' ' -- $vals)
        case file
            __fish_complete_path $cur
    end
end

# __vmatool_operand KIND PROG CUR: an operand of that kind
function __vmatool_operand -a kind prog cur
    switch $kind
        case target
            __vmatool_targets $cur
        case process
            __vmatool_processes
        case command
            command $prog --list-options 2>/dev/null
    end
end

# Everything to offer for the command line being completed.
function __vmatool_complete
    set -l words (commandline -opc)
    set -l cur (commandline -ct)
    set -l prog $words[1]
    if not command -q $prog # no program to ask
        __vmatool_targets $cur
        return
    end
    set -l cmds (command $prog --list-options 2>/dev/null | string replace -r '\t.*' '')
    if test (count $cmds) -eq 0 # no program to ask
        __vmatool_targets $cur
        return
    end
    # the command: the first word that is not an option (a unique prefix is enough)
    set -l cmd
    set -l at 0
    for i in (seq 2 (count $words))
        string match -q -- '-*' $words[$i]; and continue
        set cmd $words[$i]
        set at $i
        break
    end
    if test "$words[-1]" = --list-options; or test -z "$cmd"
        if string match -q -- '-*' $cur
            printf '%s\n' --help --version --list-options
        else
            command $prog --list-options
        end
        return
    end
    test "$words[2]" = --list-options; and return
    for c in $cmds
        string match -q -- "$cmd*" $c; and begin
            set cmd $c
            break
        end
    end
    set -l opts
    set -l kinds
    set -l max 0
    set -l types
    set -l vals
    for line in (command $prog --list-options $cmd 2>/dev/null)
        set -l f (string split \t -- $line)
        switch $f[1]
            case operands
                set max $f[3]
            case operand
                set -a kinds $f[3]
            case option
                for name in $f[2] $f[3]
                    test $name = -; and continue
                    set -a opts $name
                    set -a types $f[4]
                    set -a vals $f[6]
                end
        end
    end
    # the value of an option: "--opt value" or "--opt=value"
    set -l name $words[-1]
    if string match -q -- '--*=*' $cur
        set name (string replace -r -- '=.*' '' $cur)
    end
    set -l k (contains -i -- $name $opts)
    if test -n "$k"; and test $types[$k] != flag
        __vmatool_value $types[$k] "$vals[$k]" $cur
        return
    end
    if string match -q -- '-*' $cur
        command $prog --list-options $cmd | string match -r '^option\t.*' |
            string replace -r '^option\t(\S+)\t(\S+)\t[^\t]*\t[^\t]*\t[^\t]*\t(.*)$' '$1\t$3\n$2\t$3' |
            string match -v -r '^-\t'
        return
    end
    # the operand: count those before it, skipping options and their values
    set -l npos 0
    set -l skip 0
    for w in $words[(math $at + 1)..-1]
        if test $skip -eq 1
            set skip 0
        else if string match -q -- '-?*' $w
            set k (contains -i -- $w $opts)
            test -n "$k"; and test $types[$k] != flag; and set skip 1
        else
            set npos (math $npos + 1)
        end
    end
    test (count $kinds) -eq 0; and return
    test $max != many; and test $npos -ge $max; and return
    set -l i (math $npos + 1)
    test $i -gt (count $kinds); and set i (count $kinds)
    __vmatool_operand $kinds[$i] $prog $cur
end

complete -c vmatool -f -a '(__vmatool_complete)'
