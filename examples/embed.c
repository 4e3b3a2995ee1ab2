/*
 * embed.c — libra_measures inside an application: load the bundled STSS,
 * score one respondent, print each scale and the criteria rule.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include <libra_measures/libra_measures.h>

int main(void)
{
	/* The 17 STSS answers in item order (1 = never ... 5 = very often); NAN is a blank.
	 * STSS scales are plain sums, so the blank leaves avoidance and the total unscored. */
	const double answers[] = {2, 3, 1, 4, NAN, 3, 2, 3, 1, 3, 4, 2, 2, 1, 3, 4, 2};
	lm_error *err = NULL;        /* owned; optional, but it says what went wrong and where */
	lm_instrument *stss = NULL;  /* owned; immutable, so threads may share it */
	lm_scorer *scorer = NULL;    /* owned; one thread at a time; keeps its own reference to stss */
	char score[32];
	int status = 1;

	if (lm_error_new(&err) != LM_OK || lm_instrument_load_builtin(&stss, "stss", err) != LM_OK ||
	    lm_scorer_new(&scorer, stss) != LM_OK ||
	    lm_scorer_score(scorer, answers, sizeof answers / sizeof answers[0], err) != LM_OK) {
		for (size_t i = 0; i < lm_error_count(err); i++)
			fprintf(stderr, "%s\n", lm_error_text(err, i)); /* FILE:LINE:COL: message */
		goto out;
	}
	for (size_t s = 0; s < lm_instrument_scale_count(stss); s++) {
		const lm_scale *scale = lm_instrument_scale(stss, s); /* borrowed from stss */
		long band = lm_scorer_scale_band(scorer, s);           /* -1: no band (or no score) */

		if (lm_format_number(score, sizeof score, lm_scorer_scale_score(scorer, s)) == 0)
			strcpy(score, "-"); /* NaN: too few items answered */
		printf("%-10s %5s  %-12s %s\n", lm_scale_id(scale), score,
		       lm_score_status_name(lm_scorer_scale_status(scorer, s)),
		       band < 0 ? "-" : lm_band_label(lm_scale_band(scale, (size_t)band)));
	}
	for (size_t r = 0; r < lm_instrument_rule_count(stss); r++) /* no find-by-id for rules */
		if (strcmp(lm_rule_id(lm_instrument_rule(stss, r)), "criteria") == 0) {
			int v = lm_scorer_rule(scorer, r); /* three-valued: a blank may leave it open */
			printf("criteria: %s\n", v == LM_RULE_TRUE ? "met" : v == LM_RULE_FALSE ? "not met" : "undetermined");
		}
	status = 0;
out:
	lm_scorer_free(scorer); /* any order: each free accepts NULL, and the scorer holds its own reference */
	lm_instrument_free(stss);
	lm_error_free(err);
	return status;
}
