/*
 * Fuzz target: the batch call (lm_batch_score()) against the bundled
 * instruments, checked row by row against the one-respondent scorer.
 *
 * Input: byte 0 picks the bundled instrument (modulo their number); byte 1
 * the mode: bit 0 rejects bad rows instead of failing, bit 1 leaves the
 * outputs of every other scale unset; byte 2 the number of rows (mod 32).
 * Then per item one byte: mod 3 = 0 a numeric column, 1 a text column,
 * 2 no column; then the cells, row by row, item by item, while input lasts
 * (later cells blank). A numeric cell starts with a byte whose value mod 4 is
 *   0  blank (NaN), 1 the item's response number (next byte), 2 a raw double
 *   (next 8 bytes), 3 a missing code (next byte);
 * a text cell with a byte: 0 NULL, 1 a response label (next byte), in the
 * case the byte after says, 2 text of (next byte mod 24) bytes, 3 a number
 * as text.
 * Whatever the input: the call returns LM_OK or LM_EDATA (never crashes), and
 * every row's results equal those of lm_scorer_set()/set_text() + run, or
 * no results for a bad row.
 */
#include "fuzz.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "libra_measures/libra_measures.h"

#define MAX_ROWS 32
#define MAX_ITEMS 64

struct in {
	const uint8_t *p;
	size_t n;
};

static uint8_t take(struct in *in)
{
	if (!in->n)
		return 0;
	in->n--;
	return *in->p++;
}

static lm_instrument *instrument(size_t i)
{
	static lm_instrument *cache[64];
	if (i >= sizeof cache / sizeof cache[0])
		return NULL;
	if (!cache[i])
		CHECK(lm_instrument_load_builtin(&cache[i], lm_builtin_id(i), NULL) == LM_OK);
	return cache[i];
}

static double num[MAX_ITEMS][MAX_ROWS];
static char text[MAX_ITEMS][MAX_ROWS][64];
static const char *tp[MAX_ITEMS][MAX_ROWS];
static int kind[MAX_ITEMS];

static void cell(const lm_instrument *inst, size_t i, size_t r, struct in *in)
{
	const lm_item *it = lm_instrument_item(inst, i);
	size_t nresp = lm_item_response_count(it), nm = lm_instrument_missing_code_count(inst);
	uint8_t op = take(in);
	if (kind[i] == 0) {
		switch (op % 4) {
		case 0: num[i][r] = NAN; break;
		case 1: num[i][r] = nresp ? lm_item_response_value(it, take(in) % nresp) : NAN; break;
		case 2: {
			uint8_t b[8];
			for (int k = 0; k < 8; k++)
				b[k] = take(in);
			memcpy(&num[i][r], b, 8);
			break;
		}
		default: num[i][r] = nm ? lm_instrument_missing_code_value(inst, take(in) % nm) : -1; break;
		}
		return;
	}
	char *t = text[i][r];
	tp[i][r] = t;
	switch (op % 4) {
	case 0: tp[i][r] = NULL; break;
	case 1: {
		const char *label = nresp ? lm_item_response_label(it, take(in) % nresp) : "x";
		uint8_t c = take(in);
		snprintf(t, 64, "%s", label);
		for (char *p = t; *p; p++)
			*p = (char)(c & 1 ? toupper((unsigned char)*p) : tolower((unsigned char)*p));
		break;
	}
	case 2: {
		size_t len = take(in) % 24;
		for (size_t k = 0; k < len; k++)
			t[k] = (char)(take(in) | 1); /* no NUL inside */
		t[len] = '\0';
		break;
	}
	default: snprintf(t, 64, " %d ", (int)(take(in) % 12) - 2); break;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct in in = {data, size};
	const lm_instrument *inst = instrument(take(&in) % lm_builtin_count());
	uint8_t mode = take(&in);
	size_t n = take(&in) % MAX_ROWS, ni = lm_instrument_item_count(inst);
	size_t ns = lm_instrument_scale_count(inst), nr = lm_instrument_rule_count(inst);
	if (ni > MAX_ITEMS || ns > 16 || nr > 16)
		return 0;
	for (size_t i = 0; i < ni; i++)
		kind[i] = take(&in) % 3;
	for (size_t r = 0; r < n; r++)
		for (size_t i = 0; i < ni; i++) {
			num[i][r] = NAN;
			tp[i][r] = NULL;
			if (kind[i] != 2)
				cell(inst, i, r, &in);
		}
	lm_batch *b = NULL;
	lm_error *err = NULL;
	CHECK(lm_batch_new(&b, inst) == LM_OK && lm_error_new(&err) == LM_OK);
	static double score[16][MAX_ROWS];
	static int answered[16][MAX_ROWS], status[16][MAX_ROWS], band[16][MAX_ROWS], rule[16][MAX_ROWS],
		rejected[MAX_ROWS];
	int missing_column = 0;
	for (size_t i = 0; i < ni; i++) {
		if (kind[i] == 0)
			CHECK(lm_batch_set_numeric(b, i, num[i], NULL) == LM_OK);
		else if (kind[i] == 1)
			CHECK(lm_batch_set_text(b, i, tp[i], "col") == LM_OK);
		else
			missing_column |= lm_item_scored(lm_instrument_item(inst, i));
	}
	for (size_t s = 0; s < ns; s++)
		if (!(mode & 2) || s % 2 == 0)
			CHECK(lm_batch_set_scale_output(b, s, score[s], answered[s], status[s], band[s]) == LM_OK);
	for (size_t k = 0; k < nr; k++)
		CHECK(lm_batch_set_rule_output(b, k, rule[k]) == LM_OK);
	CHECK(lm_batch_set_rejected_output(b, rejected) == LM_OK);
	CHECK(lm_batch_set_reject_rows(b, mode & 1) == LM_OK);
	int rc = lm_batch_score(b, n, err);
	CHECK(rc == LM_OK || rc == LM_EDATA);
	CHECK(lm_error_count(err) <= lm_error_total(err));
	lm_scorer *sc = NULL;
	CHECK(lm_scorer_new(&sc, inst) == LM_OK);
	size_t bad = 0;
	for (size_t r = 0; r < n; r++) {
		int row_rc = LM_OK;
		lm_scorer_clear(sc);
		for (size_t i = 0; i < ni; i++) {
			int k = LM_OK;
			if (kind[i] == 0)
				k = lm_scorer_set(sc, i, num[i][r], NULL);
			else if (kind[i] == 1 && tp[i][r])
				k = lm_scorer_set_text(sc, i, tp[i][r], strlen(tp[i][r]), NULL);
			if (k != LM_OK)
				row_rc = k;
		}
		CHECK(row_rc == LM_OK || row_rc == LM_EDATA);
		bad += row_rc != LM_OK;
		if (missing_column)
			continue;
		CHECK(rejected[r] == (row_rc != LM_OK));
		int none = row_rc != LM_OK || rc != LM_OK;
		if (!none)
			CHECK(lm_scorer_run(sc) == LM_OK);
		for (size_t s = 0; s < ns; s++) {
			if ((mode & 2) && s % 2)
				continue;
			double want = none ? NAN : lm_scorer_scale_score(sc, s);
			CHECK((isnan(want) && isnan(score[s][r])) || want == score[s][r]);
			CHECK(answered[s][r] == (none ? 0 : (int)lm_scorer_scale_answered(sc, s)));
			CHECK(status[s][r] == (none ? LM_SCORE_INSUFFICIENT : lm_scorer_scale_status(sc, s)));
			CHECK(band[s][r] == (none ? -1 : (int)lm_scorer_scale_band(sc, s)));
		}
		for (size_t k = 0; k < nr; k++)
			CHECK(rule[k][r] == (none ? LM_RULE_UNKNOWN : lm_scorer_rule(sc, k)));
	}
	if (missing_column)
		CHECK(rc == LM_EDATA && lm_error_total(err) == 1);
	else {
		CHECK(lm_batch_rejected_count(b) == bad);
		CHECK(lm_error_total(err) >= bad);
		CHECK((rc == LM_OK) == (bad == 0 || (mode & 1)));
	}
	lm_scorer_free(sc);
	lm_batch_free(b);
	lm_error_free(err);
	return 0;
}
