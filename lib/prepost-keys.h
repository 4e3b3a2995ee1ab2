/*
 * libra_measures — the key names of the pre/post JSON document
 * (LM_PREPOST_JSON), defined once: prepost-write.c writes them and the
 * report (report*.c) points at them in its data-key attributes, so the two
 * cannot drift apart. doc/PREPOST.md describes the document.
 */
#ifndef LM_PREPOST_KEYS_H
#define LM_PREPOST_KEYS_H

#include "libra_measures/prepost.h"

/* The document: {"instrument", "library_version", "counts", "scales", "respondents"}. */
#define LM__KEY_INSTRUMENT "instrument"
#define LM__KEY_LIBRARY_VERSION "library_version"
#define LM__KEY_COUNTS "counts"           /* keys: lm__prepost_count_keys */
#define LM__KEY_SCALES "scales"           /* one object per scale id */
#define LM__KEY_RESPONDENTS "respondents" /* one object per pair */

/* A scale's object. The statistics sit in the sections "pre", "post", "change" and "rci"
 * (lm__prepost_stat_keys), each with "null_reasons" for the nulls among them. */
#define LM__KEY_PRE "pre"
#define LM__KEY_POST "post"
#define LM__KEY_CHANGE "change"
#define LM__KEY_RCI "rci"
#define LM__KEY_NULL_REASONS "null_reasons"
#define LM__KEY_RELIABILITY_SOURCE "reliability_source" /* in "rci" */
#define LM__KEY_SD_SOURCE "sd_source"                   /* in "rci" */
#define LM__KEY_CLINICAL_CUTOFF "clinical_cutoff"
/* "bands": {"pre": {BAND: n}, "post": {BAND: n}, "transitions": [{"from", "to", "n"}]}, every
 * pre x post combination in order, pre-major. */
#define LM__KEY_BANDS "bands"
#define LM__KEY_TRANSITIONS "transitions"
#define LM__KEY_FROM "from"
#define LM__KEY_TO "to"
#define LM__KEY_N "n"
/* "groups": {GROUP: {"n", "change": {...}}, "comparison": {"groups": [G0, G1], the comparisons
 * (lm__prepost_compare_keys), "null_reasons"}}. */
#define LM__KEY_GROUPS "groups"
#define LM__KEY_COMPARISON "comparison"

/* A respondent's object: {"id", "group", "scales": {SCALE: the pair keys}}. */
#define LM__KEY_ID "id"
#define LM__KEY_GROUP "group"

/* The document of a run with waves (lm_prepost_set_waves()): {"instrument", "library_version",
 * "waves": [NAME...], "baseline": NAME, "by_wave": {NAME: {"counts", "scales", "respondents"}}},
 * one entry per later wave, each the two-wave document's members for baseline -> that wave, with:
 * in "counts", "by_group": {GROUP: lm__prepost_flow_keys}; in a scale's object, "attrition":
 * {"completers": {...}, "dropouts": {...}, "welch_t", "df", "p", "null_reasons", "groups":
 * {GROUP: {"completers", "dropouts"}}} (lm__prepost_attrition_keys); in a scale's "groups",
 * "ancova"; with a cluster column, "icc_baseline" in each scale's object. The CSV has a column
 * "wave" after "id". */
#define LM__KEY_WAVES "waves"
#define LM__KEY_BASELINE "baseline"
#define LM__KEY_BY_WAVE "by_wave"
#define LM__KEY_BY_GROUP "by_group"
#define LM__KEY_ATTRITION "attrition"
#define LM__KEY_COMPLETERS "completers"
#define LM__KEY_DROPOUTS "dropouts"
#define LM__KEY_ANCOVA "ancova"
#define LM__KEY_ICC_BASELINE "icc_baseline"
#define LM__KEY_WAVE "wave"
/* Indexed by enum lm_prepost_flow_kind. */
extern const char *const lm__prepost_flow_keys[LM_PREPOST_FLOW_PAIRS + 1];
/* Indexed by enum lm_prepost_attrition_kind: the first three in "completers", the next three in
 * "dropouts", the test's in "attrition" itself. */
extern const char *const lm__prepost_attrition_keys[LM_PREPOST_ATTRITION_P + 1];

/* Where a statistic is in a scale's object (and in a group's "change"): section and key.
 * The two ends of the confidence interval share the key "ci95", an array [low, high]. */
struct lm__stat_key {
	const char *section; /* LM__KEY_PRE, LM__KEY_POST, LM__KEY_CHANGE or LM__KEY_RCI */
	const char *key;
};
#define LM__CI95 "ci95"

/* Indexed by enum lm_prepost_stat_kind. */
extern const struct lm__stat_key lm__prepost_stat_keys[LM_PREPOST_STAT_RECOVERED + 1];
/* Indexed by enum lm_prepost_count_kind; the document has those up to LM_PREPOST_COUNT_OTHER_WAVE. */
extern const char *const lm__prepost_count_keys[LM_PREPOST_COUNT_BLANK + 1];
/* Indexed by enum lm_prepost_compare_kind. */
extern const char *const lm__prepost_compare_keys[LM_PREPOST_COMPARE_HEDGES_G + 1];
/* A pair's results on one scale, in order: its keys in the JSON document, and the
 * suffixes of its columns in the CSV (SCALE_pre, ...); the last two only on banded scales. */
#define LM__N_PAIR_KEYS 8
#define LM__PAIR_KEYS {"pre", "post", "change", "rci", "reliable", "category", "band_pre", "band_post"}
extern const char *const lm__prepost_pair_keys[LM__N_PAIR_KEYS];

#endif
