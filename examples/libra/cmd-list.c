/*
 * libra list: the bundled instruments, one line each.
 */
#include <stdio.h>
#include <stdlib.h>

#include "args.h"
#include "libra.h"
#include "print.h"
#include "problems.h"

int cmd_list(int argc, char **argv)
{
	int npos = 0, exit_status, status = EXIT_OK;
	size_t n = lm_builtin_count(), w_id = 2, w_name = 4;
	lm_instrument **insts;
	lm_error *err = NULL;

	if (!parse_args(argc, argv, NULL, 0, &npos, &exit_status))
		return exit_status;
	if (npos > 0)
		return usage_error("list takes no arguments; got", argv[0]);

	insts = calloc(n ? n : 1, sizeof *insts);
	if (!insts || lm_error_new(&err) != LM_OK) {
		free(insts);
		fputs("libra: out of memory\n", stderr);
		return EXIT_PROBLEMS;
	}
	for (size_t i = 0; i < n; i++) {
		int rc = lm_instrument_load_builtin(&insts[i], lm_builtin_id(i), err);

		if (rc != LM_OK) {
			print_problems(err, rc);
			lm_error_clear(err);
			status = EXIT_PROBLEMS;
			continue;
		}
		update_width(&w_id, lm_instrument_id(insts[i]));
		update_width(&w_name, lm_instrument_name(insts[i]));
	}
	print_cell("ID", w_id);
	print_cell("NAME", w_name);
	puts("VERSION");
	for (size_t i = 0; i < n; i++) {
		if (!insts[i])
			continue;
		print_cell(lm_instrument_id(insts[i]), w_id);
		print_cell(lm_instrument_name(insts[i]), w_name);
		puts(or_dash(lm_instrument_version(insts[i])));
		lm_instrument_free(insts[i]);
	}
	free(insts);
	lm_error_free(err);
	return status;
}
