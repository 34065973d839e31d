/*
 * cmd-help.c - what the command table says about itself: `vmatool help
 * [COMMAND]` and every --help text, and `vmatool --list-options [COMMAND]`,
 * the table in a stable, tab-separated form that the bash, zsh and fish
 * completions and tests/docs.sh read (after git's --git-completion-helper):
 *
 *	vmatool --list-options		NAME<TAB>SUMMARY, one line per command
 *	vmatool --list-options CMD	usage<TAB>vmatool CMD [options] OPERANDS
 *					operands<TAB>MIN<TAB>MAX (MAX "many": no limit)
 *					operand<TAB>NAME<TAB>KIND, in order; the last
 *					    repeats (KIND: target process address command)
 *					option<TAB>--LONG<TAB>-S<TAB>TYPE<TAB>FLAGS<TAB>VALUES<TAB>HELP
 *
 * TYPE is flag, enum, enum-list, size, duration, range, count, file, string
 * or setting; FLAGS is repeat, once or "-"; VALUES are the enum values
 * separated by spaces (for a setting: "upstream" and each "NAME="), or "-";
 * an option without a short form has "-" for -S.
 */
#include <string.h>

#include "cli/cli.h"
#include "engine/machine.h"

static const char *const type_names[] = {
	[CMD_FLAG] = "flag", [CMD_ENUM] = "enum", [CMD_ENUM_LIST] = "enum-list",
	[CMD_SIZE] = "size", [CMD_DURATION] = "duration", [CMD_RANGE] = "range",
	[CMD_COUNT] = "count", [CMD_FILE] = "file", [CMD_STRING] = "string",
	[CMD_SETTING] = "setting",
};

static const char *const operand_kind_names[] = {
	[CMD_TARGET] = "target", [CMD_PROCESS] = "process", [CMD_ADDRESS] = "address",
	[CMD_COMMAND] = "command",
};

/* "TARGET ADDR...", "[TARGET]": the operands as the usage line shows them. */
static void print_operands(const struct cmd_entry *cmd, FILE *out)
{
	const struct cmd_operand *od = cmd->operands;

	for (int i = 0; od && od[i].name; i++) {
		bool optional = i >= cmd->min_operands;
		bool repeats = !od[i + 1].name && cmd->max_operands < 0;

		fprintf(out, " %s%s%s%s", optional ? "[" : "", od[i].name, repeats ? "..." : "",
			optional ? "]" : "");
	}
}

/* "vmatool NAME [options] OPERANDS" */
static void print_synopsis(const struct cmd_entry *cmd, FILE *out)
{
	fprintf(out, "vmatool %s%s", cmd->name,
		cmd->options && cmd->options[0].name ? " [options]" : "");
	print_operands(cmd, out);
}

void cmd_print_usage(const struct cmd_entry *cmd, FILE *out)
{
	fputs("usage: ", out);
	print_synopsis(cmd, out);
	fputc('\n', out);
}

int cmd_print_help(const struct cmd_entry *cmd, FILE *out)
{
	const struct cmd_option *o;
	char left[64];

	cmd_print_usage(cmd, out);
	fprintf(out, "\n%s\n\noptions:\n", cmd->summary);
	for (o = cmd->options; o && o->name; o++) {
		int n = 0;

		if (o->short_name)
			n = snprintf(left, sizeof(left), "-%c, ", o->short_name);
		else
			n = snprintf(left, sizeof(left), "    ");
		snprintf(left + n, sizeof(left) - (size_t)n, "--%s%s%s", o->name, o->arg ? "=" : "",
			 o->arg ? o->arg : "");
		fprintf(out, "  %-28s %s\n", left, o->help);
	}
	fprintf(out, "  %-28s %s\n", "-h, --help", "show this help");
	return EXIT_FINE;
}

void cmd_print_main_help(FILE *out)
{
	fputs("usage: vmatool COMMAND [options] [arguments]\n"
	      "       vmatool --help | --version | --list-options [COMMAND]\n\n"
	      "Look inside a Linux process's virtual address space.\n\n"
	      "commands:\n", out);
	for (size_t i = 0; cmd_table[i]; i++)
		fprintf(out, "  %-10s %s\n", cmd_table[i]->name, cmd_table[i]->summary);
	fputs("\nTARGET is a PID, 'self', a process name, or a saved maps, smaps or\n"
	      "vmatool JSON file.  'vmatool COMMAND --help' describes a command.\n", out);
}

/* ---- --list-options ------------------------------------------------------------ */

static void list_values(const char *const *values, FILE *out)
{
	if (!values) {
		fputc('-', out);
		return;
	}
	for (int i = 0; values[i]; i++)
		fprintf(out, "%s%.*s", i ? " " : "", (int)strcspn(values[i], "|"), values[i]);
}

static void list_option(const struct cmd_option *o, FILE *out)
{
	fprintf(out, "option\t--%s\t", o->name);
	if (o->short_name)
		fprintf(out, "-%c", o->short_name);
	else
		fputc('-', out);
	fprintf(out, "\t%s\t%s\t", type_names[o->type],
		o->flags & CMD_REPEAT ? "repeat" : o->flags & CMD_ONCE ? "once" : "-");
	if (o->type == CMD_SETTING) {	/* "upstream", then each NAME= to complete */
		fputs("upstream", out);
		for (size_t i = 0; i < vma_setting_count(); i++)
			fprintf(out, " %s=", vma_setting_at(i)->name);
	} else {
		list_values(o->values, out);
	}
	fprintf(out, "\t%s\n", o->help);
}

static void list_command(const struct cmd_entry *cmd, FILE *out)
{
	static const struct cmd_option help = {
		.name = "help", .short_name = 'h', .type = CMD_FLAG, .help = "show this help",
	};
	const struct cmd_operand *od;

	fputs("usage\t", out);
	print_synopsis(cmd, out);
	fprintf(out, "\noperands\t%d\t", cmd->min_operands);
	if (cmd->max_operands < 0)
		fputs("many\n", out);
	else
		fprintf(out, "%d\n", cmd->max_operands);
	for (od = cmd->operands; od && od->name; od++)
		fprintf(out, "operand\t%s\t%s\n", od->name, operand_kind_names[od->kind]);
	for (const struct cmd_option *o = cmd->options; o && o->name; o++)
		list_option(o, out);
	list_option(&help, out);
}

int cmd_list_options(int argc, char **argv, FILE *out)
{
	const struct cmd_entry *cmd;

	if (argc > 1) {
		fputs("vmatool: --list-options takes at most one COMMAND\n", stderr);
		return EXIT_BADINPUT;
	}
	if (argc == 0) {
		for (size_t i = 0; cmd_table[i]; i++)
			fprintf(out, "%s\t%s\n", cmd_table[i]->name, cmd_table[i]->summary);
		return EXIT_FINE;
	}
	cmd = cmd_find(argv[0]);
	if (!cmd)
		return EXIT_BADINPUT;
	list_command(cmd, out);
	return EXIT_FINE;
}

/* ---- vmatool help [COMMAND] --------------------------------------------------------- */

static int help_exec(struct cmd_call *call)
{
	const struct cmd_entry *cmd;

	if (!call->noperands) {
		cmd_print_main_help(stdout);
		return EXIT_FINE;
	}
	cmd = cmd_find(call->operands[0]);
	return cmd ? cmd_print_help(cmd, stdout) : EXIT_BADINPUT;
}

const struct cmd_entry cmd_help_entry = {
	.name = "help",
	.summary = "describe vmatool, or one of its commands",
	.operands = (const struct cmd_operand[]){ { "COMMAND", CMD_COMMAND }, { NULL, 0 } },
	.min_operands = 0,
	.max_operands = 1,
	.exec = help_exec,
};
