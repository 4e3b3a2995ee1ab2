/* Data frames scored in memory through the library's batch reader (R/score.R);
 * the batch helpers are shared with pre/post. */
#include "glue.h"

/* ---- batches --------------------------------------------------------------------------- */

/*
 * A batch of @p inst reading @p cols: a list with one element per item, NULL
 * (no column), a double vector or a character vector of length n, with the
 * caller's column names. The returned holder (protected by the caller) owns it;
 * the text arrays are R_alloc'ed and live until the .Call returns.
 */
SEXP make_batch(const lm_instrument *inst, SEXP cols, SEXP colnames, R_xlen_t n, const char *name,
		       lm_batch **out)
{
	size_t ni = lm_instrument_item_count(inst);
	if (TYPEOF(cols) != VECSXP || (size_t)XLENGTH(cols) != ni || !Rf_isString(colnames) ||
	    (size_t)XLENGTH(colnames) != ni)
		Rf_error("libra.measures: one column (or NULL) per item expected");
	SEXP h = PROTECT(holder("lm_batch", fin_batch));
	lm_batch *b = NULL;
	if (lm_batch_new(&b, inst) != LM_OK)
		Rf_error("libra.measures: out of memory");
	R_SetExternalPtrAddr(h, b);
	if (name && lm_batch_set_name(b, name) != LM_OK)
		Rf_error("libra.measures: out of memory");
	for (size_t i = 0; i < ni; i++) {
		SEXP c = VECTOR_ELT(cols, (R_xlen_t)i);
		const char *cn = STRING_ELT(colnames, (R_xlen_t)i) == NA_STRING
					 ? NULL
					 : Rf_translateCharUTF8(STRING_ELT(colnames, (R_xlen_t)i));
		int rc = LM_OK;
		if (Rf_isNull(c))
			continue;
		if (XLENGTH(c) != n)
			Rf_error("libra.measures: column %s has %lld values, not %lld", cn ? cn : "?",
				 (long long)XLENGTH(c), (long long)n);
		if (TYPEOF(c) == REALSXP) {
			rc = lm_batch_set_numeric(b, i, REAL(c), cn);
		} else if (TYPEOF(c) == INTSXP || TYPEOF(c) == LGLSXP) {
			/* Read in place: NA_integer_ (and NA for logicals) is INT_MIN. */
			rc = lm_batch_set_integer(b, i, TYPEOF(c) == INTSXP ? INTEGER(c) : LOGICAL(c), NA_INTEGER, cn);
		} else if (TYPEOF(c) == STRSXP) {
			const char **t = (const char **)R_alloc((size_t)(n ? n : 1), sizeof(*t));
			for (R_xlen_t r = 0; r < n; r++) {
				SEXP e = STRING_ELT(c, r);
				t[r] = e == NA_STRING ? NULL : Rf_translateCharUTF8(e);
			}
			rc = lm_batch_set_text(b, i, t, cn);
		} else {
			Rf_error("libra.measures: column %s must be numeric or character", cn ? cn : "?");
		}
		if (rc != LM_OK)
			Rf_error("libra.measures: %s", lm_strerror(rc));
	}
	*out = b;
	UNPROTECT(1);
	return h;
}

const char **text_array(SEXP v, R_xlen_t n, const char *what)
{
	if (Rf_isNull(v))
		return NULL;
	if (!Rf_isString(v) || XLENGTH(v) != n)
		Rf_error("libra.measures: %s must be a character vector with one value per row", what);
	const char **t = (const char **)R_alloc((size_t)(n ? n : 1), sizeof(*t));
	for (R_xlen_t r = 0; r < n; r++)
		t[r] = STRING_ELT(v, r) == NA_STRING ? NULL : Rf_translateCharUTF8(STRING_ELT(v, r));
	return t;
}

/* A factor of n elements over levels, its codes written by the library:
 * give the codes as its integers (0-based, < 0 for none) and call
 * factor_codes_done() after. No strings are made per row. */
SEXP new_factor(R_xlen_t n, SEXP levels)
{
	SEXP v = PROTECT(Rf_allocVector(INTSXP, n));
	Rf_setAttrib(v, R_LevelsSymbol, levels);
	Rf_setAttrib(v, R_ClassSymbol, Rf_mkString("factor"));
	UNPROTECT(1);
	return v;
}

/* 0-based codes (negative: none) to R's 1-based factor codes (NA: none). */
void factor_codes_done(SEXP v)
{
	int *x = INTEGER(v);
	for (R_xlen_t r = 0, n = XLENGTH(v); r < n; r++)
		x[r] = x[r] < 0 ? NA_INTEGER : x[r] + 1;
}

/*
 * Score n rows into the result columns, as `libra score` names them: per
 * scale the score (NA when none), answered, status (a factor: "ok",
 * "prorated", "insufficient", or "rejected" for a rejected row) and, for
 * scales with bands, the band (a factor over the band ids in the
 * definition's order; NA when none); per rule a logical (NA when open).
 * The library writes straight into the R vectors: no copies, no strings per
 * row. Returns list(columns = named list, problems = failure or NULL,
 * failed = logical).
 */
SEXP lr_score(SEXP hp, SEXP cols, SEXP colnames, SEXP nrow, SEXP reject, SEXP name)
{
	const lm_instrument *inst = handle(hp, "lm_instrument");
	R_xlen_t n = (R_xlen_t)Rf_asReal(nrow);
	lm_error *err;
	SEXP eh = PROTECT(new_error(&err));
	lm_batch *b;
	SEXP bh = PROTECT(make_batch(inst, cols, colnames, n, opt_str(name), &b));
	size_t ns = lm_instrument_scale_count(inst), nr = lm_instrument_rule_count(inst), ncol = nr;
	for (size_t s = 0; s < ns; s++)
		ncol += lm_scale_band_count(lm_instrument_scale(inst, s)) ? 4 : 3;
	const char *names[] = {"columns", "problems", "failed", ""};
	SEXP out = PROTECT(Rf_mkNamed(VECSXP, names));
	SEXP columns = PROTECT(Rf_allocVector(VECSXP, (R_xlen_t)ncol));
	SEXP cnames = PROTECT(Rf_allocVector(STRSXP, (R_xlen_t)ncol));
	SET_VECTOR_ELT(out, 0, columns);
	Rf_setAttrib(columns, R_NamesSymbol, cnames);
	UNPROTECT(2);
	SEXP status_levels = PROTECT(Rf_allocVector(STRSXP, 4));
	for (int k = 0; k < 3; k++)
		SET_STRING_ELT(status_levels, k, Rf_mkChar(lm_score_status_name(k)));
	SET_STRING_ELT(status_levels, 3, Rf_mkChar("rejected"));
	int *rejected = (int *)R_alloc((size_t)(n ? n : 1), sizeof(int));
	size_t c = 0;
	char cn[512];
	for (size_t s = 0; s < ns; s++) {
		const lm_scale *sc = lm_instrument_scale(inst, s);
		SEXP score = Rf_allocVector(REALSXP, n);
		SET_VECTOR_ELT(columns, (R_xlen_t)c, score);
		SET_STRING_ELT(cnames, (R_xlen_t)c++, mkstr(lm_scale_id(sc)));
		SEXP answered = Rf_allocVector(INTSXP, n);
		SET_VECTOR_ELT(columns, (R_xlen_t)c, answered);
		snprintf(cn, sizeof cn, "%s_answered", lm_scale_id(sc));
		SET_STRING_ELT(cnames, (R_xlen_t)c++, mkstr(cn));
		SEXP status = new_factor(n, status_levels);
		SET_VECTOR_ELT(columns, (R_xlen_t)c, status);
		snprintf(cn, sizeof cn, "%s_status", lm_scale_id(sc));
		SET_STRING_ELT(cnames, (R_xlen_t)c++, mkstr(cn));
		int *band = NULL;
		size_t nb = lm_scale_band_count(sc);
		if (nb) {
			SEXP ids = PROTECT(Rf_allocVector(STRSXP, (R_xlen_t)nb));
			for (size_t k = 0; k < nb; k++)
				SET_STRING_ELT(ids, (R_xlen_t)k, mkstr(lm_band_id(lm_scale_band(sc, k))));
			SEXP bands = new_factor(n, ids);
			UNPROTECT(1);
			SET_VECTOR_ELT(columns, (R_xlen_t)c, bands);
			snprintf(cn, sizeof cn, "%s_band", lm_scale_id(sc));
			SET_STRING_ELT(cnames, (R_xlen_t)c++, mkstr(cn));
			band = INTEGER(bands);
		}
		if (lm_batch_set_scale_output(b, s, REAL(score), INTEGER(answered), INTEGER(status), band) != LM_OK)
			Rf_error("libra.measures: cannot set outputs");
	}
	for (size_t k = 0; k < nr; k++) {
		SEXP v = Rf_allocVector(LGLSXP, n);
		SET_VECTOR_ELT(columns, (R_xlen_t)c, v);
		SET_STRING_ELT(cnames, (R_xlen_t)c++, mkstr(lm_rule_id(lm_instrument_rule(inst, k))));
		if (lm_batch_set_rule_output(b, k, LOGICAL(v)) != LM_OK) /* R's logicals are ints */
			Rf_error("libra.measures: cannot set outputs");
	}
	if (lm_batch_set_rejected_output(b, rejected) != LM_OK ||
	    lm_batch_set_reject_rows(b, Rf_asLogical(reject) == TRUE) != LM_OK)
		Rf_error("libra.measures: cannot set outputs");
	int rc = lm_batch_score(b, (size_t)n, err);
	if (lm_error_total(err))
		SET_VECTOR_ELT(out, 1, failure(rc != LM_OK ? rc : LM_EDATA, err));
	SET_VECTOR_ELT(out, 2, Rf_ScalarLogical(rc != LM_OK));
	if (rc != LM_OK) {
		UNPROTECT(4);
		return out;
	}
	c = 0;
	for (size_t s = 0; s < ns; s++) {
		double *score = REAL(VECTOR_ELT(columns, (R_xlen_t)c));
		SEXP status = VECTOR_ELT(columns, (R_xlen_t)c + 2);
		int *st = INTEGER(status);
		for (R_xlen_t r = 0; r < n; r++) {
			if (isnan(score[r]))
				score[r] = NA_REAL;
			if (rejected[r])
				st[r] = 3;
		}
		factor_codes_done(status);
		c += 3;
		if (lm_scale_band_count(lm_instrument_scale(inst, s)))
			factor_codes_done(VECTOR_ELT(columns, (R_xlen_t)c++));
	}
	for (size_t k = 0; k < nr; k++, c++) {
		int *v = LOGICAL(VECTOR_ELT(columns, (R_xlen_t)c));
		for (R_xlen_t r = 0; r < n; r++)
			if (v[r] < 0)
				v[r] = NA_LOGICAL;
	}
	UNPROTECT(4);
	(void)eh;
	(void)bh;
	return out;
}
