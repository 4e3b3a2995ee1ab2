/*
 * libra_measures — diagnostics: a caller-owned list of problems, each with
 * a location (file, line, column), so that every problem is reported at once.
 */
#ifndef LIBRA_MEASURES_ERROR_H
#define LIBRA_MEASURES_ERROR_H

#include "common.h"

#ifdef __cplusplus
extern "C" {
#endif

/**
 * A list of diagnostics. Every fallible call takes an optional `lm_error *`
 * (NULL allowed) and appends one diagnostic per problem it finds.
 *
 * At most lm_error_capacity() diagnostics are kept; lm_error_total() counts
 * all of them, kept or not. A diagnostic that cannot be kept for want of
 * memory is replaced by one with code LM_ENOMEM and no file, saying so.
 *
 * Thread safety: an lm_error is used by one thread at a time.
 */
typedef struct lm_error lm_error;

/**
 * Create an empty diagnostics list.
 * @param[out] out the new list; the caller owns it and frees it with lm_error_free().
 * @return LM_OK or LM_ENOMEM (then *out is NULL).
 * @since 0.1
 */
LM_EXPORT LM_NODISCARD int lm_error_new(lm_error **out);

/** Free a list. Accepts NULL. @since 0.1 */
LM_EXPORT void lm_error_free(lm_error *err);

/** Remove every diagnostic; the list can be reused. Accepts NULL. @since 0.1 */
LM_EXPORT void lm_error_clear(lm_error *err);

/** Number of diagnostics kept (at most lm_error_capacity()). 0 for NULL. @since 0.1 */
LM_EXPORT size_t lm_error_count(const lm_error *err);

/** Number of diagnostics reported, including those beyond the capacity. @since 0.1 */
LM_EXPORT size_t lm_error_total(const lm_error *err);

/** How many diagnostics a list keeps (100). @since 0.1 */
LM_EXPORT size_t lm_error_capacity(void);

/**
 * The status code of diagnostic @p i (an lm_status_code), or LM_EINVAL if
 * @p i is out of range. LM_OK marks a warning: something allowed but likely
 * a mistake, reported by a call that succeeded (its message begins
 * "warning: ").
 * @since 0.1
 */
LM_EXPORT int lm_error_code(const lm_error *err, size_t i);

/**
 * The message of diagnostic @p i, without location. Messages quote what they
 * were given (data values, ids, column names); control characters (C0, tab
 * and line feed included, DEL, C1) and bytes that are not UTF-8 are shown
 * escaped — `\x1B`, `\u009B` — so a message is safe to print on a terminal.
 * @return borrowed; valid until the list is cleared or freed. NULL if @p i is out of range.
 * @since 0.1
 */
LM_EXPORT const char *lm_error_message(const lm_error *err, size_t i);

/**
 * The file (or source name) diagnostic @p i refers to, as it was given (not
 * escaped; lm_error_text() shows it escaped).
 * @return borrowed as for lm_error_message(); NULL when the problem has no file.
 * @since 0.1
 */
LM_EXPORT const char *lm_error_file(const lm_error *err, size_t i);

/** 1-based line of diagnostic @p i, 0 when unknown. @since 0.1 */
LM_EXPORT unsigned long lm_error_line(const lm_error *err, size_t i);

/**
 * 1-based column of diagnostic @p i, 0 when unknown. In a definition this is a
 * character column; in a data table it is the field number.
 * @since 0.1
 */
LM_EXPORT unsigned long lm_error_column(const lm_error *err, size_t i);

/**
 * Diagnostic @p i formatted as `FILE:LINE:COL: message` (parts that are unknown
 * are left out), with control characters in FILE and message escaped as in
 * lm_error_message().
 * @return borrowed as for lm_error_message(); NULL if @p i is out of range.
 * @since 0.1
 */
LM_EXPORT const char *lm_error_text(const lm_error *err, size_t i);

#ifdef __cplusplus
}
#endif

#endif
