/*
 * Fuzz target: the CSV / survey-export reader (lm_table_open_buffer() and
 * lm_table_next()), every row scored.
 *
 * Input: one option byte, then the table's bytes.
 *   bits 0-1  instrument: the bundled stss; the four-item test instruments
 *             of tests/data/tables: wsc (instrument.yaml there) and tab
 *             (tests/test_table.c: t_1..t_4, t_4 a filler); the bundled cbi
 *   bits 2-3  delimiter: detected from the header, ',', ';', tab
 *   bit 4     Qualtrics-style: item columns under the prefix "Q5_", ids in
 *             "ResponseId"
 *   bit 5     "NA" and "." are blank
 *   bit 6     a further column "group" is required
 *   bit 7     the first item is read from column "x"
 */
#include "fuzz.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "../helpers.h"
#include "libra_measures/libra_measures.h"

static const char wsc_yaml[] =
	"format: 1\n"
	"id: wsc\n"
	"name: Work strain check (test instrument)\n"
	"version: \"1\"\n"
	"responses:\n"
	"  - {value: 1, label: Never}\n"
	"  - {value: 2, label: Rarely}\n"
	"  - {value: 3, label: Occasionally}\n"
	"  - {value: 4, label: Often}\n"
	"  - {value: 5, label: Very often}\n"
	"missing_codes:\n"
	"  - {value: -99, label: Prefer not to say}\n"
	"items:\n"
	"  - {id: wsc_1, label: first statement}\n"
	"  - {id: wsc_2, label: second statement}\n"
	"  - {id: wsc_3, label: third statement}\n"
	"  - {id: wsc_4, label: fourth statement}\n"
	"scales:\n"
	"  - {id: total, label: Total, items: [wsc_1, wsc_2, wsc_3, wsc_4], method: prorated_sum, min_answered: 3}\n";

/* Loaded once and kept for the life of the process (still reachable, not a leak). */
static lm_instrument *instrument(unsigned which)
{
	static lm_instrument *cache[4];
	static const char *const builtin[4] = {"stss", NULL, NULL, "cbi"};
	if (!cache[which]) {
		int rc;
		if (builtin[which])
			rc = lm_instrument_load_builtin(&cache[which], builtin[which], NULL);
		else if (which == 1)
			rc = lm_instrument_load_buffer(&cache[which], wsc_yaml, sizeof wsc_yaml - 1, "wsc.yaml", NULL);
		else
			rc = lm_instrument_load_buffer(&cache[which], tab_yaml, tab_yaml_len, "tab.yaml", NULL);
		CHECK(rc == LM_OK);
	}
	return cache[which];
}

static void check_row(const lm_table *t, const lm_scorer *s, const lm_instrument *inst, int r)
{
	size_t len = 0, sum = 0;
	const char *id = lm_table_row_id(t, &len);
	if (id && len)
		sum += (unsigned char)id[len - 1];
	for (size_t k = 0; k < lm_table_column_count(t) + 1; k++) {
		const char *f = lm_table_field(t, k, &len);
		if (f && len)
			sum += (unsigned char)f[0] + (unsigned char)f[len - 1];
	}
	const char *problem = lm_table_row_problem(t);
	if (r == 1) {
		CHECK(problem == NULL);
		for (size_t i = 0; i < lm_instrument_scale_count(inst); i++) {
			const lm_scale *sc = lm_instrument_scale(inst, i);
			double v = lm_scorer_scale_score(s, i);
			int st = lm_scorer_scale_status(s, i);
			CHECK(lm_score_status_name(st) != NULL);
			CHECK(!isnan(v) || st == LM_SCORE_INSUFFICIENT);
			if (!isnan(v))
				CHECK(v >= lm_scale_min(sc) - 1e-9 && v <= lm_scale_max(sc) + 1e-9);
			long b = lm_scorer_scale_band(s, i);
			CHECK(b >= -1 && (b < 0 || (size_t)b < lm_scale_band_count(sc)));
		}
		for (size_t i = 0; i < lm_instrument_rule_count(inst); i++)
			(void)lm_scorer_rule(s, i);
	} else {
		CHECK(problem != NULL);
		sum += strlen(problem);
	}
	(void)lm_table_row(t);
	(void)lm_table_line(t);
	(void)sum;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	unsigned opt = data[0];
	const char *csv = (const char *)data + 1;
	size_t len = size - 1;
	static const char delimiters[4] = {'\0', ',', ';', '\t'};

	const lm_instrument *inst = instrument(opt & 3u);
	lm_table *t = NULL;
	lm_scorer *s = NULL;
	lm_error *err = NULL;
	size_t group = 0;
	if (lm_table_new(&t, inst) != LM_OK || lm_scorer_new(&s, inst) != LM_OK || lm_error_new(&err) != LM_OK)
		goto out;
	CHECK(lm_table_set_delimiter(t, delimiters[(opt >> 2) & 3u]) == LM_OK);
	if (opt & 0x10u) {
		CHECK(lm_table_set_prefix(t, "Q5_") == LM_OK);
		CHECK(lm_table_set_id_column(t, "ResponseId") == LM_OK);
	}
	if (opt & 0x20u) {
		CHECK(lm_table_add_missing(t, "NA") == LM_OK);
		CHECK(lm_table_add_missing(t, ".") == LM_OK);
	}
	if (opt & 0x40u)
		CHECK(lm_table_require_column(t, "group", &group) == LM_OK);
	if (opt & 0x80u)
		CHECK(lm_table_map_column(t, lm_item_id(lm_instrument_item(inst, 0)), "x", NULL) == LM_OK);

	int rc = lm_table_open_buffer(t, csv, len, "fuzz.csv", err);
	if (rc != LM_OK && !(opt & 0x10u)) {
		/* Most inputs have no "id" column, which is refused: read them
		 * again as a table said to have none, so that their rows are read. */
		CHECK(lm_error_total(err) > 0 || rc == LM_ENOMEM);
		lm_error_clear(err);
		CHECK(lm_table_set_no_id(t, 1) == LM_OK);
		rc = lm_table_open_buffer(t, csv, len, "fuzz.csv", err);
	}
	if (rc != LM_OK) {
		CHECK(lm_error_total(err) > 0 || rc == LM_ENOMEM);
		goto out;
	}
	(void)lm_table_is_qualtrics(t);
	(void)lm_table_id_column(t);
	CHECK(lm_table_name(t) != NULL);
	for (size_t k = 0; k < lm_table_column_count(t); k++)
		CHECK(lm_table_column_name(t, k) != NULL);
	CHECK(lm_table_column_name(t, lm_table_column_count(t)) == NULL);

	for (;;) {
		lm_error_clear(err);
		int r = lm_table_next(t, s, err);
		if (r == 0)
			break;
		if (r != 1 && r != LM_EDATA)
			break; /* reading cannot go on (e.g. LM_ELIMIT) */
		if (r == LM_EDATA)
			CHECK(lm_error_total(err) > 0);
		check_row(t, s, inst, r);
		if (opt & 0x40u) {
			size_t vlen = 0;
			const char *v = lm_table_column_value(t, group, &vlen);
			if (v && vlen)
				(void)(unsigned char)v[vlen - 1];
		}
	}
	unsigned long rejected = 0;
	for (int reason = LM_REJECT_VALUE; reason <= LM_REJECT_TEXT; reason++)
		rejected += lm_table_rows_rejected_for(t, reason);
	CHECK(rejected == lm_table_rows_rejected(t));
	CHECK(lm_table_rows_rejected(t) <= lm_table_rows_read(t));
out:
	lm_error_free(err);
	lm_scorer_free(s);
	lm_table_free(t);
	return 0;
}
