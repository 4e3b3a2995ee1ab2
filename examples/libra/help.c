/*
 * libra — the help on a terminal: the general usage, each command's usage,
 * options and examples, and the one line a usage error ends with. The words
 * are in help-text.c, shared with the manual page.
 */
#include <stdio.h>
#include <string.h>

#include "help.h"
#include "libra.h"

/* The command being run, for "Try 'libra CMD --help'"; NULL before one is picked. */
static const char *current_command;

void help_set_command(const char *name)
{
	current_command = name;
}

/* @p text, each of its lines after the first indented by @p indent spaces. */
static void put_indented(FILE *f, const char *text, int indent)
{
	for (const char *p = text; *p;) {
		size_t len = strcspn(p, "\n");
		fwrite(p, 1, len, f);
		fputc('\n', f);
		p += len;
		if (*p == '\n' && *++p)
			fprintf(f, "%*s", indent, "");
	}
}

/* Options as "  FLAGS   text": the text in a column, or below the flags when they are long. */
static void put_options(FILE *f, const struct help_option *opts)
{
	enum { COLUMN = 29 };
	for (; opts->flags; opts++) {
		int w = fprintf(f, "  %s", opts->flags);
		if (w < COLUMN - 1)
			fprintf(f, "%*s", COLUMN - w, "");
		else
			fprintf(f, "\n%*s", COLUMN, "");
		put_indented(f, opts->text, COLUMN);
	}
}

static void put_command_help(FILE *f, const struct help_command *c)
{
	const char *p = c->synopsis;
	const char *lead = "Usage: ";

	while (*p) {
		size_t len = strcspn(p, "\n");
		fprintf(f, "%slibra %.*s\n", lead, (int)len, p);
		lead = "       ";
		p += len + (p[len] == '\n');
	}
	fputc('\n', f);
	put_indented(f, c->description, 0);
	if (c->options[0]) {
		fputs("\nOptions (before or after the other arguments; '--' ends them):\n", f);
		for (size_t g = 0; c->options[g]; g++)
			put_options(f, c->options[g]);
	}
	fputs(strchr(c->examples, '\n') ? "\nExamples:\n" : "\nExample:\n", f);
	for (p = c->examples; *p;) {
		size_t len = strcspn(p, "\n");
		fprintf(f, "  %.*s\n", (int)len, p);
		p += len + (p[len] == '\n');
	}
	if (strcmp(c->name, "list") != 0 && strcmp(c->name, "help") != 0)
		fprintf(f, "\n%s\n", help_instrument_note);
	fputc('\n', f);
	put_indented(f, help_exit_status, 0);
}

static void put_general_help(FILE *f)
{
	fputs("Usage: libra COMMAND [ARGUMENTS]\n\n", f);
	put_indented(f, help_description, 0);
	fputs("\nCommands:\n", f);
	for (size_t i = 0; i < help_command_count; i++) {
		const struct help_command *c = &help_commands[i];
		int w = 0;
		for (const char *p = c->synopsis; *p;) {
			size_t len = strcspn(p, "\n");
			w = fprintf(f, "%s  %.*s", w ? "\n" : "", (int)len, p) - (w ? 1 : 0);
			p += len + (p[len] == '\n');
		}
		/* The summary beside a short form, else below it. */
		if (w < 28)
			fprintf(f, "%*s%s\n", 29 - w, "", c->summary);
		else
			fprintf(f, "\n%29s%s\n", "", c->summary);
	}
	fputs("\nOptions:\n", f);
	put_options(f, help_global_options);
	fprintf(f, "\n%s\n", help_instrument_note);
	fputc('\n', f);
	put_indented(f, help_exit_status, 0);
	fputs("The manual page libra(1) has all of it: 'man libra'.\n", f);
}

void print_usage(FILE *f)
{
	const struct help_command *c = help_command_named(current_command);

	if (c)
		put_command_help(f, c);
	else
		put_general_help(f);
}

int print_command_help(const char *name)
{
	const struct help_command *c = help_command_named(name);

	if (!c)
		return usage_error("help: no such command", name);
	put_command_help(stdout, c);
	return EXIT_OK;
}

void print_try_help(void)
{
	if (current_command)
		fprintf(stderr, "Try 'libra %s --help'.\n", current_command);
	else
		fputs("Try 'libra --help'.\n", stderr);
}

/* Report a usage error: its one line, then where the usage is. */
int usage_error(const char *what, const char *arg)
{
	if (arg)
		fprintf(stderr, "libra: %s '%s'\n", what, arg);
	else
		fprintf(stderr, "libra: %s\n", what);
	print_try_help();
	return EXIT_USAGE;
}
