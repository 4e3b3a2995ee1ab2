/* A file scored into a file through lm_score_table() (R/file.R), and the reading options files share. */
#include "glue.h"

/* ---- reading options ---------------------------------------------------------------------- */

int apply_reading(lm_table *t, SEXP reading, lm_error *err)
{
	const char *prefix = opt_str(VECTOR_ELT(reading, 0)), *map_file = opt_str(VECTOR_ELT(reading, 3));
	const char *delim = opt_str(VECTOR_ELT(reading, 4));
	SEXP map_items = VECTOR_ELT(reading, 1), map_columns = VECTOR_ELT(reading, 2), missing = VECTOR_ELT(reading, 5);
	int labels = Rf_asLogical(VECTOR_ELT(reading, 6)) == TRUE;
	int rc = LM_OK;
	if (delim)
		rc = lm_table_set_delimiter(t, delim[0]);
	if (rc == LM_OK && prefix)
		rc = lm_table_set_prefix(t, prefix);
	for (R_xlen_t k = 0; rc == LM_OK && k < XLENGTH(map_items); k++)
		rc = lm_table_map_column(t, Rf_translateCharUTF8(STRING_ELT(map_items, k)),
					 Rf_translateCharUTF8(STRING_ELT(map_columns, k)), err);
	if (rc == LM_OK && map_file)
		rc = lm_table_read_map(t, map_file, err);
	if (rc == LM_OK && labels)
		rc = lm_table_set_value_labels(t, 1);
	for (R_xlen_t k = 0; rc == LM_OK && k < XLENGTH(missing); k++)
		rc = lm_table_add_missing(t, Rf_translateCharUTF8(STRING_ELT(missing, k)));
	return rc;
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
 * bytes and the same diagnostics. @p opts: id, no_id, and the reading
 * options of apply_reading() (R/file.R checks them). Returns the counts, or a "libra_failure" (nothing written then).
 */
SEXP lr_score_file(SEXP hp, SEXP data, SEXP output, SEXP format, SEXP rejects_path, SEXP keep, SEXP keep_all,
		   SEXP threads, SEXP opts)
{
	const lm_instrument *inst = handle(hp, "lm_instrument");
	const char *in = str_arg(data, "the data file's path");
	const char *out = str_arg(output, "the output's path");
	const char *rej_path = opt_str(rejects_path);
	const char *id = opt_str(VECTOR_ELT(opts, 0)), *map_file = opt_str(VECTOR_ELT(VECTOR_ELT(opts, 2), 3));
	int no_id = Rf_asLogical(VECTOR_ELT(opts, 1)) == TRUE;
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
	if (rc == LM_OK)
		rc = apply_reading(table, VECTOR_ELT(opts, 2), err);
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
