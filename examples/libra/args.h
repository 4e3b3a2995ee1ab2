/*
 * libra — command-line arguments: options and positionals, flags, and the
 * values options take.
 */
#ifndef LIBRA_ARGS_H
#define LIBRA_ARGS_H

#include <stddef.h>

struct option_spec {
	const char *long_name; /* without the leading "--" */
	char short_name;       /* 0 for none */
	const char **value;    /* receives the option's argument */
};

/*
 * Separate options from positional arguments, wherever they appear. The
 * positionals are moved to the front of argv (in order) and counted in *npos.
 * Every option takes an argument, given as "--name VALUE", "--name=VALUE",
 * "-n VALUE" or "-nVALUE" (flags are taken out before: take_flag()). -h and
 * --help, anywhere, ask for the usage.
 * @return 1 to go on with the command; 0 when it is done, with *exit_status
 *         EXIT_OK after printing the usage, or EXIT_USAGE after printing the problem.
 */
int parse_args(int argc, char **argv, const struct option_spec *opts, size_t nopts, int *npos, int *exit_status);

/* Take the flag --NAME (an option without a value) out of argv, before any
 * "--", and set *given. EXIT_OK, or EXIT_USAGE after saying it was given twice. */
int take_flag(int *argc, char **argv, const char *name, int *given);

/* The character a --delimiter argument names: one character, or "tab" (or "\\t"); 0 when it names none. */
int delimiter_of(const char *arg, char *delimiter);

/* A plain decimal number ("0.85", ".85", "12", "12.5"): no sign, no exponent,
 * no blanks; 1 with *out set, or 0. */
int parse_decimal(const char *s, double *out);

/* A whole number from lo to hi written without a point, like "5". */
int parse_whole(const char *s, double lo, double hi, double *out);

/* Whether a wave value could ever match: the library trims the cells it compares with it. */
int usable_wave_value(const char *v);

#endif
