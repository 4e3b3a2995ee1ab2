/*
 * .Call glue between R and the libra_measures C library: conversions of R
 * vectors to and from the library's arrays, and nothing else. Every C object
 * lives in an external pointer with a finalizer from the moment it exists,
 * so an R error (or a long jump out of an allocation) never leaks it.
 * Failures are returned as a "libra_failure" list, which R turns into a
 * classed condition (R/conditions.R): no C resources are held while R
 * signals it.
 */
#define R_NO_REMAP
#include <R.h>
#include <Rinternals.h>
#include <R_ext/Rdynload.h>

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libra_measures/libra_measures.h>

/* ---- external pointers -------------------------------------------------------------- */

static void fin_instrument(SEXP p)
{
	lm_instrument_free(R_ExternalPtrAddr(p));
	R_ClearExternalPtr(p);
}
static void fin_error(SEXP p)
{
	lm_error_free(R_ExternalPtrAddr(p));
	R_ClearExternalPtr(p);
}
static void fin_batch(SEXP p)
{
	lm_batch_free(R_ExternalPtrAddr(p));
	R_ClearExternalPtr(p);
}
static void fin_prepost(SEXP p)
{
	lm_prepost_free(R_ExternalPtrAddr(p));
	R_ClearExternalPtr(p);
}
static void fin_report(SEXP p)
{
	lm_report_free(R_ExternalPtrAddr(p));
	R_ClearExternalPtr(p);
}
static void fin_table(SEXP p)
{
	lm_table_free(R_ExternalPtrAddr(p));
	R_ClearExternalPtr(p);
}
static void fin_writer(SEXP p)
{
	lm_writer_free(R_ExternalPtrAddr(p));
	R_ClearExternalPtr(p);
}
static void fin_rejects(SEXP p)
{
	lm_rejects_free(R_ExternalPtrAddr(p));
	R_ClearExternalPtr(p);
}
static void fin_outputs(SEXP p)
{
	lm_outputs_free(R_ExternalPtrAddr(p));
	R_ClearExternalPtr(p);
}

/* A protected external pointer holding nothing yet; the caller stores into it. */
static SEXP holder(const char *tag, R_CFinalizer_t fin)
{
	SEXP p = PROTECT(R_MakeExternalPtr(NULL, Rf_install(tag), R_NilValue));
	R_RegisterCFinalizerEx(p, fin, TRUE);
	UNPROTECT(1);
	return p;
}

static void *handle(SEXP p, const char *tag)
{
	if (TYPEOF(p) != EXTPTRSXP || R_ExternalPtrTag(p) != Rf_install(tag) || !R_ExternalPtrAddr(p))
		Rf_error("libra.measures: not a live %s handle", tag);
	return R_ExternalPtrAddr(p);
}

/* A new diagnostics list, owned by the returned (protected by the caller) holder. */
static SEXP new_error(lm_error **err)
{
	SEXP h = holder("lm_error", fin_error);
	if (lm_error_new(err) != LM_OK)
		Rf_error("libra.measures: out of memory");
	R_SetExternalPtrAddr(h, *err);
	return h;
}

/* ---- failures ------------------------------------------------------------------------ */

static SEXP mkstr(const char *s)
{
	return s ? Rf_mkCharCE(s, CE_UTF8) : NA_STRING;
}

/* The diagnostics as a "libra_failure" list: code, status, total, and per diagnostic
 * code, file, line, column, message, text. */
static SEXP failure(int code, const lm_error *err)
{
	size_t n = lm_error_count(err);
	const char *names[] = {"code", "status", "total", "codes", "file", "line", "column", "message", "text", ""};
	SEXP f = PROTECT(Rf_mkNamed(VECSXP, names));
	SET_VECTOR_ELT(f, 0, Rf_ScalarInteger(code));
	SET_VECTOR_ELT(f, 1, Rf_mkString(lm_strerror(code)));
	SET_VECTOR_ELT(f, 2, Rf_ScalarReal((double)(err ? lm_error_total(err) : 0)));
	SEXP codes = PROTECT(Rf_allocVector(INTSXP, (R_xlen_t)n)), file = PROTECT(Rf_allocVector(STRSXP, (R_xlen_t)n));
	SEXP line = PROTECT(Rf_allocVector(REALSXP, (R_xlen_t)n)), col = PROTECT(Rf_allocVector(REALSXP, (R_xlen_t)n));
	SEXP msg = PROTECT(Rf_allocVector(STRSXP, (R_xlen_t)n)), text = PROTECT(Rf_allocVector(STRSXP, (R_xlen_t)n));
	for (size_t i = 0; i < n; i++) {
		INTEGER(codes)[i] = lm_error_code(err, i);
		SET_STRING_ELT(file, (R_xlen_t)i, mkstr(lm_error_file(err, i)));
		REAL(line)[i] = lm_error_line(err, i) ? (double)lm_error_line(err, i) : NA_REAL;
		REAL(col)[i] = lm_error_column(err, i) ? (double)lm_error_column(err, i) : NA_REAL;
		SET_STRING_ELT(msg, (R_xlen_t)i, mkstr(lm_error_message(err, i)));
		SET_STRING_ELT(text, (R_xlen_t)i, mkstr(lm_error_text(err, i)));
	}
	SET_VECTOR_ELT(f, 3, codes);
	SET_VECTOR_ELT(f, 4, file);
	SET_VECTOR_ELT(f, 5, line);
	SET_VECTOR_ELT(f, 6, col);
	SET_VECTOR_ELT(f, 7, msg);
	SET_VECTOR_ELT(f, 8, text);
	Rf_setAttrib(f, R_ClassSymbol, Rf_mkString("libra_failure"));
	UNPROTECT(7);
	return f;
}

static const char *str_arg(SEXP s, const char *what)
{
	if (!Rf_isString(s) || XLENGTH(s) != 1 || STRING_ELT(s, 0) == NA_STRING)
		Rf_error("libra.measures: %s must be one string", what);
	return Rf_translateCharUTF8(STRING_ELT(s, 0));
}

static const char *opt_str(SEXP s)
{
	return Rf_isString(s) && XLENGTH(s) == 1 && STRING_ELT(s, 0) != NA_STRING ? Rf_translateCharUTF8(STRING_ELT(s, 0))
										   : NULL;
}

/* ---- instruments ------------------------------------------------------------------- */

SEXP lr_load(SEXP spec)
{
	const char *s = str_arg(spec, "the instrument");
	lm_error *err;
	SEXP eh = PROTECT(new_error(&err));
	SEXP h = PROTECT(holder("lm_instrument", fin_instrument));
	lm_instrument *inst = NULL;
	int rc = lm_instrument_load(&inst, s, err);
	SEXP out = rc == LM_OK ? (R_SetExternalPtrAddr(h, inst), h) : failure(rc, err);
	UNPROTECT(2);
	return out;
}

static SEXP strings(size_t n, const char *(*get)(const void *, size_t), const void *obj)
{
	SEXP v = PROTECT(Rf_allocVector(STRSXP, (R_xlen_t)n));
	for (size_t i = 0; i < n; i++)
		SET_STRING_ELT(v, (R_xlen_t)i, mkstr(get(obj, i)));
	UNPROTECT(1);
	return v;
}

static const char *item_id_at(const void *inst, size_t i) { return lm_item_id(lm_instrument_item(inst, i)); }
static const char *item_label_at(const void *inst, size_t i) { return lm_item_label(lm_instrument_item(inst, i)); }
static const char *note_at(const void *inst, size_t i) { return lm_instrument_note(inst, i); }
static const char *code_label_at(const void *inst, size_t i) { return lm_instrument_missing_code_label(inst, i); }
static const char *scale_id_at(const void *inst, size_t i) { return lm_scale_id(lm_instrument_scale(inst, i)); }
static const char *scale_label_at(const void *inst, size_t i) { return lm_scale_label(lm_instrument_scale(inst, i)); }
static const char *rule_id_at(const void *inst, size_t i) { return lm_rule_id(lm_instrument_rule(inst, i)); }
static const char *rule_label_at(const void *inst, size_t i) { return lm_rule_label(lm_instrument_rule(inst, i)); }
static const char *band_id_at(const void *sc, size_t i) { return lm_band_id(lm_scale_band(sc, i)); }
static const char *band_label_at(const void *sc, size_t i) { return lm_band_label(lm_scale_band(sc, i)); }
static const char *response_label_at(const void *it, size_t i) { return lm_item_response_label(it, i); }

/* Everything print() and the wrappers need to know about an instrument, as plain R lists. */
SEXP lr_info(SEXP hp)
{
	const lm_instrument *inst = handle(hp, "lm_instrument");
	const char *names[] = {"id",     "name",  "version", "source", "period",  "citation", "terms",
			       "notes",  "items", "missing", "scales", "rules",   "library_version", ""};
	SEXP info = PROTECT(Rf_mkNamed(VECSXP, names));
	SET_VECTOR_ELT(info, 0, Rf_ScalarString(mkstr(lm_instrument_id(inst))));
	SET_VECTOR_ELT(info, 1, Rf_ScalarString(mkstr(lm_instrument_name(inst))));
	SET_VECTOR_ELT(info, 2, Rf_ScalarString(mkstr(lm_instrument_version(inst))));
	SET_VECTOR_ELT(info, 3, Rf_ScalarString(mkstr(lm_instrument_source(inst))));
	SET_VECTOR_ELT(info, 4, Rf_ScalarString(mkstr(lm_instrument_period(inst))));
	SET_VECTOR_ELT(info, 5, Rf_ScalarString(mkstr(lm_instrument_citation(inst))));
	SET_VECTOR_ELT(info, 6, Rf_ScalarString(mkstr(lm_instrument_terms(inst))));
	SET_VECTOR_ELT(info, 7, strings(lm_instrument_note_count(inst), note_at, inst));

	size_t ni = lm_instrument_item_count(inst);
	const char *inames[] = {"id", "label", "reversed", "scored", "responses", ""};
	SEXP items = PROTECT(Rf_mkNamed(VECSXP, inames));
	SET_VECTOR_ELT(items, 0, strings(ni, item_id_at, inst));
	SET_VECTOR_ELT(items, 1, strings(ni, item_label_at, inst));
	SEXP rev = PROTECT(Rf_allocVector(LGLSXP, (R_xlen_t)ni)), scored = PROTECT(Rf_allocVector(LGLSXP, (R_xlen_t)ni));
	SEXP resp = PROTECT(Rf_allocVector(VECSXP, (R_xlen_t)ni));
	for (size_t i = 0; i < ni; i++) {
		const lm_item *it = lm_instrument_item(inst, i);
		LOGICAL(rev)[i] = lm_item_reversed(it);
		LOGICAL(scored)[i] = lm_item_scored(it);
		size_t nr = lm_item_response_count(it);
		const char *rnames[] = {"value", "label", ""};
		SEXP r = PROTECT(Rf_mkNamed(VECSXP, rnames));
		SEXP v = PROTECT(Rf_allocVector(REALSXP, (R_xlen_t)nr));
		for (size_t k = 0; k < nr; k++)
			REAL(v)[k] = lm_item_response_value(it, k);
		SET_VECTOR_ELT(r, 0, v);
		SET_VECTOR_ELT(r, 1, strings(nr, response_label_at, it));
		SET_VECTOR_ELT(resp, (R_xlen_t)i, r);
		UNPROTECT(2);
	}
	SET_VECTOR_ELT(items, 2, rev);
	SET_VECTOR_ELT(items, 3, scored);
	SET_VECTOR_ELT(items, 4, resp);
	SET_VECTOR_ELT(info, 8, items);
	UNPROTECT(4);

	size_t nm = lm_instrument_missing_code_count(inst);
	const char *mnames[] = {"value", "label", ""};
	SEXP miss = PROTECT(Rf_mkNamed(VECSXP, mnames));
	SEXP mv = PROTECT(Rf_allocVector(REALSXP, (R_xlen_t)nm));
	for (size_t k = 0; k < nm; k++)
		REAL(mv)[k] = lm_instrument_missing_code_value(inst, k);
	SET_VECTOR_ELT(miss, 0, mv);
	SET_VECTOR_ELT(miss, 1, strings(nm, code_label_at, inst));
	SET_VECTOR_ELT(info, 9, miss);
	UNPROTECT(2);

	size_t ns = lm_instrument_scale_count(inst);
	const char *snames[] = {"id", "label", "method", "direction", "items", "min_answered", "min", "max",
				"cutoff", "band_id", "band_label", "band_min", "band_max", ""};
	SEXP scales = PROTECT(Rf_mkNamed(VECSXP, snames));
	SET_VECTOR_ELT(scales, 0, strings(ns, scale_id_at, inst));
	SET_VECTOR_ELT(scales, 1, strings(ns, scale_label_at, inst));
	SEXP method = PROTECT(Rf_allocVector(STRSXP, (R_xlen_t)ns)), dir = PROTECT(Rf_allocVector(STRSXP, (R_xlen_t)ns));
	SEXP sitems = PROTECT(Rf_allocVector(VECSXP, (R_xlen_t)ns)), mina = PROTECT(Rf_allocVector(INTSXP, (R_xlen_t)ns));
	SEXP smin = PROTECT(Rf_allocVector(REALSXP, (R_xlen_t)ns)), smax = PROTECT(Rf_allocVector(REALSXP, (R_xlen_t)ns));
	SEXP cut = PROTECT(Rf_allocVector(REALSXP, (R_xlen_t)ns));
	SEXP bid = PROTECT(Rf_allocVector(VECSXP, (R_xlen_t)ns)), blab = PROTECT(Rf_allocVector(VECSXP, (R_xlen_t)ns));
	SEXP bmin = PROTECT(Rf_allocVector(VECSXP, (R_xlen_t)ns)), bmax = PROTECT(Rf_allocVector(VECSXP, (R_xlen_t)ns));
	static const char *const methods[] = {"sum", "mean", "prorated_sum"};
	static const char *const dirs[] = {"unspecified", "higher_is_worse", "higher_is_better"};
	for (size_t s = 0; s < ns; s++) {
		const lm_scale *sc = lm_instrument_scale(inst, s);
		int m = lm_scale_method(sc), d = lm_scale_direction(sc);
		SET_STRING_ELT(method, (R_xlen_t)s, mkstr(m >= 0 && m < 3 ? methods[m] : NULL));
		SET_STRING_ELT(dir, (R_xlen_t)s, mkstr(d >= 0 && d < 3 ? dirs[d] : NULL));
		size_t k = lm_scale_item_count(sc), nb = lm_scale_band_count(sc);
		SEXP ix = PROTECT(Rf_allocVector(INTSXP, (R_xlen_t)k));
		for (size_t j = 0; j < k; j++)
			INTEGER(ix)[j] = (int)lm_scale_item(sc, j) + 1;
		SET_VECTOR_ELT(sitems, (R_xlen_t)s, ix);
		UNPROTECT(1);
		INTEGER(mina)[s] = (int)lm_scale_min_answered(sc);
		REAL(smin)[s] = lm_scale_min(sc);
		REAL(smax)[s] = lm_scale_max(sc);
		REAL(cut)[s] = isnan(lm_scale_clinical_cutoff(sc)) ? NA_REAL : lm_scale_clinical_cutoff(sc);
		SET_VECTOR_ELT(bid, (R_xlen_t)s, strings(nb, band_id_at, sc));
		SET_VECTOR_ELT(blab, (R_xlen_t)s, strings(nb, band_label_at, sc));
		SEXP lo = PROTECT(Rf_allocVector(REALSXP, (R_xlen_t)nb)), hi = PROTECT(Rf_allocVector(REALSXP, (R_xlen_t)nb));
		for (size_t b = 0; b < nb; b++) {
			REAL(lo)[b] = lm_band_min(lm_scale_band(sc, b));
			REAL(hi)[b] = lm_band_max(lm_scale_band(sc, b));
		}
		SET_VECTOR_ELT(bmin, (R_xlen_t)s, lo);
		SET_VECTOR_ELT(bmax, (R_xlen_t)s, hi);
		UNPROTECT(2);
	}
	SEXP cols[] = {method, dir, sitems, mina, smin, smax, cut, bid, blab, bmin, bmax};
	for (int c = 0; c < 11; c++)
		SET_VECTOR_ELT(scales, 2 + c, cols[c]);
	SET_VECTOR_ELT(info, 10, scales);
	UNPROTECT(12);

	size_t nr = lm_instrument_rule_count(inst);
	const char *rnames[] = {"id", "label", ""};
	SEXP rules = PROTECT(Rf_mkNamed(VECSXP, rnames));
	SET_VECTOR_ELT(rules, 0, strings(nr, rule_id_at, inst));
	SET_VECTOR_ELT(rules, 1, strings(nr, rule_label_at, inst));
	SET_VECTOR_ELT(info, 11, rules);
	SET_VECTOR_ELT(info, 12, Rf_mkString(lm_version_string()));
	UNPROTECT(2);
	return info;
}

/* ---- batches --------------------------------------------------------------------------- */

/*
 * A batch of @p inst reading @p cols: a list with one element per item, NULL
 * (no column), a double vector or a character vector of length n, with the
 * caller's column names. The returned holder (protected by the caller) owns it;
 * the text arrays are R_alloc'ed and live until the .Call returns.
 */
static SEXP make_batch(const lm_instrument *inst, SEXP cols, SEXP colnames, R_xlen_t n, const char *name,
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

static const char **text_array(SEXP v, R_xlen_t n, const char *what)
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
static SEXP new_factor(R_xlen_t n, SEXP levels)
{
	SEXP v = PROTECT(Rf_allocVector(INTSXP, n));
	Rf_setAttrib(v, R_LevelsSymbol, levels);
	Rf_setAttrib(v, R_ClassSymbol, Rf_mkString("factor"));
	UNPROTECT(1);
	return v;
}

/* 0-based codes (negative: none) to R's 1-based factor codes (NA: none). */
static void factor_codes_done(SEXP v)
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

/* The per-pair results, column by column, named as the library's CSV output names them. */
SEXP lr_prepost_respondents(SEXP hp)
{
	const lm_prepost *pp = handle(hp, "lm_prepost");
	const lm_instrument *inst = lm_prepost_instrument(pp);
	size_t n = lm_prepost_respondent_count(pp), ns = lm_instrument_scale_count(inst);
	int grouped = lm_prepost_group_count(pp) > 0 || (n && lm_prepost_respondent_group(pp, 0));
	size_t ncol = 1 + (size_t)grouped;
	for (size_t s = 0; s < ns; s++)
		ncol += lm_scale_band_count(lm_instrument_scale(inst, s)) ? 8 : 6;
	SEXP out = PROTECT(Rf_allocVector(VECSXP, (R_xlen_t)ncol));
	SEXP names = PROTECT(Rf_allocVector(STRSXP, (R_xlen_t)ncol));
	size_t c = 0;
	SEXP ids = PROTECT(Rf_allocVector(STRSXP, (R_xlen_t)n));
	for (size_t r = 0; r < n; r++)
		SET_STRING_ELT(ids, (R_xlen_t)r, mkstr(lm_prepost_respondent_id(pp, r)));
	SET_VECTOR_ELT(out, c, ids);
	SET_STRING_ELT(names, c++, Rf_mkChar("id"));
	UNPROTECT(1);
	if (grouped) {
		SEXP g = PROTECT(Rf_allocVector(STRSXP, (R_xlen_t)n));
		for (size_t r = 0; r < n; r++)
			SET_STRING_ELT(g, (R_xlen_t)r, mkstr(lm_prepost_respondent_group(pp, r)));
		SET_VECTOR_ELT(out, c, g);
		SET_STRING_ELT(names, c++, Rf_mkChar("group"));
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

/* ---- a file scored into a file (lm_score_table) ----------------------------------------- */

/* Free the run's handles now (each holder is left empty): the table's file
 * is closed and the staged outputs dropped without waiting for the GC. */
static void release(SEXP oh, SEXP th, SEXP wh, SEXP rh)
{
	fin_rejects(rh);
	fin_writer(wh);
	fin_table(th);
	fin_outputs(oh);
}

/* Carry each of @p names into the writer; every problem said, the first status returned. */
static int add_columns(lm_writer *w, SEXP names, lm_error *err)
{
	int rc = LM_OK;
	for (R_xlen_t k = 0; k < XLENGTH(names); k++) {
		int r = lm_writer_add_column(w, Rf_translateCharUTF8(STRING_ELT(names, k)), err);
		if (r != LM_OK && rc == LM_OK)
			rc = r;
	}
	return rc;
}

/* Every column of the open table but the id (keep_all). */
static int add_all_columns(lm_writer *w, const lm_table *t, lm_error *err)
{
	const char *id_col = lm_table_id_column(t);
	int rc = LM_OK;
	for (size_t k = 0; k < lm_table_column_count(t); k++) {
		const char *name = lm_table_column_name(t, k);
		if (id_col && strcmp(name, id_col) == 0)
			continue; /* written as the id */
		int r = lm_writer_add_column(w, name, err);
		if (r != LM_OK && rc == LM_OK)
			rc = r;
	}
	return rc;
}

/*
 * As `libra score DATA -o OUTPUT [--rejects R] [--keep ...|--keep-all] [--threads N]`
 * (examples/libra/cmd-score.c): the same steps in the same order, so the same
 * bytes and the same diagnostics. @p opts: id, no_id, prefix, map_items,
 * map_columns, map_file, delimiter, missing, value_labels (R/file.R checks
 * them). Returns the counts, or a "libra_failure" (nothing written then).
 */
SEXP lr_score_file(SEXP hp, SEXP data, SEXP output, SEXP format, SEXP rejects_path, SEXP keep, SEXP keep_all,
		   SEXP threads, SEXP opts)
{
	const lm_instrument *inst = handle(hp, "lm_instrument");
	const char *in = str_arg(data, "the data file's path");
	const char *out = str_arg(output, "the output's path");
	const char *rej_path = opt_str(rejects_path);
	const char *id = opt_str(VECTOR_ELT(opts, 0)), *prefix = opt_str(VECTOR_ELT(opts, 2));
	const char *map_file = opt_str(VECTOR_ELT(opts, 5)), *delim = opt_str(VECTOR_ELT(opts, 6));
	SEXP map_items = VECTOR_ELT(opts, 3), map_columns = VECTOR_ELT(opts, 4), missing = VECTOR_ELT(opts, 7);
	int no_id = Rf_asLogical(VECTOR_ELT(opts, 1)) == TRUE, labels = Rf_asLogical(VECTOR_ELT(opts, 8)) == TRUE;
	int all = Rf_asLogical(keep_all) == TRUE, fmt = Rf_asInteger(format);
	unsigned nthreads = (unsigned)Rf_asInteger(threads);
	lm_error *err;
	SEXP eh = PROTECT(new_error(&err));
	SEXP oh = PROTECT(holder("lm_outputs", fin_outputs));
	SEXP th = PROTECT(holder("lm_table", fin_table));
	SEXP wh = PROTECT(holder("lm_writer", fin_writer));
	SEXP rh = PROTECT(holder("lm_rejects", fin_rejects));
	lm_outputs *set = NULL;
	lm_table *table = NULL;
	lm_writer *writer = NULL;
	lm_rejects *rejects = NULL;
	unsigned long insufficient = 0;

	int rc = lm_outputs_new(&set);
	if (rc == LM_OK)
		R_SetExternalPtrAddr(oh, set);
	/* Every file of the run is distinct, or nothing is read. */
	const char *source = lm_instrument_source(inst);
	if (rc == LM_OK && source && strncmp(source, "builtin:", 8) != 0)
		rc = lm_outputs_add_input(set, source, err);
	if (rc == LM_OK)
		rc = lm_outputs_add_input(set, in, err);
	if (rc == LM_OK && map_file)
		rc = lm_outputs_add_input(set, map_file, err);
	if (rc == LM_OK)
		rc = lm_outputs_add_output(set, out, err);
	if (rc == LM_OK && rej_path)
		rc = lm_outputs_add_output(set, rej_path, err);

	if (rc == LM_OK)
		rc = lm_table_new(&table, inst);
	if (rc == LM_OK)
		R_SetExternalPtrAddr(th, table);
	if (rc == LM_OK && id)
		rc = lm_table_set_id_column(table, id);
	if (rc == LM_OK && no_id)
		rc = lm_table_set_no_id(table, 1);
	if (rc == LM_OK && delim)
		rc = lm_table_set_delimiter(table, delim[0]);
	if (rc == LM_OK && prefix)
		rc = lm_table_set_prefix(table, prefix);
	for (R_xlen_t k = 0; rc == LM_OK && k < XLENGTH(map_items); k++)
		rc = lm_table_map_column(table, Rf_translateCharUTF8(STRING_ELT(map_items, k)),
					 Rf_translateCharUTF8(STRING_ELT(map_columns, k)), err);
	if (rc == LM_OK && map_file)
		rc = lm_table_read_map(table, map_file, err);
	if (rc == LM_OK && labels)
		rc = lm_table_set_value_labels(table, 1);
	for (R_xlen_t k = 0; rc == LM_OK && k < XLENGTH(missing); k++)
		rc = lm_table_add_missing(table, Rf_translateCharUTF8(STRING_ELT(missing, k)));
	for (R_xlen_t k = 0; rc == LM_OK && k < XLENGTH(keep); k++) {
		size_t h;
		rc = lm_table_require_column(table, Rf_translateCharUTF8(STRING_ELT(keep, k)), &h);
	}

	/* With keep, the output is opened first so that a name it cannot carry
	 * is said together with the names the header lacks. */
	int keep_rc = LM_OK;
	if (rc == LM_OK && XLENGTH(keep)) {
		rc = lm_writer_open_file(&writer, inst, fmt, out, err);
		if (rc == LM_OK) {
			R_SetExternalPtrAddr(wh, writer);
			keep_rc = add_columns(writer, keep, err);
		}
	}
	if (rc == LM_OK)
		rc = lm_table_open_file(table, in, err);
	if (rc == LM_OK && !writer) {
		rc = lm_writer_open_file(&writer, inst, fmt, out, err);
		if (rc == LM_OK)
			R_SetExternalPtrAddr(wh, writer);
	}
	if (rc == LM_OK && all)
		rc = add_all_columns(writer, table, err);
	if (rc == LM_OK)
		rc = keep_rc;
	if (rc == LM_OK && rej_path) {
		rc = lm_rejects_open_file(&rejects, table, rej_path, err);
		if (rc == LM_OK)
			R_SetExternalPtrAddr(rh, rejects);
	}
	if (rc != LM_OK) {
		SEXP f = failure(rc, err);
		release(oh, th, wh, rh);
		UNPROTECT(5);
		return f;
	}

	rc = lm_score_table(table, writer, rejects, nthreads, &insufficient, err);
	unsigned long rejected = lm_table_rows_rejected(table);
	if (rc < 0 || (rejected && !rejects)) {
		/* Every problem, and nothing written (the command line's exit 1). */
		SEXP f = failure(rc < 0 ? rc : LM_EDATA, err);
		release(oh, th, wh, rh);
		UNPROTECT(5);
		return f;
	}
	SEXP problems = PROTECT(rejected ? failure(LM_EDATA, err) : R_NilValue);
	/* Then the list is empty, so that a write error has room in it. */
	lm_error_clear(err);
	int ok = 1;
	if (rejects)
		ok = lm_rejects_stage(rejects, set, err) == LM_OK;
	ok &= lm_writer_stage(writer, set, err) == LM_OK;
	rc = ok ? lm_outputs_commit(set, err) : LM_EIO;
	if (rc != LM_OK) {
		SEXP f = failure(rc, err);
		release(oh, th, wh, rh);
		UNPROTECT(6);
		return f;
	}
	const char *names[] = {"rows_read", "scored", "insufficient", "rejected", "blank", "problems", ""};
	SEXP res = PROTECT(Rf_mkNamed(VECSXP, names));
	SET_VECTOR_ELT(res, 0, Rf_ScalarReal((double)lm_table_rows_read(table)));
	SET_VECTOR_ELT(res, 1, Rf_ScalarReal((double)lm_writer_records(writer)));
	SET_VECTOR_ELT(res, 2, Rf_ScalarReal((double)insufficient));
	SET_VECTOR_ELT(res, 3, Rf_ScalarReal((double)rejected));
	SET_VECTOR_ELT(res, 4, Rf_ScalarReal((double)lm_table_rows_blank(table)));
	SET_VECTOR_ELT(res, 5, problems);
	release(oh, th, wh, rh);
	UNPROTECT(7);
	(void)eh;
	return res;
}

SEXP lr_writer_format_for_path(SEXP path)
{
	return Rf_ScalarInteger(lm_writer_format_for_path(str_arg(path, "the output's path")));
}

SEXP lr_builtins(void)
{
	size_t n = lm_builtin_count();
	SEXP v = PROTECT(Rf_allocVector(STRSXP, (R_xlen_t)n));
	for (size_t i = 0; i < n; i++)
		SET_STRING_ELT(v, (R_xlen_t)i, mkstr(lm_builtin_id(i)));
	UNPROTECT(1);
	return v;
}

static const R_CallMethodDef calls[] = {
	{"lr_load", (DL_FUNC)&lr_load, 1},
	{"lr_info", (DL_FUNC)&lr_info, 1},
	{"lr_score", (DL_FUNC)&lr_score, 6},
	{"lr_prepost", (DL_FUNC)&lr_prepost, 11},
	{"lr_prepost_waves", (DL_FUNC)&lr_prepost_waves, 8},
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
