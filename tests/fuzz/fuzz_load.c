/*
 * Fuzz target: the YAML definition loader (lm_instrument_load_buffer()),
 * which parses and validates. The input is the definition's text. A
 * definition that loads is walked through every accessor and scored a few
 * times; every diagnostic of one that does not is read back. Broken
 * invariants abort.
 */
#include "fuzz.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "libra_measures/libra_measures.h"

/* Touch every byte of a string, so that a dangling or unterminated one is
 * caught by the sanitizers. */
static size_t touch(const char *s)
{
	return s ? strlen(s) : 0;
}

static void walk(const lm_instrument *inst)
{
	size_t sum = 0;
	sum += touch(lm_instrument_id(inst)) + touch(lm_instrument_name(inst)) + touch(lm_instrument_version(inst));
	sum += touch(lm_instrument_citation(inst)) + touch(lm_instrument_terms(inst));
	sum += touch(lm_instrument_period(inst)) + touch(lm_instrument_source(inst));
	for (size_t i = 0; i < lm_instrument_note_count(inst); i++)
		CHECK(lm_instrument_note(inst, i) != NULL);
	for (size_t i = 0; i < lm_instrument_missing_code_count(inst); i++) {
		CHECK(!isnan(lm_instrument_missing_code_value(inst, i)));
		sum += touch(lm_instrument_missing_code_label(inst, i));
	}

	size_t n_items = lm_instrument_item_count(inst);
	for (size_t i = 0; i < n_items; i++) {
		const lm_item *it = lm_instrument_item(inst, i);
		CHECK(it != NULL);
		const char *id = lm_item_id(it);
		CHECK(id != NULL);
		size_t found = (size_t)-1;
		CHECK(lm_instrument_find_item(inst, id, &found) == LM_OK && found == i);
		sum += touch(lm_item_label(it)) + touch(lm_item_text(it));
		sum += (size_t)lm_item_reversed(it) + (size_t)lm_item_scored(it);
		size_t nr = lm_item_response_count(it);
		for (size_t k = 0; k < nr; k++) {
			CHECK(!isnan(lm_item_response_value(it, k)));
			sum += touch(lm_item_response_label(it, k));
		}
		CHECK(isnan(lm_item_response_value(it, nr)));
		CHECK(lm_item_response_label(it, nr) == NULL);
	}
	CHECK(lm_instrument_item(inst, n_items) == NULL);

	size_t n_scales = lm_instrument_scale_count(inst);
	for (size_t i = 0; i < n_scales; i++) {
		const lm_scale *sc = lm_instrument_scale(inst, i);
		CHECK(sc != NULL);
		size_t found = (size_t)-1;
		CHECK(lm_instrument_find_scale(inst, lm_scale_id(sc), &found) == LM_OK && found == i);
		sum += touch(lm_scale_label(sc)) + touch(lm_scale_norm_source(sc));
		sum += (size_t)lm_scale_method(sc) + (size_t)lm_scale_direction(sc);
		size_t ni = lm_scale_item_count(sc);
		for (size_t k = 0; k < ni; k++)
			CHECK(lm_scale_item(sc, k) < n_items);
		CHECK(lm_scale_item(sc, ni) == (size_t)-1);
		CHECK(lm_scale_min_answered(sc) <= ni);
		CHECK(!(lm_scale_min(sc) > lm_scale_max(sc)));
		(void)lm_scale_clinical_cutoff(sc);
		for (int w = LM_NORM_MEAN; w <= LM_NORM_N; w++)
			(void)lm_scale_norm(sc, w);
		for (size_t k = 0; k < lm_scale_note_count(sc); k++)
			sum += touch(lm_scale_note(sc, k));
		for (size_t b = 0; b < lm_scale_band_count(sc); b++) {
			const lm_band *band = lm_scale_band(sc, b);
			CHECK(band != NULL);
			sum += touch(lm_band_id(band)) + touch(lm_band_label(band));
			CHECK(!(lm_band_min(band) > lm_band_max(band)));
		}
	}

	for (size_t i = 0; i < lm_instrument_rule_count(inst); i++) {
		const lm_rule *r = lm_instrument_rule(inst, i);
		CHECK(r != NULL);
		size_t found = (size_t)-1;
		CHECK(lm_instrument_find_rule(inst, lm_rule_id(r), &found) == LM_OK && found == i);
		sum += touch(lm_rule_label(r)) + (size_t)lm_rule_combine(r);
		for (size_t k = 0; k < lm_rule_condition_count(r); k++) {
			CHECK(lm_rule_condition_scale(r, k) < n_scales);
			(void)lm_rule_condition_value(r, k);
			(void)lm_rule_condition_count_required(r, k);
		}
	}
	(void)sum;
}

/* Every score is within its scale's range, every band index valid. */
static void check_results(const lm_scorer *s, const lm_instrument *inst)
{
	for (size_t i = 0; i < lm_instrument_scale_count(inst); i++) {
		const lm_scale *sc = lm_instrument_scale(inst, i);
		double v = lm_scorer_scale_score(s, i);
		int st = lm_scorer_scale_status(s, i);
		CHECK(st == LM_SCORE_OK || st == LM_SCORE_PRORATED || st == LM_SCORE_INSUFFICIENT);
		CHECK(lm_score_status_name(st) != NULL);
		CHECK(lm_scorer_scale_answered(s, i) <= lm_scale_item_count(sc));
		if (!isnan(v)) {
			double eps = 1e-9 * (fabs(lm_scale_min(sc)) + fabs(lm_scale_max(sc)) + 1.0);
			CHECK(v >= lm_scale_min(sc) - eps && v <= lm_scale_max(sc) + eps);
		}
		long b = lm_scorer_scale_band(s, i);
		CHECK(b >= -1 && (b < 0 || (size_t)b < lm_scale_band_count(sc)));
	}
	for (size_t i = 0; i < lm_instrument_rule_count(inst); i++) {
		int r = lm_scorer_rule(s, i);
		CHECK(r == LM_RULE_FALSE || r == LM_RULE_TRUE || r == LM_RULE_UNKNOWN);
	}
}

/* Score every item at its first, last and middle response (the middle one by
 * its label), then all blank. */
static void score(const lm_instrument *inst)
{
	lm_scorer *s = NULL;
	if (lm_scorer_new(&s, inst) != LM_OK)
		return;
	size_t n = lm_instrument_item_count(inst);
	for (int pass = 0; pass < 4; pass++) {
		lm_scorer_clear(s);
		for (size_t i = 0; i < n; i++) {
			const lm_item *it = lm_instrument_item(inst, i);
			size_t nr = lm_item_response_count(it);
			if (nr == 0 || pass == 3)
				continue;
			size_t k = pass == 0 ? 0 : pass == 1 ? nr - 1 : nr / 2;
			int rc;
			const char *label = lm_item_response_label(it, k);
			if (pass == 2 && label)
				rc = lm_scorer_set_text(s, i, label, strlen(label), NULL);
			else
				rc = lm_scorer_set(s, i, lm_item_response_value(it, k), NULL);
			/* A label shared by two responses may mean the other one, or none. */
			CHECK(rc == LM_OK || (pass == 2 && rc == LM_EDATA));
		}
		CHECK(lm_scorer_run(s) == LM_OK);
		check_results(s, inst);
	}
	lm_scorer_free(s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	lm_error *err = NULL;
	if (lm_error_new(&err) != LM_OK)
		return 0;
	lm_instrument *inst = NULL;
	int rc = lm_instrument_load_buffer(&inst, (const char *)data, size, "fuzz.yaml", err);
	size_t count = lm_error_count(err);
	CHECK(count <= lm_error_capacity() && count <= lm_error_total(err));
	size_t failures = 0;
	for (size_t i = 0; i < count; i++) {
		/* LM_OK marks a warning (a definition that loads may carry some);
		 * a load that succeeded carries nothing else. */
		int code = lm_error_code(err, i);
		CHECK(code <= 0 && (code == LM_OK || rc != LM_OK));
		failures += code < 0;
		CHECK(lm_error_message(err, i) != NULL && lm_error_text(err, i) != NULL);
		if (code == LM_OK)
			CHECK(strncmp(lm_error_message(err, i), "warning: ", 9) == 0);
		(void)touch(lm_error_file(err, i));
		(void)lm_error_line(err, i);
		(void)lm_error_column(err, i);
	}
	if (rc == LM_OK) {
		CHECK(inst != NULL);
		walk(inst);
		score(inst);
		lm_instrument_free(inst);
	} else {
		CHECK(inst == NULL);
		CHECK(lm_error_total(err) > 0);
		CHECK(failures > 0 || count < lm_error_total(err));
	}
	lm_error_free(err);
	return 0;
}
