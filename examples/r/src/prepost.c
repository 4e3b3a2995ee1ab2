/* Pre/post change and trial waves from data frames or files, and their results and report (R/prepost.R). */
#include "glue.h"

#include <unistd.h> /* lseek, pread */

/* ---- pre/post ---------------------------------------------------------------------------- */

/* opts: list(group_name, duplicates, reliability, rci_sd), checked by the R wrapper. */
static int configure_prepost(lm_prepost *pp, SEXP opts, int grouped)
{
	const char *group_name = opt_str(VECTOR_ELT(opts, 0));
	int rc = LM_OK;
	if (grouped)
		rc = lm_prepost_set_group_column(pp, group_name ? group_name : "group");
	if (rc == LM_OK)
		rc = lm_prepost_set_duplicates(pp, Rf_asInteger(VECTOR_ELT(opts, 1)));
	if (rc == LM_OK && !ISNA(Rf_asReal(VECTOR_ELT(opts, 2))))
		rc = lm_prepost_set_reliability(pp, Rf_asReal(VECTOR_ELT(opts, 2)));
	if (rc == LM_OK && !ISNA(Rf_asReal(VECTOR_ELT(opts, 3))))
		rc = lm_prepost_set_rci_sd(pp, Rf_asReal(VECTOR_ELT(opts, 3)));
	return rc;
}

SEXP lr_prepost(SEXP hp, SEXP pre_cols, SEXP pre_colnames, SEXP pre_ids, SEXP pre_groups, SEXP pre_name,
		SEXP post_cols, SEXP post_colnames, SEXP post_ids, SEXP post_name, SEXP opts)
{
	const lm_instrument *inst = handle(hp, "lm_instrument");
	R_xlen_t n0 = XLENGTH(pre_ids), n1 = XLENGTH(post_ids);
	lm_error *err;
	SEXP eh = PROTECT(new_error(&err));
	lm_batch *b0, *b1;
	SEXP h0 = PROTECT(make_batch(inst, pre_cols, pre_colnames, n0, opt_str(pre_name), &b0));
	SEXP h1 = PROTECT(make_batch(inst, post_cols, post_colnames, n1, opt_str(post_name), &b1));
	const char **ids0 = text_array(pre_ids, n0, "pre ids"), **ids1 = text_array(post_ids, n1, "post ids");
	const char **groups = text_array(pre_groups, n0, "groups");
	SEXP ph = PROTECT(holder("lm_prepost", fin_prepost));
	lm_prepost *pp = NULL;
	if (lm_prepost_new(&pp, inst) != LM_OK)
		Rf_error("libra.measures: out of memory");
	R_SetExternalPtrAddr(ph, pp);
	int rc = configure_prepost(pp, opts, groups != NULL);
	if (rc != LM_OK) {
		SEXP f = failure(rc, err);
		UNPROTECT(4);
		return f;
	}
	rc = lm_prepost_run_batches(pp, b0, (size_t)n0, ids0, groups, b1, (size_t)n1, ids1, err);
	SEXP out = rc == LM_OK ? ph : failure(rc, err);
	UNPROTECT(4);
	(void)eh;
	(void)h0;
	(void)h1;
	return out;
}

/*
 * Waves from data frames: cols, colnames, ids and names one element per
 * wave (baseline first); groups and clusters of the baseline's rows (NULL:
 * none); opts as lr_prepost()'s, then the cluster column's name and the
 * reference group.
 */
SEXP lr_prepost_waves(SEXP hp, SEXP cols, SEXP colnames, SEXP ids, SEXP groups, SEXP clusters, SEXP waves,
		      SEXP opts)
{
	const lm_instrument *inst = handle(hp, "lm_instrument");
	R_xlen_t n = XLENGTH(waves);
	if (!Rf_isString(waves) || n < 2 || TYPEOF(cols) != VECSXP || XLENGTH(cols) != n || TYPEOF(ids) != VECSXP ||
	    XLENGTH(ids) != n || TYPEOF(colnames) != VECSXP || XLENGTH(colnames) != n)
		Rf_error("libra.measures: one data set per wave expected");
	lm_error *err;
	SEXP eh = PROTECT(new_error(&err));
	SEXP holders = PROTECT(Rf_allocVector(VECSXP, n));
	lm_batch **b = (lm_batch **)R_alloc((size_t)n, sizeof(*b));
	size_t *n_rows = (size_t *)R_alloc((size_t)n, sizeof(*n_rows));
	const char **names = (const char **)R_alloc((size_t)n, sizeof(*names));
	size_t total = 0;
	for (R_xlen_t k = 0; k < n; k++) {
		n_rows[k] = (size_t)XLENGTH(VECTOR_ELT(ids, k));
		total += n_rows[k];
		names[k] = Rf_translateCharUTF8(STRING_ELT(waves, k));
		SET_VECTOR_ELT(holders, k, make_batch(inst, VECTOR_ELT(cols, k), VECTOR_ELT(colnames, k),
						     (R_xlen_t)n_rows[k], names[k], &b[k]));
	}
	const char **all_ids = (const char **)R_alloc(total ? total : 1, sizeof(*all_ids));
	for (R_xlen_t k = 0, first = 0; k < n; first += (R_xlen_t)n_rows[k++]) {
		const char **t = text_array(VECTOR_ELT(ids, k), (R_xlen_t)n_rows[k], "ids");
		if (n_rows[k])
			memcpy(all_ids + first, t, n_rows[k] * sizeof(*t));
	}
	const char **g = text_array(groups, (R_xlen_t)n_rows[0], "groups");
	const char **c = text_array(clusters, (R_xlen_t)n_rows[0], "clusters");
	SEXP ph = PROTECT(holder("lm_prepost", fin_prepost));
	lm_prepost *pp = NULL;
	if (lm_prepost_new(&pp, inst) != LM_OK)
		Rf_error("libra.measures: out of memory");
	R_SetExternalPtrAddr(ph, pp);
	const char *cluster_name = opt_str(VECTOR_ELT(opts, 4)), *reference = opt_str(VECTOR_ELT(opts, 5));
	int rc = lm_prepost_set_waves(pp, names, (size_t)n);
	if (rc == LM_OK)
		rc = configure_prepost(pp, opts, g != NULL);
	if (rc == LM_OK && c)
		rc = lm_prepost_set_cluster_column(pp, cluster_name ? cluster_name : "cluster");
	if (rc == LM_OK && reference)
		rc = lm_prepost_set_reference_group(pp, reference);
	if (rc == LM_OK)
		rc = lm_prepost_run_wave_batches(pp, b, n_rows, all_ids, g, c, err);
	SEXP out = rc == LM_OK ? ph : failure(rc, err);
	UNPROTECT(3);
	(void)eh;
	return out;
}

/*
 * Pre/post change, or a trial's waves, read from files by the library as
 * `libra prepost` reads them (CSV, Excel, SPSS, Stata; file, line and column
 * in every diagnostic). @p paths: pre and post; one long file; or one file
 * per wave. @p waves: the wave names, baseline first, or NULL for two
 * waves. @p long_form: list(wave_column, pre_value, post_value), the column
 * NULL when each wave is a file of its own. @p opts: lr_prepost_waves()'s,
 * then the id column and the threads. @p reading: apply_reading()'s. @p keep:
 * baseline columns carried into the respondents. R/prepost.R checks them.
 */
SEXP lr_prepost_files(SEXP hp, SEXP paths, SEXP waves, SEXP long_form, SEXP opts, SEXP reading, SEXP keep)
{
	const lm_instrument *inst = handle(hp, "lm_instrument");
	R_xlen_t np = Rf_isString(paths) ? XLENGTH(paths) : 0, nw = Rf_isNull(waves) ? 0 : XLENGTH(waves);
	if (np < 1 || np > (nw ? nw : 2) || (!Rf_isNull(waves) && (!Rf_isString(waves) || nw < 2)) ||
	    !Rf_isString(keep))
		Rf_error("libra.measures: the files of the waves expected");
	const char **p = (const char **)R_alloc((size_t)np, sizeof(*p));
	for (R_xlen_t k = 0; k < np; k++)
		p[k] = str_arg(Rf_ScalarString(STRING_ELT(paths, k)), "each file's path");
	const char **names = (const char **)R_alloc(nw ? (size_t)nw : 1, sizeof(*names));
	for (R_xlen_t k = 0; k < nw; k++)
		names[k] = Rf_translateCharUTF8(STRING_ELT(waves, k));
	const char *column = opt_str(VECTOR_ELT(long_form, 0));
	const char *pre_value = opt_str(VECTOR_ELT(long_form, 1)), *post_value = opt_str(VECTOR_ELT(long_form, 2));
	const char *group = opt_str(VECTOR_ELT(opts, 0)), *cluster = opt_str(VECTOR_ELT(opts, 4));
	const char *reference = opt_str(VECTOR_ELT(opts, 5)), *id = opt_str(VECTOR_ELT(opts, 6));
	unsigned threads = (unsigned)Rf_asInteger(VECTOR_ELT(opts, 7));
	lm_error *err;
	SEXP eh = PROTECT(new_error(&err));
	SEXP ph = PROTECT(holder("lm_prepost", fin_prepost));
	SEXP th = PROTECT(holder("lm_table", fin_table));
	lm_prepost *pp = NULL;
	if (lm_prepost_new(&pp, inst) != LM_OK)
		Rf_error("libra.measures: out of memory");
	R_SetExternalPtrAddr(ph, pp);
	int rc = nw ? lm_prepost_set_waves(pp, names, (size_t)nw) : LM_OK;
	if (rc == LM_OK)
		rc = configure_prepost(pp, opts, group != NULL);
	if (rc == LM_OK && id)
		rc = lm_prepost_set_id_column(pp, id);
	if (rc == LM_OK && cluster)
		rc = lm_prepost_set_cluster_column(pp, cluster);
	if (rc == LM_OK && reference)
		rc = lm_prepost_set_reference_group(pp, reference);
	if (rc == LM_OK)
		rc = lm_prepost_set_threads(pp, threads);
	for (R_xlen_t k = 0; rc == LM_OK && k < XLENGTH(keep); k++)
		rc = lm_prepost_keep_column(pp, Rf_translateCharUTF8(STRING_ELT(keep, k)));
	/* Every wave is read with the same options, given once as a table's. */
	lm_table *like = NULL;
	if (rc == LM_OK && (rc = lm_table_new(&like, inst)) == LM_OK) {
		R_SetExternalPtrAddr(th, like);
		rc = apply_reading(like, reading, err);
	}
	if (rc == LM_OK)
		rc = lm_prepost_set_table_options(pp, like);
	if (rc == LM_OK) {
		if (nw && column)
			rc = lm_prepost_run_wave_long_file(pp, p[0], column, err);
		else if (nw)
			rc = lm_prepost_run_wave_files(pp, p, (size_t)np, err);
		else if (column)
			rc = lm_prepost_run_long_file(pp, p[0], column, pre_value, post_value, err);
		else
			rc = lm_prepost_run_files(pp, p[0], p[1], err);
	}
	fin_table(th);
	SEXP out = rc == LM_OK ? ph : failure(rc, err);
	UNPROTECT(3);
	(void)eh;
	return out;
}

static const char *respondent_id_at(const void *pp, size_t r) { return lm_prepost_respondent_id(pp, r); }
static const char *respondent_group_at(const void *pp, size_t r) { return lm_prepost_respondent_group(pp, r); }

/* The per-pair results, column by column, named as the library's CSV output names them. */
SEXP lr_prepost_respondents(SEXP hp)
{
	const lm_prepost *pp = handle(hp, "lm_prepost");
	const lm_instrument *inst = lm_prepost_instrument(pp);
	size_t n = lm_prepost_respondent_count(pp), ns = lm_instrument_scale_count(inst);
	int grouped = lm_prepost_group_count(pp) > 0 || (n && lm_prepost_respondent_group(pp, 0));
	size_t nkept = lm_prepost_kept_count(pp); /* columns kept from files (lm_prepost_keep_column()) */
	size_t ncol = 1 + (size_t)grouped + nkept;
	for (size_t s = 0; s < ns; s++)
		ncol += lm_scale_band_count(lm_instrument_scale(inst, s)) ? 8 : 6;
	SEXP out = PROTECT(Rf_allocVector(VECSXP, (R_xlen_t)ncol));
	SEXP names = PROTECT(Rf_allocVector(STRSXP, (R_xlen_t)ncol));
	size_t c = 0;
	SET_VECTOR_ELT(out, c, strings(n, respondent_id_at, pp));
	SET_STRING_ELT(names, c++, Rf_mkChar("id"));
	if (grouped) {
		SET_VECTOR_ELT(out, c, strings(n, respondent_group_at, pp));
		SET_STRING_ELT(names, c++, Rf_mkChar("group"));
	}
	for (size_t k = 0; k < nkept; k++) {
		SEXP v = PROTECT(Rf_allocVector(STRSXP, (R_xlen_t)n));
		for (size_t r = 0; r < n; r++)
			SET_STRING_ELT(v, (R_xlen_t)r, mkstr(lm_prepost_respondent_kept(pp, r, k)));
		SET_VECTOR_ELT(out, c, v);
		SET_STRING_ELT(names, c++, mkstr(lm_prepost_kept_name(pp, k)));
		UNPROTECT(1);
	}
	static const char *const cols[] = {"pre", "post", "change", "rci", "reliable", "category", "band_pre", "band_post"};
	/* reliable, category and the bands are factors over their levels in the library's order. */
	SEXP reliable_levels = PROTECT(Rf_allocVector(STRSXP, 3)), category_levels = PROTECT(Rf_allocVector(STRSXP, 4));
	for (int k = 0; k < 3; k++)
		SET_STRING_ELT(reliable_levels, k, mkstr(lm_reliable_name(k)));
	for (int k = 0; k < 4; k++)
		SET_STRING_ELT(category_levels, k, mkstr(lm_category_name(k)));
	for (size_t s = 0; s < ns; s++) {
		const lm_scale *sc = lm_instrument_scale(inst, s);
		size_t nb = lm_scale_band_count(sc);
		SEXP band_levels = PROTECT(Rf_allocVector(STRSXP, (R_xlen_t)nb));
		for (size_t k = 0; k < nb; k++)
			SET_STRING_ELT(band_levels, (R_xlen_t)k, mkstr(lm_band_id(lm_scale_band(sc, k))));
		for (int k = 0; k < (nb ? 8 : 6); k++) {
			SEXP v = PROTECT(k < 4	   ? Rf_allocVector(REALSXP, (R_xlen_t)n)
					 : new_factor((R_xlen_t)n, k == 4 ? reliable_levels
								   : k == 5 ? category_levels
									    : band_levels));
			for (size_t r = 0; r < n; r++) {
				double a = lm_prepost_respondent_score(pp, r, s, 0), b = lm_prepost_respondent_score(pp, r, s, 1);
				double x = k == 0 ? a : k == 1 ? b : k == 2 ? b - a : lm_prepost_respondent_rci(pp, r, s);
				if (k < 4)
					REAL(v)[r] = isfinite(x) ? x : NA_REAL;
				else
					INTEGER(v)[r] = k == 4	 ? lm_prepost_respondent_reliable(pp, r, s)
							: k == 5 ? lm_prepost_respondent_category(pp, r, s)
								 : (int)lm_prepost_respondent_band(pp, r, s, k - 6);
			}
			if (k >= 4)
				factor_codes_done(v);
			SET_VECTOR_ELT(out, (R_xlen_t)c, v);
			char name[256];
			snprintf(name, sizeof name, "%s_%s", lm_scale_id(sc), cols[k]);
			SET_STRING_ELT(names, (R_xlen_t)c++, Rf_mkCharCE(name, CE_UTF8));
			UNPROTECT(1);
		}
		UNPROTECT(1);
	}
	UNPROTECT(2);
	Rf_setAttrib(out, R_NamesSymbol, names);
	UNPROTECT(2);
	return out;
}

static const char *const stat_names[] = {
	"pre_n",       "pre_mean",      "pre_sd",         "post_n",          "post_mean",   "post_sd",
	"pre_alpha",   "pre_alpha_n",   "post_alpha",     "post_alpha_n",    "change_n",    "change_mean",
	"change_sd",   "change_ci_low", "change_ci_high", "t",               "df",          "p",
	"dz",          "dav",           "rci_sd",         "rci_reliability", "rci_sdiff",   "improved",
	"deteriorated", "unchanged",    "recovered"};
static const char *const compare_names[] = {"difference", "welch_t", "welch_df", "welch_p", "hedges_g"};

/* The summary, tidy: scale, group (NA: all pairs; "(comparison)" rows compare the two groups), statistic, value, reason. */
SEXP lr_prepost_summary(SEXP hp)
{
	const lm_prepost *pp = handle(hp, "lm_prepost");
	const lm_instrument *inst = lm_prepost_instrument(pp);
	size_t ns = lm_instrument_scale_count(inst), ng = lm_prepost_group_count(pp);
	size_t nstat = sizeof stat_names / sizeof *stat_names, ncmp = ng == 2 ? 5 : 0;
	size_t n = ns * ((ng + 1) * nstat + ncmp);
	const char *names[] = {"scale", "group", "statistic", "value", "reason", ""};
	SEXP out = PROTECT(Rf_mkNamed(VECSXP, names));
	SEXP scale = PROTECT(Rf_allocVector(STRSXP, (R_xlen_t)n)), group = PROTECT(Rf_allocVector(STRSXP, (R_xlen_t)n));
	SEXP stat = PROTECT(Rf_allocVector(STRSXP, (R_xlen_t)n)), value = PROTECT(Rf_allocVector(REALSXP, (R_xlen_t)n));
	SEXP reason = PROTECT(Rf_allocVector(STRSXP, (R_xlen_t)n));
	size_t k = 0;
	for (size_t s = 0; s < ns; s++) {
		SEXP sid = PROTECT(mkstr(lm_scale_id(lm_instrument_scale(inst, s))));
		for (size_t g = 0; g <= ng; g++) {
			size_t gi = g ? g - 1 : lm_prepost_all_groups();
			SEXP gname = PROTECT(g ? mkstr(lm_prepost_group_name(pp, g - 1)) : NA_STRING);
			for (size_t w = 0; w < nstat; w++, k++) {
				double v = lm_prepost_stat(pp, s, gi, (int)w);
				SET_STRING_ELT(scale, (R_xlen_t)k, sid);
				SET_STRING_ELT(group, (R_xlen_t)k, gname);
				SET_STRING_ELT(stat, (R_xlen_t)k, Rf_mkChar(stat_names[w]));
				REAL(value)[k] = isnan(v) ? NA_REAL : v;
				SET_STRING_ELT(reason, (R_xlen_t)k, mkstr(lm_prepost_stat_reason(pp, s, gi, (int)w)));
			}
			UNPROTECT(1);
		}
		for (size_t w = 0; w < ncmp; w++, k++) {
			double v = lm_prepost_compare(pp, s, (int)w);
			SET_STRING_ELT(scale, (R_xlen_t)k, sid);
			SET_STRING_ELT(group, (R_xlen_t)k, Rf_mkChar("(comparison)"));
			SET_STRING_ELT(stat, (R_xlen_t)k, Rf_mkChar(compare_names[w]));
			REAL(value)[k] = isnan(v) ? NA_REAL : v;
			SET_STRING_ELT(reason, (R_xlen_t)k, mkstr(lm_prepost_compare_reason(pp, s, (int)w)));
		}
		UNPROTECT(1);
	}
	SEXP cols[] = {scale, group, stat, value, reason};
	for (int c = 0; c < 5; c++)
		SET_VECTOR_ELT(out, c, cols[c]);
	UNPROTECT(6);
	return out;
}

SEXP lr_prepost_counts(SEXP hp)
{
	const lm_prepost *pp = handle(hp, "lm_prepost");
	const char *names[] = {"pre_rows", "post_rows", "pairs", "pre_only", "post_only", "no_id", "duplicate_id",
			       "other_wave", "rejected", ""};
	SEXP out = PROTECT(Rf_mkNamed(REALSXP, names));
	for (int k = 0; k <= LM_PREPOST_COUNT_REJECTED; k++)
		REAL(out)[k] = (double)lm_prepost_count(pp, k);
	UNPROTECT(1);
	return out;
}

/* One of the library's outputs (JSON, CSV, summary) as a string, through a temporary file. */
SEXP lr_prepost_output(SEXP hp, SEXP format)
{
	const lm_prepost *pp = handle(hp, "lm_prepost");
	lm_error *err;
	SEXP eh = PROTECT(new_error(&err));
	FILE *f = tmpfile();
	if (!f)
		Rf_error("libra.measures: cannot create a temporary file");
	int rc = lm_prepost_write_fd(pp, Rf_asInteger(format), fileno(f), err);
	if (rc != LM_OK) {
		fclose(f);
		SEXP fl = failure(rc, err);
		UNPROTECT(1);
		return fl;
	}
	long len = lseek(fileno(f), 0, SEEK_END);
	char *buf = len >= 0 ? R_alloc((size_t)len + 1, 1) : NULL;
	if (!buf || pread(fileno(f), buf, (size_t)len, 0) != len) {
		fclose(f);
		Rf_error("libra.measures: cannot read back the output");
	}
	fclose(f);
	buf[len] = '\0';
	SEXP out = Rf_ScalarString(Rf_mkCharLenCE(buf, (int)len, CE_UTF8));
	UNPROTECT(1);
	(void)eh;
	return out;
}

SEXP lr_report(SEXP hp, SEXP path, SEXP min_cell, SEXP pre_name, SEXP post_name)
{
	const lm_prepost *pp = handle(hp, "lm_prepost");
	const char *p = str_arg(path, "the report's path");
	lm_error *err;
	SEXP eh = PROTECT(new_error(&err));
	SEXP rh = PROTECT(holder("lm_report", fin_report));
	lm_report *r = NULL;
	int rc = lm_report_new(&r, pp);
	if (rc == LM_OK) {
		R_SetExternalPtrAddr(rh, r);
		rc = lm_report_set_min_cell(r, (unsigned long)Rf_asReal(min_cell));
	}
	if (rc == LM_OK && opt_str(pre_name))
		rc = lm_report_set_source_names(r, opt_str(pre_name), opt_str(post_name));
	if (rc == LM_OK)
		rc = lm_report_write_file(r, p, err);
	SEXP out = rc == LM_OK ? R_NilValue : failure(rc, err);
	UNPROTECT(2);
	(void)eh;
	return out;
}
