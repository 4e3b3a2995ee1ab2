/*
 * libra — the help, as data: each command's synopsis, description, options and
 * examples. `libra --help`, `libra COMMAND --help` (help.c) and the manual page
 * libra(1) (man.c, run at build time) are all printed from these tables, so
 * they cannot say different things. This file and help-text.c use the C
 * library only: the manual page generator is built without libra_measures.
 */
#ifndef LIBRA_HELP_H
#define LIBRA_HELP_H

#include <stddef.h>

/* One option: how it is written ("-o, --output OUT") and what it does. In a
 * text, '\n' breaks a line for the terminal; the manual page refills it. */
struct help_option {
	const char *flags;
	const char *text;
};

/* One command. Arrays of options end with {NULL, NULL}. */
struct help_command {
	const char *name;
	const char *synopsis;    /* its forms, one a line, each without "libra " in front */
	const char *summary;     /* one line, for the list of commands */
	const char *description; /* paragraphs separated by an empty line */
	const struct help_option *options[5]; /* groups of options, NULL-terminated */
	const char *examples;    /* command lines, one a line; "# ..." lines say what the next one does */
};

extern const struct help_command help_commands[];
extern const size_t help_command_count;

/* What every command takes (-h, --help) and what libra alone takes (--version). */
extern const struct help_option help_common_options[];
extern const struct help_option help_global_options[];

/* The general description, the note on INSTRUMENT, and the exit statuses. */
extern const char help_description[];
extern const char help_instrument_note[];
extern const char help_exit_status[];

/* The command named @p name, or NULL. */
const struct help_command *help_command_named(const char *name);

#endif
