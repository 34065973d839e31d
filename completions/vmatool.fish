# fish completion for vmatool
#
# Completes the commands, each command's options and their values, and
# TARGETs: PIDs, "self", process names and files (saved maps, smaps or JSON).
# The part for each command sits between "# cmd: NAME" markers, which
# tests/docs.sh reads to check it against `vmatool NAME --help`.

set -g __vmatool_commands show find snapshot diff watch sim help

# true when no command has been given yet
function __vmatool_needs_command
    set -l words (commandline -opc)
    for w in $words[2..-1]
        string match -q -- '-*' $w; or return 1
    end
    return 0
end

# __vmatool_using NAME: true when the command is NAME (or a unique prefix of it)
function __vmatool_using -a name
    set -l words (commandline -opc)
    for w in $words[2..-1]
        string match -q -- '-*' $w; and continue
        string match -q -- "$w*" $name; or return 1
        set -l n (count (string match -- "$w*" $__vmatool_commands))
        test $n -eq 1; or test $w = $name
        return
    end
    return 1
end

# PIDs with their command names, "self", and process names
function __vmatool_targets
    echo -e 'self\tthis vmatool process'
    set -l names
    for d in (string match -r -- '^/proc/[0-9]+$' /proc/*)
        read -l comm <$d/comm 2>/dev/null; or continue
        printf '%s\t%s\n' (string replace /proc/ '' $d) $comm
        set -a names $comm
    end
    printf '%s\tprocess name\n' (printf '%s\n' $names | sort -u)
end

complete -c vmatool -f
complete -c vmatool -n __vmatool_needs_command -s h -l help -d 'Show help'
complete -c vmatool -n __vmatool_needs_command -s V -l version -d 'Print the version'

# cmd: commands
complete -c vmatool -n __vmatool_needs_command -a show -d 'List the VMAs of a process or a saved maps/smaps/JSON file'
complete -c vmatool -n __vmatool_needs_command -a find -d 'Show the VMA holding each address, or the gap it falls in'
complete -c vmatool -n __vmatool_needs_command -a snapshot -d 'Save everything about an address space as one JSON document'
complete -c vmatool -n __vmatool_needs_command -a diff -d 'What changed between two snapshots or reads: splits, merges, moves'
complete -c vmatool -n __vmatool_needs_command -a watch -d 'Print each change to a running process\'s mappings as it happens'
complete -c vmatool -n __vmatool_needs_command -a sim -d 'Simulate memory calls (strace syntax) on an address space'
complete -c vmatool -n __vmatool_needs_command -a help -d 'Describe a command'
# end commands

# cmd: show
complete -c vmatool -n '__vmatool_using show' -F -a '(__vmatool_targets)'
complete -c vmatool -n '__vmatool_using show' -s f -l format -x -a 'text json maps smaps' -d 'Output: text (default), json, maps or smaps'
complete -c vmatool -n '__vmatool_using show' -s b -l bytes -d 'Exact sizes in bytes instead of 4.0K, 1.5M'
complete -c vmatool -n '__vmatool_using show' -l color -x -a 'auto always never' -d 'Colour: auto (default: on a terminal, unless NO_COLOR), always, never'
complete -c vmatool -n '__vmatool_using show' -s g -l gaps -d 'Add a row for each unmapped gap between VMAs'
complete -c vmatool -n '__vmatool_using show' -s r -l range -x -d 'Only VMAs that intersect [LO, HI) (hex or decimal)'
complete -c vmatool -n '__vmatool_using show' -s p -l path -x -d 'Only VMAs whose name or its basename matches the glob PATTERN'
complete -c vmatool -n '__vmatool_using show' -l perms -x -d 'Only VMAs with these permissions: \'rw\', \'x\', \'s\', or \'r-x\''
complete -c vmatool -n '__vmatool_using show' -s k -l kind -x -a 'text data bss heap stack file anon shm special deleted' -d 'Only VMAs of these kinds (comma-separated): text, data, bss, heap, stack, file, anon, shm, special, deleted'
complete -c vmatool -n '__vmatool_using show' -l no-smaps -d 'Read only maps (faster; no RSS, PSS, dirty, swap or VmFlags)'
complete -c vmatool -n '__vmatool_using show' -s h -l help -d 'Show help'

# cmd: find
complete -c vmatool -n '__vmatool_using find' -F -a '(__vmatool_targets)'
complete -c vmatool -n '__vmatool_using find' -s f -l format -x -a 'text json' -d 'Output: text (default) or json'
complete -c vmatool -n '__vmatool_using find' -s b -l bytes -d 'Exact distances in bytes instead of 4.0K, 1.5M'
complete -c vmatool -n '__vmatool_using find' -l no-query -d 'Read the maps text instead of using the PROCMAP_QUERY ioctl'
complete -c vmatool -n '__vmatool_using find' -s h -l help -d 'Show help'

# cmd: snapshot
complete -c vmatool -n '__vmatool_using snapshot' -F -a '(__vmatool_targets)'
complete -c vmatool -n '__vmatool_using snapshot' -s o -l output -r -F -d 'Write to FILE (atomically; \'-\' for standard output)'
complete -c vmatool -n '__vmatool_using snapshot' -s h -l help -d 'Show help'

# cmd: diff
complete -c vmatool -n '__vmatool_using diff' -F -a '(__vmatool_targets)'
complete -c vmatool -n '__vmatool_using diff' -s f -l format -x -a 'text json' -d 'Output format: text (default) or json'
complete -c vmatool -n '__vmatool_using diff' -l color -x -a 'auto always never' -d 'Colour the text: auto (default), always, never'
complete -c vmatool -n '__vmatool_using diff' -l min-delta -x -d 'Hide RSS/PSS/swap/dirty changes smaller than SIZE (4k, 1M)'
complete -c vmatool -n '__vmatool_using diff' -s e -l explain -d 'Show calls that turn A into B, checked on the engine'
complete -c vmatool -n '__vmatool_using diff' -s b -l bytes -d 'Print sizes in bytes'
complete -c vmatool -n '__vmatool_using diff' -l no-smaps -d 'Read only maps of live targets (no usage deltas)'
complete -c vmatool -n '__vmatool_using diff' -s m -l machine -x -a 'upstream zero_page= page_size= mmap_min_addr= max_map_count= overcommit_memory= thp= shmem_thp= anon_vma_name= mseal= soft_dirty= pku= stack_guard_gap= legacy_va_layout=' -d 'With --explain: a kernel setting to explain by (repeatable)'
complete -c vmatool -n '__vmatool_using diff' -s h -l help -d 'Show help'

# cmd: watch
complete -c vmatool -n '__vmatool_using watch' -F -a '(__vmatool_targets)'
complete -c vmatool -n '__vmatool_using watch' -s i -l interval -x -d 'Time between reads: 500ms, 2s, 1m (default 1s)'
complete -c vmatool -n '__vmatool_using watch' -s n -l count -x -d 'Stop after N rounds that found changes'
complete -c vmatool -n '__vmatool_using watch' -s f -l format -x -a 'text jsonl' -d 'Output format: text (default) or jsonl'
complete -c vmatool -n '__vmatool_using watch' -l color -x -a 'auto always never' -d 'Colour the text: auto (default), always, never'
complete -c vmatool -n '__vmatool_using watch' -l min-delta -x -d 'Hide RSS/PSS/swap/dirty changes smaller than SIZE'
complete -c vmatool -n '__vmatool_using watch' -s b -l bytes -d 'Print sizes in bytes'
complete -c vmatool -n '__vmatool_using watch' -l no-smaps -d 'Read only maps (no usage changes; faster)'
complete -c vmatool -n '__vmatool_using watch' -s h -l help -d 'Show help'

# cmd: sim
complete -c vmatool -n '__vmatool_using sim' -a '(__vmatool_targets)'
complete -c vmatool -n '__vmatool_using sim' -s s -l snapshot -r -F -d 'Start from a saved maps, smaps or JSON snapshot; PID=FILE: process PID\'s space after its execve (repeatable)'
complete -c vmatool -n '__vmatool_using sim' -s o -l ops -r -F -d 'Read calls from FILE, \'-\' for standard input (repeatable)'
complete -c vmatool -n '__vmatool_using sim' -s e -l expr -x -d 'A call to simulate, e.g. \'munmap([heap], 4096)\' (repeatable)'
complete -c vmatool -n '__vmatool_using sim' -s f -l format -x -a 'text json maps smaps' -d 'Output: text (default), json, maps or smaps'
complete -c vmatool -n '__vmatool_using sim' -l strict -d 'Exit 1 if a prediction disagrees with a recorded result; a log line sim does not understand is an error, not skipped'
complete -c vmatool -n '__vmatool_using sim' -l pid -x -d 'Print the address space of process PID of the log (default: the first)'
complete -c vmatool -n '__vmatool_using sim' -l assume-written -d 'Take private writable memory as written as soon as it is mapped (strace shows no page faults)'
complete -c vmatool -n '__vmatool_using sim' -l max-map-count -x -d 'The vm.max_map_count to simulate'
complete -c vmatool -n '__vmatool_using sim' -s m -l machine -x -a 'upstream zero_page= page_size= mmap_min_addr= max_map_count= overcommit_memory= thp= shmem_thp= anon_vma_name= mseal= soft_dirty= pku= stack_guard_gap= legacy_va_layout=' -d 'A kernel setting to simulate, e.g. zero_page=false (repeatable)'
complete -c vmatool -n '__vmatool_using sim' -s h -l help -d 'Show help'

# cmd: help
complete -c vmatool -n '__vmatool_using help' -a "$__vmatool_commands"
# end commands
