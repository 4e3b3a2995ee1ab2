/*
 * libra-man — writes the manual page libra(1) from the help's tables
 * (help-text.c), so that the page and `libra COMMAND --help` say the same.
 * Run at build time: libra-man VERSION > libra.1.
 */
#include <stdio.h>
#include <string.h>

#include "help.h"

/* @p len bytes of @p s as roff text: '-' and '\' escaped, a '.' or '\'' that starts a line kept literal. */
static void roff(const char *s, size_t len)
{
	int line_start = 1;

	for (size_t i = 0; i < len; i++) {
		char c = s[i];
		if (line_start && (c == '.' || c == '\''))
			fputs("\\&", stdout);
		if (c == '\\')
			fputs("\\e", stdout);
		else if (c == '-')
			fputs("\\-", stdout);
		else
			putchar(c);
		line_start = c == '\n';
	}
}

static void roff_line(const char *s)
{
	roff(s, strlen(s));
	putchar('\n');
}

/* Paragraphs separated by an empty line; the lines within one are refilled. */
static void paragraphs(const char *text)
{
	const char *p = text;

	for (;;) {
		const char *end = strstr(p, "\n\n");
		size_t len = end ? (size_t)(end - p) : strlen(p);
		roff(p, len);
		putchar('\n');
		if (!end)
			break;
		puts(".PP");
		p = end + 2;
	}
}

static void options(const struct help_option *opts)
{
	for (; opts->flags; opts++) {
		puts(".TP");
		fputs(".B ", stdout);
		roff_line(opts->flags);
		roff_line(opts->text);
	}
}

/* Lines as they are, in a literal block. */
static void literal(const char *text, const char *prefix)
{
	puts(".RS");
	puts(".nf");
	for (const char *p = text; *p;) {
		size_t len = strcspn(p, "\n");
		if (p[0] == '#') {
			roff(p, len);
		} else {
			fputs(prefix, stdout);
			roff(p, len);
		}
		putchar('\n');
		p += len + (p[len] == '\n');
	}
	puts(".fi");
	puts(".RE");
}

int main(int argc, char **argv)
{
	const char *version = argc > 1 ? argv[1] : "";

	puts(".\\\" The manual page of libra, generated from examples/libra/help-text.c by libra-man: edit that.");
	printf(".TH LIBRA 1 \"\" \"libra_measures %s\" \"User Commands\"\n", version);
	puts(".SH NAME");
	puts("libra \\- score questionnaires and measure pre/post change with reviewed definitions");
	puts(".SH SYNOPSIS");
	puts(".nf");
	for (size_t i = 0; i < help_command_count; i++)
		for (const char *p = help_commands[i].synopsis; *p;) {
			size_t len = strcspn(p, "\n");
			fputs(".B libra ", stdout);
			roff(p, len);
			putchar('\n');
			p += len + (p[len] == '\n');
		}
	puts(".fi");
	puts(".SH DESCRIPTION");
	paragraphs(help_description);
	puts(".PP");
	paragraphs(help_instrument_note);
	puts(".SH OPTIONS");
	options(help_global_options);
	puts(".SH COMMANDS");
	for (size_t i = 0; i < help_command_count; i++) {
		const struct help_command *c = &help_commands[i];
		printf(".SS \"libra %s\"\n", c->name);
		roff_line(c->summary);
		puts(".PP");
		literal(c->synopsis, "libra ");
		puts(".PP");
		paragraphs(c->description);
		for (size_t g = 0; c->options[g]; g++)
			options(c->options[g]);
		puts(".PP");
		puts(strchr(c->examples, '\n') ? "Examples:" : "Example:");
		literal(c->examples, "$ ");
	}
	puts(".SH EXIT STATUS");
	paragraphs(help_exit_status);
	puts(".SH SEE ALSO");
	puts("The README and doc/FORMAT.md (writing a definition), doc/PREPOST.md (the pre/post statistics)");
	puts("of libra_measures.");
	return ferror(stdout) || fflush(stdout) != 0;
}
