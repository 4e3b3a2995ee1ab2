/*
 * .Call glue between R and the libra_measures C library: conversions of R
 * vectors to and from the library's arrays, and nothing else. Every C object
 * lives in an external pointer with a finalizer from the moment it exists,
 * so an R error (or a long jump out of an allocation) never leaks it.
 * Failures are returned as a "libra_failure" list, which R turns into a
 * classed condition (R/conditions.R): no C resources are held while R
 * signals it.
 */
#ifndef LIBRA_R_GLUE_H
#define LIBRA_R_GLUE_H

#define R_NO_REMAP
#include <R.h>
#include <Rinternals.h>
#include <R_ext/Visibility.h>

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libra_measures/libra_measures.h>

/* ---- glue.c: external pointers, failures, arguments ---- */

/* Finalizers: free the object and clear the pointer (safe to call early, as file.c does). */
attribute_hidden void fin_instrument(SEXP p);
attribute_hidden void fin_error(SEXP p);
attribute_hidden void fin_batch(SEXP p);
attribute_hidden void fin_prepost(SEXP p);
attribute_hidden void fin_report(SEXP p);
attribute_hidden void fin_table(SEXP p);
attribute_hidden void fin_writer(SEXP p);
attribute_hidden void fin_rejects(SEXP p);
attribute_hidden void fin_outputs(SEXP p);
/* A protected external pointer holding nothing yet; the caller stores into it. */
attribute_hidden SEXP holder(const char *tag, R_CFinalizer_t fin);
/* The object in a live handle of type @p tag, or an R error. */
attribute_hidden void *handle(SEXP p, const char *tag);
/* A new diagnostics list, owned by the returned (protected by the caller) holder. */
attribute_hidden SEXP new_error(lm_error **err);
/* A UTF-8 CHARSXP, or NA for NULL. */
attribute_hidden SEXP mkstr(const char *s);
/* The diagnostics as a "libra_failure" list (R/conditions.R). */
attribute_hidden SEXP failure(int code, const lm_error *err);
/* A character vector of get(obj, i) for i < n (NULL: NA). */
attribute_hidden SEXP strings(size_t n, const char *(*get)(const void *, size_t), const void *obj);
/* One string argument (UTF-8), or an R error naming @p what. */
attribute_hidden const char *str_arg(SEXP s, const char *what);
/* One string, or NULL for anything else. */
attribute_hidden const char *opt_str(SEXP s);

/* ---- score.c: batches, shared with prepost.c ---- */

/* A batch of @p inst reading @p cols (one element per item: NULL, double or
 * character vector of length n); the returned holder (protected by the caller) owns it. */
attribute_hidden SEXP make_batch(const lm_instrument *inst, SEXP cols, SEXP colnames, R_xlen_t n, const char *name,
				 lm_batch **out);
/* A character vector as NUL-terminated UTF-8 strings (NA: NULL), R_alloc'ed; NULL for NULL. */
attribute_hidden const char **text_array(SEXP v, R_xlen_t n, const char *what);
/* A factor whose 0-based codes the library writes; factor_codes_done() after. */
attribute_hidden SEXP new_factor(R_xlen_t n, SEXP levels);
attribute_hidden void factor_codes_done(SEXP v);

/* ---- file.c: reading options, shared with prepost.c ---- */

/* Apply R/file.R's reading_options() to an unopened table: @p reading is
 * list(prefix, map_items, map_columns, map_file, delimiter, missing, value_labels). */
attribute_hidden int apply_reading(lm_table *t, SEXP reading, lm_error *err);

/* ---- the .Call entry points (init.c registers them) ---- */

/* instrument.c */
SEXP lr_load(SEXP spec);
SEXP lr_info(SEXP hp);
SEXP lr_builtins(void);
/* score.c */
SEXP lr_score(SEXP hp, SEXP cols, SEXP colnames, SEXP nrow, SEXP reject, SEXP name);
/* prepost.c */
SEXP lr_prepost(SEXP hp, SEXP pre_cols, SEXP pre_colnames, SEXP pre_ids, SEXP pre_groups, SEXP pre_name,
		SEXP post_cols, SEXP post_colnames, SEXP post_ids, SEXP post_name, SEXP opts);
SEXP lr_prepost_waves(SEXP hp, SEXP cols, SEXP colnames, SEXP ids, SEXP groups, SEXP clusters, SEXP waves,
		      SEXP opts);
SEXP lr_prepost_files(SEXP hp, SEXP paths, SEXP waves, SEXP long_form, SEXP opts, SEXP reading, SEXP keep);
SEXP lr_prepost_respondents(SEXP hp);
SEXP lr_prepost_summary(SEXP hp);
SEXP lr_prepost_counts(SEXP hp);
SEXP lr_prepost_output(SEXP hp, SEXP format);
SEXP lr_report(SEXP hp, SEXP path, SEXP min_cell, SEXP pre_name, SEXP post_name);
/* file.c */
SEXP lr_score_file(SEXP hp, SEXP data, SEXP output, SEXP format, SEXP rejects_path, SEXP keep, SEXP keep_all,
		   SEXP threads, SEXP opts);
SEXP lr_writer_format_for_path(SEXP path);

#endif
