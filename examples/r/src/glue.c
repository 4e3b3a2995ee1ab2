/* The glue every .Call entry point shares: external pointers with their
 * finalizers, failures as "libra_failure" lists, and argument checks. */
#include "glue.h"

/* ---- external pointers -------------------------------------------------------------- */

void fin_instrument(SEXP p)
{
	lm_instrument_free(R_ExternalPtrAddr(p));
	R_ClearExternalPtr(p);
}
void fin_error(SEXP p)
{
	lm_error_free(R_ExternalPtrAddr(p));
	R_ClearExternalPtr(p);
}
void fin_batch(SEXP p)
{
	lm_batch_free(R_ExternalPtrAddr(p));
	R_ClearExternalPtr(p);
}
void fin_prepost(SEXP p)
{
	lm_prepost_free(R_ExternalPtrAddr(p));
	R_ClearExternalPtr(p);
}
void fin_report(SEXP p)
{
	lm_report_free(R_ExternalPtrAddr(p));
	R_ClearExternalPtr(p);
}
void fin_table(SEXP p)
{
	lm_table_free(R_ExternalPtrAddr(p));
	R_ClearExternalPtr(p);
}
void fin_writer(SEXP p)
{
	lm_writer_free(R_ExternalPtrAddr(p));
	R_ClearExternalPtr(p);
}
void fin_rejects(SEXP p)
{
	lm_rejects_free(R_ExternalPtrAddr(p));
	R_ClearExternalPtr(p);
}
void fin_outputs(SEXP p)
{
	lm_outputs_free(R_ExternalPtrAddr(p));
	R_ClearExternalPtr(p);
}

/* A protected external pointer holding nothing yet; the caller stores into it. */
SEXP holder(const char *tag, R_CFinalizer_t fin)
{
	SEXP p = PROTECT(R_MakeExternalPtr(NULL, Rf_install(tag), R_NilValue));
	R_RegisterCFinalizerEx(p, fin, TRUE);
	UNPROTECT(1);
	return p;
}

void *handle(SEXP p, const char *tag)
{
	if (TYPEOF(p) != EXTPTRSXP || R_ExternalPtrTag(p) != Rf_install(tag) || !R_ExternalPtrAddr(p))
		Rf_error("libra.measures: not a live %s handle", tag);
	return R_ExternalPtrAddr(p);
}

/* A new diagnostics list, owned by the returned (protected by the caller) holder. */
SEXP new_error(lm_error **err)
{
	SEXP h = holder("lm_error", fin_error);
	if (lm_error_new(err) != LM_OK)
		Rf_error("libra.measures: out of memory");
	R_SetExternalPtrAddr(h, *err);
	return h;
}

/* ---- failures ------------------------------------------------------------------------ */

SEXP mkstr(const char *s)
{
	return s ? Rf_mkCharCE(s, CE_UTF8) : NA_STRING;
}

/* The diagnostics as a "libra_failure" list: code, status, total, and per diagnostic
 * code, file, line, column, message, text. */
SEXP failure(int code, const lm_error *err)
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

const char *str_arg(SEXP s, const char *what)
{
	if (!Rf_isString(s) || XLENGTH(s) != 1 || STRING_ELT(s, 0) == NA_STRING)
		Rf_error("libra.measures: %s must be one string", what);
	return Rf_translateCharUTF8(STRING_ELT(s, 0));
}

const char *opt_str(SEXP s)
{
	return Rf_isString(s) && XLENGTH(s) == 1 && STRING_ELT(s, 0) != NA_STRING ? Rf_translateCharUTF8(STRING_ELT(s, 0))
										   : NULL;
}

SEXP strings(size_t n, const char *(*get)(const void *, size_t), const void *obj)
{
	SEXP v = PROTECT(Rf_allocVector(STRSXP, (R_xlen_t)n));
	for (size_t i = 0; i < n; i++)
		SET_STRING_ELT(v, (R_xlen_t)i, mkstr(get(obj, i)));
	UNPROTECT(1);
	return v;
}
