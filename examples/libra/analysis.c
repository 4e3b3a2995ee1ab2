/*
 * libra — what prepost and report share: their options, checked once, and the
 * analysis they configure, run and count.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "analysis.h"
#include "args.h"
#include "files.h"
#include "libra.h"
#include "problems.h"

int claim_analysis_files(lm_outputs *set, lm_error *err, char **argv, const struct analysis_opts *a, const char *out1,
			 int has_out1, const char *out2, int has_out2)
{
	int ok = files_definition(set, argv[0], err);

	for (int i = 1; ok && i <= a->n_inputs; i++)
		ok = files_input(set, argv[i], err);
	if (ok && a->reader.map_file)
		ok = files_input(set, a->reader.map_file, err);
	if (ok && has_out1)
		ok = files_output(set, out1, err);
	if (ok && has_out2)
		ok = files_output(set, out2, err);
	return ok ? EXIT_OK : EXIT_USAGE;
}

/* With waves: "W1 -> W2: baseline rows 16, W2 rows 14, pairs 12, ..." per later wave. */
static void print_wave_counts(const lm_prepost *pp, int long_form)
{
	const char *base = lm_prepost_wave_name(pp, 0);
	for (size_t k = 1; k < lm_prepost_wave_count(pp); k++) {
		const char *w = lm_prepost_wave_name(pp, k);
		fprintf(stderr, "%s -> %s: %s rows: %lu, %s rows: %lu, pairs: %lu, %s only: %lu, %s only: %lu", base, w,
			base, lm_prepost_wave_tally(pp, k, LM_PREPOST_COUNT_PRE_ROWS), w,
			lm_prepost_wave_tally(pp, k, LM_PREPOST_COUNT_POST_ROWS),
			lm_prepost_wave_tally(pp, k, LM_PREPOST_COUNT_PAIRS), base,
			lm_prepost_wave_tally(pp, k, LM_PREPOST_COUNT_PRE_ONLY), w,
			lm_prepost_wave_tally(pp, k, LM_PREPOST_COUNT_POST_ONLY));
		fprintf(stderr, ", no id: %lu, duplicate id: %lu", lm_prepost_wave_tally(pp, k, LM_PREPOST_COUNT_NO_ID),
			lm_prepost_wave_tally(pp, k, LM_PREPOST_COUNT_DUPLICATE_ID));
		if (long_form)
			fprintf(stderr, ", other wave: %lu", lm_prepost_wave_tally(pp, k, LM_PREPOST_COUNT_OTHER_WAVE));
		fputc('\n', stderr);
	}
}

void print_counts(const lm_prepost *pp, int long_form, int failed)
{
	if (!failed && lm_prepost_wave_name(pp, 0)) {
		print_wave_counts(pp, long_form);
		return;
	}
	fprintf(stderr, "pre rows: %lu, post rows: %lu", lm_prepost_count(pp, LM_PREPOST_COUNT_PRE_ROWS),
		lm_prepost_count(pp, LM_PREPOST_COUNT_POST_ROWS));
	if (!failed)
		fprintf(stderr, ", pairs: %lu, pre only: %lu, post only: %lu", lm_prepost_count(pp, LM_PREPOST_COUNT_PAIRS),
			lm_prepost_count(pp, LM_PREPOST_COUNT_PRE_ONLY), lm_prepost_count(pp, LM_PREPOST_COUNT_POST_ONLY));
	fprintf(stderr, ", no id: %lu, duplicate id: %lu", lm_prepost_count(pp, LM_PREPOST_COUNT_NO_ID),
		lm_prepost_count(pp, LM_PREPOST_COUNT_DUPLICATE_ID));
	if (lm_prepost_count(pp, LM_PREPOST_COUNT_REJECTED))
		fprintf(stderr, ", rejected: %lu", lm_prepost_count(pp, LM_PREPOST_COUNT_REJECTED));
	if (long_form)
		fprintf(stderr, ", other wave: %lu", lm_prepost_count(pp, LM_PREPOST_COUNT_OTHER_WAVE));
	if (lm_prepost_count(pp, LM_PREPOST_COUNT_BLANK))
		fprintf(stderr, ", blank rows skipped: %lu", lm_prepost_count(pp, LM_PREPOST_COUNT_BLANK));
	fputc('\n', stderr);
}

/*
 * The options prepost and report share, applied to an analysis. LM_EINVAL
 * with no diagnostic means a malformed reading option, already said (a
 * usage error).
 */
static int configure_analysis(lm_prepost *pp, const lm_instrument *inst, const struct analysis_opts *a, lm_error *err)
{
	int rc = LM_OK;
	if (a->id_column)
		rc = lm_prepost_set_id_column(pp, a->id_column);
	if (rc == LM_OK && a->group_column)
		rc = lm_prepost_set_group_column(pp, a->group_column);
	if (rc == LM_OK)
		rc = lm_prepost_set_duplicates(pp, a->duplicates);
	if (rc == LM_OK && a->reliability_arg)
		rc = lm_prepost_set_reliability(pp, a->reliability);
	if (rc == LM_OK && a->rci_sd_arg)
		rc = lm_prepost_set_rci_sd(pp, a->rci_sd);
	if (rc == LM_OK && a->n_waves)
		rc = lm_prepost_set_waves(pp, a->wave_names, a->n_waves);
	if (rc == LM_OK && a->cluster_column)
		rc = lm_prepost_set_cluster_column(pp, a->cluster_column);
	if (rc == LM_OK && a->reference_group)
		rc = lm_prepost_set_reference_group(pp, a->reference_group);
	if (rc != LM_OK)
		return rc;
	/* Both waves are read with the same options, given once as a table's. */
	lm_table *like = NULL;
	rc = lm_table_new(&like, inst);
	if (rc == LM_OK)
		rc = configure_table(like, &a->reader, err);
	if (rc == LM_OK)
		rc = lm_prepost_set_table_options(pp, like);
	lm_table_free(like);
	return rc;
}

size_t analysis_options(struct analysis_opts *a, struct option_spec *opts)
{
	const struct option_spec mine[ANALYSIS_NOPTS - READER_NOPTS] = {
		{"id-column", 0, &a->id_column},
		{"group-column", 0, &a->group_column},
		{"on-duplicate", 0, &a->on_duplicate},
		{"reliability", 0, &a->reliability_arg},
		{"rci-sd", 0, &a->rci_sd_arg},
		{"threads", 0, &a->threads_arg},
		{"wave-column", 0, &a->wave_column},
		{"pre-value", 0, &a->pre_value},
		{"post-value", 0, &a->post_value},
		{"waves", 0, &a->waves_arg},
		{"cluster-column", 0, &a->cluster_column},
		{"reference-group", 0, &a->reference_group},
	};
	size_t n = sizeof mine / sizeof mine[0];

	memcpy(opts, mine, sizeof mine);
	return n + reader_options(&a->reader, opts + n);
}

/*
 * Split --waves (a copy of it) into its names and check
 * them and the options that need waves. EXIT_OK or EXIT_USAGE (said).
 */
static int check_wave_opts(struct analysis_opts *a)
{
	if (!a->waves_arg) {
		if (a->cluster_column)
			return usage_error("--cluster-column needs --waves (a trial analysis: name the waves, baseline first)",
					   NULL);
		if (a->reference_group)
			return usage_error("--reference-group needs --waves (a trial analysis: name the waves, baseline "
					   "first)",
					   NULL);
		return EXIT_OK;
	}
	if (strlen(a->waves_arg) >= sizeof a->waves_buf)
		return usage_error("--waves: the wave names are too long (at most 1023 characters in all)", NULL);
	char *p = strcpy(a->waves_buf, a->waves_arg);
	a->n_waves = 0;
	for (;;) {
		char *comma = strchr(p, ',');
		if (comma)
			*comma = '\0';
		if (!usable_wave_value(p))
			return usage_error("--waves: each wave name must be non-empty, without blanks around it, like "
					   "--waves base,post,follow; not",
					   p);
		for (size_t k = 0; k < a->n_waves; k++)
			if (strcmp(a->wave_names[k], p) == 0)
				return usage_error("--waves: a wave is named twice:", p);
		if (a->n_waves == ANALYSIS_MAX_WAVES)
			return usage_error("--waves: too many waves (at most 64)", NULL);
		a->wave_names[a->n_waves++] = p;
		if (!comma)
			break;
		p = comma + 1;
	}
	if (a->n_waves < 2)
		return usage_error("--waves needs at least two wave names, the baseline first, like --waves base,post; not",
				   a->waves_arg);
	if (a->pre_value || a->post_value)
		return usage_error("--pre-value and --post-value are for two waves; with --waves the wave column holds "
				   "the wave names",
				   NULL);
	if (a->wave_column && a->wave_column[0] == '\0')
		return usage_error("--wave-column needs a column name", NULL);
	if (a->cluster_column && a->cluster_column[0] == '\0')
		return usage_error("--cluster-column needs a column name", NULL);
	if (a->reference_group && !a->group_column)
		return usage_error("--reference-group needs --group-column (the column with each respondent's arm)", NULL);
	if (a->reference_group && !usable_wave_value(a->reference_group))
		return usage_error("--reference-group must be non-empty, without blanks around it; not", a->reference_group);
	return EXIT_OK;
}

int parse_analysis_args(const char *cmd, int argc, char **argv, const struct option_spec *opts, size_t nopts,
			struct analysis_opts *a, int *npos, int *exit_status)
{
	char what[64];

	if (!parse_args(argc, argv, opts, nopts, npos, exit_status))
		return 0;
	if (check_wave_opts(a) != EXIT_OK) {
		*exit_status = EXIT_USAGE;
		return 0;
	}
	a->long_form = a->wave_column != NULL;
	a->n_inputs = a->long_form ? 1 : a->n_waves ? (int)a->n_waves : 2;
	if (*npos == 0) {
		snprintf(what, sizeof what, "%s: missing INSTRUMENT", cmd);
		*exit_status = usage_error(what, NULL);
		return 0;
	}
	return 1;
}

int wave_files_missing(const char *cmd, int npos, const struct analysis_opts *a)
{
	char what[160];

	if (npos >= 1 + a->n_inputs)
		return EXIT_OK;
	if (a->long_form)
		snprintf(what, sizeof what, "%s: missing DATA.csv (the long table whose column %s holds the wave names)", cmd,
			 a->wave_column);
	else
		snprintf(what, sizeof what,
			 "%s: --waves names %zu waves, so %zu data files are needed, one per wave in that order "
			 "(or one long table with --wave-column); given %d",
			 cmd, a->n_waves, a->n_waves, npos - 1);
	return usage_error(what, NULL);
}

int check_analysis_inputs(const char *cmd, int npos, char **argv, const struct analysis_opts *a)
{
	char what[96];

	if (npos > 1 + a->n_inputs) {
		snprintf(what, sizeof what, "%s: too many arguments; unexpected", cmd);
		return usage_error(what, argv[1 + a->n_inputs]);
	}
	for (int i = 1; i <= a->n_inputs; i++)
		if (strcmp(argv[i], "-") == 0) {
			snprintf(what, sizeof what, "%s reads named files, not standard input; unexpected", cmd);
			return usage_error(what, argv[i]);
		}
	return EXIT_OK;
}

int check_analysis_opts(struct analysis_opts *a)
{
	a->duplicates = LM_DUPLICATES_ERROR;
	a->reliability = a->rci_sd = NAN;
	if (a->on_duplicate) {
		if (strcmp(a->on_duplicate, "error") == 0)
			a->duplicates = LM_DUPLICATES_ERROR;
		else if (strcmp(a->on_duplicate, "exclude") == 0)
			a->duplicates = LM_DUPLICATES_EXCLUDE;
		else
			return usage_error("--on-duplicate must be error or exclude, not", a->on_duplicate);
	}
	if (a->reliability_arg &&
	    !(parse_decimal(a->reliability_arg, &a->reliability) && a->reliability > 0 && a->reliability < 1))
		return usage_error("--reliability must be a decimal number between 0 and 1 (exclusive), like 0.85, not",
				   a->reliability_arg);
	if (a->rci_sd_arg && !(parse_decimal(a->rci_sd_arg, &a->rci_sd) && a->rci_sd > 0 && isfinite(a->rci_sd)))
		return usage_error("--rci-sd must be a decimal number greater than 0, like 10.1, not", a->rci_sd_arg);
	if (reader_check(&a->reader) != EXIT_OK)
		return EXIT_USAGE;
	if (a->id_column && a->id_column[0] == '\0')
		return usage_error("--id-column needs a column name", NULL);
	if (a->group_column && a->group_column[0] == '\0')
		return usage_error("--group-column needs a column name", NULL);
	double threads = 0;
	if (a->threads_arg && !parse_whole(a->threads_arg, 1, 1024, &threads))
		return usage_error("--threads must be a whole number from 1 to 1024, like 2, not", a->threads_arg);
	if (a->threads_arg) {
		a->threads = (unsigned)threads;
	} else {
		long cpus = sysconf(_SC_NPROCESSORS_ONLN);
		a->threads = cpus >= 2 ? 2 : 1;
	}
	return EXIT_OK;
}

int open_analysis(const char *spec, const struct analysis_opts *a, lm_instrument **inst, lm_prepost **pp,
		  lm_error **err, int *status)
{
	if (!*err && lm_error_new(err) != LM_OK) {
		fputs("libra: out of memory\n", stderr);
		*status = EXIT_PROBLEMS;
		return LM_ERROR;
	}
	int rc = lm_instrument_load(inst, spec, *err);
	if (rc == LM_OK) {
		print_warnings(*err);
		rc = lm_prepost_new(pp, *inst);
	}
	if (rc == LM_OK)
		rc = configure_analysis(*pp, *inst, a, *err);
	if (rc == LM_OK)
		rc = lm_prepost_set_threads(*pp, a->threads);
	if (rc == LM_EINVAL && !lm_error_count(*err)) {
		print_try_help();
		*status = EXIT_USAGE;
		return LM_ERROR;
	}
	if (rc != LM_OK) {
		print_problems(*err, rc);
		*status = EXIT_PROBLEMS;
		return LM_ERROR;
	}
	return LM_OK;
}

int run_analysis(lm_prepost *pp, const struct analysis_opts *a, char **argv, lm_error *err)
{
	if (a->n_waves)
		return a->wave_column ? lm_prepost_run_wave_long_file(pp, argv[1], a->wave_column, err)
				      : lm_prepost_run_wave_files(pp, (const char *const *)(argv + 1), a->n_waves, err);
	return a->wave_column ? lm_prepost_run_long_file(pp, argv[1], a->wave_column, a->pre_value, a->post_value, err)
			      : lm_prepost_run_files(pp, argv[1], argv[2], err);
}
