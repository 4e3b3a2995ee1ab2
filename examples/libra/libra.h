/*
 * libra — what every part of the command-line client shares: the exit
 * statuses, the usage texts, and the commands (one file each, cmd-*.c).
 */
#ifndef LIBRA_LIBRA_H
#define LIBRA_LIBRA_H

#include <stdio.h>

#include <libra_measures/libra_measures.h>

/* 3: the good rows were written and the rejected ones went to --rejects. */
enum { EXIT_OK = 0, EXIT_PROBLEMS = 1, EXIT_USAGE = 2, EXIT_REJECTED = 3 };

/* The help (help.c; its words in help-text.c). The command being run, set
 * once it is known, chooses which help is meant. */
void help_set_command(const char *name);
/* The help of the command being run (its usage, options, examples), or the general help. */
void print_usage(FILE *f);
/* The help of the command @p name on standard output; EXIT_OK, or a usage error if there is none. */
int print_command_help(const char *name);
/* "Try 'libra CMD --help'." on standard error. */
void print_try_help(void);
/* Report a usage error: "libra: WHAT 'ARG'" (ARG may be NULL), then print_try_help(); EXIT_USAGE. */
int usage_error(const char *what, const char *arg);

/* The commands: argc and argv after the command's name; each returns the exit status. */
int cmd_list(int argc, char **argv);
int cmd_show(int argc, char **argv);
int cmd_check(int argc, char **argv);
int cmd_score(int argc, char **argv);
int cmd_prepost(int argc, char **argv);
int cmd_report(int argc, char **argv);

#endif
