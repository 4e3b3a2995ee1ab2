/*
 * libra — the library's problems as the CLI prints them, and the option
 * that sets what a library message names.
 */
#include <stdio.h>
#include <string.h>

#include "problems.h"

/* Print every diagnostic in @p err; if there is none, say what @p rc means. */
void print_problems(const lm_error *err, int rc)
{
	size_t n = lm_error_count(err), total = lm_error_total(err);

	for (size_t i = 0; i < n; i++)
		fprintf(stderr, "%s\n", lm_error_text(err, i));
	if (total > n)
		fprintf(stderr, "\u2026 and %zu more problems\n", total - n);
	if (total == 0 && rc != LM_OK)
		fprintf(stderr, "libra: %s\n", lm_strerror(rc));
}

/* After a call that succeeded: print its warnings (diagnostics with code
 * LM_OK) and clear @p err, so that later problems are printed alone. */
void print_warnings(lm_error *err)
{
	fflush(stdout); /* keep the order when both streams go to one place */
	for (size_t i = 0; i < lm_error_count(err); i++)
		if (lm_error_code(err, i) == LM_OK)
			fprintf(stderr, "%s\n", lm_error_text(err, i));
	lm_error_clear(err);
}

/* After a failed open: the library's messages about a missing id column or a
 * delimiter it cannot tell name the settings; say the options that set them
 * (--no-id only where ids are not needed to pair rows). */
void setting_hints(const lm_error *err, int id_given, int can_have_none)
{
	for (size_t i = 0; i < lm_error_count(err); i++) {
		const char *m = lm_error_message(err, i);
		if (strncmp(m, "cannot tell the delimiter:", 26) == 0) {
			fputs("libra: give the delimiter with --delimiter C (',', ';' or 'tab')\n", stderr);
			return;
		}
		if (id_given)
			continue;
		if (strncmp(m, "no id column:", 13) == 0 ||
		    (strncmp(m, "id column \"", 11) == 0 && strstr(m, "\" is not in the header"))) {
			fprintf(stderr, "libra: name the id column with --id-column NAME%s\n",
				can_have_none ? ", or give --no-id to number the rows instead" : "");
			return;
		}
	}
}
