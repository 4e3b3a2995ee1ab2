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

/* The usage and the options (help.c). */
void print_usage(FILE *f);
/* Report a usage error: "libra: WHAT 'ARG'" (ARG may be NULL), then the usage; EXIT_USAGE. */
int usage_error(const char *what, const char *arg);

/* The commands: argc and argv after the command's name; each returns the exit status. */
int cmd_list(int argc, char **argv);
int cmd_show(int argc, char **argv);
int cmd_check(int argc, char **argv);
int cmd_score(int argc, char **argv);
int cmd_prepost(int argc, char **argv);
int cmd_report(int argc, char **argv);

#endif
