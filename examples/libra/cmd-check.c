/*
 * libra check: load each definition file; every problem as FILE:LINE:COL.
 */
#include <stdio.h>

#include "args.h"
#include "libra.h"
#include "problems.h"

int cmd_check(int argc, char **argv)
{
	int npos = 0, exit_status, status = EXIT_OK;
	lm_error *err = NULL;

	if (!parse_args(argc, argv, NULL, 0, &npos, &exit_status))
		return exit_status;
	if (npos == 0)
		return usage_error("check: missing FILE.yaml", NULL);
	if (lm_error_new(&err) != LM_OK) {
		fputs("libra: out of memory\n", stderr);
		return EXIT_PROBLEMS;
	}
	for (int i = 0; i < npos; i++) {
		lm_instrument *inst = NULL;
		int rc = lm_instrument_load_file(&inst, argv[i], err);

		if (rc == LM_OK) {
			print_warnings(err);
			printf("%s: ok\n", argv[i]);
		} else {
			fflush(stdout); /* keep the order of the files when both streams go to one place */
			print_problems(err, rc);
			status = EXIT_PROBLEMS;
		}
		lm_instrument_free(inst);
		lm_error_clear(err);
	}
	lm_error_free(err);
	return status;
}
