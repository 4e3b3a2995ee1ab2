/*
 * libra — command-line arguments: options separated from the positional
 * arguments wherever they stand, flags, and the values options take
 * (numbers, a delimiter), read the same under every locale.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include <libra_measures/libra_measures.h>

#include "args.h"
#include "libra.h"

/*
 * Separate options from positional arguments, wherever they appear. The
 * positionals are moved to the front of argv (in order) and counted in *npos.
 * Every option takes an argument, given as "--name VALUE", "--name=VALUE",
 * "-n VALUE" or "-nVALUE" (flags are taken out before: take_flag()). -h and
 * --help set *help. EXIT_OK, or EXIT_USAGE after printing the problem.
 */
static int scan_args(int argc, char **argv, const struct option_spec *opts, size_t nopts, int *npos, int *help)
{
	int only_positionals = 0;

	*npos = 0;
	for (int i = 0; i < argc; i++) {
		char *a = argv[i];
		const struct option_spec *opt = NULL;
		const char *value = NULL;

		if (only_positionals || a[0] != '-' || strcmp(a, "-") == 0) {
			argv[(*npos)++] = a;
			continue;
		}
		if (strcmp(a, "--") == 0) {
			only_positionals = 1;
			continue;
		}
		if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
			*help = 1;
			continue;
		}
		if (a[1] == '-') {
			const char *name = a + 2, *eq = strchr(name, '=');
			size_t len = eq ? (size_t)(eq - name) : strlen(name);

			for (size_t k = 0; k < nopts; k++)
				if (strlen(opts[k].long_name) == len && strncmp(opts[k].long_name, name, len) == 0)
					opt = &opts[k];
			if (eq)
				value = eq + 1;
		} else {
			for (size_t k = 0; k < nopts; k++)
				if (opts[k].short_name && opts[k].short_name == a[1])
					opt = &opts[k];
			if (opt && a[2] != '\0')
				value = a + 2;
		}
		if (!opt)
			return usage_error("unknown option", a);
		if (!value) {
			if (i + 1 >= argc)
				return usage_error("missing argument of option", a);
			value = argv[++i];
		}
		if (*opt->value)
			return usage_error("option given twice:", a);
		*opt->value = value;
	}
	return EXIT_OK;
}

int parse_args(int argc, char **argv, const struct option_spec *opts, size_t nopts, int *npos, int *exit_status)
{
	int help = 0;

	if (scan_args(argc, argv, opts, nopts, npos, &help) != EXIT_OK) {
		*exit_status = EXIT_USAGE;
		return 0;
	}
	if (help) {
		print_usage(stdout);
		*exit_status = EXIT_OK;
		return 0;
	}
	return 1;
}

/*
 * Take the flag --NAME (an option without a value) out of argv, before any
 * "--", and set *given. Returns EXIT_OK, or EXIT_USAGE after saying that it
 * was given twice.
 */
int take_flag(int *argc, char **argv, const char *name, int *given)
{
	int kept = 0, stop = 0;
	*given = 0;
	for (int i = 0; i < *argc; i++) {
		const char *a = argv[i];
		if (!stop && strcmp(a, "--") == 0)
			stop = 1;
		if (stop || strncmp(a, "--", 2) != 0 || strcmp(a + 2, name) != 0) {
			argv[kept++] = argv[i];
			continue;
		}
		if ((*given)++)
			return usage_error("option given twice:", a);
	}
	*argc = kept;
	return EXIT_OK;
}

/* The character a --delimiter argument names: one character, or "tab" (or "\\t"); 0 when it names none. */
int delimiter_of(const char *arg, char *delimiter)
{
	if (strcmp(arg, "tab") == 0 || strcmp(arg, "\\t") == 0)
		*delimiter = '\t';
	else if (strlen(arg) == 1)
		*delimiter = arg[0];
	else
		return 0;
	return 1;
}

/*
 * Read with the library's parser, not strtod(), which follows LC_NUMERIC
 * (main() takes the locale from the environment): "0.85" means the same under
 * a decimal-comma locale. An option's value is digits and one '.' only; the
 * parser would also take blanks and a sign. A number with more significant
 * digits than a double holds is taken as the nearest double (the parser says
 * LM_EDATA and gives it): the caller's range decides, as before.
 */
int parse_decimal(const char *s, double *out)
{
	size_t len = strlen(s);
	double v;
	int rc;

	if (len == 0 || s[strspn(s, "0123456789.")] != '\0')
		return 0;
	rc = lm_number_parse(s, len, &v);
	if (rc != LM_OK && !(rc == LM_EDATA && !isnan(v)))
		return 0;
	*out = v;
	return 1;
}

/* A whole number from lo to hi written without a point, like "5". */
int parse_whole(const char *s, double lo, double hi, double *out)
{
	return parse_decimal(s, out) && *out >= lo && *out <= hi && *out == floor(*out) && !strchr(s, '.');
}

/* Whether a wave value could ever match: the library trims the cells it compares with it. */
int usable_wave_value(const char *v)
{
	size_t n = strlen(v);

	return n > 0 && !strchr(" \t", v[0]) && !strchr(" \t", v[n - 1]);
}
