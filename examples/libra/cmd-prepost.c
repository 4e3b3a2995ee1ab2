/*
 * libra prepost: pre/post change, respondents paired by id across two waves.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "analysis.h"
#include "args.h"
#include "libra.h"
#include "problems.h"

/* Write @p format to @p path, or to @p fd when @p path is NULL, staged in
 * @p set (or at once without one); report a failure. */
static int write_prepost(const lm_prepost *pp, int format, const char *path, int fd, lm_outputs *set, lm_error *err)
{
	int rc;

	if (set)
		rc = path ? lm_prepost_stage_file(pp, format, path, set, err) : lm_prepost_stage_fd(pp, format, fd, set, err);
	else
		rc = lm_prepost_write_fd(pp, format, fd, err);
	if (rc != LM_OK) {
		print_problems(err, rc);
		lm_error_clear(err);
		return 0;
	}
	return 1;
}

/* Publish what @p set holds; report a failure. */
static int commit_outputs(lm_outputs *set, lm_error *err)
{
	int rc = lm_outputs_commit(set, err);

	if (rc != LM_OK) {
		print_problems(err, rc);
		lm_error_clear(err);
		return 0;
	}
	return 1;
}

/* --keep NAME,... or --keep-all; 0 after saying what is wrong with the list. */
static int keep_columns(lm_prepost *pp, const char *keep, int all)
{
	if (all)
		return lm_prepost_set_keep_all(pp, 1) == LM_OK;
	for (const char *p = keep; p;) {
		size_t len = strcspn(p, ",");
		char name[1024];
		if (len == 0 || len >= sizeof name) {
			usage_error("--keep takes column names separated by commas, none empty; not", keep);
			return 0;
		}
		memcpy(name, p, len);
		name[len] = '\0';
		int rc = lm_prepost_keep_column(pp, name);
		if (rc == LM_EINVAL) {
			usage_error("--keep names a column twice:", name);
			return 0;
		}
		if (rc != LM_OK) {
			fputs("libra: out of memory\n", stderr);
			return 0;
		}
		p = p[len] ? p + len + 1 : NULL;
	}
	return 1;
}

int cmd_prepost(int argc, char **argv)
{
	const char *out = NULL, *format_name = NULL, *summary = NULL, *keep = NULL;
	int keep_all = 0;
	struct analysis_opts a = {0};
	struct option_spec opts[4 + ANALYSIS_NOPTS] = {
		{"output", 'o', &out},
		{"format", 'f', &format_name},
		{"summary", 0, &summary},
		{"keep", 0, &keep},
	};
	size_t nopts = 4 + analysis_options(&a, opts + 4);
	int npos = 0, exit_status, format = LM_PREPOST_JSON, status = EXIT_PROBLEMS, rc, readable;
	const char *out_path, *summary_path;
	lm_instrument *inst = NULL;
	lm_prepost *pp = NULL;
	lm_outputs *set = NULL;
	lm_error *err = NULL;

	if (take_flag(&argc, argv, "keep-all", &keep_all) != EXIT_OK)
		return EXIT_USAGE;
	if (!parse_analysis_args("prepost", argc, argv, opts, nopts, &a, &npos, &exit_status))
		return exit_status;
	if (a.n_waves) {
		if (wave_files_missing("prepost", npos, &a) != EXIT_OK)
			return EXIT_USAGE;
	} else if (a.long_form) {
		if (npos < 2)
			return usage_error("prepost: missing DATA.csv", NULL);
		if (!a.pre_value)
			return usage_error("prepost: --wave-column needs --pre-value", NULL);
		if (!a.post_value)
			return usage_error("prepost: --wave-column needs --post-value", NULL);
	} else {
		if (a.pre_value || a.post_value)
			return usage_error(a.pre_value ? "prepost: --pre-value needs --wave-column (the long form)"
						     : "prepost: --post-value needs --wave-column (the long form)",
					   NULL);
		if (npos < 3)
			return usage_error(npos == 2 ? "prepost: missing POST.csv" : "prepost: missing PRE.csv and POST.csv",
					   NULL);
	}
	if (check_analysis_inputs("prepost", npos, argv, &a) != EXIT_OK)
		return EXIT_USAGE;
	if (a.long_form && !a.n_waves) {
		if (a.wave_column[0] == '\0')
			return usage_error("--wave-column needs a column name", NULL);
		if (!usable_wave_value(a.pre_value))
			return usage_error("--pre-value must be non-empty, without blanks around it; not", a.pre_value);
		if (!usable_wave_value(a.post_value))
			return usage_error("--post-value must be non-empty, without blanks around it; not", a.post_value);
		if (strcmp(a.pre_value, a.post_value) == 0)
			return usage_error("--pre-value and --post-value must differ; both are", a.pre_value);
	}
	if (format_name) {
		if (strcmp(format_name, "json") == 0)
			format = LM_PREPOST_JSON;
		else if (strcmp(format_name, "csv") == 0)
			format = LM_PREPOST_CSV;
		else if (strcmp(format_name, "xlsx") == 0)
			format = LM_PREPOST_XLSX;
		else if (strcmp(format_name, "sav") == 0)
			format = LM_PREPOST_SAV;
		else if (strcmp(format_name, "dta") == 0)
			format = LM_PREPOST_DTA;
		else
			return usage_error("--format must be json, csv, xlsx, sav or dta, not", format_name);
	} else if (out && strcmp(out, "-") != 0) {
		/* The respondent table as a workbook or SPSS/Stata file by the name's extension. */
		switch (lm_writer_format_for_path(out)) {
		case LM_WRITER_XLSX: format = LM_PREPOST_XLSX; break;
		case LM_WRITER_SAV: format = LM_PREPOST_SAV; break;
		case LM_WRITER_DTA: format = LM_PREPOST_DTA; break;
		default: break;
		}
	}
	if (format >= LM_PREPOST_XLSX && (!out || strcmp(out, "-") == 0) && isatty(STDOUT_FILENO))
		return usage_error("an Excel, SPSS or Stata file is not for a terminal: give -o FILE", NULL);
	if (keep && keep_all)
		return usage_error("--keep names the columns to carry and --keep-all carries every one: give one of them",
				   NULL);
	if ((keep || keep_all) && format == LM_PREPOST_JSON)
		return usage_error("--keep and --keep-all carry columns into the respondent table: give --format csv, "
				   "xlsx, sav or dta",
				   NULL);
	if (check_analysis_opts(&a) != EXIT_OK)
		return EXIT_USAGE;

	/* Where each output goes: a path, or NULL for a descriptor. */
	out_path = out && strcmp(out, "-") != 0 ? out : NULL;
	summary_path = summary && strcmp(summary, "-") != 0 ? summary : NULL;
	if (summary && !summary_path && !out_path)
		return usage_error("--summary - needs -o OUT: the output already goes to standard output", NULL);
	/* A person at a terminal gets the summary; a script (stdout a pipe or a
	 * file), -o or --format gets the document, as before. */
	readable = !out && !format_name && isatty(STDOUT_FILENO);
	if (lm_error_new(&err) != LM_OK || lm_outputs_new(&set) != LM_OK) {
		fputs("libra: out of memory\n", stderr);
		goto done;
	}
	if (claim_analysis_files(set, err, argv, &a, out_path, 1, summary_path,
				 summary != NULL) != EXIT_OK) {
		status = EXIT_USAGE;
		goto done;
	}

	if (open_analysis(argv[0], &a, &inst, &pp, &err, &status) != LM_OK)
		goto done;
	if (!keep_columns(pp, keep, keep_all)) {
		status = EXIT_USAGE;
		goto done;
	}

	rc = run_analysis(pp, &a, argv, err);
	if (rc != LM_OK) {
		print_problems(err, rc);
		setting_hints(err, a.id_column != NULL, 0);
		fputs("libra: no output written\n", stderr);
		/* Rows read are still counted when the data failed (not when a header
		 * did); the pairing counts when the run failed for pairing nobody. */
		if (lm_prepost_count(pp, LM_PREPOST_COUNT_PRE_ROWS) + lm_prepost_count(pp, LM_PREPOST_COUNT_POST_ROWS) +
		    lm_prepost_count(pp, LM_PREPOST_COUNT_OTHER_WAVE))
			print_counts(pp, a.long_form,
				     !lm_prepost_count(pp, LM_PREPOST_COUNT_PRE_ONLY) && !lm_prepost_count(pp, LM_PREPOST_COUNT_POST_ONLY));
		goto done;
	}

	/* The summary and the output are written whole, then put in place
	 * together: or neither is. */
	{
		int ok = !summary || write_prepost(pp, LM_PREPOST_SUMMARY, summary_path, STDOUT_FILENO, set, err);
		ok &= write_prepost(pp, readable ? LM_PREPOST_SUMMARY : format, out_path, STDOUT_FILENO, set, err);
		if (!ok || !commit_outputs(set, err)) {
			fputs("libra: no output written\n", stderr);
			goto counts;
		}
	}
	if (format != LM_PREPOST_JSON && !summary && !write_prepost(pp, LM_PREPOST_SUMMARY, NULL, STDERR_FILENO, NULL, err))
		goto counts;
	if (readable)
		fputs("libra: the JSON document: -o OUT.json, or --format json\n", stderr);
	status = EXIT_OK;
counts:
	print_counts(pp, a.long_form, 0);
done:
	lm_outputs_free(set);
	lm_prepost_free(pp);
	lm_instrument_free(inst);
	lm_error_free(err);
	return status;
}
