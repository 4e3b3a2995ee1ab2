/*
 * libra list: every instrument that can be named by id — the bundled ones,
 * then those found along the search path (lm_catalog_new()) — one line each,
 * with where it comes from.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "args.h"
#include "libra.h"
#include "print.h"
#include "problems.h"

/* "built-in", or the file the definition was found in. */
static const char *from(const lm_catalog *c, size_t i)
{
	const char *origin = lm_catalog_origin(c, i);
	return strcmp(origin, "built-in") == 0 ? origin : lm_instrument_source(lm_catalog_instrument(c, i));
}

int cmd_list(int argc, char **argv)
{
	int npos = 0, exit_status, status = EXIT_OK;
	size_t w_id = 2, w_name = 4, w_version = 7;
	lm_catalog *c = NULL;
	lm_error *err = NULL;

	if (!parse_args(argc, argv, NULL, 0, &npos, &exit_status))
		return exit_status;
	if (npos > 0)
		return usage_error("list takes no arguments; got", argv[0]);

	if (lm_error_new(&err) != LM_OK) {
		fputs("libra: out of memory\n", stderr);
		return EXIT_PROBLEMS;
	}
	int rc = lm_catalog_new(&c, err);
	/* A definition that cannot be used (it shadows a built-in, its id is not
	 * its file name, it does not load) is said, and the list is still shown. */
	if (rc != LM_OK || lm_error_total(err) > 0) {
		print_problems(err, rc);
		status = EXIT_PROBLEMS;
	}
	size_t n = lm_catalog_count(c);
	for (size_t i = 0; i < n; i++) {
		const lm_instrument *inst = lm_catalog_instrument(c, i);
		update_width(&w_id, lm_instrument_id(inst));
		update_width(&w_name, lm_instrument_name(inst));
		update_width(&w_version, or_dash(lm_instrument_version(inst)));
	}
	if (rc == LM_OK) {
		print_cell("ID", w_id);
		print_cell("NAME", w_name);
		print_cell("VERSION", w_version);
		puts("FROM");
	}
	for (size_t i = 0; i < n; i++) {
		const lm_instrument *inst = lm_catalog_instrument(c, i);
		print_cell(lm_instrument_id(inst), w_id);
		print_cell(lm_instrument_name(inst), w_name);
		print_cell(or_dash(lm_instrument_version(inst)), w_version);
		puts(from(c, i));
	}
	lm_catalog_free(c);
	lm_error_free(err);
	return status;
}
