# bench/results.awk - the Markdown table of bench/RESULTS.md, from the lines
# bench/bench.sh collects (its comments say what each field is).
#
# usage: awk -f results.awk -v series="1000 10000 30000 65000" DATA
# For each row and size: the median over the A/B pairs of vmatool's CPU time
# (user + sys) over the reference's, and a verdict against the row's goal;
# then the peak RSS of the largest size against its goal, and the CPU time
# per VMA at the second size and the largest (cost per VMA must not grow).

function median(list,    a, n, i, j, t) {
	n = split(list, a, " ")
	for (i = 2; i <= n; i++)	# insertion sort: a few values
		for (j = i; j > 1 && a[j - 1] + 0 > a[j] + 0; j--) {
			t = a[j]; a[j] = a[j - 1]; a[j - 1] = t
		}
	if (n == 0)
		return ""
	return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
}
function add(key, v) { val[key] = (key in val) ? val[key] " " v : v }
function maxof(key, v) { if (!(key in big) || v > big[key]) big[key] = v }
function kilo(n) { return n % 1000 ? n : n / 1000 "k" }
function verdict(v, kind, goal) {
	if (v == "")
		return "-"
	if (kind == "le")
		return v <= goal ? "ok" : "**MISSED**"
	if (kind == "lt")
		return v < goal ? "ok" : "**MISSED**"
	if (kind == "ge")
		return v >= goal ? "ok" : "**MISSED**"
	return ""
}
function cpu(u, s) { return u + s }

# pairs: ROW SIZE ref(8) cmd(8)
$1 ~ /^(maps|text|smaps|json|snap|find|diff|pmap|ps)$/ {
	r = cpu($6, $7); c = cpu($14, $15)
	if (r > 0)
		add($1 SUBSEP $2, c / r)
	add($1 SUBSEP $2 SUBSEP "cpu", c)
	maxof($1 SUBSEP $2, $11)
	if ($13 > 1 || ($13 == 1 && $1 != "diff"))
		bad[$1] = bad[$1] " exit " $13
	next
}
# watch: ROW SIZE ref(8) short(8) long(8)
$1 ~ /^watch/ {
	rounds = ($25 - $17) / ($4 > 0 ? $4 : 1)
	if (rounds < 0.5)
		next
	rc = (cpu($22, $23) - cpu($14, $15)) / rounds
	add($1 SUBSEP $2, rc / cpu($6, $7))
	add($1 SUBSEP $2 SUBSEP "cpu", rc)
	if ($1 == "watch")
		add("watchflt" SUBSEP $2, ($24 - $16) / rounds)
	maxof($1 SUBSEP $2, $19 > $11 ? $19 : $11)
	next
}
# sim: sim SIZE CALLS fields(8)
$1 == "sim" || $1 == "sim10" {
	add($1 SUBSEP $2, $3 / (cpu($7, $8) / 1e6))
	maxof($1 SUBSEP $2, $4)
	calls[$1] = $3
	if ($6 != 0)
		bad[$1] = bad[$1] " exit " $6
	next
}
# tui: tui SIZE FIRST_US SHOW_US SLOWEST_KEY_US
$1 == "tui" && NF >= 5 {
	add("tui" SUBSEP $2, $3 / $4)
	add("tuikey" SUBSEP $2, $5 / 1000)
	next
}

# row ID LABEL AGAINST KIND GOAL GOALTEXT RSSGOAL_MIB FORMAT
function row(id, label, against, kind, goal, goaltext, rssgoal, fmt,    i, v, line, k, m) {
	line = "| " label " | " against " | " goaltext " |"
	for (i = 1; i <= ns; i++) {
		v = median(val[id SUBSEP size[i]])
		line = line " " (v == "" ? "-" : sprintf(fmt, v) \
			(kind == "" ? "" : " " verdict(v, kind, goal))) " |"
	}
	k = id SUBSEP size[ns]
	if (rssgoal == "" || !(k in big))
		line = line " - |"
	else {
		m = big[k] / 1024
		line = line sprintf(" %.1f MiB %s |", m, verdict(m, "le", rssgoal))
	}
	line = line " " per_vma(id) " |"
	if (id in bad)
		line = line " (" substr(bad[id], 2) ")"
	print line
}
# CPU microseconds per VMA at the second size and the largest: flat or grows
function per_vma(id,    a, b, from) {
	from = ns > 1 ? 2 : 1
	a = median(val[id SUBSEP size[from] SUBSEP "cpu"])
	b = median(val[id SUBSEP size[ns] SUBSEP "cpu"])
	if (a == "" || b == "")
		return "-"
	a /= size[from]; b /= size[ns]
	return sprintf("%.2f → %.2f %s", a, b, b <= 1.25 * a ? "flat" : "**grows**")
}
function sim_row(    i, v, line, k, m, m10) {
	line = "| `sim` of a " calls["sim"] "-call log (calls/s) | - | >= 1,000,000 |"
	for (i = 1; i <= ns; i++) {
		v = median(val["sim" SUBSEP size[i]])
		line = line " " (v == "" ? "-" : sprintf("%.0f", v) " " verdict(v, "ge", 1e6)) " |"
	}
	k = size[ns]
	m = big["sim" SUBSEP k] / 1024; m10 = big["sim10" SUBSEP k] / 1024
	line = line sprintf(" %.1f MiB %s (%.1f MiB at %d calls: %s) |", m, verdict(m, "le", 32),
			    m10, calls["sim10"], m <= 1.1 * m10 + 1 ? "flat" : "**grows**")
	line = line " - |"
	if ("sim" in bad)
		line = line " (" substr(bad["sim"], 2) ")"
	print line
}

END {
	ns = split(series, size, " ")
	head = "| vmatool | against | goal |"
	rule = "|---|---|---|"
	for (i = 1; i <= ns; i++) {
		head = head " " kilo(size[i]) " VMAs |"
		rule = rule "---|"
	}
	print head " peak RSS at " kilo(size[ns]) " (goal <= 32 MiB, snapshot 24) | CPU µs per VMA, " \
		kilo(size[ns > 1 ? 2 : 1]) " → " kilo(size[ns]) " |"
	print rule "---|---|"
	row("maps", "`show --format maps`", "`cat maps`", "le", 1.1, "<= 1.1x", 32, "%.2fx")
	row("text", "`show` (text)", "`cat smaps`", "le", 1.0, "<= 1.0x", 32, "%.2fx")
	row("smaps", "`show --format smaps`", "`cat smaps`", "le", 1.05, "<= 1.05x", 32, "%.2fx")
	row("json", "`show --format json`", "`cat smaps`", "le", 1.3, "<= 1.3x", 32, "%.2fx")
	row("snap", "`snapshot -o FILE`", "`cat smaps`", "le", 1.3, "<= 1.3x", 24, "%.2fx")
	row("find", "`find` one address", "`cat maps`", "le", 0.1, "<= 0.1x", 32, "%.2fx")
	row("diff", "`diff A.json B.json`", "GNU `diff A.json B.json`", "le", 1.0, "<= 1.0x", 32,
	    "%.2fx")
	sim_row()
	row("watch", "`watch`, one round", "`cat smaps`", "le", 1.1, "<= 1.1x", 32, "%.2fx")
	row("watchns", "`watch --no-smaps`, one round", "`cat maps`", "le", 1.1, "<= 1.1x", 32,
	    "%.2fx")
	row("watchflt", "`watch`, page faults of an idle round", "-", "lt", 0.5,
	    "0 (allocates nothing)", "", "%.1f")
	row("tui", "`tui` first screen (wall time)", "`show` (wall time)", "le", 1.5, "<= 1.5x", "",
	    "%.2fx")
	row("tuikey", "`tui` slowest key press (ms)", "-", "lt", 50, "< 50 ms", "", "%.1f")
	row("ps", "`ps` (for scale)", "`cat /proc/*/maps`", "", "", "-", 32, "%.2fx")
	row("pmap", "`pmap -X` (for scale)", "`cat smaps`", "", "", "-", "", "%.2fx")
	print ""
	print "Figures: the median over the pairs of vmatool's CPU time (user + sys, from wait4) over " \
		"the reference's, measured one after the other in the same run (bench/maxrss), the order " \
		"swapped every other pair; `peak RSS` is the largest max RSS of the runs at the " \
		"largest size.  `watch` is `watch -i 1ms` stopped by SIGTERM after 0.3 s and after " \
		"longer: a round costs the difference of the two runs' CPU time and page faults over " \
		"the difference of their rounds (rounds = bytes read / bytes of `cat smaps`, or of " \
		"`cat maps` with --no-smaps; the small files read beside them make that a slight " \
		"overcount), against a whole `cat` run, start-up included; an idle round passes " \
		"when it takes less than half a page fault on average.  `sim` is calls over CPU seconds; its memory is flat when the peak RSS " \
		"of the whole log is that of its first tenth.  The `tui` figures are the TUI's own " \
		"times (bench/tui-bench.sh, VMATOOL_TUI_TIMES) against the wall time of `show`."
}
