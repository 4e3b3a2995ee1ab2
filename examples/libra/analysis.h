/*
 * libra — what prepost and report share: their options, checked once, and
 * the analysis they configure, run and count.
 */
#ifndef LIBRA_ANALYSIS_H
#define LIBRA_ANALYSIS_H

#include <libra_measures/libra_measures.h>

#include "args.h"
#include "reader.h"

/* The most waves --waves may name. */
enum { ANALYSIS_MAX_WAVES = 64 };

/* The options prepost and report share: as given, and as checked. */
struct analysis_opts {
	const char *id_column, *group_column, *on_duplicate, *reliability_arg, *rci_sd_arg, *threads_arg;
	const char *wave_column, *pre_value, *post_value; /* the long form: one table, a wave column */
	/* Waves: --waves as given, split by parse_analysis_args() into its names (baseline first). */
	const char *waves_arg, *cluster_column, *reference_group;
	const char *wave_names[ANALYSIS_MAX_WAVES]; /* into waves_buf */
	char waves_buf[1024];
	size_t n_waves;
	int long_form, n_inputs;                          /* set by parse_analysis_args() */
	struct reader reader;
	int duplicates;
	double reliability, rci_sd;
	unsigned threads;
};

/* How many options analysis_options() gives. */
enum { ANALYSIS_NOPTS = 12 + READER_NOPTS };

/* Put the shared options, pointing into @p a, in @p opts (room for ANALYSIS_NOPTS); their count. */
size_t analysis_options(struct analysis_opts *a, struct option_spec *opts);

/*
 * parse_args() for prepost and report (@p cmd), whose @p opts end with the
 * shared ones; then the wave names of --waves (split in a copy) and the
 * options that go with them, whether it is the long form, how many data
 * files that takes, and that INSTRUMENT is given. 1 to go on, or 0 with
 * *exit_status.
 */
int parse_analysis_args(const char *cmd, int argc, char **argv, const struct option_spec *opts, size_t nopts,
			struct analysis_opts *a, int *npos, int *exit_status);

/* With --waves: a usage error said with @p cmd when fewer data files than the long form's one, or one
 * per wave, are among the @p npos positionals; EXIT_OK or EXIT_USAGE. */
int wave_files_missing(const char *cmd, int npos, const struct analysis_opts *a);

/* The data files after INSTRUMENT (argv[0]) among the @p npos positionals:
 * too many, or "-" among them, is a usage error said with @p cmd; EXIT_OK or EXIT_USAGE. */
int check_analysis_inputs(const char *cmd, int npos, char **argv, const struct analysis_opts *a);

/* Check the shared options and parse their values; EXIT_OK or EXIT_USAGE (said). */
int check_analysis_opts(struct analysis_opts *a);

/*
 * Record the files of a pre/post run, before anything is read: INSTRUMENT,
 * the data, --map-file, and the outputs (NULL: standard output). EXIT_OK, or
 * EXIT_USAGE after saying which two are one file.
 */
int claim_analysis_files(lm_outputs *set, lm_error *err, char **argv, const struct analysis_opts *a, const char *out1,
			 int has_out1, const char *out2, int has_out2);

/*
 * Load INSTRUMENT and make an analysis configured by @p a. On failure the
 * problem is reported, *status is set, and LM_ERROR returned; the caller
 * frees what it got either way.
 */
int open_analysis(const char *spec, const struct analysis_opts *a, lm_instrument **inst, lm_prepost **pp,
		  lm_error **err, int *status);

/* Run the analysis on the data files argv[1] (and argv[2], or one per wave), or the long form's one. */
int run_analysis(lm_prepost *pp, const struct analysis_opts *a, char **argv, lm_error *err);

/*
 * The reconciliation line: every row of every wave is counted once. After a
 * run that failed before pairing (@p failed), only the rows read are given.
 * With waves, one line per later wave after a successful run.
 */
void print_counts(const lm_prepost *pp, int long_form, int failed);

#endif
