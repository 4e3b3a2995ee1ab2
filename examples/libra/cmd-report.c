/*
 * libra report: the prepost analysis as one self-contained HTML file.
 */
#include <stdio.h>
#include <string.h>

#include "analysis.h"
#include "args.h"
#include "libra.h"
#include "problems.h"

/* The last component of a path: the report names its data files without their directories. */
static const char *base_name(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? slash + 1 : path;
}

/*
 * libra report: the same analysis as prepost, written as one self-contained
 * HTML file. What it shows and suppresses is the library's (report.h).
 */
int cmd_report(int argc, char **argv)
{
	const char *out = NULL, *min_cell_arg = NULL;
	struct analysis_opts a = {0};
	struct option_spec opts[2 + ANALYSIS_NOPTS] = {
		{"output", 'o', &out},
		{"min-cell", 0, &min_cell_arg},
	};
	size_t nopts = 2 + analysis_options(&a, opts + 2);
	int npos = 0, exit_status, status = EXIT_PROBLEMS, rc;
	double min_cell = 0;
	lm_instrument *inst = NULL;
	lm_prepost *pp = NULL;
	lm_report *html = NULL;
	lm_outputs *set = NULL;
	lm_error *err = NULL;

	if (!parse_analysis_args("report", argc, argv, opts, nopts, &a, &npos, &exit_status))
		return exit_status;
	if (a.n_waves) {
		if (wave_files_missing("report", npos, &a) != EXIT_OK)
			return EXIT_USAGE;
	} else if (a.long_form && (npos < 2 || !a.pre_value || !a.post_value))
		return usage_error(npos < 2 ? "report: missing DATA.csv"
					    : "report: --wave-column needs --pre-value and --post-value",
				   NULL);
	else if (!a.long_form && (a.pre_value || a.post_value))
		return usage_error("report: --pre-value and --post-value need --wave-column (the long form)", NULL);
	else if (!a.long_form && npos < 3)
		return usage_error(npos == 2 ? "report: missing POST.csv" : "report: missing PRE.csv and POST.csv", NULL);
	if (check_analysis_inputs("report", npos, argv, &a) != EXIT_OK)
		return EXIT_USAGE;
	if (!out || strcmp(out, "-") == 0)
		return usage_error("report: needs -o OUT.html (a file)", NULL);
	if (a.long_form && !a.n_waves && (a.wave_column[0] == '\0' || !usable_wave_value(a.pre_value) ||
			    !usable_wave_value(a.post_value) || strcmp(a.pre_value, a.post_value) == 0))
		return usage_error("report: --wave-column needs a name, and --pre-value and --post-value two different "
				   "non-empty values without blanks around them",
				   NULL);
	if (check_analysis_opts(&a) != EXIT_OK)
		return EXIT_USAGE;
	if (min_cell_arg && !parse_whole(min_cell_arg, 1, 1e9, &min_cell))
		return usage_error("--min-cell must be a whole number of at least 1, like 5, not", min_cell_arg);
	if (lm_error_new(&err) != LM_OK || lm_outputs_new(&set) != LM_OK) {
		fputs("libra: out of memory\n", stderr);
		goto done;
	}
	if (claim_analysis_files(set, err, argv, &a, out, 1, NULL, 0) != EXIT_OK) {
		status = EXIT_USAGE;
		goto done;
	}

	if (open_analysis(argv[0], &a, &inst, &pp, &err, &status) != LM_OK)
		goto done;
	rc = run_analysis(pp, &a, argv, err);
	if (rc == LM_OK)
		rc = lm_report_new(&html, pp);
	if (rc == LM_OK && min_cell_arg)
		rc = lm_report_set_min_cell(html, (unsigned long)min_cell);
	if (rc == LM_OK)
		rc = lm_report_set_source_names(html, base_name(argv[1]), a.long_form || a.n_waves ? NULL : base_name(argv[2]));
	if (rc == LM_OK)
		rc = lm_report_stage_file(html, out, set, err);
	if (rc == LM_OK)
		rc = lm_outputs_commit(set, err);
	if (rc != LM_OK) {
		print_problems(err, rc);
		setting_hints(err, a.id_column != NULL, 0);
		fputs("libra: no output written\n", stderr);
		goto done;
	}
	print_counts(pp, a.long_form, 0);
	status = EXIT_OK;
done:
	lm_outputs_free(set);
	lm_report_free(html);
	lm_prepost_free(pp);
	lm_instrument_free(inst);
	lm_error_free(err);
	return status;
}
