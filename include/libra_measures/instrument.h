/*
 * libra_measures — the definition model: an instrument's metadata, items,
 * response options, scales, bands, norms and rules, read-only.
 *
 * Instruments are made by the loader (load.h). Items, scales, bands and
 * rules are borrowed handles: they live exactly as long as their instrument.
 *
 * Thread safety: a loaded instrument is immutable and may be shared by any
 * number of threads; lm_instrument_free() may be called from any thread.
 */
#ifndef LIBRA_MEASURES_INSTRUMENT_H
#define LIBRA_MEASURES_INSTRUMENT_H

#include "common.h"

#ifdef __cplusplus
extern "C" {
#endif

/** A loaded, validated instrument definition. Opaque; reference counted. */
typedef struct lm_instrument lm_instrument;
/** One item (question). Borrowed from its instrument. */
typedef struct lm_item lm_item;
/** One scale (subscale or total). Borrowed from its instrument. */
typedef struct lm_scale lm_scale;
/** One band (score range with a name) of a scale. Borrowed from its instrument. */
typedef struct lm_band lm_band;
/** One rule over item values (e.g. the STSS criteria method). Borrowed from its instrument. */
typedef struct lm_rule lm_rule;

/** How a scale's score is made from its keyed item values. */
enum lm_method {
	LM_METHOD_SUM = 0,         /**< sum of the items; every item must be answered */
	LM_METHOD_MEAN = 1,        /**< mean of the answered items */
	LM_METHOD_PRORATED_SUM = 2 /**< mean of the answered items times the number of items */
};

/** Which end of a scale is the worse one. */
enum lm_direction {
	LM_DIRECTION_UNSPECIFIED = 0,
	LM_DIRECTION_HIGHER_IS_WORSE = 1,
	LM_DIRECTION_HIGHER_IS_BETTER = 2
};

/** How a rule combines its conditions. */
enum lm_combine {
	LM_COMBINE_ALL = 0,
	LM_COMBINE_ANY = 1
};

/** Which reference value lm_scale_norm() returns. */
enum lm_norm {
	LM_NORM_MEAN = 0,
	LM_NORM_SD = 1,
	LM_NORM_RELIABILITY = 2,
	LM_NORM_N = 3
};

/**
 * Give back a reference to an instrument. The instrument is freed when the
 * last reference (the loader's and each scorer's) is gone. Accepts NULL.
 * @since 0.1
 */
LM_EXPORT void lm_instrument_free(lm_instrument *inst);

/** @name Metadata. Every string is borrowed; NULL where the definition has none.
 * @{ */
LM_EXPORT const char *lm_instrument_id(const lm_instrument *inst);
LM_EXPORT const char *lm_instrument_name(const lm_instrument *inst);
/** The definition's own version (not the library's). */
LM_EXPORT const char *lm_instrument_version(const lm_instrument *inst);
LM_EXPORT const char *lm_instrument_citation(const lm_instrument *inst);
/** Terms of use of the instrument. */
LM_EXPORT const char *lm_instrument_terms(const lm_instrument *inst);
/** The reference period respondents are asked about, e.g. "the past 7 days". */
LM_EXPORT const char *lm_instrument_period(const lm_instrument *inst);
/** Where the definition came from: its path, or "builtin:ID". */
LM_EXPORT const char *lm_instrument_source(const lm_instrument *inst);
LM_EXPORT size_t lm_instrument_note_count(const lm_instrument *inst);
/** Note @p i; notes say, among other things, which facts are unverified. */
LM_EXPORT const char *lm_instrument_note(const lm_instrument *inst, size_t i);
/** @} */

/** @name Missing-value codes: values that are not answers (e.g. -99 declined).
 * @{ */
LM_EXPORT size_t lm_instrument_missing_code_count(const lm_instrument *inst);
LM_EXPORT double lm_instrument_missing_code_value(const lm_instrument *inst, size_t i);
LM_EXPORT const char *lm_instrument_missing_code_label(const lm_instrument *inst, size_t i);
/** @} */

/** @name Items, in definition order (the order lm_scorer_score() expects).
 * @{ */
LM_EXPORT size_t lm_instrument_item_count(const lm_instrument *inst);
/** Item @p i, or NULL if out of range. Borrowed. */
LM_EXPORT const lm_item *lm_instrument_item(const lm_instrument *inst, size_t i);
/**
 * Find an item by id.
 * @param[out] index its position, if found (may be NULL).
 * @return LM_OK or LM_ENOTFOUND.
 */
LM_EXPORT int lm_instrument_find_item(const lm_instrument *inst, const char *id, size_t *index);

LM_EXPORT const char *lm_item_id(const lm_item *item);
LM_EXPORT const char *lm_item_label(const lm_item *item);
/** Optional item wording (bundled definitions never carry it). NULL if absent. */
LM_EXPORT const char *lm_item_text(const lm_item *item);
/** 1 if the item is reverse-keyed (min + max - x over its declared responses). */
LM_EXPORT int lm_item_reversed(const lm_item *item);
/** 0 for a filler item that is asked but never scored. */
LM_EXPORT int lm_item_scored(const lm_item *item);
/** Number of allowed responses of this item. */
LM_EXPORT size_t lm_item_response_count(const lm_item *item);
/** Value of response @p k (declared order); NaN if out of range. */
LM_EXPORT double lm_item_response_value(const lm_item *item, size_t k);
/** Label of response @p k; NULL if out of range. */
LM_EXPORT const char *lm_item_response_label(const lm_item *item, size_t k);
/** @} */

/** @name Scales.
 * @{ */
LM_EXPORT size_t lm_instrument_scale_count(const lm_instrument *inst);
LM_EXPORT const lm_scale *lm_instrument_scale(const lm_instrument *inst, size_t i);
/** Find a scale by id. @return LM_OK or LM_ENOTFOUND. */
LM_EXPORT int lm_instrument_find_scale(const lm_instrument *inst, const char *id, size_t *index);

LM_EXPORT const char *lm_scale_id(const lm_scale *scale);
LM_EXPORT const char *lm_scale_label(const lm_scale *scale);
/** An lm_method; LM_INVALID_ENUM for a NULL scale. */
LM_EXPORT int lm_scale_method(const lm_scale *scale);
/** An lm_direction. */
LM_EXPORT int lm_scale_direction(const lm_scale *scale);
LM_EXPORT size_t lm_scale_item_count(const lm_scale *scale);
/** Instrument item index of the scale's item @p k; (size_t)-1 if out of range. */
LM_EXPORT size_t lm_scale_item(const lm_scale *scale, size_t k);
/** Fewest answered items that still give a score. */
LM_EXPORT size_t lm_scale_min_answered(const lm_scale *scale);
/** Lowest score the scale can produce. */
LM_EXPORT double lm_scale_min(const lm_scale *scale);
/** Highest score the scale can produce. */
LM_EXPORT double lm_scale_max(const lm_scale *scale);
/**
 * The clinical cut-off: the first score of the clinical range, counted from
 * the worse end (scores >= it are clinical when higher is worse, <= it when
 * higher is better). NaN when the definition gives none.
 */
LM_EXPORT double lm_scale_clinical_cutoff(const lm_scale *scale);
/** A reference value (lm_norm); NaN when the definition gives none. */
LM_EXPORT double lm_scale_norm(const lm_scale *scale, int which);
/** Where the norms come from; NULL if none. */
LM_EXPORT const char *lm_scale_norm_source(const lm_scale *scale);
LM_EXPORT size_t lm_scale_note_count(const lm_scale *scale);
LM_EXPORT const char *lm_scale_note(const lm_scale *scale, size_t i);
LM_EXPORT size_t lm_scale_band_count(const lm_scale *scale);
LM_EXPORT const lm_band *lm_scale_band(const lm_scale *scale, size_t i);

LM_EXPORT const char *lm_band_id(const lm_band *band);
LM_EXPORT const char *lm_band_label(const lm_band *band);
/** Inclusive lower bound. */
LM_EXPORT double lm_band_min(const lm_band *band);
/** Inclusive upper bound. */
LM_EXPORT double lm_band_max(const lm_band *band);
/** @} */

/** @name Rules: "at least N items of scale S are >= V", combined with all/any.
 * @{ */
LM_EXPORT size_t lm_instrument_rule_count(const lm_instrument *inst);
LM_EXPORT const lm_rule *lm_instrument_rule(const lm_instrument *inst, size_t i);
/** Find a rule by id. @return LM_OK or LM_ENOTFOUND. */
LM_EXPORT int lm_instrument_find_rule(const lm_instrument *inst, const char *id, size_t *index);
LM_EXPORT const char *lm_rule_id(const lm_rule *rule);
LM_EXPORT const char *lm_rule_label(const lm_rule *rule);
/** An lm_combine; LM_INVALID_ENUM for a NULL rule. */
LM_EXPORT int lm_rule_combine(const lm_rule *rule);
LM_EXPORT size_t lm_rule_condition_count(const lm_rule *rule);
/** Scale index of condition @p k; (size_t)-1 if out of range. */
LM_EXPORT size_t lm_rule_condition_scale(const lm_rule *rule, size_t k);
/** Keyed item value at or above which an item counts. NaN if out of range. */
LM_EXPORT double lm_rule_condition_value(const lm_rule *rule, size_t k);
/** How many items must count for the condition to hold. */
LM_EXPORT size_t lm_rule_condition_count_required(const lm_rule *rule, size_t k);
/** @} */

#ifdef __cplusplus
}
#endif

#endif
