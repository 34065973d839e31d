/*
 * cmd.c - the command table: finding a command by name or unique prefix,
 * --help text generated from each entry's option table, and option parsing
 * (getopt_long tables built from the same option table).
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"

extern const struct cmd_entry cmd_show_entry, cmd_find_entry, cmd_snapshot_entry,
	cmd_diff_entry, cmd_watch_entry, cmd_sim_entry;

/* In the order `vmatool --help` lists them; NULL ends the table. */
const struct cmd_entry *const cmd_table[] = {
	&cmd_show_entry,
	&cmd_find_entry,
	&cmd_snapshot_entry,
	&cmd_diff_entry,
	&cmd_watch_entry,
	&cmd_sim_entry,
	NULL,
};

#define NCMDS (sizeof(cmd_table) / sizeof(cmd_table[0]) - 1)

const struct cmd_entry *cmd_find(const char *name)
{
	const struct cmd_entry *found = NULL;
	size_t len = strlen(name), nmatch = 0, i;
	char list[256] = "";

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
		/* sorted by name for the message */
		const char *names[NCMDS];
		size_t k = 0, a, b;

		for (i = 0; i < NCMDS; i++)
			if (strncmp(cmd_table[i]->name, name, len) == 0)
				names[k++] = cmd_table[i]->name;
		for (a = 1; a < k; a++)
			for (b = a; b > 0 && strcmp(names[b - 1], names[b]) > 0; b--) {
				const char *t = names[b];
				names[b] = names[b - 1];
				names[b - 1] = t;
			}
		for (a = 0; a < k; a++) {
			if (a)
				strcat(list, ", ");
			strcat(list, names[a]);
		}
		fputs("vmatool: ambiguous command '", stderr);
		fputs_escaped(name, len, stderr);
		fprintf(stderr, "', could be: %s\n", list);
		return NULL;
	}
	fputs("vmatool: unknown command '", stderr);
	fputs_escaped(name, len, stderr);
	fputs("'\nTry 'vmatool --help'.\n", stderr);
	return NULL;
}

int cmd_option_index(const struct cmd_entry *cmd, const char *name)
{
	int i;

	for (i = 0; cmd->options && cmd->options[i].name; i++)
		if (strcmp(cmd->options[i].name, name) == 0)
			return i;
	return -1;
}

int cmd_print_help(const struct cmd_entry *cmd, FILE *out)
{
	const struct cmd_option *o;
	char left[64];

	fprintf(out, "usage: vmatool %s %s\n\n%s\n\noptions:\n", cmd->name, cmd->usage,
		cmd->summary);
	for (o = cmd->options; o && o->name; o++) {
		int n = 0;

		if (o->short_name)
			n = snprintf(left, sizeof(left), "-%c, ", o->short_name);
		else
			n = snprintf(left, sizeof(left), "    ");
		snprintf(left + n, sizeof(left) - n, "--%s%s%s", o->name, o->arg ? "=" : "",
			 o->arg ? o->arg : "");
		fprintf(out, "  %-28s %s\n", left, o->help);
	}
	fprintf(out, "  %-28s %s\n", "-h, --help", "show this help");
	return EXIT_FINE;
}

struct option *cmd_getopt_table(const struct cmd_entry *cmd, char **shortopts)
{
	size_t n = 0, i, k = 0;
	struct option *lo;
	char *so;

	while (cmd->options && cmd->options[n].name)
		n++;
	lo = calloc(n + 2, sizeof(*lo));
	so = malloc(2 * n + 4);
	if (!lo || !so) {
		free(lo);
		free(so);
		return NULL;
	}
	so[k++] = ':';		/* report a missing value as ':' */
	for (i = 0; i < n; i++) {
		const struct cmd_option *o = &cmd->options[i];

		lo[i].name = o->name;
		lo[i].has_arg = o->arg ? required_argument : no_argument;
		lo[i].val = o->short_name ? o->short_name : CMD_OPT_LONG + (int)i;
		if (o->short_name) {
			so[k++] = o->short_name;
			if (o->arg)
				so[k++] = ':';
		}
	}
	lo[n].name = "help";
	lo[n].val = CMD_OPT_HELP;
	so[k++] = 'h';
	so[k] = 0;
	*shortopts = so;
	return lo;
}

void cmd_args_init(struct cmd_args *a, const struct cmd_entry *cmd, int argc, char **argv)
{
	memset(a, 0, sizeof(*a));
	a->cmd = cmd;
	a->argc = argc;
	a->argv = argv;
	a->longopts = cmd_getopt_table(cmd, &a->shortopts);
	optind = 0;		/* full reinitialisation of getopt */
	opterr = 0;
}

void cmd_args_release(struct cmd_args *a)
{
	free(a->longopts);
	free(a->shortopts);
	a->longopts = NULL;
	a->shortopts = NULL;
}

static int cmd_option_by_short(const struct cmd_entry *cmd, int c)
{
	int i;

	for (i = 0; cmd->options && cmd->options[i].name; i++)
		if (cmd->options[i].short_name == c)
			return i;
	return -1;
}

static int cmd_args_bad(struct cmd_args *a, int c)
{
	const char *opt = a->argv[optind - 1];

	if (c == ':') {
		/* a long option also sets optopt to its short name: name it as written */
		if (optopt && optopt < CMD_OPT_LONG && cmd_option_by_short(a->cmd, optopt) >= 0 &&
		    strncmp(opt, "--", 2) != 0)
			cli_usage_error("option '-%c' needs a value", optopt);
		else
			cli_usage_error("option '%s' needs a value", opt);
	} else if (optopt && optopt < CMD_OPT_LONG) {
		cli_usage_error("unknown option '-%c'", optopt);
	} else {
		char *esc = str_escaped(opt, strlen(opt));

		cli_usage_error("unknown option '%s'", esc ? esc : opt);
		free(esc);
	}
	return CMD_ARGS_BAD;
}

int cmd_args_next(struct cmd_args *a)
{
	int c, i;

	if (!a->longopts) {
		cli_error(EXIT_TARGET, "out of memory");
		return CMD_ARGS_BAD;
	}
	a->arg = NULL;
	c = getopt_long(a->argc, a->argv, a->shortopts, a->longopts, NULL);
	if (c == -1) {
		a->optind = optind;
		return CMD_ARGS_END;
	}
	if (c == CMD_OPT_HELP || c == 'h') {
		cmd_print_help(a->cmd, stdout);
		return CMD_ARGS_HELP;
	}
	if (c == '?' || c == ':')
		return cmd_args_bad(a, c);
	a->arg = optarg;
	if (c >= CMD_OPT_LONG)
		return c - CMD_OPT_LONG;
	i = cmd_option_by_short(a->cmd, c);
	return i >= 0 ? i : cmd_args_bad(a, '?');
}

/* The command list of `vmatool --help`. */
void cmd_print_list(FILE *out)
{
	size_t i;

	for (i = 0; i < NCMDS; i++)
		fprintf(out, "  %-10s %s\n", cmd_table[i]->name, cmd_table[i]->summary);
}
