/* Instruments: loading a definition, what R shows of it, the built-in ids (R/instrument.R). */
#include "glue.h"

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

SEXP lr_builtins(void)
{
	size_t n = lm_builtin_count();
	SEXP v = PROTECT(Rf_allocVector(STRSXP, (R_xlen_t)n));
	for (size_t i = 0; i < n; i++)
		SET_STRING_ELT(v, (R_xlen_t)i, mkstr(lm_builtin_id(i)));
	UNPROTECT(1);
	return v;
}
