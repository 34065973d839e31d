/*
 * cmd.c - the command table and running a command from it: finding the
 * command by name or unique prefix, parsing its options by their types into
 * the command's options struct (getopt_long underneath, so options and
 * operands may mix and "--" ends the options), checking the operand count,
 * then the command's own check and exec.
 *
 * Every bad value is worded one way: "bad value 'V' for --OPT: expected ...";
 * every wrong operand count one way: "wrong number of operands (got N)" and
 * the usage line.  --help and --list-options are in cli/cmd-help.c.
 */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "engine/machine.h"

extern const struct cmd_entry cmd_show_entry, cmd_find_entry, cmd_snapshot_entry,
	cmd_diff_entry, cmd_watch_entry, cmd_sim_entry, cmd_ps_entry, cmd_help_entry,
	cmd_tui_entry, cmd_map_entry;

/* In the order `vmatool --help` lists them; NULL ends the table. */
const struct cmd_entry *const cmd_table[] = {
	&cmd_show_entry,
	&cmd_find_entry,
	&cmd_snapshot_entry,
	&cmd_diff_entry,
	&cmd_watch_entry,
	&cmd_sim_entry,
	&cmd_ps_entry,
	&cmd_tui_entry,
	&cmd_map_entry,
	&cmd_help_entry,
	NULL,
};

#define NCMDS (sizeof(cmd_table) / sizeof(cmd_table[0]) - 1)

const char *const cmd_color_values[] = { "auto", "always|yes|force", "never|no|none", NULL };

#define OPT_LONG	0x100	/* getopt val of an option without a short name: + index */
#define OPT_HELP	0x7fff

/* ---- finding a command ------------------------------------------------------ */

static void cmd_ambiguous(const char *name, size_t len)
{
	const char *names[NCMDS];
	size_t k = 0, a, b, i;

	for (i = 0; i < NCMDS; i++)
		if (strncmp(cmd_table[i]->name, name, len) == 0)
			names[k++] = cmd_table[i]->name;
	for (a = 1; a < k; a++)		/* sorted by name for the message */
		for (b = a; b > 0 && strcmp(names[b - 1], names[b]) > 0; b--) {
			const char *t = names[b];

			names[b] = names[b - 1];
			names[b - 1] = t;
		}
	fputs("vmatool: ambiguous command '", stderr);
	fputs_escaped(name, len, stderr);
	fputs("', could be: ", stderr);
	for (a = 0; a < k; a++)
		fprintf(stderr, "%s%s", a ? ", " : "", names[a]);
	fputc('\n', stderr);
}

const struct cmd_entry *cmd_find(const char *name)
{
	const struct cmd_entry *found = NULL;
	size_t len = strlen(name), nmatch = 0, i;

	for (i = 0; i < NCMDS; i++) {
		if (strcmp(cmd_table[i]->name, name) == 0)
			return cmd_table[i];
		if (len && strncmp(cmd_table[i]->name, name, len) == 0) {
			found = cmd_table[i];
			nmatch++;
		}
	}
	if (nmatch == 1)
		return found;
	if (nmatch > 1) {
		cmd_ambiguous(name, len);
		return NULL;
	}
	fputs("vmatool: unknown command '", stderr);
	fputs_escaped(name, len, stderr);
	fputs("'\nTry 'vmatool --help'.\n", stderr);
	return NULL;
}

/* ---- values ------------------------------------------------------------------ */

/* Index of s in values (a value "a|b|c" answers to each of a, b, c); -1. */
static int enum_index(const char *const *values, const char *s, size_t len)
{
	for (int i = 0; values[i]; i++)
		for (const char *v = values[i]; *v;) {
			size_t n = strcspn(v, "|");

			if (n == len && !strncmp(v, s, len))
				return i;
			v += n + (v[n] == '|');
		}
	return -1;
}

/* LEAD then "a, b or c" (the first spelling of each value) into buf. */
static const char *words_list(const char *lead, const char *const *values, char *buf, size_t size)
{
	size_t n = (size_t)snprintf(buf, size, "%s", lead);

	for (int i = 0; values[i] && n < size; i++) {
		const char *sep = !i ? "" : values[i + 1] ? ", " : " or ";

		n += (size_t)snprintf(buf + n, size - n, "%s%.*s", sep,
				      (int)strcspn(values[i], "|"), values[i]);
	}
	return buf;
}

static const char *parse_enum_list(const struct cmd_option *o, const char *arg, unsigned *mask,
				   char *buf, size_t size)
{
	const char *p = arg;
	unsigned m = 0;

	do {
		size_t len = strcspn(p, ",");
		int i = enum_index(o->values, p, len);

		if (i < 0)
			return words_list("expected ", o->values, buf, size);
		m |= 1u << i;
		p += len;
	} while (*p++ == ',');
	*mask |= m;		/* a repeated option adds to the list */
	return NULL;
}

/* "500ms", "2s", "1.5s", "1m", "1h", "250us"; a bare number is seconds. */
static int parse_duration(const char *s, uint64_t *ns)
{
	static const struct { const char *unit; double ns; } units[] = {
		{ "", 1e9 }, { "s", 1e9 }, { "ms", 1e6 }, { "us", 1e3 },
		{ "m", 60e9 }, { "min", 60e9 }, { "h", 3600e9 },
	};
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (errno || end == s || !(v > 0) || *s == '-' || *s == '+')
		return -EINVAL;
	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++)
		if (!strcmp(end, units[i].unit)) {
			double t = v * units[i].ns;

			if (t < 1e6 || t > 86400e9)	/* 1ms .. 1 day */
				return -ERANGE;
			*ns = (uint64_t)t;
			return 0;
		}
	return -EINVAL;
}

static const char *parse_range(const char *s, struct cmd_range *r)
{
	static const char form[] = "expected LO-HI, like 0x7f0000000000-0x7f8000000000";
	const char *dash = strchr(s, '-');
	char lo[64];
	int e1, e2;

	if (!dash || dash == s || (size_t)(dash - s) >= sizeof(lo))
		return form;
	memcpy(lo, s, (size_t)(dash - s));
	lo[dash - s] = 0;
	e1 = parse_u64(lo, &r->lo);
	e2 = parse_u64(dash + 1, &r->hi);
	if (e1 == -ERANGE || e2 == -ERANGE)
		return "an address above 64 bits";
	if (e1 || e2)
		return form;
	if (r->hi <= r->lo)
		return "the end must be above the start";
	return NULL;
}

static const char *parse_count(const struct cmd_option *o, const char *arg, uint64_t *n,
			       char *buf, size_t size)
{
	if (arg[0] == '-' || parse_u64(arg, n) || *n == 0 || *n > o->max) {
		if (o->max == UINT64_MAX)
			return "expected a whole number above 0";
		snprintf(buf, size, "expected a whole number from 1 to %llu",
			 (unsigned long long)o->max);
		return buf;
	}
	return NULL;
}

/* "upstream", or NAME=VALUE that the machine setting NAME takes. */
static const char *parse_setting(const char *arg, char *buf, size_t size)
{
	const char *eq = strchr(arg, '=');
	const struct vma_setting *st;
	struct vma_params p;
	int i;

	if (!strcmp(arg, "upstream"))
		return NULL;
	if (!eq)
		return "expected NAME=VALUE or upstream";
	i = vma_setting_find(arg, (size_t)(eq - arg));
	if (i < 0) {
		snprintf(buf, size, "no machine setting is named '%.*s'", (int)(eq - arg), arg);
		return buf;
	}
	vma_params_default(&p);
	if (vma_setting_parse(&p, (size_t)i, eq + 1, strlen(eq + 1)) == 0)
		return NULL;
	st = vma_setting_at((size_t)i);
	if (st->kind == VMA_SETTING_ENUM) {
		char lead[64];

		snprintf(lead, sizeof(lead), "%s takes ", st->name);
		return words_list(lead, st->words, buf, size);
	}
	snprintf(buf, size, "%s takes %s", st->name, st->kind == VMA_SETTING_BOOL ?
		 "true or false" : "a number (see MACHINE SETTINGS in vmatool(1))");
	return buf;
}

static const char *list_add(struct cmd_list *l, const char *arg)
{
	const char **v = realloc(l->v, (l->n + 1) * sizeof(*v));

	if (!v)
		return "out of memory";
	v[l->n++] = arg;
	l->v = v;
	return NULL;
}

/* Store arg in field by o's type: NULL, or what is wrong with it. */
static const char *parse_value(const struct cmd_option *o, const char *arg, void *field,
			       char *buf, size_t size)
{
	const char *why;
	int err, i;

	switch (o->type) {
	case CMD_FLAG:
		*(bool *)field = true;
		return NULL;
	case CMD_ENUM:
		i = enum_index(o->values, arg, strlen(arg));
		if (i < 0)
			return words_list("expected ", o->values, buf, size);
		*(int *)field = i;
		return NULL;
	case CMD_ENUM_LIST:
		return parse_enum_list(o, arg, field, buf, size);
	case CMD_SIZE:
		err = parse_size(arg, field);
		return !err ? NULL : err == -ERANGE ? "a size above 64 bits"
			: "expected a size: 4096, 4k, 1M or 0x1000";
	case CMD_DURATION:
		err = parse_duration(arg, field);
		return !err ? NULL : err == -ERANGE ? "expected 1ms to 1 day"
			: "expected a duration: 500ms, 2s, 1m";
	case CMD_RANGE:
		return parse_range(arg, field);
	case CMD_COUNT:
		return parse_count(o, arg, field, buf, size);
	case CMD_FILE:
		if (!*arg)
			return "expected a file name";
		break;
	case CMD_STRING:
		if (o->check)
			return o->check(arg, field);
		break;
	case CMD_SETTING:
		if ((why = parse_setting(arg, buf, size)) != NULL)
			return why;
		break;
	}
	if (o->flags & CMD_REPEAT)
		return list_add(field, arg);
	*(const char **)field = arg;
	return NULL;
}

/* ---- options ----------------------------------------------------------------- */

struct cmd_parser {
	const struct cmd_entry *cmd;
	struct option *longopts;
	char *shortopts;
	size_t nopts;
};

static int parser_init(struct cmd_parser *p, const struct cmd_entry *cmd)
{
	size_t n = 0, k = 0;

	memset(p, 0, sizeof(*p));
	p->cmd = cmd;
	while (cmd->options && cmd->options[n].name)
		n++;
	p->nopts = n;
	p->longopts = calloc(n + 2, sizeof(*p->longopts));
	p->shortopts = malloc(2 * n + 4);
	if (!p->longopts || !p->shortopts)
		return -ENOMEM;
	p->shortopts[k++] = ':';	/* report a missing value as ':' */
	for (size_t i = 0; i < n; i++) {
		const struct cmd_option *o = &cmd->options[i];

		p->longopts[i].name = o->name;
		p->longopts[i].has_arg = o->type == CMD_FLAG ? no_argument : required_argument;
		p->longopts[i].val = o->short_name ? o->short_name : OPT_LONG + (int)i;
		if (o->short_name) {
			p->shortopts[k++] = o->short_name;
			if (o->type != CMD_FLAG)
				p->shortopts[k++] = ':';
		}
	}
	p->longopts[n].name = "help";
	p->longopts[n].val = OPT_HELP;
	p->shortopts[k++] = 'h';
	p->shortopts[k] = 0;
	optind = 0;		/* full reinitialisation of getopt */
	opterr = 0;
	return 0;
}

static void parser_release(struct cmd_parser *p)
{
	free(p->longopts);
	free(p->shortopts);
}

static int option_by_short(const struct cmd_entry *cmd, int c)
{
	for (int i = 0; cmd->options && cmd->options[i].name; i++)
		if (cmd->options[i].short_name == c)
			return i;
	return -1;
}

/* A flag written "--bytes=x" (or "--by=x"): the option it names, or NULL. */
static const struct option *flag_with_value(const struct cmd_parser *p, const char *opt)
{
	const char *eq = strchr(opt, '=');
	const struct option *found = NULL;
	size_t len, n = 0;

	if (strncmp(opt, "--", 2) != 0 || !eq)
		return NULL;
	len = (size_t)(eq - opt - 2);
	for (size_t i = 0; i <= p->nopts; i++) {	/* with --help */
		if (strncmp(p->longopts[i].name, opt + 2, len) != 0)
			continue;
		if (strlen(p->longopts[i].name) == len) {	/* exact: no other counts */
			found = &p->longopts[i];
			n = 1;
			break;
		}
		found = &p->longopts[i];
		n++;
	}
	return n == 1 && found->has_arg == no_argument ? found : NULL;
}

/* "--p" that several long options start with: the usage error; else EXIT_FINE. */
static int option_ambiguous(const struct cmd_parser *p, const char *opt)
{
	size_t len = strcspn(opt + 2, "="), n = 0;
	char list[256] = "";

	if (strncmp(opt, "--", 2) != 0 || len == 0)
		return EXIT_FINE;
	for (size_t i = 0; i <= p->nopts; i++)	/* with --help */
		if (!strncmp(p->longopts[i].name, opt + 2, len) && strlen(list) + 40 < sizeof(list)) {
			snprintf(list + strlen(list), sizeof(list) - strlen(list), "%s--%s",
				 n++ ? ", " : "", p->longopts[i].name);
		}
	if (n < 2)
		return EXIT_FINE;
	return cli_usage_error("ambiguous option '--%.*s', could be: %s", (int)len, opt + 2, list);
}

/* getopt's '?' or ':': the usage error, as written on the command line. */
static int option_bad(const struct cmd_parser *p, char **argv, int c)
{
	const char *opt = argv[optind - 1];
	const struct option *flag;
	int rc;

	if (c == ':') {
		/* a long option also sets optopt to its short name: name it as written */
		if (optopt && optopt < OPT_LONG && option_by_short(p->cmd, optopt) >= 0 &&
		    strncmp(opt, "--", 2) != 0)
			return cli_usage_error("option '-%c' needs a value", optopt);
		return cli_usage_error("option '%s' needs a value", opt);
	}
	if ((flag = flag_with_value(p, opt)) != NULL)
		return cli_usage_error("option '--%s' takes no value", flag->name);
	if ((rc = option_ambiguous(p, opt)) != EXIT_FINE)
		return rc;
	if (optopt && optopt < OPT_LONG)
		return cli_usage_error("unknown option '-%c'", optopt);
	return cli_usage_error("unknown option '%s'", opt);
}

static int option_store(struct cmd_call *call, int i, const char *arg)
{
	const struct cmd_option *o = &call->cmd->options[i];
	char buf[160];
	const char *why;

	if ((o->flags & CMD_ONCE) && (call->given & (1u << i)))
		return cli_usage_error("option '--%s' given twice", o->name);
	call->given |= 1u << i;
	why = parse_value(o, arg, (char *)call->opts + o->offset, buf, sizeof(buf));
	if (!why)
		return EXIT_FINE;
	if (!strcmp(why, "out of memory"))
		return cli_error(EXIT_TARGET, "out of memory");
	return cli_usage_error("bad value '%s' for --%s: %s", arg, o->name, why);
}

#define HELP_PRINTED	(-1)

/* EXIT_FINE with the options stored; HELP_PRINTED; else an exit code. */
static int options_parse(struct cmd_call *call, int argc, char **argv)
{
	struct cmd_parser p;
	int c, i, rc = EXIT_FINE;

	if (parser_init(&p, call->cmd) < 0) {
		parser_release(&p);
		return cli_error(EXIT_TARGET, "out of memory");
	}
	while (rc == EXIT_FINE &&
	       (c = getopt_long(argc, argv, p.shortopts, p.longopts, NULL)) != -1) {
		if (c == OPT_HELP || c == 'h') {
			cmd_print_help(call->cmd, stdout);
			rc = HELP_PRINTED;
		} else if (c == '?' || c == ':') {
			rc = option_bad(&p, argv, c);
		} else {
			i = c >= OPT_LONG ? c - OPT_LONG : option_by_short(call->cmd, c);
			rc = i < 0 ? option_bad(&p, argv, '?') : option_store(call, i, optarg);
		}
	}
	call->operands = argv + optind;
	call->noperands = argc - optind;
	parser_release(&p);
	return rc;
}

/* ---- running ------------------------------------------------------------------- */

bool cmd_given(const struct cmd_call *call, const char *name)
{
	for (int i = 0; call->cmd->options && call->cmd->options[i].name; i++)
		if (!strcmp(call->cmd->options[i].name, name))
			return call->given & (1u << i);
	return false;
}

static int operands_check(const struct cmd_call *call)
{
	const struct cmd_entry *cmd = call->cmd;
	int n = call->noperands;

	if (n >= cmd->min_operands && (cmd->max_operands < 0 || n <= cmd->max_operands))
		return EXIT_FINE;
	fprintf(stderr, "vmatool: %s: wrong number of operands (got %d)\n", cmd->name, n);
	cmd_print_usage(cmd, stderr);
	return EXIT_BADINPUT;
}

/* A running process wanted, and a file given: said before reading it. */
static int operands_kinds(const struct cmd_call *call)
{
	const struct cmd_operand *od = call->cmd->operands;

	for (int i = 0; od && od->name && i < call->noperands; i++) {
		if (od->kind == CMD_PROCESS && target_is_file(call->operands[i]))
			return cli_error(EXIT_BADINPUT, "'%s' is a file: %s needs a running process",
					 call->operands[i], call->cmd->name);
		if (od[1].name)
			od++;
	}
	return EXIT_FINE;
}

static void opts_release(const struct cmd_entry *cmd, void *opts)
{
	for (const struct cmd_option *o = cmd->options; o && o->name; o++)
		if (o->flags & CMD_REPEAT)
			free(((struct cmd_list *)((char *)opts + o->offset))->v);
	free(opts);
}

int cmd_run(const struct cmd_entry *cmd, int argc, char **argv)
{
	struct cmd_call call = { .cmd = cmd };
	int rc;

	cli_cmd_name = cmd->name;
	call.opts = calloc(1, cmd->opts_size ? cmd->opts_size : 1);
	if (!call.opts)
		return cli_error(EXIT_TARGET, "out of memory");
	if (cmd->opts_init)
		cmd->opts_init(call.opts);
	rc = options_parse(&call, argc, argv);
	if (rc == EXIT_FINE)
		rc = operands_check(&call);
	if (rc == EXIT_FINE)
		rc = operands_kinds(&call);
	if (rc == EXIT_FINE && cmd->check)
		rc = cmd->check(&call);
	if (rc == EXIT_FINE)
		rc = cmd->exec(&call);
	opts_release(cmd, call.opts);
	return rc == HELP_PRINTED ? EXIT_FINE : rc;
}
