/* The .Call entry points, registered so that R finds them by symbol only. */
#include "glue.h"

#include <R_ext/Rdynload.h>

static const R_CallMethodDef calls[] = {
	{"lr_load", (DL_FUNC)&lr_load, 1},
	{"lr_info", (DL_FUNC)&lr_info, 1},
	{"lr_score", (DL_FUNC)&lr_score, 6},
	{"lr_prepost", (DL_FUNC)&lr_prepost, 11},
	{"lr_prepost_waves", (DL_FUNC)&lr_prepost_waves, 8},
	{"lr_prepost_files", (DL_FUNC)&lr_prepost_files, 7},
	{"lr_prepost_respondents", (DL_FUNC)&lr_prepost_respondents, 1},
	{"lr_prepost_summary", (DL_FUNC)&lr_prepost_summary, 1},
	{"lr_prepost_counts", (DL_FUNC)&lr_prepost_counts, 1},
	{"lr_prepost_output", (DL_FUNC)&lr_prepost_output, 2},
	{"lr_report", (DL_FUNC)&lr_report, 5},
	{"lr_builtins", (DL_FUNC)&lr_builtins, 0},
	{"lr_score_file", (DL_FUNC)&lr_score_file, 9},
	{"lr_writer_format_for_path", (DL_FUNC)&lr_writer_format_for_path, 1},
	{NULL, NULL, 0}};

void R_init_libra_measures(DllInfo *dll)
{
	R_registerRoutines(dll, NULL, calls, NULL, NULL);
	R_useDynamicSymbols(dll, FALSE);
	R_forceSymbols(dll, TRUE);
}
