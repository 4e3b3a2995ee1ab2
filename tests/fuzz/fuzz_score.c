/*
 * Fuzz target: scoring one respondent (lm_scorer_set(), lm_scorer_set_text(),
 * lm_scorer_run(), lm_scorer_score()) against the bundled instruments.
 *
 * Input: byte 0 picks the bundled instrument (modulo their number); byte 1
 * the mode: bit 0 scores through lm_scorer_score() with a value array
 * instead of item by item, bit 1 scores twice without clearing in between.
 * Then one operation per item, in item order, while input lasts (items
 * after the end stay blank); each starts with a byte whose value mod 6 is
 *   0  blank (NaN)
 *   1  the item's response number (next byte), by value
 *   2  a raw double (next 8 bytes, any bit pattern)
 *   3  text of (next byte mod 48) bytes, as in a data file
 *   4  the label of the item's response number (next byte), in the case
 *      the byte after says, or a missing code's label
 *   5  an item index out of range (must be LM_EINVAL)
 */
#include "fuzz.h"

#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "libra_measures/libra_measures.h"

struct in {
	const uint8_t *p;
	size_t n;
};

static int take(struct in *in, uint8_t *b)
{
	if (in->n == 0)
		return 0;
	*b = *in->p++;
	in->n--;
	return 1;
}

/* Loaded once and kept for the life of the process (still reachable, not a leak). */
static lm_instrument *instrument(size_t i)
{
	static lm_instrument *cache[64];
	if (i >= sizeof cache / sizeof cache[0])
		return NULL;
	if (!cache[i])
		CHECK(lm_instrument_load_builtin(&cache[i], lm_builtin_id(i), NULL) == LM_OK);
	return cache[i];
}

static void check_results(const lm_scorer *s, const lm_instrument *inst)
{
	size_t n_items = lm_instrument_item_count(inst);
	for (size_t i = 0; i < n_items; i++) {
		int st = lm_scorer_value_state(s, i);
		double v = lm_scorer_value(s, i);
		CHECK(st == LM_VALUE_BLANK || st == LM_VALUE_ANSWERED || st == LM_VALUE_CODED);
		CHECK((st == LM_VALUE_BLANK) == (isnan(v) != 0));
	}
	for (size_t i = 0; i < lm_instrument_scale_count(inst); i++) {
		const lm_scale *sc = lm_instrument_scale(inst, i);
		double v = lm_scorer_scale_score(s, i);
		int st = lm_scorer_scale_status(s, i);
		size_t answered = lm_scorer_scale_answered(s, i), coded = lm_scorer_scale_coded(s, i);
		CHECK(lm_score_status_name(st) != NULL);
		CHECK(answered + coded <= lm_scale_item_count(sc));
		CHECK((st == LM_SCORE_INSUFFICIENT) == (answered < lm_scale_min_answered(sc)));
		CHECK(isnan(v) || st != LM_SCORE_INSUFFICIENT);
		if (!isnan(v))
			CHECK(v >= lm_scale_min(sc) - 1e-9 && v <= lm_scale_max(sc) + 1e-9);
		long b = lm_scorer_scale_band(s, i);
		CHECK(b >= -1 && (b < 0 || (size_t)b < lm_scale_band_count(sc)));
		CHECK(lm_scale_band_count(sc) == 0 || isnan(v) || b >= 0);
	}
	for (size_t i = 0; i < lm_instrument_rule_count(inst); i++) {
		int r = lm_scorer_rule(s, i);
		CHECK(r == LM_RULE_FALSE || r == LM_RULE_TRUE || r == LM_RULE_UNKNOWN);
	}
	CHECK(lm_scorer_scale_status(s, lm_instrument_scale_count(inst)) == LM_INVALID_ENUM);
	CHECK(lm_scorer_rule(s, lm_instrument_rule_count(inst)) == LM_INVALID_ENUM);
}

/* One value per item from the input, into the scorer (or into values[]). */
static void fill(lm_scorer *s, const lm_instrument *inst, struct in *in, double *values, lm_error *err)
{
	size_t n = lm_instrument_item_count(inst);
	for (size_t i = 0; i < n; i++) {
		const lm_item *it = lm_instrument_item(inst, i);
		size_t nr = lm_item_response_count(it);
		uint8_t op, b = 0, c = 0;
		if (!take(in, &op))
			return;
		int rc = LM_OK;
		double v = NAN;
		switch (op % 6) {
		case 0:
			break;
		case 1:
			(void)take(in, &b);
			v = nr ? lm_item_response_value(it, b % nr) : (double)b;
			break;
		case 2: {
			uint8_t raw[sizeof(double)] = {0};
			for (size_t k = 0; k < sizeof raw; k++)
				(void)take(in, &raw[k]);
			memcpy(&v, raw, sizeof v);
			break;
		}
		case 3: {
			(void)take(in, &b);
			size_t len = b % 48u;
			if (len > in->n)
				len = in->n;
			/* A copy of exactly len bytes: the text need not be NUL-terminated. */
			char *text = malloc(len ? len : 1);
			if (!text)
				return;
			if (len)
				memcpy(text, in->p, len);
			in->p += len;
			in->n -= len;
			rc = lm_scorer_set_text(s, i, text, len, err);
			CHECK(rc == LM_OK || rc == LM_EDATA);
			free(text);
			if (!values)
				continue;
			v = lm_scorer_value(s, i);
			break;
		}
		case 4: {
			(void)take(in, &b);
			(void)take(in, &c);
			const char *label;
			size_t nm = lm_instrument_missing_code_count(lm_scorer_instrument(s));
			if (nr && (nm == 0 || b < 200))
				label = lm_item_response_label(it, b % nr);
			else if (nm)
				label = lm_instrument_missing_code_label(lm_scorer_instrument(s), b % nm);
			else
				label = NULL;
			if (!label)
				break;
			size_t len = strlen(label);
			char buf[256];
			if (len >= sizeof buf)
				break;
			for (size_t k = 0; k < len; k++)
				buf[k] = (char)((c & 1) ? toupper((unsigned char)label[k])
							: (c & 2) ? tolower((unsigned char)label[k]) : label[k]);
			rc = lm_scorer_set_text(s, i, buf, len, err);
			CHECK(rc == LM_OK || rc == LM_EDATA);
			if (!values)
				continue;
			v = lm_scorer_value(s, i);
			break;
		}
		default:
			CHECK(lm_scorer_set(s, n + op, 1.0, NULL) == LM_EINVAL);
			CHECK(lm_scorer_set_text(s, n + op, "1", 1, NULL) == LM_EINVAL);
			break;
		}
		if (values) {
			values[i] = v;
		} else {
			rc = lm_scorer_set(s, i, v, err);
			CHECK(rc == LM_OK || rc == LM_EDATA);
			if (rc == LM_EDATA)
				CHECK(lm_scorer_value_state(s, i) == LM_VALUE_BLANK);
		}
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 2 || lm_builtin_count() == 0)
		return 0;
	const lm_instrument *inst = instrument(data[0] % lm_builtin_count());
	if (!inst)
		return 0;
	unsigned mode = data[1];
	struct in in = {data + 2, size - 2};
	lm_scorer *s = NULL;
	lm_error *err = NULL;
	double *values = NULL;
	size_t n = lm_instrument_item_count(inst);
	if (lm_scorer_new(&s, inst) != LM_OK || lm_error_new(&err) != LM_OK)
		goto out;
	CHECK(lm_scorer_instrument(s) == inst);
	for (int round = 0; round < ((mode & 2u) ? 2 : 1); round++) {
		if (mode & 1u) {
			values = malloc((n ? n : 1) * sizeof *values);
			if (!values)
				goto out;
			for (size_t i = 0; i < n; i++)
				values[i] = NAN;
			fill(s, inst, &in, values, err);
			int rc = lm_scorer_score(s, values, n, err);
			CHECK(rc == LM_OK || rc == LM_EDATA);
			if (rc == LM_OK)
				check_results(s, inst);
			CHECK(lm_scorer_score(s, values, n + 1, NULL) == LM_EINVAL);
			free(values);
			values = NULL;
		} else {
			if (round == 0)
				lm_scorer_clear(s);
			fill(s, inst, &in, NULL, err);
			CHECK(lm_scorer_run(s) == LM_OK);
			check_results(s, inst);
		}
		lm_error_clear(err);
	}
out:
	free(values);
	lm_error_free(err);
	lm_scorer_free(s);
	return 0;
}
